"""The Organisation Board's summary workbook for the Standing Committee meeting.

Printed like a Party document (Hướng dẫn 36-HD/VPTW): the heading on rows 0–3, ``BÁO CÁO`` and the
subject, the per-body table with its total row (the workbook contract: hidden key column A with the
body codes and ``TOTAL``, hidden ``key`` row, very hidden ``_meta`` of form ``summary``), a chart,
then one sheet per list (I. commendation, II. Art. 10 cases, III. late reports, IV. carry-over,
V. force majeure, VI. conclusions on cadres who left), each
with its own header repeated on every page and rows keyed ``CADRE_ID:TASK_KEY``; the signature
block and the recipients close the last list.  Same inputs, same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import Any

from dotpha_xl.domain.decisions import GROUNDS, SIGNALS
from dotpha_xl.domain.ratings import LEVEL_NAMES, LEVELS
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import percent_cell
from dotpha_xl.records.consolidation import Signal
from dotpha_xl.records.ratings import RATINGS_KEY, RatingRow
from dotpha_xl.records.summary import MARK_FORCE_MAJEURE, WHOLE_CADRE, Case, Summary
from dotpha_xl.xlsx.body_workbook import (
    ReportFormats,
    chart_font,
    set_columns,
    simple_sheet,
    write_key_row,
    write_table_header,
)
from dotpha_xl.xlsx.contract import FORMS, write_meta
from dotpha_xl.xlsx.form_layout import Column, fit_row
from dotpha_xl.xlsx.styles import new_workbook, party_heading, print_setup

FORM = "summary"
LEVELS_DOWN = tuple(reversed(LEVELS))  # HTXS, HTT, HT, KHT

TABLE_COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", 5),
    Column("name", "Cơ quan thẩm định", 38),
    Column("cadres", "Số cán bộ", 9),
    Column("tasks", "Số việc", 9),
    Column("reports", "Đã nộp", 9),
    Column("on_time", "Đúng hạn", 9),
    Column("late", "Muộn", 9),
    Column("missing", "Chưa nộp", 9),
    *(Column(level, f"{LEVEL_NAMES[level]} ({level})", 11) for level in LEVELS_DOWN),
    Column("average_completion_year", "Bình quân hoàn thành năm", 13),
)

HEADING_LAST_COL = len(TABLE_COLUMNS)
TABLE_CAPTION_ROW = 8
HEADER_ROW = 9  # header rows 9–10, column numbers 11, key row 12
KEY_ROW = 12
FIRST_DATA_ROW = 13

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", 5),
    Column("full_name", "Họ và tên", 18),
    Column("position", "Chức vụ", 24),
    Column("unit", "Cơ quan, đơn vị", 20),
    Column("body", "Cơ quan thẩm định", 18),
    Column("task_key", "Mã việc", 7),
    Column("title", "Tên việc đột phá, đổi mới", 32),
)


def write_summary_workbook(
    summary: Summary,
    settings: Settings,
    *,
    on: date | None = None,
    ratings: Sequence[RatingRow] | None = None,
    exemplary: Sequence[Any] | None = None,
) -> bytes:
    """The summary workbook; ``on`` is the date printed in the heading (blank when ``None``).
    ``ratings`` (a rated period): the "Xếp loại" review sheet where the decided ratings are
    recorded (xlsx/ratings_workbook.py), its pre-filled content under ``ratings``.  ``exemplary``
    (``records.exemplary.Exemplary``, Art. 9.2): the "Tiêu biểu" sheet where the Committee decides
    on the bodies' proposals, under ``exemplary``."""
    out = BytesIO()
    book = new_workbook(out)
    fmt = ReportFormats(book)
    names = {b.code: b.name for b in summary.bodies}
    _table_sheet(book, fmt, summary, settings, on)
    _chart_sheet(book, fmt, summary)
    lists = _list_sheets(book, fmt, summary, names)
    _signature(lists[-1][0], fmt, lists[-1][1] + 1, len(lists[-1][2]), settings)
    prefilled: dict[str, Any] = {
        "rows": {b.code: [b.name] for b in (*summary.bodies, summary.total)}
    }
    if ratings is not None:
        from dotpha_xl.xlsx.ratings_workbook import write_ratings_sheet

        label = summary.period_label
        prefilled[RATINGS_KEY] = write_ratings_sheet(book, ratings, settings, label)
    if exemplary is not None:
        # Art. 9.2: the bodies' proposals of exemplary collectives and individuals, to decide
        from dotpha_xl.records.exemplary import EXEMPLARY_KEY
        from dotpha_xl.xlsx.exemplary_sheets import write_decision_sheet

        prefilled[EXEMPLARY_KEY] = write_decision_sheet(
            book, exemplary, dict(settings.bodies), summary.period_label
        )
    write_meta(
        book,
        {"form": FORM, "form_version": FORMS[FORM][1], "period": summary.period},
        prefilled=prefilled,
    )
    book.close()
    return out.getvalue()


def _table_sheet(
    book: Any, fmt: ReportFormats, summary: Summary, settings: Settings, on: date | None
) -> None:
    sheet = book.add_worksheet(FORMS[FORM][0])
    columns = TABLE_COLUMNS
    last = len(columns)
    set_columns(sheet, fmt, columns)
    party_heading(sheet, fmt, settings.document, first_col=1, last_col=last, on=on)
    for r in range(4):
        sheet.set_row(r, 20)
    sheet.merge_range(5, 1, 5, last, "BÁO CÁO", fmt["title"])
    subject = f"Tổng hợp kết quả thực hiện việc đột phá, đổi mới {_label(summary)}"
    sheet.merge_range(6, 1, 6, last, subject, fmt["subtitle"])
    sheet.set_row(5, 22)
    sheet.set_row(6, 20)
    sheet.merge_range(
        TABLE_CAPTION_ROW,
        1,
        TABLE_CAPTION_ROW,
        last,
        "Tình hình nộp báo cáo và kết quả theo từng cơ quan thẩm định",
        fmt["left_bold"],
    )
    write_table_header(
        sheet,
        fmt,
        columns,
        HEADER_ROW,
        groups=(
            ("reports", "missing", "Báo cáo (số cán bộ)"),
            (LEVELS_DOWN[0], LEVELS_DOWN[-1], "Số việc theo mức xếp loại"),
        ),
        height=48,
    )
    write_key_row(sheet, fmt, columns, KEY_ROW)
    r = FIRST_DATA_ROW
    for n, body in enumerate(summary.bodies, start=1):
        _table_row(sheet, fmt, r, str(n), body, total=False)
        r += 1
    _table_row(sheet, fmt, r, "", summary.total, total=True)
    r += 2
    notes = [
        "Ghi chú: tỷ lệ hoàn thành tính lại từ tỷ lệ hoàn thành từng nội dung công việc, làm tròn "
        "2 chữ số thập phân; xếp loại tính trên số chính xác, là mức đề xuất để Ban Thường vụ "
        "xem xét, quyết định (Điều 7.3).",
    ]
    if summary.period_kind != "year":
        notes.append(
            "Kỳ báo cáo này chỉ xếp loại những việc đã hoàn thành trước quý IV (Điều 7.1); các "
            "việc khác được xếp loại ở báo cáo năm, giai đoạn."
        )
    for note in notes:
        sheet.merge_range(r, 1, r, last, note, fmt["note"])
        fit_row(sheet, r, [(note, sum(c.width for c in columns[1:]))])
        r += 1
    print_setup(sheet, repeat_rows=(HEADER_ROW, HEADER_ROW + 2))


def _table_row(sheet: Any, fmt: ReportFormats, r: int, stt: str, body: Any, *, total: bool) -> None:
    sheet.write_string(r, 0, body.code, fmt["key"])
    text = fmt["total_label"] if total else fmt["cell_center"]
    number = fmt["total_integer"] if total else fmt["integer"]
    percent = fmt["percent_bold"] if total else fmt["percent"]
    sheet.write_string(r, 1, stt, text)
    sheet.write_string(r, 2, body.name, fmt["cell_bold"] if total else fmt["cell"])
    values = [
        body.cadres,
        body.tasks,
        body.reports,
        body.on_time,
        body.late,
        body.missing,
        *(body.ratings.get(level, 0) for level in LEVELS_DOWN),
    ]
    for c, value in enumerate(values, start=3):
        sheet.write_number(r, c, value, number)
    shown = percent_cell(body.average_completion_year)
    if shown is None:
        sheet.write_blank(r, 3 + len(values), None, percent)
    else:
        sheet.write_number(r, 3 + len(values), shown, percent)
    fit_row(sheet, r, [(body.name, TABLE_COLUMNS[1].width)])


def _label(summary: Summary) -> str:
    label = summary.period_label
    return label[0].lower() + label[1:] if label.startswith(("Năm", "Quý", "Đột")) else label


def _chart_sheet(book: Any, fmt: ReportFormats, summary: Summary) -> None:
    name = "Biểu đồ"
    sheet = book.add_worksheet(name)
    rated = summary.period_kind == "year" or any(sum(b.ratings.values()) for b in summary.bodies)
    if rated:
        series = [
            (f"{LEVEL_NAMES[lv]} ({lv})", [b.ratings.get(lv, 0) for b in summary.bodies])
            for lv in LEVELS_DOWN
        ]
        colours = ["#548235", "#2F5597", "#BF9000", "#C00000"]
        title = "Số việc theo mức xếp loại của từng cơ quan thẩm định"
    else:
        series = [
            ("Nộp đúng hạn", [b.on_time for b in summary.bodies]),
            ("Nộp muộn", [b.late for b in summary.bodies]),
            ("Chưa nộp", [b.missing for b in summary.bodies]),
        ]
        colours = ["#548235", "#BF9000", "#C00000"]
        title = "Tình hình nộp báo cáo của từng cơ quan thẩm định (số cán bộ)"
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 6, 14)  # column A and these six are as wide as the chart
    sheet.merge_range(0, 0, 0, 6, title.upper(), fmt["title"])
    sheet.set_row(0, 22)
    sheet.write_string(2, 0, "Cơ quan thẩm định", fmt["header"])
    for j, (label, _) in enumerate(series, start=1):
        sheet.write_string(2, j, label, fmt["header"])
    sheet.set_row(2, 48)
    for i, body in enumerate(summary.bodies):
        sheet.write_string(3 + i, 0, body.name, fmt["cell"])
        for j, (_, values) in enumerate(series, start=1):
            sheet.write_number(3 + i, j, values[i], fmt["integer"])
    end = 2 + len(summary.bodies)
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    for j, (_, colour) in enumerate(zip(series, colours, strict=True), start=1):
        chart.add_series(
            {
                "name": [name, 2, j],
                "categories": [name, 3, 0, end, 0],
                "values": [name, 3, j, end, j],
                "fill": {"color": colour},
                "gap": 60,
            }
        )
    chart.set_title({"name": title, "name_font": chart_font(12, True)})
    chart.set_legend({"position": "bottom", "font": chart_font()})
    chart.set_x_axis({"num_font": chart_font(9)})
    chart.set_y_axis({"num_font": chart_font(), "min": 0, "major_gridlines": {"visible": True}})
    chart.set_size({"width": 900, "height": 380})
    sheet.insert_chart(end + 2, 0, chart)
    print_setup(sheet)


def _person(case: Case, names: dict[str, str]) -> list[Any]:
    whole = case.task_key == WHOLE_CADRE
    return [
        case.full_name,
        case.position,
        case.unit,
        names.get(case.body, case.body),
        "" if whole else case.task_key,
        "Tất cả việc được giao" if whole else case.title,
    ]


def _list_sheet(
    book: Any,
    fmt: ReportFormats,
    name: str,
    title: str,
    cols: Sequence[Column],
    rows: Sequence[tuple[str, Sequence[Any]]],
    *,
    empty: str = "Không có trường hợp nào.",
    note: str = "",
) -> tuple[Any, int, Sequence[Column]]:
    sheet, r = simple_sheet(book, fmt, name, title, cols, rows, empty=empty, kinds=LIST_KINDS)
    if note:
        sheet.merge_range(r, 1, r, len(cols), note, fmt["note"])
        fit_row(sheet, r, [(note, sum(c.width for c in cols[1:]))])
        r += 1
    return sheet, r, cols


#: How the list sheets write their columns.
LIST_KINDS = {
    "stt": "int",
    "task_key": "center",
    "completion": "percent",
    "completion_raw": "percent",
    "remaining": "percent",
    "expected": "percent",
    "attainment": "percent",
    "rating": "center",
    "rating_raw": "center",
    "received": "datetime",
    "deadline": "date",
    "left_on": "date",
}


def _list_sheets(
    book: Any, fmt: ReportFormats, summary: Summary, names: dict[str, str]
) -> list[tuple[Any, int, Sequence[Column]]]:
    """One sheet per list, under the regulation's headings: Art. 9, Art. 10, the late reports
    (a follow-up list, not an Art. 10 ground), Art. 2.5, force majeure, Art. 2.4."""
    out = []
    rated_note = ""
    if summary.period_kind != "year":
        rated_note = (
            "Kỳ báo cáo này chỉ xếp loại những việc đã hoàn thành trước quý IV (Điều 7.1); "
            "các việc khác được xếp loại ở báo cáo năm."
        )
    cols = (
        *PERSON_COLUMNS,
        Column("completion", "Tỷ lệ hoàn thành", 11),
        Column("rating", "Xếp loại", 9),
        Column("marks", "Ghi chú", 22),
    )
    rows = [
        (
            c.key,
            [
                n,
                *_person(c, names),
                c.completion,
                c.rating,
                FM_MARK if MARK_FORCE_MAJEURE in c.marks else "",
            ],
        )
        for n, c in enumerate(summary.commendation, start=1)
    ]
    out.append(
        _list_sheet(
            book,
            fmt,
            "I. Khen thưởng",
            "I. ĐỀ NGHỊ BIỂU DƯƠNG, KHEN THƯỞNG (ĐIỀU 9): VIỆC HOÀN THÀNH XUẤT SẮC",
            cols,
            rows,
            note=rated_note,
        )
    )

    cols = (
        *PERSON_COLUMNS,
        Column("grounds", "Căn cứ (Điều 10)", 24),
        Column("signals", "Dấu hiệu để cơ quan thẩm định xem xét (tệp › ô)", 28),
        Column("reason", "Lý do cán bộ ghi", 22),
    )
    rows = [
        (
            c.key,
            [
                n,
                *_person(c, names),
                "; ".join(GROUNDS[g] for g in c.grounds),
                "; ".join(_signal_text(s) for s in c.signals),
                c.reason,
            ],
        )
        for n, c in enumerate(summary.discipline, start=1)
    ]
    note = (
        ""
        if summary.registrations_judged
        else "Chưa xét căn cứ «không đăng ký»: cần thư mục bản đăng ký hoặc tệp đề xuất."
    )
    out.append(
        _list_sheet(
            book,
            fmt,
            "II. Xem xét xử lý",
            "II. ĐỀ NGHỊ XEM XÉT XỬ LÝ CÁN BỘ (ĐIỀU 10)",
            cols,
            rows,
            note=note,
        )
    )

    cols = (
        *PERSON_COLUMNS[:5],
        Column("report_file", "Tệp báo cáo", 30),
        Column("received", "Nộp lần đầu", 15),
        Column("deadline", "Hạn nộp", 11),
    )
    rows = [
        (c.key, [n, *_person(c, names)[:4], c.report_file, c.received, c.deadline])
        for n, c in enumerate(summary.late, start=1)
    ]
    out.append(
        _list_sheet(
            book,
            fmt,
            "III. Nộp muộn",
            "III. NỘP BÁO CÁO MUỘN (THEO DÕI, ĐÔN ĐỐC; KHÔNG THUỘC CÁC CĂN CỨ CỦA ĐIỀU 10)",
            cols,
            rows,
        )
    )

    cols = (
        *PERSON_COLUMNS,
        Column("completion", "Hoàn thành năm", 11),
        Column("remaining", "Phần chưa hoàn thành", 11),
        Column("reason", "Lý do chưa hoàn thành (cán bộ ghi)", 26),
    )
    rows = [
        (
            c.key,
            [
                n,
                *_person(c, names),
                c.completion,
                None if c.completion is None else 100 - c.completion,
                c.reason,
            ],
        )
        for n, c in enumerate(summary.carry_over, start=1)
    ]
    empty = "Không có việc nào phải chuyển sang năm sau."
    if summary.period_kind != "year":
        empty = "Chỉ xác định ở báo cáo năm."
    out.append(
        _list_sheet(
            book,
            fmt,
            "IV. Chuyển năm sau",
            "IV. VIỆC THEO NĂM CHƯA HOÀN THÀNH, CHUYỂN SANG NĂM SAU (ĐIỀU 2.5)",
            cols,
            rows,
            empty=empty,
        )
    )

    cols = (
        *PERSON_COLUMNS,
        Column("items", "Nội dung bất khả kháng", 16),
        Column("completion_raw", "Hoàn thành (chưa trừ)", 11),
        Column("completion", "Hoàn thành (đã trừ)", 11),
        Column("rating_raw", "Xếp loại (chưa trừ)", 9),
        Column("rating", "Xếp loại (đã trừ)", 9),
    )
    rows = [
        (
            c.key,
            [
                n,
                *_person(c, names),
                ", ".join(c.force_majeure_items),
                c.completion_raw,
                c.completion,
                c.rating_raw,
                c.rating,
            ],
        )
        for n, c in enumerate(summary.force_majeure, start=1)
    ]
    out.append(
        _list_sheet(
            book,
            fmt,
            "V. Bất khả kháng",
            "V. TRƯỜNG HỢP BẤT KHẢ KHÁNG ĐỀ NGHỊ BAN THƯỜNG VỤ XEM XÉT",
            cols,
            rows,
        )
    )

    cols = (
        *PERSON_COLUMNS,
        Column("left_on", "Ngày thôi đảm nhiệm", 12),
        Column("completion", "Đã hoàn thành (C_d)", 11),
        Column("expected", "Theo kế hoạch đến ngày đó (E_d)", 12),
        Column("attainment", "Mức đạt so với kế hoạch (A_d)", 12),
    )
    rows = [
        (
            c.key,
            [
                n,
                c.full_name,
                c.position,
                c.unit,
                names.get(c.body, c.body),
                c.task_key,
                c.title,
                c.left_on,
                c.completion,
                c.expected,
                c.attainment,
            ],
        )
        for n, c in enumerate(summary.handover_conclusions, start=1)
    ]
    out.append(
        _list_sheet(
            book,
            fmt,
            "VI. Kết luận thôi đảm nhiệm",
            "VI. KẾT LUẬN ĐỐI VỚI CÁN BỘ THÔI ĐẢM NHIỆM (ĐIỀU 2.4): KHÔNG XẾP LOẠI, KHÔNG "
            "ĐỀ NGHỊ KHEN THƯỞNG, KHÔNG CHUYỂN NĂM SAU",
            cols,
            rows,
        )
    )
    return out


FM_MARK = "Đạt xuất sắc nhờ trừ nội dung bất khả kháng; Ban Thường vụ xem xét, quyết định"


def _signal_text(s: Signal) -> str:
    return f"{SIGNALS.get(s.code, s.code)} ({s.file} › {s.sheet} › {s.cell})"


def _signature(sheet: Any, fmt: ReportFormats, row: int, width: int, settings: Settings) -> None:
    """Recipients on the left, the signature block on the right, from ``row``."""
    doc = settings.document
    middle = width // 2 + 1
    left = (1, middle - 1)
    right = (middle, width)
    sheet.merge_range(row, right[0], row, right[1], doc.signer_on_behalf, fmt["signature"])
    sheet.merge_range(row + 1, right[0], row + 1, right[1], doc.signer_title, fmt["signature"])
    sheet.merge_range(row + 6, right[0], row + 6, right[1], doc.signer_name, fmt["signature"])
    sheet.merge_range(row + 1, left[0], row + 1, left[1], "Nơi nhận:", fmt["left_italic_bold"])
    recipients = list(doc.recipients)
    for i, recipient in enumerate(recipients):
        end = "." if i == len(recipients) - 1 else ","
        sheet.merge_range(
            row + 2 + i, left[0], row + 2 + i, left[1], f"- {recipient}{end}", fmt["small_left"]
        )
