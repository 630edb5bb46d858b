"""The Organisation Board's general summary for the Standing Committee, from the consolidation JSON.

``summarize`` reads nothing but the consolidation JSON (``dotpha_xl.store.consolidation_json``), so
that ``dotpha summary`` can work from a saved JSON file: per reviewing body, in the order of
``settings.bodies``, the counts of cadres, tasks, reports received, on time, late and missing, the
tasks per rating level and the average completion of the year; a total row over all bodies; and the
lists the Standing Committee decides on: commendation (Art. 9), discipline (Art. 10), carry-over
(Art. 2.5) and force majeure.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dotpha_xl.domain.periods import parse_period
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import round_half_up
from dotpha_xl.records.summary import (
    TOTAL,
    WHOLE_CADRE,
    BodyCounts,
    Case,
    Summary,
)


def _exact(value: float | int | None) -> Fraction | None:
    """A JSON figure (already rounded to 2 decimals) back to an exact value via its decimal text."""
    return None if value is None else Fraction(Decimal(repr(value)))


def _average(values: Iterable[float | None]) -> float | None:
    exact = [v for v in (_exact(x) for x in values) if v is not None]
    if not exact:
        return None
    return round_half_up(sum(exact, Fraction(0)) / len(exact), 2)


def _rated_completion(task: dict[str, Any]) -> tuple[float | None, float | None]:
    """The figure a task's rating is on: its period in the whole-period report, else its year."""
    if task.get("whole_period"):
        return task.get("completion_period"), task.get("completion_period_raw")
    return task.get("completion_year"), task.get("completion_year_raw")


def summarize(data: dict[str, Any], settings: Settings) -> Summary:
    """The summary of a consolidation, from its JSON (``consolidation_json.to_json``)."""
    period = parse_period(str(data["period"]))
    kind = data.get("period_kind", period.kind)
    cadres = {c["cadre_id"]: c for c in data.get("cadres", [])}
    tasks = list(data.get("tasks", []))
    missing = list(data.get("missing", []))
    names = dict(settings.bodies)
    for code, name in data.get("bodies", {}).items():
        names.setdefault(code, name)
    order = list(settings.bodies) + [b for b in names if b not in settings.bodies]
    for who in (*cadres.values(), *tasks, *missing):
        if who.get("body") and who["body"] not in names:
            names[who["body"]] = who["body"]
            order.append(who["body"])

    def body_of(row: dict[str, Any]) -> str:
        return row.get("body") or cadres.get(row.get("cadre_id", ""), {}).get("body", "")

    rows = [_counts(code, names[code], cadres, tasks, missing, body_of) for code in order]
    total = _counts(TOTAL, "Tổng cộng", cadres, tasks, missing, lambda _: TOTAL, every=True)

    def case(row: dict[str, Any], task_key: str | None = None) -> Case:
        cadre = cadres.get(row["cadre_id"], {})
        completion, raw = _rated_completion(row) if task_key is None else (None, None)
        return Case(
            cadre_id=row["cadre_id"],
            full_name=row.get("full_name") or cadre.get("full_name", ""),
            position=cadre.get("position", ""),
            unit=row.get("unit") or cadre.get("unit", ""),
            body=body_of(row),
            task_key=row["task_key"] if task_key is None else task_key,
            title=row.get("title", "") if task_key is None else "",
            completion=completion,
            completion_raw=raw,
            rating=row.get("rating") if task_key is None else None,
            rating_raw=row.get("rating_raw") if task_key is None else None,
            force_majeure_items=list(row.get("force_majeure_items", []))
            if task_key is None
            else [],
        )

    body_rank = {code: i for i, code in enumerate(order)}
    cadre_rank = {cid: i for i, cid in enumerate(cadres)}

    def rank(c: Case) -> tuple[int, int, str, str]:
        return (
            body_rank.get(c.body, len(body_rank)),
            cadre_rank.get(c.cadre_id, len(cadre_rank)),
            c.cadre_id,
            "" if c.task_key == WHOLE_CADRE else c.task_key,
        )

    commendation = sorted((case(t) for t in tasks if t.get("rating") == "HTXS"), key=rank)

    discipline: dict[str, Case] = {}
    for m in missing:
        entry = case({**m, "task_key": WHOLE_CADRE}, WHOLE_CADRE)
        discipline.setdefault(entry.key, entry).reasons.append(
            "no_plan" if m.get("reason") == "no_plan" else "no_report"
        )
    for t in tasks:
        flags = t.get("flags", [])
        if "late" in flags:
            entry = case(t, WHOLE_CADRE)
            found = discipline.setdefault(entry.key, entry)
            if "late" not in found.reasons:
                found.reasons.append("late")
        if "self_rating_above" in flags:
            entry = case(t)
            discipline.setdefault(entry.key, entry).reasons.append("self_rating_above")

    carry_over = []
    if kind == "year":
        for t in tasks:
            year = _exact(t.get("completion_year"))
            annual = str(t.get("task_key", "")).startswith("A")
            if annual and year is not None and year < 100 and "force_majeure" not in t["flags"]:
                entry = case(t)
                entry.completion, entry.completion_raw = (
                    t.get("completion_year"),
                    t.get("completion_year_raw"),
                )
                carry_over.append(entry)

    force_majeure = [case(t) for t in tasks if "force_majeure" in t.get("flags", [])]
    return Summary(
        period=period.code,
        period_kind=kind,
        year=int(data.get("year", period.year)),
        period_label=period.label_vi,
        bodies=rows,
        total=total,
        commendation=commendation,
        discipline=sorted(discipline.values(), key=rank),
        carry_over=sorted(carry_over, key=rank),
        force_majeure=sorted(force_majeure, key=rank),
    )


def _counts(
    code: str,
    name: str,
    cadres: dict[str, dict[str, Any]],
    tasks: list[dict[str, Any]],
    missing: list[dict[str, Any]],
    body_of: Any,
    *,
    every: bool = False,
) -> BodyCounts:
    def mine(row: dict[str, Any]) -> bool:
        return every or body_of(row) == code

    own_tasks = [t for t in tasks if mine(t)]
    received = {t["cadre_id"] for t in own_tasks}
    late = {t["cadre_id"] for t in own_tasks if "late" in t.get("flags", [])}
    out = BodyCounts(
        code=code,
        name=name,
        cadres=sum(1 for c in cadres.values() if mine(c)),
        tasks=len(own_tasks),
        reports=len(received),
        on_time=len(received - late),
        late=len(late),
        missing=sum(1 for m in missing if mine(m)),
        average_completion_year=_average(t.get("completion_year") for t in own_tasks),
    )
    for t in own_tasks:
        if t.get("rating") in out.ratings:
            out.ratings[t["rating"]] += 1
    return out
