"""Shared test set-up: the intake ledger of every CLI run in the tests goes to a temporary file,
never to ``dotpha.sqlite`` in the working directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def pytest_configure(config) -> None:
    folder = Path(tempfile.mkdtemp(prefix="dotpha-test-ledger-"))
    os.environ.setdefault("DOTPHA_LEDGER", str(folder / "dotpha.sqlite"))
