"""The session's plan from the moderator console, on a real server: edited over the WebSocket,
downloaded as plan.toml, saved as a template; only with the moderator's link."""

from __future__ import annotations

from typing import Any

import httpx

from facilitator import library
from facilitator.domain.plan import load_plan
from tests.conftest import LiveServer
from tests.support import moderate


def prepared(server: LiveServer) -> dict[str, Any]:
    """A session prepared in the console: details, two phases, activities edited."""
    session = server.create_session(title="Klimawerkstatt Nord")
    moderate(server, session, [
        {"type": "session.update", "place": "Rathaus, Saal 2", "moderators": ["Kim Berger"]},
        {"type": "phase.create", "title": "Einstieg", "minutes": 10},
        {"type": "phase.create", "title": "Sammeln", "minutes": 30, "timer": 20},
        {"type": "activity.create", "kind": "words", "title": "Ein Wort", "phase": "h1"},
        {"type": "activity.create", "kind": "ideas", "title": "Ideen für den Norden",
         "phase": "h2", "config": {"clusters": ["Verkehr", "Wärme"]}},
        {"type": "activity.create", "kind": "dots", "title": "Punkte", "phase": "h2",
         "config": {"items": {"from": "a2", "take": "cluster:c2"}, "dots": 4}},
        {"type": "activity.create", "kind": "poll", "title": "Weg damit", "phase": "h1",
         "config": {"options": ["A", "B"]}},
        {"type": "activity.duplicate", "activity": "a1"},  # a5, right after a1
        {"type": "activity.update", "activity": "a5", "title": "Noch ein Wort"},
        {"type": "activity.delete", "activity": "a4"},
        {"type": "phase.move", "phase": "h2", "before": "h1"},
        {"type": "phase.move", "phase": "h1", "before": "h2"},  # and back
        {"type": "activity.move", "activity": "a5", "before": "a1"},
    ])
    return session


def test_the_plan_downloads_as_the_session_is_now(live_server: LiveServer) -> None:
    session = prepared(live_server)
    base = f"{live_server.url}/moderate/{session['code']}"
    with httpx.Client(follow_redirects=False, timeout=10) as http:
        answer = http.get(f"{base}/{session['moderator_token']}/plan.toml")
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/toml; charset=utf-8"
        assert answer.headers["content-disposition"] == \
            'attachment; filename="klimawerkstatt-nord.toml"'
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"
        plan = load_plan(answer.text)
        for token in ("wrong", session["presenter_token"], session["moderator_token"][:-1]):
            assert http.get(f"{base}/{token}/plan.toml").status_code == 404
            assert http.post(f"{base}/{token}/template",
                             data={"name": "x"}).status_code == 404
    assert (plan.title, plan.place, plan.moderators) == (
        "Klimawerkstatt Nord", "Rathaus, Saal 2", ("Kim Berger",))
    assert [(p.title, p.minutes, p.timer) for p in plan.phases] == [
        ("Einstieg", 10, None), ("Sammeln", 30, 20)]
    assert [a.title for a in plan.phases[0].activities] == ["Noch ein Wort", "Ein Wort"]
    ideas, dots = plan.phases[1].activities
    assert ideas.key == "ideen-fuer-den-norden" and ideas.config == {
        "clusters": ["Verkehr", "Wärme"]}
    assert dots.config == {"items": {"from": "ideen-fuer-den-norden", "take": "cluster:Wärme"},
                           "dots": 4}


def test_the_plan_is_saved_as_a_template(live_server: LiveServer) -> None:
    session = prepared(live_server)
    url = f"{live_server.url}/moderate/{session['code']}/{session['moderator_token']}/template"
    data_dir = live_server.settings.data_dir
    with httpx.Client(follow_redirects=False, timeout=10) as http:
        answer = http.post(url, data={"name": "Werkstatt Nord (Vorlage)"})
        assert answer.status_code == 303
        assert answer.headers["location"].endswith(
            f"/moderate/{session['code']}/{session['moderator_token']}"
            "?saved=werkstatt-nord-vorlage#h-plan")
        saved = library.templates(data_dir)
        assert [(t.slug, t.title) for t in saved] == [("werkstatt-nord-vorlage",
                                                       "Klimawerkstatt Nord")]
        assert len(saved[0].plan.activities) == 4

        json = {"Accept": "application/json"}
        answer = http.post(url, data={"name": "Werkstatt Nord (Vorlage)"}, headers=json)
        assert answer.status_code == 200
        assert answer.json() == {"ok": True, "template": "werkstatt-nord-vorlage",
                                 "title": "Klimawerkstatt Nord"}
        refused = http.post(url, data={"name": "  ??  "}, headers=json)
        assert refused.status_code == 400
        assert refused.json()["error"] == "invalid" and "name" in refused.json()["message"].lower()
        foreign = http.post(url, data={"name": "Fremd"},
                            headers={**json, "Origin": "https://example.org"})
        assert foreign.status_code == 403 and foreign.json()["error"] == "forbidden"
        page = http.post(url, data={"name": ""})  # without JSON: the error page
        assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert [t.slug for t in library.templates(data_dir)] == ["werkstatt-nord-vorlage"]
