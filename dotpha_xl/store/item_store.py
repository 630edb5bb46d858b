"""Item rows of a consolidation, kept on disk while it runs so that memory stays flat as the
number of reports grows.

A consolidation of ten thousand reports holds some 360,000 item rows; only the body workbooks'
"Chi tiết" sheets and the tenure lists need them, one task at a time.  The worker that reads a
report packs each task's item rows into bytes (:func:`pack_items`); the parent appends them to
one temporary file (:class:`ItemStore`) and keeps only where they are (:class:`StoredItems`, a
path, an offset and a length), which is small, picklable, and iterates the rows back in any
process that can read the file.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from dotpha_xl.kernel.text import percent_cell
from dotpha_xl.records.items import ItemRow, ShownItem, shown_row, unfinished


def _ratio(value: Fraction | None) -> tuple[int, int] | None:
    return None if value is None else (value.numerator, value.denominator)


def _fraction(pair: tuple[int, int] | None) -> Fraction | None:
    return None if pair is None else Fraction(*pair)


def shown_items(items: Iterable[ItemRow]) -> Iterator[ShownItem]:
    """The rows of ``items`` as shown; for stored rows, as worked out when they were packed."""
    if isinstance(items, StoredItems):
        return items.shown()
    return map(shown_row, items)


def unfinished_items(items: Iterable[ItemRow]) -> list[dict[str, Any]]:
    """:func:`unfinished` of ``items``; for stored rows, as worked out when they were packed."""
    if isinstance(items, StoredItems):
        return items.unfinished()
    return unfinished(items)


def unfinished_of(row: Any) -> list[dict[str, Any]]:
    """A task row's unfinished items: as a loaded consolidation JSON gave them (``row.unfinished``),
    else worked out from its item rows."""
    return row.unfinished if row.unfinished is not None else unfinished_items(row.items)


def pack_items(rows: Sequence[ItemRow]) -> bytes:
    """Item rows as compact bytes (plain tuples; exact values as integer pairs; and as shown),
    with their unfinished items worked out once, where the rows are made."""
    packed = [
        (r.key, r.content, r.product, _ratio(r.weight), r.actual_product,
         _ratio(r.completion), r.force_majeure, r.fm_reason,
         percent_cell(r.weight), percent_cell(r.completion))
        for r in rows
    ]  # fmt: skip
    return pickle.dumps((packed, unfinished(rows)), protocol=pickle.HIGHEST_PROTOCOL)


def unpack_items(data: bytes) -> list[ItemRow]:
    packed, _ = pickle.loads(data)
    return [
        ItemRow(key, content, product, _fraction(w), actual, _fraction(c), fm, reason)
        for key, content, product, w, actual, c, fm, reason, _, _ in packed
    ]


@dataclass(frozen=True)
class StoredItems:
    """Where one task's item rows wait in an :class:`ItemStore`; iterating reads them back."""

    path: str
    offset: int
    length: int

    def __iter__(self) -> Iterator[ItemRow]:
        return iter(unpack_items(self._read()))

    def shown(self) -> Iterator[ShownItem]:
        """The rows as shown, without making their exact values again."""
        packed, _ = pickle.loads(self._read())
        for key, content, product, _, actual, _, fm, reason, weight, completion in packed:
            yield ShownItem(key, content, product, weight, actual, completion, fm, reason)

    def unfinished(self) -> list[dict[str, Any]]:
        """:func:`unfinished` of these rows, as worked out when they were packed."""
        return pickle.loads(self._read())[1]

    def _read(self) -> bytes:
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            return f.read(self.length)


class ItemStore:
    """An append-only temporary file of packed item rows, removed when the store is collected
    (or at exit).  Only its creator writes; any process may read what :meth:`add` returned."""

    def __init__(self, directory: str | None = None) -> None:
        fd, self.path = tempfile.mkstemp(prefix="dotpha_items_", suffix=".bin", dir=directory)
        self._file = os.fdopen(fd, "wb", buffering=0)  # readable elsewhere as soon as added
        self._end = 0
        self._finalizer = weakref.finalize(self, _remove, self._file, self.path, os.getpid())

    def add(self, packed: bytes) -> StoredItems:
        self._file.write(packed)
        stored = StoredItems(self.path, self._end, len(packed))
        self._end += len(packed)
        return stored

    def close(self) -> None:
        self._finalizer()

    def __reduce__(self):  # a store stays with its creator
        raise TypeError("ItemStore is not sent to other processes; send StoredItems")


def _remove(file: object, path: str, creator: int) -> None:
    if os.getpid() != creator:  # a forked worker's copy: the file is its creator's to remove
        return
    try:
        file.close()  # type: ignore[attr-defined]
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
