"""`python -m bench`: measure facilitator and the reference, and the time of writing a
workshop's documentation; write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.archive import measure as measure_archive
from bench.procs import raise_fd_limit
from bench.report import keep_intro, machine_info, render
from bench.run import Plan, run_target
from bench.targets import ROOT, Facilitator, Reference

# The facilitator run gets this share of --duration; the reference gets what is left (it
# needs less, since it has no joins and no disk).
FACILITATOR_SHARE = 0.62


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Connect N phones to facilitator and to a bare websockets server, let "
        "every phone vote, and write the figures to docs/benchmarks.md.",
    )
    parser.add_argument("--phones", type=int, help="phones to connect (default 2000, "
                        "--quick 200)")
    parser.add_argument("--votes-per-phone", type=int, default=2,
                        help="vote bursts; the first casts, later ones change the vote "
                        "(default 2)")
    parser.add_argument("--duration", type=float, help="cap in seconds on the whole run "
                        "(default 270, --quick 90)")
    parser.add_argument("--spread", type=float, default=1.0,
                        help="seconds over which a burst's votes are sent (default 1.0)")
    parser.add_argument("--workers", type=int, default=2, help="phone processes (default 2)")
    parser.add_argument("--lanes", type=int, default=64,
                        help="phones joining and connecting at once, in total (default 64)")
    parser.add_argument("--only", choices=("facilitator", "reference", "archive"),
                        help="measure one target only (archive: only the time of writing "
                        "the documentation of the recorded workshop)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="the report (default docs/benchmarks.md; "
                        "--quick prints it and writes no file unless --out is given)")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    parser.add_argument("--raw", type=Path, help="a folder for the raw timestamps of every "
                        "vote and presenter tally, one JSON file per burst")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke test: 200 phones, at most 90 s")
    args = parser.parse_args(argv)
    args.phones = args.phones or (200 if args.quick else 2000)
    args.duration = args.duration or (90.0 if args.quick else 270.0)
    if args.out is None and not args.quick:
        args.out = ROOT / "docs" / "benchmarks.md"
    if args.phones < 1 or args.votes_per_phone < 0 or args.workers < 1 or args.lanes < 1:
        parser.error("--phones, --workers and --lanes must be positive")
    return args


def load_average() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


async def measure(args: argparse.Namespace, plan: Plan) -> dict[str, dict[str, Any]]:
    targets: list[Any] = []
    if args.only in (None, "facilitator"):
        targets.append(Facilitator())
    if args.only in (None, "reference"):
        targets.append(Reference())
    end = time.monotonic() + args.duration
    results = {}
    for i, target in enumerate(targets):
        left = end - time.monotonic()
        share = left * FACILITATOR_SHARE if i == 0 and len(targets) > 1 else left
        log(f"{target.name}: {plan.phones} phones, at most {share:.0f} s")
        result = await run_target(target, plan, share)
        results[target.name] = result
        log(f"{target.name}: " + (f"FAILED {result['failure']}" if result.get("failure")
                                  else "done"))
        for burst in result["bursts"]:
            log(f"  burst {burst['number']}: acked {burst['acked']}/{burst['sent']}, "
                f"ack p99 {burst['ack_ms']['p99']}, beamer p99 {burst['beamer_ms']['p99']} ms")
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    soft, _ = raise_fd_limit()
    if soft < 2 * args.phones + 256:
        log(f"open files limit {soft} is too low for {args.phones} phones")
        return 2
    plan = Plan(args.phones, args.votes_per_phone, min(args.workers, args.phones), args.lanes,
                args.spread, args.seed, args.raw)
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = load_average()
    if load is not None and load > 0.5 * (os.cpu_count() or 1):
        log(f"the machine is busy (load average {load:.2f}): the figures will be disturbed")
    results = asyncio.run(measure(args, plan))
    archive = None
    if args.only in (None, "archive"):
        archive = measure_archive()
        log(f"archive: best {archive['best_s']:.3f} s, median {archive['median_s']:.3f} s "
            f"of {archive['runs']} runs")
    machine = {**machine_info(soft), "load_before": load}
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    plan_info = {**plan.__dict__, "raw": str(plan.raw) if plan.raw else None,
                 "cores": os.cpu_count()}
    intro = keep_intro(args.out) if args.out else keep_intro(Path("/nonexistent"))
    text = render(intro, machine, command, date, plan_info, results, archive)
    if args.out:
        args.out.write_text(text)
        log(f"wrote {args.out}")
    else:
        print(text)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "plan": plan_info,
                                         "results": results, "archive": archive},
                                        indent=1, default=str))
    failed = [name for name, result in results.items() if result.get("failure")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
