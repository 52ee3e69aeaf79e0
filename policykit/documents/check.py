"""``policykit templates check``: find broken tags and unknown fields, with their place.

A clerk edits a template in Word; this says which paragraph (or table cell)
holds a tag that is broken, unbalanced, or names a field the context does not
provide, and quotes the text around it — all in Chinese.
"""
from __future__ import annotations

import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta

from ..errors import InputError
from .env import make_env
from .prepare import PartSource, prepare

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_HALF = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\{\s*[A-Za-z_][\w.]*\s*\}")
_BLOCKS = {"for", "if", "macro", "call", "filter", "with", "raw", "autoescape", "block"}
_STMT = re.compile(r"\{%-?\s*(\w+)")


@dataclass
class Problem:
    file: str
    part: str
    paragraph: int | None
    where: str  # table cell, if any
    text: str  # the paragraph text around the problem
    message: str

    def render(self) -> str:
        loc = [self.file, self.part]
        if self.paragraph:
            loc.append(f"第{self.paragraph}段")
        if self.where:
            loc.append(self.where)
        out = "，".join(x for x in loc if x) + f"：{self.message}"
        if self.text:
            out += f"。原文：“{self.text}”"
        return out


def _around(text: str, needle: str | None = None, width: int = 48) -> str:
    """The paragraph's beginning (to find it in Word) and the text around ``needle``."""
    text = text.strip()
    if len(text) <= width:
        return text
    i = text.find(needle) if needle else -1
    if i < 0 or i + len(needle) <= width - 4:
        return text[:width] + "…"
    head = text[:14]
    start = max(14, i - 12)
    tail = text[start : start + width - 16]
    return head + "…" + tail + ("…" if start + width - 16 < len(text) else "")


def _location(part: PartSource, lineno: int | None, needle: str | None = None):
    p = part.paragraph_at_line(lineno)
    if p is None:
        return None, "", ""
    return p.number, p.where, _around(p.text, needle)


def _translate(msg: str) -> str:
    m = re.search(r"has no attribute '([^']+)'", msg)
    if m:
        return f"字段“{m.group(1)}”不存在（上下文中没有这个字段）"
    m = re.search(r"'([^']+)' is undefined", msg)
    if m:
        return f"字段“{m.group(1)}”不存在（上下文中没有这个字段）"
    m = re.search(r"Encountered unknown tag '([^']+)'", msg)
    if m:
        hint = "，可能缺少对应的开始标记" if m.group(1).startswith("end") or m.group(1) in ("else", "elif") else ""
        return f"无法识别的标记“{m.group(1)}”{hint}"
    m = re.search(r"Unexpected end of template\. Jinja was looking for the following tags: '([^']+)'", msg)
    if m:
        return f"标记没有结束，缺少“{{%p {m.group(1).split(' or ')[0].strip(chr(39))} %}}”"
    if "unexpected 'end of print statement'" in msg or "Expected an expression" in msg:
        return "标记中的表达式不完整（例如运算符或过滤器后面缺少内容）"
    if "unexpected '}'" in msg or "unexpected '%'" in msg or "expected token" in msg:
        return f"标记语法错误（{msg}），请检查大括号和百分号是否成对"
    if "unexpected char" in msg:
        return f"标记中有无法识别的字符（{msg}），请检查是否混入了全角符号"
    if "no filter named" in msg:
        m = re.search(r"no filter named '([^']+)'", msg)
        return f"没有名为“{m.group(1) if m else msg}”的过滤器"
    return f"标记错误（{msg}）"


def _template_lineno(exc: BaseException) -> int | None:
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        return exc.lineno
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == "<template>":
            line = lineno
    return line


def _unclosed(part: PartSource) -> int | None:
    """Offset of the first block tag that is never closed, if any."""
    stack: list[tuple[str, int]] = []
    for m in _STMT.finditer(part.source):
        word = m.group(1)
        if word in _BLOCKS:
            stack.append((word, m.start()))
        elif word == "set":
            tag_end = part.source.find("%}", m.end())
            if "=" not in part.source[m.end() : tag_end]:
                stack.append((word, m.start()))
        elif word.startswith("end") and stack and stack[-1][0] == word[3:]:
            stack.pop()
    return stack[-1][1] if stack else None


def describe_exception(exc: BaseException, part: PartSource) -> str:
    """A Chinese message with the paragraph and text of a Jinja error."""
    p = _problem_from(exc, part, "")
    loc = f"{p.part}" + (f"第{p.paragraph}段" if p.paragraph else "") + (f"（{p.where}）" if p.where else "")
    out = f"{loc}：{p.message}"
    if p.text:
        out += f"。原文：“{p.text}”"
    return out


# ---------------------------------------------------------------- recording undefined


class _Recorder:
    def __init__(self):
        self.hits: list[tuple[str, int | None]] = []


_current: _Recorder | None = None


class RecordingUndefined(ChainableUndefined):
    """Records every missing field with its template line, and keeps rendering."""

    __slots__ = ()

    def __init__(self, hint=None, obj=None, name=None, exc=UndefinedError):
        super().__init__(hint, obj, name, exc)
        if _current is None or name is None:
            return
        line = None
        f = sys._getframe(1)
        while f is not None:
            tpl = f.f_globals.get("__jinja_template__")
            if tpl is not None and f.f_code.co_filename == "<template>":
                line = tpl.get_corresponding_lineno(f.f_lineno)
                break
            f = f.f_back
        _current.hits.append((str(name), line))


# ---------------------------------------------------------------- the check


def check_template(path: str | Path, context: dict | None = None) -> list[Problem]:
    """Problems in one template; ``context`` is a full sample context for its kind."""
    global _current
    path = Path(path)
    fname = path.name
    try:
        prepared = prepare(path)
    except Exception as exc:  # not a zip, not a docx, broken XML
        return [Problem(fname, "", None, "", "", f"无法打开模板（不是有效的 .docx 文件）：{exc}")]
    problems: list[Problem] = []
    env = make_env(RecordingUndefined)
    for part in prepared.parts:
        # 1. tags broken inside one paragraph (a brace or percent sign deleted in Word)
        for p in part.paragraphs:
            rest = _TAG.sub("", p.text)
            bad = _HALF.search(rest)
            if bad:
                problems.append(
                    Problem(fname, part.label, p.number, p.where, _around(p.text, bad.group(0)),
                            f"标记不完整：“{bad.group(0)}”没有配对（应为 {{{{ 字段 }}}} 或 {{%p … %}}）")
                )
        # 2. syntax (block structure across paragraphs)
        try:
            ast = env.parse(part.source)
        except TemplateSyntaxError as exc:
            problems.append(_problem_from(exc, part, fname))
            continue
        # 3. names that the context does not have at all (even in branches not taken)
        if context is not None:
            for name in sorted(meta.find_undeclared_variables(ast) - set(context)):
                off = re.search(r"\b%s\b" % re.escape(name), part.source)
                number, where, text = _location(
                    part, part.source.count("\n", 0, off.start()) + 1 if off else None, name
                )
                problems.append(Problem(fname, part.label, number, where, text, f"字段“{name}”不存在（上下文中没有这个字段）"))
            # 4. render with the sample context, recording every missing attribute
            rec = _Recorder()
            _current = rec
            try:
                env.from_string(part.source).render(context)
            except TemplateError as exc:
                problems.append(_problem_from(exc, part, fname))
            except Exception as exc:  # a filter given a wrong value, etc.
                problems.append(_problem_from(exc, part, fname))
            finally:
                _current = None
            seen = set()
            for name, line in rec.hits:
                number, where, text = _location(part, line, name)
                if (name, number) in seen or name in context and line is None:
                    continue
                seen.add((name, number))
                problems.append(Problem(fname, part.label, number, where, text, f"字段“{name}”不存在（上下文中没有这个字段）"))
    if not problems and context is not None:
        # 5. a full render must give well-formed XML (e.g. a {%p %} tag moved into a table cell)
        from .render import render_parts, compile_template

        try:
            render_parts(compile_template(path), context)
        except InputError as exc:
            problems.append(Problem(fname, "", None, "", "", exc.message))
    return problems


def _problem_from(exc: BaseException, part: PartSource, fname: str) -> Problem:
    msg = getattr(exc, "message", None) or str(exc)
    lineno = _template_lineno(exc)
    if isinstance(exc, TemplateSyntaxError) and "Unexpected end of template" in msg:
        off = _unclosed(part)
        if off is not None:
            lineno = part.source.count("\n", 0, off) + 1
    number, where, text = _location(part, lineno)
    return Problem(fname, part.label, number, where, text, _translate(msg))
