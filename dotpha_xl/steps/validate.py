"""Validate a batch of filled workbooks and, if asked, write annotated copies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotpha_xl.kernel.problems import Problem, has_errors, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.outcomes import FileOutcome
from dotpha_xl.store.atomic import check_output_outside_inputs
from dotpha_xl.store.files import expand_inputs
from dotpha_xl.xlsx.plans import PlanFile, read_plan
from dotpha_xl.xlsx.tables import read_roster


@dataclass
class Validation:
    files: list[FileOutcome] = field(default_factory=list)
    plans: list[PlanFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # of the batch itself (roster)
    #: File name -> the traceback of a bug met while reading it (``internal_error``).
    tracebacks: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files) and not has_errors(self.problems)

    def to_dict(self) -> dict[str, object]:
        return {
            "valid": self.ok,
            "files": [f.to_dict() for f in self.files],
            "problems": [p.to_dict() for p in self.problems],
        }


def validate_plans(
    inputs: Sequence[str | Path],
    settings: Settings,
    *,
    roster_path: Path | None = None,
    year: int | None = None,
    annotate_dir: Path | None = None,
    ledger: Any = None,
) -> Validation:
    """Read and check every plan; write annotated copies of files with problems if asked.

    Every plan read is recorded in ``ledger`` (a :class:`dotpha_xl.store.ledger.Ledger`) if
    given."""
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
    if ledger is not None:
        ledger.record_files("plan", zip(paths, result.plans, strict=True), period_key="year")
    return result
