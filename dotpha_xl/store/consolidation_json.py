"""The consolidation JSON (``docs/consolidation.md``), written and read in this one place.

``json_chunks`` writes a :class:`~dotpha_xl.records.consolidation.Consolidation` one task at a
time; ``load_consolidation`` finds and reads the JSON of a period in a ``--consolidated`` folder
for the steps that come after consolidation (summary, ratings, carry-over, announcement).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dotpha_xl.kernel.errors import InputError
from dotpha_xl.kernel.text import json_percent
from dotpha_xl.records.consolidation import (
    Consolidation,
    Missing,
    Rejected,
    Superseded,
    TaskRow,
    TenureFigures,
)
from dotpha_xl.store.files import consolidation_json_name
from dotpha_xl.store.item_store import unfinished_items


class ConsolidationMissing(InputError):
    """No consolidation of that period in the folder given."""


def task_json(row: TaskRow) -> dict[str, Any]:
    r = row.result
    return {
        "cadre_id": row.cadre.cadre_id,
        "full_name": row.cadre.full_name,
        "body": row.cadre.body,
        "unit": row.cadre.unit,
        "task_key": row.task_key,
        "title": row.title,
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
        "flags": row.flags,
        "report_file": row.report_file,
        "received": row.received.isoformat(timespec="seconds") if row.received else None,
        "deadline": row.deadline.isoformat() if row.deadline else None,
        # read back from the item store now, not kept: what a carry-over lists
        "unfinished_items": (
            row.unfinished if row.unfinished is not None else unfinished_items(row.items)
        ),
        **tenure_json(row.tenure),
    }


def tenure_json(t: TenureFigures | None) -> dict[str, Any]:
    """A task row's handover figures as the JSON gives them (none when there was no handover)."""
    if t is None:
        return {}
    if t.inherited:
        return {
            "handover_on": t.handover_on.isoformat(),
            "completion_at_handover": json_percent(t.completion_at_handover),
            "completion_own": json_percent(t.completion_own),
        }
    return {"handover_on": t.handover_on.isoformat(), "attainment": json_percent(t.attainment)}


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
            }
            for cadre in c.cadres.values()
        ],
    }


def _lists(c: Consolidation) -> dict[str, Any]:
    return {
        "missing": [missing_json(m) for m in c.missing],
        "rejected": [rejected_json(r) for r in c.rejected],
        "superseded": [superseded_json(s) for s in c.superseded],
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
