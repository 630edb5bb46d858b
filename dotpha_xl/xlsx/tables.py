"""Readers of the two input tables: the roster of cadres and the assignments of tasks.

Both are Excel workbooks filled by hand.  The sheet read is the one whose name looks like the
table's Vietnamese title (``Danh sách cán bộ``, ``Giao việc``), else the first sheet.  The first
non-empty row holds the headers: a column is found by its key (``cadre_id``) or its Vietnamese
label (``Mã cán bộ``), compared without case, diacritics or punctuation; other columns are
ignored.  Cell values are read with python-calamine.

Nothing here raises on bad data.  Every problem is a :class:`~dotpha_xl.kernel.problems.Problem`
that names the file, the sheet and the cell; a row with an error is left out of the result and every
other row is kept.  The column layout is described in ``docs/formats.md``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from dotpha_xl.kernel.problems import Problem, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import as_text, fold, parse_flag
from dotpha_xl.records.people import ANNUAL, PERIOD, Assignment, Assignments, Cadre, Roster
from dotpha_xl.xlsx.safe_open import open_workbook
from dotpha_xl.xlsx.user_text import user_text

__all__ = ["STATUSES", "read_assignments", "read_decided_ratings", "read_receipts", "read_roster"]

#: Status keys and their Vietnamese labels (the first label is the one shown).
STATUSES: dict[str, tuple[str, ...]] = {
    "active": ("đang công tác",),
    "moved": ("chuyển công tác",),
    "retired": ("nghỉ hưu", "đã nghỉ hưu"),
    "resigned": ("xin nghỉ", "nghỉ việc"),
    "stopped": ("dừng thực hiện",),
}

_SECTIONS: dict[str, str] = {
    "a": ANNUAL,
    "nam": ANNUAL,
    "theo nam": ANNUAL,
    "viec theo nam": ANNUAL,
    "b": PERIOD,
    "giai doan": PERIOD,
    "theo giai doan": PERIOD,
    "viec theo giai doan": PERIOD,
}

BYTES_NAME = "<bytes>"
_YEAR_RANGE = (1900, 2200)


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    key: str
    labels: tuple[str, ...]
    required: bool = False

    @property
    def label(self) -> str:
        return self.labels[0]


ROSTER_TITLES = ("Danh sách cán bộ", "roster")
ROSTER_COLUMNS: tuple[_Column, ...] = (
    _Column("cadre_id", ("Mã cán bộ", "Mã CB"), True),
    _Column("full_name", ("Họ và tên", "Họ tên"), True),
    _Column("position", ("Chức vụ, chức danh", "Chức vụ", "Chức danh"), True),
    _Column("unit", ("Cơ quan công tác", "Đơn vị", "Đơn vị công tác"), True),
    _Column("body", ("Cơ quan thẩm định", "Cơ quan thẩm định, đề xuất"), True),
    _Column("provincial_committee_member", ("Tỉnh ủy viên",)),
    _Column("status", ("Trạng thái",)),
    _Column("appointed_on", ("Ngày bổ nhiệm",)),
    _Column("predecessor_id", ("Mã người tiền nhiệm",)),
    _Column("left_on", ("Ngày thôi giữ chức vụ",)),
)

ASSIGNMENT_TITLES = ("Giao việc", "Danh sách giao việc", "assignments")
ASSIGNMENT_COLUMNS: tuple[_Column, ...] = (
    _Column("cadre_id", ("Mã cán bộ", "Mã CB"), True),
    _Column("section", ("Loại việc",), True),
    _Column("task_no", ("Số thứ tự việc", "STT việc"), True),
    _Column("title", ("Tên việc",), True),
    _Column("start_year", ("Năm bắt đầu",), True),
    _Column("end_year", ("Năm kết thúc",), True),
    _Column("basis", ("Căn cứ",)),
    _Column("targets", ("Chỉ tiêu", "Chỉ tiêu chủ yếu")),
    _Column("assigned_on", ("Ngày giao",)),
    _Column("carried_from", ("Chuyển tiếp từ",)),
    _Column("origin", ("Nguồn việc",)),
)

RECEIPT_TITLES = ("Thời điểm nhận", "Sổ nhận", "receipts")
RECEIPT_COLUMNS: tuple[_Column, ...] = (
    _Column("file", ("Tên tệp", "Tệp", "Tệp báo cáo", "Tên file"), True),
    _Column("received", ("Thời điểm nhận", "Ngày nhận", "Ngày giờ nhận", "Nhận lúc"), True),
)

DECIDED_RATING_TITLES = ("Xếp loại", "Kết quả xếp loại", "ratings")
DECIDED_RATING_COLUMNS: tuple[_Column, ...] = (
    _Column("cadre_id", ("Mã cán bộ", "Mã CB"), True),
    _Column("task_key", ("Mã việc", "Việc")),
    _Column("decided_rating", ("Mức xếp loại", "Xếp loại", "Mức quyết định", "rating"), True),
)

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _header_key(value: str) -> str:
    """``"Chức vụ, chức danh (*)"`` → ``"chuc vu chuc danh"``; ``"cadre_id"`` → ``"cadre id"``."""
    return _NOT_WORD.sub(" ", fold(value)).strip()


def column_letter(index: int) -> str:
    """0 → ``"A"``, 25 → ``"Z"``, 26 → ``"AA"``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cell(row: int, col: int) -> str:
    """A1 address from 0-based row and column."""
    return f"{column_letter(col)}{row + 1}"


# --------------------------------------------------------------------------------------------
# Opening the workbook
# --------------------------------------------------------------------------------------------


Source = str | os.PathLike[str] | bytes | BinaryIO


def _default_name(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return BYTES_NAME


def _unreadable(refused: Problem, file: str) -> Problem:
    """The table readers' one code for a refused file; the specific code is kept as its value."""
    return replace(
        refused,
        code="file_unreadable",
        value=refused.code,
        message=refused.message,
        hint=refused.hint,
    ).at(file=file)


@dataclass
class _Table:
    """The rows of one sheet, with its header found and its columns located."""

    file: str
    sheet: str
    header_row: int  # 0-based
    columns: dict[str, int]  # key -> 0-based column
    rows: list[tuple[int, list[Any]]]  # (0-based row, cells)
    problems: list[Problem]

    def where(self, row: int, col: int) -> dict[str, str]:
        return {"file": self.file, "sheet": self.sheet, "cell": _cell(row, col)}


def _pick_sheet(names: list[str], titles: Iterable[str]) -> int:
    wanted = [_header_key(t) for t in titles]
    for index, sheet in enumerate(names):
        key = _header_key(sheet)
        if any(key == w or key.startswith(w + " ") for w in wanted):
            return index
    return 0


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _load(
    source: Source,
    settings: Settings,
    name: str | None,
    titles: tuple[str, ...],
    columns: tuple[_Column, ...],
) -> _Table:
    file = name if name is not None else _default_name(source)
    opened = open_workbook(source, settings.limits, name=file)
    if opened.book is None:
        return _Table(file, "", 0, {}, [], [_unreadable(p, file) for p in opened.problems])
    book, warnings = opened.book, list(opened.problems)  # e.g. file_macro
    try:
        names = list(book.sheet_names)
        if not names:
            fail = problem("file_unreadable", value="tệp không có trang tính nào").at(file=file)
            return _Table(file, "", 0, {}, [], [fail])
        index = _pick_sheet(names, titles)
        sheet = names[index]
        grid = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
    except Exception as exc:  # a broken sheet is the user's file, not a bug
        reason = f"không đọc được nội dung ({type(exc).__name__})"
        return _Table(file, "", 0, {}, [], [problem("file_unreadable", value=reason).at(file=file)])
    finally:
        book.close()

    non_empty = [(r, cells) for r, cells in enumerate(grid) if not all(map(_blank, cells))]
    if not non_empty:
        fail = problem("table_empty", value=sheet).at(file=file, sheet=sheet, cell="A1")
        return _Table(file, sheet, 0, {}, [], [*warnings, fail])

    header_row, header = non_empty[0]
    table = _Table(file, sheet, header_row, {}, non_empty[1:], warnings)
    lookup: dict[str, _Column] = {}
    for column in columns:
        for text in (column.key, *column.labels):
            lookup[_header_key(text)] = column
    for col, value in enumerate(header):
        column = lookup.get(_header_key(as_text(value)))
        if column is None:
            continue
        if column.key in table.columns:
            first = _cell(header_row, table.columns[column.key])
            table.problems.append(
                problem("duplicate_column", value=as_text(value), expected=first).at(
                    **table.where(header_row, col)
                )
            )
            continue
        table.columns[column.key] = col

    first_cell = _first_cell(header_row, header)
    for column in columns:
        if column.required and column.key not in table.columns:
            table.problems.append(
                problem("column_missing", value=column.label, expected=column.label).at(
                    file=file, sheet=sheet, cell=first_cell
                )
            )
    if any(p.code == "column_missing" for p in table.problems):
        table.rows = []
    elif not table.rows:
        table.problems.append(problem("table_without_rows", value=sheet).at(file=file, sheet=sheet))
    return table


def _first_cell(row: int, cells: list[Any]) -> str:
    for col, value in enumerate(cells):
        if not _blank(value):
            return _cell(row, col)
    return _cell(row, 0)


# --------------------------------------------------------------------------------------------
# Reading one row
# --------------------------------------------------------------------------------------------


class _Row:
    """One data row: typed access to its cells; problems are collected, never raised."""

    def __init__(self, table: _Table, columns: tuple[_Column, ...], row: int, cells: list[Any]):
        self.table = table
        self.row = row
        self.cells = cells
        self.labels = {c.key: c.label for c in columns}
        self.ok = True

    @property
    def number(self) -> int:
        """The row number shown by Excel (1-based)."""
        return self.row + 1

    def raw(self, key: str) -> Any:
        col = self.table.columns.get(key)
        if col is None or col >= len(self.cells):
            return None
        value = self.cells[col]
        return None if _blank(value) else value

    def report(self, code: str, key: str, *, error: bool = True, **fields: Any) -> None:
        fields.setdefault("field", self.labels[key])
        found = problem(code, **fields)
        self.table.problems.append(found.at(**self.table.where(self.row, self.table.columns[key])))
        if error:
            self.ok = False

    def text(self, key: str, *, required: bool = False) -> str:
        """A text cell through the one hook for typed text (NFC; TCVN3 or VNI converted with a
        warning at the cell)."""
        col = self.table.columns.get(key)
        value = (
            ""
            if col is None
            else user_text(self.raw(key), self.table.problems, **self.table.where(self.row, col))
        )
        if required and not value:
            self.report("value_missing", key)
        return value

    def integer(self, key: str, *, required: bool = False) -> int | None:
        value = self.raw(key)
        if value is None:
            if required:
                self.report("value_missing", key)
            return None
        number = _integer(value)
        if number is None:
            self.report("bad_integer", key, value=as_text(value))
        return number

    def year(self, key: str, *, required: bool = False) -> int | None:
        number = self.integer(key, required=required)
        if number is not None and not _YEAR_RANGE[0] <= number <= _YEAR_RANGE[1]:
            self.report("bad_year", key, value=number)
            return None
        return number

    def date(self, key: str) -> date | None:
        value = self.raw(key)
        if value is None:
            return None
        day = _date(value)
        if day is None:
            self.report("bad_date", key, value=as_text(value))
        return day

    def moment(self, key: str) -> datetime | None:
        """A date and time: a date cell, an Excel serial number, or text ``dd/mm/yyyy`` (with
        ``hh:mm`` or ``hh:mm:ss`` after it) or ISO; anything else is ``bad_date`` at the cell."""
        value = self.raw(key)
        if value is None:
            return None
        moment = _moment(value)
        if moment is None:
            self.report("bad_date", key, value=as_text(value))
        return moment


_EXCEL_EPOCH = datetime(1899, 12, 30)
_DMY_TIME = re.compile(
    r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
    r"(?:[ T,]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?"
)


def _moment(value: Any) -> datetime | None:
    from datetime import timedelta

    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
        if not math.isfinite(number) or not 1 <= number < 2958466:  # Excel's range of dates
            return None
        return _EXCEL_EPOCH + timedelta(days=round(number * 86400) / 86400)
    if not isinstance(value, str):
        return None
    text = as_text(value)
    if match := _DMY_TIME.fullmatch(text):
        day, month, year = (int(g) for g in match.groups()[:3])
        hour, minute, second = (int(g or 0) for g in match.groups()[3:])
        try:
            return datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = as_text(value)
        if re.fullmatch(r"[0-9]+", text):
            return int(text)
    return None


_DMY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = as_text(value)
    if match := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _status(value: str) -> str | None:
    if not value:
        return "active"
    key = fold(value)
    for status, labels in STATUSES.items():
        if key == status or key in (fold(label) for label in labels):
            return status
    return None


def _body(value: str, bodies: dict[str, str]) -> str | None:
    key = fold(value)
    for code, name in bodies.items():
        if key in (fold(code), fold(name)):
            return code
    return None


def _section(value: str) -> str | None:
    return _SECTIONS.get(_header_key(value))


# --------------------------------------------------------------------------------------------
# The roster
# --------------------------------------------------------------------------------------------


def read_roster(source: Source, settings: Settings, *, name: str | None = None) -> Roster:
    """Read the roster of cadres (``Danh sách cán bộ``) from a path or a binary file object."""
    table = _load(source, settings, name, ROSTER_TITLES, ROSTER_COLUMNS)
    cadres: dict[str, Cadre] = {}
    seen: dict[str, int] = {}  # cadre_id -> first row number, including rows with errors
    predecessors: list[tuple[_Row, str]] = []
    status_labels = ", ".join(f"{labels[0]} ({key})" for key, labels in STATUSES.items())

    for index, cells in table.rows:
        row = _Row(table, ROSTER_COLUMNS, index, cells)
        cadre_id = row.text("cadre_id", required=True)
        full_name = row.text("full_name", required=True)
        position = row.text("position", required=True)
        unit = row.text("unit", required=True)

        body_text = row.text("body", required=True)
        body = _body(body_text, settings.bodies) if body_text else None
        if body_text and body is None:
            row.report("unknown_body", "body", value=body_text, expected=", ".join(settings.bodies))

        member = False
        member_raw = row.raw("provincial_committee_member")
        try:
            member = parse_flag(member_raw)
        except ValueError:
            row.report("bad_flag", "provincial_committee_member", value=as_text(member_raw))

        status_text = row.text("status")
        status = _status(status_text)
        if status is None:
            row.report("unknown_status", "status", value=status_text, expected=status_labels)

        appointed_on = row.date("appointed_on")
        left_on = row.date("left_on")
        predecessor_id = row.text("predecessor_id")

        if cadre_id:
            if cadre_id in seen:
                row.report("duplicate_id", "cadre_id", value=cadre_id, expected=seen[cadre_id])
            else:
                seen[cadre_id] = row.number
        if not row.ok:
            continue
        if predecessor_id:
            predecessors.append((row, predecessor_id))
        cadres[cadre_id] = Cadre(
            cadre_id=cadre_id,
            full_name=full_name,
            position=position,
            unit=unit,
            body=body or "",
            provincial_committee_member=member,
            status=status or "active",
            appointed_on=appointed_on,
            predecessor_id=predecessor_id,
            left_on=left_on,
            row=row.number,
        )

    for row, predecessor_id in predecessors:
        if predecessor_id not in seen:
            row.report("predecessor_not_on_roster", "predecessor_id", value=predecessor_id)
    table.problems.sort(key=_problem_order)
    return Roster(cadres=cadres, problems=table.problems, file=table.file)


# --------------------------------------------------------------------------------------------
# The assignments
# --------------------------------------------------------------------------------------------


def read_assignments(
    source: Source,
    settings: Settings,
    roster: Roster | None = None,
    *,
    name: str | None = None,
) -> Assignments:
    """Read the assignments table (``Giao việc``); with ``roster``, check every cadre is on it."""
    table = _load(source, settings, name, ASSIGNMENT_TITLES, ASSIGNMENT_COLUMNS)
    rows: list[Assignment] = []
    seen: set[tuple[str, str, int]] = set()
    lengths = ", ".join(str(n) for n in settings.period_lengths)

    for index, cells in table.rows:
        row = _Row(table, ASSIGNMENT_COLUMNS, index, cells)
        cadre_id = row.text("cadre_id", required=True)
        if cadre_id and roster is not None and cadre_id not in roster.cadres:
            row.report("cadre_not_on_roster", "cadre_id", value=cadre_id)

        section_text = row.text("section", required=True)
        section = _section(section_text) if section_text else None
        if section_text and section is None:
            row.report("unknown_section", "section", value=section_text)

        task_no = row.integer("task_no", required=True)
        if task_no is not None and task_no < 1:
            row.report("bad_task_no", "task_no", value=task_no)
            task_no = None

        title = row.text("title", required=True)
        start = row.year("start_year", required=True)
        end_given = row.raw("end_year") is not None
        end = row.year("end_year", required=section == PERIOD)
        if not end_given and section == ANNUAL:
            end = start

        if start is not None and end is not None and section is not None and end_given:
            if end < start:
                row.report("end_before_start", "end_year", value=end, expected=start)
            elif section == ANNUAL and end != start:
                row.report("annual_task_spans_years", "end_year", value=f"{start}–{end}")
            elif section == PERIOD and end - start + 1 not in settings.period_lengths:
                row.report("bad_period_length", "end_year", value=end - start + 1, expected=lengths)

        basis = row.text("basis")
        targets = row.text("targets")
        assigned_on = row.date("assigned_on")
        carried_from = row.text("carried_from")
        origin = row.text("origin")

        if cadre_id and section and task_no is not None:
            key = (cadre_id, section, task_no)
            if key in seen:
                row.report("duplicate_task", "task_no", value=f"{section}{task_no}")
            seen.add(key)
        if not row.ok:
            continue
        assert section is not None and task_no is not None
        assert start is not None and end is not None
        rows.append(
            Assignment(
                cadre_id=cadre_id,
                section=section,
                task_no=task_no,
                title=title,
                start_year=start,
                end_year=end,
                basis=basis,
                targets=targets,
                assigned_on=assigned_on,
                carried_from=carried_from,
                row=row.number,
                origin=origin,
            )
        )
    table.problems.sort(key=_problem_order)
    return Assignments(rows=rows, problems=table.problems, file=table.file)


def _problem_order(found: Problem) -> tuple[int, int]:
    """Problems in sheet order: by row, then by column (file-level ones first)."""
    match = re.fullmatch(r"([A-Z]+)([0-9]+)", found.cell)
    if not match:
        return (0, 0)
    col = 0
    for letter in match[1]:
        col = col * 26 + ord(letter) - ord("A") + 1
    return (int(match[2]), col)


# --------------------------------------------------------------------------------------------
# The receipts and the decided ratings
# --------------------------------------------------------------------------------------------


@dataclass
class SideTable:
    """A side table read: its rows as values, and its problems at their cells."""

    file: str
    values: dict[Any, Any]
    problems: list[Problem]

    @property
    def usable(self) -> bool:
        """Whether the table could be read at all (opened, its required columns found)."""
        return table_usable(self.problems)


def table_usable(problems: Iterable[Problem]) -> bool:
    """Whether a side table with these problems could be read at all: opened, not empty, its
    required columns found (its rows may still have problems of their own)."""
    unusable = ("file_unreadable", "column_missing", "table_empty")
    return not any(p.code in unusable for p in problems)


def read_receipts(source: Source, settings: Settings, *, name: str | None = None) -> SideTable:
    """File name (or its path inside the inbox) -> when it was received, from the receipts table
    (``Tên tệp``/``file``, ``Thời điểm nhận``/``received``): dates as date cells, Excel serial
    numbers or text ``dd/mm/yyyy [hh:mm]``."""
    table = _load(source, settings, name, RECEIPT_TITLES, RECEIPT_COLUMNS)
    out: dict[str, datetime] = {}
    for index, cells in table.rows:
        row = _Row(table, RECEIPT_COLUMNS, index, cells)
        file = row.text("file", required=True).replace("\\", "/")
        received = row.moment("received")
        if received is None and row.ok:
            row.report("value_missing", "received")
        if row.ok and file and received is not None:
            out[file] = received
    table.problems.sort(key=_problem_order)
    return SideTable(table.file, out, table.problems)


def read_decided_ratings(
    source: Source, settings: Settings, *, name: str | None = None
) -> SideTable:
    """(cadre id, task key or "") -> the rating decided, from a table (``Mã cán bộ``/``cadre_id``,
    ``Mã việc``/``task_key``, ``Mức xếp loại``/``decided_rating``)."""
    from dotpha_xl.kernel.text import parse_rating

    table = _load(source, settings, name, DECIDED_RATING_TITLES, DECIDED_RATING_COLUMNS)
    out: dict[tuple[str, str], str] = {}
    for index, cells in table.rows:
        row = _Row(table, DECIDED_RATING_COLUMNS, index, cells)
        cadre_id = row.text("cadre_id", required=True)
        task_key = row.text("task_key")
        raw = row.raw("decided_rating")
        try:
            level = parse_rating(raw)
        except ValueError:
            row.report("rating_unreadable", "decided_rating", value=as_text(raw))
            continue
        if row.ok and cadre_id and level:
            out[(cadre_id, task_key)] = level
    table.problems.sort(key=_problem_order)
    return SideTable(table.file, out, table.problems)
