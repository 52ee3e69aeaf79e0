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

from strategies import atom_values, flat_case, pack_of, rules, shipped_case

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = dict(derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=250, **SETTINGS)
@given(rule_list=rules(), facts=st.lists(flat_case(), min_size=4, max_size=4))
def test_condition_trees_same_on_both_evaluators(rule_list, facts):
    """Random condition trees (all/any/not, every operator, missing fields, checklists, missed deadlines,
    findings across stages) fire the same rules on durable-rules and on the reference evaluator."""
    lp = pack_of(rule_list)
    durable = Engine([lp], backend="durable", cache=False)
    reference = Engine([lp], backend="reference", cache=False)
    for data in facts:
        case = parse_case(data, "gen")
        a, b = durable.check(case), reference.check(case)
        assert [f.rule for f in a.findings] == [f.rule for f in b.findings], (rule_list, data)
        assert a.model_dump() == b.model_dump()


_ENGINES: dict = {}
_FIRED: set = set()


def _engines():
    if not _ENGINES:
        from policykit.rules.loader import load_packs

        packs = load_packs(ROOT / "rules")
        _ENGINES.update(
            packs=packs, values=atom_values(packs),
            durable=Engine(packs, backend="durable", cache=False),
            reference=Engine(packs, backend="reference", cache=False),
            memo=Engine(packs, backend="durable", cache=True),
        )
    return _ENGINES


@st.composite
def _shipped(draw):
    e = _engines()
    return draw(shipped_case(e["packs"], e["values"]))


@settings(max_examples=1100, **SETTINGS)
@given(data=_shipped())
def test_shipped_packs_same_on_both_evaluators_and_memo(data):
    e = _engines()
    case = parse_case(data, "gen")
    a = e["durable"].check(case)
    b = e["reference"].check(case)
    c = e["memo"].check(case)
    assert a.model_dump() == b.model_dump() == c.model_dump()
    _FIRED.update(f.rule for f in a.findings)


def test_generated_cases_exercise_the_packs():
    """The generator is not vacuous: the generated cases above made many different rules fire."""
    if not _FIRED:
        pytest.skip("runs after test_shipped_packs_same_on_both_evaluators_and_memo")
    assert len(_FIRED) >= 40, sorted(_FIRED)
