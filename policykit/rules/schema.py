"""The shape of a rule pack (one YAML file per policy document in ``rules/``).

See ``rules/README.md`` for the format with examples. Conditions are kept as
plain data here and parsed by :mod:`policykit.rules.conditions`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

DOCUMENT_KINDS = {
    "closure_decision": "关闭决定书",
    "closure_announcement": "矿山关闭公告",
    "cancellation_announcement": "注销公告",
    "stop_order": "责令停止违法行为通知书",
    "rectification_notice": "限期整改通知书",
    "refusal_decision": "不予批准决定书",
    "accountability_letter": "问责建议函",
    "interview_notice": "约谈通知书",
    "transfer_letter": "涉嫌犯罪案件移送书（问题线索移送函）",
    "township_plan": "实施方案",
}

TRANSFER_TARGETS = {
    "police": "公安机关",
    "discipline": "纪委监委（纪检监察机关）",
    "procuratorate": "人民检察院",
    "judicial": "司法机关",
    "issuing_authority": "原发证机关",
}

CATEGORIES = {
    "violation": "违法违规",
    "disposition": "处置要求",
    "decision": "审批决定",
    "deadline": "时限要求",
    "transfer": "移送",
    "accountability": "追责问责",
    "report": "报告要求",
    "supervision": "监管要求",
}


# What a rule decides (``then.decision``): id -> Chinese term. Two rules with a conflicting pair need a precedence.
DECISIONS = {
    "stop": "责令停止违法行为",
    "ban": "依法取缔",
    "close": "关闭",
    "cancel": "注销",
    "revoke": "吊销采矿许可证",
    "refuse": "不予批准",
    "approve": "批准",
    "review": "依法审查",
    "extend": "延续",
    "resume": "整改到位后恢复施工",
    "disqualify": "取消承担工程项目资格",
    "relocate": "迁入工业园区",
    "seize": "查封扣押",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(Strict):
    file: str | None = None  # defaults to the pack's source file
    where: str  # position in the document, e.g. "五(一) ④"
    quote: str  # short verbatim quote from the source text
    note: str | None = None


class ParamRef(Strict):
    """A number taken from the pack's ``params`` (e.g. ``days: {param: apply_days}``)."""

    param: str


class PeriodSpec(Strict):
    """A due date: fixed (``date``/``param``, or a case's own date ``due_fact``) or counted from a start.

    The start is a fact's date (``start``; a list means the latest of those given), or the due date of
    another period (``after``: e.g. 3 months' rectification once the 6 months have run out)."""

    date: dt.date | None = None
    param: str | None = None  # name of a date parameter of the pack
    due_fact: str | None = None  # dotted fact path of a due date set for this case (falls back to date/param)
    start: str | list[str] | None = None  # dotted fact path(s) of a date, or "as_of"
    after: PeriodSpec | None = None  # counted from the due date of this period
    default_start: dt.date | str | None = None  # date, or param name, when start fact is missing
    days: int | ParamRef | None = None  # calendar days
    working_days: int | ParamRef | None = None
    months: int | ParamRef | None = None
    hours: int | ParamRef | None = None  # e.g. 24 hours: counted in whole days, never moved off a rest day
    done: str | None = None  # dotted fact path of the date the thing was done

    @model_validator(mode="after")
    def _one_way(self):
        fixed = self.date is not None or self.param is not None or self.due_fact is not None
        counted = self.start is not None or self.after is not None
        if fixed == counted:
            raise ValueError("时限须二选一：固定日期（date/param/due_fact）或起算（start/after）加期间")
        if self.start is not None and self.after is not None:
            raise ValueError("起算时限只能给出 start 或 after 之一")
        if counted and sum(x is not None for x in (self.days, self.working_days, self.months, self.hours)) != 1:
            raise ValueError("起算时限须且只能给出 days、working_days、months、hours 之一")
        return self


class DeadlineSpec(PeriodSpec):
    what: str


class Accountable(Strict):
    unit: str
    position: str


class Transfer(Strict):
    to: Literal["police", "discipline", "procuratorate", "judicial", "issuing_authority"]
    reason: str


class Conclusion(Strict):
    category: Literal[
        "violation", "disposition", "decision", "deadline", "transfer", "accountability", "report", "supervision"
    ]
    text: str
    decision: str | None = None  # e.g. refuse / approve / close / cancel / extend
    actions: list[str] = Field(default_factory=list)
    deadlines: list[DeadlineSpec] = Field(default_factory=list)
    accountable: list[Accountable] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    requires_action: bool = True

    @model_validator(mode="after")
    def _docs(self):
        bad = [d for d in self.documents if d not in DOCUMENT_KINDS]
        if bad:
            raise ValueError(f"未知的文书类型 {bad}，可选：{', '.join(DOCUMENT_KINDS)}")
        if self.decision is not None and self.decision not in DECISIONS:
            options = "、".join(f"{k}（{v}）" for k, v in DECISIONS.items())
            raise ValueError(f"未知的决定“{self.decision}”，可选：{options}")
        return self


class Rule(Strict):
    id: str
    title: str
    clause: str | list[str]  # clause id(s) in rules/policy-clauses.md, e.g. "002-14"
    source: Source
    applies_to: list[str] | None = None  # case kinds; None = every kind
    when: Any = None  # condition; None = always
    unless: Any = None  # exception condition
    overrides: list[str] = Field(default_factory=list)
    then: Conclusion
    note: str | None = None

    @property
    def clauses(self) -> list[str]:
        return [self.clause] if isinstance(self.clause, str) else list(self.clause)


class Group(Strict):
    """How an aggregate rule groups and counts cases."""

    findings: list[str]  # count the cases that have any of these findings
    by: str  # dotted fact path to group by, e.g. jurisdiction.township
    date: str | None = None  # dotted path of the date that must fall in the window
    window: str | None = None  # name of a window parameter ({start, end})


class AggregateRule(Rule):
    group: Group


class Window(Strict):
    start: dt.date
    end: dt.date


class PackMeta(Strict):
    id: str
    title: str
    issuer: str
    number: str | None = None
    date: dt.date | None = None
    published: dt.date | None = None
    source: str  # file name in rules/sources/
    governs: dict[str, str] = Field(default_factory=dict)  # jurisdiction fields a case must match
    campaign: Window | None = None
    level: str | None = None
    note: str | None = None


class Pack(Strict):
    pack: PackMeta
    params: dict[str, Any] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    aggregates: list[AggregateRule] = Field(default_factory=list)
    out_of_scope: dict[str, str] = Field(default_factory=dict)  # clause id -> reason
