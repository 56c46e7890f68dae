"""Log lines bounded per kind, so that a flood of bad requests cannot fill the disk or the
journal with the same line, nor bury the one line that matters.

A kind is the logger, the message template (before its arguments are filled in) and the type
of the exception logged with it. Each kind gets `per_minute` lines a minute; the rest are
counted, and the first line of that kind after the minute (or, when that kind has stopped,
the next line of any kind) is preceded by one summary: "… 312 similar messages suppressed".

uvicorn's access log has one template for every request; its lines for answered requests
(status below 400) pass, so it stays a record of what was served, and its lines of refused
requests (400 and above) are one kind per status.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

WINDOW = 60.0  # seconds
KINDS = 1000  # kinds remembered at once; the least recently seen go first
SWEEP = 5.0  # seconds between two looks for other kinds' summaries that are due

# The loggers with handlers that the server's lines go through: the root (the app's own
# loggers propagate to it) and uvicorn's, which do not propagate.
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
ACCESS = "uvicorn.access"


# Credentials in what uvicorn logs of a request: ?token= of WebSockets (phones, beamer,
# console) and the link token in /moderate/CODE/TOKEN and /present/CODE/TOKEN.
CREDENTIALS = re.compile(r"(token=|/(?:moderate|present)/[^/\s?\"]+/)[^&/\s?\"]+")


def redact(text: str) -> str:
    return CREDENTIALS.sub(r"\1…", text)


class Redact(logging.Filter):
    """Takes the credentials out of log lines: a journal must not hold what opens a
    session's console or speaks for a participant (docs/privacy.md)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


@dataclass
class _Window:
    start: float
    passed: int = 0
    suppressed: int = 0
    level: int = logging.INFO
    sample: str = ""


class FloodFilter(logging.Filter):
    """A filter on one handler (it writes its summaries to that handler)."""

    def __init__(self, handler: logging.Handler, per_minute: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.handler = handler
        self.per_minute = per_minute
        self.clock = clock
        self._windows: OrderedDict[Hashable, _Window] = OrderedDict()
        self._swept = clock()
        # Records come from the event loop and from worker threads (the documentation).
        self._lock = threading.RLock()

    @staticmethod
    def kind(record: logging.LogRecord) -> Hashable | None:
        """What makes two records alike; None for records never held back."""
        if record.name == ACCESS:
            args = record.args
            status = args[4] if isinstance(args, tuple) and len(args) == 5 else None
            if isinstance(status, int) and status < 400:
                return None
            return (record.name, str(record.msg), status)
        exc_type = record.exc_info[0] if record.exc_info else None
        return (record.name, str(record.msg), exc_type)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "flood_summary", False):
            return True
        with self._lock:
            return self._count(record)

    def _count(self, record: logging.LogRecord) -> bool:
        now = self.clock()
        if now - self._swept >= SWEEP:
            self._swept = now
            self._sweep(now)
        kind = self.kind(record)
        if kind is None:
            return True
        window = self._windows.get(kind)
        if window is not None and now - window.start >= WINDOW:
            self._summarise(kind, window)
            window = None
        if window is None:
            window = self._windows[kind] = _Window(now)
            while len(self._windows) > KINDS:
                self._windows.popitem(last=False)
        self._windows.move_to_end(kind)
        if window.passed < self.per_minute:
            window.passed += 1
            return True
        window.suppressed += 1
        window.level = max(window.level, record.levelno)
        if not window.sample:
            window.sample = record.getMessage()[:200]
        return False

    def _sweep(self, now: float) -> None:
        for kind, window in list(self._windows.items()):
            if now - window.start >= WINDOW:
                del self._windows[kind]
                self._summarise(kind, window)

    def _summarise(self, kind: Hashable, window: _Window) -> None:
        if not window.suppressed:
            return
        name = kind[0] if isinstance(kind, tuple) else "facilitator"
        summary = logging.LogRecord(
            name, window.level, __file__, 0,
            "… %d similar messages suppressed in %d seconds (like: %s)",
            (window.suppressed, int(WINDOW), window.sample), None)
        summary.flood_summary = True
        if name == ACCESS:
            # The access log's formatter takes only request lines; say it where uvicorn
            # says its other things.
            logging.getLogger("uvicorn.error").handle(summary)
        else:
            self.handler.handle(summary)


def install(per_minute: int, loggers: tuple[str, ...] = LOGGERS) -> list[FloodFilter]:
    """Put a FloodFilter on every handler of these loggers (replacing one put there before);
    return them for uninstall."""
    added = []
    for name in loggers:
        for handler in logging.getLogger(name).handlers:
            for old in [f for f in handler.filters if isinstance(f, (FloodFilter, Redact))]:
                handler.removeFilter(old)
            handler.addFilter(Redact())
            flood = FloodFilter(handler, per_minute)
            handler.addFilter(flood)
            added.append(flood)
    return added


def uninstall(filters: list[FloodFilter]) -> None:
    for flood in filters:
        flood.handler.removeFilter(flood)
        for redacting in [f for f in flood.handler.filters if isinstance(f, Redact)]:
            flood.handler.removeFilter(redacting)
