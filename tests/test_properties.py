"""Property tests: durable-rules and the reference evaluator agree; the memo changes nothing; nothing crashes.

Fixed seeds (derandomize) keep CI stable. Together these run well over 1,000
generated cases per run; ``bench/equivalence.py`` runs 100,000.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykit.facts.load import parse_case
from policykit.rules.engine import Engine

from strategies import PARAMS, any_case, atom_values, flat_case, pack_of, rules, shipped_case

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = dict(derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=300, **SETTINGS)
@given(rule_list=rules(), facts=st.lists(flat_case(), min_size=4, max_size=4))
def test_condition_trees_same_on_both_evaluators(rule_list, facts):
    """Random condition trees (all/any/not, every operator, missing fields, checklists, missed deadlines,
    findings across stages) fire the same rules on durable-rules and on the reference evaluator."""
    lp = pack_of(rule_list, PARAMS)
    durable = Engine([lp], backend="durable", cache=False)
    reference = Engine([lp], backend="reference", cache=False)
    for data in facts:
        case = parse_case(data, "gen")
        a, b = durable.check(case), reference.check(case)
        assert [f.rule for f in a.findings] == [f.rule for f in b.findings], (rule_list, data)
        assert a.model_dump() == b.model_dump()
        COUNTS["conditions"] += 1


_ENGINES: dict = {}
_FIRED: set = set()
COUNTS = {"conditions": 0, "shipped": 0, "any": 0, "batches": 0}
needs_packs = pytest.mark.skipif(not any((ROOT / "rules").glob("*.yaml")), reason="rules/ 中尚无规则包")


def _engines():
    if not _ENGINES:
        from policykit.rules.loader import load_packs

        packs = load_packs(ROOT / "rules")
        _ENGINES.update(
            packs=packs, values=atom_values(packs),
            durable=Engine(packs, backend="durable", cache=False),
            reference=Engine(packs, backend="reference", cache=False),
            memo=Engine(packs, backend="durable", cache=True),
            both=Engine(packs, backend="both", cache=False),
        )
    return _ENGINES


@st.composite
def _shipped(draw):
    e = _engines()
    return draw(shipped_case(e["packs"], e["values"]))


@needs_packs
@settings(max_examples=1100, **SETTINGS)
@given(data=_shipped())
def test_shipped_packs_same_on_both_evaluators_and_memo(data):
    """Generated cases biased toward the values the shipped rules test give identical findings on
    durable-rules, the reference evaluator and the memo."""
    e = _engines()
    case = parse_case(data, "gen")
    a = e["durable"].check(case)
    b = e["reference"].check(case)
    c = e["memo"].check(case)
    assert a.model_dump() == b.model_dump() == c.model_dump()
    _FIRED.update(f.rule for f in a.findings)
    COUNTS["shipped"] += 1


@needs_packs
def test_generated_cases_exercise_the_packs():
    """The generator is not vacuous: the generated cases above made many different rules fire."""
    if not _FIRED:
        pytest.skip("runs after test_shipped_packs_same_on_both_evaluators_and_memo")
    assert len(_FIRED) >= 40, sorted(_FIRED)


@st.composite
def _batch(draw):
    e = _engines()
    n = draw(st.integers(1, 12))
    out = []
    for i in range(n):
        data = draw(shipped_case(e["packs"], e["values"]))
        data["id"] = f"gen{i}"
        out.append(data)
    return out


@needs_packs
@settings(max_examples=60, **SETTINGS)
@given(batch=_batch())
def test_escalation_tiers_same_on_both_evaluators_and_memo(batch):
    """Groups of generated cases (several in one township) give identical aggregate findings."""
    e = _engines()
    cases = [parse_case(d, "gen") for d in batch]
    got = [[a.model_dump() for a in e[k].check_all(cases)[1]] for k in ("durable", "reference", "memo")]
    assert got[0] == got[1] == got[2]
    COUNTS["batches"] += 1


@st.composite
def _any_batch(draw):
    e = _engines()
    return [draw(any_case(e["packs"], i)) for i in range(draw(st.integers(1, 3)))]


@needs_packs
@settings(max_examples=150, **SETTINGS)
@given(batch=_any_batch())
def test_any_valid_case_never_crashes_and_round_trips(batch):
    """Any valid case (any field, hostile text, extreme dates and numbers) loads, is checked by both
    evaluators without disagreement or crash, and its report survives JSON intact."""
    import json

    from policykit.findings import report

    e = _engines()
    cases = [parse_case(d, "gen") for d in batch]
    results, aggs = e["both"].check_all(cases)
    doc = json.loads(json.dumps(report.to_json(results, aggs, [], "both"), ensure_ascii=False))
    assert [c["case"] for c in doc["cases"]] == [c.id for c in cases]
    assert [c["name"] for c in doc["cases"]] == [c.name for c in cases]
    COUNTS["any"] += len(cases)


@needs_packs
def test_example_cases_same_on_both_evaluators_and_memo(example_cases):
    e = _engines()
    got = []
    for k in ("durable", "reference", "memo"):
        results, aggs = e[k].check_all(example_cases)
        got.append(([r.model_dump() for r in results], [a.model_dump() for a in aggs]))
    assert got[0] == got[1] == got[2]
    assert sum(len(r["findings"]) for r in got[0][0]) > len(example_cases)


def test_enough_generated_cases_per_run():
    """At least 1,000 generated cases per run for the condition trees, and for the shipped packs."""
    if not COUNTS["conditions"] or not COUNTS["shipped"]:
        pytest.skip("runs after the property tests above (whole file)")
    assert COUNTS["conditions"] >= 1000 and COUNTS["shipped"] >= 1000, COUNTS
