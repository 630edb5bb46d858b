"""A planned task as a record: what the plan form is made from, what a filled plan gives back with
its checked tree, and what a report carries sealed.  One class for the concept, from the
assignment (``records.people.Assignment.task``) to the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dotpha_xl.domain.tree import Node


@dataclass
class PlannedTask:
    """One task of a cadre's plan: its identity and wording, and its tree once one is known."""

    section: str  # "A" (annual) or "B" (a period of several years)
    number: int
    title: str
    start_year: int
    end_year: int
    basis: str = ""
    targets: str = ""
    carried_from: str = ""
    root: Node | None = None  # the checked plan tree (a filled plan, a sealed report)
    #: Where the task came from (docs/workbook-format.md): ``registration``, ``body`` (added by
    #: a reviewing body's proposals, Art. 4.2 e), ``committee`` (added by the Standing
    #: Committee's decision, Art. 4.3, 2.5), ``carried`` (Art. 2.5); empty when not known.
    origin: str = ""
    #: the plan's narrative per task (Art. 4.4 a): field of ``kernel.keys.PLAN_NOTES`` -> text
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.section}{self.number}"

    @property
    def years(self) -> int:
        return self.end_year - self.start_year + 1

    def as_meta(self) -> dict[str, Any]:
        """The task as a workbook's sealed ``_meta`` carries it (``origin`` only when known;
        ``notes`` only when a text is known: a plan template pre-filled from the year before, a
        report)."""
        meta: dict[str, Any] = {
            "key": self.key,
            "title": self.title,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "basis": self.basis,
            "targets": self.targets,
            "carried_from": self.carried_from,
        }
        if self.origin:
            meta["origin"] = self.origin
        notes = {k: v for k, v in self.notes.items() if v}
        if notes:
            meta["notes"] = notes
        return meta

    @classmethod
    def from_meta(cls, meta: dict[str, Any], root: Node | None = None) -> PlannedTask:
        """A task from the ``_meta`` a workbook carries (``as_meta``), with its tree if known."""
        key = str(meta["key"])
        return cls(
            section=key[0],
            number=int(key[1:]),
            title=meta["title"],
            start_year=int(meta["start_year"]),
            end_year=int(meta["end_year"]),
            basis=meta.get("basis", ""),
            targets=meta.get("targets", ""),
            carried_from=meta.get("carried_from", ""),
            root=root,
            origin=meta.get("origin", ""),
            notes=dict(meta.get("notes") or {}),
        )


def continued_task(earlier: Mapping[str, PlannedTask], task: PlannedTask) -> PlannedTask | None:
    """The task of an earlier year's plan or report (``earlier``: key -> task) that ``task``
    continues: the same key and years, else the only period task with the same title and years
    (task numbers may change from one year's assignments to the next; reading R35)."""
    same = earlier.get(task.key)
    if same is not None and (same.start_year, same.end_year) == (task.start_year, task.end_year):
        return same
    titled = [
        t for t in earlier.values()
        if t.section == "B" and (t.title, t.start_year, t.end_year)
        == (task.title, task.start_year, task.end_year)
    ]  # fmt: skip
    return titled[0] if len(titled) == 1 else None
