"""Handover arithmetic: the worked example of docs/regulation.md ("Handover arithmetic") and
properties of A_d and O."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

from hypothesis import given
from hypothesis import strategies as st

from dotpha_xl.domain.ratings import HTT, HTXS, rate
from dotpha_xl.domain.rollup import roll_up
from dotpha_xl.domain.tenure import (
    attainment,
    handover_figures,
    own_completion,
    successor_rating,
)
from dotpha_xl.domain.tree import Node, skeleton


def one_item_a_month() -> Node:
    root = skeleton("A", 1, items_per_month=1)
    for item in root.items():
        item.weight = F(100)
    return root


def test_domain_worked_example_handover_and_successor():
    root = one_item_a_month()
    keys = [str(i.key) for i in root.items()]  # January .. December
    at_d = {k: F(100) for k in keys[:6]}
    at_d[keys[6]] = F(50)
    h = handover_figures(root, 2027, date(2027, 7, 15), at_d)
    assert (h.completion, h.expected, h.attainment, h.rating) == (F(105, 2), 50, 100, HTXS)
    at_end = {k: F(100) for k in keys[:11]} | {keys[11]: F(0)}
    c_end = roll_up(root, at_end)["A1"].completion
    assert c_end == 95
    own, level = successor_rating(c_end, h.completion)
    assert own == F(100) * F(85, 2) / F(95, 2) and level == HTT
    assert round(float(own), 2) == 89.47


def test_nothing_expected_yet_gives_no_rating():
    root = one_item_a_month()
    h = handover_figures(root, 2027, date(2027, 1, 20), {"A1.Q1.M1.I1": F(30)})
    assert h.expected == 0 and h.attainment is None and h.rating is None
    assert h.completion == F(25) * F(20) * F(30) / 10000


def test_done_at_handover_leaves_no_own_figure():
    assert own_completion(F(100), F(100)) is None
    assert successor_rating(F(100), F(100)) == (None, None)


fractions = st.fractions(min_value=0, max_value=100, max_denominator=400)


@given(fractions, st.fractions(min_value=F(1, 100), max_value=100, max_denominator=400))
def test_attainment_is_capped_and_monotone(c, e):
    a = attainment(c, e)
    assert a is not None and 0 <= a <= 100
    assert (a == 100) == (c >= e)
    assert rate(a) == HTXS or c < e


@given(fractions, fractions)
def test_own_figure_bounds(c_d, extra):
    c_d = min(c_d, F(9999, 100))
    c_end = c_d + (100 - c_d) * extra / 100
    own = own_completion(c_end, c_d)
    assert own == extra
    assert own_completion(F(100), c_d) == 100
    assert own_completion(c_d, c_d) == 0
