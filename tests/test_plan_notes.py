"""The plan's narrative per task (Art. 4.4 a; docs/regulation.md R36) through the CLI: typed under
each task of form 02, read back, required ones checked at their cell, sealed into the report's
task and given per task in the consolidation JSON and the body workbook; and the roadmap of the
registration (form 01, Art. 4.1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from dotpha_demo.filler import find_contract, form_sheet
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.xlsx.plans import read_plan
from dotpha_xl.xlsx.reports import read_report
from tests.helpers import ROSTER, fill, items, run, write_table

NOTES = {
    "objectives_general": "Nâng cao chất lượng phục vụ người dân",
    "objectives_specific": "Giảm 30% thời gian giải quyết hồ sơ; 90% hồ sơ trực tuyến",
    "solutions": "=Rà soát quy trình; số hoá hồ sơ; kiểm tra hằng tháng",  # text, not a formula
    "roadmap": "Quý I: kế hoạch\nQuý II–III: triển khai\nQuý IV: sơ kết",
    "coordination": "Sở Khoa học và Công nghệ: hạ tầng số",
}


def note_values(task: str = "A1", **changes: str) -> dict[str, dict[str, object]]:
    texts = {**NOTES, **changes}
    return {f"{task}.note.{k}": {"product": v} for k, v in texts.items()}


@pytest.fixture(scope="module")
def cycle(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("notes")
    roster = write_table(
        d / "roster.xlsx", ["cadre_id", "full_name", "position", "unit", "body"], ROSTER
    )
    assignments = write_table(
        d / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [(cid, "A", 1, f"Việc của {cid}", 2027, 2027) for cid, *_ in ROSTER],
    )
    run("template", "plan", "--roster", roster, "--assignments", assignments, "--year", "2027",
        "--out", d / "plans", "--items-per-month", "2")  # fmt: skip
    for path in (d / "plans").glob("*.xlsx"):
        values = {k: {"content": f"Nội dung {k}", "w_month": 0.5} for k in items()}
        fill(path, values | note_values(coordination=""))
    fill(next((d / "plans").glob("CB901_*.xlsx")), note_values())
    return d


def test_the_rows_sit_under_the_task_with_their_labels(cycle):
    book = openpyxl.load_workbook(next((cycle / "plans").glob("CB901_*.xlsx")))
    c = find_contract(form_sheet(book))
    keys = list(c.rows)
    start = keys.index("A1")
    assert keys[start + 1 : start + 6] == [f"A1.note.{k}" for k in NOTES]
    assert keys[start + 6] == "A1.Q1"
    label = c.sheet.cell(c.rows["A1.note.roadmap"], c.columns["content"])
    assert label.value == "Lộ trình thực hiện (bắt buộc)" and label.protection.locked
    text = c.sheet.cell(c.rows["A1.note.roadmap"], c.columns["product"])
    assert not text.protection.locked
    last = openpyxl.utils.get_column_letter(c.columns["w_period"])
    merged = {str(r) for r in c.sheet.merged_cells.ranges}
    assert f"{text.coordinate}:{last}{text.row}" in merged  # the text spans to the last column


def test_the_narrative_is_read_back_exactly(cycle):
    run("validate", cycle / "plans")
    plan = read_plan(next((cycle / "plans").glob("CB901_*.xlsx")), default_settings())
    assert plan.tasks["A1"].notes == NOTES
    other = read_plan(next((cycle / "plans").glob("CB902_*.xlsx")), default_settings())
    assert other.tasks["A1"].notes["coordination"] == ""  # optional (R36)


@pytest.mark.parametrize("field", ["objectives_general", "objectives_specific", "solutions",
                                   "roadmap"])  # fmt: skip
def test_a_required_field_left_empty_is_an_error_at_its_cell(cycle, tmp_path, field):
    path = tmp_path / "p.xlsx"
    shutil.copy(next((cycle / "plans").glob("CB901_*.xlsx")), path)
    fill(path, {f"A1.note.{field}": {"product": "  "}})
    data = json.loads(run("validate", path, "--json", "-", code=1).stdout)
    found = data["files"][0]["problems"]
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    cell = f"D{c.rows[f'A1.note.{field}']}"
    assert [(p["code"], p["cell"], p["sheet"]) for p in found] == [
        ("plan_note_missing", cell, "Kế hoạch")
    ]
    assert found[0]["message"].startswith("Việc A1: kế hoạch chưa ghi ")


def test_the_narrative_reaches_the_report_the_json_and_the_body_workbook(cycle):
    run("template", "report", "--plans", cycle / "plans", "--period", "2027",
        "--out", cycle / "reports")  # fmt: skip
    report = read_report(next((cycle / "reports").glob("CB901_*.xlsx")), default_settings())
    assert report.tasks["A1"].notes == NOTES  # sealed in the report's task
    out = cycle / "out"
    run("consolidate", "--roster", cycle / "roster.xlsx", "--plans", cycle / "plans",
        "--reports", cycle / "reports", "--period", "2027", "--out", out,
        "--json", out / "result.json", code=None)  # fmt: skip
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    by = {t["cadre_id"]: t for t in data["tasks"]}
    assert by["CB901"]["plan_notes"] == NOTES
    assert "coordination" not in by["CB902"]["plan_notes"]
    assert by["CB902"]["plan_notes"]["roadmap"] == NOTES["roadmap"]
    book = openpyxl.load_workbook(next(out.glob("UBND_*.xlsx")))
    c = find_contract(book["Nội dung kế hoạch"])
    row = c.rows["CB901:A1:plan.solutions"]
    assert c.sheet.cell(row, c.columns["text"]).value == NOTES["solutions"]
    assert c.sheet.cell(row, c.columns["text"]).data_type == "s"
    assert c.sheet.cell(row, c.columns["topic"]).value == "Giải pháp thực hiện"
    assert "CB903:A1:plan.roadmap" not in c.rows  # another body's cadre


def test_the_registration_roadmap_is_read_back(tmp_path):
    from dotpha_xl.steps.registrations import read_registration

    roster = write_table(
        tmp_path / "roster.xlsx", ["cadre_id", "full_name", "position", "unit", "body"], ROSTER
    )
    run("template", "register", "--roster", roster, "--year", "2027", "--out", tmp_path / "r")
    path = next((tmp_path / "r").glob("CB901_*.xlsx"))
    row = {"title": "Số hoá hồ sơ", "basis": "NQ 15", "targets": "100% hồ sơ"}
    values = {"A1": row | {"roadmap": "Quý I–II: thí điểm; quý III–IV: nhân rộng"}, "A2": row}
    book = openpyxl.load_workbook(path)
    c = find_contract(book["Đăng ký"])
    for key, cells in values.items():
        for column, value in cells.items():
            c.sheet.cell(c.rows[key], c.columns[column]).value = value
    book.save(path)
    reg = read_registration(path, default_settings())
    assert [t.roadmap for t in reg.tasks] == ["Quý I–II: thí điểm; quý III–IV: nhân rộng", ""]
    book = openpyxl.load_workbook(path)
    c = find_contract(book["Đăng ký"])
    missing = [p for p in reg.problems if p.code == "task_incomplete"]
    letter = openpyxl.utils.get_column_letter(c.columns["roadmap"])
    assert [(p.cell, p.message) for p in missing] == [
        (f"{letter}{c.rows['A2']}", missing[0].message)
    ]
    assert "lộ trình thực hiện" in missing[0].message


def test_the_registration_roadmap_reaches_the_proposals(tmp_path):
    import os
    from datetime import datetime

    from dotpha_xl.xlsx.review_reader import read_review

    roster = write_table(
        tmp_path / "roster.xlsx", ["cadre_id", "full_name", "position", "unit", "body"], ROSTER
    )
    run("template", "register", "--roster", roster, "--year", "2027", "--out", tmp_path / "r")
    path = next((tmp_path / "r").glob("CB901_*.xlsx"))
    book = openpyxl.load_workbook(path)
    c = find_contract(book["Đăng ký"])
    texts = {"title": "Số hoá hồ sơ", "basis": "NQ 15", "targets": "100% hồ sơ",
             "roadmap": "Quý I: thí điểm\nQuý IV: nhân rộng"}  # fmt: skip
    for column, text in texts.items():
        c.sheet.cell(c.rows["A1"], c.columns[column]).value = text
    (tmp_path / "done").mkdir()
    target = tmp_path / "done" / path.name
    book.save(target)
    when = datetime(2026, 11, 1, 9).timestamp()
    os.utime(target, (when, when))
    run("proposals", "--roster", roster, "--registrations", tmp_path / "done", "--year", "2027",
        "--out", tmp_path / "p", "--json", tmp_path / "p.json")  # fmt: skip
    found = read_review(next((tmp_path / "p").glob("UBND_*.xlsx")), "proposals")
    assert found.rows["CB901:A1"].values["roadmap"] == texts["roadmap"]  # locked, for the body
    data = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert data["registered"] == [
        {"cadre_id": "CB901", "task_key": "A1", "title": "Số hoá hồ sơ",
         "roadmap": texts["roadmap"]}
    ]  # fmt: skip
