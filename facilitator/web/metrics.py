"""Prometheus metrics at /metrics: connections, commands, latencies, queues, for one process.

Nothing is counted through prometheus_client on the hot path: the sockets and the writers
bump plain integers (live/stats.py), and the collector below reads them, and walks the open
connections for their audiences and send backlogs, only when a scraper asks. Each app has
its own CollectorRegistry (tests run many apps in one process; a process serves one app).

Off unless the `metrics` setting is on, and then behind `metrics_token` when one is set: the
numbers tell how busy the server is, which is nobody's business on the public internet.
Labels hold only fixed words (audiences, outcomes, statuses), never a title or an idea.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from starlette.datastructures import State
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from facilitator.live.stats import Histogram, LiveStats
from facilitator.web import guard
from facilitator.web.routedoc import ANYONE, GUESSES, Answer, Doc

AUDIENCES = ("participant", "presenter", "moderator")
STATUSES = ("draft", "open", "live", "closed", "deleted")
NO_STORE = {"Cache-Control": "no-store"}


def registry(state: State) -> CollectorRegistry:
    """The app's registry: its live numbers, and the process's (CPU, memory, open files
    against their limit, garbage collections)."""
    found = CollectorRegistry()
    found.register(LiveCollector(state))
    ProcessCollector(registry=found)
    PlatformCollector(registry=found)
    GCCollector(registry=found)
    return found


def _labelled(name: str, documentation: str, label: str,
              counts: dict[str, int]) -> GaugeMetricFamily:
    """A gauge with one sample per value of its one label."""
    gauge = GaugeMetricFamily(name, documentation, labels=[label])
    for value, count in counts.items():
        gauge.add_metric([value], count)
    return gauge


def _histogram(name: str, help_text: str, histogram: Histogram) -> HistogramMetricFamily:
    return HistogramMetricFamily(name, help_text, buckets=histogram.cumulative(),
                                 sum_value=histogram.sum)


class LiveCollector:
    """Reads the app's state at each scrape."""

    def __init__(self, state: State) -> None:
        self.state = state

    def collect(self) -> Iterator[Metric]:
        state = self.state
        stats: LiveStats = state.stats
        yield from self._connections(state.held)
        yield CounterMetricFamily(
            "facilitator_commands_received", "Commands read from WebSockets (pings not "
            "counted).", value=stats.received)
        answers = CounterMetricFamily(
            "facilitator_command_answers", "Commands from WebSockets by how they ended: ack, "
            "refused (by the rules of the session), busy (the session's writer was full), "
            "rate_limited (the client sent too fast), malformed (no valid command).",
            labels=["outcome"])
        for outcome, count in stats.outcomes.items():
            answers.add_metric([outcome], count)
        yield answers
        yield _histogram("facilitator_ack_latency_seconds", "Seconds from a command's frame "
                         "read to its ack handed to the socket: the writer's queue, the "
                         "decision and the commit.", stats.ack_latency)
        yield CounterMetricFamily("facilitator_commits", "Group commits of the sessions' "
                                  "writers.", value=stats.commits)
        yield CounterMetricFamily("facilitator_committed_events", "Events committed.",
                                  value=stats.committed_events)
        yield _histogram("facilitator_commit_seconds", "Seconds one group commit took in the "
                         "store.", stats.commit_latency)
        yield from self._sessions(getattr(state, "registry", None))

    def _connections(self, held: dict[Any, list[Any]]) -> Iterator[Metric]:
        by_audience = dict.fromkeys(AUDIENCES, 0)
        backlog_sum = backlog_max = behind = 0
        for connections in held.values():
            for connection in connections:
                by_audience[connection.audience] = by_audience.get(connection.audience, 0) + 1
                backlog = connection.backlog
                if backlog:
                    size = len(backlog)
                    backlog_sum += size
                    behind += 1
                    backlog_max = max(backlog_max, size)
        yield _labelled("facilitator_websocket_connections", "Open WebSocket connections by "
                        "audience.", "audience", by_audience)
        yield GaugeMetricFamily("facilitator_send_backlog_messages", "Messages queued for "
                                "connections that read slower than they are sent to, in all.",
                                value=backlog_sum)
        yield GaugeMetricFamily("facilitator_send_backlog_max_messages", "The longest queue "
                                "of one connection (at send_queue it is dropped).",
                                value=backlog_max)
        yield GaugeMetricFamily("facilitator_send_backlog_connections", "Connections with "
                                "messages queued.", value=behind)

    def _sessions(self, found: Any) -> Iterator[Metric]:
        runtimes = found.loaded() if found is not None else []
        by_status = dict.fromkeys(STATUSES, 0)
        queued_sum = queued_max = 0
        for runtime in runtimes:
            status = runtime.state.status
            by_status[status] = by_status.get(status, 0) + 1
            queued = runtime.queued
            queued_sum += queued
            queued_max = max(queued_max, queued)
        yield _labelled("facilitator_sessions_loaded", "Sessions this process holds in "
                        "memory, by status.", "status", by_status)
        # With several processes (live/cluster.py): the sessions this one writes; the others
        # it follows as a replica. Alone, it writes every session it holds.
        yield GaugeMetricFamily("facilitator_sessions_written", "Sessions this process is the "
                                "writer of (with several processes, the rest are replicas).",
                                value=sum(1 for r in runtimes if r.writing))
        yield GaugeMetricFamily("facilitator_writer_queue_commands", "Commands waiting for "
                                "their session's writer, in all sessions.", value=queued_sum)
        yield GaugeMetricFamily("facilitator_writer_queue_max_commands", "The longest queue "
                                "of one session's writer.", value=queued_max)


def _authorised(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                              token.encode())


async def metrics(request: Request) -> Response:
    settings = request.app.state.settings
    if not settings.metrics:
        raise HTTPException(404)  # the same page as any path that does not exist
    if settings.metrics_token:
        guard.check(request)
        if not _authorised(request, settings.metrics_token):
            guard.failed(request)
            # For a scraper, not a person: plain text, no catalogue.
            return PlainTextResponse("The metrics token is missing or wrong.\n", 401,
                                     {**NO_STORE, "WWW-Authenticate": "Bearer"})
    encode, media_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(request.app.state.metrics), headers=NO_STORE,
                    media_type=media_type)


DOCS = [
    Doc("metrics", "Prometheus metrics",
        "The process's metrics in Prometheus' text format (OpenMetrics when the scraper asks "
        "for it): open WebSockets by audience, commands by outcome, ack and commit latency, "
        "send and writer queues, sessions in memory, and the process's CPU, memory and open "
        "files. Only with the setting `metrics` on; with `metrics_token` set, send it as "
        "`Authorization: Bearer <token>` (a wrong one counts as a failed guess). See "
        "docs/deployment.md, \"Monitoring\".",
        "Operations", security=("metricsToken", ANYONE),
        answers=(Answer(200, "The metrics.", media="text/plain",
                        headers=("Cache-Control-no-store",)),
                 Answer(401, "`metrics_token` is set and the request does not carry it.",
                        media="text/plain", headers=("WWW-Authenticate",)),
                 Answer(404, "The setting `metrics` is off: the page of an unknown path.",
                        media="text/html")),
        refusals=GUESSES),
]
