"""Which clause of ``rules/policy-clauses.md`` is encoded by which rule, or why it is out of scope."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .loader import LoadedPack

_ROW = re.compile(r"^\|\s*(\d{3}-\d+)\s*\|\s*([^|]*)\|\s*([^|]*)\|\s*(.*?)\s*\|\s*$")


@dataclass
class Clause:
    id: str
    where: str
    kind: str
    content: str
    rules: list[str] = field(default_factory=list)
    out_of_scope: str | None = None

    @property
    def covered(self) -> bool:
        return bool(self.rules or self.out_of_scope)


def read_clauses(path: Path) -> list[Clause]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m:
            out.append(Clause(m.group(1), m.group(2).strip(), m.group(3).strip(), m.group(4).strip()))
    return out


def coverage(packs: list[LoadedPack], clauses_path: Path) -> list[Clause]:
    clauses = read_clauses(clauses_path)
    by_id = {c.id: c for c in clauses}
    for lp in packs:
        for rule in [*lp.pack.rules, *lp.pack.aggregates]:
            for cid in rule.clauses:
                if cid in by_id:
                    by_id[cid].rules.append(rule.id)
        for cid, reason in lp.pack.out_of_scope.items():
            if cid in by_id and not by_id[cid].out_of_scope:
                by_id[cid].out_of_scope = reason
    return clauses
