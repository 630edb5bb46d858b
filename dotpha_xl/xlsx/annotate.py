"""An annotated copy of a user's workbook: bad cells highlighted and commented, and a first sheet
listing every problem.  The input file is never touched; the copy is written atomically.

The first sheet is what goes back to the cadre (by email, printed, or read on screen): a one page
wide A4 portrait document in Vietnamese with a title, the cadre, the form and period, the file,
then one row per problem, errors first: where (sheet, cell and the row in words), what is wrong,
how to fix it, and the problem's code last and small (outside tools match on it)."""

from __future__ import annotations

import contextlib
import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.worksheet import Worksheet

from dotpha_xl.kernel.keys import describe, parse_key
from dotpha_xl.kernel.problems import ERROR, Problem
from dotpha_xl.store.atomic import write_bytes_atomic
from dotpha_xl.xlsx.contract import FORM_LABELS, FORMS, KEY_MARKER, META_SHEET
from dotpha_xl.xlsx.form_layout import LINE_HEIGHT, text_lines

PROBLEM_SHEET = "Lỗi cần sửa"
RED = PatternFill("solid", start_color="FFF8CBAD", end_color="FFF8CBAD")
AMBER = PatternFill("solid", start_color="FFFFE699", end_color="FFFFE699")
HEADER_FILL = PatternFill("solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
GROUP_FILL = PatternFill("solid", start_color="FFF2F2F2", end_color="FFF2F2F2")
TNR = "Times New Roman"
FONT = Font(name=TNR, size=12)
BOLD = Font(name=TNR, size=12, bold=True)
TITLE = Font(name=TNR, size=14, bold=True)
SMALL = Font(name=TNR, size=8, color="FF595959")
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")

#: The problem table's columns: (header, width in characters).  80 in all: the width of A4
#: portrait within a Party document's margins (some 6 points a character in Times New Roman 12),
#: so the sheet prints at 100 %, one page wide.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 5),
    ("Ở đâu", 22),
    ("Lỗi", 27),
    ("Cách sửa", 19),
    ("Mã lỗi", 7),
)
SMALL_CHARS_PER_WIDTH = 1.6  # 8 pt characters fit about 1.6 times as many as 12 pt ones
PADDING = 4  # points above and below a wrapped problem row
#: Times New Roman 12 fits about 1.1 characters a width unit (form_layout.text_lines counts one, on
#: the generous side, for forms a cadre types into; this sheet's texts are known when written).
TIGHT = 1.1


def annotate_copy(source: str | Path, problems: Sequence[Problem], target: str | Path) -> Path:
    """Write ``target``: a copy of ``source`` with each problem's cell marked."""
    return write_bytes_atomic(target, annotated_bytes(source, problems))


def annotated_bytes(
    source: str | Path | BinaryIO, problems: Sequence[Problem], name: str | None = None
) -> bytes:
    """The annotated copy of ``source`` (a path or a binary file object) as bytes; ``name`` is
    the file's name as its problem sheet shows it (a path's own name by default)."""
    book = openpyxl.load_workbook(source)
    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.sheet in book.sheetnames and p.cell:
            by_cell[(p.sheet, p.cell)].append(p)
    for (sheet_name, cell), found in by_cell.items():
        target_cell = book[sheet_name][cell]
        is_error = any(p.severity == ERROR for p in found)
        target_cell.fill = RED if is_error else AMBER
        text = "\n\n".join(_comment_text(p) for p in found)
        comment = Comment(text, "dotpha")
        comment.width = 360
        comment.height = 120 + 60 * len(found)
        target_cell.comment = comment
    for form, (sheet_name, _) in FORMS.items():
        if sheet_name in book.sheetnames and form in ("plan", "report"):
            fit_typed_rows(book[sheet_name])
    if name is None:
        name = Path(source).name if isinstance(source, (str, Path)) else "tệp đã tải lên"
    _problem_sheet(book, problems, name)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _comment_text(p: Problem) -> str:
    hint = f"\nCách sửa: {p.hint}" if p.hint else ""
    return f"{p.message}{hint}\n(mã lỗi: {p.code})"


def ordered(problems: Sequence[Problem]) -> list[Problem]:
    """Errors before warnings, each in the order found."""
    return sorted(problems, key=lambda p: p.severity != ERROR)


def _meta(book: openpyxl.Workbook) -> dict[str, str]:
    if META_SHEET not in book.sheetnames:
        return {}
    out = {}
    for row in book[META_SHEET].iter_rows(min_col=1, max_col=2, values_only=True):
        if isinstance(row[0], str) and row[1] is not None:
            out[row[0]] = str(row[1])
    return out


def heading_lines(meta: dict[str, str], file_name: str) -> tuple[str, list[str]]:
    """The title and the lines under it: the cadre, the form and period, the file."""
    form = meta.get("form", "")
    label = FORM_LABELS.get(form, "biểu mẫu")
    title = f"CÁC LỖI CẦN SỬA TRONG {label.split(' (')[0].upper()}"
    lines = []
    if meta.get("full_name"):
        who = meta["full_name"]
        if meta.get("position"):
            who += f", {meta['position']}"
        lines.append(f"Cán bộ: {who}")
    what = f"Biểu mẫu: {label}" if form else "Biểu mẫu: không xác định"
    if meta.get("period"):
        what += f", kỳ {meta['period']}"
    elif meta.get("year"):
        what += f", năm {meta['year']}"
    lines.append(what)
    lines.append(f"Tệp: {file_name}")
    return title, lines


def _summary(problems: Sequence[Problem], marked_sheets: Sequence[str]) -> str:
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "Không có lỗi."
    counts = []
    if errors:
        counts.append(f"{errors} lỗi phải sửa")
    if warnings:
        counts.append(f"{warnings} điểm cần xem lại")
    where = ""
    if marked_sheets:
        names = ", ".join(f"'{s}'" for s in marked_sheets)
        tints = []
        if errors:
            tints.append("ô có lỗi được tô đỏ")
        if warnings:
            tints.append("ô cần xem lại được tô vàng")
        where = f" Trong trang {names}, {', '.join(tints)}; mỗi ô có ghi chú nói rõ lỗi."
    return f"Tệp có {' và '.join(counts)}.{where} Sửa xong, đồng chí lưu tệp và gửi lại."


def _row_words(book: openpyxl.Workbook, p: Problem) -> str:
    """Where a problem is, in words: the sheet and cell, then the row (its key in words and
    its content as the form shows it)."""
    parts = []
    if p.sheet and p.sheet != META_SHEET:
        parts.append(f"Trang '{p.sheet}'" + (f", ô {p.cell}" if p.cell else ""))
    elif p.sheet == META_SHEET:
        parts.append("Thông tin ẩn của biểu mẫu")
    key, content = _row_of(book, p)
    key = key or p.node
    with contextlib.suppress(ValueError):
        parts.append(describe(parse_key(key)))
    if content:
        shown = content if len(content) <= 120 else content[:117] + "..."
        parts.append(f"“{shown}”")
    return "\n".join(parts) or "Cả tệp"


def _row_of(book: openpyxl.Workbook, p: Problem) -> tuple[str, str]:
    """The (row key, content text) of the row holding a problem's cell, read through the
    contract (the hidden key column and key row)."""
    if not p.cell or p.sheet not in book.sheetnames or p.sheet == META_SHEET:
        return "", ""
    sheet = book[p.sheet]
    try:
        _, row = coordinate_from_string(p.cell)
    except ValueError:
        return "", ""
    key = sheet.cell(row, 1).value
    key = key.strip() if isinstance(key, str) else ""
    content_col = _content_column(sheet)
    content = sheet.cell(row, content_col).value if content_col else None
    text = content.strip() if isinstance(content, str) else ""
    return key, text


def _content_column(sheet: Worksheet) -> int | None:
    for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, 40)):
        if row and row[0].value == KEY_MARKER:
            for cell in row[1:]:
                if cell.value == "content":
                    return cell.column
            return None
    return None


def _problem_sheet(book: openpyxl.Workbook, problems: Sequence[Problem], file_name: str) -> None:
    if PROBLEM_SHEET in book.sheetnames:
        del book[PROBLEM_SHEET]
    sheet = book.create_sheet(PROBLEM_SHEET, 0)
    last = len(COLUMNS)
    for c, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    total = sum(width for _, width in COLUMNS)
    title, lines = heading_lines(_meta(book), file_name)
    marked = sorted({p.sheet for p in problems if p.cell and p.sheet in book.sheetnames})
    r = 1
    _merged_text(sheet, r, last, title, TITLE, total, center=True)
    r += 1
    for line in lines:
        _merged_text(sheet, r, last, line, FONT, total)
        r += 1
    _merged_text(sheet, r, last, _summary(problems, marked), FONT, total)
    r += 2
    header_row = r
    for c, (text, _) in enumerate(COLUMNS, start=1):
        cell = _text(sheet, r, c, text, BOLD if c < last else SMALL)
        cell.alignment = WRAP_CENTER
        cell.fill = HEADER_FILL
        cell.border = BOX
    sheet.row_dimensions[r].height = LINE_HEIGHT + PADDING
    r += 1
    errors = [p for p in problems if p.severity == ERROR]
    warnings = [p for p in problems if p.severity != ERROR]
    number = 0
    for label, group in (("LỖI PHẢI SỬA", errors), ("CẦN XEM LẠI (KHÔNG BẮT BUỘC SỬA)", warnings)):
        if not group:
            continue
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
        cell = _text(sheet, r, 1, f"{label} ({len(group)})", BOLD)
        for c in range(1, last + 1):
            sheet.cell(r, c).fill = GROUP_FILL
            sheet.cell(r, c).border = BOX
        r += 1
        for p in group:
            number += 1
            values = (str(number), _row_words(book, p), p.message, p.hint, p.code)
            for c, value in enumerate(values, start=1):
                cell = _text(sheet, r, c, value, SMALL if c == last else FONT)
                cell.alignment = WRAP_CENTER if c == 1 else WRAP_TOP
                cell.border = BOX
            sheet.row_dimensions[r].height = _height(values)
            r += 1
    if not problems:
        _text(sheet, r, 1, "Không có lỗi.", FONT)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    _print_setup(sheet)
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True


def _height(values: Sequence[str]) -> float:
    lines = 1
    for (_, width), value in zip(COLUMNS[:-1], values[:-1], strict=True):
        lines = max(lines, text_lines(value, width * TIGHT))
    small = text_lines(values[-1], COLUMNS[-1][1] * SMALL_CHARS_PER_WIDTH) * 10.5
    return max(LINE_HEIGHT * lines, small) + PADDING


def _merged_text(
    sheet: Worksheet, r: int, last: int, text: str, font: Font, width: float, *, center=False
) -> None:
    sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
    cell = _text(sheet, r, 1, text, font)
    cell.alignment = Alignment(
        wrap_text=True, vertical="center", horizontal="center" if center else "left"
    )
    line = 19.0 if font.sz and font.sz > 12 else LINE_HEIGHT
    lines = text_lines(text, width * (12 / (font.sz or 12)))
    if lines > 1 or font is TITLE:
        sheet.row_dimensions[r].height = line * lines + 2


def _text(sheet: Worksheet, r: int, c: int, value: str, font: Font) -> Any:
    """A cell holding ``value`` as text (never a formula, whatever it starts with)."""
    cell = sheet.cell(r, c)
    cell.value = value
    cell.data_type = "s"
    cell.font = font
    return cell


def _print_setup(sheet: Worksheet) -> None:
    """A4 portrait, one page wide, the margins of the forms, page numbers in the footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = 0.9
    sheet.page_margins.right = 0.6
    sheet.page_margins.top = 0.8
    sheet.page_margins.bottom = 0.8
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = TNR
    sheet.oddFooter.center.size = 10


def fit_typed_rows(sheet: Worksheet) -> None:
    """Grow the data rows below the key row whose wrapped text needs more lines than the row
    holds (the text a cadre typed into a spare row, which neither LibreOffice nor Excel sizes
    when the file is opened), so that the copy prints without text running over the next row."""
    key_row = next(
        (c.row for c in sheet["A"][:40] if c.value == KEY_MARKER),
        None,
    )
    if key_row is None:
        return
    merged = {
        (r, c)
        for rng in sheet.merged_cells.ranges
        for r in range(rng.min_row, rng.max_row + 1)
        for c in range(rng.min_col, rng.max_col + 1)
    }
    default = sheet.sheet_format.defaultRowHeight or 15
    widths = {}
    for row in sheet.iter_rows(min_row=key_row + 1):
        r = row[0].row
        if sheet.row_dimensions[r].hidden:
            continue
        lines = 1
        for cell in row[1:]:
            if not isinstance(cell.value, str) or not cell.value or (r, cell.column) in merged:
                continue
            if not (cell.alignment and cell.alignment.wrap_text):
                continue
            if cell.column not in widths:
                dim = sheet.column_dimensions[get_column_letter(cell.column)]
                widths[cell.column] = dim.width or 8.43
            lines = max(lines, text_lines(cell.value, widths[cell.column]))
        need = LINE_HEIGHT * lines
        have = sheet.row_dimensions[r].height or default
        if lines > 1 and need > have:
            sheet.row_dimensions[r].height = need
