"""Nightly-style check: durable-rules and the reference evaluator on many generated cases.

    python bench/equivalence.py [--cases 100000] [--seed 1]

Cases are built from the literals the shipped rules compare fields with (and
values next to them), in every jurisdiction a pack governs, with random dates.
Prints how many cases were compared, how many rules fired, and any mismatch.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policykit.facts.dates import from_int  # noqa: E402
from policykit.facts.enums import CaseKind  # noqa: E402
from policykit.facts.flatten import enum_of, path_type  # noqa: E402
from policykit.facts.load import CaseErrors, parse_case  # noqa: E402
from policykit.rules.compile import compile_rules  # noqa: E402
from policykit.rules.conditions import Cmp  # noqa: E402
from policykit.rules.engine import Engine  # noqa: E402
from policykit.rules.loader import load_packs  # noqa: E402


def literals(packs) -> dict[str, list]:
    out: dict[str, list] = {}
    for lp in packs:
        for r in compile_rules([lp]).rules:
            for a in r.cond.leaves():
                if isinstance(a, Cmp) and a.path != "kind":
                    out.setdefault(a.path, []).extend(a.value if isinstance(a.value, list) else [a.value])
    return out


def value(rnd: random.Random, path: str, lits: list):
    t = path_type(path) or "str"
    v = rnd.choice(lits)
    number = isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "date":
        base = from_int(int(v)) if number else dt.date(2024, 1, 1)
        return base + dt.timedelta(days=rnd.randint(-40, 40))
    if t in ("int", "float"):
        return max(0, (v if number else 10) + rnd.choice([-1, 0, 1]))
    if t == "bool" or path.startswith("checklists."):
        return rnd.random() < 0.5
    cls = enum_of(t)
    if cls is not None:
        return rnd.choice([m.value for m in cls])
    return v if isinstance(v, str) else "某单位"


def case(rnd: random.Random, i: int, packs, lits: dict) -> dict:
    gov = dict(rnd.choice(packs).pack.pack.governs)
    gov.setdefault("township", rnd.choice(["槐阳镇", "东园镇", "徐家渡镇", "孟庄镇"]))
    data: dict = {"id": f"g{i}", "kind": rnd.choice([m.value for m in CaseKind]),
                  "as_of": dt.date(2021, 1, 1) + dt.timedelta(days=rnd.randint(0, 365 * 6)), "jurisdiction": gov}
    for path in rnd.sample(sorted(lits), k=rnd.randint(0, 14)):
        node = data
        parts = path.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value(rnd, path, lits[path])
    return data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    packs = load_packs(ROOT / "rules")
    lits = literals(packs)
    durable = Engine(packs, backend="durable", cache=False)
    reference = Engine(packs, backend="reference", cache=False)
    rnd = random.Random(args.seed)
    fired: set[str] = set()
    mismatches = invalid = 0
    t = time.perf_counter()
    for i in range(args.cases):
        try:
            c = parse_case(case(rnd, i, packs, lits), "generated")
        except CaseErrors:
            invalid += 1
            continue
        a, b = durable.check(c), reference.check(c)
        if a.model_dump() != b.model_dump():
            mismatches += 1
            print(f"不一致：{c.model_dump_json(exclude_defaults=True)}")
        fired.update(f.rule for f in a.findings)
    total = sum(len(lp.pack.rules) for lp in packs)
    print(f"compared {args.cases - invalid} cases in {time.perf_counter() - t:.0f} s; "
          f"{len(fired)} of {total} case rules fired at least once; mismatches: {mismatches}")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
