"""What tenure events add to a plan (form 02): the column showing each item's completion at the
handover (items done then are locked), and the locked block listing a carried task's unfinished
items above its tree.  ``plan_form.write_plan`` calls these when given the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from dotpha_xl.domain.tree import Node
from dotpha_xl.kernel.keys import ITEM
from dotpha_xl.kernel.text import format_percent

#: Row keys of the carried block start with this; plan readers skip such rows.
CARRIED_ROW_PREFIX = "carried:"
HANDOVER_WIDTH = 14


@dataclass(frozen=True)
class CarriedItem:
    """An item left unfinished at the end of the year the task was carried from."""

    key: str
    content: str
    product: str
    completion: Fraction  # how much was done; 100 − completion was left

    def to_json(self) -> dict[str, Any]:
        from dotpha_xl.kernel.text import round_half_up

        return {
            "key": self.key,
            "content": self.content,
            "product": self.product,
            "completion": round_half_up(self.completion, 2),
        }


@dataclass(frozen=True)
class Handover:
    """Item key -> completion at the handover day, and that day's label (dd/mm/yyyy)."""

    completions: Mapping[str, Fraction]
    on: str

    def locked(self, node: Node) -> bool:
        return node.level == ITEM and self.completions.get(str(node.key), Fraction(0)) >= 100


def write_handover_header(sheet: Any, fmt: Any, col: int, first_row: int, on: str) -> None:
    sheet.set_column(col, col, HANDOVER_WIDTH)
    label = f"Mức độ đã hoàn thành khi tiếp nhận (ngày {on})"
    sheet.merge_range(first_row, col, first_row + 1, col, label, fmt["header"])
    sheet.write_string(first_row + 2, col, "", fmt["header_number"])


def write_handover_cell(sheet: Any, fmt: Any, row: int, col: int, node: Node, h: Handover) -> None:
    if node.level != ITEM:
        sheet.write_blank(row, col, None, fmt["cell"])
        return
    done = h.completions.get(str(node.key), Fraction(0))
    sheet.write_number(row, col, float(done / 100), fmt["percent"])


def write_carried_block(
    sheet: Any,
    fmt: Any,
    row: int,
    last_col: int,
    task_key: str,
    carried_from: str,
    items: Sequence[CarriedItem],
) -> int:
    """The locked rows above a carried task's tree; returns the next free row."""
    title = (
        f"Việc chuyển tiếp từ {carried_from}: các nội dung chưa hoàn thành "
        "(nội dung, sản phẩm, phần còn lại)"
    )
    sheet.write_string(row, 0, f"{CARRIED_ROW_PREFIX}{task_key}", fmt["key"])
    sheet.merge_range(row, 1, row, last_col, title, fmt["cell_section"])
    row += 1
    for n, item in enumerate(items, start=1):
        left = Fraction(100) - item.completion
        sheet.write_string(row, 0, f"{CARRIED_ROW_PREFIX}{task_key}:{n}", fmt["key"])
        sheet.write_string(row, 1, str(n), fmt["cell_center"])
        sheet.write_string(row, 2, f"{item.content} ({item.key})", fmt["cell"])
        sheet.write_string(row, 3, item.product, fmt["cell"])
        text = f"còn {format_percent(left)}"
        sheet.merge_range(row, 4, row, last_col, text, fmt["cell"])
        row += 1
    return row
