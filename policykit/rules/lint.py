"""``policykit rules lint``: rule packs that lie, caught before they reach a case.

Each problem names the pack file and line. Checks: quotes found verbatim in the
cited source; conditions over fields the fact model has, with values of the
right type and valid enumeration values; deadlines over date fields and date
parameters; duplicate or dangling rule ids; rules that can never fire;
contradictory decisions without a stated precedence; windows that end before
they start.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from itertools import combinations

from ..errors import InputError
from ..facts.enums import CaseKind
from ..facts.flatten import enum_of, path_type
from .compile import compile_rules
from .conditions import All, Cmp, ConditionError, FindingRef
from .loader import LoadedPack
from .schema import DECISIONS, DeadlineSpec

CONFLICTS = {frozenset(p) for p in [("refuse", "approve"), ("close", "extend"), ("cancel", "extend"), ("stop", "resume")]}
_WS = re.compile(r"\s+")
AGG_PATHS = {"count": "int", "group": "str"}


@dataclass
class Problem:
    file: str
    line: int | None
    rule: str | None
    message: str

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" 规则 {self.rule}" if self.rule else ""
        return f"{where}{who}：{self.message}"


def _squash(text: str) -> str:
    return _WS.sub("", text)


def _type_ok(ftype: str, value) -> bool:
    if isinstance(value, list):
        return all(_type_ok(ftype, v) for v in value)
    if ftype == "bool":
        return isinstance(value, bool)
    if ftype == "date":
        return isinstance(value, int) and not isinstance(value, bool) and 19000101 <= value <= 29991231
    if ftype in ("int", "float"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if ftype == "str" or ftype.startswith("enum:"):
        return isinstance(value, str)
    return True


def _leaf_type(path: str, aggregate: bool) -> str | None:
    if aggregate:
        if path in AGG_PATHS:
            return AGG_PATHS[path]
        if path.startswith("any."):
            t = path_type(path[4:])
            return "bool" if t == "bool" else None
    return path_type(path)


def lint_pack(lp: LoadedPack, all_ids: set[str] | None = None) -> list[Problem]:
    probs: list[Problem] = []
    file = str(lp.path)

    def add(line, rule, msg):
        probs.append(Problem(file, line, rule, msg))

    meta = lp.pack.pack
    try:
        source = _squash(lp.source_text())
    except (OSError, InputError):
        source = None
        add(1, None, f"引用的原文文件不存在：rules/sources/{meta.source}")
    if meta.campaign and meta.campaign.end < meta.campaign.start:
        add(lp.data.lines.get("pack"), None, "行动期限的结束日期早于开始日期")
    for name, value in lp.pack.params.items():
        if isinstance(value, dict) and "start" in value and "end" in value:
            s, e = value["start"], value["end"]
            numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (s, e))
            if not (numbers or (isinstance(s, dt.date) and isinstance(e, dt.date))):
                add(_param_line(lp, name), None, f"参数 {name} 的 start/end 应同为日期或同为数字")
            elif e < s:
                add(_param_line(lp, name), None, f"参数 {name} 的结束日期早于开始日期")

    ids_seen: dict[str, int | None] = {}
    for section in ("rules", "aggregates"):
        aggregate = section == "aggregates"
        compiled, index = _compile_each(lp, section, add)
        if compiled is None:
            continue
        for cr in compiled.rules:
            rule, line = cr.rule, lp.rule_line(section, index[cr.index])
            if rule.id in ids_seen:
                add(line, rule.id, f"规则编号重复（另见第 {ids_seen[rule.id]} 行）")
            ids_seen[rule.id] = line
            if source is not None:
                src_file = rule.source.file or meta.source
                text = source if src_file == meta.source else _other_source(lp, src_file)
                if text is None:
                    add(line, rule.id, f"引用的原文文件不存在：{src_file}")
                elif not rule.source.quote.strip() or _squash(rule.source.quote) not in text:
                    add(line, rule.id, f"引文在原文中找不到：“{rule.source.quote}”")
            for kind in rule.applies_to or []:
                if CaseKind.from_label(kind) is None or CaseKind.from_label(kind).value != kind:
                    add(line, rule.id, f"applies_to 中的案件类型“{kind}”不存在，规则永远不会触发")
            for leaf in cr.cond.leaves():
                if isinstance(leaf, Cmp):
                    _check_leaf(leaf, aggregate, lambda m: add(line, rule.id, m))
                elif isinstance(leaf, FindingRef):
                    known = all_ids if all_ids is not None else {r.id for r in compiled.rules}
                    if leaf.rule not in known:
                        add(line, rule.id, f"引用了不存在的规则 {leaf.rule}")
            for d in [*rule.then.deadlines, *(d.spec for d, _ in compiled.derived if d in list(cr.cond.leaves()))]:
                _check_deadline(d, lp, aggregate, lambda m: add(line, rule.id, m))
            for other in rule.overrides:
                if other not in {r.id for r in compiled.rules}:
                    add(line, rule.id, f"overrides 引用了本包中不存在的规则 {other}")
        probs.extend(_conflicts(lp, compiled, section, index))
    return probs


def _compile_each(lp: LoadedPack, section: str, add):
    """Compile a pack section; a rule whose condition does not compile is reported and left out, so one
    broken rule does not hide the others' problems. Returns (compiled, compiled index -> index in file)."""
    rules = list(getattr(lp.pack, section))
    try:
        return compile_rules([lp], section), list(range(len(rules)))
    except InputError:
        pass
    keep = []
    for i, rule in enumerate(rules):
        alone = LoadedPack(lp.pack.model_copy(update={section: [rule]}), lp.path, lp.data)
        try:
            compile_rules([alone], section)
        except InputError as exc:
            add(lp.rule_line(section, i), rule.id, exc.message)
        else:
            keep.append(i)
    try:
        part = LoadedPack(lp.pack.model_copy(update={section: [rules[i] for i in keep]}), lp.path, lp.data)
        return compile_rules([part], section), keep
    except InputError as exc:  # e.g. rules referring to each other in a cycle
        add(exc.line, None, exc.message)
        return None, []


def _param_line(lp: LoadedPack, name: str) -> int | None:
    params = lp.data.get("params")
    return params.lines.get(name) if hasattr(params, "lines") else None


def _other_source(lp: LoadedPack, name: str) -> str | None:
    path = lp.path.parent / "sources" / name
    return _squash(path.read_text(encoding="utf-8")) if path.exists() else None


def _check_leaf(leaf: Cmp, aggregate: bool, add) -> None:
    ftype = _leaf_type(leaf.path, aggregate)
    if ftype is None:
        add(f"条件中的字段“{leaf.path}”不在事实模型中")
        return
    if leaf.op == "exists":
        return
    if not _type_ok(ftype, leaf.value):
        add(f"条件“{leaf.path} {leaf.op} {leaf.value!r}”的取值类型不符（字段类型 {ftype}）")
        return
    cls = enum_of(ftype)
    if cls is not None:
        valid = {m.value for m in cls}
        values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
        bad = [v for v in values if v not in valid]
        if bad:
            add(f"条件“{leaf.path}”的取值 {bad} 不在枚举 {cls.__name__} 中，可选：{'、'.join(sorted(valid))}")


def _check_deadline(d: DeadlineSpec, lp: LoadedPack, aggregate: bool, add, what: str | None = None) -> None:
    what = what or d.what
    starts = d.start if isinstance(d.start, list) else [d.start]
    for path in (*starts, d.done, d.due_fact):
        if path and path != "as_of" and _leaf_type(path, aggregate) != "date":
            add(f"时限“{what}”引用的“{path}”不是日期字段")
    for name in (d.param, d.default_start if isinstance(d.default_start, str) else None):
        if name is not None and not isinstance(lp.pack.params.get(name), dt.date):
            add(f"时限“{what}”引用的参数“{name}”不是日期")
    if d.after is not None:
        _check_deadline(d.after, lp, aggregate, add, what)
    for unit in ("days", "working_days", "months", "hours"):
        ref = getattr(d, unit)
        if ref is not None and not isinstance(ref, int):
            v = lp.pack.params.get(ref.param)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                add(f"时限“{d.what}”的 {unit} 引用的参数“{ref.param}”不是非负整数")


def _kind_set(cr) -> set | None:
    return set(cr.rule.applies_to) if cr.rule.applies_to else None


def _exclusive(a, b) -> bool:
    """True when a top-level equality test makes the two conditions disjoint."""

    def tests(node):
        out: dict[str, set] = {}
        items = node.items if isinstance(node, All) else [node]
        for i in items:
            if isinstance(i, All):
                for k, v in tests(i).items():
                    out.setdefault(k, set()).update(v)
            if isinstance(i, Cmp) and i.op in ("eq", "is", "in"):
                vals = i.value if isinstance(i.value, list) else [i.value]
                out.setdefault(i.path, set()).update(map(repr, vals))
        return out

    ta, tb = tests(a.cond), tests(b.cond)
    return any(not (ta[p] & tb[p]) for p in ta.keys() & tb.keys())


def _conflicts(lp: LoadedPack, compiled, section: str, index: list[int]) -> list[Problem]:
    out = []
    decided = [cr for cr in compiled.rules if cr.rule.then.decision]
    for a, b in combinations(decided, 2):
        if frozenset((a.rule.then.decision, b.rule.then.decision)) not in CONFLICTS:
            continue
        ka, kb = _kind_set(a), _kind_set(b)
        if ka is not None and kb is not None and not (ka & kb):
            continue
        if b.id in a.rule.overrides or a.id in b.rule.overrides or _exclusive(a, b):
            continue
        out.append(
            Problem(
                str(lp.path), lp.rule_line(section, index[b.index]), b.id,
                f"与规则 {a.id} 的结论矛盾（{DECISIONS[a.rule.then.decision]} / {DECISIONS[b.rule.then.decision]}），且未用 overrides 说明优先顺序",
            )
        )
    return out


def lint(packs: list[LoadedPack]) -> list[Problem]:
    all_ids = {r.id for lp in packs for r in [*lp.pack.rules, *lp.pack.aggregates]}
    probs = [p for lp in packs for p in lint_pack(lp, all_ids)]
    seen: dict[str, str] = {}
    for lp in packs:
        for r in [*lp.pack.rules, *lp.pack.aggregates]:
            if r.id in seen and seen[r.id] != str(lp.path):
                probs.append(Problem(str(lp.path), None, r.id, f"规则编号与 {seen[r.id]} 中的规则重复"))
            seen.setdefault(r.id, str(lp.path))
    return probs


__all__ = ["Problem", "lint", "lint_pack", "ConditionError"]
