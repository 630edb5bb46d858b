"""Deadlines of the cycle, report periods, and on-time checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dotpha_xl.domain.calendar import (
    Deadline,
    add_months,
    cycle_deadlines,
    is_on_time,
    last_day_allowed,
    period_report_deadline,
    plan_deadline_for_new,
    registration_deadline_for_appointed,
    report_deadline,
)
from dotpha_xl.domain.periods import ReportPeriod, month_end, parse_period
from dotpha_xl.kernel.settings import default_settings, load_settings

S = default_settings()


def test_cycle_deadlines_for_2027() -> None:
    deadlines = cycle_deadlines(S, 2027)
    assert all(isinstance(d, Deadline) for d in deadlines)
    assert [(d.code, d.due) for d in deadlines] == [
        ("registration", date(2026, 11, 15)),
        ("proposals", date(2026, 11, 30)),
        ("summary", date(2026, 12, 25)),
        ("decision", date(2026, 12, 31)),
        ("plan", date(2027, 1, 25)),
        ("report_q1", date(2027, 3, 25)),
        ("report_q2", date(2027, 6, 25)),
        ("report_half_year", date(2027, 6, 25)),
        ("report_q3", date(2027, 9, 25)),
        ("report_q4", date(2027, 12, 25)),
        ("report_annual", date(2027, 12, 25)),
    ]
    by_code = {d.code: d for d in deadlines}
    assert by_code["registration"].name == "Cán bộ đăng ký việc đột phá, đổi mới"
    assert by_code["registration"].article == "4.1"
    assert by_code["plan"].name == "Cán bộ gửi kế hoạch thực hiện (Mẫu 02)"
    assert by_code["report_q1"].name == "Báo cáo quý I"
    assert by_code["report_half_year"].name == "Báo cáo 6 tháng"
    assert by_code["report_annual"].name == "Báo cáo năm và tự đánh giá"
    assert by_code["report_q3"].article == "5.1 a"


def test_cycle_deadlines_follow_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        "[deadlines]\nquarterly_report_day = 20\nplan = { date = '10/02' }\n"
        "registration = { date = '01/10', year = -1 }\n",
        encoding="utf-8",
    )
    deadlines = {d.code: d.due for d in cycle_deadlines(load_settings(path), 2028)}
    assert deadlines["plan"] == date(2028, 2, 10)
    assert deadlines["registration"] == date(2027, 10, 1)
    assert deadlines["report_q1"] == date(2028, 3, 20)
    assert deadlines["report_half_year"] == date(2028, 6, 25)


def test_period_report_deadline() -> None:
    assert period_report_deadline(S, 2030) == date(2030, 12, 25)


@pytest.mark.parametrize(
    ("code", "due"),
    [
        ("2027-Q1", date(2027, 3, 25)),
        ("2027-Q2", date(2027, 6, 25)),
        ("2027-Q3", date(2027, 9, 25)),
        ("2027-Q4", date(2027, 12, 25)),
        ("2027-H1", date(2027, 6, 25)),
        ("2027-H2", date(2027, 12, 25)),
        ("2027", date(2027, 12, 25)),
        ("2027-05-10", None),
    ],
)
def test_report_deadline(code: str, due: date | None) -> None:
    assert report_deadline(S, parse_period(code)) == due


@pytest.mark.parametrize(
    ("text", "code", "kind", "quarter", "end", "label"),
    [
        ("2027-Q1", "2027-Q1", "quarter", 1, date(2027, 3, 31), "Quý I năm 2027"),
        (" 2027-q2 ", "2027-Q2", "quarter", 2, date(2027, 6, 30), "Quý II năm 2027"),
        ("2027-Q3", "2027-Q3", "quarter", 3, date(2027, 9, 30), "Quý III năm 2027"),
        ("2027-Q4", "2027-Q4", "quarter", 4, date(2027, 12, 31), "Quý IV năm 2027"),
        ("2027-h1", "2027-H1", "half_year", None, date(2027, 6, 30), "6 tháng đầu năm 2027"),
        ("2027-H2", "2027-H2", "half_year", None, date(2027, 12, 31), "6 tháng cuối năm 2027"),
        ("2027", "2027", "year", None, date(2027, 12, 31), "Năm 2027"),
        ("2027-05-10", "2027-05-10", "ad_hoc", None, date(2027, 5, 10), "Đột xuất ngày 10/05/2027"),
        ("2028-2-29", "2028-02-29", "ad_hoc", None, date(2028, 2, 29), "Đột xuất ngày 29/02/2028"),
    ],
)
def test_parse_period(
    text: str, code: str, kind: str, quarter: int | None, end: date, label: str
) -> None:
    period = parse_period(text)
    assert period == ReportPeriod(code, kind, end.year, quarter, end)
    assert period.label_vi == label
    assert period.month == end.month


@pytest.mark.parametrize(
    "text",
    [
        "2027-Q5",
        "2027-Q0",
        "2027-H3",
        "2027-H0",
        "2027-02-29",
        "2027-02-30",
        "2027-13-01",
        "2027-00-10",
        "27-Q1",
        "Q1-2027",
        "2027 Q1",
        "2027-Q1x",
        "2027-Q12",
        "0000",
        "",
        "   ",
        "quý 1 năm 2027",
    ],
)
def test_parse_period_errors(text: str) -> None:
    with pytest.raises(ValueError, match="Kỳ báo cáo"):
        parse_period(text)


def test_month_end() -> None:
    assert month_end(2027, 2) == date(2027, 2, 28)
    assert month_end(2028, 2) == date(2028, 2, 29)
    assert month_end(2027, 4) == date(2027, 4, 30)
    assert month_end(2027, 12) == date(2027, 12, 31)


def test_plan_deadline_for_new_clamps_the_day() -> None:
    assert plan_deadline_for_new(S, date(2027, 1, 31)) == date(2027, 2, 28)
    assert plan_deadline_for_new(S, date(2028, 1, 31)) == date(2028, 2, 29)
    assert plan_deadline_for_new(S, date(2027, 3, 31)) == date(2027, 4, 30)
    assert plan_deadline_for_new(S, date(2027, 12, 15)) == date(2028, 1, 15)
    assert plan_deadline_for_new(S, date(2027, 7, 15)) == date(2027, 8, 15)


def test_plan_deadline_for_new_uses_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[cycle]\nnew_plan_months = 2\n", encoding="utf-8")
    assert plan_deadline_for_new(load_settings(path), date(2027, 12, 31)) == date(2028, 2, 29)
    assert add_months(date(2027, 5, 31), -3) == date(2027, 2, 28)


def test_registration_deadline_for_appointed_is_the_appointment_day() -> None:
    assert registration_deadline_for_appointed(date(2027, 3, 4)) == date(2027, 3, 4)


def test_is_on_time_both_readings() -> None:
    due = date(2027, 1, 25)
    assert is_on_time(date(2027, 1, 24), due, "on_or_before")
    assert is_on_time(date(2027, 1, 25), due, "on_or_before")
    assert not is_on_time(date(2027, 1, 26), due, "on_or_before")
    assert is_on_time(date(2027, 1, 24), due, "strictly_before")
    assert not is_on_time(date(2027, 1, 25), due, "strictly_before")
    assert last_day_allowed(due, "on_or_before") == due
    assert last_day_allowed(date(2027, 3, 1), "strictly_before") == date(2027, 2, 28)


def test_unknown_reading_is_refused() -> None:
    with pytest.raises(ValueError, match="before"):
        is_on_time(date(2027, 1, 1), date(2027, 1, 2), "before")
