"""New sessions from plans on the organiser console, against a real uvicorn: from a ready
plan, a template, an uploaded plan file, a copy of an earlier session, and empty; a broken
upload is answered with its line and field in the console's language and creates nothing; a
visitor without the organiser cookie, another site's form, an unknown plan and an oversized
file are refused and create nothing."""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import re
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from facilitator import library
from facilitator.domain.plan import Plan, load_plan
from facilitator.domain.plan_model import PLAN_LIMIT
from tests.conftest import LiveServer
from tests.support import fresh_hello, moderate

SMALL = """title = "Quartiersrunde"
language = "en"
groups = ["Nord", "Süd"]

[[phases]]
title = "Ankommen"
minutes = 10

[[phases.activities]]
kind = "ideas"
key = "sammeln"
title = "Was ist dir wichtig?"

[[phases]]
title = "Entscheiden"
minutes = 20

[[phases.activities]]
kind = "dots"
title = "Punkte"
items = { from = "sammeln" }
"""

# A poll needs two options: the error is on line 10, field phases[1].activities[1].options.
BROKEN = ('title = "Test"\nlanguage = "en"\n\n[[phases]]\ntitle = "Eins"\n\n'
          '[[phases.activities]]\nkind = "poll"\ntitle = "Frage"\n'
          'options = ["nur eine"]\n')


@pytest.fixture
def organiser(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, follow_redirects=False) as client:
        login = client.post("/console/login", data={"key": live_server.organiser_key})
        assert login.status_code == 303
        yield client


def agenda(server: LiveServer, location: str) -> dict[str, Any]:
    """The moderator's view of the session a console form redirected to."""
    found = re.fullmatch(re.escape(server.url) + r"/moderate/([A-Z0-9]{6})/([\w-]{32})",
                         location)
    assert found, location
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        hello = pool.submit(asyncio.run, fresh_hello(server, *found.groups())).result()
    return dict(hello["session"])


def outline(view: dict[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Phases with their activities (kind, title), in the order of the agenda."""
    return [(phase["title"], [(a["kind"], a["title"]) for a in view["activities"]
                              if a["phase"] == phase["id"]])
            for phase in view["phases"]]


def planned(plan: Plan) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(phase.title, [(a.kind, a.title) for a in phase.activities])
            for phase in plan.phases]


def sessions(client: httpx.Client) -> int:
    """How many sessions the console lists (each has its copy button)."""
    return client.get("/console").text.count('name="source" value="session"')


def test_a_session_from_a_ready_plan(live_server: LiveServer,
                                     organiser: httpx.Client) -> None:
    page = organiser.get("/console").text
    ready = library.ready_plans()
    assert len(ready) == 5
    for plan in ready:
        assert html.escape(plan.title, quote=False) in page
    lab = library.ready_plan("simulationslabor-klimaschutz")
    answer = organiser.post("/console/plans", data={"source": "ready", "name": lab.slug})
    assert answer.status_code == 303
    view = agenda(live_server, answer.headers["location"])
    assert view["title"] == lab.title and view["status"] == "draft"
    assert outline(view) == planned(lab.plan)
    assert [g["name"] for g in view["groups"]] == list(lab.plan.groups)
    # The same plan starts a second session, with an id of its own.
    again = organiser.post("/console/plans", data={"source": "ready", "name": lab.slug})
    assert again.status_code == 303 and again.headers["location"] != answer.headers["location"]
    assert sessions(organiser) == 2


def test_a_session_from_a_template(live_server: LiveServer, organiser: httpx.Client) -> None:
    saved = library.save_template(live_server.settings.data_dir, "Quartiersrunde Nord", SMALL)
    assert saved.slug == "quartiersrunde-nord"
    page = organiser.get("/console").text
    assert "Quartiersrunde" in page and 'value="quartiersrunde-nord"' in page
    answer = organiser.post("/console/plans", data={"source": "template", "name": saved.slug})
    assert answer.status_code == 303
    view = agenda(live_server, answer.headers["location"])
    assert outline(view) == planned(load_plan(SMALL))
    assert view["language"] == "en"
    [dots] = [a for a in view["activities"] if a["kind"] == "dots"]
    [ideas] = [a for a in view["activities"] if a["kind"] == "ideas"]
    assert dots["config"]["items"]["from"] == ideas["id"]


def test_the_organiser_deletes_a_template(live_server: LiveServer,
                                          organiser: httpx.Client) -> None:
    data_dir = live_server.settings.data_dir
    saved = library.save_template(data_dir, "Quartiersrunde Nord", SMALL)
    library.save_template(data_dir, "Bleibt", SMALL)
    evil = {"Origin": "http://evil.example"}
    assert organiser.post("/console/templates/delete", headers=evil,
                          data={"name": saved.slug}).status_code == 403
    with httpx.Client(base_url=live_server.url, follow_redirects=False) as stranger:
        refused = stranger.post("/console/templates/delete", data={"name": saved.slug})
        assert refused.headers["location"] == f"{live_server.url}/console"
    assert [t.slug for t in library.templates(data_dir)] == ["bleibt", saved.slug]
    answer = organiser.post("/console/templates/delete", data={"name": saved.slug})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{live_server.url}/console#h-templates"
    assert [t.slug for t in library.templates(data_dir)] == ["bleibt"]
    assert 'value="quartiersrunde-nord"' not in organiser.get("/console").text
    for name in (saved.slug, "../secret", ""):
        again = organiser.post("/console/templates/delete", data={"name": name})
        assert again.status_code == 404, name
    assert [t.slug for t in library.templates(data_dir)] == ["bleibt"]


def test_a_session_from_an_uploaded_plan(live_server: LiveServer,
                                         organiser: httpx.Client) -> None:
    answer = organiser.post("/console/upload",
                            files={"plan": ("runde.toml", SMALL.encode(), "application/toml")})
    assert answer.status_code == 303
    assert outline(agenda(live_server, answer.headers["location"])) == \
        planned(load_plan(SMALL))


def test_a_copy_of_an_earlier_session(live_server: LiveServer,
                                      organiser: httpx.Client) -> None:
    first = organiser.post("/console/upload", files={"plan": ("runde.toml", SMALL.encode())})
    location = first.headers["location"]
    original = agenda(live_server, location)
    # Changed since it was made: a phase more, an activity in it, and that one hidden.
    token = location.rsplit("/", 1)[1]
    credential = {"code": original["code"], "moderator_token": token}
    moderate(live_server, credential,
             [{"type": "phase.create", "title": "Abschluss", "minutes": 5}])
    [last] = [p["id"] for p in agenda(live_server, location)["phases"]
              if p["title"] == "Abschluss"]
    moderate(live_server, credential, [
        {"type": "activity.create", "kind": "words", "title": "Ein Wort zum Schluss",
         "phase": last},
        {"type": "activity.create", "kind": "words", "title": "Versteckt", "phase": last},
    ])
    original = agenda(live_server, location)
    [hidden] = [a["id"] for a in original["activities"] if a["title"] == "Versteckt"]
    moderate(live_server, credential,
             [{"type": "activity.hide", "activity": hidden, "hidden": True}])
    assert f'value="{original["code"]}"' in organiser.get("/console").text
    copy = organiser.post("/console/plans", data={"source": "session",
                                                  "name": original["code"]})
    assert copy.status_code == 303
    view = agenda(live_server, copy.headers["location"])
    assert view["code"] != original["code"] and view["status"] == "draft"
    assert [p["title"] for p in view["phases"]] == ["Ankommen", "Entscheiden", "Abschluss"]
    titles = [a["title"] for a in view["activities"]]
    assert titles == ["Was ist dir wichtig?", "Punkte", "Ein Wort zum Schluss"]
    assert [g["name"] for g in view["groups"]] == ["Nord", "Süd"]
    assert sessions(organiser) == 2


def test_an_empty_session_as_before(live_server: LiveServer, organiser: httpx.Client) -> None:
    answer = organiser.post("/console/sessions",
                            data={"title": "Leer", "language": "de", "names": "on"})
    assert answer.status_code == 303
    view = agenda(live_server, answer.headers["location"])
    assert view["title"] == "Leer" and view["phases"] == [] and view["activities"] == []


@pytest.mark.parametrize(("lang", "where"), [("de", "runde.toml, Zeile 10"),
                                             ("en", "runde.toml, line 10")])
def test_a_broken_upload_names_line_and_field(organiser: httpx.Client, lang: str,
                                              where: str) -> None:
    answer = organiser.post("/console/upload", headers={"Accept-Language": lang},
                            files={"plan": ("runde.toml", BROKEN.encode())})
    assert answer.status_code == 400
    [alert] = re.findall(r'<p class="notice" data-kind="error" role="alert" '
                         r'id="upload-error">([^<]*)</p>', answer.text)
    assert alert.startswith(where) and "phases[1].activities[1].options" in alert
    assert 'aria-invalid="true"' in answer.text
    assert sessions(organiser) == 0


@pytest.mark.parametrize(("files", "status", "says"), [
    ({"plan": ("bild.png", b"\x89PNG\r\n\x1a\n\xff\xfe")}, 400, "is not a plan"),
    ({"plan": ("leer.toml", b"")}, 400, "is empty"),
    ({"other": ("runde.toml", SMALL.encode())}, 400, "Choose a plan file"),
    ({"plan": ("fast.toml", b"# " + b"x" * PLAN_LIMIT)}, 400, "larger than 256 KiB"),
])
def test_bad_uploads_are_refused(organiser: httpx.Client, files: dict[str, Any], status: int,
                                 says: str) -> None:
    answer = organiser.post("/console/upload", files=files, headers={"Accept-Language": "en"})
    assert answer.status_code == status
    assert says in html.unescape(answer.text)
    assert sessions(organiser) == 0


def test_an_oversized_upload_is_refused_before_it_is_read(live_server: LiveServer,
                                                          organiser: httpx.Client) -> None:
    """Declared larger than the limit: 413 at once, without waiting for the body (which
    is never sent here)."""
    cookie = "; ".join(f"{name}={value}" for name, value in organiser.cookies.items())
    head = (f"POST /console/upload HTTP/1.1\r\nHost: 127.0.0.1:{live_server.port}\r\n"
            f"Cookie: {cookie}\r\nAccept-Language: en\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {PLAN_LIMIT + 20 * 1024}\r\n\r\n--x\r\n")
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=5) as sock:
        sock.sendall(head.encode())
        answer = b""
        while b"</html>" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"The request is too large." in answer
    assert sessions(organiser) == 0


def test_a_form_that_is_not_multipart_is_refused(organiser: httpx.Client) -> None:
    answer = organiser.post("/console/upload", data={"plan": SMALL},
                            headers={"Accept-Language": "en"})
    assert answer.status_code == 400 and "The form could not be read." in answer.text


@pytest.mark.parametrize(("form", "status", "says"), [
    ({"source": "ready", "name": "gibt-es-nicht"}, 404, "There is no ready plan"),
    ({"source": "template", "name": "../../secret"}, 404, "There is no template"),
    ({"source": "session", "name": "AAAAAA"}, 404, "There is no session with this code."),
    ({"source": "elsewhere", "name": "x"}, 400, "Choose a plan for the new session."),
])
def test_unknown_plans_are_refused(organiser: httpx.Client, form: dict[str, str], status: int,
                                   says: str) -> None:
    answer = organiser.post("/console/plans", data=form, headers={"Accept-Language": "en"})
    assert answer.status_code == status and says in answer.text
    assert sessions(organiser) == 0


def test_only_the_organiser_creates(live_server: LiveServer, organiser: httpx.Client) -> None:
    with httpx.Client(base_url=live_server.url, follow_redirects=False) as stranger:
        for path, kwargs in [
                ("/console/plans", {"data": {"source": "ready",
                                             "name": "simulationslabor-klimaschutz"}}),
                ("/console/upload", {"files": {"plan": ("runde.toml", SMALL.encode())}}),
                ("/console/sessions", {"data": {"title": "Fremd"}})]:
            answer = stranger.post(path, **kwargs)
            assert answer.status_code == 303
            assert answer.headers["location"] == f"{live_server.url}/console"
        # Without the cookie the console shows the login, and lists no plans.
        assert "simulationslabor-klimaschutz" not in stranger.get("/console").text
    # Another site's page cannot use the organiser's browser either.
    evil = {"Origin": "http://evil.example"}
    assert organiser.post("/console/plans", headers=evil, data={
        "source": "ready", "name": "simulationslabor-klimaschutz"}).status_code == 403
    assert organiser.post("/console/upload", headers=evil, files={
        "plan": ("runde.toml", SMALL.encode())}).status_code == 403
    assert organiser.post("/console/sessions", headers=evil,
                          data={"title": "Fremd"}).status_code == 403
    assert sessions(organiser) == 0
