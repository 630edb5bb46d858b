"""The reviewing body's workbook: every cadre and task of one body in a period, as consolidated.

Sheets: "Tổng hợp" (one row per cadre and task, under the workbook contract: hidden key column A
holding ``CADRE_ID:TASK_KEY``, hidden ``key`` row naming the columns, very hidden ``_meta`` with
form ``body``), "Chi tiết" (every item, and the rows inserted outside the plan), "Chưa nộp",
"Nộp muộn", "Kế hoạch nộp muộn" (the year's plans received late), "Khó khăn, đề xuất" (what
each cadre wrote besides the figures), "Tệp bị từ chối",
"Cảnh báo" (every warning of the files kept) and "Biểu đồ" (two native charts).  Every text a
user typed is written with ``write_string``, so a title that starts with ``=`` stays text.  Same
inputs, same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from io import BytesIO
from typing import Any, ClassVar

from dotpha_xl.domain.ratings import LEVEL_NAMES, LEVELS
from dotpha_xl.kernel.keys import PLAN_NOTES
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import as_text, percent_cell
from dotpha_xl.records.consolidation import NARRATIVE_KEYS, Consolidation, TaskRow, tenure_note
from dotpha_xl.records.ratings import CADRE_ROW, CADRE_ROW_TITLE
from dotpha_xl.store.item_store import shown_items
from dotpha_xl.xlsx.contract import FORMS, KEY_MARKER, write_meta
from dotpha_xl.xlsx.form_layout import Column, fit_row, row_height, write_header
from dotpha_xl.xlsx.plan_form import NOTE_LABELS
from dotpha_xl.xlsx.row_stream import RowStream
from dotpha_xl.xlsx.styles import FONT, Formats, new_workbook, print_setup

FORM = "body"

#: Flag code -> the Vietnamese words shown in the workbooks.
FLAG_WORDS: dict[str, str] = {
    "late": "trễ hạn",
    "self_rating_above": "tự nhận cao hơn",
    "self_rating_below": "tự nhận thấp hơn",
    "force_majeure": "bất khả kháng",
    "behind_schedule": "chậm tiến độ",
    "completed_early": "hoàn thành trước thời hạn",
    "handed_over": "thôi giữ chức vụ, tính đến ngày bàn giao",
    "inherited": "tiếp nhận việc, xếp loại theo phần tự thực hiện",
}

MISSING_WORDS: dict[str, str] = {
    "no_report": "Chưa nộp báo cáo",
    "no_plan": "Chưa có kế hoạch hợp lệ",
}

TITLE = "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN VIỆC ĐỘT PHÁ, ĐỔI MỚI"

#: Columns of "Tổng hợp" (column A is the hidden key column).
SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", 5),
    Column("cadre_id", "Mã cán bộ", 8),
    Column("full_name", "Họ và tên", 16),
    Column("position", "Chức vụ", 12),
    Column("unit", "Cơ quan, đơn vị", 12),
    Column("task_key", "Mã việc", 6),
    Column("title", "Tên việc đột phá, đổi mới", 25),
    Column("expected_to_date", "Dự kiến đến kỳ báo cáo", 10),
    Column("completion_quarter", "Quý", 9),
    Column("completion_year", "Năm", 9),
    Column("completion_year_raw", "Năm (chưa trừ bất khả kháng)", 10),
    Column("completion_period", "Giai đoạn", 9),
    # a period task: the whole period's figure expected by the report's end, the earlier years
    # all due (``expected_period``), to read "Giai đoạn" against; ``expected_to_date`` is the
    # year's (blank for an annual task)
    Column("expected_period", "Giai đoạn: dự kiến đến kỳ báo cáo", 9),
    Column("behind_schedule", "Chậm so với dự kiến", 9),
    Column("rating", "Xếp loại (tính toán)", 9),
    Column("rating_raw", "Xếp loại chưa trừ BKK", 9),
    Column("self_rating", "Tự nhận", 8),
    # form 03, column 7 ("theo năm và giai đoạn"): the year's and the whole period's ratings,
    # each beside the cadre's own; ``rating`` above is the one that counts (decisions.py)
    Column("rating_year", "Năm: tính toán", 8),
    Column("self_rating_year", "Năm: tự nhận", 8),
    Column("rating_period", "Giai đoạn: tính toán", 9),
    Column("self_rating_period", "Giai đoạn: tự nhận", 9),
    Column("flags", "Ghi chú", 15),
    Column("report_file", "Tệp báo cáo", 22),
)

#: The rating codes a body may propose, highest first (the dropdown of ``proposed_rating``).
RATING_CHOICES: tuple[str, ...] = tuple(reversed(LEVELS))

#: Editable columns added at the end of "Tổng hợp" in a report in which tasks are rated (Art.
#: 7.3): the body's proposed rating, pre-filled with the computed one, and its reason.  Read back
#: through the review mechanism (``read_review(path, "body")``).
PROPOSAL_COLUMNS: tuple[Column, ...] = (
    Column("proposed_rating", "Mức đề xuất", 9),
    Column("proposal_reason", "Lý do (khi khác mức tính toán)", 18),
)
PROPOSAL_GROUP = ("proposed_rating", "proposal_reason", "Cơ quan thẩm định đề xuất")

PERCENT_KEYS = (
    "expected_to_date",
    "completion_quarter",
    "completion_year",
    "completion_year_raw",
    "completion_period",
    "expected_period",
    "behind_schedule",
)
RATING_KEYS = ("rating", "rating_raw", "rating_year", "self_rating_year", "rating_period",
               "self_rating_period")  # fmt: skip

HEADER_ROW = 4  # two header rows (4, 5), column numbers on 6, hidden key row on 7
KEY_ROW = 7
FIRST_DATA_ROW = 8
BAR_TABLE_ROW = 18  # on "Biểu đồ": below the first chart, on a page of its own


def flag_words(flags: Sequence[str]) -> str:
    return "; ".join(FLAG_WORDS.get(f, f) for f in flags)


def row_key(cadre_id: str, task_key: str) -> str:
    return f"{cadre_id}:{task_key}"


CADRE_LEVEL_NOTES: dict[str, str] = {
    "mean": "bình quân các việc",  # HTXS only when every task is HTXS (R28)
    "lowest": "mức thấp nhất các việc",
}


def cadre_key(cadre_id: str) -> str:
    return row_key(cadre_id, CADRE_ROW)


# --------------------------------------------------------------------------- shared helpers


def chart_font(size: int = 10, bold: bool = False) -> dict[str, Any]:
    return {"name": FONT, "size": size, "bold": bold}


def write_text(sheet: Any, row: int, col: int, text: str | None, style: Any) -> None:
    """User text: always a string cell (never a formula, number or URL)."""
    sheet.write_string(row, col, text or "", style)


def write_percent(sheet: Any, row: int, col: int, value: Any, fmt: Formats) -> None:
    shown = percent_cell(value)
    if shown is None:
        sheet.write_blank(row, col, None, fmt["percent"])
    else:
        sheet.write_number(row, col, shown, fmt["percent"])


def write_table_header(
    sheet: Any,
    fmt: Formats,
    columns: Sequence[Column],
    header_row: int,
    groups: Sequence[tuple[str, str, str]] = (),
    *,
    height: float = 60,
) -> None:
    """The forms' two header rows with column numbers, at ``header_row``."""
    write_header(
        sheet, fmt, columns, groups, height=height, first_row=header_row,
        top_height=30 if groups else 24,
    )  # fmt: skip


def write_key_row(sheet: Any, fmt: Formats, columns: Sequence[Column], row: int) -> None:
    sheet.write_string(row, 0, KEY_MARKER, fmt["key"])
    for c, column in enumerate(columns, start=1):
        sheet.write_string(row, c, column.key, fmt["key"])
    sheet.set_row(row, None, None, {"hidden": True})


def set_columns(sheet: Any, fmt: Formats, columns: Sequence[Column]) -> None:
    sheet.set_column(0, 0, 14, fmt["key"], {"hidden": True})
    for i, column in enumerate(columns, start=1):
        sheet.set_column(i, i, column.width)


#: The cell format of each kind of column of ``simple_sheet`` (and of the item details).
KIND_FORMATS = {"text": "cell", "int": "integer", "percent": "percent", "datetime": "datetime",
                "date": "date", "center": "cell_center"}  # fmt: skip


def simple_sheet(
    book: Any,
    fmt: Formats,
    name: str,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[tuple[str, Sequence[Any]]],
    *,
    empty: str = "Không có.",
    kinds: dict[str, str] | None = None,
) -> tuple[Any, int]:
    """A printable listing: title, header (repeated on every page), hidden key row, keyed rows.

    ``rows`` are (row key, values in column order); ``kinds`` says how a column is written
    (``text`` by default; ``int``, ``percent``, ``datetime``, ``date``, ``center``).  Returns the
    sheet and its next free row.
    """
    kinds = kinds or {}
    sheet = book.add_worksheet(name)
    set_columns(sheet, fmt, columns)
    last = len(columns)
    sheet.merge_range(0, 1, 0, last, title, fmt["title"])
    sheet.set_row(0, 24)
    write_table_header(sheet, fmt, columns, 2, height=36)
    write_key_row(sheet, fmt, columns, 5)
    r = 6
    if not rows:
        sheet.merge_range(r, 1, r, last, empty, fmt["note"])
        r += 1
    for key, values in rows:
        sheet.write_string(r, 0, key, fmt["key"])
        wrapped: list[tuple[str, float]] = []
        for c, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            kind = kinds.get(column.key, "text")
            if value is None or value == "":
                sheet.write_blank(r, c, None, fmt["percent" if kind == "percent" else "cell"])
            elif kind == "int":
                sheet.write_number(r, c, value, fmt[KIND_FORMATS[kind]])
            elif kind == "percent":
                write_percent(sheet, r, c, value, fmt)
            elif kind in ("datetime", "date"):
                sheet.write_datetime(r, c, value, fmt[KIND_FORMATS[kind]])
            elif kind == "center":
                sheet.write_string(r, c, str(value), fmt[KIND_FORMATS[kind]])
            else:
                write_text(sheet, r, c, str(value), fmt[KIND_FORMATS["text"]])
                wrapped.append((str(value), column.width))
        fit_row(sheet, r, wrapped)
        r += 1
    print_setup(sheet, repeat_rows=(2, 4))
    return sheet, r


class ReportFormats(Formats):
    """The house formats and a few more of the consolidated workbooks."""

    SPECS: ClassVar[dict[str, dict[str, Any]]] = {
        **Formats.SPECS,
        "datetime": {
            "border": 1,
            "num_format": "dd/mm/yyyy hh:mm",
            "align": "center",
            "valign": "top",
        },
        "total_label": {"border": 1, "bold": True, "align": "center", "valign": "top"},
        "total_integer": {"border": 1, "bold": True, "num_format": "0", "align": "center"},
        "left": {"align": "left", "valign": "top"},
        "left_bold": {"align": "left", "bold": True, "valign": "top"},
        "left_italic_bold": {"align": "left", "bold": True, "italic": True, "valign": "top"},
        "small_left": {"font_size": 11, "align": "left", "valign": "top"},
        "section": {"bold": True, "font_size": 13, "align": "left", "valign": "vcenter"},
    }


# --------------------------------------------------------------------------- printing

#: The print scale of "Tổng hợp" on A4: its 12 pt text prints at 9.6 pt.
PRINT_SCALE = 80
#: Column width units that fit across A4 landscape (margins 0.9" and 0.6", 10.2 in) at
#: ``PRINT_SCALE``: 10.2 in = 979 px at 96 dpi, 1224 px at 80 %, a width unit of the Times New
#: Roman 12 pt default font taking about 8.45 px (measured in LibreOffice's print: 141 units
#: fitted, 150 did not): 145, less a margin.
A4_UNITS = 140
#: The columns repeated on the left of every printed page of "Tổng hợp": STT, id, name.
REPEATED_COLUMNS = ("stt", "cadre_id", "full_name")


def page_breaks(
    columns: Sequence[Column],
    groups: Sequence[tuple[str, str, str]] = (),
    *,
    hidden: Iterable[str] = (),
    room: float = A4_UNITS,
) -> list[int]:
    """The sheet columns (column A being the key column) where a new printed page begins, so that
    each page of ``columns`` fits ``room`` width units with ``REPEATED_COLUMNS`` repeated on its
    left; a group of columns under one merged header is never cut."""
    keys = [c.key for c in columns]
    width = {c.key: (0 if c.key in hidden else c.width) for c in columns}
    inside = set()
    for first, last, _ in groups:
        inside.update(range(keys.index(first) + 1, keys.index(last) + 1))
    repeat = sum(width[k] for k in REPEATED_COLUMNS)
    blocks: list[list[int]] = []
    for i in range(len(keys)):
        if i in inside and blocks:
            blocks[-1].append(i)
        else:
            blocks.append([i])
    breaks: list[int] = []
    used = 0.0
    for block in blocks:
        size = sum(width[keys[i]] for i in block)
        if used + size > room and used > repeat:
            breaks.append(block[0] + 1)  # + 1: column A holds the keys
            used = repeat
        used += size
    return breaks


def print_pages(
    sheet: Any, breaks: Sequence[int], paper: str, *, repeat_rows: tuple[int, int]
) -> None:
    """A4 landscape at ``PRINT_SCALE`` with the column breaks given, STT, id and name repeated
    on every page, pages in reading order (across, then down); or, with no breaks (A3), fitted
    to the page width."""
    print_setup(sheet, repeat_rows=repeat_rows, fit_width=not breaks, paper=paper)
    if breaks:
        sheet.set_print_scale(PRINT_SCALE)
        sheet.set_v_pagebreaks(list(breaks))
        sheet.repeat_columns(1, len(REPEATED_COLUMNS))
        sheet.print_across()


# --------------------------------------------------------------------------- the workbook


def write_body_workbook(c: Consolidation, body: str, settings: Settings) -> bytes:
    """The workbook of reviewing body ``body`` for the consolidation's period."""
    if body not in c.bodies:
        raise ValueError(f"Không có cơ quan thẩm định mã '{body}'.")
    mine = c.for_body(body)
    body_name = settings.bodies.get(body) or c.bodies[body]
    out = BytesIO()
    book = new_workbook(out)
    fmt = ReportFormats(book)
    rated = c.period.kind == "year" or any(t.result.rating is not None for t in c.tasks)
    paper = "A3" if body in settings.a3_bodies else "A4"
    rows, review = _summary_sheet(
        book, fmt, mine, body_name, rated=rated, paper=paper, reading=settings.cadre_level
    )
    _detail_sheet(book, fmt, mine, paper)
    _missing_sheet(book, fmt, mine)
    _late_sheet(book, fmt, mine)
    _late_plans_sheet(book, fmt, mine)
    _narratives_sheet(book, fmt, mine)
    _rejected_sheet(book, fmt, mine)
    _warnings_sheet(book, fmt, mine)
    _chart_sheet(book, fmt, mine)
    _plan_notes_sheet(book, fmt, mine)
    extra: dict[str, Any] = {}
    if review:
        # Art. 9.2: the body's proposals of exemplary collectives and individuals
        from dotpha_xl.records.exemplary import EXEMPLARY_KEY
        from dotpha_xl.xlsx.exemplary_sheets import write_proposal_sheet

        extra[EXEMPLARY_KEY] = write_proposal_sheet(book, body_name, c.period.label_vi)
    write_meta(
        book,
        {"form": FORM, "form_version": FORMS[FORM][1], "body": body, "period": c.period.code},
        prefilled={"rows": rows, **({"review": review} if review else {}), **extra},
    )
    book.close()
    return out.getvalue()


def _summary_sheet(
    book: Any,
    fmt: Formats,
    c: Consolidation,
    body_name: str,
    *,
    rated: bool = False,
    paper: str = "A4",
    reading: str = "mean",
) -> tuple[dict[str, list], dict[str, Any] | None]:
    """Write "Tổng hợp"; return the pre-filled rows and, when ``rated``, the review spec that
    seals every locked cell and names the editable proposal columns (xlsx/review.py)."""
    sheet = book.add_worksheet(FORMS[FORM][0])
    columns = SUMMARY_COLUMNS + (PROPOSAL_COLUMNS if rated else ())
    set_columns(sheet, fmt, columns)
    groups = (
        ("completion_quarter", "expected_period", "Tỷ lệ hoàn thành"),
        ("rating", "self_rating", "Xếp loại"),
        ("rating_year", "self_rating_period", "Xếp loại theo năm và giai đoạn"),
        *((PROPOSAL_GROUP,) if rated else ()),
    )
    breaks = [] if paper == "A3" else page_breaks(columns, groups, hidden={"report_file"})
    # The title and the note span the first printed page only (a merged cell across a page
    # break would print cut in two).
    last = breaks[0] - 1 if breaks else len(columns)
    # The report file's name is for the record, not for the page: the column is kept (the
    # contract reads it) but hidden, so that the table prints larger on A4.
    file_col = [col.key for col in columns].index("report_file") + 1
    sheet.set_column(file_col, file_col, 22, None, {"hidden": True})
    sheet.merge_range(0, 1, 0, last, body_name.upper(), fmt["heading_bold"])
    sheet.merge_range(1, 1, 1, last, TITLE, fmt["title"])
    sheet.merge_range(2, 1, 2, last, f"Kỳ báo cáo: {c.period.label_vi}", fmt["subtitle"])
    sheet.set_row(1, 22)
    write_table_header(sheet, fmt, columns, HEADER_ROW, groups=groups, height=62)
    write_key_row(sheet, fmt, columns, KEY_ROW)
    review = _proposal_setup(book, sheet, len(SUMMARY_COLUMNS)) if rated else None
    prefilled: dict[str, list] = {}
    r = FIRST_DATA_ROW
    if not c.tasks:
        sheet.merge_range(r, 1, r, last, "Chưa có báo cáo hợp lệ nào.", fmt["note"])
    for n, task in enumerate(c.tasks, start=1):
        key = row_key(task.cadre.cadre_id, task.task_key)
        prefilled[key] = [task.title]
        locked = _summary_row(sheet, fmt, r, n, key, task)
        if review is not None:
            _proposal_cells(sheet, review, r, len(SUMMARY_COLUMNS), key, locked, task)
        r += 1
        cadre_id = task.cadre.cadre_id
        following = c.tasks[n].cadre.cadre_id if n < len(c.tasks) else None
        level = c.levels.get(cadre_id)
        if review is not None and level and following != cadre_id:
            # the cadre's own level after the cadre's last task (Art. 7.3 c, R28)
            key = cadre_key(cadre_id)
            prefilled[key] = [CADRE_ROW_TITLE]
            locked = _cadre_row(sheet, review["formats"], r, key, task, level, reading)
            _proposal_cells(sheet, review, r, len(SUMMARY_COLUMNS), key, locked, task, level)
            r += 1
    note = (
        "Tỷ lệ tính lại từ tỷ lệ hoàn thành từng nội dung công việc; hiển thị làm tròn 2 chữ số "
        "thập phân, xếp loại tính trên số chính xác. Xếp loại chỉ có ở báo cáo năm, giai đoạn. "
        "HTXS: Hoàn thành xuất sắc; HTT: Hoàn thành tốt; HT: Hoàn thành; KHT: Không hoàn thành."
    )
    # On A4 the note starts right of the repeated columns (STT, id, name), which every page
    # prints: a note starting in them would print cut on the second page.
    first = len(REPEATED_COLUMNS) + 1 if breaks else 1
    sheet.merge_range(r + 1, first, r + 1, last, note, fmt["note"])
    sheet.set_row(r + 1, 34 if not breaks else 50)
    print_pages(sheet, breaks, paper, repeat_rows=(HEADER_ROW, HEADER_ROW + 2))
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    if review is None:
        return prefilled, None
    review.pop("formats")
    sheet.protect("", PROTECT_OPTIONS)
    return prefilled, review


PROTECT_OPTIONS = {
    "format_columns": True,
    "format_rows": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
    "autofilter": True,
    "sort": False,
}


def _proposal_setup(book: Any, sheet: Any, first: int) -> dict[str, Any]:
    """Tint the headers of the proposal columns (after column ``first``) and start the review
    spec (the pre-filled content ``read_review`` checks against)."""
    from dotpha_xl.xlsx.review import ReviewFormats

    rfmt = ReviewFormats(book)
    for i, column in enumerate(PROPOSAL_COLUMNS, start=first + 1):
        sheet.write_string(HEADER_ROW + 1, i, column.header, rfmt["header_input"])
    keys = [c.key for c in PROPOSAL_COLUMNS]
    return {
        "columns": [c.key for c in SUMMARY_COLUMNS] + keys,
        "editable": keys,
        "choices": {"proposed_rating": list(RATING_CHOICES)},
        "headings": [],
        "rows": {},
        "initial": {},
        "formats": rfmt,
    }


def _proposal_cells(
    sheet: Any,
    review: dict[str, Any],
    r: int,
    first: int,
    key: str,
    locked: dict[str, str],
    task: TaskRow,
    level: str | None = None,
) -> None:
    """The editable proposal cells of one row: the computed rating pre-filled, a dropdown (on a
    cadre's own row, ``level``: the cadre's computed level)."""
    rfmt = review["formats"]
    rating = level if level is not None else (task.result.rating or "")
    sheet.write_string(r, first + 1, rating, rfmt["input_center"])
    sheet.data_validation(
        r, first + 1, r, first + 1,
        {
            "validate": "list",
            "source": list(RATING_CHOICES),
            "error_title": "Giá trị không hợp lệ",
            "error_message": "Chọn một trong: " + ", ".join(RATING_CHOICES),
        },
    )  # fmt: skip
    sheet.write_string(r, first + 2, "", rfmt["input"])
    review["rows"][key] = locked
    review["initial"][key] = {"proposed_rating": rating, "proposal_reason": ""}


def _cadre_row(
    sheet: Any, fmt: Formats, r: int, key: str, task: TaskRow, level: str, reading: str
) -> dict[str, str]:
    """The cadre's own row of "Tổng hợp" (``CADRE_ID:*``): the computed level in the rating
    column, bold on a tint; return its cells as text."""
    texts = {
        "cadre_id": task.cadre.cadre_id,
        "full_name": task.cadre.full_name,
        "position": task.cadre.position,
        "unit": task.cadre.unit,
        "title": CADRE_ROW_TITLE,
        "rating": level,
        "flags": CADRE_LEVEL_NOTES.get(reading, reading),
    }
    sheet.write_string(r, 0, key, fmt["key"])
    locked: dict[str, str] = {}
    wrapped: list[tuple[str, float]] = []
    for c, column in enumerate(SUMMARY_COLUMNS, start=1):
        text = texts.get(column.key, "")
        locked[column.key] = text
        centred = column.key in ("cadre_id", *RATING_KEYS)
        write_text(sheet, r, c, text, fmt["cell_marked_center" if centred else "cell_marked"])
        if not centred:
            wrapped.append((text, column.width))
    fit_row(sheet, r, wrapped)
    return locked


def _summary_row(
    sheet: Any, fmt: Formats, r: int, n: int, key: str, task: TaskRow
) -> dict[str, str]:
    """Write one row of "Tổng hợp"; return its cells as text (what ``read_review`` compares)."""
    res = task.result
    rated = res.rating is not None or res.rating_raw is not None
    texts = {
        "cadre_id": task.cadre.cadre_id,
        "full_name": task.cadre.full_name,
        "position": task.cadre.position,
        "unit": task.cadre.unit,
        "task_key": task.task_key,
        "title": task.title,
        "rating": res.rating if rated else "",
        "rating_raw": res.rating_raw if rated else "",
        "self_rating": res.self_rating or "",
        "rating_year": (res.rating_year or "") if rated else "",
        "self_rating_year": res.self_rating_year or "",
        "rating_period": (res.rating_period or "") if rated else "",
        "self_rating_period": res.self_rating_period or "",
        "flags": flag_words(task.flags) + tenure_note(task),
        "report_file": task.report_file,
    }
    numbers = {
        "expected_to_date": res.expected_to_date,
        "completion_quarter": res.completion_quarter,
        "completion_year": res.completion_year,
        "completion_year_raw": res.completion_year_raw,
        "completion_period": res.completion_period,
        "expected_period": res.expected_period,
        "behind_schedule": res.behind_schedule,
    }
    sheet.write_string(r, 0, key, fmt["key"])
    sheet.write_number(r, 1, n, fmt["integer"])
    locked = {"stt": str(n)}
    wrapped: list[tuple[str, float]] = []
    for c, column in enumerate(SUMMARY_COLUMNS, start=1):
        if column.key == "stt":
            continue
        if column.key in numbers:
            write_percent(sheet, r, c, numbers[column.key], fmt)
            locked[column.key] = as_text(percent_cell(numbers[column.key]))
            continue
        text = texts[column.key] or ""
        locked[column.key] = text
        centred = column.key in ("cadre_id", "task_key", "self_rating", *RATING_KEYS)
        write_text(sheet, r, c, text, fmt["cell_center" if centred else "cell"])
        if not centred:
            wrapped.append((text, column.width))
    fit_row(sheet, r, wrapped)
    return locked


#: 147 width units: fitted to the width of A4 landscape the sheet prints at about 78 % (its
#: 12 pt text at 9.4 pt; a width unit prints about 8.45 px wide, see ``A4_UNITS``).
DETAIL_COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", 5),
    Column("full_name", "Cán bộ", 14),
    Column("task_key", "Việc", 6),
    Column("item_key", "Mã nội dung", 12),
    Column("content", "Nội dung công việc", 28),
    Column("product", "Sản phẩm dự kiến", 20),
    Column("weight", "Tỷ trọng trong tháng", 9),
    Column("actual_product", "Sản phẩm thực tế", 20),
    Column("completion", "Tỷ lệ hoàn thành", 9),
    Column("force_majeure", "Bất khả kháng", 8),
    Column("fm_reason", "Lý do bất khả kháng", 16),
)


#: Rows of one "Chi tiết" sheet before the items go on in "Chi tiết (2)", … (Excel's limit is
#: 1,048,576 rows a sheet).
DETAIL_MAX_ROWS = 1_000_000
DETAIL_FIRST_ROW = 5  # title on 0, header on 2, column numbers on 3, hidden key row on 4
#: How the item details' columns are written, as ``simple_sheet``'s ``kinds`` (text otherwise).
DETAIL_KINDS = {"stt": "int", "task_key": "center", "weight": "percent",
                "completion": "percent", "force_majeure": "center"}  # fmt: skip


def _detail_sheet(book: Any, fmt: Formats, c: Consolidation, paper: str = "A4") -> None:
    """Every item of every task, streamed: the sheet is made in xlsxwriter's constant-memory mode
    (this sheet alone) and its rows go straight into it (``RowStream``), so a body's hundreds of
    thousands of item rows are never all in memory; each task's rows are read back from the item
    store in turn."""
    title = f"CHI TIẾT KẾT QUẢ TỪNG NỘI DUNG CÔNG VIỆC — {c.period.label_vi.upper()}"
    wrapped_at = [  # the text columns wrap, as in simple_sheet
        (i, column.width) for i, column in enumerate(DETAIL_COLUMNS, start=1)
        if column.key not in DETAIL_KINDS
    ]  # fmt: skip
    sheets = 1
    rows = _start_detail_sheet(book, fmt, "Chi tiết", title)
    n = 0
    for task in c.tasks:
        name = task.cadre.full_name
        prefix = task.cadre.cadre_id + ":"
        for item in shown_items(task.items):
            if rows.row >= DETAIL_MAX_ROWS:
                _end_detail_sheet(rows, paper)
                sheets += 1
                rows = _start_detail_sheet(book, fmt, f"Chi tiết ({sheets})", title)
            n += 1
            values = (prefix + item.key, n, name, task.task_key, item.key, item.content,
                      item.product, item.weight, item.actual_product, item.completion,
                      "x" if item.force_majeure else "", item.fm_reason)  # fmt: skip
            rows.write(values, row_height([(values[i], width) for i, width in wrapped_at]))
        for u in task.unplanned_items:  # kept, not counted: no weight
            n += 1
            completion = u.get("completion")
            values = (
                f"{prefix}{u.get('month')}@{u.get('cell')}", n, name, task.task_key,
                f"{u.get('month')} (chèn thêm, ô {u.get('cell')})", u.get("content", ""),
                u.get("product", ""), None, u.get("actual_product", ""),
                percent_cell(Fraction(completion)) if completion is not None else None, "", "",
            )  # fmt: skip
            rows.write(values, row_height([(values[i], width) for i, width in wrapped_at]))
    r = _end_detail_sheet(rows, paper)
    if n == 0:
        rows.sheet.merge_range(
            r, 1, r, len(DETAIL_COLUMNS), "Chưa có báo cáo hợp lệ nào.", fmt["note"]
        )


def _end_detail_sheet(rows: RowStream, paper: str = "A4") -> int:
    r = rows.close()
    print_setup(rows.sheet, repeat_rows=(2, 3), paper=paper)
    return r


def _start_detail_sheet(book: Any, fmt: Formats, name: str, title: str) -> RowStream:
    """A new item-details sheet in constant-memory mode, its rows written in order: title, one
    header row (a streamed sheet cannot merge downwards), column numbers, the key row."""
    book.constant_memory = True  # read by add_worksheet only: the other sheets stay as they are
    try:
        sheet = book.add_worksheet(name)
    finally:
        book.constant_memory = False
    last = len(DETAIL_COLUMNS)
    set_columns(sheet, fmt, DETAIL_COLUMNS)
    sheet.merge_range(0, 1, 0, last, title, fmt["title"])
    sheet.set_row(0, 24)
    for col, column in enumerate(DETAIL_COLUMNS, start=1):
        sheet.write_string(2, col, column.header, fmt["header"])
    sheet.set_row(2, 60)
    for col in range(1, last + 1):
        sheet.write_number(3, col, col, fmt["header_number"])
    write_key_row(sheet, fmt, DETAIL_COLUMNS, 4)
    kinds = (DETAIL_KINDS.get(c.key, "text") for c in DETAIL_COLUMNS)
    formats = [fmt["key"], *(fmt[KIND_FORMATS[kind]] for kind in kinds)]
    return RowStream(sheet, DETAIL_FIRST_ROW, formats)


def _missing_sheet(book: Any, fmt: Formats, c: Consolidation) -> None:
    columns = (
        Column("stt", "STT", 5),
        Column("cadre_id", "Mã cán bộ", 10),
        Column("full_name", "Họ và tên", 24),
        Column("position", "Chức vụ", 34),
        Column("unit", "Cơ quan, đơn vị", 30),
        Column("reason", "Tình trạng", 26),
    )
    rows = [
        (
            m.cadre.cadre_id,
            [
                n,
                m.cadre.cadre_id,
                m.cadre.full_name,
                m.cadre.position,
                m.cadre.unit,
                MISSING_WORDS.get(m.reason, m.reason),
            ],
        )
        for n, m in enumerate(c.missing, start=1)
    ]
    simple_sheet(
        book,
        fmt,
        "Chưa nộp",
        f"CÁN BỘ CHƯA NỘP BÁO CÁO — {c.period.label_vi.upper()}",
        columns,
        rows,
        empty="Tất cả cán bộ đã nộp báo cáo.",
        kinds={"stt": "int", "cadre_id": "center"},
    )


def _late_sheet(book: Any, fmt: Formats, c: Consolidation) -> None:
    columns = (
        Column("stt", "STT", 5),
        Column("cadre_id", "Mã cán bộ", 10),
        Column("full_name", "Họ và tên", 24),
        Column("unit", "Cơ quan, đơn vị", 28),
        Column("report_file", "Tệp báo cáo", 40),
        Column("received", "Thời điểm nhận", 18),
        Column("deadline", "Hạn nộp", 13),
    )
    seen: dict[str, TaskRow] = {}
    for task in c.tasks:
        if task.late and task.cadre.cadre_id not in seen:
            seen[task.cadre.cadre_id] = task
    rows = [
        (
            cadre_id,
            [
                n,
                cadre_id,
                t.cadre.full_name,
                t.cadre.unit,
                t.report_file,
                t.received,
                t.deadline,
            ],
        )
        for n, (cadre_id, t) in enumerate(seen.items(), start=1)
    ]
    simple_sheet(
        book,
        fmt,
        "Nộp muộn",
        f"BÁO CÁO NỘP MUỘN — {c.period.label_vi.upper()}",
        columns,
        rows,
        empty="Không có báo cáo nộp muộn.",
        kinds={"stt": "int", "cadre_id": "center", "received": "datetime", "deadline": "date"},
    )


def _late_plans_sheet(book: Any, fmt: Formats, c: Consolidation) -> None:
    """The plans of the year received after their deadline (Art. 4.4 b, R33)."""
    columns = (
        Column("stt", "STT", 5),
        Column("cadre_id", "Mã cán bộ", 10),
        Column("full_name", "Họ và tên", 24),
        Column("unit", "Cơ quan, đơn vị", 28),
        Column("plan_file", "Tệp kế hoạch", 36),
        Column("received", "Thời điểm nhận", 18),
        Column("deadline", "Hạn nộp", 13),
        Column("days_late", "Số ngày muộn", 9),
        Column("assigned_on", "Ngày được giao việc (giao sau)", 14),
    )
    rows = [
        (
            p.cadre.cadre_id,
            [
                n,
                p.cadre.cadre_id,
                p.cadre.full_name,
                p.cadre.unit,
                p.file,
                p.received,
                p.deadline,
                p.days_late,
                p.assigned_on,
            ],
        )
        for n, p in enumerate(c.late_plans, start=1)
    ]
    simple_sheet(
        book,
        fmt,
        "Kế hoạch nộp muộn",
        f"KẾ HOẠCH NĂM {c.period.year} NỘP MUỘN (Điều 4.4 b: trước 25/01, hoặc 01 tháng "
        "sau ngày được giao việc)",
        columns,
        rows,
        empty="Không có kế hoạch nộp muộn.",
        kinds={
            "stt": "int",
            "cadre_id": "center",
            "received": "datetime",
            "deadline": "date",
            "days_late": "int",
            "assigned_on": "date",
        },
    )


def _rejected_sheet(book: Any, fmt: Formats, c: Consolidation) -> None:
    columns = (
        Column("stt", "STT", 5),
        Column("file", "Tệp", 34),
        Column("cadre", "Cán bộ", 22),
        Column("code", "Mã lỗi", 18),
        Column("cell", "Vị trí", 16),
        Column("message", "Nội dung lỗi", 50),
    )
    rows = []
    n = 0
    for rejected in c.rejected:
        cadre = c.cadres.get(rejected.cadre_id)
        who = f"{cadre.full_name} ({cadre.cadre_id})" if cadre else rejected.cadre_id
        for i, p in enumerate(rejected.problems, start=1):
            n += 1
            where = " › ".join(x for x in (p.sheet, p.cell) if x) or p.node
            message = p.message + (f" → {p.hint}" if p.hint else "")
            rows.append((f"{rejected.file}#{i}", [n, rejected.file, who, p.code, where, message]))
    simple_sheet(
        book,
        fmt,
        "Tệp bị từ chối",
        f"TỆP BÁO CÁO BỊ TỪ CHỐI — {c.period.label_vi.upper()}",
        columns,
        rows,
        empty="Không có tệp nào bị từ chối.",
        kinds={"stt": "int"},
    )


NARRATIVES_SHEET = "Khó khăn, đề xuất"
NO_REASON = "(không ghi lý do)"


def _narratives_sheet(book: Any, fmt: Formats, c: Consolidation) -> None:
    """What each cadre wrote besides the figures, per cadre and task: why a task is not finished
    as planned (form 03, column 8; a task behind or not finished without one says so), the rows
    inserted outside the plan, and the narrative blocks under the table (Art. 5.3)."""
    columns = (
        Column("stt", "STT", 5),
        Column("cadre", "Cán bộ", 20),
        Column("task", "Việc", 26),
        Column("topic", "Nội dung", 18),
        Column("text", "Cán bộ ghi", 62),
    )
    rows: list[tuple[str, list[Any]]] = []

    def add(key: str, cadre: Any, task: str, topic: str, text: str) -> None:
        who = f"{cadre.full_name} ({cadre.cadre_id})"
        rows.append((key, [len(rows) + 1, who, task, topic, text]))

    by_cadre: dict[str, list[TaskRow]] = {}
    for t in c.tasks:
        by_cadre.setdefault(t.cadre.cadre_id, []).append(t)
    for cadre_id, tasks in by_cadre.items():
        cadre = tasks[0].cadre
        for t in tasks:
            label = f"{t.task_key}. {t.title}"
            unfinished = "behind_schedule" in t.flags or t.result.rating == "KHT"
            for row_key, reason in (
                t.shortfall_reasons or {t.task_key: t.shortfall_reason}
            ).items():
                if reason:
                    add(f"{cadre_id}:{row_key}:reason", cadre, label, REASON_TOPIC, reason)
            if unfinished and not t.shortfall_reason:
                add(f"{cadre_id}:{t.task_key}:reason", cadre, label, REASON_TOPIC, NO_REASON)
            for n, u in enumerate(t.unplanned_items, start=1):
                text = " — ".join(x for x in (u.get("content"), u.get("actual_product")) if x)
                topic = f"Dòng chèn thêm ngoài kế hoạch ({u.get('month')}, ô {u.get('cell')})"
                add(f"{cadre_id}:{t.task_key}:unplanned#{n}", cadre, label, topic, text)
        for name, heading in NARRATIVE_KEYS.items():
            text = c.narratives.get(cadre_id, {}).get(name, "")
            if text:
                add(f"{cadre_id}:note.{name}", cadre, "Chung", heading, text)
    simple_sheet(
        book,
        fmt,
        NARRATIVES_SHEET,
        f"KHÓ KHĂN, VƯỚNG MẮC, LÝ DO CHƯA HOÀN THÀNH VÀ ĐỀ XUẤT — {c.period.label_vi.upper()}",
        columns,
        rows,
        empty="Không có cán bộ nào ghi khó khăn, lý do hay đề xuất.",
        kinds={"stt": "int"},
    )


PLAN_NOTES_SHEET = "Nội dung kế hoạch"


def _plan_notes_sheet(book: Any, fmt: Formats, c: Consolidation) -> None:
    """What each cadre's plan states of each task besides its tree (Art. 4.4 a): general and
    specific objectives, solutions, roadmap, coordinating units; one row per text, on A4 like
    the other lists (row key ``CADRE_ID:TASK_KEY:plan.FIELD``)."""
    columns = (
        Column("stt", "STT", 5),
        Column("cadre", "Cán bộ", 20),
        Column("task", "Việc", 26),
        Column("topic", "Nội dung", 18),
        Column("text", "Kế hoạch ghi", 62),
    )
    rows: list[tuple[str, list[Any]]] = []
    for t in c.tasks:
        who = f"{t.cadre.full_name} ({t.cadre.cadre_id})"
        for name in PLAN_NOTES:
            text = t.plan_notes.get(name, "")
            if text:
                key = f"{t.cadre.cadre_id}:{t.task_key}:plan.{name}"
                topic = NOTE_LABELS[name]
                rows.append((key, [len(rows) + 1, who, f"{t.task_key}. {t.title}", topic, text]))
    simple_sheet(
        book,
        fmt,
        PLAN_NOTES_SHEET,
        "MỤC TIÊU, GIẢI PHÁP, LỘ TRÌNH VÀ ĐƠN VỊ PHỐI HỢP THEO KẾ HOẠCH CỦA TỪNG VIỆC",
        columns,
        rows,
        empty="Các kế hoạch chưa ghi mục tiêu, giải pháp, lộ trình.",
        kinds={"stt": "int"},
    )


REASON_TOPIC = "Lý do không hoàn thành theo kế hoạch"
WARNINGS_SHEET = "Cảnh báo"


def _warnings_sheet(book: Any, fmt: Formats, c: Consolidation) -> None:
    """Every warning of every file kept (a due item left blank and counted 0%, a text typed in
    TCVN3 and converted, a formula in an input cell, a row not in the plan...), at its cell."""
    columns = (
        Column("stt", "STT", 5),
        Column("file", "Tệp", 30),
        Column("cadre", "Cán bộ", 20),
        Column("cell", "Vị trí", 14),
        Column("code", "Mã cảnh báo", 16),
        Column("message", "Nội dung cảnh báo", 58),
    )
    owner = {t.report_file: t.cadre for t in c.tasks}
    rows = []
    for n, p in enumerate(c.warnings, start=1):
        cadre = owner.get(p.file)
        who = f"{cadre.full_name} ({cadre.cadre_id})" if cadre else ""
        where = " › ".join(x for x in (p.sheet, p.cell) if x) or p.node
        message = p.message + (f" → {p.hint}" if p.hint else "")
        rows.append((f"{p.file}#{n}", [n, p.file, who, where, p.code, message]))
    simple_sheet(
        book,
        fmt,
        WARNINGS_SHEET,
        f"CẢNH BÁO KHI ĐỌC CÁC TỆP BÁO CÁO — {c.period.label_vi.upper()}",
        columns,
        rows,
        empty="Không có cảnh báo nào.",
        kinds={"stt": "int"},
    )


def _chart_sheet(book: Any, fmt: Formats, c: Consolidation) -> None:
    sheet = book.add_worksheet("Biểu đồ")
    name = "Biểu đồ"
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 16)
    rated = c.period.kind == "year" or any(t.result.rating for t in c.tasks)
    if rated:
        labels = [f"{LEVEL_NAMES[level]} ({level})" for level in reversed(LEVELS)]
        counts = [sum(1 for t in c.tasks if t.result.rating == level) for level in reversed(LEVELS)]
        first_title = "Số việc theo mức xếp loại"
    else:
        behind = sum(1 for t in c.tasks if "behind_schedule" in t.flags)
        labels = ["Đúng tiến độ", "Chậm tiến độ"]
        counts = [len(c.tasks) - behind, behind]
        first_title = "Số việc đúng và chậm tiến độ"
    sheet.write_string(0, 0, first_title, fmt["bold"])
    sheet.write_string(1, 0, "Mức" if rated else "Tiến độ", fmt["header"])
    sheet.write_string(1, 1, "Số việc", fmt["header"])
    for i, (label, count) in enumerate(zip(labels, counts, strict=True), start=2):
        sheet.write_string(i, 0, label, fmt["cell"])
        sheet.write_number(i, 1, count, fmt["integer"])
    end = 1 + len(labels)
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": first_title,
            "categories": [name, 2, 0, end, 0],
            "values": [name, 2, 1, end, 1],
            "data_labels": {"value": True, "font": chart_font(11)},
            "fill": {"color": "#2F5597"},
        }
    )
    chart.set_title({"name": first_title, "name_font": chart_font(12, True)})
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_font": chart_font(11)})
    chart.set_y_axis({"num_font": chart_font(11), "major_gridlines": {"visible": True}, "min": 0})
    chart.set_size({"width": 540, "height": 300})
    sheet.insert_chart(0, 3, chart)

    start = BAR_TABLE_ROW  # the bar chart and its table begin a page of their own
    sheet.set_h_pagebreaks([start])
    sheet.write_string(start, 0, "Tỷ lệ hoàn thành năm theo cán bộ, việc", fmt["bold"])
    sheet.write_string(start + 1, 0, "Cán bộ – việc", fmt["header"])
    sheet.write_string(start + 1, 1, "Hoàn thành năm", fmt["header"])
    r = start + 2
    for task in c.tasks:
        label = f"{task.cadre.full_name} – {task.task_key}"
        sheet.write_string(r, 0, label, fmt["cell"])
        write_percent(sheet, r, 1, task.result.completion_year, fmt)
        r += 1
    if not c.tasks:
        sheet.write_string(r, 0, "Chưa có báo cáo hợp lệ", fmt["cell"])
        sheet.write_blank(r, 1, None, fmt["percent"])
        r += 1
    bars = book.add_chart({"type": "bar"})
    bars.add_series(
        {
            "name": "Hoàn thành năm",
            "categories": [name, start + 2, 0, r - 1, 0],
            "values": [name, start + 2, 1, r - 1, 1],
            "data_labels": {"value": True, "num_format": "0.00%", "font": chart_font(11)},
            "fill": {"color": "#548235"},
        }
    )
    bars.set_title(
        {"name": "Tỷ lệ hoàn thành năm theo cán bộ, việc", "name_font": chart_font(12, True)}
    )
    bars.set_legend({"none": True})
    # In a bar chart xlsxwriter's x axis is the horizontal (value) one, y the categories.
    bars.set_x_axis(
        {
            "num_font": chart_font(11),
            "min": 0,
            "max": 1,
            "num_format": "0%",
            "major_gridlines": {"visible": True},
        }
    )
    bars.set_y_axis({"num_font": chart_font(11), "reverse": True, "crossing": "max"})
    bars.set_size({"width": 540, "height": max(260, 70 + 28 * len(c.tasks))})
    sheet.insert_chart(start, 3, bars)
    print_setup(sheet)
