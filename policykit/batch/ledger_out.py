"""The ledger out (结果台账, .xlsx): one row per input row, then the summary sheets.

Rows are streamed into a write-only workbook in input order; the file is saved
to a temporary name and renamed into place only when the run completes.
Sheets: 台账结果, 问责汇总, 逾期事项, 目标进度 (the "100%" targets of 000-6 / 002-1
per township), 输入错误.
"""
from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook

from ..facts.enums import CaseKind
from ..findings.model import STATUS_LABELS
from ..rules.schema import DOCUMENT_KINDS

CASE_HEADERS = ["输入行号", "案件编号", "乡镇", "村", "名称", "类型", "需处理", "查处结论", "下一时限", "到期日",
                "时限状态", "责任岗位", "移送", "文书及文号", "销号状态", "输入错误"]
AGG_HEADERS = ["乡镇（部门）", "起数", "问责层级", "责任岗位", "依据", "涉及案件", "文书"]
OVERDUE_HEADERS = ["案件编号", "乡镇", "名称", "事项", "到期日", "计算依据"]
TARGET_HEADERS = ["乡镇", "类型", "目标", "案件数", "处置到位", "完成率"]
ERROR_HEADERS = ["输入行号", "列", "字段", "问题", "应填"]

# The "100%" targets (000-6 三、002-1 三全面一清零), by case kind.
TARGETS = {
    "unlicensed_mining": "无证非法采矿问题全面遏制（100%处理到位）",
    "licensed_open_pit": "持证露天矿山违法违规开采问题全面查处",
    "construction_cover": "以工程建设为名非法采矿问题全面清理",
    "land_levelling": "土地平整项目100%落实全过程监管",
    "ecological_restoration": "涉及生态修复的100%同步启动生态修复",
    "abandoned_mine": "未治理废弃矿山100%治理落实到位",
    "restoration_project": "历史遗留废弃矿山100%完成修复方案、推进修复",
    "soil_sand_extraction": "非法取土洗砂100%处理到位",
}


def _next_deadline(result):
    open_ = [d for f in result.findings for d in f.deadlines if d.due and d.status != "met"]
    return min(open_, key=lambda d: d.due) if open_ else None


class LedgerOut:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.wb = Workbook(write_only=True)
        self.cases = self.wb.create_sheet("台账结果")
        self.cases.append(CASE_HEADERS)
        self.overdue: list[list] = []
        self.errors: list[list] = []
        self.targets: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])

    def case_row(self, row_no: int, case, result, files: list[dict]) -> None:
        nxt = _next_deadline(result)
        people = list(dict.fromkeys(f"{a.unit}{a.position}" for f in result.findings for a in f.accountable))
        transfers = list(dict.fromkeys(t.to_label for f in result.findings for t in f.transfers))
        docs = [f"{DOCUMENT_KINDS.get(x['kind'], x['kind'])} {x['number']}".strip() for x in files
                if x["path"].endswith(".docx")]
        if case.ledger.closed:
            closed = "已销号"
        elif result.requires_action:
            closed = "未销号"
        else:
            closed = "可销号"
        self.cases.append([
            row_no, case.id, case.jurisdiction.township, case.jurisdiction.village, case.name,
            CaseKind(case.kind).label, "是" if result.requires_action else "否",
            "；".join(f.title for f in result.findings),
            nxt.what if nxt else None, nxt.due if nxt else None,
            STATUS_LABELS[nxt.status] if nxt else None,
            "；".join(people), "；".join(transfers), "；".join(docs), closed, None,
        ])
        for f in result.findings:
            for d in f.deadlines:
                if d.status == "overdue":
                    self.overdue.append([case.id, case.jurisdiction.township, case.name, d.what, d.due, d.basis])
        if case.kind.value in TARGETS:
            t = self.targets[(case.jurisdiction.township or "（未填写）", case.kind.value)]
            t[0] += 1
            t[1] += not result.requires_action

    def error_row(self, row_no: int, raw: dict, errors) -> None:
        self.cases.append([row_no, raw.get("id"), raw.get("jurisdiction.township"), raw.get("jurisdiction.village"),
                           raw.get("name"), None, None, None, None, None, None, None, None, None, "未处理",
                           "；".join(e.message for e in errors)])
        for e in errors:
            self.errors.append([row_no, e.column, e.field, e.message, e.expected])

    def finish(self, aggregates, sheet_errors) -> None:
        agg = self.wb.create_sheet("问责汇总")
        agg.append(AGG_HEADERS)
        for a in aggregates:
            agg.append([a.group, a.count, a.title, "；".join(f"{p.unit}{p.position}" for p in a.accountable),
                        f"《{a.source.title}》{a.source.where}：“{a.source.quote}”", "、".join(a.cases),
                        "、".join(DOCUMENT_KINDS[d] for d in a.documents)])
        od = self.wb.create_sheet("逾期事项")
        od.append(OVERDUE_HEADERS)
        for r in self.overdue:
            od.append(r)
        tg = self.wb.create_sheet("目标进度")
        tg.append(TARGET_HEADERS)
        for (town, kind), (n, done) in sorted(self.targets.items()):
            tg.append([town, CaseKind(kind).label, TARGETS[kind], n, done, f"{done / n:.0%}" if n else "—"])
        er = self.wb.create_sheet("输入错误")
        er.append(ERROR_HEADERS)
        for e in sheet_errors:  # whole-sheet problems (missing columns, no header)
            er.append([e.row, e.column, e.field, e.message, e.expected])
        for r in self.errors:
            er.append(r)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        try:
            self.wb.save(tmp)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def discard(self) -> None:
        self.wb = None

