"""The Organisation Board's summary for the Standing Committee, from a consolidation's JSON (the
``--consolidated`` folder that ``dotpha consolidate`` wrote) or straight from the inbox."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dotpha_xl.pipeline.consolidate import consolidate
from dotpha_xl.pipeline.ratings import rated_rows, read_proposals
from dotpha_xl.pipeline.summary import Summary, summarize
from dotpha_xl.problems import Problem
from dotpha_xl.settings import Settings
from dotpha_xl.text import ascii_slug
from dotpha_xl.workbook.atomic import check_output_outside_inputs, write_bytes_atomic
from dotpha_xl.workbook.summary_workbook import write_summary_workbook


class SummaryInputMissing(ValueError):
    """No consolidation of that period in the folder given."""


@dataclass
class SummaryRun:
    summary: Summary
    file: Path
    problems: list[Problem] = field(default_factory=list)  # of the body workbooks read back


def consolidation_json(folder: Path, period_code: str) -> dict:
    path = folder / f"consolidation_{ascii_slug(period_code)}.json"
    if not path.is_file():
        raise SummaryInputMissing(
            f"Không có kết quả tổng hợp kỳ {period_code} trong {folder} ({path.name}); "
            "chạy dotpha consolidate trước."
        )
    return json.loads(path.read_text(encoding="utf-8"))


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
        data = consolidation_json(consolidated, period_code)
    elif roster and plans and reports:
        c = consolidate(roster, plans, reports, period_code, settings, assignments_path=assignments)
        data = c.to_json()
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
