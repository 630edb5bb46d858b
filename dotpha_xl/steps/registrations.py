"""Registrations (form 01): generate the cadres' templates and read a filled one back.

Reading goes through ``read_review`` (the key contract, locked cells checked against ``_meta``),
then the registration's own checks: a task row partly filled, years of a period task, an
adjustment chosen without its text, nothing registered at all.  Every problem names its cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dotpha_xl.domain.calendar import last_day_allowed
from dotpha_xl.domain.periods import year_at_fault
from dotpha_xl.kernel.problems import Problem, has_errors, not_in_year, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.steps.generate import person_of
from dotpha_xl.store.atomic import check_output_outside_inputs, write_bytes_atomic
from dotpha_xl.store.files import output_name
from dotpha_xl.xlsx.registration_form import (
    CHOICE_CODES,
    RunningTask,
    write_registration,
)
from dotpha_xl.xlsx.review_reader import Reviewed, read_review
from dotpha_xl.xlsx.tables import read_roster

FIELD_NAMES = {
    "title": "tên việc",
    "basis": "căn cứ, cơ sở",
    "targets": "chỉ tiêu",
    "roadmap": "lộ trình thực hiện",
    "start_year": "năm bắt đầu",
    "end_year": "năm kết thúc",
}


@dataclass
class RegisteredTask:
    cadre_id: str
    task_key: str
    title: str
    basis: str
    targets: str
    start_year: int
    end_year: int
    choice: str = ""  # continue / adjust for a running period task
    adjustment: str = ""
    roadmap: str = ""  # "lộ trình thực hiện" (Art. 4.1); required of a task registered anew

    @property
    def section(self) -> str:
        return self.task_key[0]

    @property
    def key(self) -> str:
        return f"{self.cadre_id}:{self.task_key}"


@dataclass
class Registration:
    file: str
    path: str
    meta: dict[str, str]
    field_text: str = ""
    tasks: list[RegisteredTask] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def cadre_id(self) -> str:
        return self.meta.get("cadre_id", "")

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


# --------------------------------------------------------------------------- generate


@dataclass
class GeneratedRegistrations:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def running_tasks(plans_dir: Path | None, year: int, settings: Settings) -> dict[str, list]:
    """Cadre id -> period tasks of their valid plans still running in ``year``."""
    if plans_dir is None:
        return {}
    from dotpha_xl.xlsx.plans import latest_valid_plans, read_plans

    plans = read_plans(sorted(plans_dir.glob("*.xlsx")), settings)
    out: dict[str, list[RunningTask]] = {}
    for cadre_id, plan in latest_valid_plans(plans).items():
        for task in plan.tasks.values():
            if task.section == "B" and task.start_year < year <= task.end_year:
                out.setdefault(cadre_id, []).append(
                    RunningTask(
                        task.key,
                        task.title,
                        task.basis,
                        task.targets,
                        task.start_year,
                        task.end_year,
                        roadmap=task.notes.get("roadmap", ""),
                    )
                )
    return out


def generate_registrations(
    roster_path: Path,
    year: int,
    out_dir: Path,
    settings: Settings,
    *,
    plans_dir: Path | None = None,
    annual: int = 3,
    period: int = 2,
) -> GeneratedRegistrations:
    """One form 01 workbook per active cadre of the roster, for registering tasks of ``year``."""
    check_output_outside_inputs(out_dir, [roster_path, plans_dir])
    roster = read_roster(roster_path, settings)
    result = GeneratedRegistrations(problems=list(roster.problems))
    running = running_tasks(plans_dir, year, settings)
    due = last_day_allowed(
        settings.deadlines["registration"].in_year(year), settings.deadline_reading
    )
    for cadre in roster.cadres.values():
        if cadre.status != "active":
            continue
        data = write_registration(
            person_of(cadre),
            year,
            annual=annual,
            period=period,
            running=running.get(cadre.cadre_id, ()),
            deadline=f"{due:%d/%m/%Y}",
        )
        target = out_dir / output_name(cadre.cadre_id, cadre.full_name, "dang_ky", str(year))
        result.files.append(write_bytes_atomic(target, data))
    return result


# --------------------------------------------------------------------------- read


def read_registration(
    source: Path | bytes | Any,
    settings: Settings,
    *,
    name: str | None = None,
    expected: dict[str, str] | None = None,
) -> Registration:
    """Read and check one filled registration; every problem names its file, sheet and cell."""
    found = read_review(source, "registration", name=name, expected=expected)
    reg = Registration(
        file=found.file,
        path=str(source) if isinstance(source, (str, Path)) else found.file,
        meta=found.meta,
        problems=list(found.problems),
    )
    if has_errors(found.problems) and not found.rows:
        return reg
    year_text = found.meta.get("year", "")
    year = int(year_text) if year_text.isdigit() else 0
    running = set((found.prefilled or {}).get("running", []))
    if "field" in found.rows:
        reg.field_text = found.rows["field"].values.get("title", "")
    for key, row in found.rows.items():
        if key == "field":
            continue
        task = _task(found, row, key, year, key in running, settings, reg.problems)
        if task is not None:
            reg.tasks.append(task)
    if not reg.tasks and not has_errors(reg.problems):
        reg.problems.append(problem("registration_empty").at(file=found.file, sheet=found.sheet))
    return reg


def _task(
    found: Reviewed,
    row: Any,
    key: str,
    year: int,
    running: bool,
    settings: Settings,
    problems: list[Problem],
) -> RegisteredTask | None:
    v = row.values
    cadre_id = found.meta.get("cadre_id", "")
    where = {"file": found.file, "sheet": found.sheet}

    def at(column: str) -> dict[str, str]:
        return {**where, "cell": row.cells.get(column, "")}

    texts = ("title", "basis", "targets")
    years = ("start_year", "end_year") if key.startswith("B") and not running else ()
    if not running and not any(v.get(c) for c in (*texts, "roadmap", *years)):
        return None  # a row left blank: nothing registered there
    # a roadmap is asked of a task registered anew; a running one has its plan's (R36)
    required = (*texts, *(("roadmap",) if not running and "roadmap" in v else ()), *years)
    for column in required:
        if not v.get(column):
            problems.append(
                problem("task_incomplete", node=key, field=FIELD_NAMES[column]).at(**at(column))
            )
    numbers: dict[str, int] = {}
    for column in ("start_year", "end_year"):
        text = v.get(column, "")
        if text.isdigit() and 1900 <= int(text) <= 2200:
            numbers[column] = int(text)
        elif text:
            problems.append(problem("bad_year", value=text, field=column).at(**at(column)))
    start, end = numbers.get("start_year", year), numbers.get("end_year", year)
    if key.startswith("B") and not running and len(numbers) == 2:
        lengths = ", ".join(str(n) for n in settings.period_lengths)
        if end < start:
            problems.append(
                problem("end_before_start", value=end, expected=start).at(**at("end_year"))
            )
        elif end - start + 1 not in settings.period_lengths:
            problems.append(
                problem("bad_period_length", value=end - start + 1, expected=lengths).at(
                    **at("end_year")
                )
            )
        elif (fault := year_at_fault("B", start, end, year)) is not None:
            problems.append(not_in_year(start, end, year).at(**at(fault)))
    choice = CHOICE_CODES.get(v.get("choice", ""), "") if running else ""
    adjustment = v.get("adjustment", "") if running else ""
    if choice == "adjust" and not adjustment:
        problems.append(problem("adjustment_without_text", node=key).at(**at("adjustment")))
    return RegisteredTask(
        cadre_id=cadre_id,
        task_key=key,
        title=v.get("title", ""),
        basis=v.get("basis", ""),
        targets=v.get("targets", ""),
        start_year=start,
        end_year=end,
        choice=choice,
        adjustment=adjustment,
        roadmap=v.get("roadmap", ""),
    )


def registration_deadline(settings: Settings, year: int, appointed_on: date | None) -> date:
    """15/11 of Y−1 by default; for a cadre appointed later, the appointment day (Art. 4.1)."""
    due = settings.deadlines["registration"].in_year(year)
    if appointed_on is not None and appointed_on > due:
        return appointed_on
    return due
