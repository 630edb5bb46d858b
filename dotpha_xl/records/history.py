"""A cadre's record across years (Art. 8): what the annual and term evaluations, planning and
appointment read of the breakthrough tasks, gathered from the ratings of several years
(``dotpha record``).  A cadre's years follow their ``cadre_id``, across a change of post."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


@dataclass
class YearTask:
    """One task of a cadre in one year's ratings: the figure the rating is on, the ratings from
    computed to decided, the flags and whether it is commended (Art. 9, the decided HTXS)."""

    task_key: str
    title: str = ""
    completion: Fraction | None = None
    rated: bool = True
    computed: str = ""
    self_rating: str = ""
    proposed: str = ""
    decided: str = ""
    decision_reason: str = ""
    flags: list[str] = field(default_factory=list)
    commended: bool = False
    #: A period task's final year: the year's own rating; the ratings above are the whole
    #: period's (R30, R31).  Empty otherwise.
    year_rating: str = ""


@dataclass
class YearEntry:
    """A cadre's year (one ratings JSON): the post held then, the tasks, the cadre's own level
    (Art. 7.3 c) and the Art. 10 cases of that year."""

    year: int
    period: str
    period_label: str = ""
    position: str = ""
    unit: str = ""
    body: str = ""
    tasks: list[YearTask] = field(default_factory=list)
    level_computed: str = ""
    level_proposed: str = ""
    level_decided: str = ""
    #: Art. 10: the grounds' Vietnamese words, each with the task concerned ("*": the cadre).
    cases: list[tuple[str, str]] = field(default_factory=list)
    source: str = ""  # the ratings JSON it was read from


@dataclass
class CadreRecord:
    cadre_id: str
    full_name: str = ""
    years: list[YearEntry] = field(default_factory=list)

    @property
    def latest(self) -> YearEntry | None:
        return self.years[-1] if self.years else None
