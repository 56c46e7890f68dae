"""Building sessions in memory for domain tests."""

from __future__ import annotations

from typing import Any

from facilitator.domain.errors import Refusal
from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.session import SessionState, new_session

MOD = Actor("moderator")


class Scene:
    """A session and its event log, driven by commands as the writer would."""

    def __init__(self, names: bool = False) -> None:
        kind, data = new_session("s", "ACEFHJ", "Test", names=names)
        self.log = [Event(1, kind, data, 0.0)]
        self.state = SessionState.from_events(self.log)
        self.clock = 1.0

    def run(self, type_: str, actor: Actor = MOD, **args: Any) -> dict[str, Any]:
        self.clock += 1
        decision = self.state.decide(Command(type_, args, actor, self.clock))
        for name, data in decision.events:
            event = Event(self.state.seq + 1, name, data, self.clock)
            self.state.apply(event)
            self.log.append(event)
        return decision.result

    def attempt(self, type_: str, actor: Actor = MOD, **args: Any) -> Refusal | None:
        try:
            self.run(type_, actor, **args)
        except Refusal as refusal:
            return refusal
        return None

    def join(self, n: int = 1) -> list[Actor]:
        return [Actor("participant", self.run("participant.join", Actor("system"))[
            "participant"]) for _ in range(n)]

    def live(self) -> Scene:
        self.run("session.open")
        self.run("session.start")
        return self

    def activity(self, kind: str, **config: Any) -> str:
        ident: str = self.run("activity.create", kind=kind, title=kind, config=config)["activity"]
        self.run("activity.activate", activity=ident)
        return ident
