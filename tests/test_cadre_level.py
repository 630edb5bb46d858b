"""The cadre's own level (Art. 7.3 c, reading R28): one level per cadre from the tasks rated in the
report, on exact figures; the reading (``mean`` or ``lowest``) is a setting."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dotpha_xl.domain.decisions import TaskFacts, cadre_level, rated_completions
from dotpha_xl.domain.periods import parse_period
from dotpha_xl.domain.ratings import LEVELS, rate
from dotpha_xl.kernel.settings import RatingThresholds, SettingsError, load_settings


@pytest.mark.parametrize(
    ("completions", "mean", "lowest"),
    [
        ([F(100), F(60)], "HTT", "HT"),
        ([F(100), F(9999, 100)], "HTT", "HTT"),  # 99.99 %: never HTXS
        ([F(100), F(100)], "HTXS", "HTXS"),
        ([F(100)], "HTXS", "HTXS"),
        ([F(40), F(60)], "HT", "KHT"),  # mean exactly 50: HT (inclusive threshold)
        ([F(139, 2), F(70)], "HT", "HT"),  # mean 69.75
        ([F(0), F(100)], "HT", "KHT"),
        ([F(0)], "KHT", "KHT"),
        ([F(100), F(100), F(10)], "HTT", "KHT"),  # mean 70: HTT
    ],
)
def test_cadre_level_mean_and_lowest(completions, mean, lowest):
    assert cadre_level(completions, reading="mean") == mean
    assert cadre_level(completions, reading="lowest") == lowest


def test_no_rated_task_no_level():
    assert cadre_level([]) is None
    assert cadre_level([], reading="lowest") is None


def test_unknown_reading_refused():
    with pytest.raises(ValueError):
        cadre_level([F(100)], reading="median")


def test_htxs_needs_every_task_at_htxs_whatever_the_thresholds():
    # HTXS at 90: a mean of 92.5 with one task at 85 (HTT) is not HTXS.
    t = RatingThresholds(htxs=F(90), htt=F(70), ht=F(50))
    assert cadre_level([F(100), F(85)], t) == "HTT"
    assert cadre_level([F(100), F(90)], t) == "HTXS"


def test_rated_completions_keep_only_rated_tasks():
    year = parse_period("2027")
    rated = TaskFacts("A", year, "HTT", "HTT", F(80), None, completion_rated=F(80))
    unrated = TaskFacts("A", parse_period("2027-Q4"), None, None, F(10), None)
    leaver = TaskFacts("A", year, "HT", "HT", F(55), None, True, completion_rated=F(55))
    assert rated_completions([rated, unrated, leaver]) == [F(80)]


percent = st.fractions(min_value=0, max_value=100, max_denominator=10_000)


@settings(max_examples=300, deadline=None)
@given(st.lists(percent, min_size=1, max_size=6))
def test_levels_bounded_by_the_tasks(completions):
    index = LEVELS.index
    levels = [index(rate(c)) for c in completions]
    mean = index(cadre_level(completions, reading="mean"))
    lowest = index(cadre_level(completions, reading="lowest"))
    assert lowest == min(levels)
    assert min(levels) <= lowest <= mean <= max(levels)
    # HTXS only when every task is HTXS, in either reading
    assert (mean == index("HTXS")) == all(lv == index("HTXS") for lv in levels)
    # each task counts equally: order does not matter
    assert cadre_level(list(reversed(completions))) == cadre_level(completions)


def test_the_setting(tmp_path):
    assert load_settings().cadre_level == "mean"
    path = tmp_path / "s.toml"
    path.write_text('[ratings]\ncadre_level = "lowest"\n', encoding="utf-8")
    assert load_settings(path).cadre_level == "lowest"
    path.write_text('[ratings]\ncadre_level = "median"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"ratings\.cadre_level"):
        load_settings(path)
