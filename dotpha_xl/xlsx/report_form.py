"""Form 03 (Mẫu số 03, the report): built from a cadre's checked plan.

Every row of the plan comes back with its content, weight and planned product locked.  The cadre
types, per item, the actual product, the completion (cumulative, % of that item) and, when it
applies, a force-majeure mark and its reason; per task the self-rating and the reason for any
shortfall; and the narrative blocks under the table.  The official columns (Theo quý, Theo năm,
Theo giai đoạn) and each node's completion are live formulas for the cadre's eyes only: readers
never trust them and recompute every figure from the items.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from dotpha_xl.domain.decisions import RATES_PERIOD, may_rate_early, rated_scopes
from dotpha_xl.domain.periods import ReportPeriod, rates_whole_period, runs_in
from dotpha_xl.domain.ratings import LEVELS
from dotpha_xl.domain.tree import Node
from dotpha_xl.kernel.keys import ITEM, MONTH, QUARTER, TASK, YEAR
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
from dotpha_xl.xlsx.plan_form import SECTION_TITLES, row_label
from dotpha_xl.xlsx.styles import Formats, as_packed_on_disk, new_workbook, print_setup

REPORT_COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", 5),
    Column("content", "Nội dung", 38),
    Column("product", "Sản phẩm/kết quả theo kế hoạch", 22),
    Column("weight", "Tỷ trọng trong mục cha", 9),
    Column(
        "actual_product",
        "Sản phẩm thực tế đã hoàn thành (ghi rõ sản phẩm đã hoàn thành theo thời điểm báo cáo)",
        26,
    ),
    Column("completion", "Mức độ hoàn thành (% của nội dung)", 10),
    Column("by_quarter", "Theo quý", 9),
    Column("by_year", "Theo năm", 9),
    Column("by_period", "Theo giai đoạn (đối với việc được giao theo giai đoạn)", 11),
    Column("self_rating", "Tự nhận mức xếp loại (HTXS, HTT, HT, KHT)", 11),
    Column("evidence", "Minh chứng kết quả (khi tự nhận xếp loại)", 16),
    Column("shortfall_reason", "Lý do không hoàn thành theo kế hoạch đã đề ra", 20),
    Column("force_majeure", "Bất khả kháng (ghi x)", 8),
    Column("fm_reason", "Lý do bất khả kháng", 18),
)
COLUMN_INDEX = column_index(REPORT_COLUMNS)
WIDTH = {c.key: c.width for c in REPORT_COLUMNS}
LOCKED_COLUMNS = ("stt", "content", "product")
NARRATIVES: tuple[tuple[str, str], ...] = (
    ("note.advantages", "Thuận lợi"),
    ("note.difficulties", "Khó khăn, vướng mắc và giải pháp"),
    ("note.direction", "Phương hướng thời gian tới"),
    ("note.proposals", "Đề xuất, kiến nghị"),
)
FM_MARK = "x"


@dataclass(frozen=True)
class CarriedItem:
    """An item of an earlier year of a period task as the final report of that year left it:
    written locked into a later year's report and sealed in its ``_meta`` (``carried``)."""

    completion: Fraction | None
    actual_product: str = ""
    force_majeure: str | None = None  # the reason, when marked force majeure

    def to_meta(self) -> list[Any]:
        done = "" if self.completion is None else str(self.completion)
        return [done, self.actual_product, self.force_majeure]

    @classmethod
    def from_meta(cls, value: list[Any]) -> CarriedItem:
        done, product, fm = value
        return cls(Fraction(done) if done else None, product or "", fm)


@dataclass
class ReportInputs:
    """What the cadre typed, to pre-fill from an earlier report (``--previous``); ``carried``:
    the earlier years' items of a period task, locked, from the final report of the year before
    (``carried_from``, its period code)."""

    completions: dict[str, Fraction] = field(default_factory=dict)
    actual_products: dict[str, str] = field(default_factory=dict)
    force_majeure: dict[str, str] = field(default_factory=dict)  # item key -> reason
    carried: dict[str, CarriedItem] = field(default_factory=dict)
    carried_from: str = ""


def self_rating_rows(task: PlannedTask, root: Node, period: ReportPeriod) -> list[str]:
    """Row keys that carry a self-rating and its evidence: in an annual report, the task (its
    year or its whole period) and, for a period task, the year being reported; in a report that
    can rate a task completed before the fourth quarter (Art. 7.1, 7.3 a:
    ``domain.decisions.may_rate_early``), the task row, to fill if the task is completed."""
    if period.kind != "year":
        return [str(root.key)] if may_rate_early(period) else []
    if task.section != "B":
        return [str(root.key)]
    keys = []
    if runs_in(task.start_year, task.end_year, period.year):
        year_key = root.key.child(period.year - task.start_year + 1)
        if any(c.key == year_key for c in root.children):
            keys.append(str(year_key))
    if RATES_PERIOD in rated_scopes(task.section, period, task.end_year):
        keys.insert(0, str(root.key))  # the whole period, rated in its final year
    return keys


def carried_meta(inputs: ReportInputs) -> dict[str, Any]:
    """The sealed form of the carried items (pre-filled JSON key ``carried``)."""
    return {
        "from": inputs.carried_from,
        "items": {k: v.to_meta() for k, v in sorted(inputs.carried.items())},
    }


def report_title(period: ReportPeriod, tasks: Sequence[PlannedTask]) -> str:
    labels = {
        "quarter": f"QUÝ {('I', 'II', 'III', 'IV')[(period.quarter or 1) - 1]} NĂM {period.year}",
        "half_year": f"6 THÁNG NĂM {period.year}",
        "year": f"NĂM {period.year}",
        "ad_hoc": f"ĐỘT XUẤT ĐẾN NGÀY {period.end:%d/%m/%Y}",
    }
    title = f"BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ ĐỘT PHÁ, ĐỔI MỚI {labels[period.kind]}"
    if any(rates_whole_period(period, t.section, t.end_year) for t in tasks):
        title += " VÀ CẢ GIAI ĐOẠN"
    return title


def prefilled_content(tasks: Sequence[PlannedTask], trees: Mapping[str, Node]) -> dict[str, Any]:
    """Everything locked in the report, keyed by row: (STT, content, planned product), and the
    plan tree itself (exact weights as fraction strings) so that a reader needs nothing else."""
    rows: dict[str, list[str]] = {}
    tree: dict[str, list[str]] = {}
    for section in ("A", "B"):
        mine = [t for t in tasks if t.section == section]
        if not mine:
            continue
        rows[section] = [section, SECTION_TITLES[section], ""]
        for task in mine:
            for node in trees[task.key].walk():
                stt, text = row_label(node, task) if node.level != ITEM else ("-", node.content)
                product = task.targets if node.level == TASK else node.product
                rows[str(node.key)] = [stt, text, product]
                weight = "" if node.weight is None else str(node.weight)
                tree[str(node.key)] = [weight, node.content, node.product]
    return {"rows": rows, "tree": tree}


def write_report(
    person: Person,
    period: ReportPeriod,
    tasks: Sequence[PlannedTask],
    trees: Mapping[str, Node],
    *,
    plan_digest: str,
    previous: ReportInputs | None = None,
    guide_values: Mapping[str, str] | None = None,
    extra_meta: Mapping[str, str] | None = None,
) -> bytes:
    """The cadre's form 03 workbook for ``period`` as bytes (deterministic)."""
    tasks = sorted(tasks, key=lambda t: (t.section, t.number))
    previous = previous or ReportInputs()
    buffer = io.BytesIO()
    # assembled in memory (no temporary files), then dated as xlsxwriter dates parts packed
    # from files, as this form always was: the same bytes
    book = new_workbook(buffer, in_memory=True)
    fmt = Formats(book)
    sheet = book.add_worksheet(FORMS["report"][0])
    guide = book.add_worksheet("Hướng dẫn")
    last = len(REPORT_COLUMNS)
    write_form_top(
        sheet,
        fmt,
        REPORT_COLUMNS,
        form_label="Mẫu số 03",
        title=report_title(period, tasks),
        person=person,
    )
    write_header(
        sheet,
        fmt,
        REPORT_COLUMNS,
        [("by_quarter", "by_period", "Tỷ lệ % hoàn thành so với Kế hoạch đề ra")],
        height=110,
    )
    write_key_row(sheet, fmt, REPORT_COLUMNS)
    row = FIRST_DATA_ROW
    items: list[int] = []  # the rows of the items the cadre fills: validated together
    for section in ("A", "B"):
        mine = [t for t in tasks if t.section == section]
        if not mine:
            continue
        sheet.write_string(row, 0, section, fmt["key"])
        sheet.write_string(row, 1, section, fmt["cell_section"])
        sheet.merge_range(row, 2, row, last, SECTION_TITLES[section], fmt["cell_section"])
        row += 1
        for task in mine:
            row = _write_task(sheet, fmt, task, trees[task.key], row, period, previous, items)
    _validate_item_inputs(sheet, items)
    row = _write_narratives(sheet, fmt, row + 1, last)
    write_signature(sheet, fmt, row + 1, 8, last, person.full_name)
    print_setup(sheet, landscape=True, repeat_rows=(HEADER_FIRST_ROW, HEADER_FIRST_ROW + 2))
    protect_form(sheet)
    values = {"deadline": "", "htxs": "100", "htt": "70", "ht": "50", **(guide_values or {})}
    write_guide(guide, fmt, [line.format(**values) for line in GUIDE])
    meta = {
        "form": "report",
        "form_version": FORMS["report"][1],
        "cadre_id": person.cadre_id,
        "full_name": person.full_name,
        "year": str(period.year),
        "period": period.code,
        "plan_digest": plan_digest,
        **(extra_meta or {}),
    }
    prefilled = {
        "cadre_id": person.cadre_id,
        "period": period.code,
        "tasks": [t.as_meta() for t in tasks],
        **prefilled_content(tasks, trees),
    }
    if previous.carried:
        prefilled["carried"] = carried_meta(previous)
    write_meta(book, meta, prefilled)
    sheet.activate()
    book.close()
    return as_packed_on_disk(buffer.getvalue())


def _write_task(
    sheet: Any,
    fmt: Formats,
    task: PlannedTask,
    root: Node,
    row: int,
    period: ReportPeriod,
    previous: ReportInputs,
    items: list[int],
) -> int:
    rows = {str(node.key): row + offset for offset, node in enumerate(root.walk())}
    col = COLUMN_INDEX
    rated = set(self_rating_rows(task, root, period))
    earlier = {str(y.key) for y in earlier_years(task, root, period)}
    for node in root.walk():
        key = str(node.key)
        r = rows[key]
        level = node.level
        sheet.write_string(r, 0, key, fmt["key"])
        if level == ITEM:
            stt, text, product = "-", node.content, node.product
        else:
            stt, text = row_label(node, task)
            product = task.targets if level == TASK else ""
        bold = "cell_bold" if level in (TASK, YEAR, QUARTER) else "cell"
        sheet.write_string(r, col["stt"], stt, fmt["cell_center"])
        sheet.write_string(r, col["content"], text, fmt[bold])
        sheet.write_string(r, col["product"], product, fmt["cell"])
        # An item row is where the cadre types the product achieved and the reasons: two lines
        # at least, so that a short answer prints inside its row (no reader grows it on opening).
        minimum = 2 if level == ITEM and node.weight else 1
        note = _earlier_year_note(task, node, previous) if key in earlier else ""
        texts = [(text, WIDTH["content"]), (product, WIDTH["product"])]
        if level == YEAR:  # a year's label is in bold capitals: a third wider than the estimate
            texts = [(text, WIDTH["content"] * 3 / 4), (note, WIDTH["actual_product"])]
        fit_row(sheet, r, texts, minimum=minimum)
        if node.weight is None:
            sheet.write_blank(r, col["weight"], None, fmt["percent"])
        else:
            sheet.write_number(r, col["weight"], float(node.weight / 100), fmt["percent"])
        for name in ("by_quarter", "by_year", "by_period"):
            sheet.write_blank(r, col[name], None, fmt["percent"])
        if level == ITEM and key in previous.carried:
            _write_carried_item(sheet, fmt, r, previous.carried[key])
        elif level == ITEM:
            _write_item_inputs(sheet, fmt, r, key, previous)
            items.append(r)
        else:
            if note:
                sheet.write_string(r, col["actual_product"], note, fmt["carried_note"])
            else:
                sheet.write_blank(r, col["actual_product"], None, fmt["cell"])
            _write_node_formulas(sheet, fmt, node, rows, r)
            for name in ("force_majeure", "fm_reason"):
                sheet.write_blank(r, col[name], None, fmt["cell"])
        if key in rated:
            _write_rating_inputs(sheet, fmt, r, _rating_title(task, node, period))
        else:
            sheet.write_blank(r, col["self_rating"], None, fmt["cell"])
            sheet.write_blank(r, col["evidence"], None, fmt["cell"])
            # the reason a task is behind is asked in every report, not only the year's
            reason_fmt = fmt["input"] if level == TASK else fmt["cell"]
            sheet.write_blank(r, col["shortfall_reason"], None, reason_fmt)
    return row + len(rows)


def _validate_item_inputs(sheet: Any, rows: list[int]) -> None:
    """The items' completion (0–100 %) and force-majeure mark (x or blank), each one data
    validation over every item row (one per cell made the files larger and slower to make)."""
    col = COLUMN_INDEX
    validate_percent(
        sheet,
        [(r, col["completion"]) for r in rows],
        title="Mức độ hoàn thành",
        message="Tỷ lệ % đã hoàn thành của nội dung này tính đến thời điểm báo cáo (cộng dồn), "
        "từ 0% đến 100%.",
        error="Mức độ hoàn thành phải từ 0% đến 100%.",
    )
    if not rows:
        return
    c = col["force_majeure"]
    sheet.data_validation(
        rows[0],
        c,
        rows[0],
        c,
        {
            "validate": "list",
            "source": [FM_MARK],
            "input_title": "Bất khả kháng",
            "input_message": "Ghi x nếu nội dung này không thực hiện được vì lý do bất khả kháng, "
            "và ghi rõ lý do ở cột bên cạnh.",
            "error_title": "Giá trị không hợp lệ",
            "error_message": "Để trống, hoặc ghi x.",
            "multi_range": " ".join(cell_name(r, c) for r in rows),
        },
    )


def _write_item_inputs(sheet: Any, fmt: Formats, r: int, key: str, previous: ReportInputs) -> None:
    col = COLUMN_INDEX
    sheet.write_string(
        r, col["actual_product"], previous.actual_products.get(key, ""), fmt["input"]
    )
    write_percent_value(sheet, fmt, r, col["completion"], previous.completions.get(key))
    fm_reason = previous.force_majeure.get(key)
    sheet.write_string(
        r, col["force_majeure"], FM_MARK if fm_reason is not None else "", fmt["input_center"]
    )
    sheet.write_string(r, col["fm_reason"], fm_reason or "", fmt["input"])


def earlier_years(task: PlannedTask, root: Node, period: ReportPeriod) -> list[Node]:
    """The year nodes of a period task before the year ``period`` reports on (their results come
    from the final report of the year before, reading R32)."""
    if task.section != "B" or period.year <= task.start_year:
        return []
    current = period.year - task.start_year + 1
    return [c for c in root.children if c.level == YEAR and (c.key.year or 0) < current]


def _earlier_year_note(task: PlannedTask, node: Node, previous: ReportInputs) -> str:
    """What the cadre is told on an earlier year's row: locked results and where they come
    from, or that they must be typed (no report of the year before was given)."""
    year = task.start_year + (node.key.year or 1) - 1
    carried = any(str(i.key) in previous.carried for i in node.items())
    if carried:
        via = (
            ""
            if str(year) == previous.carried_from
            else f" (qua báo cáo năm {previous.carried_from})"
        )
        return f"Kết quả năm {year}: theo báo cáo năm {year}{via}, đã khoá."
    return f"Chưa có báo cáo năm {year}: ghi kết quả cuối năm {year} của từng nội dung."


def _write_carried_item(sheet: Any, fmt: Formats, r: int, item: CarriedItem) -> None:
    """An earlier year's item, as the final report of its year left it: locked and greyed."""
    col = COLUMN_INDEX
    sheet.write_string(r, col["actual_product"], item.actual_product, fmt["carried"])
    if item.completion is None:
        sheet.write_blank(r, col["completion"], None, fmt["carried_percent"])
    else:
        sheet.write_number(
            r, col["completion"], float(item.completion / 100), fmt["carried_percent"]
        )
    mark = FM_MARK if item.force_majeure is not None else ""
    sheet.write_string(r, col["force_majeure"], mark, fmt["carried_center"])
    sheet.write_string(r, col["fm_reason"], item.force_majeure or "", fmt["carried"])


def _rating_title(task: PlannedTask, node: Node, period: ReportPeriod) -> str:
    """What a self-rating cell rates, for its input message (at most 32 characters): a period
    task's year row the year, its task row in an annual report the whole period."""
    if task.section == "B" and node.level == YEAR:
        return f"Tự xếp loại năm {period.year}"
    if task.section == "B" and period.kind == "year":
        return "Tự xếp loại cả giai đoạn"
    return "Tự nhận mức xếp loại"


def _write_rating_inputs(sheet: Any, fmt: Formats, r: int, title: str) -> None:
    col = COLUMN_INDEX
    c = col["self_rating"]
    sheet.write_blank(r, c, None, fmt["input_center"])
    sheet.data_validation(
        r,
        c,
        r,
        c,
        {
            "validate": "list",
            "source": list(reversed(LEVELS)),
            "input_title": title,
            "input_message": "HTXS: Hoàn thành xuất sắc; HTT: Hoàn thành tốt; HT: Hoàn thành; "
            "KHT: Không hoàn thành.",
            "error_title": "Mức xếp loại không hợp lệ",
            "error_message": "Chọn một trong: HTXS, HTT, HT, KHT.",
        },
    )
    sheet.write_blank(r, col["evidence"], None, fmt["input"])
    sheet.write_blank(r, col["shortfall_reason"], None, fmt["input"])


def _write_node_formulas(
    sheet: Any, fmt: Formats, node: Node, rows: Mapping[str, int], r: int
) -> None:
    """Live figures of a non-item row (without force-majeure adjustment: a preview only)."""
    col = COLUMN_INDEX
    weight_col, done_col = col["weight"], col["completion"]
    if node.children:
        terms = [
            f"{cell_name(rows[str(ch.key)], weight_col)}*{cell_name(rows[str(ch.key)], done_col)}"
            for ch in node.children
        ]
        formula = "=" + "+".join(terms)
    else:
        formula = "=0"
    this = cell_name(r, done_col)
    sheet.write_formula(r, done_col, formula, fmt["percent_bold"], 0)
    share = f"={cell_name(r, weight_col)}*{this}"
    level = node.level
    if level == MONTH:
        sheet.write_formula(r, col["by_quarter"], share, fmt["percent"], 0)
    elif level == QUARTER:
        sheet.write_formula(r, col["by_quarter"], f"={this}", fmt["percent_bold"], 0)
        sheet.write_formula(r, col["by_year"], share, fmt["percent"], 0)
    elif level == YEAR:
        sheet.write_formula(r, col["by_year"], f"={this}", fmt["percent_bold"], 0)
        sheet.write_formula(r, col["by_period"], share, fmt["percent"], 0)
    elif level == TASK:
        target = "by_year" if node.key.section == "A" else "by_period"
        sheet.write_formula(r, col[target], f"={this}", fmt["percent_bold"], 0)


def _write_narratives(sheet: Any, fmt: Formats, row: int, last: int) -> int:
    col = COLUMN_INDEX
    for key, label in NARRATIVES:
        sheet.write_string(row, 0, key, fmt["key"])
        sheet.write_string(row, col["content"], label, fmt["cell_bold"])
        sheet.merge_range(row, col["product"], row, last, "", fmt["input"])
        sheet.set_row(row, 60)
        row += 1
    return row


GUIDE = (
    "HƯỚNG DẪN BÁO CÁO KẾT QUẢ THỰC HIỆN VIỆC ĐỘT PHÁ, ĐỔI MỚI (MẪU SỐ 03)",
    "",
    "1. Các dòng nội dung, tỷ trọng và sản phẩm theo kế hoạch được lấy từ kế hoạch đã gửi và đã "
    "khoá; chỉ nhập vào các ô nền vàng.",
    "2. Với mỗi nội dung công việc: ghi sản phẩm thực tế đã hoàn thành và mức độ hoàn thành (%) "
    "tính cộng dồn đến thời điểm báo cáo. Nội dung chưa thực hiện ghi 0%.",
    "3. Nội dung không thực hiện được vì lý do bất khả kháng: ghi x ở cột 'Bất khả kháng' và ghi "
    "rõ lý do. Nội dung này được loại trừ khi tính kết quả; Ban Thường vụ xem xét, quyết định.",
    "4. Các cột 'Theo quý', 'Theo năm', 'Theo giai đoạn' tự tính để đồng chí theo dõi (chưa loại "
    "trừ bất khả kháng); hệ thống tính lại chính xác từ từng nội dung khi tổng hợp.",
    "5. Báo cáo năm: tự nhận mức xếp loại ở dòng tên việc và ghi lý do nếu chưa hoàn thành theo "
    "kế hoạch. Việc theo giai đoạn: tự nhận mức xếp loại của năm ở dòng năm báo cáo; trong năm "
    "cuối của giai đoạn, tự nhận thêm mức xếp loại cả giai đoạn ở dòng tên việc. Mức xếp loại: "
    "HTXS từ {htxs}%, HTT từ {htt}% đến dưới {htxs}%, HT từ {ht}% đến dưới {htt}%, KHT dưới "
    "{ht}%.",
    "6. Việc theo giai đoạn: kết quả các năm trước (nền xám) lấy từ báo cáo năm của năm trước, "
    "đã khoá, không sửa; mức hoàn thành cả giai đoạn được cộng dồn qua các năm.",
    "7. Ghi các nội dung thuận lợi, khó khăn, phương hướng, đề xuất ở cuối biểu.",
    "8. Không xoá, không đổi tên trang, không sửa cột và dòng ẩn.",
    "9. Hạn gửi báo cáo: {deadline}.",
)
