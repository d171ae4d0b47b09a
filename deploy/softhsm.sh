#!/usr/bin/env bash
# A real PKCS#11 token for signing tests and rehearsals: SoftHSM2 (Debian softhsm2) with keys imported by
# softhsm2-util and certificates by pkcs11-tool (Debian opensc).
# Usage:
#   deploy/softhsm.sh init DIR LABEL USER_PIN SO_PIN        # new token in DIR; prints export SOFTHSM2_CONF=...
#   deploy/softhsm.sh import DIR LABEL USER_PIN KEY_LABEL KEY.pem CERT.pem   # PKCS#8 PEM key + PEM/DER cert
#   deploy/softhsm.sh module                                 # path of the PKCS#11 library
# DIR defaults to $SOHOA_CACHE/softhsm (SOHOA_CACHE defaults to ~/.cache/sohoa). PINs are arguments here only
# because this is a test token; officers' real tokens are initialised by the certificate provider.
set -euo pipefail

module() {
  for lib in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
             /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so; do
    [ -f "$lib" ] && { echo "$lib"; return 0; }
  done
  echo "softhsm.sh: libsofthsm2.so not found (deploy/install-system.sh test installs softhsm2)" >&2
  return 1
}

need() {
  command -v softhsm2-util >/dev/null && command -v pkcs11-tool >/dev/null && return 0
  "$(dirname "$0")/install-system.sh" test
}

cmd="${1:-}"; shift || true
case "$cmd" in
  module) module ;;
  init)
    need
    dir="${1:-${SOHOA_CACHE:-$HOME/.cache/sohoa}/softhsm}"; label="$2"; pin="$3"; so_pin="$4"
    mkdir -p "$dir/tokens"
    printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
      "$dir/tokens" > "$dir/softhsm2.conf"
    SOFTHSM2_CONF="$dir/softhsm2.conf" softhsm2-util --init-token --free --label "$label" \
      --pin "$pin" --so-pin "$so_pin" >/dev/null
    echo "export SOFTHSM2_CONF=$dir/softhsm2.conf"
    ;;
  import)
    need
    dir="$1"; label="$2"; pin="$3"; key_label="$4"; key="$5"; cert="$6"
    export SOFTHSM2_CONF="$dir/softhsm2.conf"
    id="$(printf '%s' "$key_label" | sha1sum | cut -c1-8)"
    softhsm2-util --import "$key" --token "$label" --label "$key_label" --id "$id" --pin "$pin" >/dev/null
    der="$(mktemp)"; trap 'rm -f "$der"' EXIT
    if grep -q -- "-----BEGIN CERTIFICATE-----" "$cert"; then
      openssl x509 -in "$cert" -outform DER -out "$der"
    else
      cp "$cert" "$der"
    fi
    pkcs11-tool --module "$(module)" --token-label "$label" --login --pin "$pin" \
      --write-object "$der" --type cert --label "$key_label" --id "$id" >/dev/null
    ;;
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
