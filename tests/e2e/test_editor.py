"""The plan editor in the moderator's console, in real Chromium: the simulation lab is built
from an empty session through the console alone, saved as plan.toml, and a session made from
that file is the same session; activities are edited, reordered (into another phase too),
deleted and hidden, and the event log and the archive say so."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from facilitator import secrets
from facilitator.domain.model import Event
from facilitator.domain.plan import load_plan
from facilitator.domain.plan_export import plan_of
from facilitator.domain.plan_model import Plan
from facilitator.domain.session import SessionState
from facilitator.i18n import translate
from facilitator.live.plans import create_from_plan
from facilitator.live.registry import Registry
from facilitator.store.sqlite import SQLiteStore
from facilitator.web.sessions import links
from tests.conftest import LiveServer
from tests.e2e.conftest import BEAMER, wait_until
from tests.e2e.media_files import deck_pdf
from tests.e2e.scenes import accessible, console, others
from tests.support import fresh_hello, moderate

pytestmark = pytest.mark.e2e

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
LAB = (Path(__file__).resolve().parents[2] / "sessions" / "simulationslabor-klimaschutz"
       / "plan.toml")


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """A coroutine from sync code while Playwright's loop runs in this thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _registry(server: LiveServer, work: Callable[[Registry], Any]) -> Any:
    """A second registry on the server's database (as `facilitator new` makes one while the
    server runs): it adds a session that the server finds on first connect."""
    store = SQLiteStore(server.settings.database)
    await store.open()
    registry = Registry(store, translate)
    try:
        return await work(registry)
    finally:
        await registry.close()
        await store.close()


def log_of(server: LiveServer, code: str) -> list[Event]:
    """The session's event log, read from the server's database."""
    async def read() -> list[Event]:
        store = SQLiteStore(server.settings.database)
        await store.open()
        try:
            record = await store.find_session(code=code)
            assert record is not None
            return list(await store.load_events(record.id))
        finally:
            await store.close()
    return run(read())  # type: ignore[no-any-return]


def plan_of_session(server: LiveServer, code: str) -> Plan:
    return plan_of(SessionState.from_events(log_of(server, code)))


def session_from_plan(server: LiveServer, plan: Plan) -> dict[str, str]:
    async def work(registry: Registry) -> dict[str, str]:
        runtime = await create_from_plan(registry, plan)
        found = links(server.settings.base_url,
                      secrets.server_secret(server.settings.data_dir, server.settings.secret),
                      runtime)
        return {"code": runtime.code, "moderator_token": found.moderator_token}
    return run(_registry(server, work))  # type: ignore[no-any-return]


def event_types(server: LiveServer, code: str) -> list[tuple[str, dict[str, Any]]]:
    return [(e.type, dict(e.data)) for e in log_of(server, code)]


def view(server: LiveServer, session: dict[str, Any]) -> dict[str, Any]:
    hello = run(fresh_hello(server, session["code"], session["moderator_token"]))
    return dict(hello["session"])


def agenda_of(session: dict[str, Any]) -> dict[str, Any]:
    """What must be the same in two sessions made from one plan: details, groups, phases, and
    the activities with their settings (an item source named by the source's position)."""
    activities = session["activities"]
    position = {a["id"]: n for n, a in enumerate(activities)}
    phase_position = {p["id"]: n for n, p in enumerate(session["phases"])}

    def config(a: dict[str, Any]) -> Any:
        c = dict(a["config"])
        if isinstance(c.get("items"), dict):
            c["items"] = {**c["items"], "from": position[c["items"]["from"]]}
        return c

    return {
        "details": (session["title"], session["language"], session["names"], session["place"],
                    session["moderators"], session["choice"]),
        "groups": [g["name"] for g in session["groups"]],
        "phases": [(p["title"], p["minutes"], p["timer"], p["notes"]) for p in session["phases"]],
        "activities": [(a["kind"], a["title"], a["prompt"], a["per_group"],
                        phase_position.get(a["phase"]), config(a)) for a in activities],
    }


# -- driving the editor ----------------------------------------------------------------------

def phase_item(page: Any, title: str) -> Any:
    return page.locator("#agenda .phase", has=page.locator(".phase-title", has_text=title))


def add_phase(page: Any, title: str, minutes: int, timer: int | None, notes: str) -> None:
    count = page.locator("#agenda .phase").count()
    details = page.locator("details.new-phase")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    page.fill("#phase-title", title)
    page.fill("#phase-minutes", str(minutes))
    page.fill("#phase-timer", "" if timer is None else str(timer))
    page.fill("#phase-notes", notes)
    page.locator("form.create-phase button[type=submit]").click()
    wait_until(page, f"document.querySelectorAll('#agenda .phase').length === {count + 1}")


def add_activity(page: Any, phase: str, kind: str, fields: dict[str, Any],
                 timeout: float = 10) -> None:
    """Into a phase by its "+ Activity" button: the kind's create form, filled and sent."""
    count = page.evaluate("document.querySelectorAll('#activities > li').length")
    phase_item(page, phase).locator("[data-focus$=':add']").click()
    assert page.evaluate("document.activeElement.id") == "new-kind"
    page.select_option("#new-kind", kind)
    form = page.locator(f"form.create[data-kind={kind}]")
    fill(form, fields)
    form.locator("button[type=submit]").click()
    wait_until(page, f"document.querySelectorAll('#activities > li').length === {count + 1}",
               timeout)


def fill(form: Any, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if isinstance(value, bool):
            field.set_checked(value)
        elif isinstance(value, dict):
            field.set_input_files(value)
        elif field.evaluate("f => f.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(str(value))


MEASURE_FIELDS = "\n".join([
    "Maßnahme | short",
    "Was wollen wir erreichen, und für wen? | long",
    "Schritte mit Termin | steps",
    "Der erste Schritt ist erledigt am | date",
    "Wer führt, wer macht mit? | short",
    "Kosten und mögliche Förderung | short",
    "Was könnte bremsen? (Zielkonflikte, Widerstände) | long",
    "Woran merken wir, dass es wirkt? | long",
])


def test_the_simulation_lab_is_built_in_the_console_and_its_plan_makes_the_same_session(
        live_server: LiveServer, scene_page: Callable[..., Any]) -> None:
    lab = load_plan(LAB.read_text("utf-8"), source=str(LAB))
    session = live_server.create_session("Neue Sitzung", "de", False)
    page = console(scene_page, session, **LAPTOP)
    # In draft the agenda is the editor from the start.
    wait_until(page, "document.querySelector('#plan-edit').getAttribute('aria-pressed') === 'true'")
    assert page.locator("#plan-tools").is_visible()

    # The session's details, in their dialog.
    page.click("#details-open")
    dialog = page.locator("#session-details")
    assert dialog.evaluate("d => d.open")
    fill(dialog, {"title": lab.title, "place": lab.place, "moderators": "\n".join(lab.moderators),
                  "names": lab.names})
    dialog.locator("button[type=submit]").click()
    wait_until(page, "!document.querySelector('#session-details').open")
    wait_until(page, "document.querySelector('.cockpit-bar h1').textContent === "
               + json.dumps(lab.title))

    # The groups, reached from the editor's tools, and their self-selection.
    page.click("#groups-go")
    assert page.evaluate("document.activeElement.id") == "group-new"
    for n, name in enumerate(lab.groups, 1):
        page.fill("#group-new", name)
        page.locator("form.create-group button[type=submit]").click()
        wait_until(page, f"document.querySelectorAll('.group-admin > li').length === {n}")
    page.get_by_role("button", name="Teilnehmende wählen ihre Gruppe selbst").click()
    wait_until(page, "document.querySelector('.groups-panel [aria-pressed=true]') !== null")

    # The phases, then the activities into their phases (six kinds).
    for phase in lab.phases:
        add_phase(page, phase.title, phase.minutes or 0, phase.timer, phase.notes.strip())
    specs = {spec.kind: (phase.title, spec) for phase in lab.phases for spec in phase.activities}
    words_phase, words = specs["words"]
    add_activity(page, words_phase, "words", {"title": words.title, "prompt": words.prompt,
                                              "max_words": "3"})
    qa_phase, qa = specs["qa"]
    add_activity(page, qa_phase, "qa", {"title": qa.title, "prompt": qa.prompt})
    # The slides of the input: a PDF uploaded into the phase, titled by the file's name (the
    # editor renames it), and behind the questions (moved there if it landed in front).
    slides_phase, slides = specs["slides"]
    add_activity(page, slides_phase, "slides", {"file": {
        "name": "Beispiele.pdf", "mimeType": "application/pdf", "buffer": deck_pdf(3)}},
        timeout=30)
    deck = page.evaluate("[...document.querySelectorAll('#activities > li')]"
                         ".find(li => li.querySelector('h3').textContent === 'Beispiele')"
                         ".dataset.key")
    page.locator(f"[data-focus='{deck}:edit']").click()
    form = page.locator("#activity-editor form[data-edit-kind=slides]")
    form.locator("[name=title]").fill(slides.title)
    form.locator("button[type=submit]").click()
    wait_until(page, "!document.querySelector('#activity-editor').open")
    in_phase = phase_item(page, slides_phase).locator(".phase-activities a")
    wait_until(page, f"document.body.textContent.includes({json.dumps(slides.title)})")
    def order() -> list[str]:
        return [t.split(". ", 1)[1] for t in in_phase.all_inner_texts()]
    if order()[0] == slides.title:
        page.locator(f"[data-focus='{deck}:down']").click()
        deadline = time.monotonic() + 10
        while order()[0] == slides.title and time.monotonic() < deadline:
            time.sleep(0.05)
    assert order() == [qa.title, slides.title]
    ideas_phase, ideas = specs["ideas"]
    add_activity(page, ideas_phase, "ideas", {"title": ideas.title, "prompt": ideas.prompt,
                                              "per_group": True, "max_per_participant": 5})
    dots_phase, dots = specs["dots"]
    ideas_id = page.evaluate("document.querySelector('#activities > li:last-child').dataset.key")
    add_activity(page, dots_phase, "dots", {"title": dots.title, "prompt": dots.prompt,
                                            "items_from": ideas_id, "items_take": "all",
                                            "dots": 5, "per_item": 2})
    measure_phase, measure = specs["measure"]
    add_activity(page, measure_phase, "measure", {"title": measure.title,
                                                  "prompt": measure.prompt,
                                                  "fields": MEASURE_FIELDS, "per_group": True})
    consent_phase, consent = specs["consent"]
    add_activity(page, consent_phase, "consent", {"title": consent.title,
                                                  "prompt": consent.prompt, "secret": True,
                                                  "majority": "simple"})

    # The agenda shows every activity under its phase, in the plan's order.
    for phase in lab.phases:
        titles = phase_item(page, phase.title).locator(".phase-activities a").all_inner_texts()
        assert [t.split(". ", 1)[1] for t in titles] == [s.title for s in phase.activities]
    page.click("#template-open")
    accessible(page, "the console with the plan editor and a dialog open")
    page.locator("#template-save [data-cancel]").click()
    accessible(page, "the console with the plan editor open")

    # What was built is the simulation lab, as far as a plan says it.
    built = plan_of_session(live_server, session["code"])
    assert (built.title, built.language, built.names, built.place, built.moderators,
            built.groups, built.group_choice) == (lab.title, lab.language, lab.names, lab.place,
                                                  lab.moderators, lab.groups, lab.group_choice)
    assert [(p.title, p.minutes, p.timer, p.notes.strip()) for p in built.phases] == [
        (p.title, p.minutes, p.timer, p.notes.strip()) for p in lab.phases]
    assert [[(s.kind, s.title, s.prompt, s.per_group) for s in p.activities]
            for p in built.phases] == [[(s.kind, s.title, s.prompt, s.per_group)
                                        for s in p.activities] for p in lab.phases]

    # "Save the plan": the download, and a new session from it is the same session.
    with page.expect_download() as download:
        page.click("#plan-download")
    text = Path(download.value.path()).read_text("utf-8")
    saved = load_plan(text, source="plan.toml")
    assert saved == built
    copy = session_from_plan(live_server, saved)
    assert plan_of_session(live_server, copy["code"]) == built
    original, again = view(live_server, session), view(live_server, copy)
    assert agenda_of(again) == agenda_of(original)
    assert len(original["activities"]) == 7
    assert len({a["kind"] for a in original["activities"]}) == 7


def test_activities_are_edited_reordered_deleted_and_hidden_and_the_log_and_archive_say_so(
        live_server: LiveServer, scene_page: Callable[..., Any]) -> None:
    session = live_server.create_session("Werkstatt", "de", False)
    moderate(live_server, session, [
        {"type": "phase.create", "title": "Einstieg", "minutes": 10},
        {"type": "phase.create", "title": "Abschluss", "minutes": 10},
        {"type": "activity.create", "kind": "poll", "title": "Wie geht es Ihnen?",
         "phase": "h1", "config": {"options": ["Gut", "Schlecht"]}},
        {"type": "activity.create", "kind": "words", "title": "Ein Wort zum Tag",
         "phase": "h1", "config": {"max_words": 1}},
        {"type": "activity.create", "kind": "qa", "title": "Fragen", "phase": "h1",
         "config": {}},
        {"type": "activity.create", "kind": "poll", "title": "Wie war es?", "phase": "h2",
         "config": {"options": ["Gut", "Es geht", "Schlecht"]}},
        {"type": "session.open"}, {"type": "session.start"},
        {"type": "activity.activate", "activity": "a1"},
    ])
    others(live_server, session, [{"type": "vote.cast", "activity": "a1", "choices": ["o1"]}])
    moderate(live_server, session, [{"type": "activity.lock", "activity": "a1"}])
    beamer = scene_page(session["presenter_url"], **BEAMER)
    wait_until(beamer, "document.body.innerText.includes('Wie geht es Ihnen?')")
    page = console(scene_page, session, **LAPTOP)
    # Live, the editor is switched on by hand.
    assert not page.locator("#plan-tools").is_visible()
    page.click("#plan-edit")
    wait_until(page, "document.querySelector('#plan-edit').getAttribute('aria-pressed') === 'true'")

    def titles(phase: str) -> list[str]:
        return [t.split(". ", 1)[1] for t in
                phase_item(page, phase).locator(".phase-activities a").all_inner_texts()]

    # Edit a draft: its title and its options, in the same form that created it.
    page.locator("[data-focus='a4:edit']").click()
    form = page.locator("#activity-editor form[data-edit-kind=poll]")
    assert form.is_visible()
    assert form.locator("[name=options]").input_value() == "Gut\nEs geht\nSchlecht"
    form.locator("[name=title]").fill("Wie war der Tag?")
    form.locator("[name=options]").fill("Gut\nSchlecht")
    form.locator("[name=multiple]").check()
    form.locator("button[type=submit]").click()
    wait_until(page, "!document.querySelector('#activity-editor').open")
    wait_until(page, "document.activeElement?.dataset.focus === 'a4:edit'")
    edited = next(a for a in view(live_server, session)["activities"] if a["id"] == "a4")
    assert edited["title"] == "Wie war der Tag?"
    assert [o["label"] for o in edited["config"]["options"]] == ["Gut", "Schlecht"]
    assert edited["config"]["multiple"] is True

    # Reorder: the word cloud one up (keyboard), then the Q&A down into the next phase.
    page.locator("[data-focus='a2:up']").focus()
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelector('#agenda .phase a').textContent.includes('Ein Wort')")
    assert titles("Einstieg") == ["Ein Wort zum Tag", "Wie geht es Ihnen?", "Fragen"]
    assert page.evaluate("document.activeElement.dataset.focus") in {"a2:down", "a2:edit"}
    page.locator("[data-focus='a3:down']").click()
    wait_until(page,
               "document.querySelectorAll('#agenda .phase')[1].textContent.includes('Fragen')")
    assert titles("Einstieg") == ["Ein Wort zum Tag", "Wie geht es Ihnen?"]
    assert titles("Abschluss") == ["Fragen", "Wie war der Tag?"]

    # With the mouse: the last poll dragged onto the Q&A goes in front of it.
    page.locator("li[data-activity=a4]").drag_to(page.locator("li[data-activity=a3]"))
    wait_until(page,
               "document.querySelectorAll('#agenda .phase')[1].querySelector('a')"
               ".textContent.includes('Wie war der Tag?')")
    assert titles("Abschluss") == ["Wie war der Tag?", "Fragen"]

    # Delete the untouched word cloud (after a confirmation).
    page.locator("[data-focus='a2:edit']").click()
    page.locator("#activity-editor [data-edit=delete]").click()
    confirm = page.locator("#confirm-edit")
    assert confirm.evaluate("d => d.open")
    confirm.locator("button[value=yes]").click()
    wait_until(page, "!document.querySelector('[data-focus=\"a2:edit\"]')")

    # The poll with a vote can only be hidden; its config cannot change any more.
    page.locator("[data-focus='a1:edit']").click()
    assert page.locator("#activity-editor-touched").is_visible()
    assert not page.locator("#activity-editor [data-edit=delete]").is_visible()
    assert page.locator("#activity-editor form[data-edit-kind=poll] [name=options]").is_disabled()
    page.locator("#activity-editor [data-edit=hide]").click()
    wait_until(page, "!document.querySelector('#activity-editor').open")
    wait_until(page, "document.querySelector('#card-a1').classList.contains('hidden-activity')")
    # The beamer drops it (reduce.js applies activity.hidden).
    wait_until(beamer, "!document.body.innerText.includes('Wie geht es Ihnen?')")
    final = view(live_server, session)
    assert [a["id"] for a in final["activities"]] == ["a1", "a4", "a3"]
    assert [a["phase"] for a in final["activities"]] == ["h1", "h2", "h2"]
    assert next(a for a in final["activities"] if a["id"] == "a1")["hidden"] is True

    # A phase that never ran goes, after a confirmation, from its edit form.
    moderate(live_server, session, [{"type": "phase.create", "title": "Reserve"}])
    wait_until(page, "document.querySelectorAll('#agenda .phase').length === 3")
    page.locator("[data-focus='h3:edit']").click()
    phase_item_form = page.locator("#agenda .phase form")
    phase_item_form.locator("button.danger").click()
    page.locator("#confirm-edit button[value=yes]").click()
    wait_until(page, "document.querySelectorAll('#agenda .phase').length === 2")

    log = event_types(live_server, session["code"])
    types = [t for t, _ in log]
    for wanted in ("activity.updated", "activity.moved", "activity.deleted", "activity.hidden"):
        assert wanted in types, wanted
    assert ("activity.deleted", {"activity": "a2"}) in log
    assert ("activity.hidden", {"activity": "a1", "hidden": True}) in log
    assert ("phase.deleted", {"phase": "h3"}) in log

    # Both of the second phase run (the later one first); then close the session in the
    # console: the archive has the plan's final order, the hidden one apart.
    moderate(live_server, session, [{"type": "activity.activate", "activity": "a3"},
                                    {"type": "activity.activate", "activity": "a4"},
                                    {"type": "activity.lock", "activity": "a4"}])
    page.locator("[data-session=close]").click()
    page.locator("#confirm-close button[value=close]").click()
    wait_until(page, "!document.querySelector('#archive-links').hidden", timeout=20)
    folder = Path(live_server.settings.sessions_dir)
    deadline = time.monotonic() + 20
    while not list(folder.rglob("results.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    archive = next(folder.rglob("results.json"))
    results = json.loads(archive.read_text("utf-8"))
    listed = results["activities"]
    assert [a["title"] for a in listed if not a.get("hidden")] == ["Wie war der Tag?", "Fragen"]
    assert [a["title"] for a in listed if a.get("hidden")] == ["Wie geht es Ihnen?"]
