"""The command line: help, settings from flags and env, sessions from plan files."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.cli import main, parser
from facilitator.config import OPTIONS, load_settings

PLAN = Path(__file__).parents[2] / "sessions" / "simulationslabor-klimaschutz" / "plan.toml"


def test_help_lists_every_setting(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--help"])
    out = capsys.readouterr().out
    for option in OPTIONS:
        assert option.flag in out and option.env in out


def test_flags_win_over_env_over_defaults() -> None:
    env = {"FACILITATOR_PORT": "9001", "FACILITATOR_HOST": "0.0.0.0",
           "FACILITATOR_PROXY_HEADERS": "true"}
    settings = load_settings({"port": 9002}, env)
    assert settings.port == 9002 and settings.host == "0.0.0.0" and settings.proxy_headers
    assert settings.base_url.endswith(":9002")  # the address: tests/unit/test_network.py
    assert load_settings({}, {}).port == 8000
    assert load_settings({"public_url": "https://w.example.org/"}, {}).base_url == \
        "https://w.example.org"
    with pytest.raises(ValueError):
        load_settings({"language": "fr"}, {})


def test_new_creates_a_session_from_a_plan(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", str(PLAN), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "/moderate/" in out and "/present/" in out and "/j/" in out
    assert main(["new", str(PLAN), "--data-dir", str(tmp_path)]) == 1, "only once per slug"
    assert main(["sessions", "--data-dir", str(tmp_path)]) == 0
    assert "/moderate/" in capsys.readouterr().out


def test_bad_plan_names_line_and_field(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "kaputt" / "plan.toml"
    plan.parent.mkdir()
    plan.write_text('title = "Test"\nlanguage = "en"\n\n[[phases]]\ntitle = "Eins"\n\n'
                    '[[phases.activities]]\nkind = "poll"\ntitle = "Frage"\n'
                    'options = ["nur eine"]\n', "utf-8")
    assert main(["new", str(plan), "--data-dir", str(tmp_path), "--language", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{plan}, line 10") and "phases[1].activities[1].options" in err


def test_new_and_plans_take_names_of_the_library(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from facilitator import library

    library.save_template(tmp_path, "Meine Runde", PLAN.read_text("utf-8").replace(
        'title = "Simulationslabor', 'title = "Runde'))
    assert main(["plans", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert all(plan.slug in out and plan.title in out for plan in library.ready_plans())
    assert "meine-runde" in out and "Runde Klimaschutz" in out
    assert main(["new", "leitbild-werkstatt", "--data-dir", str(tmp_path)]) == 0
    assert "Leitbild-Werkstatt" in capsys.readouterr().out
    assert main(["new", "meine-runde", "--data-dir", str(tmp_path)]) == 0
    assert "„Runde Klimaschutz" in capsys.readouterr().out
    assert main(["new", "leitbild-werkstatt", "--data-dir", str(tmp_path)]) == 1
    assert main(["new", "gibt-es-nicht", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "'gibt-es-nicht'" in err and "simulationslabor-klimaschutz" in err
    # A folder with a plan.toml is that plan.
    assert main(["new", str(PLAN.parent), "--data-dir", str(tmp_path / "other")]) == 0


def test_new_explains_what_a_plan_may_be(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["new", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "a ready plan's name (simulationslabor-klimaschutz)" in out
    assert "facilitator plans lists the names" in out
