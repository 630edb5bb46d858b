"""Rows streamed straight into a constant-memory xlsxwriter worksheet.

In constant-memory mode xlsxwriter writes each finished row as XML to a temporary file that
becomes the sheet's ``<sheetData>``.  Its per-cell path (a cell tuple, attribute lists, several
regular expressions) costs about 10 µs a cell, which is most of the time of a body workbook
whose "Chi tiết" sheet holds a hundred thousand item rows.  :class:`RowStream` writes the same
XML for a whole row in one formatted string, about ten times faster.

It also escapes every string as plain text.  xlsxwriter's inline-string path passes a string
that looks like ``<r>…</r>`` into the XML unescaped (as rich text); text a cadre typed must never
reach the file that way.

This relies on a few internals of xlsxwriter 3.3 (pinned in ``pyproject.toml``): a worksheet's
``row_data_fh``, ``previous_row``, ``_write_single_row``, ``_check_dimensions`` and a format's
``_get_xf_index``.  ``tests/test_summary_workbooks.py`` reads streamed sheets back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from xlsxwriter.utility import xl_col_to_name

_ESCAPED_UNDERSCORE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # a literal "_x0041_" is kept as text
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
#: Anything in a string that needs more than copying: XML's specials, control characters and
#: text that looks like Excel's own escapes.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


def _text(value: str) -> str:
    """``value`` escaped for an inline string ``<t>``, with its ``xml:space`` when its edges are
    white space (which Excel would drop otherwise)."""
    if _SPECIAL.search(value):
        value = _ESCAPED_UNDERSCORE.sub(r"_x005F\1", value)
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


class RowStream:
    """Append rows, in order, to a worksheet made in constant-memory mode, from ``first_row``
    on (everything above it must already be written through xlsxwriter's own methods); each
    column has one format (``formats``, from column A on)."""

    def __init__(self, sheet: Any, first_row: int, formats: Sequence[Any]) -> None:
        if not sheet.constant_memory:
            raise ValueError("RowStream needs a worksheet made in constant-memory mode")
        sheet._write_single_row(first_row)  # flush xlsxwriter's last row; ours come after it
        self.sheet = sheet
        self.row = first_row
        self._first = first_row
        self._columns = [(xl_col_to_name(c), _style(fmt)) for c, fmt in enumerate(formats)]
        #: Each column's cell opening (``<c r="B``, the row number follows) and style attribute.
        self._cells = [(f'<c r="{ref}', f'"{style}') for ref, style in self._columns]

    def write(self, values: Sequence[Any], height: float | None = None) -> None:
        """Write one row: ``values`` (str, int or float; None or "" for a blank) from column A
        on, and the row's height in points (None: the default)."""
        r = str(self.row + 1)
        size = f' ht="{height:.16g}" customHeight="1"' if height else ""
        parts = [f'<row r="{r}"{size}>']
        add = parts.append
        special = _SPECIAL.search
        if len(values) != len(self._cells):
            raise ValueError(f"{len(values)} values for {len(self._cells)} columns")
        for (opening, style), value in zip(self._cells, values):  # noqa: B905 - checked above
            if value is None or value == "":
                add(f"{opening}{r}{style}/>")
            elif type(value) is str:
                if not (special(value) or value[:1].isspace() or value[-1:].isspace()):
                    add(f'{opening}{r}{style} t="inlineStr"><is><t>{value}</t></is></c>')
                else:
                    add(f'{opening}{r}{style} t="inlineStr"><is>{_text(value)}</is></c>')
            elif isinstance(value, str):
                add(f'{opening}{r}{style} t="inlineStr"><is>{_text(value)}</is></c>')
            else:
                add(f"{opening}{r}{style}><v>{value:.16G}</v></c>")
        add("</row>")
        self.sheet.row_data_fh.write("".join(parts))
        self.row += 1

    def close(self) -> int:
        """Record the rows written in the sheet's dimensions; return the next free row."""
        sheet = self.sheet
        if self.row > self._first:
            sheet._check_dimensions(self._first, 0)
            sheet._check_dimensions(self.row - 1, len(self._columns) - 1)
        sheet.previous_row = self.row  # xlsxwriter's own writes go on below ours
        return self.row


def _style(fmt: Any) -> str:
    index = fmt._get_xf_index() if fmt is not None else 0
    return f' s="{index}"' if index else ""
