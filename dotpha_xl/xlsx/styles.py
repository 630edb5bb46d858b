"""Looks shared by every workbook dotpha writes: Times New Roman, the official forms' borders,
input tint, percent formats, A4 print setup and the Party document heading (HD 36-HD/VPTW)."""

from __future__ import annotations

import copy
import struct
from datetime import date, datetime
from typing import Any, ClassVar

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import Worksheet

from dotpha_xl.kernel.settings import DocumentSettings

FONT = "Times New Roman"
INPUT_TINT = "#FFF2CC"  # pale yellow: the cells a user fills
LOCKED_TINT = "#F2F2F2"
CARRIED_TINT = "#D9D9D9"  # grey: an earlier year carried locked (plan or report)
HEADER_TINT = "#DDEBF7"
ERROR_TINT = "#F8CBAD"
PERCENT = "0.00%"
FIXED_CREATED = (2026, 1, 1)

#: Document properties fixed so that the same inputs give byte-identical workbooks.
WORKBOOK_OPTIONS: dict[str, Any] = {
    "default_format_properties": {"font_name": FONT, "font_size": 12},
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class _Worksheet(Worksheet):
    """xlsxwriter's worksheet, its formula preparation remembered per process.

    xlsxwriter runs some 30 regular expressions over every formula (some 300 over a conditional
    format's) to spell newer functions; the result depends only on the formula and the flags, and
    the same formulas come back workbook after workbook, so it is done once for each."""

    _prepared: ClassVar[dict[tuple[str, bool, bool], str]] = {}

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        key = (formula, expand_future_functions, self.use_future_functions)
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = super()._prepare_formula(formula, expand_future_functions)
            if len(self._prepared) >= 50_000:  # bounded: a long batch of unusual formulas
                self._prepared.clear()
            self._prepared[key] = prepared
        return prepared

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        """xlsxwriter's ``<c>`` element, the same XML, for the cells every form is made of (a
        shared string, a number or a blank, with its own format) without building and escaping
        an attribute list per cell; any other cell goes through xlsxwriter itself."""
        kind = type(cell).__name__
        if self.constant_memory or not cell.format or kind not in _PLAIN_CELLS:
            super()._write_cell(row, col, cell)
            return
        head = f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{cell.format._get_xf_index()}"'
        if kind == "String":
            self.fh.write(f'{head} t="s"><v>{cell.string}</v></c>')
        elif kind == "Blank":
            self.fh.write(f"{head}/>")
        else:
            self.fh.write(f"{head}><v>{cell.number:.16G}</v></c>")


#: Cells :meth:`_Worksheet._write_cell` writes itself (``Datetime`` holds a number too).
_PLAIN_CELLS = frozenset(("String", "Number", "Blank"))


def new_workbook(target: Any, *, in_memory: bool = False) -> Any:
    """An xlsxwriter workbook with the house defaults and fixed properties.

    ``in_memory`` assembles the parts in memory instead of temporary files (much faster for the
    many small workbooks of a batch; the zip entries then carry 1/1/1980 as their date)."""
    # A fresh copy each time: xlsxwriter changes the options it is given (it adds to the
    # default format's properties), which made a process's later workbooks differ from its first.
    options = copy.deepcopy(WORKBOOK_OPTIONS)
    if in_memory:
        options["in_memory"] = True
    book = xlsxwriter.Workbook(target, options)
    book.worksheet_class = _Worksheet
    book.set_properties({"created": datetime(*FIXED_CREATED), "author": "dotpha-xl", "company": ""})
    book.set_calc_mode("auto")
    return book


#: How xlsxwriter dates and marks a part it packs from a temporary file (31/1/1980, a regular
#: file of mode 0600), as MS-DOS date and time and external attributes.
_ON_DISK_DATE = ((1980 - 1980) << 9) | (1 << 5) | 31
_ON_DISK_ATTRIBUTES = 0o100600 << 16
_END_OF_DIRECTORY = b"PK\x05\x06"


def as_packed_on_disk(data: bytes) -> bytes:
    """The bytes of a workbook xlsxwriter assembled ``in_memory``, with each zip entry dated and
    marked as when it assembles the parts in temporary files: the same workbook, byte for byte,
    without a dozen temporary files made, written and removed per workbook.  Only the entries'
    date and attributes differ between the two modes (the parts and their compression are the
    same), and they sit at fixed places of the zip headers."""
    out = bytearray(data)
    end = out.rfind(_END_OF_DIRECTORY)
    (count,) = struct.unpack_from("<H", out, end + 10)
    (at,) = struct.unpack_from("<I", out, end + 16)  # the central directory's first entry
    for _ in range(count):
        if out[at : at + 4] != b"PK\x01\x02":
            raise ValueError("not a zip central directory entry")
        name, extra, comment = struct.unpack_from("<HHH", out, at + 28)
        (local,) = struct.unpack_from("<I", out, at + 42)
        struct.pack_into("<H", out, at + 14, _ON_DISK_DATE)  # the entry's date
        struct.pack_into("<I", out, at + 38, _ON_DISK_ATTRIBUTES)
        struct.pack_into("<H", out, local + 12, _ON_DISK_DATE)  # its local header's date
        at += 46 + name + extra + comment
    return bytes(out)


class Formats:
    """Named cell formats of one workbook, created on first use."""

    BASE: ClassVar[dict[str, Any]] = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}
    SPECS: ClassVar[dict[str, dict[str, Any]]] = {
        "title": {"bold": True, "font_size": 14, "align": "center", "text_wrap": True},
        "subtitle": {"bold": True, "align": "center", "text_wrap": True},
        "italic_center": {"italic": True, "align": "center"},
        "right_italic": {"italic": True, "align": "right"},
        "label": {"text_wrap": True},
        "bold": {"bold": True},
        "header": {
            "bold": True,
            "align": "center",
            "text_wrap": True,
            "border": 1,
            "bg_color": HEADER_TINT,
        },
        "header_number": {"italic": True, "align": "center", "border": 1, "font_size": 10},
        "cell": {"border": 1, "text_wrap": True, "valign": "top"},
        "cell_center": {"border": 1, "align": "center", "valign": "top"},
        "cell_bold": {"border": 1, "text_wrap": True, "bold": True, "valign": "top"},
        "cell_section": {"border": 1, "bold": True, "bg_color": LOCKED_TINT, "text_wrap": True},
        "input": {
            "border": 1,
            "text_wrap": True,
            "valign": "top",
            "bg_color": INPUT_TINT,
            "locked": False,
        },
        "input_percent": {
            "border": 1,
            "num_format": PERCENT,
            "bg_color": INPUT_TINT,
            "locked": False,
            "align": "right",
            "valign": "top",
        },
        "input_center": {
            "border": 1,
            "align": "center",
            "valign": "top",
            "bg_color": INPUT_TINT,
            "locked": False,
        },
        "percent": {"border": 1, "num_format": PERCENT, "align": "right", "valign": "top"},
        # an earlier year carried locked: from the plan of the year before (form 02) or its
        # final report (form 03); one grey for both forms
        "carried": {
            "border": 1,
            "text_wrap": True,
            "valign": "top",
            "bg_color": CARRIED_TINT,
            "font_color": "#404040",
        },
        "carried_percent": {
            "border": 1,
            "num_format": PERCENT,
            "align": "right",
            "valign": "top",
            "bg_color": CARRIED_TINT,
            "font_color": "#404040",
        },
        "carried_center": {
            "border": 1,
            "align": "center",
            "valign": "top",
            "bg_color": CARRIED_TINT,
            "font_color": "#404040",
        },
        "carried_note": {
            "border": 1,
            "text_wrap": True,
            "valign": "top",
            "italic": True,
            "font_color": "#404040",
        },
        "percent_bold": {
            "border": 1,
            "num_format": PERCENT,
            "align": "right",
            "bold": True,
            "valign": "top",
        },
        "number": {"border": 1, "num_format": "0.00", "align": "right", "valign": "top"},
        "integer": {"border": 1, "num_format": "0", "align": "center", "valign": "top"},
        "date": {"border": 1, "num_format": "dd/mm/yyyy", "align": "center", "valign": "top"},
        "error_fill": {"bg_color": ERROR_TINT, "font_color": "#9C0006", "bold": True},
        "key": {"font_size": 8, "font_color": "#808080"},
        "note_label": {"border": 1, "text_wrap": True, "italic": True, "valign": "top"},
        "carried_bold": {
            "border": 1,
            "text_wrap": True,
            "bold": True,
            "valign": "top",
            "bg_color": CARRIED_TINT,
            "font_color": "#404040",
        },
        "note": {"italic": True, "text_wrap": True, "valign": "top"},
        "heading_upper": {"align": "center"},
        "heading_bold": {"align": "center", "bold": True},
        "heading_party": {"align": "center", "bold": True, "underline": 1},
        "heading_date": {"align": "center", "italic": True},
        "signature": {"align": "center", "bold": True},
        "small": {"font_size": 10, "text_wrap": True, "valign": "top"},
    }

    def __init__(self, book: Any) -> None:
        self._book = book
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = self._book.add_format({**self.BASE, **self.SPECS[name]})
        return self._cache[name]


#: xlsxwriter's paper codes.
PAPERS = {"A4": 9, "A3": 8}


def print_setup(
    sheet: Any,
    *,
    landscape: bool = True,
    repeat_rows: tuple[int, int] | None = None,
    fit_width: bool = True,
    paper: str = "A4",
) -> None:
    """A4 (or A3), margins of a Party document (in inches), page numbers, header rows
    repeated."""
    sheet.set_paper(PAPERS[paper])
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_margins(left=0.9, right=0.6, top=0.8, bottom=0.8)
    sheet.center_horizontally()
    if repeat_rows:
        sheet.repeat_rows(*repeat_rows)
    if fit_width:
        sheet.fit_to_pages(1, 0)
    sheet.set_footer(f'&C&"{FONT}"&10Trang &P/&N')


def party_heading(
    sheet: Any,
    fmt: Formats,
    doc: DocumentSettings,
    *,
    first_col: int,
    last_col: int,
    number: str = "",
    on: date | None = None,
) -> int:
    """Write the heading of a Party document on rows 0–3; return the next free row.

    Left half: superior body, issuing body in bold, ``*``, number and symbol.  Right half:
    ``ĐẢNG CỘNG SẢN VIỆT NAM`` underlined and the place and date in italics.
    """
    middle = first_col + (last_col - first_col + 1) // 2 - 1
    left = (first_col, middle)
    right = (middle + 1, last_col)

    def merged(row: int, span: tuple[int, int], text: str, style: str) -> None:
        if span[0] == span[1]:
            sheet.write_string(row, span[0], text, fmt[style])
        else:
            sheet.merge_range(row, span[0], row, span[1], text, fmt[style])

    merged(0, left, doc.superior_body.upper(), "heading_upper")
    merged(0, right, "ĐẢNG CỘNG SẢN VIỆT NAM", "heading_party")
    merged(1, left, doc.issuing_body.upper(), "heading_bold")
    place_date = f"{doc.place}, ngày     tháng     năm"
    if on is not None:
        place_date = f"{doc.place}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"
    merged(1, right, place_date, "heading_date")
    merged(2, left, "*", "heading_upper")
    symbol = f"Số {number}-{doc.symbol}" if number else f"Số      -{doc.symbol}"
    merged(3, left, symbol, "heading_upper")
    return 5
