#!/usr/bin/env bash
# The README's main job on the embedded defaults: generate a small batch of scanner output (dossiers as PDF,
# TIFF and JPEG, a mixed stack split by QR receipt sheets, one unlinkable document, a registry export),
# ingest it, then show the managers' report and one search.
set -euo pipefail
cd "$(dirname "$0")/.."
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1 PREFECT_LOGGING_LEVEL=WARNING
sample="${SAMPLE:-out/sample}"
export SOHOA_HOME="${SOHOA_HOME:-$PWD/out/demo-home}"
sohoa=.venv/bin/sohoa
rm -rf "$sample" "$SOHOA_HOME" && mkdir -p "$sample"
echo "== 1. Generating sample scanner output in $sample/scans"
.venv/bin/python -m benchmarks.synth sample "$sample"
echo "== 2. sohoa doctor"
$sohoa doctor
echo "== 3. sohoa ingest $sample/scans --manifest $sample/registry.csv"
$sohoa ingest "$sample/scans" --manifest "$sample/registry.csv" --settle 0
echo "== 4. sohoa ingest again: nothing is done twice"
$sohoa ingest "$sample/scans" --settle 0
echo "== 5. sohoa report --by unit"
$sohoa report --by unit
echo "== 5b. sohoa procedures import + sohoa report --indicators: the QĐ 766 indicators 4.1/4.2/4.3 (docs/indicators.md)"
.venv/bin/python - "$sample/procedures.csv" <<'EOF'
import csv, sys
from benchmarks.synth.content import PROCEDURES
with open(sys.argv[1], "w", newline="", encoding="utf-8") as handle:
    out = csv.writer(handle)
    out.writerow(["Mã TTHC", "Tên TTHC", "Lĩnh vực", "Có kết quả bằng văn bản"])
    for p in PROCEDURES:  # the sample's catalogue: a certified copy (chứng thực) returns no written result
        out.writerow([p.code, p.name, p.field, "Không" if p.field == "Chứng thực" else "Có"])
EOF
$sohoa procedures import "$sample/procedures.csv" || true  # lists registry procedures missing from it
$sohoa report --indicators --by unit
$sohoa report --indicators --out "$sample/theo-doi-so-hoa-qd766.xlsx"
echo "== 6. sohoa search 'quyet dinh cap giay chung nhan' (typed without diacritics)"
$sohoa search "quyet dinh cap giay chung nhan" --limit 3
echo
echo "Data is in $SOHOA_HOME (catalogue, objects, search index). Try: SOHOA_HOME=$SOHOA_HOME $sohoa search 'tên người'"
