"""The readable Chinese report of ``policykit check`` and its stable JSON form."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .. import __version__
from ..facts.dates import cn_date
from ..facts.enums import CaseKind
from ..rules.schema import DOCUMENT_KINDS
from .model import AggregateFinding, CaseResult, Finding, status_label

SCHEMA_VERSION = 1


def _deadline_line(d) -> str:
    due = cn_date(d.due) if d.due else "—"
    label = status_label(d.status, d.late)
    text = f"    时限：{d.what}　{due}　【{label}】　{d.basis}"
    if d.warning:
        text += f"　⚠ {d.warning}"
    return text


def finding_lines(f: Finding, explain: bool) -> list[str]:
    lines = [f"  ● {f.title}：{f.text}"]
    for a in f.actions:
        lines.append(f"    措施：{a}")
    lines.extend(_deadline_line(d) for d in f.deadlines)
    if f.accountable:
        lines.append("    责任：" + "；".join(f"{a.unit}{a.position}" for a in f.accountable))
    for t in f.transfers:
        lines.append(f"    移送：{t.to_label}（{t.reason}）")
    if f.documents:
        lines.append("    文书：" + "、".join(DOCUMENT_KINDS[d] for d in f.documents))
    lines.append(f"    依据：《{f.source.title}》{f.source.where}：“{f.source.quote}”〔条款 {f.source.clause}，规则 {f.rule}〕")
    if explain:
        lines.append("    推理链：")
        lines.extend(f"      - {b}" for b in f.because)
    return lines


def case_lines(r: CaseResult, explain: bool) -> list[str]:
    head = f"【案件 {r.case}】{r.name or ''}　{CaseKind(r.kind).label}　{r.township or ''}　评估日期 {cn_date(r.as_of)}"
    lines = [head, f"  适用规则包：{'、'.join(r.packs) or '无（辖区不在任何规则包范围内）'}"]
    if not r.findings:
        lines.append("  未发现需处理的问题。")
    for f in r.findings:
        lines.extend(finding_lines(f, explain))
    for w in r.withdrawn:
        lines.append(f"  ○ 已被规则 {w.overridden_by} 取代：{w.title}")
    return lines


def township_lines(results: list[CaseResult]) -> list[str]:
    """One line per township: cases, cases needing action, overdue and due-soon deadlines."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in results:
        row = rows[r.township or "（未填写乡镇）"]
        row[0] += 1
        row[1] += r.requires_action
        statuses = [d.status for f in r.findings for d in f.deadlines]
        row[2] += statuses.count("overdue")
        row[3] += statuses.count("due_soon")
    lines = ["════ 各乡镇情况 ════"]
    for town, (n, acting, overdue, soon) in sorted(rows.items()):
        lines.append(f"  {town}：案件 {n} 个，需处理 {acting} 个，已逾期时限 {overdue} 项，7日内到期 {soon} 项")
    return lines


def aggregate_lines(aggs: list[AggregateFinding], explain: bool) -> list[str]:
    if not aggs:
        return []
    lines = ["", "════ 乡镇（部门）汇总与问责层级 ════"]
    by_group: dict[str, list[AggregateFinding]] = defaultdict(list)
    for a in aggs:
        by_group[a.group].append(a)
    for group, items in sorted(by_group.items()):
        lines.append(f"【{group}】")
        for a in items:
            lines.extend(finding_lines(a, explain))
            lines.append(f"    涉及案件（{a.count}起）：{'、'.join(a.cases)}")
    return lines


def summary_line(results: list[CaseResult], aggs, errors) -> str:
    acting = sum(1 for r in results if r.requires_action)
    return (
        f"共检查 {len(results)} 个案件，其中 {acting} 个需处理；"
        f"汇总问责 {len(aggs)} 项；输入错误 {len(errors)} 处。"
    )


def to_json(results: list[CaseResult], aggs: list[AggregateFinding], errors, engine: str, as_of: dt.date | None = None) -> dict:
    return {
        "tool": "policykit",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "engine": engine,
        "as_of": (as_of or max((r.as_of for r in results), default=dt.date.today())).isoformat(),
        "cases": [r.model_dump(mode="json") for r in results],
        "aggregates": [a.model_dump(mode="json") for a in aggs],
        "errors": [e.as_dict() for e in errors],
    }


def exit_code(results, aggs, errors) -> int:
    if errors:
        return 2
    if any(r.requires_action for r in results) or any(a.requires_action for a in aggs):
        return 1
    return 0
