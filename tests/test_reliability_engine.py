"""Engine reliability: inputs that once made durable-rules and the reference evaluator disagree, or crash.

Each test names the trap it guards against. All run on small in-memory packs.
"""
from __future__ import annotations


import pytest

from policykit.facts.load import CaseErrors, parse_case
from policykit.rules.engine import Engine

from strategies import pack_of, rule

BASE = {"id": "g", "kind": "unlicensed_mining", "as_of": "2024-01-02", "jurisdiction": {"county": "测试县"}}


def fired(lp, data) -> dict[str, list[str]]:
    case = parse_case(dict(BASE, **data), "t")
    return {b: [f.rule for f in Engine([lp], backend=b, cache=False).check(case).findings]
            for b in ("durable", "reference")}


def test_chinese_checklist_items_are_distinct_fields():
    """Two checklist items with Chinese ids once became the same durable-rules field (every non-ASCII
    character mapped to "_"), so one item's answer overwrote the other's."""
    lp = pack_of([rule("done", {"checklist": "ban", "complete": True}),
                  rule("not-done", {"checklist": "ban", "complete": False})],
                 {"ban": {"items": {"人员": "不留人员", "设备": "不留设备"}}})
    got = fired(lp, {"checklists": {"ban": {"人员": False, "设备": True}}})
    assert got == {"durable": ["not-done"], "reference": ["not-done"]}
    got = fired(lp, {"checklists": {"ban": {"人员": True, "设备": True}}})
    assert got == {"durable": ["done"], "reference": ["done"]}


def test_rule_ids_differing_only_in_punctuation_are_distinct():
    """Rule ids x-y and x_y once shared one durable-rules finding field, so {finding: x_y} saw x-y."""
    lp = pack_of([rule("x-y", {"fact": "observations.mining", "is": True}),
                  rule("x_y", {"fact": "observations.mining", "is": False}),
                  rule("uses-x_y", {"finding": "x_y"}),
                  rule("甲规则", {"fact": "observations.mining", "is": True}),
                  rule("乙规则", {"fact": "observations.mining", "is": False}),
                  rule("uses-乙", {"finding": "乙规则"})])
    got = fired(lp, {"observations": {"mining": True}})
    assert got == {"durable": ["x-y", "甲规则"], "reference": ["x-y", "甲规则"]}


@pytest.mark.parametrize("value", [1e16, 2e17, 1e22, 1e-05, 3e-07, 5e-324, 1.5e16, 123456789.25, 0.1 + 0.2])
def test_numbers_python_writes_in_exponent_form(value):
    """json.dumps writes 1e16 as "1e+16", which durable-rules' parser rejects (error 204): any such
    number anywhere in a case made the durable engine fail."""
    lp = pack_of([rule("big", {"fact": "flags.mineral_value_yuan", "gte": 100000}),
                  rule("small", {"fact": "flags.mineral_value_yuan", "lt": 0.5}),
                  rule("exact", {"fact": "flags.mineral_value_yuan", "eq": value})])
    got = fired(lp, {"flags": {"mineral_value_yuan": value}, "restoration": {"area_mu": value}})
    assert got["durable"] == got["reference"]
    assert "exact" in got["durable"]
    assert ("big" in got["durable"]) == (value >= 100000) and ("small" in got["durable"]) == (value < 0.5)


def test_rule_literal_in_exponent_form():
    """A threshold such as 0.00005 in a pack could not even be registered with durable-rules."""
    lp = pack_of([rule("tiny", {"fact": "restoration.area_mu", "gt": 0.00005}),
                  rule("huge", {"fact": "flags.mineral_value_yuan", "lt": 1e20})])
    for area, value in [(0.00004, 1e21), (0.00006, 1e19)]:
        got = fired(lp, {"restoration": {"area_mu": area}, "flags": {"mineral_value_yuan": value}})
        assert got["durable"] == got["reference"]
    assert fired(lp, {"restoration": {"area_mu": 0.00006}})["durable"] == ["tiny"]


@pytest.mark.parametrize("text", ["1e+16", "价值 2e-05 元", '引号"1e+5"', "\\1e-3"])
def test_text_that_looks_like_an_exponent_is_left_alone(text):
    """The number rewriting for durable-rules touches numbers only, never text inside strings."""
    lp = pack_of([rule("eq", {"fact": "project.approving_department", "eq": text}),
                  rule("big", {"fact": "flags.mineral_value_yuan", "gt": 1e15})])
    got = fired(lp, {"project": {"approving_department": text}, "notes": text, "flags": {"mineral_value_yuan": 1e16}})
    assert got == {"durable": ["eq", "big"], "reference": ["eq", "big"]}


@pytest.mark.parametrize("text", [".inf", "1e999", ".Inf"])
def test_infinite_numbers_are_rejected_with_the_field(text):
    """YAML reads .inf (and 1e999) as an infinite float, which durable-rules cannot read at all."""
    import yaml

    v = yaml.safe_load(f"v: {text}")["v"]
    v = float(v) if isinstance(v, str) else v
    with pytest.raises(CaseErrors) as info:
        parse_case(dict(BASE, flags={"mineral_value_yuan": v}), "t.yaml")
    e = info.value.errors[0]
    assert e.field == "flags.mineral_value_yuan" and e.expected and "数" in e.render()


def test_text_that_is_not_unicode_is_rejected_with_the_field():
    """A lone surrogate ("\\ud800" in a double-quoted YAML string) crashed durable-rules and cannot be
    written to a .docx: the case is rejected, naming the field."""
    with pytest.raises(CaseErrors) as info:
        parse_case(dict(BASE, operator={"name": "某\ud800公司"}), "t.yaml")
    e = info.value.errors[0]
    assert e.field == "operator.name" and "字符" in e.message, e.render()
    with pytest.raises(CaseErrors):
        parse_case(dict(BASE, checklists={"ban": {"人\udc00员": True}}), "t.yaml")


@pytest.mark.parametrize("value", [2**53 + 1, 2**63, 10**20])
def test_counts_beyond_exact_comparison_are_rejected(value):
    """durable-rules saturates integers at 64 bits and compares doubles: 2**63 equalled 10**20 there but not
    in Python. No count needs more than 2**53, so larger ones are input errors naming the field."""
    with pytest.raises(CaseErrors) as info:
        parse_case(dict(BASE, licence={"boundary_exceeded_times": value}), "t.yaml")
    e = info.value.errors[0]
    assert e.field == "licence.boundary_exceeded_times" and "过大" in e.message and str(2**53) in e.expected
    parse_case(dict(BASE, licence={"boundary_exceeded_times": 2**53}), "t.yaml")


@pytest.mark.parametrize("cond", [{"fact": "project.approving_department", "lt": "县交通运输局 "},
                                  {"fact": "operator.name", "gte": 5},
                                  {"fact": "observations.found_on", "gt": "2024-01-01"},
                                  {"fact": "observations.mining", "lte": True}])
def test_order_comparisons_only_on_numbers_and_dates(cond):
    """durable-rules ordered "县交通运输局" after "县交通运输局 " (Python before), and orders across types
    as silently true: a pack that orders text is a pack error naming the rule and its line."""
    from policykit.errors import PackError

    lp = pack_of([rule("order", cond)])
    with pytest.raises(PackError) as info:
        Engine([lp], backend="reference").check(parse_case(BASE, "t"))
    assert "order" in info.value.message and "只适用于数字或日期" in info.value.message


@pytest.mark.parametrize("start", ["9999-12-31", "9999-07-01", "9999-12-24"])
def test_deadline_past_the_calendar_is_unknown_not_a_crash(start):
    """A start date typed as 9999-12-31 made adding a period raise "year 10000 is out of range"."""
    lp = pack_of([rule("late", {"missed": {"start": "observations.found_on", "months": 6}},
                       then={"category": "deadline", "text": "x",
                             "deadlines": [{"what": "整改", "start": "observations.found_on", "days": 10},
                                           {"what": "报告", "start": "observations.found_on", "working_days": 10}]}),
                  rule("open", {"fact": "observations.mining", "is": True},
                       then={"category": "violation", "text": "x",
                             "deadlines": [{"what": "整改", "start": "observations.found_on", "months": 6}]})])
    case = parse_case(dict(BASE, as_of="9999-12-31", observations={"found_on": start, "mining": True}), "t")
    for backend in ("durable", "reference"):
        result = Engine([lp], backend=backend).check(case)
        assert [f.rule for f in result.findings] == ["open"]
        (d,) = result.findings[0].deadlines
        assert d.due is None and d.status == "unknown" and "超出公历范围" in d.basis


def test_negated_conditions_stay_within_the_term_limit():
    """Each negated leaf doubles the DNF ("missing, or different"): this rule once expanded to 640 terms
    and was rejected as too complex. Dropping terms no fact can match and terms that contain another
    keeps it small, with the same meaning."""
    from strategies import PARAMS

    when = {"not": {"all": [{"fact": "licence.status", "eq": "none"}, {"fact": "licence.status", "eq": "none"},
                            {"not": {"checklist": "清单", "complete": False}}]}}
    unless = {"any": [{"fact": "licence.status", "eq": "none"},
                      {"all": [{"fact": "observations.found_on", "within": "win"}, {"checklist": "ban", "complete": True}]},
                      {"not": {"checklist": "ban", "complete": False}}]}
    lp = pack_of([rule("r", when, unless=unless, applies_to=["unlicensed_mining"])], PARAMS)
    from policykit.rules.compile import compile_rules

    (cr,) = compile_rules([lp]).rules
    assert len(cr.cond.dnf()) <= 64
    for data in [{}, {"licence": {"status": "valid"}}, {"checklists": {"清单": {"人员": True, "设备": True, "物料": True}}},
                 {"licence": {"status": "valid"}, "checklists": {"ban": {"people": True}}, "observations": {"found_on": "2024-01-05"}}]:
        got = fired(lp, data)
        assert got["durable"] == got["reference"]
