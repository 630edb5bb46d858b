"""Report periods (Art. 5.1): a quarter, a half-year, a year, or an ad hoc date.

Codes: ``2027-Q1`` … ``2027-Q4``, ``2027-H1`` / ``2027-H2``, ``2027``, ``2027-05-10`` (ad hoc).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dotpha_xl.kernel.errors import InputError

QUARTER = "quarter"
HALF_YEAR = "half_year"
YEAR = "year"
AD_HOC = "ad_hoc"

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

_SHAPE = re.compile(
    r"(?P<year>\d{4})"
    r"(?:-(?:Q(?P<quarter>\d)|H(?P<half>\d)|(?P<month>\d{1,2})-(?P<day>\d{1,2})))?",
    re.IGNORECASE,
)


def month_end(year: int, month: int) -> date:
    """The last day of ``month`` in ``year``."""
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class ReportPeriod:
    """A period a report covers; ``end`` is the day the report is "as of"."""

    code: str
    kind: str
    year: int
    quarter: int | None
    end: date

    @property
    def month(self) -> int:
        """Index (1..12) of the month of ``end`` in the year."""
        return self.end.month

    @property
    def label_vi(self) -> str:
        if self.kind == QUARTER:
            return f"Quý {_ROMAN[self.quarter or 0]} năm {self.year}"
        if self.kind == HALF_YEAR:
            half = "đầu" if self.end.month == 6 else "cuối"
            return f"6 tháng {half} năm {self.year}"
        if self.kind == YEAR:
            return f"Năm {self.year}"
        return f"Đột xuất ngày {self.end:%d/%m/%Y}"


@lru_cache(maxsize=256)
def parse_period(text: str) -> ReportPeriod:
    """Read a period code; ``ValueError`` (Vietnamese message) for anything else."""
    shape = "2027-Q1 … 2027-Q4, 2027-H1, 2027-H2, 2027 hoặc ngày 2027-05-10"
    match = _SHAPE.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        raise InputError(f"Kỳ báo cáo {text!r} không hợp lệ; dùng một trong các dạng {shape}.")
    year = int(match["year"])
    if year < 1:
        raise InputError(f"Kỳ báo cáo {text!r} có năm không hợp lệ.")
    if match["quarter"]:
        quarter = int(match["quarter"])
        if not 1 <= quarter <= 4:
            raise InputError(f"Kỳ báo cáo {text!r}: quý phải từ 1 đến 4 (Q1 … Q4).")
        return ReportPeriod(
            f"{year}-Q{quarter}", QUARTER, year, quarter, month_end(year, 3 * quarter)
        )
    if match["half"]:
        half = int(match["half"])
        if half not in (1, 2):
            raise InputError(f"Kỳ báo cáo {text!r}: nửa năm phải là H1 hoặc H2.")
        return ReportPeriod(f"{year}-H{half}", HALF_YEAR, year, None, month_end(year, 6 * half))
    if match["month"]:
        try:
            day = date(year, int(match["month"]), int(match["day"]))
        except ValueError:
            raise InputError(f"Kỳ báo cáo {text!r}: ngày không tồn tại.") from None
        return ReportPeriod(day.isoformat(), AD_HOC, year, None, day)
    return ReportPeriod(str(year), YEAR, year, None, date(year, 12, 31))


def runs_in(start_year: int, end_year: int, year: int) -> bool:
    """Whether a task of the years ``start_year``–``end_year`` runs in ``year``: the one rule by
    which a task belongs to the year registered, proposed, decided and planned (R34)."""
    return start_year <= year <= end_year


def rates_whole_period(period: ReportPeriod, section: str, end_year: int) -> bool:
    """Whether ``period``'s report is a period task's whole-period report: the annual report of
    its final year (Art. 5.1 d; form 03, column 7 "theo năm và giai đoạn"; R30).  The one rule
    for the rating, the deadline and the form's title."""
    return period.kind == "year" and section == "B" and period.year == end_year


def year_at_fault(section: str, start_year: int, end_year: int, year: int) -> str | None:
    """Of a task that does not run in ``year``, the year to correct: ``"start_year"`` (an
    annual task, or a period task starting after ``year``) or ``"end_year"`` (a period task ending
    before it); ``None`` when the task runs in ``year``."""
    if runs_in(start_year, end_year, year):
        return None
    return "start_year" if section == "A" or start_year > year else "end_year"
