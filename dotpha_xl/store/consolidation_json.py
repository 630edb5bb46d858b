"""The consolidation JSON (``docs/consolidation.md``), written and read in this one place.

``json_chunks`` writes a :class:`~dotpha_xl.records.consolidation.Consolidation` one task at a
time; ``load_consolidation`` finds and reads the JSON of a period in a ``--consolidated`` folder
for the steps that come after consolidation (summary, ratings, carry-over, announcement).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dotpha_xl.domain.evaluate import TaskResult
from dotpha_xl.domain.periods import parse_period
from dotpha_xl.kernel.errors import InputError
from dotpha_xl.kernel.problems import Problem
from dotpha_xl.kernel.text import exact_of_json, json_figures
from dotpha_xl.records.consolidation import (
    FLAG_LATE,
    Consolidation,
    LatePlan,
    Missing,
    Rejected,
    Signal,
    Superseded,
    TaskRow,
    TenureFigures,
)
from dotpha_xl.records.people import Cadre
from dotpha_xl.store.files import consolidation_json_name
from dotpha_xl.store.item_store import unfinished_of


class ConsolidationMissing(InputError):
    """No consolidation of that period in the folder given."""


#: The figures of a task, each given rounded (``completion_year``) and exact
#: (``completion_year_exact``, a fraction's text): later steps decide on the exact one.
FIGURES = (
    "expected_to_date",
    "completion_quarter",
    "completion_year",
    "completion_year_raw",
    "completion_period",
    "completion_period_raw",
    "behind_schedule",
    "expected_period",
)

#: The ratings of form 03, column 7 ("theo năm và giai đoạn"): the year's and the whole
#: period's, each with its raw figure's rating and the cadre's self-rating on its row.
RATINGS = (
    "rating_year",
    "rating_year_raw",
    "self_rating_year",
    "rating_period",
    "rating_period_raw",
    "self_rating_period",
)


def task_json(row: TaskRow) -> dict[str, Any]:
    r = row.result
    figures = json_figures(**{name: getattr(r, name) for name in FIGURES})
    return {
        "cadre_id": row.cadre.cadre_id,
        "full_name": row.cadre.full_name,
        "body": row.cadre.body,
        "unit": row.cadre.unit,
        "task_key": row.task_key,
        "title": row.title,
        "section": row.section,
        "start_year": row.start_year,
        "end_year": row.end_year,
        "period": r.period,
        **figures,
        "rating": r.rating,
        "rating_raw": r.rating_raw,
        "self_rating": r.self_rating,
        **{name: getattr(r, name) for name in RATINGS},
        "whole_period": r.whole_period,
        "completed_early": r.completed_early,
        "force_majeure_items": list(r.force_majeure_items),
        "flags": row.flags,
        "report_file": row.report_file,
        "received": row.received.isoformat(timespec="seconds") if row.received else None,
        "deadline": row.deadline.isoformat() if row.deadline else None,
        "first_received": (
            row.first_received.isoformat(timespec="seconds") if row.first_received else None
        ),
        "evidence": row.evidence,
        "signals": [s.to_json() for s in row.signals],
        # read back from the item store now, not kept: what a carry-over lists
        "unfinished_items": unfinished_of(row),
        # what the cadre wrote: why the task is behind (form 03, column 8), the force majeure
        # reasons, the rows inserted under a month (not in the plan, not counted)
        "shortfall_reason": row.shortfall_reason,
        "shortfall_reasons": dict(row.shortfall_reasons),
        "fm_reasons": dict(row.fm_reasons),
        "unplanned_items": list(row.unplanned_items),
        # the plan's narrative (Art. 4.4 a): objectives, solutions, roadmap, coordination
        "plan_notes": dict(row.plan_notes),
        **tenure_json(row.tenure),
    }


def tenure_json(t: TenureFigures | None) -> dict[str, Any]:
    """A task row's handover figures as the JSON gives them (none when there was no handover)."""
    if t is None:
        return {}
    if t.inherited:
        figures = json_figures(
            completion_at_handover=t.completion_at_handover, completion_own=t.completion_own
        )
    else:
        figures = json_figures(attainment=t.attainment)
    return {"handover_on": t.handover_on.isoformat(), **figures}


def missing_json(m: Missing) -> dict[str, Any]:
    return {
        "cadre_id": m.cadre.cadre_id,
        "full_name": m.cadre.full_name,
        "body": m.cadre.body,
        "unit": m.cadre.unit,
        "reason": m.reason,
    }


def rejected_json(r: Rejected) -> dict[str, Any]:
    return {"file": r.file, "cadre_id": r.cadre_id, "problems": [p.to_dict() for p in r.problems]}


def superseded_json(s: Superseded) -> dict[str, str]:
    return {"file": s.file, "cadre_id": s.cadre_id, "superseded_by": s.by}


def to_json(c: Consolidation) -> dict[str, Any]:
    """The whole consolidation as one JSON value (what :func:`json_chunks` writes)."""
    return {**_head(c), "tasks": [task_json(t) for t in c.tasks], **_lists(c)}


def json_chunks(c: Consolidation) -> Iterator[bytes]:
    """``to_json(c)`` as UTF-8 JSON, made one task at a time so that the tasks' objects never all
    sit in memory: indented by 2, except that each task is on a line of its own (a national
    roll-up has tens of thousands; one line each reads and greps well)."""
    head, lists = _head(c), _lists(c)
    parts = [*head.items(), ("tasks", None), *lists.items()]
    yield b"{\n"
    for n, (key, value) in enumerate(parts):
        yield f"  {json.dumps(key)}: ".encode()
        if key != "tasks":
            yield _indented(value, 2)
        elif not c.tasks:
            yield b"[]"
        else:
            yield b"[\n"
            for i, task in enumerate(c.tasks):
                yield b"    " + json.dumps(task_json(task), ensure_ascii=False).encode("utf-8")
                yield b",\n" if i < len(c.tasks) - 1 else b"\n"
            yield b"  ]"
        yield b",\n" if n < len(parts) - 1 else b"\n"
    yield b"}"


def _head(c: Consolidation) -> dict[str, Any]:
    return {
        "period": c.period.code,
        "period_kind": c.period.kind,
        "year": c.period.year,
        "bodies": dict(c.bodies),
        "cadres": [
            {
                "cadre_id": cadre.cadre_id,
                "full_name": cadre.full_name,
                "position": cadre.position,
                "unit": cadre.unit,
                "body": cadre.body,
                "status": cadre.status,
                # the cadre's own computed level (Art. 7.3 c, R28); null without a rated task
                "level": c.levels.get(cadre.cadre_id),
            }
            for cadre in c.cadres.values()
        ],
    }


def _lists(c: Consolidation) -> dict[str, Any]:
    return {
        "missing": [missing_json(m) for m in c.missing],
        "rejected": [rejected_json(r) for r in c.rejected],
        "superseded": [superseded_json(s) for s in c.superseded],
        # the plans of the year received after their deadline (Art. 4.4 b, R33)
        "late_plans": [p.to_json() for p in c.late_plans],
        "narratives": [{"cadre_id": cadre_id, **texts} for cadre_id, texts in c.narratives.items()],
        # every warning of the files kept, at its cell; the side tables' problems
        "warnings": [p.to_dict() for p in c.warnings],
        "problems": [p.to_dict() for p in c.problems],
    }


def _indented(value: Any, by: int) -> bytes:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + " " * by).encode("utf-8")


def consolidation_path(folder: Path, period_code: str) -> Path:
    """The JSON of ``period_code`` in ``folder``: the file ``dotpha consolidate`` names so, else
    the one JSON there whose ``period`` is that period (a file renamed by hand)."""
    path = folder / consolidation_json_name(period_code)
    if path.is_file():
        return path
    for candidate in sorted(folder.glob("*.json")):
        try:
            with candidate.open(encoding="utf-8") as f:
                head = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(head, dict) and str(head.get("period")) == str(period_code):
            return candidate
    raise ConsolidationMissing(
        f"Không có kết quả tổng hợp kỳ {period_code} trong {folder} ({path.name}); "
        "chạy dotpha consolidate trước."
    )


def load_consolidation_data(folder: Path, period_code: str) -> dict[str, Any]:
    """The consolidation JSON of ``period_code`` in ``folder``, as written."""
    return json.loads(consolidation_path(folder, period_code).read_text(encoding="utf-8"))


def load_consolidation(folder: Path, period_code: str) -> Consolidation:
    """The consolidation of ``period_code`` in ``folder`` as records, every figure exact (from the
    ``*_exact`` fields): what the steps after consolidation decide on.  The item rows themselves
    are not in the JSON; each task keeps its unfinished items as the JSON lists them."""
    path = consolidation_path(folder, period_code)
    return from_json(json.loads(path.read_text(encoding="utf-8")), path.name)


def from_json(data: dict[str, Any], name: str = "") -> Consolidation:
    """A consolidation JSON (``to_json``) back to records."""
    if data.get("tasks") and "completion_year_exact" not in data["tasks"][0]:
        raise ConsolidationMissing(
            f"Tệp tổng hợp {name} do phiên bản cũ ghi, không có số liệu chính xác; "
            "chạy lại dotpha consolidate."
        )
    period = parse_period(str(data["period"]))
    cadres = {c["cadre_id"]: _cadre(c) for c in data.get("cadres", [])}

    def cadre_of(row: dict[str, Any]) -> Cadre:
        return cadres.get(row["cadre_id"]) or _cadre(row)

    out = Consolidation(period=period, bodies=dict(data.get("bodies", {})), cadres=cadres)
    out.levels = {c["cadre_id"]: c["level"] for c in data.get("cadres", []) if c.get("level")}
    out.tasks = [_task(t, cadre_of(t)) for t in data.get("tasks", [])]
    out.missing = [Missing(cadre_of(m), m["reason"]) for m in data.get("missing", [])]
    out.rejected = [
        Rejected(r["file"], r["cadre_id"], [Problem(**p) for p in r.get("problems", [])])
        for r in data.get("rejected", [])
    ]
    out.superseded = [
        Superseded(s["file"], s["cadre_id"], s["superseded_by"]) for s in data.get("superseded", [])
    ]
    out.late_plans = [
        LatePlan(
            cadre_of(p),
            p["file"],
            datetime.fromisoformat(p["received"]),
            date.fromisoformat(p["deadline"]),
            int(p["days_late"]),
            date.fromisoformat(p["assigned_on"]) if p.get("assigned_on") else None,
        )
        for p in data.get("late_plans", [])
    ]
    out.narratives = {
        n["cadre_id"]: {k: v for k, v in n.items() if k != "cadre_id"}
        for n in data.get("narratives", [])
    }
    out.warnings = [Problem(**p) for p in data.get("warnings", [])]
    out.problems = [Problem(**p) for p in data.get("problems", [])]
    return out


def _cadre(row: dict[str, Any]) -> Cadre:
    return Cadre(
        cadre_id=row["cadre_id"],
        full_name=row.get("full_name", ""),
        position=row.get("position", ""),
        unit=row.get("unit", ""),
        body=row.get("body", ""),
        status=row.get("status", "active"),
    )


def _task(t: dict[str, Any], cadre: Cadre) -> TaskRow:
    exact = {name: exact_of_json(t.get(f"{name}_exact")) for name in FIGURES}
    del exact["behind_schedule"]  # derived from the others
    result = TaskResult(
        task_key=t["task_key"],
        period=t["period"],
        start_year=int(t["start_year"]),
        end_year=int(t["end_year"]),
        rating=t.get("rating"),
        rating_raw=t.get("rating_raw"),
        self_rating=t.get("self_rating"),
        **{name: t.get(name) for name in RATINGS},
        force_majeure_items=tuple(t.get("force_majeure_items", [])),
        whole_period=bool(t.get("whole_period")),
        completed_early=bool(t.get("completed_early")),
        figures={},
        figures_raw={},
        **exact,
    )
    flags = list(t.get("flags", []))
    own = set(result.flags)
    tenure = None
    if t.get("handover_on"):
        tenure = TenureFigures(
            date.fromisoformat(t["handover_on"]),
            attainment=exact_of_json(t.get("attainment_exact")),
            completion_at_handover=exact_of_json(t.get("completion_at_handover_exact")),
            completion_own=exact_of_json(t.get("completion_own_exact")),
            inherited="completion_at_handover" in t,
        )
    return TaskRow(
        task_key=t["task_key"],
        title=t.get("title", ""),
        section=t.get("section", t["task_key"][0]),
        start_year=int(t["start_year"]),
        end_year=int(t["end_year"]),
        result=result,
        cadre=cadre,
        report_file=t.get("report_file", ""),
        received=datetime.fromisoformat(t["received"]) if t.get("received") else None,
        deadline=date.fromisoformat(t["deadline"]) if t.get("deadline") else None,
        late=FLAG_LATE in flags,
        first_received=(
            datetime.fromisoformat(t["first_received"]) if t.get("first_received") else None
        ),
        evidence=t.get("evidence", ""),
        signals=[Signal(**s) for s in t.get("signals", [])],
        tenure=tenure,
        extra_flags=[f for f in flags if f != FLAG_LATE and f not in own],
        unfinished=list(t.get("unfinished_items", [])),
        shortfall_reason=t.get("shortfall_reason", ""),
        shortfall_reasons=dict(t.get("shortfall_reasons", {})),
        fm_reasons=dict(t.get("fm_reasons", {})),
        unplanned_items=list(t.get("unplanned_items", [])),
        plan_notes=dict(t.get("plan_notes", {})),
    )
