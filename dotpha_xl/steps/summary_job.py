"""The Organisation Board's summary for the Standing Committee, from a consolidation's JSON (the
``--consolidated`` folder that ``dotpha consolidate`` wrote) or straight from the inbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dotpha_xl.kernel.errors import InputError
from dotpha_xl.kernel.problems import Problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.summary import Summary
from dotpha_xl.steps.consolidate import consolidate
from dotpha_xl.steps.ratings import rated_rows, read_proposals
from dotpha_xl.steps.summary import summarize
from dotpha_xl.store.atomic import check_output_outside_inputs, write_bytes_atomic
from dotpha_xl.store.consolidation_json import load_consolidation_data, to_json
from dotpha_xl.xlsx.summary_workbook import write_summary_workbook


class SummaryInputMissing(InputError):
    """Neither a consolidation folder nor the inputs to consolidate were given."""


@dataclass
class SummaryRun:
    summary: Summary
    file: Path
    problems: list[Problem] = field(default_factory=list)  # of the body workbooks read back


def write_summary(
    out: Path,
    period_code: str,
    settings: Settings,
    *,
    consolidated: Path | None = None,
    roster: Path | None = None,
    plans: Path | None = None,
    reports: Path | None = None,
    assignments: Path | None = None,
    on: date | None = None,
) -> SummaryRun:
    """Summarise one period and write the Standing Committee's workbook to ``out``."""
    check_output_outside_inputs(out, [consolidated, roster, plans, reports, assignments])
    if consolidated is not None:
        data = load_consolidation_data(consolidated, period_code)
    elif roster and plans and reports:
        c = consolidate(roster, plans, reports, period_code, settings, assignments_path=assignments)
        data = to_json(c)
    else:
        raise SummaryInputMissing("Cần --consolidated, hoặc đủ --roster, --plans và --reports.")
    summary = summarize(data, settings)
    ratings, problems = None, []
    if summary.period_kind == "year" or any(t.get("rating") for t in data.get("tasks", [])):
        # The decided ratings start from the bodies' proposals when their workbooks are there.
        if consolidated is not None:
            found = read_proposals(consolidated, period_code, data, settings)
            ratings, problems = found.rows, found.problems
        else:
            ratings = rated_rows(data, settings)
            for row in ratings:
                row.proposed = row.computed
    workbook = write_summary_workbook(summary, settings, on=on, ratings=ratings)
    path = write_bytes_atomic(out, workbook)
    return SummaryRun(summary, path, problems)
