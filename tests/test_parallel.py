"""The parallel and the sequential consolidation give the very same JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from dotpha_xl.cli import cli
from dotpha_xl.steps import batch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from make_data import PERIOD, make_data


def consolidate(data, tmp_path: Path, jobs: int) -> dict:
    target = tmp_path / f"jobs{jobs}.json"
    result = CliRunner().invoke(
        cli,
        ["--quiet", "--ledger", str(tmp_path / f"ledger{jobs}.sqlite"), "consolidate",
         "--roster", str(data.roster), "--assignments", str(data.assignments),
         "--plans", str(data.plans), "--reports", str(data.reports), "--period", PERIOD,
         "--dry-run", "--json", "-", "--jobs", str(jobs)],
        catch_exceptions=False,
    )  # fmt: skip
    # make_data writes only valid plans and reports: nothing is rejected, nothing is an error
    assert result.exit_code == 0, result.output
    target.write_text(result.stdout, encoding="utf-8")
    return json.loads(result.stdout)


def test_parallel_and_sequential_give_identical_json(tmp_path):
    data = make_data(40, tmp_path / "data", jobs=2)
    sequential = consolidate(data, tmp_path, 1)
    parallel = consolidate(data, tmp_path, 2)
    assert 2 in batch._POOLS  # the parallel path did run over worker processes
    assert len(sequential["tasks"]) == 40 + 8  # one annual task each, a period task every 5th
    assert sequential["rejected"] == [] and sequential["missing"] == []
    assert parallel == sequential
    assert (tmp_path / "jobs1.json").read_bytes() == (tmp_path / "jobs2.json").read_bytes()


def test_batch_verdicts_match_the_single_file_readers(tmp_path):
    """The batch path (pandera per block, tree problems deduped after it) gives every problem,
    in order, that ``read_plan`` and ``read_report`` give file by file, flawed files included."""
    from dotpha_demo.filler import fill_plans
    from dotpha_xl.kernel.settings import default_settings
    from dotpha_xl.steps.generate import generate_plans
    from dotpha_xl.xlsx.plans import read_plan
    from dotpha_xl.xlsx.reports import read_report

    settings = default_settings()
    sample = Path(__file__).resolve().parents[1] / "sample_data"
    made = generate_plans(
        sample / "roster.xlsx", sample / "assignments.xlsx", 2027, tmp_path / "t", settings
    )
    plans = fill_plans(tmp_path / "t", tmp_path / "plans")
    assert len(plans) == len(made.files)
    for jobs in (1, 2):
        verdicts = batch.read_batch("plan", plans, settings, jobs=jobs)
        singles = [read_plan(p, settings) for p in plans]
        assert [v.problems for v in verdicts] == [s.problems for s in singles]
        assert sum(not v.ok for v in verdicts) >= 2  # the filler's deliberate flaws
    data = make_data(40, tmp_path / "data", jobs=2)
    reports = data.report_files
    verdicts = batch.read_batch("report", reports, settings, period_code=PERIOD, jobs=2)
    assert [v.problems for v in verdicts] == [read_report(p, settings).problems for p in reports]
