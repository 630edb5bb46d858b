"""workbook_templates/: the blank forms are what the command makes, to the byte."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dotpha_xl.cli import cli
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.steps.blank import FILES
from dotpha_xl.xlsx.plans import read_plan

TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"


def test_regenerating_the_blank_forms_gives_identical_bytes(tmp_path):
    result = CliRunner().invoke(cli, ["blank-templates", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), name


def test_the_blank_plan_follows_the_contract():
    plan = read_plan(TEMPLATES / "mau_02_ke_hoach.xlsx", default_settings())
    assert plan.meta["form"] == "plan"
    # Blank: every month has a weight and no item yet, and the narratives Art. 4.4 a requires
    # are empty, which the validator says, cell by cell.
    assert {p.code for p in plan.problems} == {"node_without_items", "plan_note_missing"}
    assert all(p.cell.startswith("C") for p in plan.problems if p.code == "node_without_items")
    missing = [p for p in plan.problems if p.code == "plan_note_missing"]
    assert len(missing) == 8 and all(p.cell.startswith("D") for p in missing)  # 4 per task


def test_a_process_makes_the_same_bytes_first_and_later(tmp_path):
    from dotpha_xl.steps.blank import blank_forms

    first = blank_forms(2027)
    CliRunner().invoke(cli, ["blank-templates", "--out", str(tmp_path)])  # more workbooks
    assert blank_forms(2027) == first
