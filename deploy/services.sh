#!/usr/bin/env bash
# Start or stop every real service the test suite uses, on loopback; collect their KEY=VALUE settings.
# Usage: deploy/services.sh up [SERVICE...] | down [SERVICE...] | env
# Each deploy/<service>.sh has: install | start (prints KEY=VALUE lines) | stop.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export SOHOA_CACHE="${SOHOA_CACHE:-$HOME/.cache/sohoa}"
env_file="$SOHOA_CACHE/run/services.env"
all=(postgres seaweedfs minio elasticsearch elasticsearch-cluster prefect)
cmd="${1:-}"; shift || true
services=("$@"); [ ${#services[@]} -gt 0 ] || services=("${all[@]}")
mkdir -p "$SOHOA_CACHE/run"

# `elasticsearch-cluster` is the three-node cluster of deploy/elasticsearch.sh (start-cluster / stop-cluster).
script_of() { case "$1" in elasticsearch-cluster) echo "$here/elasticsearch.sh";; *) echo "$here/$1.sh";; esac; }
verb_of() { case "$1" in elasticsearch-cluster) echo "$2-cluster";; *) echo "$2";; esac; }
case "$cmd" in
  up)
    : > "$env_file.new"
    for s in "${services[@]}"; do
      script="$(script_of "$s")"
      [ -x "$script" ] || continue
      echo "== starting $s" >&2
      start=$(date +%s)
      if ! "$script" "$(verb_of "$s" start)" >> "$env_file.new"; then
        echo "services: $s failed to start" >&2
        exit 1
      fi
      echo "== $s ready in $(( $(date +%s) - start )) s" >&2
      # later services (Prefect on PostgreSQL) read what earlier ones printed
      set -a; . "$env_file.new"; set +a
    done
    mv "$env_file.new" "$env_file"
    cat "$env_file"
    ;;
  down)
    for s in "${services[@]}"; do
      script="$(script_of "$s")"
      [ -x "$script" ] && "$script" "$(verb_of "$s" stop)" >&2 || true
    done
    ;;
  env)
    cat "$env_file"
    ;;
  *)
    echo "usage: $0 up|down|env [service...]" >&2; exit 2;;
esac
