"""A period task planned year by year (Art. 4.4 a; docs/regulation.md R35) through the CLI: the
2027 plan of a 2027–2028 task, then the 2028 plan made from it with year 1 carried locked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from dotpha_demo.filler import find_contract, form_sheet
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.xlsx.plans import read_plan
from tests.helpers import ROSTER, fill, notes, run, write_table

TITLE = "Chuyển đổi số toàn diện hồ sơ công việc"


def year_items(year: int, task: str = "B1") -> list[str]:
    return [f"{task}.Y{year}.Q{q}.M{m}.I1" for q in range(1, 5) for m in range(1, 4)]


def fill_year(path: Path, year: int, word: str = "Nội dung") -> None:
    fill(
        path,
        {
            k: {"content": f"{word} {k}", "product": f"Sản phẩm {k}", "w_month": 1}
            for k in year_items(year)
        },
    )


def problems_of(path: Path) -> list[dict]:
    result = run("validate", path, "--json", "-", code=None)
    return json.loads(result.stdout)["files"][0]["problems"]


@pytest.fixture(scope="module")
def cycle(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("multiyear")
    roster = write_table(
        d / "roster.xlsx", ["cadre_id", "full_name", "position", "unit", "body"], ROSTER
    )
    write_table(
        d / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [
            ("CB901", "B", 1, TITLE, 2027, 2028),
            ("CB902", "B", 1, "Việc giai đoạn của CB902", 2027, 2028),
            ("CB903", "A", 1, "Việc năm của CB903", 2028, 2028),
        ],
    )
    run("template", "plan", "--roster", roster, "--assignments", d / "assignments.xlsx",
        "--year", "2027", "--out", d / "plans2027", "--items-per-month", "1")  # fmt: skip
    for path in (d / "plans2027").glob("*.xlsx"):
        fill_year(path, 1, "Năm một")
        fill(path, notes("B1"))
    return d


def plan_of(folder: Path, cadre: str) -> Path:
    return next(folder.glob(f"{cadre}_*.xlsx"))


def test_year_one_plan_needs_only_its_year_and_the_year_weights(cycle):
    # Year 2 left without items: valid (planned in its own year); the year weights are given.
    run("validate", cycle / "plans2027")
    plan = read_plan(plan_of(cycle / "plans2027", "CB901"), default_settings())
    root = plan.tasks["B1"].root
    assert [(str(y.key), y.weight, len(y.children)) for y in root.children] == [
        ("B1.Y1", 50, 4),
        ("B1.Y2", 50, 0),
    ]


def test_year_one_plan_with_a_year_weight_missing_is_an_error(cycle, tmp_path):
    path = tmp_path / "p.xlsx"
    shutil.copy(plan_of(cycle / "plans2027", "CB901"), path)
    fill(path, {"B1.Y2": {"w_period": None}})
    codes = {p["code"] for p in problems_of(path)}
    assert "weight_missing" in codes


@pytest.fixture(scope="module")
def plans2028(cycle) -> Path:
    run("template", "plan", "--roster", cycle / "roster.xlsx", "--assignments",
        cycle / "assignments.xlsx", "--year", "2028", "--out", cycle / "plans2028",
        "--items-per-month", "1", "--previous-plans", cycle / "plans2027")  # fmt: skip
    return cycle / "plans2028"


def test_year_two_plan_carries_year_one_locked_and_grey(plans2028):
    path = plan_of(plans2028, "CB901")
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    sheet, col = c.sheet, c.columns
    item = c.rows["B1.Y1.Q2.M3.I1"]
    assert sheet.cell(item, col["content"]).value == "Năm một B1.Y1.Q2.M3.I1"
    assert sheet.cell(item, col["product"]).value == "Sản phẩm B1.Y1.Q2.M3.I1"
    assert sheet.cell(item, col["w_month"]).value == 1
    for column in ("content", "product", "w_month"):
        cell = sheet.cell(item, col[column])
        assert cell.protection.locked and cell.fill.fgColor.rgb.endswith("D9D9D9")
    year1 = sheet.cell(c.rows["B1.Y1"], col["content"])
    assert "ĐÃ LẬP TRONG KẾ HOẠCH NĂM 2027" in year1.value
    assert "kế hoạch năm 2027" in year1.comment.text
    # the year weights are the 2027 plan's, locked; year 2 is open, blank, to be typed
    assert sheet.cell(c.rows["B1.Y2"], col["w_period"]).protection.locked
    y2_item = sheet.cell(c.rows["B1.Y2.Q1.M1.I1"], col["content"])
    assert y2_item.value in (None, "") and not y2_item.protection.locked
    # the narrative of the 2027 plan, pre-filled and editable (R36)
    roadmap = sheet.cell(c.rows["B1.note.roadmap"], col["product"])
    assert roadmap.value == "roadmap của B1" and not roadmap.protection.locked
    meta = {r[0].value: r[1].value for r in book["_meta"].iter_rows(max_col=2)}
    previous = read_plan(plan_of(plans2028.parent / "plans2027", "CB901"), default_settings())
    assert meta["previous_plan_digest"] == previous.digest


def test_year_two_plan_needs_year_two(plans2028, tmp_path):
    path = tmp_path / "p.xlsx"
    shutil.copy(plan_of(plans2028, "CB901"), path)
    found = problems_of(path)
    assert {p["code"] for p in found} == {"node_without_items"}
    assert all(p["node"].startswith("B1.Y2") for p in found)


def test_filling_only_year_two_validates_and_reports_on_both_years(plans2028, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    path = folder / plan_of(plans2028, "CB901").name
    shutil.copy(plan_of(plans2028, "CB901"), path)
    fill_year(path, 2, "Năm hai")
    run("validate", path, "--year", "2028")
    plan = read_plan(path, default_settings())
    root = plan.tasks["B1"].root
    assert [len(y.children) for y in root.children] == [4, 4]
    assert root.find("B1.Y1.Q1.M1.I1").content == "Năm một B1.Y1.Q1.M1.I1"
    run("template", "report", "--plans", folder, "--period", "2028", "--out", tmp_path / "r")
    assert len(list((tmp_path / "r").glob("CB901_*.xlsx"))) == 1


@pytest.mark.parametrize(
    ("row", "column", "value", "code"),
    [
        ("B1.Y1.Q1.M1.I1", "content", "Nội dung đã sửa", "carried_plan_changed"),
        ("B1.Y1.Q3.M2.I1", "product", "Sản phẩm khác", "carried_plan_changed"),
        ("B1.Y1.Q2.M1", "w_quarter", 0.3, "carried_plan_changed"),
        ("B1.Y1", "w_period", 0.6, "carried_plan_changed"),
    ],
)
def test_a_changed_carried_row_is_an_error_at_its_cell(
    plans2028, tmp_path, row, column, value, code
):
    path = tmp_path / "p.xlsx"
    shutil.copy(plan_of(plans2028, "CB901"), path)
    fill_year(path, 2)
    fill(path, {row: {column: value}})
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    cell = f"{openpyxl.utils.get_column_letter(c.columns[column])}{c.rows[row]}"
    found = [p for p in problems_of(path) if p["code"] == code]
    assert [(p["cell"], p["node"], p["sheet"]) for p in found] == [(cell, row, "Kế hoạch")]
    assert "kế hoạch năm 2027" in found[0]["message"]


def test_a_deleted_or_added_carried_row_is_an_error(plans2028, tmp_path):
    path = tmp_path / "p.xlsx"
    shutil.copy(plan_of(plans2028, "CB901"), path)
    fill_year(path, 2)
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    c.sheet.delete_rows(c.rows["B1.Y1.Q4.M3.I1"])
    book.save(path)
    codes = {p["code"]: p for p in problems_of(path)}
    assert codes["carried_row_deleted"]["node"] == "B1.Y1.Q4.M3.I1"
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    r = c.rows["B1.Y1.Q1.M2.I1"] + 1
    c.sheet.insert_rows(r)
    c.sheet.cell(r, c.columns["content"]).value = "Việc chèn thêm vào năm trước"
    book.save(path)
    added = [p for p in problems_of(path) if p["code"] == "carried_row_added"]
    assert added and added[0]["cell"] == f"C{r}"


def test_without_previous_plans_the_whole_period_is_open_with_a_warning(cycle, tmp_path):
    result = run("template", "plan", "--roster", cycle / "roster.xlsx", "--assignments",
                 cycle / "assignments.xlsx", "--year", "2028", "--out", tmp_path / "p",
                 "--items-per-month", "1")  # fmt: skip
    assert "previous_plans_not_given" in result.output
    assert "CB901" in result.output
    book = openpyxl.load_workbook(plan_of(tmp_path / "p", "CB901"))
    c = find_contract(form_sheet(book))
    assert not c.sheet.cell(c.rows["B1.Y1.Q1.M1.I1"], c.columns["content"]).protection.locked


def test_a_bad_or_missing_previous_plan_is_named_and_the_batch_goes_on(cycle, tmp_path):
    previous = tmp_path / "prev"
    previous.mkdir()
    shutil.copy(plan_of(cycle / "plans2027", "CB901"), previous)
    (previous / "CB902_hong.xlsx").write_bytes(b"not a workbook")
    result = run("template", "plan", "--roster", cycle / "roster.xlsx", "--assignments",
                 cycle / "assignments.xlsx", "--year", "2028", "--out", tmp_path / "p",
                 "--items-per-month", "1", "--previous-plans", previous, code=1)  # fmt: skip
    assert "[LỖI previous_plan_invalid] CB902_hong.xlsx" in result.output
    # CB902's own 2027 plan is not there: its template is open, with a warning
    assert "previous_plan_missing" in result.output
    names = sorted(p.name.split("_")[0] for p in (tmp_path / "p").glob("*.xlsx"))
    assert names == ["CB901", "CB902", "CB903"]
    book = openpyxl.load_workbook(plan_of(tmp_path / "p", "CB901"))
    c = find_contract(form_sheet(book))
    assert c.sheet.cell(c.rows["B1.Y1.Q1.M1.I1"], c.columns["content"]).protection.locked
