"""Hostile text, templates edited like a clerk would, and ``templates check``."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from documents_fixtures import (
    HOSTILE_SHOWN,
    KINDS,
    LONG_NAME,
    full_text,
    hostile_pair,
    open_docx,
    sample_context,
)
from policykit.documents import api
from policykit.documents.check import check_template
from policykit.documents.render import TEMPLATES_DIR


# ---------------------------------------------------------------- hostile input


@pytest.mark.parametrize("kind", ["stop_order", "transfer_letter", "rectification_notice", "interview_notice"])
def test_hostile_text_is_printed_literally(tmp_path, kind):
    case, result = hostile_pair()
    (path,) = api.render_documents(case, result, tmp_path, kinds=[kind])
    text = full_text(open_docx(path))
    assert HOSTILE_SHOWN in text  # & < > braces and percent signs as written, SSTI inert
    assert "49" not in text.replace("2024", "")  # {{ 7*7 }} was not evaluated
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    # the XML is well formed and nothing was dropped: every paragraph of the template survived
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "A&amp;B&lt;公司&gt;" in xml
    assert text.count("立即停止违法行为") == (1 if kind == "stop_order" else 0)


def test_long_names_render(tmp_path):
    case, result = hostile_pair(LONG_NAME)
    paths = api.render_documents(case, result, tmp_path, kinds=["stop_order", "transfer_letter"])
    for p in paths:
        assert LONG_NAME in full_text(open_docx(p))


def test_hostile_case_id_stays_in_output_dir(tmp_path):
    case, result = hostile_pair()
    case = case.model_copy(update={"id": "../../etc/passwd"})
    (path,) = api.render_documents(case, result, tmp_path / "out", kinds=["stop_order"])
    assert (tmp_path / "out") in path.parents and ".." not in path.relative_to(tmp_path / "out").parts


def test_sandbox_blocks_template_code(tmp_path):
    """A template edited to reach Python internals fails with a Chinese message, not code execution."""
    from policykit.documents.env import get_env
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        get_env().from_string("{{ ''.__class__.__mro__ }}").render()
    with pytest.raises(SecurityError):
        get_env().from_string("{% set x = [] %}{{ x.append(1) }}").render()


# ---------------------------------------------------------------- clerk edits


def _copy_templates(tmp_path):
    dst = tmp_path / "tpl"
    shutil.copytree(TEMPLATES_DIR, dst)
    return dst


def test_reworded_and_added_paragraph_still_render(tmp_path):
    tpl_dir = _copy_templates(tmp_path)
    path = tpl_dir / "closure_decision.docx"
    d = docx.Document(str(path))
    rights = next(p for p in d.paragraphs if p.text.startswith("如不服本决定"))
    rights.runs[0].text = rights.runs[0].text.replace("复议或者诉讼期间，本决定不停止执行。", "特此告知。")
    new = rights.insert_paragraph_before("本决定由{{ doc.issuer.name }}负责解释，联系地址：{{ doc.issuer.address|blank }}。")
    new.style = rights.style
    d.save(str(path))
    assert check_template(path, sample_context("closure_decision")) == []
    case_kind = "closure_decision"
    from policykit.documents import sample

    case, result, _ = sample.sample_for(case_kind)
    (out,) = api.render_documents(case, result, tmp_path / "out", kinds=[case_kind], templates_dir=tpl_dir)
    text = full_text(open_docx(out))
    assert "本决定由上高县人民政府负责解释" in text and "特此告知。" in text
    assert "本决定不停止执行" not in text
    assert "修复监管主体：南港镇人民政府" in text  # the rest still renders


def test_tag_split_across_runs_like_word_does(tmp_path):
    """Word splits text into runs when formatting changes mid-tag; docxtpl's patching joins them."""
    tpl_dir = _copy_templates(tmp_path)
    path = tpl_dir / "stop_order.docx"
    with zipfile.ZipFile(path) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    xml = entries["word/document.xml"].decode("utf-8")
    target = "<w:t>{{ doc.title }}</w:t>"
    assert target in xml
    xml = xml.replace(target, '<w:t>{{ doc.</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>title }}</w:t>')
    entries["word/document.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in entries.items():
            z.writestr(n, data)
    from policykit.documents import sample

    case, result, _ = sample.sample_for("stop_order")
    (out,) = api.render_documents(case, result, tmp_path / "out", kinds=["stop_order"], templates_dir=tpl_dir)
    titles = [p.text for p in open_docx(out).paragraphs if p.style.style_id == "GWTitle"]
    assert titles == ["责令停止违法行为通知书"]


# ---------------------------------------------------------------- templates check


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_templates_pass_check(kind):
    assert check_template(TEMPLATES_DIR / f"{kind}.docx", sample_context(kind)) == []


def _edit(tmp_path, kind, fn) -> Path:
    path = tmp_path / f"{kind}.docx"
    d = docx.Document(str(TEMPLATES_DIR / f"{kind}.docx"))
    fn(d)
    d.save(str(path))
    return path


def _para(d, pred):
    return next(p for p in d.paragraphs if pred(p.text))


def test_check_reports_deleted_brace_with_paragraph(tmp_path):
    def edit(d):
        _para(d, lambda t: t == "{{ doc.title }}").runs[0].text = "{ doc.title }}"

    problems = check_template(_edit(tmp_path, "closure_decision", edit), sample_context("closure_decision"))
    assert len(problems) == 1
    p = problems[0]
    d = docx.Document(str(tmp_path / "closure_decision.docx"))
    body_paras = list(d.element.body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"))
    assert "".join(t.text for t in body_paras[p.paragraph - 1].iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")) == "{ doc.title }}"
    assert p.part == "正文" and "标记不完整" in p.message and "{ doc.title }}" in p.text
    assert f"第{p.paragraph}段" in p.render()


def test_check_reports_unknown_field(tmp_path):
    def edit(d):
        p = _para(d, lambda t: "修复监管主体" in t)
        p.runs[0].text = p.runs[0].text.replace("closure.supervisor", "closure.supervsor")

    (problem,) = check_template(_edit(tmp_path, "closure_decision", edit), sample_context("closure_decision"))
    assert "supervsor" in problem.message and "不存在" in problem.message
    assert "修复监管主体" in problem.text and problem.paragraph


def test_check_reports_unknown_root_name_in_untaken_branch(tmp_path):
    def edit(d):
        p = _para(d, lambda t: t.startswith("如不服本决定"))
        p.runs[0].text += "{% if False %}{{ reviw.days }}{% endif %}"

    problems = check_template(_edit(tmp_path, "closure_decision", edit), sample_context("closure_decision"))
    assert [p.message for p in problems] == ["字段“reviw”不存在（上下文中没有这个字段）"]
    assert "如不服本决定" in problems[0].text


def test_check_reports_unclosed_loop_at_its_start(tmp_path):
    def edit(d):
        _para(d, lambda t: t == "{%p endfor %}").runs[0].text = "（此处原有结束标记）"

    (problem,) = check_template(_edit(tmp_path, "closure_decision", edit), sample_context("closure_decision"))
    assert "没有结束" in problem.message and "endfor" in problem.message
    assert problem.text == "{%p for fact in closure.facts %}"


def test_check_reports_table_cell(tmp_path):
    def edit(d):
        cell = d.tables[0].rows[2].cells[2]
        cell.paragraphs[0].runs[0].text = "{{ it.unitt }}"

    (problem,) = check_template(_edit(tmp_path, "rectification_notice", edit), sample_context("rectification_notice"))
    assert problem.where == "表格1 第3行第3列" and "unitt" in problem.message


def test_render_error_names_the_paragraph(tmp_path):
    """Rendering with a broken template raises a Chinese error with the place, not a traceback."""
    from policykit.errors import InputError
    from policykit.documents import sample

    tpl_dir = _copy_templates(tmp_path)
    d = docx.Document(str(tpl_dir / "closure_decision.docx"))
    p = _para(d, lambda t: "后期管护责任主体" in t)
    p.runs[0].text = p.runs[0].text.replace("closure.aftercare", "closure.aftercar")
    d.save(str(tpl_dir / "closure_decision.docx"))
    case, result, _ = sample.sample_for("closure_decision")
    with pytest.raises(InputError) as exc:
        api.render_documents(case, result, tmp_path / "out", kinds=["closure_decision"], templates_dir=tpl_dir)
    msg = exc.value.render()
    assert "aftercar" in msg and "正文第" in msg and "后期管护责任主体" in msg


def test_templates_check_cli(tmp_path):
    from policykit.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["templates", "check"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.count("检查通过") == 10

    def edit(d):
        _para(d, lambda t: t == "{{ doc.title }}").runs[0].text = "{{ doc.titel }}"

    bad = runner.invoke(app, ["templates", "check", str(_edit(tmp_path, "stop_order", edit))])
    assert bad.exit_code == 2
    assert "titel" in bad.output and "第" in bad.output and "段" in bad.output
