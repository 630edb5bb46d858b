"""A consolidation as records: each cadre's task in the period with the figures of the core and
where they came from, who is missing, which files were rejected or superseded.  Plain values, no
I/O: ``dotpha_xl.store.consolidation_json`` writes and reads them as JSON, the writers in
``dotpha_xl.xlsx`` turn them into workbooks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from dotpha_xl.domain.decisions import TaskFacts, cadre_level, carries_over, rated_completions
from dotpha_xl.domain.evaluate import TaskResult
from dotpha_xl.domain.periods import ReportPeriod, parse_period
from dotpha_xl.kernel.problems import Problem
from dotpha_xl.kernel.text import format_percent
from dotpha_xl.records.people import Cadre

FLAG_LATE = "late"
FLAG_HANDED_OVER = "handed_over"  # the row of a cadre who left: a conclusion, not a rating
FLAG_INHERITED = "inherited"  # the successor's row of a task taken over


@dataclass(frozen=True)
class Signal:
    """A sign for the reviewing body to judge (Art. 10, untruthful report), at its cell."""

    code: str  # domain.decisions.SIGNALS
    file: str
    sheet: str
    cell: str
    node: str = ""  # the row key it concerns

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "node": self.node,
        }


#: The narrative blocks of form 03, in order (row key ``note.<name>``), and their headings.
NARRATIVE_KEYS: dict[str, str] = {
    "advantages": "Thuận lợi",
    "difficulties": "Khó khăn, vướng mắc và giải pháp",
    "direction": "Phương hướng thời gian tới",
    "proposals": "Đề xuất, kiến nghị",
}


@dataclass
class TaskOutcome:
    """One task of a report as evaluated where the file was read: its plan's identity, the exact
    figures of the core, and its items (a list; packed bytes, then ``StoredItems``, in a batch)."""

    task_key: str
    title: str
    section: str
    start_year: int
    end_year: int
    result: TaskResult
    items: Any = ()
    fm_reasons: dict[str, str] = field(default_factory=dict)  # item key -> force majeure reason
    #: Why the task is not finished as planned (form 03, column 8): the task row's reason, else
    #: (a period task) the reported year's.
    shortfall_reason: str = ""
    evidence: str = ""  # what the cadre gave as evidence beside the self-rating
    signals: list[Signal] = field(default_factory=list)  # read where the file was read
    #: Every reason given, by row key (a period task: the task and the reported year).
    shortfall_reasons: dict[str, str] = field(default_factory=dict)
    #: Rows the cadre inserted under a month of this task, not in the plan and not counted:
    #: ``{"month", "cell", "content", "product", "actual_product", "completion"}`` (completion
    #: an exact fraction's text, or None).
    unplanned_items: list[dict[str, Any]] = field(default_factory=list)
    #: The plan's narrative of the task (Art. 4.4 a), by field of ``kernel.keys.PLAN_NOTES``,
    #: as sealed in the report's task (``PlannedTask.notes``).
    plan_notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TenureFigures:
    """A task's handover figures (Art. 2.4): for the cadre who left, the attainment A_d of the
    plan to that day; for the successor, the completion C_d taken over and their own part O."""

    handover_on: date
    attainment: Fraction | None = None  # the leaving cadre's A_d
    completion_at_handover: Fraction | None = None  # the successor's C_d
    completion_own: Fraction | None = None  # the successor's O
    inherited: bool = False  # a successor's row (else the leaving cadre's)


@dataclass(kw_only=True)
class TaskRow(TaskOutcome):
    """One cadre's task in the period: the figures of the core and where they came from."""

    cadre: Cadre
    report_file: str
    received: datetime | None
    deadline: date | None
    late: bool  # judged on the first accepted report of the period (first_received)
    first_received: datetime | None = None
    tenure: TenureFigures | None = None  # handover figures (steps/tenure.py)
    extra_flags: list[str] = field(default_factory=list)
    #: The unfinished items as a consolidation JSON gave them (a loaded row has no item rows).
    unfinished: list[dict[str, Any]] | None = None

    @classmethod
    def of(cls, outcome: TaskOutcome, **where: Any) -> TaskRow:
        """The row of ``outcome`` for a cadre (``cadre``, ``report_file``, ``received``,
        ``deadline``, ``late`` and the rest given by name)."""
        return cls(**{f.name: getattr(outcome, f.name) for f in fields(TaskOutcome)}, **where)

    @property
    def flags(self) -> list[str]:
        flags = list(self.result.flags) + self.extra_flags
        if self.late:
            flags.insert(0, FLAG_LATE)
        return flags

    @property
    def handed_over(self) -> bool:
        """The row of a cadre who left during the period (Art. 2.4)."""
        return FLAG_HANDED_OVER in self.extra_flags

    @property
    def facts(self) -> TaskFacts:
        """The task as the decision rules read it (``domain.decisions``), every figure exact."""
        r = self.result
        return TaskFacts(
            section=self.section,
            period=parse_period(r.period),
            rating=r.rating,
            rating_raw=r.rating_raw,
            completion_year=r.completion_year,
            expected_to_date=r.expected_to_date,
            handed_over=self.handed_over,
            completion_rated=self.completion_rated,
        )

    @property
    def completion_rated(self) -> Fraction | None:
        """The exact figure the task's rating was computed from: a successor's own part
        (Art. 2.4), the whole period's (a period task's final year, or completed early), else
        the year's."""
        r = self.result
        if r.rating is None:
            return None
        if self.tenure is not None and self.tenure.inherited:
            return self.tenure.completion_own
        return r.completion_period if r.whole_period else r.completion_year

    @property
    def completion_rated_raw(self) -> Fraction | None:
        """:attr:`completion_rated` before force majeure is left out; none for a successor's own
        part (computed on adjusted figures only) or a task not rated in the report."""
        r = self.result
        if r.rating is None or (self.tenure is not None and self.tenure.inherited):
            return None
        return r.completion_period_raw if r.whole_period else r.completion_year_raw


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
class LatePlan:
    """A cadre's plan of the year received after its deadline (Art. 4.4 b, R33), judged on the
    first accepted version: ``deadline`` is 25/01, or a month after the latest assignment (a
    successor's handover) when that came after the decision, ``assigned_on``."""

    cadre: Cadre
    file: str
    received: datetime
    deadline: date
    days_late: int
    assigned_on: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "cadre_id": self.cadre.cadre_id,
            "full_name": self.cadre.full_name,
            "body": self.cadre.body,
            "unit": self.cadre.unit,
            "file": self.file,
            "received": self.received.isoformat(timespec="seconds"),
            "deadline": self.deadline.isoformat(),
            "days_late": self.days_late,
            "assigned_on": self.assigned_on.isoformat() if self.assigned_on else None,
        }


@dataclass
class Consolidation:
    period: ReportPeriod
    bodies: dict[str, str]
    tasks: list[TaskRow] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    superseded: list[Superseded] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # kept reports with warnings
    problems: list[Problem] = field(default_factory=list)  # of the roster and the side tables
    cadres: dict[str, Cadre] = field(default_factory=dict)  # everyone consolidated
    #: Cadre id -> what their report kept says under the table (Art. 5.3, form 03): by
    #: :data:`NARRATIVE_KEYS` (``advantages``, ``difficulties``, ``direction``,
    #: ``proposals``), only those written.
    narratives: dict[str, dict[str, str]] = field(default_factory=dict)
    #: File name -> the traceback of a bug met while reading it (problem ``internal_error``),
    #: shown with ``--debug``; never written to the JSON.
    tracebacks: dict[str, str] = field(default_factory=dict)
    #: Keeps the file of the tasks' stored item rows while the consolidation is alive; it stays
    #: with this process (a copy sent elsewhere reads the rows through each task's StoredItems).
    item_store: Any = field(default=None, repr=False, compare=False)  # a store.item_store.ItemStore
    #: Cadre id -> the cadre's own computed level (Art. 7.3 c, R28), for the cadres with a task
    #: rated in this report (:func:`cadre_levels`).
    levels: dict[str, str] = field(default_factory=dict)
    #: The plans of the year received late (Art. 4.4 b, R33), in roster order.
    late_plans: list[LatePlan] = field(default_factory=list)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "item_store": None}

    def for_body(self, body: str) -> Consolidation:
        others = self._files_of_others(body)
        return Consolidation(
            period=self.period,
            bodies={body: self.bodies[body]},
            tasks=[t for t in self.tasks if t.cadre.body == body],
            missing=[m for m in self.missing if m.cadre.body == body],
            rejected=[r for r in self.rejected if self._body_of(r.cadre_id) in (body, None)],
            superseded=[s for s in self.superseded if self._body_of(s.cadre_id) == body],
            warnings=[w for w in self.warnings if w.file not in others],
            problems=list(self.problems),
            cadres={k: c for k, c in self.cadres.items() if c.body == body},
            narratives={k: v for k, v in self.narratives.items() if self._body_of(k) == body},
            tracebacks=dict(self.tracebacks),
            item_store=self.item_store,
            levels={k: v for k, v in self.levels.items() if self._body_of(k) == body},
            late_plans=[p for p in self.late_plans if p.cadre.body == body],
        )

    def carried_over(self) -> list[TaskRow]:
        """Art. 2.5: the tasks that carry over to next year (``domain.decisions.carries_over``):
        the one set the summary lists and ``dotpha carry-over`` writes."""
        return [t for t in self.tasks if carries_over(t.facts)]

    def _files_of_others(self, body: str) -> set[str]:
        """The report files kept for cadres of other bodies than ``body``."""
        return {t.report_file for t in self.tasks if t.cadre.body != body}

    def _body_of(self, cadre_id: str) -> str | None:
        cadre = self.cadres.get(cadre_id)
        return cadre.body if cadre else None


def cadre_levels(tasks: Iterable[TaskRow], thresholds: Any, reading: str) -> dict[str, str]:
    """Each cadre's own level (``domain.decisions.cadre_level``) from their tasks rated in the
    report, in the tasks' order; cadres without a rated task have none."""
    facts: dict[str, list[TaskFacts]] = {}
    for t in tasks:
        facts.setdefault(t.cadre.cadre_id, []).append(t.facts)
    out = {}
    for cadre_id, rows in facts.items():
        level = cadre_level(rated_completions(rows), thresholds, reading)
        if level is not None:
            out[cadre_id] = level
    return out


def tenure_note(row: TaskRow) -> str:
    """The handover figures of a task row in words, for the body workbook's notes column."""
    t = row.tenure
    if t is None:
        return ""
    on = t.handover_on
    if t.inherited:
        own = format_percent(t.completion_own) if t.completion_own is not None else "không có"
        done = format_percent(t.completion_at_handover or Fraction(0))
        return (
            f" (nhận bàn giao ngày {on:%d/%m/%Y}: đã hoàn thành {done} khi nhận;"
            f" phần tự thực hiện {own})"
        )
    a_text = format_percent(t.attainment) if t.attainment is not None else "chưa có"
    return f" (ngày {on:%d/%m/%Y}; mức đạt so với kế hoạch đến ngày đó {a_text})"
