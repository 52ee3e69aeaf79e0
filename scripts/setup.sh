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

echo "== 3/3 运行示例：案件文件、示例台账、乡镇实施方案，结果写入 output/"
PK=.venv/bin/policykit
run() { "$@" || [ $? -eq 1 ]; }   # exit 1 only means "findings that need action"
run $PK batch cases/ -o output/cases --pdf
run $PK batch cases/ledger-example.xlsx -o output/ledger
$PK plans plans/yuanshi-county-plan.yaml --roster plans/yuanshi-roster.yaml --ledger cases/ledger-example.xlsx -o output/plans
$PK check cases/ > output/check-report.txt || [ $? -eq 1 ]
echo "完成：output/cases（示例案件的文书、结果台账、manifest.json），output/ledger（示例台账），output/plans（乡镇实施方案），output/check-report.txt（检查报告）。"
