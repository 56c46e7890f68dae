"""`python -m bench`: measure facilitator and the reference, and the time of writing a
workshop's documentation; write docs/benchmarks.md.

A run has up to three stages, each with fresh servers: one session of N phones; the same N
phones in ten sessions at once; and many phones (5,000) in one session. Each stage measures
facilitator, then the reference. Then the weight of the phone's pages and Lighthouse's
ratings of them, in real Chromium (bench/pages.py; `--only pages` alone).
"""

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
from bench.codec import measure as measure_codec
from bench.codec import section as codec_section
from bench.media import measure as measure_media
from bench.media import section as media_section
from bench.pages import measure as measure_pages
from bench.pages import section as pages_section
from bench.procs import raise_fd_limit
from bench.report import keep_intro, machine_info, render, splice
from bench.run import Plan, run_target
from bench.targets import ROOT, Facilitator, FacilitatorCluster, Reference

# The facilitator run of a stage gets this share of the stage's time; the reference gets what
# is left (it needs less, since it has no joins and no disk).
FACILITATOR_SHARE = 0.62
STAGES = ("one", "sessions", "large", "cluster")


def fd_need(phones: int) -> int:
    """Open files a run of this many phones needs at most in one process (the server holds
    one socket per phone, and so do the phone processes together)."""
    return 2 * phones + 256


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
    parser.add_argument("--sessions", type=int, help="sessions at once in the second "
                        "stage, sharing the --phones phones (default 10; 0 skips the stage)")
    parser.add_argument("--large", type=int, help="phones in one session in the third stage, "
                        "one burst (default 5000, --quick 0; 0 skips the stage)")
    parser.add_argument("--stage", action="append", choices=STAGES, dest="stages",
                        help="run only this stage (repeatable): one (one session), sessions "
                        "(several at once), large (many phones), cluster (one process on "
                        "SQLite against two on PostgreSQL and Redis); default all four")
    parser.add_argument("--duration", type=float, help="cap in seconds on the whole run "
                        "(default 540, --quick 150)")
    parser.add_argument("--spread", type=float, default=1.0,
                        help="seconds over which a burst's votes are sent (default 1.0)")
    parser.add_argument("--large-spread", type=float, default=10.0,
                        help="seconds over which the second burst of the large stage sends "
                        "its votes (default 10.0; its first burst takes --spread)")
    parser.add_argument("--workers", type=int, default=2, help="phone processes (default 2)")
    parser.add_argument("--lanes", type=int, default=64,
                        help="phones joining and connecting at once, in total (default 64)")
    parser.add_argument("--only", choices=("facilitator", "reference", "archive", "codec",
                                            "pages", "media"),
                        help="measure one target only (archive: only the time of writing "
                        "the documentation of the recorded workshop; codec: only parsing "
                        "and encoding one message; pages: only the weight of the phone's "
                        "pages and Lighthouse; media: only rendering slides and converting "
                        "a photo; codec, pages and media are put into the report of the "
                        "last run)")
    parser.add_argument("--lighthouse-runs", type=int, default=3,
                        help="Lighthouse runs per page, the median counts (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="a folder for flame graphs of the "
                        "facilitator server, one SVG per stage and phase (joining, burst1, …), "
                        "sampled with py-spy (bench/profile.py)")
    parser.add_argument("--out", type=Path, help="the report (default docs/benchmarks.md; "
                        "--quick prints it and writes no file unless --out is given)")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    parser.add_argument("--raw", type=Path, help="a folder for the raw timestamps of every "
                        "vote and presenter tally, one JSON file per burst")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke test: 200 phones, at most 90 s")
    args = parser.parse_args(argv)
    args.phones = args.phones or (200 if args.quick else 2000)
    args.duration = args.duration or (150.0 if args.quick else 540.0)
    args.sessions = 10 if args.sessions is None else args.sessions
    args.large = (0 if args.quick else 5000) if args.large is None else args.large
    # the timings beside the servers (documentation, codec, pages, media) come with a whole
    # run or on their own (--only), not with a run of chosen stages
    args.extras = args.stages is None
    args.stages = [s for s in STAGES if s in (args.stages or STAGES)]
    if args.sessions == 0 or "sessions" not in args.stages:
        args.stages = [s for s in args.stages if s != "sessions"]
    if args.large == 0 or "large" not in args.stages:
        args.stages = [s for s in args.stages if s != "large"]
    if args.out is None and not args.quick:
        args.out = ROOT / "docs" / "benchmarks.md"
    if args.lighthouse_runs < 1:
        parser.error("--lighthouse-runs must be positive")
    if args.phones < 1 or args.votes_per_phone < 0 or args.workers < 1 or args.lanes < 1:
        parser.error("--phones, --workers and --lanes must be positive")
    if args.sessions < 0 or args.sessions == 1 or args.sessions > args.phones:
        parser.error("--sessions must be 0 (skip) or from 2 to --phones")
    if args.large < 0:
        parser.error("--large must be 0 (skip) or positive")
    if args.spread < 0 or args.large_spread < 0:
        parser.error("--spread and --large-spread must not be negative")
    return args


def cluster_possible() -> bool:
    """Whether the cluster stage can start its PostgreSQL and Redis (bench/cluster.py)."""
    import glob
    import shutil

    return bool(glob.glob("/usr/lib/postgresql/*/bin/postgres")) and bool(
        shutil.which("redis-server"))


def load_average() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def stage_plans(args: argparse.Namespace) -> dict[str, Plan]:
    """The plan of each stage to run."""
    def plan(name: str, phones: int, votes: int, sessions: int = 1,
             spreads: tuple[float, ...] = ()) -> Plan:
        return Plan(phones, votes, min(args.workers, phones), args.lanes, args.spread,
                    args.seed, args.raw, sessions,
                    args.profile / name if args.profile else None, spreads)

    # many phones: a burst within --spread, then every vote changed over --large-spread
    plans = {"one": plan("one", args.phones, args.votes_per_phone),
             "sessions": plan("sessions", args.phones, args.votes_per_phone, args.sessions),
             "large": plan("large", args.large, min(args.votes_per_phone, 2),
                           spreads=(args.spread, args.large_spread)),
             "cluster": plan("cluster", args.phones, args.votes_per_phone)}
    return {name: plans[name] for name in args.stages}


def weight(plan: Plan) -> float:
    """How much of the run's time a stage gets: by phones and bursts (joining ~ one burst)."""
    bursts = sum(max(1.0, plan.spread_of(n) / 5) for n in range(1, plan.votes_per_phone + 1))
    return plan.phones * (1 + bursts) * (1.2 if plan.sessions > 1 else 1.0)


async def measure_stage(
    args: argparse.Namespace, stage: str, plan: Plan, seconds: float
) -> dict[str, dict[str, Any]]:
    targets: list[Any] = []
    if stage == "cluster":  # one process on SQLite against two on PostgreSQL and Redis
        targets = [Facilitator(), FacilitatorCluster()]
    if stage != "cluster" and args.only in (None, "facilitator"):
        targets.append(Facilitator())
    if stage != "cluster" and args.only in (None, "reference"):
        targets.append(Reference())
    end = time.monotonic() + seconds
    results = {}
    where = (f"{plan.phones} phones in {plan.sessions} sessions" if plan.sessions > 1
             else f"{plan.phones} phones in one session")
    for i, target in enumerate(targets):
        left = end - time.monotonic()
        share = left * FACILITATOR_SHARE if i == 0 and len(targets) > 1 else left
        log(f"{stage}: {target.name}: {where}, at most {share:.0f} s")
        result = await run_target(target, plan, share)
        results[target.name] = result
        log(f"{stage}: {target.name}: " + (f"FAILED {result['failure']}"
                                           if result.get("failure") else "done"))
        for burst in result["bursts"]:
            log(f"  burst {burst['number']}: acked {burst['acked']}/{burst['sent']}, "
                f"ack p99 {fmt(burst['ack_ms']['p99'])}, beamer p99 "
                f"{fmt(burst['beamer_ms']['p99'])}, final tally p99 "
                f"{fmt(burst['final_reach_ms']['p99'])} ms, errors {burst['errors'] or 'none'}")
    return results


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


async def measure(
    args: argparse.Namespace, plans: dict[str, Plan]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Every stage in turn, each with its share of --duration; results by stage and target."""
    end = time.monotonic() + args.duration
    results: dict[str, dict[str, dict[str, Any]]] = {}
    names = list(plans)
    for k, stage in enumerate(names):
        rest = sum(weight(plans[n]) for n in names[k:])
        seconds = (end - time.monotonic()) * weight(plans[stage]) / rest
        results[stage] = await measure_stage(args, stage, plans[stage], seconds)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.only == "codec":
        return codec_only(args)
    if args.only == "pages":
        return pages_only(args)
    if args.only == "media":
        return media_only(args)
    soft, _ = raise_fd_limit()
    notes = []
    if soft < fd_need(args.phones) and args.only != "archive":
        log(f"open files limit {soft} is too low for {args.phones} phones (needs "
            f"{fd_need(args.phones)}; raise the hard limit, e.g. ulimit -Hn)")
        return 2
    if "large" in args.stages and soft < fd_need(args.large):
        notes.append(f"{args.large:,} phones in one session: the open files limit {soft} is "
                     f"below the {fd_need(args.large):,} they need (raise the hard limit).")
        log(notes[-1])
        args.stages.remove("large")
    if "cluster" in args.stages and not cluster_possible():
        notes.append("two processes on PostgreSQL and Redis: PostgreSQL or redis-server is not "
                     "installed (apt-get install postgresql redis-server).")
        log(notes[-1])
        args.stages.remove("cluster")
    plans = stage_plans(args) if args.only != "archive" else {}
    plan = Plan(args.phones, args.votes_per_phone, min(args.workers, args.phones), args.lanes,
                args.spread, args.seed, args.raw)
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = load_average()
    if load is not None and load > 0.5 * (os.cpu_count() or 1):
        log(f"the machine is busy (load average {load:.2f}): the figures will be disturbed")
    began = time.monotonic()
    staged = asyncio.run(measure(args, plans))
    results = staged.get("one", {})
    archive = None
    if args.only == "archive" or (args.only is None and args.extras):
        archive = measure_archive()
        log(f"archive: best {archive['best_s']:.3f} s, median {archive['median_s']:.3f} s "
            f"of {archive['runs']} runs")
    codec = measure_codec() if args.only is None and args.extras else None
    pages = None
    if args.only is None and args.extras and not args.quick:
        log("pages: the weight of the phone's pages and Lighthouse, in Chromium")
        pages = measure_pages(lighthouse_runs=args.lighthouse_runs)
    machine = {**machine_info(soft), "load_before": load}
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    plan_info = {**plan.__dict__, "raw": str(plan.raw) if plan.raw else None,
                 "cores": os.cpu_count(), "sessions_at_once": args.sessions,
                 "large_phones": args.large, "large_spread": args.large_spread,
                 "notes": notes,
                 "seconds": time.monotonic() - began}
    intro = keep_intro(args.out) if args.out else keep_intro(Path("/nonexistent"))
    text = render(intro, machine, command, date, plan_info, results, archive,
                  staged.get("sessions"), staged.get("large"), codec, pages,
                  staged.get("cluster"))
    limited = any(r.get("limit_hit") for by_target in staged.values()
                  for r in by_target.values())
    if limited and args.out:
        # a setting to raise, not a measurement: keep the figures of the last good run
        log(f"{args.out} left as it was: the server refused the load at a limit (below)")
    elif args.out:
        args.out.write_text(text)
        log(f"wrote {args.out}")
        if args.only is None and args.extras:
            media_only(args)
    else:
        print(text)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "plan": plan_info,
                                         "results": results, "archive": archive,
                                         "codec": codec, "pages": pages,
                                         "sessions": staged.get("sessions"),
                                         "large": staged.get("large"),
                                         "cluster": staged.get("cluster")},
                                        indent=1, default=str))
    failed = [(stage, name, result) for stage, by_target in staged.items()
              for name, result in by_target.items() if result.get("failure")]
    for stage, name, result in failed:
        what = "STOPPED AT A LIMIT" if result.get("limit_hit") else "FAILED"
        log(f"{what} ({stage}, {name}): {result['failure']}")
    if pages and pages.get("failure"):
        log(f"FAILED (pages): {pages['failure']}")
    log(f"took {time.monotonic() - began:.0f} s")
    return 1 if failed or (pages and pages.get("failure")) else 0


def codec_only(args: argparse.Namespace) -> int:
    """Parsing and encoding one message (bench/codec.py), a few seconds: its table replaces
    the one in the report of the last full run, and the rest of the report stays."""
    log("codec: parsing and encoding one message, before and after issue 9")
    codec = measure_codec()
    codec["measured"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    put_section(args, codec_section(codec))
    if args.json:
        args.json.write_text(json.dumps({"codec": codec}, indent=1))
    return 0


def media_only(args: argparse.Namespace) -> int:
    """Rendering a 30-page PDF and converting a photo in the server's worker process
    (bench/media.py), half a minute: its section replaces the one in the report."""
    log("media: rendering slides and converting a photo, in the worker process")
    media = measure_media()
    media["measured"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    log(f"media: {media['pages']}-page PDF {media['deck_s']:.2f} s, photo "
        f"{media['photo_s'] * 1000:.0f} ms, event loop lag at most "
        f"{max(media['deck_lag_ms'], media['photo_lag_ms']):.1f} ms")
    put_section(args, media_section(media))
    if args.json:
        args.json.write_text(json.dumps({"media": media}, indent=1))
    return 0


def put_section(args: argparse.Namespace, lines: list[str]) -> None:
    """One section of the report replaced in args.out (the rest stays), or printed."""
    if args.out:
        old = args.out.read_text() if args.out.exists() else keep_intro(args.out)
        args.out.write_text(splice(old, lines))
        log(f"wrote the section into {args.out}")
    else:
        print("\n".join(lines))


def pages_only(args: argparse.Namespace) -> int:
    """The weight of the phone's pages and Lighthouse (bench/pages.py), a minute or two: its
    section replaces the one in the report of the last full run, the rest stays."""
    log("pages: the weight of the phone's pages and Lighthouse, in Chromium")
    pages = measure_pages(lighthouse_runs=args.lighthouse_runs)
    pages["measured"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = pages_section(pages)
    if args.out and (pages.get("failure") or pages.get("skipped")):
        print("\n".join(lines))
        log(f"{args.out} left as it was: the stage "
            + ("failed" if pages.get("failure") else "was skipped"))
    else:
        put_section(args, lines)
    if args.json:
        args.json.write_text(json.dumps({"pages": pages}, indent=1, default=str))
    return 1 if pages.get("failure") else 0


if __name__ == "__main__":
    sys.exit(main())
