"""The ledger out (结果台账, .xlsx): one row per input row, then the summary sheets.

Rows are streamed into a write-only workbook in input order; the file is saved
to a temporary name and renamed into place only when the run completes.
Sheets: 台账结果, 问责汇总, 逾期事项, 目标进度 (the "100%" targets of 000-6 / 002-1
per township), 输入错误, 说明 (what each column means).
"""
from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from ..facts.dates import cn_date
from ..facts.enums import CaseKind
from ..findings.model import STATUS_LABELS
from ..rules.schema import DOCUMENT_KINDS
from ..storage import new_file_mode

CASE_HEADERS = ["输入行号", "案件编号", "乡镇", "村", "名称", "类型", "需处理", "查处结论", "下一时限", "到期日",
                "时限状态", "责任岗位", "移送", "文书及文号", "销号状态", "输入错误"]
AGG_HEADERS = ["乡镇（部门）", "起数", "问责层级", "责任岗位", "依据", "涉及案件", "文书"]
OVERDUE_HEADERS = ["案件编号", "乡镇", "名称", "事项", "到期日", "完成情况", "计算依据"]
TARGET_HEADERS = ["乡镇", "类型", "目标", "案件数", "处置到位", "完成率", "已销号", "达到100%"]
ERROR_HEADERS = ["输入行号", "列", "字段", "问题", "应填"]

WIDTHS = {"查处结论": 60, "责任岗位": 40, "文书及文号": 50, "输入错误": 40, "名称": 24, "问题": 40, "应填": 40, "含义": 90,
          "依据": 60, "涉及案件": 40, "目标": 40, "计算依据": 40, "事项": 30, "问责层级": 40}

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
    open_ = [d for f in result.findings for d in f.deadlines if d.due and not d.done]
    return min(open_, key=lambda d: d.due) if open_ else None


@dataclass
class CaseLine:
    """What the ledger out and the summary need of one checked case (plain values, computed in a worker)."""

    row: list
    overdue: list[list]
    township: str
    kind: str
    acting: bool
    closed: bool


def case_line(row_no: int, case, result, files: list[dict]) -> CaseLine:
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
    town = case.jurisdiction.township or UNSET_TOWN
    row = [
        row_no, case.id, case.jurisdiction.township, case.jurisdiction.village, case.name,
        CaseKind(case.kind).label, "是" if result.requires_action else "否",
        "；".join(f.title for f in result.findings),
        nxt.what if nxt else None, nxt.due if nxt else None,
        STATUS_LABELS[nxt.status] if nxt else None,
        "；".join(people), "；".join(transfers), "；".join(docs), closed, None,
    ]
    overdue = [[case.id, case.jurisdiction.township, case.name, d.what, d.due,
                f"逾期完成（{cn_date(d.done_on)}）" if d.late else "未完成", d.basis]
               for f in result.findings for d in f.deadlines if d.status == "overdue"]
    return CaseLine(row, overdue, town, case.kind.value, bool(result.requires_action), closed == "已销号")


UNSET_TOWN = "（未填写乡镇）"


class LedgerOut:
    """Streams the 台账结果 sheet; keeps only the small summary tables in memory."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.wb = Workbook(write_only=True)
        self._width: dict[str, int] = {}
        self.count = 0  # rows of 台账结果
        self.cases = self._sheet("台账结果", CASE_HEADERS)
        self.overdue: list[list] = []
        self.errors: list[list] = []
        # (township, kind) -> [cases, handled, closed]
        self.targets: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])

    def _sheet(self, title: str, headers: list[str]):
        """A streamed sheet with a bold, frozen header row, a filter and widths that fit Chinese headers."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        ws = self.wb.create_sheet(title)
        ws.freeze_panes = "A2"
        for i, h in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(h, max(8, 2 * len(h) + 2))
        cells = []
        for h in headers:
            c = WriteOnlyCell(ws, h)
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="DDEBF7")
            cells.append(c)
        ws.append(cells)
        self._width[title] = len(headers)
        return ws

    def _filter(self, ws, rows: int) -> None:
        """A filter over the header and every row (the sheet's tail is written when it is saved)."""
        from openpyxl.utils import get_column_letter

        ws.auto_filter.ref = f"A1:{get_column_letter(self._width[ws.title])}{rows + 1}"

    def add(self, line: CaseLine) -> None:
        self.cases.append(line.row)
        self.count += 1
        self.overdue.extend(line.overdue)
        if line.kind in TARGETS:
            t = self.targets[(line.township, line.kind)]
            t[0] += 1
            t[1] += not line.acting
            t[2] += line.closed

    def case_row(self, row_no: int, case, result, files: list[dict]) -> None:
        self.add(case_line(row_no, case, result, files))

    def error_row(self, row_no: int, raw: dict, errors) -> None:
        self.cases.append([row_no, raw.get("id"), raw.get("jurisdiction.township"), raw.get("jurisdiction.village"),
                           raw.get("name"), None, None, None, None, None, None, None, None, None, "未处理",
                           "；".join(e.message for e in errors)])
        self.count += 1
        for e in errors:
            self.errors.append([row_no, e.column, e.field, e.message, e.expected])

    def finish(self, aggregates, sheet_errors) -> None:
        self._filter(self.cases, self.count)
        agg = self._sheet("问责汇总", AGG_HEADERS)
        self._filter(agg, len(aggregates))
        for a in aggregates:
            agg.append([a.group, a.count, a.title, "；".join(f"{p.unit}{p.position}" for p in a.accountable),
                        f"《{a.source.title}》{a.source.where}：“{a.source.quote}”", "、".join(a.cases),
                        "、".join(DOCUMENT_KINDS[d] for d in a.documents)])
        od = self._sheet("逾期事项", OVERDUE_HEADERS)
        self._filter(od, len(self.overdue))
        for r in self.overdue:
            od.append(r)
        tg = self._sheet("目标进度", TARGET_HEADERS)
        self._filter(tg, len(self.targets))
        for (town, kind), (n, done, closed) in sorted(self.targets.items()):
            tg.append([town, CaseKind(kind).label, TARGETS[kind], n, done, f"{done / n:.0%}" if n else "—", closed,
                       "是" if n and done == n else "否"])
        er = self._sheet("输入错误", ERROR_HEADERS)
        self._filter(er, len(sheet_errors) + len(self.errors))
        for e in sheet_errors:  # whole-sheet problems (missing columns, no header)
            er.append([e.row, e.column, e.field, e.message, e.expected])
        for r in self.errors:
            er.append(r)
        notes = self._sheet("说明", ["工作表", "列", "含义"])
        for r in NOTES:
            notes.append(list(r))
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        try:
            self.wb.save(tmp)
            os.chmod(tmp, new_file_mode())
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def discard(self) -> None:
        """An interrupted run writes no ledger out; close the streamed sheet and remove its temporary file."""
        if self.wb is None:
            return
        for ws in self.wb.worksheets:
            try:
                ws.close()
                ws._writer.cleanup()  # openpyxl streams a write-only sheet to a temporary file
            except Exception:  # noqa: BLE001 - interrupted mid-row: nothing worth keeping
                pass
        self.wb = None


# The 说明 sheet: what every column of the ledger out means.
NOTES = [
    ("台账结果", "输入行号", "该案件在输入台账中的行号（案件文件目录输入时为顺序号）；每个输入行在本表中恰好出现一次"),
    ("台账结果", "需处理", "“是”：至少有一项查处结论要求处置（尚未落实的要求或未完成的时限）"),
    ("台账结果", "查处结论", "规则包得出的全部结论（含无需处置的提示），以“；”分隔"),
    ("台账结果", "下一时限 / 到期日 / 时限状态", "尚未完成的时限中到期日最早的一项；状态：未到期、7日内到期、已逾期、起算日期不明"),
    ("台账结果", "责任岗位", "结论所列的责任单位和岗位（问责、督办对象）"),
    ("台账结果", "移送", "结论要求移送的机关"),
    ("台账结果", "文书及文号", "本次生成的文书及其发文字号（文件在 输出目录/乡镇/案件编号/ 下）"),
    ("台账结果", "销号状态", "已销号：台账“已销号”为是；可销号：已无需处置的结论，可按程序销号；未销号：仍需处置；"
                      "未处理：该行有输入错误，未检查（见“输入错误”列和“输入错误”表）"),
    ("问责汇总", "乡镇（部门）/ 起数", "按乡镇或审批部门汇总的案件起数（只计触发相应规则的案件）"),
    ("问责汇总", "问责层级 / 责任岗位 / 依据", "达到的问责（约谈、督办、问责）层级、对象和所依据的条款原文"),
    ("问责汇总", "文书", "据此生成的文书（在 输出目录/汇总_乡镇或部门/ 下）"),
    ("逾期事项", "全部列", "时限状态为“已逾期”的每一项时限（含期满后才完成的，完成情况列写明“逾期完成”）；计算依据写明起算日和期限"),
    ("目标进度", "目标", "000-6、002-1 中对该类问题的“100%”目标"),
    ("目标进度", "案件数", "该乡镇该类问题在台账中的案件数（有输入错误的行不计）"),
    ("目标进度", "处置到位", "已无需处置的结论的案件数：例如无证非法采矿已按“三不留一毁闭”“两断三清”取缔到位，"
                       "废弃矿山已落实治理，各项时限已按期完成"),
    ("目标进度", "完成率", "处置到位 ÷ 案件数"),
    ("目标进度", "已销号", "台账中“已销号”为是的案件数"),
    ("目标进度", "达到100%", "处置到位等于案件数时为“是”"),
    ("输入错误", "全部列", "每个有错误的单元格：行号、列名、对应字段、问题和应填内容；改正后重新运行即可"),
]
