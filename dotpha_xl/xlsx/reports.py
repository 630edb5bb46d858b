"""Reports (form 03): generate them from valid plans, read filled ones back, check them, and
evaluate every task with the core."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from dotpha_xl.domain.decisions import SELF_RATING_ABOVE, item_signals
from dotpha_xl.domain.evaluate import TaskResult, evaluate_task
from dotpha_xl.domain.periods import ReportPeriod, parse_period
from dotpha_xl.domain.ratings import compare_self_rating
from dotpha_xl.domain.rollup import expected_completions
from dotpha_xl.domain.tree import Node, PlanRow, build_tree, check_tree
from dotpha_xl.kernel.keys import ITEM, MONTH, NodeKey, parse_key
from dotpha_xl.kernel.problems import Problem, has_errors, problem, refused
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import PercentError, as_text, parse_flag, parse_percent, parse_rating
from dotpha_xl.records.consolidation import Signal, TaskOutcome
from dotpha_xl.records.items import ItemRow
from dotpha_xl.records.outcomes import ReadOutcome
from dotpha_xl.records.tasks import PlannedTask
from dotpha_xl.store.files import expand_inputs
from dotpha_xl.xlsx.carried_years import (
    check_carried_row,
    not_carried,
    uncarried_tasks,
    use_carried,
)
from dotpha_xl.xlsx.contract import Source, check_meta, check_prefilled, read_form
from dotpha_xl.xlsx.form_layout import Person
from dotpha_xl.xlsx.plans import PlanFile, read_plan
from dotpha_xl.xlsx.report_form import (
    LOCKED_COLUMNS,
    CarriedItem,
    ReportInputs,
    self_rating_rows,
)
from dotpha_xl.xlsx.schemas import ReportRowsSchema, validate_frame
from dotpha_xl.xlsx.user_text import user_text


@dataclass
class ReportFile(ReadOutcome):
    """A filled report read back: what the cadre typed, the plan it was built on, problems."""

    file: str
    path: str
    meta: dict[str, str]
    tasks: dict[str, PlannedTask] = field(default_factory=dict)
    completions: dict[str, Fraction] = field(default_factory=dict)
    actual_products: dict[str, str] = field(default_factory=dict)
    force_majeure: dict[str, str] = field(default_factory=dict)  # item key -> reason
    self_ratings: dict[str, str] = field(default_factory=dict)  # row key -> level code
    evidence: dict[str, str] = field(default_factory=dict)  # rated row key -> evidence text
    shortfall_reasons: dict[str, str] = field(default_factory=dict)
    narratives: dict[str, str] = field(default_factory=dict)
    sheet: str = ""  # the report sheet's name
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (row key, column) -> A1
    #: Rows the cadre inserted under a month: not in the plan, kept, not counted (no weight).
    unplanned: list[dict[str, Any]] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    records: list[dict[str, Any]] | None = None  # the rows of ``frame`` when not yet made
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""  # of the file's bytes, for the intake ledger
    size: int = 0
    #: A period task's earlier years' items, sealed in ``_meta`` (``xlsx.carried_years``), and
    #: the period of the report they were carried from.
    carried: dict[str, CarriedItem] = field(default_factory=dict)
    carried_from: str = ""

    def inputs(self) -> ReportInputs:
        """What a later report of the same year is pre-filled with (the carried items stay
        carried and locked)."""
        return ReportInputs(
            dict(self.completions),
            dict(self.actual_products),
            dict(self.force_majeure),
            dict(self.carried),
            self.carried_from,
        )


def person_from_meta(meta: dict[str, str]) -> Person:
    return Person(
        meta.get("cadre_id", ""),
        meta.get("full_name", ""),
        meta.get("position", ""),
        meta.get("unit", ""),
    )


def latest_reports(
    folder: Path, settings: Settings, problems: list[Problem] | None = None
) -> dict[str, ReportFile]:
    """Cadre id -> their latest valid report in ``folder``: by period end, an annual report
    before another one ending the same day (a Q4, H2 or 31/12 report: the annual report is the
    year's final one, R32), then by file time.  A report that cannot be used is said in
    ``problems`` (its first error, then ``previous_report_invalid`` naming the file)."""
    best: dict[str, tuple[tuple, ReportFile]] = {}
    for path in expand_inputs([folder]):
        report = read_report(path, settings)
        if not report.ok:
            if problems is not None:
                problems += refused("previous_report_invalid", report.file, report.problems)
            continue
        try:
            period = parse_period(report.period_code)
        except ValueError:
            continue
        rank = (period.end, period.kind == "year", path.stat().st_mtime)
        if report.cadre_id not in best or rank > best[report.cadre_id][0]:
            best[report.cadre_id] = (rank, report)
    return {cadre: report for cadre, (_, report) in best.items()}


def read_report(
    source: Source,
    settings: Settings,
    *,
    name: str | None = None,
    expected: dict[str, str] | None = None,
    validate: bool = True,
) -> ReportFile:
    """Read and check one filled report; the plan it carries is rebuilt and checked too.

    ``validate=False`` leaves the pandera check of ``frame`` to the caller (a batch validates
    all its frames at once, see ``steps/batch.py``)."""
    sheet = read_form(source, "report", name=name)
    report = ReportFile(
        file=sheet.file,
        path=str(source) if isinstance(source, (str, Path)) else sheet.file,
        meta=sheet.meta,
        problems=list(sheet.problems),
        sha256=sheet.sha256,
        size=sheet.size,
    )
    if has_errors(report.problems) or sheet.prefilled is None:
        return report
    report.problems += check_meta(sheet, expected or {})
    prefilled = sheet.prefilled
    report.problems += check_prefilled(sheet, LOCKED_COLUMNS, prefilled["rows"])
    report.tasks = _plan_of(prefilled, settings)
    try:
        period = parse_period(report.period_code)
    except ValueError:
        report.problems.append(problem("meta_tampered").at(file=sheet.file, sheet="_meta"))
        return report
    report.sheet = sheet.sheet
    rated: set[str] = set()
    item_keys: set[str] = set()
    for task in report.tasks.values():
        rated.update(self_rating_rows(task, task.root, period))
        item_keys.update(str(i.key) for i in task.root.items())
    records = []
    due_items = _due_items(report.tasks, period)
    use_carried(report, prefilled)
    uncarried = {
        str(year.key): task for task, year in uncarried_tasks(report.tasks, period, report.carried)
    }

    def at(row, column: str) -> dict[str, str]:
        return {"file": sheet.file, "sheet": sheet.sheet, "cell": sheet.cell(row, column)}

    def typed(row, column: str) -> str:
        """A text cell typed by the cadre, through the text hook (NFC, TCVN3/VNI); a formula
        in it read as its stored value, with a warning (``readable_input``)."""
        sheet.readable_input(row, column, report.problems, row.key)
        cell = sheet.cell(row, column) if column in sheet.columns else ""
        return user_text(
            row.values.get(column), report.problems, file=sheet.file, sheet=sheet.sheet, cell=cell
        )

    month: NodeKey | None = None  # the month the rows being read are under
    table_end = max((r.index for r in sheet.rows if r.key), default=-1)
    previous = -1  # the sheet row of the last row read
    for row in sheet.rows:
        key = row.key
        if not key:
            if row.index > table_end and row.index != previous + 1:
                # below the table: the form's own signature block is not the cadre's text
                typed_in = [c for c in TYPED_COLUMNS if not _blank(row.values.get(c))]
                if typed_in:
                    _stray(sheet, row, report.problems, typed_in[0])
            else:
                _inserted_row(sheet, row, month, report, typed)
                previous = row.index
            continue
        previous = row.index
        month = _month_of(key)
        if key in uncarried:  # an earlier year of a period task, typed by the cadre
            who = f"{report.meta.get('full_name', '')} ({report.cadre_id})"
            report.problems.append(
                not_carried(
                    uncarried[key],
                    who,
                    sheet.file,
                    sheet=sheet.sheet,
                    cell=sheet.cell(row, "actual_product"),
                )
            )
        if key.startswith("note."):
            report.narratives[key] = typed(row, "product")
            continue
        if key in rated:
            sheet.readable_input(row, "self_rating", report.problems, key)
            try:
                level = parse_rating(row.values.get("self_rating"))
            except ValueError:
                report.problems.append(
                    problem(
                        "rating_unreadable", value=as_text(row.values.get("self_rating")), node=key
                    ).at(**at(row, "self_rating"))
                )
                level = None
            if level:
                report.self_ratings[key] = level
            report.cells[key, "self_rating"] = sheet.cell(row, "self_rating")
            evidence = typed(row, "evidence") if "evidence" in sheet.columns else ""
            if evidence:
                report.evidence[key] = evidence
        if key in rated or key in report.tasks:  # a task's reason is read in every period
            reason = typed(row, "shortfall_reason")
            if reason:
                report.shortfall_reasons[key] = reason
        if key not in item_keys:
            continue
        if key in report.carried:  # locked: the sealed values count, a changed cell is an error
            report.problems += check_carried_row(report, row, key, sheet, typed)
            report.cells[key, "completion"] = sheet.cell(row, "completion")
            records.append(_row_record(sheet, key, report.completions.get(key), row))
            continue
        readable = sheet.readable_input(row, "completion", report.problems, key)
        try:
            done = parse_percent(row.values.get("completion"))
        except PercentError as exc:  # its range is the schema's rule (completion_out_of_range)
            report.problems.append(
                problem(exc.code, value=as_text(exc.value), node=key).at(**at(row, "completion"))
            )
            done = None
        if readable and done is None and key in due_items and not row.values.get("completion"):
            report.problems.append(
                problem("completion_missing", node=key).at(**at(row, "completion"))
            )
        sheet.readable_input(row, "force_majeure", report.problems, key)
        try:
            fm = parse_flag(row.values.get("force_majeure"))
        except ValueError:
            report.problems.append(
                problem(
                    "force_majeure_unreadable",
                    value=as_text(row.values.get("force_majeure")),
                    node=key,
                ).at(**at(row, "force_majeure"))
            )
            fm = False
        fm_reason = typed(row, "fm_reason")
        if fm:
            if not fm_reason:
                report.problems.append(
                    problem("force_majeure_without_reason", node=key).at(**at(row, "fm_reason"))
                )
            report.force_majeure[key] = fm_reason
        if done is not None:
            report.completions[key] = done
        report.cells[key, "completion"] = sheet.cell(row, "completion")
        actual = typed(row, "actual_product")
        if actual:
            report.actual_products[key] = actual
        records.append(_row_record(sheet, key, done, row))
    if validate:
        report.frame = report_rows_frame(records)
        report.problems += validate_frame(report.frame, ReportRowsSchema)
    else:
        report.records = records  # the caller validates many files' rows at once
    return report


def _row_record(sheet: Any, key: str, done: Fraction | None, row: Any) -> dict[str, Any]:
    """An item row as the pandera check of the report's rows reads it."""
    return {
        "file": sheet.file,
        "sheet": sheet.sheet,
        "key": key,
        "completion": done,
        "completion_cell": sheet.cell(row, "completion"),
    }


@lru_cache(maxsize=8192)  # row keys repeat from report to report
def _month_of(key: str) -> NodeKey | None:
    """The month a keyed row is, or is an item of; None for any other row."""
    try:
        node = parse_key(key)
    except ValueError:
        return None
    if node.level == MONTH:
        return node
    return node.parent() if node.level == ITEM else None


#: The columns a cadre types into: a value in one of them below the table is a stray value.
TYPED_COLUMNS = ("content", "product", "actual_product", "completion", "shortfall_reason",
                 "fm_reason", "force_majeure", "self_rating")  # fmt: skip
#: The columns a cadre may type into on an inserted row, in the order they are looked at.
INSERTED_COLUMNS = ("content", "product", "actual_product", "completion", "shortfall_reason",
                    "fm_reason", "force_majeure", "self_rating", "stt", "weight")  # fmt: skip


def _inserted_row(sheet: Any, row: Any, month: NodeKey | None, report: ReportFile, typed) -> None:
    """A row the cadre inserted (no key): under a month, an item not in the plan, kept with its
    cell and a warning (``unplanned_item``), not counted (its weight is unknown); anywhere else
    in the table, a warning at its cell that gives its text (``row_outside_table``)."""
    filled = [c for c in INSERTED_COLUMNS if c in sheet.columns and not _blank(row.values.get(c))]
    if not filled:
        other = next((c for c, v in row.values.items() if not _blank(v)), None)
        if other is not None:
            _stray(sheet, row, report.problems, other)
        return
    texts = {c: typed(row, c) for c in filled if c != "completion"}
    first = "content" if "content" in filled else filled[0]
    cell = sheet.cell(row, first)
    shown = texts.get("content") or " / ".join(t for t in texts.values() if t)
    if month is None:
        report.problems.append(
            problem("row_outside_table", value=shown or as_text(row.values.get(first))).at(
                file=sheet.file, sheet=sheet.sheet, cell=cell
            )
        )
        return
    completion = None
    if "completion" in filled and sheet.readable_input(row, "completion", report.problems):
        try:
            completion = parse_percent(row.values.get("completion"))
        except PercentError as exc:
            report.problems.append(
                problem(exc.code, value=as_text(exc.value), node=str(month)).at(
                    file=sheet.file, sheet=sheet.sheet, cell=sheet.cell(row, "completion")
                )
            )
    report.unplanned.append(
        {
            "month": str(month),
            "cell": cell,
            "content": texts.get("content", ""),
            "product": texts.get("product", ""),
            "actual_product": texts.get("actual_product", ""),
            "completion": None if completion is None else str(completion),
        }
    )
    report.problems.append(
        problem("unplanned_item", value=shown, node=str(month)).at(
            file=sheet.file, sheet=sheet.sheet, cell=cell
        )
    )


def _stray(sheet: Any, row: Any, problems: list[Problem], column: str | None = None) -> None:
    """A value below the table, not joined to it: not read, said at its cell."""
    column = column or next(c for c, v in row.values.items() if not _blank(v))
    problems.append(
        problem("stray_value", value=as_text(row.values.get(column))).at(
            file=sheet.file, sheet=sheet.sheet, cell=sheet.cell(row, column)
        )
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


REPORT_ROW_COLUMNS = ["file", "sheet", "key", "completion", "completion_cell"]


def report_rows_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The frame ``ReportRowsSchema`` validates, from the rows of one or many reports."""
    return pd.DataFrame.from_records(records, columns=REPORT_ROW_COLUMNS)


#: Weight texts of the sealed plans ("25", "3333/100") repeat across reports: parse each once.
_weight = lru_cache(maxsize=4096, typed=True)(Fraction)


def _plan_of(prefilled: dict, settings: Settings) -> dict[str, PlannedTask]:
    """The plan sealed in the report's ``_meta``, rebuilt and checked with the core."""
    rows = [
        PlanRow(key, _weight(w) if w else None, content, product)
        for key, (w, content, product) in prefilled["tree"].items()
    ]
    roots, _ = build_tree(rows)
    out: dict[str, PlannedTask] = {}
    for meta in prefilled["tasks"]:
        root = roots.get(meta["key"])
        if root is None:
            continue
        clean, _ = check_tree(root, settings.weight_tolerance)
        out[meta["key"]] = PlannedTask.from_meta(meta, clean)
    return out


def _due_items(tasks: dict[str, PlannedTask], period: ReportPeriod) -> set[str]:
    """Items whose month has ended by the period's end: their completion must be given."""
    due: set[str] = set()
    for task in tasks.values():
        expected = expected_completions(task.root, period.end, task.start_year)
        due.update(k for k, v in expected.items() if v)
    return due


def evaluate_report(report: ReportFile, settings: Settings) -> dict[str, TaskResult]:
    """Every task of a report, evaluated exactly from its items."""
    period = parse_period(report.period_code)
    out: dict[str, TaskResult] = {}
    for key, task in report.tasks.items():
        counting, year_row = _rating_rows(task, period)
        out[key] = evaluate_task(
            task.root,
            task.start_year,
            task.end_year,
            period,
            report.completions,
            set(report.force_majeure),
            report.self_ratings.get(counting),
            settings.thresholds,
            self_rating_year=report.self_ratings.get(year_row) if year_row else None,
        )
    return out


def _rating_rows(task: PlannedTask, period: ReportPeriod) -> tuple[str, str | None]:
    """The row whose self-rating counts (the whole period's in a period task's final year, the
    year's row in its other annual reports, else the task's), and the year's row when the year
    is rated beside the period (form 03, column 7: "theo năm và giai đoạn")."""
    rated = self_rating_rows(task, task.root, period)
    if task.section != "B" or not rated:
        return task.key, None
    if rated[0] == task.key:  # the whole period: its final year, or completed early
        return task.key, (rated[1] if len(rated) > 1 else None)
    return rated[0], None


def task_outcomes(
    report: ReportFile, settings: Settings, previous: Mapping[str, Fraction] | None = None
) -> list[TaskOutcome]:
    """Every task of a report, evaluated exactly from its items, with its items, reasons and the
    signals of Art. 10 at their cells: the one place a report's task results are made
    (consolidation, handover).  ``previous``: item key -> completion in the cadre's own previous
    accepted report, when known."""
    period = parse_period(report.period_code)
    out = []
    for key, result in evaluate_report(report, settings).items():
        task = report.tasks[key]
        signals = []
        counting, year_row = _rating_rows(task, period)
        checks = [(counting, result.self_rating, result.rating)]
        if year_row:  # the year rated beside the period: its own self-rating, its own signal
            checks.append((year_row, result.self_rating_year, result.rating_year))
        for row_key, own, computed in checks:
            if compare_self_rating(own, computed) == "above":
                cell = report.cells.get((row_key, "self_rating"), "")
                signals.append(Signal(SELF_RATING_ABOVE, report.file, report.sheet, cell, row_key))
        for item in task.root.items():
            k = str(item.key)
            for code in item_signals(
                report.completions.get(k),
                report.actual_products.get(k, ""),
                (previous or {}).get(k),
            ):
                cell = report.cells.get((k, "completion"), "")
                signals.append(Signal(code, report.file, report.sheet, cell, k))
        out.append(
            TaskOutcome(
                task_key=key,
                title=task.title,
                section=task.section,
                start_year=task.start_year,
                end_year=task.end_year,
                result=result,
                items=item_rows(report, task.root),
                fm_reasons={
                    k: v for k, v in report.force_majeure.items() if k.startswith(key + ".")
                },
                shortfall_reason=_reason_of(report.shortfall_reasons, key),
                shortfall_reasons={
                    k: v
                    for k, v in report.shortfall_reasons.items()
                    if k == key or k.startswith(key + ".")
                },
                unplanned_items=[
                    u for u in report.unplanned if parse_key(u["month"]).task_key == key
                ],
                evidence=report.evidence.get(counting, "")
                or (report.evidence.get(year_row, "") if year_row else ""),
                signals=signals,
                plan_notes={k: v for k, v in task.notes.items() if v},
            )
        )
    return out


def _reason_of(reasons: dict[str, str], task_key: str) -> str:
    """The task's shortfall reason: its own row's, else the reported year's (a period task)."""
    if reasons.get(task_key):
        return reasons[task_key]
    return next((v for k, v in reasons.items() if k.startswith(task_key + ".") and v), "")


def items_of(root: Node) -> list[Node]:
    return [n for n in root.walk() if n.level == ITEM]


__all__ = [
    "ReportFile",
    "evaluate_report",
    "items_of",
    "latest_reports",
    "parse_key",
    "read_report",
]


def read_reports(paths: Sequence[Path], settings: Settings) -> list[ReportFile]:
    return [read_report(p, settings) for p in paths]


def plan_files(plans_dir: Path, settings: Settings) -> list[PlanFile]:
    return [read_plan(p, settings) for p in expand_inputs([plans_dir])]


def item_rows(report: ReportFile, root: Node) -> list[ItemRow]:
    """Every item of a task as the report gives it (content and plan, what the cadre typed)."""
    return [
        ItemRow(
            key=str(node.key),
            content=node.content,
            product=node.product,
            weight=node.weight,
            actual_product=report.actual_products.get(str(node.key), ""),
            completion=report.completions.get(str(node.key)),
            force_majeure=str(node.key) in report.force_majeure,
            fm_reason=report.force_majeure.get(str(node.key), ""),
        )
        for node in root.items()
    ]
