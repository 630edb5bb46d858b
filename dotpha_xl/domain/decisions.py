"""The decisions the summary proposes to the Standing Committee, in one place, on exact figures
only (docs/regulation.md: Art. 2.4, 2.5, 7, 9, 10; readings R16, R21–R24).

Every step that decides (evaluation, summary, ratings, carry-over, announcement, body workbooks)
calls these functions; none re-implements them, and none passes a rounded figure.  A task is
described to them by :class:`TaskFacts`, built from a task's exact result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from dotpha_xl.domain.periods import ReportPeriod, rates_whole_period
from dotpha_xl.domain.ratings import (
    DEFAULT_THRESHOLDS,
    HTT,
    HTXS,
    LEVELS,
    compare_self_rating,
    rate,
)
from dotpha_xl.kernel.settings import CADRE_LEVEL_MEAN, CADRE_LEVEL_READINGS, RatingThresholds

HUNDRED = Fraction(100)
ZERO = Fraction(0)

#: Art. 7.1: a task completed *before the fourth quarter* is rated in the report made at its
#: completion; a report whose period ends on or after this day of its year rates nothing early.
FOURTH_QUARTER = (10, 1)

# --- Art. 10: exactly its four grounds, and the signals behind the fourth ----------------------

NOT_REGISTERED = "not_registered"
NOT_CARRIED_OUT = "not_carried_out"
NOT_REPORTED = "not_reported"
UNTRUTHFUL_REPORT = "untruthful_report"

#: The grounds of Art. 10, in its order, with the regulation's words.
GROUNDS: dict[str, str] = {
    NOT_REGISTERED: "Không đăng ký việc đột phá, đổi mới",
    NOT_CARRIED_OUT: "Không thực hiện việc đột phá, đổi mới được giao",
    NOT_REPORTED: "Không báo cáo kết quả thực hiện",
    UNTRUTHFUL_REPORT: "Báo cáo không trung thực (dấu hiệu để cơ quan thẩm định xem xét)",
}

SELF_RATING_ABOVE = "self_rating_above"
COMPLETION_BELOW_PREVIOUS = "completion_below_previous"
DONE_WITHOUT_PRODUCT = "done_without_product"

#: Signals of a possibly untruthful report: never a verdict, each for the body to judge.
SIGNALS: dict[str, str] = {
    SELF_RATING_ABOVE: "Tự nhận mức xếp loại cao hơn mức tính từ kết quả",
    COMPLETION_BELOW_PREVIOUS: "Mức hoàn thành thấp hơn báo cáo trước của chính cán bộ",
    DONE_WITHOUT_PRODUCT: "Ghi hoàn thành 100% nhưng không ghi sản phẩm thực tế",
}

#: The cadre-level cases of a missing plan or report, as consolidation names them.
MISSING_PLAN = "no_plan"
MISSING_REPORT = "no_report"


@dataclass(frozen=True)
class TaskFacts:
    """What the rules read of one cadre's task in one report, every figure exact."""

    section: str  # "A" annual, "B" period task
    period: ReportPeriod
    rating: str | None  # the computed rating, when the task is rated in this report
    rating_raw: str | None  # the rating the raw figure (force majeure not left out) gives
    completion_year: Fraction | None  # adjusted: force-majeure items left out
    expected_to_date: Fraction | None
    handed_over: bool = False  # the row of a cadre who left (Art. 2.4): a conclusion
    #: The exact completion the rating was computed from (the year's, the whole period's, or a
    #: successor's own part), when the task is rated.
    completion_rated: Fraction | None = None


def rated_early(period: ReportPeriod, done: Fraction | None) -> bool:
    """Art. 7.1 and 7.3 a: a task at 100 % in a report whose period ends before the fourth
    quarter is rated in that report.  A Q4, H2 or December report waits for the annual one."""
    if period.kind == "year" or done is None or done < HUNDRED:
        return False
    return period.end < date(period.year, *FOURTH_QUARTER)


def may_rate_early(period: ReportPeriod) -> bool:
    """Whether a report of ``period`` can rate a task early (its forms then offer the
    self-rating and evidence cells on every task row, to fill if the task is completed)."""
    return period.kind != "year" and period.end < date(period.year, *FOURTH_QUARTER)


# --- Art. 5.1 d, 7: what an annual report of a period task rates, and which rating counts -----

#: The two ratings an annual report of a period task can give (form 03, column 7: "theo năm và
#: giai đoạn"): the year being reported, and in the final year the whole period.
RATES_YEAR = "year"
RATES_PERIOD = "period"


def rated_scopes(section: str, period: ReportPeriod, end_year: int) -> tuple[str, ...]:
    """What an annual report rates (reading R30): an annual task its year; a period task the
    year being reported and, in the report of its final year, the whole period too.  Other
    reports rate nothing here (a task completed early: :func:`rated_early`)."""
    if period.kind != "year":
        return ()
    if rates_whole_period(period, section, end_year):
        return (RATES_YEAR, RATES_PERIOD)
    return (RATES_YEAR,)


def rating_that_counts(rating_year: str | None, rating_period: str | None) -> str | None:
    """The task's rating for Art. 7.3 (proposed and decided), Art. 9 (commendation), Art. 10 and
    the cadre's level (R28), reading R31: the whole period's when the report rates it (a period
    task's final year), else the year's.  The year's own rating of a final year is shown beside
    it for the annual review, and is not proposed, decided or commended on its own."""
    return rating_period if rating_period is not None else rating_year


def self_rating_check(pairs: Iterable[tuple[str | None, str | None]]) -> str | None:
    """``"above"`` when any self-rating is above the rating it is set against (year or period,
    reading R19: a signal), else ``"below"`` when any is below (noted), else ``None``."""
    seen = [compare_self_rating(own, computed) for own, computed in pairs]
    if "above" in seen:
        return "above"
    return "below" if "below" in seen else None


def is_rated(facts: TaskFacts) -> bool:
    """Rated in this report: the annual report, a period task's final year, or early (Art. 7.1);
    never the conclusion on a cadre who left (Art. 2.4)."""
    return facts.rating is not None and not facts.handed_over


def proposed_for_commendation(facts: TaskFacts) -> bool:
    """Art. 9: a task rated HTXS in this report."""
    return is_rated(facts) and facts.rating == HTXS


def commendation_rests_on_force_majeure(facts: TaskFacts) -> bool:
    """HTXS only with force-majeure items left out (the raw figure is below 100): the case is
    listed with that mark, and the Committee decides."""
    return proposed_for_commendation(facts) and facts.rating_raw != HTXS


def carries_over(facts: TaskFacts) -> bool:
    """Art. 2.5: an annual task whose exact adjusted completion at the year's end is below 100 %.
    A shortfall made up entirely of force-majeure items leaves the adjusted figure at 100 (the
    other items are scaled up): not carried.  A leaving cadre's task is not carried by them (the
    successor's own row decides); a period task is never carried."""
    return (
        facts.section == "A"
        and facts.period.kind == "year"
        and not facts.handed_over
        and facts.completion_year is not None
        and facts.completion_year < HUNDRED
    )


def not_carried_out(facts: TaskFacts) -> bool:
    """Art. 10, second ground, for a reported task: 0 % in a report where work was due."""
    return (
        not facts.handed_over
        and facts.expected_to_date is not None
        and facts.expected_to_date > ZERO
        and facts.completion_year is not None
        and facts.completion_year == ZERO
    )


def grounds_of_missing(reason: str) -> str:
    """Art. 10 ground of a cadre without a usable report: no valid plan is not carrying out the
    assigned task; a valid plan and no report is not reporting."""
    return NOT_CARRIED_OUT if reason == MISSING_PLAN else NOT_REPORTED


def below_previous(completion: Fraction | None, previous: Fraction | None) -> bool:
    """An item's completion lower than the cadre's own previous accepted report said (a report
    is cumulative: a completion does not go down)."""
    return completion is not None and previous is not None and completion < previous


def item_signals(
    completion: Fraction | None, actual_product: str, previous: Fraction | None = None
) -> list[str]:
    """Signals of one item of a report: below what the cadre's own previous accepted report said;
    100 % with no actual product written."""
    out = []
    if below_previous(completion, previous):
        out.append(COMPLETION_BELOW_PREVIOUS)
    if completion is not None and completion >= HUNDRED and not actual_product.strip():
        out.append(DONE_WITHOUT_PRODUCT)
    return out


# --- Art. 7.3 c: one level per cadre ----------------------------------------------------------


def cadre_level(
    completions: Sequence[Fraction],
    thresholds: RatingThresholds = DEFAULT_THRESHOLDS,
    reading: str = CADRE_LEVEL_MEAN,
) -> str | None:
    """The cadre's own level (Art. 7.3 c, reading R28) from the exact completions of the tasks
    rated in the report, each task counting equally; ``None`` when no task is rated.

    ``mean``: the level of the exact mean, but HTXS only when every task is HTXS (a shortfall on
    one task is never made up by another); ``lowest``: the lowest of the tasks' levels.
    """
    if reading not in CADRE_LEVEL_READINGS:
        raise ValueError(f"unknown cadre level reading {reading!r}")
    if not completions:
        return None
    levels = [rate(c, thresholds) for c in completions]
    lowest = min(levels, key=LEVELS.index)
    if reading != CADRE_LEVEL_MEAN:
        return lowest
    level = rate(sum(completions, ZERO) / len(completions), thresholds)
    if level == HTXS and lowest != HTXS:
        return HTT
    return level


def rated_completions(facts: Iterable[TaskFacts]) -> list[Fraction]:
    """The exact completions of the tasks rated in this report (``is_rated``), in order."""
    return [f.completion_rated for f in facts if is_rated(f) and f.completion_rated is not None]
