"""A task's item rows as records: what a report gives for each item, and the same row as the
workbooks show it (``dotpha_xl.store.item_store`` keeps them on disk during a consolidation)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

from dotpha_xl.kernel.text import percent_cell, round_half_up

ZERO = Fraction(0)


@dataclass
class ItemRow:
    """One item of a task as a report gives it: the plan's wording and what the cadre typed."""

    key: str
    content: str
    product: str
    weight: Fraction | None
    actual_product: str
    completion: Fraction | None
    force_majeure: bool
    fm_reason: str


def unfinished(rows: Iterable[ItemRow]) -> list[dict[str, Any]]:
    """Items below 100 % and not marked force majeure, as a carry-over lists them (completion
    rounded half up to 2 decimals)."""
    return [
        {
            "key": r.key,
            "content": r.content,
            "product": r.product,
            "completion": round_half_up(r.completion or ZERO, 2),
            "completion_exact": str(r.completion or ZERO),
        }
        for r in rows
        if r.weight and not r.force_majeure and (r.completion or 0) < 100
    ]


class ShownItem(NamedTuple):
    """An item row as the workbooks show it: percents as percent cells store them."""

    key: str
    content: str
    product: str
    weight: float | None
    actual_product: str
    completion: float | None
    force_majeure: bool
    fm_reason: str


def shown_row(r: ItemRow) -> ShownItem:
    return ShownItem(r.key, r.content, r.product, percent_cell(r.weight), r.actual_product,
                     percent_cell(r.completion), r.force_majeure, r.fm_reason)  # fmt: skip
