"""Row keys of the plan tree (docs/regulation.md, "The plan tree and row keys"): the contract
between templates and readers.

::

    A{t}                      annual task
    A{t}.Q{q}.M{m}.I{i}       its quarters, months (of the quarter) and items
    B{t}                      period task
    B{t}.Y{y}.Q{q}.M{m}.I{i}  its years, then quarters, months and items as above
    A{t}.note.{field}         a plan's narrative rows under a task (Art. 4.4 a): ``PLAN_NOTES``
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

TASK = "task"
YEAR = "year"
QUARTER = "quarter"
MONTH = "month"
ITEM = "item"

LEVELS = (TASK, YEAR, QUARTER, MONTH, ITEM)

_KEY = re.compile(
    r"^(?P<section>[AB])(?P<task>[1-9]\d*)"
    r"(?:\.Y(?P<year>[1-9]\d*))?"
    r"(?:\.Q(?P<quarter>[1-4]))?"
    r"(?:\.M(?P<month>[1-3]))?"
    r"(?:\.I(?P<item>[1-9]\d*))?$"
)


@dataclass(frozen=True, order=True)
class NodeKey:
    section: str
    task: int
    year: int | None = None
    quarter: int | None = None
    month: int | None = None
    item: int | None = None

    @property
    def level(self) -> str:
        if self.item is not None:
            return ITEM
        if self.month is not None:
            return MONTH
        if self.quarter is not None:
            return QUARTER
        if self.year is not None:
            return YEAR
        return TASK

    @property
    def task_key(self) -> str:
        return f"{self.section}{self.task}"

    def parent(self) -> NodeKey | None:
        # Memoised on the instance (keys are immutable; ``parse_key`` hands out shared ones).
        memo = self.__dict__
        try:
            return memo["_parent"]
        except KeyError:
            pass
        out: NodeKey | None = None
        if self.item is not None:
            out = NodeKey(self.section, self.task, self.year, self.quarter, self.month)
        elif self.month is not None:
            out = NodeKey(self.section, self.task, self.year, self.quarter)
        elif self.quarter is not None:
            out = NodeKey(self.section, self.task, self.year)
        elif self.year is not None:
            out = NodeKey(self.section, self.task)
        memo["_parent"] = out
        return out

    def plan_order(self) -> tuple[object, ...]:
        """Sort key of plan order: parents before children, siblings by number."""
        memo = self.__dict__
        try:
            return memo["_order"]
        except KeyError:
            pass
        parts = (self.year, self.quarter, self.month, self.item)
        out = (self.section, self.task, *(-1 if p is None else p for p in parts))
        memo["_order"] = out
        return out

    def child(self, index: int) -> NodeKey:
        """The key of this node's child number ``index`` (1-based)."""
        level = self.level
        s, t, y, q, m = self.section, self.task, self.year, self.quarter, self.month
        if level == TASK:
            return NodeKey(s, t, index) if s == "B" else NodeKey(s, t, None, index)
        if level == YEAR:
            return NodeKey(s, t, y, index)
        if level == QUARTER:
            return NodeKey(s, t, y, q, index)
        if level == MONTH:
            return NodeKey(s, t, y, q, m, index)
        raise ValueError(f"an item has no children: {self}")

    def __str__(self) -> str:
        # The text is made once per key and kept on the instance (outside the dataclass fields,
        # so equality, order and hashing are untouched); row keys are turned into text a lot.
        memo = self.__dict__
        try:
            return memo["_text"]
        except KeyError:
            pass
        out = f"{self.section}{self.task}"
        if self.year is not None:
            out += f".Y{self.year}"
        if self.quarter is not None:
            out += f".Q{self.quarter}"
        if self.month is not None:
            out += f".M{self.month}"
        if self.item is not None:
            out += f".I{self.item}"
        memo["_text"] = out
        return out


def parse_key(text: str) -> NodeKey:
    """Parse a row key; raise ``ValueError`` if it does not follow the grammar.

    Keys repeat across files, so parses are cached: equal texts give the same (immutable) key.
    """
    if not isinstance(text, str):
        raise ValueError(f"not a plan row key: {text!r}")
    return _parse_key(text)


@lru_cache(maxsize=8192)
def _parse_key(text: str) -> NodeKey:
    match = _KEY.match(text.strip())
    if not match:
        raise ValueError(f"not a plan row key: {text!r}")
    g = match.groupdict()
    key = NodeKey(
        g["section"],
        int(g["task"]),
        int(g["year"]) if g["year"] else None,
        int(g["quarter"]) if g["quarter"] else None,
        int(g["month"]) if g["month"] else None,
        int(g["item"]) if g["item"] else None,
    )
    # An annual task has no years; below a period task every node sits under a year; no level
    # may be skipped (an item needs a month, a month a quarter).
    if key.section == "A" and key.year is not None:
        raise ValueError(f"an annual task has no years: {text!r}")
    if key.section == "B" and key.year is None and key.quarter is not None:
        raise ValueError(f"a period task's quarters sit under a year: {text!r}")
    if key.month is not None and key.quarter is None:
        raise ValueError(f"a month needs its quarter: {text!r}")
    if key.item is not None and key.month is None:
        raise ValueError(f"an item needs its month: {text!r}")
    return key


ROMAN_QUARTERS = ("I", "II", "III", "IV")


def describe(key: NodeKey) -> str:
    """A Vietnamese label of a node for messages.

    ``A1.Q2.M3.I2`` reads "Việc A1, quý II, tháng 6, nội dung công việc 2" (the month of the
    year, as the form's month rows name it).
    """
    parts = [f"Việc {key.task_key}"]
    if key.year is not None:
        parts.append(f"năm thứ {key.year}")
    if key.quarter is not None:
        parts.append(f"quý {ROMAN_QUARTERS[key.quarter - 1]}")
    if key.month is not None:
        month = key.month if key.quarter is None else 3 * (key.quarter - 1) + key.month
        parts.append(f"tháng {month}")
    if key.item is not None:
        parts.append(f"nội dung công việc {key.item}")
    return ", ".join(parts)


#: The narrative rows of a plan under each task (Art. 4.4 a), in the form's order: general and
#: specific objectives, solutions, roadmap, coordinating units (docs/regulation.md R36).
PLAN_NOTES = (
    "objectives_general",
    "objectives_specific",
    "solutions",
    "roadmap",
    "coordination",
)
#: Those the regulation requires of every plan ("phải có"); coordination only "trường hợp" the
#: task involves other units.
REQUIRED_PLAN_NOTES = PLAN_NOTES[:4]
NOTE_PART = ".note."
_NOTE_KEY = re.compile(r"^(?P<task>[AB][1-9]\d*)\.note\.(?P<field>[a-z_]+)$")


def note_key(task_key: str, field: str) -> str:
    """The row key of a plan's narrative ``field`` under ``task_key``: ``A1.note.solutions``."""
    return f"{task_key}{NOTE_PART}{field}"


def parse_note_key(text: object) -> tuple[str, str] | None:
    """(task key, field) of a narrative row key, or ``None`` when ``text`` is not one."""
    if not isinstance(text, str) or NOTE_PART not in text:
        return None
    match = _NOTE_KEY.match(text.strip())
    if not match or match["field"] not in PLAN_NOTES:
        return None
    return match["task"], match["field"]


def is_key(text: object) -> bool:
    try:
        parse_key(text)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True
