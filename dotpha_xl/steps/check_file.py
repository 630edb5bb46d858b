"""Check one returned workbook given as bytes (an upload): which form it is, every problem by
sheet and cell, and an annotated copy, the same checks as ``dotpha validate`` and
``dotpha consolidate`` make of a file in a folder.

The bytes go first through the same safe opening as every file the command line reads
(``xlsx/safe_open.py``); a refused file gets its one problem and no annotated copy.  The name
shown in messages is given by the caller and is never used as a path.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from dotpha_xl.kernel.problems import Problem, has_errors, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.xlsx.contract import PREFILLED_PREFIX, read_form
from dotpha_xl.xlsx.safe_open import open_workbook

FORMS = ("plan", "report")


@dataclass
class FileCheck:
    """What a check of one uploaded file found."""

    name: str  # as shown in messages
    form: str  # "plan", "report" or "" when it could not be told
    kind: str  # the workbook's kind from its bytes: "xlsx", "xlsm", "ods", "xls", "unknown"
    meta: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""
    size: int = 0
    opened: bool = False  # the safe opening let it through

    @property
    def ok(self) -> bool:
        return self.opened and bool(self.form) and not has_errors(self.problems)

    @property
    def cadre_id(self) -> str:
        return self.meta.get("cadre_id", "")

    @property
    def period(self) -> str:
        """The report's period, or the plan's year."""
        return self.meta.get("period" if self.form == "report" else "year", "")

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cadre_id": self.cadre_id,
            "form": self.form,
            "problems": [
                {
                    "sheet": p.sheet,
                    "cell": p.cell,
                    "code": p.code,
                    "severity": p.severity,
                    "message": p.message,
                    "hint": p.hint,
                }
                for p in self.problems
            ],
        }


def check_bytes(
    data: bytes,
    name: str,
    settings: Settings,
    *,
    period_code: str = "",
    cadres: Any = None,
) -> FileCheck:
    """Check an uploaded plan or report.

    ``period_code``: the period the desk collects; a report of another period, or a plan of
    another year, is a ``meta_mismatch`` error.  ``cadres``: the roster's ids (a container);
    a file of someone not on it is a ``cadre_not_on_roster`` error."""
    from dotpha_xl.xlsx.plans import read_plan
    from dotpha_xl.xlsx.reports import read_report

    opened = open_workbook(data, settings.limits, name=name)
    check = FileCheck(name, "", opened.kind, problems=list(opened.problems),
                      sha256=opened.sha256, size=opened.size, opened=opened.ok)  # fmt: skip
    if not opened.ok:
        return check
    peek = read_form(data, "report", name=name, limits=settings.limits, meta_only=True)
    form = peek.meta.get("form", "")
    if form not in FORMS:
        check.problems = list(peek.problems) or [problem("meta_missing").at(file=name)]
        return check
    check.form = form
    if form == "plan":
        year = period_code.split("-", 1)[0] if period_code else ""
        read = read_plan(data, settings, name=name, expected={"year": year})
    else:
        read = read_report(data, settings, name=name, expected={"period": period_code})
    check.meta = {k: v for k, v in read.meta.items() if not k.startswith(PREFILLED_PREFIX)}
    check.problems = list(read.problems)
    if (
        cadres is not None
        and check.cadre_id
        and check.cadre_id not in cadres
        and not has_errors(check.problems)
    ):
        check.problems.append(
            problem("cadre_not_on_roster", value=check.cadre_id).at(file=name, sheet="_meta")
        )
    return check


def annotated(data: bytes, check: FileCheck) -> bytes | None:
    """The annotated copy of an uploaded ``.xlsx`` that opened, with its problems marked; ``None``
    for a file that was refused or is of another kind (an ``.ods`` is not annotated)."""
    if not check.opened or check.kind != "xlsx":
        return None
    from dotpha_xl.xlsx.annotate import annotated_bytes

    try:
        return annotated_bytes(io.BytesIO(data), check.problems, check.name or None)
    except Exception:  # a file that opened for reading but not for openpyxl: its problems stand
        return None
