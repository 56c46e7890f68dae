"""Slides: the input of a workshop (a PDF the moderator uploaded), shown page by page.

The server renders the PDF to one image per page and keeps each page's text (facilitator/
media/pdf.py); the deck that names those files comes in by ``slides.attach``, which only the
upload route submits (it is not a message of the WebSocket protocol, so no client can name
files the server did not make). The moderator steps with ``slides.show``.

Phones may be thousands: they get the current page only (its image, size and text), never the
whole deck; the moderator's console gets the deck, for its thumbnails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from facilitator.domain.activities.base import Activity, IdSource, Kind, Rule, Status
from facilitator.domain.errors import N_, Invalid
from facilitator.domain.model import Audience, Command, Decision, Event, clean_text

MAX_PAGES = 1000
TEXT_LIMIT = 4000
NAME_LIMIT = 200
SIDE_LIMIT = 20_000
BLOB = re.compile(r"[0-9a-f]{64}\.(?:png|jpg|webp|pdf)")
SHOWN: frozenset[Status] = frozenset({"active", "locked"})


@dataclass
class SlidesData:
    deck: dict[str, Any] | None = None
    page: int = 0  # 1-based; 0 while there is no deck


def blob_name(value: Any, *suffixes: str) -> str:
    """A file name the blob store made: sha256 of the content and its type."""
    if not isinstance(value, str) or not BLOB.fullmatch(value) \
            or value.rsplit(".", 1)[1] not in suffixes:
        raise Invalid(N_("This file is not one the server stored."))
    return value


def side(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= SIDE_LIMIT:
        raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                      field=name, low=1, high=SIDE_LIMIT)
    return value


def read_deck(raw: Any) -> dict[str, Any]:
    """The deck of slides.attach, checked field by field (the upload route made it, but the
    log must never hold what the reducer or the pages cannot read)."""
    if not isinstance(raw, Mapping):
        raise Invalid(N_("The field {field} must be an object."), field="deck")
    pdf = raw.get("pdf")
    if not isinstance(pdf, Mapping):
        raise Invalid(N_("The field {field} must be an object."), field="pdf")
    size = pdf.get("bytes")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                      field="bytes", low=1, high=2**40)
    pages = raw.get("pages")
    if not isinstance(pages, list) or not 1 <= len(pages) <= MAX_PAGES:
        raise Invalid(N_("A deck has from 1 to {limit} pages."), limit=MAX_PAGES)
    out_pages = []
    for page in pages:
        if not isinstance(page, Mapping):
            raise Invalid(N_("The field {field} must be an object."), field="pages")
        text = page.get("text", "")
        if not isinstance(text, str) or len(text) > TEXT_LIMIT:
            raise Invalid(N_("The field {field} is longer than {limit} characters."),
                          field="text", limit=TEXT_LIMIT)
        out_pages.append({"image": blob_name(page.get("image"), "png", "jpg", "webp"),
                          "thumb": blob_name(page.get("thumb"), "png", "jpg", "webp"),
                          "width": side(page.get("width"), "width"),
                          "height": side(page.get("height"), "height"),
                          "text": text})
    return {"name": clean_text(raw.get("name"), NAME_LIMIT, "name"),
            "pdf": {"blob": blob_name(pdf.get("blob"), "pdf"), "bytes": size},
            "pages": out_pages}


def current(deck: Mapping[str, Any], page: int) -> dict[str, Any]:
    """What phones and the beamer get of a deck: the page shown, and how many there are."""
    shown = deck["pages"][page - 1]
    return {"page": page, "pages": len(deck["pages"]), "name": deck["name"],
            "slide": {key: shown[key] for key in ("image", "width", "height", "text")}}


class Slides(Kind):
    name = "slides"
    # Stepping needs a running session and the activity on the screens; a deck comes in by
    # the upload route's slides.attach (a session command, domain/media.py), also in draft.
    rules = {"slides.show": Rule({"moderator": SHOWN})}

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw)
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        return {}

    def new_data(self, config: Mapping[str, Any]) -> SlidesData:
        return SlidesData()

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: SlidesData = activity.data
        if data.deck is None:
            raise Invalid(N_("Upload the slides (a PDF) first."))
        page = command.args.get("page")
        count = len(data.deck["pages"])
        if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= count:
            raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                          field="page", low=1, high=count)
        if page == data.page:
            return Decision(result={"page": page})
        return Decision([("slides.shown", {"activity": activity.id, "page": page})],
                        {"page": page})

    def apply(self, activity: Activity, event: Event) -> None:
        data: SlidesData = activity.data
        if event.type == "slides.attached":
            data.deck = event.data["deck"]
            data.page = 1
        elif event.type == "slides.shown":
            data.page = event.data["page"]

    def view(self, activity: Activity, audience: Audience) -> dict[str, Any]:
        data: SlidesData = activity.data
        if data.deck is None:
            return {"deck": None} if audience == "moderator" else {"slides": None}
        if audience == "moderator":
            return {"deck": data.deck, "page": data.page}
        return {"slides": current(data.deck, data.page)}

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        if audience == "moderator":
            return event.data
        # The event after it is applied: the page it shows, with that page's data.
        data: SlidesData = activity.data
        assert data.deck is not None
        return {"activity": activity.id, "slides": current(data.deck, data.page)}
