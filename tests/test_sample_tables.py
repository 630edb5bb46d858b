"""Checks on the fictional sample tables in sample_data/ and on the script that writes them
from the CSVs."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
SCRIPT = SAMPLE / "make_sample_tables.py"
BODIES = {"TC", "HDND", "UBND", "NC", "DV"}
ROSTER_KEYS = [
    "cadre_id",
    "full_name",
    "position",
    "unit",
    "body",
    "provincial_committee_member",
    "status",
    "appointed_on",
    "predecessor_id",
    "left_on",
]
ASSIGN_KEYS = [
    "cadre_id",
    "section",
    "task_no",
    "title",
    "start_year",
    "end_year",
    "basis",
    "targets",
    "assigned_on",
]


def _rows(path: Path, sheet: str, keys: list[str]):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    assert header == keys
    rows = []
    for cells in ws.iter_rows(min_row=2):
        if all(c.value is None for c in cells):
            continue
        rows.append({k: c for k, c in zip(keys, cells, strict=True)})
    return ws, rows


@pytest.fixture(scope="module")
def roster():
    return _rows(SAMPLE / "roster.xlsx", "Danh sách cán bộ", ROSTER_KEYS)[1]


@pytest.fixture(scope="module")
def assignments():
    return _rows(SAMPLE / "assignments.xlsx", "Giao việc", ASSIGN_KEYS)[1]


def test_roster_ids_and_bodies(roster):
    ids = [r["cadre_id"].value for r in roster]
    assert len(ids) == 40
    assert len(set(ids)) == 40
    counts = Counter(r["body"].value for r in roster)
    assert set(counts) <= BODIES
    assert all(counts[b] >= 3 for b in BODIES), counts


def test_roster_special_cadres(roster):
    by_id = {r["cadre_id"].value: r for r in roster}
    new = by_id["CB139"]
    assert new["appointed_on"].value == datetime(2027, 3, 1)
    assert new["status"].value == "active"
    assert new["predecessor_id"].value is None
    old, succ = by_id["CB121"], by_id["CB140"]
    assert old["status"].value == "moved"
    assert old["left_on"].value == datetime(2027, 7, 15)
    assert old["left_on"].number_format == "dd/mm/yyyy"
    assert succ["predecessor_id"].value == "CB121"
    assert succ["appointed_on"].value == datetime(2027, 7, 15)
    for key in ("position", "unit", "body"):
        assert succ[key].value == old[key].value


def test_assignments_refer_to_roster(roster, assignments):
    ids = {r["cadre_id"].value for r in roster}
    owners = {a["cadre_id"].value for a in assignments}
    assert owners <= ids
    assert owners == ids - {"CB140"}
    keys = [(a["cadre_id"].value, a["section"].value, a["task_no"].value) for a in assignments]
    assert len(keys) == len(set(keys))


def test_period_lengths(assignments):
    for a in assignments:
        start, end = a["start_year"].value, a["end_year"].value
        assert isinstance(start, int) and isinstance(end, int)
        if a["section"].value == "A":
            assert start == end == 2027
        else:
            assert a["section"].value == "B"
            assert 2 <= end - start + 1 <= 5
            assert start <= 2027 <= end
    periods = [a for a in assignments if a["section"].value == "B"]
    assert sum(a["end_year"].value == 2027 for a in periods) >= 2
    assert any(a["start_year"].value == 2027 for a in periods)


def test_formula_like_title_is_text(assignments):
    eq = [a["title"] for a in assignments if str(a["title"].value).startswith("=")]
    assert eq
    for cell in eq:
        assert cell.data_type == "s"
    assert any("\n" in a["title"].value for a in assignments)


def test_all_text_is_nfc(roster, assignments):
    for row in [*roster, *assignments]:
        for cell in row.values():
            if isinstance(cell.value, str):
                assert unicodedata.is_normalized("NFC", cell.value), cell.coordinate


def test_csvs_regenerate_the_committed_workbooks_byte_for_byte(tmp_path):
    # roster.csv and assignments.csv are the source; the committed .xlsx files are what
    # make_sample_tables.py writes from them, to the byte (xlsxwriter is pinned in pyproject).
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True)
    for name in ("roster.xlsx", "assignments.xlsx"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_sheet_layout():
    ws, _ = _rows(SAMPLE / "roster.xlsx", "Danh sách cán bộ", ROSTER_KEYS)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref
    assert ws["A1"].font.b
    assert ws["A1"].font.name == "Times New Roman"
