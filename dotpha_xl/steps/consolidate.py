"""Consolidation: every report of a period validated, every figure recomputed from the items with
the core (cached formula values are never trusted), per cadre and task, with who is missing, who
is late, which files were rejected and which were superseded.

The result is a plain value (``Consolidation``); writers turn it into workbooks and JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from dotpha_xl.domain.calendar import is_on_time, task_report_deadline
from dotpha_xl.domain.decisions import COMPLETION_BELOW_PREVIOUS, below_previous
from dotpha_xl.domain.periods import ReportPeriod, parse_period
from dotpha_xl.kernel.errors import InputError
from dotpha_xl.kernel.problems import WARNING, Problem, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.consolidation import (
    Consolidation,
    LatePlan,
    Missing,
    Rejected,
    Signal,
    Superseded,
    TaskRow,
    cadre_levels,
)
from dotpha_xl.records.outcomes import FileOutcome
from dotpha_xl.records.people import Assignments, Cadre
from dotpha_xl.steps.batch import read_batch
from dotpha_xl.steps.tenure import apply_tenure
from dotpha_xl.store.consolidation_json import json_chunks
from dotpha_xl.store.files import (
    body_workbook_name,
    consolidation_json_name,
    expand_inputs,
    plan_name_suffix,
)
from dotpha_xl.store.item_store import ItemStore
from dotpha_xl.xlsx.contract import FORMS
from dotpha_xl.xlsx.tables import read_assignments, read_roster, table_usable

T = TypeVar("T")


def read_receipts(
    path: Path | None, settings: Settings | None = None, problems: list[Problem] | None = None
) -> dict[str, datetime]:
    """File name (or path inside the inbox) -> received time, from the receipts table, opened
    safely and read as a side table (``xlsx.tables.read_receipts``: Vietnamese or English
    headers; date cells, Excel serials or ``dd/mm/yyyy`` text).  Its problems at their cells go
    to ``problems``; a table that cannot be used at all is a usage error."""
    if path is None:
        return {}
    from dotpha_xl.kernel.settings import default_settings
    from dotpha_xl.xlsx.tables import read_receipts as read_table

    table = read_table(path, settings or default_settings())
    if not table.usable:
        raise side_table_error("Bảng thời điểm nhận", path, table.problems)
    if problems is not None:
        problems += table.problems
    return table.values


def side_table_error(label: str, path: Path, problems: Sequence[Problem]) -> InputError:
    """A side table that cannot be used, as a usage error naming what is wrong, in Vietnamese."""
    lines = [p.render() for p in problems if p.severity == "error"][:10]
    return InputError(f"{label} '{path}' không dùng được:\n" + "\n".join(lines))


def consolidate(
    roster_path: Path,
    plans_dir: Path,
    reports_dir: Path,
    period_code: str,
    settings: Settings,
    *,
    assignments_path: Path | None = None,
    body: str | None = None,
    receipts_path: Path | None = None,
    jobs: int = 1,
    ledger: Any = None,
    progress: Callable[[int, int], None] | None = None,
    reader: Callable[..., list[FileOutcome]] | None = None,
) -> Consolidation:
    """Validate every report of ``period_code`` and recompute every figure.

    The per-file step (open, read, check) is a pure function of each file, mapped over ``jobs``
    processes; the roll-up runs once over the batch.  Every file read is recorded in ``ledger``
    (a :class:`dotpha_xl.store.ledger.Ledger`) when one is given.  ``reader`` stands in for
    :func:`~dotpha_xl.steps.batch.read_batch` (same signature, same verdicts): a cache of
    verdicts by file hash (``steps/verdict_cache.py``) gives them without reading again."""
    read = read_batch if reader is None else reader
    period = parse_period(period_code)
    roster = _table(read, read_roster, roster_path, settings)
    if not table_usable(roster.problems):
        raise side_table_error("Danh sách cán bộ", roster_path, roster.problems)
    result = Consolidation(
        period=period, bodies=dict(settings.bodies), cadres=dict(roster.cadres),
        item_store=ItemStore(),
    )  # fmt: skip
    result.problems += roster.problems
    receipts = read_receipts(receipts_path, settings, result.problems)

    chosen: dict[str, tuple[datetime, FileOutcome]] = {}
    first: dict[str, datetime] = {}  # the first accepted report of each cadre: lateness
    paths = expand_inputs([reports_dir])
    reports = read(
        "report", paths, settings, period_code=period.code, jobs=jobs, progress=progress,
        item_store=result.item_store,
    )  # fmt: skip
    if ledger is not None:
        ledger.record_files("report", zip(paths, reports, strict=True), period_key="period")
    unknown = dict.fromkeys(receipts)
    for path, report in zip(paths, reports, strict=True):
        inside = path.relative_to(reports_dir).as_posix()
        known = inside if inside in receipts else path.name
        unknown.pop(known, None)
        received = receipts.get(known)
        if received is None:
            other_period = report.ok and report.period_code != period.code
            if receipts_path is not None and not other_period:
                result.problems.append(
                    problem("receipt_missing", value=inside).at(file=receipts_path.name)
                )
            received = datetime.fromtimestamp(path.stat().st_mtime)
        if report.ok and report.period_code != period.code:
            continue  # another period's report in the same folder
        if report.ok and report.cadre_id not in roster.cadres:
            report.problems.append(
                problem("cadre_not_on_roster", value=report.cadre_id).at(
                    file=report.file, sheet="_meta"
                )
            )
        if not report.ok:
            result.rejected.append(Rejected(report.file, report.cadre_id, report.problems))
            if report.traceback:
                result.tracebacks[report.file] = report.traceback
            continue
        result.warnings += report.problems
        first[report.cadre_id] = min(received, first.get(report.cadre_id, received))
        current = chosen.get(report.cadre_id)
        if current is None or (received, report.file) > (current[0], current[1].file):
            if current is not None:
                result.superseded.append(Superseded(current[1].file, report.cadre_id, report.file))
            chosen[report.cadre_id] = (received, report)
        else:
            result.superseded.append(Superseded(report.file, report.cadre_id, current[1].file))

    for name in unknown:
        assert receipts_path is not None
        result.problems.append(problem("receipt_unknown_file", value=name).at(
            file=receipts_path.name))  # fmt: skip
    for cadre_id, (received, report) in chosen.items():
        cadre = roster.cadres[cadre_id]
        written = {k.removeprefix("note."): v for k, v in report.narratives.items() if v}
        if written:
            result.narratives[cadre_id] = written
        # Lateness is judged on the first accepted report: a correction sent after the deadline
        # does not make an on-time report late.
        on = first[cadre_id]
        for task in report.tasks:  # evaluated exactly where the file was read
            task_due = task_report_deadline(settings, period, task.section, task.end_year)
            late = task_due is not None and not is_on_time(
                on.date(), task_due, settings.deadline_reading
            )
            row = TaskRow.of(task, cadre=cadre, report_file=report.file, received=received,
                             deadline=task_due, late=late, first_received=on)  # fmt: skip
            result.tasks.append(row)

    if ledger is not None:
        _compare_with_previous(result, chosen, ledger)
    handed_over = apply_tenure(result, roster, paths, reports, chosen, settings)
    assignments = None  # read once: who has a task this year, and the plans' deadlines
    if assignments_path is not None:
        assignments = _table(read, read_assignments, assignments_path, settings)
        if not table_usable(assignments.problems):
            raise side_table_error("Danh sách giao việc", assignments_path, assignments.problems)
        result.problems += assignments.problems
    plan_paths = expand_inputs([plans_dir])
    expected = _expected_cadres(
        roster.cadres, plan_paths, assignments, period, settings, result, jobs, ledger,
        reported=set(chosen), read=read,
    )  # fmt: skip
    for cadre_id, reason in expected.items():
        if cadre_id not in chosen and cadre_id not in handed_over:
            result.missing.append(Missing(roster.cadres[cadre_id], reason))
    result.late_plans = _late_plans(
        roster.cadres, plan_paths, assignments, period.year, settings, ledger
    )
    order = {cadre_id: n for n, cadre_id in enumerate(roster.cadres)}
    result.tasks.sort(key=lambda t: (order.get(t.cadre.cadre_id, len(order)), t.task_key))
    result.missing.sort(key=lambda m: order.get(m.cadre.cadre_id, len(order)))
    result.levels = cadre_levels(result.tasks, settings.thresholds, settings.cadre_level)
    if body is not None:
        return result.for_body(body)
    return result


def _late_plans(
    cadres: dict[str, Cadre],
    plan_paths: list[Path],
    assignments: Assignments | None,
    year: int,
    settings: Settings,
    ledger: Any,
) -> list[LatePlan]:
    """The plans of ``year`` received late (Art. 4.4 b, R33; ``steps.late_plans``), each judged
    on the cadre's first accepted plan the intake ledger recorded (``validate --receipts``
    records the receipts' times); for a cadre the ledger does not know, the plan files named
    for them among ``plan_paths`` (``CB101_..._ke_hoach_2027.xlsx``), by modification time."""
    from dotpha_xl.steps.late_plans import earliest, late_plans, plan_deadlines

    first = ledger.first_accepted("plan", str(year)) if ledger is not None else {}
    suffix = plan_name_suffix(year)
    earliest(
        (
            (p.name.split("_", 1)[0], p.name, datetime.fromtimestamp(p.stat().st_mtime))
            for p in plan_paths
            if p.stem.endswith(suffix) and p.name.split("_", 1)[0] not in first
        ),
        first,
    )
    deadlines = plan_deadlines(cadres, settings, year, assignments)
    return late_plans(first, deadlines, cadres, settings)


def _compare_with_previous(
    result: Consolidation, chosen: dict[str, tuple[datetime, FileOutcome]], ledger: Any
) -> None:
    """Art. 10 signal: an item lower than the cadre's own previous accepted report of the year
    said (kept in the intake ledger); then this report's completions are kept for the next."""
    rows: dict[tuple[str, str], TaskRow] = {(t.cadre.cadre_id, t.task_key): t for t in result.tasks}
    end = result.period.end
    for cadre_id, (_, report) in chosen.items():
        previous = ledger.previous_completions(cadre_id, end)
        for key, (text, cell) in report.item_completions.items():
            if not below_previous(Fraction(text), previous.get(key)):
                continue
            row = rows.get((cadre_id, key.split(".", 1)[0]))
            if row is not None:
                row.signals.append(
                    Signal(COMPLETION_BELOW_PREVIOUS, report.file, FORMS["report"][0], cell, key)
                )
        completions = {k: text for k, (text, _) in report.item_completions.items()}
        ledger.record_completions(
            cadre_id, result.period.code, end, report.file, completions, commit=False
        )
    ledger.commit()


def _expected_cadres(
    cadres: dict[str, Cadre],
    paths: list[Path],
    assignments: Assignments | None,
    period: ReportPeriod,
    settings: Settings,
    result: Consolidation,
    jobs: int = 1,
    ledger: Any = None,
    *,
    reported: set[str] = frozenset(),
    read: Callable[..., list[FileOutcome]] = read_batch,
) -> dict[str, str]:
    """Cadre id -> why a missing report matters: ``no_report`` (valid plan), ``no_plan``.

    Who has a task this year comes from the assignments table when given, else from the plans
    found (valid or not).  A cadre with a usable report had a valid plan (reports are made from
    valid plans only, and carry it sealed), so their plans need not be validated again: only
    the ``_meta`` of the other plan files is read, to find whose they are, and the plans of
    everyone without a usable report are validated in full (and recorded in the ledger).

    With an assignments table, a plan file named as this tool names it for a cadre who reported
    (``CB101_..._ke_hoach_2027.xlsx``) is not even opened; should a cadre without a report then
    have no plan found, those files are read after all before saying ``no_plan``, so that a
    misnamed file never changes the answer."""
    with_plan: dict[str, bool] = dict.fromkeys(reported, True)
    if assignments is not None:
        assigned: Iterable[str] = {a.cadre_id for a in assignments.active_in(period.year)}
        named = _named_for(paths, reported, period.year)
    else:
        assigned, named = with_plan, set()

    def validate(files: list[Path]) -> None:
        to_check = [
            path
            for path, peek in zip(
                files, read("plan_identity", files, settings, jobs=jobs), strict=True
            )
            if not (peek.cadre_id in reported and peek.year == period.year and peek.ok)
        ]
        plans = read("plan", to_check, settings, jobs=jobs)
        if ledger is not None:
            ledger.record_files("plan", zip(to_check, plans, strict=True), period_key="year")
        for plan in plans:
            if plan.traceback:  # a bug met while reading it: said, never taken for no plan
                result.problems += plan.problems
                result.tracebacks[plan.file] = plan.traceback
            if plan.cadre_id and plan.year == period.year:
                result.warnings += [p for p in plan.problems if p.severity == WARNING]
                with_plan[plan.cadre_id] = with_plan.get(plan.cadre_id, False) or plan.ok

    validate([p for p in paths if p not in named])
    if named and any(c in assigned and not with_plan.get(c) for c in cadres):
        validate([p for p in paths if p in named])  # someone has no plan yet: look everywhere
    return {
        cadre_id: ("no_report" if with_plan.get(cadre_id) else "no_plan")
        for cadre_id in cadres
        if cadre_id in assigned
    }


def _table(reader: Any, read: Callable[[Path, Settings], T], path: Path, settings: Settings) -> T:
    """A table read by ``read`` (the roster, the assignments), or the reader's copy of it when
    the reader keeps tables (``VerdictCache.table``, by the file's hash)."""
    keep = getattr(reader, "table", None)
    return read(path, settings) if keep is None else keep(read, path, settings)


def _named_for(paths: Sequence[Path], reported: set[str], year: int) -> set[Path]:
    """The plan files whose name is the one this tool gives the plan of ``year`` of a cadre in
    ``reported`` (``{cadre_id}_..._ke_hoach_{year}.xlsx``)."""
    suffix = plan_name_suffix(year)
    return {
        p for p in paths
        if p.stem.endswith(suffix) and p.name.split("_", 1)[0] in reported
    }  # fmt: skip


@dataclass
class ConsolidationRun:
    consolidation: Consolidation
    files: list[Path] = field(default_factory=list)


def consolidate_to(
    out_dir: Path | None,
    roster_path: Path,
    plans_dir: Path,
    reports_dir: Path,
    period_code: str,
    settings: Settings,
    *,
    assignments_path: Path | None = None,
    body: str | None = None,
    receipts_path: Path | None = None,
    json_path: Path | None = None,
    jobs: int = 1,
    ledger: Any = None,
    progress: Callable[[int, int], None] | None = None,
    reader: Callable[..., list[FileOutcome]] | None = None,
) -> ConsolidationRun:
    """Consolidate, then write one workbook per reviewing body (or only ``body``) and the
    JSON into ``out_dir`` (nothing is written when it is ``None``: a dry run)."""
    from dotpha_xl.store.atomic import (
        StagedOutputs,
        check_output_outside_inputs,
        write_bytes_atomic,
    )
    from dotpha_xl.xlsx import body_workbook

    write_body_workbook = body_workbook.write_body_workbook  # looked up at call time

    inputs = [roster_path, plans_dir, reports_dir, assignments_path, receipts_path]
    for target in (out_dir, json_path):
        if target is not None:
            check_output_outside_inputs(target, inputs)
    if body is not None and body not in settings.bodies:
        raise InputError(
            f"Mã cơ quan '{body}' không có trong cấu hình; dùng một trong: "
            + ", ".join(settings.bodies)
        )
    full = consolidate(
        roster_path,
        plans_dir,
        reports_dir,
        period_code,
        settings,
        assignments_path=assignments_path,
        receipts_path=receipts_path,
        jobs=jobs,
        ledger=ledger,
        progress=progress,
        reader=reader,
    )
    shown = full.for_body(body) if body else full
    run = ConsolidationRun(shown)
    if out_dir is not None:
        # Staged beside out_dir and moved into place only when every workbook is ready: an
        # interrupted run leaves no partial output.
        code_of_period = full.period.code
        codes = [body] if body else list(settings.bodies)
        with StagedOutputs(out_dir) as stage:
            # the workers write the body workbooks while this process writes the JSON
            workbooks = _body_workbooks(write_body_workbook, full, codes, settings, jobs)
            json_file = stage.write(consolidation_json_name(code_of_period), json_chunks(shown))
            for code, workbook in zip(codes, workbooks, strict=True):
                run.files.append(stage.write(body_workbook_name(code, code_of_period), workbook))
            run.files.append(json_file)
    if json_path is not None:
        made = run.files[-1] if out_dir is not None else None
        data = _file_chunks(made) if made is not None else json_chunks(shown)
        run.files.insert(0, write_bytes_atomic(json_path, data))
    return run


def _file_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(size):
            yield chunk


def _body_workbooks(
    writer: Callable[[Consolidation, str, Settings], bytes],
    full: Consolidation,
    codes: Sequence[str],
    settings: Settings,
    jobs: int,
) -> Iterable[bytes]:
    """Each body's workbook, in order; written over ``jobs`` processes when > 1 (each worker is
    sent only its body's part of the consolidation)."""
    parts = [full.for_body(code) for code in codes]
    if jobs <= 1 or len(codes) < 2:
        return (writer(part, code, settings) for part, code in zip(parts, codes, strict=True))
    from dotpha_xl.steps.batch import worker_pool

    # The readers' pool: no new processes, and each is sent its body's part only (the item rows
    # stay in the item store, read back by the writer).  Every job is submitted now, largest
    # first so that the workers end together; the results come back in order as the caller
    # iterates.
    pool = worker_pool(jobs)
    by_size = sorted(range(len(codes)), key=lambda i: -len(parts[i].tasks))
    futures = {i: pool.submit(writer, parts[i], codes[i], settings) for i in by_size}
    return (futures[i].result() for i in range(len(codes)))
