"""Handover arithmetic (docs/regulation.md, "Handover arithmetic"; Art. 2.4, 4.4 b).

A cadre who leaves on day d reports as of d.  With C_d the task's completion in that report and
E_d the completion expected at d (items of months ended by d count 100, later ones 0):

- the leaver's attainment is A_d = min(100, 100 × C_d / E_d), rated with the usual thresholds;
  with E_d = 0 there is no attainment and no rating, only C_d;
- the successor's own figure at the year's end is O = 100 × (C_end − C_d) / (100 − C_d), and the
  successor is rated on O; with C_d = 100 there is nothing left to do and no O.

Everything is an exact ``Fraction``; nothing here rounds.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from dotpha_xl.domain.ratings import DEFAULT_THRESHOLDS, RatingThresholds, rate
from dotpha_xl.domain.rollup import expected_completions, roll_up
from dotpha_xl.domain.tree import HUNDRED, Node


def attainment(completion: Fraction, expected: Fraction) -> Fraction | None:
    """A_d = min(100, 100 × C_d / E_d); ``None`` when nothing was expected yet (E_d = 0)."""
    if expected <= 0:
        return None
    return min(HUNDRED, HUNDRED * completion / expected)


def own_completion(completion_end: Fraction, completion_at_handover: Fraction) -> Fraction | None:
    """O = 100 × (C_end − C_d) / (100 − C_d); ``None`` when the task was done at handover."""
    if completion_at_handover >= HUNDRED:
        return None
    return HUNDRED * (completion_end - completion_at_handover) / (HUNDRED - completion_at_handover)


@dataclass(frozen=True)
class Handover:
    """One task's figures at the handover day."""

    task_key: str
    handover_on: date
    completion: Fraction  # C_d
    expected: Fraction  # E_d
    attainment: Fraction | None  # A_d
    rating: str | None  # rating of A_d


def year_root(root: Node, start_year: int, year: int) -> Node | None:
    """The node holding calendar ``year``: the task itself when annual, else its year node."""
    if root.key.section == "A":
        return root if year == start_year else None
    wanted = root.key.child(year - start_year + 1)
    return next((c for c in root.children if c.key == wanted), None)


def handover_figures(
    root: Node,
    start_year: int,
    handover_on: date,
    completions: Mapping[str, Fraction],
    force_majeure: Collection[str] = (),
    thresholds: RatingThresholds = DEFAULT_THRESHOLDS,
) -> Handover:
    """C_d, E_d, A_d and its rating for one task, on the year of the handover day."""
    node = year_root(root, start_year, handover_on.year) or root
    key = str(node.key)
    left_out = [str(i.key) for i in root.items() if str(i.key) in set(force_majeure)]
    done = roll_up(root, completions, left_out)[key].completion
    plan = roll_up(root, expected_completions(root, handover_on, start_year), left_out)
    expected = plan[key].completion
    c_d = done if done is not None else Fraction(0)
    e_d = expected if expected is not None else Fraction(0)
    a_d = attainment(c_d, e_d)
    return Handover(
        task_key=str(root.key),
        handover_on=handover_on,
        completion=c_d,
        expected=e_d,
        attainment=a_d,
        rating=rate(a_d, thresholds) if a_d is not None else None,
    )


def successor_rating(
    completion_end: Fraction,
    completion_at_handover: Fraction,
    thresholds: RatingThresholds = DEFAULT_THRESHOLDS,
) -> tuple[Fraction | None, str | None]:
    """(O, its rating) for the successor; (None, None) when C_d was already 100."""
    own = own_completion(completion_end, completion_at_handover)
    return own, (rate(own, thresholds) if own is not None else None)
