"""The record of a cadre across years (Art. 8; ``dotpha record``): one print-ready workbook per
cadre and one table of all cadres by year, on A4 landscape in Times New Roman.  Every text that
came from users (names, titles, reasons) is written as text, never as a formula."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from dotpha_xl.domain.ratings import LEVEL_NAMES, LEVELS
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import percent_cell
from dotpha_xl.records.history import CadreRecord, YearEntry
from dotpha_xl.xlsx.body_workbook import flag_words
from dotpha_xl.xlsx.form_layout import fit_row
from dotpha_xl.xlsx.styles import Formats, new_workbook, print_setup

TITLE = "KẾT QUẢ THỰC HIỆN VIỆC ĐỘT PHÁ, ĐỔI MỚI QUA CÁC NĂM"
LEGEND = "; ".join(f"{code}: {LEVEL_NAMES[code]}" for code in reversed(LEVELS)) + "."
NOTE = (
    "Căn cứ Điều 8 Quy định: kết quả thực hiện việc đột phá, đổi mới là một trong các căn cứ "
    "đánh giá, xếp loại cán bộ hằng năm và cả nhiệm kỳ, quy hoạch, bổ nhiệm. Tỷ lệ hiển thị làm "
    "tròn 2 chữ số thập phân; xếp loại tính trên số chính xác. "
)

#: (key, header, width) of a cadre's table.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("task_key", "Mã việc", 7),
    ("title", "Tên việc đột phá, đổi mới", 38),
    ("completion", "Tỷ lệ hoàn thành", 11),
    ("computed", "Xếp loại tính toán", 10),
    ("self", "Tự nhận", 8),
    ("proposed", "Mức đề xuất", 9),
    ("decided", "Mức quyết định", 10),
    ("flags", "Ghi chú", 24),
    ("commended", "Khen thưởng (Điều 9)", 12),
)


def _formats(book: Any) -> Formats:
    fmt = Formats(book)
    return fmt


def write_record_workbook(record: CadreRecord, settings: Settings) -> bytes:
    """One cadre's record: the years in order, each with the post held, the tasks, the cadre's
    own level and the Art. 10 cases."""
    out = BytesIO()
    book = new_workbook(out)
    fmt = _formats(book)
    sheet = book.add_worksheet("Hồ sơ")
    last = len(COLUMNS) - 1
    for c, (_, _, width) in enumerate(COLUMNS):
        sheet.set_column(c, c, width)
    sheet.merge_range(0, 0, 0, last, settings.document.issuing_body.upper(), fmt["heading_bold"])
    sheet.merge_range(1, 0, 1, last, TITLE, fmt["title"])
    sheet.set_row(1, 22)
    latest = record.latest
    who = f"Đồng chí: {record.full_name or record.cadre_id} (mã cán bộ {record.cadre_id})"
    sheet.merge_range(2, 0, 2, last, who, fmt["subtitle"])
    if latest is not None:
        post = ", ".join(x for x in (latest.position, latest.unit) if x)
        sheet.merge_range(3, 0, 3, last, f"Chức vụ ({latest.year}): {post}", fmt["italic_center"])
    header = 5
    for c, (_, text, _) in enumerate(COLUMNS):
        sheet.write_string(header, c, text, fmt["header"])
        sheet.write_number(header + 1, c, c + 1, fmt["header_number"])
    sheet.set_row(header, 34)
    r = header + 2
    for entry in record.years:
        r = _year(sheet, fmt, r, entry, last)
    for text in (NOTE, LEGEND):
        r += 1
        sheet.merge_range(r, 0, r, last, text, fmt["note"])
        fit_row(sheet, r, [(text, sum(w for *_, w in COLUMNS))])
    print_setup(sheet, landscape=True, repeat_rows=(header, header + 1))
    sheet.freeze_panes(header + 2, 0)
    book.close()
    return out.getvalue()


def _year(sheet: Any, fmt: Formats, r: int, e: YearEntry, last: int) -> int:
    post = ", ".join(x for x in (e.position, e.unit) if x)
    label = e.period_label if str(e.year) in e.period_label else f"Năm {e.year} — {e.period_label}"
    heading = label + (f" — {post}" if post else "")
    sheet.merge_range(r, 0, r, last, heading, fmt["cell_section"])
    r += 1
    if not e.tasks:
        sheet.merge_range(r, 0, r, last, "Không có việc trong kỳ này.", fmt["cell"])
        r += 1
    for t in e.tasks:
        flags = flag_words(t.flags)
        if t.year_rating:  # a period task's final year: the ratings are the whole period's
            year_note = f"cả giai đoạn; riêng năm {e.year}: {t.year_rating}"
            flags = "; ".join(x for x in (year_note, flags) if x)
        if not t.rated:
            flags = "; ".join(x for x in ("không xếp loại trong kỳ", flags) if x)
        values = {
            "task_key": t.task_key,
            "title": t.title,
            "computed": t.computed,
            "self": t.self_rating,
            "proposed": t.proposed,
            "decided": t.decided,
            "flags": flags,
            "commended": "Đề nghị khen thưởng" if t.commended else "",
        }
        wrapped = []
        for c, (key, _, width) in enumerate(COLUMNS):
            if key == "completion":
                value = percent_cell(t.completion)
                if value is None:
                    sheet.write_blank(r, c, None, fmt["percent"])
                else:
                    sheet.write_number(r, c, value, fmt["percent"])
                continue
            text = values[key]
            centred = key not in ("title", "flags", "commended")
            sheet.write_string(r, c, text, fmt["cell_center" if centred else "cell"])
            if not centred:
                wrapped.append((text, width))
        fit_row(sheet, r, wrapped)
        r += 1
    if e.level_computed or e.level_decided:
        sheet.merge_range(r, 0, r, 2, "Mức xếp loại của cán bộ (Điều 7.3 c)", fmt["cell_bold"])
        for c, value in ((3, e.level_computed), (5, e.level_proposed), (6, e.level_decided)):
            sheet.write_string(r, c, value, fmt["cell_bold"])
        sheet.write_string(r, 4, "", fmt["cell_bold"])
        decided = LEVEL_NAMES.get(e.level_decided, "")
        sheet.merge_range(r, 7, r, last, decided, fmt["cell_bold"])
        r += 1
    for task_key, ground in e.cases:
        where = "cán bộ" if task_key in ("*", "") else f"việc {task_key}"
        text = f"Điều 10 ({where}): {ground}"
        sheet.merge_range(r, 0, r, last, text, fmt["cell"])
        fit_row(sheet, r, [(text, 130)])
        r += 1
    return r


def _year_text(e: YearEntry | None) -> tuple[str, str, str]:
    if e is None:
        return "", "", ""
    counts = Counter(t.decided for t in e.tasks if t.rated and t.decided)
    tasks = f"{len(e.tasks)} việc" + (
        ": " + ", ".join(f"{counts[lv]} {lv}" for lv in reversed(LEVELS) if counts[lv])
        if counts
        else ""
    )
    notes = []
    if any(t.commended for t in e.tasks):
        notes.append("khen thưởng")
    grounds: dict[str, list[str]] = {}
    for task_key, text in e.cases:
        grounds.setdefault(text.split(":")[0], []).append(task_key)
    for ground, keys in grounds.items():
        where = ", ".join("cán bộ" if k in ("*", "") else k for k in keys)
        notes.append(f"Điều 10 – {ground} ({where})")
    return e.level_decided, tasks, "; ".join(notes)


def write_record_table(records: Sequence[CadreRecord], settings: Settings) -> bytes:
    """All cadres by year: each year's decided cadre level, the tasks by decided level, and the
    commendation and Art. 10 cases."""
    years = sorted({e.year for rec in records for e in rec.years})
    out = BytesIO()
    book = new_workbook(out)
    fmt = _formats(book)
    sheet = book.add_worksheet("Tổng hợp")
    fixed = (("stt", "STT", 5), ("cadre_id", "Mã cán bộ", 9), ("full_name", "Họ và tên", 18),
             ("position", "Chức vụ (năm gần nhất)", 22))  # fmt: skip
    per_year = (("Mức của cán bộ", 9), ("Các việc (mức quyết định)", 14), ("Ghi chú", 26))
    last = len(fixed) + len(per_year) * len(years) - 1
    for c, (_, _, width) in enumerate(fixed):
        sheet.set_column(c, c, width)
    sheet.merge_range(0, 0, 0, last, settings.document.issuing_body.upper(), fmt["heading_bold"])
    sheet.merge_range(1, 0, 1, last, TITLE + " — TỔNG HỢP", fmt["title"])
    sheet.set_row(1, 40)
    header = 3
    for c, (_, text, _) in enumerate(fixed):
        sheet.merge_range(header, c, header + 1, c, text, fmt["header"])
    for i, year in enumerate(years):
        first = len(fixed) + i * len(per_year)
        sheet.merge_range(header, first, header, first + 2, f"Năm {year}", fmt["header"])
        for j, (text, width) in enumerate(per_year):
            sheet.set_column(first + j, first + j, width)
            sheet.write_string(header + 1, first + j, text, fmt["header"])
    sheet.set_row(header + 1, 34)
    r = header + 2
    for n, rec in enumerate(records, start=1):
        by_year = {e.year: e for e in rec.years}
        latest = rec.latest
        sheet.write_number(r, 0, n, fmt["integer"])
        sheet.write_string(r, 1, rec.cadre_id, fmt["cell_center"])
        sheet.write_string(r, 2, rec.full_name, fmt["cell"])
        sheet.write_string(r, 3, latest.position if latest else "", fmt["cell"])
        wrapped = [(rec.full_name, 18.0), (latest.position if latest else "", 22.0)]
        for i, year in enumerate(years):
            first = len(fixed) + i * len(per_year)
            level, tasks, notes = _year_text(by_year.get(year))
            sheet.write_string(r, first, level, fmt["cell_center"])
            sheet.write_string(r, first + 1, tasks, fmt["cell"])
            sheet.write_string(r, first + 2, notes, fmt["cell"])
            wrapped += [(tasks, 14.0), (notes, 26.0)]
        fit_row(sheet, r, wrapped)
        r += 1
    r += 1
    sheet.merge_range(r, 0, r, last, NOTE + LEGEND, fmt["note"])
    sheet.set_row(r, 48)
    print_setup(sheet, landscape=True, repeat_rows=(header, header + 1))
    sheet.freeze_panes(header + 2, 4)
    book.close()
    return out.getvalue()
