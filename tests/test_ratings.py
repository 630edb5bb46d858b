"""Ratings proposed, then decided (Art. 7.3, issue 8 item 6), through the CLI: the bodies'
workbooks of the annual consolidation and the summary's "Xếp loại" sheet filled through the key
contract alone (openpyxl; the ``key`` row and the keyed rows, never row positions)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from dotpha_demo.filler import find_contract
from tests.helpers import fill_notes
from tests.test_reports import ROSTER, fill, items, report_for, run, write_table

PERIOD = "2027"
UBND = "UBND_tong_hop_2027.xlsx"  # CB901, CB902
TC = "TC_tong_hop_2027.xlsx"  # CB903
SHEET_BODY = "Tổng hợp"
SHEET_RATINGS = "Xếp loại"


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    """Three cadres, one annual task each; the year report puts CB901 at 100 % (HTXS), CB902 at
    80 % (HTT, self-rated HTT) and CB903 at 60 % (HT); consolidated into ``out``."""
    d = tmp_path_factory.mktemp("ratings")
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
        fill(path, {k: {"content": f"Nội dung {k}", "w_month": 0.5} for k in items()})
        fill_notes(path)
    run("template", "report", "--plans", d / "plans", "--period", PERIOD, "--out", d / "year")
    for cadre_id, level in (("CB901", 1.0), ("CB902", 0.8), ("CB903", 0.6)):
        values: dict[str, dict[str, object]] = {k: {"completion": level} for k in items()}
        if cadre_id == "CB902":
            values["A1"] = {"self_rating": "HTT"}
        fill(report_for(d / "year", cadre_id), values)
    run("consolidate", "--roster", roster, "--plans", d / "plans", "--reports", d / "year",
        "--period", PERIOD, "--out", d / "out")  # fmt: skip
    return d / "out"


@pytest.fixture()
def consolidated(year, tmp_path) -> Path:
    """A copy of the consolidation each test may edit."""
    return Path(shutil.copytree(year, tmp_path / "tong_hop"))


def edit(path: Path, sheet: str, values: dict[str, dict[str, object]]) -> dict[str, str]:
    """Type into cells found through the contract; return each edited cell's A1 address."""
    book = openpyxl.load_workbook(path)
    c = find_contract(book[sheet])
    where = {}
    for row_key, cells in values.items():
        for column, value in cells.items():
            r, col = c.rows[row_key], c.columns[column]
            c.sheet.cell(r, col).value = value
            where[f"{row_key}/{column}"] = f"{get_column_letter(col)}{r}"
    book.save(path)
    return where


def read_keyed(path: Path, sheet: str) -> dict[str, dict[str, object]]:
    """A keyed sheet as {row key: {column key: value}}, through the contract alone."""
    c = find_contract(openpyxl.load_workbook(path)[sheet])
    return {
        key: {col: c.sheet.cell(r, i).value for col, i in c.columns.items()}
        for key, r in c.rows.items()
        if not key.startswith("#")
    }


def summary(consolidated: Path, out: Path, code: int = 0):
    return run("summary", "--consolidated", consolidated, "--period", PERIOD, "--out", out,
               code=code)  # fmt: skip


def ratings(consolidated: Path, summary_file: Path, tmp: Path, code: int = 0) -> dict:
    run("ratings", "--consolidated", consolidated, "--summary", summary_file, "--period", PERIOD,
        "--out", tmp / "xep_loai.xlsx", "--json", tmp / "xep_loai.json", code=code)  # fmt: skip
    return json.loads((tmp / "xep_loai.json").read_text(encoding="utf-8"))


def by_key(data: dict) -> dict[str, dict]:
    return {f"{r['cadre_id']}:{r['task_key']}": r for r in data["ratings"]}


def test_body_workbook_has_proposal_columns_prefilled_with_the_computed_rating(consolidated):
    rows = read_keyed(consolidated / UBND, SHEET_BODY)
    assert rows["CB901:A1"]["rating"] == rows["CB901:A1"]["proposed_rating"] == "HTXS"
    assert rows["CB902:A1"]["proposed_rating"] == "HTT"
    assert rows["CB902:A1"]["proposal_reason"] in (None, "")
    book = openpyxl.load_workbook(consolidated / UBND)
    c = find_contract(book[SHEET_BODY])
    # Added at the end: the existing columns keep their letters.
    assert max(c.columns.values()) == c.columns["proposal_reason"]
    assert c.columns["proposed_rating"] == c.columns["report_file"] + 1
    assert book[SHEET_BODY].protection.sheet
    cell = book[SHEET_BODY].cell(c.rows["CB901:A1"], c.columns["proposed_rating"])
    assert not cell.protection.locked


def test_unedited_workbooks_give_the_computed_ratings(consolidated, tmp_path):
    summary(consolidated, tmp_path / "btv.xlsx")
    data = ratings(consolidated, tmp_path / "btv.xlsx", tmp_path)
    assert data["period"] == PERIOD and data["problems"] == []
    got = by_key(data)
    assert got["CB902:A1"] == {
        "cadre_id": "CB902", "task_key": "A1",
        "computed": "HTT", "self": "HTT", "proposed": "HTT", "decided": "HTT",
    }  # fmt: skip
    assert got["CB903:A1"]["decided"] == "HT"
    assert data["commendation"] == [{"cadre_id": "CB901", "task_key": "A1"}]


def test_proposal_departing_without_reason_is_reported_at_its_cell(consolidated, tmp_path):
    where = edit(consolidated / UBND, SHEET_BODY, {"CB902:A1": {"proposed_rating": "HTXS"}})
    result = summary(consolidated, tmp_path / "btv.xlsx", code=1)
    assert "rating_departs_without_reason" in result.output
    data = ratings(consolidated, tmp_path / "btv.xlsx", tmp_path, code=1)
    found = [p for p in data["problems"] if p["code"] == "rating_departs_without_reason"]
    assert [(p["file"], p["sheet"], p["cell"]) for p in found] == [
        (UBND, SHEET_BODY, where["CB902:A1/proposed_rating"])
    ]
    assert found[0]["severity"] == "error"


def test_proposal_with_reason_reaches_the_decided_column_of_a_rebuilt_summary(
    consolidated, tmp_path
):
    summary(consolidated, tmp_path / "first.xlsx")
    assert read_keyed(tmp_path / "first.xlsx", SHEET_RATINGS)["CB902:A1"]["decided_rating"] == (
        "HTT"
    )
    edit(
        consolidated / UBND,
        SHEET_BODY,
        {"CB902:A1": {"proposed_rating": "htxs", "proposal_reason": "Sản phẩm vượt chỉ tiêu"}},
    )
    summary(consolidated, tmp_path / "btv.xlsx")
    rows = read_keyed(tmp_path / "btv.xlsx", SHEET_RATINGS)
    assert rows["CB902:A1"]["proposed_rating"] == "HTXS"
    assert rows["CB902:A1"]["proposal_reason"] == "Sản phẩm vượt chỉ tiêu"
    assert rows["CB902:A1"]["decided_rating"] == "HTXS"
    assert rows["CB902:A1"]["rating"] == "HTT"
    assert rows["CB903:A1"]["decided_rating"] == "HT"
    data = ratings(consolidated, tmp_path / "btv.xlsx", tmp_path)
    assert data["problems"] == []
    assert by_key(data)["CB902:A1"] == {
        "cadre_id": "CB902", "task_key": "A1",
        "computed": "HTT", "self": "HTT", "proposed": "HTXS", "decided": "HTXS",
    }  # fmt: skip


def test_decision_departing_without_reason_is_reported_at_its_cell(consolidated, tmp_path):
    summary(consolidated, tmp_path / "btv.xlsx")
    where = edit(tmp_path / "btv.xlsx", SHEET_RATINGS, {"CB903:A1": {"decided_rating": "HTT"}})
    data = ratings(consolidated, tmp_path / "btv.xlsx", tmp_path, code=1)
    found = [p for p in data["problems"] if p["code"] == "rating_departs_without_reason"]
    assert [(p["file"], p["sheet"], p["cell"]) for p in found] == [
        ("btv.xlsx", SHEET_RATINGS, where["CB903:A1/decided_rating"])
    ]
    assert by_key(data)["CB903:A1"]["decided"] == "HTT"
    assert (tmp_path / "xep_loai.xlsx").is_file()  # written, with the problem listed


def test_commendation_follows_the_decided_ratings(consolidated, tmp_path):
    summary(consolidated, tmp_path / "btv.xlsx")
    edit(
        tmp_path / "btv.xlsx",
        SHEET_RATINGS,
        {
            "CB902:A1": {"decided_rating": "HTXS", "decision_reason": "Mô hình nhân rộng"},
            "CB901:A1": {"decided_rating": "HTT", "decision_reason": "Chất lượng chưa cao"},
        },
    )
    data = ratings(consolidated, tmp_path / "btv.xlsx", tmp_path)
    assert data["problems"] == []
    got = by_key(data)
    assert (got["CB902:A1"]["computed"], got["CB902:A1"]["decided"]) == ("HTT", "HTXS")
    assert (got["CB901:A1"]["computed"], got["CB901:A1"]["decided"]) == ("HTXS", "HTT")
    assert data["commendation"] == [{"cadre_id": "CB902", "task_key": "A1"}]
    final = tmp_path / "xep_loai.xlsx"
    assert list(read_keyed(final, "Khen thưởng")) == ["CB902:A1"]
    rows = read_keyed(final, SHEET_RATINGS)
    assert rows["CB901:A1"]["rating"] == "HTXS" and rows["CB901:A1"]["decided_rating"] == "HTT"
    assert rows["CB902:A1"]["decision_reason"] == "Mô hình nhân rộng"


def test_locked_cell_changed_in_a_body_workbook_is_a_problem(consolidated, tmp_path):
    where = edit(consolidated / TC, SHEET_BODY, {"CB903:A1": {"rating": "HTXS"}})
    summary(consolidated, tmp_path / "btv.xlsx", code=1)
    data = ratings(consolidated, tmp_path / "btv.xlsx", tmp_path, code=1)
    found = [p for p in data["problems"] if p["code"] == "prefilled_changed"]
    assert [(p["file"], p["cell"]) for p in found] == [(TC, where["CB903:A1/rating"])]
    assert by_key(data)["CB903:A1"]["decided"] == "HT"  # the damaged proposal is not used


def test_ratings_help_has_an_example():
    assert "Example:" in run("ratings", "--help").output
