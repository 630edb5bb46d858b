"""Consolidation: every report of a period validated, every figure recomputed from the items with
the core (cached formula values are never trusted), per cadre and task, with who is missing, who
is late, which files were rejected and which were superseded.

The result is a plain value (``Consolidation``); writers turn it into workbooks and JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from dotpha_xl.domain.calendar import is_on_time, report_deadline
from dotpha_xl.domain.evaluate import TaskResult
from dotpha_xl.domain.periods import ReportPeriod, parse_period
from dotpha_xl.domain.tree import Node
from dotpha_xl.pipeline.batch import FileVerdict, read_batch
from dotpha_xl.pipeline.item_store import ItemRow, ItemStore
from dotpha_xl.pipeline.reports import ReportFile
from dotpha_xl.pipeline.tables import Cadre, read_assignments, read_roster
from dotpha_xl.pipeline.tenure import apply_tenure, unfinished_items
from dotpha_xl.pipeline.validate import expand_inputs
from dotpha_xl.problems import Problem, problem
from dotpha_xl.settings import Settings
from dotpha_xl.text import as_text, json_percent

FLAG_LATE = "late"
T = TypeVar("T")


@dataclass
class TaskRow:
    """One cadre's task in the period: the figures of the core and where they came from."""

    cadre: Cadre
    task_key: str
    title: str
    section: str
    start_year: int
    end_year: int
    result: TaskResult
    report_file: str
    received: datetime | None
    deadline: date | None
    late: bool
    items: Iterable[ItemRow] = ()  # a list, or StoredItems read back from the item store
    fm_reasons: dict[str, str] = field(default_factory=dict)
    shortfall_reason: str = ""
    tenure: dict[str, Any] = field(default_factory=dict)  # handover figures (pipeline/tenure.py)
    extra_flags: list[str] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        flags = list(self.result.flags) + self.extra_flags
        if self.late:
            flags.insert(0, FLAG_LATE)
        return flags

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "cadre_id": self.cadre.cadre_id,
            "full_name": self.cadre.full_name,
            "body": self.cadre.body,
            "unit": self.cadre.unit,
            "task_key": self.task_key,
            "title": self.title,
            "period": r.period,
            "expected_to_date": json_percent(r.expected_to_date),
            "completion_quarter": json_percent(r.completion_quarter),
            "completion_year": json_percent(r.completion_year),
            "completion_year_raw": json_percent(r.completion_year_raw),
            "completion_period": json_percent(r.completion_period),
            "completion_period_raw": json_percent(r.completion_period_raw),
            "behind_schedule": json_percent(r.behind_schedule),
            "rating": r.rating,
            "rating_raw": r.rating_raw,
            "self_rating": r.self_rating,
            "whole_period": r.whole_period,
            "force_majeure_items": list(r.force_majeure_items),
            "flags": self.flags,
            "report_file": self.report_file,
            "received": self.received.isoformat(timespec="seconds") if self.received else None,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            # read back from the item store now, not kept: what a carry-over lists
            "unfinished_items": unfinished_items(self),
            **self.tenure,
        }


@dataclass
class Missing:
    cadre: Cadre
    reason: str  # "no_report" | "no_plan"

    def to_json(self) -> dict[str, Any]:
        return {
            "cadre_id": self.cadre.cadre_id,
            "full_name": self.cadre.full_name,
            "body": self.cadre.body,
            "unit": self.cadre.unit,
            "reason": self.reason,
        }


@dataclass
class Rejected:
    file: str
    cadre_id: str
    problems: list[Problem]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "cadre_id": self.cadre_id,
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass
class Superseded:
    file: str
    cadre_id: str
    by: str

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "cadre_id": self.cadre_id, "superseded_by": self.by}


@dataclass
class Consolidation:
    period: ReportPeriod
    bodies: dict[str, str]
    tasks: list[TaskRow] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    superseded: list[Superseded] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # kept reports with warnings
    problems: list[Problem] = field(default_factory=list)  # of the roster and assignments
    cadres: dict[str, Cadre] = field(default_factory=dict)  # everyone consolidated
    #: Keeps the file of the tasks' stored item rows while the consolidation is alive; it stays
    #: with this process (a copy sent elsewhere reads the rows through each task's StoredItems).
    item_store: ItemStore | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "item_store": None}

    def for_body(self, body: str) -> Consolidation:
        return Consolidation(
            period=self.period,
            bodies={body: self.bodies[body]},
            tasks=[t for t in self.tasks if t.cadre.body == body],
            missing=[m for m in self.missing if m.cadre.body == body],
            rejected=[r for r in self.rejected if self._body_of(r.cadre_id) in (body, None)],
            superseded=[s for s in self.superseded if self._body_of(s.cadre_id) == body],
            warnings=[w for w in self.warnings],
            problems=list(self.problems),
            cadres={k: c for k, c in self.cadres.items() if c.body == body},
            item_store=self.item_store,
        )

    def _body_of(self, cadre_id: str) -> str | None:
        cadre = self.cadres.get(cadre_id)
        return cadre.body if cadre else None

    def to_json(self) -> dict[str, Any]:
        tasks = [t.to_json() for t in self.tasks]
        return {**self._json_head(), "tasks": tasks, **self._json_lists()}

    def json_chunks(self) -> Iterator[bytes]:
        """``self.to_json()`` as UTF-8 JSON, made one task at a time so that the tasks' objects
        never all sit in memory: indented by 2, except that each task is on a line of its own
        (a national roll-up has tens of thousands; one line each reads and greps well)."""
        head, lists = self._json_head(), self._json_lists()
        parts = [*head.items(), ("tasks", None), *lists.items()]
        yield b"{\n"
        for n, (key, value) in enumerate(parts):
            yield f"  {json.dumps(key)}: ".encode()
            if key != "tasks":
                yield _indented(value, 2)
            elif not self.tasks:
                yield b"[]"
            else:
                yield b"[\n"
                for i, task in enumerate(self.tasks):
                    yield b"    " + json.dumps(task.to_json(), ensure_ascii=False).encode("utf-8")
                    yield b",\n" if i < len(self.tasks) - 1 else b"\n"
                yield b"  ]"
            yield b",\n" if n < len(parts) - 1 else b"\n"
        yield b"}"

    def _json_head(self) -> dict[str, Any]:
        return {
            "period": self.period.code,
            "period_kind": self.period.kind,
            "year": self.period.year,
            "bodies": dict(self.bodies),
            "cadres": [
                {
                    "cadre_id": c.cadre_id,
                    "full_name": c.full_name,
                    "position": c.position,
                    "unit": c.unit,
                    "body": c.body,
                }
                for c in self.cadres.values()
            ],
        }

    def _json_lists(self) -> dict[str, Any]:
        return {
            "missing": [m.to_json() for m in self.missing],
            "rejected": [r.to_json() for r in self.rejected],
            "superseded": [s.to_json() for s in self.superseded],
        }


def _indented(value: Any, by: int) -> bytes:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + " " * by).encode("utf-8")


def read_receipts(path: Path | None) -> dict[str, datetime]:
    """File name -> received time, from a receipts table (columns ``file``, ``received``)."""
    if path is None:
        return {}
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    if not rows:
        return {}
    header = [as_text(h).lower() for h in rows[0]]
    out: dict[str, datetime] = {}
    try:
        f, r = header.index("file"), header.index("received")
    except ValueError:
        return {}
    for row in rows[1:]:
        value = row[r] if r < len(row) else None
        if isinstance(value, datetime):
            out[as_text(row[f])] = value
        elif isinstance(value, date):
            out[as_text(row[f])] = datetime(value.year, value.month, value.day)
        elif isinstance(value, str) and value.strip():
            try:
                out[as_text(row[f])] = datetime.fromisoformat(value.strip())
            except ValueError:
                continue
    return out


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
) -> Consolidation:
    """Validate every report of ``period_code`` and recompute every figure.

    The per-file step (open, read, check) is a pure function of each file, mapped over ``jobs``
    processes; the roll-up runs once over the batch.  Every file read is recorded in ``ledger``
    (a :class:`dotpha_xl.ledger.Ledger`) when one is given."""
    period = parse_period(period_code)
    roster = read_roster(roster_path, settings)
    result = Consolidation(
        period=period, bodies=dict(settings.bodies), cadres=dict(roster.cadres),
        item_store=ItemStore(),
    )  # fmt: skip
    result.problems += roster.problems
    receipts = read_receipts(receipts_path)
    due = report_deadline(settings, period)

    chosen: dict[str, tuple[datetime, FileVerdict]] = {}
    paths = expand_inputs([reports_dir])
    reports = read_batch(
        "report", paths, settings, period_code=period.code, jobs=jobs, progress=progress,
        item_store=result.item_store,
    )  # fmt: skip
    if ledger is not None:
        ledger.record_files("report", zip(paths, reports, strict=True), period_key="period")
    for path, report in zip(paths, reports, strict=True):
        received = receipts.get(path.name) or datetime.fromtimestamp(path.stat().st_mtime)
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
            continue
        result.warnings += report.problems
        current = chosen.get(report.cadre_id)
        if current is None or (received, report.file) > (current[0], current[1].file):
            if current is not None:
                result.superseded.append(Superseded(current[1].file, report.cadre_id, report.file))
            chosen[report.cadre_id] = (received, report)
        else:
            result.superseded.append(Superseded(report.file, report.cadre_id, current[1].file))

    for cadre_id, (received, report) in chosen.items():
        cadre = roster.cadres[cadre_id]
        late = due is not None and not is_on_time(received.date(), due, settings.deadline_reading)
        for task in report.evaluated:  # evaluated exactly where the file was read
            result.tasks.append(
                TaskRow(
                    cadre=cadre,
                    report_file=report.file,
                    received=received,
                    deadline=due,
                    late=late,
                    **task,
                )
            )

    def make_row(cadre: Cadre, file: str, **task: Any) -> TaskRow:
        return TaskRow(cadre=cadre, report_file=file, received=None, deadline=None, late=False,
                       **task)  # fmt: skip

    handed_over = apply_tenure(result, roster, paths, reports, chosen, settings, make_row)
    expected = _expected_cadres(
        roster.cadres, plans_dir, assignments_path, period, settings, result, jobs, ledger,
        reported=set(chosen),
    )  # fmt: skip
    for cadre_id, reason in expected.items():
        if cadre_id not in chosen and cadre_id not in handed_over:
            result.missing.append(Missing(roster.cadres[cadre_id], reason))
    order = {cadre_id: n for n, cadre_id in enumerate(roster.cadres)}
    result.tasks.sort(key=lambda t: (order.get(t.cadre.cadre_id, len(order)), t.task_key))
    result.missing.sort(key=lambda m: order.get(m.cadre.cadre_id, len(order)))
    if body is not None:
        return result.for_body(body)
    return result


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


def _expected_cadres(
    cadres: dict[str, Cadre],
    plans_dir: Path,
    assignments_path: Path | None,
    period: ReportPeriod,
    settings: Settings,
    result: Consolidation,
    jobs: int = 1,
    ledger: Any = None,
    *,
    reported: set[str] = frozenset(),
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
    paths = expand_inputs([plans_dir])
    if assignments_path is not None:
        table = read_assignments(assignments_path, settings)
        result.problems += table.problems
        assigned: Iterable[str] = {a.cadre_id for a in table.active_in(period.year)}
        named = _named_for(paths, reported, period.year)
    else:
        assigned, named = with_plan, set()

    def validate(files: list[Path]) -> None:
        to_check = [
            path
            for path, peek in zip(
                files, read_batch("plan_identity", files, settings, jobs=jobs), strict=True
            )
            if not (peek.cadre_id in reported and peek.year == period.year and peek.ok)
        ]
        plans = read_batch("plan", to_check, settings, jobs=jobs)
        if ledger is not None:
            ledger.record_files("plan", zip(to_check, plans, strict=True), period_key="year")
        for plan in plans:
            if plan.cadre_id and plan.year == period.year:
                with_plan[plan.cadre_id] = with_plan.get(plan.cadre_id, False) or plan.ok

    validate([p for p in paths if p not in named])
    if named and any(c in assigned and not with_plan.get(c) for c in cadres):
        validate([p for p in paths if p in named])  # someone has no plan yet: look everywhere
    return {
        cadre_id: ("no_report" if with_plan.get(cadre_id) else "no_plan")
        for cadre_id in cadres
        if cadre_id in assigned
    }


def _named_for(paths: Sequence[Path], reported: set[str], year: int) -> set[Path]:
    """The plan files whose name is the one this tool gives the plan of ``year`` of a cadre in
    ``reported`` (``{cadre_id}_..._ke_hoach_{year}.xlsx``)."""
    suffix = f"_ke_hoach_{year}"
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
) -> ConsolidationRun:
    """Consolidate, then write one workbook per reviewing body (or only ``body``) and the
    JSON into ``out_dir`` (nothing is written when it is ``None``: a dry run)."""
    from dotpha_xl.text import ascii_slug
    from dotpha_xl.workbook import body_workbook
    from dotpha_xl.workbook.atomic import (
        StagedOutputs,
        check_output_outside_inputs,
        write_bytes_atomic,
    )

    write_body_workbook = body_workbook.write_body_workbook  # looked up at call time

    inputs = [roster_path, plans_dir, reports_dir, assignments_path, receipts_path]
    for target in (out_dir, json_path):
        if target is not None:
            check_output_outside_inputs(target, inputs)
    if body is not None and body not in settings.bodies:
        raise ValueError(
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
    )
    shown = full.for_body(body) if body else full
    run = ConsolidationRun(shown)
    if out_dir is not None:
        # Staged beside out_dir and moved into place only when every workbook is ready: an
        # interrupted run leaves no partial output.
        period = ascii_slug(full.period.code)
        codes = [body] if body else list(settings.bodies)
        with StagedOutputs(out_dir) as stage:
            # the workers write the body workbooks while this process writes the JSON
            workbooks = _body_workbooks(write_body_workbook, full, codes, settings, jobs)
            json_file = stage.write(f"consolidation_{period}.json", shown.json_chunks())
            for code, workbook in zip(codes, workbooks, strict=True):
                run.files.append(stage.write(f"{code}_tong_hop_{period}.xlsx", workbook))
            run.files.append(json_file)
    if json_path is not None:
        made = run.files[-1] if out_dir is not None else None
        data = _file_chunks(made) if made is not None else shown.json_chunks()
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
    from dotpha_xl.pipeline.batch import worker_pool

    # The readers' pool: no new processes, and each is sent its body's part only (the item rows
    # stay in the item store, read back by the writer).  Every job is submitted now, largest
    # first so that the workers end together; the results come back in order as the caller
    # iterates.
    pool = worker_pool(jobs)
    by_size = sorted(range(len(codes)), key=lambda i: -len(parts[i].tasks))
    futures = {i: pool.submit(writer, parts[i], codes[i], settings) for i in by_size}
    return (futures[i].result() for i in range(len(codes)))
