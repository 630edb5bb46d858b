"""What a file read tells of itself, as records: whose it is, for which period, its problems, and
(for a report) each task as evaluated where the file was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dotpha_xl.kernel.problems import Problem, has_errors


class ReadOutcome:
    """What every file read through the contract tells of itself, from its ``_meta`` and its
    problems (mixed into the contract's ``FormSheet``, ``PlanFile``, ``ReportFile`` and
    :class:`FileOutcome`); a mixin, each dataclass declares the two fields itself."""

    meta: dict[str, str]
    problems: list[Problem]

    @property
    def cadre_id(self) -> str:
        return self.meta.get("cadre_id", "")

    @property
    def period_code(self) -> str:
        return self.meta.get("period", "")

    @property
    def year(self) -> int | None:
        text = self.meta.get("year", "")
        return int(text) if text.isdigit() else None

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


@dataclass
class FileOutcome(ReadOutcome):
    """The outcome of one file of a batch (validate, consolidate, the intake ledger): enough for
    the roll-up, the ledger and the messages, small enough to cross processes."""

    file: str
    path: str
    meta: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""
    size: int = 0
    annotated: str = ""  # the annotated copy written for it, if any
    tasks: list[Any] = field(default_factory=list)  # reports: records.consolidation.TaskOutcome
    #: Reports: item key -> (exact completion as a fraction's text, its cell), for the ledger's
    #: comparison with the cadre's next report.
    item_completions: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Reports: the narrative blocks under the table, by row key (``note.advantages``, ...).
    narratives: dict[str, str] = field(default_factory=dict)
    #: When reading it met a bug (problem ``internal_error``): the traceback, for ``--debug``.
    traceback: str = ""
    #: The file's rows awaiting the batch's pandera check (``steps.batch``); never sent back.
    pending: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "path": self.path,
            "cadre_id": self.cadre_id,
            "valid": self.ok,
            "annotated": self.annotated,
            "problems": [p.to_dict() for p in self.problems],
        }
