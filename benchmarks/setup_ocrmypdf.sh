#!/usr/bin/env bash
# Install OCRmyPDF 17.x into its own venv (its pins clash with ours) for the OCR quality benchmark.
# Usage: benchmarks/setup_ocrmypdf.sh   -> prints the path of the ocrmypdf executable
set -euo pipefail

cache="${SOHOA_CACHE:-$HOME/.cache/sohoa}"
venv="$cache/ocrmypdf-venv"
python="${PYTHON:-python3}"

if ! "$python" -c "import venv, ensurepip" 2>/dev/null; then
    echo "error: $python cannot create virtual environments (apt-get install python3-venv)" >&2
    exit 3
fi
for tool in tesseract gs unpaper qpdf; do
    command -v "$tool" >/dev/null || echo "warning: $tool not found; OCRmyPDF options that need it will fail" >&2
done
if [ ! -x "$venv/bin/ocrmypdf" ]; then
    mkdir -p "$cache"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet "ocrmypdf>=17,<18"
fi
"$venv/bin/ocrmypdf" --version >&2
echo "$venv/bin/ocrmypdf"
