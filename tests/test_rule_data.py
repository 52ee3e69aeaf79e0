"""OpenFisca-style data tests: ``rules/tests/<pack>/*.yaml``, each a case (or cases) and what the clauses say must follow.

Expectations are written from the clause text, not copied from engine output.
Matching is by subset: the listed deadlines/officials must be there, others may be too.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from policykit.facts.load import parse_case
from policykit.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[1]
TEST_FILES = sorted((ROOT / "rules" / "tests").rglob("*.yaml"))


def _items():
    for path in TEST_FILES:
        data = load_yaml(path) or []
        for i, item in enumerate(data):
            yield pytest.param(path, i, item, id=f"{path.parent.name}/{path.stem}#{i}:{item.get('name', '')}")


def _cases(item, path):
    raw = []
    if "case" in item:
        raw.append(item["case"])
    raw.extend(item.get("cases", []))
    if "case_file" in item:
        data = load_yaml(ROOT / item["case_file"])
        data = data if isinstance(data, list) else [data]
        if "case_id" in item:
            data = [d for d in data if d.get("id") == item["case_id"]]
        raw.extend(data)
    assert raw, f"{path}: 测试项没有案件"
    return [parse_case(c, str(path)) for c in raw]


def _as_str(v):
    return v.isoformat() if isinstance(v, dt.date) else v


def _subset(expected: dict, actual: dict) -> bool:
    return all(_as_str(actual.get(k)) == _as_str(v) for k, v in expected.items())


def _check_lists(label, expected_map, by_rule, attr, key=None):
    for rule, wanted in (expected_map or {}).items():
        assert rule in by_rule, f"{label}：规则 {rule} 未触发，无法核对 {attr}"
        got = [x.model_dump(mode="json") if hasattr(x, "model_dump") else x for x in getattr(by_rule[rule], attr)]
        if key:
            got = [g[key] for g in got]
        for w in wanted:
            if isinstance(w, dict):
                assert any(_subset(w, g) for g in got), f"{label}：规则 {rule} 的 {attr} 中没有 {w}；实际 {got}"
            else:
                assert w in got, f"{label}：规则 {rule} 的 {attr} 中没有 {w}；实际 {got}"


@pytest.mark.skipif(not TEST_FILES, reason="rules/tests 中尚无数据测试")
@pytest.mark.parametrize("path,index,item", list(_items()))
def test_rule_data(engine, path, index, item):
    cases = _cases(item, path)
    results, aggs = engine.check_all(cases)
    expect = item.get("expect", {})
    label = f"{path.name}#{index} {item.get('name', '')}"
    by_rule = {f.rule: f for r in results for f in r.findings}
    for rule in expect.get("fires", []):
        assert rule in by_rule, f"{label}：应触发 {rule}，实际触发 {sorted(by_rule)}"
    for rule in expect.get("not_fires", []):
        assert rule not in by_rule, f"{label}：不应触发 {rule}"
    _check_lists(label, expect.get("deadlines"), by_rule, "deadlines")
    _check_lists(label, expect.get("accountable"), by_rule, "accountable")
    _check_lists(label, expect.get("transfers"), by_rule, "transfers", key="to")
    _check_lists(label, expect.get("documents"), by_rule, "documents")
    agg_by_rule: dict[str, list] = {}
    for a in aggs:
        agg_by_rule.setdefault(a.rule, []).append(a)
    for rule, wanted in (expect.get("aggregates") or {}).items():
        assert rule in agg_by_rule, f"{label}：应触发汇总规则 {rule}，实际 {sorted(agg_by_rule)}"
        for w in wanted:
            w = dict(w)
            acc = w.pop("accountable", [])
            match = [a for a in agg_by_rule[rule] if _subset(w, a.model_dump(mode="json"))]
            assert match, f"{label}：汇总规则 {rule} 没有 {w}；实际 {[(a.group, a.count) for a in agg_by_rule[rule]]}"
            for person in acc:
                assert any(
                    _subset(person, p.model_dump()) for a in match for p in a.accountable
                ), f"{label}：汇总规则 {rule} 的责任人中没有 {person}"
    for rule in expect.get("not_aggregates", []):
        assert rule not in agg_by_rule, f"{label}：不应触发汇总规则 {rule}"


def test_data_tests_are_well_formed():
    """Every data test file is a list of items each with a name, cases and an expectation."""
    for path in TEST_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, list), f"{path} 应为测试项列表"
        for item in data:
            assert item.get("name") and item.get("expect"), f"{path}: 每个测试项须有 name 和 expect"
