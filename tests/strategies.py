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

# A fact vocabulary for condition trees: fields of every type, with values that sit on, next to and
# far from the literals, plus values that once tripped durable-rules (exponent-form numbers, ints
# beyond 64 bits, text that looks like JSON or markup).
_STR = ["县交通运输局", "县交通运输局 ", "", "A&B<公司>", '引号"\\', "1e+16", "$ex", "🏔️", "{{ 7*7 }}", "某"]
FIELDS = {
    "licence.status": [m.value for m in LicenceStatus],
    "operator.kind": [m.value for m in OperatorKind],
    "observations.mining": [True, False],
    "flags.bad_public_impact": [True, False],
    "observations.found_on": [20231229, 20240101, 20240102, 20240229, 20240701],
    "stopped_mine.accepted_on": [20231231, 20240101, 20240102],
    "flags.mineral_value_yuan": [0, 0.5, 1e-05, 50000, 99999.99, 100000, 100000.5, 1e16, 1e22],
    "restoration.area_mu": [0, 3e-07, 1.5, 2],
    "licence.boundary_exceeded_times": [0, 1, 2, 3, 2**53 - 1, 2**53],
    "project.approving_department": _STR,
    "operator.name": _STR,
}
DATE_FIELDS = ["observations.found_on", "observations.reported_to_town_on"]
KINDS = ["unlicensed_mining", "stopped_mine", "quarry_application"]
RULE_IDS = ["r", "a-b", "a_b", "a.b", "a b", "甲", "乙", "甲乙", "r0", "R0", "x" * 60]
PARAMS = {
    "ban": {"items": {"people": "不留人员", "kit": "不留设备"}},
    "清单": {"items": {"人员": "不留人员", "设备": "不留设备", "物料": "不留物料"}},
    "win": {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 2, 29)},
    "nwin": {"start": 1, "end": 2},
    "threshold": 100000,
    "deadline": dt.date(2024, 1, 2),
}


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
              st.sampled_from(["ban", "清单"]).flatmap(
                  lambda name: st.booleans().map(lambda c: {"checklist": name, "complete": c})),
              st.sampled_from([{"fact": "observations.found_on", "within": "win"},
                               {"fact": "licence.boundary_exceeded_times", "within": "nwin"},
                               {"fact": "flags.mineral_value_yuan", "gte": {"param": "threshold"}},
                               {"fact": "kind", "in": KINDS[:2]}]),
              st.sampled_from([
                  {"start": "observations.found_on", "working_days": 1, "done": "observations.reported_to_town_on"},
                  {"start": "observations.found_on", "working_days": 3, "done": "observations.reported_to_town_on"},
                  {"start": "observations.found_on", "days": 2},
                  {"start": "stopped_mine.accepted_on", "months": 1, "done": "observations.reported_to_town_on"},
                  {"start": "stopped_mine.accepted_on", "default_start": "deadline", "days": 1},
                  {"param": "deadline", "done": "observations.reported_to_town_on"},
              ]).map(lambda spec: {"missed": dict(spec)})]
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
    """A list of rules with odd ids (punctuation, Chinese), each condition free to refer to earlier rules'
    findings (so the pack has several stages), some with applies_to and unless."""
    ids = draw(st.lists(st.sampled_from(RULE_IDS), min_size=1, max_size=n_max, unique=True))
    out = []
    for i, rid in enumerate(ids):
        r = {
            "id": rid, "title": f"规则{i}", "clause": "002-5",
            "source": {"where": "三", "quote": "三不留、一毁闭"},
            "when": draw(condition(ids[:i])),
            "then": {"category": "violation", "text": "x"},
        }
        if draw(st.integers(0, 3)) == 0:
            r["applies_to"] = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=2, unique=True))
        if draw(st.integers(0, 3)) == 0:
            r["unless"] = draw(condition(ids[:i]))
        out.append(r)
    return out


@st.composite
def flat_case(draw):
    """A case as YAML data over the vocabulary above (any value may be missing)."""
    data: dict = {"id": "g", "kind": draw(st.sampled_from(KINDS)), "as_of": draw(st.sampled_from(
        [dt.date(2024, 1, 1), dt.date(2024, 1, 3), dt.date(2024, 2, 2), dt.date(2024, 7, 2)])),
        "jurisdiction": {"county": "测试县"}}
    for path, values in FIELDS.items():
        if draw(st.booleans()):
            v = draw(st.sampled_from(values))
            if path_type(path) == "date":
                v = from_int(v)
            _put(data, path, v)
    if draw(st.booleans()):
        _put(data, "observations.reported_to_town_on", from_int(draw(st.sampled_from(FIELDS["observations.found_on"]))))
    checklists = {}
    for name, spec in (("ban", PARAMS["ban"]), ("清单", PARAMS["清单"])):
        items = {k: draw(st.booleans()) for k in spec["items"] if draw(st.booleans())}
        if items:
            checklists[name] = items
    if checklists:
        data["checklists"] = checklists
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


# -- any valid case -----------------------------------------------------------------------------------

HOSTILE = ["A&B<公司>", '"引号"\'单引号\'', "控制\x07字符\x1b[31m", "🏔️⛏️", "{{ 7*7 }}", "{% for x in y %}", "[red]标记[/red]",
           "../../etc/x", "CON", 'a/b\\c:d*e?f"g<h>i|j', "\u202e反转", "1e+16", "$ex", "长" * 5000, " ", "\t"]


def text():
    return st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))


def _field_value(ftype: str):
    if ftype == "bool":
        return st.one_of(st.booleans(), st.sampled_from(["是", "否"]))
    if ftype == "date":
        return st.one_of(st.dates(dt.date(2019, 1, 1), dt.date(2028, 12, 31)),
                         st.sampled_from([dt.date(1, 1, 1), dt.date(1900, 1, 1), dt.date(9999, 12, 31)]),
                         st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)).map(lambda d: f"{d.year}年{d.month}月{d.day}日"))
    if ftype == "int":
        return st.one_of(st.integers(0, 12), st.integers(0, 2**53))
    if ftype == "float":
        return st.one_of(st.integers(0, 500_000), st.sampled_from([0.5, 1e-05, 99999.99, 1e16, 1e22, 2.0**53 + 2]),
                         st.floats(0, 1e25, allow_nan=False, allow_infinity=False))
    cls = enum_of(ftype)
    if cls is not None:
        return st.sampled_from([m.value for m in cls] + [m.label for m in cls])
    return text()


@st.composite
def any_case(draw, packs, i: int = 0):
    """Any valid case: every field of the fact model may be given, with any value of its type (hostile
    text, extreme dates and numbers, Chinese enum terms and dates), in a jurisdiction some pack governs."""
    from policykit.facts.flatten import field_types

    gov = dict(draw(st.sampled_from([lp.pack.pack.governs for lp in packs] + [{}])))
    gov["township"] = draw(st.one_of(st.sampled_from(["槐阳镇", "东园镇", "徐家渡镇"]), text()))
    ids = text().filter(lambda t: t.strip()).map(lambda t: f"{t[:190]}{i}")  # the model caps ids at 200 characters
    data: dict = {"id": draw(st.one_of(st.just(f"c{i}"), ids)),
                  "kind": draw(_field_value("enum:CaseKind")),
                  "as_of": draw(st.dates(dt.date(2019, 1, 1), dt.date(2028, 12, 31))), "jurisdiction": gov}
    for path, ftype in field_types().items():
        if path in ("id", "kind", "as_of") or path.startswith("jurisdiction.") or not draw(st.integers(0, 3)) == 0:
            continue
        _put(data, path, draw(_field_value(ftype)))
    lists: dict = {}
    for lp in packs:
        for name, spec in lp.pack.params.items():
            if isinstance(spec, dict) and isinstance(spec.get("items"), dict) and draw(st.booleans()):
                # an item by its id or by its Chinese term
                lists[name] = {draw(st.sampled_from([k, label])): draw(st.booleans())
                               for k, label in spec["items"].items() if draw(st.booleans())}
    if lists:
        data["checklists"] = lists
    return data
