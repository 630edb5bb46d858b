"""The seeded filler's command line, for ``make demo`` (not for users).

    python -m dotpha_demo plans --plans DIR --out DIR [--seed N]
    python -m dotpha_demo reports --reports DIR --out DIR [--seed N]
    python -m dotpha_demo registrations --registrations DIR --out DIR --year Y [--seed N]
    python -m dotpha_demo proposals --proposals DIR --out DIR
    python -m dotpha_demo decision --decision FILE --out FILE
    python -m dotpha_demo ratings --consolidated DIR --period P

Each prints the files it wrote (``ratings``: the row key it changed); an existing output
folder is replaced.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from dotpha_demo import cycle
from dotpha_demo.filler import fill_plans, fill_reports, propose_rating


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m dotpha_demo", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="what", required=True)
    plans = sub.add_parser("plans", help="fill generated plans")
    plans.add_argument("--plans", type=Path, required=True)
    plans.add_argument("--out", type=Path, required=True)
    plans.add_argument("--seed", type=int, default=2027)
    reports = sub.add_parser("reports", help="fill generated reports")
    reports.add_argument("--reports", type=Path, required=True)
    reports.add_argument("--out", type=Path, required=True)
    reports.add_argument("--seed", type=int, default=2027)
    regs = sub.add_parser("registrations", help="fill generated registrations (form 01)")
    regs.add_argument("--registrations", type=Path, required=True)
    regs.add_argument("--out", type=Path, required=True)
    regs.add_argument("--year", type=int, required=True)
    regs.add_argument("--seed", type=int, default=2027)
    props = sub.add_parser("proposals", help="a body rewords a task in its proposals")
    props.add_argument("--proposals", type=Path, required=True)
    props.add_argument("--out", type=Path, required=True)
    decide = sub.add_parser("decision", help="the Committee declines one task, rewords one")
    decide.add_argument("--decision", type=Path, required=True)
    decide.add_argument("--out", type=Path, required=True)
    rate = sub.add_parser("ratings", help="a body proposes one rating above the computed one")
    rate.add_argument("--consolidated", type=Path, required=True)
    rate.add_argument("--period", required=True)
    args = parser.parse_args(argv)
    if args.what == "ratings":
        print(propose_rating(args.consolidated, args.period))
        return
    if args.what in ("registrations", "proposals", "decision"):
        if args.what == "decision":
            print(cycle.edit_decision(args.decision, args.out))
            return
        if args.out.exists():
            shutil.rmtree(args.out)
        if args.what == "registrations":
            done = cycle.fill_registrations(args.registrations, args.out, args.year, args.seed)
        else:
            done = cycle.edit_proposals(args.proposals, args.out)
        for path in done:
            print(path)
        return
    if args.out.exists():
        shutil.rmtree(args.out)
    if args.what == "plans":
        written = fill_plans(args.plans, args.out, args.seed)
    else:
        written = fill_reports(args.reports, args.out, args.seed)
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
