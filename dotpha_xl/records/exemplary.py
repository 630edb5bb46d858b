"""Art. 9.2: the collectives (a unit) and individuals a reviewing body proposes as "tiêu biểu
trong thực hiện quy định", with the reason, and the Standing Committee's decision on each.

Each body's workbook of a rated period has the sheet :data:`EXEMPLARY_SHEET` with
:data:`EXEMPLARY_ROWS` blank editable rows (keys ``P01``…); the summary gathers the filled ones on
its sheet :data:`DECISION_SHEET` (keys ``BODY:P01``), where the decision is pre-filled with
:data:`AGREED` and a refusal needs a reason; ``dotpha ratings`` reads the decision back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXEMPLARY_SHEET = "Đề nghị tiêu biểu"  # the body workbook's sheet
DECISION_SHEET = "Tiêu biểu"  # the summary workbook's sheet
EXEMPLARY_KEY = "exemplary"  # their pre-filled content in ``_meta``
EXEMPLARY_ROWS = 10

COLLECTIVE = "Tập thể"
INDIVIDUAL = "Cá nhân"
KINDS: tuple[str, ...] = (COLLECTIVE, INDIVIDUAL)
KIND_CODES = {COLLECTIVE: "collective", INDIVIDUAL: "individual"}

AGREED = "Đồng ý"
NOT_AGREED = "Không đồng ý"
DECISIONS: tuple[str, ...] = (AGREED, NOT_AGREED)
DECISION_CODES = {AGREED: "agreed", NOT_AGREED: "not_agreed"}


def row_keys() -> list[str]:
    return [f"P{n:02d}" for n in range(1, EXEMPLARY_ROWS + 1)]


@dataclass
class Exemplary:
    """One proposal of a body (``row``: its row on the body's sheet)."""

    body: str
    row: str
    kind: str
    name: str
    unit: str = ""
    reason: str = ""
    decided: str = ""
    decision_reason: str = ""

    @property
    def key(self) -> str:
        return f"{self.body}:{self.row}"

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "body": self.body,
            "kind": KIND_CODES.get(self.kind, self.kind),
            "name": self.name,
            "unit": self.unit,
            "reason": self.reason,
            "decided": DECISION_CODES.get(self.decided) if self.decided else None,
            "decision_reason": self.decision_reason,
        }
