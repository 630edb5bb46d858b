"""The arithmetic first and hardest: the worked example (docs/regulation.md), layouts,
thresholds, properties."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dotpha_xl.domain.evaluate import evaluate_task
from dotpha_xl.domain.periods import parse_period
from dotpha_xl.domain.ratings import HT, HTT, HTXS, KHT, RatingThresholds, rate
from dotpha_xl.domain.rollup import expected_completions, official_columns, roll_up
from dotpha_xl.domain.tree import Node, PlanRow, build_tree, check_tree, skeleton
from dotpha_xl.kernel.keys import NodeKey, parse_key


def annual_tree(items_per_month=2, item_weights=None, month_weights=(20, 60, 20), quarters=None):
    """An annual task A1 with the given layout and content on every item."""
    root = skeleton("A", 1, items_per_month=items_per_month)
    quarters = quarters or (25, 25, 25, 25)
    item_weights = item_weights or [F(100, items_per_month)] * items_per_month
    for q, quarter in enumerate(root.children):
        quarter.weight = F(quarters[q])
        for m, month in enumerate(quarter.children):
            month.weight = F(month_weights[m])
            for i, item in enumerate(month.children):
                item.weight = F(item_weights[i])
                item.content = f"Việc {item.key}"
    return root


def checked(root):
    clean, problems = check_tree(root)
    assert problems == []
    return clean


def all_items(root, value):
    return {str(i.key): F(value) for i in root.items()}


# --- The worked example of docs/regulation.md, figure by figure ------------------------------


def worked_example_completions():
    done = {}
    for m in (1, 2, 3):
        for i in (1, 2):
            done[f"A1.Q1.M{m}.I{i}"] = F(100)
    done.update({"A1.Q2.M1.I1": F(100), "A1.Q2.M1.I2": F(50)})
    done.update({"A1.Q2.M2.I1": F(100), "A1.Q2.M2.I2": F(0)})
    done.update({"A1.Q2.M3.I1": F(0), "A1.Q2.M3.I2": F(0)})
    return done


def test_worked_example_q2_report():
    root = checked(annual_tree())
    figs = roll_up(root, worked_example_completions())
    assert figs["A1.Q2.M1"].completion == 75
    assert figs["A1.Q2.M2"].completion == 50
    assert figs["A1.Q2.M3"].completion == 0
    assert figs["A1.Q2"].completion == 45
    cols = official_columns(root, figs)
    assert [cols[f"A1.Q2.M{m}"]["quarter"] for m in (1, 2, 3)] == [15, 30, 0]
    assert cols["A1.Q1"]["year"] == 25
    assert cols["A1.Q2"]["year"] == F("11.25")
    assert figs["A1"].completion == F("36.25")
    assert cols["A1"]["year"] == F("36.25")

    result = evaluate_task(root, 2027, 2027, parse_period("2027-Q2"), worked_example_completions())
    assert result.expected_to_date == 50
    assert result.behind_schedule == F("13.75")
    assert result.completion_quarter == 45
    assert result.rating is None  # a quarterly report rates nothing
    assert "behind_schedule" in result.flags


def test_worked_example_year_end_is_htt():
    root = checked(annual_tree())
    done = worked_example_completions()
    done.update({k: F(100) for k in all_items(root, 0) if k.startswith("A1.Q3")})
    # Q4 ends at 80: every item at 80.
    done.update({k: F(80) for k in all_items(root, 0) if k.startswith("A1.Q4")})
    # Q2 finished too by the year's end? No: the example keeps Q2 at 45.
    result = evaluate_task(root, 2027, 2027, parse_period("2027"), done)
    assert result.completion_year == F("81.25")
    assert result.rating == HTT
    assert result.expected_to_date == 100


# --- exact layouts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item_weights",
    [
        (F(20), F(60), F(20)),
        (F("33.33"), F("33.33"), F("33.33")),
        (F("33.33"), F("33.33"), F("33.34")),
        (F(100, 3), F(100, 3), F(100, 3)),
    ],
)
def test_full_completion_is_exactly_100_and_htxs(item_weights):
    root = checked(annual_tree(items_per_month=3, item_weights=item_weights))
    result = evaluate_task(root, 2027, 2027, parse_period("2027"), all_items(root, 100))
    assert result.completion_year == 100
    assert result.completion_year == F(100)
    assert result.rating == HTXS


def test_month_weights_summing_to_99_99_are_scaled_exactly():
    root = checked(annual_tree(month_weights=("33.33", "33.33", "33.33")))
    month_sum = sum(c.weight for c in root.children[0].children)
    assert month_sum == 100


def test_sum_outside_tolerance_is_an_error_naming_the_node():
    root = annual_tree(month_weights=(20, 60, 10))
    _, problems = check_tree(root)
    codes = {(p.code, p.node) for p in problems}
    assert ("weight_sum_not_100", "A1.Q1") in codes
    assert any("90%" in p.message for p in problems)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("100", HTXS),
        ("99.99", HTT),
        ("70", HTT),
        ("69.99", HT),
        ("50", HT),
        ("49.99", KHT),
        ("0", KHT),
    ],
)
def test_rating_thresholds(value, level):
    assert rate(F(value)) == level


def test_settings_may_move_htxs_to_90():
    thresholds = RatingThresholds(htxs=F(90), htt=F(70), ht=F(50))
    assert rate(F(90), thresholds) == HTXS
    assert rate(F("89.99"), thresholds) == HTT


def test_thresholds_out_of_order_are_refused():
    with pytest.raises(ValueError):
        RatingThresholds(htxs=F(60), htt=F(70), ht=F(50))


# --- structure checks --------------------------------------------------------------------------


def test_blank_template_rows_are_dropped_and_empty_month_is_an_error():
    root = skeleton("A", 1, items_per_month=3)
    root.children[0].children[0].children[0].weight = F(100)
    root.children[0].children[0].children[0].content = "Làm việc"
    _, problems = check_tree(root)
    nodes = {p.node for p in problems if p.code == "node_without_items"}
    assert "A1.Q1.M2" in nodes and "A1.Q1.M1" not in nodes


def test_zero_weight_node_needs_no_children():
    root = annual_tree(quarters=(50, 50, 0, 0))
    for quarter in root.children[2:]:
        for month in quarter.children:
            month.children = []
    clean, problems = check_tree(root)
    assert problems == []
    result = evaluate_task(clean, 2027, 2027, parse_period("2027"), all_items(clean, 100))
    assert result.completion_year == 100


def test_item_problems():
    root = annual_tree()
    other = root.children[0].children[0].children[1]
    other.weight = None
    _, problems = check_tree(root)
    codes = {(p.code, p.node) for p in problems}
    assert ("weight_missing", "A1.Q1.M1.I2") in codes
    assert all(p.message for p in problems)


def test_the_tree_leaves_row_rules_to_the_schemas():
    """A weight out of 0–100 and an item without content are row rules, owned by the forms'
    pandera schemas (tests/test_rule_owners.py): the tree checks sums and structure only."""
    root = annual_tree()
    root.children[0].children[0].children[0].content = ""
    _, problems = check_tree(root)
    assert problems == []
    month = root.children[0].children[1]
    month.children[0].weight = F(150)
    month.children[1].weight = F(-50)
    _, problems = check_tree(root)
    assert [(p.code, p.node) for p in problems] == []  # 150 - 50 sums to 100


def test_build_tree_from_rows_any_order_and_bad_keys():
    rows = [
        PlanRow("A1.Q1.M1.I1", F(100), "Việc"),
        PlanRow("A1"),
        PlanRow("A1.Q1", F(100)),
        PlanRow("A1.Q1.M1", F(100)),
        PlanRow("A1.Q1.M1.I1", F(100), "Việc lặp"),
        PlanRow("A1.Y1"),
        PlanRow("A2.Q1.M1"),
    ]
    roots, problems = build_tree(rows)
    assert list(roots) == ["A1"]
    codes = sorted((p.code, p.node) for p in problems)
    assert codes == [
        ("duplicate_key", "A1.Q1.M1.I1"),
        ("unknown_key", "A1.Y1"),
        ("unknown_key", "A2.Q1.M1"),
    ]
    clean, tree_problems = check_tree(roots["A1"])
    assert tree_problems == []
    assert roll_up(clean, {"A1.Q1.M1.I1": F(40)})["A1"].completion == 40


def test_key_grammar():
    assert str(parse_key("B2.Y3.Q4.M3.I12")) == "B2.Y3.Q4.M3.I12"
    assert parse_key("A1.Q2").level == "quarter"
    for bad in ("A1.Y1", "B1.Q1", "A1.M1", "A1.Q5", "A0", "C1", "A1.Q1.I1", "", "a1"):
        with pytest.raises(ValueError):
            parse_key(bad)
    assert NodeKey("B", 1).child(2) == parse_key("B1.Y2")


# --- period tasks ------------------------------------------------------------------------------


def period_tree(years=2, items=1):
    root = skeleton("B", 1, years=years, items_per_month=items)
    for item in root.items():
        item.weight = F(100, items)
        item.content = "Việc"
    return checked(root)


def test_period_task_rates_current_year_then_whole_period():
    root = period_tree(years=2)
    done = {str(i.key): F(100) for i in root.items() if str(i.key).startswith("B1.Y1")}
    year_one = evaluate_task(root, 2026, 2027, parse_period("2026"), done)
    assert year_one.completion_year == 100 and year_one.rating == HTXS
    assert year_one.completion_period == 50 and not year_one.whole_period
    final = evaluate_task(root, 2026, 2027, parse_period("2027"), done)
    assert final.whole_period
    assert final.completion_year == 0
    assert final.completion_period == 50
    assert final.rating == HT
    # the final year rates the year too (R30); the period's rating counts (R31)
    assert (final.rating_year, final.rating_period) == (KHT, HT)
    assert (year_one.rating_year, year_one.rating_period) == (HTXS, None)
    assert final.expected_period == 100 and year_one.expected_period == 50
    rated = evaluate_task(
        root, 2026, 2027, parse_period("2027"), done, self_rating=HTXS, self_rating_year=KHT
    )
    assert (rated.self_rating_period, rated.self_rating_year) == (HTXS, KHT)
    assert "self_rating_above" in rated.flags
    cols = official_columns(root, final.figures)
    assert cols["B1.Y1"] == {"year": 100, "period": 50}
    assert cols["B1"] == {"period": 50}


def test_three_year_period_split_sums_to_100():
    root = period_tree(years=3)
    figs = roll_up(root, all_items(root, 100))
    assert figs["B1"].completion == 100
    assert sum(c.weight for c in root.children) == 100


# --- force majeure -----------------------------------------------------------------------------


def test_force_majeure_left_out_and_siblings_scaled():
    root = checked(annual_tree())
    done = all_items(root, 100)
    done["A1.Q4.M3.I1"] = F(0)
    done["A1.Q4.M3.I2"] = F(0)
    fm = {"A1.Q4.M3.I1", "A1.Q4.M3.I2"}
    result = evaluate_task(root, 2027, 2027, parse_period("2027"), done, fm)
    assert result.completion_year_raw == 95
    assert result.rating_raw == HTT
    assert result.completion_year == 100
    assert result.rating == HTXS
    assert "force_majeure" in result.flags
    # The month left out takes no part; its siblings' weights were scaled to 100.
    assert result.figures["A1.Q4.M3"].left_out
    assert result.figures["A1.Q4.M1"].weight == 25
    assert result.figures["A1.Q4.M2"].weight == 75


def test_self_rating_above_and_below():
    root = checked(annual_tree())
    done = all_items(root, 60)
    above = evaluate_task(root, 2027, 2027, parse_period("2027"), done, self_rating=HTXS)
    assert above.rating == HT and "self_rating_above" in above.flags
    below = evaluate_task(root, 2027, 2027, parse_period("2027"), done, self_rating=KHT)
    assert "self_rating_below" in below.flags
    same = evaluate_task(root, 2027, 2027, parse_period("2027"), done, self_rating=HT)
    assert not {"self_rating_above", "self_rating_below"} & set(same.flags)


def test_expected_counts_months_ended_by_the_date():
    root = checked(annual_tree())
    exp = expected_completions(root, date(2027, 5, 10), 2027)
    assert exp["A1.Q2.M1.I1"] == 100  # April ended
    assert exp["A1.Q2.M2.I1"] == 0  # May has not
    assert roll_up(root, exp)["A1"].completion == F(25) + F(25) * F(20, 100)


# --- properties (hypothesis) -------------------------------------------------------------------

percent = st.fractions(min_value=0, max_value=100, max_denominator=100)


@st.composite
def weights_summing_to_100(draw, n_min=1, n_max=4):
    """n weights of two decimals in [0, 100] summing to exactly 100."""
    n = draw(st.integers(n_min, n_max))
    cuts = sorted(draw(st.lists(st.integers(0, 10000), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 10000]
    return [F(bounds[i + 1] - bounds[i], 100) for i in range(n)]


@st.composite
def plans(draw):
    """A checked annual tree with random weights (some zero) and items per month."""
    root = Node(NodeKey("A", 1))
    quarter_w = draw(weights_summing_to_100(4, 4))
    for q in range(1, 5):
        quarter = Node(root.key.child(q), quarter_w[q - 1])
        root.children.append(quarter)
        month_w = draw(weights_summing_to_100(3, 3))
        for m in range(1, 4):
            month = Node(quarter.key.child(m), month_w[m - 1])
            quarter.children.append(month)
            item_w = draw(weights_summing_to_100(1, 3))
            for i, w in enumerate(item_w, start=1):
                month.children.append(Node(month.key.child(i), w, content="Việc"))
    clean, problems = check_tree(root)
    assert problems == []
    return clean


@st.composite
def plans_with_completions(draw):
    root = draw(plans())
    keys = [str(i.key) for i in root.items()]
    done = {k: draw(percent) for k in keys}
    fm = set(draw(st.lists(st.sampled_from(keys), max_size=len(keys) // 2, unique=True)))
    return root, done, fm


@settings(max_examples=60, deadline=None)
@given(plans_with_completions())
def test_every_figure_lies_in_0_100(case):
    root, done, fm = case
    for left_out in ((), fm):
        for fig in roll_up(root, done, left_out).values():
            assert 0 <= fig.weight <= 100
            if fig.completion is not None:
                assert 0 <= fig.completion <= 100
        for cols in official_columns(root, roll_up(root, done, left_out)).values():
            assert all(0 <= v <= 100 for v in cols.values())


@settings(max_examples=60, deadline=None)
@given(plans_with_completions(), st.data())
def test_raising_one_item_never_lowers_an_ancestor(case, data):
    root, done, fm = case
    key = data.draw(st.sampled_from(sorted(done)))
    higher = dict(done)
    higher[key] = data.draw(st.fractions(min_value=done[key], max_value=100, max_denominator=100))
    for left_out in ((), fm):
        before = roll_up(root, done, left_out)
        after = roll_up(root, higher, left_out)
        ancestor = parse_key(key).parent()
        while ancestor is not None:
            a, b = before[str(ancestor)].completion, after[str(ancestor)].completion
            if a is not None:
                assert b >= a
            ancestor = ancestor.parent()


@settings(max_examples=40, deadline=None)
@given(plans())
def test_all_items_at_100_give_100_and_at_0_give_0(root):
    assert roll_up(root, all_items(root, 100))["A1"].completion == 100
    assert roll_up(root, all_items(root, 0))["A1"].completion == 0
    assert (
        evaluate_task(root, 2027, 2027, parse_period("2027"), all_items(root, 100)).rating == HTXS
    )


@settings(max_examples=40, deadline=None)
@given(plans_with_completions())
def test_without_force_majeure_raw_and_adjusted_agree(case):
    root, done, _ = case
    result = evaluate_task(root, 2027, 2027, parse_period("2027"), done)
    assert result.completion_year == result.completion_year_raw
    assert result.rating == result.rating_raw
    assert result.figures == result.figures_raw


@settings(max_examples=40, deadline=None)
@given(plans_with_completions())
def test_force_majeure_never_lowers_a_fully_done_task(case):
    root, _, fm = case
    done = all_items(root, 100)
    result = evaluate_task(root, 2027, 2027, parse_period("2027"), done, fm)
    assert result.completion_year in (None, 100)


def test_task_completed_before_the_year_end_is_rated_at_completion():
    # Art. 7.1: "trừ trường hợp hoàn thành việc đột phá, đổi mới được giao trước quý IV".
    root = checked(annual_tree())
    early = evaluate_task(root, 2027, 2027, parse_period("2027-Q3"), all_items(root, 100))
    assert early.rating == HTXS and "completed_early" in early.flags
    partial = evaluate_task(root, 2027, 2027, parse_period("2027-Q3"), all_items(root, 99))
    assert partial.rating is None and "completed_early" not in partial.flags
