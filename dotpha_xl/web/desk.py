"""The desk behind the web pages: the current state of one period's inbox, kept up to date
file by file, and what the pages and the API ask of it (check, submit, status, downloads).

Every figure comes from the steps the command line runs: ``consolidate`` (its roll-up redone over
the verdicts of :class:`~dotpha_xl.steps.verdict_cache.VerdictCache`, so that each file is read
once), the body workbook writer, ``write_summary`` and ``announce``.  The state is rebuilt when
the inputs' names, sizes or times change, and only then.
"""

from __future__ import annotations

import io
import os
import secrets
import threading
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dotpha_xl.domain.periods import parse_period
from dotpha_xl.kernel.problems import ERROR, Problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import ascii_slug
from dotpha_xl.records.consolidation import Consolidation, TaskRow
from dotpha_xl.records.people import Cadre
from dotpha_xl.steps.check_file import FileCheck, annotated, check_bytes
from dotpha_xl.steps.consolidate import consolidate, consolidate_to
from dotpha_xl.steps.verdict_cache import load_cache
from dotpha_xl.store.files import WORKBOOK_SUFFIXES
from dotpha_xl.store.ledger import Ledger

#: Saved to ``--out/cache`` after this many files were read for the first time (and at exit).
SAVE_EVERY = 50


@dataclass(frozen=True)
class DeskConfig:
    roster: Path
    plans: Path
    reports: Path
    period: str
    out: Path
    access: Path
    assignments: Path | None = None
    ledger: Path = Path("dotpha.sqlite")
    jobs: int = 1

    @property
    def cache_dir(self) -> Path:
        return self.out / "cache"


@dataclass
class CadreStatus:
    """One cadre's line on the status page."""

    cadre: Cadre
    plan: str  # "valid" | "late" | "missing" | "none" (no task this period)
    report: str  # "received" | "late" | "missing" | "rejected" | "handed_over" | "none"
    reason: str = ""  # why a report was rejected (the first error, with its cell)
    report_file: str = ""
    received: datetime | None = None
    tasks: list[TaskRow] = field(default_factory=list)

    @property
    def rating(self) -> str:
        """The ratings of the cadre's tasks, comma separated (for sorting and the table)."""
        return ", ".join(t.result.rating or "" for t in self.tasks if t.result.rating)


@dataclass
class State:
    """The inbox as of one moment: the consolidation and each cadre's line."""

    consolidation: Consolidation
    cadres: list[CadreStatus]
    made: datetime
    key: tuple = ()
    #: What was made from this state once and is asked again (the status JSON of a login).
    memo: dict[Any, Any] = field(default_factory=dict)

    def for_bodies(self, bodies: set[str] | None) -> list[CadreStatus]:
        return [s for s in self.cadres if bodies is None or s.cadre.body in bodies]


def totals(lines: list[CadreStatus]) -> dict[str, Any]:
    """The counts shown under the status table."""
    plan = Counter(s.plan for s in lines)
    report = Counter(s.report for s in lines)
    ratings = Counter(t.result.rating for s in lines for t in s.tasks if t.result.rating)
    return {
        "cadres": len(lines),
        "expected": sum(1 for s in lines if s.plan != "none"),
        "plan": dict(plan),
        "report": dict(report),
        "tasks": sum(len(s.tasks) for s in lines),
        "ratings": dict(ratings),
    }


def _reason(problems: list[Problem]) -> str:
    first = next((p for p in problems if p.severity == ERROR), problems[0] if problems else None)
    if first is None:
        return ""
    where = " › ".join(x for x in (first.sheet, first.cell) if x)
    return f"{where}: {first.message}" if where else first.message


class Desk:
    """One period's desk; safe to use from the server's threads."""

    def __init__(self, config: DeskConfig, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.period = parse_period(config.period)
        self.cache = load_cache(config.cache_dir, settings)
        self._lock = threading.RLock()
        self._state: State | None = None
        self._saved_reads = 0

    # -- the current state -------------------------------------------------------------------

    def _inputs_key(self) -> tuple:
        """Names, sizes and times of every input: the state is rebuilt when this changes."""
        out: list[tuple[str, int, int]] = []
        for path in (self.config.roster, self.config.assignments):
            if path is not None and path.exists():
                info = path.stat()
                out.append((str(path), info.st_size, info.st_mtime_ns))
        for folder in (self.config.plans, self.config.reports):
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_file() and entry.name.lower().endswith(WORKBOOK_SUFFIXES):
                        info = entry.stat()
                        out.append((entry.path, info.st_size, info.st_mtime_ns))
        return tuple(sorted(out))

    def state(self) -> State:
        """The state of the inbox now; rebuilt only when an input changed."""
        with self._lock:
            key = self._inputs_key()
            if self._state is not None and self._state.key == key:
                return self._state
            with Ledger(self.config.ledger, command="serve") as ledger:
                self.cache.ledger = ledger
                try:
                    c = consolidate(
                        self.config.roster, self.config.plans, self.config.reports,
                        self.period.code, self.settings,
                        assignments_path=self.config.assignments, jobs=self.config.jobs,
                        reader=self.cache,
                    )  # fmt: skip
                finally:
                    self.cache.ledger = None
            self._state = State(c, self._lines(c), datetime.now(), key)
            if self.cache.reads - self._saved_reads >= SAVE_EVERY:
                self.save()
            return self._state

    def save(self) -> None:
        with self._lock:
            self.config.cache_dir.mkdir(parents=True, exist_ok=True)
            self.cache.save(self.config.cache_dir)
            self._saved_reads = self.cache.reads

    def _lines(self, c: Consolidation) -> list[CadreStatus]:
        tasks: dict[str, list[TaskRow]] = {}
        for row in c.tasks:
            tasks.setdefault(row.cadre.cadre_id, []).append(row)
        missing = {m.cadre.cadre_id: m.reason for m in c.missing}
        rejected: dict[str, list[Problem]] = {}
        for r in c.rejected:
            rejected.setdefault(r.cadre_id, r.problems)
        # the plans judged late by the consolidation (R33: 25/01, or a month after a task
        # assigned later; the first version received), not by a rule of the desk's own
        late_plans = {p.cadre.cadre_id for p in c.late_plans}
        lines = []
        for cadre_id, cadre in c.cadres.items():
            rows = tasks.get(cadre_id, [])
            line = CadreStatus(cadre, plan="none", report="none", tasks=rows)
            if rows:
                line.report_file = rows[0].report_file
                line.received = rows[0].received
                handed = any("handed_over" in r.flags for r in rows)
                line.report = "handed_over" if handed else (
                    "late" if any(r.late for r in rows) else "received")  # fmt: skip
                line.plan = "valid"
            elif cadre_id in missing:
                line.plan = "missing" if missing[cadre_id] == "no_plan" else "valid"
                line.report = "missing"
                if cadre_id in rejected:
                    line.report = "rejected"
                    line.reason = _reason(rejected[cadre_id])
            if line.plan == "valid" and cadre_id in late_plans:
                line.plan = "late"
            lines.append(line)
        return lines

    # -- checking and submitting ---------------------------------------------------------------

    def check(self, data: bytes, name: str) -> FileCheck:
        return check_bytes(
            data, name, self.settings, period_code=self.period.code,
            cadres=self.state().consolidation.cadres,
        )  # fmt: skip

    @staticmethod
    def annotated(data: bytes, check: FileCheck) -> bytes | None:
        return annotated(data, check)

    def body_of(self, cadre_id: str) -> str | None:
        cadre = self.state().consolidation.cadres.get(cadre_id)
        return cadre.body if cadre else None

    def store(self, data: bytes, check: FileCheck) -> Path:
        """Put a checked file into the inbox (reports) or the plans folder under a name the
        server makes, and record it in the ledger.  The upload's own name is never used."""
        folder = self.config.reports if check.form == "report" else self.config.plans
        suffix = f".{check.kind}" if f".{check.kind}" in WORKBOOK_SUFFIXES else ".xlsx"
        stamp = datetime.now().strftime("%Y%m%d_%H%M%S")
        form = "bao_cao" if check.form == "report" else "ke_hoach"
        name = (
            f"{ascii_slug(check.cadre_id, 20)}_{form}_{ascii_slug(check.period, 20)}_"
            f"web_{stamp}_{secrets.token_hex(3)}{suffix}"
        )
        path = folder / name
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            tmp = folder / f".{name}.part"
            tmp.write_bytes(data)
            tmp.replace(path)  # appears whole in the inbox, as a copied file would
            key = "period" if check.form == "report" else "year"
            verdict = self.cache.verdict(check.form, path, self.period.code)
            with Ledger(self.config.ledger, command="serve") as ledger:
                ledger.record_files(check.form, [(path, verdict)], period_key=key)
        return path

    # -- downloads -----------------------------------------------------------------------------

    def body_workbook(self, body: str) -> bytes:
        from dotpha_xl.xlsx.body_workbook import write_body_workbook

        return write_body_workbook(self.state().consolidation, body, self.settings)

    def consolidated_dir(self) -> Path:
        """``--out/tong_hop_PERIOD``: what ``dotpha consolidate --out`` writes, made now from
        the current state (the verdicts cached, the roll-up redone)."""
        folder = self.config.out / f"tong_hop_{ascii_slug(self.period.code)}"
        with self._lock:
            consolidate_to(
                folder, self.config.roster, self.config.plans, self.config.reports,
                self.period.code, self.settings, assignments_path=self.config.assignments,
                jobs=self.config.jobs, reader=self.cache,
            )  # fmt: skip
        return folder

    def summary(self) -> bytes:
        """The Organisation Board's summary for the Standing Committee, made now."""
        from dotpha_xl.steps.summary_job import write_summary

        folder = self.consolidated_dir()
        out = self.config.out / f"bao_cao_ban_thuong_vu_{ascii_slug(self.period.code)}.xlsx"
        return write_summary(
            out, self.period.code, self.settings, consolidated=folder
        ).file.read_bytes()

    def notices(self) -> bytes:
        """The notices of every unit (a zip of workbooks), made now."""
        from dotpha_xl.steps.tenure_events import announce

        folder = self.consolidated_dir() if self.period.kind == "year" else None
        out = self.config.out / f"thong_bao_{ascii_slug(self.period.code)}"
        run = announce(self.config.roster, self.config.plans, out, self.settings,
                       consolidated_dir=folder)  # fmt: skip
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in run.files:
                archive.write(path, path.name)
        return buffer.getvalue()

    def report_path(self, cadre_id: str) -> Path | None:
        """The file of the cadre's report in force, if any."""
        for line in self.state().cadres:
            if line.cadre.cadre_id == cadre_id and line.report_file:
                path = self.config.reports / line.report_file
                return path if path.is_file() else None
        return None
