"""The one error a step raises when what it was asked cannot be done as asked (a folder with no
consolidation, an output over an input, a period that does not exist, ...): its message is
Vietnamese and meant for the user; the command line shows it as a usage error (exit code 2).

Problems in the data (a wrong cell) are never raised: they are :mod:`dotpha_xl.kernel.problems`
values, reported with their file, sheet and cell.  Any other exception is a bug (exit code 3).
"""

from __future__ import annotations


class InputError(ValueError):
    """What the user asked for cannot be done as asked; the message says why, in Vietnamese."""
