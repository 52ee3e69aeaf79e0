"""Turning a fired rule into a Finding: text, deadlines, officials, transfers, documents, reasons.

Both engines only decide *which* rules fire; this module builds every
conclusion, once, so their findings are identical by construction.
"""
from __future__ import annotations

import datetime as dt
import re

from ..facts.labels import Describer
from ..rules.compile import CRule
from ..rules.conditions import Ctx
from ..rules.schema import TRANSFER_TARGETS
from .deadlines import resolve
from .model import AccountableRef, Finding, SourceRef, TransferRef

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


# What a placeholder reads when the case does not give it: the clerk sees what to fill in.
MISSING = {
    "township": "（乡镇未填写）",
    "village": "（村未填写）",
    "county": "（县未填写）",
    "city": "（市未填写）",
    "province": "（省未填写）",
    "department": "（审批部门未填写）",
    "operator": "（违法主体不明）",
    "name": "（名称未填写）",
    "licence": "（许可证号未填写）",
    "issuer": "（发证机关未填写）",
}


def _value(values: dict, m: re.Match) -> str:
    name = m.group(1)
    v = values.get(name)
    if v not in (None, ""):
        return str(v)
    return MISSING.get(name, m.group(0))


def fill(text: str, values: dict) -> str:
    """Replace ``{name}`` placeholders from a flat dict of strings; a missing known one reads as unfilled."""
    return _PLACEHOLDER.sub(lambda m: _value(values, m), text)


def placeholders(flat: dict) -> dict:
    return {
        "township": flat.get("jurisdiction.township"),
        "village": flat.get("jurisdiction.village"),
        "county": flat.get("jurisdiction.county"),
        "city": flat.get("jurisdiction.city"),
        "province": flat.get("jurisdiction.province"),
        "department": flat.get("project.approving_department"),
        "operator": flat.get("operator.name"),
        "name": flat.get("name"),
        "licence": flat.get("licence.number"),
        "issuer": flat.get("licence.issuer"),
    }


def describer_for(cr: CRule) -> Describer:
    items = {
        name: spec["items"]
        for name, spec in cr.pack.pack.params.items()
        if isinstance(spec, dict) and isinstance(spec.get("items"), dict)
    }
    return Describer(items)


def build(cr: CRule, flat: dict, ctx: Ctx, as_of: dt.date, values: dict, finding_cls=Finding, **extra) -> Finding:
    rule, meta, then = cr.rule, cr.pack.pack.pack, cr.rule.then
    describe = describer_for(cr)
    because = cr.cond.explain(flat, ctx, describe)
    because.append(f"依据规则 {rule.id}（{rule.title}）：《{meta.title}》{rule.source.where}“{rule.source.quote}”")
    deadlines = [resolve(s, flat, cr.pack.pack.params, as_of, describe) for s in then.deadlines]
    # A time-limit finding whose every deadline is done asks nothing more of anyone; being late has its
    # own consequences in other rules.
    done = then.category == "deadline" and deadlines and all(d.done for d in deadlines)
    if done:
        late = "（其中有逾期完成）" if any(d.late for d in deadlines) else ""
        because.append(f"各项时限均已完成{late}，无需再处理")
    return finding_cls(
        rule=rule.id,
        pack=meta.id,
        title=rule.title,
        category=then.category,
        source=SourceRef(
            file=rule.source.file or meta.source,
            clause=", ".join(rule.clauses),
            where=rule.source.where,
            quote=rule.source.quote,
            title=meta.title,
        ),
        text=fill(then.text, values),
        decision=then.decision,
        actions=[fill(a, values) for a in then.actions],
        deadlines=deadlines,
        accountable=[AccountableRef(unit=fill(a.unit, values), position=fill(a.position, values)) for a in then.accountable],
        transfers=[TransferRef(to=t.to, to_label=TRANSFER_TARGETS[t.to], reason=fill(t.reason, values)) for t in then.transfers],
        documents=[] if done else list(then.documents),
        requires_action=then.requires_action and not done,
        because=because,
        **extra,
    )


def apply_overrides(crules: list[CRule], fired: list[str]) -> tuple[list[str], dict[str, str]]:
    """(kept rule ids, withdrawn rule id -> the rule that overrides it)."""
    by_id = {r.id: r for r in crules}
    withdrawn: dict[str, str] = {}
    for rid in fired:
        for other in by_id[rid].rule.overrides:
            if other in fired and other not in withdrawn:
                withdrawn[other] = rid
    return [r for r in fired if r not in withdrawn], withdrawn
