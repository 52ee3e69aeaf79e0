#!/usr/bin/env bash
# One command runs the tests on a fresh Debian 12 (also what CI runs):
# installs what is missing (idempotent), then pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
bash scripts/setup.sh --deps
$SUDO bash scripts/install_test_tools.sh >/dev/null
exec .venv/bin/python -m pytest -q "$@"
