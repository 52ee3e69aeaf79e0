"""Hypothesis strategies: condition trees, flat facts, and valid cases biased toward what the packs test."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import strategies as st

from policykit.facts.dates import from_int
from policykit.facts.enums import CaseKind, LicenceStatus, OperatorKind
from policykit.facts.flatten import enum_of, path_type
from policykit.rules.loader import LoadedPack
from policykit.rules.schema import Pack
from policykit.yamlio import LineDict

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "002_3a776127d9b87be9.txt"


def pack_of(rule_list: list[dict], params: dict | None = None) -> LoadedPack:
    """An in-memory pack over seed 002 governing 测试县 (no file needed)."""
    data = {
        "pack": {"id": "gen", "title": "生成", "issuer": "测试", "source": SOURCE, "governs": {"county": "测试县"}},
        "params": params if params is not None else {"ban": {"items": {"people": "不留人员", "kit": "不留设备"}}},
        "rules": rule_list,
    }
    d = LineDict(data)
    d.lines = {}
    return LoadedPack(Pack.model_validate(data), ROOT / "rules" / "gen.yaml", d)


def rule(rule_id: str, when, **extra) -> dict:
    """A minimal rule with a verbatim quote from seed 002."""
    return {"id": rule_id, "title": f"规则{rule_id}", "clause": "002-5", "source": {"where": "三", "quote": "三不留、一毁闭"},
            "when": when, "then": {"category": "violation", "text": "x"}, **extra}

# A small fact vocabulary for condition trees: one field of each type.
FIELDS = {
    "licence.status": [m.value for m in LicenceStatus],
    "operator.kind": [m.value for m in OperatorKind],
    "observations.mining": [True, False],
    "flags.bad_public_impact": [True, False],
    "observations.found_on": [20231229, 20240101, 20240102, 20240701],
    "flags.mineral_value_yuan": [0, 50000, 100000, 100001],
    "licence.boundary_exceeded_times": [0, 1, 2, 3],
}
DATE_FIELDS = ["observations.found_on", "observations.reported_to_town_on"]


def leaf(rule_ids: list[str]):
    def cmp_for(path):
        ftype = path_type(path)
        values = [from_int(v) for v in FIELDS[path]] if ftype == "date" else FIELDS[path]
        ops = ["eq", "ne", "in", "not_in", "exists"]
        if ftype == "bool":
            ops = ["is", "exists", "eq", "ne"]
        if ftype in ("date", "int", "float"):
            ops += ["lt", "lte", "gt", "gte"]
        return st.sampled_from(ops).flatmap(lambda op: _value(op, values).map(lambda v: {"fact": path, op: v}))

    leaves = [st.sampled_from(list(FIELDS)).flatmap(cmp_for),
              st.sampled_from([True, False]).map(lambda c: {"checklist": "ban", "complete": c}),
              st.sampled_from([1, 2, 3]).map(lambda n: {"missed": {"start": "observations.found_on", "working_days": n,
                                                                   "done": "observations.reported_to_town_on"}})]
    if rule_ids:
        leaves.append(st.sampled_from(rule_ids).map(lambda r: {"finding": r}))
    return st.one_of(leaves)


def _value(op, values):
    if op == "exists":
        return st.booleans()
    if op in ("in", "not_in"):
        return st.lists(st.sampled_from(values), max_size=3, unique=True)
    if op == "is":
        return st.booleans()
    return st.sampled_from(values)


def condition(rule_ids: list[str]):
    return st.recursive(
        leaf(rule_ids),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.map(lambda x: {"not": x}),
        ),
        max_leaves=6,
    )


@st.composite
def rules(draw, n_max=5):
    out = []
    for i in range(draw(st.integers(1, n_max))):
        out.append({
            "id": f"r{i}", "title": f"规则{i}", "clause": "002-5",
            "source": {"where": "三", "quote": "三不留、一毁闭"},
            "when": draw(condition([f"r{j}" for j in range(i)])),
            "then": {"category": "violation", "text": "x"},
        })
    return out


@st.composite
def flat_case(draw):
    """A case as YAML data over the small vocabulary (values may be missing)."""
    data: dict = {"id": "g", "kind": "unlicensed_mining", "as_of": draw(st.sampled_from(
        [dt.date(2024, 1, 1), dt.date(2024, 1, 3), dt.date(2024, 7, 2)])),
        "jurisdiction": {"county": "测试县"}}
    for path, values in FIELDS.items():
        if draw(st.booleans()):
            v = draw(st.sampled_from(values))
            if path_type(path) == "date":
                v = from_int(v)
            _put(data, path, v)
    if draw(st.booleans()):
        _put(data, "observations.reported_to_town_on", from_int(draw(st.sampled_from(FIELDS["observations.found_on"]))))
    items = {k: draw(st.booleans()) for k in ("people", "kit") if draw(st.booleans())}
    if items:
        data["checklists"] = {"ban": items}
    return data


def _put(data, path, v):
    parts = path.split(".")
    d = data
    for p in parts[:-1]:
        d = d.setdefault(p, {})
    d[parts[-1]] = v


# -- cases for the shipped packs --------------------------------------------------------------------

def atom_values(packs) -> dict[str, list]:
    """For each field the shipped rules test, the literal values they compare it with."""
    from policykit.rules.compile import compile_rules
    from policykit.rules.conditions import Cmp

    out: dict[str, set] = {}
    for section in ("rules",):
        for lp in packs:
            for r in compile_rules([lp], section).rules:
                for a in r.cond.leaves():
                    if isinstance(a, Cmp) and a.path not in ("kind",):
                        vals = a.value if isinstance(a.value, list) else [a.value]
                        out.setdefault(a.path, set()).update(repr(v) for v in vals)
    return {k: [eval(v) for v in sorted(vs)] for k, vs in out.items()}  # noqa: S307 - reprs of literals we made


def _near(path, v):
    """A value of the field's own type, near the literal a rule compares it with."""
    t = path_type(path) or "str"
    number = isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "date":
        if number:
            base = from_int(int(v))
            return st.sampled_from([base - dt.timedelta(days=1), base, base + dt.timedelta(days=1)])
        return st.dates(dt.date(2021, 1, 1), dt.date(2027, 12, 31))
    if t in ("int", "float"):
        return st.sampled_from([max(v - 1, 0), v, v + 1]) if number else st.integers(0, 1_000_000)
    if t == "bool":
        return st.booleans()
    cls = enum_of(t)
    if cls is not None:
        return st.sampled_from([m.value for m in cls])
    return st.just(v) if isinstance(v, str) else st.sampled_from(["县交通运输局", "某公司", "A&B<公司>"])


@st.composite
def shipped_case(draw, packs, values):
    gov = draw(st.sampled_from([lp.pack.pack.governs for lp in packs]))
    data: dict = {
        "id": "gen", "kind": draw(st.sampled_from([m.value for m in CaseKind])),
        "as_of": draw(st.dates(dt.date(2021, 1, 1), dt.date(2027, 12, 31))),
        "jurisdiction": dict(gov, township=gov.get("township") or draw(st.sampled_from(["槐阳镇", "东园镇", "徐家渡镇"]))),
    }
    paths = draw(st.lists(st.sampled_from(sorted(values)), max_size=12, unique=True))
    for path in paths:
        if path.startswith("checklists."):
            _put(data, path, draw(st.booleans()))
            continue
        v = draw(st.sampled_from(values[path]))
        _put(data, path, draw(_near(path, v)))
    # dates the deadlines count from
    for path in ("observations.found_on", "stopped_mine.classified_on", "stopped_mine.accepted_on"):
        if draw(st.booleans()):
            _put(data, path, draw(st.dates(dt.date(2021, 1, 1), dt.date(2026, 12, 31))))
    return data
