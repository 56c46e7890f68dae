"""A session driven through the domain with real commands, as the runtime would decide and
apply them, with times: the log tests of the documentation write their archives from."""

from __future__ import annotations

from typing import Any

from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.session import SessionState, new_session

START = 1_800_000_000.0


class Log:
    def __init__(self, title: str = "Klimalabor", language: str = "de", *,
                 ident: str = "lab", start: float = START) -> None:
        kind, data = new_session(ident, "ACEFHJ", title, language, names=False)
        self.events = [Event(1, kind, data, start)]
        self.state = SessionState.from_events(self.events)

    def run(self, role: str, type_: str, who: str | None = None,
            **args: object) -> dict[str, Any]:
        """Decide the command a minute after the last event and apply its events; its
        result. A refusal is raised."""
        actor = Actor(role, who)  # type: ignore[arg-type]
        at = self.events[-1].at + 60
        decision = self.state.decide(Command(type_, args, actor, at))
        for name, data in decision.events:
            self.append(name, data, at)
        return decision.result

    def append(self, name: str, data: dict[str, Any], at: float | None = None) -> None:
        """One event as it stands in a log (also one no command makes, as an old log may
        hold), a minute after the last unless `at` says when."""
        event = Event(self.state.seq + 1, name, data,
                      self.events[-1].at + 60 if at is None else at)
        self.state.apply(event)
        self.events.append(event)
