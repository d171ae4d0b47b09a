#!/usr/bin/env bash
# Install the Debian packages sohoa needs. Idempotent: does nothing when they are all present.
# Usage: deploy/install-system.sh [runtime|test]
set -euo pipefail
profile="${1:-runtime}"
packages=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils ghostscript unpaper qpdf
          fonts-liberation2 fonts-dejavu-core
          # headers to build tesserocr against this libtesseract (Makefile: pip --no-binary tesserocr)
          libtesseract-dev libleptonica-dev pkg-config g++)
if [ "$profile" = "test" ]; then
  packages+=(postgresql chromium softhsm2 opensc openssl)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing system packages: ${missing[*]}" >&2
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
