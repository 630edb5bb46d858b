"""Reading a batch of returned plans and reports fast: per-file work in worker processes, one
pandera validation per chunk of files, compact results back, and nothing kept that the roll-up
does not need.

Each worker opens, reads and checks a chunk of files (python-calamine through the contract), and
for a report already evaluates its tasks with the core (exact ``Fraction`` arithmetic); pandera
then validates the rows of the whole chunk as one frame, its failures mapped back to their files.
What comes back is a small value per file: its ``_meta`` without the pre-filled JSON, its
problems, and for a report the figures of its tasks; the tasks' item rows come back packed and go
straight to the item store (``store/item_store.py``), so memory stays flat as the batch grows.
The sequential path (``jobs=1``) runs the very same functions in-process, so both give identical
results.
"""

from __future__ import annotations

import atexit
import dataclasses
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dotpha_xl.kernel.problems import Problem, has_errors, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.outcomes import FileOutcome
from dotpha_xl.store.item_store import ItemStore

#: Files per job sent to a worker, at most: a job's rows are validated by pandera at once (its
#: fixed cost, ~10 ms a call, spread over the chunk), and bound the frames alive at once.
CHUNK = 100

Progress = Callable[[int, int], None]


@dataclass
class Pending:
    """A file's rows awaiting the batch's one pandera check, kept in the worker only."""

    frame: pd.DataFrame | None = None  # plans
    records: list[dict[str, Any]] | None = None  # reports: the same, not yet a frame
    tree_problems: list[Problem] = field(default_factory=list)  # plans: merged after pandera's


def _small_meta(meta: dict[str, str]) -> dict[str, str]:
    from dotpha_xl.xlsx.contract import PREFILLED_PREFIX

    return {k: v for k, v in meta.items() if not k.startswith(PREFILLED_PREFIX)}


def plan_verdict(path: Path, settings: Settings) -> FileOutcome:
    """``read_plan`` without its pandera step (left to the batch); the tree checks' problems are
    kept apart so that the batch can dedupe them after pandera's, exactly as ``read_plan``."""
    return plan_verdict_and_tasks(path, settings)[0]


def plan_verdict_and_tasks(path: Path, settings: Settings) -> tuple[FileOutcome, dict[str, Any]]:
    """:func:`plan_verdict`, and the plan's checked tasks (``PlannedTask`` by task key, as
    ``read_plan`` gives them; to use only once the batch's pandera check leaves it valid)."""
    from dotpha_xl.xlsx.contract import check_meta, check_prefilled, read_form
    from dotpha_xl.xlsx.plans import LOCKED_COLUMNS, _check_trees, plan_frame

    sheet = read_form(path, "plan")
    verdict = FileOutcome(
        sheet.file, str(path), _small_meta(sheet.meta), list(sheet.problems), sheet.sha256,
        sheet.size,
    )  # fmt: skip
    if has_errors(verdict.problems) or sheet.prefilled is None:
        return verdict, {}
    verdict.problems += check_meta(sheet, {})
    verdict.problems += check_prefilled(sheet, LOCKED_COLUMNS, sheet.prefilled["rows"])
    frame, cell_problems = plan_frame(sheet)
    verdict.problems += cell_problems
    tasks, tree_problems = _check_trees(sheet, frame, settings)
    verdict.pending = Pending(frame=frame[PLAN_COLUMNS], tree_problems=tree_problems)
    return verdict, tasks


PLAN_COLUMNS = [
    "file", "sheet", "key", "level", "content", "product", "weight",
    "key_cell", "content_cell", "product_cell", "weight_cell",
]  # fmt: skip


def report_verdict(path: Path, settings: Settings, period_code: str) -> FileOutcome:
    """``read_report`` without its pandera step; a report of ``period_code`` that reads cleanly so
    far is evaluated here, each task's figures exact, as ``consolidate`` shows them."""
    from dotpha_xl.store.item_store import pack_items
    from dotpha_xl.xlsx.reports import read_report, task_outcomes

    report = read_report(path, settings, validate=False)
    verdict = FileOutcome(
        report.file, report.path, _small_meta(report.meta), report.problems, report.sha256,
        report.size, pending=Pending(records=report.records),
    )  # fmt: skip
    if not report.ok or report.period_code != period_code:
        return verdict
    verdict.narratives = {k: v for k, v in report.narratives.items() if v}
    verdict.item_completions = {
        k: (str(v), report.cells.get((k, "completion"), "")) for k, v in report.completions.items()
    }
    for outcome in task_outcomes(report, settings):
        # the per-node figures are the core's working; nothing downstream shows them
        outcome.result = dataclasses.replace(outcome.result, figures={}, figures_raw={})
        outcome.items = pack_items(outcome.items)  # stored by the batch
        verdict.tasks.append(outcome)
    return verdict


def plan_identity(path: Path, settings: Settings) -> FileOutcome:
    """Whose plan a file is and for which year, from its sealed ``_meta`` alone (no cell read):
    enough to route it; ``ok`` says the file opened and its seal holds."""
    from dotpha_xl.xlsx.contract import read_form

    peek = read_form(path, "plan", limits=settings.limits, meta_only=True)
    return FileOutcome(peek.file, str(path), _small_meta(peek.meta), list(peek.problems),
                       peek.sha256, peek.size)  # fmt: skip


#: What a worker does with each file of a job, by the kind of batch.
READERS: dict[str, Callable[..., FileOutcome]] = {
    "plan": plan_verdict,
    "plan_identity": plan_identity,
    "report": report_verdict,
}


def _job(job: tuple[str, Settings, str, list[Path]]) -> list[FileOutcome]:
    """Read a chunk of files, then validate their rows with pandera at once (one frame for the
    chunk): only the small verdicts go back to the parent, never the frames."""
    from dotpha_xl.xlsx.schemas import PlanRowsSchema, ReportRowsSchema

    kind, settings, period_code, paths = job
    read = READERS[kind]
    extra = (period_code,) if kind == "report" else ()
    verdicts = [_read_one(read, p, settings, *extra) for p in paths]
    _validate_block(verdicts, PlanRowsSchema if kind == "plan" else ReportRowsSchema)
    return verdicts


def _read_one(read: Callable[..., FileOutcome], path: Path, *args: Any) -> FileOutcome:
    """``read(path, *args)``; an exception it raises is a bug met while reading the file, not a
    fault of the file (every fault of a file is a problem, never an exception): the file is
    reported as ``internal_error``, with the traceback kept for ``--debug``, and the batch
    goes on."""
    try:
        return read(path, *args)
    except Exception as exc:
        return internal_error_outcome(path, exc)


def internal_error_outcome(path: Path, exc: BaseException) -> FileOutcome:
    """The outcome of a file whose reading met a bug (``exc``)."""
    import traceback

    found = problem("internal_error", value=type(exc).__name__).at(file=path.name)
    return FileOutcome(
        path.name, str(path), {}, [found],
        traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    )  # fmt: skip


def has_internal_error(problems: Sequence[Problem]) -> bool:
    return any(p.code == "internal_error" for p in problems)


_POOLS: dict[int, Any] = {}


def worker_pool(jobs: int):
    """One pool of ``jobs`` worker processes per process, reused by every batch."""
    if jobs not in _POOLS:
        from concurrent.futures import ProcessPoolExecutor

        _POOLS[jobs] = ProcessPoolExecutor(max_workers=jobs)
        atexit.register(_POOLS[jobs].shutdown, cancel_futures=True)
    return _POOLS[jobs]


def _verdicts(
    kind: str, paths: Sequence[Path], settings: Settings, period_code: str, jobs: int
) -> Iterator[list[FileOutcome]]:
    size = max(1, min(CHUNK, -(-len(paths) // (4 * max(1, jobs)))))
    chunks = [list(paths[i : i + size]) for i in range(0, len(paths), size)]
    work = [(kind, settings, period_code, chunk) for chunk in chunks]
    if jobs <= 1 or (len(paths) < 4 * jobs and jobs not in _POOLS):
        yield from map(_job, work)  # too few files to start processes for
    else:
        yield from worker_pool(jobs).map(_job, work)


def read_batch(
    kind: str,
    paths: Sequence[Path],
    settings: Settings,
    *,
    period_code: str = "",
    jobs: int = 1,
    progress: Progress | None = None,
    item_store: ItemStore | None = None,
) -> list[FileOutcome]:
    """A verdict per file of ``paths`` (``kind`` is ``plan``, ``report`` or ``plan_identity``), in
    order, with every problem ``read_plan`` / ``read_report`` would give; reports of
    ``period_code`` evaluated; for ``plan_identity``, only whose plan each file is.

    The item rows of evaluated tasks go to ``item_store`` as they arrive (a fresh one when none
    is given), so that only where they are stays in memory."""
    out: list[FileOutcome] = []
    store = item_store if item_store is not None else ItemStore()
    for chunk in _verdicts(kind, paths, settings, period_code, jobs):
        for verdict in chunk:
            for task in verdict.tasks:
                task.items = store.add(task.items)
        out += chunk
        if progress is not None:
            progress(len(out), len(paths))
    return out


def validate_plans(block: list[FileOutcome]) -> None:
    """The batch's one pandera check of plan verdicts read by :func:`plan_verdict_and_tasks`
    (their problems then are those ``read_plan`` gives)."""
    from dotpha_xl.xlsx.schemas import PlanRowsSchema

    _validate_block(block, PlanRowsSchema)


def _validate_block(block: list[FileOutcome], schema: Any) -> None:
    """One pandera validation of the block's rows; failures go back to their files."""
    from dotpha_xl.xlsx.plans import merge_tree_problems
    from dotpha_xl.xlsx.schemas import validate_frame

    names = Counter(v.file for v in block)
    checked = [v for v in block if v.pending is not None]
    found: dict[str, list[Problem]] = {}
    together = [v for v in checked if names[v.file] == 1]
    if together:
        for p in validate_frame(_frame_of(together), schema):
            found.setdefault(p.file, []).append(p)
    for v in checked:
        if names[v.file] > 1:  # same name in two folders: checked on its own
            v.problems += validate_frame(_frame_of([v]), schema)
        else:
            v.problems += found.get(v.file, [])
        v.problems += merge_tree_problems(v.pending.tree_problems, v.problems)
        if not v.ok:
            v.tasks = []
    for v in block:
        v.pending = None


def _frame_of(verdicts: list[FileOutcome]) -> pd.DataFrame:
    """The rows of ``verdicts`` as one frame, indexed 0..n-1: plans' frames concatenated, or
    reports' records made into a frame at once."""
    from dotpha_xl.xlsx.reports import report_rows_frame

    frames = [v.pending.frame for v in verdicts if v.pending.frame is not None]
    if not frames:
        return report_rows_frame([r for v in verdicts for r in v.pending.records or ()])
    whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return whole.reset_index(drop=True)
