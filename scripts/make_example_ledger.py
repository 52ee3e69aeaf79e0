"""Write cases/ledger-example.xlsx (invented 元氏县 ledger), cases/ledger-template.xlsx (blank, with drop-downs)
and plans/yuanshi-roster.xlsx (the example roster as a clerk would keep it in Excel).

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
    roster_xlsx(ROOT / "plans" / "yuanshi-roster.yaml", ROOT / "plans" / "yuanshi-roster.xlsx")
    print("已写入 cases/ledger-example.xlsx、cases/ledger-template.xlsx、plans/yuanshi-roster.xlsx")


def roster_xlsx(src: Path, dest: Path) -> None:
    """One row per leader; the township cell merged over its leaders; villages in one cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from policykit.batch.plans import load_roster

    roster = load_roster(src)
    wb = Workbook()
    ws = wb.active
    ws.title = "乡镇名册"
    ws.append(["元氏县打击非法采矿百日攻坚行动乡镇领导名册（示例，虚构姓名）"])
    ws.append(["乡镇", "姓名", "职务", "村（社区）"])
    for c in ws[2]:
        c.font = Font(bold=True)
    for t in roster.townships:
        first = ws.max_row + 1
        for i, ld in enumerate(t.leaders):
            ws.append([t.name if i == 0 else None, ld.name, ld.role, "、".join(t.villages) if i == 0 else None])
        if len(t.leaders) > 1:
            ws.merge_cells(start_row=first, start_column=1, end_row=ws.max_row, end_column=1)
    ws.freeze_panes = "A3"
    save(wb, dest)


if __name__ == "__main__":
    main()
