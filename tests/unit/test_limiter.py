"""Bounded rates: the token buckets of web/limiter.py, and the log flood filter of logs.py.
Both run on a fake clock, so a minute passes at once."""

from __future__ import annotations

import logging

import pytest

from facilitator import logs
from facilitator.logs import FloodFilter
from facilitator.web.limiter import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_one_minutes_worth_then_the_steady_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(30, clock=clock)
    assert all(limiter.take("a") for _ in range(30))
    assert not limiter.take("a") and not limiter.available("a")
    assert limiter.retry_after("a") == 2  # 30 a minute: one every two seconds
    assert limiter.take("b"), "another key has its own bucket"
    clock.now += 1.9
    assert not limiter.take("a")
    clock.now += 0.2
    assert limiter.take("a") and not limiter.take("a")
    clock.now += 600
    assert sum(limiter.take("a") for _ in range(100)) == 30, "a bucket never holds more"


def test_available_counts_nothing_and_a_refusal_costs_nothing() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    assert all(limiter.available("a") for _ in range(10))
    assert limiter.take("a") and limiter.take("a")
    assert not any(limiter.take("a") for _ in range(10))
    clock.now += 30  # one token back; the ten refusals above did not push it further out
    assert limiter.take("a")


def test_the_rate_can_be_given_per_call() -> None:
    # The moderator lifts a session's join rate: the next call uses the new one.
    clock = Clock()
    limiter = RateLimiter(1, clock=clock)
    assert limiter.take("s", 3) and limiter.take("s", 3) and limiter.take("s", 3)
    assert not limiter.take("s", 3)
    assert limiter.retry_after("s", 3) == 20
    clock.now += 1
    assert limiter.take("s", 600), "at 600 a minute one second brings ten back"


def test_memory_is_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(1, keys=100, clock=clock)
    for n in range(1000):
        assert limiter.take(n)
    assert len(limiter._used) == 100
    assert not limiter.take(999), "the most recent keys are kept"
    assert limiter.take(0), "the oldest were forgotten"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def flood() -> tuple[logging.Logger, Collect, Clock]:
    clock = Clock()
    handler = Collect()
    handler.addFilter(FloodFilter(handler, 3, clock=clock))
    logger = logging.getLogger("facilitator.test_flood")
    logger.propagate = False
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    yield logger, handler, clock
    logger.handlers = []
    logger.propagate = True


def test_repeats_of_one_kind_are_held_back_and_summed_up(flood: tuple) -> None:
    logger, handler, clock = flood
    for n in range(10):
        logger.warning("bad request from %s", f"10.0.0.{n}")
    assert handler.lines == [f"bad request from 10.0.0.{n}" for n in range(3)]
    logger.warning("another kind")
    assert handler.lines[-1] == "another kind"
    clock.now += 61
    logger.warning("bad request from %s", "10.0.0.99")
    assert handler.lines[-2].startswith("… 7 similar messages suppressed in 60 seconds")
    assert "bad request from 10.0.0.3" in handler.lines[-2], "with an example"
    assert handler.lines[-1] == "bad request from 10.0.0.99", "then a new minute begins"


def test_an_exception_type_makes_a_kind_of_its_own(flood: tuple) -> None:
    logger, handler, clock = flood
    for error in [ValueError("x")] * 5 + [KeyError("y")] * 5:
        try:
            raise error
        except Exception:
            logger.exception("the command failed")
    assert len(handler.lines) == 6


def test_a_flood_that_stopped_is_summed_up_with_the_next_line(flood: tuple) -> None:
    logger, handler, clock = flood
    for _ in range(50):
        logger.error("disk full")
    clock.now += 61
    logger.info("something else")
    assert handler.lines[-2].startswith("… 47 similar messages suppressed")
    assert handler.lines[-1] == "something else"
    clock.now += 61
    logger.info("and more")
    assert handler.lines[-1] == "and more"
    assert sum(line.startswith("…") for line in handler.lines) == 1, "summed up once"


def test_access_log_keeps_answered_requests_and_bounds_refused_ones() -> None:
    clock = Clock()
    handler = Collect()
    flood_filter = FloodFilter(handler, 3, clock=clock)
    handler.addFilter(flood_filter)
    template = '%s - "%s %s HTTP/%s" %d'

    def access(status: int) -> None:
        record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, template,
                                   ("10.0.0.1:5000", "GET", "/j/X", "1.1", status), None)
        handler.handle(record)

    for _ in range(10):
        access(200)
    for _ in range(10):
        access(404)
    for _ in range(10):
        access(429)
    assert sum(line.endswith(" 200") for line in handler.lines) == 10
    assert sum(line.endswith(" 404") for line in handler.lines) == 3
    assert sum(line.endswith(" 429") for line in handler.lines) == 3
    # The summary goes to uvicorn's error log: the access log's formatter would choke on it.
    errors = Collect()
    logging.getLogger("uvicorn.error").addHandler(errors)
    try:
        clock.now += 61
        access(404)
    finally:
        logging.getLogger("uvicorn.error").removeHandler(errors)
    assert len(errors.lines) == 2  # one for the 404s, one for the 429s
    assert all(line.startswith("… 7 similar messages suppressed") for line in errors.lines)
    assert handler.lines[-1].endswith(" 404") and len(handler.lines) == 17


def test_install_puts_one_filter_on_each_handler_and_uninstall_removes_it() -> None:
    logger = logging.getLogger("facilitator.test_install")
    handler = Collect()
    logger.addHandler(handler)
    try:
        first = logs.install(5, ("facilitator.test_install",))
        second = logs.install(7, ("facilitator.test_install",))
        filters = [f for f in handler.filters if isinstance(f, FloodFilter)]
        assert len(first) == len(second) == 1 and filters == second
        assert filters[0].per_minute == 7
        logs.uninstall(second)
        assert not handler.filters
    finally:
        logger.removeHandler(handler)


def test_a_lifted_limit_gives_room_at_once() -> None:
    now = [0.0]
    limiter = RateLimiter(10, clock=lambda: now[0])
    assert sum(limiter.take("room") for _ in range(20)) == 10
    # The moderator lifts the limit to 1,000: the room's ten joins leave 990 free now.
    assert sum(limiter.take("room", 1000) for _ in range(50)) == 50
