#!/usr/bin/env bash
# Install the fonts and libraries policykit needs to render documents and PDFs
# on Debian 12 (run as root). Idempotent: safe to run again.
#
#   - Pango/HarfBuzz for WeasyPrint (libharfbuzz-subset0 makes PDF font subsetting fast)
#   - Noto CJK (宋体/小标宋/黑体), AR PL UKai (楷体), Liberation (Times New Roman metrics)
#   - FandolFang (仿宋), taken out of Debian's texlive-lang-chinese without installing TeX
#   - config/fonts.conf: Word font names (仿宋_GB2312 …) -> installed fonts
#   - poppler-utils (pdffonts, pdftotext, pdftoppm)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
FONT_DIR=/usr/local/share/fonts/policykit
CONF_DST=/etc/fonts/conf.d/65-policykit-gbt9704.conf
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
          fonts-arphic-ukai fonts-liberation2 poppler-utils fontconfig)

if [ "$(id -u)" -ne 0 ]; then
  echo "请以 root 身份运行（需要安装系统软件包）: sudo $0" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update_once() {
  if [ "$updated" -eq 0 ]; then
    apt-get update -qq
    updated=1
  fi
}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt_update_once
  apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! ls "$FONT_DIR"/FandolFang-Regular.otf >/dev/null 2>&1; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  ( cd "$tmp" && { apt-get download texlive-lang-chinese 2>/dev/null || { apt_update_once; apt-get download texlive-lang-chinese; }; } )
  dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
  src="$(find "$tmp/x" -name 'FandolFang-Regular.otf' | head -n 1)"
  if [ -z "$src" ]; then
    echo "texlive-lang-chinese 中未找到 FandolFang-Regular.otf" >&2
    exit 1
  fi
  install -d -m 0755 "$FONT_DIR"
  install -m 0644 "$src" "$FONT_DIR/FandolFang-Regular.otf"
fi

install -m 0644 "$ROOT/config/fonts.conf" "$CONF_DST"
fc-cache -f >/dev/null

for name in 仿宋_GB2312 楷体_GB2312 黑体 宋体 方正小标宋简体; do
  printf '%s -> %s\n' "$name" "$(fc-match -f '%{family[0]}' "$name")"
done
