"""An annotated copy of a user's workbook: bad cells highlighted and commented, and a first sheet
listing every problem.  The input file is never touched; the copy is written atomically."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from dotpha_xl.kernel.problems import ERROR, Problem
from dotpha_xl.store.atomic import write_bytes_atomic

PROBLEM_SHEET = "Lỗi cần sửa"
RED = PatternFill("solid", start_color="FFF8CBAD", end_color="FFF8CBAD")
AMBER = PatternFill("solid", start_color="FFFFE699", end_color="FFFFE699")
FONT = Font(name="Times New Roman", size=12)
BOLD = Font(name="Times New Roman", size=12, bold=True)


def annotate_copy(source: str | Path, problems: Sequence[Problem], target: str | Path) -> Path:
    """Write ``target``: a copy of ``source`` with each problem's cell marked."""
    return write_bytes_atomic(target, annotated_bytes(source, problems))


def annotated_bytes(source: str | Path | BinaryIO, problems: Sequence[Problem]) -> bytes:
    """The annotated copy of ``source`` (a path or a binary file object) as bytes."""
    book = openpyxl.load_workbook(source)
    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.sheet in book.sheetnames and p.cell:
            by_cell[(p.sheet, p.cell)].append(p)
    for (sheet_name, cell), found in by_cell.items():
        target_cell = book[sheet_name][cell]
        is_error = any(p.severity == ERROR for p in found)
        target_cell.fill = RED if is_error else AMBER
        text = "\n\n".join(f"[{p.code}] {p.message}\n→ {p.hint}" for p in found)
        comment = Comment(text, "dotpha")
        comment.width = 360
        comment.height = 120 + 60 * len(found)
        target_cell.comment = comment
    _problem_sheet(book, problems)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _problem_sheet(book: openpyxl.Workbook, problems: Sequence[Problem]) -> None:
    if PROBLEM_SHEET in book.sheetnames:
        del book[PROBLEM_SHEET]
    sheet = book.create_sheet(PROBLEM_SHEET, 0)
    headers = ("Mức", "Mã lỗi", "Trang", "Ô", "Nội dung", "Cách sửa")
    widths = (10, 24, 14, 8, 70, 60)
    for c, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(1, c, text)
        cell.font = BOLD
        sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width = width
    for r, p in enumerate(problems, start=2):
        level = "Lỗi" if p.severity == ERROR else "Chú ý"
        for c, value in enumerate((level, p.code, p.sheet, p.cell, p.message, p.hint), start=1):
            cell = sheet.cell(r, c)
            cell.value = value
            cell.data_type = "s"
            cell.font = FONT
    if not problems:
        sheet.cell(2, 1, "Không có lỗi.").font = FONT
    book.active = 0
