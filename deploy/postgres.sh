#!/usr/bin/env bash
# PostgreSQL for tests and Prefect: install | start | stop. Only KEY=VALUE lines go to stdout; logs go to stderr.
#
# Uses the Debian cluster (pg_ctlcluster) because apt already wires its service user, data folder and
# socket permissions correctly for root; a private initdb would have to re-create all of that by hand.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT="${SOHOA_POSTGRES_PORT:-5432}"
PG_ROLE="${SOHOA_POSTGRES_ROLE:-sohoa}"
PG_PASSWORD="${SOHOA_POSTGRES_PASSWORD:-sohoa}"
PG_CLUSTER=main

log() { echo "postgres.sh: $*" >&2; }

pg_version() {
    # The newest server major installed, e.g. 15 on Debian 12.
    ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1
}

as_postgres() { runuser -u postgres -- "$@"; }

psql_admin() { as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }

install() {
    if [ -n "$(pg_version)" ] && command -v pg_ctlcluster >/dev/null; then
        log "already installed: PostgreSQL $(pg_version)"
        return
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y postgresql >&2
}

ensure_cluster() {
    local version="$1"
    if ! pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v c="$PG_CLUSTER" '$1==v && $2==c {f=1} END {exit !f}'; then
        log "creating cluster $version/$PG_CLUSTER on port $PG_PORT"
        pg_createcluster "$version" "$PG_CLUSTER" --port "$PG_PORT" >&2
    fi
}

wait_ready() {
    local version="$1"
    for _ in $(seq 1 60); do
        if "/usr/lib/postgresql/$version/bin/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT"; then
            return 0
        fi
        sleep 0.5
    done
    log "PostgreSQL did not become ready on $PG_HOST:$PG_PORT within 30 s"
    return 1
}

ensure_role_and_databases() {
    if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'")" != "1" ]; then
        psql_admin -c "CREATE ROLE \"$PG_ROLE\" LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
    else
        psql_admin -c "ALTER ROLE \"$PG_ROLE\" LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
    fi
    for db in sohoa_test prefect; do
        if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
            as_postgres createdb -p "$PG_PORT" -O "$PG_ROLE" "$db"
        fi
    done
}

start() {
    local version
    version="$(pg_version)"
    if [ -z "$version" ]; then
        log "PostgreSQL is not installed: run '$0 install' first"
        exit 3
    fi
    ensure_cluster "$version"
    if ! "/usr/lib/postgresql/$version/bin/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT"; then
        log "starting cluster $version/$PG_CLUSTER"
        pg_ctlcluster "$version" "$PG_CLUSTER" start >&2
    fi
    wait_ready "$version"
    ensure_role_and_databases
    local auth="$PG_ROLE:$PG_PASSWORD@$PG_HOST:$PG_PORT"
    echo "SOHOA_TEST_POSTGRES_URL=postgresql+psycopg://$auth/sohoa_test"
    echo "SOHOA_TEST_PREFECT_DATABASE_URL=postgresql+asyncpg://$auth/prefect"
}

stop() {
    local version
    version="$(pg_version)"
    if [ -n "$version" ] && pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v c="$PG_CLUSTER" '$1==v && $2==c && $4=="online" {f=1} END {exit !f}'; then
        pg_ctlcluster "$version" "$PG_CLUSTER" stop >&2
        log "stopped cluster $version/$PG_CLUSTER"
    else
        log "not running"
    fi
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
