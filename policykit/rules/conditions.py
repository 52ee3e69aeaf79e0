"""Rule conditions: one semantics, used three ways.

A condition from YAML is parsed into a small tree. The tree can
- ``evaluate`` a flat fact dict (the reference semantics),
- ``explain`` why it holds (the ``because`` chain of a finding),
- ``dnf`` itself into disjunctive normal form over durable-rules atoms: each
  term (a plain ``$and`` of single-field tests) becomes one durable-rules rule,
  and the condition holds when any of its terms matches. No ``$or`` reaches
  durable-rules: a fact matching several branches of a nested ``$or`` makes it
  loop forever, and so does a pattern made only of ``$nex`` tests, so every
  term is anchored by a test on a field every fact has (both found by the
  property tests).

Semantics: a comparison on a missing field is false (``ne`` and ``not_in``
included); ``not`` is plain negation. Dates are YYYYMMDD integers. Leaves that
depend on the calendar (``missed``) or on earlier rules (``finding``) are
computed in Python and given to durable-rules as precomputed fields, which keeps
it inside its safe subset: single-fact patterns only.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from ..facts.dates import to_int

OPS = ("eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "is", "exists", "within")
OP_TEXT = {
    "eq": "=", "ne": "≠", "in": "属于", "not_in": "不属于", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥",
    "is": "=", "exists": "已填写",
}
MAX_TERMS = 512  # a condition whose DNF is larger is rejected as too complex

Term = list  # a conjunction of durable-rules atoms
TRUE: list[Term] = [[]]  # one empty term: always holds
FALSE: list[Term] = []  # no term: never holds


class ConditionError(ValueError):
    """A malformed condition; message in Chinese."""


_PLAIN = re.compile(r"[0-9A-Za-z]")


def key(path: str) -> str:
    """The durable-rules field name of a dotted path (or rule id).

    ASCII letters and digits are kept and every other character becomes
    ``_<hex code>_``, so distinct paths always get distinct names: Chinese
    checklist items, or rule ids ``x-y`` and ``x_y``, once shared one field."""
    return "".join(c if _PLAIN.fullmatch(c) else f"_{ord(c):x}_" for c in path)


def _norm(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return to_int(v.date())
    if isinstance(v, dt.date):
        return to_int(v)
    if isinstance(v, list):
        return [_norm(x) for x in v]
    return v


@dataclass
class Ctx:
    """What evaluation needs besides the facts."""

    fired: set
    derived: dict  # derived-leaf key -> bool (absent when not computable)


class Node:
    def evaluate(self, flat: dict, ctx: Ctx) -> bool:
        raise NotImplementedError

    def dnf(self, negated: bool = False) -> list[Term]:
        """Terms (lists of durable-rules atoms) whose disjunction means this node (or its negation)."""
        raise NotImplementedError

    def explain(self, flat: dict, ctx: Ctx, describe: Callable) -> list[str]:
        return []

    def leaves(self):
        yield self


@dataclass
class Cmp(Node):
    path: str
    op: str
    value: Any

    def evaluate(self, flat, ctx):
        if self.op == "exists":
            return (self.path in flat) == bool(self.value)
        if self.path not in flat:
            return False
        x, v = flat[self.path], self.value
        try:
            if self.op in ("eq", "is"):
                return x == v and isinstance(x, bool) == isinstance(v, bool)
            if self.op == "ne":
                return not (x == v and isinstance(x, bool) == isinstance(v, bool))
            if self.op == "in":
                return x in v
            if self.op == "not_in":
                return x not in v
            if self.op == "lt":
                return x < v
            if self.op == "lte":
                return x <= v
            if self.op == "gt":
                return x > v
            if self.op == "gte":
                return x >= v
        except TypeError:
            return False
        raise ConditionError(f"未知运算 {self.op}")

    def dnf(self, negated=False):
        k, v, op = key(self.path), self.value, self.op
        ex, nex = {"$ex": {k: 1}}, {"$nex": {k: 1}}
        if op == "exists":
            return [[ex]] if bool(v) != negated else [[nex]]
        if op in ("in", "not_in"):
            member = [[{k: x}] for x in v]
            nonmember = [[ex] + [{"$neq": {k: x}} for x in v]]
            if (op == "in") != negated:
                return member if not negated else [[nex]] + member
            return nonmember if not negated else [[nex]] + nonmember
        if op in ("eq", "is"):
            return [[nex], [{"$neq": {k: v}}]] if negated else [[{k: v}]]
        if op == "ne":
            return [[nex], [{k: v}]] if negated else [[ex, {"$neq": {k: v}}]]
        flip = {"lt": "$gte", "lte": "$gt", "gt": "$lte", "gte": "$lt"}
        if negated:
            return [[nex], [{flip[op]: {k: v}}]]
        return [[ex, {f"${op}": {k: v}}]]

    def explain(self, flat, ctx, describe):
        if self.op == "exists" and not self.value:
            return [f"{describe(self.path)}：未填写"]
        return [f"{describe(self.path)}：{describe.value(self.path, flat.get(self.path))}"]


@dataclass
class Derived(Node):
    """A yes/no leaf computed in Python before matching (deadline missed)."""

    dkey: str
    spec: Any  # the DeadlineSpec
    label: str

    def evaluate(self, flat, ctx):
        return ctx.derived.get(self.dkey) is True

    def dnf(self, negated=False):
        if negated:
            return [[{"$nex": {self.dkey: 1}}], [{self.dkey: False}]]
        return [[{self.dkey: True}]]

    def explain(self, flat, ctx, describe):
        return [self.label]


@dataclass
class FindingRef(Node):
    rule: str

    @property
    def dkey(self) -> str:
        return "_f_" + key(self.rule)

    def evaluate(self, flat, ctx):
        return self.rule in ctx.fired

    def dnf(self, negated=False):
        return [[{"$nex" if negated else "$ex": {self.dkey: 1}}]]

    def explain(self, flat, ctx, describe):
        return [f"已认定：规则 {self.rule}"]


@dataclass
class All(Node):
    items: list

    def evaluate(self, flat, ctx):
        return all(i.evaluate(flat, ctx) for i in self.items)

    def dnf(self, negated=False):
        parts = [i.dnf(negated) for i in self.items]
        return _union(parts) if negated else _product(parts)

    def explain(self, flat, ctx, describe):
        return [line for i in self.items for line in i.explain(flat, ctx, describe)]

    def leaves(self):
        for i in self.items:
            yield from i.leaves()


@dataclass
class Any_(Node):
    items: list

    def evaluate(self, flat, ctx):
        return any(i.evaluate(flat, ctx) for i in self.items)

    def dnf(self, negated=False):
        parts = [i.dnf(negated) for i in self.items]
        return _product(parts) if negated else _union(parts)

    def explain(self, flat, ctx, describe):
        for i in self.items:
            if i.evaluate(flat, ctx):
                return i.explain(flat, ctx, describe)
        return []

    def leaves(self):
        for i in self.items:
            yield from i.leaves()


@dataclass
class Not(Node):
    item: Node

    def evaluate(self, flat, ctx):
        return not self.item.evaluate(flat, ctx)

    def dnf(self, negated=False):
        return self.item.dnf(not negated)

    def explain(self, flat, ctx, describe):
        inner = self.item
        if isinstance(inner, Cmp):
            if inner.path not in flat:
                return [f"{describe(inner.path)}：未填写"]
            return [f"{describe(inner.path)}：{describe.value(inner.path, flat.get(inner.path))}"]
        if isinstance(inner, FindingRef):
            return [f"未认定：规则 {inner.rule}"]
        if isinstance(inner, Derived):
            return [f"并非：{inner.label}"]
        if isinstance(inner, All):
            # not(a and b): name the parts that do not hold
            return [x for i in inner.items if not i.evaluate(flat, ctx) for x in Not(i).explain(flat, ctx, describe)]
        if isinstance(inner, Any_):
            return [x for i in inner.items for x in Not(i).explain(flat, ctx, describe)]
        return inner.item.explain(flat, ctx, describe) if isinstance(inner, Not) else []

    def leaves(self):
        yield from self.item.leaves()


def _union(parts: list[list[Term]]) -> list[Term]:
    return _prune([t for p in parts for t in p])


def _product(parts: list[list[Term]]) -> list[Term]:
    out: list[Term] = [[]]
    for p in parts:
        out = _prune([a + b for a in out for b in p])
    return out


def _same(a: Any, b: Any) -> bool:
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def _clean(term: Term) -> dict | None:
    """The term's distinct atoms, keyed (op, field, value); None when no fact can match it: a field
    both absent ($nex) and tested, or equal to two different values, or equal to and different from one."""
    atoms: dict[tuple, dict] = {}
    for a in term:
        ((op, body),) = a.items()
        if op.startswith("$"):
            ((field, v),) = body.items()
        else:
            op, field, v = "=", op, body
        atoms[(op, field, json.dumps(v))] = a
    absent = {f for op, f, _ in atoms if op == "$nex"}
    equal: dict[str, Any] = {}
    for (op, f, _), a in atoms.items():
        if op != "$nex" and f in absent:
            return None
        if op == "=":
            v = a[f]
            if f in equal and not _same(equal[f], v):
                return None
            equal.setdefault(f, v)
    for (op, f, _), a in atoms.items():
        if op == "$neq" and f in equal and _same(equal[f], a["$neq"][f]):
            return None
    return atoms


def _prune(terms: list[Term]) -> list[Term]:
    """The same disjunction with fewer terms: drop terms no fact can match, repeated atoms, and terms
    that contain another term's atoms (whenever they match, the smaller one does too). Negation makes
    the DNF grow fast; this keeps conditions with several negated parts within ``MAX_TERMS``."""
    unique: dict[frozenset, Term] = {}
    for t in terms:
        atoms = _clean(t)
        if atoms is not None:
            unique.setdefault(frozenset(atoms), list(atoms.values()))
    if len(unique) > 8 * MAX_TERMS:
        raise ConditionError(f"条件展开后超过 {MAX_TERMS} 个分支，过于复杂，请拆分为多条规则")
    kept: list[frozenset] = []
    for k in sorted(unique, key=len):
        if not any(s <= k for s in kept):
            kept.append(k)
    if len(kept) > MAX_TERMS:
        raise ConditionError(f"条件展开后超过 {MAX_TERMS} 个分支，过于复杂，请拆分为多条规则")
    return [unique[k] for k in kept]


ANCHOR = {"$ex": {"_stage": 1}}


def durable_pattern(term: Term) -> dict:
    """One DNF term as a durable-rules single-fact pattern.

    Every pattern starts with a positive test of a field every fact has: a
    pattern made only of ``$nex`` tests makes durable-rules loop forever."""
    return {"$and": [ANCHOR, *term]} if term else ANCHOR


class Parser:
    """Parses YAML condition data. ``params`` resolves windows and checklists;
    ``make_deadline`` validates a deadline spec (for ``missed``)."""

    def __init__(self, params: dict, make_deadline: Callable[[dict], Any], derived_prefix: str):
        self.params = params
        self.make_deadline = make_deadline
        self.prefix = derived_prefix
        self.derived: list[Derived] = []

    def parse(self, data) -> Node:
        if data is None:
            return All([])
        if isinstance(data, list):
            return All([self.parse(d) for d in data])
        if not isinstance(data, dict):
            raise ConditionError(f"条件应为映射，得到：{data!r}")
        keys = set(data)
        if keys == {"all"}:
            return All([self.parse(d) for d in self._list(data["all"], "all")])
        if keys == {"any"}:
            return Any_([self.parse(d) for d in self._list(data["any"], "any")])
        if keys == {"not"}:
            return Not(self.parse(data["not"]))
        if keys == {"finding"}:
            return FindingRef(str(data["finding"]))
        if keys == {"missed"}:
            spec = dict(data["missed"])
            spec.setdefault("what", "时限")
            deadline = self.make_deadline(spec)
            d = Derived(f"_d_{self.prefix}{len(self.derived)}", deadline, f"已逾期：{deadline.what}")
            self.derived.append(d)
            return d
        if "checklist" in keys:
            return self._checklist(data)
        if "fact" in keys:
            return self._cmp(data)
        raise ConditionError(f"无法识别的条件：{dict(data)}（可用：fact、all、any、not、finding、missed、checklist）")

    @staticmethod
    def _list(v, name):
        if not isinstance(v, list):
            raise ConditionError(f"“{name}”后应为条件列表")
        return v

    def _cmp(self, data) -> Node:
        ops = [k for k in data if k != "fact"]
        if len(ops) != 1 or ops[0] not in OPS:
            raise ConditionError(f"条件“{data.get('fact')}”须且只能有一个运算：{'、'.join(OPS)}")
        op, path = ops[0], str(data["fact"])
        value = self._param(data[op])
        if op == "within":
            win = self.params.get(value)
            if not isinstance(win, dict) or "start" not in win or "end" not in win:
                raise ConditionError(f"参数“{value}”不是时间窗口（应有 start、end）")
            return All([Cmp(path, "gte", _norm(win["start"])), Cmp(path, "lte", _norm(win["end"]))])
        if op in ("in", "not_in") and not isinstance(value, list):
            raise ConditionError(f"“{op}”后应为取值列表")
        if op == "is" and not isinstance(value, bool):
            raise ConditionError("“is”后应为 true 或 false")
        return Cmp(path, op, _norm(value))

    def _param(self, value):
        """``{param: NAME}`` stands for the pack parameter NAME (counties edit params, not rules)."""
        if isinstance(value, dict) and set(value) == {"param"}:
            name = value["param"]
            if name not in self.params:
                raise ConditionError(f"引用的参数“{name}”不存在")
            return self.params[name]
        return value

    def _checklist(self, data) -> Node:
        name = data["checklist"]
        spec = self.params.get(name)
        items = spec.get("items") if isinstance(spec, dict) else None
        if not isinstance(items, dict) or not items:
            raise ConditionError(f"参数“{name}”不是清单（应有 items）")
        complete = All([Cmp(f"checklists.{name}.{item}", "is", True) for item in items])
        return complete if data.get("complete", True) else Not(complete)
