"""The assignment cycle through the CLI: registrations → proposals → decision → assignments →
plan templates, every workbook filled through the key contract alone (issue 8)."""

from __future__ import annotations

import json
import os
import unicodedata
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from dotpha_demo import cycle
from dotpha_demo.filler import find_contract
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.xlsx.plans import read_plan
from dotpha_xl.xlsx.review_reader import read_review
from tests.helpers import run

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
ROSTER = str(SAMPLE / "roster.xlsx")


def form(book: openpyxl.Workbook):
    return next(s for s in book.worksheets if s.sheet_state == "visible")


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("cycle")
    run("template", "register", "--roster", ROSTER, "--year", "2027", "--out", str(d / "reg"))
    cycle.fill_registrations(d / "reg", d / "reg_done", 2027)
    run(
        "proposals", "--roster", ROSTER, "--registrations", str(d / "reg_done"),
        "--year", "2027", "--out", str(d / "prop"), "--json", str(d / "prop.json"),
    )  # fmt: skip
    cycle.edit_proposals(d / "prop", d / "prop_done")
    run(
        "decision", "--proposals", str(d / "prop_done"), "--roster", ROSTER,
        "--year", "2027", "--out", str(d / "decision.xlsx"),
    )  # fmt: skip
    cycle.edit_decision(d / "decision.xlsx", d / "decision_done.xlsx")
    run("assignments", "--decision", str(d / "decision_done.xlsx"), "--out", str(d / "gv.xlsx"))
    run(
        "template", "plan", "--roster", ROSTER, "--assignments", str(d / "gv.xlsx"),
        "--year", "2027", "--out", str(d / "plans"),
    )  # fmt: skip
    return {"dir": d}


def plan_titles(folder: Path, cadre_id: str) -> list[str]:
    path = next(folder.glob(f"{cadre_id}_*.xlsx"))
    assert read_plan(path, default_settings()).meta["cadre_id"] == cadre_id
    return [t["title"] for t in _tasks(path)]


def _tasks(path: Path) -> list[dict]:
    from dotpha_xl.xlsx.contract import read_form

    return read_form(path, "plan").prefilled["tasks"]


def test_chain_reworded_proposal_and_decision_reach_the_plan(chain):
    plans = chain["dir"] / "plans"
    titles_101 = plan_titles(plans, "CB101")
    assert cycle.PROPOSED_TITLE in titles_101
    assert cycle.DECIDED_TITLE in plan_titles(plans, "CB103")


def test_chain_declined_task_does_not_reach_the_plan(chain):
    d = chain["dir"]
    edited = read_review(d / "decision_done.xlsx", "decision")
    assert edited.rows[cycle.DECLINE].values["decision"] == "không giao"
    mine = [r for k, r in edited.rows.items() if k.startswith("CB102:A")]
    assert plan_titles(d / "plans", "CB102")
    tasks = _tasks(next((d / "plans").glob("CB102_*.xlsx")))
    titles = [t["title"] for t in tasks if t["key"].startswith("A")]
    assert len([t for t in tasks if t["key"].startswith("A")]) == len(mine) - 1
    declined = edited.rows[cycle.DECLINE].values["decided_title"]
    given = [r.values["decided_title"] for r in mine if r.values["decision"] == "giao"]
    assert titles.count(declined) == given.count(declined)


def test_chain_lists_missing_and_late(chain):
    data = json.loads((chain["dir"] / "prop.json").read_text(encoding="utf-8"))
    assert data["year"] == 2027
    assert {"cadre_id": "CB109"} in data["missing"]
    assert [x["cadre_id"] for x in data["late"]] == ["CB107"]
    assert data["late"][0]["deadline"] == "2026-11-15"
    assert data["rejected"] == []
    tc = read_review(chain["dir"] / "prop" / "TC_de_xuat_2027.xlsx", "proposals")
    assert tc.ok
    book = openpyxl.load_workbook(chain["dir"] / "prop" / "TC_de_xuat_2027.xlsx")
    assert "CB109" in [c.value for c in book["Chưa đăng ký"]["A"]]
    assert "CB107" in [c.value for c in book["Đăng ký muộn"]["A"]]
    decision = openpyxl.load_workbook(chain["dir"] / "decision.xlsx")
    assert "CB109" in [c.value for c in decision["Không có việc"]["A"]]


def test_chain_assignments_record_origin(chain):
    book = openpyxl.load_workbook(chain["dir"] / "gv.xlsx")
    sheet = book["Giao việc"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(2)]
    by = {(r["Mã cán bộ"], r["Tên việc"]): r for r in rows}
    assert by[("CB101", cycle.PROPOSED_TITLE)]["Nguồn tên việc"] == "proposed"
    assert by[("CB103", cycle.DECIDED_TITLE)]["Nguồn tên việc"] == "decided"
    assert all(r["Ngày giao"] is not None for r in rows)


LONG = "Chỉ tiêu dài " * 400  # 5,200 characters


def test_unedited_proposals_give_exactly_the_registered_content(tmp_path):
    run("template", "register", "--roster", ROSTER, "--year", "2027", "--out", str(tmp_path / "r"))
    source = next((tmp_path / "r").glob("CB101_*.xlsx"))
    book = openpyxl.load_workbook(source)
    c = find_contract(form(book))
    nfd_title = unicodedata.normalize("NFD", "Đổi mới quản lý hồ sơ đảng viên")
    texts = {
        "title": nfd_title,
        "basis": "Nghị quyết số 15-NQ/TU\nKết luận 08-KL/TU",
        "targets": LONG + "\ndòng cuối",
        "roadmap": "Quý I: thí điểm\nQuý IV: nhân rộng",  # required (Art. 4.1, R36)
    }
    for column, text in texts.items():
        c.sheet.cell(c.rows["A1"], c.columns[column]).value = text
    (tmp_path / "done").mkdir()
    target = tmp_path / "done" / source.name
    book.save(target)
    when = datetime(2026, 11, 1, 9).timestamp()
    os.utime(target, (when, when))
    run(
        "proposals", "--roster", ROSTER, "--registrations", str(tmp_path / "done"),
        "--year", "2027", "--out", str(tmp_path / "p"),
    )  # fmt: skip
    found = read_review(tmp_path / "p" / "TC_de_xuat_2027.xlsx", "proposals")
    assert found.ok, found.problems
    row = found.rows["CB101:A1"]
    want = {k: unicodedata.normalize("NFC", v) for k, v in texts.items()}
    assert row.values["title"] == want["title"]
    assert row.values["basis"] == want["basis"]
    assert row.values["targets"] == want["targets"]
    assert row.values["proposed_title"] == want["title"]
    assert row.values["proposed_targets"] == want["targets"]
    assert row.values["start_year"] == row.values["proposed_start_year"] == "2027"
    assert not row.changed


def test_locked_cell_changed_is_reported_at_its_cell(tmp_path):
    run("template", "register", "--roster", ROSTER, "--year", "2027", "--out", str(tmp_path / "r"))
    cycle.fill_registrations(tmp_path / "r", tmp_path / "d", 2027, scenarios={})
    run(
        "proposals", "--roster", ROSTER, "--registrations", str(tmp_path / "d"),
        "--year", "2027", "--out", str(tmp_path / "p"),
    )  # fmt: skip
    path = tmp_path / "p" / "TC_de_xuat_2027.xlsx"
    book = openpyxl.load_workbook(path)
    c = find_contract(form(book))
    r, col = c.rows["CB101:A1"], c.columns["title"]
    c.sheet.cell(r, col).value = "Sửa tay"
    book.save(path)
    found = read_review(path, "proposals")
    changed = [p for p in found.problems if p.code == "prefilled_changed"]
    letter = openpyxl.utils.get_column_letter(col)
    assert [p.cell for p in changed] == [f"{letter}{r}"]


def test_registration_validation_names_cells(tmp_path):
    from dotpha_xl.steps.registrations import read_registration

    run("template", "register", "--roster", ROSTER, "--year", "2027", "--out", str(tmp_path))
    source = next(tmp_path.glob("CB101_*.xlsx"))
    book = openpyxl.load_workbook(source)
    c = find_contract(form(book))
    c.sheet.cell(c.rows["A1"], c.columns["title"]).value = "Chỉ có tên"
    c.sheet.cell(c.rows["B1"], c.columns["title"]).value = "Việc giai đoạn"
    c.sheet.cell(c.rows["B1"], c.columns["basis"]).value = "NQ 15"
    c.sheet.cell(c.rows["B1"], c.columns["targets"]).value = "100%"
    c.sheet.cell(c.rows["B1"], c.columns["start_year"]).value = 2027
    c.sheet.cell(c.rows["B1"], c.columns["end_year"]).value = 2036
    c.sheet.cell(c.rows["B1"], c.columns["roadmap"]).value = "Năm 2027: thí điểm"
    book.save(source)
    reg = read_registration(source, default_settings())
    codes = sorted(p.code for p in reg.problems)
    # A1: no basis, no targets, no roadmap (Art. 4.1)
    assert codes == ["bad_period_length", "task_incomplete", "task_incomplete", "task_incomplete"]
    assert all(p.cell for p in reg.problems)
    # A period task registered for 2027 that does not run in 2027: the same rule as a task a
    # body or the Committee adds (domain.periods.runs_in), at the year to correct.
    letter = openpyxl.utils.get_column_letter
    for start, end, column in ((2024, 2026, "end_year"), (2028, 2029, "start_year")):
        c.sheet.cell(c.rows["B1"], c.columns["start_year"]).value = start
        c.sheet.cell(c.rows["B1"], c.columns["end_year"]).value = end
        book.save(source)
        found = read_registration(source, default_settings()).problems
        (wrong,) = [p for p in found if p.code == "task_not_in_year"]
        assert wrong.cell == f"{letter(c.columns[column])}{c.rows['B1']}"
        assert f"{start}–{end}, không gồm năm 2027" in wrong.message


def test_every_new_command_has_an_example():
    for args in (
        ("template", "register"), ("proposals",), ("decision",), ("assignments",),
    ):  # fmt: skip
        assert "Example:" in run(*args, "--help").output


def test_decision_lists_carried_tasks_given_by_default(chain, tmp_path):
    d = chain["dir"]
    carried = tmp_path / "carried.xlsx"
    book = xlsxwriter.Workbook(carried)
    sheet = book.add_worksheet("Giao việc")
    header = ["cadre_id", "section", "task_no", "title", "start_year", "end_year", "carried_from"]
    sheet.write_row(0, 0, header)
    sheet.write_row(1, 0, ["CB101", "A", 1, "Việc còn dở của năm trước", 2027, 2027, "2026:A1"])
    book.close()
    run(
        "decision", "--proposals", str(d / "prop_done"), "--roster", ROSTER, "--year", "2027",
        "--out", str(tmp_path / "decision.xlsx"), "--carried", str(carried),
    )  # fmt: skip
    run("assignments", "--decision", str(tmp_path / "decision.xlsx"), "--out",
        str(tmp_path / "gv.xlsx"))  # fmt: skip
    from dotpha_xl.xlsx.tables import read_assignments

    table = read_assignments(tmp_path / "gv.xlsx", default_settings())
    assert table.problems == []
    mine = table.for_cadre("CB101")
    carried_rows = [a for a in mine if a.carried_from == "2026:A1"]
    assert [a.title for a in carried_rows] == ["Việc còn dở của năm trước"]
    # Numbered after CB101's other annual tasks, not over them.
    numbers = [a.task_no for a in mine if a.section == "A"]
    assert len(numbers) == len(set(numbers)) > 1


# --------------------------------------------------------------------------- tasks added (issue 16)


def assignment_rows(path: Path) -> list:
    from dotpha_xl.xlsx.tables import read_assignments

    table = read_assignments(path, default_settings())
    assert table.problems == []
    return table.rows


def test_tasks_added_by_a_body_and_the_committee_reach_the_plans_with_their_origin(chain):
    d = chain["dir"]
    decision = read_review(d / "decision_done.xlsx", "decision")
    assert decision.ok, decision.problems
    # The body's task is listed for the Committee beside the registered ones, marked as new.
    added = [r for r in decision.rows.values() if r.values["proposed_title"] == cycle.BODY_TITLE]
    assert [r.cadre_id for r in added] == ["CB101"]
    assert added[0].values["title"].startswith("(Không đăng ký")
    assert decision.prefilled["origin"][added[0].key] == "body"

    rows = assignment_rows(d / "gv.xlsx")
    by_title = {a.title: a for a in rows}
    body, committee = by_title[cycle.BODY_TITLE], by_title[cycle.COMMITTEE_TITLE]
    assert (body.cadre_id, body.origin, body.section) == ("CB101", "body", "A")
    assert (committee.cadre_id, committee.origin) == ("CB104", "committee")
    # Numbered after the cadre's registered tasks, no clash.
    for task in (body, committee):
        mine = [a for a in rows if a.cadre_id == task.cadre_id and a.section == "A"]
        registered = [a.task_no for a in mine if a.origin == "registration"]
        assert registered and task.task_no == max(registered) + 1
        assert len({a.task_no for a in mine}) == len(mine)
    assert {a.origin for a in rows} == {"registration", "body", "committee"}

    for cadre_id, title, origin in (
        ("CB101", cycle.BODY_TITLE, "body"),
        ("CB104", cycle.COMMITTEE_TITLE, "committee"),
    ):
        tasks = _tasks(next((d / "plans").glob(f"{cadre_id}_*.xlsx")))
        origins = {t["title"]: t.get("origin") for t in tasks}
        assert origins[title] == origin
        assert {o for t, o in origins.items() if t != title} == {"registration"}


def _proposals_of(chain, tmp_path: Path) -> Path:
    """A copy of the bodies' edited proposals to change further."""
    import shutil

    target = tmp_path / "prop"
    shutil.copytree(chain["dir"] / "prop_done", target)
    return target


def _insert_row_under(sheet, row: int) -> int:
    """Insert an empty row under ``row`` (1-based) as Excel does: merged ranges below move."""
    merged = [m for m in sheet.merged_cells.ranges]
    for m in merged:
        sheet.unmerge_cells(str(m))
    sheet.insert_rows(row + 1)
    for m in merged:
        if m.min_row > row:
            m.shift(0, 1)
        sheet.merge_cells(str(m))
    return row + 1


def test_a_row_inserted_without_key_under_a_cadre_is_a_new_task(chain, tmp_path):
    props = _proposals_of(chain, tmp_path)
    path = props / "TC_de_xuat_2027.xlsx"
    book = openpyxl.load_workbook(path)
    c = find_contract(form(book))
    below = max(r for k, r in c.rows.items() if k.startswith("CB102:") and ":new" not in k)
    registered_b = len([k for k in c.rows if k.startswith("CB102:B")])
    r = _insert_row_under(c.sheet, below)
    assert c.sheet.cell(r, 1).value is None  # no key
    for column, value in {
        "proposed_title": "Việc giai đoạn cơ quan đề xuất thêm",
        "proposed_section": "Giai đoạn",
        "proposed_start_year": 2027,
        "proposed_end_year": 2028,
    }.items():
        c.sheet.cell(r, c.columns[column]).value = value
    book.save(path)
    run(
        "decision", "--proposals", str(props), "--roster", ROSTER, "--year", "2027",
        "--out", str(tmp_path / "decision.xlsx"),
    )  # fmt: skip
    found = read_review(tmp_path / "decision.xlsx", "decision")
    added = [
        r for r in found.rows.values()
        if r.values["proposed_title"] == "Việc giai đoạn cơ quan đề xuất thêm"
    ]  # fmt: skip
    want = f"CB102:B{registered_b + 1}"  # after the registered period tasks
    assert [(r.key, r.values["proposed_years"]) for r in added] == [(want, "2027–2028")]
    run("assignments", "--decision", str(tmp_path / "decision.xlsx"), "--out",
        str(tmp_path / "gv.xlsx"))  # fmt: skip
    mine = [a for a in assignment_rows(tmp_path / "gv.xlsx") if a.cadre_id == "CB102"]
    added = [a for a in mine if a.origin == "body"]
    assert [(a.section, a.task_no, a.start_year, a.end_year) for a in added] == [
        ("B", registered_b + 1, 2027, 2028)
    ]


def test_an_incomplete_new_task_is_an_error_at_its_cell(chain, tmp_path):
    props = _proposals_of(chain, tmp_path)
    path = props / "TC_de_xuat_2027.xlsx"
    book = openpyxl.load_workbook(path)
    c = find_contract(form(book))
    r = c.rows["CB102:new1"]
    c.sheet.cell(r, c.columns["proposed_title"]).value = "Chỉ có tên việc"
    book.save(path)
    result = run(
        "decision", "--proposals", str(props), "--roster", ROSTER, "--year", "2027",
        "--out", str(tmp_path / "decision.xlsx"), code=1,
    )  # fmt: skip
    letter = openpyxl.utils.get_column_letter
    section_cell = f"{letter(c.columns['proposed_section'])}{r}"
    year_cell = f"{letter(c.columns['proposed_start_year'])}{r}"
    text = result.output
    assert "còn thiếu loại việc (năm hoặc giai đoạn)" in text and section_cell in text
    assert "còn thiếu năm bắt đầu" in text and year_cell in text
    assert "TC_de_xuat_2027.xlsx" in text


def test_a_task_the_committee_adds_needs_its_years(chain, tmp_path):
    import shutil

    path = tmp_path / "decision.xlsx"
    shutil.copy(chain["dir"] / "decision_done.xlsx", path)
    book = openpyxl.load_workbook(path)
    c = find_contract(form(book))
    r = c.rows["CB105:new1"]
    c.sheet.cell(r, c.columns["decided_title"]).value = "Việc giao thêm"
    c.sheet.cell(r, c.columns["decided_section"]).value = "giai đoạn"
    c.sheet.cell(r, c.columns["decided_start_year"]).value = 2027
    book.save(path)
    result = run("assignments", "--decision", str(path), "--out", str(tmp_path / "gv.xlsx"),
                 code=1)  # fmt: skip
    cell = f"{openpyxl.utils.get_column_letter(c.columns['decided_end_year'])}{r}"
    assert "còn thiếu năm kết thúc" in result.output and cell in result.output
    assert not (tmp_path / "gv.xlsx").exists()
    # Decided "không giao", the row is not a task and nothing is wrong.
    c.sheet.cell(r, c.columns["decision"]).value = "không giao"
    book.save(path)
    run("assignments", "--decision", str(path), "--out", str(tmp_path / "gv.xlsx"))
    assert "Việc giao thêm" not in {a.title for a in assignment_rows(tmp_path / "gv.xlsx")}


def test_a_task_the_committee_adds_must_run_in_the_decisions_year(chain, tmp_path):
    """R34 with the registrations' rule (``domain.periods.runs_in``): a task added in the
    decision that does not run in its year (2027) is an error at the year to correct, and no
    assignments table is written (it would be left out of every plan of 2027)."""
    import shutil

    path = tmp_path / "decision.xlsx"
    shutil.copy(chain["dir"] / "decision_done.xlsx", path)
    book = openpyxl.load_workbook(path)
    c = find_contract(form(book))
    letter = openpyxl.utils.get_column_letter
    annual, period = c.rows["CB104:new1"], c.rows["CB105:new1"]
    for r, section, start, end in ((annual, "năm", 2031, None), (period, "giai đoạn", 2023, 2025)):
        c.sheet.cell(r, c.columns["decided_title"]).value = f"Việc giao thêm {start}"
        c.sheet.cell(r, c.columns["decided_section"]).value = section
        c.sheet.cell(r, c.columns["decided_start_year"]).value = start
        c.sheet.cell(r, c.columns["decided_end_year"]).value = end
    book.save(path)
    result = run("assignments", "--decision", str(path), "--out", str(tmp_path / "gv.xlsx"),
                 code=1)  # fmt: skip
    text = result.output
    annual_cell = f"{letter(c.columns['decided_start_year'])}{annual}"
    period_cell = f"{letter(c.columns['decided_end_year'])}{period}"
    assert "thời gian thực hiện 2031, không gồm năm 2027" in text and annual_cell in text
    assert "thời gian thực hiện 2023–2025, không gồm năm 2027" in text and period_cell in text
    assert "Tổng hợp đề xuất" in text and "decision.xlsx" in text
    assert not (tmp_path / "gv.xlsx").exists()
    # A period task that runs in 2027 is given, though it started before it.
    c.sheet.cell(annual, c.columns["decided_start_year"]).value = 2027
    c.sheet.cell(period, c.columns["decided_start_year"]).value = 2026
    c.sheet.cell(period, c.columns["decided_end_year"]).value = 2027
    book.save(path)
    run("assignments", "--decision", str(path), "--out", str(tmp_path / "gv.xlsx"))
    given = {a.title: (a.start_year, a.end_year, a.origin)
             for a in assignment_rows(tmp_path / "gv.xlsx")}  # fmt: skip
    assert given["Việc giao thêm 2031"] == (2027, 2027, "committee")
    assert given["Việc giao thêm 2023"] == (2026, 2027, "committee")


def test_a_task_a_body_proposes_must_run_in_the_proposals_year(chain, tmp_path):
    props = _proposals_of(chain, tmp_path)
    path = props / "TC_de_xuat_2027.xlsx"
    book = openpyxl.load_workbook(path)
    c = find_contract(form(book))
    r = c.rows["CB102:new1"]
    for column, value in {
        "proposed_title": "Việc cơ quan đề xuất thêm",
        "proposed_section": "Giai đoạn",
        "proposed_start_year": 2028,
        "proposed_end_year": 2029,
    }.items():
        c.sheet.cell(r, c.columns[column]).value = value
    book.save(path)
    result = run(
        "decision", "--proposals", str(props), "--roster", ROSTER, "--year", "2027",
        "--out", str(tmp_path / "decision.xlsx"), code=1,
    )  # fmt: skip
    cell = f"{openpyxl.utils.get_column_letter(c.columns['proposed_start_year'])}{r}"
    text = result.output
    assert "thời gian thực hiện 2028–2029, không gồm năm 2027" in text and cell in text
    assert "TC_de_xuat_2027.xlsx" in text
    # the body's file is rejected, as for any other error in it (its tasks do not reach the
    # decision)
    found = read_review(tmp_path / "decision.xlsx", "decision")
    assert not [k for k in found.rows if k.startswith("CB102:")]


def test_the_years_decided_for_a_registered_task_must_run_in_the_year(chain, tmp_path):
    """The same rule for a registered task whose years the Committee edits in the decision."""
    import shutil

    path = tmp_path / "decision.xlsx"
    shutil.copy(chain["dir"] / "decision_done.xlsx", path)
    book = openpyxl.load_workbook(path)
    c = find_contract(form(book))
    key = next(k for k in c.rows if k.startswith("CB101:A"))
    r = c.rows[key]
    c.sheet.cell(r, c.columns["decided_start_year"]).value = 2031
    c.sheet.cell(r, c.columns["decided_end_year"]).value = 2031
    book.save(path)
    result = run("assignments", "--decision", str(path), "--out", str(tmp_path / "gv.xlsx"),
                 code=1)  # fmt: skip
    cell = f"{openpyxl.utils.get_column_letter(c.columns['decided_start_year'])}{r}"
    assert "thời gian thực hiện 2031, không gồm năm 2027" in result.output
    assert cell in result.output and not (tmp_path / "gv.xlsx").exists()
