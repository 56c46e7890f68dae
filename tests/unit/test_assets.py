"""The static files as the server sends them (web/assets.py): scripts without comment lines that
are still the same programs, each page's module graph and texts, a version that follows the
content."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from facilitator.web.assets import StaticSite, compact, module_graph, version
from facilitator.web.strings import js_strings

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
SCRIPTS = sorted(STATIC.rglob("*.js"))
NODE = shutil.which("node")


def test_compact_drops_comment_lines_and_indentation_only() -> None:
    source = "// a comment\nfunction f() {\n    // inside\n    return 1; // kept\n}\n"
    assert compact(source) == "function f() {\nreturn 1; // kept\n}\n"


def test_compact_keeps_a_template_literal_that_spans_lines() -> None:
    source = "const s = `first\n    // not a comment\n  indented`;\n  // gone\nx();\n"
    assert compact(source) == "const s = `first\n    // not a comment\n  indented`;\nx();\n"


def test_compact_counts_escaped_backticks_as_text() -> None:
    source = "const a = `one \\` two`;\n  // gone\n"
    assert compact(source) == "const a = `one \\` two`;\n"


@pytest.mark.skipif(NODE is None, reason="node checks the syntax (npm comes with make test)")
@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(STATIC)))
def test_every_compacted_script_still_parses(path: Path, tmp_path: Path) -> None:
    compacted = tmp_path / path.name.replace(".js", ".mjs")
    compacted.write_text(compact(path.read_text("utf-8")), "utf-8")
    done = subprocess.run([str(NODE), "--check", str(compacted)], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(STATIC)))
def test_compacting_keeps_every_line_of_code(path: Path) -> None:
    """Only whole comment lines go: the code lines are the same, in the same order."""
    source = path.read_text("utf-8")
    code = [line.strip() for line in source.split("\n") if not line.strip().startswith("//")]
    kept = [line.strip() for line in compact(source).split("\n")]
    assert [c for c in code if c] == [k for k in kept if k]


@pytest.mark.parametrize("entry", ["js/participant.js", "js/presenter.js", "js/moderator.js"])
def test_each_page_loads_only_its_own_audience(entry: str) -> None:
    graph = module_graph(STATIC, entry, dynamic=True)
    assert graph and all((STATIC / path).is_file() for path in graph)
    audiences = {"js/participant.js": "phone", "js/presenter.js": "beamer",
                 "js/moderator.js": "console"}
    own = audiences[entry]
    foreign = [p for p in graph if p.split("/")[1] in set(audiences.values()) - {own}]
    assert foreign == [], f"{entry} loads another audience's code: {foreign}"


@pytest.mark.parametrize("entry", ["js/participant.js", "js/presenter.js", "js/moderator.js"])
def test_each_page_gets_every_text_its_scripts_name(entry: str) -> None:
    site = StaticSite(STATIC)
    texts = js_strings(lambda s: s)
    given = site.strings(entry, texts)
    named = set()
    for path in [entry, *module_graph(STATIC, entry, dynamic=True)]:
        source = (STATIC / path).read_text("utf-8")
        named |= set(re.findall(r"""\b(?:t|plural)\(\s*["']([\w.]+)["']""", source))
    for key in named:
        forms = [key] if key in texts else [f"{key}.one", f"{key}.other"]
        missing = [f for f in forms if f in texts and f not in given]
        assert not missing, f"{entry} lacks {missing}"
    if entry != "js/moderator.js":
        console_only = {"notes.saved", "limits.saved", "limits.refused.one"}
        assert not console_only & set(given), "a phone or beamer gets the console's texts"


def test_a_phone_preloads_only_the_kind_on_screen() -> None:
    site = StaticSite(STATIC)
    plain = site.preloads("js/participant.js")
    assert not [p for p in plain if p.startswith("js/phone/") and p.split("/")[-1] in {
        "ideas.js", "poll.js", "dots.js", "matrix.js", "measure.js"}]
    with_poll = site.preloads("js/participant.js", "js/phone/poll.js")
    assert "js/phone/poll.js" in with_poll and set(plain) <= set(with_poll)
    assert "js/phone/dots.js" not in with_poll


def test_the_version_follows_the_content(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("export const a = 1;\n")
    before = version(tmp_path)
    assert version(tmp_path) == before
    (tmp_path / "a.js").write_text("export const a = 2;\n")
    assert version(tmp_path) != before
