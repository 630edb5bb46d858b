"""The carry-over workbook: sheet "Giao việc" holds assignments rows of the next year (readable by
``read_assignments`` and ``template plan``), sheet "Nội dung chưa hoàn thành" the unfinished
items of each carried task, which ``template plan`` lists above the task's tree."""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from dotpha_xl.kernel.settings import Limits
from dotpha_xl.xlsx.styles import Formats, new_workbook
from dotpha_xl.xlsx.tenure_blocks import CarriedItem

ASSIGNMENT_SHEET = "Giao việc"
ITEMS_SHEET = "Nội dung chưa hoàn thành"
ASSIGNMENT_HEADER = (
    "cadre_id", "section", "task_no", "title", "start_year", "end_year", "carried_from",
)  # fmt: skip
ITEMS_HEADER = (
    "cadre_id", "task_key", "carried_from", "item_key", "content", "product", "completion",
    "left",
)  # fmt: skip


def write_carry_over(carried: Sequence[Any], year: int) -> bytes:
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    fmt = Formats(book)
    rows = book.add_worksheet(ASSIGNMENT_SHEET)
    items = book.add_worksheet(ITEMS_SHEET)
    rows.write_row(0, 0, ASSIGNMENT_HEADER, fmt["header"])
    items.write_row(0, 0, ITEMS_HEADER, fmt["header"])
    rows.set_column(0, 2, 12)
    rows.set_column(3, 3, 50)
    rows.set_column(4, 6, 14)
    items.set_column(0, 3, 14)
    items.set_column(4, 5, 40)
    r = i = 1
    for c in carried:
        number = int(c.task_key[1:])
        values = (c.cadre_id, "A", number, c.title, year, year, c.from_task)
        for col, value in enumerate(values):
            if isinstance(value, int):
                rows.write_number(r, col, value)
            else:
                rows.write_string(r, col, value)
        r += 1
        for item in c.items:
            left = Fraction(100) - item.completion
            texts = (c.cadre_id, c.task_key, c.from_task, item.key, item.content, item.product)
            for col, text in enumerate(texts):
                items.write_string(i, col, text)
            items.write_number(i, 6, float(item.completion / 100), fmt["percent"])
            items.write_number(i, 7, float(left / 100), fmt["percent"])
            i += 1
    book.close()
    return buffer.getvalue()


def read_carried_items(
    path: Path, limits: Limits | None = None
) -> dict[tuple[str, str], list[CarriedItem]]:
    """(cadre id, task key) -> its unfinished items; empty when the file has no such sheet.

    The file is opened safely (``safe_open``); a file refused there, or a completion that is
    not a percentage, is a usage error naming the file and the cell, never a traceback."""
    from python_calamine import CalamineError

    from dotpha_xl.kernel.errors import InputError
    from dotpha_xl.kernel.settings import default_settings
    from dotpha_xl.kernel.text import PercentError, as_text, parse_percent
    from dotpha_xl.xlsx.contract import cell_name
    from dotpha_xl.xlsx.safe_open import open_workbook

    opened = open_workbook(path, limits or default_settings().limits)
    if opened.book is None:
        shown = "; ".join(p.message for p in opened.problems)
        raise InputError(f"Bảng việc chuyển tiếp '{path}' không dùng được: {shown}")
    book = opened.book
    try:
        if ITEMS_SHEET not in book.sheet_names:
            return {}
        rows = book.get_sheet_by_name(ITEMS_SHEET).to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise InputError(
            f"Bảng việc chuyển tiếp '{path}': không đọc được trang '{ITEMS_SHEET}' ({exc})."
        ) from exc
    finally:
        book.close()
    out: dict[tuple[str, str], list[CarriedItem]] = {}
    for r, row in enumerate(rows[1:], start=1):
        cells = [*row, *[""] * len(ITEMS_HEADER)]
        cadre, task = as_text(cells[0]).strip(), as_text(cells[1]).strip()
        if not cadre or not task:
            continue
        try:
            done = parse_percent(cells[6]) or Fraction(0)
        except PercentError:
            done = None
        if done is None or not 0 <= done <= 100:
            raise InputError(
                f"Bảng việc chuyển tiếp '{path}', trang '{ITEMS_SHEET}', ô {cell_name(r, 6)}: "
                f"'{as_text(cells[6])}' không phải tỷ lệ phần trăm từ 0% đến 100%."
            )
        out.setdefault((cadre, task), []).append(
            CarriedItem(as_text(cells[3]), as_text(cells[4]), as_text(cells[5]), done)
        )
    return out
