"""A period task across its years (issue 16, part 2; docs/regulation.md, "Second worked example",
R30–R32): the year-2 report carries year 1's final completions locked and sealed, the period
figure is cumulative, and the final year's annual report rates the year and the whole period,
each with its own self-rating, through the CLI from templates to the JSON and the body workbook.
"""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import openpyxl
import pytest

from dotpha_demo.filler import find_contract, form_sheet
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.xlsx.reports import read_report
from tests.helpers import fill, fill_notes, run, write_table

CADRE = ("CB911", "Hoàng Thị Lan", "Giám đốc Sở Nông nghiệp", "Sở Nông nghiệp", "UBND")
TITLE = "Chuyển đổi số hợp tác xã nông nghiệp"


def year_items(year: int) -> list[str]:
    """The items of year ``year`` of B1, one a month."""
    return [f"B1.Y{year}.Q{q}.M{m}.I1" for q in range(1, 5) for m in range(1, 4)]


def plan_values(year: int) -> dict[str, dict[str, object]]:
    """The part of the plan the cadre types in ``year``: in 2027 the years' weights 40 / 60 and
    year 1's items; in 2028 year 2's items only (year 1 and the weights come locked from the 2027
    plan).  In each year quarters 25 %, months 20 / 60 / 20 (the template's), one item a month
    at 100 % of its month."""
    values: dict[str, dict[str, object]] = {}
    if year == 2027:
        values = {"B1.Y1": {"w_period": 0.4}, "B1.Y2": {"w_period": 0.6}}
    for key in year_items(year - 2026):
        values[key] = {"content": f"Nội dung {key}", "product": f"Sản phẩm {key}",
                       "w_month": 1.0}  # fmt: skip
    return values


#: Year 1 (2027): every item at 100 but November's (50) and December's (0).
YEAR_1 = {k: 1.0 for k in year_items(1)}
YEAR_1.update({"B1.Y1.Q4.M2.I1": 0.5, "B1.Y1.Q4.M3.I1": 0.0})


@pytest.fixture(scope="module")
def cycle(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("period_years")
    roster = write_table(
        tmp / "roster.xlsx", ["cadre_id", "full_name", "position", "unit", "body"], [CADRE]
    )
    assignments = write_table(
        tmp / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [(CADRE[0], "B", 1, TITLE, 2027, 2028)],
    )
    for year in (2027, 2028):
        # 2027: year 1 planned, year 2 left for its own year; 2028: made from the 2027 plan,
        # year 1 carried locked, only year 2 typed (R35)
        previous = ("--previous-plans", tmp / "plans2027") if year == 2028 else ()
        run("template", "plan", "--roster", roster, "--assignments", assignments,
            "--year", year, "--out", tmp / f"plans{year}", "--items-per-month", "1",
            *previous)  # fmt: skip
        plan = next((tmp / f"plans{year}").glob("*.xlsx"))
        fill(plan, plan_values(year))
        if year == 2027:
            fill_notes(plan)  # in 2028 the narrative comes pre-filled from the 2027 plan
        run("validate", tmp / f"plans{year}", "--roster", roster, "--year", year)
    (tmp / "roster").mkdir()
    return tmp


def consolidate(tmp: Path, year: int, reports: Path, code: int = 0) -> dict:
    out = tmp / f"out{year}_{reports.name}"
    run("consolidate", "--roster", tmp / "roster.xlsx", "--plans", tmp / f"plans{year}",
        "--reports", reports, "--period", year, "--out", out,
        "--json", out / "result.json", code=code)  # fmt: skip
    return json.loads((out / "result.json").read_text(encoding="utf-8"))


def only(folder: Path) -> Path:
    return next(folder.glob("*.xlsx"))


def report_2027(tmp: Path) -> Path:
    folder = tmp / "reports2027"
    if not folder.exists():
        run("template", "report", "--plans", tmp / "plans2027", "--period", "2027",
            "--out", folder)  # fmt: skip
        values = {k: {"completion": v, "actual_product": f"Đã làm {k}"} for k, v in YEAR_1.items()}
        values["B1.Y1.Q4.M3.I1"]["actual_product"] = ""
        values["B1.Y1"] = {"self_rating": "HTT"}
        fill(only(folder), values)
    return folder


def report_2028(tmp: Path, name: str = "reports2028", self_period: str = "HTXS") -> Path:
    folder = tmp / name
    run("template", "report", "--plans", tmp / "plans2028", "--period", "2028",
        "--out", folder, "--previous", report_2027(tmp))  # fmt: skip
    values: dict[str, dict[str, object]] = {
        k: {"completion": 1.0, "actual_product": f"Đã làm {k}"} for k in year_items(2)
    }
    values["B1.Y2"] = {"self_rating": "HTXS"}
    values["B1"] = {"self_rating": self_period}
    fill(only(folder), values)
    return folder


def task_of(data: dict) -> dict:
    (row,) = [t for t in data["tasks"] if t["task_key"] == "B1"]
    return row


def test_year_1_is_rated_on_its_own(cycle):
    t = task_of(consolidate(cycle, 2027, report_2027(cycle)))
    # Q4 = 0.2 × 100 + 0.6 × 50 + 0.2 × 0 = 50; year 1 = 3 × 25 + 0.25 × 50 = 87.5
    assert t["completion_year_exact"] == "175/2" and t["completion_year"] == 87.5
    # the period so far: 40 % × 87.5 = 35
    assert t["completion_period_exact"] == "35"
    assert t["expected_to_date_exact"] == "100" and t["expected_period_exact"] == "40"
    assert t["behind_schedule_exact"] == "25/2"
    assert (t["rating_year"], t["rating_period"], t["rating"]) == ("HTT", None, "HTT")
    assert (t["self_rating_year"], t["self_rating_period"]) == ("HTT", None)
    assert not t["whole_period"] and t["signals"] == []


def test_year_2_carries_year_1_and_rates_the_year_and_the_period(cycle):
    folder = report_2028(cycle)
    path = only(folder)
    # year 1 is in the 2028 report as the 2027 report left it: locked, greyed, sealed
    back = read_report(path, default_settings())
    assert back.ok, back.problems
    assert back.carried_from == "2027"
    assert back.completions["B1.Y1.Q4.M2.I1"] == 50
    assert back.actual_products["B1.Y1.Q1.M1.I1"] == "Đã làm B1.Y1.Q1.M1.I1"
    assert set(back.carried) == set(year_items(1))
    sheet = form_sheet(openpyxl.load_workbook(path))
    c = find_contract(sheet)
    cell = sheet.cell(c.rows["B1.Y1.Q4.M2.I1"], c.columns["completion"])
    assert cell.protection.locked and cell.value == 0.5
    assert cell.fill.fgColor.rgb.endswith("D9D9D9")
    note = sheet.cell(c.rows["B1.Y1"], c.columns["actual_product"]).value
    assert note == "Kết quả năm 2027: theo báo cáo năm 2027, đã khoá."
    year_cell = sheet.cell(c.rows["B1.Y2"], c.columns["self_rating"])
    task_cell = sheet.cell(c.rows["B1"], c.columns["self_rating"])
    assert not year_cell.protection.locked and not task_cell.protection.locked

    data = consolidate(cycle, 2028, folder)
    t = task_of(data)
    assert t["completion_year_exact"] == "100"
    # period = 40 % × 87.5 + 60 % × 100 = 35 + 60 = 95
    assert t["completion_period_exact"] == "95" and t["completion_period"] == 95
    assert t["expected_to_date_exact"] == "100" and t["expected_period_exact"] == "100"
    assert (t["rating_year"], t["rating_period"]) == ("HTXS", "HTT")
    assert t["rating"] == "HTT" and t["whole_period"]  # the period's rating counts
    assert (t["self_rating_year"], t["self_rating_period"]) == ("HTXS", "HTXS")
    assert "self_rating_above" in t["flags"]
    assert [(s["code"], s["node"]) for s in t["signals"]] == [("self_rating_above", "B1")]
    assert data["cadres"][0]["level"] == "HTT"  # R28: on the period's figure

    # the body workbook shows both ratings and both self-ratings
    book = openpyxl.load_workbook(cycle / "out2028_reports2028" / "UBND_tong_hop_2028.xlsx")
    c = find_contract(book["Tổng hợp"])
    row = c.rows[f"{CADRE[0]}:B1"]

    def value(column: str):
        return c.sheet.cell(row, c.columns[column]).value

    assert (value("rating_year"), value("self_rating_year")) == ("HTXS", "HTXS")
    assert (value("rating_period"), value("self_rating_period")) == ("HTT", "HTXS")
    assert value("rating") == "HTT"
    assert F(str(value("completion_period"))) == F(95, 100)

    # the summary: no commendation (the period is HTT, though the year is HTXS), one signal
    summary = cycle / "summary2028.json"
    run("summary", "--consolidated", cycle / "out2028_reports2028", "--period", "2028",
        "--out", cycle / "summary2028.xlsx", "--json", summary)  # fmt: skip
    s = json.loads(summary.read_text(encoding="utf-8"))
    assert s["commendation"] == []
    (case,) = s["discipline"]
    assert case["grounds"] == ["untruthful_report"] and case["rating"] == "HTT"


def test_a_changed_carried_completion_is_an_error_at_its_cell(cycle):
    folder = report_2028(cycle, "changed")
    path = only(folder)
    sheet = form_sheet(openpyxl.load_workbook(path))
    c = find_contract(sheet)
    where = sheet.cell(c.rows["B1.Y1.Q4.M3.I1"], c.columns["completion"]).coordinate
    fill(path, {"B1.Y1.Q4.M3.I1": {"completion": 1.0}})
    back = read_report(path, default_settings())
    (found,) = [p for p in back.problems if p.code == "carried_changed"]
    assert (found.severity, found.cell, found.sheet) == ("error", where, "Báo cáo")
    assert "năm 2027" in found.message
    data = consolidate(cycle, 2028, folder, code=1)
    assert data["tasks"] == [] and data["rejected"][0]["problems"][0]["cell"] == where


def test_without_the_year_before_the_cadre_types_year_1_with_a_warning(cycle):
    folder = cycle / "no_previous"
    result = run("template", "report", "--plans", cycle / "plans2028", "--period", "2028",
                 "--out", folder)  # fmt: skip
    assert "Hoàng Thị Lan (CB911)" in result.output and "không lấy từ báo cáo năm trước" in (
        result.output
    )
    path = only(folder)
    sheet = form_sheet(openpyxl.load_workbook(path))
    c = find_contract(sheet)
    assert not sheet.cell(c.rows["B1.Y1.Q1.M1.I1"], c.columns["completion"]).protection.locked
    values = {k: {"completion": v} for k, v in YEAR_1.items()}
    values.update({k: {"completion": 1.0, "actual_product": "x"} for k in year_items(2)})
    fill(path, values)
    data = consolidate(cycle, 2028, folder)
    t = task_of(data)
    assert t["completion_period_exact"] == "95"  # typed, the same figures
    codes = [(w["code"], w["cell"]) for w in data["warnings"]]
    year_row = sheet.cell(c.rows["B1.Y1"], c.columns["actual_product"]).coordinate
    assert ("earlier_years_not_carried", year_row) in codes


def test_a_later_report_of_the_same_year_keeps_year_1_carried(cycle):
    q2 = cycle / "q2_2028"
    run("template", "report", "--plans", cycle / "plans2028", "--period", "2028-Q2",
        "--out", q2, "--previous", report_2027(cycle))  # fmt: skip
    fill(only(q2), {k: {"completion": 1.0, "actual_product": "x"} for k in year_items(2)[:6]})
    year = cycle / "year_from_q2"
    run("template", "report", "--plans", cycle / "plans2028", "--period", "2028",
        "--out", year, "--previous", q2)  # fmt: skip
    back = read_report(only(year), default_settings())
    assert back.ok and back.carried_from == "2027" and set(back.carried) == set(year_items(1))
    assert back.completions["B1.Y1.Q4.M2.I1"] == 50 and back.completions["B1.Y2.Q2.M3.I1"] == 100
    sheet = form_sheet(openpyxl.load_workbook(only(year)))
    c = find_contract(sheet)
    assert sheet.cell(c.rows["B1.Y1.Q1.M1.I1"], c.columns["completion"]).protection.locked
    assert not sheet.cell(c.rows["B1.Y2.Q1.M1.I1"], c.columns["completion"]).protection.locked


def test_year_1_planned_otherwise_is_not_carried(cycle):
    # a 2028 plan made without the 2027 plans (R35: the whole period open, typed again), its
    # year 1 not as in the plan the 2027 report carries: year 1's results are not carried
    plans = cycle / "plans2028_changed"
    run("template", "plan", "--roster", cycle / "roster.xlsx", "--assignments",
        cycle / "assignments.xlsx", "--year", 2028, "--out", plans,
        "--items-per-month", "1")  # fmt: skip
    path = only(plans)
    values = {**plan_values(2027), **plan_values(2028)}
    values["B1.Y1.Q1.M1.I1"] = {**values["B1.Y1.Q1.M1.I1"], "content": "Nội dung khác"}
    fill(path, values)
    fill_notes(path)
    run("validate", plans)
    result = run("template", "report", "--plans", plans, "--period", "2028",
                 "--out", cycle / "changed_plan", "--previous", report_2027(cycle))  # fmt: skip
    assert "kế hoạch các năm trước khác" in result.output
    assert "không lấy từ báo cáo năm trước" in result.output
    back = read_report(only(cycle / "changed_plan"), default_settings())
    assert back.carried == {} and any(p.code == "earlier_years_not_carried" for p in back.problems)


def test_the_consolidation_json_reads_back_both_ratings_exactly(cycle):
    from dotpha_xl.store.consolidation_json import load_consolidation

    folder = report_2028(cycle, "reload")
    consolidate(cycle, 2028, folder)
    (row,) = load_consolidation(cycle / "out2028_reload", "2028").tasks
    r = row.result
    assert (r.rating_year, r.rating_period, r.rating) == ("HTXS", "HTT", "HTT")
    assert (r.self_rating_year, r.self_rating_period) == ("HTXS", "HTXS")
    assert r.completion_period == 95 and r.expected_period == 100
    assert row.completion_rated == 95 and "self_rating_above" in r.flags


def test_the_standing_committee_sees_the_years_rating_beside_the_periods(cycle):
    # the summary's "Xếp loại" sheet and the final ratings workbook: the task's rating is the
    # period's (HTT, R31); the year 2028's own HTXS is shown beside it for the annual review
    from tests.test_ratings import read_keyed

    consolidate(cycle, 2028, report_2028(cycle, "for_summary"))
    out = cycle / "out2028_for_summary"
    run("summary", "--consolidated", out, "--period", "2028", "--out", cycle / "btv2028.xlsx")
    row = read_keyed(cycle / "btv2028.xlsx", "Xếp loại")["CB911:B1"]
    assert (row["rating"], row["rating_year"], row["decided_rating"]) == ("HTT", "HTXS", "HTT")
    run("ratings", "--consolidated", out, "--summary", cycle / "btv2028.xlsx", "--period", "2028",
        "--out", cycle / "xl2028.xlsx")  # fmt: skip
    final = read_keyed(cycle / "xl2028.xlsx", "Xếp loại")["CB911:B1"]
    assert (final["rating"], final["rating_year"]) == ("HTT", "HTXS")
    run("ratings", "--consolidated", out, "--summary", cycle / "btv2028.xlsx", "--period", "2028",
        "--out", cycle / "xl2028_json.xlsx", "--json", cycle / "xl2028.json")  # fmt: skip
    run("record", "--ratings", cycle / "xl2028.json", "--out", cycle / "record")
    sheet = openpyxl.load_workbook(next((cycle / "record").glob("ho_so_CB911*.xlsx"))).worksheets[0]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any("cả giai đoạn; riêng năm 2028: HTXS" in t for t in texts)


def test_the_body_workbook_shows_the_periods_expected_figure_beside_its_completion(cycle):
    # 2028-Q2, year 2's first half done: the year is on schedule (50 of 50) and the period at
    # 40 % × 87.5 + 60 % × 50 = 65. Beside the year's expected 50, the period looked 15 behind;
    # its own expected figure, 40 % × 100 + 60 % × 50 = 70, shows it is 5 behind (2027's
    # November and December).
    q2 = cycle / "q2_2028_body"
    run("template", "report", "--plans", cycle / "plans2028", "--period", "2028-Q2",
        "--out", q2, "--previous", report_2027(cycle))  # fmt: skip
    fill(only(q2), {k: {"completion": 1.0, "actual_product": "x"} for k in year_items(2)[:6]})
    out = cycle / "out2028_Q2"
    run("consolidate", "--roster", cycle / "roster.xlsx", "--plans", cycle / "plans2028",
        "--reports", q2, "--period", "2028-Q2", "--out", out,
        "--json", out / "result.json")  # fmt: skip
    t = task_of(json.loads((out / "result.json").read_text(encoding="utf-8")))
    assert t["expected_to_date_exact"] == "50" and t["completion_year_exact"] == "50"
    assert t["completion_period_exact"] == "65" and t["expected_period_exact"] == "70"

    sheet = openpyxl.load_workbook(out / "UBND_tong_hop_2028_Q2.xlsx")["Tổng hợp"]
    c = find_contract(sheet)  # through its key row

    def value(column: str):
        return sheet.cell(c.rows[f"{CADRE[0]}:B1"], c.columns[column]).value

    assert F(str(value("expected_to_date"))) == F(50, 100)
    assert F(str(value("completion_period"))) == F(65, 100)
    assert F(str(value("expected_period"))) == F(70, 100)
    # beside "Giai đoạn", under "Tỷ lệ hoàn thành", on the same printed page
    assert c.columns["expected_period"] == c.columns["completion_period"] + 1
    texts = {str(cell.value) for row in sheet.iter_rows(min_row=5, max_row=6) for cell in row}
    assert "Giai đoạn: dự kiến đến kỳ báo cáo" in texts
    # (a break's id is the last column of its page, 1-based)
    breaks = [b.id for b in sheet.col_breaks.brk]
    assert breaks and not any(
        c.columns["completion_quarter"] <= b < c.columns["expected_period"] for b in breaks
    )
