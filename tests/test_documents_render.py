"""Each of the ten document kinds rendered and read back: content and GB/T 9704 format."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx.oxml.ns import qn
from lxml import etree

from documents_fixtures import (
    KINDS,
    UNPADDED_DATE,
    expected_date,
    full_text,
    open_docx,
    paragraphs_by_style,
    render_sample,
    style_east_asia,
    style_line,
    style_size_pt,
)

# text each kind must contain (beyond the common parts), from the sample findings and config
EXPECTED = {
    "closure_decision": [
        "上高县人民政府文件", "上府决〔2024〕1号", "上高县人民政府关于关闭青山石灰岩矿的决定", "上高县青山建材有限公司：",
        "C3609232010127130098765", "水泥用石灰岩", "有效期至2023年6月30日",
        # the five elements of 003-7
        "修复责任主体：上高县青山建材有限公司", "修复期限：2024年3月31日前完成裸露区环境整治并通过验收",
        "修复监管主体：南港镇人民政府", "注销申请期限：自验收合格之日起30日内", "后期管护责任主体：南港镇人民政府",
        "先修复后注销", "谁破坏、谁治理",
        # citation from the finding
        "《上高县停产非煤矿山生态环境整治专项行动方案》四3", "由县政府下达关闭决定文书",
        # rights of review and lawsuit with their periods
        "60日内向宜春市人民政府申请行政复议", "6个月内依法向宜春市中级人民法院提起行政诉讼",
    ],
    "closure_announcement": [
        "南港镇人民政府关于关闭青山石灰岩矿的公告", "采矿权人：上高县青山建材有限公司", "采矿许可证号：C3609232010127130098765",
        "矿种：水泥用石灰岩", "生态修复", "申请注销上述矿山的采矿许可证", "原发证机关上高县自然资源局", "明停暗开", "特此公告。",
    ],
    "cancellation_announcement": [
        "上府告〔2024〕1号", "未在规定期限内完成矿山生态修复治理或者未在规定期限内申请注销", "视为放弃采矿权",
        "谁破坏、谁治理", "不因采矿权注销而免除", "C3609232010127130098765", "在县政府网站上发布注销公告", "特此公告。",
    ],
    "stop_order": [
        "元氏县自然资源局文件", "王某某：", "2024年8月12日", "北庄村西山无证采石点", "属无证非法采矿",
        "《元氏县打击非法采矿百日攻坚行动方案》三 边查边改 1①", "对经查明的无证非法采矿问题依法立案查处",
        "立即停止违法行为", "查封、扣押", "按“三不留、一毁闭”标准取缔到位", "取缔到位：2024年8月31日", "陈述、申辩",
        "移送公安机关",
    ],
    "rectification_notice": [
        "限期整改通知书", "注销矿山限期完成整治", "上高县青山建材有限公司", "法定代表人",
        "2024年3月31日（完成裸露区环境整治并通过验收）", "整改一项、销号一项",
    ],
    "refusal_decision": [
        "石鼓镇人民政府文件", "石政不批〔2024〕1号", "永春县后坑石材有限公司：", "2024年1月8日", "到期采石场延期",
        "五个一律", "一律不再批准延期到期采石场", "不予批准", "申请行政复议", "提起行政诉讼",
    ],
    "accountability_letter": [
        "元氏县打击非法采矿百日攻坚行动领导小组办公室", "元打非办函〔2024〕1号", "中共元氏县纪律检查委员会、元氏县监察委员会：",
        "北褚乡辖区内共有3起", "YS-2024-031、YS-2024-034、YS-2024-040", "北褚乡人民政府主要领导",
        "《元氏县打击非法采矿百日攻坚行动方案》四(五)②",
    ],
    "interview_notice": [
        "约谈通知书", "北褚乡人民政府：", "北庄村民委员会主要负责人", "时间：2024年8月23日上午9时", "地点：元氏县自然资源局会议室",
        "攻坚任务推进情况书面说明", "不得委托他人",
    ],
    "transfer_letter": [
        "涉嫌犯罪案件移送书", "元氏县公安局：", "非法采矿罪", "312000.00元", "人民币叁拾壹万贰仟元整",
        "《中华人民共和国刑法》刑法第三百四十三条", "附件：1.涉嫌犯罪案件情况的调查报告", "行政执法机关移送涉嫌犯罪案件的规定",
    ],
    "township_plan": [
        "北褚乡矿山综合整治和打击非法采矿专项行动实施方案", "《元氏县打击非法采矿百日攻坚行动方案》", "一、指导思想", "领导小组",
        "乡党委书记、乡长", "排查摸底阶段", "无证非法采矿依法立案查处", "2024年8月31日", "各村（社区）", "工作要求",
    ],
}

LETTERS = {"accountability_letter", "interview_notice", "transfer_letter"}
NOTICES = {"closure_announcement", "cancellation_announcement"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    return {k: render_sample(k, out) for k in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_content(rendered, kind):
    text = full_text(open_docx(rendered[kind]))
    missing = [s for s in EXPECTED[kind] if s not in text]
    assert not missing, f"{kind} lacks {missing}"


@pytest.mark.parametrize("kind", KINDS)
def test_common_parts(rendered, kind):
    d = open_docx(rendered[kind])
    mark = paragraphs_by_style(d, "GWLetterMark" if kind in LETTERS else "GWMark") + paragraphs_by_style(
        d, "GWLetterMarkLong" if kind in LETTERS else "GWMarkLong"
    )
    assert len(mark) == 1 and mark[0].text.strip()
    number = paragraphs_by_style(d, "GWLetterNumber" if kind in LETTERS else "GWNumber")
    assert len(number) == 1 and re.fullmatch(r".+〔20\d\d〕[1-9]\d*号", number[0].text)
    assert len(paragraphs_by_style(d, "GWTitle")) == 1
    recipients = paragraphs_by_style(d, "GWRecipient")
    if kind in NOTICES:
        assert recipients == []  # 公告: no 主送机关
        assert any(p.text == "特此公告。" for p in d.paragraphs)
    else:
        assert len(recipients) == 1 and recipients[0].text.endswith("：")
    date = paragraphs_by_style(d, "GWDate")
    assert len(date) == 1 and UNPADDED_DATE.match(date[0].text) and date[0].text == expected_date(kind)
    assert paragraphs_by_style(d, "GWSignature")[0].text == mark[0].text.removesuffix("文件")
    assert paragraphs_by_style(d, "GWSeal"), "seal placeholder"
    imprint = paragraphs_by_style(d, "GWImprint")
    assert imprint[-1].text.endswith(f"{expected_date(kind)}印发") and "\t" in imprint[-1].text
    cc = [p.text for p in imprint if p.text.startswith("抄送：")]
    assert len(cc) <= 1 and all(t.endswith("。") for t in cc)
    # no tag survives rendering
    assert not re.search(r"\{\{|\}\}|\{%|%\}", full_text(d))


@pytest.mark.parametrize("kind", KINDS)
def test_page_layout(rendered, kind):
    d = open_docx(rendered[kind])
    assert len(d.sections) == 1
    s = d.sections[0]
    assert round(s.page_width.mm) == 210 and round(s.page_height.mm) == 297
    assert [round(x.mm) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"


@pytest.mark.parametrize("kind", KINDS)
def test_fonts_and_spacing(rendered, kind):
    d = open_docx(rendered[kind])
    assert style_east_asia(d, "Normal") == "仿宋_GB2312" and style_size_pt(d, "Normal") == 16
    assert style_line(d, "Normal") == ("579", "exact")
    assert style_east_asia(d, "GWTitle") == "方正小标宋简体" and style_size_pt(d, "GWTitle") == 22
    assert style_east_asia(d, "GWH1") == "黑体" and style_size_pt(d, "GWH1") == 16
    assert style_east_asia(d, "GWH2") == "楷体_GB2312" and style_size_pt(d, "GWH2") == 16
    assert style_east_asia(d, "GWH3") == "仿宋_GB2312" and style_line(d, "GWH3") == ("579", "exact")
    assert style_east_asia(d, "GWImprint") == "仿宋_GB2312" and style_size_pt(d, "GWImprint") == 14
    mark = d.styles.element.get_by_id("GWMark")
    assert style_east_asia(d, "GWMark") == "方正小标宋简体"
    assert mark.find(qn("w:rPr")).find(qn("w:color")).get(qn("w:val")) == "FF0000"
    rule = d.styles.element.get_by_id("GWNumber").find(qn("w:pPr")).find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"  # red rule under the 发文字号
    # docDefaults: no theme fonts, no spacing after=200 / line=276, zh-CN
    defaults = d.styles.element.find(qn("w:docDefaults"))
    rfonts = defaults.find(".//" + qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert not any("Theme" in k for k in rfonts.attrib)
    sp = defaults.find(".//" + qn("w:pPr")).find(qn("w:spacing"))
    assert sp.get(qn("w:after")) == "0" and sp.get(qn("w:line")) == "579"
    assert defaults.find(".//" + qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    # every paragraph's style is one of the template's (no silent fall-back to a missing style)
    ids = {s.get(qn("w:styleId")) for s in d.styles.element.findall(qn("w:style"))}
    for p in d.element.body.iter(qn("w:p")):
        ps = p.find(qn("w:pPr"))
        st = ps.find(qn("w:pStyle")) if ps is not None else None
        assert st is None or st.get(qn("w:val")) in ids


@pytest.mark.parametrize("kind", KINDS)
def test_page_number_footers(rendered, kind):
    d = open_docx(rendered[kind])
    assert d.settings.odd_and_even_pages_header_footer
    s = d.sections[0]
    for footer, align in ((s.footer, "right"), (s.even_page_footer, "left")):
        assert not footer.is_linked_to_previous
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        xml = p._p.xml
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert p._p.pPr.find(qn("w:jc")).get(qn("w:val")) == align
        assert style_east_asia(d, p.style.style_id) == "宋体" and style_size_pt(d, p.style.style_id) == 14


def test_core_properties_are_the_document_date(rendered):
    d = open_docx(rendered["closure_decision"])
    cp = d.core_properties
    assert cp.created.date().isoformat() == "2024-04-15" == cp.modified.date().isoformat()
    assert cp.title == "上高县人民政府关于关闭青山石灰岩矿的决定" and cp.keywords == "上府决〔2024〕1号"


def test_fast_path_equals_docxtpl(tmp_path):
    """The compiled fast path gives docxtpl's own document.xml and footers."""
    from docxtpl import DocxTemplate

    from documents_fixtures import sample_context
    from policykit.documents.env import make_env
    from policykit.documents.render import render_docx, template_path

    for kind in KINDS:
        ctx = sample_context(kind)
        mine = zipfile.ZipFile(io.BytesIO(render_docx(kind, ctx)))
        tpl = DocxTemplate(str(template_path(kind)))
        tpl.render(ctx, jinja_env=make_env(), autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
        theirs = zipfile.ZipFile(buf)
        names = [n for n in theirs.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        assert "word/document.xml" in names and len(names) >= 3
        for name in names:
            a = etree.tostring(etree.fromstring(mine.read(name)), method="c14n")
            b = etree.tostring(etree.fromstring(theirs.read(name)), method="c14n")
            assert a == b, f"{kind} {name} differs from docxtpl"


def test_render_is_deterministic(tmp_path):
    a = render_sample("closure_decision", tmp_path / "a")
    b = render_sample("closure_decision", tmp_path / "b")
    again = render_sample("closure_decision", tmp_path / "a")  # same folder: number reused
    assert a.name == b.name == again.name
    assert a.read_bytes() == b.read_bytes() == again.read_bytes()
    infos = zipfile.ZipFile(a).infolist()
    assert {i.date_time for i in infos} == {(2024, 4, 15, 0, 0, 0)}


def test_template_compiled_once_and_recompiled_after_edit(tmp_path):
    """The fast path compiles a template once and reuses it; editing the file invalidates it.
    (Speed itself is measured by bench/, never by a timed unit test.)"""
    import shutil

    from documents_fixtures import sample_context
    from policykit.documents import render as render_mod

    src = render_mod.template_path("closure_decision")
    path = tmp_path / "closure_decision.docx"
    shutil.copy(src, path)
    first = render_mod.compile_template(path)
    assert render_mod.compile_template(path) is first
    ctx = sample_context("closure_decision")
    assert render_mod.render_docx("closure_decision", ctx, templates_dir=tmp_path)
    import os
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert render_mod.compile_template(path) is not first


def test_rule_pack_change_changes_document(tmp_path):
    """The legal basis and deadlines come from the findings: edit the finding, the document follows."""
    from policykit.documents import api, sample
    from policykit.findings.model import Deadline

    case = sample.stopped_mine_case()
    result = sample.stopped_mine_result(case)
    f = result.findings[0]
    result.findings[0] = f.model_copy(update={
        "source": f.source.model_copy(update={"where": "四3（修订）", "quote": "修订后的引文"}),
    })
    f1 = result.findings[1]
    result.findings[1] = f1.model_copy(update={"deadlines": [
        Deadline(what="完成裸露区环境整治并通过验收", due=__import__("datetime").date(2024, 6, 30), status="pending")
    ]})
    (path,) = api.render_documents(case, result, tmp_path, kinds=["closure_decision"])
    text = full_text(open_docx(path))
    assert "四3（修订）：“修订后的引文”" in text
    assert "修复期限：2024年6月30日前完成裸露区环境整治并通过验收" in text
    assert "2024年3月31日前" not in text


def test_township_plan_from_county_findings_and_township_data(tmp_path):
    import datetime as dt

    from policykit.documents import render_township_plan, sample

    case = sample.unlicensed_case()
    result = sample.unlicensed_result(case)
    plan = {"phases": [{"name": "排查摸底阶段", "start": "2024-07-01", "end": "2024-07-25", "content": "全面排查。"}],
            "group": {"leader": "镇党委书记张某某"}}
    path = render_township_plan(tmp_path, township="南佐镇", county="元氏县", findings=result.findings, plan=plan,
                                date=dt.date(2024, 7, 26))
    assert path.parent.name == "实施方案_南佐镇" and path.name == "township_plan_南佐政〔2024〕1号.docx"
    text = full_text(open_docx(path))
    for s in ("南佐镇矿山综合整治和打击非法采矿专项行动实施方案", "（一）排查摸底阶段（2024年7月1日至2024年7月25日）",
              "由镇党委书记张某某任组长", "无证非法采矿依法立案查处（《元氏县打击非法采矿百日攻坚行动方案》三 边查边改 1①）",
              "2024年8月31日", "2024年7月26日"):
        assert s in text, s
