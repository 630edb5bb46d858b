"""A small desk for the web tests: four cadres of three bodies (UBND x2, TC, NC), one annual
task each, valid plans, Q2 reports filled; CB902's report is held back, to be submitted through
the desk, and a copy of it with one bad cell is made too."""

from __future__ import annotations

import io
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.web.access import AccessFile
from dotpha_xl.web.desk import DeskConfig
from tests.helpers import ROSTER, fill, fill_notes, items, run, write_table

CADRES = [*ROSTER, ("CB904", "Phạm Thu Hà", "Phó Trưởng Ban", "Ban Nội chính Tỉnh ủy", "NC")]
PERIOD = "2027-Q2"
#: The cell of the bad value in ``bad`` (the first item's completion, typed as words).
BAD_KEY = "A1.Q1.M1.I1"


@dataclass
class DeskData:
    root: Path
    roster: Path
    assignments: Path
    plans: Path
    inbox: Path
    held: Path  # CB902's filled report, not in the inbox
    bad: Path  # the same with one bad cell
    other_body: Path  # CB904's (NC) report, a copy
    access: Path
    ledger: Path
    tokens: dict[str, str]

    def clone(self, root: Path) -> DeskData:
        """The same files copied under ``root`` (a test may then change them)."""
        shutil.copytree(self.root, root)
        moved = {
            k: root / v.relative_to(self.root) if isinstance(v, Path) else v
            for k, v in vars(self).items()
        }
        return DeskData(**moved)

    def config(self, out: Path | None = None) -> DeskConfig:
        return DeskConfig(roster=self.roster, plans=self.plans, reports=self.inbox,
                          period=PERIOD, out=out or self.root / "out", access=self.access,
                          assignments=self.assignments, ledger=self.ledger)  # fmt: skip


def make_desk_data(root: Path) -> DeskData:
    root.mkdir(parents=True, exist_ok=True)
    ledger = root / "ledger.sqlite"
    roster = write_table(
        root / "roster.xlsx", ["cadre_id", "full_name", "position", "unit", "body"], CADRES
    )
    assignments = write_table(
        root / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [(cid, "A", 1, f"Việc của {cid}", 2027, 2027) for cid, *_ in CADRES],
    )
    run("--ledger", ledger, "template", "plan", "--roster", roster, "--assignments", assignments,
        "--year", "2027", "--out", root / "plans", "--items-per-month", "2")  # fmt: skip
    for path in sorted((root / "plans").glob("*.xlsx")):
        fill(path, {k: {"content": f"Nội dung {k}", "w_month": 0.5} for k in items()})
        fill_notes(path)
    run("--ledger", ledger, "template", "report", "--plans", root / "plans", "--period", PERIOD,
        "--out", root / "inbox")  # fmt: skip
    for path in sorted((root / "inbox").glob("*.xlsx")):
        fill(path, {k: {"completion": 1.0} for k in items() if k.startswith(("A1.Q1", "A1.Q2"))})
    (root / "files").mkdir()
    held = root / "files" / "CB902_bao_cao.xlsx"
    shutil.move(next((root / "inbox").glob("CB902_*.xlsx")), held)
    bad = root / "files" / "CB902_bao_cao_sai.xlsx"
    shutil.copy(held, bad)
    fill(bad, {BAD_KEY: {"completion": "một trăm"}})
    other = root / "files" / "CB904_bao_cao.xlsx"
    shutil.copy(next((root / "inbox").glob("CB904_*.xlsx")), other)
    access = root / "access.json"
    settings = default_settings()
    tokens = {body: AccessFile(access).add(body, settings.bodies)[1] for body in ("UBND", "TC")}
    return DeskData(root, roster, assignments, root / "plans", root / "inbox", held, bad, other,
                    access, ledger, tokens)  # fmt: skip


def zip_bomb() -> bytes:
    """A zip of one part that inflates 10 MiB of zeros from a few kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (10 * 1_048_576))
    return buffer.getvalue()


def old_xls() -> bytes:
    """The start of an old binary .xls (OLE2 compound file)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096
