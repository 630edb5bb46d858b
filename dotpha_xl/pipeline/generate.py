"""Generate the cadres' personalised plan workbooks from the roster and the assignments."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dotpha_xl.domain.calendar import last_day_allowed
from dotpha_xl.pipeline.tables import Assignment, Cadre, read_assignments, read_roster
from dotpha_xl.problems import Problem
from dotpha_xl.settings import Settings
from dotpha_xl.text import ascii_slug
from dotpha_xl.workbook.atomic import check_output_outside_inputs, write_bytes_atomic
from dotpha_xl.workbook.plan_form import Person, PlanTask, write_plan


@dataclass
class Generated:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # cadres with no task that year


def output_name(cadre_id: str, full_name: str, form: str, period: str) -> str:
    """An ASCII-safe file name built from the id and the name, never a path from user text."""
    return (
        f"{ascii_slug(cadre_id, 20)}_{ascii_slug(full_name, 40)}_{form}_{ascii_slug(period)}.xlsx"
    )


def person_of(cadre: Cadre) -> Person:
    return Person(cadre.cadre_id, cadre.full_name, cadre.position, cadre.unit)


def plan_task_of(a: Assignment) -> PlanTask:
    return PlanTask(
        section=a.section,
        number=a.task_no,
        title=a.title,
        start_year=a.start_year,
        end_year=a.end_year,
        basis=a.basis,
        targets=a.targets,
        carried_from=getattr(a, "carried_from", "") or "",
    )


def generate_plans(
    roster_path: Path,
    assignments_path: Path,
    year: int,
    out_dir: Path,
    settings: Settings,
    *,
    items_per_month: int = 3,
) -> Generated:
    """One form 02 workbook per cadre with a task running in ``year``.

    Bad roster or assignment rows are problems; nothing is generated for them, the rest is.
    """
    check_output_outside_inputs(out_dir, [roster_path, assignments_path])
    roster = read_roster(roster_path, settings)
    assignments = read_assignments(assignments_path, settings, roster)
    result = Generated(problems=[*roster.problems, *assignments.problems])
    deadline = last_day_allowed(settings.deadlines["plan"].in_year(year), settings.deadline_reading)
    for cadre in roster.cadres.values():
        tasks = [plan_task_of(a) for a in assignments.for_cadre(cadre.cadre_id)]
        tasks = [t for t in tasks if t.start_year <= year <= t.end_year]
        if not tasks:
            result.skipped.append(cadre.cadre_id)
            continue
        data = write_plan(
            person_of(cadre),
            year,
            tasks,
            items_per_month=items_per_month,
            deadline=f"{deadline:%d/%m/%Y}",
        )
        target = out_dir / output_name(cadre.cadre_id, cadre.full_name, "ke_hoach", str(year))
        result.files.append(write_bytes_atomic(target, data))
    return result
