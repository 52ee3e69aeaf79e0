"""rules lint: each kind of lie in a pack is caught, with the pack file and line."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policykit.errors import InputError
from policykit.rules.lint import lint
from policykit.rules.loader import load_pack, load_packs

from small_pack import PACK, SOURCE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def rules_dir(tmp_path):
    (tmp_path / "sources").mkdir()
    shutil.copy(ROOT / "rules" / "sources" / SOURCE, tmp_path / "sources" / SOURCE)
    return tmp_path


def problems(rules_dir, text, name="t.yaml"):
    (rules_dir / name).write_text(text, encoding="utf-8")
    return lint(load_packs(rules_dir))


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_small_pack_is_clean(rules_dir):
    assert problems(rules_dir, PACK) == []


@pytest.mark.parametrize("old,new,expect", [
    ('quote: "对经查明的无证非法采矿问题依法立案查处"', 'quote: "对经查明的非法采矿一律关闭"', "引文在原文中找不到"),
    ("when: {fact: licence.status, in: [none, cancelled, revoked]}", "when: {fact: licence.colour, eq: red}", "不在事实模型中"),
    ("when: {fact: licence.status, in: [none, cancelled, revoked]}", "when: {fact: observations.found_on, gte: abc}", "只适用于数字或日期"),
    ("when: {fact: licence.status, in: [none, cancelled, revoked]}", "when: {fact: operator.name, lt: 某}", "只适用于数字或日期"),
    ("when: {fact: licence.status, in: [none, cancelled, revoked]}", "when: {fact: observations.mining, eq: 1}", "取值类型不符"),
    ("when: {fact: licence.status, in: [none, cancelled, revoked]}", "when: {fact: licence.status, in: [none, lost]}", "不在枚举"),
    ("applies_to: [unlicensed_mining]", "applies_to: [flying_mining]", "永远不会触发"),
    ("working_days: 1, done: observations.reported_to_town_on", "working_days: 1, done: observations.mining", "不是日期字段"),
    ("start: observations.found_on, working_days: 1, done: observations.reported_to_town_on",
     "after: {start: observations.mining, days: 1}, working_days: 1, done: observations.reported_to_town_on", "不是日期字段"),
    ("start: observations.found_on, working_days: 1, done: observations.reported_to_town_on",
     "due_fact: operator.name, done: observations.reported_to_town_on", "不是日期字段"),
    ("campaign: {start: 2024-07-01, end: 2024-10-10}", "campaign: {start: 2024-07-01, end: 2024-06-10}", "结束日期早于开始日期"),
    ("overrides: [ban]", "overrides: [nothing]", "不存在的规则"),
])
def test_each_lie_is_caught_with_its_line(rules_dir, old, new, expect):
    assert old in PACK
    text = PACK.replace(old, new, 1)
    found = problems(rules_dir, text)
    assert any(expect in p.message for p in found), [p.render() for p in found]
    p = next(p for p in found if expect in p.message)
    assert p.file.endswith("t.yaml") and p.line
    if "campaign" not in old:
        # the problem points at the rule that has it
        rule_start = max(i for i, line in enumerate(text.splitlines(), 1)
                         if line.strip().startswith("- id:") and i <= line_of(text, new.split(",")[0][:25]))
        assert p.line == rule_start


def test_duplicate_ids_within_and_across_packs(rules_dir):
    dup = PACK.replace("- id: ban", "- id: open")
    found = problems(rules_dir, dup)
    assert any("规则编号重复" in p.message for p in found)
    (rules_dir / "t.yaml").write_text(PACK, encoding="utf-8")
    other = PACK.replace("id: t\n", "id: t2\n").replace("- id: ban", "- id: x-ban").replace("- id: late", "- id: x-late")
    other = other.replace("- id: one", "- id: x-one").replace("- id: two", "- id: x-two").replace("- id: bad", "- id: x-bad")
    other = other.replace("[ban]", "[x-ban]").replace("[two]", "[x-two]").replace("{finding: open}", "{finding: open}")
    found = problems(rules_dir, other, "u.yaml")
    assert any("重复" in p.message and p.rule == "open" for p in found)


def test_contradictory_decisions_need_precedence(rules_dir):
    text = PACK.replace("then:\n      category: violation", "then:\n      decision: refuse\n      category: violation", 1)
    text = text.replace("then: {category: disposition, text: 按标准取缔}", "then: {category: decision, decision: approve, text: 批准}")
    found = problems(rules_dir, text)
    assert any("结论矛盾" in p.message for p in found), [p.render() for p in found]
    fixed = text.replace("    title: 取缔不到位\n", "    title: 取缔不到位\n    overrides: [open]\n")
    assert not any("结论矛盾" in p.message for p in problems(rules_dir, fixed))


def test_contradiction_is_named_in_chinese(rules_dir):
    text = PACK.replace("then:\n      category: violation", "then:\n      decision: refuse\n      category: violation", 1)
    text = text.replace("then: {category: disposition, text: 按标准取缔}", "then: {category: decision, decision: approve, text: 批准}")
    (msg,) = [p.message for p in problems(rules_dir, text) if "结论矛盾" in p.message]
    assert "不予批准" in msg and "批准" in msg and "refuse" not in msg


def test_unknown_decision_is_a_schema_error_at_its_line(rules_dir):
    text = PACK.replace("then:\n      category: violation", "then:\n      decision: shut\n      category: violation", 1)
    (rules_dir / "t.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_pack(rules_dir / "t.yaml")
    assert "未知的决定“shut”" in info.value.render() and "stop（责令停止违法行为）" in info.value.render()
    assert info.value.line


def test_rule_without_source_is_a_schema_error(rules_dir):
    text = PACK.replace('    source: {where: "三 边查边改 1①", quote: "对经查明的无证非法采矿问题依法立案查处"}\n', "", 1)
    (rules_dir / "t.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_pack(rules_dir / "t.yaml")
    assert "source" in info.value.render() and info.value.line


def test_wrong_param_types(rules_dir):
    text = PACK.replace("plan_date: 2024-07-25", "plan_date: 下月\n  days_n: 三十").replace(
        "working_days: 1, done: observations.reported_to_town_on", "working_days: {param: days_n}, done: observations.reported_to_town_on")
    text = text.replace("when: {missed: {start: observations.found_on, days: 10, done: observations.banned_on}}",
                        "when: {missed: {start: observations.found_on, default_start: plan_date, days: 10, done: observations.banned_on}}")
    found = [p.message for p in problems(rules_dir, text)]
    assert any("days_n" in m and "不是非负整数" in m for m in found), found
    assert any("plan_date" in m and "不是日期" in m for m in found), found


def test_shipped_packs_lint_clean():
    found = lint(load_packs(ROOT / "rules"))
    assert found == [], "\n".join(p.render() for p in found)


def test_a_rule_that_does_not_compile_hides_no_other_problem(rules_dir):
    """Two lies in one pack: a condition that does not compile, and a quote not in the source. Both are
    reported, each at its own rule's line."""
    text = PACK.replace("when: {fact: licence.status, in: [none, cancelled, revoked]}", "when: {fact: operator.name, lt: 某}")
    text = text.replace('quote: "三不留、一毁闭"}\n    when: {all:', 'quote: "三不留、两毁闭"}\n    when: {all:')
    found = problems(rules_dir, text)
    assert {p.rule for p in found} == {"open", "ban"}, [p.render() for p in found]
    lines = {p.rule: p.line for p in found}
    assert lines == {"open": line_of(text, "- id: open"), "ban": line_of(text, "- id: ban")}
