"""Texts the JavaScript shows, translated on the server."""

from __future__ import annotations

from collections.abc import Callable


def js_strings(gettext: Callable[[str], str]) -> dict[str, str]:
    return {"connected": gettext("Connected")}
