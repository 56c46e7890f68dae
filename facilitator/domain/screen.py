"""What the beamer shows besides the activity: set by the moderator, seen by every beamer.

The moderator blanks the beamer (a pause, a discussion without a screen), hides or shows the
way in (code, link and QR in a corner while activities run; the lobby always shows it large)
and picks the theme (``dark``: light text on black, for bright rooms and weak projectors).
It is part of the session, so that a second beamer, a reload or a restart shows the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from facilitator.domain.errors import N_, Invalid

THEMES = ("light", "dark")


@dataclass(frozen=True)
class Screen:
    blank: bool = False  # the beamer shows nothing but a black screen
    join: bool = True  # the way in stays in a corner while activities run
    theme: str = "light"

    def view(self) -> dict[str, Any]:
        return asdict(self)

    def changed(self, raw: Any) -> Screen:
        """This screen with some settings changed; raise Invalid for an unknown name or value."""
        if not isinstance(raw, Mapping) or not raw:
            raise Invalid(N_("The field {field} must be an object."), field="screen")
        values: dict[str, Any] = {}
        for name, value in raw.items():
            if name in ("blank", "join"):
                if not isinstance(value, bool):
                    raise Invalid(N_("The field {field} must be true or false."), field=name)
            elif name == "theme":
                if value not in THEMES:
                    raise Invalid(N_("The theme must be one of: {choices}."),
                                  choices=", ".join(THEMES))
            else:
                raise Invalid(N_("Unknown screen setting: {name}."), name=str(name)[:40])
            values[name] = value
        return replace(self, **values)

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> Screen:
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
