"""The yearly cycle's deadlines (Art. 4, 5.1) computed from the settings.

Dates are the regulation's "trước ngày D"; whether a paper received on D is on time depends on
``settings.deadline_reading`` (see :func:`is_on_time`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dotpha_xl.domain.periods import AD_HOC, QUARTER, ReportPeriod, month_end, rates_whole_period
from dotpha_xl.kernel.errors import InputError
from dotpha_xl.kernel.settings import ON_OR_BEFORE, STRICTLY_BEFORE, Settings


@dataclass(frozen=True)
class Deadline:
    code: str
    name: str
    due: date
    article: str


# code -> (settings key in [deadlines], Vietnamese name, article).
_DATED_STEPS: tuple[tuple[str, str, str, str], ...] = (
    ("registration", "registration", "Cán bộ đăng ký việc đột phá, đổi mới", "4.1"),
    ("proposals", "proposals", "Các cơ quan đề xuất gửi Ban Tổ chức", "4.2 a–d"),
    ("summary", "summary", "Ban Tổ chức tổng hợp trình Ban Thường vụ", "4.2 đ"),
    ("decision", "decision", "Ban Thường vụ quyết định giao việc", "4.3"),
    ("plan", "plan", "Cán bộ gửi kế hoạch thực hiện (Mẫu 02)", "4.4 b"),
    ("report_half_year", "half_year_report", "Báo cáo 6 tháng", "5.1 b"),
    ("report_annual", "annual_report", "Báo cáo năm và tự đánh giá", "5.1 c, 7.3 a"),
)
_QUARTER_NAMES = ("Báo cáo quý I", "Báo cáo quý II", "Báo cáo quý III", "Báo cáo quý IV")
# Order among steps due on the same day: the quarterly report before the half-year/annual one.
_ORDER = (
    "registration",
    "proposals",
    "summary",
    "decision",
    "plan",
    "report_q1",
    "report_q2",
    "report_half_year",
    "report_q3",
    "report_q4",
    "report_annual",
)


def quarterly_deadline(settings: Settings, year: int, quarter: int) -> date:
    """The report of ``quarter`` (1..4) of ``year`` is due this day of the quarter's last month."""
    return date(year, 3 * quarter, settings.quarterly_report_day)


def cycle_deadlines(settings: Settings, year: int) -> list[Deadline]:
    """Every deadline of the cycle for plan year ``year`` (the first four fall in ``year - 1``)."""
    steps = [
        Deadline(code, name, settings.deadlines[key].in_year(year), article)
        for code, key, name, article in _DATED_STEPS
    ]
    steps += [
        Deadline(f"report_q{q}", name, quarterly_deadline(settings, year, q), "5.1 a")
        for q, name in enumerate(_QUARTER_NAMES, 1)
    ]
    return sorted(steps, key=lambda d: (d.due, _ORDER.index(d.code)))


def period_report_deadline(settings: Settings, end_year: int) -> date:
    """The whole-period report: day ``period_report_day`` of December of the final year (5.1 d)."""
    return date(end_year, 12, settings.period_report_day)


def report_deadline(settings: Settings, period: ReportPeriod) -> date | None:
    """The deadline of the periodic report covering ``period``; ``None`` for an ad hoc report."""
    if period.kind == AD_HOC:
        return None
    if period.kind == QUARTER:
        return quarterly_deadline(settings, period.year, period.quarter or 0)
    key = "half_year_report" if period.end.month == 6 else "annual_report"
    return settings.deadlines[key].in_year(period.year)


def task_report_deadline(
    settings: Settings, period: ReportPeriod, section: str, end_year: int
) -> date | None:
    """The deadline of a task's part of the report covering ``period``: the whole-period report
    (a period task in the annual report of its final year, Art. 5.1 d) is due on
    ``period_report_day`` of December; every other part on the report's own deadline."""
    if rates_whole_period(period, section, end_year):
        return period_report_deadline(settings, end_year)
    return report_deadline(settings, period)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` months, the day clamped to the target month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = month_end(year, month0 + 1)
    return last if day.day > last.day else date(year, month0 + 1, day.day)


def plan_deadline_for_new(settings: Settings, assigned_on: date) -> date:
    """Plan of a cadre assigned after the decision: ``new_plan_months`` after assignment (4.4 b)."""
    return add_months(assigned_on, settings.new_plan_months)


def plan_deadline(settings: Settings, year: int, assigned_on: date | None = None) -> date:
    """The deadline of the plan of ``year`` for a task assigned on ``assigned_on`` (Art. 4.4 b,
    docs/regulation.md R33): ``deadlines.plan`` (25/01 of ``year``); for a task assigned after
    the Committee's decision deadline (``deadlines.decision``, 31/12 of ``year - 1``), a
    successor's handover included, ``new_plan_months`` after the assignment when that is later."""
    general = settings.deadlines["plan"].in_year(year)
    if assigned_on is None or assigned_on <= settings.deadlines["decision"].in_year(year):
        return general
    return max(general, plan_deadline_for_new(settings, assigned_on))


def days_late(received: date, due: date, reading: str) -> int:
    """How many days after the last day allowed for ``due`` a paper received on ``received``
    came; 0 when on time (:func:`is_on_time`)."""
    return max(0, (received - last_day_allowed(due, reading)).days)


def registration_deadline_for_appointed(appointed_on: date) -> date:
    """A cadre appointed after the registration deadline registers at appointment (4.1)."""
    return appointed_on


def _check_reading(reading: str) -> None:
    if reading not in (ON_OR_BEFORE, STRICTLY_BEFORE):
        allowed = f"{ON_OR_BEFORE!r} hoặc {STRICTLY_BEFORE!r}"
        raise InputError(f"Cách hiểu hạn {reading!r} không hợp lệ; dùng {allowed}.")


def last_day_allowed(due: date, reading: str) -> date:
    """The last day on which a paper due "trước ngày ``due``" is on time."""
    _check_reading(reading)
    return due if reading == ON_OR_BEFORE else due - timedelta(days=1)


def is_on_time(received: date, due: date, reading: str) -> bool:
    """Whether a paper received on ``received`` meets a deadline "trước ngày ``due``"."""
    return received <= last_day_allowed(due, reading)
