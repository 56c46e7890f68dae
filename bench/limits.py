"""facilitator's protective limits, as the benchmark meets them.

The server caps participants, joins per minute (per session and per network address),
connections and more (FACILITATOR_* settings, docs/deployment.md). Every bench phone joins from
127.0.0.1 and thousands join within seconds, so the bench starts the server with these limits
far above its load. When the server refuses anyway (a setting from the caller's environment,
or a new limit), the run stops with a sentence that names the setting to raise, instead of
timing out or failing later with a stack trace.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

# The server's environment for a run, unless the caller's environment sets one of them. Each
# is far above the largest load the bench makes (5,000 phones from one address within
# seconds); participants and ideas stay within what a moderator may lift a session's limit to
# (facilitator/domain/limits.py, CEILINGS). Connections: the server asks for about 1.25 times
# max_connections open files (uvicorn's limit_concurrency), so 12,000 still fits a limit of
# 20,000 without a warning, and is more than the 2 × phones + 256 files the bench needs itself.
SERVER_LIMITS: dict[str, str] = {
    "FACILITATOR_MAX_PARTICIPANTS": "50000",
    "FACILITATOR_MAX_IDEAS": "10000",
    "FACILITATOR_JOINS_PER_MINUTE": "100000",
    "FACILITATOR_JOINS_PER_ADDRESS": "100000",
    "FACILITATOR_MAX_CONNECTIONS": "12000",
    "FACILITATOR_CONNECTIONS_PER_TOKEN": "100",
    "FACILITATOR_GUESSES_PER_MINUTE": "100000",
}

# What each refusal means, and which settings lift it.
ADVICE: dict[str, tuple[str, tuple[str, ...]]] = {
    "429": ("the limit on joins per minute, per session or per network address (every bench "
            "phone joins from 127.0.0.1)",
            ("FACILITATOR_JOINS_PER_MINUTE", "FACILITATOR_JOINS_PER_ADDRESS",
             "FACILITATOR_GUESSES_PER_MINUTE")),
    "409": ("the limit on participants per session", ("FACILITATOR_MAX_PARTICIPANTS",)),
    "1013": ("the limit on phones' WebSocket connections at once",
             ("FACILITATOR_MAX_CONNECTIONS",)),
    "503": ("the limit on open connections of all kinds, past which uvicorn answers 503 "
            "(about 1.25 × max_connections)", ("FACILITATOR_MAX_CONNECTIONS",)),
}


class LimitHit(RuntimeError):
    """The server refused the load at one of its protective limits."""


def server_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The limits for the server: the bench's values, overridden by the caller's."""
    environ = os.environ if environ is None else environ
    return {name: environ.get(name, value) for name, value in SERVER_LIMITS.items()}


def error_code(body: Any) -> str | None:
    """The code of a JSON error answer, {"error": {"code": …, "message": …}}."""
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return str(code) if code is not None else None


def join_refusal(status: int, body: Any) -> str | None:
    """'join 429 rate_limited' for a join refused at a limit, else None: HTTP 429 or 409, or
    a 503 that is not facilitator's own `busy` (which a phone sends again) but uvicorn's
    answer past its concurrency limit."""
    code = error_code(body)
    if status in (409, 429) or (status == 503 and code != "busy"):
        return f"join {status} {code or 'refused'}"
    return None


def close_refusal(close_code: int | None) -> str | None:
    """'close 1013' for a connection closed because the server is at its connection limit."""
    return "close 1013" if close_code == 1013 else None


def explain(refusals: Mapping[str, int], samples: Mapping[str, str], connected: int,
            phones: int, environ: Mapping[str, str] | None = None) -> str:
    """One message naming what was refused, how often, and the settings to raise."""
    effective = server_environment(environ)
    said = []
    settings: list[str] = []
    for kind, count in sorted(refusals.items()):
        number = kind.split()[1]
        what = {"join": f"{count:,} joins answered HTTP {number}",
                "close": f"{count:,} WebSocket connections closed with code {number}"
                }[kind.split()[0]]
        code = kind.split()[2] if len(kind.split()) > 2 else ""
        if code:
            what += f" ({code})"
        sample = samples.get(kind)
        if sample:
            what += f': "{sample}"'
        meaning, names = ADVICE.get(number, ("an unknown limit", ()))
        if number == "409" and code not in ("limit_reached", "refused"):
            meaning, names = (f"not a limit: the server refused the join ({code})", ())
        said.append(f"{what} — {meaning}")
        settings += [n for n in names if n not in settings]
    text = "facilitator refused the load at a protective limit"
    if phones:
        text += f" after {connected:,} of {phones:,} phones had connected"
    text += ": " + "; ".join(said) + "."
    if settings:
        text += (" Raise " + ", ".join(f"{n} (now {effective[n]})" for n in settings)
                 + ": the bench starts the server with the values in bench/limits.py unless "
                 "they are set in its own environment.")
    return text
