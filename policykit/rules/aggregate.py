"""Findings about groups of cases: escalation tiers per township or department.

Counting is done here in Python (durable-rules' own ``count`` batches globally,
not per group); each group's summary is then evaluated as one fact by the same
backends as case rules. A ``Tally`` accumulates case by case, so a batch can
stream its cases and keep only what the counts need.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ..facts.dates import cn_date, to_int
from ..facts.flatten import field_types, flatten
from ..facts.labels import Describer
from ..findings.build import apply_overrides, build, placeholders
from ..findings.model import AggregateFinding
from .compile import CRule
from .conditions import Ctx, _norm

UNSET = "（未填写）"
_BOOL_PATHS = [p for p, t in field_types().items() if t == "bool"]


@dataclass
class _Group:
    cases: list[str] = field(default_factory=list)
    any_true: set = field(default_factory=set)
    as_of: dt.date | None = None
    values: dict = field(default_factory=lambda: defaultdict(set))  # placeholder -> values seen
    undated: list[tuple[str, dt.date]] = field(default_factory=list)  # counted by as_of: (case id, as_of)


def _group_key(rule) -> tuple:
    g = rule.group
    return (tuple(sorted(g.findings)), g.by, g.date, g.window)


class Tally:
    def __init__(self, engine):
        self.engine = engine
        # (pack id, group spec) -> group value -> _Group
        self.groups: dict[tuple, dict[str, _Group]] = defaultdict(dict)

    def add(self, case, result) -> None:
        fired = {f.rule for f in result.findings}
        if not fired:
            return
        flat = None
        for pid in result.packs:
            lp = self.engine.by_id[pid]
            for spec in {_group_key(a): a for a in lp.pack.aggregates}.values():
                g = spec.group
                if not fired.intersection(g.findings):
                    continue
                flat = flat or flatten(case)
                undated = False
                if g.window:
                    win = lp.pack.params.get(g.window, {})
                    d = flat.get(g.date) if g.date else None
                    if d is None:  # no date of its own: the case is counted by its evaluation date
                        d, undated = to_int(result.as_of), True
                    if not (_norm(win["start"]) <= d <= _norm(win["end"])):
                        continue
                # Cases that do not name the group (no township, no approving department) are not one group.
                value = str(flat.get(g.by) or f"{UNSET}（案件{result.case}）")
                grp = self.groups[(pid, _group_key(spec))].setdefault(value, _Group())
                if undated:
                    grp.undated.append((result.case, result.as_of))
                grp.cases.append(result.case)
                grp.any_true.update(p for p in _BOOL_PATHS if flat.get(p) is True)
                grp.as_of = max(grp.as_of or result.as_of, result.as_of)
                for k, v in placeholders(flat).items():
                    grp.values[k].add(v)

    def finish(self) -> list[AggregateFinding]:
        out: list[AggregateFinding] = []
        for lp in self.engine.packs:
            if not lp.pack.aggregates:
                continue
            compiled = self.engine.compiled_for((lp,), "aggregates")
            specs: dict[tuple, list[CRule]] = defaultdict(list)
            for cr in compiled.rules:
                specs[_group_key(cr.rule)].append(cr)
            for gkey, crules in specs.items():
                for value, grp in sorted(self.groups.get((lp.id, gkey), {}).items()):
                    out.extend(self._evaluate(compiled, crules, value, grp))
        return out

    def _evaluate(self, compiled, crules, value: str, grp: _Group) -> list[AggregateFinding]:
        by = crules[0].rule.group.by
        flat = {"count": len(grp.cases), "group": value}
        flat.update({f"any.{p}": (p in grp.any_true) for p in _BOOL_PATHS})
        as_of = grp.as_of or dt.date.today()
        derived = self.engine.derive(compiled, flat, as_of)
        # Evaluate only this group spec's rules: a sub-compiled view keeps stage order.
        fired = [r for r in self.engine.fire(compiled, flat, derived) if r in {c.id for c in crules}]
        kept, _ = apply_overrides(crules, fired)
        ctx = Ctx(fired=set(fired), derived=derived)
        # A placeholder is known for the group when every counted case shares it ({village} for one case).
        values = {k: next(iter(v)) for k, v in grp.values.items() if len(v) == 1}
        values.update(group=value, count=len(grp.cases))
        if by == "jurisdiction.township":
            values["township"] = value
        elif by == "project.approving_department":
            values["department"] = value
        date_field = crules[0].rule.group.date
        notes = [f"案件 {cid} 未填写{Describer()(date_field)}，按评估日期{cn_date(d)}计入" for cid, d in grp.undated]
        out = []
        for r in kept:
            f = build(
                compiled.by_id[r], flat, ctx, as_of, values, finding_cls=AggregateFinding,
                group_by=by, group=value, count=len(grp.cases), cases=list(grp.cases),
            )
            f.because[:0] = notes
            out.append(f)
        return out


def aggregate(engine, cases, results) -> list[AggregateFinding]:
    tally = Tally(engine)
    for case, result in zip(cases, results):
        tally.add(case, result)
    return tally.finish()
