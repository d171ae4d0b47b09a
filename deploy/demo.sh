#!/usr/bin/env bash
# The README's main job: generate a small sample of scanner output, OCR it and show what came out.
set -euo pipefail
cd "$(dirname "$0")/.."
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
sample="${SAMPLE:-out/sample}"
rm -rf "$sample" && mkdir -p "$sample"
echo "== Generating a sample batch of scanned dossiers in $sample/scans"
.venv/bin/python -m benchmarks.synth sample "$sample/scans"
echo "== sohoa doctor"
.venv/bin/sohoa doctor || true
echo "== sohoa ocr (searchable PDF, text and page report per file in $sample/ocr)"
mapfile -t scans < <(find "$sample/scans" -type f \( -iname "*.pdf" -o -iname "*.tif*" -o -iname "*.jp*g" -o -iname "*.png" \) | sort)
.venv/bin/sohoa ocr "${scans[@]}" --out "$sample/ocr" || true
ls -la "$sample/ocr"
