"""The template context: what a document template can print.

Built from a Case, the engine's CaseResult (or an AggregateFinding), the kind
of document and the jurisdiction's issuing bodies. The legal basis, deadlines,
accountable positions and transfers all come from the findings, so a change
to a rule pack changes the documents. Field reference: ``doc_templates/README.md``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..facts.enums import StoppedMineClass
from ..facts.model import Case
from ..findings.deadlines import Period
from ..findings.model import AggregateFinding, CaseResult, Finding
from ..rules.schema import DOCUMENT_KINDS, TRANSFER_TARGETS
from . import filters
from .jurisdictions import Issuing, Place

ANNOUNCEMENTS = ("closure_announcement", "cancellation_announcement")


@dataclass
class Job:
    """One document to render: which kind, for what, under which registry key."""

    kind: str
    key: str  # number-registry key: the same key always gets the same number
    date: dt.date
    place: Place
    case: Case | None = None
    result: CaseResult | None = None
    aggregate: AggregateFinding | None = None
    findings: list[Finding] = field(default_factory=list)  # those calling for this kind
    all_findings: list[Finding] = field(default_factory=list)
    transfer: str | None = None  # transfer target id for transfer_letter
    mines: list[Case] = field(default_factory=list)  # announcements may list several mines
    plan: dict | None = None  # township_plan overrides (phases with windows, tasks …)
    warnings: list[str] = field(default_factory=list)
    label: str = ""  # for messages: case id or aggregate group


# ---------------------------------------------------------------- plain views


def plain(value: Any) -> Any:
    """Pydantic models and enums → dicts, lists and Chinese labels (dates stay dates)."""
    if hasattr(value, "model_dump"):
        return {k: plain(getattr(value, k)) for k in type(value).model_fields}
    if isinstance(value, Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def case_view(case: Case | None) -> dict:
    if case is None:
        return plain(Case.model_construct(id="", kind=None)) | {"id": "", "kind": "", "kind_id": ""}
    view = plain(case)
    view["kind_id"] = case.kind.value
    return view


def finding_view(f: Finding) -> dict:
    v = plain(f)
    v["citation"] = filters.citation(f.source)
    v["category_label"] = filters.category_label(f.category)
    v["deadlines"] = [deadline_view(d, f) for d in f.deadlines]
    v["transfers"] = [dict(t, to_label=t.get("to_label") or filters.transfer_label(t["to"])) for t in v["transfers"]]
    return v


def deadline_view(d, f: Finding | None = None) -> dict:
    v = plain(d)
    v["status_label"] = filters.status_label(d.status, d.late)
    v["due_text"] = filters.cn_date(d.due) if d.due else (d.basis or "期限待定")
    if f is not None:
        v["rule"] = f.rule
        v["finding"] = f.title
        v["citation"] = filters.citation(f.source)
    return v


def _unique(items, key):
    seen, out = set(), []
    for it in items:
        k = key(it)
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out


def collect(findings: list[Finding]) -> dict:
    """Flat, de-duplicated lists over the findings: basis, deadlines, accountable, transfers, actions."""
    basis = _unique(
        (
            {
                "citation": filters.citation(f.source),
                "title": f.source.title,
                "where": f.source.where,
                "quote": f.source.quote,
                "clause": f.source.clause,
                "file": f.source.file,
                "rule": f.rule,
            }
            for f in findings
        ),
        key=lambda b: (b["title"], b["where"], b["quote"]),
    )
    deadlines = _unique(
        (deadline_view(d, f) for f in findings for d in f.deadlines),
        key=lambda d: (d["what"], d["due"]),
    )
    accountable = _unique(
        ({"unit": a.unit, "position": a.position} for f in findings for a in f.accountable),
        key=lambda a: (a["unit"], a["position"]),
    )
    transfers = _unique(
        (
            {"to": t.to, "to_label": t.to_label or filters.transfer_label(t.to), "reason": t.reason}
            for f in findings
            for t in f.transfers
        ),
        key=lambda t: (t["to"], t["reason"]),
    )
    actions = _unique((a for f in findings for a in f.actions), key=lambda a: a)
    return {
        "basis": basis,
        "deadlines": deadlines,
        "accountable": accountable,
        "transfers": transfers,
        "actions": actions,
    }


# ---------------------------------------------------------------- helpers


def place_text(case: Case | None, issuing: Issuing) -> str:
    if case is None:
        return filters.BLANK
    j = case.jurisdiction
    parts = [p for p in (j.county, j.township, j.village) if p]
    if not parts:
        return filters.BLANK
    if j.county is None and j.city:
        parts.insert(0, j.city)
    return "".join(parts)


def operator_name(case: Case | None, issuing: Issuing, unknown: str = "（违法主体不明）") -> str:
    if case is not None and case.operator.name:
        return case.operator.name
    return unknown


def mine_name(case: Case | None) -> str:
    if case is None:
        return ""
    return case.name or case.operator.name or case.id


def mine_view(case: Case, issuing: Issuing) -> dict:
    return {
        "id": case.id,
        "name": mine_name(case),
        "operator": operator_name(case, issuing),
        "licence_number": case.licence.number or filters.BLANK,
        "mineral": case.licence.mineral or filters.BLANK,
        "place": place_text(case, issuing),
        "valid_to": case.licence.valid_to,
    }


_RESTORE_WORDS = ("修复", "整治", "治理", "复绿", "复垦")
_RESTORE_EXCLUDE = ("注销", "接管", "申请", "方案", "报告")


def _pick_deadline(deadlines: list[dict], want, avoid=()) -> dict | None:
    hits = [d for d in deadlines if any(w in d["what"] for w in want) and not any(a in d["what"] for a in avoid)]
    if not hits:
        return None
    dated = [d for d in hits if d.get("due")]
    return max(dated, key=lambda d: d["due"]) if dated else hits[0]


# ---------------------------------------------------------------- kind-specific fields


def _closure(ctx: dict, job: Job, issuing: Issuing, kcfg: dict) -> None:
    own = ctx["deadlines"]
    every = collect(job.all_findings)["deadlines"]
    restore = _pick_deadline(own, _RESTORE_WORDS, _RESTORE_EXCLUDE) or _pick_deadline(
        every, _RESTORE_WORDS, _RESTORE_EXCLUDE
    )
    cancel = _pick_deadline(own, ("注销",)) or _pick_deadline(every, ("注销",))
    cancel_days = kcfg.get("cancel_days", 30)
    if restore and restore.get("due"):
        what = restore["what"]
        what = what if what.startswith(("完成", "全面完成")) else f"完成{what}"
        restore_text = f"{filters.cn_date(restore['due'])}前{what}"
    elif restore:
        restore_text = f"{restore['what']}：{restore['due_text']}"
    else:
        restore_text = filters.BLANK + "前完成修复治理并通过验收"
        job.warnings.append("查处结论中没有修复期限，关闭决定书的修复期限留空，请手工填写")
    if cancel and cancel.get("due"):
        cancel_text = f"{filters.cn_date(cancel['due'])}前"
    elif cancel and cancel.get("basis") and "不明" not in cancel["basis"]:
        cancel_text = cancel["basis"] if cancel["basis"].endswith("内") else cancel["basis"] + "内"
    else:
        cancel_text = f"修复治理验收合格之日起{cancel_days}日内"
    operator = ctx["operator_name"]
    extra = _fmt_extra(ctx)
    ctx["closure"] = {
        "facts": _closure_facts(job, ctx),
        "restoration_party": operator,
        "restoration_deadline": restore_text,
        "restoration": restore,
        "supervisor": issuing.fmt(kcfg.get("supervisor", "{township_gov}"), **extra),
        "cancel_deadline": cancel_text,
        "cancel": cancel,
        "cancel_days": cancel_days,
        "aftercare": issuing.fmt(kcfg.get("aftercare", "{township_gov}"), **extra),
    }


_GROUND_CATEGORIES = ("violation", "decision")


def _closure_facts(job: Job, ctx: dict) -> list[str]:
    """What the decision finds: the clerk's notes, the county's classification, and the findings that are
    grounds for closing (violations, decisions). The rule that orders the decision itself is its basis, not a fact."""
    case, facts = job.case, []
    if case is not None and case.notes:
        facts.append(case.notes)
    sm = case.stopped_mine if case is not None else None
    if sm is not None and sm.classification is StoppedMineClass.CANCEL:
        agreed = f"，于{filters.cn_date(sm.classified_on)}经县政府研究同意" if sm.classified_on else "，经县政府研究同意"
        facts.append(f"{ctx['mine_name']}为停产矿山，{ctx['township_gov']}结合采矿权人意见提出注销关闭的处置意见{agreed}。")
    ordering = {f.rule for f in job.findings}
    facts += [f.text for f in job.all_findings if f.category in _GROUND_CATEGORIES and f.rule not in ordering]
    return facts or [f.text for f in job.findings]


def _review(ctx: dict, job: Job, issuing: Issuing, kcfg: dict) -> None:
    r = {"body": "{city}人民政府", "days": 60, "court": "{city}中级人民法院", "months": 6}
    r.update(kcfg.get("review") or {})
    ctx["review"] = issuing.fmt(r, **_fmt_extra(ctx))


def _announce(ctx: dict, job: Job, issuing: Issuing, kcfg: dict) -> None:
    ctx["announce"] = {
        "licence_authority": issuing.fmt(kcfg.get("licence_authority", "{county}自然资源局"), **_fmt_extra(ctx))
    }


def _stop(ctx: dict, job: Job, issuing: Issuing, kcfg: dict) -> None:
    ctx["stop"] = {"reply_days": kcfg.get("reply_days", 3)}


def _rectification(ctx: dict, job: Job, issuing: Issuing, kcfg: dict) -> None:
    case = job.case
    rect = case.rectification if case is not None else None
    addressee = ctx["operator_name"] if case is not None and case.operator.name else filters.BLANK
    legal_rep = (case.operator.legal_rep if case is not None else None) or filters.BLANK
    items = []
    for f in job.findings:
        open_ = sorted((d for d in f.deadlines if not d.done), key=lambda d: (d.due is None, d.due or dt.date.max))
        chosen = open_[0] if open_ else (max(f.deadlines, key=lambda d: d.due or dt.date.min) if f.deadlines else None)
        due = chosen.due if chosen is not None else None
        if due is None and rect is not None and rect.deadline:
            due = rect.deadline
        requirement = "；".join(f.actions) or (rect.requirement if rect and rect.requirement else "") or f.text
        # The clerk's entry first, then the finding's accountable units; else the notice's addressee, who must
        # rectify, and its legal representative.
        unit = (rect.unit if rect and rect.unit else None) or "、".join(a.unit for a in f.accountable) or addressee
        person = (rect.person if rect and rect.person else None) or "、".join(
            a.position for a in f.accountable
        ) or legal_rep
        if due:
            deadline = filters.cn_date(due)
        elif chosen is not None:
            deadline = chosen.basis or "期限待定"
        else:
            deadline = filters.BLANK
        items.append(
            {
                "problem": f.title,
                "text": f.text,
                "requirement": requirement,
                "what": chosen.what if chosen is not None else "",
                "unit": unit,
                "person": person,
                "deadline": deadline,
                "due": due,
                "citation": filters.citation(f.source),
            }
        )
    ctx["items"] = items


def _group(ctx: dict, job: Job, issuing: Issuing, kcfg: dict) -> None:
    agg = job.aggregate
    if agg is not None:
        by = agg.group_by
        ctx["group"] = {"name": agg.group, "by": by, "count": agg.count, "cases": list(agg.cases)}
    else:
        by = "jurisdiction.township" if job.case and job.case.jurisdiction.township else "jurisdiction.county"
        name = ctx["township"] if by == "jurisdiction.township" else ctx["county"]
        ctx["group"] = {"name": name, "by": by, "count": 1, "cases": [job.case.id] if job.case else []}
    if by.startswith("jurisdiction."):
        scope = "辖区内"
    elif by.startswith("project."):
        scope = "审批（监管）的项目中"
    else:
        scope = ""
    ctx["group"]["scope"] = scope


def _interview(ctx: dict, job: Job, issuing: Issuing, kcfg: dict) -> None:
    _group(ctx, job, issuing, kcfg)
    who = "、".join(f"{a['unit']}{a['position']}" for a in ctx["accountable"]) or ctx["doc"]["recipients"]
    extra = _fmt_extra(ctx)
    period = Period()  # deadlines are computed in one place: findings/deadlines.py
    when = period.add(job.date, days=int(kcfg.get("days_after", 3)))
    if period.warning():
        job.warnings.append(f"约谈日期：{period.warning()}")
    ctx["interview"] = {
        "who": who,
        "date": when,
        "time": issuing.fmt(kcfg.get("time", ""), **extra),
        "place": issuing.fmt(kcfg.get("place", ""), **extra) or filters.BLANK,
        "bring": issuing.fmt(list(kcfg.get("bring") or []), **extra),
        "cases": ctx["group"]["cases"],
    }


def _transfer(ctx: dict, job: Job, issuing: Issuing, kcfg: dict) -> None:
    target = job.transfer or (ctx["transfers"][0]["to"] if ctx["transfers"] else "police")
    reasons = [t["reason"] for t in ctx["transfers"] if t["to"] == target]
    body_key = (kcfg.get("targets") or {}).get(target) or _TARGET_BODIES.get(target, "police")
    to_name = issuing.body(body_key, **_fmt_extra(ctx))["name"]
    value = job.case.flags.mineral_value_yuan if job.case is not None else None
    ctx["transfer"] = {
        "to": target,
        "to_label": TRANSFER_TARGETS.get(target, target),
        "to_name": to_name,
        "reason": "；".join(reasons) or "涉嫌违法犯罪",
        "value": value,
        "materials": issuing.fmt(list(kcfg.get("materials") or []), **_fmt_extra(ctx)),
    }


_TARGET_BODIES = {
    "police": "police",
    "discipline": "discipline",
    "procuratorate": "procuratorate",
    "judicial": "procuratorate",
    "issuing_authority": "natural_resources",
}


def _plan(ctx: dict, job: Job, issuing: Issuing, kcfg: dict) -> None:
    base = issuing.section("plan") or {}
    extra = _fmt_extra(ctx)
    plan = issuing.fmt(base, **extra)
    if job.plan:
        from .jurisdictions import merge

        plan = merge(plan, job.plan)
    local = [f for f in job.all_findings if f.pack != "national"] or job.all_findings
    titles = _unique((f.source.title for f in local), key=lambda t: t)
    plan.setdefault("county_plan", "、".join(f"《{t.strip('《》')}》" for t in titles) or "上级有关文件")
    township = ctx["township"]
    plan.setdefault(
        "unit",
        next((s for s in ("街道", "林场", "镇", "乡") if township.endswith(s)), "镇"),
    )
    plan.setdefault("group", {})
    for k in ("leader", "deputies", "members", "office", "office_director"):
        plan["group"].setdefault(k, filters.BLANK)
    plan.setdefault("targets", [])
    plan.setdefault("requirements", [])
    phases = []
    for ph in plan.get("phases") or []:
        ph = dict(ph)
        for k in ("start", "end"):
            if ph.get(k) and not isinstance(ph[k], dt.date):
                ph[k] = filters.parse_date(ph[k])
            ph.setdefault(k, None)
        ph.setdefault("content", "")
        phases.append(ph)
    plan["phases"] = phases
    if "tasks" not in plan:
        tasks = []
        for f in job.all_findings:
            if not f.requires_action:
                continue
            due = min((d.due for d in f.deadlines if d.due), default=None)
            tasks.append(
                {
                    "name": f.title,
                    "basis": filters.citation(f.source),
                    "due": filters.cn_date(due) if due else "按方案要求",
                    "lead_leaders": plan.get("lead_leaders", filters.BLANK),
                    "lead_departments": plan.get("lead_departments", filters.BLANK),
                    "participants": plan.get("participants", filters.BLANK),
                    "implementer": plan.get("implementer", filters.BLANK),
                }
            )
        plan["tasks"] = tasks
    ctx["plan"] = plan


KIND_FIELDS = {
    "closure_decision": (_closure, _review),
    "closure_announcement": (_announce,),
    "cancellation_announcement": (),
    "stop_order": (_stop,),
    "rectification_notice": (_rectification,),
    "refusal_decision": (_review,),
    "accountability_letter": (_group,),
    "interview_notice": (_interview,),
    "transfer_letter": (_transfer,),
    "township_plan": (_plan,),
}


def _fmt_extra(ctx: dict) -> dict:
    return {
        "operator": ctx["operator_name"],
        "name": ctx["mine_name"],
        "issuer": ctx["doc"]["issuer"]["name"] if "doc" in ctx else "",
        "group": ctx.get("group", {}).get("name", ctx["township"]),
        "discipline": ctx["bodies"]["discipline"]["name"],
        "transfer_to": ctx.get("transfer", {}).get("to_name", ""),
    }


# ---------------------------------------------------------------- the context


def issuer_of(kind: str, issuing: Issuing) -> tuple[dict, dict]:
    """(kind settings, issuing body) for a kind."""
    kcfg = issuing.kind(kind)
    return kcfg, issuing.body(kcfg.get("issuer", "county_government"))


def number_prefix(kind: str, issuing: Issuing) -> str:
    kcfg, body = issuer_of(kind, issuing)
    return issuing.fmt(kcfg.get("prefix") or body["prefix"])


def build_context(job: Job, issuing: Issuing, number: str) -> dict:
    kind = job.kind
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    kcfg, issuer = issuer_of(kind, issuing)
    case = job.case
    unknown_op = issuing.unknown.get("operator") or "（违法主体不明）"
    ctx: dict[str, Any] = {
        "case": case_view(case),
        "result": plain(job.result) if job.result is not None else {},
        "findings": [finding_view(f) for f in job.findings],
        "all_findings": [finding_view(f) for f in job.all_findings],
        "province": issuing.vars["province"],
        "city": issuing.vars["city"],
        "county": issuing.vars["county"],
        "township": issuing.vars["township"],
        "village": issuing.vars["village"],
        "township_gov": issuing.vars["township_gov"],
        "place": place_text(case, issuing),
        "operator_name": operator_name(case, issuing, unknown_op),
        "operator_phrase": "你" if case is not None and case.operator.kind is not None
        and case.operator.kind.value == "individual" else "你单位",
        "mine_name": mine_name(case) or (job.aggregate.group if job.aggregate else ""),
        "mines": [mine_view(c, issuing) for c in (job.mines or ([case] if case is not None else []))],
    }
    ctx.update(collect(job.findings))
    ctx["bodies"] = {
        key: issuing.body(key, operator=ctx["operator_name"], name=ctx["mine_name"])
        for key in (issuing.settings.get("bodies") or {})
    }
    ctx["doc"] = {"issuer": issuer}  # for {issuer} in titles
    for fn in KIND_FIELDS[kind]:
        if fn in (_transfer, _group):
            fn(ctx, job, issuing, kcfg)
    extra = _fmt_extra(ctx) | {"issuer": issuer["name"]}
    title_pattern = kcfg.get("title", DOCUMENT_KINDS[kind])
    if kind == "transfer_letter":
        title_pattern = (kcfg.get("title_by_target") or {}).get(ctx["transfer"]["to"], title_pattern)
    printer_key = kcfg.get("printer") or kcfg.get("issuer", "county_government")
    printer = issuing.body(printer_key, **extra)["name"] if printer_key in ctx["bodies"] else issuing.fmt(
        printer_key, **extra
    )
    recipients = [r for r in issuing.fmt(list(kcfg.get("recipients") or []), **extra) if r]
    contact_bits = []
    if issuer.get("contact"):
        contact_bits.append(f"联系人：{issuer['contact']}")
    if issuer.get("phone"):
        contact_bits.append(f"联系电话：{issuer['phone']}")
    ctx["doc"] = {
        "kind": kind,
        "kind_name": DOCUMENT_KINDS[kind],
        "title": issuing.fmt(title_pattern, **extra),
        "number": number,
        "date": job.date,
        "issuer": issuer,
        "recipients": "、".join(recipients),
        "recipient_list": recipients,
        "cc": [c for c in issuing.fmt(list(kcfg.get("cc") or []), **extra) if c],
        "printer": printer,
        "print_date": job.date,
        "attachments": [],
        "contact": "，".join(contact_bits),
    }
    for fn in KIND_FIELDS[kind]:
        if fn not in (_transfer, _group):
            fn(ctx, job, issuing, kcfg)
    if kind == "transfer_letter":
        ctx["doc"]["attachments"] = list(ctx["transfer"]["materials"])
    calendar = [f"{d.what}：{d.warning}" for f in job.findings for d in f.deadlines if d.warning]
    ctx["warnings"] = list(job.warnings) + list(issuing.warnings) + list(dict.fromkeys(calendar))
    return ctx
