"""Review workbooks: the one mechanism of the workbooks a reviewing body, the Organisation Board
or the Standing Committee's secretariat edits (proposals, the decision summary, ratings).

A review table is a description of columns (key, header, width, editable or not, dropdown values)
and rows keyed ``CADRE_ID:TASK_KEY``.  The writer tints and unlocks the editable cells (a dropdown
where the values are codes), protects everything else without a password, and follows the
workbook contract (docs/workbook-format.md): hidden key column A, hidden ``key`` row, very hidden
``_meta`` naming the form, whose digest seals the pre-filled content.  The pre-filled content of
a review table lives under one key of the pre-filled JSON (``review`` by default)::

    {"columns": [...], "editable": [...], "choices": {column: [values]},
     "headings": [row keys of heading rows], "rows": {row key: {column: locked text}},
     "initial": {row key: {column: editable text as written}}}

``read_review`` (in ``dotpha_xl/xlsx/review_reader.py``) reads it back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from dotpha_xl.kernel.settings import DocumentSettings
from dotpha_xl.xlsx.contract import FORMS, write_meta
from dotpha_xl.xlsx.form_layout import Column, fit_row
from dotpha_xl.xlsx.styles import Formats, new_workbook, party_heading, print_setup

PREFILLED_KEY = "review"
HEADING_PREFIX = "#"  # row keys of the heading rows that group a table (``#UBND``)

#: A row for a task nobody registered (Art. 4.2 e, 4.3): ``CADRE_ID:new1`` offered blank under
#: each cadre's tasks, any other ``CADRE_ID:newN`` typed by hand, and a row a user inserted
#: without key under a cadre's rows, which the reader keys ``CADRE_ID:new@ROW`` (its sheet row).
NEW_TASK = "new"
_NEW_KEY = re.compile(r"^(?P<cadre>[^:]+):new(?:[1-9][0-9]*|@[1-9][0-9]*)$")


def new_task_key(cadre_id: str, n: int = 1) -> str:
    """The key of the ``n``-th row offered for a new task of ``cadre_id``."""
    return f"{cadre_id}:{NEW_TASK}{n}"


def inserted_task_key(cadre_id: str, row_number: int) -> str:
    """The key a reader gives a row inserted without key under ``cadre_id``'s rows."""
    return f"{cadre_id}:{NEW_TASK}@{row_number}"


def new_task_cadre(key: str) -> str | None:
    """The cadre of a new-task row key (``CB101:new1``, ``CB101:new@42``), else ``None``."""
    found = _NEW_KEY.match(key)
    return found["cadre"] if found else None


@dataclass(frozen=True)
class ReviewColumn:
    """One column of a review table.  ``kind``: ``text``, ``center`` or ``int``."""

    key: str
    header: str
    width: float
    editable: bool = False
    choices: tuple[str, ...] = ()
    kind: str = "text"

    def as_column(self) -> Column:
        return Column(self.key, self.header, int(self.width))


@dataclass
class ReviewRow:
    """A data row: its key and its values by column key (editable ones are the pre-fill)."""

    key: str
    values: Mapping[str, Any]
    heading: str = ""  # a heading row (merged text across the table) written before this row
    marked: frozenset[str] = frozenset()  # columns shown highlighted (a difference)
    #: Editable columns kept locked on this row (a registered task's section, say); their value
    #: is sealed with the row's other locked texts.
    locked: frozenset[str] = frozenset()


@dataclass
class ReviewTable:
    columns: Sequence[ReviewColumn]
    rows: Sequence[ReviewRow]
    groups: Sequence[tuple[str, str, str]] = ()
    empty: str = "Không có."
    min_lines: int = 1  # the lowest height of a data row, in lines (room to write in)
    #: Whether a row inserted without key under a cadre's rows, or keyed ``CADRE_ID:newN``, is
    #: read as a new task (the proposals and the decision; see ``new_task_cadre``).
    new_rows: bool = False

    @property
    def editable(self) -> list[str]:
        return [c.key for c in self.columns if c.editable]


@dataclass
class ReviewPage:
    """What is printed around the table: the Party heading (when ``document`` is given), the
    title lines, notes under the table and a closing block written by ``closing``."""

    title: str
    subtitle: Sequence[str] = ()
    document: DocumentSettings | None = None
    landscape: bool = True
    notes: Sequence[str] = ()
    closing: Callable[[Any, Formats, int, int], int] | None = None


@dataclass
class ExtraSheet:
    """A listing after the review sheet (not read back): title, columns, rows of values."""

    name: str
    title: str
    columns: Sequence[ReviewColumn]
    rows: Sequence[tuple[str, Sequence[Any]]]
    empty: str = "Không có."


@dataclass
class ReviewBook:
    form: str
    meta: dict[str, str]
    page: ReviewPage
    table: ReviewTable
    extra: list[ExtraSheet] = field(default_factory=list)
    guide: Sequence[str] = ()
    prefilled_extra: dict[str, Any] = field(default_factory=dict)


class ReviewFormats(Formats):
    SPECS = {  # noqa: RUF012 - the house formats plus the marker of a difference
        **Formats.SPECS,
        "cell_marked": {
            "border": 1,
            "text_wrap": True,
            "valign": "top",
            "bg_color": "#FCE4D6",
            "bold": True,
        },
        "cell_marked_center": {
            "border": 1,
            "align": "center",
            "valign": "top",
            "bg_color": "#FCE4D6",
            "bold": True,
        },
        "input_marked": {
            "border": 1,
            "text_wrap": True,
            "valign": "top",
            "bg_color": "#FFE699",
            "locked": False,
        },
        "heading_row": {"border": 1, "bold": True, "bg_color": "#E2EFDA", "text_wrap": True},
        "header_input": {
            "bold": True,
            "align": "center",
            "text_wrap": True,
            "border": 1,
            "bg_color": "#FFD966",
        },
    }


def cell_text(value: Any) -> str:
    """How a value is written and compared: text, integers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_review_sheet(
    book: Any,
    fmt: Formats | None,
    sheet_name: str,
    page: ReviewPage,
    table: ReviewTable,
) -> dict[str, Any]:
    """Write one review sheet; return its pre-filled content (see the module's docstring).
    ``fmt`` must be a ``ReviewFormats``; ``None`` makes one for the book."""
    if not isinstance(fmt, ReviewFormats):
        fmt = ReviewFormats(book)
    sheet = book.add_worksheet(sheet_name)
    columns = table.columns
    last = len(columns)
    sheet.set_column(0, 0, 14, fmt["key"], {"hidden": True})
    for i, column in enumerate(columns, start=1):
        sheet.set_column(i, i, column.width)
    row = 0
    if page.document is not None:
        row = party_heading(sheet, fmt, page.document, first_col=1, last_col=last)
    sheet.merge_range(row, 1, row, last, page.title, fmt["title"])
    sheet.set_row(row, 40 if len(page.title) > 90 else 22)
    row += 1
    for line in page.subtitle:
        sheet.merge_range(row, 1, row, last, line, fmt["subtitle"])
        row += 1
    row += 1
    header = row
    _header(sheet, fmt, columns, header, table.groups)
    key_row = header + 3
    sheet.write_string(key_row, 0, "key", fmt["key"])
    for c, column in enumerate(columns, start=1):
        sheet.write_string(key_row, c, column.key, fmt["key"])
    sheet.set_row(key_row, None, None, {"hidden": True})
    r = key_row + 1
    locked_rows: dict[str, dict[str, str]] = {}
    initial: dict[str, dict[str, str]] = {}
    headings: list[str] = []
    if not table.rows:
        sheet.merge_range(r, 1, r, last, table.empty, fmt["note"])
        r += 1
    for data in table.rows:
        if data.heading:
            key = HEADING_PREFIX + str(len(headings) + 1)
            headings.append(key)
            sheet.write_string(r, 0, key, fmt["key"])
            sheet.merge_range(r, 1, r, last, data.heading, fmt["heading_row"])
            r += 1
        sheet.write_string(r, 0, data.key, fmt["key"])
        locked: dict[str, str] = {}
        edit: dict[str, str] = {}
        wrapped: list[tuple[str, float]] = []
        for c, column in enumerate(columns, start=1):
            value = data.values.get(column.key)
            text = cell_text(value)
            marked = column.key in data.marked
            if column.editable and column.key not in data.locked:
                edit[column.key] = text
                style = (
                    "input_marked"
                    if marked
                    else ("input" if column.kind == "text" else "input_center")
                )
                if isinstance(value, int) and not isinstance(value, bool):
                    sheet.write_number(r, c, value, fmt[style])
                else:
                    sheet.write_string(r, c, text, fmt[style])
                if column.choices:
                    sheet.data_validation(
                        r, c, r, c,
                        {
                            "validate": "list",
                            "source": list(column.choices),
                            "error_title": "Giá trị không hợp lệ",
                            "error_message": "Chọn một trong: " + ", ".join(column.choices),
                        },
                    )  # fmt: skip
                elif column.kind == "int":
                    sheet.data_validation(
                        r, c, r, c,
                        {
                            "validate": "integer",
                            "criteria": "between",
                            "minimum": 1900,
                            "maximum": 2200,
                            "error_title": "Năm không hợp lệ",
                            "error_message": "Nhập năm đủ 4 chữ số, ví dụ 2027.",
                        },
                    )  # fmt: skip
            else:
                locked[column.key] = text
                style = (
                    ("cell_marked" if column.kind == "text" else "cell_marked_center")
                    if marked
                    else ("cell" if column.kind == "text" else "cell_center")
                )
                if isinstance(value, int) and not isinstance(value, bool):
                    sheet.write_number(r, c, value, fmt[style])
                else:
                    sheet.write_string(r, c, text, fmt[style])
            if column.kind == "text":
                wrapped.append((text, column.width))
        fit_row(sheet, r, wrapped, minimum=table.min_lines)
        locked_rows[data.key] = locked
        initial[data.key] = edit
        r += 1
    for note in page.notes:
        r += 1
        sheet.merge_range(r, 1, r, last, note, fmt["note"])
        fit_row(sheet, r, [(note, sum(c.width for c in columns))])
    if page.closing is not None:
        page.closing(sheet, fmt, r + 2, last)
    print_setup(sheet, landscape=page.landscape, repeat_rows=(header, header + 2))
    sheet.freeze_panes(key_row + 1, 0)
    sheet.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
            "autofilter": True,
            "sort": False,
        },
    )
    spec = {
        "columns": [c.key for c in columns],
        "editable": table.editable,
        "choices": {c.key: list(c.choices) for c in columns if c.choices},
        "headings": headings,
        "rows": locked_rows,
        "initial": initial,
    }
    if table.new_rows:
        spec["new_rows"] = True
    return spec


def _header(
    sheet: Any,
    fmt: Formats,
    columns: Sequence[ReviewColumn],
    header: int,
    groups: Sequence[tuple[str, str, str]],
) -> None:
    index = {c.key: i for i, c in enumerate(columns, start=1)}
    grouped: set[int] = set()
    for first, last, label in groups:
        a, b = index[first], index[last]
        sheet.merge_range(header, a, header, b, label, fmt["header"])
        for c in range(a, b + 1):
            style = "header_input" if columns[c - 1].editable else "header"
            sheet.write_string(header + 1, c, columns[c - 1].header, fmt[style])
            grouped.add(c)
    for c, column in enumerate(columns, start=1):
        if c not in grouped:
            style = "header_input" if column.editable else "header"
            sheet.merge_range(header, c, header + 1, c, column.header, fmt[style])
        sheet.write_number(header + 2, c, c, fmt["header_number"])
    sheet.set_row(header, 30)
    tallest = max(len(c.header) / max(c.width - 1, 1) for c in columns)
    sheet.set_row(header + 1, max(30, 16 * (int(tallest) + 1)))


def write_extra_sheet(book: Any, fmt: Formats, extra: ExtraSheet) -> None:
    """A printable listing under the same key contract (keys in column A, a key row)."""
    page = ReviewPage(title=extra.title)
    rows = [
        ReviewRow(key, {c.key: v for c, v in zip(extra.columns, values, strict=True)})
        for key, values in extra.rows
    ]
    write_review_sheet(
        book, fmt, extra.name, page, ReviewTable(extra.columns, rows, empty=extra.empty)
    )


def write_guide_sheet(book: Any, fmt: Formats, lines: Sequence[str]) -> None:
    from dotpha_xl.xlsx.form_layout import write_guide

    write_guide(book.add_worksheet("Hướng dẫn"), fmt, lines)


def write_review(spec: ReviewBook) -> bytes:
    """The review workbook as bytes (same inputs, same bytes)."""
    out = BytesIO()
    book = new_workbook(out)
    fmt = ReviewFormats(book)
    prefilled = write_review_sheet(book, fmt, FORMS[spec.form][0], spec.page, spec.table)
    for extra in spec.extra:
        write_extra_sheet(book, fmt, extra)
    if spec.guide:
        write_guide_sheet(book, fmt, spec.guide)
    meta = {"form": spec.form, "form_version": FORMS[spec.form][1], **spec.meta}
    write_meta(book, meta, {PREFILLED_KEY: prefilled, **spec.prefilled_extra})
    book.worksheets()[0].activate()
    book.close()
    return out.getvalue()
