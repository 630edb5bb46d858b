"""The Organisation Board's general summary for the Standing Committee, from a consolidation.

``summarize`` takes the consolidation as records with exact figures (straight from
``consolidate`` or loaded from its JSON by ``store.consolidation_json.load_consolidation``) and
decides nothing itself: every list follows the rules of ``domain.decisions``.  Per reviewing body,
in the order of ``settings.bodies``: the counts of cadres, tasks, reports received, on time, late
and missing, the rated tasks per level and the average completion of the year; a total row; and
the lists the Standing Committee decides on: commendation (Art. 9), Art. 10 cases with their
grounds and signals, late reports (a follow-up list, not an Art. 10 ground), carry-over (Art. 2.5),
force majeure, and the conclusions on cadres who left (Art. 2.4).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction

from dotpha_xl.domain.decisions import (
    NOT_CARRIED_OUT,
    NOT_REGISTERED,
    UNTRUTHFUL_REPORT,
    commendation_rests_on_force_majeure,
    grounds_of_missing,
    is_rated,
    not_carried_out,
    proposed_for_commendation,
)
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.consolidation import Consolidation, TaskRow
from dotpha_xl.records.people import Cadre
from dotpha_xl.records.summary import (
    MARK_FORCE_MAJEURE,
    TOTAL,
    WHOLE_CADRE,
    BodyCounts,
    Case,
    Conclusion,
    Summary,
)


def _average(values: Iterable[Fraction | None]) -> Fraction | None:
    exact = [v for v in values if v is not None]
    return sum(exact, Fraction(0)) / len(exact) if exact else None


def _rated_completion(t: TaskRow) -> tuple[Fraction | None, Fraction | None]:
    """The figure a task's rating is on and its raw figure (``TaskRow.completion_rated``: a
    successor's own part, the whole period's, else the year's); the year's for a task not rated
    in the report."""
    if t.completion_rated is None:
        return t.result.completion_year, t.result.completion_year_raw
    return t.completion_rated, t.completion_rated_raw


def summarize(
    c: Consolidation, settings: Settings, *, registered: set[str] | None = None
) -> Summary:
    """The summary of a consolidation.  ``registered``: the cadres with a valid registration for
    the year (from the registrations or the proposals); without it, "not registered" (Art. 10) is
    not judged and the summary says so."""
    period = c.period
    names = dict(settings.bodies)
    for code, name in c.bodies.items():
        names.setdefault(code, name)
    order = list(settings.bodies) + [b for b in names if b not in settings.bodies]
    for who in (*c.cadres.values(), *(t.cadre for t in c.tasks), *(m.cadre for m in c.missing)):
        if who.body and who.body not in names:
            names[who.body] = who.body
            order.append(who.body)

    rows = [
        _counts(code, names[code], c, lambda cadre, code=code: cadre.body == code) for code in order
    ]
    total = _counts(TOTAL, "Tổng cộng", c, lambda cadre: True)

    def case(cadre: Cadre, t: TaskRow | None = None) -> Case:
        if t is None:
            return Case(cadre.cadre_id, cadre.full_name, cadre.position, cadre.unit, cadre.body,
                        WHOLE_CADRE)  # fmt: skip
        completion, raw = _rated_completion(t)
        return Case(
            cadre_id=cadre.cadre_id,
            full_name=cadre.full_name,
            position=c.cadres.get(cadre.cadre_id, cadre).position,
            unit=cadre.unit,
            body=cadre.body,
            task_key=t.task_key,
            title=t.title,
            completion=completion,
            completion_raw=raw,
            rating=t.result.rating,
            rating_raw=t.result.rating_raw,
            force_majeure_items=list(t.result.force_majeure_items),
            report_file=t.report_file,
            reason=t.shortfall_reason,
        )

    body_rank = {code: i for i, code in enumerate(order)}
    cadre_rank = {cid: i for i, cid in enumerate(c.cadres)}

    def rank(x: Case | Conclusion) -> tuple[int, int, str, str]:
        return (
            body_rank.get(x.body, len(body_rank)),
            cadre_rank.get(x.cadre_id, len(cadre_rank)),
            x.cadre_id,
            "" if x.task_key == WHOLE_CADRE else x.task_key,
        )

    commendation = []
    for t in c.tasks:
        if proposed_for_commendation(t.facts):
            entry = case(t.cadre, t)
            if commendation_rests_on_force_majeure(t.facts):
                entry.marks.append(MARK_FORCE_MAJEURE)
            commendation.append(entry)

    discipline: dict[str, Case] = {}

    def ground(entry: Case, code: str) -> Case:
        found = discipline.setdefault(entry.key, entry)
        if code not in found.grounds:
            found.grounds.append(code)
        return found

    if registered is not None:
        for cadre in c.cadres.values():
            if cadre.status == "active" and cadre.cadre_id not in registered:
                ground(case(cadre), NOT_REGISTERED)
    for m in c.missing:
        ground(case(m.cadre), grounds_of_missing(m.reason))
    for t in c.tasks:
        if not_carried_out(t.facts):
            ground(case(t.cadre, t), NOT_CARRIED_OUT)
        if t.signals and not t.handed_over:
            ground(case(t.cadre, t), UNTRUTHFUL_REPORT).signals.extend(t.signals)

    late: dict[str, Case] = {}
    for t in c.tasks:
        if t.late and t.cadre.cadre_id not in late:
            entry = case(t.cadre)
            entry.report_file, entry.received, entry.deadline = (
                t.report_file, t.first_received or t.received, t.deadline,
            )  # fmt: skip
            late[t.cadre.cadre_id] = entry

    carry_over = []
    for t in c.carried_over():
        entry = case(t.cadre, t)
        entry.completion, entry.completion_raw = (
            t.result.completion_year,
            t.result.completion_year_raw,
        )
        carry_over.append(entry)

    force_majeure = [case(t.cadre, t) for t in c.tasks if t.result.force_majeure_items]
    conclusions = [
        Conclusion(
            cadre_id=t.cadre.cadre_id,
            full_name=t.cadre.full_name,
            position=c.cadres.get(t.cadre.cadre_id, t.cadre).position,
            unit=t.cadre.unit,
            body=t.cadre.body,
            task_key=t.task_key,
            title=t.title,
            left_on=t.tenure.handover_on,
            completion=t.result.completion_year,
            expected=t.result.expected_to_date,
            attainment=t.tenure.attainment,
        )
        for t in c.tasks
        if t.handed_over and t.tenure is not None
    ]
    return Summary(
        period=period.code,
        period_kind=period.kind,
        year=period.year,
        period_label=period.label_vi,
        bodies=rows,
        total=total,
        commendation=sorted(commendation, key=rank),
        discipline=sorted(discipline.values(), key=rank),
        late=sorted(late.values(), key=rank),
        carry_over=sorted(carry_over, key=rank),
        force_majeure=sorted(force_majeure, key=rank),
        handover_conclusions=sorted(conclusions, key=rank),
        registrations_judged=registered is not None,
    )


def _counts(code: str, name: str, c: Consolidation, mine: Callable[[Cadre], bool]) -> BodyCounts:
    own_tasks = [t for t in c.tasks if mine(t.cadre)]
    received = {t.cadre.cadre_id for t in own_tasks}
    late = {t.cadre.cadre_id for t in own_tasks if t.late}
    out = BodyCounts(
        code=code,
        name=name,
        cadres=sum(1 for cadre in c.cadres.values() if mine(cadre)),
        tasks=len(own_tasks),
        reports=len(received),
        on_time=len(received - late),
        late=len(late),
        missing=sum(1 for m in c.missing if mine(m.cadre)),
        average_completion_year=_average(t.result.completion_year for t in own_tasks),
    )
    for t in own_tasks:
        if is_rated(t.facts) and t.result.rating in out.ratings:
            out.ratings[t.result.rating] += 1
    return out
