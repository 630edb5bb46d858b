"""A cadre's record across years (Art. 8; ``dotpha record``): from the ratings JSON of several
years (``dotpha ratings --json``), one print-ready workbook per cadre (their tasks year by year,
figures, the decided task and cadre levels, flags, commendation and Art. 10 cases) and one table
of all cadres by year.  A cadre's years follow their ``cadre_id`` across a change of post."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dotpha_xl.kernel.errors import InputError
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import exact_of_json
from dotpha_xl.records.history import CadreRecord, YearEntry, YearTask
from dotpha_xl.records.ratings import HIGHEST

TABLE_NAME = "ho_so_tong_hop.xlsx"


def record_name(cadre_id: str) -> str:
    """The file of one cadre's record (the id kept to letters, digits, ``-`` and ``_``)."""
    return f"ho_so_{re.sub(r'[^0-9A-Za-z_-]', '_', cadre_id)}.xlsx"


def read_ratings_json(path: Path) -> dict[str, Any]:
    """One year's ratings JSON, or an input error naming the file and why."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(f"Không đọc được tệp {path}: {exc.strerror or exc}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(f"Tệp {path} không phải tệp JSON hợp lệ.") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("ratings"), list)
        or not data.get("period")
    ):
        raise InputError(
            f"Tệp {path} không phải tệp JSON kết quả xếp loại (dotpha ratings --json)."
        )
    return data


def build_records(files: Sequence[Path]) -> list[CadreRecord]:
    """The records of every cadre named in the ratings ``files``, years in order."""
    years = sorted(
        ((read_ratings_json(f), f) for f in files),
        key=lambda x: (x[0].get("year") or 0, str(x[0]["period"])),
    )
    seen: dict[str, Path] = {}
    records: dict[str, CadreRecord] = {}
    for data, path in years:
        period = str(data["period"])
        if period in seen:
            raise InputError(
                f"Hai tệp xếp loại cùng kỳ {period}: {seen[period]} và {path}; chỉ đưa một tệp."
            )
        seen[period] = path
        for cadre_id, entry, name in _entries(data, path):
            record = records.setdefault(cadre_id, CadreRecord(cadre_id))
            record.full_name = name or record.full_name
            record.years.append(entry)
    return list(records.values())


def _entries(data: dict[str, Any], path: Path):
    period = str(data["period"])
    year = int(data.get("year") or period[:4])
    people = {p["cadre_id"]: p for p in data.get("people", [])}
    details = {(t["cadre_id"], t["task_key"]): t for t in data.get("tasks", [])}
    commended = {(c["cadre_id"], c["task_key"]) for c in data.get("commendation", [])}
    entries: dict[str, YearEntry] = {}

    def entry(cadre_id: str) -> YearEntry:
        if cadre_id not in entries:
            p = people.get(cadre_id, {})
            entries[cadre_id] = YearEntry(
                year, period, str(data.get("period_label") or period),
                position=p.get("position", ""), unit=p.get("unit", ""), body=p.get("body", ""),
                source=path.name,
            )  # fmt: skip
        return entries[cadre_id]

    for cadre_id in people:  # the roster's order
        if any(k[0] == cadre_id for k in details) or any(
            r["cadre_id"] == cadre_id for r in data["ratings"]
        ):
            entry(cadre_id)
    rated = set()
    for r in data["ratings"]:
        key = (r["cadre_id"], r["task_key"])
        rated.add(key)
        d = details.get(key, {})
        entry(r["cadre_id"]).tasks.append(
            YearTask(
                r["task_key"], d.get("title", ""), exact_of_json(d.get("completion_exact")),
                True, r.get("computed") or "", r.get("self") or "", r.get("proposed") or "",
                r.get("decided") or "", flags=list(d.get("flags", [])),
                commended=key in commended or r.get("decided") == HIGHEST,
                year_rating=(d.get("rating_year") or "") if d.get("rating_period") else "",
            )
        )  # fmt: skip
    for key, d in details.items():  # tasks of the report not rated in it (a leaver's, …)
        if key not in rated:
            entry(key[0]).tasks.append(
                YearTask(key[1], d.get("title", ""), exact_of_json(d.get("completion_exact")),
                         False, d.get("rating") or "", flags=list(d.get("flags", [])))
            )  # fmt: skip
    for c in data.get("cadres", []):
        e = entry(c["cadre_id"])
        e.level_computed = c.get("computed") or ""
        e.level_proposed = c.get("proposed") or ""
        e.level_decided = c.get("decided") or ""
    for case in data.get("discipline", []):
        signals = "; ".join(dict.fromkeys(s.get("message", "") for s in case.get("signals", [])))
        for ground in case.get("grounds_vi", []):
            text = f"{ground}: {signals}" if signals else ground
            entry(case["cadre_id"]).cases.append((case.get("task_key", "*"), text))
    for e in entries.values():
        e.tasks.sort(key=lambda t: t.task_key)
    for cadre_id, e in entries.items():
        yield cadre_id, e, people.get(cadre_id, {}).get("full_name", "")


def write_records(
    files: Sequence[Path], out: Path, settings: Settings, cadre: str | None = None
) -> list[Path]:
    """Write one workbook per cadre (only ``cadre`` when given) and the table of all cadres by
    year into ``out``; return the files written."""
    from dotpha_xl.store.atomic import check_output_outside_inputs, write_bytes_atomic
    from dotpha_xl.xlsx.record_workbook import write_record_table, write_record_workbook

    check_output_outside_inputs(out, files)
    records = build_records(files)
    if cadre is not None:
        records = [r for r in records if r.cadre_id == cadre]
        if not records:
            raise InputError(f"Không có cán bộ mã '{cadre}' trong các tệp xếp loại đã cho.")
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_bytes_atomic(out / record_name(r.cadre_id), write_record_workbook(r, settings))
        for r in records
    ]
    if cadre is None:
        written.append(write_bytes_atomic(out / TABLE_NAME, write_record_table(records, settings)))
    return written
