"""Generate the cadres' personalised plan workbooks from the roster and the assignments."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from dotpha_xl.domain.calendar import last_day_allowed, report_deadline
from dotpha_xl.domain.periods import parse_period
from dotpha_xl.kernel.problems import Problem, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.outcomes import FileOutcome
from dotpha_xl.records.people import Cadre
from dotpha_xl.records.tasks import PlannedTask
from dotpha_xl.store.atomic import check_output_outside_inputs, write_bytes_atomic
from dotpha_xl.store.files import expand_inputs, output_name
from dotpha_xl.xlsx.plan_form import Person, write_plan
from dotpha_xl.xlsx.report_form import ReportInputs, write_report
from dotpha_xl.xlsx.reports import latest_reports, person_from_meta
from dotpha_xl.xlsx.tables import read_assignments, read_roster
from dotpha_xl.xlsx.tenure_tables import read_carried_items

WRITERS = 4  # threads writing the finished workbooks to disk


@dataclass
class Generated:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # cadres with no task that year


def person_of(cadre: Cadre) -> Person:
    return Person(cadre.cadre_id, cadre.full_name, cadre.position, cadre.unit)


def generate_plans(
    roster_path: Path,
    assignments_path: Path,
    year: int,
    out_dir: Path,
    settings: Settings,
    *,
    items_per_month: int = 3,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Generated:
    """One form 02 workbook per cadre with a task running in ``year``.

    Bad roster or assignment rows are problems; nothing is generated for them, the rest is.
    The workbooks are written over ``jobs`` processes; ``progress(done, total)`` follows them.
    """
    check_output_outside_inputs(out_dir, [roster_path, assignments_path])
    roster = read_roster(roster_path, settings)
    assignments = read_assignments(assignments_path, settings, roster)
    result = Generated(problems=[*roster.problems, *assignments.problems])
    deadline = last_day_allowed(settings.deadlines["plan"].in_year(year), settings.deadline_reading)
    carried = read_carried_items(assignments_path)  # a carry-over workbook's unfinished items
    work: list[tuple[Person, int, list[PlannedTask], int, str, dict]] = []
    targets: list[Path] = []
    for cadre in roster.cadres.values():
        tasks = [a.task for a in assignments.for_cadre(cadre.cadre_id)]
        tasks = [t for t in tasks if t.start_year <= year <= t.end_year]
        if not tasks:
            result.skipped.append(cadre.cadre_id)
            continue
        mine = {t.key: carried[(cadre.cadre_id, t.key)] for t in tasks
                if (cadre.cadre_id, t.key) in carried}  # fmt: skip
        work.append((person_of(cadre), year, tasks, items_per_month, f"{deadline:%d/%m/%Y}", mine))
        targets.append(
            out_dir / output_name(cadre.cadre_id, cadre.full_name, "ke_hoach", str(year))
        )
    # A few threads write (and sync) the files while the next workbooks are made, so the waits
    # on the disk overlap; the files are listed and reported in order all the same.
    with ThreadPoolExecutor(max_workers=WRITERS) as writers:
        pending: deque[Future[Path]] = deque()

        def settle(keep: int) -> None:
            while len(pending) > keep or (pending and pending[0].done()):
                result.files.append(pending.popleft().result())
                if progress is not None:
                    progress(len(result.files), len(targets))

        for target, data in zip(targets, _written(work, jobs), strict=True):
            pending.append(writers.submit(write_bytes_atomic, target, data))
            settle(keep=4 * WRITERS)
        settle(keep=0)
    return result


def _write_one(job: tuple[Person, int, list[PlannedTask], int, str, dict]) -> bytes:
    who, year, tasks, items_per_month, deadline, carried = job
    return write_plan(
        who, year, tasks, items_per_month=items_per_month, deadline=deadline, carried=carried
    )


def _written(work: list, jobs: int) -> Iterator[bytes]:
    """The workbooks' bytes in order, made over ``jobs`` processes when there are enough."""
    if jobs <= 1 or len(work) < 8 * jobs:
        yield from map(_write_one, work)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_write_one, work, chunksize=8)


def generate_reports(
    plans_dir: Path,
    period_code: str,
    out_dir: Path,
    settings: Settings,
    *,
    previous_dir: Path | None = None,
    ledger: Any = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
) -> Generated:
    """One form 03 workbook per cadre with a valid plan for the period's year.

    The plans are read and the reports made over ``jobs`` processes, a chunk of plans at a time
    (one pandera check per chunk, as a batch reads plans: the same problems as ``read_plan``).
    Every plan read is recorded in ``ledger`` (a :class:`dotpha_xl.store.ledger.Ledger`) if
    given."""
    period = parse_period(period_code)
    check_output_outside_inputs(out_dir, [plans_dir, previous_dir])
    result = Generated()
    previous = latest_reports(previous_dir, settings) if previous_dir else {}
    due = report_deadline(settings, period)
    guide = {
        "deadline": f"{last_day_allowed(due, settings.deadline_reading):%d/%m/%Y}" if due else "",
        "htxs": _plain(settings.thresholds.htxs),
        "htt": _plain(settings.thresholds.htt),
        "ht": _plain(settings.thresholds.ht),
    }
    plan_paths = expand_inputs([plans_dir])
    inputs = {cadre: report.inputs() for cadre, report in previous.items()}
    made = _reports_made(plan_paths, settings, period.code, guide, inputs, jobs)
    plans: list[FileOutcome] = []
    with ThreadPoolExecutor(max_workers=WRITERS) as writers:
        pending: deque[Future[Path]] = deque()

        def settle(keep: int) -> None:
            while len(pending) > keep or (pending and pending[0].done()):
                result.files.append(pending.popleft().result())

        for plan, outcome, data in made:
            plans.append(plan)
            if progress is not None:
                progress(len(plans), len(plan_paths))
            if outcome == "invalid":
                result.problems += [p for p in plan.problems if p.severity == "error"][:1] or []
                result.problems.append(problem("plan_invalid", value=plan.file).at(file=plan.file))
            elif outcome == "skipped":
                result.skipped.append(plan.cadre_id)
            elif data is not None:
                person = person_from_meta(plan.meta)
                name = output_name(person.cadre_id, person.full_name, "bao_cao", period.code)
                pending.append(writers.submit(write_bytes_atomic, out_dir / name, data))
                settle(keep=4 * WRITERS)
        settle(keep=0)
    if ledger is not None:
        ledger.record_files("plan", zip(plan_paths, plans, strict=True), period_key="year")
    return result


#: Plans per job of :func:`_reports_made`: one pandera check per chunk.
REPORT_CHUNK = 50


def _reports_made(
    paths: list[Path],
    settings: Settings,
    period_code: str,
    guide: dict[str, str],
    previous: dict[str, ReportInputs],
    jobs: int,
) -> Iterator[tuple[FileOutcome, str, bytes | None]]:
    """Each plan's verdict, in order, with what became of it (``invalid``, ``other_year``,
    ``skipped``: no task that period, or ``made``) and its report's bytes; over ``jobs``
    processes when there are enough plans and no earlier reports to pre-fill from (the whole
    ``previous`` would be sent with every chunk: those are made in this process)."""
    size = max(1, min(REPORT_CHUNK, -(-len(paths) // (4 * max(1, jobs)))))
    work = [
        (paths[i : i + size], settings, period_code, guide, previous)
        for i in range(0, len(paths), size)
    ]
    if jobs <= 1 or len(paths) < 8 * jobs or previous:
        for chunk in map(_reports_of_chunk, work):
            yield from chunk
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for chunk in pool.map(_reports_of_chunk, work):
            yield from chunk


def _reports_of_chunk(
    job: tuple[list[Path], Settings, str, dict[str, str], dict[str, ReportInputs]],
) -> list[tuple[FileOutcome, str, bytes | None]]:
    """A chunk of plans read (pandera once for the chunk), and the report of each valid one."""
    from dotpha_xl.steps.batch import validate_plans

    paths, settings, period_code, guide, previous = job
    period = parse_period(period_code)
    read = [_verdict_and_tasks(path, settings) for path in paths]
    validate_plans([verdict for verdict, _ in read])
    out: list[tuple[FileOutcome, str, bytes | None]] = []
    for verdict, tasks in read:
        if not verdict.ok:
            out.append((verdict, "invalid", None))
            continue
        if verdict.year != period.year:
            out.append((verdict, "other_year", None))
            continue
        tasks = {k: t for k, t in tasks.items() if t.start_year <= period.year <= t.end_year}
        if not tasks:
            out.append((verdict, "skipped", None))
            continue
        data = write_report(
            person_from_meta(verdict.meta),
            period,
            list(tasks.values()),
            {k: t.root for k, t in tasks.items()},
            plan_digest=verdict.meta.get("digest", ""),
            previous=previous.get(verdict.cadre_id),
            guide_values=guide,
        )
        out.append((verdict, "made", data))
    return out


def _verdict_and_tasks(path: Path, settings: Settings) -> tuple[FileOutcome, dict[str, Any]]:
    """A plan's verdict and checked tasks; a bug met while reading it is the batch's
    ``internal_error`` for that file (``steps.batch._read_one``), the others go on."""
    from dotpha_xl.steps.batch import internal_error_outcome, plan_verdict_and_tasks

    try:
        return plan_verdict_and_tasks(path, settings)
    except Exception as exc:
        return internal_error_outcome(path, exc), {}


def _plain(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}".replace(".", ",")
