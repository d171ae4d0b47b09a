#!/usr/bin/env bash
# Build (once, cached), start and stop a real MinIO server on loopback for tests and single-machine runs.
# Usage: deploy/minio.sh install | start | stop
#   start prints only KEY=VALUE lines on stdout (SOHOA_TEST_MINIO_URL=s3://...); logs go to stderr and
#   to $SOHOA_CACHE/run/minio/minio.log.
# Settings (environment): SOHOA_CACHE (default ~/.cache/sohoa), SOHOA_MINIO_PORT (9000),
#   SOHOA_MINIO_CONSOLE_PORT (9001), SOHOA_MINIO_RUN_DIR (default $SOHOA_CACHE/run/minio),
#   SOHOA_MINIO_ACCESS_KEY / SOHOA_MINIO_SECRET_KEY, SOHOA_MINIO_BUCKET,
#   SOHOA_MINIO_STOP_TIMEOUT (30 s, then SIGKILL), SOHOA_MINIO_START_TIMEOUT (60 s).
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
exec 3>&1 1>&2  # stdout is reserved for KEY=VALUE lines

# MinIO's community server is source-only now; this is the newest commit the Go proxy serves
# (2026-02-12). It builds with Go >= 1.24 in about 2-3 minutes and ~1.5 GB RAM on 2 cores.
MINIO_VERSION="${SOHOA_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"

cache="${SOHOA_CACHE:-$HOME/.cache/sohoa}"
bin_dir="$cache/minio/$MINIO_VERSION/bin"
minio="$bin_dir/minio"
run_dir="${SOHOA_MINIO_RUN_DIR:-$cache/run/minio}"
port="${SOHOA_MINIO_PORT:-9000}"
console_port="${SOHOA_MINIO_CONSOLE_PORT:-9001}"
access_key="${SOHOA_MINIO_ACCESS_KEY:-sohoa-test}"
secret_key="${SOHOA_MINIO_SECRET_KEY:-sohoa-test-secret}"
bucket="${SOHOA_MINIO_BUCKET:-sohoa-test}"
stop_timeout="${SOHOA_MINIO_STOP_TIMEOUT:-30}"
timeout="${SOHOA_MINIO_START_TIMEOUT:-60}"
pid_file="$run_dir/minio.pid"
log_file="$run_dir/minio.log"

install() {
  if [ -x "$minio" ]; then
    return 0
  fi
  command -v go >/dev/null || { echo "minio: Go is not installed (need Go >= 1.24)"; exit 3; }
  echo "minio: building github.com/minio/minio@$MINIO_VERSION into $bin_dir (a few minutes, once)"
  mkdir -p "$bin_dir"
  local started=$SECONDS
  GOPATH="$cache/go" GOMODCACHE="$cache/go/pkg/mod" GOCACHE="$cache/go-build" GOFLAGS=-modcacherw \
    GOBIN="$bin_dir.tmp" CGO_ENABLED=0 GOTOOLCHAIN=local \
    go install "github.com/minio/minio@$MINIO_VERSION"
  # go install writes in place; publish the binary only once it is complete
  mv "$bin_dir.tmp/minio" "$minio"
  rmdir "$bin_dir.tmp"
  echo "minio: built in $((SECONDS - started)) s"
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

ready() {
  curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/minio/health/ready"
}

print_env() {
  echo "SOHOA_TEST_MINIO_URL=s3://$access_key:$secret_key@127.0.0.1:$port/$bucket?secure=false" >&3
}

start() {
  install
  mkdir -p "$run_dir/data"
  if running && ready; then
    echo "minio: already running (pid $(cat "$pid_file"))"
    print_env
    return 0
  fi
  if ready; then
    echo "minio: something else already answers on 127.0.0.1:$port; refusing to start a second server"
    exit 1
  fi
  echo "minio: starting on 127.0.0.1:$port, data in $run_dir/data, log $log_file"
  MINIO_ROOT_USER="$access_key" MINIO_ROOT_PASSWORD="$secret_key" MINIO_UPDATE=off \
    MINIO_BROWSER=off MINIO_CALLHOME_ENABLE=off \
    setsid "$minio" server "$run_dir/data" --address "127.0.0.1:$port" \
    --console-address "127.0.0.1:$console_port" --quiet </dev/null >>"$log_file" 2>&1 3>&- &
  echo $! > "$pid_file"
  local deadline=$((SECONDS + timeout))
  until ready; do
    if ! running; then
      echo "minio: server exited during start; last log lines:"; tail -n 20 "$log_file"; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "minio: not ready after $timeout s; last log lines:"; tail -n 20 "$log_file"; stop; exit 1
    fi
    sleep 0.3
  done
  echo "minio: ready (pid $(cat "$pid_file"))"
  print_env
}

stop() {
  stop_by_pidfile minio "$pid_file" "$stop_timeout"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop"; exit 2 ;;
esac
