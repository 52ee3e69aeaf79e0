"""The shipped rule packs: clean lint, every clause accounted for, every rule exercised, engines agree."""
from __future__ import annotations

from pathlib import Path

from policykit.rules.coverage import coverage
from policykit.rules.lint import lint

ROOT = Path(__file__).resolve().parents[1]


def test_lint_is_clean(packs):
    problems = lint(packs)
    assert not problems, "\n".join(p.render() for p in problems)


def test_every_clause_encoded_or_out_of_scope(packs):
    clauses = coverage(packs, ROOT / "rules" / "policy-clauses.md")
    assert len(clauses) == 60
    missing = [c.id for c in clauses if not c.covered]
    assert not missing, f"既未实现也未说明理由的条款：{missing}"
    for c in clauses:
        if not c.rules:
            assert len(c.out_of_scope.strip()) >= 6, f"{c.id} 的不纳入理由过短"


def test_every_pack_quotes_its_own_source(packs):
    for lp in packs:
        assert lp.source_path.exists(), f"{lp.path.name}: 原文 {lp.source_path} 不存在"


def test_every_rule_fires_in_some_example(engine, example_cases):
    results, aggs = engine.check_all(example_cases)
    fired = {f.rule for r in results for f in [*r.findings, *r.withdrawn]} | {a.rule for a in aggs}
    all_ids = {r.id for lp in engine.packs for r in [*lp.pack.rules, *lp.pack.aggregates]}
    assert not all_ids - fired, f"示例案件中从未触发的规则：{sorted(all_ids - fired)}"


def test_engines_agree_on_examples(packs, example_cases):
    from policykit.rules.engine import Engine

    durable = Engine(packs, backend="durable", cache=False)
    reference = Engine(packs, backend="reference", cache=False)
    for case in example_cases:
        a, b = durable.check(case), reference.check(case)
        assert a.model_dump() == b.model_dump(), case.id
    ra, aa = durable.check_all(example_cases)
    rb, ab = reference.check_all(example_cases)
    assert [x.model_dump() for x in aa] == [x.model_dump() for x in ab]


def test_at_least_40_example_cases(example_cases):
    assert len(example_cases) >= 40
