"""The plan tree of one task (form 02) and its structure checks.

A task is a tree whose every node but the root carries a weight in percent of its parent.  Annual
tasks (section A) hold quarters, months and items; period tasks (section B) hold years first.  The
checks here return problem values; they never raise on bad data.  The tree they return has exact
weights: children whose sum lies within the tolerance of 100 are scaled to exactly 100.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from dotpha_xl.kernel.keys import ITEM, MONTH, QUARTER, TASK, YEAR, NodeKey, parse_key
from dotpha_xl.kernel.problems import Problem, problem

HUNDRED = Fraction(100)
DEFAULT_TOLERANCE = Fraction(1, 100)

#: The seed's example layout, used to pre-fill templates; a cadre may change every figure.
EXAMPLE_QUARTER_WEIGHTS = (Fraction(25),) * 4
EXAMPLE_MONTH_WEIGHTS = (Fraction(20), Fraction(60), Fraction(20))


@dataclass
class Node:
    key: NodeKey
    weight: Fraction | None = None
    content: str = ""
    product: str = ""
    children: list[Node] = field(default_factory=list)

    @property
    def level(self) -> str:
        return self.key.level

    def walk(self) -> Iterable[Node]:
        """This node and every node below it, parents before children, in plan order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            if node.children:
                stack.extend(reversed(node.children))

    def items(self) -> list[Node]:
        out: list[Node] = []
        stack = [self]
        while stack:
            node = stack.pop()
            if node.key.item is not None:
                out.append(node)
            if node.children:
                stack.extend(reversed(node.children))
        return out

    def find(self, key: str | NodeKey) -> Node | None:
        wanted = parse_key(key) if isinstance(key, str) else key
        for node in self.walk():
            if node.key == wanted:
                return node
        return None


@dataclass(frozen=True)
class PlanRow:
    """One data row of a plan sheet as a reader hands it over."""

    key: str
    weight: Fraction | None = None
    content: str = ""
    product: str = ""


def item_calendar_month(key: NodeKey, start_year: int) -> tuple[int, int]:
    """(year, month) in which an item's month falls: month m of quarter q of the task's year."""
    if key.quarter is None or key.month is None:
        raise ValueError(f"not below a month: {key}")
    year = start_year + (key.year - 1 if key.year is not None else 0)
    return year, 3 * (key.quarter - 1) + key.month


def skeleton(
    section: str,
    number: int,
    years: int = 1,
    items_per_month: int = 3,
    *,
    quarter_weights: tuple[Fraction, ...] = EXAMPLE_QUARTER_WEIGHTS,
    month_weights: tuple[Fraction, ...] = EXAMPLE_MONTH_WEIGHTS,
) -> Node:
    """The pre-built tree of a template: every year, quarter and month, blank item rows.

    Structural weights are pre-filled with the seed's example layout (quarters 25 %, months
    20/60/20, years split evenly with the remainder on the last); item weights are left blank.
    """
    root = Node(NodeKey(section, number))

    def quarters_under(parent: Node) -> None:
        for q in range(1, 5):
            quarter = Node(parent.key.child(q), quarter_weights[q - 1])
            parent.children.append(quarter)
            for m in range(1, 4):
                month = Node(quarter.key.child(m), month_weights[m - 1])
                quarter.children.append(month)
                month.children.extend(
                    Node(month.key.child(i)) for i in range(1, items_per_month + 1)
                )

    if section == "A":
        quarters_under(root)
    else:
        for y, share in enumerate(even_split(years), start=1):
            year = Node(root.key.child(y), share)
            root.children.append(year)
            quarters_under(year)
    return root


def continued_period(
    previous: Node,
    number: int,
    years: int,
    current: int,
    items_per_month: int = 3,
    weights: dict[str, Fraction] | None = None,
) -> Node:
    """A period task's tree for the plan of its year number ``current``, continuing the previous
    year's plan (``previous``, its checked tree; docs/regulation.md R35).

    Years before ``current`` are the previous plan's, as they stand (to be locked); the other
    years are the previous plan's when it planned them ahead (an item typed), else blank
    skeleton years; every year keeps the weight the previous plan gave it.  ``weights`` maps
    the previous plan's row keys to the weights as typed (before the scaling of R10), used
    instead of the tree's where given.  The task is renumbered ``number`` (B{number}).
    """
    typed = weights or {}
    fresh = skeleton("B", number, years, items_per_month)
    old = {c.key.year: c for c in previous.children}
    root = Node(fresh.key, content=previous.content, product=previous.product)
    for year in fresh.children:
        before = old.get(year.key.year)
        if before is None:
            root.children.append(year)
        elif (year.key.year or 0) < current or has_typed_items(before):
            root.children.append(_renumbered(before, number, typed))
        else:
            year.weight = typed.get(str(before.key), before.weight)
            root.children.append(year)
    return root


def _renumbered(node: Node, number: int, weights: dict[str, Fraction]) -> Node:
    """A copy of a subtree under task number ``number``, with the typed weights."""
    k = node.key
    key = NodeKey(k.section, number, k.year, k.quarter, k.month, k.item)
    weight = weights.get(str(k), node.weight)
    children = [_renumbered(c, number, weights) for c in node.children]
    return Node(key, weight, node.content, node.product, children)


def even_split(parts: int) -> list[Fraction]:
    """``parts`` weights of two decimals summing to exactly 100 (33.33, 33.33, 33.34)."""
    base = Fraction(int(HUNDRED * 100 / parts), 100)
    return [base] * (parts - 1) + [HUNDRED - base * (parts - 1)]


def build_tree(rows: Iterable[PlanRow]) -> tuple[dict[str, Node], list[Problem]]:
    """Assemble task trees from keyed rows (any order); bad or duplicate keys are problems."""
    # Nodes by the text of their key: one text per key, and texts hash faster than keys.
    nodes: dict[str, Node] = {}
    problems: list[Problem] = []
    for row in rows:
        try:
            key = parse_key(row.key)
        except ValueError:
            problems.append(problem("unknown_key", value=row.key, node=row.key))
            continue
        name = str(key)
        if name in nodes:
            problems.append(problem("duplicate_key", value=row.key, node=row.key))
            continue
        nodes[name] = Node(key, row.weight, row.content, row.product)
    roots: dict[str, Node] = {}
    for node in sorted(nodes.values(), key=_node_order):
        key = node.key
        parent_key = key.parent()
        if parent_key is None:
            roots[key.task_key] = node
            continue
        parent = nodes.get(str(parent_key))
        if parent is not None:
            parent.children.append(node)
        else:
            problems.append(problem("unknown_key", value=str(key), node=str(key)))
    return roots, problems


def _node_order(node: Node) -> tuple[object, ...]:
    return node.key.plan_order()


def check_tree(
    root: Node, tolerance: Fraction = DEFAULT_TOLERANCE, *, open_years: Iterable[int] = ()
) -> tuple[Node, list[Problem]]:
    """Check one task's tree and return it with exact weights, blank item rows dropped.

    ``open_years`` (a period task's plan, docs/regulation.md R35) are the numbers of the years
    that may be left unplanned: those later than the plan's year.  Such a year with no item
    typed below it keeps its weight and loses its (blank) quarters and months, without a
    problem; it counts 0 until its own year's plan gives it items.  A later year planned ahead
    (with an item) is checked like any other.

    Rules of the tree (docs/regulation.md, R10): the children of every node of weight > 0 sum to
    100 (within ``tolerance``, then scaled to exactly 100); a node of weight 0 may have no
    children and is not checked below; every node of weight > 0 has items below it; every node
    but a blank item row has a weight.  The rules of one row (a weight within 0–100 %, an item
    with a weight has content, the key's grammar) belong to the forms' pandera schemas
    (``dotpha_xl.xlsx.schemas``) and are not checked here a second time.
    """
    problems: list[Problem] = []
    wanted = set(open_years)
    unplanned = frozenset(
        child.key
        for child in root.children
        if child.key.level == YEAR and child.key.year in wanted and not has_typed_items(child)
    )
    clean = _check_node(root, tolerance, problems, unplanned)
    return clean, problems


def has_typed_items(node: Node) -> bool:
    """Whether anything was typed on an item row below ``node`` (a weight, content, product)."""
    return any(
        i.weight is not None or i.content or i.product for i in node.items() if i is not node
    )


#: Weight types whose exact numerator and denominator the checks can add up as integers.
_RATIONAL = (Fraction, int)


def _check_node(
    node: Node,
    tolerance: Fraction,
    problems: list[Problem],
    unplanned: frozenset[NodeKey] = frozenset(),
) -> Node:
    if node.key.item is not None:
        return _copy(node, node.weight, [])
    kept: list[Node] = []
    exact = True  # every kept weight a Fraction or int: their sum is kept as tn / td
    tn, td = 0, 1
    for child in node.children:
        is_item = child.key.item is not None
        weight = child.weight
        if is_item and weight is None and not child.content and not child.product:
            continue  # a blank item row of the template
        if weight is None:
            problems.append(problem("weight_missing", node=str(child.key)))
            continue
        if type(weight) in _RATIONAL:
            n, d = weight.numerator, weight.denominator
            if d == td:
                tn += n
            else:
                tn, td = tn * d + n * td, td * d
            zero = n == 0
        else:
            exact = False
            zero = weight == 0
        if zero:  # contributes nothing: kept as typed, not checked below
            kept.append(_without_blank_items(child))
            continue
        if unplanned and child.key in unplanned:  # a later year, not planned yet
            kept.append(_copy(child, weight, []))
            continue
        kept.append(_check_node(child, tolerance, problems))
    if not kept:
        shown = _pct(node.weight if node.weight is not None else HUNDRED)
        problems.append(problem("node_without_items", value=shown, node=str(node.key)))
        return _copy(node, node.weight, kept)
    if exact and tn == 100 * td and tolerance >= 0:  # the common case: nothing to scale
        return _copy(node, node.weight, kept)
    total = Fraction(tn, td) if exact else sum((c.weight for c in kept), Fraction(0))
    if abs(total - HUNDRED) > tolerance:
        problems.append(problem("weight_sum_not_100", value=_pct(total), node=str(node.key)))
        return _copy(node, node.weight, kept)
    if total != HUNDRED:
        kept = [_copy(c, c.weight * HUNDRED / total, c.children) for c in kept]
    return _copy(node, node.weight, kept)


def _copy(node: Node, weight: Fraction | None, children: list[Node]) -> Node:
    """``dataclasses.replace(node, weight=weight, children=children)``, without its overhead."""
    return Node(node.key, weight, node.content, node.product, children)


def _without_blank_items(node: Node) -> Node:
    """A subtree of weight 0 as typed, minus blank template rows; missing weights count 0."""
    children = [
        _without_blank_items(c)
        for c in node.children
        if not (c.key.item is not None and c.weight is None and not c.content and not c.product)
    ]
    weight = node.weight if node.weight is not None else Fraction(0)
    return _copy(node, weight, children)


def _pct(value: Fraction | None) -> str:
    """Exact display of a percentage: two decimals, half up, decimal comma (25,5)."""
    if value is None:
        return ""
    hundredths = (abs(value) * 100 * 2 + 1) // 2
    sign = "-" if value < 0 else ""
    text = f"{sign}{hundredths // 100},{hundredths % 100:02d}"
    return text.rstrip("0").rstrip(",")


__all__ = [
    "ITEM",
    "MONTH",
    "QUARTER",
    "TASK",
    "YEAR",
    "Node",
    "PlanRow",
    "build_tree",
    "check_tree",
    "continued_period",
    "even_split",
    "has_typed_items",
    "item_calendar_month",
    "skeleton",
]
