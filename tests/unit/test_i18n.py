"""The catalogs keep up with the code: every message the Python code and the templates use has
a German translation, placeholders survive translation, and each compiled .mo says exactly
what its .po says (the server loads only the .mo files)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "facilitator" / "locale"
LANGUAGES = ("de", "en")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


def _po(language: str) -> Catalog:
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What `make catalogs` would extract now (babel.cfg and Babel's default keywords)."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    CommandLineInterface().run(["pybabel", "--quiet", "extract", "-F", str(ROOT / "babel.cfg"),
                                "-o", str(pot), "--no-location", str(ROOT)])
    with pot.open("rb") as f:
        return read_po(f)


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {m.id for m in catalog if m.id}


def test_extraction_finds_the_messages(extracted: Catalog) -> None:
    # A broken babel.cfg extracts nothing, and everything below would pass vacuously.
    assert len(_ids(extracted)) > 100
    assert "Add idea" in _ids(extracted)  # facilitator/web/strings.py
    assert "Join a workshop" in _ids(extracted)  # templates/site/home.html
    assert "This idea does not exist." in _ids(extracted)  # N_() in the domain


def test_every_message_has_a_german_translation(extracted: Catalog) -> None:
    german = _po("de")
    missing, untranslated = [], []
    for message in extracted:
        if not message.id:
            continue
        translated = german.get(message.id)
        if translated is None:
            missing.append(message.id)
        elif translated.fuzzy or not all(
                translated.string if isinstance(translated.string, tuple)
                else [translated.string]):
            untranslated.append(message.id)
    assert not missing, f"not in de/messages.po (run `make catalogs`): {missing}"
    assert not untranslated, f"no German text (or fuzzy) in de/messages.po: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = []
    for message in _po(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        wrong += [(message.id, s) for s in strings
                  if s and set(PLACEHOLDER.findall(s)) != expected]
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_its_source(language: str) -> None:
    # Content, not modification times: a git checkout gives every file the same mtime.
    compiled = io.BytesIO()
    write_mo(compiled, _po(language))
    compiled.seek(0)
    with (LOCALE / language / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        shipped = read_mo(f)
    expected = read_mo(compiled)
    as_dict = {m.id: m.string for m in expected if m.id}
    got = {m.id: m.string for m in shipped if m.id}
    stale = sorted(str(k) for k in as_dict.keys() ^ got.keys()) + sorted(
        str(k) for k in as_dict.keys() & got.keys() if as_dict[k] != got[k])
    assert not stale, (f"{language}/messages.mo is out of date (run "
                       f"`.venv/bin/pybabel compile -d facilitator/locale`): {stale[:10]}")


# Keys the scripts build at run time, from the values the protocol defines.
DYNAMIC_KEYS = {
    "status.": ("connecting", "connected", "reconnecting", "offline", "refused"),
    "session.status.": ("draft", "open", "live", "closed"),
    "activity.status.": ("draft", "active", "locked"),
    "activity.": ("activate", "lock", "unlock", "reveal", "conceal"),
    "kind.": ("ideas", "poll"),
    # static/js/agenda.js: an activity's state in the agenda sidebar
    "agenda.state.": ("planned", "open", "shown", "done"),
    # static/js/console/cockpit.js: "Weiter: …" by kind (the voting kinds say "vote")
    "next.lock.": ("ideas", "measure", "qa", "vote", "words"),
    "next.activate.": ("ideas", "measure", "qa", "vote", "words", "slides"),
}


def test_every_text_the_scripts_show_is_in_js_strings() -> None:
    from facilitator.web.strings import js_strings

    strings = js_strings(lambda message: message)
    used: set[str] = {prefix + value for prefix, values in DYNAMIC_KEYS.items()
                      for value in values}
    for script in (ROOT / "static" / "js").rglob("*.js"):
        source = script.read_text(encoding="utf-8")
        for call in re.finditer(r"\b(t|plural)\(([^()]*)", source):
            keys = re.findall(r"\"([a-z_]+(?:\.[a-z_]+)+)\"", call.group(2))
            if call.group(1) == "plural":
                keys = [f"{key}.{form}" for key in keys[:1] for form in ("one", "other")]
            used.update(keys)
    assert len(used) > 50  # the pattern still finds the calls
    assert not used - strings.keys(), f"missing in strings.py: {sorted(used - strings.keys())}"
    assert not strings.keys() - used, f"unused in strings.py: {sorted(strings.keys() - used)}"
