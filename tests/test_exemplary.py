"""Art. 9.2 through the CLI: a body proposes a collective (a unit) or an individual as "tiêu
biểu" on its workbook's "Đề nghị tiêu biểu"; the summary gathers the proposals on "Tiêu biểu";
the Standing Committee's decision is read back by ``dotpha ratings``, as the ratings are."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import run
from tests.test_cadre_level_cli import FIGURES, cycle
from tests.test_ratings import edit as edit_cells
from tests.test_ratings import read_keyed

UBND = "UBND_tong_hop_2027.xlsx"
PROPOSALS = "Đề nghị tiêu biểu"
DECISIONS = "Tiêu biểu"
COLLECTIVE = {
    "kind": "Tập thể",
    "name": "Phòng Quản lý ngân sách, Sở Tài chính",
    "unit": "Sở Tài chính",
    "reason": "=Tham mưu số hoá 100% hồ sơ ngân sách trước thời hạn",  # text, never a formula
}


def edit(path: Path, sheet: str, values: dict[str, dict[str, object]]) -> dict[str, str]:
    """Type into keyed cells; a text starting with "=" typed as text (as Excel keeps a cell
    formatted as text, or a leading apostrophe)."""
    where = edit_cells(path, sheet, values)
    book = openpyxl.load_workbook(path)
    for address in where.values():
        cell = book[sheet][address]
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
    book.save(path)
    return where


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    return cycle(tmp_path_factory.mktemp("exemplary"), 2027, FIGURES)


@pytest.fixture()
def consolidated(year, tmp_path) -> Path:
    return Path(shutil.copytree(year, tmp_path / "tong_hop"))


def summary_json(consolidated: Path, tmp: Path, code: int = 0) -> dict:
    run("summary", "--consolidated", consolidated, "--period", "2027", "--out", tmp / "btv.xlsx",
        "--json", tmp / "btv.json", code=code)  # fmt: skip
    return json.loads((tmp / "btv.json").read_text(encoding="utf-8"))


def test_the_body_workbook_offers_blank_rows(consolidated):
    rows = read_keyed(consolidated / UBND, PROPOSALS)
    assert list(rows)[:2] == ["P01", "P02"] and len(rows) == 10
    assert all(not r["name"] for r in rows.values())


def test_a_collective_proposed_by_a_body_reaches_the_summary(consolidated, tmp_path):
    edit(consolidated / UBND, PROPOSALS, {"P01": COLLECTIVE})
    data = summary_json(consolidated, tmp_path)
    assert data["exemplary"] == [
        {"key": "UBND:P01", "body": "UBND", "kind": "collective", "name": COLLECTIVE["name"],
         "unit": "Sở Tài chính", "reason": COLLECTIVE["reason"], "decided": None,
         "decision_reason": ""},
    ]  # fmt: skip
    shown = read_keyed(tmp_path / "btv.xlsx", DECISIONS)
    assert shown["UBND:P01"]["name"] == COLLECTIVE["name"]
    assert shown["UBND:P01"]["reason"] == COLLECTIVE["reason"]  # written as text
    assert shown["UBND:P01"]["decided"] == "Đồng ý"
    # the Committee's decision read back like the ratings
    run("ratings", "--consolidated", consolidated, "--summary", tmp_path / "btv.xlsx", "--period",
        "2027", "--out", tmp_path / "xl.xlsx", "--json", tmp_path / "xl.json")  # fmt: skip
    final = json.loads((tmp_path / "xl.json").read_text(encoding="utf-8"))
    assert [(e["key"], e["kind"], e["decided"]) for e in final["exemplary"]] == [
        ("UBND:P01", "collective", "agreed")
    ]
    book = openpyxl.load_workbook(tmp_path / "xl.xlsx")
    assert "Tiêu biểu" in book.sheetnames  # the final ratings workbook lists the decision
    listed = read_keyed(tmp_path / "xl.xlsx", "Tiêu biểu")
    assert (listed["UBND:P01"]["name"], listed["UBND:P01"]["decided"]) == (
        COLLECTIVE["name"], "Đồng ý",
    )  # fmt: skip


def test_a_refusal_needs_a_reason(consolidated, tmp_path):
    edit(consolidated / UBND, PROPOSALS, {"P02": {**COLLECTIVE, "kind": "Cá nhân",
                                                  "name": "Nguyễn Văn An"}})  # fmt: skip
    summary_json(consolidated, tmp_path)
    where = edit(tmp_path / "btv.xlsx", DECISIONS, {"UBND:P02": {"decided": "Không đồng ý"}})
    run("ratings", "--consolidated", consolidated, "--summary", tmp_path / "btv.xlsx", "--period",
        "2027", "--out", tmp_path / "xl.xlsx", "--json", tmp_path / "xl.json", code=1)  # fmt: skip
    final = json.loads((tmp_path / "xl.json").read_text(encoding="utf-8"))
    found = [p for p in final["problems"] if p["code"] == "exemplary_decision_without_reason"]
    assert [(p["sheet"], p["cell"]) for p in found] == [(DECISIONS, where["UBND:P02/decided"])]
    edit(tmp_path / "btv.xlsx", DECISIONS, {"UBND:P02": {"decision_reason": "Chưa đủ căn cứ"}})
    run("ratings", "--consolidated", consolidated, "--summary", tmp_path / "btv.xlsx", "--period",
        "2027", "--out", tmp_path / "xl.xlsx", "--json", tmp_path / "xl.json")  # fmt: skip
    final = json.loads((tmp_path / "xl.json").read_text(encoding="utf-8"))
    assert [(e["kind"], e["decided"]) for e in final["exemplary"]] == [("individual", "not_agreed")]


def test_a_row_partly_filled_is_a_problem_at_its_cell(consolidated, tmp_path):
    where = edit(consolidated / UBND, PROPOSALS, {"P03": {"name": "Sở Y tế"}})
    data = summary_json(consolidated, tmp_path, code=1)
    assert data["exemplary"] == []
    result = run("summary", "--consolidated", consolidated, "--period", "2027", "--out",
                 tmp_path / "btv2.xlsx", code=1)  # fmt: skip
    assert "Đề nghị tiêu biểu chưa đủ" in result.output
    assert where["P03/name"][0] != where["P03/name"][1]  # an address such as D12
