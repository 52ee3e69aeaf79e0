"""Write cases/ledger-example.xlsx (invented 元氏县 ledger) and cases/ledger-template.xlsx (blank, with drop-downs).

    python scripts/make_example_ledger.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policykit.batch.ledger_template import save, sheet  # noqa: E402
from policykit.batch.synth import rows  # noqa: E402


def main() -> None:
    save(sheet("元氏县打击非法采矿百日攻坚行动台账清单（示例，虚构数据）", rows(60)), ROOT / "cases" / "ledger-example.xlsx")
    save(sheet("打击非法采矿行动台账清单（模板）", []), ROOT / "cases" / "ledger-template.xlsx")
    print("已写入 cases/ledger-example.xlsx、cases/ledger-template.xlsx")


if __name__ == "__main__":
    main()
