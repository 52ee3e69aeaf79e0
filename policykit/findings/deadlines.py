"""Where deadlines are computed. The only place.

Conventions (民事诉讼法 Art 85; 行政处罚法 Art 85):
- the starting day is not counted;
- ``days`` and ``months``: a period ending on a statutory holiday or rest day
  ends on the next working day;
- ``working_days``: counts working days after the start, skipping statutory
  holidays and weekends but counting swapped workdays (调休上班日);
- ``hours`` (e.g. 24 hours to transfer): whole days, never moved off a rest day;
- a done date after the due date makes the deadline overdue (done, late);
- the start may be the latest of several dates, or the due date of another
  period (``after``: 3 months' rectification once the 6 months have run out);
  a due date may also be one the case sets (``due_fact``);
- holiday data comes from ``chinese_calendar``; for a year it does not cover,
  weekends only are used and the deadline carries a warning saying so.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from ..facts.dates import cn_date, from_int
from .model import Deadline

SOON_DAYS = 7


@lru_cache(maxsize=4096)
def _workday(d: dt.date) -> tuple[bool, bool]:
    """(is working day, holiday data covered this date)."""
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(d), True
    except NotImplementedError:
        return d.weekday() < 5, False


def calendar_warning(year: int) -> str:
    return f"节假日数据未覆盖{year}年，按仅周末休息推算，请人工核对法定节假日和调休"


class Period:
    """Adds a period to a start date and says whether the calendar covered it."""

    def __init__(self) -> None:
        self.uncovered: set[int] = set()

    def is_workday(self, d: dt.date) -> bool:
        work, covered = _workday(d)
        if not covered:
            self.uncovered.add(d.year)
        return work

    def next_workday(self, d: dt.date) -> dt.date:
        while not self.is_workday(d):
            d += dt.timedelta(days=1)
        return d

    def add(self, start: dt.date, *, days=None, working_days=None, months=None, hours=None) -> dt.date:
        if working_days is not None:
            d, n = start, 0
            while n < working_days:
                d += dt.timedelta(days=1)
                if self.is_workday(d):
                    n += 1
            return d
        if hours is not None:  # a period in hours runs through rest days: whole days, rounded up
            return start + dt.timedelta(days=-(-hours // 24))
        if days is not None:
            return self.next_workday(start + dt.timedelta(days=days))
        return self.next_workday(start + relativedelta(months=months))

    def warning(self) -> str | None:
        return "；".join(calendar_warning(y) for y in sorted(self.uncovered)) or None


def status(due: dt.date | None, done_on: dt.date | None, as_of: dt.date) -> str:
    """met: done by the due date; overdue: past due and not done by it (done late included); due_soon; pending."""
    if due is None:
        return "unknown"
    if done_on is not None and done_on <= as_of:
        return "met" if done_on <= due else "overdue"
    if as_of > due:
        return "overdue"
    if (due - as_of).days <= SOON_DAYS:
        return "due_soon"
    return "pending"


def _date_of(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int):
        return from_int(value)
    return None


def _param_date(params: dict, name) -> dt.date | None:
    if isinstance(name, dt.date):
        return name
    return _date_of(params.get(name)) if isinstance(name, str) else None


def counts(spec, params: dict) -> dict:
    """The period of a counted deadline, with ``{param: NAME}`` resolved: {"days"|"working_days"|"months"|"hours": n}."""
    out = {}
    for unit in ("days", "working_days", "months", "hours"):
        v = getattr(spec, unit)
        if v is None:
            continue
        if not isinstance(v, int):
            v = params.get(v.param)
            if not isinstance(v, int) or isinstance(v, bool):
                raise ValueError(f"时限“{getattr(spec, 'what', '')}”引用的参数“{getattr(spec, unit).param}”不是整数")
        out[unit] = v
    return out


_UNIT_TEXT = {"working_days": "{}个工作日", "days": "{}日", "months": "{}个月", "hours": "{}小时"}


def _period_text(period: dict) -> str:
    ((unit, n),) = period.items()
    return _UNIT_TEXT[unit].format(n)


def resolve(spec, flat: dict, params: dict, as_of: dt.date, describe=None) -> Deadline:
    """Compute one deadline (a ``DeadlineSpec``) for a case's flat facts."""
    done_on = _date_of(flat.get(spec.done)) if spec.done else None
    period = Period()
    due, start, basis = _due(spec, flat, params, as_of, period, describe)
    if due is None:
        return Deadline(what=spec.what, due=None, status="unknown", start=start, done_on=done_on, basis=basis)
    done = done_on is not None and done_on <= as_of
    late = done and done_on > due
    if late:
        basis += f"；逾期完成（{cn_date(done_on)}）"
    return Deadline(
        what=spec.what, due=due, status=status(due, done_on, as_of), start=start, done_on=done_on,
        done=done, late=late, basis=basis, warning=period.warning(),
    )


def _due(spec, flat: dict, params: dict, as_of: dt.date, period: Period, describe=None):
    """(due date or None, start date, how it was counted) for a deadline or period spec."""
    label = describe or (lambda path: path)
    if spec.date is not None or spec.param is not None or spec.due_fact is not None:
        own = _date_of(flat.get(spec.due_fact)) if spec.due_fact else None
        if own is not None:
            return own, None, f"{label(spec.due_fact)}{cn_date(own)}"
        due = spec.date or _param_date(params, spec.param)
        if due is None:
            missing = f"{label(spec.due_fact)}未填写" if spec.due_fact else f"参数 {spec.param} 未设置"
            return None, None, f"{missing}，无法计算"
        return due, None, f"规定期限{cn_date(due)}"
    from_default, after_basis = False, ""
    if spec.after is not None:
        start, _, inner = _due(spec.after, flat, params, as_of, period, describe)
        if start is None:
            return None, None, inner
        after_basis = f"{inner}；期满后"
    else:
        paths = spec.start if isinstance(spec.start, list) else [spec.start]
        given = [as_of if p == "as_of" else _date_of(flat.get(p)) for p in paths]
        given = [d for d in given if d is not None]
        start = max(given) if given else None  # several start dates: the latest of those given
        if start is None and spec.default_start is not None:
            start = _param_date(params, spec.default_start)
            from_default = start is not None
        if start is None:
            return None, None, f"起算日期（{'、'.join(label(p) for p in paths)}）未填写，无法计算"
    length = counts(spec, params)
    try:
        due = period.add(start, **length)
    except (OverflowError, ValueError):  # past 9999-12-31
        return None, start, f"自{cn_date(start)}起{_period_text(length)}，期满日超出公历范围，无法计算，请核对起算日期"
    basis = f"{after_basis}自{cn_date(start)}起{_period_text(length)}"
    if from_default:
        basis += "（起算日期未填写，按方案规定日期起算）"
    if ("days" in length or "months" in length) and due != _plain(start, length):
        basis += "，期满日为休息日顺延至下一工作日"
    return due, start, basis


def _plain(start: dt.date, length: dict) -> dt.date:
    if "days" in length:
        return start + dt.timedelta(days=length["days"])
    return start + relativedelta(months=length["months"])


def missed(spec, flat: dict, params: dict, as_of: dt.date) -> bool | None:
    """Whether a deadline was missed as of ``as_of``: due passed and not done by the due date.

    None when the deadline cannot be computed (its start date is missing).
    """
    d = resolve(spec, flat, params, as_of)
    if d.due is None:
        return None
    if as_of <= d.due:
        return False
    return d.done_on is None or d.done_on > d.due
