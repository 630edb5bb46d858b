"""Printable documents of tenure events in the Party document format (the heading of
``styles.party_heading``): the handover conclusion for the Standing Committee, and the notice
announcing the plans and results at a unit (Art. 2.6).  A4 portrait, Times New Roman; same
inputs, same bytes."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, ClassVar

from dotpha_xl.domain.ratings import LEVEL_NAMES
from dotpha_xl.kernel.settings import DocumentSettings
from dotpha_xl.kernel.text import format_percent
from dotpha_xl.xlsx.form_layout import fit_row
from dotpha_xl.xlsx.styles import Formats, new_workbook, party_heading, print_setup

#: Widths (characters) of the five columns B..F used by both documents; column A is a margin.
WIDTHS = (5, 30, 8, 28, 16)
LAST = len(WIDTHS)


class DocFormats(Formats):
    BASE: ClassVar[dict[str, Any]] = {**Formats.BASE, "font_size": 13}
    SPECS: ClassVar[dict[str, dict[str, Any]]] = {
        **Formats.SPECS,
        "doc_kind": {"bold": True, "font_size": 14, "align": "center"},
        "doc_subject": {"bold": True, "align": "center", "text_wrap": True},
        "para": {"text_wrap": True, "valign": "top"},
        "para_bold": {"bold": True, "text_wrap": True, "valign": "top"},
        "cell_small": {"border": 1, "text_wrap": True, "valign": "top", "font_size": 12},
        "cell_small_bold": {
            "border": 1,
            "text_wrap": True,
            "valign": "top",
            "bold": True,
            "font_size": 12,
        },
        "cell_small_center": {"border": 1, "align": "center", "valign": "top", "font_size": 12},
        "header_small": {**Formats.SPECS["header"], "font_size": 12},
        "left_italic_bold": {"italic": True, "bold": True},
        "small_left": {"font_size": 11},
    }


def _book() -> tuple[io.BytesIO, Any, DocFormats, Any]:
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    fmt = DocFormats(book)
    sheet = book.add_worksheet("Văn bản")
    sheet.set_column(0, 0, 1)
    for i, w in enumerate(WIDTHS, start=1):
        sheet.set_column(i, i, w)
    return buffer, book, fmt, sheet


def _title(sheet: Any, fmt: DocFormats, row: int, kind: str, subject: str) -> int:
    sheet.merge_range(row, 1, row, LAST, kind, fmt["doc_kind"])
    sheet.merge_range(row + 1, 1, row + 1, LAST, subject, fmt["doc_subject"])
    fit_row(sheet, row + 1, [(subject, sum(WIDTHS) * 0.9)])
    return row + 3


def _para(sheet: Any, fmt: DocFormats, row: int, text: str, style: str = "para") -> int:
    sheet.merge_range(row, 1, row, LAST, text, fmt[style])
    fit_row(sheet, row, [(text, sum(WIDTHS) * 0.9)])
    return row + 1


def _header(sheet: Any, fmt: DocFormats, row: int, labels: Sequence[str]) -> int:
    for c, label in enumerate(labels, start=1):
        sheet.write_string(row, c, label, fmt["header_small"])
    fit_row(sheet, row, [(t, w) for t, w in zip(labels, WIDTHS, strict=True)])
    return row + 1


def _cells(sheet: Any, fmt: DocFormats, row: int, values: Sequence[str], bold: bool = False) -> int:
    for c, value in enumerate(values, start=1):
        style = "cell_small_center" if c in (1, 3, 5) else "cell_small"
        if bold and c == 2:
            style = "cell_small_bold"
        sheet.write_string(row, c, value, fmt[style])
    # 12 pt cells hold about a tenth more characters than fit_row's 12 pt estimate allows
    fit_row(sheet, row, [(v, w * 1.1) for v, w in zip(values, WIDTHS, strict=True)])
    return row + 1


def _signature(sheet: Any, fmt: DocFormats, row: int, doc: DocumentSettings) -> int:
    left, right = (1, 2), (3, LAST)
    sheet.merge_range(row, right[0], row, right[1], doc.signer_on_behalf, fmt["signature"])
    sheet.merge_range(row + 1, right[0], row + 1, right[1], doc.signer_title, fmt["signature"])
    sheet.merge_range(row + 5, right[0], row + 5, right[1], doc.signer_name, fmt["signature"])
    sheet.merge_range(row, left[0], row, left[1], "Nơi nhận:", fmt["left_italic_bold"])
    recipients = list(doc.recipients)
    for i, recipient in enumerate(recipients):
        end = "." if i == len(recipients) - 1 else ","
        text = f"- {recipient}{end}"
        sheet.merge_range(row + 1 + i, left[0], row + 1 + i, left[1], text, fmt["small_left"])
    return row + max(6, len(recipients) + 1)


def _finish(book: Any, buffer: io.BytesIO, sheet: Any) -> bytes:
    print_setup(sheet, landscape=False)
    sheet.set_margins(left=1.18, right=0.7, top=0.8, bottom=0.8)  # 30 / 18 / 20 / 20 mm
    sheet.activate()
    book.close()
    return buffer.getvalue()


def pct(value: Fraction | float | None) -> str:
    return "" if value is None else format_percent(Fraction(value))


def level_text(code: str | None) -> str:
    return f"{LEVEL_NAMES[code]} ({code})" if code in LEVEL_NAMES else ""


# --------------------------------------------------------------------------------------------
# The handover conclusion
# --------------------------------------------------------------------------------------------


@dataclass
class ConcludedItem:
    key: str
    content: str
    product: str
    completion: Fraction


@dataclass
class ConcludedTask:
    key: str
    title: str
    completion: Fraction
    expected: Fraction
    attainment: Fraction | None
    rating: str | None
    done: list[ConcludedItem] = field(default_factory=list)
    not_done: list[ConcludedItem] = field(default_factory=list)


def write_conclusion(
    doc: DocumentSettings,
    *,
    full_name: str,
    position: str,
    unit: str,
    handover_on: date,
    tasks: Sequence[ConcludedTask],
    successor: str,
) -> bytes:
    buffer, book, fmt, sheet = _book()
    row = party_heading(sheet, fmt, doc, first_col=1, last_col=LAST)
    subject = (
        f"Kết quả thực hiện việc đột phá, đổi mới của đồng chí {full_name}, {position}, "
        f"{unit}, đến ngày thôi giữ chức vụ {handover_on:%d/%m/%Y}"
    )
    row = _title(sheet, fmt, row, "BÁO CÁO", subject)
    row = _para(sheet, fmt, row, "1. Kết quả đến ngày bàn giao (để Ban Thường vụ kết luận)",
                "para_bold")  # fmt: skip
    row = _header(
        sheet, fmt, row,
        ["STT", "Việc đột phá, đổi mới", "Đã hoàn thành (C_d)", "Phải đạt theo kế hoạch (E_d)",
         "Mức đạt (A_d) / xếp loại"],
    )  # fmt: skip
    for n, t in enumerate(tasks, start=1):
        result = f"{pct(t.attainment)} {t.rating or ''}".strip() if t.rating else "chưa xếp loại"
        row = _cells(
            sheet, fmt, row,
            [str(n), f"{t.key}. {t.title}", pct(t.completion), pct(t.expected), result],
            bold=True,
        )  # fmt: skip
    row += 1
    for n, t in enumerate(tasks, start=2):
        row = _para(sheet, fmt, row, f"{n}. {t.key}. {t.title}: các nội dung", "para_bold")
        row = _header(sheet, fmt, row, ["STT", "Nội dung", "Mức độ", "Sản phẩm", "Tình trạng"])
        for i, item in enumerate([*t.done, *t.not_done], start=1):
            state = "Đã hoàn thành" if item.completion >= 100 else "Chưa hoàn thành"
            values = [str(i), item.content or item.key, pct(item.completion), item.product, state]
            row = _cells(sheet, fmt, row, values)
        row += 1
    text = (
        f"Người tiếp nhận các việc trên: {successor}."
        if successor
        else "Chưa có người tiếp nhận trong danh sách cán bộ."
    )
    row = _para(sheet, fmt, row, text)
    _signature(sheet, fmt, row + 1, doc)
    return _finish(book, buffer, sheet)


# --------------------------------------------------------------------------------------------
# The notice at a unit
# --------------------------------------------------------------------------------------------


@dataclass
class NoticeQuarter:
    label: str
    weight: Fraction | None
    products: str


@dataclass
class NoticeTask:
    key: str
    title: str
    quarters: list[NoticeQuarter]
    completion: Fraction | float | None = None
    rating: str | None = None
    decided: str | None = None


@dataclass
class NoticeCadre:
    cadre_id: str
    full_name: str
    position: str
    tasks: list[NoticeTask]


def notice_symbol(doc: DocumentSettings) -> DocumentSettings:
    """A notice is numbered "TB": ``25-BC/BTCTU`` becomes ``…-TB/BTCTU``."""
    kind, sep, rest = doc.symbol.partition("/")
    if not sep or kind.upper() == "TB":
        return doc
    return dataclasses.replace(doc, symbol=f"TB/{rest}")


def notice_title(year: int) -> str:
    return f"Kế hoạch và kết quả thực hiện việc đột phá, đổi mới năm {year}"


def write_notice(
    doc: DocumentSettings,
    *,
    unit: str,
    year: int,
    cadres: Sequence[NoticeCadre],
    on: date | None = None,
) -> bytes:
    buffer, book, fmt, sheet = _book()
    row = party_heading(sheet, fmt, notice_symbol(doc), first_col=1, last_col=LAST, on=on)
    row = _title(sheet, fmt, row, "THÔNG BÁO", notice_title(year))
    with_results = any(t.completion is not None or t.decided for c in cadres for t in c.tasks)
    intro = (
        "Thực hiện Quy định về việc đột phá, đổi mới của cán bộ lãnh đạo (Điều 2.6), "
        "thông báo kế hoạch"
        + (" và kết quả" if with_results else "")
        + f" thực hiện việc đột phá, đổi mới năm {year} của các đồng chí công tác tại {unit}"
        " như sau:"
    )
    row = _para(sheet, fmt, row, intro)
    for n, cadre in enumerate(cadres, start=1):
        row += 1
        row = _para(sheet, fmt, row, f"{n}. Đồng chí {cadre.full_name}, {cadre.position}",
                    "para_bold")  # fmt: skip
        last = "Kết quả" if with_results else "Ghi chú"
        row = _header(sheet, fmt, row, ["STT", "Việc và các mốc theo quý", "Tỷ trọng",
                                        "Sản phẩm chính", last])  # fmt: skip
        for t in cadre.tasks:
            result = ""
            if with_results:
                parts = [f"Hoàn thành {pct(t.completion)}" if t.completion is not None else ""]
                if t.rating:
                    parts.append(f"Tính toán: {t.rating}")
                if t.decided:
                    parts.append(f"Quyết định: {t.decided}")
                result = "\n".join(p for p in parts if p)
            row = _cells(sheet, fmt, row, [t.key, t.title, "100%", "", result], bold=True)
            for q in t.quarters:
                row = _cells(sheet, fmt, row, ["", q.label, pct(q.weight), q.products, ""])
    row += 1
    _signature(sheet, fmt, row, doc)
    return _finish(book, buffer, sheet)
