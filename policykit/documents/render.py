"""Render one document kind to .docx bytes, fast and deterministically.

Fast path: each template is prepared once (docxtpl's XML patching, see
``prepare``), its document body, headers and footers compiled once with the
sandboxed environment; a render then runs the compiled templates, applies
docxtpl's post-processing (line breaks and tabs in values, table grid fix,
drawing ids) and writes the zip with every other part copied as bytes.

Deterministic: zip entries carry the document date as timestamp, fixed
attributes and order, and ``docProps/core.xml`` is written from the document
(created = modified = document date), so the same input gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docxtpl import DocxTemplate
from jinja2 import Template, TemplateError
from lxml import etree

from ..errors import InputError
from .env import get_env
from .filters import clean_text
from .prepare import Prepared, prepare

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "doc_templates"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARSER = etree.XMLParser(remove_blank_text=False, resolve_entities=False, huge_tree=True)
COMPRESSLEVEL = 6


@dataclass
class Compiled:
    prepared: Prepared
    templates: list[Template]  # same order as prepared.parts


_cache: dict[tuple, Compiled] = {}
_lock = threading.Lock()


def template_path(kind: str, templates_dir: str | Path | None = None) -> Path:
    return Path(templates_dir or TEMPLATES_DIR) / f"{kind}.docx"


def compile_template(path: str | Path) -> Compiled:
    """Prepare and compile a template; cached by path, size and modification time."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise InputError("找不到文书模板", file=str(path)) from None
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    try:
        prepared = prepare(path)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(f"文书模板不是有效的 Word（.docx）文件：{exc}", file=str(path)) from None
    env = get_env()
    templates = []
    for part in prepared.parts:
        try:
            templates.append(env.from_string(part.source))
        except TemplateError as exc:
            from .check import describe_exception

            raise InputError(describe_exception(exc, part), file=str(path)) from None
    compiled = Compiled(prepared, templates)
    with _lock:
        for k in [k for k in _cache if k[0] == key[0]]:
            del _cache[k]
        _cache[key] = compiled
    return compiled


def _post(xml: str) -> str:
    """docxtpl's post-render steps: tabs/line breaks in values become w:tab/w:br."""
    if "\n" in xml or "\t" in xml:
        xml = DocxTemplate.resolve_listing(None, xml)
    return xml


def _fix_body(xml: str) -> etree._Element:
    # Strict parse: a document that is not well-formed XML is an error, never "recovered".
    tree = etree.fromstring(xml.encode("utf-8"), _PARSER)
    if tree.find(f".//{{{_W_NS}}}tbl") is not None:
        tree = DocxTemplate.fix_tables(None, etree.tostring(tree, encoding="unicode"))
    drawings = tree.xpath(
        "//wp:docPr",
        namespaces={"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"},
    )
    for i, el in enumerate(drawings, 1001):  # as docxtpl: renumber from 1001
        el.attrib["id"] = str(i)
    return tree


def _run(compiled: Compiled, index: int, ctx: dict) -> str:
    part = compiled.prepared.parts[index]
    try:
        return compiled.templates[index].render(ctx)
    except TemplateError as exc:
        from .check import describe_exception

        raise InputError(describe_exception(exc, part), file=str(compiled.prepared.path)) from None


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def core_xml(*, title: str, subject: str, creator: str, keywords: str, date: dt.date) -> bytes:
    stamp = f"{date.isoformat()}T00:00:00Z"

    def e(s: str) -> str:
        return escape(clean_text(s or ""))

    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{e(title)}</dc:title><dc:subject>{e(subject)}</dc:subject>"
        f"<dc:creator>{e(creator)}</dc:creator><cp:keywords>{e(keywords)}</cp:keywords>"
        f"<cp:lastModifiedBy>{e(creator)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")


def render_parts(compiled: Compiled, ctx: dict) -> dict[str, bytes]:
    """Rendered XML of the main part, headers and footers, by zip name."""
    prep = compiled.prepared
    out: dict[str, bytes] = {}
    body_xml = _post(_run(compiled, 0, ctx))
    try:
        body = _fix_body(body_xml)
        root = _copy_root(prep)
        root[prep.body_index] = body
        out[prep.main] = _serialize(root)
        for i in range(1, len(prep.parts)):
            xml = _post(_run(compiled, i, ctx))
            out[prep.parts[i].name] = _serialize(etree.fromstring(xml.encode("utf-8"), _PARSER))
    except etree.XMLSyntaxError as exc:  # a template edit that breaks the XML structure
        raise InputError(f"文书模板生成的内容不是有效的 XML：{exc}", file=str(prep.path)) from None
    return out


def _copy_root(prep: Prepared) -> etree._Element:
    import copy

    return copy.deepcopy(prep.root)


_deflated: dict[bytes, tuple[int, bytes]] = {}  # a template's unchanged part -> (crc, deflated bytes)


def _deflate(data: bytes) -> tuple[int, bytes]:
    c = zlib.compressobj(COMPRESSLEVEL, zlib.DEFLATED, -15)  # as zipfile does for ZIP_DEFLATED
    return zlib.crc32(data), c.compress(data) + c.flush()


def write_zip(entries: list[tuple[str, bytes]], replaced: dict[str, bytes], date: dt.date) -> bytes:
    """The same bytes as zipfile.ZipFile(..., ZIP_DEFLATED) writing each entry with ``writestr``,
    but a template's unchanged parts are deflated once per process, not once per document."""
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    dosdate = (stamp[0] - 1980) << 9 | stamp[1] << 5 | stamp[2]
    dostime = 0
    out = bytearray()
    central = bytearray()  # external attributes 0o600 << 16: what writestr puts for an entry without any
    for name, data in entries:
        if name in replaced:
            data = replaced[name]
            crc, comp = _deflate(data)
        else:
            hit = _deflated.get(data)
            if hit is None:
                with _lock:
                    hit = _deflated.setdefault(data, _deflate(data))
            crc, comp = hit
        try:
            fname, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            fname, flags = name.encode("utf-8"), 0x800
        offset = len(out)
        out += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, flags, zipfile.ZIP_DEFLATED, dostime, dosdate,
                           crc, len(comp), len(data), len(fname), 0)
        out += fname
        out += comp
        central += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, flags, zipfile.ZIP_DEFLATED, dostime,
                               dosdate, crc, len(comp), len(data), len(fname), 0, 0, 0, 0, 0o600 << 16, offset)
        central += fname
    start = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), start, 0)
    return bytes(out)


def render_docx(kind: str, ctx: dict, *, templates_dir: str | Path | None = None,
                template: str | Path | None = None) -> bytes:
    """Render one document kind with a context from ``context.build_context``."""
    compiled = compile_template(template or template_path(kind, templates_dir))
    replaced = render_parts(compiled, ctx)
    doc = ctx["doc"]
    prep = compiled.prepared
    if prep.core:
        replaced[prep.core] = core_xml(
            title=doc["title"],
            subject=doc.get("kind_name", kind),
            creator=doc["issuer"]["name"],
            keywords=doc["number"],
            date=doc["date"],
        )
    return write_zip(prep.entries, replaced, doc["date"])
