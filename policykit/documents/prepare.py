"""Turn a .docx template into Jinja sources, once, the way docxtpl does.

docxtpl's own ``patch_xml`` cleans each XML part (tags split across runs,
``{%p %}``/``{%tr %}`` tags, smart quotes inside tags). Before patching, every
paragraph gets an invisible marker — a Jinja comment holding its number and a
newline — so that a Jinja line number maps back to the paragraph a clerk sees
in Word. Comments render to nothing: the output is docxtpl's output.
"""
from __future__ import annotations

import copy
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

HEADER_URI = DocxTemplate.HEADER_URI
FOOTER_URI = DocxTemplate.FOOTER_URI
_P_START = re.compile(r"<w:p([ >])")
_MARK_END = re.compile(r"\{#¶(\d+)$")  # a marker's first half ends its line
# docxtpl turns these into literal braces after rendering; we do it before
# compiling, so that a value containing "{_{" is printed as written.
_LITERALS = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}", "%_}": "{{ '%}' }}"}
_LITERAL_RE = re.compile("|".join(re.escape(k) for k in _LITERALS))


@dataclass
class ParaInfo:
    number: int  # 1-based, document order, as in the part's XML
    text: str
    where: str  # e.g. "表格1 第2行第3列" or ""


@dataclass
class PartSource:
    name: str  # zip member, e.g. word/document.xml
    label: str  # 正文 / 页脚（奇数页）…
    source: str  # patched Jinja source with paragraph markers
    paragraphs: list[ParaInfo]
    line_para: list[int]  # index = Jinja line number (1-based); value = paragraph number

    def paragraph_at_line(self, lineno: int | None) -> ParaInfo | None:
        if not lineno or lineno < 1:
            return None
        n = self.line_para[min(lineno, len(self.line_para) - 1)]
        return self.paragraphs[n - 1] if 1 <= n <= len(self.paragraphs) else None

    def paragraph_at_offset(self, offset: int) -> ParaInfo | None:
        return self.paragraph_at_line(self.source.count("\n", 0, offset) + 1)


@dataclass
class Prepared:
    path: Path
    entries: list[tuple[str, bytes]]  # every zip member in order, original bytes
    main: str  # zip name of the main document part
    core: str | None  # zip name of the core properties part
    root: etree._Element  # w:document with an empty w:body, to put rendered bodies into
    body_index: int
    parts: list[PartSource] = field(default_factory=list)  # main first, then headers, footers


def _texts(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _para_infos(root) -> list[ParaInfo]:
    tables = list(root.iter(qn("w:tbl")))  # kept alive: lxml then returns these same proxies
    out = []
    for n, p in enumerate(root.iter(qn("w:p")), 1):
        where = ""
        tc = next((a for a in p.iterancestors(qn("w:tc"))), None)
        if tc is not None:
            tr = tc.getparent()
            tbl = tr.getparent()
            row = [x for x in tbl if x.tag == qn("w:tr")].index(tr) + 1
            col = [x for x in tr if x.tag == qn("w:tc")].index(tc) + 1
            where = f"表格{tables.index(tbl) + 1} 第{row}行第{col}列"
        out.append(ParaInfo(n, _texts(p), where))
    return out


def mark_paragraphs(xml: str) -> str:
    counter = iter(range(1, 10**9))
    return _P_START.sub(lambda m: "{#¶%d\n#}<w:p%s" % (next(counter), m.group(1)), xml)


def _line_map(source: str) -> list[int]:
    """Paragraph number for each Jinja line (index 0 unused)."""
    out = [0, 0]
    current = 0
    for line in source.split("\n")[:-1]:
        m = _MARK_END.search(line)
        if m:
            current = int(m.group(1))
        out.append(current)
    return out


def patch(tpl: DocxTemplate, xml: str) -> str:
    src = tpl.patch_xml(mark_paragraphs(xml))
    return _LITERAL_RE.sub(lambda m: _LITERALS[m.group(0)], src)


def _hf_labels(document) -> dict[str, str]:
    names = {"default": "奇数页", "even": "偶数页", "first": "首页"}
    labels = {}
    for i, sect in enumerate(document.element.body.iter(qn("w:sectPr")), 1):
        for ref in sect:
            if ref.tag in (qn("w:headerReference"), qn("w:footerReference")):
                kind = "页眉" if ref.tag == qn("w:headerReference") else "页脚"
                rid = ref.get(qn("r:id"))
                labels[rid] = f"{kind}（{names.get(ref.get(qn('w:type')), '')}）" + (f"第{i}节" if i > 1 else "")
    return labels


def prepare(path: str | Path) -> Prepared:
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist() if not i.is_dir()]
    tpl = DocxTemplate(str(path))
    tpl.init_docx()
    document = tpl.docx
    main = document.part.partname.lstrip("/")
    core = None
    for rel in document.part.package.rels.values():
        if rel.reltype.endswith("/core-properties") and not rel.is_external:
            core = rel.target_part.partname.lstrip("/")

    body = document.element.body
    body_xml = tpl.xml_to_string(body)
    parts = [
        PartSource(
            name=main,
            label="正文",
            source=(src := patch(tpl, body_xml)),
            paragraphs=_para_infos(body),
            line_para=_line_map(src),
        )
    ]
    labels = _hf_labels(document)
    for uri in (HEADER_URI, FOOTER_URI):
        for rid, part in tpl.get_headers_footers(uri):
            el = parse_xml(part.blob)
            xml = tpl.xml_to_string(el)
            src = patch(tpl, xml)
            parts.append(
                PartSource(
                    name=part.partname.lstrip("/"),
                    label=labels.get(rid, "页眉" if uri == HEADER_URI else "页脚"),
                    source=src,
                    paragraphs=_para_infos(el),
                    line_para=_line_map(src),
                )
            )
    root = copy.deepcopy(document.element)
    old_body = root.find(qn("w:body"))
    body_index = list(root).index(old_body)
    for child in list(old_body):
        old_body.remove(child)
    return Prepared(
        path=path, entries=entries, main=main, core=core, root=root, body_index=body_index, parts=parts
    )
