"""The reference evaluator: the rule semantics in plain Python, stage by stage."""
from __future__ import annotations

from ..compile import Compiled
from ..conditions import Ctx


class ReferenceBackend:
    name = "reference"

    def fire(self, compiled: Compiled, flat: dict, derived: dict) -> list[str]:
        ctx = Ctx(fired=set(), derived=derived)
        for stage in compiled.stages:
            # A stage sees only earlier stages' findings.
            new = [r.id for r in stage if r.cond.evaluate(flat, ctx)]
            ctx.fired.update(new)
        return [r.id for r in compiled.rules if r.id in ctx.fired]
