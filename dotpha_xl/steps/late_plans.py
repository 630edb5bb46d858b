"""Plan deadlines and late plans (Art. 4.4 b; docs/regulation.md R33).

Each cadre's plan of year Y is one form holding all their tasks of Y, so it has one deadline: the
latest of its tasks' deadlines (``domain.calendar.plan_deadline``): 25/01 of Y, or a month after
the task's assignment when it was assigned after the Committee's decision deadline.  The
assignment is the assignments table's ``assigned_on``; a successor's handover (the
predecessor's ``left_on``, or the successor's appointment when later) counts as the assignment
of the tasks taken over; a cadre appointed after the decision with no assignment date known
counts from the appointment.  A plan is late when its first accepted version (the intake
ledger's, else this run's) was received after the deadline; a corrected copy sent later does not
make an on-time plan late (as for reports, R22).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from dotpha_xl.domain.calendar import days_late, plan_deadline
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.consolidation import LatePlan
from dotpha_xl.records.people import Assignments, Cadre


@dataclass(frozen=True)
class PlanDeadline:
    due: date
    #: The latest assignment counted (a successor's handover included) when it came after the
    #: decision, which moved the deadline; ``None`` when the plan is due on 25/01.
    assigned_on: date | None = None


def plan_deadlines(
    cadres: Mapping[str, Cadre],
    settings: Settings,
    year: int,
    assignments: Assignments | None = None,
) -> dict[str, PlanDeadline]:
    """Cadre id -> the deadline of their plan of ``year`` (every cadre of ``cadres``)."""
    decision = settings.deadlines["decision"].in_year(year)
    dates: dict[str, list[date]] = {}
    for a in assignments.active_in(year) if assignments is not None else ():
        if a.assigned_on is not None:
            dates.setdefault(a.cadre_id, []).append(a.assigned_on)
    out: dict[str, PlanDeadline] = {}
    for cadre in cadres.values():
        own = list(dates.get(cadre.cadre_id, []))
        before = cadres.get(cadre.predecessor_id) if cadre.predecessor_id else None
        if before is not None and before.left_on is not None:
            # the handover counts as the assignment of the tasks taken over
            own.append(max(before.left_on, cadre.appointed_on or before.left_on))
        if not own and cadre.appointed_on is not None and cadre.appointed_on > decision:
            own.append(cadre.appointed_on)
        due, since = plan_deadline(settings, year), None
        for on in own:
            task_due = plan_deadline(settings, year, on)
            if task_due > due:
                due, since = task_due, on
        out[cadre.cadre_id] = PlanDeadline(due, since)
    return out


def late_plans(
    first: Mapping[str, tuple[str, datetime]],
    deadlines: Mapping[str, PlanDeadline],
    cadres: Mapping[str, Cadre],
    settings: Settings,
) -> list[LatePlan]:
    """The plans whose first accepted version (``first``: cadre id -> (file, received)) came
    after the cadre's deadline, in the order of ``cadres``."""
    out: list[LatePlan] = []
    for cadre_id, cadre in cadres.items():
        if cadre_id not in first or cadre_id not in deadlines:
            continue
        file, received = first[cadre_id]
        due = deadlines[cadre_id]
        late = days_late(received.date(), due.due, settings.deadline_reading)
        if late:
            out.append(LatePlan(cadre, file, received, due.due, late, due.assigned_on))
    return out


def earliest(
    found: Iterable[tuple[str, str, datetime]], into: dict[str, tuple[str, datetime]]
) -> dict[str, tuple[str, datetime]]:
    """``into`` with each (cadre id, file, received) of ``found`` kept where it came first."""
    for cadre_id, file, received in found:
        known = into.get(cadre_id)
        if known is None or (received, file) < (known[1], known[0]):
            into[cadre_id] = (file, received)
    return into
