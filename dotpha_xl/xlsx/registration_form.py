"""Form 01 (the registration, "BẢN ĐĂNG KÝ VIỆC ĐỘT PHÁ, ĐỔI MỚI CỦA CÁ NHÂN"): the writer of a
cadre's workbook, laid out like the regulation's form.

The unit's name, the title, name, position and unit; section I (the field the cadre is responsible
for, row key ``field``); section II.1 annual tasks (``A1``…``An``) and II.2 period tasks
(``B1``…``Bn``), one row each with its title, basis, key targets and years; period tasks still
running (from last year's plans) come first in II.2, locked, with a ``continue`` / ``adjust``
choice and the text of the adjustment (Art. 4.1).  The pre-filled JSON has the same ``review``
shape as every review workbook, so ``read_review`` reads it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from dotpha_xl.xlsx.contract import FORMS, write_meta
from dotpha_xl.xlsx.form_layout import Person, fit_row, write_guide
from dotpha_xl.xlsx.review import (
    HEADING_PREFIX,
    PREFILLED_KEY,
    ReviewColumn,
    ReviewFormats,
)
from dotpha_xl.xlsx.styles import new_workbook, print_setup

FORM = "registration"
CHOICES = ("tiếp tục", "điều chỉnh")
CHOICE_CODES = {"tiếp tục": "continue", "điều chỉnh": "adjust"}

BASE_COLUMNS: tuple[ReviewColumn, ...] = (
    ReviewColumn("stt", "STT", 6, kind="center"),
    ReviewColumn("title", "Tên công việc đột phá, đổi mới", 34, True),
    ReviewColumn("basis", "Căn cứ, cơ sở để đăng ký", 26, True),
    ReviewColumn("targets", "Các chỉ tiêu cơ bản phải đạt được", 30, True),
    ReviewColumn("roadmap", "Lộ trình thực hiện", 28, True),
    ReviewColumn("start_year", "Từ năm", 8, True, kind="int"),
    ReviewColumn("end_year", "Đến năm", 8, True, kind="int"),
)
RUNNING_COLUMNS: tuple[ReviewColumn, ...] = (
    ReviewColumn("choice", "Tiếp tục / điều chỉnh (việc đang thực hiện)", 13, True, CHOICES),
    ReviewColumn("adjustment", "Nội dung điều chỉnh", 28, True),
)

HEADER_ROW = 7  # two header rows (7, 8), column numbers on 9, hidden key row on 10
KEY_ROW = 10


@dataclass(frozen=True)
class RunningTask:
    """A period task of the cadre still running in the registration year."""

    key: str
    title: str
    basis: str
    targets: str
    start_year: int
    end_year: int
    roadmap: str = ""  # the plan's roadmap, pre-filled for the cadre to update


def columns_for(running: Sequence[RunningTask]) -> tuple[ReviewColumn, ...]:
    return BASE_COLUMNS + (RUNNING_COLUMNS if running else ())


def write_registration(
    person: Person,
    year: int,
    *,
    annual: int = 3,
    period: int = 2,
    running: Sequence[RunningTask] = (),
    deadline: str = "",
) -> bytes:
    """The cadre's form 01 workbook as bytes (deterministic for the same inputs)."""
    out = BytesIO()
    book = new_workbook(out)
    fmt = ReviewFormats(book)
    sheet = book.add_worksheet(FORMS[FORM][0])
    columns = columns_for(running)
    spec = _write_form(sheet, fmt, columns, person, year, annual, period, running)
    write_guide(book.add_worksheet("Hướng dẫn"), fmt, _guide(year, deadline, bool(running)))
    meta = {
        "form": FORM,
        "form_version": FORMS[FORM][1],
        "cadre_id": person.cadre_id,
        "full_name": person.full_name,
        "position": person.position,
        "unit": person.unit,
        "year": str(year),
        "generated_at": "",
    }
    write_meta(book, meta, {PREFILLED_KEY: spec, "running": [r.key for r in running]})
    sheet.activate()
    book.close()
    return out.getvalue()


def _write_form(
    sheet: Any,
    fmt: ReviewFormats,
    columns: Sequence[ReviewColumn],
    person: Person,
    year: int,
    annual: int,
    period: int,
    running: Sequence[RunningTask],
) -> dict[str, Any]:
    last = len(columns)
    index = {c.key: i for i, c in enumerate(columns, start=1)}
    sheet.set_column(0, 0, 12, fmt["key"], {"hidden": True})
    for i, column in enumerate(columns, start=1):
        sheet.set_column(i, i, column.width)
    half = max(2, last // 2)
    sheet.merge_range(0, 1, 0, half, person.unit.upper(), fmt["heading_bold"])
    sheet.merge_range(0, half + 1, 0, last, "Mẫu số 01", fmt["right_italic"])
    title = f"BẢN ĐĂNG KÝ VIỆC ĐỘT PHÁ, ĐỔI MỚI CỦA CÁ NHÂN\nNĂM {year}"
    sheet.merge_range(2, 1, 2, last, title, fmt["title"])
    sheet.set_row(2, 42)
    for r, (label, value) in enumerate(
        (
            ("Họ và tên", person.full_name),
            ("Chức vụ, chức danh", person.position),
            ("Cơ quan công tác", person.unit),
        ),
        start=3,
    ):
        sheet.merge_range(r, 1, r, last, f"{label}: {value}", fmt["label"])
    for c, column in enumerate(columns, start=1):
        style = "header_input" if column.key in ("choice", "adjustment") else "header"
        sheet.merge_range(HEADER_ROW, c, HEADER_ROW + 1, c, column.header, fmt[style])
        sheet.write_number(HEADER_ROW + 2, c, c, fmt["header_number"])
    sheet.set_row(HEADER_ROW + 1, 48)
    sheet.write_string(KEY_ROW, 0, "key", fmt["key"])
    for c, column in enumerate(columns, start=1):
        sheet.write_string(KEY_ROW, c, column.key, fmt["key"])
    sheet.set_row(KEY_ROW, None, None, {"hidden": True})

    locked: dict[str, dict[str, str]] = {}
    initial: dict[str, dict[str, str]] = {}
    headings: list[str] = []
    r = KEY_ROW + 1

    def heading(text: str) -> None:
        nonlocal r
        key = f"{HEADING_PREFIX}{len(headings) + 1}"
        headings.append(key)
        sheet.write_string(r, 0, key, fmt["key"])
        sheet.merge_range(r, 1, r, last, text, fmt["heading_row"])
        fit_row(sheet, r, [(text, sum(c.width for c in columns))])
        r += 1

    def cell(key: str, column: str, value: Any, editable: bool) -> None:
        c = index[column]
        text = "" if value is None else str(value)
        spec = columns[c - 1]
        if editable:
            initial.setdefault(key, {})[column] = text
            style = "input" if spec.kind == "text" else "input_center"
        else:
            locked.setdefault(key, {})[column] = text
            style = "cell" if spec.kind == "text" else "cell_center"
        if isinstance(value, int):
            sheet.write_number(r, c, value, fmt[style])
        else:
            sheet.write_string(r, c, text, fmt[style])
        if editable and spec.choices:
            sheet.data_validation(
                r, c, r, c,
                {"validate": "list", "source": list(spec.choices),
                 "error_message": "Chọn một trong: " + ", ".join(spec.choices)},
            )  # fmt: skip
        elif editable and spec.kind == "int":
            sheet.data_validation(
                r, c, r, c,
                {"validate": "integer", "criteria": "between", "minimum": 1900,
                 "maximum": 2200, "error_message": "Nhập năm đủ 4 chữ số, ví dụ 2027."},
            )  # fmt: skip

    heading("I- LĨNH VỰC ĐƯỢC PHÂN CÔNG PHỤ TRÁCH")
    sheet.write_string(r, 0, "field", fmt["key"])
    locked["field"] = {"stt": "I"}
    sheet.write_string(r, 1, "I", fmt["cell_center"])
    initial["field"] = {"title": ""}
    sheet.merge_range(r, index["title"], r, last, "", fmt["input"])
    sheet.set_row(r, 48)
    r += 1
    heading("II- NỘI DUNG ĐĂNG KÝ VIỆC ĐỘT PHÁ, ĐỔI MỚI")
    heading(f"1- Nội dung đăng ký trong năm {year}")
    for n in range(1, annual + 1):
        key = f"A{n}"
        sheet.write_string(r, 0, key, fmt["key"])
        cell(key, "stt", f"1.{n}", False)
        for column in ("title", "basis", "targets", "roadmap"):
            cell(key, column, "", True)
        cell(key, "start_year", year, False)
        cell(key, "end_year", year, False)
        for column in ("choice", "adjustment"):
            if column in index:
                cell(key, column, "", False)
        sheet.set_row(r, 63)
        r += 1
    heading("2- Nội dung đăng ký trong giai đoạn (từ năm ... đến năm ...)")
    number = 0
    if running:
        heading(
            "Việc theo giai đoạn đang thực hiện: chọn 'tiếp tục' hoặc 'điều chỉnh' và ghi nội "
            "dung điều chỉnh (Điều 4.1)"
        )
    for task in running:
        number += 1
        key = f"B{number}"
        sheet.write_string(r, 0, key, fmt["key"])
        cell(key, "stt", f"2.{number}", False)
        cell(key, "title", task.title, False)
        cell(key, "basis", task.basis, False)
        cell(key, "targets", task.targets, False)
        cell(key, "roadmap", task.roadmap, True)
        cell(key, "start_year", task.start_year, False)
        cell(key, "end_year", task.end_year, False)
        cell(key, "choice", CHOICES[0], True)
        cell(key, "adjustment", "", True)
        fit_row(
            sheet, r,
            [(task.title, 34), (task.basis, 26), (task.targets, 30)], minimum=3,
        )  # fmt: skip
        r += 1
    if running:
        heading("Việc theo giai đoạn đăng ký mới")
    for _ in range(period):
        number += 1
        key = f"B{number}"
        sheet.write_string(r, 0, key, fmt["key"])
        cell(key, "stt", f"2.{number}", False)
        for column in ("title", "basis", "targets", "roadmap"):
            cell(key, column, "", True)
        cell(key, "start_year", "", True)
        cell(key, "end_year", "", True)
        for column in ("choice", "adjustment"):
            if column in index:
                cell(key, column, "", False)
        sheet.set_row(r, 63)
        r += 1
    r += 1
    first = max(1, last - 3)
    sheet.merge_range(r, first, r, last, "Ngày ..... tháng ..... năm .....", fmt["heading_date"])
    sheet.merge_range(r + 1, first, r + 1, last, "CÁN BỘ", fmt["signature"])
    sheet.merge_range(r + 2, first, r + 2, last, "(Ký tên, ghi rõ họ tên)", fmt["italic_center"])
    sheet.merge_range(r + 6, first, r + 6, last, person.full_name, fmt["signature"])
    print_setup(sheet, landscape=bool(running), repeat_rows=(HEADER_ROW, HEADER_ROW + 2))
    sheet.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )
    return {
        "columns": [c.key for c in columns],
        "editable": [c.key for c in columns if c.editable],
        "choices": {c.key: list(c.choices) for c in columns if c.choices},
        "headings": headings,
        "rows": locked,
        "initial": initial,
    }


GUIDE = (
    "HƯỚNG DẪN ĐĂNG KÝ VIỆC ĐỘT PHÁ, ĐỔI MỚI NĂM {year} (MẪU SỐ 01)",
    "",
    "1. Chỉ nhập vào các ô nền vàng; các ô khác đã được khoá để giữ đúng cấu trúc biểu mẫu.",
    "2. Mục I: ghi lĩnh vực được phân công phụ trách.",
    "3. Mục II.1: mỗi dòng là một việc đột phá, đổi mới trong năm {year}: tên việc, căn cứ, cơ sở "
    "để đăng ký, các chỉ tiêu cơ bản phải đạt được và lộ trình thực hiện (Điều 4.1: bản đăng ký "
    "phải có mục tiêu, chỉ tiêu và lộ trình thực hiện cụ thể, rõ ràng). Dòng không dùng thì để "
    "trống.",
    "4. Mục II.2: việc theo giai đoạn (2, 3, 4 năm hoặc cả nhiệm kỳ 5 năm): ghi thêm năm bắt đầu "
    "và năm kết thúc.",
    "5. Việc theo giai đoạn đang thực hiện (nếu có) đã được ghi sẵn: chọn 'tiếp tục' hoặc "
    "'điều chỉnh'; khi điều chỉnh, ghi rõ nội dung điều chỉnh.",
    "6. Trong một ô có thể xuống dòng bằng Alt+Enter.",
    "7. Không xoá, không đổi tên trang, không sửa cột và dòng ẩn: hệ thống dùng chúng để đọc "
    "lại bản đăng ký và chỉ ra chính xác ô cần sửa.",
    "8. Lưu tệp ở dạng Excel (.xlsx) và gửi Ban Tổ chức Tỉnh ủy (đồng gửi cơ quan thẩm định) "
    "trước ngày {deadline}.",
)


def _guide(year: int, deadline: str, running: bool) -> list[str]:
    lines = [line.format(year=year, deadline=deadline or "15/11") for line in GUIDE]
    return lines if running else [line for line in lines if "đang thực hiện" not in line]
