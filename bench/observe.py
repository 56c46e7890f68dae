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
        offered = burst["sent"] / spread if spread > 0 else None
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
