"""Every page speaks one language: an English session's pages hold no text of the German
catalogue, a German session's none of the English texts that German translates; and each
participant may choose their own language (POST /language) whatever the session's.

The pages are rendered German first, then English, then German again in one server process:
templates cached with another language's catalogue (as the console's create forms once were)
show up as the other language's text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
from babel.messages.pofile import read_po

from tests.conftest import LiveServer
from tests.support import moderate

ROOT = Path(__file__).resolve().parents[2]
DE_PO = ROOT / "facilitator" / "locale" / "de" / "LC_MESSAGES" / "messages.po"
ATTRIBUTES = {"alt", "aria-label", "placeholder", "title", "value", "content", "label"}


class _Text(HTMLParser):
    """What a person reads (or hears) on a page: text, labelling attributes, and the strings
    the scripts show (the JSON of <script id="strings">)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self._script = found.get("id") or ""
        if tag == "meta" and found.get("name") != "description":
            return
        self.parts += [v for k, v in attrs if k in ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script == "strings":
            self.parts += [str(v) for v in json.loads(data).values()]
        elif self._script is None:
            self.parts.append(data)


def readable(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def _fragments(text: str) -> list[str]:
    """The literal pieces of a catalogue text, without its {placeholders}."""
    return [p.strip() for p in re.split(r"\{\w+\}", text) if len(p.strip()) >= 12]


def _catalogue() -> list[tuple[str, str]]:
    """(English, German) pairs whose texts differ, singular and plural alike."""
    with DE_PO.open("rb") as file:
        catalog = read_po(file, locale="de")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(str(e), str(d)) for e, d in zip(ids, strings, strict=False)
                  if d and e != d]
    return pairs


def _leaks(text: str, lang: str, pairs: list[tuple[str, str]]) -> list[str]:
    found = set()
    for english, german in pairs:
        other = german if lang == "en" else english
        same = english if lang == "en" else german
        for piece in _fragments(other):
            # A piece that the page's own language has too says nothing.
            if piece in text and piece not in same:
                found.add(piece)
    return sorted(found)


def _pages(server: LiveServer, lang: str) -> dict[str, str]:
    """Every page of one session in this language (and the pages outside sessions, asked for
    in it), with a running activity of every kind and the participant's page after joining."""
    session = server.create_session(title="Test", language=lang, names=True)
    commands = [{"type": "session.open"}, {"type": "session.start"}]
    for kind in ("ideas", "poll", "consent"):
        config = {"options": [{"label": "A"}, {"label": "B"}]} if kind == "poll" else {}
        commands.append({"type": "activity.create", "kind": kind, "title": "X",
                         "config": config})
    moderate(server, session, commands)
    headers = {"Accept-Language": lang}
    pages = {}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as browser:
        code = session["code"]
        pages["home"] = browser.get("/").text
        pages["join"] = browser.get(f"/j/{code}").text
        joined = browser.post(f"/j/{code}", data={"name": "Ada", "where": "room"})
        assert joined.status_code == 303, joined.text
        pages["participant"] = browser.get(f"/s/{code}").text
        pages["presenter"] = browser.get(session["presenter_url"]).text
        pages["moderator"] = browser.get(session["moderator_url"]).text
        assert browser.post("/console/login",
                            data={"key": server.organiser_key}).status_code == 303
        pages["console"] = browser.get("/console").text
    return {name: readable(html) for name, html in pages.items()}


def test_no_page_mixes_the_two_languages(live_server: LiveServer) -> None:
    pairs = _catalogue()
    assert len(pairs) > 300  # the catalogue was read
    problems = {}
    for lang in ("de", "en", "de"):
        for name, text in _pages(live_server, lang).items():
            leaks = _leaks(text, lang, pairs)
            if leaks:
                problems[f"{lang} {name}"] = leaks[:5]
    assert not problems, problems


def test_the_check_sees_a_german_text_on_an_english_page() -> None:
    """The detector itself: a German label on an English page is found."""
    pairs = _catalogue()
    english = dict(pairs)
    label = next(g for e, g in pairs if len(g) > 20 and "{" not in g)
    assert _leaks(f"Welcome {label} here", "en", pairs)
    assert not _leaks(f"Welcome {next(iter(english))} here", "en", pairs)


def test_a_participant_chooses_english_in_a_german_session(live_server: LiveServer) -> None:
    session = live_server.create_session(title="Werkstatt", language="de")
    moderate(live_server, session, [{"type": "session.open"}])
    code = session["code"]
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        assert 'lang="de"' in phone.get(f"/j/{code}").text
        chose = phone.post("/language", data={"lang": "en", "next": f"/j/{code}"})
        assert chose.status_code == 303
        assert chose.headers["location"] == f"/j/{code}"
        assert "facilitator_lang=en" in chose.headers["set-cookie"]
        assert "httponly" in chose.headers["set-cookie"].lower()
        page = phone.get(f"/j/{code}").text
        assert '<html lang="en"' in page
        assert phone.post(f"/j/{code}", data={}).status_code == 303
        live = phone.get(f"/s/{code}").text
        assert '<html lang="en"' in live
        strings: dict[str, Any] = json.loads(
            re.search(r'<script type="application/json" id="strings">(.*?)</script>', live,
                      re.S)[1])  # type: ignore[index]
        assert strings["status.connected"] == "Connected"
        # The beamer and the console keep the session's language.
        assert 'lang="de"' in phone.get(session["presenter_url"]).text
        # And back.
        phone.post("/language", data={"lang": "de", "next": f"/s/{code}"})
        assert '<html lang="de"' in phone.get(f"/s/{code}").text


def test_the_language_form_refuses_what_it_should(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as browser:
        other_site = browser.post("/language", data={"lang": "en", "next": "/"},
                                  headers={"Origin": "https://evil.example"})
        assert other_site.status_code == 403
        assert "set-cookie" not in other_site.headers
        assert browser.post("/language", data={"lang": "fr"}).status_code == 400
        for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example",
                       "javascript:alert(1)"):
            went = browser.post("/language", data={"lang": "en", "next": target})
            assert went.status_code == 303, target
            assert went.headers["location"] == "/", target
        # Control characters: the forms refuse them outright (web/body.py).
        split = browser.post("/language", data={"lang": "en", "next": "/ok\r\nSet-Cookie: x=1"})
        assert split.status_code == 400
        assert "set-cookie" not in split.headers
