# Shared helpers for deploy/<service>.sh scripts (sourced, not run).

# stop_by_pidfile NAME PID_FILE TIMEOUT_S: SIGTERM the process, wait up to TIMEOUT_S, then SIGKILL; returns once
# it is gone, so its ports are free for the next start.
stop_by_pidfile() {
  local name="$1" pid_file="$2" timeout="$3" pid
  if [ ! -f "$pid_file" ] || ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    rm -f "$pid_file"
    echo "$name: not running"
    return 0
  fi
  pid="$(cat "$pid_file")"
  kill -TERM "$pid"
  for _ in $(seq 1 $((timeout * 5))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$name: pid $pid still running $timeout s after SIGTERM, killing it"
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$pid_file"
  echo "$name: stopped"
}
