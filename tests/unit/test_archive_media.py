"""Slides and photos in the documentation: the files are copied from the session's blobs into
media/, report.html carries the small pictures inside itself, README.md and results.json name
them, a removed photo leaves no trace, and user text (a PDF's name, a page's text, a group's
name) is escaped in every file."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from facilitator.archive import write_archive, zip_archive
from facilitator.domain.session import SessionState
from tests.domain_log import Log

HOSTILE = '<script>alert(1)</script> & "Input" [x](javascript:alert(1))'


def blob(folder: Path, data: bytes, ext: str) -> str:
    name = f"{hashlib.sha256(data).hexdigest()}.{ext}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return name


@pytest.fixture()
def scene(tmp_path: Path) -> tuple[Log, Path, dict[str, str]]:
    blobs = tmp_path / "blobs" / "lab"
    names = {
        "pdf": blob(blobs, b"%PDF-1.7 pretend", "pdf"),
        "page1": blob(blobs, b"RIFF page one", "webp"),
        "thumb1": blob(blobs, b"RIFF thumb one", "webp"),
        "page2": blob(blobs, b"RIFF page two", "webp"),
        "thumb2": blob(blobs, b"RIFF thumb two", "webp"),
        "photo": blob(blobs, b"\xff\xd8 photo", "jpg"),
        "photo_thumb": blob(blobs, b"\xff\xd8 small", "jpg"),
        "gone": blob(blobs, b"\xff\xd8 removed later", "jpg"),
    }
    log = Log()
    phase = log.run("moderator", "phase.create", title="Input", minutes=20)["phase"]
    group = log.run("moderator", "group.create", name=HOSTILE[:60])["group"]
    slides = log.run("moderator", "activity.create", kind="slides", title="Beispiele",
                     phase=phase)["activity"]
    deck = {"name": HOSTILE, "pdf": {"blob": names["pdf"], "bytes": 16},
            "pages": [{"image": names["page1"], "thumb": names["thumb1"], "width": 1600,
                       "height": 900, "text": "Radverkehr in Münster " + HOSTILE},
                      {"image": names["page2"], "thumb": names["thumb2"], "width": 1600,
                       "height": 900, "text": ""}]}
    log.run("moderator", "slides.attach", activity=slides, deck=deck)
    walls = log.run("moderator", "activity.create", kind="ideas", title="Ideen",
                    per_group=True, phase=phase)["activity"]
    log.run("moderator", "session.open")
    person = log.run("system", "participant.join")["participant"]
    log.run("moderator", "group.assign", participant=person, group=group)
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=slides)
    log.run("moderator", "slides.show", activity=slides, page=2)
    log.run("moderator", "activity.activate", activity=walls)
    log.run("participant", "photo.add", who=person, activity=walls,
            image=names["photo"], thumb=names["photo_thumb"], width=2048, height=1536)
    gone = log.run("moderator", "photo.add", phase=phase, image=names["gone"],
                   thumb=names["gone"], width=10, height=10)["photo"]
    log.run("moderator", "photo.remove", photo=gone)
    log.run("moderator", "session.close")
    return log, blobs, names


def test_the_files_are_copied_and_named(scene: tuple[Log, Path, dict[str, str]],
                                        tmp_path: Path) -> None:
    log, blobs, names = scene
    folder = tmp_path / "archive" / "lab"
    write_archive(log.events, folder, blobs=blobs)
    media = sorted(p.name for p in (folder / "media").iterdir())
    # The PDF, the small pictures of the pages and the photo; not the pages in full size
    # (the PDF has them) and not the removed photo.
    assert media == sorted([names["pdf"], names["thumb1"], names["thumb2"], names["photo"],
                            names["photo_thumb"]])
    data = json.loads((folder / "results.json").read_text("utf-8"))
    slides = next(a for a in data["activities"] if a["kind"] == "slides")
    result = slides["instances"][0]["result"]
    assert result["pdf"] == "media/" + names["pdf"] and result["shown"] == 2
    assert [p["thumb"] for p in result["pages"]] == ["media/" + names["thumb1"],
                                                     "media/" + names["thumb2"]]
    assert [p["id"] for p in data["photos"]] == ["f1"]
    photo = data["photos"][0]
    assert photo["file"] == "media/" + names["photo"] and not photo["by_moderator"]
    assert photo["activity"] == next(a["number"] for a in data["activities"]
                                     if a["kind"] == "ideas")
    html = (folder / "report.html").read_text("utf-8")
    # The small pictures are inside the page; the full sizes and the PDF are links.
    thumb = base64.b64encode((blobs / names["photo_thumb"]).read_bytes()).decode()
    assert f'src="data:image/jpeg;base64,{thumb}"' in html
    assert f'href="media/{names["photo"]}"' in html and f'href="media/{names["pdf"]}"' in html
    readme = (folder / "README.md").read_text("utf-8")
    assert f"(media/{names['photo']})" in readme and f"(media/{names['pdf']})" in readme
    assert names["gone"] not in html + readme + json.dumps(data)


def test_user_text_of_files_is_escaped(scene: tuple[Log, Path, dict[str, str]],
                                       tmp_path: Path) -> None:
    log, blobs, _ = scene
    folder = tmp_path / "lab"
    write_archive(log.events, folder, blobs=blobs)
    html = (folder / "report.html").read_text("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    readme = (folder / "README.md").read_text("utf-8")
    assert "<script>" not in readme and "](javascript:" not in readme


def test_same_log_same_files_and_a_removed_photo_leaves(
        scene: tuple[Log, Path, dict[str, str]], tmp_path: Path) -> None:
    log, blobs, names = scene
    one, two = tmp_path / "one" / "lab", tmp_path / "two" / "lab"
    write_archive(log.events, one, blobs=blobs)
    write_archive(log.events, two, blobs=blobs)
    assert zip_archive(one) == zip_archive(two)
    # A photo removed after the archive was written goes from the folder on the next write.
    photo = log.state.photos["f1"]
    log.state.status = "live"  # type: ignore[assignment]  # remove is allowed after close too
    log.run("moderator", "photo.remove", photo="f1")
    write_archive(log.events, one, blobs=blobs)
    assert photo.image not in {p.name for p in (one / "media").iterdir()}
    assert names["pdf"] in {p.name for p in (one / "media").iterdir()}


def test_a_file_missing_from_the_store_is_said_not_fatal(
        scene: tuple[Log, Path, dict[str, str]], tmp_path: Path) -> None:
    log, blobs, names = scene
    (blobs / names["thumb1"]).unlink()
    folder = tmp_path / "lab"
    write_archive(log.events, folder, blobs=blobs)
    html = (folder / "report.html").read_text("utf-8")
    assert "(Datei fehlt)" in html or "(file missing)" in html


def test_questions_stay_open_beside_slides(tmp_path: Path) -> None:
    """Activating slides while a Q&A is current leaves the Q&A open (phones ask beside the
    slides); the next other activity, or the close, locks both, each by its own event."""
    log = Log()
    qa = log.run("moderator", "activity.create", kind="qa", title="Fragen")["activity"]
    slides = log.run("moderator", "activity.create", kind="slides", title="Input")["activity"]
    poll = log.run("moderator", "activity.create", kind="poll", title="Wahl",
                   config={"options": ["A", "B"]})["activity"]
    log.run("moderator", "session.open")
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=qa)
    log.run("moderator", "activity.activate", activity=slides)
    assert log.state.activities[qa].status == "active"
    assert log.state.current == slides
    person = log.run("system", "participant.join")["participant"]
    log.run("participant", "question.ask", who=person, activity=qa, text="Wie teuer?")
    log.run("moderator", "activity.activate", activity=poll)
    locked = [e.data["activity"] for e in log.events[-3:] if e.type == "activity.locked"]
    assert sorted(locked) == sorted([qa, slides])
    assert {log.state.activities[a].status for a in (qa, slides)} == {"locked"}
    # The log read again gives the same state, and the documentation the lock's time.
    again = SessionState.from_events(log.events)
    assert again.activities[qa].status == "locked"
    data = json.loads((write_archive(log.events, tmp_path / "lab")[2]).read_text("utf-8"))
    documented = next(a for a in data["activities"] if a["id"] == qa)
    assert documented["locked"] is not None
    assert documented["locked"] > next(a for a in data["activities"]
                                       if a["id"] == slides)["activated"]
