"""The blank forms of ``workbook_templates/``: forms 01, 02 and 03 with no cadre filled in, made by
the same writers as the personalised ones (so they follow the same contract), deterministic."""

from __future__ import annotations

from pathlib import Path

from dotpha_xl.domain.periods import parse_period
from dotpha_xl.records.tasks import PlannedTask
from dotpha_xl.store.atomic import write_bytes_atomic
from dotpha_xl.xlsx.form_layout import Person
from dotpha_xl.xlsx.plan_form import build_trees, write_plan
from dotpha_xl.xlsx.registration_form import write_registration
from dotpha_xl.xlsx.report_form import write_report

BLANK_PERSON = Person(
    "", "......................", "......................", "......................"
)
BLANK_TITLE = "..... (ghi tên việc được giao)"
FILES = ("mau_01_dang_ky.xlsx", "mau_02_ke_hoach.xlsx", "mau_03_bao_cao_nam.xlsx")


def blank_forms(year: int) -> dict[str, bytes]:
    """File name -> bytes of the three blank forms for plan year ``year``."""
    tasks = [
        PlannedTask("A", 1, BLANK_TITLE, year, year),
        PlannedTask("B", 1, BLANK_TITLE, year, year + 1),
    ]
    trees = build_trees(tasks, items_per_month=2)
    return {
        FILES[0]: write_registration(BLANK_PERSON, year),
        FILES[1]: write_plan(BLANK_PERSON, year, tasks, trees=trees),
        FILES[2]: write_report(BLANK_PERSON, parse_period(str(year)), tasks, trees, plan_digest=""),
    }


def write_blank_templates(out_dir: Path, year: int) -> list[Path]:
    return [write_bytes_atomic(out_dir / name, data) for name, data in blank_forms(year).items()]
