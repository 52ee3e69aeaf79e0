"""The fast ledger reader gives the values openpyxl gives (read-only, data_only), on every kind of cell."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook

from policykit.batch.xlsx import FORMULA_WITHOUT_VALUE, Workbook

ROOT = Path(__file__).resolve().parents[1]


def ours(path) -> dict[str, dict[int, list]]:
    wb = Workbook(path)
    try:
        return {s.title: {r: [None if v is FORMULA_WITHOUT_VALUE else v for v in vals] for r, vals in wb.rows(s)}
                for s in wb.sheets}
    finally:
        wb.close()


def openpyxls(path) -> dict[str, dict[int, list]]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        out = {}
        for ws in wb.worksheets:
            rows = {}
            for r, vals in enumerate(ws.iter_rows(values_only=True), start=1):
                vals = list(vals)
                while vals and vals[-1] is None:
                    vals.pop()
                if vals:
                    rows[r] = vals
            out[ws.title] = rows
        return out
    finally:
        wb.close()


def same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for sheet in a:
        trimmed = {r: v for r, v in a[sheet].items() if any(x is not None for x in v)}
        assert trimmed == b[sheet], sheet


@pytest.mark.parametrize("name", ["ledger-example.xlsx", "ledger-template.xlsx"])
def test_shipped_ledgers(name):
    same(ours(ROOT / "cases" / name), openpyxls(ROOT / "cases" / name))


def test_cells_written_by_openpyxl(tmp_path):
    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["文字", "整数", "小数", "是否", "日期时间", "日期", "公式", "空", "中文日期格式"])
    ws.append(["槐阳镇 & <东街>", 3, 2.5, True, dt.datetime(2024, 3, 1, 8, 30), dt.date(2024, 2, 29), "=A2",
               None, 45352])
    ws["I2"].number_format = "yyyy\"年\"m\"月\"d\"日\""
    ws.append([" 前后空格 ", -7, 1e-7, False, None, None, None, None, None])
    ws.cell(6, 30, "远处的列")  # a gap of rows and a far column
    ws.merge_cells("A7:C7")
    ws["A7"] = "合并"
    wb.create_sheet("选项").append(["无证非法采矿"])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    got = ours(path)
    same(got, openpyxls(path))
    assert got["台账"][2][8] == dt.datetime(2024, 3, 1)  # 45352 in a date format is a date
    wb2 = Workbook(path)
    (row2,) = [vals for r, vals in wb2.rows(wb2.sheets[0]) if r == 2]
    assert row2[6] is FORMULA_WITHOUT_VALUE  # openpyxl writes formulas without a cached value
    wb2.close()


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # openpyxl, about the minimal styles.xml
def test_cells_written_by_excel_shared_strings_rich_text_errors_1904(tmp_path):
    """A package as Excel writes it: shared strings (rich text, phonetic runs), cached formula results,
    booleans, errors, ISO dates, a custom date format, and the 1904 date system."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    r_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {ns} {r_ns}><workbookPr date1904="1"/>'
        '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/sharedStrings.xml": f'<?xml version="1.0"?><sst {ns} count="4" uniqueCount="4">'
        "<si><t>乡镇</t></si><si><t>问题类型</t></si>"
        '<si><r><rPr><b/></rPr><t>殷村</t></r><r><t xml:space="preserve">镇 </t></r><rPh sb="0" eb="1"><t>イン</t></rPh></si>'
        "<si><t>A&amp;B &lt;x&gt;</t></si></sst>",
        "xl/styles.xml": f'<?xml version="1.0"?><styleSheet {ns}><numFmts count="1">'
        '<numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
        '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet {ns}><dimension ref="A1:F4"/><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="str"><f>A1</f><v>无证非法采矿</v></c>'
        '<c r="C2" s="1"><v>1000</v></c><c r="D2" s="2"><f>C2+1</f><v>1001</v></c><c r="E2" t="b"><v>1</v></c>'
        '<c r="F2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        '<row r="4"><c r="A4" t="s"><v>3</v></c><c r="B4" t="d"><v>2024-03-01T00:00:00</v></c>'
        '<c r="C4"><v>2.50</v></c><c r="D4"><f>NOW()</f></c><c r="E4" t="inlineStr"><is><t>内联</t></is></c></row>'
        "</sheetData></worksheet>",
    }
    path = tmp_path / "excel.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    got = ours(path)
    same(got, openpyxls(path))
    rows = got["台账"]
    assert rows[2][0] == "殷村镇 " and rows[4][0] == "A&B <x>"
    assert rows[2][2] == dt.datetime(1906, 9, 27)  # 1000 days after 1904-01-01
    assert rows[4][1] == dt.datetime(2024, 3, 1) and rows[2][4] is True and rows[2][5] == "#DIV/0!"
    wb = Workbook(path)
    assert wb.sheets[0].dimension == 4
    (row4,) = [vals for r, vals in wb.rows(wb.sheets[0]) if r == 4]
    assert row4[3] is FORMULA_WITHOUT_VALUE
    wb.close()


def test_template_columns_for_procedure_dates_reach_the_rules(tmp_path):
    """A ledger row with the 行政处罚 and transfer dates of the template is checked with those deadlines."""
    from policykit.batch.ledger_in import LedgerReader
    from policykit.batch.ledger_template import HEADERS, save, sheet
    from policykit.rules.engine import Engine
    from policykit.rules.loader import load_packs

    for h in ("处罚决定书送达日期", "批准移送日期", "专家验收意见日期"):
        assert h in HEADERS
    path = tmp_path / "l.xlsx"
    save(sheet("测试", [{"案件编号": "L-1", "县": "元氏县", "乡镇": "槐阳镇", "问题类型": "无证非法采矿", "评估日期": dt.date(2024, 10, 9),
                         "许可证状态": "无证", "发现开采行为": "是", "立案日期": dt.date(2024, 9, 3),
                         "处罚决定书送达日期": dt.date(2024, 9, 20), "批准移送日期": dt.date(2024, 9, 5)}]), path)
    (row,) = list(LedgerReader(path))
    assert row.errors == [], [e.render() for e in row.errors]
    case = row.case
    assert case.observations.penalty_served_on == dt.date(2024, 9, 20)
    result = Engine(load_packs(ROOT / "rules"), backend="reference").check(case)
    dues = {d.what: d.due for f in result.findings for d in f.deadlines}
    assert dues["缴纳罚款（15日）"] == dt.date(2024, 10, 8)
