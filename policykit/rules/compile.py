"""Compiling packs into staged rule sets both backends evaluate.

Stages make "no such finding" safe: a rule that refers to another rule's
finding runs in a later stage, after the stage that decides it has finished.
"""
from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field

from pydantic import ValidationError

from ..errors import PackError
from ..facts.flatten import path_type
from .conditions import All, Cmp, ConditionError, Derived, FindingRef, Not, Node, Parser
from .loader import LoadedPack
from .schema import DeadlineSpec, Rule


@dataclass
class CRule:
    rule: Rule
    pack: LoadedPack
    cond: Node
    index: int
    stage: int = 1

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass
class Compiled:
    name: str
    rules: list[CRule]
    derived: list[tuple[Derived, LoadedPack]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.rules}
        n = max((r.stage for r in self.rules), default=0)
        self.stages = [[r for r in self.rules if r.stage == k] for k in range(1, n + 1)]
        atoms: dict[tuple, Cmp] = {}
        for r in self.rules:
            for leaf in r.cond.leaves():
                if isinstance(leaf, Cmp):
                    atoms.setdefault((leaf.path, leaf.op, repr(leaf.value)), leaf)
        # The atomic comparisons: which rules fire is a function of their truth values
        # (plus the derived leaves), which is what the engine memoises on.
        self.atoms = list(atoms.values())
        self.paths = sorted({a.path for a in self.atoms})


def make_deadline(spec: dict) -> DeadlineSpec:
    try:
        return DeadlineSpec.model_validate(spec)
    except ValidationError as exc:
        raise ConditionError(f"时限写法有误：{exc.errors(include_url=False)[0]['msg']}") from None


ORDER_OPS = ("lt", "lte", "gt", "gte")


def _check_order(cond: Node, section: str) -> None:
    """``lt``/``lte``/``gt``/``gte`` compare numbers and dates only. durable-rules orders text differently
    from Python ("县交通运输局" > "县交通运输局 " there) and a comparison across types is silently true
    there, so anything else would make the two evaluators disagree."""
    for leaf in cond.leaves():
        if not isinstance(leaf, Cmp) or leaf.op not in ORDER_OPS:
            continue
        ftype = "int" if section == "aggregates" and leaf.path == "count" else path_type(leaf.path)
        number = isinstance(leaf.value, (int, float)) and not isinstance(leaf.value, bool)
        if not number or (ftype is not None and ftype not in ("int", "float", "date")):
            raise ConditionError(
                f"“{leaf.path} {leaf.op} {leaf.value!r}”：大小比较（lt、lte、gt、gte、within）只适用于数字或日期"
            )


def rule_condition(rule: Rule, parser: Parser) -> Node:
    parts: list[Node] = []
    if rule.applies_to:
        parts.append(Cmp("kind", "in", list(rule.applies_to)))
    parts.append(parser.parse(rule.when))
    if rule.unless is not None:
        parts.append(Not(parser.parse(rule.unless)))
    return All(parts)


def compile_rules(packs: tuple[LoadedPack, ...] | list[LoadedPack], section: str = "rules") -> Compiled:
    """Compile the rules (or aggregates) of ``packs``, in pack order then file order."""
    crules: list[CRule] = []
    derived: list[tuple[Derived, LoadedPack]] = []
    for pi, lp in enumerate(packs):
        parser = Parser(lp.pack.params, make_deadline, f"{pi}_{section[0]}")
        for i, rule in enumerate(getattr(lp.pack, section)):
            try:
                cond = rule_condition(rule, parser)
                _check_order(cond, section)
            except ConditionError as exc:
                raise PackError(
                    f"规则 {rule.id} 的条件有误：{exc}", file=str(lp.path), line=lp.rule_line(section, i)
                ) from None
            crules.append(CRule(rule, lp, cond, len(crules)))
        derived.extend((d, lp) for d in parser.derived)
    _stage(crules)
    digest = hashlib.sha1("|".join(f"{lp.id}:{lp.path}" for lp in packs).encode() + section.encode()).hexdigest()[:10]
    # A fresh name per compilation: durable-rules cannot register a ruleset name twice.
    return Compiled(f"pk_{section}_{digest}_{next(_serial)}", crules, derived)


_serial = itertools.count(1)


def _stage(crules: list[CRule]) -> None:
    by_id = {r.id: r for r in crules}
    state: dict[str, int] = {}

    def visit(r: CRule, chain: tuple[str, ...]) -> int:
        if state.get(r.id, 0) > 0:
            return state[r.id]
        if r.id in chain:
            raise PackError(f"规则之间循环引用：{' → '.join(chain + (r.id,))}", file=str(r.pack.path))
        refs = [leaf.rule for leaf in r.cond.leaves() if isinstance(leaf, FindingRef)]
        stage = 1 + max((visit(by_id[x], chain + (r.id,)) for x in refs if x in by_id), default=0)
        state[r.id] = r.stage = stage
        return stage

    for r in crules:
        visit(r, ())
