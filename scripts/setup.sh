#!/usr/bin/env bash
# One command on a fresh Debian 12: install everything policykit needs, then run
# the main job on the shipped example cases into output/.
#
#   bash scripts/setup.sh            # install + run the example batch
#   bash scripts/setup.sh --deps     # install only (used by scripts/test.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

echo "== 1/3 系统软件包（Python 编译环境、字体、PDF 依赖）"
need=()
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
python3 -c "import sysconfig,os,sys; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()['include'],'Python.h')) else 1)" 2>/dev/null || need+=(python3-dev)
if [ "${#need[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi
$SUDO bash scripts/install_fonts.sh

echo "== 2/3 Python 环境（.venv）"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

if [ "${1:-}" = "--deps" ]; then
  exit 0
fi

echo "== 3/3 运行示例：检查 cases/ 中的全部案件并生成文书到 output/"
if .venv/bin/policykit --help | grep -q " batch "; then
  .venv/bin/policykit batch cases/ -o output/ --pdf || [ $? -eq 1 ]
else
  .venv/bin/policykit check cases/ > output/check-report.txt || [ $? -eq 1 ]
  echo "检查报告：output/check-report.txt"
fi
echo "完成。"
