"""Form 02 (Mẫu số 02, the plan): its columns, labels, and the writer of a cadre's workbook.

The layout follows the regulation's form: STT, Nội dung, Sản phẩm/kết quả đạt được, then the four
"Ước tính tỷ lệ % hoàn thành" columns.  A node's own weight is typed in the column of its parent's
level (item → Theo tháng, month → Theo quý, quarter → Theo năm, year → Theo giai đoạn) and the
row shows the live sum of its children's weights in its own level's column, red unless 100 %.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from dotpha_xl.domain.tree import Node, skeleton
from dotpha_xl.kernel.keys import (
    ITEM,
    MONTH,
    PLAN_NOTES,
    QUARTER,
    REQUIRED_PLAN_NOTES,
    TASK,
    YEAR,
    note_key,
)
from dotpha_xl.records.tasks import PlannedTask
from dotpha_xl.xlsx.contract import FORMS, cell_name, write_meta
from dotpha_xl.xlsx.form_layout import (
    FIRST_DATA_ROW,
    HEADER_FIRST_ROW,
    Column,
    Person,
    column_index,
    fit_row,
    protect_form,
    validate_percent,
    write_form_top,
    write_guide,
    write_header,
    write_key_row,
    write_percent_value,
    write_signature,
)
from dotpha_xl.xlsx.styles import Formats, new_workbook, print_setup
from dotpha_xl.xlsx.tenure_blocks import (
    CarriedItem,
    Handover,
    write_carried_block,
    write_handover_cell,
    write_handover_header,
)

#: The form's columns from column B on; column A is the hidden key column.
PLAN_COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", 6),
    Column("content", "Nội dung", 50),
    Column("product", "Sản phẩm/kết quả đạt được", 32),
    Column("w_month", "Theo tháng", 11),
    Column("w_quarter", "Theo quý", 11),
    Column("w_year", "Theo năm", 11),
    Column("w_period", "Theo giai đoạn (đối với việc được giao theo giai đoạn)", 15),
)
COLUMN_INDEX = column_index(PLAN_COLUMNS)
WIDTH = {c.key: c.width for c in PLAN_COLUMNS}
WEIGHT_COLUMNS = ("w_month", "w_quarter", "w_year", "w_period")
LOCKED_COLUMNS = ("stt", "content")

#: The column holding a node's own weight (its parent's level) and its children's sum.
OWN_WEIGHT_COLUMN = {ITEM: "w_month", MONTH: "w_quarter", QUARTER: "w_year", YEAR: "w_period"}
CHILD_SUM_COLUMN = {MONTH: "w_month", QUARTER: "w_quarter", YEAR: "w_year"}

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
ORDINAL_YEAR = ("NHẤT", "HAI", "BA", "TƯ", "NĂM", "SÁU", "BẢY", "TÁM", "CHÍN", "MƯỜI")
ORDINAL_MONTH = ("nhất", "hai", "ba")
#: The narrative rows under each task (Art. 4.4 a), their STT and label; a required one says so.
NOTE_LABELS = {
    "objectives_general": "Mục tiêu chung",
    "objectives_specific": "Mục tiêu cụ thể (định lượng các mục tiêu, chỉ tiêu)",
    "solutions": "Giải pháp thực hiện",
    "roadmap": "Lộ trình thực hiện",
    "coordination": "Cơ quan, đơn vị phối hợp và nội dung đề xuất phối hợp (nếu có)",
}
NOTE_STT = dict(zip(PLAN_NOTES, ("a", "b", "c", "d", "đ"), strict=True))
#: The narrative's text spans the columns from ``product`` to ``w_period`` (merged).
NOTE_WIDTH = sum(WIDTH[k] for k in ("product", *WEIGHT_COLUMNS))


def note_row(field: str) -> list[str]:
    """The locked texts (STT, Nội dung) of a narrative row."""
    label = NOTE_LABELS[field]
    if field in REQUIRED_PLAN_NOTES:
        label += " (bắt buộc)"
    return [NOTE_STT[field], label]


SECTION_TITLES = {
    "A": "NHỮNG VIỆC ĐƯỢC GIAO THEO NĂM (kê việc theo từng tháng/quý)",
    "B": "NHỮNG VIỆC ĐƯỢC GIAO THEO GIAI ĐOẠN",
}


@dataclass(frozen=True)
class CarriedYears:
    """The earlier years of a running period task, carried locked from the plan of the year
    before (docs/workbook-format.md, "Multi-year plans"; docs/regulation.md R35)."""

    from_year: int  # the previous plan's year
    plan_digest: str  # its seal
    plan_file: str
    cadre_id: str  # whose plan it was (a predecessor's, for a successor)
    years: tuple[int, ...]  # the year numbers carried, locked
    #: row key -> (own weight as typed, content, product): every row of the carried years, and
    #: the row of every year of the period (its weight; content and product empty)
    rows: Mapping[str, tuple[Fraction | None, str, str]]

    def carries(self, key: str) -> bool:
        return key in self.rows

    def to_json(self) -> dict[str, Any]:
        return {
            "from_year": self.from_year,
            "plan_digest": self.plan_digest,
            "plan_file": self.plan_file,
            "cadre_id": self.cadre_id,
            "years": list(self.years),
            "rows": {
                k: [None if w is None else str(w), content, product]
                for k, (w, content, product) in self.rows.items()
            },
        }


def carried_label(year: int) -> str:
    """The end of a carried year's label: the year was planned in its own year's plan (R35),
    whichever later plan it was carried through."""
    return f" – ĐÃ LẬP TRONG KẾ HOẠCH NĂM {year}, GIỮ NGUYÊN"


@dataclass
class _Marks:
    """Cells of a form sheet that share one data validation or one conditional format, written
    once for the whole sheet when its rows are done (one per cell made the files big and slow)."""

    #: (row, column) of every weight input cell.
    weights: list[tuple[int, int]] = field(default_factory=list)
    #: (sum column, own weight column or None) -> rows of the children's sums in that column.
    sums: dict[tuple[int, int | None], list[int]] = field(default_factory=dict)


def row_label(
    node: Node, task: PlannedTask, carried: CarriedYears | None = None
) -> tuple[str, str]:
    """The (STT, Nội dung) of a non-item row, as the form numbers and words them; a year
    carried from the previous plan says so."""
    key = node.key
    level = node.level
    if level == TASK:
        stt = str(key.task) if key.section == "A" else ROMAN[(key.task - 1) % 10]
        text = f"VIỆC ĐỘT PHÁ {key.task}: {task.title}"
        if task.carried_from:
            text += f" (chuyển tiếp từ {task.carried_from})"
        if key.section == "B":
            text += f" (giai đoạn {task.start_year}–{task.end_year})"
        return stt, text
    year = task.start_year + ((key.year or 1) - 1)
    if level == YEAR:
        text = f"NĂM THỨ {ORDINAL_YEAR[(key.year - 1) % 10]} CỦA GIAI ĐOẠN (NĂM {year})"
        if carried is not None and key.year in carried.years:
            text += carried_label(year)
        return str(key.year), text
    if level == QUARTER:
        stt = ROMAN[key.quarter - 1] if key.section == "A" else f"{key.year}.{key.quarter}"
        return stt, f"Quý {ROMAN[key.quarter - 1]} năm {year}"
    if level == MONTH:
        month = 3 * (key.quarter - 1) + key.month
        return str(key.month), (
            f"Tháng thứ {ORDINAL_MONTH[key.month - 1]} trong quý (tháng {month}/{year})"
        )
    return "-", ""


def plan_title(year: int, tasks: Sequence[PlannedTask]) -> str:
    """The form's title: the year, and the period (its years) only when the plan has a task
    given by period."""
    title = f"KẾ HOẠCH THỰC HIỆN NHIỆM VỤ ĐỘT PHÁ, ĐỔI MỚI NĂM {year}"
    periods = sorted({(t.start_year, t.end_year) for t in tasks if t.section == "B"})
    if periods:
        title += ", GIAI ĐOẠN " + ", ".join(f"{a}–{b}" for a, b in periods)
    return title


def section_row_key(section: str) -> str:
    return section


def prefilled_rows(
    tasks: Sequence[PlannedTask],
    trees: dict[str, Node],
    carried_years: Mapping[str, CarriedYears] | None = None,
) -> dict[str, list[str]]:
    """Row key -> locked texts (STT, Nội dung) of every pre-filled row, in sheet order."""
    carried_years = carried_years or {}
    rows: dict[str, list[str]] = {}
    for section in ("A", "B"):
        mine = [t for t in tasks if t.section == section]
        if not mine:
            continue
        rows[section_row_key(section)] = [section, SECTION_TITLES[section]]
        for task in mine:
            for node in trees[task.key].walk():
                if node.level != ITEM:
                    label = row_label(node, task, carried_years.get(task.key))
                    rows[str(node.key)] = list(label)
                if node.level == TASK:
                    for name in PLAN_NOTES:
                        rows[note_key(task.key, name)] = note_row(name)
    return rows


def build_trees(tasks: Sequence[PlannedTask], items_per_month: int) -> dict[str, Node]:
    return {
        t.key: skeleton(t.section, t.number, t.end_year - t.start_year + 1, items_per_month)
        for t in tasks
    }


def write_plan(
    person: Person,
    year: int,
    tasks: Sequence[PlannedTask],
    *,
    items_per_month: int = 3,
    trees: dict[str, Node] | None = None,
    extra_meta: dict[str, str] | None = None,
    generated_at: str = "",
    deadline: str = "",
    handover: Handover | None = None,
    carried: Mapping[str, Sequence[CarriedItem]] | None = None,
    carried_years: Mapping[str, CarriedYears] | None = None,
) -> bytes:
    """The cadre's form 02 workbook as bytes (deterministic for the same inputs).

    ``handover`` (a successor's plan) shows each item's completion at the handover and locks the
    items done by then; ``carried`` maps a carried task's key to its unfinished items, listed in a
    locked block above its tree (``xlsx/tenure_blocks.py``); ``carried_years`` maps a running
    period task's key to the earlier years taken from the previous year's plan, written locked
    and grey (their tree is in ``trees``)."""
    carried_years = carried_years or {}
    tasks = sorted(tasks, key=lambda t: (t.section, t.number))
    trees = trees or build_trees(tasks, items_per_month)
    buffer = io.BytesIO()
    book = new_workbook(buffer, in_memory=True)
    fmt = Formats(book)
    sheet = book.add_worksheet(FORMS["plan"][0])
    guide = book.add_worksheet("Hướng dẫn")
    _write_form(
        book, sheet, fmt, person, year, tasks, trees, handover, carried or {}, carried_years
    )
    _write_guide(guide, fmt, year, deadline, carried_years)
    meta = {
        "form": "plan",
        "form_version": FORMS["plan"][1],
        "cadre_id": person.cadre_id,
        "full_name": person.full_name,
        "position": person.position,
        "unit": person.unit,
        "year": str(year),
        "generated_at": generated_at,
        **(extra_meta or {}),
    }
    prefilled: dict[str, Any] = {
        "cadre_id": person.cadre_id,
        "year": year,
        "tasks": [t.as_meta() for t in tasks],
        "rows": prefilled_rows(tasks, trees, carried_years),
    }
    if carried_years:
        digests = sorted({c.plan_digest for c in carried_years.values()})
        meta["previous_plan_digest"] = " ".join(digests)
        prefilled["carried_years"] = {k: c.to_json() for k, c in sorted(carried_years.items())}
    for node in (n for t in tasks for n in trees[t.key].walk()):
        if handover is not None and handover.locked(node):
            prefilled["rows"][str(node.key)] = ["-", node.content]
    write_meta(book, meta, prefilled)
    sheet.activate()
    book.close()
    return buffer.getvalue()


def _write_form(
    book: Any,
    sheet: Any,
    fmt: Formats,
    person: Person,
    year: int,
    tasks: Sequence[PlannedTask],
    trees: dict[str, Node],
    handover: Handover | None = None,
    carried: Mapping[str, Sequence[CarriedItem]] | None = None,
    carried_years: Mapping[str, CarriedYears] | None = None,
) -> None:
    last = len(PLAN_COLUMNS)
    carried_years = carried_years or {}
    title = plan_title(year, tasks)
    write_form_top(sheet, fmt, PLAN_COLUMNS, form_label="Mẫu số 02", title=title, person=person)
    percent_group = "Ước tính tỷ lệ % hoàn thành công việc so với tổng thể công việc chung"
    write_header(sheet, fmt, PLAN_COLUMNS, [("w_month", "w_period", percent_group)])
    write_key_row(sheet, fmt, PLAN_COLUMNS)
    if handover is not None:
        write_handover_header(sheet, fmt, last + 1, HEADER_FIRST_ROW, handover.on)
    marks = _Marks()
    row = FIRST_DATA_ROW
    for section in ("A", "B"):
        mine = [t for t in tasks if t.section == section]
        if not mine:
            continue
        sheet.write_string(row, 0, section_row_key(section), fmt["key"])
        sheet.write_string(row, 1, section, fmt["cell_section"])
        sheet.merge_range(row, 2, row, last, SECTION_TITLES[section], fmt["cell_section"])
        row += 1
        for task in mine:
            if carried and task.key in carried:
                items = carried[task.key]
                row = write_carried_block(sheet, fmt, row, last, task.key, task.carried_from, items)
            row = _write_task(
                book, sheet, fmt, task, trees[task.key], row, marks, handover,
                carried_years.get(task.key),
            )  # fmt: skip
    _write_marks(sheet, fmt, marks)
    write_signature(sheet, fmt, row + 1, 5, last, person.full_name)
    print_setup(sheet, landscape=True, repeat_rows=(HEADER_FIRST_ROW, HEADER_FIRST_ROW + 2))
    protect_form(sheet)


def _write_task(
    book: Any,
    sheet: Any,
    fmt: Formats,
    task: PlannedTask,
    root: Node,
    row: int,
    marks: _Marks,
    handover: Handover | None = None,
    carried: CarriedYears | None = None,
) -> int:
    """Write one task's rows from ``row``; return the next free row.  The weight cells'
    validation and the sums' highlighting are left in ``marks`` for ``_write_marks``.  The rows
    of years ``carried`` from the previous plan are locked and grey, and every year's weight
    is locked."""
    nodes = [(str(node.key), node) for node in root.walk()]
    shift = len(PLAN_NOTES)  # the narrative rows, right under the task's own row
    rows = {key: row + offset + (shift if offset else 0) for offset, (key, _) in enumerate(nodes)}
    _write_notes(sheet, fmt, task, row + 1)
    col = COLUMN_INDEX
    for key, node in nodes:
        r = rows[key]
        sheet.write_string(r, 0, key, fmt["key"])
        level = node.level
        locked = handover is not None and handover.locked(node)
        grey = carried is not None and (node.key.year or 0) in carried.years
        weight_locked = locked or (carried is not None and carried.carries(key))
        if handover is not None:
            write_handover_cell(sheet, fmt, r, len(PLAN_COLUMNS) + 1, node, handover)
        if level == ITEM:
            text_fmt = fmt["carried" if grey else "cell" if locked else "input"]
            sheet.write_string(r, col["stt"], "-", fmt["carried_center" if grey else "cell_center"])
            sheet.write_string(r, col["content"], node.content, text_fmt)
            sheet.write_string(r, col["product"], node.product, text_fmt)
            # A spare item row is where the cadre types: two lines high, so that a product
            # typed into it prints inside its row (neither LibreOffice nor Excel grows a row
            # when the file is opened).
            fit_row(
                sheet,
                r,
                [(node.content, WIDTH["content"]), (node.product, WIDTH["product"])],
                minimum=1 if node.content or node.product else 2,
            )
        else:
            stt, text = row_label(node, task, carried)
            bold = "cell_bold" if level in (TASK, YEAR, QUARTER) else "cell"
            if grey:
                bold = "carried_bold" if level in (TASK, YEAR, QUARTER) else "carried"
            sheet.write_string(r, col["stt"], stt, fmt["carried_center" if grey else "cell_center"])
            sheet.write_string(r, col["content"], text, fmt[bold])
            if grey and level == YEAR:
                sheet.write_comment(r, col["content"], carried_note(carried, task), COMMENT)
            product = task.targets if level == TASK else ""
            sheet.write_string(r, col["product"], product, fmt["carried" if grey else "cell"])
            fit_row(sheet, r, [(text, WIDTH["content"]), (product, WIDTH["product"])])
        own = OWN_WEIGHT_COLUMN.get(level)
        sum_col = CHILD_SUM_COLUMN.get(level) or ("w_year" if task.section == "A" else "w_period")
        for name in WEIGHT_COLUMNS:
            c = col[name]
            if name == own and weight_locked:
                style = "carried_percent" if grey else "percent"
                sheet.write_number(r, c, float((node.weight or 0) / 100), fmt[style])
            elif name == own:
                write_percent_value(sheet, fmt, r, c, node.weight)
                marks.weights.append((r, c))
            elif level != ITEM and name == sum_col:
                _write_child_sum(sheet, fmt, node, rows, r, c, own, marks)
            else:
                sheet.write_blank(r, c, None, fmt["carried" if grey else "cell"])
    return row + len(rows) + shift


def _write_notes(sheet: Any, fmt: Formats, task: PlannedTask, row: int) -> None:
    """The task's narrative rows (Art. 4.4 a) from ``row``: the label locked in ``content``, the
    text typed into ``product`` merged to the last column (pre-filled from ``task.notes``)."""
    col = COLUMN_INDEX
    last = len(PLAN_COLUMNS)
    for offset, name in enumerate(PLAN_NOTES):
        r = row + offset
        stt, label = note_row(name)
        text = task.notes.get(name, "")
        sheet.write_string(r, 0, note_key(task.key, name), fmt["key"])
        sheet.write_string(r, col["stt"], stt, fmt["cell_center"])
        sheet.write_string(r, col["content"], label, fmt["note_label"])
        sheet.merge_range(r, col["product"], r, last, "", fmt["input"])
        sheet.write_string(r, col["product"], text, fmt["input"])
        fit_row(sheet, r, [(label, WIDTH["content"]), (text, NOTE_WIDTH)], minimum=1 if text else 2)


COMMENT = {"x_scale": 2.5, "y_scale": 2, "font_name": "Times New Roman", "font_size": 11}


def carried_note(carried: CarriedYears, task: PlannedTask) -> str:
    """The note on a carried year's row: where its rows come from, and that they are locked."""
    years = ", ".join(str(task.start_year + y - 1) for y in carried.years)
    return (
        f"Các dòng nền xám của năm {years} được chép nguyên từ kế hoạch năm {carried.from_year} "
        f"đã nộp (tệp {carried.plan_file}) và đã khoá: nội dung, sản phẩm và tỷ trọng không được "
        "sửa, xoá hay chèn thêm. Tỷ trọng các năm của giai đoạn cũng giữ như kế hoạch năm "
        f"{carried.from_year}."
    )


def _write_child_sum(
    sheet: Any,
    fmt: Formats,
    node: Node,
    rows: dict[str, int],
    r: int,
    c: int,
    own: str | None,
    marks: _Marks,
) -> None:
    """The live sum of the children's weights, red unless 100 % (when the node counts)."""
    child_col = OWN_WEIGHT_COLUMN[node.children[0].level] if node.children else None
    if child_col is None:
        sheet.write_blank(r, c, None, fmt["percent_bold"])
        return
    cc = COLUMN_INDEX[child_col]
    child_rows = [rows[str(ch.key)] for ch in node.children]
    if node.children[0].level == ITEM:
        formula = f"=SUM({cell_name(child_rows[0], cc)}:{cell_name(child_rows[-1], cc)})"
    else:
        formula = "=" + "+".join(cell_name(cr, cc) for cr in child_rows)
    known = [ch.weight for ch in node.children]
    value = float(sum(known) / 100) if all(w is not None for w in known) else 0
    sheet.write_formula(r, c, formula, fmt["percent_bold"], value)
    own_col = None if own is None else COLUMN_INDEX[own]
    marks.sums.setdefault((c, own_col), []).append(r)


def _write_marks(sheet: Any, fmt: Formats, marks: _Marks) -> None:
    """One validation over every weight cell; one conditional format per (sum column, own weight
    column) over its sum cells, the sum red unless 100 % (when the node's own weight is > 0).

    The formula is relative to the first (topmost) cell of its one-column range, which is also
    the range's top-left corner, so every reader applies it to each cell alike."""
    validate_percent(
        sheet,
        marks.weights,
        title="Tỷ trọng (%)",
        message="Nhập tỷ lệ % so với mục cha, từ 0% đến 100% (ví dụ 25%).",
        error="Tỷ lệ phải từ 0% đến 100%. Ví dụ: 25% hoặc 25,5%.",
    )
    for (c, own_col), sum_rows in marks.sums.items():
        sum_rows = sorted(sum_rows)
        r = sum_rows[0]
        this = cell_name(r, c)
        if own_col is None:
            condition = f"=ABS({this}-1)>0.0001"
        else:
            condition = f"=AND(N({cell_name(r, own_col)})>0,ABS({this}-1)>0.0001)"
        options = {"type": "formula", "criteria": condition, "format": fmt["error_fill"]}
        if len(sum_rows) > 1:
            options["multi_range"] = " ".join(cell_name(sr, c) for sr in sum_rows)
        sheet.conditional_format(r, c, r, c, options)


GUIDE = (
    "HƯỚNG DẪN LẬP KẾ HOẠCH THỰC HIỆN VIỆC ĐỘT PHÁ, ĐỔI MỚI NĂM {year} (MẪU SỐ 02)",
    "",
    "1. Chỉ nhập vào các ô nền vàng; các ô khác đã được khoá để giữ đúng cấu trúc biểu mẫu.",
    "2. Mỗi việc được chia theo quý (việc theo giai đoạn: theo năm, rồi theo quý), mỗi quý chia "
    "theo 3 tháng, mỗi tháng kê các nội dung công việc phải thực hiện.",
    "3. Tỷ trọng: ghi tỷ lệ % của mỗi mục so với mục cha của nó. Nội dung công việc ghi ở cột "
    "'Theo tháng' (tỷ lệ so với tháng); tháng ghi ở cột 'Theo quý'; quý ghi ở cột 'Theo năm'; "
    "năm của giai đoạn ghi ở cột 'Theo giai đoạn'.",
    "4. Tổng tỷ trọng các mục con của một mục phải bằng 100%. Ô tổng tự động cộng và chuyển sang "
    "màu đỏ khi tổng chưa bằng 100%.",
    "5. Tỷ lệ được nhập như 25% hoặc 25,5%. Tỷ trọng quý 25%, tháng 20% - 60% - 20% được điền sẵn "
    "theo ví dụ của Quy định; đồng chí có thể sửa cho phù hợp.",
    "6. Mỗi tháng có sẵn vài dòng nội dung công việc; dòng không dùng thì để trống. Cần thêm "
    "dòng: chọn một dòng nội dung công việc của tháng đó và chèn dòng (Insert row) ngay bên dưới.",
    "7. Tháng hoặc quý không có việc: đặt tỷ trọng 0% và để trống các dòng bên dưới.",
    "8. Mỗi nội dung công việc có tỷ trọng phải ghi rõ nội dung và sản phẩm/kết quả dự kiến.",
    "9. Dưới tên mỗi việc: ghi mục tiêu chung, mục tiêu cụ thể, giải pháp và lộ trình thực hiện "
    "(bắt buộc, Điều 4.4 a của Quy định); việc liên quan đến nhiều ngành, đơn vị thì ghi cơ quan, "
    "đơn vị phối hợp và nội dung đề xuất phối hợp.",
    "10. Không xoá, không đổi tên trang, không sửa cột và dòng ẩn: hệ thống dùng chúng để đọc "
    "lại kế hoạch và chỉ ra chính xác ô cần sửa.",
    "11. Lưu tệp ở dạng Excel (.xlsx) và gửi Ban Tổ chức Tỉnh ủy (đồng gửi cơ quan thẩm định) "
    "trước ngày {deadline}.",
)


CARRIED_GUIDE = (
    "12. Việc theo giai đoạn đã thực hiện từ năm trước: các năm trước (dòng nền xám) được chép "
    "nguyên từ kế hoạch năm {previous} đã nộp và đã khoá; tỷ trọng các năm của giai đoạn giữ như "
    "kế hoạch năm {previous}. Đồng chí chỉ lập kế hoạch cho năm {year} (các năm sau có thể lập "
    "trước hoặc để trống đến kế hoạch của năm đó). Mục tiêu, giải pháp, lộ trình được điền sẵn "
    "theo kế hoạch năm {previous}; đồng chí cập nhật nếu cần."
)


def _write_guide(
    sheet: Any,
    fmt: Formats,
    year: int,
    deadline: str,
    carried_years: Mapping[str, CarriedYears] | None = None,
) -> None:
    lines = [line.format(year=year, deadline=deadline) for line in GUIDE]
    if carried_years:
        lines.append(CARRIED_GUIDE.format(previous=year - 1, year=year))
    write_guide(sheet, fmt, lines)
