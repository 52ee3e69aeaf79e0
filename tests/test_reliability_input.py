"""Bad input corpus (tests/bad_inputs/): each file gets a precise Chinese error, exit status 2,
and the good cases in the same run (tests/good_inputs/: Chinese dates, GBK, BOM, hostile text) still produce everything."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykit.cli import app

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "bad_inputs"
GOOD = ROOT / "tests" / "good_inputs"
GOOD_IDS = {"GOOD-001", "GOOD-002", "GOOD-003", "../../etc/x", "CON", 'a/b\\c:d*e?f"g<h>i|j'}

# file -> (line, field, words the message must contain)
EXPECTED = {
    "syntax_error.yaml": (4, None, "从第 3 行开始"),  # the unclosed { starts on line 3
    "wrong_type.yaml": (5, "licence.boundary_exceeded_times", "不是整数"),
    "unknown_enum.yaml": (2, "kind", "unlicensed_mining"),
    "impossible_date.yaml": (5, "observations.found_on", "日期不存在"),
    "impossible_date_slash.yaml": (5, "observations.found_on", "日期不存在"),
    "duplicate_ids.yaml": (2, "id", "重复"),
    "empty.yaml": (None, None, "文件为空"),
    "unknown_field.yaml": (4, "observatons", "observations"),
    "id_too_long.yaml": (2, "id", "不超过 200 个字"),
    "checklist_item.yaml": (2, "checklists.sanbuliu_yihuibi.不留人员", "没有事项“不留人员”"),
}


def test_corpus_is_complete():
    assert {p.name for p in BAD.glob("*.yaml")} == set(EXPECTED)


@pytest.fixture()
def mixed(tmp_path):
    def make(bad_name):
        d = tmp_path / "in"
        shutil.copytree(GOOD, d)
        shutil.copy(BAD / bad_name, d / bad_name)
        return d
    return make


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_reported_precisely_good_cases_still_checked(mixed, name):
    d = mixed(name)
    res = CliRunner().invoke(app, ["check", str(d), "--json"])
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    line, field, words = EXPECTED[name]
    errors = [e for e in doc["errors"] if e["file"].endswith(name)]
    assert errors, doc["errors"]
    e = errors[0]
    assert words in e["text"], e["text"]
    if line:
        assert e["line"] == line, e
    if field:
        assert e["field"] == field, e
    assert e["expected"], e  # says what was expected
    got = {c["case"] for c in doc["cases"]}
    assert GOOD_IDS <= got


def test_render_with_bad_and_hostile_input_stays_inside_output(mixed, tmp_path):
    d = mixed("wrong_type.yaml")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["render", str(d), "-o", str(out)])
    assert res.exit_code == 2
    files = [p for p in out.rglob("*.docx")]
    assert files and all(out.resolve() in p.resolve().parents for p in files)
    folders = {p.parent.name for p in files}
    assert any(f.startswith("_CON") for f in folders) and not (tmp_path / "etc").exists()
    assert "GOOD-002" in folders  # the GBK file's case
    import docx

    hostile = next(p for p in files if p.parent.name.startswith("_.._etc_x") or "etc_x" in p.parent.name)
    text = "\n".join(par.text for par in docx.Document(str(hostile)).paragraphs)
    assert "A&B<公司>" in text and "{{ 7*7 }}" in text and "49" not in text.replace("2024", "")


def test_dates_past_the_holiday_data_are_flagged_in_finding_and_documents(tmp_path):
    """A deadline in a year chinese-calendar does not cover says so in the finding and when its documents are made."""
    from policykit.documents.api import DocumentWarning, render_documents
    from policykit.facts.load import parse_case
    from policykit.rules.engine import Engine

    case = parse_case({
        "id": "Y2027", "kind": "unlicensed_mining", "as_of": "2027-03-02",
        "jurisdiction": {"province": "河北省", "county": "元氏县", "township": "槐阳镇"},
        "licence": {"status": "none"}, "flags": {"mineral_value_yuan": 200000},
        "observations": {"found_on": "2027-02-26", "mining": True, "case_opened_on": "2027-03-01"},
    }, "t")
    result = Engine(backend="reference").check(case)
    flagged = [d for f in result.findings for d in f.deadlines if d.warning]
    assert flagged and all("2027" in d.warning and "人工核对" in d.warning for d in flagged)
    with pytest.warns(DocumentWarning, match="节假日数据未覆盖2027年"):
        render_documents(case, result, tmp_path)
