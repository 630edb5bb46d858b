"""Validate a batch of filled workbooks and, if asked, write annotated copies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dotpha_xl.kernel.problems import Problem, has_errors, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.consolidation import LatePlan
from dotpha_xl.records.outcomes import FileOutcome
from dotpha_xl.records.people import Cadre
from dotpha_xl.store.atomic import check_output_outside_inputs
from dotpha_xl.store.files import expand_inputs
from dotpha_xl.xlsx.plans import PlanFile, read_plan
from dotpha_xl.xlsx.tables import read_assignments, read_roster


@dataclass
class Validation:
    files: list[FileOutcome] = field(default_factory=list)
    plans: list[PlanFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # of the batch itself (roster)
    #: File name -> the traceback of a bug met while reading it (``internal_error``).
    tracebacks: dict[str, str] = field(default_factory=dict)
    #: The plans received after their deadline (Art. 4.4 b, R33), judged on each cadre's first
    #: accepted plan of the year (this run's or the intake ledger's).
    late_plans: list[LatePlan] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files) and not has_errors(self.problems)

    def to_dict(self) -> dict[str, object]:
        return {
            "valid": self.ok,
            "files": [f.to_dict() for f in self.files],
            "problems": [p.to_dict() for p in self.problems],
            "late_plans": [p.to_json() for p in self.late_plans],
        }


def validate_plans(
    inputs: Sequence[str | Path],
    settings: Settings,
    *,
    roster_path: Path | None = None,
    year: int | None = None,
    annotate_dir: Path | None = None,
    ledger: Any = None,
    receipts_path: Path | None = None,
    assignments_path: Path | None = None,
) -> Validation:
    """Read and check every plan; write annotated copies of files with problems if asked; list
    the plans received late (``receipts_path``: when each file was received, else its
    modification time; ``assignments_path``: when each task was assigned).

    Every plan read is recorded in ``ledger`` (a :class:`dotpha_xl.store.ledger.Ledger`) if
    given, with when it was received."""
    paths = expand_inputs(inputs)
    if annotate_dir is not None:
        check_output_outside_inputs(annotate_dir, [*inputs, *paths])
        from dotpha_xl.xlsx.annotate import annotate_copy  # openpyxl: only when asked
    result = Validation()
    roster = read_roster(roster_path, settings) if roster_path else None
    if roster is not None:
        result.problems += roster.problems
    for path in paths:
        expected = {"year": str(year)} if year else {}
        try:
            plan = read_plan(path, settings, expected=expected)
        except Exception as exc:  # a bug met while reading, not the file's fault
            from dotpha_xl.steps.batch import internal_error_outcome

            verdict = internal_error_outcome(path, exc)
            result.files.append(verdict)
            result.plans.append(PlanFile(verdict.file, str(path), {}, problems=verdict.problems))
            result.tracebacks[verdict.file] = verdict.traceback
            continue
        if roster is not None and plan.cadre_id and plan.cadre_id not in roster.cadres:
            plan.problems.append(
                problem("cadre_not_on_roster", value=plan.cadre_id).at(
                    file=plan.file, sheet="_meta"
                )
            )
        verdict = FileOutcome(
            plan.file, str(path), plan.meta, plan.problems, plan.sha256, plan.size
        )
        if annotate_dir is not None and plan.problems and path.suffix.lower() == ".xlsx":
            try:
                verdict.annotated = str(
                    annotate_copy(path, plan.problems, annotate_dir / path.name)
                )
            except Exception:  # an unreadable file cannot be annotated; its problems stand
                verdict.annotated = ""
        result.files.append(verdict)
        result.plans.append(plan)
    received = _received(inputs, paths, receipts_path, settings, result.problems)
    if ledger is not None:
        ledger.record_files(
            "plan", zip(paths, result.plans, strict=True), period_key="year", received=received
        )
    _judge_lateness(result, received, settings, roster, assignments_path, ledger)
    return result


def _received(
    inputs: Sequence[str | Path],
    paths: list[Path],
    receipts_path: Path | None,
    settings: Settings,
    problems: list[Problem],
) -> dict[Path, datetime]:
    """When each plan file was received: the receipts table's time (by the file's path inside
    the folder given, or its name), else the file's modification time."""
    from dotpha_xl.steps.consolidate import read_receipts

    receipts = read_receipts(receipts_path, settings, problems)
    unknown = dict.fromkeys(receipts)
    folders = [Path(i) for i in inputs if Path(i).is_dir()]
    out: dict[Path, datetime] = {}
    for path in paths:
        names = [path.relative_to(f).as_posix() for f in folders if path.is_relative_to(f)]
        known = next((n for n in [*names, path.name] if n in receipts), None)
        if known is not None:
            unknown.pop(known, None)
            out[path] = receipts[known]
            continue
        if receipts_path is not None:
            problems.append(problem("receipt_missing", value=path.name).at(file=receipts_path.name))
        out[path] = datetime.fromtimestamp(path.stat().st_mtime)
    for name in unknown:
        assert receipts_path is not None
        problems.append(problem("receipt_unknown_file", value=name).at(file=receipts_path.name))
    return out


def _judge_lateness(
    result: Validation,
    received: dict[Path, datetime],
    settings: Settings,
    roster: Any,
    assignments_path: Path | None,
    ledger: Any,
) -> None:
    """The late plans of the cadres whose plan was accepted in this run (``steps.late_plans``)."""
    from dotpha_xl.steps.late_plans import earliest, late_plans, plan_deadlines

    by_year: dict[int, dict[str, tuple[str, datetime]]] = {}
    cadres: dict[str, Cadre] = {}
    for plan, verdict in zip(result.plans, result.files, strict=True):
        if not plan.ok or plan.year is None or not plan.cadre_id:
            continue
        known = roster.cadres.get(plan.cadre_id) if roster is not None else None
        cadres[plan.cadre_id] = known or Cadre(
            plan.cadre_id, plan.meta.get("full_name", ""), plan.meta.get("position", ""),
            plan.meta.get("unit", ""), "",
        )  # fmt: skip
        when = received[Path(verdict.path)]
        earliest([(plan.cadre_id, plan.file, when)], by_year.setdefault(plan.year, {}))
    if not by_year:
        return
    assignments = None
    if assignments_path is not None:
        table = read_assignments(assignments_path, settings, roster)
        result.problems += table.problems
        assignments = table
    everyone = dict(roster.cadres) if roster is not None else {}
    for year, first in sorted(by_year.items()):
        if ledger is not None:
            recorded = ledger.first_accepted("plan", str(year))
            earliest([(c, f, w) for c, (f, w) in recorded.items() if c in first], first)
        mine = {c: cadres[c] for c in cadres if c in first}
        deadlines = plan_deadlines({**everyone, **mine}, settings, year, assignments)
        result.late_plans += late_plans(first, deadlines, mine, settings)
