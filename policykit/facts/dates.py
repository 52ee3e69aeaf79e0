"""Parsing of dates as clerks write them: ISO, slashes, dots, 2024年3月1日, Excel serials."""
from __future__ import annotations

import datetime as dt
import re

_CN = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*$")
_SEP = re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)

EXPECTED = "日期，如 2024-03-01、2024/3/1 或 2024年3月1日"


def parse_date(value) -> dt.date:
    """Return a date or raise ValueError with a Chinese message."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"不是日期：{value!r}")
    if isinstance(value, (int, float)):
        # Excel stores dates as serial day numbers.
        if 1 <= value < 2958466 and float(value).is_integer():
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"不是日期：{value!r}")
    if not isinstance(value, str):
        raise ValueError(f"不是日期：{value!r}")
    text = value.strip()
    for pattern in (_SEP, _CN, _COMPACT):
        m = pattern.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"日期不存在：“{text}”（{y}年没有{mo}月{d}日）") from None
    raise ValueError(f"无法识别的日期：“{text}”")


def to_int(d: dt.date) -> int:
    """Zero-padded YYYYMMDD integer, the form the rule engines compare."""
    return d.year * 10000 + d.month * 100 + d.day


def from_int(n: int) -> dt.date:
    return dt.date(n // 10000, n // 100 % 100, n % 100)


def cn_date(d: dt.date) -> str:
    """GB/T 9704 date: Arabic numerals, no zero padding (2024年3月1日)."""
    return f"{d.year}年{d.month}月{d.day}日"
