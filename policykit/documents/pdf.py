"""PDFs with WeasyPrint: the case check report, and announcements for the website.

The page follows GB/T 9704 (A4, margins 37/26/35/28 mm, 16 pt text on a
28.95 pt line: 22 lines × 28 characters). Font names are the Word names
(仿宋_GB2312 …); fontconfig maps them to the installed free fonts
(``config/fonts.conf``), and WeasyPrint embeds subsets of them.
``weasyprint`` is imported only when a PDF is made (the import takes ~1 s).
"""
from __future__ import annotations

import io
from pathlib import Path

from ..facts.model import Case
from ..findings.model import CaseResult
from .context import case_view, collect, finding_view
from .env import get_env
from .filters import clean_text

HTML_DIR = Path(__file__).resolve().parents[2] / "doc_templates"

CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
        @bottom-center { content: "— " counter(page) " —"; font-family: "宋体"; font-size: 14pt; white-space: nowrap; } }
body { margin: 0; }
html { font-family: "仿宋_GB2312", "FandolFang", serif; font-size: 16pt; line-height: 28.95pt;
       letter-spacing: -0.25pt; text-align: justify; }
p { margin: 0; text-indent: 2em; }
.mark { font-family: "方正小标宋简体"; color: #ff0000; text-align: center; text-indent: 0; font-size: 30pt;
        line-height: 1.4; margin-top: 10mm; }
.mark-long { font-size: 22pt; }
.number { text-align: center; text-indent: 0; border-bottom: 1pt solid #ff0000; padding-bottom: 4mm; }
.rule { border-bottom: 3pt double #ff0000; text-indent: 0; }
.letter-number { text-align: right; text-indent: 0; }
h1, .title { font-family: "方正小标宋简体"; font-size: 22pt; font-weight: normal; text-align: center;
             line-height: 35pt; margin: 57.9pt 0 28.95pt 0; text-indent: 0; }
.recipient { text-indent: 0; }
.h1 { font-family: "黑体"; }
.h2 { font-family: "楷体_GB2312"; }
.attach { text-indent: 0; padding-left: 5em; }
.signature, .date { text-align: right; padding-right: 4em; text-indent: 0; }
.signature { margin-top: 57.9pt; }
.seal { display: none; }
.imprint { font-size: 14pt; line-height: 22pt; text-indent: 0; border-top: 0.75pt solid #000;
           padding: 0 1em; }
.imprint.last { border-bottom: 1pt solid #000; display: flex; justify-content: space-between; }
table { border-collapse: collapse; width: 100%; font-size: 12pt; line-height: 18pt; margin: 6pt 0; }
th, td { border: 0.75pt solid #000; padding: 2pt 4pt; vertical-align: top; text-align: left; }
th { font-family: "黑体"; font-weight: normal; text-align: center; }
.meta td:first-child { width: 28%; font-family: "黑体"; }
.finding { margin-top: 14pt; }
.quote { font-family: "楷体_GB2312"; }
.small { font-size: 12pt; line-height: 20pt; text-indent: 0; }
ol.because { font-size: 12pt; line-height: 20pt; margin: 0 0 0 2em; padding: 0; }
"""


def _weasy_pdf(html: str, base_url: str | None = None) -> bytes:
    import weasyprint  # lazy: ~1 s

    return weasyprint.HTML(string=html, base_url=base_url or str(HTML_DIR)).write_pdf(
        stylesheets=[weasyprint.CSS(string=CSS)], uncompressed_pdf=False
    )


# ---------------------------------------------------------------- case check report


def report_html(case: Case, result: CaseResult) -> str:
    src = (HTML_DIR / "check_report.html").read_text(encoding="utf-8")
    tpl = get_env().from_string(src)
    findings = [finding_view(f) for f in result.findings]
    return tpl.render(
        case=case_view(case),
        result={"as_of": result.as_of, "packs": result.packs, "case": result.case},
        findings=findings,
        withdrawn=[finding_view(f) for f in result.withdrawn],
        summary=collect(result.findings),
        place="".join(x for x in (case.jurisdiction.province, case.jurisdiction.city, case.jurisdiction.county,
                                  case.jurisdiction.township, case.jurisdiction.village) if x),
    )


def case_report_pdf(case: Case, result: CaseResult) -> bytes:
    """案件检查报告: every finding with its citation, deadlines and the explanation chain."""
    return _weasy_pdf(report_html(case, result))


# ---------------------------------------------------------------- announcements (from the rendered .docx)

_STYLE_CLASS = {
    "GWMark": "mark",
    "GWMarkLong": "mark mark-long",
    "GWLetterMark": "mark mark-long",
    "GWNumber": "number",
    "GWLetterRule": "rule",
    "GWLetterNumber": "letter-number",
    "GWTitle": "title",
    "GWRecipient": "recipient",
    "GWH1": "h1",
    "GWH2": "h2",
    "GWH3": "h3",
    "GWAttach": "attach",
    "GWSignature": "signature",
    "GWDate": "date",
    "GWSeal": "seal",
    "GWNote": "note",
    "GWImprint": "imprint",
}


def docx_html(data: bytes, title: str = "") -> str:
    """The rendered document as simple HTML, paragraph styles mapped to classes.

    The text comes from the .docx the clerk's template produced, so the PDF
    published on the website says exactly what the signed document says.
    """
    import docx
    from docx.oxml.ns import qn
    from markupsafe import escape

    d = docx.Document(io.BytesIO(data))
    out = []
    imprint_rows = [p for p in d.paragraphs if p.style is not None and p.style.style_id == "GWImprint"]
    for block in d.element.body.iterchildren():
        if block.tag == qn("w:p"):
            from docx.text.paragraph import Paragraph

            p = Paragraph(block, d)
            sid = p.style.style_id if p.style is not None else ""
            text = clean_text(p.text)
            if not text.strip() and sid not in ("GWLetterRule",):
                continue
            cls = _STYLE_CLASS.get(sid, "")
            if sid == "GWImprint" and imprint_rows and p._p is imprint_rows[-1]._p:
                cls += " last"
                left, _, right = text.partition("\t")
                out.append(f'<p class="{cls}"><span>{escape(left)}</span><span>{escape(right)}</span></p>')
                continue
            out.append(f'<p class="{cls}">{escape(text)}</p>')
        elif block.tag == qn("w:tbl"):
            from docx.table import Table

            t = Table(block, d)
            rows = []
            for i, row in enumerate(t.rows):
                tag = "th" if i == 0 else "td"
                rows.append("<tr>" + "".join(f"<{tag}>{escape(clean_text(c.text))}</{tag}>" for c in row.cells) + "</tr>")
            out.append("<table>" + "".join(rows) + "</table>")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>" + "\n".join(out) + "</body></html>"
    )


def announcement_pdf(data: bytes, ctx: dict | None = None) -> bytes:
    """A PDF of a rendered announcement (.docx bytes), for the government website."""
    title = ctx["doc"]["title"] if ctx else ""
    return _weasy_pdf(docx_html(data, title))
