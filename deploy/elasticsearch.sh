#!/usr/bin/env bash
# Installs and runs a real Elasticsearch 8 on loopback, one JVM, no Docker, everything from Maven Central.
#
#   deploy/elasticsearch.sh install        # idempotent: fetch the server + dependencies into the cache
#   deploy/elasticsearch.sh start          # one node, HTTP on 127.0.0.1:9201; prints SOHOA_TEST_ES_URL=...
#   deploy/elasticsearch.sh stop
#   deploy/elasticsearch.sh start-cluster  # three nodes, HTTP on 9211..9213; prints SOHOA_TEST_ES_CLUSTER_URL=...
#   deploy/elasticsearch.sh stop-cluster
#
# A private instance (benchmarks, outage tests) beside the shared one: give it its own name, ports and folder,
#   SOHOA_ES_NAME=bench SOHOA_ES_BASE_PORT=9400 SOHOA_ES_HEAP=4g deploy/elasticsearch.sh start   # HTTP on 9401
#   SOHOA_ES_NAME=bench deploy/elasticsearch.sh stop
# SOHOA_ES_KEEP_DATA=1 keeps the data folder across a stop/start (an outage, not a fresh server).
#
# The codelibs cluster runner named in DESIGN.md stops at 7.10.2 on Maven Central (its 8.x releases live in
# its own repository, unreachable here), and the Python client 8 refuses a 7.10 server. So we assemble the
# real server from the artifacts Elastic publishes on Maven Central (org.elasticsearch:elasticsearch, the
# transport-netty4 plugin, the test framework for its class-path plugin loader) and start N nodes with the
# small launcher deploy/elasticsearch/SohoaEsNodes.java, compiled into the cache.
#
# STDOUT carries only KEY=VALUE lines; progress goes to STDERR, server logs to files under the cache.
# Environment: SOHOA_CACHE (default ~/.cache/sohoa), SOHOA_ES_VERSION, SOHOA_ES_HEAP, SOHOA_ES_CLUSTER_HEAP,
# SOHOA_ES_START_TIMEOUT (seconds), SOHOA_ES_NAME, SOHOA_ES_BASE_PORT (HTTP base+1, transport base+101),
# SOHOA_ES_RUN_DIR (pid, log and data folders), SOHOA_ES_KEEP_DATA.
set -euo pipefail

CACHE="${SOHOA_CACHE:-$HOME/.cache/sohoa}"
VERSION="${SOHOA_ES_VERSION:-8.14.3}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ES_HOME="$CACHE/elasticsearch/$VERSION"
LIB="$ES_HOME/lib"
RUN="${SOHOA_ES_RUN_DIR:-$CACHE/elasticsearch/run}"
NAME="${SOHOA_ES_NAME:-single}"
TIMEOUT="${SOHOA_ES_START_TIMEOUT:-180}"

log() { echo "elasticsearch.sh: $*" >&2; }

install() {
    if [[ -f "$ES_HOME/.installed" && "$ES_HOME/classes/.source" -nt "$HERE/elasticsearch/SohoaEsNodes.java" ]]; then
        log "already installed in $ES_HOME"
        return 0
    fi
    for tool in java javac mvn; do
        command -v "$tool" >/dev/null || { log "$tool not found (need a Java 17 JDK and Maven)"; exit 3; }
    done
    mkdir -p "$ES_HOME"
    if [[ ! -f "$ES_HOME/.installed" ]]; then
        # A throwaway pom whose only purpose is to let Maven resolve the server's transitive dependencies.
        cat >"$ES_HOME/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>sohoa</groupId>
  <artifactId>es-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.elasticsearch.test</groupId><artifactId>framework</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.elasticsearch.plugin</groupId><artifactId>transport-netty4</artifactId><version>$VERSION</version></dependency>
  </dependencies>
</project>
EOF
        log "fetching Elasticsearch $VERSION and dependencies from Maven Central (once)"
        (cd "$ES_HOME" && mvn -q -B -Dmaven.repo.local="$CACHE/m2" dependency:copy-dependencies \
            -DoutputDirectory="$LIB" -DincludeScope=runtime) >"$ES_HOME/install.log" 2>&1 \
            || { log "maven fetch failed, see $ES_HOME/install.log"; tail -20 "$ES_HOME/install.log" >&2; exit 1; }
        # With the randomized-testing runner on the class path Elasticsearch believes it runs in a unit test.
        rm -f "$LIB"/randomizedtesting-runner-*.jar "$LIB"/junit-*.jar "$LIB"/mockito-*.jar
    fi
    rm -rf "$ES_HOME/classes"
    mkdir -p "$ES_HOME/classes"
    javac -d "$ES_HOME/classes" -cp "$LIB/*" "$HERE/elasticsearch/SohoaEsNodes.java" >>"$ES_HOME/install.log" 2>&1 \
        || { log "compiling the launcher failed, see $ES_HOME/install.log"; exit 1; }
    touch "$ES_HOME/classes/.source" "$ES_HOME/.installed"
    log "installed $(ls "$LIB" | wc -l) jars in $LIB"
}

# start_runner NAME NODES BASE_PORT HEAP: starts (unless running), waits for health, sets READY_URL.
start_runner() {
    local name="$1" nodes="$2" base="$3" heap="$4"
    local dir="$RUN/$name" pidfile="$RUN/$name.pid" logfile="$RUN/$name.log"
    local url="http://127.0.0.1:$((base + 1))"
    install
    mkdir -p "$RUN"
    if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        log "$name already running (pid $(cat "$pidfile"))"
    else
        # A fresh data folder each start: test services hold no data worth keeping (unless an outage test
        # needs the server to come back with what it had).
        [[ "${SOHOA_ES_KEEP_DATA:-0}" == 1 ]] || rm -rf "$dir"
        mkdir -p "$dir"
        local t0=$SECONDS
        # Loopback only; only the server core, netty4 and asciifolding are loaded: no x-pack, no ML, no
        # geoip downloader, no usage reporting, so nothing tries to reach the internet.
        nohup java "-Xms$heap" "-Xmx$heap" -XX:+UseSerialGC -Djava.awt.headless=true \
            -Dlog4j2.disable.jmx=true -cp "$LIB/*:$ES_HOME/classes" org.elasticsearch.node.SohoaEsNodes \
            "$dir" "$nodes" "$base" "$((base + 100))" "sohoa-$name" \
            >"$logfile" 2>&1 </dev/null &
        echo $! >"$pidfile"
        log "$name starting (pid $!), log $logfile"
        local want="yellow"
        [[ "$nodes" -gt 1 ]] && want="green"
        while :; do
            if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
                log "$name died during start; last log lines:"; tail -30 "$logfile" >&2; rm -f "$pidfile"; exit 1
            fi
            if curl -fsS "$url/_cluster/health?wait_for_status=$want&wait_for_nodes=$nodes&timeout=1s" \
                >/dev/null 2>&1; then
                break
            fi
            if (( SECONDS - t0 > TIMEOUT )); then
                log "$name not healthy after ${TIMEOUT}s; see $logfile"; stop_runner "$name"; exit 1
            fi
            sleep 1
        done
        log "$name healthy after $((SECONDS - t0))s"
    fi
    READY_URL="$url"
}

stop_runner() {
    local name="$1" pidfile="$RUN/$1.pid"
    if [[ -f "$pidfile" ]]; then
        local pid
        pid="$(cat "$pidfile")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
            if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
        fi
        rm -f "$pidfile"
        log "$name stopped"
    else
        log "$name not running"
    fi
}

case "${1:-}" in
    install) install ;;
    start)
        start_runner "$NAME" 1 "${SOHOA_ES_BASE_PORT:-9200}" "${SOHOA_ES_HEAP:-1g}"
        echo "SOHOA_TEST_ES_URL=$READY_URL"
        ;;
    stop) stop_runner "$NAME" ;;
    start-cluster)
        # Three nodes share one JVM heap; 1.5 GB is plenty for test indices next to the other services.
        start_runner cluster 3 9210 "${SOHOA_ES_CLUSTER_HEAP:-1536m}"
        echo "SOHOA_TEST_ES_CLUSTER_URL=$READY_URL"
        ;;
    stop-cluster) stop_runner cluster ;;
    *) echo "usage: $0 install|start|stop|start-cluster|stop-cluster" >&2; exit 2 ;;
esac
