"""The ledger workbook a clerk fills in: expected headers, frozen header row, drop-downs for enumerations and 是/否."""
from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..facts import enums
from ..storage import atomic_write_bytes

HEADERS = [
    "案件编号", "省", "市", "县", "乡镇", "村", "矿山名称", "问题类型", "评估日期", "发现日期", "采矿权人", "主体性质",
    "许可证号", "许可证状态", "矿种", "发证机关", "有效期至", "越界开采次数", "擅自改变开采方式", "发现开采行为",
    "出售矿产品", "现场有设备", "违法主体已查明", "立案日期", "取缔日期", "听证告知日期", "处罚决定书送达日期", "罚款缴纳日期",
    "批准移送日期", "移送日期", "项目类型", "审批部门", "按批准方案施工", "动用矿产资源", "申请类型",
    "处置类别", "县政府同意日期", "验收合格日期", "专家验收意见日期", "注销申请日期", "图斑", "面积（亩）", "计划年度", "位于工业园区", "不留人员", "不留设备",
    "不留物料设施", "毁闭采场井口", "矿产品价值（元）", "造成恶劣影响", "已销号", "备注",
]
CHOICES = {
    "问题类型": enums.CaseKind, "主体性质": enums.OperatorKind, "许可证状态": enums.LicenceStatus,
    "项目类型": enums.ProjectType, "申请类型": enums.ApplicationKind, "处置类别": enums.StoppedMineClass,
}
YES_NO = {"擅自改变开采方式", "发现开采行为", "出售矿产品", "现场有设备", "违法主体已查明", "按批准方案施工",
          "动用矿产资源", "位于工业园区", "不留人员", "不留设备", "不留物料设施", "毁闭采场井口", "造成恶劣影响",
          "已销号"}
DATES = {"评估日期", "发现日期", "有效期至", "县政府同意日期", "立案日期", "取缔日期", "听证告知日期", "处罚决定书送达日期",
         "罚款缴纳日期", "批准移送日期", "移送日期", "验收合格日期", "专家验收意见日期", "注销申请日期"}


def sheet(title_text: str, data: list[dict]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([title_text])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(HEADERS)
    for c in ws[2]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        c.alignment = Alignment(horizontal="center", wrap_text=True)
    ws.freeze_panes = "A3"
    for r in data:
        ws.append([r.get(h) for h in HEADERS])
    last = max(ws.max_row, 1000)
    lists = wb.create_sheet("选项")
    for col, (header, cls) in enumerate(CHOICES.items(), start=1):
        lists.cell(1, col, header)
        for i, m in enumerate(cls, start=2):
            lists.cell(i, col, m.label)
        letter = get_column_letter(col)
        dv = DataValidation(type="list", formula1=f"=选项!${letter}$2:${letter}${len(cls) + 1}", allow_blank=True,
                            showErrorMessage=True, errorTitle="取值无效", error=f"请从下拉列表中选择{header}")
        ws.add_data_validation(dv)
        dv.add(f"{get_column_letter(HEADERS.index(header) + 1)}3:{get_column_letter(HEADERS.index(header) + 1)}{last}")
    yn = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                        errorTitle="取值无效", error="请填写“是”或“否”")
    ws.add_data_validation(yn)
    for h in YES_NO:
        col = get_column_letter(HEADERS.index(h) + 1)
        yn.add(f"{col}3:{col}{last}")
    for h in DATES:
        col = HEADERS.index(h) + 1
        for r in range(3, ws.max_row + 1):
            ws.cell(r, col).number_format = "yyyy-mm-dd"
    for i, h in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, len(h) * 2 + 2)
    return wb


def save(wb: Workbook, path: Path) -> None:
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue())
