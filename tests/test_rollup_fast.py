"""The fast roll-up, evaluation and tree checks give exactly the figures of the plain recursion.

``roll_up``, ``evaluate_task``, ``build_tree`` and ``check_tree`` add weights and completions as
integer numerator/denominator pairs and skip work nobody reads.  The reference implementations
below are the straightforward ``Fraction`` versions they replaced; every figure must be equal.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dotpha_xl.domain.evaluate import TaskResult, evaluate_task, year_node_key
from dotpha_xl.domain.periods import parse_period
from dotpha_xl.domain.ratings import HT, HTXS, KHT, compare_self_rating, rate
from dotpha_xl.domain.rollup import (
    Figures,
    completion_of,
    expected_completions,
    official_columns,
    roll_up,
)
from dotpha_xl.domain.tree import (
    DEFAULT_TOLERANCE,
    HUNDRED,
    Node,
    PlanRow,
    _pct,
    build_tree,
    check_tree,
    item_calendar_month,
)
from dotpha_xl.kernel.keys import ITEM, MONTH, QUARTER, TASK, YEAR, NodeKey, parse_key
from dotpha_xl.kernel.problems import problem

ZERO = F(0)

# --- the reference: the plain Fraction recursions ------------------------------------------------


def ref_walk(node):
    yield node
    for child in node.children:
        yield from ref_walk(child)


def ref_items(root):
    return [n for n in ref_walk(root) if n.level == ITEM]


def ref_roll_up(root, completions, left_out=()):
    completion = {}
    weight = {str(root.key): HUNDRED}
    order = []

    def visit(node):
        key = str(node.key)
        order.append(key)
        if node.level == ITEM:
            value = None if key in left_out else completions.get(key, ZERO)
        elif not node.children:
            value = ZERO
        else:
            values = [(child, visit(child)) for child in node.children]
            total = sum((c.weight for c, v in values if v is not None), ZERO)
            value = None if total == 0 else ZERO
            weighted = ZERO
            for child, child_value in values:
                if value is None or child_value is None:
                    weight[str(child.key)] = ZERO
                    continue
                weight[str(child.key)] = child.weight * HUNDRED / total
                weighted += child.weight * child_value
            if value is not None:
                value = weighted / total
        completion[key] = value
        return value

    visit(root)
    return {k: Figures(completion[k], weight[k]) for k in order}


def ref_expected_completions(root, as_of, start_year):
    out = {}
    for item in ref_items(root):
        year, month = item_calendar_month(item.key, start_year)
        month_end = date(year, month, calendar.monthrange(year, month)[1])
        out[str(item.key)] = HUNDRED if month_end <= as_of else ZERO
    return out


def ref_evaluate(
    root, start_year, end_year, period, completions, force_majeure=(), self_rating=None
):
    fm = tuple(k for k in (str(i.key) for i in ref_items(root)) if k in set(force_majeure))
    adjusted = ref_roll_up(root, completions, fm)
    raw = ref_roll_up(root, completions)
    expected = ref_roll_up(root, ref_expected_completions(root, period.end, start_year), fm)
    year_key = year_node_key(root, start_year, period.year)
    year = str(year_key) if year_key else None
    quarter = str(year_key.child((period.end.month - 1) // 3 + 1)) if year_key else None

    def pick(figs, key):
        return figs[key].completion if key is not None and key in figs else None

    task = str(root.key)
    is_period_task = root.key.section == "B"
    c_year, c_year_raw = pick(adjusted, year), pick(raw, year)
    c_period = pick(adjusted, task) if is_period_task else None
    c_period_raw = pick(raw, task) if is_period_task else None
    whole_period = is_period_task and period.kind == "year" and period.year == end_year
    rating = rating_raw = None
    completed_early = False
    if period.kind != "year":
        done = c_period if is_period_task else c_year
        # Art. 7.1 (R16): 100 % in a report whose period ends before the fourth quarter
        if done is not None and done >= 100 and period.end < date(period.year, 10, 1):
            completed_early = True
            whole_period = is_period_task
            rating = rate(done)
            raw_done = c_period_raw if is_period_task else c_year_raw
            rating_raw = rate(raw_done) if raw_done is not None else None
    r_year = r_year_raw = r_period = r_period_raw = None
    if completed_early:
        if is_period_task:
            r_period, r_period_raw = rating, rating_raw
        else:
            r_year, r_year_raw = rating, rating_raw
    if period.kind == "year":
        rated, rated_raw = (c_period, c_period_raw) if whole_period else (c_year, c_year_raw)
        rating = rate(rated) if rated is not None else None
        rating_raw = rate(rated_raw) if rated_raw is not None else None
        # the year is rated in every annual report, the period too in the final year
        r_year = rate(c_year) if c_year is not None else None
        r_year_raw = rate(c_year_raw) if c_year_raw is not None else None
        if whole_period:
            r_period, r_period_raw = rating, rating_raw
    return TaskResult(
        task_key=task,
        period=period.code,
        start_year=start_year,
        end_year=end_year,
        expected_to_date=pick(expected, year),
        completion_quarter=pick(adjusted, quarter),
        completion_year=c_year,
        completion_year_raw=c_year_raw,
        completion_period=c_period,
        completion_period_raw=c_period_raw,
        rating=rating,
        rating_raw=rating_raw,
        self_rating=self_rating,
        force_majeure_items=fm,
        whole_period=whole_period,
        completed_early=completed_early,
        figures=adjusted,
        figures_raw=raw,
        rating_year=r_year,
        rating_year_raw=r_year_raw,
        rating_period=r_period,
        rating_period_raw=r_period_raw,
        self_rating_year=None if whole_period or r_year is None else self_rating,
        self_rating_period=self_rating if whole_period else None,
        expected_period=pick(expected, task) if is_period_task and year is not None else None,
    )


def _blank_item(c):
    return c.level == ITEM and c.weight is None and not c.content and not c.product


def ref_check_tree(root, tolerance=DEFAULT_TOLERANCE):
    problems = []

    def without_blank(node):
        children = [without_blank(c) for c in node.children if not _blank_item(c)]
        weight = node.weight if node.weight is not None else F(0)
        return replace(node, weight=weight, children=children)

    def check(node):
        name = str(node.key)
        if node.level == ITEM:
            return replace(node, children=[])
        kept = []
        for child in node.children:
            if _blank_item(child):
                continue
            if child.weight is None:
                problems.append(problem("weight_missing", node=str(child.key)))
                continue
            # (a weight's range and an item's content are row rules: the schemas', not the tree's)
            if child.weight == 0:
                kept.append(without_blank(child))
                continue
            kept.append(check(child))
        if not kept:
            shown = _pct(node.weight if node.weight is not None else HUNDRED)
            problems.append(problem("node_without_items", value=shown, node=name))
            return replace(node, children=kept)
        total = sum((c.weight for c in kept), F(0))
        if abs(total - HUNDRED) > tolerance:
            problems.append(problem("weight_sum_not_100", value=_pct(total), node=name))
            return replace(node, children=kept)
        if total != HUNDRED:
            kept = [replace(c, weight=c.weight * HUNDRED / total) for c in kept]
        return replace(node, children=kept)

    return check(root), problems


def ref_build_tree(rows):
    nodes, problems = {}, []
    for row in rows:
        try:
            key = parse_key(row.key)
        except ValueError:
            problems.append(problem("unknown_key", value=row.key, node=row.key))
            continue
        if key in nodes:
            problems.append(problem("duplicate_key", value=row.key, node=row.key))
            continue
        nodes[key] = Node(key, row.weight, row.content, row.product)

    def order(key):
        parts = (key.year, key.quarter, key.month, key.item)
        return (key.section, key.task, *(-1 if p is None else p for p in parts))

    roots = {}
    for key in sorted(nodes, key=order):
        parent = key.parent()
        if parent is None:
            roots[key.task_key] = nodes[key]
        elif parent in nodes:
            nodes[parent].children.append(nodes[key])
        else:
            problems.append(problem("unknown_key", value=str(key), node=str(key)))
    return roots, problems


# --- random plans ---------------------------------------------------------------------------------

#: Percent values a cadre types or a plan holds: whole, two decimals, thirds and sixths.
percents = st.one_of(
    st.integers(0, 100).map(F),
    st.integers(0, 10000).map(lambda h: F(h, 100)),
    st.integers(0, 300).map(lambda t: F(t, 3)),
    st.fractions(min_value=0, max_value=100, max_denominator=12),
)


@st.composite
def sibling_weights(draw, n):
    """``n`` sibling weights: mostly summing to 100 (splits, thirds, 99.99), sometimes not."""
    if n == 0:
        return []
    kind = draw(st.sampled_from(["split", "thirds", "rounded", "even", "loose", "messy"]))
    if kind == "split":
        cuts = sorted(draw(st.lists(st.integers(0, 10000), min_size=n - 1, max_size=n - 1)))
        bounds = [0, *cuts, 10000]
        weights = [F(bounds[i + 1] - bounds[i], 100) for i in range(n)]
    elif kind == "thirds":
        weights = [F(100, n)] * n
    elif kind == "rounded":  # 33.33 × 3: within the tolerance, scaled to 100
        weights = [F(int(F(10000, n)), 100)] * n
    elif kind == "even":
        weights = [F(100 // n)] * (n - 1) + [F(100 - 100 // n * (n - 1))]
    elif kind == "loose":  # anything in [0, 100]: often a sum that is not 100
        weights = draw(st.lists(percents, min_size=n, max_size=n))
    else:  # missing, out of range, zero
        weights = draw(
            st.lists(
                st.one_of(st.none(), percents, st.sampled_from([F(-5), F(150), F(0)])),
                min_size=n,
                max_size=n,
            )
        )
    return weights


@st.composite
def raw_trees(draw, messy=False):
    """An unchecked task tree: annual (A) or a period task (B) of 1–3 years."""
    section = draw(st.sampled_from("AB"))
    years = draw(st.integers(1, 3)) if section == "B" else 1
    root = Node(NodeKey(section, draw(st.integers(1, 3))))

    def weights(n):
        ws = draw(sibling_weights(n))
        if not messy:
            ws = [w if w is not None and 0 <= w <= 100 else F(0) for w in ws]
        return ws

    def fill_quarters(parent, quarters):
        for q, qw in zip(range(1, quarters + 1), weights(quarters), strict=True):
            quarter = Node(parent.key.child(q), qw)
            parent.children.append(quarter)
            months = draw(st.integers(0 if messy else 1, 3))
            for m, mw in zip(range(1, months + 1), weights(months), strict=True):
                month = Node(quarter.key.child(m), mw)
                quarter.children.append(month)
                items = draw(st.integers(0 if messy else 1, 4))
                for i, iw in zip(range(1, items + 1), weights(items), strict=True):
                    content = draw(st.sampled_from(["Việc", "", "Việc"])) if messy else "Việc"
                    product = draw(st.sampled_from(["", "Sản phẩm"]))
                    month.children.append(Node(month.key.child(i), iw, content, product))

    if section == "A":
        fill_quarters(root, draw(st.integers(1, 4)))
    else:
        for y, yw in zip(range(1, years + 1), weights(years), strict=True):
            year = Node(root.key.child(y), yw)
            root.children.append(year)
            fill_quarters(year, draw(st.integers(1, 4)))
    return root


@st.composite
def cases(draw):
    """A checked tree (possibly with problems), completions, force majeure items."""
    root, _ = check_tree(draw(raw_trees(messy=draw(st.booleans()))))
    keys = [str(i.key) for i in ref_items(root)]
    done = {}
    for k in keys:
        if draw(st.integers(0, 9)):  # now and then an item without a completion
            done[k] = draw(percents)
    picked = draw(st.lists(st.sampled_from(keys), unique=True)) if keys else []
    fm = set(picked) | draw(st.sets(st.sampled_from(["A9.Q1.M1.I1", "B1.Y9.Q1.M1.I1"])))
    if draw(st.booleans()):  # whole months or quarters left out
        fm |= set(keys[: draw(st.integers(0, len(keys)))])
    return root, done, fm


periods = st.builds(
    lambda year, tail: parse_period(f"{year}{tail}"),
    st.integers(2025, 2029),
    st.sampled_from(["", "-Q1", "-Q2", "-Q3", "-Q4", "-H1", "-H2", "-05-10", "-12-31", "-03-31"]),
)


# --- the properties -----------------------------------------------------------------------------


def assert_same_figures(fast, ref):
    assert list(fast) == list(ref)  # the same keys, in walk order
    for key, fig in ref.items():
        assert fast[key] == fig, key
        assert type(fast[key].weight) is F
        assert fast[key].completion is None or isinstance(fast[key].completion, F | int)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_roll_up_equals_the_plain_recursion(case):
    root, done, fm = case
    for left_out in ((), fm, tuple(sorted(fm)), list(fm)):
        fast = roll_up(root, done, left_out)
        ref = ref_roll_up(root, done, left_out)
        assert_same_figures(fast, ref)
        for node in ref_walk(root):
            assert completion_of(node, done, left_out) == ref[str(node.key)].completion
        assert official_columns(root, fast) == official_columns(root, ref)


@settings(max_examples=300, deadline=None)
@given(cases(), periods, st.sampled_from([None, HTXS, HT, KHT]))
def test_evaluate_task_equals_the_plain_recursion(case, period, self_rating):
    root, done, fm = case
    start = 2026 if root.key.section == "B" else period.year
    years = sum(1 for c in root.children if c.level == YEAR) or 1
    end = start + years - 1
    for force_majeure in ((), fm):
        fast = evaluate_task(root, start, end, period, done, force_majeure, self_rating)
        ref = ref_evaluate(root, start, end, period, done, force_majeure, self_rating)
        assert fast == ref
        assert_same_figures(fast.figures, ref.figures)
        assert_same_figures(fast.figures_raw, ref.figures_raw)
        assert fast.flags == ref.flags
        assert compare_self_rating(self_rating, fast.rating) == compare_self_rating(
            self_rating, ref.rating
        )


@settings(max_examples=200, deadline=None)
@given(raw_trees(messy=True), st.sampled_from([DEFAULT_TOLERANCE, F(0), F(1, 10), F(1)]))
def test_check_tree_equals_the_plain_recursion(root, tolerance):
    assert check_tree(root, tolerance) == ref_check_tree(root, tolerance)


@settings(max_examples=100, deadline=None)
@given(raw_trees(messy=True), st.randoms(use_true_random=False), st.data())
def test_build_tree_equals_the_plain_assembly(root, rnd, data):
    rows = [PlanRow(str(n.key), n.weight, n.content, n.product) for n in ref_walk(root)]
    rows += data.draw(
        st.lists(
            st.sampled_from(
                [
                    PlanRow("A1.Q5"),  # not a key
                    PlanRow(" A1.Q1 "),  # spaces around: the same key as A1.Q1
                    PlanRow("B1.Q1"),  # a period task's quarter outside a year
                    PlanRow("A2.Q1.M1.I1", F(100), "Việc"),  # no parent
                    PlanRow("B3.Y2.Q1", F(25)),
                    PlanRow("x"),
                ]
            ),
            max_size=4,
        )
    )
    rnd.shuffle(rows)
    fast_roots, fast_problems = build_tree(rows)
    ref_roots, ref_problems = ref_build_tree(rows)
    assert fast_roots == ref_roots
    assert list(fast_roots) == list(ref_roots)
    assert fast_problems == ref_problems
    for key, tree in ref_roots.items():
        assert [n.key for n in fast_roots[key].walk()] == [n.key for n in ref_walk(tree)]
        assert fast_roots[key].items() == ref_items(tree)


@settings(max_examples=100, deadline=None)
@given(raw_trees(), st.dates(date(2024, 1, 1), date(2030, 12, 31)), st.integers(2024, 2029))
def test_expected_completions_equal_the_plain_dates(root, as_of, start_year):
    assert expected_completions(root, as_of, start_year) == ref_expected_completions(
        root, as_of, start_year
    )


# --- keys -----------------------------------------------------------------------------------------


def test_parse_key_cached_keys_behave_as_fresh_ones():
    key = parse_key("B2.Y3.Q4.M3.I12")
    assert key is parse_key("B2.Y3.Q4.M3.I12")  # shared: keys are immutable
    assert key == NodeKey("B", 2, 3, 4, 3, 12) and hash(key) == hash(NodeKey("B", 2, 3, 4, 3, 12))
    assert str(key) == "B2.Y3.Q4.M3.I12" == str(NodeKey("B", 2, 3, 4, 3, 12))
    assert key.parent() == NodeKey("B", 2, 3, 4, 3) and key.parent() is key.parent()
    assert parse_key(" A1.Q2 ") == parse_key("A1.Q2") and str(parse_key(" A1.Q2 ")) == "A1.Q2"
    assert [parse_key(k).level for k in ("A1", "B1.Y1", "A1.Q1", "A1.Q1.M1", "A1.Q1.M1.I1")] == [
        TASK,
        YEAR,
        QUARTER,
        MONTH,
        ITEM,
    ]
    assert repr(key) == "NodeKey(section='B', task=2, year=3, quarter=4, month=3, item=12)"
    for bad in ("A1.Y1", "B1.Q1", "A1.M1", "A0", "", "A1.Q1.I1", None, 12, ["A1"]):
        for _ in range(2):  # a second time from the cache, if it were cached
            with pytest.raises(ValueError):
                parse_key(bad)  # type: ignore[arg-type]
