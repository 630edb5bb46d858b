"""Ratings as records: one task's ratings from the computed one to the decided one (Art. 7.3), and
a rated period's rows with the commendation that follows the decided rating (Art. 9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dotpha_xl.kernel.problems import Problem

HIGHEST = "HTXS"  # the level commended (Art. 9)
RATINGS_SHEET = "Xếp loại"  # the review sheet of the summary workbook
RATINGS_KEY = "ratings"  # its pre-filled content in the summary's ``_meta``


@dataclass
class RatingRow:
    """One task's ratings, from the computed one to the decided one."""

    cadre_id: str
    task_key: str
    full_name: str = ""
    position: str = ""
    body: str = ""
    title: str = ""
    computed: str = ""
    self_rating: str = ""
    proposed: str = ""
    proposal_reason: str = ""
    decided: str = ""
    decision_reason: str = ""

    @property
    def key(self) -> str:
        return f"{self.cadre_id}:{self.task_key}"

    def to_json(self) -> dict[str, Any]:
        return {
            "cadre_id": self.cadre_id,
            "task_key": self.task_key,
            "computed": self.computed or None,
            "self": self.self_rating or None,
            "proposed": self.proposed or None,
            "decided": self.decided or None,
        }


@dataclass
class FinalRatings:
    period: str
    period_label: str
    rows: list[RatingRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def commendation(self) -> list[RatingRow]:
        """Art. 9 follows the decided rating, not the computed one."""
        return [r for r in self.rows if r.decided == HIGHEST]

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "ratings": [r.to_json() for r in self.rows],
            "commendation": [
                {"cadre_id": r.cadre_id, "task_key": r.task_key} for r in self.commendation
            ],
            "problems": [p.to_dict() for p in self.problems],
        }
