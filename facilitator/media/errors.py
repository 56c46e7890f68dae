"""The refusal of a file and the limits a file is held to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from facilitator.domain.errors import Refusal


class MediaRefused(Refusal):
    """A file was refused; nothing was stored. Like the domain's refusals, ``message`` is an
    English msgid with ``{placeholders}`` that the web layer translates."""

    code = "invalid"

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in the worker process and pickled back: an exception is rebuilt from its
        # args, which would lose the msgid and its parameters.
        return (_rebuild, (type(self), self.message, self.params))


def _rebuild(kind: type[MediaRefused], message: str, params: dict[str, Any]) -> MediaRefused:
    return kind(message, **params)


@dataclass(frozen=True)
class MediaLimits:
    """The server's settings, in the units the processing needs."""

    pdf_bytes: int = 50 * 1024 * 1024  # max_upload_mb
    pages: int = 200  # max_slides
    photo_bytes: int = 15 * 1024 * 1024  # photo_mb
