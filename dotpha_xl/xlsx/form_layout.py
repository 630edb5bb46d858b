"""The frame every cadre's form shares (forms 01–03): the form's number, its title, the cadre's
name, position and unit, the two header rows with the column numbers under them, the hidden key
row of the contract, the signature block, and sheet protection that still lets rows be inserted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dotpha_xl.xlsx.contract import KEY_MARKER, cell_name
from dotpha_xl.xlsx.styles import Formats

HEADER_FIRST_ROW = 6
KEY_ROW = 9
FIRST_DATA_ROW = 10


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int


@dataclass(frozen=True)
class Person:
    cadre_id: str
    full_name: str
    position: str
    unit: str


def column_index(columns: Sequence[Column]) -> dict[str, int]:
    """Column key -> 0-based sheet column (column A is the hidden key column)."""
    return {c.key: i for i, c in enumerate(columns, start=1)}


def write_form_top(
    sheet: Any,
    fmt: Formats,
    columns: Sequence[Column],
    *,
    form_label: str,
    title: str,
    person: Person,
) -> None:
    last = len(columns)
    sheet.set_column(0, 0, 14, fmt["key"], {"hidden": True})
    for i, column in enumerate(columns, start=1):
        sheet.set_column(i, i, column.width)
    sheet.write_string(0, last, form_label, fmt["right_italic"])
    sheet.merge_range(1, 1, 1, last, title, fmt["title"])
    sheet.set_row(1, 40)
    lines = (
        ("Họ và tên", person.full_name),
        ("Chức vụ, chức danh", person.position),
        ("Cơ quan công tác", person.unit),
    )
    for r, (label, value) in enumerate(lines, start=2):
        sheet.merge_range(r, 1, r, last, f"{label}: {value}", fmt["label"])


def write_header(
    sheet: Any,
    fmt: Formats,
    columns: Sequence[Column],
    groups: Sequence[tuple[str, str, str]] = (),
    *,
    height: float = 80,
    first_row: int = HEADER_FIRST_ROW,
    top_height: float = 36,
) -> None:
    """Two header rows from ``first_row``: ``groups`` (first key, last key, label) span the top
    row over their columns; every other column's header spans both rows.  Column numbers 1..n
    below."""
    index = column_index(columns)
    h = first_row
    grouped: set[int] = set()
    for first, last, label in groups:
        a, b = index[first], index[last]
        sheet.merge_range(h, a, h, b, label, fmt["header"])
        for c in range(a, b + 1):
            sheet.write_string(h + 1, c, columns[c - 1].header, fmt["header"])
            grouped.add(c)
    for c, column in enumerate(columns, start=1):
        if c not in grouped:
            sheet.merge_range(h, c, h + 1, c, column.header, fmt["header"])
        sheet.write_number(h + 2, c, c, fmt["header_number"])
    sheet.set_row(h, top_height)
    sheet.set_row(h + 1, height)


def write_percent_input(
    sheet: Any, fmt: Formats, r: int, c: int, value: Any, *, title: str, message: str, error: str
) -> None:
    """An unlocked percent cell (``value`` in percent points, or blank) that accepts 0–100 %,
    with Vietnamese input and error messages."""
    write_percent_value(sheet, fmt, r, c, value)
    validate_percent(sheet, [(r, c)], title=title, message=message, error=error)


def write_percent_value(sheet: Any, fmt: Formats, r: int, c: int, value: Any) -> None:
    """An unlocked percent cell (``value`` in percent points, or blank), not yet validated."""
    if value is None:
        sheet.write_blank(r, c, None, fmt["input_percent"])
    else:
        sheet.write_number(r, c, float(value / 100), fmt["input_percent"])


def validate_percent(
    sheet: Any, cells: Sequence[tuple[int, int]], *, title: str, message: str, error: str
) -> None:
    """Let ``cells`` (row, column) accept 0–100 % only, with Vietnamese input and error
    messages: one data validation over all of them (one per cell made big, slow files)."""
    if not cells:
        return
    r, c = cells[0]
    options = {
        "validate": "decimal",
        "criteria": "between",
        "minimum": 0,
        "maximum": 1,
        "input_title": title,
        "input_message": message,
        "error_title": "Tỷ lệ không hợp lệ",
        "error_message": error,
        "error_type": "stop",
    }
    if len(cells) > 1:
        options["multi_range"] = " ".join(cell_name(row, col) for row, col in cells)
    sheet.data_validation(r, c, r, c, options)


def write_key_row(sheet: Any, fmt: Formats, columns: Sequence[Column]) -> None:
    sheet.write_string(KEY_ROW, 0, KEY_MARKER, fmt["key"])
    for c, column in enumerate(columns, start=1):
        sheet.write_string(KEY_ROW, c, column.key, fmt["key"])
    sheet.set_row(KEY_ROW, None, None, {"hidden": True})


def write_signature(sheet: Any, fmt: Formats, row: int, first: int, last: int, name: str) -> int:
    """The cadre's date and signature block from ``row``; returns the next free row."""
    sheet.merge_range(
        row, first, row, last, "Ngày ..... tháng ..... năm .....", fmt["heading_date"]
    )
    sheet.merge_range(row + 1, first, row + 1, last, "CÁN BỘ", fmt["signature"])
    sheet.merge_range(
        row + 2, first, row + 2, last, "(Ký tên, ghi rõ họ tên)", fmt["italic_center"]
    )
    sheet.merge_range(row + 6, first, row + 6, last, name, fmt["signature"])
    return row + 7


def protect_form(sheet: Any) -> None:
    """Protect without a password; rows may still be inserted (a new item) and sized."""
    sheet.protect(
        "",
        {
            "insert_rows": True,
            "delete_rows": True,
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )


def write_guide(sheet: Any, fmt: Formats, lines: Sequence[str]) -> None:
    """The "Hướng dẫn" sheet: a title and numbered lines, printable on A4 portrait."""
    from dotpha_xl.xlsx.styles import print_setup

    # 80 characters: the width of A4 portrait within the margins, so the guide prints at 100 %;
    # each line's row is as high as its wrapped text (no reader grows it on opening).
    width = GUIDE_WIDTH
    sheet.set_column(0, 0, width)
    for r, line in enumerate(lines):
        if r == 0:
            sheet.write_string(r, 0, line, fmt["title"])
            sheet.set_row(r, TITLE_LINE_HEIGHT * text_lines(line, width * 12 / 14))
        else:
            sheet.write_string(r, 0, line, fmt["label"])
            fit_row(sheet, r, [(line, width)])
    print_setup(sheet, landscape=False)
    sheet.protect()


LINE_HEIGHT = 15.75  # points per line of 12 pt Times New Roman
TITLE_LINE_HEIGHT = 19.5  # points per line of a 14 pt title
GUIDE_WIDTH = 80


@lru_cache(maxsize=4096)
def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (an estimate
    on the generous side: LibreOffice and Excel do not grow rows a writer left unsized)."""
    usable = max(width - 1, 1) * 1.05
    return sum(max(1, -(-len(part) // int(usable))) for part in (text or "").split("\n"))


def row_height(cells: Sequence[tuple[str, float]], *, minimum: int = 1) -> float | None:
    """The height in points that holds the longest of a row's wrapped texts (``None``: the
    default height does)."""
    lines = max([minimum, *(text_lines(text, width) for text, width in cells)])
    return LINE_HEIGHT * lines if lines > 1 else None


def fit_row(sheet: Any, row: int, cells: Sequence[tuple[str, float]], *, minimum: int = 1) -> None:
    """Set a row's height to hold the longest of its wrapped texts."""
    height = row_height(cells, minimum=minimum)
    if height is not None:
        sheet.set_row(row, height)
