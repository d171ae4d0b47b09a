#!/usr/bin/env bash
# veraPDF, the reference PDF/A validator, from Maven Central (org.verapdf.apps:greenfield-apps), for the tests.
# Usage: deploy/verapdf.sh install   -> jars in $SOHOA_VERAPDF_HOME/lib (default $SOHOA_CACHE/verapdf/lib)
#        deploy/verapdf.sh check FILE.pdf
set -euo pipefail
VERSION=1.28.2
export SOHOA_CACHE="${SOHOA_CACHE:-$HOME/.cache/sohoa}"
home="${SOHOA_VERAPDF_HOME:-$SOHOA_CACHE/verapdf}"
case "${1:-}" in
  install)
    if [ -f "$home/.installed-$VERSION" ]; then
      echo "verapdf.sh: $VERSION already installed in $home" >&2
      exit 0
    fi
    mkdir -p "$home"
    cat > "$home/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>sohoa</groupId><artifactId>verapdf-fetch</artifactId><version>1</version>
<dependencies><dependency><groupId>org.verapdf.apps</groupId><artifactId>greenfield-apps</artifactId>
<version>$VERSION</version></dependency></dependencies></project>
POM
    (cd "$home" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib)
    touch "$home/.installed-$VERSION"
    echo "verapdf.sh: installed $VERSION in $home" >&2
    ;;
  check)
    exec java -cp "$home/lib/*" org.verapdf.apps.GreenfieldCliWrapper --format text "${2:?FILE.pdf}"
    ;;
  *)
    echo "usage: $0 install | check FILE.pdf" >&2
    exit 2
    ;;
esac
