"""A task's figures and rating for one report period, from its checked plan and item completions.

This is the one place that decides which node a report rates: an annual task is rated on its
year; a period task on the year being reported in an annual report, and on the whole period in the
report of its final year (Art. 5.1 d, 7).  Quarterly, half-year and ad hoc reports carry figures
but no rating, except for a task already completed before the fourth quarter (Art. 7.1, the rule
``domain.decisions.rated_early``: rated in the report made at its completion; flag
``completed_early``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction

from dotpha_xl.domain.decisions import (
    RATES_PERIOD,
    rated_early,
    rated_scopes,
    rating_that_counts,
    self_rating_check,
)
from dotpha_xl.domain.periods import ReportPeriod, rates_whole_period
from dotpha_xl.domain.ratings import DEFAULT_THRESHOLDS, RatingThresholds, rate
from dotpha_xl.domain.rollup import Figures, completion_of, expected_completions, roll_up
from dotpha_xl.domain.tree import Node
from dotpha_xl.kernel.keys import NodeKey

#: Flag codes a task result may carry (consolidation adds ``late``).
FLAG_FORCE_MAJEURE = "force_majeure"
FLAG_BEHIND = "behind_schedule"
FLAG_SELF_ABOVE = "self_rating_above"
FLAG_SELF_BELOW = "self_rating_below"
FLAG_COMPLETED_EARLY = "completed_early"


@dataclass(frozen=True)
class TaskResult:
    task_key: str
    period: str
    start_year: int
    end_year: int
    expected_to_date: Fraction | None
    completion_quarter: Fraction | None
    completion_year: Fraction | None
    completion_year_raw: Fraction | None
    completion_period: Fraction | None
    completion_period_raw: Fraction | None
    rating: str | None
    rating_raw: str | None
    self_rating: str | None
    force_majeure_items: tuple[str, ...]
    whole_period: bool
    completed_early: bool
    figures: Mapping[str, Figures]
    figures_raw: Mapping[str, Figures]
    #: The two ratings of form 03, column 7 ("theo năm và giai đoạn"), each with its raw
    #: figure's rating and the cadre's self-rating on its row: the year being reported (an
    #: annual report; an annual task completed early) and the whole period (a period task's
    #: final year, or completed early).  ``rating`` above is the one that counts
    #: (``domain.decisions.rating_that_counts``), ``self_rating`` the self-rating beside it.
    rating_year: str | None = None
    rating_year_raw: str | None = None
    rating_period: str | None = None
    rating_period_raw: str | None = None
    self_rating_year: str | None = None
    self_rating_period: str | None = None
    #: A period task's whole-period figure expected by the report's end: every item of a month
    #: ended by then counts 100, those of the earlier years included.
    expected_period: Fraction | None = None

    @property
    def behind_schedule(self) -> Fraction | None:
        """Expected minus achieved to date, for the year being reported (positive when late)."""
        if self.expected_to_date is None or self.completion_year is None:
            return None
        return self.expected_to_date - self.completion_year

    @property
    def flags(self) -> list[str]:
        flags: list[str] = []
        if self.completed_early:
            flags.append(FLAG_COMPLETED_EARLY)
        if self.force_majeure_items:
            flags.append(FLAG_FORCE_MAJEURE)
        behind = self.behind_schedule
        if behind is not None and behind > 0:
            flags.append(FLAG_BEHIND)
        check = self_rating_check(
            [
                (self.self_rating_year, self.rating_year),
                (self.self_rating_period, self.rating_period),
                (self.self_rating, self.rating),
            ]
        )
        if check == "above":
            flags.append(FLAG_SELF_ABOVE)
        elif check == "below":
            flags.append(FLAG_SELF_BELOW)
        return flags


def year_node_key(task_root: Node, start_year: int, year: int) -> NodeKey | None:
    """The node that holds calendar ``year`` of a task: the root of an annual task, else Y{n}."""
    key = task_root.key
    if key.section == "A":
        return key if year == start_year else None
    index = year - start_year + 1
    wanted = key.child(index)
    return wanted if any(c.key == wanted for c in task_root.children) else None


def _year_node(task_root: Node, start_year: int, year: int) -> Node | None:
    """The node :func:`year_node_key` names, itself."""
    key = year_node_key(task_root, start_year, year)
    if key is None:
        return None
    if key == task_root.key:
        return task_root
    return next(c for c in reversed(task_root.children) if c.key == key)


def evaluate_task(
    root: Node,
    start_year: int,
    end_year: int,
    period: ReportPeriod,
    completions: Mapping[str, Fraction],
    force_majeure: Collection[str] = (),
    self_rating: str | None = None,
    thresholds: RatingThresholds = DEFAULT_THRESHOLDS,
    *,
    self_rating_year: str | None = None,
) -> TaskResult:
    """Every figure a report of ``period`` shows for one task, exact.

    ``self_rating`` is the cadre's self-rating of what the report rates for the task (the year,
    or the whole period in a period task's final year or when completed early);
    ``self_rating_year`` the one on the year's row of a period task's final year (the year is
    rated there too, reading R30)."""
    wanted = force_majeure if isinstance(force_majeure, (set, frozenset)) else set(force_majeure)
    fm = tuple(k for k in (str(i.key) for i in root.items()) if k in wanted) if wanted else ()
    adjusted = roll_up(root, completions, fm)
    raw = roll_up(root, completions) if fm else adjusted  # nothing left out: the same sums

    year_node = _year_node(root, start_year, period.year)
    year_key = year_node.key if year_node is not None else None
    year = str(year_key) if year_key else None
    quarter = None
    expected_to_date = expected_period = None
    if year_node is not None:
        quarter = str(year_key.child((period.end.month - 1) // 3 + 1))
        if root.key.section == "B":
            # The whole period's expected figure counts the earlier years' items as due too;
            # the year's is the same roll-up on its subtree (a node's completion is its own).
            expected = expected_completions(root, period.end, start_year)
            expected_period = completion_of(root, expected, fm)
        else:
            expected = expected_completions(year_node, period.end, start_year)
        expected_to_date = completion_of(year_node, expected, fm)

    def pick(figs: Mapping[str, Figures], key: str | None) -> Fraction | None:
        return figs[key].completion if key is not None and key in figs else None

    task = str(root.key)
    is_period_task = root.key.section == "B"
    completion_year = pick(adjusted, year)
    completion_year_raw = pick(raw, year)
    completion_period = pick(adjusted, task) if is_period_task else None
    completion_period_raw = pick(raw, task) if is_period_task else None
    whole_period = rates_whole_period(period, root.key.section, end_year)

    rating = rating_raw = None
    rating_year = rating_year_raw = rating_period = rating_period_raw = None
    completed_early = False
    if period.kind != "year":
        # Art. 7.1 and 7.3 a: a task completed before the fourth quarter is rated in the report
        # made at its completion (the whole period for a period task).
        done = completion_period if is_period_task else completion_year
        if rated_early(period, done):
            completed_early = True
            whole_period = is_period_task
            rating = rate(done, thresholds)
            raw_done = completion_period_raw if is_period_task else completion_year_raw
            rating_raw = rate(raw_done, thresholds) if raw_done is not None else None
            if is_period_task:
                rating_period, rating_period_raw = rating, rating_raw
            else:
                rating_year, rating_year_raw = rating, rating_raw

    def rated(figure: Fraction | None) -> str | None:
        return rate(figure, thresholds) if figure is not None else None

    scopes = rated_scopes(root.key.section, period, end_year)
    if scopes:  # an annual report: the year, and a period task's final year the period too
        rating_year, rating_year_raw = rated(completion_year), rated(completion_year_raw)
        if RATES_PERIOD in scopes:
            rating_period = rated(completion_period)
            rating_period_raw = rated(completion_period_raw)
        rating = rating_that_counts(rating_year, rating_period)
        rating_raw = rating_that_counts(rating_year_raw, rating_period_raw)
    own_period = self_rating if whole_period else None
    own_year = self_rating_year if whole_period else (self_rating if rating_year else None)

    return TaskResult(
        task_key=task,
        period=period.code,
        start_year=start_year,
        end_year=end_year,
        expected_to_date=expected_to_date,
        completion_quarter=pick(adjusted, quarter),
        completion_year=completion_year,
        completion_year_raw=completion_year_raw,
        completion_period=completion_period,
        completion_period_raw=completion_period_raw,
        rating=rating,
        rating_raw=rating_raw,
        self_rating=self_rating,
        force_majeure_items=fm,
        whole_period=whole_period,
        completed_early=completed_early,
        figures=adjusted,
        figures_raw=raw,
        rating_year=rating_year,
        rating_year_raw=rating_year_raw,
        rating_period=rating_period,
        rating_period_raw=rating_period_raw,
        self_rating_year=own_year,
        self_rating_period=own_period,
        expected_period=expected_period,
    )
