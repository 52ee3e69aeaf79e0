"""policykit plans: one implementation plan per township, with its own leaders and sites; totals checked."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from policykit.batch.plans import check_totals, load_plan, make_plans
from policykit.cli import app

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "plans"


def text_of(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for r in t.rows:
            parts.extend(c.text for c in r.cells)
    return "\n".join(parts)


def test_one_plan_per_township_with_own_leaders_and_sites(tmp_path):
    paths = make_plans(PLANS / "yuanshi-county-plan.yaml", PLANS / "yuanshi-roster.yaml", tmp_path,
                       ledger=ROOT / "cases" / "ledger-example.xlsx")
    assert len(paths) == 6
    by_town = {p.parent.name.removeprefix("实施方案_"): text_of(p) for p in paths}
    assert "李明远（党委书记）" in by_town["槐阳镇"] and "李明远" not in by_town["殷村镇"]
    assert "赵国栋（党委书记）" in by_town["殷村镇"]
    assert "槐阳镇辖区内无证非法采矿问题全面遏制" in by_town["槐阳镇"]
    assert "台账在册问题" in by_town["槐阳镇"]
    # each township lists its own ledger sites, not its neighbours'
    from policykit.batch.ledger_in import LedgerReader

    towns = {r.case.name: r.case.jurisdiction.township for r in LedgerReader(ROOT / "cases" / "ledger-example.xlsx")}
    for name, town in towns.items():
        if name in by_town.get(town, "") and town in by_town:
            others = [t for t in by_town if t != town]
            assert not any(f"{name}（" in by_town[o] for o in others)
    assert "2024年8月1日—2024年9月30日" in by_town["槐阳镇"]  # task window
    assert "。。" not in by_town["槐阳镇"]


def test_project_table_totals(tmp_path):
    plan = load_plan(PLANS / "quantai-county-plan.yaml")
    assert check_totals(plan) == []
    assert sum(p.area_mu for p in plan.projects) == 993 + 1728 + 405
    paths = make_plans(PLANS / "quantai-county-plan.yaml", PLANS / "quantai-roster.yaml", tmp_path)
    zhangban = text_of(next(p for p in paths if "张坂镇" in str(p)))
    assert "治理面积2278亩" in zhangban  # 280+350+526+165+584+266+107


def test_totals_that_do_not_add_up_are_reported(tmp_path):
    text = (PLANS / "quantai-county-plan.yaml").read_text(encoding="utf-8").replace(
        "2024: {projects: 6, patches: 53, area_mu: 1728}", "2024: {projects: 6, patches: 53, area_mu: 1782}")
    bad = tmp_path / "plan.yaml"
    bad.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(app, ["plans", str(bad), "--roster", str(PLANS / "quantai-roster.yaml"), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "2024年度合计行的面积（亩）为 1782" in res.output and "1728" in res.output
    assert "第 38 行" in res.output  # the 2024 line of the totals table


def test_bad_plan_file_names_line(tmp_path):
    bad = tmp_path / "plan.yaml"
    bad.write_text("campaign:\n  title: x\n  county: y\n  date: 2024-01-01\ntasks:\n  - {name: a, lead_roles: 分管, bogus: 1}\n", encoding="utf-8")
    with pytest.raises(Exception) as info:
        load_plan(bad)
    assert getattr(info.value, "line", None) == 6


def test_excel_roster_gives_the_same_plans_as_yaml(tmp_path):
    from policykit.batch.plans import load_roster

    assert load_roster(PLANS / "yuanshi-roster.xlsx") == load_roster(PLANS / "yuanshi-roster.yaml")
    res = CliRunner().invoke(app, ["plans", str(PLANS / "yuanshi-county-plan.yaml"), "--roster",
                                   str(PLANS / "yuanshi-roster.xlsx"), "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    plans = sorted(tmp_path.rglob("*.docx"))
    assert len(plans) == 6
    assert "李明远（党委书记）" in text_of(next(p for p in plans if "槐阳镇" in str(p)))


def test_excel_roster_errors_name_row_and_column(tmp_path):
    from openpyxl import Workbook

    from policykit.batch.plans import PlanErrors, load_roster

    wb = Workbook()
    ws = wb.active
    ws.append(["乡镇", "姓名", "职务"])
    ws.append(["槐阳镇", "李明远", "党委书记"])
    ws.append([None, "张卫东", None])
    wb.save(tmp_path / "r.xlsx")
    with pytest.raises(PlanErrors) as info:
        load_roster(tmp_path / "r.xlsx")
    (e,) = info.value.errors
    assert (e.row, e.column) == (3, "职务")
