"""The pure parts of the benchmark: percentiles, the burst figures, the report."""

from __future__ import annotations

import pytest

from bench.observe import observations
from bench.report import DEFAULT_INTRO, MARKER, keep_intro, num, ratio, render
from bench.stats import SeenAt, Vote, analyse_burst, percentile, summarise, trend
from bench.wsclient import frame


def test_percentile_is_nearest_rank() -> None:
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None
    # 2,000 samples: p99 is the 1,980th smallest, a value that was measured
    assert percentile(list(range(2000)), 99) == 1979


def test_percentile_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        percentile([1.0], 0)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summarise_scales_and_sorts() -> None:
    summary = summarise([0.003, 0.001, 0.002], scale=1000)
    assert summary.count == 3
    assert summary.p50 == pytest.approx(2.0)
    assert summary.max == pytest.approx(3.0)
    assert summary.mean == pytest.approx(2.0)
    assert summarise([]).p99 is None


def test_seen_at_finds_the_first_tally_including_a_seq() -> None:
    seen = SeenAt([(1.0, 3), (1.05, 7), (1.10, 9)])
    assert seen(1) == 1.0
    assert seen(3) == 1.0
    assert seen(4) == 1.05
    assert seen(9) == 1.10
    assert seen(10) is None


def test_seen_at_survives_a_tally_out_of_order() -> None:
    # the higher tally arrived first: the vote was on screen from then on
    seen = SeenAt([(1.0, 8), (1.05, 6), (1.10, 9)])
    assert seen(7) == 1.0
    assert seen(9) == 1.10


def burst() -> tuple[list[Vote], list[tuple[float, int]], list[list[tuple[float, int]]]]:
    votes = [
        Vote(0, sent=10.000, acked=10.010, seq=101),
        Vote(1, sent=10.020, acked=10.025, seq=102),
        Vote(2, sent=10.030, acked=10.040, seq=None),  # the same ballot again
        Vote(3, sent=10.040, acked=10.050, error="rate_limited"),
        Vote(4, sent=10.050, error="timeout"),
    ]
    presenter = [(10.050, 101), (10.100, 102)]
    phones = [
        [(10.052, 101), (10.103, 102)],
        [(10.055, 101), (10.110, 102)],
        [(10.060, 101)],  # never got the final tally
        [(9.0, 50), (10.105, 102)],  # a tally before the burst does not count
        [],
    ]
    return votes, presenter, phones


def test_analyse_burst() -> None:
    votes, presenter, phones = burst()
    result = analyse_burst(votes, presenter, phones)
    assert result.sent == 5
    assert result.acked == 3
    assert result.errors == {"rate_limited": 1, "timeout": 1}
    assert result.ack_ms.count == 3
    assert result.ack_ms.max == pytest.approx(10.0)
    # vote 0 seen at 10.050 (50 ms), vote 1 at 10.100 (80 ms); the no-op vote is not counted
    assert result.beamer_ms.count == 2
    assert result.beamer_ms.p50 == pytest.approx(50.0)
    assert result.beamer_ms.max == pytest.approx(80.0)
    assert result.unseen == 0
    assert result.final_seq == 102
    assert result.final_missing == 2
    # the last vote left at 10.050; phones saw seq 102 at 10.103, 10.110, 10.105
    assert result.final_reach_ms.max == pytest.approx(60.0)
    assert result.final_reach_ms.p50 == pytest.approx(55.0)
    assert result.window_s == pytest.approx(0.110)
    assert result.phone_tallies == 6
    assert result.presenter_tallies == 2
    assert result.tallies_per_phone_s == pytest.approx(6 / 5 / 0.110)
    # 6 + 2 tallies + 4 answers (the timeout had none)
    assert result.messages_per_s == pytest.approx(12 / 0.110)


def test_analyse_burst_counts_votes_the_beamer_never_showed() -> None:
    votes = [Vote(0, 1.0, 1.01, 5), Vote(1, 1.0, 1.01, 6)]
    result = analyse_burst(votes, [(1.05, 5)], [[(1.05, 6)]])
    assert result.unseen == 1
    assert result.beamer_ms.count == 1


def test_analyse_empty_burst() -> None:
    result = analyse_burst([], [], [])
    assert result.acked == 0
    assert result.ack_ms.p99 is None
    assert result.votes_per_s is None


def test_client_frames_are_masked() -> None:
    payload = b'{"type":"ping"}'
    data = frame(0x1, payload)
    assert data[0] == 0x81
    assert data[1] == 0x80 | len(payload)
    mask = data[2:6]
    unmasked = bytes(b ^ mask[i % 4] for i, b in enumerate(data[6:]))
    assert unmasked == payload
    long = frame(0x1, b"x" * 300)
    assert long[1] == 0x80 | 126 and int.from_bytes(long[2:4], "big") == 300


def test_number_formats() -> None:
    assert num(None) == "–"
    assert num(2000) == "2,000"
    assert num(1234.5) == "1,234"  # round half to even
    assert num(42.123) == "42.1"
    assert num(4.123, " ms") == "4.12 ms"
    assert ratio(3.0, 1.5) == "2.00×"
    assert ratio(30.0, 1.0) == "30.0×"
    assert ratio(None, 1.0) == "–"
    assert ratio(1.0, 0) == "–"


def result_dict(name: str) -> dict:
    votes, presenter, phones = burst()
    figures = analyse_burst(votes, presenter, phones).as_dict()
    figures["number"] = 1
    figures["extra"] = {"server_cpu_s": 0.5, "server_cpu_pct": 95.0, "server_rss_mb": 80.0,
                        "client_cpu_pct": [30.0, 31.0], "driver_cpu_pct": 1.0, "closed": {}}
    return {
        "name": name, "phones": 5, "bursts": [figures], "notes": [],
        "connect": {"connected": 5, "errors": {}, "seconds": 1.0, "per_s": 5.0,
                    "join_ms": summarise([0.01]).as_dict(),
                    "connect_ms": summarise([0.02]).as_dict(),
                    "messages": {"hello": 5, "event": 10}, "server_cpu_s": 0.1,
                    "server_rss_mb": 60.0, "rss_per_phone_kb": 30.0, "client_cpu_s": [0.1]},
    }


PLAN = {"phones": 5, "votes_per_phone": 1, "workers": 2, "lanes": 4, "spread": 1.0,
        "seed": 1, "cores": 2}
MACHINE = {"cpu": "Test CPU", "cores": 2, "ram_gib": 4.0, "system": "Linux", "python": "3.11",
           "packages": {"websockets": "17.4"}, "fd_limit": 20000}


def test_render_keeps_the_intro_and_shows_both_targets(tmp_path) -> None:
    text = render("# Benchmarks\n\nHand-written.\n", MACHINE, "python -m bench", "2026-11-21",
                  PLAN, {"facilitator": result_dict("facilitator"),
                         "reference": result_dict("reference")})
    intro, generated = text.split(MARKER)
    assert intro.strip() == "# Benchmarks\n\nHand-written."
    assert "Test CPU, 2 cores" in generated
    assert "`python -m bench`" in generated
    assert "| votes acknowledged | 3 / 5 | 3 / 5 | – |" in generated
    assert "| ack latency p50 / p95 / p99 / max, ms |" in generated
    assert "1.00×" in generated  # same figures on both sides
    assert "the server was CPU-bound" in generated
    path = tmp_path / "benchmarks.md"
    path.write_text(text)
    assert keep_intro(path) == "# Benchmarks\n\nHand-written.\n"


def test_keep_intro_without_marker_uses_the_default(tmp_path) -> None:
    assert keep_intro(tmp_path / "missing.md") == DEFAULT_INTRO
    (tmp_path / "old.md").write_text("# no marker\n")
    assert keep_intro(tmp_path / "old.md") == DEFAULT_INTRO


def test_render_shows_a_failure_and_its_log() -> None:
    failed = {"name": "facilitator", "phones": 5, "bursts": [], "notes": [],
              "failure": "RuntimeError: only 3 of 5 phones connected",
              "server_log": "Traceback: boom"}
    text = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", PLAN,
                  {"facilitator": failed, "reference": result_dict("reference")})
    assert "The facilitator run failed: `RuntimeError: only 3 of 5 phones connected`" in text
    assert "Traceback: boom" in text


def test_observations_judge_the_aim_from_the_numbers() -> None:
    ours = result_dict("facilitator")
    lines = observations(ours, None, {**PLAN, "phones": 5})
    assert any("fewer than the 2,000" in line for line in lines)
    # 3 of 5 acked, with errors: not met, and the errors are named
    assert any(line.startswith("Burst 1: aim not met") and "rate_limited ×1" in line
               for line in lines)
    assert observations(None, None, PLAN) == []


def test_trend_shows_a_queue_building_up() -> None:
    votes = [Vote(i, sent=i * 0.01, acked=i * 0.01 + i * 0.001, seq=i) for i in range(100)]
    trend_ms = trend(votes, parts=4)
    assert trend_ms == sorted(trend_ms)  # rising: each vote waited longer
    assert trend_ms[0] == pytest.approx(12.0)  # median of 0..24 ms, nearest rank: 12
    assert trend([], parts=2) == [None, None]


def test_render_names_settings_from_the_environment() -> None:
    ours = {**result_dict("facilitator"), "environment": {"FACILITATOR_TALLY_INTERVAL": "1.0"}}
    text = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", PLAN, {"facilitator": ours})
    assert "`FACILITATOR_TALLY_INTERVAL=1.0`" in text
    assert "| votes acknowledged | 3 / 5 | – | – |" in text


def test_observations_say_when_the_server_fell_behind() -> None:
    ours = result_dict("facilitator")
    ours["bursts"][0].update(sent=2000, votes_per_s=1500.0, ack_trend_ms=[100.0, 150.0])
    lines = observations(ours, None, {**PLAN, "phones": 2000, "spread": 1.0})
    assert any("acknowledged 1,500 votes/s of the 2,000 offered, so a queue built up" in line
               for line in lines)
    ours["bursts"][0].update(votes_per_s=1990.0)
    lines = observations(ours, None, {**PLAN, "phones": 2000, "spread": 1.0})
    assert any("kept up with the offered rate" in line for line in lines)


ARCHIVE = {"log": "tests/fixtures/simulationslabor.jsonl", "events": 1155, "phones": 40,
           "activities": 10, "runs": 5, "files": 14, "bytes": 420_000, "best_s": 0.412,
           "median_s": 0.431, "seconds": [0.45, 0.412, 0.431, 0.44, 0.42], "aim_s": 2.0}


def test_render_has_a_row_for_writing_the_documentation() -> None:
    text = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", PLAN,
                  {"facilitator": result_dict("facilitator")}, ARCHIVE)
    generated = text.split(MARKER)[1]
    assert "### Writing the documentation" in generated
    assert ("| `write_archive` of `tests/fixtures/simulationslabor.jsonl` (1,155 events, "
            "40 phones, 10 activities; 14 files, 0.42 MB), 5 runs, s | 0.412 | 0.431 | < 2 |"
            ) in generated
    assert "- aim met: the median of 5 runs took 0.43 s against 2 s" in generated
    assert "| votes acknowledged |" in generated
    slow = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", PLAN, {},
                  {**ARCHIVE, "median_s": 2.5})
    assert "aim NOT met" in slow
    assert "| votes acknowledged |" not in slow and "phone processes" not in slow


def test_the_archive_is_measured_on_the_recorded_log() -> None:
    from bench.archive import LOG, load

    events = load(LOG)
    assert events[0].type == "session.created" and events[-1].type == "session.closed"
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
