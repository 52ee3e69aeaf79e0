"""Real clients: openxml-audit, LibreOffice (one headless call for all), pdftotext, pdffonts, WeasyPrint."""
from __future__ import annotations

import re
import shutil
import subprocess
import warnings

import pytest

from documents_fixtures import HOSTILE_SHOWN, KINDS, LONG_NAME, expected_date, hostile_pair, render_sample
from policykit.documents import api

# text that must survive the round trip through LibreOffice (pdftotext output, line breaks removed)
IN_PDF = {
    "closure_decision": ["上高县人民政府文件", "修复责任主体", "修复监管主体", "后期管护责任主体", "先修复后注销", "宜春市中级人民法院"],
    "closure_announcement": ["关闭青山石灰岩矿的公告", "C3609232010127130098765", "特此公告"],
    "cancellation_announcement": ["视为放弃采矿权", "谁破坏、谁治理", "特此公告"],
    "stop_order": ["责令停止违法行为通知书", "立即停止违法行为", "查封、扣押"],
    "rectification_notice": ["限期整改通知书", "注销矿山限期完成整治", "法定代表人"],
    "refusal_decision": ["不予批准决定书", "一律不再批准延期到期采石场"],
    "accountability_letter": ["问责的函", "北褚乡人民政府主要领导"],
    "interview_notice": ["约谈通知书", "元氏县自然资源局会议室"],
    "transfer_letter": ["涉嫌犯罪案件移送书", "人民币叁拾壹万贰仟元整"],
    "township_plan": ["实施方案", "五、主要任务", "无证非法采矿依法立"],  # table cells wrap
}

needs_soffice = pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice 未安装（scripts/install_test_tools.sh）"
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("convert")
    files = {k: render_sample(k, out / "samples") for k in KINDS}
    case, result = hostile_pair()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (files["hostile"],) = api.render_documents(case, result, out / "hostile", kinds=["stop_order"])
        case, result = hostile_pair(LONG_NAME)
        (files["long"],) = api.render_documents(case, result, out / "long", kinds=["transfer_letter"])
    return out, files


@pytest.fixture(scope="module")
def converted(rendered):
    """All rendered documents converted by ONE soffice call."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice 未安装（scripts/install_test_tools.sh）")
    from policykit.documents.preview import soffice_pdf

    out, files = rendered
    staged = out / "staged"
    staged.mkdir()
    srcs = []
    for key, f in files.items():  # short ASCII names for the converter
        dst = staged / f"{key}.docx"
        shutil.copyfile(f, dst)
        srcs.append(dst)
    pdfs = soffice_pdf(srcs, out / "pdf")
    return {p.stem: p for p in pdfs}


def _pdftext(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    """Whitespace and page numbers ("— 2 —", which break a long paragraph) removed."""
    return re.sub(r"—\d+—", "", "".join(text.split()))


def test_every_document_passes_openxml_audit(rendered):
    from openxml_audit import OpenXmlValidator

    validator = OpenXmlValidator()
    _, files = rendered
    for key, path in files.items():
        result = validator.validate(str(path))
        errors = [str(e) for e in result.errors]
        assert result.is_valid and not errors, f"{key}: {errors[:5]}"


def test_templates_pass_openxml_audit():
    from openxml_audit import OpenXmlValidator

    from policykit.documents.render import TEMPLATES_DIR

    validator = OpenXmlValidator()
    for kind in KINDS:
        result = validator.validate(str(TEMPLATES_DIR / f"{kind}.docx"))
        assert result.is_valid, (kind, [str(e) for e in result.errors][:5])


@needs_soffice
@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_converts_with_the_text(converted, kind):
    text = _flat(_pdftext(converted[kind]))
    for s in IN_PDF[kind] + [expected_date(kind)]:
        assert _flat(s) in text, f"{kind}: {s!r} not in the converted PDF"
    info = subprocess.run(["pdfinfo", str(converted[kind])], capture_output=True, text=True).stdout
    assert "(A4)" in info


@needs_soffice
def test_libreoffice_hostile_and_long(converted):
    assert _flat(HOSTILE_SHOWN.replace("\u200b", "")) in _flat(_pdftext(converted["hostile"])).replace("\u200b", "")
    assert _flat(LONG_NAME) in _flat(_pdftext(converted["long"]))


@needs_soffice
def test_libreoffice_uses_the_mapped_fonts(converted):
    """fonts.conf maps 仿宋_GB2312 etc. to installed fonts, embedded in LibreOffice's PDF."""
    out = subprocess.run(["pdffonts", str(converted["closure_decision"])], capture_output=True, text=True).stdout
    assert "FandolFang" in out or "UKai" in out, out
    assert "Noto-Serif-CJK-SC" in out or "NotoSerifCJK" in out.replace("-", ""), out


@needs_soffice
def test_preview_png(converted, tmp_path):
    from policykit.documents.preview import first_page_png

    png = first_page_png(converted["closure_decision"], tmp_path / "closure_decision.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


# ---------------------------------------------------------------- WeasyPrint


def _embedded_fonts(pdf_bytes: bytes, tmp_path) -> list[list[str]]:
    p = tmp_path / "x.pdf"
    p.write_bytes(pdf_bytes)
    out = subprocess.run(["pdffonts", str(p)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def test_case_report_pdf_embeds_cjk_fonts(tmp_path):
    from policykit.documents import pdf, sample

    case = sample.stopped_mine_case()
    result = sample.stopped_mine_result(case)
    data = pdf.case_report_pdf(case, result)
    fonts = _embedded_fonts(data, tmp_path)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # emb column
    assert any("CJK" in row[0] or "Fandol" in row[0] or "UKai" in row[0] for row in fonts)
    (tmp_path / "r.pdf").write_bytes(data)
    text = _flat(_pdftext(tmp_path / "r.pdf"))
    for s in ("案件检查报告", "SG-2024-007", "注销矿山由县政府下达关闭决定文书", "《上高县停产非煤矿山生态环境整治专项行动方案》四3",
              "完成裸露区环境整治并通过验收", "2024年3月31日", "已逾期", "推理过程", "停产矿山·处置类别：注销", "决定：关闭"):
        assert _flat(s) in text, s


def test_announcement_pdfs_via_render(tmp_path):
    from policykit.documents import sample

    case = sample.stopped_mine_case()
    result = sample.stopped_mine_result(case)
    paths = api.render_documents(case, result, tmp_path, kinds=["closure_announcement", "cancellation_announcement"],
                                 pdf=True)
    pdfs = [p for p in paths if p.suffix == ".pdf"]
    assert sorted(p.name.split("_")[0] for p in pdfs) == ["cancellation", "check", "closure"]
    for p in pdfs:
        fonts = _embedded_fonts(p.read_bytes(), tmp_path)
        assert fonts and all(row[-5] == "yes" for row in fonts), (p.name, fonts)
    ann = next(p for p in pdfs if p.name.startswith("closure_announcement"))
    text = _flat(_pdftext(ann))
    assert "特此公告" in text and "C3609232010127130098765" in text and "南港镇人民政府" in text
    assert "—1—" in "".join(_pdftext(ann).split())  # page number
