"""The Organisation Board's summary for the Standing Committee, from a consolidation's JSON (the
``--consolidated`` folder that ``dotpha consolidate`` wrote) or straight from the inbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dotpha_xl.domain.decisions import is_rated
from dotpha_xl.kernel.errors import InputError
from dotpha_xl.kernel.problems import Problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.summary import Summary
from dotpha_xl.steps.consolidate import consolidate
from dotpha_xl.steps.ratings import rated_rows, read_exemplary, read_proposals
from dotpha_xl.steps.summary import summarize
from dotpha_xl.store.atomic import check_output_outside_inputs, write_bytes_atomic
from dotpha_xl.store.consolidation_json import load_consolidation
from dotpha_xl.xlsx.summary_workbook import write_summary_workbook


class SummaryInputMissing(InputError):
    """Neither a consolidation folder nor the inputs to consolidate were given."""


@dataclass
class SummaryRun:
    summary: Summary
    file: Path
    problems: list[Problem] = field(default_factory=list)  # of the body workbooks read back
    #: Art. 9.2: the collectives and individuals the bodies propose (records.exemplary), or None
    #: when the period has no such proposals (no rating, or no body workbooks).
    exemplary: list[Any] | None = None


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
    registrations: Path | None = None,
    proposals_json: Path | None = None,
    on: date | None = None,
) -> SummaryRun:
    """Summarise one period and write the Standing Committee's workbook to ``out``.

    ``registrations`` (the folder of filled registrations) or ``proposals_json`` (what ``dotpha
    proposals --json`` wrote) tell who registered, for the Art. 10 ground "not registered"."""
    check_output_outside_inputs(
        out, [consolidated, roster, plans, reports, assignments, registrations, proposals_json]
    )
    if consolidated is not None:
        data = load_consolidation(consolidated, period_code)
    elif roster and plans and reports:
        data = consolidate(
            roster, plans, reports, period_code, settings, assignments_path=assignments
        )
    else:
        raise SummaryInputMissing("Cần --consolidated, hoặc đủ --roster, --plans và --reports.")
    registered = registered_cadres(data.period.year, settings, registrations, proposals_json)
    summary = summarize(data, settings, registered=registered)
    ratings, problems, exemplary = None, [], None
    if summary.period_kind == "year" or any(is_rated(t.facts) for t in data.tasks):
        # The decided ratings start from the bodies' proposals when their workbooks are there.
        if consolidated is not None:
            found = read_proposals(consolidated, period_code, data, settings)
            ratings, problems = found.rows, found.problems
            exemplary, more = read_exemplary(consolidated, period_code)
            problems += more
        else:
            ratings = rated_rows(data, settings)
            for row in ratings:
                row.proposed = row.computed
    workbook = write_summary_workbook(
        summary, settings, on=on, ratings=ratings, exemplary=exemplary
    )
    path = write_bytes_atomic(out, workbook)
    return SummaryRun(summary, path, problems, exemplary)


def registered_cadres(
    year: int, settings: Settings, registrations: Path | None, proposals_json: Path | None
) -> set[str] | None:
    """The cadres with a valid registration for ``year``, from the filled registrations or the
    proposals' JSON; ``None`` when neither is given (the ground is then not judged)."""
    if registrations is not None:
        from dotpha_xl.steps.registrations import read_registration
        from dotpha_xl.store.files import expand_inputs

        found = set()
        for path in expand_inputs([registrations]):
            reg = read_registration(path, settings, expected={"year": str(year)})
            if reg.ok and reg.cadre_id:
                found.add(reg.cadre_id)
        return found
    if proposals_json is not None:
        import json

        try:
            data = json.loads(proposals_json.read_text(encoding="utf-8"))
            found_year = int(data["year"])
            registered = {str(r["cadre_id"]) for r in data.get("registered", [])}
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"Không đọc được tệp đề xuất {proposals_json.name} (JSON của dotpha proposals)."
            ) from exc
        if found_year != year:
            raise InputError(
                f"Tệp đề xuất {proposals_json.name} là của năm {found_year}, không phải {year}."
            )
        return registered
    return None
