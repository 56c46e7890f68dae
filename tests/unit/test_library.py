"""The plan library: the ready plans (from the package or the checkout, never both, only their
plan.toml), and templates saved under the data directory (checked, named by a slug, written
whole, at most MAX_TEMPLATES)."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest

from facilitator import library
from facilitator.domain.errors import Invalid, LimitReached, NotFound
from facilitator.domain.plan import PlanError, load_plan

ROOT = Path(__file__).resolve().parents[2]
SLUGS = ["konzeptworkshop-anlaufstelle", "leitbild-werkstatt", "simulationslabor-klimaschutz",
         "waermeplanung-auftakt", "zielbild-interkommunal"]
PLAN = """title = "Quartiersrunde"

[[phases]]
title = "Ankommen"
minutes = 10

[[phases.activities]]
kind = "words"
title = "Ein Wort"

[[phases]]
title = "Ohne Zeit"
"""


def test_the_five_ready_plans_of_the_checkout() -> None:
    ready = library.ready_plans()
    assert [plan.slug for plan in ready] == SLUGS
    for plan in ready:
        assert plan.source == "ready"
        assert plan.path == ROOT / "sessions" / plan.slug / "plan.toml"
        assert plan.plan == load_plan(plan.path.read_text("utf-8"))
        assert plan.title == plan.plan.title
        assert plan.phases == len(plan.plan.phases) > 0
        assert plan.minutes == sum(p.minutes or 0 for p in plan.plan.phases) > 0
    assert library.ready_plan("leitbild-werkstatt").slug == "leitbild-werkstatt"
    with pytest.raises(NotFound):
        library.ready_plan("gibt-es-nicht")


def test_the_wheel_ships_every_ready_plan_and_nothing_else_of_sessions() -> None:
    """Force-include takes no patterns, so pyproject.toml names each plan.toml: a new ready
    plan needs its line, and documentation written next to the plans never ships."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    shipped = {source: target for source, target in included.items()
               if source.startswith("sessions")}
    expected = {f"sessions/{slug}/plan.toml": f"facilitator/sessions/{slug}/plan.toml"
                for slug in SLUGS}
    assert shipped == expected
    on_disk = {f"sessions/{path.parent.name}/plan.toml"
               for path in (ROOT / "sessions").glob("*/plan.toml")}
    assert on_disk == set(expected)


def _packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake installed package whose ready plans are in tmp_path/facilitator/sessions."""
    package = tmp_path / "facilitator"
    (package / "sessions").mkdir(parents=True)
    monkeypatch.setattr(library.resources, "files", lambda name: package)
    return package / "sessions"


def test_an_installed_package_reads_its_own_copy_only(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    sessions = _packaged(tmp_path, monkeypatch)
    (sessions / "runde").mkdir()
    (sessions / "runde" / "plan.toml").write_text(PLAN, "utf-8")
    # Documentation written next to a plan, a folder without a plan, a broken plan.
    (sessions / "runde" / "README.md").write_text("# Doku", "utf-8")
    (sessions / "runde-abc123").mkdir()
    (sessions / "runde-abc123" / "results.json").write_text("{}", "utf-8")
    (sessions / "kaputt").mkdir()
    (sessions / "kaputt" / "plan.toml").write_text('title = "X"\n[[phases]]\n', "utf-8")
    with caplog.at_level(logging.WARNING, "facilitator.library"):
        ready = library.ready_plans()
    assert [(p.slug, p.title, p.phases, p.minutes) for p in ready] == \
        [("runde", "Quartiersrunde", 2, 10)]
    assert "kaputt" in caplog.text


def test_template_names_become_slugs() -> None:
    assert library.template_slug("Wärmeplanung Süd!") == "waermeplanung-sued"
    assert library.template_slug("  Straße & Grün  ") == "strasse-gruen"
    assert library.template_slug("../../etc/passwd") == "etc-passwd"
    assert library.template_slug("Café 2030") == "cafe-2030"
    long = library.template_slug("a" * 63 + " b")
    assert long == "a" * 63 and len(long) <= library.NAME_LIMIT
    for bad in ("", "   ", "---", "🙂", "x" * 201):
        with pytest.raises(Invalid):
            library.template_slug(bad)


def test_save_list_and_load_a_template(tmp_path: Path) -> None:
    assert library.templates(tmp_path) == []
    saved = library.save_template(tmp_path, "Quartiersrunde Nord", "\ufeff" + PLAN)
    assert (saved.slug, saved.title, saved.source) == ("quartiersrunde-nord",
                                                      "Quartiersrunde", "template")
    assert saved.path == tmp_path / "templates" / "quartiersrunde-nord.toml"
    assert saved.path.read_text("utf-8") == PLAN
    assert library.templates(tmp_path) == [saved]
    assert library.load_template(tmp_path, "quartiersrunde-nord") == saved
    # The same name again replaces it.
    changed = PLAN.replace("Quartiersrunde", "Runde im Quartier")
    again = library.save_template(tmp_path, "quartiersrunde NORD", changed)
    assert again.path == saved.path and again.title == "Runde im Quartier"
    assert [t.title for t in library.templates(tmp_path)] == ["Runde im Quartier"]
    assert sorted(p.name for p in saved.path.parent.iterdir()) == ["quartiersrunde-nord.toml"]


def test_a_bad_template_changes_nothing(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as error:
        library.save_template(tmp_path, "Kaputt", 'title = "X"\n\n[[phases]]\ntitle = 3\n')
    assert error.value.line == 4 and error.value.field == "phases[1].title"
    assert error.value.source == "kaputt.toml"
    with pytest.raises(Invalid):
        library.save_template(tmp_path, "!!!", PLAN)
    assert not (tmp_path / "templates").exists()
    library.save_template(tmp_path, "Gut", PLAN)
    with pytest.raises(PlanError):
        library.save_template(tmp_path, "Gut", "title = ")
    assert library.load_template(tmp_path, "gut").title == "Quartiersrunde"
    assert [p.name for p in (tmp_path / "templates").iterdir()] == ["gut.toml"]


def test_loading_names_that_are_no_template(tmp_path: Path) -> None:
    (tmp_path / "secret.toml").write_text(PLAN, "utf-8")
    library.save_template(tmp_path, "Gut", PLAN)
    for name in ("../secret", "fehlt", "", "Gut", "gut.toml", "/etc/passwd"):
        with pytest.raises(NotFound):
            library.load_template(tmp_path, name)


def test_templates_skip_files_that_do_not_load(tmp_path: Path) -> None:
    library.save_template(tmp_path, "Gut", PLAN)
    folder = tmp_path / "templates"
    (folder / "von-hand.toml").write_text("title = ", "utf-8")
    (folder / ".gut.123.part").write_text(PLAN, "utf-8")
    (folder / "Gross.toml").write_text(PLAN, "utf-8")
    assert [t.slug for t in library.templates(tmp_path)] == ["gut"]


def test_at_most_max_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library, "MAX_TEMPLATES", 3)
    for name in ("eins", "zwei", "drei"):
        library.save_template(tmp_path, name, PLAN)
    with pytest.raises(LimitReached):
        library.save_template(tmp_path, "vier", PLAN)
    assert not (tmp_path / "templates" / "vier.toml").exists()
    # Replacing one that is there is no new template.
    assert library.save_template(tmp_path, "zwei", PLAN).slug == "zwei"
    assert len(library.templates(tmp_path)) == 3


def test_a_template_changed_on_disk_is_read_again(tmp_path: Path) -> None:
    import os

    saved = library.save_template(tmp_path, "Runde", PLAN)
    assert library.templates(tmp_path)[0] is library.templates(tmp_path)[0]  # parsed once
    same_size = PLAN.replace("Quartiersrunde", "Quartiersabend")
    saved.path.write_text(same_size, "utf-8")
    stat = saved.path.stat()
    os.utime(saved.path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert [t.title for t in library.templates(tmp_path)] == ["Quartiersabend"]
