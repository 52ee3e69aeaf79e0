"""The one set of Jinja filters used by every document template and PDF page.

Dates are written the GB/T 9704 way (2024年3月1日, no zero padding), money in
figures (12345.60元) or in 大写 (壹万贰仟叁佰肆拾伍元陆角), heading numbers as
一、/（一）/1./（1）, lists joined with 、.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

from ..facts.dates import cn_date as _cn_date
from ..facts.dates import parse_date
from ..findings.model import status_label
from ..rules.schema import CATEGORIES, DECISIONS, DOCUMENT_KINDS, TRANSFER_TARGETS

BLANK = "＿＿＿＿"

# Characters XML 1.0 does not allow (C0 controls except tab/newline, lone surrogates,
# U+FFFE/U+FFFF), plus \r, which Word would show as a stray paragraph mark.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Drop characters that would make document.xml invalid (control characters)."""
    return _XML_BAD.sub("", text)


def cn_date(value: Any, default: str = "") -> str:
    """2024年3月1日; accepts dates, datetimes and the date strings clerks write."""
    if value is None or value == "":
        return default
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = parse_date(value)
        except ValueError:
            return str(value)
    return _cn_date(value)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except ArithmeticError:
        return None


def money(value: Any, unit: str = "元") -> str:
    """12345.6 → 12345.60元 (figures, two decimals)."""
    d = _decimal(value)
    if d is None:
        return BLANK
    return f"{d:.2f}{unit}"


def rmb_upper(value: Any) -> str:
    """12345.6 → 人民币壹万贰仟叁佰肆拾伍元陆角 (大写, as written on official documents)."""
    import cn2an

    d = _decimal(value)
    if d is None:
        return BLANK
    if d == 0:
        return "人民币零元整"
    text = cn2an.an2cn(str(d), "rmb")
    if not text.endswith(("整", "角", "分")):
        text += "整"
    return "人民币" + text


def cn_num(n: Any) -> str:
    """1 → 一, 12 → 十二 (for 一、 and （一） headings)."""
    import cn2an

    return cn2an.an2cn(int(n), "low")


def h1(n: Any) -> str:
    return f"{cn_num(n)}、"


def h2(n: Any) -> str:
    return f"（{cn_num(n)}）"


def h3(n: Any) -> str:
    return f"{int(n)}."


def h4(n: Any) -> str:
    return f"（{int(n)}）"


def join_cn(items: Iterable[Any] | None, sep: str = "、") -> str:
    if not items:
        return ""
    if isinstance(items, str):
        return items
    return sep.join(str(x) for x in items if x not in (None, ""))


def blank(value: Any, placeholder: str = BLANK) -> Any:
    """The value, or a line to fill in by hand when it is missing."""
    if value is None or value == "" or value == []:
        return placeholder
    return value


def category_label(category: str | None) -> str:
    return CATEGORIES.get(category or "", category or "")


def decision_label(decision: str | None) -> str:
    return DECISIONS.get(decision or "", decision or "")


def kind_name(kind: str | None) -> str:
    return DOCUMENT_KINDS.get(kind or "", kind or "")


def transfer_label(to: str | None) -> str:
    return TRANSFER_TARGETS.get(to or "", to or "")


def citation(source: Any) -> str:
    """《title》where, for a finding, a finding's source or a dict with title/where."""
    src = _get(source, "source") or source
    title = _get(src, "title") or ""
    where = _get(src, "where") or ""
    title = title.strip("《》")
    return f"《{title}》{where}" if title else str(where)


def quote(text: Any) -> str:
    return f"“{text}”" if text not in (None, "") else ""


def yes_no(value: Any) -> str:
    return {True: "是", False: "否"}.get(value, "")


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


FILTERS = {
    "cn_date": cn_date,
    "money": money,
    "rmb_upper": rmb_upper,
    "cn_num": cn_num,
    "h1": h1,
    "h2": h2,
    "h3": h3,
    "h4": h4,
    "join_cn": join_cn,
    "blank": blank,
    "status_label": status_label,
    "category_label": category_label,
    "decision_label": decision_label,
    "kind_name": kind_name,
    "transfer_label": transfer_label,
    "citation": citation,
    "quote": quote,
    "yes_no": yes_no,
}


def finalize(value: Any) -> Any:
    """Applied to every ``{{ … }}`` result before escaping.

    None prints nothing, dates print as 2024年3月1日, booleans as 是/否, whole
    floats without ".0"; text loses control characters that XML forbids.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return cn_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return clean_text(value)
    return value
