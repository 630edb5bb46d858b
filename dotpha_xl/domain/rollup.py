"""Exact roll-up of item completions through a checked plan tree (DOMAIN.md, "The arithmetic").

completion(node) = Σ weight(child) × completion(child) / 100, in ``Fraction`` from end to end.

Force majeure: an item so marked is left out and its siblings' weights are scaled up to 100; a
node whose children are all left out is left out of its own parent, and so on up.  The raw figure
is the same sum with nothing left out.  Expected-by-date is the same sum with every item of a month
ending on or before the date counted as 100 and later items as 0.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from dotpha_xl.domain.keys import ITEM, MONTH, QUARTER, TASK, YEAR
from dotpha_xl.domain.tree import HUNDRED, Node, item_calendar_month

ZERO = Fraction(0)


@dataclass(frozen=True)
class Figures:
    """A node's figures in one roll-up.

    ``completion`` is in percent of the node's own plan (``None`` when the node is left out for
    force majeure); ``weight`` is its effective weight in percent of its parent after siblings
    left out were taken away; ``share`` is its contribution to the parent (weight × completion).
    """

    completion: Fraction | None
    weight: Fraction

    @property
    def left_out(self) -> bool:
        return self.completion is None

    @property
    def share(self) -> Fraction | None:
        if self.completion is None:
            return None
        return self.weight * self.completion / HUNDRED


def roll_up(
    root: Node,
    completions: Mapping[str, Fraction],
    left_out: Collection[str] = (),
) -> dict[str, Figures]:
    """Figures of every node of a checked tree, keyed by row key.

    ``completions`` maps item keys to their completion in percent (a missing item counts 0);
    ``left_out`` holds the keys of items marked force majeure.
    """
    completion: dict[str, Fraction | None] = {}
    root_key = str(root.key)
    weight: dict[str, Fraction] = {root_key: HUNDRED}
    order: list[str] = []  # the keys in ``root.walk()`` order, each made once

    def visit(node: Node, key: str) -> Fraction | None:
        order.append(key)
        value: Fraction | None
        if node.level == ITEM:
            value = None if key in left_out else completions.get(key, ZERO)
        elif not node.children:  # a node of weight 0 may have none
            value = ZERO
        else:
            values = [(child, str(child.key)) for child in node.children]
            values = [(child, k, visit(child, k)) for child, k in values]
            total = sum((c.weight for c, _, v in values if v is not None), ZERO)
            value = None if total == 0 else ZERO
            weighted = ZERO  # Σ weight × completion; divided by the total once, exactly
            for child, k, child_value in values:
                if value is None or child_value is None:
                    weight[k] = ZERO
                    continue
                weight[k] = child.weight * HUNDRED / total
                weighted += child.weight * child_value
            if value is not None:
                value = weighted / total
        completion[key] = value
        return value

    visit(root, root_key)
    return {k: Figures(completion[k], weight[k]) for k in order}


def expected_completions(root: Node, as_of: date, start_year: int) -> dict[str, Fraction]:
    """Item completions as planned by ``as_of``: 100 for months ended by then, else 0."""
    out: dict[str, Fraction] = {}
    for item in root.items():
        year, month = item_calendar_month(item.key, start_year)
        month_end = date(year, month, calendar.monthrange(year, month)[1])
        out[str(item.key)] = HUNDRED if month_end <= as_of else ZERO
    return out


#: The official columns of forms 02 and 03, by the level whose figure each shows.
OFFICIAL_COLUMNS = ("quarter", "year", "period")


def official_columns(root: Node, figures: Mapping[str, Figures]) -> dict[str, dict[str, Fraction]]:
    """The figures the forms print in "Theo quý", "Theo năm" and "Theo giai đoạn" for each row.

    A month row shows its share of the quarter under "Theo quý"; a quarter row its completion
    there and its share of the year under "Theo năm"; a year row its completion under "Theo năm"
    and its share of the period under "Theo giai đoạn"; the task row its completion under
    "Theo năm" (annual) or "Theo giai đoạn" (period).  Rows left out show nothing.
    """
    out: dict[str, dict[str, Fraction]] = {}
    for node in root.walk():
        fig = figures.get(str(node.key))
        if fig is None or fig.completion is None:
            continue
        cols: dict[str, Fraction] = {}
        level = node.level
        if level == MONTH:
            cols["quarter"] = fig.share
        elif level == QUARTER:
            cols["quarter"] = fig.completion
            cols["year"] = fig.share
        elif level == YEAR:
            cols["year"] = fig.completion
            cols["period"] = fig.share
        elif level == TASK:
            cols["year" if node.key.section == "A" else "period"] = fig.completion
        if cols:
            out[str(node.key)] = cols
    return out
