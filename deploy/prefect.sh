#!/usr/bin/env bash
# Prefect server on loopback, on PostgreSQL when SOHOA_TEST_PREFECT_DATABASE_URL is set (else its SQLite).
# Usage: deploy/prefect.sh install | start | stop     (start prints KEY=VALUE lines on stdout)
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SOHOA_CACHE:-$HOME/.cache/sohoa}"
run="$cache/run/prefect"
venv="${SOHOA_VENV:-$repo/.venv}"
port="${SOHOA_PREFECT_PORT:-4200}"
export PREFECT_HOME="$run/home" PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
export PREFECT_UI_ENABLED=false

case "${1:-}" in
  install)
    test -x "$venv/bin/prefect" || { echo "prefect is not installed in $venv (make install)" >&2; exit 1; }
    ;;
  start)
    "$0" install
    mkdir -p "$run/home"
    if [ -f "$run/pid" ] && kill -0 "$(cat "$run/pid")" 2>/dev/null; then
      :
    else
      if [ -n "${SOHOA_TEST_PREFECT_DATABASE_URL:-}" ]; then
        export PREFECT_API_DATABASE_CONNECTION_URL="$SOHOA_TEST_PREFECT_DATABASE_URL"
      fi
      nohup "$venv/bin/prefect" server start --host 127.0.0.1 --port "$port" > "$run/server.log" 2>&1 &
      echo $! > "$run/pid"
    fi
    for _ in $(seq 1 120); do
      if curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then
        echo "SOHOA_TEST_PREFECT_API_URL=http://127.0.0.1:$port/api"
        exit 0
      fi
      kill -0 "$(cat "$run/pid")" 2>/dev/null || break
      sleep 1
    done
    echo "prefect server did not become healthy; see $run/server.log" >&2
    tail -20 "$run/server.log" >&2 || true
    exit 1
    ;;
  stop)
    stop_by_pidfile prefect "$run/pid" 10
    ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2;;
esac
