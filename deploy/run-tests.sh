#!/usr/bin/env bash
# Start the real services, run the whole test suite against them, stop the services whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
export SOHOA_CACHE="${SOHOA_CACHE:-$HOME/.cache/sohoa}"
export SOHOA_REQUIRE_SERVICES="${SOHOA_REQUIRE_SERVICES:-1}"
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
trap 'bash deploy/services.sh down >/dev/null 2>&1 || true' EXIT
bash deploy/verapdf.sh install
bash deploy/services.sh up > /dev/null
set -a; . "$SOHOA_CACHE/run/services.env"; set +a
mkdir -p tests/artifacts
.venv/bin/python -m pytest -p no:cacheprovider --timeout=900 "$@"
