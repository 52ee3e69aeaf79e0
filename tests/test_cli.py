"""The command line: Chinese report, the JSON contract, exit statuses."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykit.cli import app
from policykit.findings.output import CheckOutput
from policykit.rules.schema import DOCUMENT_KINDS

from small_pack import PACK, SOURCE

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture()
def small(tmp_path):
    rules = tmp_path / "rules"
    (rules / "sources").mkdir(parents=True)
    shutil.copy(ROOT / "rules" / "sources" / SOURCE, rules / "sources" / SOURCE)
    (rules / "t.yaml").write_text(PACK, encoding="utf-8")
    cases = tmp_path / "cases"
    cases.mkdir()
    return rules, cases


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_exit_0_when_nothing_to_act_on(small):
    rules, cases = small
    (cases / "a.yaml").write_text("id: a\nkind: stopped_mine\nas_of: 2024-08-01\njurisdiction: {county: 测试县}\n", encoding="utf-8")
    res = run("check", cases, "--rules", rules)
    assert res.exit_code == 0, res.output
    assert "未发现需处理的问题" in res.output and "共检查 1 个案件" in res.output


def test_exit_1_with_findings_and_report_text(small):
    rules, cases = small
    (cases / "a.yaml").write_text(
        "id: a\nname: A&B<公司> [red]x[/red] {{ 7*7 }}\nkind: 无证非法采矿\nas_of: 2023-12-29\n"
        "jurisdiction: {county: 测试县, township: 东镇}\nlicence: {status: none}\nobservations: {found_on: 2023-12-29}\n",
        encoding="utf-8",
    )
    res = run("check", cases, "--rules", rules, "--explain")
    assert res.exit_code == 1, res.output
    out = res.output
    assert "A&B<公司> [red]x[/red] {{ 7*7 }}" in out  # literal, no markup
    assert "2024年1月2日" in out and "7日内到期" in out
    assert "东镇人民政府分管领导" in out and "责令停止违法行为通知书" in out
    assert "推理链" in out and "对经查明的无证非法采矿问题依法立案查处" in out
    assert "东镇：案件 1 个，需处理 1 个" in out


def test_exit_2_on_invalid_input_but_good_cases_still_reported(small):
    rules, cases = small
    (cases / "good.yaml").write_text("id: g\nkind: unlicensed_mining\nas_of: 2024-08-01\njurisdiction: {county: 测试县}\nlicence: {status: none}\n", encoding="utf-8")
    (cases / "bad.yaml").write_text("id: b\nkind: unlicensed_mining\nobservations:\n  found_on: 2024-02-30\n", encoding="utf-8")
    res = run("check", cases, "--rules", rules, "--json")
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    assert [c["case"] for c in doc["cases"]] == ["g"]
    (e,) = doc["errors"]
    assert e["file"].endswith("bad.yaml") and e["line"] == 4 and e["field"] == "observations.found_on"


def test_json_contract(small):
    rules, cases = small
    (cases / "a.yaml").write_text(
        "- {id: a, kind: unlicensed_mining, as_of: 2024-09-01, jurisdiction: {county: 测试县, township: 东镇}, licence: {status: none}, observations: {found_on: 2024-08-01}}\n"
        "- {id: b, kind: unlicensed_mining, as_of: 2024-09-01, jurisdiction: {county: 测试县, township: 东镇}, licence: {status: none}, observations: {found_on: 2024-08-02}}\n",
        encoding="utf-8",
    )
    res = run("check", cases, "--rules", rules, "--json")
    doc = json.loads(res.stdout)
    CheckOutput.model_validate(doc)
    f = doc["cases"][0]["findings"][0]
    for k in ("rule", "pack", "source", "text", "actions", "deadlines", "accountable", "transfers", "documents", "because"):
        assert k in f
    assert set(f["source"]) >= {"file", "clause", "quote"}
    assert set(f["deadlines"][0]) >= {"what", "due", "status"}
    assert f["deadlines"][0]["due"] == "2024-08-02" and f["deadlines"][0]["status"] == "overdue"
    assert all(d in DOCUMENT_KINDS for d in f["documents"])
    (agg,) = doc["aggregates"]
    assert agg["rule"] == "two" and agg["group"] == "东镇" and agg["count"] == 2


def test_rules_list_show_coverage_lint(small):
    rules, _ = small
    assert "open" in run("rules", "list", "--rules", rules).output
    shown = run("rules", "show", "open", "--rules", rules)
    assert shown.exit_code == 0 and "三 边查边改 1①" in shown.output
    cov = run("rules", "coverage", "--rules", rules, "--clauses", ROOT / "rules" / "policy-clauses.md")
    assert cov.exit_code == 1 and "002-5　已实现" in cov.output and "未实现" in cov.output
    assert run("rules", "lint", "--rules", rules).exit_code == 0


def test_schema_export(tmp_path):
    out = tmp_path / "case.schema.json"
    assert run("schema", "-o", out).exit_code == 0
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert "kind" in schema["properties"] and "案件类型" in json.dumps(schema, ensure_ascii=False)
    lists = schema["properties"]["checklists"]["properties"]  # the packs' checklists, for completion
    assert lists["liangduan_sanqing"]["properties"]["water"] == {"type": "boolean", "description": "断水"}
    assert set(lists["sanbuliu_yihuibi"]["properties"]) == {"personnel", "equipment", "materials", "closed"}


def test_shipped_examples_check(packs, example_cases):
    res = run("check", ROOT / "cases", "--json")
    assert res.exit_code == 1, res.output[-2000:]
    doc = json.loads(res.stdout)
    CheckOutput.model_validate(doc)
    assert len(doc["cases"]) == len(example_cases) and not doc["errors"]


@pytest.mark.parametrize("args,words", [
    (["render"], "错误：缺少参数 'paths'"),
    (["batch", "cases", "--workers", "abc"], "错误：'--workers' 的取值无效：应为整数"),
    (["check", "cases", "--engine", "nope"], "没有求值器“nope”，可选：auto、durable、reference、both"),
    (["chek"], "错误：没有命令 'chek'，是否应为"),
    (["check", "--frob", "cases"], "错误：没有选项 --frob"),
])
def test_usage_errors_are_chinese(args, words):
    """What the installed command prints for a mistyped command line: Chinese, exit status 2, no traceback."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "policykit", *args], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert words in r.stderr, r.stderr
    assert "查看帮助" in r.stderr
    for english in ("Traceback", "Missing", "Invalid value", "No such", "Did you mean", "Error:"):
        assert english not in r.stderr, r.stderr


def test_help_is_chinese():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "policykit", "render", "--help"], cwd=ROOT, capture_output=True,
                       text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    assert "用法：" in r.stdout and "显示本帮助并退出" in r.stdout and "[必填]" in r.stdout
    for english in ("Usage:", "Show this message", "[required]", "[default:"):
        assert english not in r.stdout, r.stdout


def test_command_line_does_not_need_click():
    """Typer vendors its own click; the real one is only a test tool's dependency, so the CLI must not import it."""
    import subprocess
    import sys

    code = "import sys, policykit.cli; sys.exit('click' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
