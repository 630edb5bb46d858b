"""The intake ledger: every file a command reads, recorded in an embedded SQLite database.

One row per *version* of a submission.  A submission's identity is ``(form, cadre_id, period)``
(for a plan the period is its plan year).  Reading a file gives one of four statuses:

* ``new``: the first version of that identity;
* ``updated``: other bytes for an identity already recorded: a new row that supersedes the
  latest earlier one (both rows stay);
* ``unchanged``: bytes already recorded for that identity: nothing is added;
* ``rejected``: the file could not be read or is invalid (recorded once per distinct bytes).

Standard library only: no Excel and no click here.  See docs/ledger.md.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

DEFAULT_LEDGER = "dotpha.sqlite"
STATUSES = ("new", "updated", "unchanged", "rejected")
SCHEMA_VERSION = 2  # 2: ``received`` (when the file was received: receipts, else its mtime)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS intake (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256      TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    path        TEXT    NOT NULL,
    file        TEXT    NOT NULL,
    first_seen  TEXT    NOT NULL,
    mtime       TEXT,
    form        TEXT    NOT NULL,
    cadre_id    TEXT    NOT NULL DEFAULT '',
    period      TEXT    NOT NULL DEFAULT '',
    verdict     TEXT    NOT NULL CHECK (verdict IN ('valid', 'warning', 'rejected')),
    status      TEXT    NOT NULL CHECK (status IN ('new', 'updated', 'rejected')),
    supersedes  INTEGER REFERENCES intake(id),
    command     TEXT    NOT NULL DEFAULT '',
    problems    TEXT    NOT NULL DEFAULT '[]',
    received    TEXT
);
CREATE INDEX IF NOT EXISTS intake_identity ON intake (form, cadre_id, period);
CREATE TABLE IF NOT EXISTS completions (
    cadre_id    TEXT    NOT NULL,
    period      TEXT    NOT NULL,
    period_end  TEXT    NOT NULL,
    item_key    TEXT    NOT NULL,
    completion  TEXT    NOT NULL,
    file        TEXT    NOT NULL,
    PRIMARY KEY (cadre_id, period, item_key)
);
CREATE INDEX IF NOT EXISTS intake_sha256 ON intake (sha256);
"""


class ReadFile(Protocol):
    """What the ledger needs of a file read by a reader (``PlanFile``, ``ReportFile``)."""

    file: str
    meta: dict[str, str]
    problems: list[Any]
    sha256: str
    size: int


@dataclass(frozen=True)
class Version:
    """One row of the ledger."""

    id: int
    sha256: str
    size: int
    path: str
    file: str
    first_seen: str
    mtime: str
    form: str
    cadre_id: str
    period: str
    verdict: str
    status: str
    supersedes: int | None
    command: str
    problems: list[dict[str, str]]
    received: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "size": self.size,
            "path": self.path,
            "file": self.file,
            "first_seen": self.first_seen,
            "mtime": self.mtime,
            "form": self.form,
            "cadre_id": self.cadre_id,
            "period": self.period,
            "verdict": self.verdict,
            "status": self.status,
            "supersedes": self.supersedes,
            "command": self.command,
            "problems": self.problems,
            "received": self.received,
        }


def verdict_of(problems: Iterable[Any]) -> str:
    """``rejected`` when any problem is an error, ``warning`` when any is a warning, else
    ``valid``."""
    severities = {getattr(p, "severity", "error") for p in problems}
    if "error" in severities:
        return "rejected"
    return "warning" if severities else "valid"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Ledger:
    """The ledger database; ``summary`` counts the statuses of what this object recorded."""

    def __init__(self, path: str | Path = DEFAULT_LEDGER, *, command: str = "") -> None:
        self.path = Path(path)
        self.command = command
        self.summary: Counter[str] = Counter()
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=30)
        self._db.executescript(_SCHEMA)
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(intake)")}
        if "received" not in columns:  # a ledger of schema 1
            self._db.execute("ALTER TABLE intake ADD COLUMN received TEXT")
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- recording ---------------------------------------------------------------------------

    def record(
        self,
        *,
        path: str | Path,
        sha256: str,
        size: int,
        form: str,
        cadre_id: str = "",
        period: str = "",
        problems: Sequence[Any] = (),
        mtime: datetime | None = None,
        now: datetime | None = None,
        commit: bool = True,
        received: datetime | None = None,
    ) -> str:
        """Record one file read; return its status (``new``, ``updated``, ``unchanged``,
        ``rejected``).  ``commit=False`` leaves the commit to the caller (one per batch).

        ``received`` is when the file was received, from a receipts table: kept as the
        version's ``received`` (else its modification time), also for bytes already recorded,
        since the receipts table is the better source."""
        source = Path(path)
        verdict = verdict_of(problems)
        if mtime is None and source.exists():
            mtime = datetime.fromtimestamp(source.stat().st_mtime)
        seen = _iso(now or datetime.now())
        problem_json = json.dumps(
            [p.to_dict() if hasattr(p, "to_dict") else dict(p) for p in problems],
            ensure_ascii=False,
        )
        if verdict == "rejected" or not cadre_id:
            status = "rejected"
            verdict = "rejected"
            known = self._db.execute(
                "SELECT 1 FROM intake WHERE sha256 = ? AND form = ? AND status = 'rejected'",
                (sha256, form),
            ).fetchone()
            if known is None:
                self._insert(source, sha256, size, seen, mtime, form, cadre_id, period, verdict,
                             status, None, problem_json, received or mtime)  # fmt: skip
        else:
            identity = (form, cadre_id, period)
            same = self._db.execute(
                "SELECT 1 FROM intake WHERE form = ? AND cadre_id = ? AND period = ? "
                "AND sha256 = ? AND status != 'rejected'",
                (*identity, sha256),
            ).fetchone()
            latest = self._db.execute(
                "SELECT id FROM intake WHERE form = ? AND cadre_id = ? AND period = ? "
                "AND status != 'rejected' ORDER BY id DESC LIMIT 1",
                identity,
            ).fetchone()
            if same is not None:
                status = "unchanged"
                if received is not None:
                    self._db.execute(
                        "UPDATE intake SET received = ? WHERE form = ? AND cadre_id = ? "
                        "AND period = ? AND sha256 = ? AND status != 'rejected'",
                        (_iso(received), *identity, sha256),
                    )
            else:
                status = "new" if latest is None else "updated"
                self._insert(source, sha256, size, seen, mtime, form, cadre_id, period, verdict,
                             status, latest[0] if latest else None, problem_json,
                             received or mtime)  # fmt: skip
        if commit:
            self._db.commit()
        self.summary[status] += 1
        return status

    def _insert(self, source: Path, sha256: str, size: int, seen: str, mtime: datetime | None,
                form: str, cadre_id: str, period: str, verdict: str, status: str,
                supersedes: int | None, problems: str,
                received: datetime | None = None) -> None:  # fmt: skip
        self._db.execute(
            "INSERT INTO intake (sha256, size, path, file, first_seen, mtime, form, cadre_id, "
            "period, verdict, status, supersedes, command, problems, received) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sha256, size, str(source), source.name, seen, _iso(mtime) if mtime else None, form,
             cadre_id, period, verdict, status, supersedes, self.command, problems,
             _iso(received) if received else None),
        )  # fmt: skip

    def record_files(
        self,
        form: str,
        pairs: Iterable[tuple[Path, ReadFile]],
        *,
        period_key: str,
        received: Mapping[Path, datetime] | None = None,
    ) -> list[str]:
        """Record files read by a reader, oldest modification first (so that within one run the
        latest version of a submission is the one that supersedes); statuses in input order.

        ``period_key`` names the ``_meta`` key that holds the period (``year`` for plans,
        ``period`` for reports); ``received`` gives, by path, the times of a receipts table."""
        items = list(pairs)

        def when(pair: tuple[Path, ReadFile]) -> tuple[float, str]:
            path = pair[0]
            return (path.stat().st_mtime if path.exists() else 0.0, str(path))

        statuses: dict[int, str] = {}
        for index in sorted(range(len(items)), key=lambda i: when(items[i])):
            path, read = items[index]
            statuses[index] = self.record(
                path=path,
                sha256=read.sha256 or _hash(path),
                size=read.size or (path.stat().st_size if path.exists() else 0),
                form=form,
                cadre_id=read.meta.get("cadre_id", ""),
                period=read.meta.get(period_key, ""),
                problems=read.problems,
                commit=False,
                received=(received or {}).get(path),
            )
        self._db.commit()  # the batch is one transaction: one disk sync, not one per file
        return [statuses[i] for i in range(len(items))]

    def record_completions(
        self,
        cadre_id: str,
        period: str,
        period_end: date,
        file: str,
        completions: dict[str, str],
        *,
        commit: bool = True,
    ) -> None:
        """The item completions (exact fractions' texts) of a cadre's accepted report of a
        period, replacing those recorded before for that period.  ``commit=False`` leaves the
        commit to the caller (one per batch: one disk sync, not one per cadre)."""
        self._db.execute(
            "DELETE FROM completions WHERE cadre_id = ? AND period = ?", (cadre_id, period)
        )
        self._db.executemany(
            "INSERT INTO completions VALUES (?, ?, ?, ?, ?, ?)",
            [
                (cadre_id, period, period_end.isoformat(), k, v, file)
                for k, v in completions.items()
            ],
        )
        if commit:
            self._db.commit()

    def commit(self) -> None:
        self._db.commit()

    def previous_completions(self, cadre_id: str, period_end: date) -> dict[str, Fraction]:
        """Item key -> completion in the cadre's latest accepted report of the same year that ends
        before ``period_end`` (empty when there is none)."""
        row = self._db.execute(
            "SELECT period FROM completions WHERE cadre_id = ? AND period_end < ? "
            "AND substr(period_end, 1, 4) = ? ORDER BY period_end DESC LIMIT 1",
            (cadre_id, period_end.isoformat(), f"{period_end.year:04d}"),
        ).fetchone()
        if row is None:
            return {}
        found = self._db.execute(
            "SELECT item_key, completion FROM completions WHERE cadre_id = ? AND period = ?",
            (cadre_id, row[0]),
        ).fetchall()
        return {k: Fraction(v) for k, v in found}

    # -- reading -----------------------------------------------------------------------------

    def first_accepted(self, form: str, period: str) -> dict[str, tuple[str, datetime]]:
        """Cadre id -> (file, when received) of the first version of ``(form, cadre, period)``
        that was accepted (not rejected), by its ``received`` time (else its modification time,
        else when first seen): what lateness is judged on (R22, R33)."""
        found = self._db.execute(
            "SELECT cadre_id, file, COALESCE(received, mtime, first_seen) FROM intake "
            "WHERE form = ? AND period = ? AND verdict != 'rejected' AND cadre_id != ''",
            (form, period),
        ).fetchall()
        out: dict[str, tuple[str, datetime]] = {}
        for cadre_id, file, when in found:
            moment = datetime.fromisoformat(when)
            if cadre_id not in out or (moment, file) < (out[cadre_id][1], out[cadre_id][0]):
                out[cadre_id] = (file, moment)
        return out

    def history(self, cadre_id: str | None = None) -> list[Version]:
        """Every version recorded (of one cadre when given), by identity then arrival."""
        query = "SELECT * FROM intake"
        args: tuple[str, ...] = ()
        if cadre_id:
            query += " WHERE cadre_id = ?"
            args = (cadre_id,)
        query += " ORDER BY cadre_id, form, period, id"
        self._db.row_factory = sqlite3.Row
        try:
            rows = self._db.execute(query, args).fetchall()
        finally:
            self._db.row_factory = None
        return [_version(r) for r in rows]


def _version(r: sqlite3.Row) -> Version:
    fields = {k: r[k] for k in r.keys()}  # noqa: SIM118 - sqlite3.Row is not a mapping
    fields["mtime"] = fields["mtime"] or ""
    fields["received"] = fields.get("received") or ""
    fields["problems"] = json.loads(fields["problems"] or "[]")
    return Version(**fields)


def _hash(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def render_summary(summary: Counter[str]) -> str:
    """The intake summary line, in Vietnamese."""
    return (
        f"Sổ tiếp nhận: {summary['new']} mới, {summary['updated']} cập nhật, "
        f"{summary['unchanged']} không đổi, {summary['rejected']} bị từ chối."
    )


def render_version(v: Version) -> str:
    """One line of ``dotpha history``."""
    return "  ".join(
        [
            v.first_seen,
            v.mtime or "-",
            v.file,
            v.form,
            v.period or "-",
            v.verdict,
            v.status,
            v.sha256[:12],
        ]
    )
