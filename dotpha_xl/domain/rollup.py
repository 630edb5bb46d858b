"""Exact roll-up of item completions through a checked plan tree (docs/regulation.md, "Exact
arithmetic").

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
from functools import lru_cache

from dotpha_xl.domain.tree import HUNDRED, Node, item_calendar_month
from dotpha_xl.kernel.keys import MONTH, QUARTER, TASK, YEAR

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


_PENDING: Figures = Figures(None, ZERO)  # a place held in ``roll_up``'s result, always filled


def roll_up(
    root: Node,
    completions: Mapping[str, Fraction],
    left_out: Collection[str] = (),
) -> dict[str, Figures]:
    """Figures of every node of a checked tree, keyed by row key.

    ``completions`` maps item keys to their completion in percent (a missing item counts 0);
    ``left_out`` holds the keys of items marked force majeure.

    The sums are kept as integer numerator/denominator pairs and made into one ``Fraction`` per
    node at the end: exactly the same figures as summing ``Fraction`` by ``Fraction``, without
    reducing by a gcd at every step.
    """
    out: dict[str, Figures] = {}
    left = left_out if isinstance(left_out, (set, frozenset)) else frozenset(left_out)
    get = completions.get

    def visit(node: Node, key: str) -> Fraction | None:
        out[key] = _PENDING  # holds the key's place in walk order; its parent fills it in
        if node.key.item is not None:
            return None if key in left else get(key, ZERO)
        if not node.children:  # a node of weight 0 may have none
            return ZERO
        kids = []
        for child in node.children:
            k = str(child.key)
            if child.key.item is not None:  # an item, inline: most nodes are
                out[k] = _PENDING
                v = None if k in left else get(k, ZERO)
            else:
                v = visit(child, k)
            kids.append((k, child.weight, v))
        tn, td, sn, sd = _sums(kids)
        if tn == 0:  # every child left out, or only children of weight 0 left
            for k, _, v in kids:
                out[k] = Figures(v, ZERO)
            return None
        if tn == 100 * td:  # nothing to scale: the effective weights are the plan's
            for k, w, v in kids:
                out[k] = Figures(v, ZERO if v is None else _fraction(w))
        else:
            for k, w, v in kids:
                weight = ZERO if v is None else Fraction(w.numerator * 100 * td, w.denominator * tn)
                out[k] = Figures(v, weight)
        return Fraction(sn * td, sd * tn)

    root_key = str(root.key)
    out[root_key] = Figures(visit(root, root_key), HUNDRED)
    return out


def completion_of(
    node: Node,
    completions: Mapping[str, Fraction],
    left_out: Collection[str] = (),
) -> Fraction | None:
    """``roll_up(node, completions, left_out)[str(node.key)].completion``, without the rest.

    A node's completion depends on its own subtree only, so this is also its completion in the
    roll-up of any tree holding it.
    """
    left = left_out if isinstance(left_out, (set, frozenset)) else frozenset(left_out)
    get = completions.get

    def visit(node: Node) -> Fraction | None:
        if node.key.item is not None:
            key = str(node.key)
            return None if key in left else get(key, ZERO)
        if not node.children:
            return ZERO
        kids = []
        for child in node.children:
            if child.key.item is not None:  # an item, inline: most nodes are
                k = str(child.key)
                v = None if k in left else get(k, ZERO)
            else:
                v = visit(child)
            kids.append((None, child.weight, v))
        tn, td, sn, sd = _sums(kids)
        return None if tn == 0 else Fraction(sn * td, sd * tn)

    return visit(node)


def _sums(kids: list[tuple[object, Fraction, Fraction | None]]) -> tuple[int, int, int, int]:
    """Σ weight (tn / td) and Σ weight × completion (sn / sd) of the children not left out
    (completion ``None``), as integer pairs: no gcd at every step, exactly the same values."""
    tn, td = 0, 1
    sn, sd = 0, 1
    for _, w, v in kids:
        if v is None:
            continue
        wn, wd = w.numerator, w.denominator
        if wd == td:
            tn += wn
        else:
            tn, td = tn * wd + wn * td, td * wd
        pn, pd = wn * v.numerator, wd * v.denominator
        if pd == sd:
            sn += pn
        else:
            sn, sd = sn * pd + pn * sd, sd * pd
    return tn, td, sn, sd


def _fraction(value: Fraction | int) -> Fraction:
    return value if type(value) is Fraction else Fraction(value)


def expected_completions(root: Node, as_of: date, start_year: int) -> dict[str, Fraction]:
    """Item completions as planned by ``as_of``: 100 for months ended by then, else 0."""
    out: dict[str, Fraction] = {}
    for item in root.items():
        year, month = item_calendar_month(item.key, start_year)
        out[str(item.key)] = HUNDRED if _month_end(year, month) <= as_of else ZERO
    return out


@lru_cache(maxsize=1024)
def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


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
