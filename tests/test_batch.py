"""policykit batch: ledger in, everything out; bad rows reported; resume; workers; kill and re-run."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from policykit.batch.runner import Options, run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "cases" / "ledger-example.xlsx"


def outputs(d: Path) -> dict[str, str]:
    return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in d.rglob("*") if p.is_file() and p.suffix in (".docx", ".pdf")}


def ledger_rows(path: Path, sheet="台账结果") -> list[tuple]:
    wb = load_workbook(path, read_only=True)
    return [r for r in wb[sheet].iter_rows(min_row=2, values_only=True)]


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    summary = run(Options(EXAMPLE, out, workers=1))
    return out, summary


def test_example_ledger_end_to_end(example_run):
    out, summary = example_run
    assert summary.rows == 60 and summary.cases == 60 and not summary.errors
    rows = ledger_rows(out / "ledger-out.xlsx")
    assert sorted(r[0] for r in rows) == list(range(3, 63))  # every input row exactly once
    wb = load_workbook(out / "ledger-out.xlsx", read_only=True)
    assert wb.sheetnames == ["台账结果", "问责汇总", "逾期事项", "目标进度", "输入错误", "说明"]
    aggs = ledger_rows(out / "ledger-out.xlsx", "问责汇总")
    assert aggs and all(r[1] >= 1 for r in aggs)
    targets = ledger_rows(out / "ledger-out.xlsx", "目标进度")
    assert any(r[1] == "无证非法采矿" and r[5].endswith("%") for r in targets)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["counts"]["cases"] == 60
    assert manifest["input"]["sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert any(k.endswith("002_yuanshi.yaml") for k in manifest["packs"])
    files = [f for c in manifest["cases"] for f in c["files"]] + [f for a in manifest["aggregates"] for f in a["files"]]
    assert files and len(files) == summary.documents
    for f in files:
        p = out / f["path"]
        assert hashlib.sha256(p.read_bytes()).hexdigest() == f["sha256"]
        assert p.relative_to(out).parts[0]  # under output/<township>/<case id>/ or 汇总_<group>/
    numbers = [f["number"] for c in manifest["cases"] for f in c["files"]]
    assert len(numbers) == len(set(numbers))


def test_rerun_skips_finished_cases(example_run, tmp_path):
    out, _ = example_run
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.docx") if "汇总" not in str(p)}
    summary = run(Options(EXAMPLE, out, workers=1))
    assert summary.skipped == 60
    after = {p: p.stat().st_mtime_ns for p in before}
    assert before == after


def test_workers_give_identical_output(example_run, tmp_path):
    out, _ = example_run
    summary = run(Options(EXAMPLE, tmp_path, workers=2))
    assert summary.cases == 60
    assert outputs(tmp_path) == outputs(out)


def _corrupt_ledger(path: Path) -> None:
    headers = ["序号", "乡镇", "村", "矿山名称", "问题类型", "评估日期", "发现日期", "许可证状态", "发现开采行为", "多余列", "县"]
    wb = Workbook()
    ws = wb.active
    ws.append(["某县台账（含各种错误）"])
    ws.append(headers)
    good = ["槐阳镇", "北岭村", "东山采石点", "无证非法采矿", "2024-08-20", "2024-08-01", "无证", "是", "x", "元氏县"]
    ws.append([1, *good])                                        # row 3 good
    ws.append([2, None, "北岭村", "西坡点", "无证非法采矿", 45524, "2024年8月2日", "无证", "是", None, "元氏县"])  # row 4: merged/blank township, serial date, Chinese date
    ws.append([None] * len(headers))                             # row 5 blank
    ws.append([3, "槐阳镇", "东街村", "南沟点", "无证开采矿", "2024-08-20", "2024-08-01", "无证", "是", None, "元氏县"])  # row 6 bad enum
    ws.append([4, "槐阳镇", "东街村", "后岭点", "无证非法采矿", "2024-08-20", "2024-02-30", "无证", "是", None, "元氏县"])  # row 7 impossible date
    ws.append([5, "殷村镇", "殷村", "公式点", "无证非法采矿", "=TODAY()", "2024-08-01", "无证", "是", None, "元氏县"])  # row 8 formula without value
    ws.append([6, "殷村镇", "殷村", "布尔点", "无证非法采矿", "2024-08-20", "2024-08-01", "无证", "也许", None, "元氏县"])  # row 9 bad yes/no
    ws.merge_cells("B3:B4")
    wb.save(path)


def test_bad_rows_reported_good_rows_processed(tmp_path):
    ledger = tmp_path / "bad.xlsx"
    _corrupt_ledger(ledger)
    out = tmp_path / "out"
    summary = run(Options(ledger, out, workers=1))
    assert summary.cases == 2  # rows 3 and 4
    by_row = {e.row: e for e in summary.errors}
    assert set(by_row) == {6, 7, 8, 9}
    assert by_row[6].column == "问题类型" and "无证非法采矿" in by_row[6].render()
    assert by_row[7].column == "发现日期" and "日期" in by_row[7].render()
    assert by_row[8].column == "评估日期" and "公式" in by_row[8].message
    assert by_row[9].column == "发现开采行为" and "是/否" in by_row[9].render()
    rows = {r[0]: r for r in ledger_rows(out / "ledger-out.xlsx")}
    assert set(rows) == {3, 4, 6, 7, 8, 9}  # the blank row is not a case
    assert rows[4][2] == "槐阳镇"  # merged township filled down
    assert rows[6][14] == "未处理" and rows[6][15]
    errors = ledger_rows(out / "ledger-out.xlsx", "输入错误")
    assert {r[0] for r in errors} == {6, 7, 8, 9}
    assert summary.exit_code() == 2


def test_missing_required_column(tmp_path):
    wb = Workbook()
    wb.active.append(["序号", "村", "矿山名称", "问题类型"])
    wb.active.append([1, "北岭村", "x", "无证非法采矿"])
    wb.save(tmp_path / "m.xlsx")
    summary = run(Options(tmp_path / "m.xlsx", tmp_path / "out", workers=1))
    (e,) = summary.errors
    assert "缺少必需的列：乡镇" in e.message and e.row == 1


def test_folder_of_case_files(tmp_path):
    summary = run(Options(ROOT / "cases", tmp_path, workers=1))
    assert summary.cases >= 40 and not summary.errors
    assert summary.documents > 40


@pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL test needs Linux")
def test_kill_and_rerun(tmp_path):
    """SIGKILL the batch at seeded random points; each re-run finishes what is left, nothing truncated or reused."""
    from policykit.batch.synth import rows
    from policykit.batch.ledger_template import save, sheet

    ledger = tmp_path / "big.xlsx"
    save(sheet("压力测试", rows(300, seed=11)), ledger)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "policykit", "batch", str(ledger), "-o", str(out), "--workers", "2"]
    rnd = random.Random(5)
    for _ in range(3):
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        time.sleep(rnd.uniform(1.0, 4.0))
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["counts"]["cases"] == 300
    assert not list(out.rglob(".*.tmp"))
    docs = list(out.rglob("*.docx"))
    for p in docs:
        assert zipfile.ZipFile(p).testzip() is None
    registry = json.loads((out / "numbers.json").read_text(encoding="utf-8"))
    assert len(docs) == len(registry["assigned"])  # one file per numbered document, none orphaned or duplicated
    numbers = [r["number"] for r in registry["assigned"].values()]
    assert len(numbers) == len(set(numbers))
    rows_out = [r[0] for r in ledger_rows(out / "ledger-out.xlsx")]
    assert sorted(rows_out) == list(range(3, 303))


def test_as_of_option_applies_to_rows_without_date(tmp_path):
    wb = Workbook()
    wb.active.append(["乡镇", "问题类型", "发现日期", "许可证状态", "发现开采行为", "县"])
    wb.active.append(["槐阳镇", "无证非法采矿", dt.date(2024, 8, 1), "无证", "是", "元氏县"])
    wb.save(tmp_path / "a.xlsx")
    summary = run(Options(tmp_path / "a.xlsx", tmp_path / "out", as_of=dt.date(2024, 9, 1), workers=1))
    assert summary.cases == 1
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2024-09-01"


def test_example_ledger_with_5_percent_corrupted_rows(tmp_path):
    """The shipped ledger with 3 of its 60 rows broken: 57 cases produce everything, each bad row is named with its field."""
    wb = load_workbook(EXAMPLE)
    ws = wb["台账"]
    headers = [c.value for c in ws[2]]
    col = {h: i + 1 for i, h in enumerate(headers)}
    ws.cell(10, col["发现日期"], "2024-02-30")       # impossible date
    ws.cell(20, col["问题类型"], "非法挖沙洗砂")       # unknown kind
    ws.cell(30, col["越界开采次数"], "很多次")         # not a number
    ledger = tmp_path / "corrupt.xlsx"
    wb.save(ledger)
    out = tmp_path / "out"
    summary = run(Options(ledger, out, workers=2))
    assert summary.cases == 57
    named = {(e.row, e.column) for e in summary.errors}
    assert named == {(10, "发现日期"), (20, "问题类型"), (30, "越界开采次数")}
    clean = tmp_path / "clean"
    run(Options(EXAMPLE, clean, workers=1))
    kinds = lambda m: {c["case"]: sorted(f["kind"] for f in c["files"]) for c in m["cases"]}  # noqa: E731
    good = kinds(json.loads((clean / "manifest.json").read_text(encoding="utf-8")))
    got = kinds(json.loads((out / "manifest.json").read_text(encoding="utf-8")))
    bad_ids = {ws.cell(r, col["案件编号"]).value for r in (10, 20, 30)}
    assert set(got) == set(good) - bad_ids
    assert all(got[c] == good[c] for c in got)  # every good row's documents (numbers follow input order)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all((out / f["path"]).exists() for c in manifest["cases"] for f in c["files"])
    rows = ledger_rows(out / "ledger-out.xlsx")
    assert len(rows) == 60 and sum(1 for r in rows if r[14] == "未处理") == 3


def test_batch_cli_summary_table_and_literal_text(tmp_path):
    from typer.testing import CliRunner

    from policykit.cli import app

    wb = Workbook()
    wb.active.append(["乡镇", "问题类型", "发现日期", "许可证状态", "发现开采行为", "省", "县", "评估日期"])
    wb.active.append(["[red]槐阳[/red]镇", "无证非法采矿", dt.date(2024, 8, 1), "无证", "是", "河北省", "元氏县",
                      dt.date(2024, 8, 20)])
    wb.save(tmp_path / "a.xlsx")
    res = CliRunner().invoke(app, ["batch", str(tmp_path / "a.xlsx"), "-o", str(tmp_path / "out"), "--workers", "1"])
    assert res.exit_code == 1, res.output
    assert "各乡镇（部门）汇总" in res.output and "[red]槐阳[/red]镇" in res.output
    assert "共读入 1 行，检查 1 个案件（1 个需处理）" in res.output


def test_checklist_item_the_pack_lacks_names_its_row_and_column(tmp_path):
    """A column naming a checklist item by field path that the 元氏 pack does not have: that row is an input
    error at its row and column (not silently "not 取缔到位"); the other rows still produce everything."""
    wb = load_workbook(EXAMPLE)
    ws = wb["台账"]
    headers = [c.value for c in ws[2]]
    bad_col = len(headers) + 1
    ws.cell(2, bad_col, "checklists.sanbuliu_yihuibi.不留人员")
    case_row = next(r for r in range(3, ws.max_row + 1)
                    if ws.cell(r, headers.index("县") + 1).value == "元氏县"
                    and ws.cell(r, headers.index("问题类型") + 1).value in ("无证非法采矿", "unlicensed_mining"))
    ws.cell(case_row, bad_col, "是")
    ledger = tmp_path / "cl.xlsx"
    wb.save(ledger)
    summary = run(Options(ledger, tmp_path / "out", workers=1))
    assert [(e.row, e.column) for e in summary.errors] == [(case_row, "checklists.sanbuliu_yihuibi.不留人员")]
    assert "没有事项“不留人员”" in summary.errors[0].render()
    assert summary.cases == ws.max_row - 2 - 1
