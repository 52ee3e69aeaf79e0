"""policykit batch: duplicate ids, jurisdiction defaults, Ctrl-C, the number log, the ledger template and notes."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from policykit.batch.runner import Options, run

ROOT = Path(__file__).resolve().parents[1]
HEAD = ["案件编号", "乡镇", "问题类型", "发现日期", "评估日期", "许可证状态", "发现开采行为", "违法主体已查明"]


def _row(case_id, town="槐阳镇"):
    return [case_id, town, "无证非法采矿", dt.date(2024, 8, 1), dt.date(2024, 8, 20), "无证", "是", "否"]


def ledger_rows(path: Path, sheet="台账结果") -> list[tuple]:
    wb = load_workbook(path, read_only=True)
    return [r for r in wb[sheet].iter_rows(min_row=2, values_only=True)]


def test_duplicate_case_id_is_a_bad_row_naming_the_first(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["县", "省", *HEAD])
    for cid in ("A-1", "A-2", "A-1"):
        ws.append(["元氏县", "河北省", *_row(cid)])
    wb.save(tmp_path / "d.xlsx")
    out = tmp_path / "out"
    summary = run(Options(tmp_path / "d.xlsx", out, workers=1))
    assert summary.cases == 2
    (e,) = summary.errors
    assert (e.row, e.column) == (4, "案件编号") and "与第 2 行重复" in e.message
    rows = {r[0]: r for r in ledger_rows(out / "ledger-out.xlsx")}
    assert rows[4][14] == "未处理" and rows[2][14] != "未处理"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [c["row"] for c in manifest["cases"]] == [2, 3]  # the duplicate did not overwrite A-1's documents


def test_jurisdiction_from_sheet_setting_or_cli_option(tmp_path):
    """No 县/省 columns: a “县：元氏县” line above the header, or --county/--province, puts the rows under the 元氏 pack."""
    def ledger(path, above):
        wb = Workbook()
        ws = wb.active
        for line in above:
            ws.append(line)
        ws.append(HEAD)
        ws.append(_row("S-1"))
        ws.append(_row("S-2", "殷村镇"))
        wb.save(path)

    ledger(tmp_path / "plain.xlsx", [["某县台账"]])
    ledger(tmp_path / "set.xlsx", [["元氏县台账"], ["省：河北省", None, "县", "元氏县"]])
    ledger(tmp_path / "set2.xlsx", [["省", "河北省", "县", "元氏县"]])  # two known names, but not the header
    bare = run(Options(tmp_path / "plain.xlsx", tmp_path / "o1", workers=1))
    by_sheet = run(Options(tmp_path / "set.xlsx", tmp_path / "o2", workers=1))
    by_cells = run(Options(tmp_path / "set2.xlsx", tmp_path / "o4", workers=1))
    assert by_cells.cases == 2 and not by_cells.errors
    by_option = run(Options(tmp_path / "plain.xlsx", tmp_path / "o3", workers=1,
                            defaults={"jurisdiction.province": "河北省", "jurisdiction.county": "元氏县"}))
    assert bare.cases == by_sheet.cases == by_option.cases == 2

    def packs(out):
        m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {f["kind"] for c in m["cases"] for f in c["files"]}

    assert packs(tmp_path / "o2") and packs(tmp_path / "o2") == packs(tmp_path / "o3") == packs(tmp_path / "o4")
    assert packs(tmp_path / "o1") != packs(tmp_path / "o2")  # without the county the 元氏 pack does not govern
    towns = {r[2] for r in ledger_rows(tmp_path / "o2" / "ledger-out.xlsx")}
    assert towns == {"槐阳镇", "殷村镇"}


KILLED_SESSION = """
import os, sys
from policykit.documents.numbering import NumberRegistry
reg = NumberRegistry.for_output(sys.argv[1])
with reg.session():
    print(reg.allocate_many([("a", "元政", 2024), ("b", "元政", 2024)]))
    reg._log.write('["c", {"prefix": "元政", "ye')  # killed in the middle of a line: never handed out
    reg._log.flush()
    os._exit(9)
"""


def test_number_log_of_a_killed_session_is_replayed(tmp_path):
    from policykit.documents.numbering import NumberRegistry

    done = subprocess.run([sys.executable, "-c", KILLED_SESSION, str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 9 and "元政〔2024〕2号" in done.stdout
    assert not (tmp_path / "numbers.json").exists()  # never folded: only the log knows numbers 1 and 2
    reg = NumberRegistry.for_output(tmp_path)
    with reg.session():
        assert reg.allocate_many([("a", "元政", 2024), ("d", "元政", 2024)]) == ["元政〔2024〕1号", "元政〔2024〕3号"]
    data = json.loads((tmp_path / "numbers.json").read_text(encoding="utf-8"))
    assert data["counters"] == {"元政〔2024〕": 3} and set(data["assigned"]) == {"a", "b", "d"}
    assert not reg.log_path.exists()
    assert NumberRegistry.for_output(tmp_path).allocate("e", "元政", 2024) == "元政〔2024〕4号"


@pytest.mark.skipif(sys.platform != "linux", reason="needs POSIX signals")
def test_ctrl_c_stops_cleanly_and_rerun_finishes(tmp_path):
    from policykit.batch.ledger_template import save, sheet
    from policykit.batch.synth import rows

    ledger = tmp_path / "l.xlsx"
    save(sheet("中断测试", rows(800, seed=3)), ledger)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "policykit", "batch", str(ledger), "-o", str(out), "--workers", "2"]
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    journal = out / ".batch-journal.jsonl"
    deadline = time.time() + 60
    while time.time() < deadline and not (journal.exists() and journal.stat().st_size > 0):
        time.sleep(0.05)
    os.killpg(p.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err[-2000:]
    assert "已中断" in err and "Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "interrupted"
    finished = {c["case"] for c in manifest["cases"]}
    assert 0 < len(finished) < 800
    for c in manifest["cases"]:
        for f in c["files"]:
            assert (out / f["path"]).exists()
    assert not (out / "ledger-out.xlsx").exists()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["counts"]["cases"] == 800
    assert manifest["counts"]["skipped_unchanged"] >= len(finished)
    assert len(ledger_rows(out / "ledger-out.xlsx")) == 800
    assert not list(out.rglob(".*.tmp"))


def test_ledger_template_has_dropdowns_and_frozen_header():
    wb = load_workbook(ROOT / "cases" / "ledger-template.xlsx")
    ws = wb["台账"]
    headers = [c.value for c in ws[2]]
    assert {"乡镇", "问题类型", "发现日期", "已销号"} <= set(headers)
    assert ws.freeze_panes == "A3"
    col = {h: i + 1 for i, h in enumerate(headers)}
    from openpyxl.utils import get_column_letter

    def validation_for(header):
        letter = get_column_letter(col[header])
        return [dv for dv in ws.data_validations.dataValidation if any(
            str(r).startswith(f"{letter}3") for r in dv.sqref.ranges)]

    (kind,) = validation_for("问题类型")
    options = [c.value for c in wb["选项"]["A"][1:] if c.value]
    assert "选项!$A$2" in kind.formula1 and "无证非法采矿" in options and "历史遗留废弃矿山" in options
    (yn,) = validation_for("发现开采行为")
    assert yn.formula1 == '"是,否"'


def test_ledger_out_explains_its_columns_and_targets(tmp_path):
    out = tmp_path / "out"
    run(Options(ROOT / "cases" / "ledger-example.xlsx", out, workers=1))
    notes = ledger_rows(out / "ledger-out.xlsx", "说明")
    explained = {(r[0], r[1]) for r in notes}
    assert ("目标进度", "处置到位") in explained and ("台账结果", "销号状态") in explained
    targets = ledger_rows(out / "ledger-out.xlsx", "目标进度")
    for town, kind, goal, n, done, rate, closed, full in targets:
        assert 0 <= done <= n and rate == f"{done / n:.0%}" and full == ("是" if done == n else "否")
    overdue = ledger_rows(out / "ledger-out.xlsx", "逾期事项")
    assert overdue and all(r[4] is not None for r in overdue)
    assert all(r[5] == "未完成" or r[5].startswith("逾期完成（") for r in overdue)


def test_ledger_out_identical_for_one_and_two_workers(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run(Options(ROOT / "cases" / "ledger-example.xlsx", a, workers=1))
    run(Options(ROOT / "cases" / "ledger-example.xlsx", b, workers=2))
    wa, wb = load_workbook(a / "ledger-out.xlsx", read_only=True), load_workbook(b / "ledger-out.xlsx", read_only=True)
    assert wa.sheetnames == wb.sheetnames
    for name in wa.sheetnames:
        assert list(wa[name].iter_rows(values_only=True)) == list(wb[name].iter_rows(values_only=True)), name
    ma, mb = (json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in (a, b))
    assert ma["cases"] == mb["cases"] and ma["aggregates"] == mb["aggregates"]
    assert (a / "numbers.json").read_bytes() == (b / "numbers.json").read_bytes()


def _descendants(pid: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


@pytest.mark.skipif(sys.platform != "linux", reason="needs /proc")
def test_a_worker_that_dies_stops_the_run_with_a_message_and_rerun_finishes(tmp_path):
    from policykit.batch.ledger_template import save, sheet
    from policykit.batch.synth import rows

    ledger = tmp_path / "l.xlsx"
    save(sheet("进程测试", rows(400, seed=4)), ledger)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "policykit", "batch", str(ledger), "-o", str(out), "--workers", "2"]
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = out / ".batch-journal.jsonl"
    deadline = time.time() + 60
    while time.time() < deadline and not (journal.exists() and journal.stat().st_size > 0):
        time.sleep(0.05)
    # the workers are the forkserver's children: grandchildren of the batch (resource tracker and forkserver are children)
    workers = [d for d in _descendants(p.pid) if d not in _children(p.pid)]
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 2 and "工作进程" in err and "意外退出" in err, err[-2000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "interrupted"
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["counts"]["cases"] == 400


def _children(pid: int) -> list[int]:
    return [d for d in _descendants(pid) if int((Path("/proc") / str(d) / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid]


def test_overdue_sheet_tells_late_completions_from_open_items(tmp_path):
    out = tmp_path / "out"
    run(Options(ROOT / "cases", out, workers=1))
    overdue = {(r[0], r[3]): r[5] for r in ledger_rows(out / "ledger-out.xlsx", "逾期事项")}
    assert overdue[("sg-2024-002", "报告镇政府")] == "逾期完成（2024年1月9日）"  # due 1月8日, reported the day after
    assert overdue[("shg-2024-010", "编制完生态修复方案")] == "逾期完成（2024年1月15日）"
    assert "未完成" in overdue.values()
