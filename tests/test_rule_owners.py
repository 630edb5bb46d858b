"""Each rule of the forms has one owner, and a test here fails when that owner is switched off.

Row rules (a weight or completion within 0–100 %, an item with a weight has content, the key's
grammar) are the pandera schemas' (``dotpha_xl.xlsx.schemas``); tree rules (sums, structure) are
the domain's (``dotpha_xl.domain.tree.check_tree``).  For every rule: the problem is reported at its
cell with the owner on; with the owner switched off, nothing else reports it (one owner, not two).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dotpha_xl.xlsx import plans as plan_reader
from dotpha_xl.xlsx import reports as report_reader
from tests.helpers import ROSTER, fill, items, notes, run, write_table

PLAN_SHEET = "Kế hoạch"


@pytest.fixture(scope="module")
def blank_plan(tmp_path_factory) -> tuple[Path, Path]:
    """One generated plan (annual task A1, two items a month) and its roster."""
    tmp = tmp_path_factory.mktemp("owners")
    roster = write_table(
        tmp / "roster.xlsx", ["cadre_id", "full_name", "position", "unit", "body"], ROSTER[:1]
    )
    assignments = write_table(
        tmp / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [(ROSTER[0][0], "A", 1, "Số hoá hồ sơ", 2027, 2027)],
    )
    run("template", "plan", "--roster", roster, "--assignments", assignments, "--year", "2027",
        "--out", tmp / "plans", "--items-per-month", "2")  # fmt: skip
    return next((tmp / "plans").glob("*.xlsx")), roster


def good_items() -> dict[str, dict[str, object]]:
    return {k: {"content": f"Nội dung {k}", "w_month": 0.5} for k in items()} | notes("A1")


def plan_with(blank: Path, tmp_path: Path, changes: dict[str, dict[str, object]]) -> Path:
    path = tmp_path / blank.name
    path.write_bytes(blank.read_bytes())
    values = good_items()
    for key, cells in changes.items():
        values.setdefault(key, {}).update(cells)
    fill(path, values)
    return path


def problems_of(path: Path) -> list[tuple[str, str]]:
    data = json.loads(run("validate", path, "--json", "-", code=None).stdout)
    return [(p["code"], p["node"]) for f in data["files"] for p in f["problems"]]


def switch_off_schemas(monkeypatch) -> None:
    monkeypatch.setattr(plan_reader, "validate_frame", lambda frame, schema: [])
    monkeypatch.setattr(report_reader, "validate_frame", lambda frame, schema: [])


def switch_off_tree(monkeypatch) -> None:
    monkeypatch.setattr(plan_reader, "check_tree", lambda root, tolerance, **_: (root, []))


ROW_RULES = {
    # rule: (changes to a clean plan, the problem the schema reports)
    "weight within 0–100 %": (
        {"A1.Q1.M2.I1": {"w_month": 1.5}},
        ("weight_out_of_range", "A1.Q1.M2.I1"),
    ),
    "negative weight": (
        {"A1.Q1.M2.I1": {"w_month": -0.5}},
        ("weight_out_of_range", "A1.Q1.M2.I1"),
    ),
    "an item with a weight has content": (
        {"A1.Q3.M1.I2": {"content": ""}},
        ("item_without_content", "A1.Q3.M1.I2"),
    ),
}  # fmt: skip

TREE_RULES = {
    "children sum to 100": ({"A1.Q2.M1.I1": {"w_month": 0.4}}, ("weight_sum_not_100", "A1.Q2.M1")),
    "a weighted node has items": (
        {k: {"content": "", "w_month": None} for k in ("A1.Q4.M3.I1", "A1.Q4.M3.I2")},
        ("node_without_items", "A1.Q4.M3"),
    ),
}  # fmt: skip


def test_a_clean_plan_has_no_problem(blank_plan, tmp_path):
    assert problems_of(plan_with(blank_plan[0], tmp_path, {})) == []


@pytest.mark.parametrize("rule", ROW_RULES)
def test_row_rules_are_the_schemas(blank_plan, tmp_path, monkeypatch, rule):
    changes, expected = ROW_RULES[rule]
    path = plan_with(blank_plan[0], tmp_path, changes)
    assert problems_of(path) == [expected]
    switch_off_schemas(monkeypatch)
    assert expected not in problems_of(path)  # nobody else checks it


@pytest.mark.parametrize("rule", TREE_RULES)
def test_tree_rules_are_the_domains(blank_plan, tmp_path, monkeypatch, rule):
    changes, expected = TREE_RULES[rule]
    path = plan_with(blank_plan[0], tmp_path, changes)
    assert problems_of(path) == [expected]
    switch_off_tree(monkeypatch)
    assert problems_of(path) == []


def test_an_out_of_range_weight_is_reported_once_not_again_as_a_sum(blank_plan, tmp_path):
    """150 % in a month whose items then sum to 200: the row rule only, not the sum above it."""
    path = plan_with(blank_plan[0], tmp_path, {"A1.Q1.M2.I1": {"w_month": 1.5}})
    assert [code for code, _ in problems_of(path)] == ["weight_out_of_range"]


def test_key_grammar_is_the_schemas(blank_plan, tmp_path, monkeypatch):
    """A key cell edited into one that breaks the grammar (a month under no quarter)."""
    import openpyxl

    from dotpha_demo.filler import find_contract, form_sheet

    path = plan_with(blank_plan[0], tmp_path, {})
    book = openpyxl.load_workbook(path)
    contract = find_contract(form_sheet(book))
    contract.sheet.cell(contract.rows["A1.Q1.M1.I1"], 1).value = "A1.M1.I1"
    book.save(path)
    found = problems_of(path)
    assert found.count(("unknown_key", "A1.M1.I1")) == 1  # once, by the key's one owner
    switch_off_schemas(monkeypatch)
    assert ("unknown_key", "A1.M1.I1") not in problems_of(path)


def test_completion_range_is_the_report_schemas(blank_plan, tmp_path, monkeypatch):
    plans = tmp_path / "plans"
    plans.mkdir()
    plan_with(blank_plan[0], plans, {})
    run("template", "report", "--plans", plans, "--period", "2027-Q1", "--out", tmp_path / "r")
    report = next((tmp_path / "r").glob("*.xlsx"))
    fill(report, {"A1.Q1.M1.I1": {"completion": 1.5}})

    def codes() -> list[tuple[str, str]]:
        found = report_reader.read_report(report, _settings())
        return [(p.code, p.node) for p in found.problems if p.severity == "error"]

    assert codes() == [("completion_out_of_range", "A1.Q1.M1.I1")]
    switch_off_schemas(monkeypatch)
    assert codes() == []


def _settings():
    from dotpha_xl.kernel.settings import default_settings

    return default_settings()
