"""Sentences about a run, derived from its figures only (pure; nothing is made up)."""

from __future__ import annotations

from typing import Any

AIM_PHONES = 2000
AIM_P99_MS = 100.0
TALLY_INTERVAL = 0.05


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _times(a: float | None, b: float | None) -> str | None:
    if a is None or b is None or b <= 0:
        return None
    return f"{a / b:.1f}×"


def aim(ours: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    lines = []
    phones = plan["phones"]
    if phones < AIM_PHONES:
        lines.append(
            f"This run used {phones:,} phones, fewer than the {AIM_PHONES:,} of the aim, so it "
            "does not show whether the aim is met."
        )
    for burst in ours.get("bursts", []):
        n = burst["number"]
        all_acked = burst["acked"] == burst["sent"] == phones and not burst["errors"]
        p99 = burst["beamer_ms"]["p99"]
        fast = p99 is not None and p99 < AIM_P99_MS and burst["unseen"] == 0
        verdict = "met" if all_acked and fast and phones >= AIM_PHONES else "not met"
        if phones < AIM_PHONES and all_acked and fast:
            verdict = f"met at {phones:,} phones"
        parts = [f"{burst['acked']:,} of {phones:,} votes acknowledged"]
        if burst["errors"]:
            parts.append("errors " + ", ".join(f"{k} ×{v}" for k, v in burst["errors"].items()))
        parts.append(f"vote-to-beamer p99 {_ms(p99)}")
        if burst["unseen"]:
            parts.append(f"{burst['unseen']} acknowledged votes never reached the beamer")
        lines.append(f"Burst {n}: aim {verdict} ({'; '.join(parts)}).")
    if not ours.get("bursts"):
        lines.append("facilitator produced no vote figures in this run (see the failure below).")
    return lines


def versus(ours: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    lines = []
    for mine, theirs in zip(ours.get("bursts", []), ref.get("bursts", []), strict=False):
        n = mine["number"]
        beamer = _times(mine["beamer_ms"]["p99"], theirs["beamer_ms"]["p99"])
        ack = _times(mine["ack_ms"]["p99"], theirs["ack_ms"]["p99"])
        cpu = _times(mine["extra"]["server_cpu_s"], theirs["extra"]["server_cpu_s"])
        said = []
        if ack:
            said.append(f"ack p99 {_ms(mine['ack_ms']['p99'])} against "
                        f"{_ms(theirs['ack_ms']['p99'])} ({ack})")
        if beamer:
            said.append(f"vote-to-beamer p99 {_ms(mine['beamer_ms']['p99'])} against "
                        f"{_ms(theirs['beamer_ms']['p99'])} ({beamer})")
        if cpu:
            said.append(f"server CPU {mine['extra']['server_cpu_s']:.2f} s against "
                        f"{theirs['extra']['server_cpu_s']:.2f} s ({cpu})")
        if said:
            lines.append(f"Burst {n} against the reference: " + "; ".join(said) + ".")
    return lines


def fanout(result: dict[str, Any], name: str) -> list[str]:
    lines = []
    for burst in result.get("bursts", []):
        rate = burst["tallies_per_phone_s"]
        window = burst["window_s"]
        if rate is None:
            continue
        ceiling = 1 / TALLY_INTERVAL
        text = (f"{name}, burst {burst['number']}: each phone received {rate:.1f} tallies per "
                f"second over {window:.2f} s (at most {ceiling:.0f}/s at a 50 ms interval)")
        if burst["final_missing"]:
            text += f"; {burst['final_missing']} phones never received the final tally"
        elif burst["final_reach_ms"]["p99"] is not None:
            text += (f"; the final tally reached 99% of phones within "
                     f"{_ms(burst['final_reach_ms']['p99'])} after the last vote was sent")
        closed = {k: v for k, v in burst["extra"].get("closed", {}).items()}
        if closed:
            text += "; connections closed during the burst: " + ", ".join(
                f"code {k} ×{v}" for k, v in closed.items())
        lines.append(text + ".")
    return lines


def queueing(result: dict[str, Any], name: str, spread: float) -> list[str]:
    lines = []
    for burst in result.get("bursts", []):
        trend = [t for t in burst.get("ack_trend_ms") or [] if t is not None]
        if len(trend) < 2:
            continue
        first, last = trend[0], trend[-1]
        text = (f"{name}, burst {burst['number']}: the median ack latency was {_ms(first)} for "
                f"the first tenth of the votes and {_ms(last)} for the last tenth")
        own = burst.get("spread_s", spread)  # each burst may have its own spread
        offered = burst["sent"] / own if own > 0 else None
        acked_rate = burst["votes_per_s"] or 0.0
        behind = offered is not None and acked_rate < 0.9 * offered
        if behind or last > 2 * first + 20:
            of = f" of the {offered:,.0f} offered" if offered else ""
            text += (f": the server acknowledged {acked_rate:,.0f} votes/s{of}, so a queue "
                     "built up during the burst")
        else:
            text += ", so the server kept up with the offered rate"
        lines.append(text + ".")
    return lines


def resources(result: dict[str, Any], name: str, cores: int) -> list[str]:
    lines = []
    for burst in result.get("bursts", []):
        extra = burst["extra"]
        server = extra.get("server_cpu_pct")
        clients = extra.get("client_cpu_pct") or []
        driver = extra.get("driver_cpu_pct") or 0.0
        if server is None:
            continue
        total = server + sum(clients) + driver
        text = (f"{name}, burst {burst['number']}: the server used {server:.0f}% of one core, "
                f"the phone processes {' + '.join(f'{c:.0f}%' for c in clients)}, "
                f"the driver {driver:.0f}%")
        if server >= 90:
            text += "; the server was CPU-bound (one Python process uses at most one core)"
        if any(c >= 85 for c in clients):
            text += ("; a phone process was near a full core, so the load generator may have "
                     "limited these figures")
        others = extra.get("others_cpu_pct") or 0.0
        if others >= 15:
            text += (f"; other processes on the machine used {others:.0f}% of a core meanwhile, "
                     "which disturbs these figures")
        if total >= 0.9 * 100 * cores:
            text += (f"; together {total:.0f}% of the {100 * cores}% the machine has: server and "
                     "phones competed for the cores, which lengthens every latency")
        lines.append(text + ".")
    return lines


def joining(ours: dict[str, Any]) -> list[str]:
    connect = ours.get("connect")
    if not connect:
        return []
    phones = connect["connected"]
    events = connect["messages"].get("event", 0)
    lines = []
    if phones:
        text = (f"While {phones:,} phones joined, the phones received {events:,} event messages "
                f"({events / phones:,.0f} per phone) in {connect['seconds']:.1f} s")
        if phones > 50 and events > phones * phones / 4:
            text += ("; every join is announced to every phone already connected, so this "
                     "grows with the square of the number of phones")
        lines.append(text + ".")
    lines += retried(ours, "facilitator")
    kb = connect.get("rss_per_phone_kb")
    if kb is not None:
        lines.append(f"facilitator's memory grew by about {kb:.0f} KB per connected phone.")
    return lines


def observations(
    ours: dict[str, Any] | None, ref: dict[str, Any] | None, plan: dict[str, Any]
) -> list[str]:
    """`ours`/`ref` are None when that target was not run (--only)."""
    cores = plan.get("cores") or 2
    lines = []
    if ours is not None:
        lines += aim(ours, plan) + joining(ours)
    if ours is not None and ref is not None:
        lines += versus(ours, ref)
    for name, result in (("facilitator", ours), ("reference", ref)):
        stopped = (result or {}).get("stopped_with", "SIGINT")
        if not stopped.startswith("SIGINT"):
            lines.append(f"The {name} server did not stop on SIGINT within 10 s ({stopped}).")
        if result is not None:
            lines += queueing(result, name, plan.get("spread", 0.0)) + fanout(result, name)
            lines += resources(result, name, cores)
    return lines


def cpu_per_vote_ms(result: dict[str, Any] | None, i: int) -> float | None:
    """Server CPU of burst i divided by its acknowledged votes, in ms: what a vote costs,
    the tallies sent meanwhile included."""
    try:
        burst = (result or {})["bursts"][i]
        cpu, acked = burst["extra"]["server_cpu_s"], burst["acked"]
    except (KeyError, IndexError, TypeError):
        return None
    if cpu is None or not acked:
        return None
    return float(1000 * cpu / acked)


NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
           9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}


def sessions_label(count: int) -> str:
    """'ten sessions': the name of the several-sessions stage in the report."""
    return f"{NUMBERS.get(count, f'{count:,}')} sessions"


def retried(result: dict[str, Any] | None, name: str) -> list[str]:
    """Joins the server answered 503 (busy) and the phone sent again (a bounded few times)."""
    retries = ((result or {}).get("connect") or {}).get("retries") or {}
    if not retries:
        return []
    return [f"{name}: " + ", ".join(f"{k} ×{v:,}" for k, v in retries.items())
            + " (busy answers while joining)."]


# Within this factor either way, ten sessions and one cost "about the same" per vote: repeated
# runs on a shared machine differ by about as much (docs/benchmarks.md).
SAME = 1.15


def _verdict(factor: float, label: str) -> str:
    if factor >= SAME:
        return f"{label} cost more per vote than one"
    if factor <= 1 / SAME:
        return f"{label} cost less per vote than one"
    return f"about the same per vote (within {100 * (SAME - 1):.0f}%, about the noise of a run)"


def _bursts(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list((result or {}).get("bursts") or [])


def observations_sessions(
    sessions: dict[str, dict[str, Any]], one: dict[str, dict[str, Any]], plan: dict[str, Any]
) -> list[str]:
    """Several sessions at once against one session of the same phones, per vote."""
    count = plan["sessions_at_once"]
    label = sessions_label(count)
    phones = plan["phones"]
    lines = []
    for name in ("facilitator", "reference"):
        many, single = sessions.get(name), one.get(name)
        for i, burst in enumerate(_bursts(many)):
            n = burst["number"]
            mine = cpu_per_vote_ms(many, i)
            theirs = cpu_per_vote_ms(single, i)
            if mine is None:
                continue
            text = (f"{name}, burst {n}: with {label} of {phones // count:,} phones the server "
                    f"used {mine:.2f} ms of CPU per acknowledged vote")
            base = _bursts(single)[i] if i < len(_bursts(single)) else None
            if theirs is not None and base is not None:
                factor = mine / theirs
                text += (f", with one session of {phones:,} phones {theirs:.2f} ms "
                         f"({factor:.2f}×): {_verdict(factor, label)}")
                for key, what in (("ack_ms", "ack p99"), ("beamer_ms", "vote-to-beamer p99")):
                    a, b = burst[key]["p99"], base[key]["p99"]
                    if a is not None and b is not None:
                        text += f"; {what} {_ms(a)} against {_ms(b)}"
                others = max(burst["extra"].get("others_cpu_pct") or 0.0,
                             base["extra"].get("others_cpu_pct") or 0.0)
                if others >= 15:
                    text += (f"; other processes on the machine used {others:.0f}% of a core "
                             "during one of the two bursts, so run again before trusting the "
                             "difference")
            else:
                text += " (no one-session figures in this run to compare with)"
            lines.append(text + ".")
            if burst["errors"] or burst["acked"] < burst["sent"]:
                errors = ", ".join(f"{k} ×{v}" for k, v in burst["errors"].items())
                refused = (f"{name}, burst {n} with {label}: {burst['acked']:,} of "
                           f"{burst['sent']:,} votes acknowledged")
                if errors:
                    refused += f" (errors: {errors})"
                if base is not None:
                    refused += (f"; with one session {base['acked']:,} of {base['sent']:,}")
                lines.append(refused + ".")
            if burst["unseen"] or burst["final_missing"]:
                lines.append(
                    f"{name}, burst {n} with {label}: {burst['unseen']:,} acknowledged votes "
                    f"never reached their beamer, {burst['final_missing']:,} phones never "
                    "received their session's final tally.")
    lines += retried(sessions.get("facilitator"), f"facilitator ({label})")
    for name in ("facilitator", "reference"):
        result = sessions.get(name)
        if result is not None:
            tag = f"{name} ({label})"
            lines += queueing(result, tag, plan.get("spread", 0.0))
            lines += resources(result, tag, plan.get("cores") or 2)
    return lines


def observations_large(large: dict[str, dict[str, Any]], plan: dict[str, Any]) -> list[str]:
    """Many phones in one session: how fast they joined, what it cost, how fast the final
    tally reached all of them."""
    phones = plan["large_phones"]
    lines = []
    ours, ref = large.get("facilitator"), large.get("reference")
    connect = (ours or {}).get("connect")
    if connect:
        text = (f"facilitator: {connect['connected']:,} of {phones:,} phones joined and "
                f"connected at {connect['per_s'] or 0:,.0f} phones/s, with "
                f"{connect['server_cpu_s']:.1f} s of server CPU while they joined")
        theirs = (ref or {}).get("connect")
        if theirs:
            text += (f" (the reference, which has no join: {theirs['per_s'] or 0:,.0f} "
                     f"phones/s, {theirs['server_cpu_s']:.1f} s)")
        lines.append(text + ".")
    lines += retried(ours, "facilitator")
    for name, result in (("facilitator", ours), ("reference", ref)):
        for burst in _bursts(result):
            text = (f"{name}, burst {burst['number']}: {burst['acked']:,} of "
                    f"{burst['sent']:,} votes acknowledged")
            if burst["errors"]:
                text += " (errors: " + ", ".join(f"{k} ×{v}" for k, v in
                                                 burst["errors"].items()) + ")"
            reach = burst["final_reach_ms"]
            if reach["p99"] is not None:
                text += (f"; the final tally reached 99% of the phones {_ms(reach['p99'])} "
                         f"after the last vote was sent, the last phone {_ms(reach['max'])}")
            if burst["final_missing"]:
                text += f"; {burst['final_missing']:,} phones never received it"
            lines.append(text + ".")
    for name, result in (("facilitator", ours), ("reference", ref)):
        if result is not None:
            tag = f"{name} ({phones:,} phones)"
            lines += queueing(result, tag, plan.get("spread", 0.0))
            lines += resources(result, tag, plan.get("cores") or 2)
    return lines
