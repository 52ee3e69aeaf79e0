"""Deadline arithmetic: the starting day not counted, holidays and swapped workdays, the calendar's edge."""
from __future__ import annotations

import datetime as dt

import pytest

from policykit.findings.deadlines import Period, missed, resolve, status
from policykit.rules.schema import DeadlineSpec

D = dt.date


@pytest.mark.parametrize(
    "start,kw,due",
    [
        (D(2023, 12, 29), {"working_days": 1}, D(2024, 1, 2)),  # Friday before New Year's Day
        (D(2024, 9, 30), {"working_days": 1}, D(2024, 10, 8)),  # National Day week
        (D(2024, 2, 9), {"working_days": 1}, D(2024, 2, 18)),  # Spring Festival 2-10..17; 2-18 is a swapped workday (Sunday)
        (D(2024, 4, 30), {"days": 1}, D(2024, 5, 6)),  # ends 5-1, a holiday: next working day 5-6
        (D(2024, 9, 12), {"days": 2}, D(2024, 9, 14)),  # 9-14 is a Saturday worked in lieu: it counts
        (D(2023, 10, 11), {"months": 6}, D(2024, 4, 11)),
        (D(2023, 10, 11), {"months": 9}, D(2024, 7, 11)),
        (D(2024, 1, 31), {"months": 1}, D(2024, 2, 29)),  # month end clamps
        (D(2024, 3, 1), {"days": 30}, D(2024, 4, 1)),  # 3-31 is a Sunday: moves to Monday
    ],
)
def test_period(start, kw, due):
    p = Period()
    assert p.add(start, **kw) == due
    assert p.warning() is None


def test_years_past_the_holiday_data_warn():
    p = Period()
    due = p.add(D(2027, 1, 1), working_days=3)
    assert due == D(2027, 1, 6)  # weekends only
    assert "2027" in p.warning() and "人工核对" in p.warning()


def test_status():
    assert status(D(2024, 1, 10), None, D(2024, 1, 1)) == "pending"
    assert status(D(2024, 1, 10), None, D(2024, 1, 3)) == "due_soon"
    assert status(D(2024, 1, 10), None, D(2024, 1, 11)) == "overdue"
    assert status(D(2024, 1, 10), D(2024, 1, 9), D(2024, 1, 11)) == "met"
    assert status(None, None, D(2024, 1, 11)) == "unknown"


def test_resolve_and_missed_use_done_date():
    spec = DeadlineSpec(what="申请注销", start="stopped_mine.accepted_on", days=30, done="stopped_mine.cancellation_applied_on")
    flat = {"stopped_mine.accepted_on": 20240301}
    d = resolve(spec, flat, {}, D(2024, 3, 20))
    assert (d.due, d.status) == (D(2024, 4, 1), "pending")
    assert missed(spec, flat, {}, D(2024, 3, 20)) is False
    assert missed(spec, flat, {}, D(2024, 4, 2)) is True
    late = dict(flat, **{"stopped_mine.cancellation_applied_on": 20240410})
    assert missed(spec, late, {}, D(2024, 4, 20)) is True  # done, but after the due date
    assert "逾期完成" in resolve(spec, late, {}, D(2024, 4, 20)).basis
    ontime = dict(flat, **{"stopped_mine.cancellation_applied_on": 20240325})
    assert missed(spec, ontime, {}, D(2024, 4, 20)) is False


def test_default_start_and_unknown():
    spec = DeadlineSpec(what="完善手续", start="stopped_mine.classified_on", default_start="plan_date", months=6)
    d = resolve(spec, {}, {"plan_date": D(2023, 10, 11)}, D(2024, 5, 1))
    assert d.due == D(2024, 4, 11) and d.status == "overdue" and "按方案规定日期起算" in d.basis
    bare = DeadlineSpec(what="报告", start="observations.found_on", working_days=1)
    assert resolve(bare, {}, {}, D(2024, 5, 1)).status == "unknown"
    assert missed(bare, {}, {}, D(2024, 5, 1)) is None


def test_period_from_param_and_late_flag():
    spec = DeadlineSpec(what="申请注销", start="stopped_mine.accepted_on", days={"param": "apply_days"}, done="stopped_mine.cancellation_applied_on")
    flat = {"stopped_mine.accepted_on": 20240301, "stopped_mine.cancellation_applied_on": 20240410}
    d = resolve(spec, flat, {"apply_days": 30}, D(2024, 4, 20))
    assert d.due == D(2024, 4, 1) and d.status == "overdue" and d.late is True and d.done is True
    d = resolve(spec, flat, {"apply_days": 60}, D(2024, 4, 20))
    assert d.due == D(2024, 4, 30) and d.late is False
    with pytest.raises(ValueError, match="不是整数"):
        resolve(spec, flat, {"apply_days": "三十"}, D(2024, 4, 20))
