"""Helpers for the document tests: sample renders, hostile inputs, reading .docx back."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import docx
from docx.oxml.ns import qn

from policykit.documents import api, sample
from policykit.documents.context import build_context
from policykit.documents.jurisdictions import resolve
from policykit.facts.dates import cn_date
from policykit.rules.schema import DOCUMENT_KINDS

ROOT = Path(__file__).resolve().parents[1]
KINDS = list(DOCUMENT_KINDS)
UNPADDED_DATE = re.compile(r"^\d{4}年[1-9]\d?月[1-9]\d?日$")

HOSTILE_NAME = "A&B<公司>{{ 7*7 }}{% for x in y %}\x07\x0b\x01\u200b😀"
HOSTILE_SHOWN = "A&B<公司>{{ 7*7 }}{% for x in y %}\u200b😀"  # control characters removed
LONG_NAME = "超长名称" * 125  # 500 characters


def render_sample(kind: str, out_dir: Path, **kw) -> Path:
    """Render one kind from the sample data; returns the .docx path."""
    case, result, agg = sample.sample_for(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if agg is not None:
            paths = api.render_aggregate_documents(agg, out_dir, kinds=[kind], cases=[case], **kw)
        else:
            paths = api.render_documents(case, result, out_dir, kinds=[kind], **kw)
    docs = [p for p in paths if p.suffix == ".docx"]
    assert len(docs) == 1, paths
    return docs[0]


def hostile_pair(name: str = HOSTILE_NAME):
    """The unlicensed-mining sample with hostile text in names and in a finding."""
    case = sample.unlicensed_case()
    case = case.model_copy(update={
        "name": name,
        "operator": case.operator.model_copy(update={"name": name, "kind": None}),
    })
    result = sample.unlicensed_result(case)
    f0 = result.findings[0]
    result.findings[0] = f0.model_copy(update={"text": f"{name}未取得采矿许可证擅自开采。", "actions": [name]})
    return case, result


def sample_context(kind: str) -> dict:
    case, result, agg = sample.sample_for(kind)
    job = (api.aggregate_jobs(agg, [kind], cases=[case]) if agg else api.case_jobs(case, result, [kind]))[0]
    return build_context(job, resolve(job.place), "测试〔2024〕1号")


# ---------------------------------------------------------------- reading back


def open_docx(path) -> docx.document.Document:
    return docx.Document(str(path))


def full_text(d) -> str:
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def paragraphs_by_style(d, style_id: str) -> list:
    return [p for p in d.paragraphs if p.style is not None and p.style.style_id == style_id]


def style_east_asia(d, style_id: str) -> str | None:
    """East Asian font of a style, following basedOn."""
    st = d.styles.element.get_by_id(style_id)
    while st is not None:
        rpr = st.find(qn("w:rPr"))
        if rpr is not None and rpr.find(qn("w:rFonts")) is not None:
            v = rpr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
            if v:
                return v
        based = st.find(qn("w:basedOn"))
        st = d.styles.element.get_by_id(based.get(qn("w:val"))) if based is not None else None
    return None


def style_size_pt(d, style_id: str) -> float | None:
    st = d.styles.element.get_by_id(style_id)
    while st is not None:
        rpr = st.find(qn("w:rPr"))
        if rpr is not None and rpr.find(qn("w:sz")) is not None:
            return int(rpr.find(qn("w:sz")).get(qn("w:val"))) / 2
        based = st.find(qn("w:basedOn"))
        st = d.styles.element.get_by_id(based.get(qn("w:val"))) if based is not None else None
    return None


def style_line(d, style_id: str) -> tuple[str | None, str | None]:
    """(line, lineRule) of a style's paragraph spacing, following basedOn."""
    st = d.styles.element.get_by_id(style_id)
    while st is not None:
        ppr = st.find(qn("w:pPr"))
        sp = ppr.find(qn("w:spacing")) if ppr is not None else None
        if sp is not None and sp.get(qn("w:line")):
            return sp.get(qn("w:line")), sp.get(qn("w:lineRule"))
        based = st.find(qn("w:basedOn"))
        st = d.styles.element.get_by_id(based.get(qn("w:val"))) if based is not None else None
    return None, None


def expected_date(kind: str) -> str:
    case, result, agg = sample.sample_for(kind)
    return cn_date(result.as_of)
