"""Benchmark of the web desk's incremental state: from one new report in the inbox to an updated
status, against a cold ``dotpha consolidate`` of the same data, in one run.

    python bench/incremental.py --size 2000 [--jobs 2] [--repeat 5]

On the data set of ``bench/make_data.py`` (N cadres, their plans and 2027-Q2 reports; the
inbox is a copy, so the set is not changed) it times:

* *desk start*: the desk reading the whole inbox once (every file a cache miss);
* then ``--repeat`` rounds of: *cold consolidate*, ``dotpha consolidate`` end to end as a
  subprocess, as ``bench/run.py`` does; and at once *one new report -> status*: a held-back
  report is copied into the inbox and
  ``GET /api/status`` of that cadre's body is asked through the application (the Starlette
  test client, in-process: routing, the state rebuilt with only the new file read, the JSON);
  the time runs from the copy to the answer, and the answer is checked to contain the cadre;
* *unchanged status*: the same request with nothing new (the state is not rebuilt).

It prints a table and appends it, with the machine, to ``bench/results.md``.  Ratios are
reported, never asserted (the goal: under 5 % of the cold run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from make_data import PERIOD, make_data  # noqa: E402
from run import machine, time_consolidate  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--repeat", type=int, default=5, help="rounds: a cold consolidate, then one new report"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args(argv)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from dotpha_xl.kernel.settings import default_settings
    from dotpha_xl.web.access import AccessFile
    from dotpha_xl.web.app import create_app
    from dotpha_xl.web.desk import DeskConfig

    data = make_data(args.size)
    work = Path(tempfile.mkdtemp(prefix="dotpha_bench_desk_"))
    try:
        inbox = work / "inbox"
        shutil.copytree(data.reports, inbox, copy_function=shutil.copy2)
        step = max(1, args.size // (args.repeat + 1))
        held = sorted(inbox.glob("*.xlsx"))[7::step][: args.repeat]
        aside = work / "held"
        aside.mkdir()
        for path in held:
            path.rename(aside / path.name)
        local = replace(data, reports=inbox)

        settings = default_settings()
        access = work / "access.json"
        tokens = {b: AccessFile(access).add(b, settings.bodies)[1] for b in settings.bodies}
        auth = {"Authorization": f"Bearer {tokens[settings.consolidating_body]}"}
        config = DeskConfig(roster=data.roster, plans=data.plans, reports=inbox, period=PERIOD,
                            out=work / "desk", access=access, assignments=data.assignments,
                            ledger=work / "ledger.sqlite", jobs=args.jobs)  # fmt: skip
        app = create_app(config, settings, warm=False)
        with TestClient(app, base_url="http://127.0.0.1") as client:
            start = time.perf_counter()
            first = client.get("/api/status", headers=auth)
            desk_start = time.perf_counter() - start
            assert first.status_code == 200
            desk = app.state.desk.desk
            colds, incremental, everyone = [], [], []
            for path in held:  # a cold run, then one new report, under the same load
                colds.append(time_consolidate(local, args.jobs)["seconds"])
                cadre = path.name.split("_", 1)[0]
                body = next(c["body"] for c in first.json()["cadres"] if c["cadre_id"] == cadre)
                reads = desk.cache.reads
                start = time.perf_counter()
                shutil.copy(aside / path.name, inbox / path.name)
                answer = client.get(
                    "/api/status", headers={"Authorization": f"Bearer {tokens[body]}"}
                )
                incremental.append(time.perf_counter() - start)
                assert answer.status_code == 200
                assert any(t["cadre_id"] == cadre for t in answer.json()["tasks"]), cadre
                assert desk.cache.reads == reads + 1, "only the new file is read"
                start = time.perf_counter()
                assert client.get("/api/status", headers=auth).status_code == 200
                everyone.append(time.perf_counter() - start)
            start = time.perf_counter()
            client.get("/api/status", headers=auth)
            unchanged = time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ratios = [i / c for i, c in zip(incremental, colds, strict=True)]
    median = statistics.median(incremental)
    table = "\n".join(
        [
            f"## Web desk: one new report to an updated status (N = {args.size:,})",
            "",
            f"`python bench/incremental.py --size {args.size} --jobs {args.jobs} "
            f"--repeat {args.repeat}` ({time.strftime('%Y-%m-%d')}).",
            "",
            "| N | cold consolidate s (best, median) | new report -> status s (best, median) "
            "| ratio, paired (median, max) | ratio best / best | desk start s "
            "| every body's JSON s | unchanged status s |",
            "|---|---|---|---|---|---|---|---|",
            f"| {args.size:,} | {min(colds):.2f}, {statistics.median(colds):.2f} | "
            f"{min(incremental):.3f}, {median:.3f} | {100 * statistics.median(ratios):.1f} %, "
            f"{100 * max(ratios):.1f} % | {100 * min(incremental) / min(colds):.1f} % | "
            f"{desk_start:.2f} | {statistics.median(everyone):.3f} | {unchanged:.3f} |",
            "",
            f"- *cold consolidate*: `dotpha consolidate` as a subprocess (start-up, reading, "
            f"roll-up, body workbooks, JSON), `--jobs {args.jobs}`, runs "
            f"{', '.join(f'{c:.2f}' for c in colds)} s; each is followed at once by one new "
            "report, and the *paired* ratio divides the two (the machine is shared and its "
            "load drifts).",
            "- *desk start*: the first `GET /api/status` of a desk with an empty cache: every "
            "file read once (the same batch reader), the roll-up, the JSON of every body.",
            f"- *new report -> status*: {len(incremental)} times, a held-back report copied into "
            "the inbox "
            "and `GET /api/status` of its body (that body's token) answered with it (only that "
            "file read: checked), runs " + ", ".join(f"{x:.3f}" for x in incremental) + " s.",
            "- *every body's JSON*: then `GET /api/status` with the Organisation Board's token "
            "(the state already current: the JSON of all N cadres).",
            "- *unchanged status*: the Board's request when nothing changed (the inputs' names, "
            "sizes and times are compared; no roll-up).",
            "",
        ]
    )
    print(table)
    with args.out.open("a", encoding="utf-8") as f:
        f.write("\n" + table + "\n" + machine() + "\n")


if __name__ == "__main__":
    main()
