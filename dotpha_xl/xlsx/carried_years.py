"""A period task's earlier years in a later year's report (docs/regulation.md, R32).

The report of year Y of a period task carries the earlier years' items as the final (annual)
report of Y−1 left them: locked and greyed in the form, sealed in ``_meta`` under ``carried``
(``{"from": "2027", "items": {item key: [completion, actual product, force-majeure reason]}}``).
Reading the report back, the sealed values are the ones used; a cell changed by hand is the
error ``carried_changed`` at that cell.  A later year's report made without the year before's
report leaves the earlier years for the cadre to type, and says so (``earlier_years_not_carried``)
when the template is made and when the report is read.

Kept apart from ``reports.py``'s reader loop: the reader calls :func:`use_carried` once and
:func:`check_carried_row` for each carried row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from dotpha_xl.domain.periods import ReportPeriod
from dotpha_xl.domain.tree import Node
from dotpha_xl.kernel.problems import Problem, problem
from dotpha_xl.kernel.text import PercentError, as_text, parse_flag, parse_percent
from dotpha_xl.records.tasks import PlannedTask, continued_task
from dotpha_xl.xlsx.report_form import CarriedItem, ReportInputs, earlier_years

#: ``xlsx.reports.ReportFile`` (not imported: the reader imports this module).
ReportFile = Any

#: How far a carried completion read back may be from the sealed one (percent points): the cell
#: holds the float of the exact figure, which a re-save may print with fewer digits.
TOLERANCE = Fraction(1, 10**6)


def _signature(node: Node, task_key: str) -> list[tuple[str, str, str, str]]:
    """What must be the same in two plans for an earlier year's results to be carried: the
    keys (under the task, whatever its number) and weights of every row, the content and product
    of the items (the cadre's words).  The labels of the year, quarter and month rows are the
    form's own and may differ: a plan of a later year marks its carried years in their labels
    (R35)."""
    return [
        (
            str(n.key)[len(task_key) :],
            "" if n.weight is None else str(n.weight),
            "" if n.children else n.content,
            "" if n.children else n.product,
        )
        for n in node.walk()
    ]


def carry_from_previous_year(
    earlier: Sequence[ReportFile],
    tasks: Mapping[str, PlannedTask],
    period: ReportPeriod,
    who: str,
    plan_file: str = "",
) -> tuple[ReportInputs, list[Problem]]:
    """The earlier years' items of the running period tasks, from the final reports of the year
    before (``earlier``: the cadre's own, then a predecessor's whose task the plan continues):
    what a report of ``period`` carries, locked (R32).  For each task, the first of them holding
    the task it continues (``records.tasks.continued_task``: the same key, else the same title
    and years).  An earlier year is carried when its plan is the same in both, and, for a year
    before that report's own, when that report carried it itself: a year the cadre typed there
    was never checked against its own year's report, and is not locked now (a warning)."""
    inputs = ReportInputs(carried_from=str(period.year - 1))
    problems: list[Problem] = []
    for key, task in tasks.items():
        years = earlier_years(task, task.root, period)
        if not years:
            continue
        found = [(r, continued_task(r.tasks, task)) for r in earlier]
        report, before = next(((r, t) for r, t in found if t is not None), (None, None))
        if report is None or before is None or before.root is None:
            problems.append(not_carried(key, who, plan_file))
            continue
        old_years = {str(c.key)[len(before.key) :]: c for c in before.root.children}
        own_year = report.year - task.start_year + 1  # that report's own year of the period
        all_carried = True
        for year in years:
            old = old_years.get(str(year.key)[len(key) :])
            if old is None or _signature(old, before.key) != _signature(year, key):
                problems.append(
                    problem(
                        "previous_plan_differs", node=str(year.key), expected=report.period_code
                    ).at(file=report.file)
                )
                all_carried = False
                continue
            pairs = [(str(i.key), before.key + str(i.key)[len(key) :]) for i in year.items()]
            if year.key.year < own_year and not all(old_k in report.carried for _, old_k in pairs):
                all_carried = False  # typed by the cadre in that report, never checked
                continue
            for k, old_k in pairs:
                inputs.carried[k] = CarriedItem(
                    report.completions.get(old_k),
                    report.actual_products.get(old_k, ""),
                    report.force_majeure.get(old_k),
                )
        if not all_carried:
            problems.append(not_carried(key, who, report.file))
    return inputs, problems


def not_carried(task_key: str, who: str, file: str = "", **where: str) -> Problem:
    """The warning of a later year's report whose earlier years are typed by the cadre."""
    return problem("earlier_years_not_carried", node=task_key, value=who).at(file=file, **where)


def uncarried_tasks(
    tasks: Mapping[str, PlannedTask], period: ReportPeriod, carried: Mapping[str, Any]
) -> list[tuple[str, Node]]:
    """The period tasks of a report with an earlier year none of whose items is carried, each
    with that first year's node."""
    out = []
    for key, task in tasks.items():
        for year in earlier_years(task, task.root, period):
            if not any(str(i.key) in carried for i in year.items()):
                out.append((key, year))
                break
    return out


def use_carried(report: ReportFile, prefilled: Mapping[str, Any]) -> None:
    """Take the sealed earlier years' items as the report's own (before its rows are read)."""
    sealed = prefilled.get("carried")
    if not sealed:
        return
    report.carried_from = str(sealed.get("from", ""))
    for key, value in sealed.get("items", {}).items():
        item = CarriedItem.from_meta(value)
        report.carried[key] = item
        if item.completion is not None:
            report.completions[key] = item.completion
        if item.actual_product:
            report.actual_products[key] = item.actual_product
        if item.force_majeure is not None:
            report.force_majeure[key] = item.force_majeure


def check_carried_row(
    report: ReportFile, row: Any, key: str, sheet: Any, typed: Any
) -> list[Problem]:
    """A carried item's row as the file holds it, against the seal: every cell changed is the
    error ``carried_changed`` at that cell."""
    item = report.carried[key]
    found: list[tuple[str, Any]] = []
    value = row.values.get("completion")
    try:
        done = parse_percent(value)
    except PercentError:
        found.append(("completion", value))
    else:
        same = (done is None) == (item.completion is None) and (
            done is None or abs(done - item.completion) <= TOLERANCE
        )
        if not same:
            found.append(("completion", value))
    if typed(row, "actual_product") != item.actual_product:
        found.append(("actual_product", row.values.get("actual_product")))
    try:
        marked = parse_flag(row.values.get("force_majeure"))
    except ValueError:
        marked = None
    if marked != (item.force_majeure is not None):
        found.append(("force_majeure", row.values.get("force_majeure")))
    if typed(row, "fm_reason") != (item.force_majeure or ""):
        found.append(("fm_reason", row.values.get("fm_reason")))
    return [
        problem("carried_changed", value=as_text(v), node=key, expected=report.carried_from).at(
            file=sheet.file, sheet=sheet.sheet, cell=sheet.cell(row, column)
        )
        for column, v in found
    ]
