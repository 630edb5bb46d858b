"""Tenure events on the roster: each cadre's own deadlines, and what consolidation does with a
cadre who left during the period (the report as of ``left_on``) and with the successor who took
the task over (rated on the part done after the handover).  The arithmetic is in
``dotpha_xl.domain.tenure``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dotpha_xl.domain.calendar import plan_deadline
from dotpha_xl.domain.periods import ReportPeriod
from dotpha_xl.domain.tenure import Handover, handover_figures, successor_rating
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.consolidation import (
    FLAG_HANDED_OVER,
    FLAG_INHERITED,
    Consolidation,
    TaskRow,
    TenureFigures,
)
from dotpha_xl.records.outcomes import FileOutcome
from dotpha_xl.records.people import Assignments, Cadre, Roster


@dataclass(frozen=True)
class PersonalDeadline:
    cadre_id: str
    full_name: str
    code: str  # "report_at_leaving" | "plan_for_new"
    name: str
    due: date
    article: str

    def to_json(self) -> dict[str, str]:
        return {
            "cadre_id": self.cadre_id,
            "full_name": self.full_name,
            "code": self.code,
            "name": self.name,
            "due": self.due.isoformat(),
            "article": self.article,
        }


def personal_deadlines(
    cadres: Sequence[Cadre], settings: Settings, year: int, assignments: Assignments | None = None
) -> list[PersonalDeadline]:
    """Each cadre's own deadlines falling in ``year``: the report as of the day they leave, and
    the plan of a cadre appointed during the cycle (a successor or a new cadre), due
    ``new_plan_months`` after being assigned the task (Art. 4.4 b "sau khi được giao việc"): the
    last ``assigned_on`` of their tasks of the year on or after the appointment, from
    ``assignments``; without it (or without such a date), counted from the appointment."""
    assigned: dict[str, date] = {}
    for a in assignments.active_in(year) if assignments is not None else ():
        if a.assigned_on is not None:
            assigned[a.cadre_id] = max(a.assigned_on, assigned.get(a.cadre_id, a.assigned_on))
    out: list[PersonalDeadline] = []
    for c in cadres:
        if c.left_on is not None and c.left_on.year == year:
            out.append(
                PersonalDeadline(
                    c.cadre_id,
                    c.full_name,
                    "report_at_leaving",
                    f"Báo cáo đột xuất đến ngày thôi giữ chức vụ ({c.left_on:%d/%m/%Y})",
                    c.left_on,
                    "2.4",
                )
            )
        if c.appointed_on is not None:
            on = assigned.get(c.cadre_id)
            since = f"giao việc {on:%d/%m/%Y}" if on and on >= c.appointed_on else ""
            on = on if since else c.appointed_on
            # R33: a task assigned after the decision is due a month later, else on 25/01
            due = plan_deadline(settings, year, on)
            if year in (c.appointed_on.year, due.year):
                what = (
                    f"Kế hoạch việc tiếp nhận từ {c.predecessor_id}"
                    if c.predecessor_id
                    else "Kế hoạch của cán bộ mới được giao"
                )
                out.append(
                    PersonalDeadline(
                        c.cadre_id,
                        c.full_name,
                        "plan_for_new",
                        f"{what} (bổ nhiệm {c.appointed_on:%d/%m/%Y}"
                        + (f", {since})" if since else ")"),
                        due,
                        "4.4 b",
                    )
                )
    return sorted(out, key=lambda d: (d.due, d.cadre_id, d.code))


def left_during(cadre: Cadre, period: ReportPeriod) -> bool:
    """Whether ``cadre`` left in the period's year, on or before the period's end."""
    return (
        cadre.left_on is not None
        and cadre.left_on.year == period.year
        and cadre.left_on <= period.end
    )


def successors(cadres: dict[str, Cadre]) -> dict[str, Cadre]:
    """Predecessor id -> the roster row that names them as ``predecessor_id``."""
    return {c.predecessor_id: c for c in cadres.values() if c.predecessor_id}


# --------------------------------------------------------------------------------------------
# Consolidation
# --------------------------------------------------------------------------------------------


def handovers_of(report: Any, settings: Settings, handover_on: date) -> dict[str, Handover]:
    """Task key -> its handover figures, from a report (``ReportFile``) as of ``handover_on``."""
    return {
        key: handover_figures(
            task.root,
            task.start_year,
            handover_on,
            report.completions,
            set(report.force_majeure),
            settings.thresholds,
        )
        for key, task in report.tasks.items()
    }


def apply_tenure(
    result: Consolidation,
    roster: Roster,
    paths: Sequence[Path],
    outcomes: Sequence[FileOutcome],
    chosen: dict[str, Any],
    settings: Settings,
) -> set[str]:
    """Add the rows of cadres who left during ``result.period`` (from their report as of
    ``left_on``) and mark their successors' inherited tasks; return who is thereby accounted for.

    ``chosen`` is the cadre id -> (received, outcome) of the period's reports.  Nothing happens
    when no one left.
    """
    from dotpha_xl.xlsx.reports import read_report, task_outcomes

    period = result.period
    leavers = {cid: c for cid, c in roster.cadres.items() if left_during(c, period)}
    if not leavers:
        return set()
    found: dict[str, Path] = {}
    for path, outcome in zip(paths, outcomes, strict=True):
        cadre = leavers.get(outcome.cadre_id)
        if cadre is None or not outcome.ok:
            continue
        if outcome.period_code == cadre.left_on.isoformat():
            found[cadre.cadre_id] = path
    accounted: set[str] = set()
    handed: dict[str, dict[str, Handover]] = {}
    for cadre_id, path in found.items():
        cadre = leavers[cadre_id]
        report = read_report(path, settings)
        if not report.ok:
            continue
        figures = handovers_of(report, settings, cadre.left_on)
        handed[cadre_id] = figures
        if cadre_id in chosen:
            continue  # a report of the period itself was sent as well: it stands
        accounted.add(cadre_id)
        for task in task_outcomes(report, settings):
            h = figures[task.task_key]
            # Art. 2.4: a conclusion (C_d, E_d, A_d), not a rating: never proposed for
            # commendation, never carried over by the cadre who left.
            task.result = dataclasses.replace(
                task.result,
                expected_to_date=h.expected,
                completion_year=h.completion,
                rating=None,
                rating_raw=None,
                completed_early=False,
                figures={},
                figures_raw={},
            )
            row = TaskRow.of(
                task, cadre=cadre, report_file=report.file, received=None, deadline=None,
                late=False, extra_flags=[FLAG_HANDED_OVER],
                tenure=TenureFigures(cadre.left_on, attainment=h.attainment),
            )  # fmt: skip
            result.tasks.append(row)
    by_predecessor = successors(roster.cadres)
    for cadre_id, figures in handed.items():
        successor = by_predecessor.get(cadre_id)
        if successor is None:
            continue
        for row in result.tasks:
            if row.cadre.cadre_id != successor.cadre_id or row.task_key not in figures:
                continue
            mark_inherited(row, figures[row.task_key], settings)
    return accounted


def mark_inherited(row: TaskRow, h: Handover, settings: Settings) -> None:
    """A successor's task row: C_d, O, and the rating of O in place of the rating of C_end."""
    r = row.result
    c_end = r.completion_year
    own = rating = None
    if c_end is not None:
        own, rating = successor_rating(c_end, h.completion, settings.thresholds)
    if r.period.isdigit():  # only the year's report rates
        raw = None
        if r.completion_year_raw is not None:
            raw = successor_rating(r.completion_year_raw, h.completion, settings.thresholds)[1]
        row.result = dataclasses.replace(r, rating=rating, rating_raw=raw)
    row.tenure = TenureFigures(
        h.handover_on, completion_at_handover=h.completion, completion_own=own, inherited=True
    )
    row.extra_flags = [FLAG_INHERITED]
