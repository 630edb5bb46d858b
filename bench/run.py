"""Benchmark of template generation and consolidation at several sizes, in one run.

    python bench/run.py --sizes 300,2000,10000 [--jobs N] [--repeat R] [--baseline-sample 200]

For every N it makes (or reuses) the data set of ``bench/make_data.py`` and times:

* template generation: ``generate_plans`` for the N cadres, and ``generate_reports`` from the N
  filled plans (workbooks/s), over ``--jobs`` processes when the function takes ``jobs``;
* ``dotpha consolidate`` end to end, as a subprocess (interpreter start-up, reading the N plans
  and N reports, roll-up, the body workbooks and the JSON), with its peak memory: the largest
  resident and proportional set sizes of the whole process tree, sampled every 20 ms;
* a naive baseline doing the same work the obvious way, in one process: openpyxl full load of
  every plan and report, a pandas frame per file, pandera validation per file with a small
  schema, and the same exact roll-up.  For large N it runs on a sample of files and the per-file
  cost is extrapolated to all 2N files (the table says so);
* the read lower bound: python-calamine reading every cell of every sheet of exactly the files
  consolidation opens (the N reports, and the plans of the cadres without a usable report:
  consolidation does not open the plans of cadres who reported, as the assignments table is
  given and the plan files carry their cadre's id in their name), and nothing else, over the
  same number of processes as consolidate.

Consolidate and the bound run ``--repeat`` times each, interleaved; the median of each is used.
Between two sizes the *marginal* cost of one more file is (T(N2) - T(N1)) / (files(N2) -
files(N1)) for each: start-up and other fixed costs cancel out, and the marginal ratio says how
much more one more report costs consolidation than reading its cells.

It prints the table and writes it, with a description of the machine and the load, to
``bench/results.md`` (everything from ``TAIL_MARKER`` on is kept as it is).  Ratios are
reported, never asserted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from make_data import PERIOD, YEAR, Dataset, make_data  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Template generation
# ---------------------------------------------------------------------------------------------


def _jobs_of(function, jobs: int) -> dict:
    return {"jobs": jobs} if "jobs" in function.__code__.co_varnames else {}


def time_templates(data: Dataset, jobs: int) -> tuple[int, float]:
    """Plan templates (form 02) of the N cadres: (files, seconds)."""
    from dotpha_xl.kernel.settings import default_settings
    from dotpha_xl.steps.generate import generate_plans

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        made = generate_plans(
            data.roster, data.assignments, YEAR, Path(tmp) / "t", default_settings(),
            **_jobs_of(generate_plans, jobs),
        )  # fmt: skip
        return len(made.files), time.perf_counter() - start


def time_report_templates(data: Dataset, jobs: int) -> tuple[int, float]:
    """Report templates (form 03) from the N filled plans, as ``dotpha template report``:
    (files, seconds)."""
    from dotpha_xl.kernel.settings import default_settings
    from dotpha_xl.steps.generate import generate_reports

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        made = generate_reports(
            data.plans, PERIOD, Path(tmp) / "t", default_settings(),
            **_jobs_of(generate_reports, jobs),
        )  # fmt: skip
        return len(made.files), time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# dotpha consolidate, end to end
# ---------------------------------------------------------------------------------------------


def _tree_memory(pid: int) -> tuple[int, int, int]:
    """Resident and proportional bytes (RSS, PSS) of ``pid`` and all its descendants, and the
    largest RSS of one of them, from /proc.

    RSS counts every page a process maps, so pages that forked workers share with their parent
    are counted once per process; PSS divides each shared page among its sharers, so the sum of
    PSS over the tree is the memory the run really takes."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    rss = pss = largest = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                        largest = max(largest, int(line.split()[1]) * 1024)
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss, largest


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its children waited for so far: a
    process's descendants count once they and their parent have ended (a run's workers when
    the run has ended). Less sensitive than wall time to others' load on a shared machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_consolidate(data: Dataset, jobs: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix="dotpha_bench_"))
    cmd = [
        sys.executable, "-m", "dotpha_xl", "--quiet", "--ledger", str(out / "ledger.sqlite"),
        "consolidate", "--roster", str(data.roster), "--assignments", str(data.assignments),
        "--plans", str(data.plans), "--reports", str(data.reports), "--period", PERIOD,
        "--out", str(out / "tong_hop"), "--json", str(out / "tong_hop.json"),
        "--jobs", str(jobs),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    peak = peak_pss = peak_one = 0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss, peak_one
        while not done.is_set():
            rss, pss, one = _tree_memory(proc.pid)
            peak, peak_pss, peak_one = max(peak, rss), max(peak_pss, pss), max(peak_one, one)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"consolidate failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    result = json.loads((out / "tong_hop.json").read_text(encoding="utf-8"))
    shutil.rmtree(out)
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "peak_tree_mb": peak / 2**20,
        "peak_pss_mb": peak_pss / 2**20,
        "largest_mb": peak_one / 2**20,
        "tasks": len(result["tasks"]),
        "rejected": len(result["rejected"]),
        "missing": len(result["missing"]),
    }


# ---------------------------------------------------------------------------------------------
# The naive baseline: openpyxl, a frame and a pandera validation per file, the same roll-up
# ---------------------------------------------------------------------------------------------


def _naive_one(path: Path) -> int:
    from fractions import Fraction

    import openpyxl
    import pandas as pd
    import pandera.pandas as pa

    from dotpha_xl.domain.evaluate import evaluate_task
    from dotpha_xl.domain.periods import parse_period
    from dotpha_xl.domain.tree import PlanRow, build_tree, check_tree

    schema = pa.DataFrameSchema(
        {
            "key": pa.Column(str, pa.Check.str_matches(r"^[AB]\d")),
            "value": pa.Column(float, pa.Check.in_range(0, 1), nullable=True),
        }
    )
    try:
        book = openpyxl.load_workbook(path)
    except Exception:
        return 0
    meta = {r[0].value: r[1].value for r in book["_meta"].iter_rows(max_col=2)}
    form = meta["form"]
    sheet = book["Kế hoạch" if form == "plan" else "Báo cáo"]
    grid = [[c.value for c in row] for row in sheet.iter_rows()]
    key_row = next(i for i, r in enumerate(grid) if r[0] == "key")
    columns = {v: c for c, v in enumerate(grid[key_row]) if v and c}
    value_column = columns["w_month" if form == "plan" else "completion"]
    records = []
    for row in grid[key_row + 1 :]:
        if row[0] and ".I" in str(row[0]):  # item rows: what the cadre typed
            value = row[value_column]
            number = float(value) if isinstance(value, int | float) else None
            records.append({"key": str(row[0]), "value": number})
    frame = pd.DataFrame.from_records(records, columns=["key", "value"])
    schema.validate(frame, lazy=True)
    chunks = sorted(
        (int(k.split("#")[1]), v) for k, v in meta.items() if k.startswith("prefilled#")
    )
    prefilled = json.loads("".join(v for _, v in chunks))
    if form == "report":
        rows = [
            PlanRow(k, Fraction(w) if w else None, content, product)
            for k, (w, content, product) in prefilled["tree"].items()
        ]
        roots, _ = build_tree(rows)
        period = parse_period(meta["period"])
        completions = {
            r["key"]: Fraction(r["value"]).limit_denominator(10000) * 100
            for r in records
            if r["value"] is not None
        }
        for task in prefilled["tasks"]:
            clean, _ = check_tree(roots[task["key"]])
            evaluate_task(
                clean, int(task["start_year"]), int(task["end_year"]), period, completions
            )
    return len(records)


def time_baseline(data: Dataset, sample: int) -> dict:
    plans = sorted(data.plans.glob("*.xlsx"))
    reports = data.report_files
    total = len(plans) + len(reports)
    step = max(1, total // max(1, sample))
    chosen = (plans + reports)[::step] if step > 1 else plans + reports
    _naive_one(chosen[0])  # imports
    start = time.perf_counter()
    for path in chosen:
        _naive_one(path)
    elapsed = time.perf_counter() - start
    per_file = elapsed / len(chosen)
    return {
        "seconds": per_file * total,
        "measured_files": len(chosen),
        "extrapolated": len(chosen) < total,
    }


# ---------------------------------------------------------------------------------------------
# The read lower bound: python-calamine reading every cell, nothing else
# ---------------------------------------------------------------------------------------------


def _read_all(paths: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in paths:
        try:
            book = CalamineWorkbook.from_path(str(path))
        except Exception:
            continue
        for name in book.sheet_names:
            cells += sum(len(r) for r in book.get_sheet_by_name(name).to_python())
    return cells


def _opens(path: Path) -> bool:
    from python_calamine import CalamineWorkbook

    try:
        CalamineWorkbook.from_path(str(path)).sheet_names  # noqa: B018
    except Exception:
        return False
    return True


def consolidation_files(data: Dataset) -> list[Path]:
    """The files ``dotpha consolidate`` opens on this data set (with the assignments table): the
    N reports, then the plans of the cadres without a report that opens (no report sent, or a
    file cut short).  Worked out before the timing, outside it."""
    reports = data.report_files
    reported = {p.name.split("_", 1)[0] for p in reports if _opens(p)}
    plans = [
        p for p in sorted(data.plans.glob("*.xlsx")) if p.name.split("_", 1)[0] not in reported
    ]
    return reports + plans


def time_lower_bound(data: Dataset, jobs: int, files: list[Path] | None = None) -> dict:
    files = consolidation_files(data) if files is None else files
    cpu = _cpu()
    start = time.perf_counter()
    if jobs <= 1:
        cells = _read_all(files)
    else:
        chunks = [files[k :: jobs * 4] for k in range(jobs * 4)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            cells = sum(pool.map(_read_all, chunks))
    cpu = _cpu() - cpu  # the pool has been shut down: its workers are counted
    reports = sum(1 for f in files if f.parent == data.reports)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "cpu": cpu, "cells": cells, "files": len(files), "reports": reports}


# ---------------------------------------------------------------------------------------------
# The machine, the table
# ---------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        ram = int(f.readline().split()[1]) / 2**20
    libs = ", ".join(
        f"{name} {version(name)}"
        for name in ("python-calamine", "openpyxl", "xlsxwriter", "pandas", "pandera", "click")
    )
    return (
        f"- CPU: {cpu}, {os.cpu_count()} cores (as seen by the OS)\n"
        f"- RAM: {ram:.1f} GiB\n"
        f"- OS: {platform.platform()}\n"
        f"- Python {platform.python_version()}; {libs}\n"
    )


def load() -> str:
    """The load average (1, 5, 15 min) and the number of cores: the machine is shared."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


HEADER = (
    "| N | plan templates/s | report templates/s | consolidate s | files opened | files/s "
    "| peak PSS MB | peak RSS MB | baseline s | lower bound s | ×baseline | ×lower bound |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
)
MARGINAL_HEADER = (
    "| from N to N | consolidate ms/file | lower bound ms/file | marginal ×lower bound "
    "| consolidate CPU ms/file | lower bound CPU ms/file | marginal CPU ×lower bound |\n"
    "|---|---|---|---|---|---|---|\n"
)
#: What follows this line in the results file is kept when the table is written again.
TAIL_MARKER = "<!-- end of the bench/run.py output: what follows is kept -->"


def row(n: int, r: dict) -> str:
    c, b, lo = r["consolidate"], r["baseline"], r["lower"]
    files = lo["files"]
    est = " (est.)" if b["extrapolated"] else ""
    plans, reports = r["templates"], r["report_templates"]
    return (
        f"| {n:,} | {plans[0] / plans[1]:.0f} | {reports[0] / reports[1]:.0f} "
        f"| {c['seconds']:.2f} | {files:,} "
        f"| {files / c['seconds']:.0f} | {c['peak_pss_mb']:.0f} | {c['peak_tree_mb']:.0f} "
        f"| {b['seconds']:.1f}{est} "
        f"| {lo['seconds']:.2f} | {b['seconds'] / c['seconds']:.1f}× faster "
        f"| {c['seconds'] / lo['seconds']:.2f}× |\n"
    )


def marginal(small: dict, large: dict) -> dict:
    """The cost of one more file between two sizes, for consolidate and for the bound (the
    medians of their runs): fixed costs cancel out."""
    files = large["lower"]["files"] - small["lower"]["files"]

    def per_file(what: str, key: str) -> float:
        return (large[what][key] - small[what][key]) / files

    cons, low = per_file("consolidate", "seconds"), per_file("lower", "seconds")
    cons_cpu, low_cpu = per_file("consolidate", "cpu"), per_file("lower", "cpu")
    return {
        "consolidate": cons, "lower": low, "ratio": cons / low if low > 0 else float("inf"),
        "consolidate_cpu": cons_cpu, "lower_cpu": low_cpu,
        "cpu_ratio": cons_cpu / low_cpu if low_cpu > 0 else float("inf"),
    }  # fmt: skip


def marginal_row(n1: int, n2: int, m: dict) -> str:
    return (
        f"| {n1:,} → {n2:,} | {m['consolidate'] * 1e3:.3f} | {m['lower'] * 1e3:.3f} "
        f"| {m['ratio']:.2f}× | {m['consolidate_cpu'] * 1e3:.3f} | {m['lower_cpu'] * 1e3:.3f} "
        f"| {m['cpu_ratio']:.2f}× |\n"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300", help="comma-separated N, e.g. 300,2000,10000")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--baseline-sample", type=int, default=200, help="files timed for the naive baseline"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of consolidate and of the lower bound (median)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: dict[int, dict] = {}
    loads = [load()]
    for n in sizes:
        start = time.perf_counter()
        data = make_data(n, jobs=args.jobs)
        print(f"N={n}: data ready in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        r: dict = {}
        r["templates"] = time_templates(data, args.jobs)
        r["report_templates"] = time_report_templates(data, args.jobs)
        files = consolidation_files(data)
        # interleaved and repeated: the median of each is compared (a shared machine is noisy)
        lows, runs = [], []
        for _ in range(args.repeat):
            lows.append(time_lower_bound(data, args.jobs, files))
            runs.append(time_consolidate(data, args.jobs))
        r["lower"] = {
            **lows[0],
            "seconds": statistics.median(x["seconds"] for x in lows),
            "cpu": statistics.median(x["cpu"] for x in lows),
        }
        r["consolidate"] = {
            **runs[0],
            "seconds": statistics.median(x["seconds"] for x in runs),
            "cpu": statistics.median(x["cpu"] for x in runs),
            "all_seconds": [x["seconds"] for x in runs],
            "all_lower": [x["seconds"] for x in lows],
            **{k: max(x[k] for x in runs) for k in ("peak_tree_mb", "peak_pss_mb", "largest_mb")},
        }
        r["baseline"] = time_baseline(data, args.baseline_sample)
        results[n] = r
        loads.append(load())
        print(HEADER + row(n, r), file=sys.stderr)
    table = HEADER + "".join(row(n, r) for n, r in results.items())
    pairs = list(itertools.pairwise(sizes))
    margins = MARGINAL_HEADER + "".join(
        marginal_row(a, b, marginal(results[a], results[b])) for a, b in pairs
    )
    details = "".join(
        f"- N={n:,}: {r['lower']['files']:,} files opened by consolidate "
        f"({r['lower']['reports']:,} reports, "
        f"{r['lower']['files'] - r['lower']['reports']:,} plans; {r['consolidate']['tasks']:,} "
        f"tasks consolidated, {r['consolidate']['rejected']} rejected, "
        f"{r['consolidate']['missing']} missing); baseline timed on "
        f"{r['baseline']['measured_files']} files"
        f"{' and extrapolated per file' if r['baseline']['extrapolated'] else ''}; "
        f"largest resident set of one process {r['consolidate']['largest_mb']:.0f} MB; "
        f"consolidate runs {', '.join(f'{x:.2f}' for x in r['consolidate']['all_seconds'])} s, "
        f"lower bound runs {', '.join(f'{x:.2f}' for x in r['consolidate']['all_lower'])} s; "
        f"CPU (median) consolidate {r['consolidate']['cpu']:.2f} s, "
        f"lower bound {r['lower']['cpu']:.2f} s; "
        f"{r['templates'][0]:,} plan templates in {r['templates'][1]:.1f} s, "
        f"{r['report_templates'][0]:,} report templates in {r['report_templates'][1]:.1f} s\n"
        for n, r in results.items()
    )
    text = (
        "# Benchmark: template generation and consolidation\n\n"
        f"`python bench/run.py --sizes {args.sizes} --jobs {args.jobs} --repeat {args.repeat}` "
        f"({time.strftime('%Y-%m-%d %H:%M')}); load average before and after each size: "
        f"{' → '.join(loads)}.\n\n"
        "## Machine\n\n" + machine() + "\n## Results\n\n" + table + "\n"
        "Marginal cost of one more file opened, between two sizes (start-up cancels out):\n\n"
        + margins
        + "\n"
        "- *consolidate*: `dotpha consolidate` as a subprocess, start-up, body workbooks and JSON "
        f"included, `--jobs {args.jobs}`, with the assignments table. *files opened*: what it "
        "opens: the N reports, and the plans of the cadres without a usable report (the "
        "plans of those who reported are not opened); *files/s* counts those. It and the "
        f"lower bound run {args.repeat} times each, interleaved; the median time of each is "
        "shown (the machine is shared and noisy), and the largest peak memory.\n"
        "- *peak PSS*: the largest proportional set size of the whole process tree (main and "
        "workers), sampled every 20 ms: each page shared after the workers were forked is "
        "divided among its sharers, so this is the memory the run takes. *peak RSS*: the same "
        "sum of resident sets, which counts shared pages once per process (an overstatement).\n"
        "- *plan templates/s*: `generate_plans` for the N cadres; *report templates/s*: "
        "`generate_reports` (`dotpha template report`) from the N filled plans, both over "
        f"{args.jobs} processes when the function takes `jobs`.\n"
        "- *baseline*: openpyxl full load, a pandas frame and a pandera validation per file, the "
        "same exact roll-up, one process, on all 2N files (plans and reports).\n"
        "- *lower bound*: python-calamine reading every cell of every sheet of exactly the files "
        f"consolidate opens, nothing else, over {args.jobs} processes.\n"
        "- *×baseline*: baseline time / consolidate time; *×lower bound*: consolidate time / "
        "lower bound time, end to end (start-up included); *marginal ×lower bound*: the "
        "marginal cost per file of consolidate / that of the bound, in wall time and in CPU "
        "time (user + system of every process of the run, workers included: less moved by "
        "the others' load on a shared machine than the wall time).\n\n" + details
    )
    tail = ""
    if args.out.exists():
        old = args.out.read_text(encoding="utf-8")
        if TAIL_MARKER in old:
            tail = old[old.index(TAIL_MARKER) + len(TAIL_MARKER) :]
    args.out.write_text(text + "\n" + TAIL_MARKER + tail, encoding="utf-8")
    print(table)
    print(margins)
    print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
