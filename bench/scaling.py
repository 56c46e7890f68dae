"""The cluster stage: one facilitator process on SQLite against two processes on PostgreSQL
and Redis with the same phones (half on each process), and what the cross-process path costs:
the rows of docs/benchmarks.md's section and the figures docs/scaling.md's capacity model
takes."""

from __future__ import annotations

from typing import Any

from bench.observe import cpu_per_vote_ms
from bench.report import Row, burst_kind, burst_rows, connect_rows, dig, num, rows_table

HEADS = ("two processes, PostgreSQL + Redis", "one process, SQLite")


def delivered(result: dict[str, Any] | None, i: int) -> float | None:
    """Messages delivered to all clients in burst i."""
    rate, wall = dig(result, "bursts", i, "messages_per_s"), dig(result, "bursts", i, "extra",
                                                                  "wall_s")
    return rate * wall if rate is not None and wall is not None else None


def path_cost(cluster: dict[str, Any], single: dict[str, Any], i: int) -> dict[str, Any]:
    """What the cross-process path adds in burst i: CPU per vote and per delivered message
    (all processes of the tree, PostgreSQL and Redis included), and latency."""
    def diff(*path: str | int) -> float | None:
        a, b = dig(cluster, "bursts", i, *path), dig(single, "bursts", i, *path)
        return a - b if a is not None and b is not None else None

    cpu_c, cpu_s = (dig(r, "bursts", i, "extra", "server_cpu_s") for r in (cluster, single))
    messages = delivered(cluster, i)
    per_message = None
    if cpu_c is not None and cpu_s is not None and messages:
        per_message = (cpu_c - cpu_s) * 1e6 / messages
    vote_c, vote_s = cpu_per_vote_ms(cluster, i), cpu_per_vote_ms(single, i)
    return {"cpu_per_vote_ms": (vote_c, vote_s),
            "extra_cpu_per_vote_ms": vote_c - vote_s if vote_c is not None
            and vote_s is not None else None,
            "extra_cpu_per_message_us": per_message,
            "extra_ack_p50_ms": diff("ack_ms", "p50"),
            "extra_beamer_p50_ms": diff("beamer_ms", "p50")}


def cluster_section(cluster: dict[str, dict[str, Any]]) -> list[str]:
    ours, single = cluster.get("cluster") or {}, cluster.get("facilitator") or {}
    bursts = max(len(ours.get("bursts", [])), len(single.get("bursts", [])))
    sections: list[tuple[str, list[Row]]] = [("Connecting", connect_rows())]
    for i in range(bursts):
        sections.append((f"Burst {i + 1} ({burst_kind(i)})", burst_rows(i)))
    out = ["### Two processes on PostgreSQL and Redis", "",
           f"The same {ours.get('phones', single.get('phones', 0)):,} phones in one session, "
           "once against one facilitator process on SQLite, once against two processes on "
           "one PostgreSQL and one Redis (`bench/cluster.py`), half of the phones on each. "
           "The session is made through the first process, which writes it; the second "
           "forwards the votes of its phones and fans the committed events out to them. "
           "\"Server\" is the whole process tree: for the two processes it includes "
           "PostgreSQL and Redis. Ratios are two processes / one.", ""]
    out += rows_table(sections, ours, single, HEADS)
    out += ["", "What the cross-process path costs (two processes − one):", ""]
    for i in range(bursts):
        cost = path_cost(ours, single, i)
        out.append(
            f"- burst {i + 1}: server CPU per vote {num(cost['cpu_per_vote_ms'][0])} against "
            f"{num(cost['cpu_per_vote_ms'][1])} ms, "
            f"{num(cost['extra_cpu_per_vote_ms'])} ms more per vote and "
            f"{num(cost['extra_cpu_per_message_us'])} µs more per delivered message; "
            f"ack p50 {num(cost['extra_ack_p50_ms'])} ms and vote-to-beamer p50 "
            f"{num(cost['extra_beamer_p50_ms'])} ms later.")
    for name, result in (("two processes", ours), ("one process", single)):
        if result.get("failure"):
            out += ["", f"The run with {name} failed: `{result['failure']}`."]
    return out + [""]
