#!/usr/bin/env python
"""Generate the ten document templates in ``doc_templates/`` (GB/T 9704-2012 layout).

The .docx files are committed; this script records how they were made. Clerks
then edit the wording in Word or WPS: only the ``{{ … }}`` / ``{%p … %}`` tags
must stay intact (``policykit templates check`` finds broken ones).

Usage: python scripts/build_templates.py [--out doc_templates] [KIND ...]

Layout (GB/T 9704-2012 in Word terms, see shared tech-notes):
A4; margins top 37 / bottom 35 / left 28 / right 26 mm; body 3号 (16 pt)
仿宋_GB2312, exact line spacing 28.95 pt (579 twips), 22 lines a page, docGrid
type="lines"; title 2号 (22 pt) 方正小标宋简体; headings 一、黑体 / （一）楷体_GB2312 /
1. 仿宋; page numbers "— 1 —" in 4号 宋体, odd pages right, even pages left.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

ROOT = Path(__file__).resolve().parent.parent

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
XBS = "方正小标宋简体"
LATIN = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
GREY = RGBColor(0xA6, 0xA6, 0xA6)
LINE = 579  # twips: 28.95 pt, 22 lines in the 225 mm type area
BODY_PT = 16
NOTE_PT = 14  # 4号: 版记, page numbers

# ---------------------------------------------------------------- XML helpers


def _set(el, name: str, **attrs):
    """Get or create child ``name`` of ``el`` (appended) and set w: attributes."""
    child = el.find(qn(name))
    if child is None:
        child = OxmlElement(name)
        el.append(child)
    for k, v in attrs.items():
        child.set(qn(f"w:{k}"), str(v))
    return child


_RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
                      "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                      "w:eastAsianLayout", "w:specVanish", "w:oMath")


def char_spacing(rpr, twentieths: int) -> None:
    """w:spacing (character spacing, 1/20 pt) in its schema position inside w:rPr."""
    old = rpr.find(qn("w:spacing"))
    if old is not None:
        rpr.remove(old)
    sp = OxmlElement("w:spacing")
    sp.set(qn("w:val"), str(twentieths))
    for tag in _RPR_AFTER_SPACING:
        anchor = rpr.find(qn(tag))
        if anchor is not None:
            anchor.addprevious(sp)
            return
    rpr.append(sp)


def fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    """East Asian font names in w:eastAsia (python-docx's font.name sets only ascii/hAnsi)."""
    rfonts = rpr.get_or_add_rFonts()
    for a in list(rfonts.attrib):
        del rfonts.attrib[a]  # drop theme fonts
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)


def style_font(style, east_asia: str, size_pt: float, *, latin: str = LATIN, bold=None, color=None):
    style.font.size = Pt(size_pt)
    style.font.name = latin
    fonts(style.element.get_or_add_rPr(), east_asia, latin)
    if bold is not None:
        style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color


_PPR_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                   "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                   "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def no_snap(ppr) -> None:
    """w:snapToGrid=0: lines not forced onto the 28.95 pt document grid (titles, marks, tables)."""
    el = ppr.find(qn("w:snapToGrid"))
    if el is None:
        el = OxmlElement("w:snapToGrid")
        anchor = next((ppr.find(qn(t)) for t in _PPR_AFTER_SNAP if ppr.find(qn(t)) is not None), None)
        if anchor is not None:
            anchor.addprevious(el)
        else:
            ppr.append(el)
    el.set(qn("w:val"), "0")


def para_border(ppr, side: str, *, val="single", sz=8, space=0, color="FF0000"):
    """Paragraph border (a rule across the type area). sz in 1/8 pt, space in pt."""
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        # schema order inside pPr: pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr
        # suppressLineNumbers pBdr shd tabs ... spacing ind ... jc
        anchor = None
        for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                    "w:pPrChange"):
            anchor = ppr.find(qn(tag))
            if anchor is not None:
                break
        if anchor is not None:
            anchor.addprevious(bdr)
        else:
            ppr.append(bdr)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), val)
    el.set(qn("w:sz"), str(sz))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    bdr.append(el)


def indent_chars(ppr, *, first=None, left=None, right=None, hanging=None, char_pt: float = 16):
    """Indents in hundredths of a character (w:firstLineChars=200 is two characters).

    The absolute twips (w:firstLine …) are written too, for LibreOffice, which
    ignores the *Chars attributes; Word uses the *Chars values.
    """
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = ppr.get_or_add_ind()
    for chars_attr, twips_attr, v in (("firstLineChars", "firstLine", first), ("leftChars", "left", left),
                                      ("rightChars", "right", right), ("hangingChars", "hanging", hanging)):
        if v is not None:
            ind.set(qn(f"w:{chars_attr}"), str(v))
            ind.set(qn(f"w:{twips_attr}"), str(round(v / 100 * char_pt * 20)))
    return ind


# ---------------------------------------------------------------- document setup


def _trim_package(doc) -> None:
    """Drop parts of python-docx's default template that a 公文 does not need.

    stylesWithEffects.xml would disagree with the rewritten styles.xml (openxml-audit
    flags that); the thumbnail shows python-docx's sample page; customXml is unused.
    """
    part = doc.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype in (
            "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
            RT.CUSTOM_XML,
        ):
            part.drop_rel(rid)
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del pkg.rels[rid]


def _trim_styles(doc) -> None:
    keep = {"Normal", "Default Paragraph Font", "Normal Table", "No List", "Table Grid", "header",
            "Header Char", "footer", "Footer Char"}
    root = doc.styles.element
    for st in list(root.findall(qn("w:style"))):
        name = st.find(qn("w:name"))
        if name is None or name.get(qn("w:val")) not in keep:
            root.remove(st)


def _doc_defaults(doc) -> None:
    """docDefaults without theme fonts, spacing after=200 or line=276."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts(rpr, FANGSONG)
    _set(rpr, "w:sz", val=BODY_PT * 2)
    _set(rpr, "w:szCs", val=BODY_PT * 2)
    lang = _set(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    del lang  # order already sz, szCs, lang
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    _set(ppr, "w:spacing", before=0, after=0, line=LINE, lineRule="exact")


def _paragraph_style(doc, sid: str, name: str, *, base="Normal", next_=None):
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.element.set(qn("w:styleId"), sid)
    st.base_style = doc.styles[base] if base else None
    st.quick_style = True
    if next_:
        st.next_paragraph_style = doc.styles[next_]
    return st


def build_styles(doc) -> None:
    _trim_styles(doc)
    _doc_defaults(doc)

    normal = doc.styles["Normal"]
    style_font(normal, FANGSONG, BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    _set(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    # −0.25 pt character spacing: 28 characters a line (tech-notes)
    char_spacing(rpr, -5)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Twips(LINE)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = False
    indent_chars(normal.element.get_or_add_pPr(), first=200)

    def flat(st):  # no first-line indent
        indent_chars(st.element.get_or_add_pPr(), first=0)

    st = _paragraph_style(doc, "GWMark", "发文机关标志")
    style_font(st, XBS, 30, color=RED)
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    st.paragraph_format.space_before = Mm(35) - Pt(12)  # top edge ~35 mm below the type area's top
    st.paragraph_format.space_after = Pt(0)
    char_spacing(st.element.get_or_add_rPr(), 0)
    flat(st)

    st = _paragraph_style(doc, "GWMarkLong", "发文机关标志（长）", base="发文机关标志")
    style_font(st, XBS, 22, color=RED)

    st = _paragraph_style(doc, "GWLetterMark", "信函发文机关标志", base="发文机关标志")
    style_font(st, XBS, 26, color=RED)
    st.paragraph_format.space_before = Pt(0)

    st = _paragraph_style(doc, "GWLetterMarkLong", "信函发文机关标志（长）", base="信函发文机关标志")
    style_font(st, XBS, 20, color=RED)

    st = _paragraph_style(doc, "GWNumber", "发文字号")
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    st.paragraph_format.space_before = Twips(LINE * 2)  # 发文机关标志下空二行
    flat(st)
    # red rule 4 mm under the 发文字号, as wide as the type area
    para_border(st.element.get_or_add_pPr(), "bottom", sz=8, space=11)

    st = _paragraph_style(doc, "GWLetterRule", "信函红色双线")
    flat(st)
    # red double rule (thick above thin) under the letter's 发文机关标志
    para_border(st.element.get_or_add_pPr(), "bottom", val="thickThinSmallGap", sz=24, space=1)
    st.paragraph_format.line_spacing = Pt(6)

    st = _paragraph_style(doc, "GWLetterNumber", "信函发文字号")
    flat(st)
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    st.paragraph_format.space_before = Pt(6)

    st = _paragraph_style(doc, "GWTitle", "公文标题")
    style_font(st, XBS, 22)
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    st.paragraph_format.space_before = Twips(LINE * 2)  # 红色分隔线下空二行
    st.paragraph_format.space_after = Twips(LINE)  # 标题下空一行
    st.paragraph_format.line_spacing = Pt(35)
    char_spacing(st.element.get_or_add_rPr(), 0)
    flat(st)

    st = _paragraph_style(doc, "GWRecipient", "主送机关")
    flat(st)
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    st = _paragraph_style(doc, "GWH1", "一级标题")
    style_font(st, HEITI, BODY_PT)
    st.paragraph_format.keep_with_next = True
    st = _paragraph_style(doc, "GWH2", "二级标题")
    style_font(st, KAITI, BODY_PT)
    st = _paragraph_style(doc, "GWH3", "三级标题")
    style_font(st, FANGSONG, BODY_PT)

    st = _paragraph_style(doc, "GWAttach", "附件说明")
    # "附件：" two characters in; following items aligned after "附件："
    indent_chars(st.element.get_or_add_pPr(), left=500, hanging=300)
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    st = _paragraph_style(doc, "GWSignature", "发文机关署名")
    flat(st)
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    indent_chars(st.element.get_or_add_pPr(), right=400)
    st.paragraph_format.space_before = Twips(LINE * 2)
    st = _paragraph_style(doc, "GWDate", "成文日期", base="发文机关署名")
    st.paragraph_format.space_before = Pt(0)

    st = _paragraph_style(doc, "GWSeal", "印章位置")
    flat(st)
    style_font(st, FANGSONG, 10.5, color=GREY)
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    indent_chars(st.element.get_or_add_pPr(), right=800)

    st = _paragraph_style(doc, "GWNote", "附注")
    indent_chars(st.element.get_or_add_pPr(), first=200)

    st = _paragraph_style(doc, "GWImprint", "版记")
    style_font(st, FANGSONG, NOTE_PT)
    flat(st)
    indent_chars(st.element.get_or_add_pPr(), left=100, right=100, char_pt=NOTE_PT)
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    st.paragraph_format.line_spacing = Pt(22)
    char_spacing(st.element.get_or_add_rPr(), 0)

    st = _paragraph_style(doc, "GWTable", "表格文字")
    style_font(st, FANGSONG, 12)
    flat(st)
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    st.paragraph_format.line_spacing = Pt(18)
    char_spacing(st.element.get_or_add_rPr(), 0)
    st = _paragraph_style(doc, "GWTableHead", "表格标题行", base="表格文字")
    style_font(st, HEITI, 12)
    st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    st = _paragraph_style(doc, "GWPageNum", "页码", base="Footer")
    style_font(st, SONGTI, NOTE_PT, latin=SONGTI)
    st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    char_spacing(st.element.get_or_add_rPr(), 0)
    flat(st)

    for name in ("Header", "Footer"):
        s = doc.styles[name]
        flat(s)
    # lines of other heights than the body's are not snapped onto the body's line grid
    for sid in ("GWMark", "GWLetterMark", "GWLetterRule", "GWTitle", "GWSeal", "GWImprint", "GWTable", "GWPageNum"):
        no_snap(doc.styles.element.get_by_id(sid).get_or_add_pPr())


def page_setup(doc) -> None:
    sec = doc.sections[0]
    sec.page_width = Mm(210)
    sec.page_height = Mm(297)
    sec.top_margin = Mm(37)
    sec.bottom_margin = Mm(35)
    sec.left_margin = Mm(28)
    sec.right_margin = Mm(26)
    sec.header_distance = Mm(15)
    sec.footer_distance = Mm(21)  # 一字线上距版心下边缘约 7 mm
    sec.start_type = WD_SECTION.NEW_PAGE
    sectpr = sec._sectPr
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectpr.append(grid)
    for a in list(grid.attrib):
        del grid.attrib[a]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE))

    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(sec.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def _field_run(paragraph, instr: str):
    """A complex field (begin / instrText / separate / result / end), as Word writes PAGE."""
    def run_with(el):
        r = paragraph.add_run()
        r._r.append(el)
        return r

    b = OxmlElement("w:fldChar")
    b.set(qn("w:fldCharType"), "begin")
    run_with(b)
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instr} "
    run_with(it)
    s = OxmlElement("w:fldChar")
    s.set(qn("w:fldCharType"), "separate")
    run_with(s)
    paragraph.add_run("1")
    e = OxmlElement("w:fldChar")
    e.set(qn("w:fldCharType"), "end")
    run_with(e)


def _page_number(footer, align) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.style = "页码"
    p.alignment = align
    ppr = p._p.get_or_add_pPr()
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        indent_chars(ppr, right=100, char_pt=NOTE_PT)  # one character in from the edge
    else:
        indent_chars(ppr, left=100, char_pt=NOTE_PT)
    p.add_run("— ")
    _field_run(p, "PAGE")
    p.add_run(" —")


# ---------------------------------------------------------------- content helpers


class Builder:
    def __init__(self, doc):
        self.doc = doc

    def p(self, text: str = "", style: str | None = None, *, align=None, keep_next=False):
        para = self.doc.add_paragraph(style=style)
        if text:
            para.add_run(text)  # one run per paragraph: tags are never split
        if align is not None:
            para.alignment = align
        if keep_next:
            para.paragraph_format.keep_with_next = True
        return para

    def tag(self, text: str):
        """A paragraph holding only a {%p … %} tag (docxtpl removes the paragraph)."""
        return self.p(text)

    def h1(self, text):
        return self.p(text, "一级标题")

    def h2(self, text):
        return self.p(text, "二级标题")

    def h3(self, text):
        return self.p(text, "三级标题")

    def loop(self, head: str, body: list[tuple[str, str | None]], tail: str = "{%p endfor %}"):
        self.tag(head)
        for text, style in body:
            self.p(text, style)
        self.tag(tail)

    def table(self, headers: list[str], row: list[str], loop: str, widths_mm: list[float]):
        """A table with a header row and one {%tr for %} row repeated by docxtpl."""
        t = self.doc.add_table(rows=4, cols=len(headers))
        t.style = self.doc.styles["Table Grid"]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, h in enumerate(headers):
            c = t.rows[0].cells[i]
            c.paragraphs[0].style = self.doc.styles["表格标题行"]
            c.paragraphs[0].add_run(h)
        t.rows[1].cells[0].paragraphs[0].add_run(loop)
        for i, text in enumerate(row):
            c = t.rows[2].cells[i]
            c.paragraphs[0].style = self.doc.styles["表格文字"]
            c.paragraphs[0].add_run(text)
        t.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
        for r in t.rows:
            for i, w in enumerate(widths_mm):
                r.cells[i].width = Mm(w)
        for i, w in enumerate(widths_mm):
            t.columns[i].width = Mm(w)
        for r in (t.rows[1], t.rows[3]):
            for c in r.cells:
                c.paragraphs[0].style = self.doc.styles["表格文字"]
        return t


# ---------------------------------------------------------------- common parts

HEAD_FILE = "file"  # 文件格式: red 发文机关标志 "××文件", 发文字号 centred, red rule
HEAD_LETTER = "letter"  # 信函格式: red name, red double rule, 发文字号 at the right
HEAD_NOTICE = "notice"  # 公告: red name, 发文字号 centred, red rule, no 主送机关


def head(b: Builder, variant: str, *, recipients=True):
    if variant == HEAD_LETTER:
        b.tag("{%p if doc.issuer.name|length > 16 %}")
        b.p("{{ doc.issuer.name }}", "信函发文机关标志（长）")
        b.tag("{%p else %}")
        b.p("{{ doc.issuer.name }}", "信函发文机关标志")
        b.tag("{%p endif %}")
        b.p("", "信函红色双线")
        b.p("{{ doc.number }}", "信函发文字号")
    else:
        field = "doc.issuer.mark" if variant == HEAD_FILE else "doc.issuer.name"
        b.tag(f"{{%p if {field}|length > 13 %}}")
        b.p(f"{{{{ {field} }}}}", "发文机关标志（长）")
        b.tag("{%p else %}")
        b.p(f"{{{{ {field} }}}}", "发文机关标志")
        b.tag("{%p endif %}")
        b.p("{{ doc.number }}", "发文字号")
    b.p("{{ doc.title }}", "公文标题")
    if recipients:
        b.p("{{ doc.recipients }}：", "主送机关")


def attachments(b: Builder):
    b.loop("{%p for a in doc.attachments %}", [
        ("{% if loop.first %}附件：{% endif %}{{ loop.index }}.{{ a }}", "附件说明"),
    ])


def closing(b: Builder, *, notice=False):
    if notice:
        b.p("特此公告。")
    attachments(b)
    b.p("{{ doc.issuer.name }}", "发文机关署名")
    b.p("{{ doc.date|cn_date }}", "成文日期")
    b.p("（印章）", "印章位置")
    b.tag("{%p if doc.contact %}")
    b.p("（{{ doc.contact }}）", "附注")
    b.tag("{%p endif %}")


def imprint(b: Builder):
    """版记: 抄送 and 印发机关/印发日期 between rules, 4号仿宋."""
    b.p("")
    b.tag("{%p if doc.cc %}")
    p = b.p("抄送：{{ doc.cc|join_cn('，') }}。", "版记")
    para_border(p._p.get_or_add_pPr(), "top", sz=8, color="000000")
    b.tag("{%p endif %}")
    p = b.p("{{ doc.printer }}\t{{ doc.print_date|cn_date }}印发", "版记")
    ppr = p._p.get_or_add_pPr()
    para_border(ppr, "top", sz=4, color="000000")
    para_border(ppr, "bottom", sz=8, color="000000")
    p.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(NOTE_PT), alignment=2)  # right tab


def basis_list(b: Builder, intro: str | None = None):
    if intro:
        b.p(intro)
    b.loop("{%p for x in basis %}", [
        ("{{ loop.index }}.{{ x.citation }}：“{{ x.quote }}”", "三级标题"),
    ])


def deadline_list(b: Builder, var: str = "deadlines"):
    b.loop(f"{{%p for d in {var} %}}", [
        ("{{ loop.index }}.{{ d.what }}：{{ d.due_text }}{% if d.basis %}（{{ d.basis }}）{% endif %}。", "三级标题"),
    ])


def findings_list(b: Builder, style="三级标题", var="findings"):
    b.loop(f"{{%p for f in {var} %}}", [
        ("{{ loop.index }}.{{ f.text }}（依据：{{ f.citation }}）", style),
    ])


# ---------------------------------------------------------------- the ten kinds


def closure_decision(b: Builder):
    head(b, HEAD_FILE)
    b.p("{{ operator_phrase }}{% if case.name %}{{ case.name }}{% else %}所开采矿山{% endif %}"
        "（采矿许可证号：{{ case.licence.number|blank }}，矿种：{{ case.licence.mineral|blank }}"
        "{% if case.licence.valid_to %}，有效期至{{ case.licence.valid_to|cn_date }}{% endif %}）"
        "位于{{ place }}。经调查核实，现查明有关情况如下：")
    b.h1("一、认定的事实")
    b.loop("{%p for fact in closure.facts %}", [("（{{ loop.index|cn_num }}）{{ fact }}", None)])
    b.h1("二、决定的依据")
    basis_list(b, "本府作出本决定，依据以下规定：")
    b.h1("三、关闭决定及有关事项")
    b.p("根据上述事实和规定，本府决定关闭{{ case.name|blank }}，并明确以下事项：")
    b.p("（一）修复责任主体：{{ closure.restoration_party }}。按照“谁破坏、谁治理”的原则，"
        "由修复责任主体承担矿山生态修复义务和费用，该义务不因采矿权终止而免除。", "二级标题")
    b.p("（二）修复期限：{{ closure.restoration_deadline }}。", "二级标题")
    b.p("（三）修复监管主体：{{ closure.supervisor }}，负责督促修复治理并组织初验。", "二级标题")
    b.p("（四）注销申请期限：{{ closure.cancel_deadline }}。", "二级标题")
    b.p("（五）后期管护责任主体：{{ closure.aftercare }}。", "二级标题")
    b.h1("四、先修复后注销")
    b.p("你单位应当按照“先修复后注销”的原则，先完成矿山生态修复治理并经验收合格，"
        "再持本决定书和验收合格证明向有关部门申请注销采矿许可证、营业执照和其他相关证照。"
        "逾期未完成修复治理或者未按期申请注销的，本府将在政府网站发布注销公告，视为放弃采矿权，"
        "由属地乡镇（林场）申请，有关部门直接注销相关证照；修复义务仍由你单位承担。")
    b.tag("{%p if deadlines %}")
    b.p("有关时限如下：")
    deadline_list(b)
    b.tag("{%p endif %}")
    b.h1("五、权利告知")
    b.p("如不服本决定，可以自收到本决定书之日起{{ review.days }}日内向{{ review.body }}申请行政复议，"
        "也可以自收到本决定书之日起{{ review.months }}个月内依法向{{ review.court }}提起行政诉讼。"
        "复议或者诉讼期间，本决定不停止执行。")
    closing(b)
    imprint(b)


def closure_announcement(b: Builder):
    head(b, HEAD_NOTICE, recipients=False)
    b.p("根据{{ basis|map(attribute='citation')|join_cn }}的规定，经依法处置，决定关闭下列矿山。"
        "现将有关事项公告如下：")
    b.h1("一、关闭的矿山")
    b.loop("{%p for m in mines %}", [
        ("（{{ loop.index|cn_num }}）{{ m.name }}。采矿权人：{{ m.operator }}；采矿许可证号：{{ m.licence_number }}；"
         "矿种：{{ m.mineral }}；位置：{{ m.place }}。", None),
    ])
    b.h1("二、关闭后的有关事项")
    b.p("（一）生态修复。按照“谁破坏、谁治理”的原则，采矿权人应当履行矿山生态修复义务，"
        "修复义务不因矿山关闭而免除。", "二级标题")
    b.p("（二）证照注销。本机关将依法向原发证机关{{ announce.licence_authority }}申请注销上述矿山的采矿许可证。",
        "二级标题")
    b.p("（三）监督管理。关闭矿山由属地明确专人巡查，严防“明停暗开”；任何单位和个人不得擅自进入关闭矿区"
        "开采矿产资源，违者依法查处。", "二级标题")
    b.tag("{%p if deadlines %}")
    b.p("（四）有关时限：", "二级标题")
    deadline_list(b)
    b.tag("{%p endif %}")
    b.p("对违法开采行为，欢迎社会各界监督举报{% if doc.issuer.phone %}（举报电话：{{ doc.issuer.phone }}）{% endif %}。")
    closing(b, notice=True)
    imprint(b)


def cancellation_announcement(b: Builder):
    head(b, HEAD_NOTICE, recipients=False)
    b.p("下列矿山的采矿权人未在规定期限内完成矿山生态修复治理或者未在规定期限内申请注销采矿许可证。"
        "根据{{ basis|map(attribute='citation')|join_cn }}的规定，现公告如下：")
    b.h1("一、逾期的矿山")
    b.loop("{%p for m in mines %}", [
        ("（{{ loop.index|cn_num }}）{{ m.name }}。采矿权人：{{ m.operator }}；采矿许可证号：{{ m.licence_number }}；"
         "矿种：{{ m.mineral }}；位置：{{ m.place }}。", None),
    ])
    b.h1("二、认定的情况")
    b.loop("{%p for f in findings %}", [("（{{ loop.index|cn_num }}）{{ f.text }}", None)])
    b.tag("{%p if deadlines %}")
    deadline_list(b)
    b.tag("{%p endif %}")
    b.h1("三、处理")
    b.p("（一）上述采矿权人视为放弃采矿权。由{{ township_gov }}提出申请，有关部门依据关闭决定文书"
        "直接注销其采矿许可证、营业执照和其他相关证照。", "二级标题")
    b.p("（二）按照“谁破坏、谁治理”的原则，采矿权人的矿山生态修复义务不因采矿权注销而免除，"
        "逾期未履行的，由属地组织修复治理，依法追究其法律责任。", "二级标题")
    b.p("公告期间，有关单位和个人如有异议，可向{{ doc.issuer.name }}书面反映"
        "{% if doc.issuer.phone %}（联系电话：{{ doc.issuer.phone }}）{% endif %}。")
    closing(b, notice=True)
    imprint(b)


def stop_order(b: Builder):
    head(b, HEAD_FILE)
    b.p("经查，{% if case.observations.found_on %}{{ case.observations.found_on|cn_date }}，{% endif %}"
        "{{ operator_phrase }}在{{ place }}{% if case.name %}（{{ case.name }}）{% endif %}存在下列违法行为：")
    b.loop("{%p for f in findings %}", [("（{{ loop.index|cn_num }}）{{ f.text }}", None)])
    b.p("上述行为违反了下列规定：")
    basis_list(b)
    b.p("现责令{{ operator_phrase }}：")
    b.p("一、自收到本通知书之日起立即停止违法行为。", "一级标题")
    b.p("二、现场采掘、加工设备和运输车辆依法予以查封、扣押，不得擅自启封、转移、使用；"
        "已采出的矿产品就地封存，不得销售。", "一级标题")
    b.tag("{%p if actions %}")
    b.p("三、按下列要求处置：", "一级标题")
    b.loop("{%p for a in actions %}", [("（{{ loop.index|cn_num }}）{{ a }}。", "二级标题")])
    b.tag("{%p endif %}")
    b.tag("{%p if deadlines %}")
    b.p("有关时限：")
    deadline_list(b)
    b.tag("{%p endif %}")
    b.p("本机关将依法对上述行为立案查处；拒不停止违法行为的，依法从严从重处理；涉嫌犯罪的，"
        "依法移送公安机关追究刑事责任。")
    b.p("{{ operator_phrase }}对本通知有异议的，可以自收到本通知书之日起{{ stop.reply_days }}日内向本机关提出陈述、申辩。")
    closing(b)
    imprint(b)


def rectification_notice(b: Builder):
    head(b, HEAD_FILE)
    b.p("经检查，{% if case.name %}{{ case.name }}{% else %}你单位{% endif %}（位于{{ place }}）存在下列问题。"
        "根据{{ basis|map(attribute='citation')|join_cn }}的规定，现通知{{ operator_phrase }}限期整改："
    )
    b.h1("一、问题及整改要求")
    b.table(
        ["序号", "问题及整改要求", "责任单位", "责任人", "整改时限"],
        ["{{ loop.index }}", "{{ it.problem }}。整改要求：{{ it.requirement }}", "{{ it.unit }}",
         "{{ it.person }}", "{{ it.deadline }}{% if it.what %}（{{ it.what }}）{% endif %}"],
        "{%tr for it in items %}",
        [14, 62, 30, 24, 26],
    )
    b.h1("二、有关要求")
    b.p("（一）请对照上表逐项整改，明确整改要求、责任单位、责任人和整改时限，建立台账，整改一项、销号一项。",
        "二级标题")
    b.p("（二）整改完成后，请于整改时限届满前将整改情况及佐证材料书面报送本机关。", "二级标题")
    b.p("（三）逾期未整改或者整改不到位的，依法依规严肃追究有关单位和人员责任。", "二级标题")
    b.tag("{%p if accountable %}")
    b.p("（四）有关责任人员：{% for a in accountable %}{{ a.unit }}{{ a.position }}{% if not loop.last %}、{% endif %}{% endfor %}。",
        "二级标题")
    b.tag("{%p endif %}")
    closing(b)
    imprint(b)


def refusal_decision(b: Builder):
    head(b, HEAD_FILE)
    b.p("你单位{% if case.application.applied_on %}于{{ case.application.applied_on|cn_date }}{% endif %}"
        "提交的{{ case.application.quarry_name|default(case.name, true)|blank }}申请（申请事项：{{ case.application.kind|blank }}）收悉。"
        "经审查，现决定如下：")
    b.h1("一、审查意见")
    b.loop("{%p for f in findings %}", [("（{{ loop.index|cn_num }}）{{ f.text }}", None)])
    b.h1("二、决定依据")
    basis_list(b)
    b.h1("三、决定")
    b.p("根据上述规定，本机关决定对你单位的申请不予批准。")
    b.h1("四、权利告知")
    b.p("如不服本决定，可以自收到本决定书之日起{{ review.days }}日内向{{ review.body }}申请行政复议，"
        "也可以自收到本决定书之日起{{ review.months }}个月内依法向{{ review.court }}提起行政诉讼。")
    closing(b)
    imprint(b)


def accountability_letter(b: Builder):
    head(b, HEAD_LETTER)
    b.p("经核查，{{ group.name }}{{ group.scope }}共有{{ group.count }}起问题达到问责情形。"
        "根据有关规定，现建议对有关责任人员予以问责。具体情况如下：")
    b.h1("一、基本情况")
    b.loop("{%p for f in findings %}", [("（{{ loop.index|cn_num }}）{{ f.text }}", None)])
    b.p("涉及案件：{{ group.cases|join_cn }}。")
    b.h1("二、问责依据")
    basis_list(b)
    b.h1("三、建议问责对象")
    b.loop("{%p for a in accountable %}", [("（{{ loop.index|cn_num }}）{{ a.unit }}{{ a.position }}。", "二级标题")])
    b.p("以上建议，请依规依纪依法研究处理，并将处理结果函告我办。")
    closing(b)
    imprint(b)


def interview_notice(b: Builder):
    head(b, HEAD_LETTER)
    b.p("经研究，决定对{{ interview.who }}进行约谈。现将有关事项通知如下：")
    b.h1("一、约谈事由")
    b.loop("{%p for f in findings %}", [("（{{ loop.index|cn_num }}）{{ f.text }}", None)])
    b.tag("{%p if interview.cases %}")
    b.p("涉及案件：{{ interview.cases|join_cn }}。")
    b.tag("{%p endif %}")
    b.p("依据：{{ basis|map(attribute='citation')|join_cn }}。")
    b.h1("二、约谈时间和地点")
    b.p("时间：{{ interview.date|cn_date }}{{ interview.time }}。")
    b.p("地点：{{ interview.place }}。")
    b.h1("三、参加人员")
    b.p("{{ interview.who }}。")
    b.h1("四、需携带的材料")
    b.loop("{%p for x in interview.bring %}", [("{{ loop.index }}.{{ x }}；", "三级标题")])
    b.p("请准时参加，不得委托他人代为参加。")
    closing(b)
    imprint(b)


def transfer_letter(b: Builder):
    head(b, HEAD_LETTER)
    b.tag("{%p if transfer.to == 'police' %}")
    b.p("我单位在查处{{ case.name|blank }}（位于{{ place }}）违法行为过程中，发现{{ operator_name }}"
        "涉嫌{{ transfer.reason }}，依据《行政执法机关移送涉嫌犯罪案件的规定》，现将该案移送你单位，请依法审查。")
    b.tag("{%p else %}")
    b.p("我单位在查处{{ case.name|blank }}（位于{{ place }}）有关问题过程中，发现{{ transfer.reason }}的问题线索，"
        "现将有关线索移送你单位，请{% if transfer.to == 'discipline' %}依规依纪依法{% else %}依法审查{% endif %}处理。")
    b.tag("{%p endif %}")
    b.h1("一、基本事实")
    b.loop("{%p for f in findings %}", [("（{{ loop.index|cn_num }}）{{ f.text }}", None)])
    b.tag("{%p if transfer.value %}")
    b.p("涉案矿产品价值：{{ transfer.value|money }}（大写：{{ transfer.value|rmb_upper }}）。")
    b.tag("{%p endif %}")
    b.h1("二、移送的理由和依据")
    b.p("移送理由：{{ transfer.reason }}。")
    basis_list(b)
    b.h1("三、移送的材料")
    b.p("随本函移送的材料见附件。请在收到移送材料后依法审查，并将处理结果书面告知我单位。")
    closing(b)
    imprint(b)


def township_plan(b: Builder):
    head(b, HEAD_FILE)
    b.p("为贯彻落实{{ plan.county_plan }}部署要求，结合本{{ plan.unit }}实际，制定本实施方案。")
    b.h1("一、指导思想")
    b.p("{{ plan.guiding }}")
    b.h1("二、组织领导")
    b.p("成立{{ township }}专项行动领导小组，由{{ plan.group.leader }}任组长，{{ plan.group.deputies }}任副组长，"
        "{{ plan.group.members }}为成员。领导小组下设办公室，办公室设在{{ plan.group.office }}，"
        "由{{ plan.group.office_director }}兼任办公室主任，负责日常调度、汇总情况和督促落实。")
    b.h1("三、工作目标")
    b.loop("{%p for t in plan.targets %}", [("（{{ loop.index|cn_num }}）{{ t }}。", "二级标题")])
    b.h1("四、工作步骤")
    b.loop("{%p for ph in plan.phases %}", [
        ("（{{ loop.index|cn_num }}）{{ ph.name }}{% if ph.start and ph.end %}（{{ ph.start|cn_date }}至{{ ph.end|cn_date }}）"
         "{% elif ph.end %}（{{ ph.end|cn_date }}前）{% endif %}", "二级标题"),
        ("{{ ph.content }}", None),
    ])
    b.h1("五、主要任务")
    b.table(
        ["序号", "任务及依据", "完成时限", "牵头领导", "牵头部门", "配合部门", "实施主体"],
        ["{{ loop.index }}", "{{ t.name }}（{{ t.basis }}）", "{{ t.due }}", "{{ t.lead_leaders }}",
         "{{ t.lead_departments }}", "{{ t.participants }}", "{{ t.implementer }}"],
        "{%tr for t in plan.tasks %}",
        [14, 42, 22, 20, 20, 20, 18],
    )
    b.h1("六、工作要求")
    b.loop("{%p for r in plan.requirements %}", [
        ("（{{ loop.index|cn_num }}）{{ r.title }}。", "二级标题"),
        ("{{ r.text }}", None),
    ])
    closing(b)
    imprint(b)


KINDS = {
    "closure_decision": closure_decision,
    "closure_announcement": closure_announcement,
    "cancellation_announcement": cancellation_announcement,
    "stop_order": stop_order,
    "rectification_notice": rectification_notice,
    "refusal_decision": refusal_decision,
    "accountability_letter": accountability_letter,
    "interview_notice": interview_notice,
    "transfer_letter": transfer_letter,
    "township_plan": township_plan,
}


def _core(doc, kind: str) -> None:
    cp = doc.core_properties
    cp.author = "policykit"
    cp.last_modified_by = "policykit"
    cp.title = kind
    cp.subject = "GB/T 9704-2012"
    cp.comments = "由 scripts/build_templates.py 生成；可在 Word/WPS 中修改文字，模板标记（花括号、百分号标记）须保持完整。"
    cp.revision = 1
    import datetime as dt
    fixed = dt.datetime(2024, 1, 1)
    cp.created = fixed
    cp.modified = fixed
    cp.last_printed = fixed


def build(kind: str) -> docx.document.Document:
    doc = docx.Document()
    _trim_package(doc)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    build_styles(doc)
    page_setup(doc)
    KINDS[kind](Builder(doc))
    _core(doc, kind)
    return doc


def save_deterministic(doc, path: Path) -> None:
    """Save with fixed zip timestamps so that re-running the script changes nothing."""
    import io
    import zipfile

    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, src.read(info.filename))
    path.write_bytes(out.getvalue())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kinds", nargs="*", help="kind ids (default: all ten)")
    ap.add_argument("--out", default=str(ROOT / "doc_templates"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    kinds = args.kinds or list(KINDS)
    for k in kinds:
        if k not in KINDS:
            print(f"未知的文书类型：{k}", file=sys.stderr)
            return 2
        save_deterministic(build(k), out / f"{k}.docx")
        print(out / f"{k}.docx")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
