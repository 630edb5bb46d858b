"""Generate the cadres' personalised plan workbooks from the roster and the assignments."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from dotpha_xl.domain.calendar import last_day_allowed, report_deadline
from dotpha_xl.domain.periods import ReportPeriod, parse_period, runs_in
from dotpha_xl.domain.tree import Node, continued_period
from dotpha_xl.kernel.problems import Problem, problem, refused
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import parse_percent
from dotpha_xl.records.people import Cadre
from dotpha_xl.records.tasks import PlannedTask, continued_task
from dotpha_xl.store.atomic import check_output_outside_inputs, write_bytes_atomic
from dotpha_xl.store.files import expand_inputs, output_name
from dotpha_xl.xlsx.carried_years import carry_from_previous_year, not_carried, uncarried_tasks
from dotpha_xl.xlsx.plan_form import CarriedYears, Person, build_trees, write_plan
from dotpha_xl.xlsx.plans import PlanFile, read_plan
from dotpha_xl.xlsx.report_form import ReportInputs, write_report
from dotpha_xl.xlsx.reports import ReportFile, latest_reports, person_from_meta
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
    previous_dir: Path | None = None,
) -> Generated:
    """One form 02 workbook per cadre with a task running in ``year``.

    Bad roster or assignment rows are problems; nothing is generated for them, the rest is.
    The workbooks are written over ``jobs`` processes; ``progress(done, total)`` follows them.
    ``previous_dir`` holds the plans of ``year - 1``: a period task that began before ``year``
    gets its earlier years from there, locked (docs/regulation.md R35); a bad previous plan is a
    problem naming its file, and its cadre gets a template all the same.
    """
    check_output_outside_inputs(out_dir, [roster_path, assignments_path, previous_dir])
    roster = read_roster(roster_path, settings)
    assignments = read_assignments(assignments_path, settings, roster)
    result = Generated(problems=[*roster.problems, *assignments.problems])
    previous = _previous_plans(previous_dir, year, settings, result.problems)
    deadline = last_day_allowed(settings.deadlines["plan"].in_year(year), settings.deadline_reading)
    carried = read_carried_items(assignments_path)  # a carry-over workbook's unfinished items
    work: list[tuple[Person, int, list[PlannedTask], int, str, dict]] = []
    targets: list[Path] = []
    for cadre in roster.cadres.values():
        tasks = [a.task for a in assignments.for_cadre(cadre.cadre_id)]
        tasks = [t for t in tasks if runs_in(t.start_year, t.end_year, year)]
        if not tasks:
            result.skipped.append(cadre.cadre_id)
            continue
        mine = {t.key: carried[(cadre.cadre_id, t.key)] for t in tasks
                if (cadre.cadre_id, t.key) in carried}  # fmt: skip
        trees, years = _continued(
            cadre, tasks, year, items_per_month, previous, previous_dir, result.problems
        )
        work.append(
            (person_of(cadre), year, tasks, items_per_month, f"{deadline:%d/%m/%Y}", mine, trees,
             years)
        )  # fmt: skip
        targets.append(
            out_dir / output_name(cadre.cadre_id, cadre.full_name, "ke_hoach", str(year))
        )
    result.files += _write_all(targets, _made(_write_one, work, jobs), progress)
    return result


def _write_all(
    targets: list[Path], made: Iterator[bytes], progress: Callable[[int, int], None] | None
) -> list[Path]:
    """Each workbook of ``made`` written atomically to its target, in order.  A few threads
    write (and sync) the files while the next workbooks are made, so the waits on the disk
    overlap; the files are listed and reported in order all the same."""
    written: list[Path] = []
    with ThreadPoolExecutor(max_workers=WRITERS) as writers:
        pending: deque[Future[Path]] = deque()

        def settle(keep: int) -> None:
            while len(pending) > keep or (pending and pending[0].done()):
                written.append(pending.popleft().result())
                if progress is not None:
                    progress(len(written), len(targets))

        for target, data in zip(targets, made, strict=True):
            pending.append(writers.submit(write_bytes_atomic, target, data))
            settle(keep=4 * WRITERS)
        settle(keep=0)
    return written


def _write_one(job: tuple[Person, int, list[PlannedTask], int, str, dict, dict, dict]) -> bytes:
    who, year, tasks, items_per_month, deadline, carried, trees, carried_years = job
    if trees:
        trees = {**build_trees(tasks, items_per_month), **trees}
    return write_plan(
        who, year, tasks, items_per_month=items_per_month, deadline=deadline, carried=carried,
        trees=trees or None, carried_years=carried_years,
    )  # fmt: skip


def _previous_plans(
    folder: Path | None, year: int, settings: Settings, problems: list[Problem]
) -> dict[str, PlanFile]:
    """Cadre id -> their valid plan of ``year - 1`` in ``folder``; every other file there is a
    problem naming it (the batch goes on)."""
    out: dict[str, PlanFile] = {}
    if folder is None:
        return out
    for path in expand_inputs([folder]):
        plan = read_plan(path, settings)
        if not plan.ok:
            problems += refused("previous_plan_invalid", plan.file, plan.problems)
            continue
        if plan.year != year - 1:
            problems.append(
                problem(
                    "previous_plan_wrong_year", value=plan.file, detail=plan.year,
                    expected=year - 1,
                ).at(file=plan.file)
            )  # fmt: skip
            continue
        out[plan.cadre_id] = plan
    return out


def _continued(
    cadre: Cadre,
    tasks: list[PlannedTask],
    year: int,
    items_per_month: int,
    previous: dict[str, PlanFile],
    previous_dir: Path | None,
    problems: list[Problem],
) -> tuple[dict[str, Node], dict[str, CarriedYears]]:
    """The trees of the cadre's period tasks begun before ``year``, continuing the previous
    year's plan (own, else the predecessor's), and what each carries locked."""
    trees: dict[str, Node] = {}
    carried: dict[str, CarriedYears] = {}
    for task in tasks:
        if task.section != "B" or task.start_year >= year:
            continue
        where = {"node": task.key, "value": cadre.cadre_id, "expected": year - 1}
        if previous_dir is None:
            began = {**where, "expected": task.start_year}
            problems.append(problem("previous_plans_not_given", **began))
            continue
        plan = previous.get(cadre.cadre_id) or previous.get(cadre.predecessor_id or "\0")
        if plan is None:
            problems.append(problem("previous_plan_missing", **where))
            continue
        before = continued_task(plan.tasks, task)
        if before is None or before.root is None:
            problems.append(problem("previous_task_missing", **{**where, "value": plan.cadre_id}))
            continue
        typed = _typed_weights(plan)
        task.notes = dict(before.notes)  # the narrative pre-filled, editable (R36)
        current = year - task.start_year + 1
        tree = continued_period(
            before.root, task.number, task.years, current, items_per_month, typed
        )
        rows: dict[str, tuple[Fraction | None, str, str]] = {}
        for node in tree.walk():
            y = node.key.year
            if node.level == "year" or (y is not None and y < current and node.level != "task"):
                text = (node.content, node.product) if node.level == "item" else ("", "")
                rows[str(node.key)] = (_round_trip(node.weight), *text)
        trees[task.key] = tree
        carried[task.key] = CarriedYears(
            from_year=year - 1,
            plan_digest=plan.digest,
            plan_file=plan.file,
            cadre_id=plan.cadre_id,
            years=tuple(range(1, current)),
            rows=rows,
        )
    return trees, carried


def _typed_weights(plan: PlanFile) -> dict[str, Fraction]:
    """Row key -> the weight as the cadre typed it in ``plan`` (before R10's scaling)."""
    if plan.frame is None or plan.frame.empty:
        return {}
    return {r.key: r.weight for r in plan.frame.itertuples(index=False) if r.weight is not None}


def _round_trip(weight: Fraction | None) -> Fraction | None:
    """A weight as a cell written with it reads back (a float of its fraction)."""
    return None if weight is None else parse_percent(float(weight / 100))


def _made(
    make: Callable[[Any], Any],
    work: list,
    jobs: int,
    *,
    chunksize: int = 8,
    serial: bool | None = None,
) -> Iterator[Any]:
    """``make`` of each job, in order, over ``jobs`` processes; in this process when ``serial``
    (by default: fewer than 8 jobs a process)."""
    if serial is None:
        serial = len(work) < 8 * jobs
    if jobs <= 1 or serial:
        yield from map(make, work)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(make, work, chunksize=chunksize)


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

    The plans are read, and the workbooks made, over ``jobs`` processes (what each report is
    pre-filled with is decided here, in order, from every plan and earlier report); the files
    are written by a few threads.  Every plan read is recorded in ``ledger`` (a
    :class:`dotpha_xl.store.ledger.Ledger`) if given."""
    period = parse_period(period_code)
    check_output_outside_inputs(out_dir, [plans_dir, previous_dir])
    result = Generated()
    previous = latest_reports(previous_dir, settings, result.problems) if previous_dir else {}
    due = report_deadline(settings, period)
    guide = {
        "deadline": f"{last_day_allowed(due, settings.deadline_reading):%d/%m/%Y}" if due else "",
        "htxs": _plain(settings.thresholds.htxs),
        "htt": _plain(settings.thresholds.htt),
        "ht": _plain(settings.thresholds.ht),
    }
    plan_paths = expand_inputs([plans_dir])
    plans = _plans_read(plan_paths, settings, jobs)
    if ledger is not None:
        ledger.record_files("plan", zip(plan_paths, plans, strict=True), period_key="year")
    newest = _newest_plans(plan_paths, plans, period.year, result.problems)
    work: list[tuple] = []
    targets: list[Path] = []
    for plan in plans:
        if not plan.ok:
            result.problems += refused("plan_invalid", plan.file, plan.problems)
            continue
        if plan.year != period.year or newest.get(plan.cadre_id) is not plan:
            continue
        tasks = {
            k: t for k, t in plan.tasks.items() if runs_in(t.start_year, t.end_year, period.year)
        }
        if not tasks:
            result.skipped.append(plan.cadre_id)
            continue
        person = person_from_meta(plan.meta)
        inputs, problems = previous_inputs(
            previous.get(plan.cadre_id), tasks, period, person, plan.file,
            others=_predecessors_reports(plan, previous),
        )  # fmt: skip
        result.problems += problems
        work.append((person, period.code, list(tasks.values()), plan.digest, inputs, guide))
        targets.append(
            out_dir / output_name(person.cadre_id, person.full_name, "bao_cao", period.code)
        )
    result.files += _write_all(targets, _made(_report_bytes, work, jobs), progress)
    return result


#: Plans read per job of :func:`_plans_read`: their rows checked by pandera in one call.
PLAN_CHUNK = 50


def _plans_read(paths: list[Path], settings: Settings, jobs: int) -> list[PlanFile]:
    """Every plan read and checked as ``read_plan`` reads it, in order, a chunk at a time over
    ``jobs`` processes when there are enough; what the reports need of each travels back (not
    its frame of rows)."""
    size = max(1, min(PLAN_CHUNK, -(-len(paths) // (4 * max(1, jobs)))))
    chunks = [(paths[i : i + size], settings) for i in range(0, len(paths), size)]
    made = _made(_plans_of_chunk, chunks, jobs, chunksize=1, serial=len(paths) < 8 * jobs)
    return [plan for chunk in made for plan in chunk]


def _plans_of_chunk(job: tuple[list[Path], Settings]) -> list[PlanFile]:
    """A chunk of plans read with one pandera check of all their rows; a plan whose rows it
    finds fault with is read again alone, in full, so that its problems are exactly
    ``read_plan``'s (pandera's row checks are row by row: rows that pass together pass alone)."""
    import pandas as pd

    from dotpha_xl.xlsx.schemas import PlanRowsSchema, validate_frame

    paths, settings = job
    plans = [read_plan(path, settings, validate=False) for path in paths]
    frames = [p.frame for p in plans if p.frame is not None and not p.frame.empty]
    faulty = set()
    if frames:
        faulty = {
            p.file for p in validate_frame(pd.concat(frames, ignore_index=True), PlanRowsSchema)
        }
    plans = [
        read_plan(path, settings) if plan.file in faulty else plan
        for path, plan in zip(paths, plans, strict=True)
    ]
    for plan in plans:
        plan.frame = None  # the reports need the tasks and trees, not the rows' frame
    return plans


def _report_bytes(job: tuple) -> bytes:
    person, period_code, tasks, digest, inputs, guide = job
    return write_report(
        person,
        parse_period(period_code),
        tasks,
        {t.key: t.root for t in tasks},
        plan_digest=digest,
        previous=inputs,
        guide_values=guide,
    )


def _newest_plans(
    paths: list[Path], plans: list[PlanFile], year: int, problems: list[Problem]
) -> dict[str, PlanFile]:
    """Cadre id -> the plan of ``year`` a report is made from: the newest valid one (by file
    time; a corrected plan supersedes the one before, as reports do).  An older plan with a task
    the newest lacks is an error naming both files: a report is made from one plan, and that task
    would be left without one (a successor's plan of tasks taken over is joined to their own
    by the Organisation Board)."""
    found: dict[str, list[tuple[float, PlanFile]]] = {}
    for path, plan in zip(paths, plans, strict=True):
        if plan.ok and plan.year == year:
            found.setdefault(plan.cadre_id, []).append((path.stat().st_mtime, plan))
    out: dict[str, PlanFile] = {}
    for cadre_id, versions in found.items():
        versions.sort(key=lambda v: (v[0], v[1].file))
        newest = out[cadre_id] = versions[-1][1]
        for _, older in versions[:-1]:
            left = [k for k in older.tasks if k not in newest.tasks]
            if left:
                problems.append(
                    problem(
                        "plan_tasks_left_out", value=older.file, detail=", ".join(left),
                        expected=newest.file,
                    ).at(file=older.file)
                )  # fmt: skip
    return out


def _predecessors_reports(plan: PlanFile, previous: dict[str, ReportFile]) -> list[ReportFile]:
    """The reports in ``--previous`` of the cadres whose tasks ``plan`` continues: the plan of
    the year before a period task was carried from (``continued_from``, R35), and the cadre who
    handed the tasks over (``inherited_from``, Art. 2.4)."""
    ids = [*plan.continued_from.values(), plan.meta.get("inherited_from", "")]
    ids = [i for i in dict.fromkeys(ids) if i and i != plan.cadre_id]
    return [previous[i] for i in ids if i in previous]


def previous_inputs(
    earlier: ReportFile | None,
    tasks: dict[str, PlannedTask],
    period: ReportPeriod,
    person: Person,
    plan_file: str = "",
    *,
    others: Sequence[ReportFile] = (),
) -> tuple[ReportInputs | None, list[Problem]]:
    """What a report of ``period`` is pre-filled with from the cadre's report in ``--previous``
    (reading R32): an earlier report of the same year gives every item as it left them (its
    carried earlier years stay carried); the final (annual) report of the year before gives a
    period task's earlier years, locked, and so does a predecessor's (``others``) for a task
    taken over.  A running period task in a later year with neither is left for the cadre to
    type, with a warning naming the cadre and the task."""
    who = f"{person.full_name} ({person.cadre_id})"
    inputs: ReportInputs | None = None
    problems: list[Problem] = []
    other_year = earlier is not None and earlier.year != period.year
    if other_year and earlier.period_code != str(period.year - 1):
        problems.append(
            problem(
                "previous_report_other_period", value=earlier.period_code, expected=period.code
            ).at(file=earlier.file)
        )
    if earlier is not None and earlier.year == period.year:
        inputs = earlier.inputs()
    else:
        year_before = [
            r for r in (earlier, *others) if r is not None and r.period_code == str(period.year - 1)
        ]
        if year_before:
            inputs, found = carry_from_previous_year(year_before, tasks, period, who, plan_file)
            return inputs, problems + found
    carried = inputs.carried if inputs is not None else {}
    for task_key, _ in uncarried_tasks(tasks, period, carried):
        problems.append(not_carried(task_key, who, plan_file))
    return inputs, problems


def _plain(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}".replace(".", ",")
