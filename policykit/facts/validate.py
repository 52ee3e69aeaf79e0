"""Turn pydantic validation errors into Chinese messages that name the field and what was expected."""
from __future__ import annotations

import difflib

from pydantic import BaseModel, ValidationError

from ..errors import InputError, shown
from .dates import EXPECTED as DATE_EXPECTED
from .flatten import enum_of, field_types
from .model import Case

_TYPE_TEXT = {
    "bool": "是/否（true/false）",
    "date": DATE_EXPECTED,
    "int": "整数",
    "float": "数字",
    "str": "文字",
}


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Names allowed at a location (for suggesting the nearest one)."""
    for key in loc:
        f = model.model_fields.get(key) if isinstance(key, str) else None
        if f is None or not (isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)):
            return list(model.model_fields)
        model = f.annotation
    return list(model.model_fields)


def _path(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and p.startswith("function-")))


def _suggest(word: str, options: list[str]) -> str:
    near = difflib.get_close_matches(str(word), options, n=1, cutoff=0.5)
    return f"，是否应为“{near[0]}”？" if near else ""


def explain(err: dict, model: type[BaseModel] = Case) -> tuple[str, str | None]:
    """(message, expected) for one pydantic error dict."""
    kind = err["type"]
    loc = tuple(err["loc"])
    path = _path(loc)
    ftype = field_types().get(path)
    value = shown(err.get("input"))
    if kind == "missing":
        return "缺少必填字段", "填写该字段"
    if kind == "extra_forbidden":
        options = _fields_at(model, loc[:-1])
        return f"未知字段“{loc[-1]}”{_suggest(loc[-1], options)}", "、".join(options)
    if kind == "enum" or (ftype and ftype.startswith("enum:") and kind in ("enum", "literal_error")):
        cls = enum_of(ftype) if ftype else None
        options = [m.value for m in cls] + [m.label for m in cls] if cls else []
        return f"取值“{value}”无效{_suggest(value, options)}", cls.choices() if cls else None
    if kind.startswith("bool"):
        return f"“{value}”不是是/否", _TYPE_TEXT["bool"]
    if kind.startswith("int"):
        return f"“{value}”不是整数", _TYPE_TEXT["int"]
    if kind == "finite_number":
        return f"“{value}”不是有限的数", _TYPE_TEXT.get(ftype or "", "数字")
    if kind.startswith("float"):
        return f"“{value}”不是数字", _TYPE_TEXT["float"]
    if kind in ("less_than_equal", "less_than"):
        return f"“{value}”过大", f"不大于 {err.get('ctx', {}).get('le', err.get('ctx', {}).get('lt'))} 的数"
    if kind in ("greater_than_equal", "greater_than") and err.get("ctx", {}).get("ge", 0) != 0:
        return f"“{value}”过小", f"不小于 {err['ctx']['ge']} 的数"
    if kind in ("greater_than_equal", "greater_than"):
        return f"“{value}”不能为负数", "不小于 0 的数"
    if kind == "string_too_long":
        return f"“{value}”过长", f"不超过 {err['ctx']['max_length']} 个字的文字"
    if kind == "string_too_short":
        return "不能为空", f"至少 {err['ctx']['min_length']} 个字的文字"
    if kind.startswith("string"):
        return f"“{value}”不是文字", _TYPE_TEXT["str"]
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "应为映射（字段: 值）", "YAML 映射"
    if kind == "list_type":
        return "应为列表", "YAML 列表"
    if kind == "value_error":
        msg = str(err.get("ctx", {}).get("error", err.get("msg", "")))
        expected = DATE_EXPECTED if ftype == "date" else _TYPE_TEXT.get(ftype or "")
        return msg, expected
    return err.get("msg", "取值无效"), _TYPE_TEXT.get(ftype or "")


def to_input_errors(exc: ValidationError, **where) -> list[InputError]:
    """One InputError per pydantic error; ``where`` gives file/line/row/case; ``line_for(loc)`` optional."""
    line_for = where.pop("line_for", None)
    column_for = where.pop("column_for", None)
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        message, expected = explain(err)
        kw = dict(where)
        if line_for:
            kw["line"] = line_for(loc)
        if column_for:
            kw["column"] = column_for(loc)
        out.append(InputError(message, field=_path(loc) or None, expected=expected, **kw))
    return out
