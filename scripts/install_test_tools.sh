#!/usr/bin/env bash
# Tools the document tests use beyond install_fonts.sh: LibreOffice (headless
# conversion of generated .docx to PDF). Debian 12, run as root. Idempotent.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "请以 root 身份运行: sudo $0" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v soffice >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y --no-install-recommends libreoffice-writer-nogui
fi
soffice --version
