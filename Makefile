# Two entry points for a fresh machine: `make demo` (the main job on the embedded defaults) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLE ?= out/sample
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: demo test install install-test services-up services-down bench clean

$(VENV)/.installed: pyproject.toml
	bash deploy/install-system.sh runtime
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# tesserocr from source, against the system libtesseract the tesseract program uses (ocr/tesseract.py)
	$(PY) -m pip install -q --no-binary tesserocr -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	bash deploy/install-system.sh test
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	bash deploy/demo.sh

test: install-test
	bash deploy/run-tests.sh

bench: install
	$(PY) -m benchmarks.ocr_quality

clean:
	rm -rf out .sohoa
