"""Documents rendered from the example cases through the real engine, and ``policykit render``."""
from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from documents_fixtures import ROOT, UNPADDED_DATE, full_text, open_docx, paragraphs_by_style
from policykit.documents import api
from policykit.rules.schema import DOCUMENT_KINDS


@pytest.fixture(scope="module")
def checked(engine, example_cases):
    results, aggs = engine.check_all(example_cases)
    return example_cases, results, aggs


@pytest.fixture(scope="module")
def output(checked, tmp_path_factory):
    cases, results, aggs = checked
    out = tmp_path_factory.mktemp("cases_out")
    written = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case, result in zip(cases, results):
            written[case.id] = api.render_documents(case, result, out)
        for agg in aggs:
            written[f"agg:{agg.rule}:{agg.group}"] = api.render_aggregate_documents(agg, out, cases=cases)
    return out, written


def _kind(path: Path) -> str:
    return next(k for k in DOCUMENT_KINDS if path.name.startswith(k + "_"))


def test_every_called_kind_is_rendered(checked, output):
    cases, results, aggs = checked
    _, written = output
    for case, result in zip(cases, results):
        called = {k for f in result.findings for k in f.documents}
        got = {_kind(p) for p in written[case.id]}
        assert got == called, case.id
    for agg in aggs:
        assert {_kind(p) for p in written[f"agg:{agg.rule}:{agg.group}"]} == set(agg.documents)
    all_kinds = {_kind(p) for ps in written.values() for p in ps}
    assert len(all_kinds) >= 8  # the example cases call for most kinds


def test_numbers_unique_and_dates_unpadded(checked, output):
    out, written = output
    numbers = []
    for paths in written.values():
        for p in paths:
            d = open_docx(p)
            numbers.append(p.stem[len(_kind(p)) + 1:])
            (date,) = paragraphs_by_style(d, "GWDate")
            assert UNPADDED_DATE.match(date.text), (p, date.text)
            assert not re.search(r"\{\{|\}\}|\{%|%\}", full_text(d)), p
    assert len(numbers) == len(set(numbers))
    assert all(re.fullmatch(r".+〔20\d\d〕[1-9]\d*号", n) for n in numbers)


def test_closure_decision_from_real_case(checked, output):
    cases, results, _ = checked
    _, written = output
    (path,) = [p for p in written["shg-2024-006"] if _kind(p) == "closure_decision"]
    text = full_text(open_docx(path))
    for s in ("上高县人民政府文件", "上高县黄土坡矿业有限公司：", "修复责任主体：上高县黄土坡矿业有限公司",
              "修复期限：2024年3月31日前完成裸露区环境整治并通过验收", "修复监管主体：徐家渡镇人民政府",
              "注销申请期限：2024年4月24日前", "后期管护责任主体：徐家渡镇人民政府", "先修复后注销",
              "《上高县停产非煤矿山生态环境整治专项行动方案》", "宜春市人民政府", "2024年5月6日",
              "徐家渡镇人民政府结合采矿权人意见提出注销关闭的处置意见，于2023年10月30日经县政府研究同意"):
        assert s in text, s
    facts = text.split("一、认定的事实")[1].split("二、决定的依据")[0]
    assert "由县政府下达关闭决定文书" not in facts  # the rule ordering the decision is its basis, not a fact


def test_rectification_items_fall_back_to_the_addressee(checked, output):
    """With no 整改 unit or person in the case and none in the finding, the operator told to rectify is the
    responsible unit (not a blank), and the requirement names what is due, each row with its deadline."""
    _, written = output
    (path,) = [p for p in written["shg-2024-003"] if _kind(p) == "rectification_notice"]
    d = open_docx(path)
    header, *rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert header == ["序号", "问题及整改要求", "责任单位", "责任人", "整改时限"]
    assert rows and all(r[2] == "上高县金华瓷土有限公司" for r in rows), rows
    assert all(re.search(r"20\d\d年\d{1,2}月\d{1,2}日", r[4]) for r in rows), rows


def test_transfer_letter_request_fits_the_recipient(checked, output):
    """依规依纪依法 is asked of the discipline commission only; police and procuratorate are asked to 依法审查."""
    _, written = output
    letters = [p for paths in written.values() for p in paths if _kind(p) == "transfer_letter"]
    seen = set()
    for path in letters:
        d = open_docx(path)
        (to,) = [p.text for p in paragraphs_by_style(d, "GWRecipient")]
        text = full_text(d)
        discipline = "纪律检查委员会" in to or "纪委" in to
        seen.add(discipline)
        assert ("依规依纪依法处理" in text) == discipline, (path.name, to)
        assert "依法审查" in text or discipline, (path.name, to)
    assert seen == {True, False}  # the examples transfer to both kinds of recipient


def test_changing_the_rule_pack_changes_the_document(tmp_path, example_cases):
    """Edit a deadline in the 上高 pack: the closure decision's restoration deadline follows."""
    from policykit.rules.engine import Engine
    from policykit.rules.loader import load_packs

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    pack = rules / "003_shanggao.yaml"
    text = pack.read_text(encoding="utf-8")
    assert "cancel_remediation_deadline: 2024-03-31" in text
    pack.write_text(text.replace("cancel_remediation_deadline: 2024-03-31", "cancel_remediation_deadline: 2024-06-30"),
                    encoding="utf-8")
    case = next(c for c in example_cases if c.id == "shg-2024-006")
    result = Engine(load_packs(rules), backend="reference").check(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (path,) = api.render_documents(case, result, tmp_path / "out", kinds=["closure_decision"])
    text = full_text(open_docx(path))
    assert "修复期限：2024年6月30日前完成裸露区环境整治并通过验收" in text
    assert "2024年3月31日" not in text


def test_cli_render(tmp_path):
    from policykit.cli import app

    if not any((ROOT / "cases").glob("*.yaml")):
        pytest.skip("cases/ 中尚无示例案件")
    runner = CliRunner()
    out = tmp_path / "output"
    r = runner.invoke(app, ["render", str(ROOT / "cases"), "-o", str(out), "--engine", "reference"])
    assert r.exit_code == 0, r.output
    files = sorted(out.rglob("*.docx"))
    assert files and f"共生成 {len(files)} 个文件" in r.output
    first = {p: p.read_bytes() for p in files}
    again = runner.invoke(app, ["render", str(ROOT / "cases"), "-o", str(out), "--engine", "reference"])
    assert again.exit_code == 0
    assert sorted(out.rglob("*.docx")) == files  # same numbers again
    assert all(p.read_bytes() == b for p, b in first.items())  # byte-identical

    only = runner.invoke(app, ["render", str(ROOT / "cases"), "--doc", "closure_decision", "-o", str(tmp_path / "o2"),
                               "--engine", "reference"])
    assert only.exit_code == 0
    got = list((tmp_path / "o2").rglob("*.docx"))
    assert got and all(p.name.startswith("closure_decision_") for p in got)

    bad = runner.invoke(app, ["render", str(ROOT / "cases"), "--doc", "no_such_kind", "-o", str(tmp_path / "o3")])
    assert bad.exit_code != 0 and "未知的文书类型" in bad.output
