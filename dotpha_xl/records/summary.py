"""The Organisation Board's summary as records: the counts per reviewing body and the lists the
Standing Committee decides on (commendation, discipline, carry-over, force majeure)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from dotpha_xl.domain.ratings import LEVELS

TOTAL = "TOTAL"

#: Discipline reasons (Art. 10), code -> Vietnamese.
DISCIPLINE_REASONS: dict[str, str] = {
    "no_plan": "Không có kế hoạch",
    "no_report": "Không nộp báo cáo",
    "late": "Nộp báo cáo muộn",
    "self_rating_above": "Tự nhận mức cao hơn kết quả",
}

#: Task key used for a case that concerns the cadre, not one task (no plan, no report, late).
WHOLE_CADRE = "*"


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
    average_completion_year: float | None = None


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
    completion: float | None = None  # the figure the rating is on
    completion_raw: float | None = None
    rating: str | None = None
    rating_raw: str | None = None
    force_majeure_items: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # codes of DISCIPLINE_REASONS

    @property
    def key(self) -> str:
        return f"{self.cadre_id}:{self.task_key}"

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["key"] = self.key
        out["reasons_vi"] = [DISCIPLINE_REASONS.get(r, r) for r in self.reasons]
        return out


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
    carry_over: list[Case]
    force_majeure: list[Case]

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "period_kind": self.period_kind,
            "year": self.year,
            "period_label": self.period_label,
            "bodies": [asdict(b) for b in self.bodies],
            "total": asdict(self.total),
            "commendation": [c.to_json() for c in self.commendation],
            "discipline": [c.to_json() for c in self.discipline],
            "carry_over": [c.to_json() for c in self.carry_over],
            "force_majeure": [c.to_json() for c in self.force_majeure],
        }
