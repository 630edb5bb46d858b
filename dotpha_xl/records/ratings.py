"""Ratings as records: one task's ratings from the computed one to the decided one (Art. 7.3), and
a rated period's rows with the commendation that follows the decided rating (Art. 9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dotpha_xl.kernel.problems import Problem

HIGHEST = "HTXS"  # the level commended (Art. 9)
RATINGS_SHEET = "Xếp loại"  # the review sheet of the summary workbook
RATINGS_KEY = "ratings"  # its pre-filled content in the summary's ``_meta``
#: The task key of a cadre's own row (Art. 7.3 c, R28): ``CADRE_ID:*`` follows the cadre's rated
#: tasks on the body's "Tổng hợp", the summary's "Xếp loại" and the final ratings, read back in the
#: same review columns as the tasks' ratings.
CADRE_ROW = "*"
CADRE_ROW_TITLE = "Mức xếp loại của cán bộ (Điều 7.3 c)"


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
    #: A period task's final year: the year's own rating beside ``computed``, the whole
    #: period's (form 03, column 7 "theo năm và giai đoạn"; R30, R31); empty otherwise.
    year_rating: str = ""
    self_rating: str = ""
    proposed: str = ""
    proposal_reason: str = ""
    decided: str = ""
    decision_reason: str = ""

    @property
    def key(self) -> str:
        return f"{self.cadre_id}:{self.task_key}"

    @property
    def is_cadre(self) -> bool:
        """The cadre's own level (``CADRE_ID:*``), not a task."""
        return self.task_key == CADRE_ROW

    def to_json(self) -> dict[str, Any]:
        if self.is_cadre:
            return {
                "cadre_id": self.cadre_id,
                "computed": self.computed or None,
                "self": self.self_rating or None,
                "proposed": self.proposed or None,
                "decided": self.decided or None,
            }
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
    #: What a cadre's record across years reads (Art. 8, ``dotpha record``): the year, everyone
    #: consolidated (``cadre_id``, ``full_name``, ``position``, ``unit``, ``body``), every task
    #: of the report with its figures and flags, and the Art. 10 cases of the summary.
    year: int | None = None
    people: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    discipline: list[dict[str, Any]] = field(default_factory=list)
    #: Art. 9.2: the bodies' proposals of exemplary collectives and individuals, decided.
    exemplary: list[Any] = field(default_factory=list)  # records.exemplary.Exemplary

    @property
    def commendation(self) -> list[RatingRow]:
        """Art. 9 follows the decided rating, not the computed one."""
        return [r for r in self.rows if r.decided == HIGHEST and not r.is_cadre]

    @property
    def cadres(self) -> list[RatingRow]:
        """The cadres' own levels (Art. 7.3 c), computed to decided."""
        return [r for r in self.rows if r.is_cadre]

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "ratings": [r.to_json() for r in self.rows if not r.is_cadre],
            "cadres": [r.to_json() for r in self.cadres],
            "commendation": [
                {"cadre_id": r.cadre_id, "task_key": r.task_key} for r in self.commendation
            ],
            "problems": [p.to_dict() for p in self.problems],
            "year": self.year,
            "period_label": self.period_label,
            "people": list(self.people),
            "tasks": list(self.tasks),
            "discipline": list(self.discipline),
            "exemplary": [e.to_json() for e in self.exemplary],
        }
