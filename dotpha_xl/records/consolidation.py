"""A consolidation as records: each cadre's task in the period with the figures of the core and
where they came from, who is missing, which files were rejected or superseded.  Plain values, no
I/O: ``dotpha_xl.store.consolidation_json`` writes and reads them as JSON, the writers in
``dotpha_xl.xlsx`` turn them into workbooks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from dotpha_xl.domain.evaluate import TaskResult
from dotpha_xl.domain.periods import ReportPeriod
from dotpha_xl.kernel.problems import Problem
from dotpha_xl.kernel.text import format_percent
from dotpha_xl.records.items import ItemRow
from dotpha_xl.records.people import Cadre

FLAG_LATE = "late"


@dataclass
class TaskRow:
    """One cadre's task in the period: the figures of the core and where they came from."""

    cadre: Cadre
    task_key: str
    title: str
    section: str
    start_year: int
    end_year: int
    result: TaskResult
    report_file: str
    received: datetime | None
    deadline: date | None
    late: bool
    items: Iterable[ItemRow] = ()  # a list, or StoredItems read back from the item store
    fm_reasons: dict[str, str] = field(default_factory=dict)
    shortfall_reason: str = ""
    tenure: dict[str, Any] = field(default_factory=dict)  # handover figures (steps/tenure.py)
    extra_flags: list[str] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        flags = list(self.result.flags) + self.extra_flags
        if self.late:
            flags.insert(0, FLAG_LATE)
        return flags


@dataclass
class Missing:
    cadre: Cadre
    reason: str  # "no_report" | "no_plan"


@dataclass
class Rejected:
    file: str
    cadre_id: str
    problems: list[Problem]


@dataclass
class Superseded:
    file: str
    cadre_id: str
    by: str


@dataclass
class Consolidation:
    period: ReportPeriod
    bodies: dict[str, str]
    tasks: list[TaskRow] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    superseded: list[Superseded] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # kept reports with warnings
    problems: list[Problem] = field(default_factory=list)  # of the roster and assignments
    cadres: dict[str, Cadre] = field(default_factory=dict)  # everyone consolidated
    #: Keeps the file of the tasks' stored item rows while the consolidation is alive; it stays
    #: with this process (a copy sent elsewhere reads the rows through each task's StoredItems).
    item_store: Any = field(default=None, repr=False, compare=False)  # a store.item_store.ItemStore

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "item_store": None}

    def for_body(self, body: str) -> Consolidation:
        return Consolidation(
            period=self.period,
            bodies={body: self.bodies[body]},
            tasks=[t for t in self.tasks if t.cadre.body == body],
            missing=[m for m in self.missing if m.cadre.body == body],
            rejected=[r for r in self.rejected if self._body_of(r.cadre_id) in (body, None)],
            superseded=[s for s in self.superseded if self._body_of(s.cadre_id) == body],
            warnings=[w for w in self.warnings],
            problems=list(self.problems),
            cadres={k: c for k, c in self.cadres.items() if c.body == body},
            item_store=self.item_store,
        )

    def _body_of(self, cadre_id: str) -> str | None:
        cadre = self.cadres.get(cadre_id)
        return cadre.body if cadre else None


def tenure_note(row: Any) -> str:
    """The handover figures of a task row in words, for the body workbook's notes column."""
    t = getattr(row, "tenure", None) or {}
    if "handover_on" not in t:
        return ""
    on = date.fromisoformat(t["handover_on"])
    if "completion_at_handover" in t:
        c_d = Fraction(str(t["completion_at_handover"]))
        own = t.get("completion_own")
        own_text = format_percent(Fraction(str(own))) if own is not None else "không có"
        return (
            f" (nhận bàn giao ngày {on:%d/%m/%Y}: đã hoàn thành {format_percent(c_d)} khi nhận;"
            f" phần tự thực hiện {own_text})"
        )
    a_d = t.get("attainment")
    a_text = format_percent(Fraction(str(a_d))) if a_d is not None else "chưa có"
    return f" (ngày {on:%d/%m/%Y}; mức đạt so với kế hoạch đến ngày đó {a_text})"
