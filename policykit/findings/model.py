"""Findings: what the engine concludes about a case or a group of cases.

The JSON form (``policykit check --json``) is this model dumped as-is; its
field names are a stable contract.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["met", "pending", "due_soon", "overdue", "unknown"]

STATUS_LABELS = {
    "met": "已完成",
    "pending": "未到期",
    "due_soon": "7日内到期",
    "overdue": "已逾期",
    "unknown": "起算日期不明",
}


class SourceRef(BaseModel):
    file: str
    clause: str  # clause id(s), comma-separated, e.g. "002-14"
    where: str  # position in the document
    quote: str
    title: str  # the document's title


def status_label(status: str | None, late: bool = False) -> str:
    """The Chinese status a user reads; a deadline done after its due date reads 逾期完成."""
    if late:
        return "逾期完成"
    return STATUS_LABELS.get(status or "", status or "")


class Deadline(BaseModel):
    what: str
    due: dt.date | None
    status: Status
    start: dt.date | None = None
    done_on: dt.date | None = None
    done: bool = False  # done by as_of (on time or late)
    late: bool = False  # done, but after the due date: status is then "overdue"
    basis: str = ""  # how it was counted, in Chinese, e.g. "自2024年1月5日起1个工作日"
    warning: str | None = None  # e.g. holiday data missing for that year


class AccountableRef(BaseModel):
    unit: str
    position: str


class TransferRef(BaseModel):
    to: str
    to_label: str
    reason: str


class Finding(BaseModel):
    rule: str
    pack: str
    title: str
    category: str
    source: SourceRef
    text: str
    decision: str | None = None
    actions: list[str] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    accountable: list[AccountableRef] = Field(default_factory=list)
    transfers: list[TransferRef] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    requires_action: bool = True
    because: list[str] = Field(default_factory=list)  # chain of facts and rules, Chinese
    overridden_by: str | None = None


class AggregateFinding(Finding):
    group_by: str
    group: str
    count: int
    cases: list[str]


class CaseResult(BaseModel):
    case: str
    name: str | None = None
    kind: str
    township: str | None = None
    as_of: dt.date
    packs: list[str]
    findings: list[Finding]
    withdrawn: list[Finding] = Field(default_factory=list)  # fired but overridden by precedence

    @property
    def requires_action(self) -> bool:
        return any(f.requires_action for f in self.findings)
