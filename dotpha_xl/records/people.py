"""The people and tasks of the cycle as records: a roster row, an assigned task, and the tables
that hold them (read from Excel by ``dotpha_xl.xlsx.tables``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dotpha_xl.domain.periods import runs_in
from dotpha_xl.kernel.problems import Problem
from dotpha_xl.records.tasks import PlannedTask

ANNUAL = "A"
PERIOD = "B"


@dataclass(frozen=True)
class Cadre:
    """One row of the roster."""

    cadre_id: str
    full_name: str
    position: str
    unit: str
    body: str
    provincial_committee_member: bool = False
    status: str = "active"
    appointed_on: date | None = None
    predecessor_id: str = ""
    left_on: date | None = None
    row: int = 0


@dataclass(frozen=True)
class Assignment:
    """One task assigned to a cadre (one row of the assignments table)."""

    cadre_id: str
    section: str
    task_no: int
    title: str
    start_year: int
    end_year: int
    basis: str = ""
    targets: str = ""
    assigned_on: date | None = None
    carried_from: str = ""
    row: int = 0
    #: ``registration``, ``body``, ``committee`` or ``carried`` (``PlannedTask.origin``).
    origin: str = ""

    @property
    def task_key(self) -> str:
        return f"{self.section}{self.task_no}"

    @property
    def years(self) -> int:
        return self.end_year - self.start_year + 1

    @property
    def task(self) -> PlannedTask:
        """The task assigned, as the plan is made from it."""
        return PlannedTask(
            self.section, self.task_no, self.title, self.start_year, self.end_year,
            basis=self.basis, targets=self.targets, carried_from=self.carried_from,
            origin=self.origin,
        )  # fmt: skip


@dataclass
class Roster:
    """The cadres that could be read, in file order, and the problems found."""

    cadres: dict[str, Cadre]
    problems: list[Problem] = field(default_factory=list)
    file: str = ""


@dataclass
class Assignments:
    """The assignments that could be read, in file order, and the problems found."""

    rows: list[Assignment]
    problems: list[Problem] = field(default_factory=list)
    file: str = ""

    def for_cadre(self, cadre_id: str) -> list[Assignment]:
        return [a for a in self.rows if a.cadre_id == cadre_id]

    def active_in(self, year: int) -> list[Assignment]:
        return [a for a in self.rows if runs_in(a.start_year, a.end_year, year)]
