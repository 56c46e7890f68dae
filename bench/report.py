"""docs/benchmarks.md from the results of a run.

`render` is pure: results and machine facts in, Markdown out. The hand-written intro above
MARKER survives every run; everything below it is replaced.
"""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.codec import section as codec_section
from bench.limits import SERVER_LIMITS
from bench.observe import (
    cpu_per_vote_ms,
    observations,
    observations_large,
    observations_sessions,
    sessions_label,
)
from bench.pages import section as pages_section

MARKER = "<!-- Everything below this line is written by `python -m bench`; edit above it. -->"

DEFAULT_INTRO = """# Benchmarks

How many phones can one facilitator process serve? The aim set in the issue: **2,000 phones in
one session, every vote acknowledged, and a vote on the beamer within 100 ms at the 99th
percentile**, on a small machine.

`python -m bench` (or `make bench`) measures it. It starts the real server as a subprocess,
opens a poll over the wire protocol as a moderator would, connects a presenter and N phones
(each joins over HTTP and opens its WebSocket), and lets every phone vote, then change its
vote. For scale it runs the same phones against a bare server built from websockets'
`serve()` and `broadcast()` that only counts votes (`bench/reference.py`): no validation, no
event log, no disk. That is roughly the limit of this machine and Python, and the ratios show
what the hub, the protocol and durable acknowledgements cost on top of it.

It also times writing the documentation of a whole workshop (`bench/archive.py`):
`write_archive` on the recorded simulation lab (`tests/fixtures/simulationslabor.jsonl`, 40
phones, a three-hour morning, every kind of activity), five times; the aim in the issue is
**under 2 seconds**. The server does this in a worker thread when a session closes.

And it times parsing one frame and encoding one message (`bench/codec.py`): a phone's
`vote.cast`, `idea.add` and `ping` in, an `ack`, an `event` and a `tally` out, decoded into
and encoded from the msgspec types of `facilitator/live/messages.py`, against the hand-written
checks and the json module they replaced in issue 9 (kept in `bench/codec_before.py` for this
comparison only).

Last, it weighs the two pages a phone opens and has Lighthouse rate them (`bench/pages.py`,
real Chromium through Playwright and `node_modules/.bin/lighthouse`): the join page and the
participant page while a poll runs, each loaded with an empty cache and once more, the bytes
transferred and the requests counted from the DevTools protocol, and Lighthouse's mobile
performance and accessibility scores, LCP, CLS and TBT. The aims in issue 10: **the
participant page under 60 KB transferred on first load, both pages at least 95 in
performance and accessibility, layout shift under 0.05**. Without Chromium or Lighthouse this
stage is skipped with a note.

Besides this one-session stage, two more stages run, each on fresh servers and against the
reference:

- **Ten sessions at once.** The same 2,000 phones dealt out over ten sessions of 200 on one
  server, each session with its own moderator, beamer and poll, all ten voting in the same
  bursts; the reference serves one room per path, with a `broadcast()` per room. The question
  is whether a vote costs more when one server holds ten workshops instead of one big one: the
  table divides the server's CPU time per acknowledged vote, the ack p99 and the
  vote-to-beamer p99 by the one-session figures of the same run. Ten sessions have ten
  writers that each commit their own, smaller batches, and ten beamers and consoles that get a
  tally every 50 ms instead of one, so some extra cost per vote is expected; the row says how
  much.
- **5,000 phones in one session.** How fast 5,000 phones join (phones per second, and the
  server's CPU seconds while they join), one burst of 5,000 votes, and how long after the last
  vote the final tally has reached every phone (p99). Each phone is a socket in the server and
  one in a phone process, so the bench lifts its soft open-files limit to the hard limit
  (`ulimit -Hn`) and skips this stage, with a note, when that is below about 10,300.

The server's protective limits would refuse the bench: all its phones join from 127.0.0.1
within seconds, against 120 joins per address and minute, 600 per session, 2,000 participants
per session and 5,000 phone connections by default. The bench therefore starts facilitator with
them far above its load (`bench/limits.py`: `FACILITATOR_MAX_PARTICIPANTS`,
`FACILITATOR_JOINS_PER_MINUTE`, `FACILITATOR_JOINS_PER_ADDRESS`, `FACILITATOR_MAX_CONNECTIONS`
and the others). A value set in the environment of `python -m bench` wins, and a join answered
409 or 429 or a connection closed with 1013 stops the run at once with the setting to raise,
leaving this page as it was: `FACILITATOR_JOINS_PER_ADDRESS=120 python -m bench --quick` shows
the default refusing the 121st phone.

```
python -m bench                      # all three stages and the documentation; about a minute
                                     # here, at most 540 s; writes this page
python -m bench --quick              # 200 phones in one and in ten sessions, prints the report
python -m bench --stage large --out /tmp/b.md    # only the 5,000 phones (--large N: other sizes)
python -m bench --sessions 0 --large 0           # only one session, as before the stages
python -m bench --only archive --out /tmp/b.md   # only the time of writing the documentation
python -m bench --only codec         # only parsing and encoding one message, a few seconds;
                                     # replaces that table on this page, keeps the rest
python -m bench --only pages         # only the pages' weight and Lighthouse, about two
                                     # minutes; replaces that section, keeps the rest
python -m bench --phones 500 --spread 3 --votes-per-phone 3 --out /tmp/b.md --raw /tmp/raw
```

`--spread` is the time over which one burst's votes are sent (2,000 phones over 1 s offer 2,000
votes a second); `--sessions` is the number of sessions at once (sharing `--phones`); `--raw`
keeps every vote's timestamps for a closer look; `--help` lists the rest.

Read the figures with these limits in mind:

- Server, phones and driver share the same machine and talk over 127.0.0.1: no network delay,
  no Wi-Fi, but also CPU competition. The table shows how much CPU each side used; the row
  "other processes on the machine" shows whether anything else ran meanwhile.
- On a shared two-core virtual machine repeated runs differ noticeably, by up to about two
  times on the p99 figures in our runs. Run twice before trusting a small difference.
- The phones do not negotiate permessage-deflate (browsers do), and they are not browsers: the
  cost of rendering a tally on a phone is not here.
- One poll per session, and in the ten-sessions stage ten equal sessions; reconnect storms and
  sessions doing different things at once are not measured.
"""

PACKAGES = ("facilitator", "starlette", "uvicorn", "websockets", "aiosqlite")


def machine_info(fd_limit: int) -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    if versions["facilitator"] == "not installed":  # run from a checkout
        try:
            import facilitator

            versions["facilitator"] = facilitator.__version__
        except (ImportError, AttributeError):
            pass
    versions["facilitator"] += checkout()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gib": ram,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "packages": versions, "fd_limit": fd_limit,
    }


def checkout() -> str:
    """' (commit abc1234)' of the repository the bench runs from, '+' when modified."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    if head.returncode != 0:
        return " (no commit yet)"
    return f" (commit {head.stdout.strip()}{'+' if dirty.stdout.strip() else ''})"


def splice(text: str, section: list[str]) -> str:
    """The report with `section` (its first line is its title) in place of the section of the
    same title, or, when it has none, after the documentation's timing or else before the
    first figures; everything else as it was. Without MARKER the report is the intro."""
    if MARKER not in text:
        text = f"{text.rstrip()}\n\n{MARKER}\n"
    lines = text.rstrip("\n").split("\n")
    begin = lines.index(MARKER) + 1
    if section[0] in lines[begin:]:
        start = lines.index(section[0], begin)
    else:
        start = next((i for i in range(begin, len(lines)) if lines[i].startswith("### ")
                      and lines[i] != "### Writing the documentation"), len(lines))
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].startswith(("## ", "### "))), len(lines))
    if section[0] not in lines[begin:]:
        end = start
    block = [*section] if section[-1] == "" else [*section, ""]
    if start == len(lines) and lines[-1] != "":
        block = ["", *block]
    return "\n".join([*lines[:start], *block, *lines[end:]]).rstrip("\n") + "\n"


def keep_intro(path: Path) -> str:
    try:
        text = path.read_text()
    except OSError:
        return DEFAULT_INTRO
    if MARKER in text:
        return text.split(MARKER, 1)[0].rstrip() + "\n"
    return DEFAULT_INTRO


def num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return text + unit


def ratio(ours: float | None, ref: float | None) -> str:
    if ours is None or ref is None or ref == 0:
        return "–"
    return f"{ours / ref:.1f}×" if ours / ref >= 10 else f"{ours / ref:.2f}×"


def quad(summary: dict[str, Any] | None) -> str:
    if not summary or not summary.get("count"):
        return "–"
    return " / ".join(num(summary[k]) for k in ("p50", "p95", "p99", "max"))


def dig(data: dict[str, Any] | None, *path: str | int) -> Any:
    for key in path:
        if data is None:
            return None
        try:
            data = data[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return data


Row = tuple[str, Callable[[dict[str, Any]], str], Callable[[dict[str, Any]], float | None]]


def connect_rows() -> list[Row]:
    def joined(r: dict[str, Any]) -> str:
        if dig(r, "connect") is None:
            return "–"
        return f"{dig(r, 'connect', 'connected'):,} / {r['phones']:,}"

    def per_phone(r: dict[str, Any]) -> float | None:
        total = sum((dig(r, "connect", "messages") or {}).values())
        return total / r["phones"] if dig(r, "connect") else None

    return [
        ("phones connected", joined, lambda r: None),
        ("join + connect rate, phones/s (reference: connect only)",
         lambda r: num(dig(r, "connect", "per_s")), lambda r: None),
        ("join request p50 / p95 / p99 / max, ms",
         lambda r: quad(dig(r, "connect", "join_ms")), lambda r: None),
        ("WebSocket connect until hello p50 / p95 / p99 / max, ms",
         lambda r: quad(dig(r, "connect", "connect_ms")),
         lambda r: dig(r, "connect", "connect_ms", "p99")),
        ("messages per phone while the others connected", lambda r: num(per_phone(r)),
         lambda r: None),
        ("server CPU while connecting, s", lambda r: num(dig(r, "connect", "server_cpu_s")),
         lambda r: dig(r, "connect", "server_cpu_s")),
        ("server memory after connecting, MB (per phone, KB)",
         lambda r: f"{num(dig(r, 'connect', 'server_rss_mb'))} "
                   f"({num(dig(r, 'connect', 'rss_per_phone_kb'))})",
         lambda r: dig(r, "connect", "server_rss_mb")),
    ]


def burst_rows(i: int) -> list[Row]:
    def b(r: dict[str, Any], *path: str | int) -> Any:
        return dig(r, "bursts", i, *path)

    def acked(r: dict[str, Any]) -> str:
        if b(r, "sent") is None:
            return "–"
        return f"{b(r, 'acked'):,} / {b(r, 'sent'):,}"

    def errors(r: dict[str, Any]) -> str:
        found = b(r, "errors")
        if found is None:
            return "–"
        return ", ".join(f"{k}: {v}" for k, v in found.items()) or "none"

    def clients(r: dict[str, Any]) -> str:
        pcts = b(r, "extra", "client_cpu_pct") or []
        return " + ".join(num(p, "%") for p in pcts) or "–"

    return [
        ("votes acknowledged", acked, lambda r: None),
        ("errors", errors, lambda r: None),
        ("ack latency p50 / p95 / p99 / max, ms", lambda r: quad(b(r, "ack_ms")),
         lambda r: b(r, "ack_ms", "p99")),
        ("vote-to-beamer p50 / p95 / p99 / max, ms", lambda r: quad(b(r, "beamer_ms")),
         lambda r: b(r, "beamer_ms", "p99")),
        ("acked votes never seen on the beamer", lambda r: num(b(r, "unseen")),
         lambda r: None),
        ("votes acknowledged per second (offered: phones / spread)",
         lambda r: num(b(r, "votes_per_s")), lambda r: b(r, "votes_per_s")),
        ("tallies per phone per second", lambda r: num(b(r, "tallies_per_phone_s")),
         lambda r: b(r, "tallies_per_phone_s")),
        ("messages delivered per second, all clients", lambda r: num(b(r, "messages_per_s")),
         lambda r: b(r, "messages_per_s")),
        ("final tally on every phone, after the last vote was sent, p50 / p95 / p99 / max, ms",
         lambda r: quad(b(r, "final_reach_ms")), lambda r: b(r, "final_reach_ms", "p99")),
        ("server CPU, s (% of one core)",
         lambda r: f"{num(b(r, 'extra', 'server_cpu_s'))} "
                   f"({num(b(r, 'extra', 'server_cpu_pct'), '%')})",
         lambda r: b(r, "extra", "server_cpu_s")),
        ("server CPU per acknowledged vote, ms", lambda r: num(cpu_per_vote_ms(r, i)),
         lambda r: cpu_per_vote_ms(r, i)),
        ("phone processes CPU, % of one core each", clients, lambda r: None),
        ("other processes on the machine, % of one core",
         lambda r: num(b(r, "extra", "others_cpu_pct"), "%"), lambda r: None),
        ("server memory, MB", lambda r: num(b(r, "extra", "server_rss_mb")),
         lambda r: b(r, "extra", "server_rss_mb")),
    ]


def factor(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b is not None and b > 0 else None


def times(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def burst_kind(i: int) -> str:
    return "first votes" if i == 0 else "changed votes"


def versus_one_rows(i: int, one: dict[str, dict[str, Any]], label: str) -> list[Row]:
    """Burst i of several sessions against burst i of one session with the same phones, per
    target (`one`: the one-session results by target name)."""

    def against(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], float | None]:
        def value(r: dict[str, Any]) -> float | None:
            return factor(dig(r, "bursts", i, *path), dig(one.get(r.get("name", "")), "bursts",
                                                          i, *path))
        return value

    def per_vote(r: dict[str, Any]) -> float | None:
        return factor(cpu_per_vote_ms(r, i), cpu_per_vote_ms(one.get(r.get("name", "")), i))

    def show(fn: Callable[[dict[str, Any]], float | None]) -> Callable[[dict[str, Any]], str]:
        return lambda r: times(fn(r))

    ack, beamer = against(("ack_ms", "p99")), against(("beamer_ms", "p99"))
    return [
        (f"server CPU per acknowledged vote, {label} ÷ one session (burst {i + 1})",
         show(per_vote), lambda r: None),
        (f"ack latency p99, {label} ÷ one session", show(ack), lambda r: None),
        (f"vote-to-beamer p99, {label} ÷ one session", show(beamer), lambda r: None),
    ]


def table(ours: dict[str, Any], ref: dict[str, Any], bursts: int) -> list[str]:
    sections: list[tuple[str, list[Row]]] = [("Connecting", connect_rows())]
    for i in range(bursts):
        sections.append((f"Burst {i + 1} ({burst_kind(i)})", burst_rows(i)))
    return rows_table(sections, ours, ref)


def rows_table(sections: list[tuple[str, list[Row]]], ours: dict[str, Any],
               ref: dict[str, Any], heads: tuple[str, str] = ("facilitator", "reference")
               ) -> list[str]:
    lines = [f"| | {heads[0]} | {heads[1]} | ratio |", "|---|---:|---:|---:|"]
    for title, rows in sections:
        lines.append(f"| **{title}** | | | |")
        for label, show, value in rows:
            lines.append(
                f"| {label} | {show(ours)} | {show(ref)} | {ratio(value(ours), value(ref))} |"
            )
    return lines


def archive_section(archive: dict[str, Any]) -> list[str]:
    """The time of writing the documentation of the recorded workshop (bench/archive.py)."""
    best, median, aim = archive["best_s"], archive["median_s"], archive["aim_s"]
    what = (f"`write_archive` of `{archive['log']}` ({archive['events']:,} events, "
            f"{archive['phones']} phones, {archive['activities']} activities; "
            f"{archive['files']} files, {archive['bytes'] / 1e6:.2f} MB), "
            f"{archive['runs']} runs, s")
    verdict = "aim met" if median < aim else "aim NOT met"
    return ["### Writing the documentation", "",
            "| | best | median | aim |", "|---|---:|---:|---:|",
            f"| {what} | {best:.3f} | {median:.3f} | < {aim:g} |", "",
            f"- {verdict}: the median of {archive['runs']} runs took {median:.2f} s against "
            f"{aim:g} s (in one process on one core, as the server's worker thread runs it).",
            ""]


def pair(results: dict[str, dict[str, Any]] | None, phones: int
         ) -> tuple[dict[str, Any], dict[str, Any]]:
    empty = {"phones": phones, "bursts": []}
    results = results or {}
    return results.get("facilitator") or empty, results.get("reference") or empty


def failures(results: dict[str, dict[str, Any]], what: str) -> list[str]:
    out: list[str] = []
    for name in ("facilitator", "reference"):
        result = results.get(name) or {}
        if result.get("failure"):
            if result.get("limit_hit"):
                out += ["", f"**The {name} run{what} stopped at a limit:** {result['failure']}"]
            else:
                out += ["", f"The {name} run{what} failed: `{result['failure']}`."]
        for note in result.get("notes") or []:
            out += ["", f"Note on the {name} run{what}: {note}."]
        logged = result.get("server_errors")
        if logged:
            text = (f"The {name} server logged {logged['count']:,} errors{what}; the last: "
                    f"`{logged['last']}`")
            if logged.get("exception"):
                text += f", the last exception: `{logged['exception']}`"
            out += ["", text + "."]
        if result.get("server_log"):
            out += ["", f"Last lines of the {name} server's log{what}:", "", "```",
                    result["server_log"], "```"]
    return out


def sessions_section(sessions: dict[str, dict[str, Any]], one: dict[str, dict[str, Any]],
                     plan: dict[str, Any]) -> list[str]:
    """Several sessions on one server, all voting at once, against one session of the same
    phones (`one`: the results of the one-session table, by target)."""
    count = plan["sessions_at_once"]
    label = sessions_label(count)
    phones = plan["phones"]
    ours, ref = pair(sessions, phones)
    bursts = max(len(ours.get("bursts", [])), len(ref.get("bursts", [])))
    title = label[0].upper() + label[1:]
    each = f"{phones // count:,}" if phones % count == 0 else f"about {phones / count:,.0f}"
    connect = [row for row in connect_rows() if not row[0].startswith(("join request",
                                                                        "WebSocket connect"))]
    sections: list[tuple[str, list[Row]]] = [(f"{title} at once: connecting", connect)]
    for i in range(bursts):
        rows = [row for row in burst_rows(i) if not row[0].startswith(("tallies per phone",
                                                                       "messages delivered"))]
        if one:
            rows += versus_one_rows(i, one, label)
        sections.append((f"{title} at once: burst {i + 1} ({burst_kind(i)})", rows))
    out = [f"### {title} at once", ""]
    text = (f"The same {phones:,} phones in {label} of {each} on one server, each session with "
            "its own moderator, presenter (beamer) and poll; all sessions vote in the same "
            "burst.")
    if one:
        text += (f' The rows "… {label} ÷ one session" divide a figure by the same figure of '
                 "the one-session table above (same run, same phones): above 1 means a vote "
                 f"costs more or takes longer when the phones are spread over {label}.")
    out += [text, ""]
    out += rows_table(sections, ours, ref)
    said = observations_sessions(sessions, one, plan)
    if said:
        out += [""] + [f"- {line}" for line in said]
    out += failures(sessions, f" with {label}")
    return out + [""]


def large_section(large: dict[str, dict[str, Any]], plan: dict[str, Any]) -> list[str]:
    """Many phones in one session: joining, a burst within --spread and one within
    --large-spread, the final tally on every phone; then the targets of issue 13."""
    phones = plan["large_phones"]
    ours, ref = pair(large, phones)
    title = f"{phones:,} phones in one session"
    sections: list[tuple[str, list[Row]]] = [(f"{title}: connecting", connect_rows())]
    bursts = max(len(ours.get("bursts", [])), len(ref.get("bursts", [])))
    for i in range(bursts):
        spread = within(ours, ref, i)
        kind = burst_kind(i) if spread == "–" else f"{burst_kind(i)}, {spread}"
        sections.append((f"{title}: burst {i + 1} ({kind})", burst_rows(i)))
    out = [f"### {title}", "",
           f"{phones:,} phones join one session ({plan['workers']} phone processes, "
           f"{plan['lanes']} joining at once), then every phone votes once within "
           f"{plan['spread']:g} s, and changes its vote within "
           f"{plan.get('large_spread', 10.0):g} s; the row "
           '"final tally on every phone" is how long after the '
           "last vote was sent the final tally had reached each phone. Both servers send "
           "tallies at the same intervals (beamer and phones), so they deliver the same "
           "messages.", ""]
    out += rows_table(sections, ours, ref)
    if large.get("facilitator") and large.get("reference"):
        out += ["", *targets_table(ours, ref)]
    said = observations_large(large, plan)
    if said:
        out += [""] + [f"- {line}" for line in said]
    out += failures(large, f" with {phones:,} phones")
    return out + [""]


def within(ours: dict[str, Any], ref: dict[str, Any], i: int) -> str:
    spread = dig(ours, "bursts", i, "spread_s")
    spread = dig(ref, "bursts", i, "spread_s") if spread is None else spread
    return "–" if spread is None else f"within {spread:g} s"


# The aims for many phones in one process (issue 13): a latency p99 at most this many times
# the reference's, at least this share of its messages per second, at least this many phones
# joining per second, at most this much memory per phone.
LATENCY_FACTOR = 1.5
MESSAGE_SHARE = 0.7
JOINS_PER_S = 1000.0
KB_PER_PHONE = 25.0


def targets_table(ours: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    """Each aim with both servers' figures and whether facilitator meets it."""
    rows: list[tuple[str, float | None, float | None, bool | None]] = []

    def ratio_row(what: str, mine: float | None, theirs: float | None) -> None:
        rows.append((what, mine, theirs, None if mine is None or not theirs
                     else mine <= LATENCY_FACTOR * theirs))

    bursts = max(len(ours.get("bursts", [])), len(ref.get("bursts", [])))
    for i in range(bursts):
        tag = f"burst {i + 1} ({within(ours, ref, i)})"
        for key, what in (("ack_ms", "ack"), ("beamer_ms", "vote to beamer"),
                          ("final_reach_ms", "final tally on every phone")):
            ratio_row(f"{tag}: {what} p99 ≤ {LATENCY_FACTOR:g}× the reference, ms",
                      dig(ours, "bursts", i, key, "p99"), dig(ref, "bursts", i, key, "p99"))
        mine, theirs = (dig(ours, "bursts", i, "messages_per_s"),
                        dig(ref, "bursts", i, "messages_per_s"))
        rows.append((f"{tag}: messages delivered per second ≥ {MESSAGE_SHARE:.0%} of the "
                     "reference's", mine, theirs,
                     None if mine is None or not theirs else mine >= MESSAGE_SHARE * theirs))
    joins = dig(ours, "connect", "per_s")
    rows.append((f"joining, phones/s ≥ {JOINS_PER_S:,.0f}", joins,
                 dig(ref, "connect", "per_s"), None if joins is None else joins >= JOINS_PER_S))
    kb = dig(ours, "connect", "rss_per_phone_kb")
    rows.append((f"memory per phone < {KB_PER_PHONE:g} KB", kb,
                 dig(ref, "connect", "rss_per_phone_kb"), None if kb is None
                 else kb < KB_PER_PHONE))
    verdict = {True: "met", False: "**not met**", None: "–"}
    lines = ["| aim | facilitator | reference | |", "|---|---:|---:|---|"]
    lines += [f"| {what} | {num(mine)} | {num(theirs)} | {verdict[met]} |"
              for what, mine, theirs, met in rows]
    met = sum(1 for row in rows if row[3])
    return [f"The aims for many phones in one process: {met} of {len(rows)} met.", "", *lines]


def render(
    intro: str, machine: dict[str, Any], command: str, date: str, plan: dict[str, Any],
    results: dict[str, dict[str, Any]], archive: dict[str, Any] | None = None,
    sessions: dict[str, dict[str, Any]] | None = None,
    large: dict[str, dict[str, Any]] | None = None, codec: dict[str, Any] | None = None,
    pages: dict[str, Any] | None = None, cluster: dict[str, dict[str, Any]] | None = None,
) -> str:
    """`results`: one session, by target; `sessions`: several sessions at once (None when
    not run); `large`: many phones in one session (None when not run); `codec`: parsing and
    encoding one message (bench/codec.py; None when not run); `pages`: the weight of the
    phone's pages and Lighthouse (bench/pages.py; None when not run)."""
    ours, ref = pair(results, plan["phones"])
    bursts = max(len(ours.get("bursts", [])), len(ref.get("bursts", [])))
    packages = ", ".join(f"{k} {v}" for k, v in machine["packages"].items())
    ram = f"{machine['ram_gib']:.1f} GiB" if machine.get("ram_gib") else "unknown"
    out = [intro.rstrip(), "", MARKER, "", f"## Run of {date}", "", f"Command: `{command}`", ""]
    if results or sessions or large:
        out += [run_sentence(plan, bool(results), bool(sessions), bool(large)), ""]
    for note in plan.get("notes") or []:
        out += [f"Not measured: {note}", ""]
    env = next((r.get("environment") for r in ((results or {}).get("facilitator"),
                                               (sessions or {}).get("facilitator"),
                                               (large or {}).get("facilitator"))
                if r and r.get("environment")), None) or {}
    if env:
        out += ["facilitator settings taken from the environment instead of the defaults: "
                + ", ".join(f"`{k}={v}`" for k, v in env.items()) + ".", ""]
    out += ["| machine | |", "|---|---|",
            f"| CPU | {machine['cpu']}, {machine['cores']} cores |",
            f"| RAM | {ram} |",
            f"| system | {machine['system']} |",
            f"| Python | {machine['python']} |",
            f"| packages | {packages} |",
            f"| open files limit | {machine['fd_limit']} |",
            ""]
    if archive:
        out += archive_section(archive)
    if codec:
        out += codec_section(codec)
    if pages:
        out += pages_section(pages)
    if not (results or sessions or large or cluster):  # `--only archive`
        return "\n".join(out)
    if results:
        out += ["### Figures", "",
                "Ratios are facilitator / reference: above 1 means facilitator is slower "
                "(latency, CPU, memory) or faster (rates).", ""]
        out += table(ours, ref, bursts)
        out += ["", "### Observations", ""]
        said = observations(results.get("facilitator"), results.get("reference"), plan)
        out += [f"- {line}" for line in said]
        out += failures(results, "")
        out += [""]
    if sessions:
        out += sessions_section(sessions, results, plan)
    if large:
        out += large_section(large, plan)
    if cluster:
        from bench.scaling import cluster_section  # it builds on this module's rows

        out += cluster_section(cluster)
    out += ["### How it is measured", ""] + [f"- {line}" for line in method()] + [""]
    return "\n".join(out)


def run_sentence(plan: dict[str, Any], one: bool, sessions: bool, large: bool) -> str:
    """What the run did, in one paragraph."""
    bursts = (f"{plan['votes_per_phone']} vote(s) per phone, each burst spread over "
              f"{plan['spread']:g} s")
    said = []
    if one:
        said.append(f"{plan['phones']:,} phones in one session")
    if sessions:
        said.append(f"the same {plan['phones']:,} phones in "
                    f"{sessions_label(plan['sessions_at_once'])} at once")
    text = ", then ".join(said)
    if said:
        text += f" ({bursts})"
    if large:
        many = (f"{plan['large_phones']:,} phones in one session (a burst spread over "
                f"{plan['spread']:g} s, then one over {plan.get('large_spread', 10.0):g} s)")
        text = f"{text}, then {many}" if said else many
    text = text[0].upper() + text[1:]
    text = (f"{text}; {plan['workers']} phone processes, server and phones on the same machine "
            "over 127.0.0.1.")
    if plan.get("seconds"):
        text += f" The measurements took {plan['seconds']:.0f} s."
    return text


def method() -> list[str]:
    limits = ", ".join(f"`{k}={v}`" for k, v in SERVER_LIMITS.items())
    return METHOD + [
        f"facilitator starts with its protective limits far above the load: {limits} "
        "(`bench/limits.py`; a value set in the environment of `python -m bench` wins). Every "
        "bench phone joins from 127.0.0.1 within seconds, which the defaults (120 joins per "
        "address and minute) refuse. A join answered 409 or 429 (or 503 from uvicorn past its "
        "connection limit), or a connection closed with 1013, stops the run with the name of "
        "the setting to raise, and leaves the report as it was.",
    ]


METHOD = [
    "Each server runs as its own process: "
    "`python -m facilitator serve --host 127.0.0.1 --port PORT --data-dir TMP/data "
    "--sessions-dir TMP/sessions` (log level warning, a fresh database) and "
    "`python -m bench.reference`.",
    "facilitator: `POST /api/sessions`, the moderator connects and sends `session.open`, "
    "`session.start`, `activity.create` (a poll with four options), `activity.activate`, "
    "`activity.reveal`, each waiting for its ack; one presenter connects. Each phone then "
    "joins with `POST /api/sessions/<code>/join` over keep-alive connections and opens "
    "`/ws/<code>?token=…`; it counts as connected when its `hello` arrived.",
    "A burst: every phone sends one `vote.cast` at a random moment inside the spread. Burst 2 "
    "changes every phone's vote to another option, so the server replaces ballots.",
    "Ack latency: the phone's send time to the arrival of the `ack` with the command's id.",
    "Vote-to-beamer: the send time to the first `tally` at the presenter whose `seq` is at "
    "least the `seq` of the vote's ack (the tally includes every event up to its `seq`). "
    "All times are CLOCK_MONOTONIC, shared by the processes of the machine.",
    "Tallies per phone per second and messages per second count what clients received "
    "from the first vote until every phone held the final tally.",
    "Percentiles are nearest-rank: p99 of 2,000 votes is the 1,980th smallest.",
    "CPU is user + system time from /proc/<pid>/stat (all threads), memory is VmRSS.",
    "The phones are a small client of our own (`bench/wsclient.py`) that splits frames "
    "without decoding tallies, so the load generator stays cheaper than the servers. It does "
    "not offer permessage-deflate, so no compression is negotiated; browsers do offer it, and "
    "compressing per connection would cost the server more CPU than measured here.",
    "Before each burst the driver waits (at most 20 s) until the server is idle.",
    "Server CPU per acknowledged vote: the server's CPU time from the start of a burst until "
    "every phone held the final tally, divided by the votes acknowledged; it includes the "
    "tallies sent meanwhile, so it is what a vote costs with everything it causes.",
    "Several sessions at once: each session is set up as above (its own moderator, presenter "
    "and poll); phone i joins session i mod the number of sessions, the phones of all "
    "sessions join in one go and vote in the same bursts. The reference gets one room per "
    "session (`/ws/REF1`, `/ws/REF2`, …), each with its own poll and `broadcast()`. A vote is "
    "looked up on its own session's presenter, and each phone waits for its own session's "
    "final tally. Every stage (one session, several sessions, many phones) starts fresh "
    "servers.",
]
