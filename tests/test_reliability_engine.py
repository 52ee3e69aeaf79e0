"""Engine reliability: inputs that once made durable-rules and the reference evaluator disagree, or crash.

Each test names the trap it guards against. All run on small in-memory packs.
"""
from __future__ import annotations


from policykit.facts.load import parse_case
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
