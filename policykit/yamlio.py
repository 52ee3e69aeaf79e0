"""Safe YAML loading that remembers line numbers, and reading text in the encodings clerks use."""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import InputError


class LineDict(dict):
    """A mapping that remembers the line of each key (1-based)."""

    lines: dict
    line: int = 0


class LineList(list):
    lines: list
    line: int = 0


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when available


class _Loader(_Base):
    """A safe loader (no Python object tags) that records where each node starts."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    out = LineDict()
    out.lines = {}
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise InputError("映射的键不能是列表或映射", line=key_node.start_mark.line + 1) from None
        if key in out:
            raise InputError(f"重复的键“{key}”", line=key_node.start_mark.line + 1, expected="每个键只出现一次")
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode, deep: bool = False):
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.lines = [child.start_mark.line + 1 for child in node.value]
    out.line = node.start_mark.line + 1
    return out


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode):
    """An impossible date such as 2024-02-30 stays text, so the field's own check names it."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_text(path: Path) -> str:
    """Decode UTF-8 (with or without BOM), falling back to GB18030 (GBK) as saved by Chinese Windows."""
    raw = Path(path).read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            "文件编码无法识别", file=str(path), line=line, expected="UTF-8 或 GBK（GB18030）编码的文本"
        ) from None


_YAML_TERMS = [
    ("did not find expected ',' or '}'", "缺少逗号“,”或右花括号“}”"),
    ("did not find expected ',' or ']'", "缺少逗号“,”或右方括号“]”"),
    ("while parsing a flow mapping", "花括号 {…} 映射"),
    ("while parsing a flow sequence", "方括号 […] 列表"),
    ("while parsing a block mapping", "映射"),
    ("while parsing a block collection", "列表"),
    ("while scanning a simple key", "键"),
    ("while scanning a quoted scalar", "引号内的文字"),
    ("mapping values are not allowed in this context", "此处不能出现冒号（缩进有误，或值中含“: ”而未加引号）"),
    ("mapping values are not allowed here", "此处不能出现冒号（缩进有误，或值中含“: ”而未加引号）"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("found unexpected end of stream", "文件意外结束（引号或括号未闭合）"),
    ("found character '\\t' that cannot start any token", "含有制表符（请用空格缩进）"),
    ("found character that cannot start any token", "含有不能出现在此处的字符"),
    ("expected <block end>, but found", "缩进不一致，发现"),
    ("found duplicate anchor", "锚点重复"),
]


def _cn_yaml(text: str) -> str:
    for en, cn in _YAML_TERMS:
        text = text.replace(en, cn)
    return text


def load_yaml(path: Path | str, text: str | None = None):
    """Load one YAML document safely; errors name the file and line."""
    path = Path(path)
    if text is None:
        text = read_text(path)
    if not text.strip():
        raise InputError("文件为空", file=str(path), expected="至少一个案件（YAML 映射或列表）")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except InputError as exc:
        exc.file = str(path)
        raise InputError(exc.message, file=str(path), line=exc.line, expected=exc.expected) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = _cn_yaml(exc.problem or exc.context or "语法错误")
        ctx = exc.context_mark
        if ctx is not None and mark is not None and ctx.line != mark.line:
            problem = f"{problem}；相关结构从第 {ctx.line + 1} 行开始（{_cn_yaml(exc.context or '')}）"
        raise InputError(
            f"YAML 语法错误（{problem}）", file=str(path), line=line, expected="合法的 YAML：缩进对齐、冒号后留空格"
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML 错误：{exc}", file=str(path)) from None


def line_of(data, loc: tuple) -> int | None:
    """The line of the deepest node along ``loc`` (a pydantic error location)."""
    line = getattr(data, "line", None) or None
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in node:
            line = node.lines.get(key, line)
            node = node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lines[key]
            node = node[key]
        else:
            break
    return line
