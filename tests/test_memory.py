"""Consolidation's memory does not grow with the number of files beyond what it must keep."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from make_data import PERIOD, make_data  # noqa: E402

#: Peak RSS of one consolidation, in KiB, printed by the child as JSON.
CHILD = """
import json, resource, sys
from pathlib import Path
from dotpha_xl.pipeline.consolidate import consolidate
from dotpha_xl.settings import default_settings
root = Path(sys.argv[1])
c = consolidate(root / "roster.xlsx", root / "plans", root / "reports", sys.argv[2],
                default_settings(), assignments_path=root / "assignments.xlsx", jobs=1)
print(json.dumps({"tasks": len(c.tasks),
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def peak(root: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), PERIOD],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_memory_stays_flat_as_the_batch_grows(tmp_path):
    small = peak(make_data(80, tmp_path, jobs=2).root)
    large = peak(make_data(320, tmp_path, jobs=2).root)
    assert large["tasks"] == 4 * small["tasks"] - 2  # cadre 250 (two tasks) sends no report
    growth_mb = (large["rss"] - small["rss"]) / 1024
    # What a consolidation must keep grows with N: per cadre, its task rows with their item rows
    # (the body workbooks and the JSON show them) and a small verdict per plan.  Measured here:
    # 123 MB at 80 reports, 135 MB at 320, i.e. ~11 MB (~48 KB a cadre) for 240 more cadres.
    # Frames, trees and ReportFiles are no longer kept: pandera runs per block of BLOCK files
    # and drops them.  20 MB leaves room for allocator noise while still failing if whole
    # per-file frames were kept again (a block of 200 frames alone is ~10 MB more).
    assert growth_mb < 20, f"peak RSS grew by {growth_mb:.1f} MB from 80 to 320 reports"
