"""The Organisation Board's summary as records: the counts per reviewing body and the lists the
Standing Committee decides on (commendation, Art. 10 cases, late reports, carry-over, force
majeure, the conclusions on cadres who left).  Figures are exact; the JSON rounds them beside
their exact value, as the consolidation JSON does."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from dotpha_xl.domain.decisions import GROUNDS, SIGNALS
from dotpha_xl.domain.ratings import LEVELS
from dotpha_xl.kernel.text import json_figures
from dotpha_xl.records.consolidation import Signal

TOTAL = "TOTAL"

#: Task key used for a case that concerns the cadre, not one task (no plan, no report, late).
WHOLE_CADRE = "*"

#: A commendation case whose HTXS rests on force majeure (the raw figure is below 100).
MARK_FORCE_MAJEURE = "force_majeure"


@dataclass
class BodyCounts:
    """One row of the per-body table (or the total row, code ``TOTAL``)."""

    code: str
    name: str
    cadres: int = 0
    tasks: int = 0
    reports: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    ratings: dict[str, int] = field(default_factory=lambda: {level: 0 for level in LEVELS[::-1]})
    average_completion_year: Fraction | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            **json_figures(average_completion_year=self.average_completion_year),
        }


@dataclass
class Case:
    """One row of a list: a cadre's task (or the cadre as a whole, ``task_key == "*"``)."""

    cadre_id: str
    full_name: str
    position: str
    unit: str
    body: str
    task_key: str
    title: str = ""
    completion: Fraction | None = None  # the figure the rating is on
    completion_raw: Fraction | None = None
    rating: str | None = None
    rating_raw: str | None = None
    force_majeure_items: list[str] = field(default_factory=list)
    grounds: list[str] = field(default_factory=list)  # Art. 10 (domain.decisions.GROUNDS)
    signals: list[Signal] = field(default_factory=list)  # behind untruthful_report
    marks: list[str] = field(default_factory=list)  # MARK_FORCE_MAJEURE
    report_file: str = ""
    reason: str = ""  # why the task is not finished, as the cadre wrote it (form 03, column 8)
    received: datetime | None = None
    deadline: date | None = None

    @property
    def key(self) -> str:
        return f"{self.cadre_id}:{self.task_key}"

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "cadre_id": self.cadre_id,
            "full_name": self.full_name,
            "position": self.position,
            "unit": self.unit,
            "body": self.body,
            "task_key": self.task_key,
            "title": self.title,
            **json_figures(completion=self.completion, completion_raw=self.completion_raw),
            "rating": self.rating,
            "rating_raw": self.rating_raw,
            "force_majeure_items": list(self.force_majeure_items),
            "grounds": list(self.grounds),
            "grounds_vi": [GROUNDS[g] for g in self.grounds],
            "signals": [
                {**s.to_json(), "message": SIGNALS.get(s.code, s.code)} for s in self.signals
            ],
            "marks": list(self.marks),
            "report_file": self.report_file,
            "reason": self.reason,
            "received": self.received.isoformat(timespec="seconds") if self.received else None,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }


@dataclass
class Conclusion:
    """Art. 2.4: the conclusion on a cadre who left, per task: C_d, E_d and A_d at the day they
    left.  Not a rating: never proposed for commendation, never carried over by them."""

    cadre_id: str
    full_name: str
    position: str
    unit: str
    body: str
    task_key: str
    title: str
    left_on: date
    completion: Fraction | None  # C_d
    expected: Fraction | None  # E_d
    attainment: Fraction | None  # A_d

    @property
    def key(self) -> str:
        return f"{self.cadre_id}:{self.task_key}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "cadre_id": self.cadre_id,
            "full_name": self.full_name,
            "body": self.body,
            "task_key": self.task_key,
            "title": self.title,
            "left_on": self.left_on.isoformat(),
        }
        return {
            **out,
            **json_figures(
                completion=self.completion, expected=self.expected, attainment=self.attainment
            ),
        }


@dataclass
class Summary:
    period: str
    period_kind: str
    year: int
    period_label: str
    bodies: list[BodyCounts]
    total: BodyCounts
    commendation: list[Case]
    discipline: list[Case]
    late: list[Case]
    carry_over: list[Case]
    force_majeure: list[Case]
    handover_conclusions: list[Conclusion]
    #: Whether "not registered" (Art. 10) was judged: it needs the registrations or proposals.
    registrations_judged: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "period_kind": self.period_kind,
            "year": self.year,
            "period_label": self.period_label,
            "bodies": [b.to_json() for b in self.bodies],
            "total": self.total.to_json(),
            "commendation": [c.to_json() for c in self.commendation],
            "discipline": [c.to_json() for c in self.discipline],
            "registrations_judged": self.registrations_judged,
            "late": [c.to_json() for c in self.late],
            "carry_over": [c.to_json() for c in self.carry_over],
            "force_majeure": [c.to_json() for c in self.force_majeure],
            "handover_conclusions": [c.to_json() for c in self.handover_conclusions],
        }
