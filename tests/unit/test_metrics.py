"""The metrics' plain counters and the collector that reads them at a scrape (issue 14)."""

from __future__ import annotations

from collections import deque
from types import SimpleNamespace
from typing import Any

from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from starlette.datastructures import State

from facilitator.live import protocol
from facilitator.live.hub import Connection
from facilitator.live.stats import Histogram, LiveStats
from facilitator.web import metrics


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_a_histogram_counts_each_value_in_the_first_bucket_at_or_above_it() -> None:
    histogram = Histogram((0.01, 0.1, 1.0))
    for value in (0.005, 0.01, 0.05, 2.0):
        histogram.observe(value)
    assert histogram.cumulative() == [("0.01", 2), ("0.1", 3), ("1.0", 3), ("+Inf", 4)]
    assert histogram.sum == 2.065


def test_an_ack_is_told_from_an_error_by_its_text() -> None:
    assert protocol.is_ack(protocol.encode(protocol.ack("c1", 4, {"idea": "i1"})))
    assert protocol.is_ack(protocol.encode(protocol.ack(None, None, {})))
    assert not protocol.is_ack(protocol.encode(protocol.error("c1", "invalid", "Nein.")))


async def _nothing(*args: Any) -> None:
    return None


def _connection(audience: Any, backlog: int = 0) -> Connection:
    connection = Connection(audience, _nothing, _nothing)
    if backlog:
        connection.backlog = deque(["{}"] * backlog)
    return connection


def _state() -> State:
    stats = LiveStats()
    stats.received = 7
    stats.outcomes["ack"], stats.outcomes["refused"], stats.outcomes["malformed"] = 5, 1, 1
    for seconds in (0.002, 0.02, 0.3, 0.004, 0.004):
        stats.ack_latency.observe(seconds)
    runtimes = [SimpleNamespace(state=SimpleNamespace(status="live"), queued=3, writing=True),
                SimpleNamespace(state=SimpleNamespace(status="live"), queued=0, writing=False),
                SimpleNamespace(state=SimpleNamespace(status="draft"), queued=1, writing=True)]
    state = State()
    state.stats = stats
    state.registry = SimpleNamespace(loaded=lambda: runtimes)
    state.held = {("s", "participant", "p1"): [_connection("participant", 4),
                                               _connection("participant")],
                  ("s", "participant", "p2"): [_connection("participant", 9)],
                  ("s", "moderator", "0"): [_connection("moderator")]}
    return state


def test_the_collector_reads_connections_backlogs_and_sessions_at_the_scrape() -> None:
    state = _state()
    found = samples(generate_latest(metrics.registry(state)).decode())
    assert found[("facilitator_websocket_connections", (("audience", "participant"),))] == 3
    assert found[("facilitator_websocket_connections", (("audience", "moderator"),))] == 1
    assert found[("facilitator_websocket_connections", (("audience", "presenter"),))] == 0
    assert found[("facilitator_send_backlog_messages", ())] == 13
    assert found[("facilitator_send_backlog_max_messages", ())] == 9
    assert found[("facilitator_send_backlog_connections", ())] == 2
    assert found[("facilitator_commands_received_total", ())] == 7
    assert found[("facilitator_command_answers_total", (("outcome", "ack"),))] == 5
    assert found[("facilitator_command_answers_total", (("outcome", "busy"),))] == 0
    assert found[("facilitator_ack_latency_seconds_count", ())] == 5
    assert found[("facilitator_ack_latency_seconds_bucket", (("le", "0.005"),))] == 3
    assert found[("facilitator_sessions_loaded", (("status", "live"),))] == 2
    assert found[("facilitator_sessions_loaded", (("status", "draft"),))] == 1
    assert found[("facilitator_sessions_written", ())] == 2  # the second is a replica
    assert found[("facilitator_writer_queue_commands", ())] == 4
    assert found[("facilitator_writer_queue_max_commands", ())] == 3
    # Read at the scrape: a connection that goes away is gone from the next one.
    state.held.pop(("s", "participant", "p2"))
    state.stats.received += 1
    again = samples(generate_latest(metrics.registry(state)).decode())
    assert again[("facilitator_send_backlog_max_messages", ())] == 4
    assert again[("facilitator_commands_received_total", ())] == 8


def test_each_app_has_its_own_registry() -> None:
    """Two apps in one process (as in the tests) register the same names without a clash,
    and neither lands in prometheus_client's global registry."""
    first, second = _state(), _state()
    second.stats.received = 1
    one, two = metrics.registry(first), metrics.registry(second)
    assert samples(generate_latest(one).decode())[("facilitator_commands_received_total",
                                                   ())] == 7
    assert samples(generate_latest(two).decode())[("facilitator_commands_received_total",
                                                   ())] == 1
    assert b"facilitator_" not in generate_latest(REGISTRY)


def test_before_the_lifespan_there_are_no_sessions() -> None:
    state = _state()
    del state.registry
    found = samples(generate_latest(metrics.registry(state)).decode())
    assert found[("facilitator_sessions_loaded", (("status", "live"),))] == 0
