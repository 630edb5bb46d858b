"""Ratings proposed, then decided (Art. 7.3; docs/regulation.md, R20).

The computed rating is the starting point.  Each reviewing body proposes a rating in its
consolidation workbook (``proposed_rating`` and ``proposal_reason`` on "Tổng hợp", rows
``CADRE_ID:TASK_KEY``); the summary workbook carries a "Xếp loại" sheet where the Standing
Committee's secretariat records the decided rating (``decided_rating``, ``decision_reason``),
pre-filled with the proposal.  ``final_ratings`` reads both back through the one review mechanism
(``read_review``) and gives every task's computed, self, proposed and decided rating side by side;
a rating that departs from the one before it without a reason is a problem at its cell.
Commendation (Art. 9) follows the decided rating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dotpha_xl.domain.decisions import is_rated
from dotpha_xl.domain.periods import parse_period
from dotpha_xl.kernel.problems import Problem, has_errors, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import json_exact, json_percent
from dotpha_xl.records.consolidation import Consolidation, TaskRow, cadre_levels
from dotpha_xl.records.exemplary import (
    AGREED,
    DECISION_SHEET,
    EXEMPLARY_KEY,
    EXEMPLARY_SHEET,
    Exemplary,
)
from dotpha_xl.records.ratings import (
    CADRE_ROW,
    CADRE_ROW_TITLE,
    RATINGS_KEY,
    RATINGS_SHEET,
    FinalRatings,
    RatingRow,
)
from dotpha_xl.store.consolidation_json import load_consolidation
from dotpha_xl.store.files import body_workbook_pattern
from dotpha_xl.xlsx.exemplary_sheets import PROPOSAL_COLUMNS
from dotpha_xl.xlsx.review_reader import Reviewed, read_review


@dataclass
class Proposals:
    """The rows of a rated period with the bodies' proposals read back (or the computed rating
    where a body's workbook is absent or unreadable)."""

    rows: list[RatingRow]
    problems: list[Problem] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)  # body workbooks read back
    cells: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # key -> file,sheet,cell


def body_workbooks(folder: Path, period_code: str) -> list[Path]:
    """The per-body workbooks ``consolidate`` wrote for the period into ``folder``."""
    return sorted(
        p
        for p in folder.glob(body_workbook_pattern(period_code))
        if not p.name.startswith((".", "~$"))
    )


def rated_rows(c: Consolidation, settings: Settings) -> list[RatingRow]:
    """Every task rated in this report (``domain.decisions.is_rated``), body by body, each
    cadre's own level (``CADRE_ID:*``, Art. 7.3 c) after the cadre's last rated task."""
    order = {code: i for i, code in enumerate(settings.bodies)}
    rows: list[RatingRow] = []
    levels = c.levels or cadre_levels(c.tasks, settings.thresholds, settings.cadre_level)
    last = {t.cadre.cadre_id: t for t in c.tasks if is_rated(t.facts)}
    for t in c.tasks:
        if not is_rated(t.facts):
            continue
        rows.append(
            RatingRow(
                cadre_id=t.cadre.cadre_id,
                task_key=t.task_key,
                full_name=t.cadre.full_name,
                position=c.cadres.get(t.cadre.cadre_id, t.cadre).position,
                body=t.cadre.body,
                title=t.title,
                computed=t.result.rating or "",
                year_rating=(t.result.rating_year or "") if t.result.rating_period else "",
                self_rating=t.result.self_rating or "",
            )
        )
        cadre_id = t.cadre.cadre_id
        if last[cadre_id] is t and levels.get(cadre_id):
            rows.append(_cadre_row(c, rows, t, levels[cadre_id]))
    rows.sort(key=lambda r: order.get(r.body, len(order)))  # stable: the consolidation's order
    return rows


def _cadre_row(c: Consolidation, rows: list[RatingRow], t: TaskRow, level: str) -> RatingRow:
    """The cadre's own row: the computed level; as self-level, the level the cadre gave every
    rated task when they all agree (form 03 has no self-level of the cadre's own)."""
    cadre_id = t.cadre.cadre_id
    selves = {r.self_rating for r in rows if r.cadre_id == cadre_id}
    return RatingRow(
        cadre_id=cadre_id,
        task_key=CADRE_ROW,
        full_name=t.cadre.full_name,
        position=c.cadres.get(cadre_id, t.cadre).position,
        body=t.cadre.body,
        title=CADRE_ROW_TITLE,
        computed=level,
        self_rating=selves.pop() if len(selves) == 1 else "",
    )


def _departs(
    found: Reviewed, key: str, column: str, reason_column: str, before: str, what: str
) -> Problem | None:
    row = found.rows[key]
    after = row.values.get(column, "")
    if after == before or row.values.get(reason_column, "").strip():
        return None
    return problem(
        "rating_departs_without_reason", value=after or "(trống)", node=key, field=what,
        expected=before or "(trống)",
    ).at(file=found.file, sheet=found.sheet, cell=row.cells.get(column, ""))  # fmt: skip


def read_proposals(folder: Path, period_code: str, c: Consolidation, settings: Settings):
    """The bodies' proposals read back from the workbooks in ``folder`` (see ``Proposals``)."""
    rows = rated_rows(c, settings)
    out = Proposals(rows)
    by_key = {r.key: r for r in rows}
    for r in rows:
        r.proposed = r.computed
    for path in body_workbooks(folder, period_code):
        found = read_review(path, "body", expected={"period": parse_period(period_code).code})
        out.problems += found.problems
        if has_errors(found.problems):
            continue  # a damaged workbook: its proposals are not used
        out.edited.append(found.file)
        for key, reviewed in found.rows.items():
            row = by_key.get(key)
            proposed = reviewed.values.get("proposed_rating", "")
            if row is None:
                if not proposed:
                    continue  # an unrated task left unrated
                row = _row_from_sheet(key, reviewed.values)
                rows.append(row)
                by_key[key] = row
            row.proposed = proposed
            row.proposal_reason = reviewed.values.get("proposal_reason", "")
            out.cells[key] = (found.file, found.sheet, reviewed.cells.get("proposed_rating", ""))
            departs = _departs(
                found, key, "proposed_rating", "proposal_reason", row.computed, "đề xuất"
            )
            if departs:
                out.problems.append(departs)
    return out


def _row_from_sheet(key: str, values: dict[str, str]) -> RatingRow:
    cadre_id, task_key = key.split(":", 1)
    return RatingRow(
        cadre_id=cadre_id,
        task_key=task_key,
        full_name=values.get("full_name", ""),
        position=values.get("position", ""),
        title=values.get("title", ""),
        computed=values.get("rating", ""),
        year_rating=values.get("rating_year", ""),
        self_rating=values.get("self_rating", ""),
    )


@dataclass
class RatingsRun:
    ratings: FinalRatings
    file: Path | None = None


def write_ratings(
    consolidated: Path,
    summary_file: Path,
    period_code: str,
    out: Path,
    settings: Settings,
) -> RatingsRun:
    """Write the final ratings workbook (its JSON is ``run.ratings.to_json()``).  The workbook is
    written whenever the summary could be read, problems and all: it lists them."""
    from dotpha_xl.store.atomic import check_output_outside_inputs, write_bytes_atomic
    from dotpha_xl.xlsx.ratings_workbook import write_final_ratings

    check_output_outside_inputs(out, [consolidated, summary_file])
    ratings = final_ratings(consolidated, summary_file, period_code, settings)
    run = RatingsRun(ratings)
    if ratings.rows or not has_errors(ratings.problems):
        run.file = write_bytes_atomic(out, write_final_ratings(ratings, settings))
    return run


def _has_sheet(path: Path, form: str, key: str) -> bool:
    """Whether the workbook's sealed pre-filled content has ``key`` (an older or unrated
    workbook has no Art. 9.2 sheet; a damaged one is reported by its other reading)."""
    from dotpha_xl.xlsx.contract import read_form

    head = read_form(path, form, meta_only=True)
    return (
        not has_errors(head.problems)
        and isinstance(head.prefilled, dict)
        and key in (head.prefilled)
    )


def read_exemplary(folder: Path, period_code: str) -> tuple[list[Exemplary], list[Problem]]:
    """Art. 9.2: the collectives and individuals the bodies propose as exemplary, from the
    "Đề nghị tiêu biểu" sheet of each body workbook in ``folder``; a row partly filled is a
    problem at its first empty cell."""
    out: list[Exemplary] = []
    problems: list[Problem] = []
    words = {c.key: c.header for c in PROPOSAL_COLUMNS}
    for path in body_workbooks(folder, period_code):
        if not _has_sheet(path, "body", EXEMPLARY_KEY):
            continue
        found = read_review(
            path, "body", sheet=EXEMPLARY_SHEET, key=EXEMPLARY_KEY,
            expected={"period": parse_period(period_code).code},
        )  # fmt: skip
        problems += found.problems
        if has_errors(found.problems):
            continue
        body = found.meta.get("body", "")
        for key, row in found.rows.items():
            v = {k: row.values.get(k, "").strip() for k in ("kind", "name", "unit", "reason")}
            if not any(v.values()):
                continue
            missing = [k for k in ("kind", "name", "reason") if not v[k]]
            if missing:
                problems.append(
                    problem("exemplary_incomplete", field=", ".join(words[k] for k in missing)).at(
                        file=found.file, sheet=found.sheet, cell=row.cells.get(missing[0], "")
                    )
                )
                continue
            out.append(Exemplary(body, key, v["kind"], v["name"], v["unit"], v["reason"]))
    return out, problems


def _exemplary_decisions(summary_file: Path, period: str, out: FinalRatings) -> None:
    """The Committee's decision on each Art. 9.2 proposal, read back from the summary's
    "Tiêu biểu" sheet; a refusal without a reason is a problem at its cell."""
    if not _has_sheet(summary_file, "summary", EXEMPLARY_KEY):
        return
    found = read_review(
        summary_file, "summary", sheet=DECISION_SHEET, key=EXEMPLARY_KEY,
        expected={"period": period},
    )  # fmt: skip
    out.problems += found.problems
    if has_errors(found.problems):
        return
    for key, row in found.rows.items():
        v = row.values
        body, _, number = key.partition(":")
        item = Exemplary(
            body, number, v.get("kind", ""), v.get("name", ""), v.get("unit", ""),
            v.get("reason", ""), v.get("decided", ""), v.get("decision_reason", ""),
        )  # fmt: skip
        if item.decided != AGREED and not item.decision_reason.strip():
            out.problems.append(
                problem("exemplary_decision_without_reason", value=item.name, node=key).at(
                    file=found.file, sheet=found.sheet, cell=row.cells.get("decided", "")
                )
            )
        out.exemplary.append(item)


def _record_facts(out: FinalRatings, c: Consolidation, settings: Settings) -> None:
    """What a record across years reads besides the ratings (Art. 8): who, every task's figures
    and flags, and the Art. 10 cases (``steps.summary.summarize``)."""
    from dotpha_xl.steps.summary import summarize

    out.year = c.period.year
    out.people = [
        {"cadre_id": p.cadre_id, "full_name": p.full_name, "position": p.position,
         "unit": p.unit, "body": p.body}
        for p in c.cadres.values()
    ]  # fmt: skip
    for t in c.tasks:
        r = t.result
        figure = t.completion_rated if is_rated(t.facts) else r.completion_year
        out.tasks.append(
            {
                "cadre_id": t.cadre.cadre_id,
                "task_key": t.task_key,
                "title": t.title,
                "section": t.section,
                "start_year": t.start_year,
                "end_year": t.end_year,
                "rated": is_rated(t.facts),
                "completion": json_percent(figure),
                "completion_exact": json_exact(figure),
                "rating": r.rating,
                # form 03, column 7: the year's rating (the annual review) and, in a period
                # task's final year, the whole period's, which is the one ``rating`` gives
                "rating_year": r.rating_year,
                "rating_period": r.rating_period,
                "flags": t.flags,
            }
        )
    out.discipline = [case.to_json() for case in summarize(c, settings).discipline]


def final_ratings(
    consolidated: Path, summary_file: Path, period_code: str, settings: Settings
) -> FinalRatings:
    """Read the bodies' workbooks and the summary's "Xếp loại" sheet back; every task's ratings."""
    period = parse_period(period_code)
    out = FinalRatings(period.code, period.label_vi)
    data = load_consolidation(consolidated, period.code)
    _record_facts(out, data, settings)
    proposals = read_proposals(consolidated, period.code, data, settings)
    out.problems += proposals.problems
    by_key = {r.key: r for r in proposals.rows}
    found = read_review(
        summary_file, "summary", sheet=RATINGS_SHEET, key=RATINGS_KEY,
        expected={"period": period.code},
    )  # fmt: skip
    out.problems += found.problems
    if has_errors(found.problems):
        return out
    for key, reviewed in found.rows.items():
        v = reviewed.values
        row = by_key.get(key) or _row_from_sheet(key, v)
        shown = v.get("proposed_rating", "")
        if key in proposals.cells and shown != row.proposed:
            file, sheet, cell = proposals.cells[key]
            out.problems.append(
                problem("rating_proposal_stale", value=row.proposed, node=key, expected=shown).at(
                    file=file, sheet=sheet, cell=cell
                )
            )
        row.proposed = shown  # what the Committee decided on
        row.proposal_reason = v.get("proposal_reason", "")
        row.decided = v.get("decided_rating", "")
        row.decision_reason = v.get("decision_reason", "")
        departs = _departs(found, key, "decided_rating", "decision_reason", shown, "quyết định")
        if departs:
            out.problems.append(departs)
        out.rows.append(row)
    _exemplary_decisions(summary_file, period.code, out)
    return out
