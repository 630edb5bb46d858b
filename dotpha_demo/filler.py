"""The seeded filler that plays the cadres in the yearly cycle (plans, reports, a proposed
rating), for ``make demo``, the tests and the benchmark (not for users; ``dotpha_xl`` never
imports it).

It fills generated workbooks the way an outside tool would: through the key contract alone
(the hidden ``key`` row names the columns, column A carries the row keys), with openpyxl, never
relying on row positions.  Some files get deliberate flaws so that the demo shows what the
errors look like.  The assignment cycle's part is in ``dotpha_demo.cycle``; the command line
(``python -m dotpha_demo ...``) in ``dotpha_demo.__main__``.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

from dotpha_xl.domain.calendar import report_deadline
from dotpha_xl.domain.periods import month_end, parse_period
from dotpha_xl.kernel.keys import is_key, parse_key, parse_note_key
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.xlsx.contract import join_prefilled

WORK = (
    "Xây dựng kế hoạch chi tiết và phân công nhiệm vụ",
    "Khảo sát, đánh giá thực trạng tại cơ sở",
    "Tổ chức hội nghị quán triệt, triển khai",
    "Ban hành văn bản hướng dẫn thực hiện",
    "Tập huấn cho cán bộ, công chức liên quan",
    "Triển khai thí điểm tại 02 đơn vị",
    "Kiểm tra, đôn đốc tiến độ thực hiện",
    "Tháo gỡ vướng mắc về thủ tục, nguồn lực",
    "Nhân rộng mô hình đến các đơn vị còn lại",
    "Sơ kết, đánh giá kết quả, rút kinh nghiệm",
    "Hoàn thiện hồ sơ, cơ sở dữ liệu",
    "Tuyên truyền trên các phương tiện thông tin đại chúng",
)
PRODUCTS = (
    "Kế hoạch được phê duyệt",
    "Báo cáo đánh giá thực trạng",
    "Hội nghị được tổ chức; biên bản hội nghị",
    "Văn bản hướng dẫn được ban hành",
    "100% cán bộ liên quan được tập huấn",
    "Mô hình thí điểm đi vào hoạt động",
    "Biên bản kiểm tra; danh mục vướng mắc",
    "Báo cáo sơ kết",
    "Cơ sở dữ liệu được cập nhật",
    "Tin, bài được đăng tải",
)
ITEM_WEIGHTS = {1: (1.0,), 2: (0.5, 0.5), 3: (0.4, 0.3, 0.3)}
#: A plan's narrative under each task (Art. 4.4 a), by field.
NOTES = {
    "objectives_general": (
        "Tạo chuyển biến rõ nét về chất lượng, hiệu quả công việc trong lĩnh vực phụ trách",
        "Cải cách mạnh mẽ thủ tục, nâng cao sự hài lòng của người dân, doanh nghiệp",
    ),
    "objectives_specific": (
        "Hoàn thành 100% chỉ tiêu đăng ký; giảm 30% thời gian giải quyết hồ sơ",
        "90% hồ sơ được giải quyết trực tuyến; 100% cán bộ được tập huấn",
    ),
    "solutions": (
        "Rà soát quy trình; ứng dụng công nghệ thông tin; kiểm tra, đôn đốc hằng tháng",
        "Phân công rõ người, rõ việc; bố trí kinh phí; sơ kết từng quý để điều chỉnh",
    ),
    "roadmap": (
        "Quý I: xây dựng kế hoạch; quý II–III: triển khai, thí điểm; quý IV: sơ kết, nhân rộng",
        "6 tháng đầu năm: khảo sát, hoàn thiện văn bản; 6 tháng cuối năm: triển khai toàn diện",
    ),
    "coordination": (
        "Sở Tài chính (bố trí kinh phí); Sở Khoa học và Công nghệ (hạ tầng số)",
        "",
    ),
}

#: Deliberate flaws of the sample plans, by cadre id.
PLAN_FLAWS: dict[str, str] = {
    "CB105": "month_sums_to_90",
    "CB112": "text_percent_with_decimal_comma",
    "CB118": "weight_without_content",
}
#: When a plan is received (its file time): before 25/01 but for these (Art. 4.4 b, R33): CB108
#: sends it late; CB139, assigned its task on 15/03/2027, sends it after 25/01 but within the
#: month it has.
PLAN_RECEIVED: dict[str, tuple[int, int, int]] = {"CB108": (2027, 2, 3), "CB139": (2027, 4, 10)}


@dataclass
class Contract:
    """Where things are in a sheet, found through the key row alone."""

    sheet: openpyxl.worksheet.worksheet.Worksheet
    columns: dict[str, int]  # column key -> 1-based column
    rows: dict[str, int]  # row key -> 1-based row


def find_contract(sheet: openpyxl.worksheet.worksheet.Worksheet) -> Contract:
    key_row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "key")
    columns = {
        str(sheet.cell(key_row, c).value): c
        for c in range(2, sheet.max_column + 1)
        if sheet.cell(key_row, c).value
    }
    rows = {
        str(sheet.cell(r, 1).value): r
        for r in range(key_row + 1, sheet.max_row + 1)
        if sheet.cell(r, 1).value
    }
    return Contract(sheet, columns, rows)


def form_sheet(book: openpyxl.Workbook) -> openpyxl.worksheet.worksheet.Worksheet:
    meta = {r[0].value: r[1].value for r in book["_meta"].iter_rows(max_col=2)}
    return book[{"plan": "Kế hoạch", "report": "Báo cáo"}[meta["form"]]]


def fill_plan(source: Path, target: Path, rng: random.Random, flaw: str = "") -> None:
    """Fill every month of every task with 1–3 items; apply ``flaw`` once if given."""
    book = openpyxl.load_workbook(source)
    contract = find_contract(form_sheet(book))
    sheet, col = contract.sheet, contract.columns
    months: dict[str, list[str]] = {}
    for key in contract.rows:
        note = parse_note_key(key)
        if note is not None:
            # chosen from the key, not drawn: the items' random draws stay as they were
            choices = NOTES[note[1]]
            text = choices[sum(map(ord, source.name + key)) % len(choices)]
            if text and not sheet.cell(contract.rows[key], col["product"]).value:
                sheet.cell(contract.rows[key], col["product"]).value = text
            continue
        if not is_key(key):
            continue
        node = parse_key(key)
        if node.level == "item":
            months.setdefault(str(node.parent()), []).append(key)
    flaw_done = False
    for items in months.values():
        n = min(len(items), rng.choice((1, 2, 2, 3)))
        weights: tuple[object, ...] = ITEM_WEIGHTS[n]
        if flaw == "month_sums_to_90" and not flaw_done and n >= 2:
            weights = (0.5, 0.4) if n == 2 else (0.4, 0.3, 0.2)
            flaw_done = True
        elif flaw == "text_percent_with_decimal_comma" and n == 3:
            weights = ("33,3%", "33,3 %", "33,4%")
            flaw_done = True
        for item_key, weight in zip(items[:n], weights, strict=True):
            r = contract.rows[item_key]
            sheet.cell(r, col["content"]).value = rng.choice(WORK)
            sheet.cell(r, col["product"]).value = rng.choice(PRODUCTS)
            sheet.cell(r, col["w_month"]).value = weight
        if flaw == "weight_without_content" and not flaw_done:
            sheet.cell(contract.rows[items[0]], col["content"]).value = None
            flaw_done = True
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)


#: What each sample cadre's report shows (the rest report on time, mostly on schedule).
REPORT_SCENARIOS: dict[str, str] = {
    "CB102": "all_done",
    "CB103": "behind",
    "CB104": "over_claim",
    "CB106": "force_majeure",
    "CB107": "late",
    "CB109": "missing",
    "CB111": "corrupt",
    "CB113": "formula_text",
    "CB117": "behind",
    "CB120": "all_done",
    "CB124": "late",
    "CB130": "over_claim",
    "CB133": "missing",
}


def _meta(book: openpyxl.Workbook) -> dict[str, str]:
    return {r[0].value: r[1].value for r in book["_meta"].iter_rows(max_col=2)}


def fill_report(source: Path, target: Path, rng: random.Random, scenario: str = "") -> None:
    """Fill a report: items of months ended by the period's end mostly done, later ones not."""
    if scenario == "corrupt":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes()[:2000])  # a transfer cut short
        return
    book = openpyxl.load_workbook(source)
    meta = _meta(book)
    period = parse_period(meta["period"])
    starts = {t["key"]: int(t["start_year"]) for t in json.loads(join_prefilled(meta))["tasks"]}
    contract = find_contract(form_sheet(book))
    sheet, col = contract.sheet, contract.columns
    fm_done = False
    for key, r in contract.rows.items():
        if key in ("A", "B") or key.startswith("note."):
            continue
        node = parse_key(key)
        if node.level != "item":
            continue
        if sheet.cell(r, col["completion"]).protection.locked:
            continue  # an earlier year carried from the year before's report: not the cadre's
        year = starts[node.task_key] + ((node.year or 1) - 1)
        month = 3 * (node.quarter - 1) + node.month
        due = month_end(year, month) <= period.end
        if scenario == "all_done":
            done = 1.0
        elif not due:
            done = rng.choice((0, 0, 0, 0.2)) if month_end(year, month) > date(year, 1, 1) else 0
        elif scenario == "behind":
            done = rng.choice((0.2, 0.3, 0.5))
        else:
            done = rng.choice((1.0, 1.0, 1.0, 1.0, 0.9, 0.8))
        before = sheet.cell(r, col["completion"]).value  # pre-filled from the previous report
        if isinstance(before, (int, float)) and not isinstance(before, bool):
            done = max(done, before)  # a report is cumulative: a cadre does not go back
        sheet.cell(r, col["completion"]).value = done
        if done:
            product = "=1+1 (biên bản số 12)" if scenario == "formula_text" else "Đã hoàn thành"
            cell = sheet.cell(r, col["actual_product"])
            cell.value = product
            cell.data_type = "s"
        if scenario == "force_majeure" and due and not fm_done and not before:
            sheet.cell(r, col["completion"]).value = 0
            sheet.cell(r, col["force_majeure"]).value = "x"
            sheet.cell(r, col["fm_reason"]).value = "Bão số 3 gây ngập úng, phải dừng thi công"
            fm_done = True
    for key, r in contract.rows.items():
        if key.startswith("note.") or key in ("A", "B"):
            continue
        if sheet.cell(r, col["self_rating"]).protection.locked is False:
            rating = "HTXS" if scenario in ("over_claim", "all_done") else "HTT"
            sheet.cell(r, col["self_rating"]).value = rating
    notes = {
        "note.advantages": "Được sự quan tâm chỉ đạo của Thường trực Tỉnh ủy.",
        "note.difficulties": "Nguồn lực còn hạn chế; đã đề xuất bổ sung kinh phí.",
    }
    for key, text in notes.items():
        if key in contract.rows:
            sheet.cell(contract.rows[key], col["product"]).value = text
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)


def fill_reports(
    reports: Path, out: Path, seed: int = 2027, scenarios: dict[str, str] | None = None
) -> list[Path]:
    """Fill every report of a folder into ``out``; file times say when each was received:
    a few days before the deadline, or after it for the late ones."""
    scenarios = REPORT_SCENARIOS if scenarios is None else scenarios
    written = []
    for path in _workbooks(reports):
        scenario = scenarios.get(cadre_of(path), "")
        if scenario == "missing":
            continue
        target = out / path.name
        fill_report(path, target, random.Random(f"{seed}:{path.name}"), scenario)
        period = path.stem.split("_bao_cao_", 1)[1].replace("_", "-")
        due = report_deadline(default_settings(), parse_period(period)) or parse_period(period).end
        when = datetime(due.year, due.month, due.day, 9, 30)
        when += timedelta(days=3) if scenario == "late" else timedelta(days=-4)
        os.utime(target, (when.timestamp(), when.timestamp()))
        written.append(target)
    return written


def cadre_of(path: Path) -> str:
    return path.name.split("_", 1)[0]


def fill_plans(
    plans: Path, out: Path, seed: int = 2027, flaws: dict[str, str] | None = None
) -> list[Path]:
    """Fill every plan of a folder into ``out`` (same file names); file times say when each was
    received (``PLAN_RECEIVED``, else 20/01 of the plan's year)."""
    flaws = PLAN_FLAWS if flaws is None else flaws
    written = []
    for path in _workbooks(plans):
        rng = random.Random(f"{seed}:{path.name}")
        target = out / path.name
        fill_plan(path, target, rng, flaws.get(cadre_of(path), ""))
        year = int(path.stem.rsplit("_", 1)[-1]) if path.stem[-4:].isdigit() else 2027
        day = PLAN_RECEIVED.get(cadre_of(path), (year, 1, 20))
        when = datetime(year, *day[1:], 9, 30).timestamp()
        os.utime(target, (when, when))
        written.append(target)
    return written


RATING_REASON = "Sản phẩm có giá trị thực tiễn, đề nghị nhân rộng"


def propose_rating(folder: Path, period: str) -> str:
    """A reviewing body raises one computed rating by a level, with its reason, in its workbook
    of ``consolidate`` (edited in place): the first task rated below HTXS.  Returns its row key
    (empty when there is none)."""
    from dotpha_xl.domain.ratings import LEVELS
    from dotpha_xl.kernel.text import ascii_slug

    for path in sorted(folder.glob(f"*_tong_hop_{ascii_slug(period)}.xlsx")):
        book = openpyxl.load_workbook(path)
        c = find_contract(book["Tổng hợp"])
        if "proposed_rating" not in c.columns:
            continue
        for key, r in c.rows.items():
            computed = c.sheet.cell(r, c.columns["rating"]).value
            if computed in LEVELS[:-1]:
                higher = LEVELS[LEVELS.index(computed) + 1]
                c.sheet.cell(r, c.columns["proposed_rating"]).value = higher
                c.sheet.cell(r, c.columns["proposal_reason"]).value = RATING_REASON
                book.save(path)
                return key
    return ""


def _workbooks(folder: Path) -> Iterable[Path]:
    return sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("."))
