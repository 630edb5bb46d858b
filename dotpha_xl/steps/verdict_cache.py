"""Each returned file read once: the verdicts of the batch reader kept by the file's hash.

:class:`VerdictCache` is called exactly like :func:`~dotpha_xl.steps.batch.read_batch` and gives
the very same verdicts; a file whose bytes (sha256), name, kind and period were read before is
not opened again.  ``consolidate(..., reader=cache)`` therefore redoes only the roll-up after
one new file, which is what the web desk (``dotpha serve``) and ``dotpha consolidate --cache``
rely on.

* Finding a file's hash costs a read of its bytes, not a parse; a file whose path, size,
  modification time and inode are unchanged keeps the hash found before (no read at all).
* The item rows of evaluated tasks live in the cache's own item store, so that a cached verdict
  is handed out with its rows at no cost.
* Files read for the first time are recorded in ``ledger`` when one is given, as the batch
  readers' callers do (plans and reports; a ``plan_identity`` peek is not an intake).
* The roster and the assignments table are kept the same way (:meth:`table`), read again only
  when their bytes change.
* :meth:`save` and :func:`load_cache` keep the verdicts and tables in one pickle file
  (``--cache DIR``), for the next run.  A cache made with other settings or another version of
  the tool is not used.  The file is the operator's own, written by this tool: keep its folder
  writable by no one else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dotpha_xl import __version__
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.outcomes import FileOutcome
from dotpha_xl.steps.batch import read_batch
from dotpha_xl.store.atomic import write_bytes_atomic
from dotpha_xl.store.item_store import ItemStore, StoredItems

CACHE_FILE = "verdicts.pickle"
#: Bumped whenever what a verdict holds changes shape.
CACHE_FORMAT = 2  # 2: task outcomes carry the plan's narrative (plan_notes)

Key = tuple[str, str, str, str]  # kind, period code, file name, sha256
Stat = tuple[int, int, int]  # size, mtime_ns, inode


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _KeepPacked:
    """An item store for :func:`read_batch` that hands the packed rows back unchanged."""

    def add(self, packed: bytes) -> bytes:
        return packed


class VerdictCache:
    """``read_batch`` with memory: verdicts by (kind, period, file name, sha256)."""

    def __init__(self, settings: Settings, *, ledger: Any = None) -> None:
        self.settings = settings
        self.ledger = ledger
        self.items = ItemStore()
        self._verdicts: dict[Key, FileOutcome] = {}
        self._tables: dict[tuple[str, str, str], Any] = {}
        self._hashes: dict[str, tuple[Stat, str]] = {}
        self._lock = threading.RLock()
        self.reads = 0  # files opened by this cache since it was made (a measure for tests)

    def __len__(self) -> int:
        return len(self._verdicts)

    def __bool__(self) -> bool:  # an empty cache is still a reader
        return True

    def sha256_of(self, path: Path) -> str:
        """The file's sha256; read again only when its size, time or inode changed."""
        info = path.stat()
        stat = (info.st_size, info.st_mtime_ns, info.st_ino)
        known = self._hashes.get(str(path))
        if known is not None and known[0] == stat:
            return known[1]
        digest = file_sha256(path)
        self._hashes[str(path)] = (stat, digest)
        return digest

    def __call__(
        self,
        kind: str,
        paths: Sequence[Path],
        settings: Settings,
        *,
        period_code: str = "",
        jobs: int = 1,
        progress: Callable[[int, int], None] | None = None,
        item_store: Any = None,
    ) -> list[FileOutcome]:
        """What ``read_batch`` gives for the same arguments; only unknown files are read.

        ``item_store`` is not used: the rows stay in the cache's own store."""
        if settings is not self.settings and settings != self.settings:
            return read_batch(kind, paths, settings, period_code=period_code, jobs=jobs,
                              progress=progress, item_store=item_store)  # fmt: skip
        with self._lock:
            keys = [self._key(kind, period_code, Path(p)) for p in paths]
            todo = [i for i, key in enumerate(keys) if key not in self._verdicts]
            if todo:
                fresh = read_batch(
                    kind, [paths[i] for i in todo], settings, period_code=period_code,
                    jobs=jobs, item_store=_KeepPacked(),
                )  # fmt: skip
                self.reads += len(todo)
                for i, verdict in zip(todo, fresh, strict=True):
                    for task in verdict.tasks:
                        task.items = self.items.add(task.items)
                    self._verdicts[keys[i]] = verdict
                if self.ledger is not None and kind in ("plan", "report"):
                    self.ledger.record_files(
                        kind, [(Path(paths[i]), v) for i, v in zip(todo, fresh, strict=True)],
                        period_key="period" if kind == "report" else "year",
                    )  # fmt: skip
            if progress is not None:
                progress(len(paths), len(paths))
            return [_copy(self._verdicts[key]) for key in keys]

    def _key(self, kind: str, period_code: str, path: Path) -> Key:
        return (kind, period_code if kind == "report" else "", path.name, self.sha256_of(path))

    def table(self, read: Callable[[Path, Settings], Any], path: Path, settings: Settings) -> Any:
        """``read(path, settings)`` (the roster, the assignments), kept by the file's hash: the
        table is read again only when its bytes change.  Its value is not to be changed."""
        if settings is not self.settings and settings != self.settings:
            return read(path, settings)
        with self._lock:
            key = (read.__qualname__, str(path), self.sha256_of(Path(path)))
            if key not in self._tables:
                self._tables = {k: v for k, v in self._tables.items() if k[:2] != key[:2]}
                self._tables[key] = read(path, settings)
                self.reads += 1
            return self._tables[key]

    def verdict(self, kind: str, path: Path, period_code: str = "") -> FileOutcome:
        """The verdict of one file (read now if unknown)."""
        return self(kind, [path], self.settings, period_code=period_code)[0]

    # -- keeping it between runs -------------------------------------------------------------

    def save(self, folder: Path) -> Path:
        """Write the verdicts (with their item rows) to ``folder/verdicts.pickle``."""
        with self._lock:
            entries = []
            for key, verdict in self._verdicts.items():
                tasks = [
                    dataclasses.replace(t, items=t.items._read())
                    if isinstance(t.items, StoredItems)
                    else t
                    for t in verdict.tasks
                ]
                entries.append((key, dataclasses.replace(verdict, tasks=tasks)))
            data = {
                "format": CACHE_FORMAT,
                "version": __version__,
                "settings": _fingerprint(self.settings),
                "verdicts": entries,
                "tables": dict(self._tables),
                "hashes": dict(self._hashes),
            }
        return write_bytes_atomic(
            folder / CACHE_FILE, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        )


def load_cache(folder: Path | None, settings: Settings, *, ledger: Any = None) -> VerdictCache:
    """A cache with the verdicts saved in ``folder`` (none when the folder has none, or when they
    were made by another version of the tool or with other settings)."""
    cache = VerdictCache(settings, ledger=ledger)
    path = None if folder is None else folder / CACHE_FILE
    if path is None or not path.is_file():
        return cache
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)  # the operator's own file, written by save()
    except Exception:  # a damaged cache is only a slower run
        return cache
    if not isinstance(data, dict) or (
        data.get("format"),
        data.get("version"),
        data.get("settings"),
    ) != (CACHE_FORMAT, __version__, _fingerprint(settings)):
        return cache
    for key, verdict in data["verdicts"]:
        for task in verdict.tasks:
            if isinstance(task.items, bytes):
                task.items = cache.items.add(task.items)
        cache._verdicts[key] = verdict
    cache._tables = dict(data.get("tables", {}))
    cache._hashes = {k: v for k, v in data["hashes"].items() if os.path.exists(k)}
    return cache


def _fingerprint(settings: Settings) -> str:
    return hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()


def _copy(verdict: FileOutcome) -> FileOutcome:
    """A copy the roll-up may change: it adds problems to a report, and builds rows from the
    task dicts; the rest is only read."""
    copy = object.__new__(type(verdict))
    copy.__dict__.update(verdict.__dict__)
    copy.problems = list(verdict.problems)
    copy.tasks = [dataclasses.replace(t) for t in verdict.tasks]
    return copy
