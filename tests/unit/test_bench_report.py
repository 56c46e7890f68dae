"""The pure parts of the benchmark: percentiles, the burst figures, the report, the limits."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from bench.codec import measure as measure_codec
from bench.limits import SERVER_LIMITS, close_refusal, explain, join_refusal, server_environment
from bench.observe import cpu_per_vote_ms, observations
from bench.pages import section as pages_section
from bench.reference import MAX_ROOMS, Rooms
from bench.report import (
    DEFAULT_INTRO,
    MARKER,
    keep_intro,
    num,
    ratio,
    render,
    splice,
    targets_table,
)
from bench.run import Plan, logged_errors
from bench.stats import (
    SeenAt,
    Session,
    Vote,
    analyse_burst,
    analyse_sessions,
    percentile,
    summarise,
    trend,
)
from bench.targets import intervals
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
    # a burst with a spread of its own (the 10 s burst of many phones) is read by it
    ours["bursts"][0].update(votes_per_s=200.0, ack_trend_ms=[5.0, 5.0], spread_s=10.0)
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


# Several sessions at once, many phones in one session, and the server's protective limits.

def two_sessions() -> list[Session]:
    """Two sessions whose seqs overlap: each vote must be looked up on its own beamer."""
    a = ([Vote(0, 10.000, 10.005, 11, session="A"), Vote(2, 10.010, 10.015, 12, session="A")],
         [(10.020, 11), (10.070, 12)],
         [[(10.030, 11), (10.080, 12)], [(10.090, 12)]])
    b = ([Vote(1, 10.000, 10.004, 11, session="B"),
          Vote(3, 10.020, 10.030, error="busy", session="B")],
         [(10.100, 11)],
         [[(10.110, 11)], [(10.050, 9)]])  # the second phone of B never got its final tally
    return [a, b]


def test_analyse_sessions_looks_each_vote_up_on_its_own_beamer() -> None:
    result = analyse_sessions(two_sessions())
    assert result.phones == 4
    assert result.sent == 4
    assert result.acked == 3
    assert result.errors == {"busy": 1}
    # A: 20 ms and 60 ms on A's beamer; B: seq 11 reached B's beamer only at 10.100 (100 ms),
    # although A's beamer showed a seq 11 at 10.020 (looked up there, it would be 20 ms)
    assert result.beamer_ms.count == 3
    assert result.beamer_ms.max == pytest.approx(100.0)
    assert result.beamer_ms.mean == pytest.approx(60.0)
    assert result.unseen == 0
    # final tallies: A (last vote sent 10.010) 70 and 80 ms; B (last sent 10.020) 90 ms
    assert result.final_reach_ms.count == 3
    assert result.final_reach_ms.max == pytest.approx(90.0)
    assert result.final_missing == 1
    assert result.final_seq == 12
    assert result.window_s == pytest.approx(0.110)


def test_two_equal_sessions_have_the_latencies_of_one() -> None:
    votes, presenter, phones = burst()
    one = analyse_burst(votes, presenter, phones)
    two = analyse_sessions([(votes, presenter, phones), (votes, presenter, phones)])
    assert (two.sent, two.acked, two.phones) == (2 * one.sent, 2 * one.acked, 2 * one.phones)
    assert two.errors == {k: 2 * v for k, v in one.errors.items()}
    for name in ("ack_ms", "beamer_ms", "final_reach_ms"):
        mine, theirs = getattr(two, name), getattr(one, name)
        assert mine.count == 2 * theirs.count
        assert (mine.p50, mine.p99, mine.max) == (theirs.p50, theirs.p99, theirs.max)
    assert two.final_missing == 2 * one.final_missing
    assert two.window_s == one.window_s
    assert two.tallies_per_phone_s == pytest.approx(one.tallies_per_phone_s)


def with_cpu(result: dict, cpu_s: float, p99: float) -> dict:
    """A copy of a result whose burst used cpu_s of server CPU and had ack/beamer p99."""
    out = copy.deepcopy(result)
    burst = out["bursts"][0]
    burst["extra"]["server_cpu_s"] = cpu_s
    burst["ack_ms"]["p99"] = p99
    burst["beamer_ms"]["p99"] = p99
    return out


def sessions_plan(**more) -> dict:
    return {**PLAN, "phones": 20, "sessions_at_once": 10, "large_phones": 5000, **more}


def test_cpu_per_vote() -> None:
    result = result_dict("facilitator")  # 3 votes acknowledged, 0.5 s of server CPU
    assert cpu_per_vote_ms(result, 0) == pytest.approx(500 / 3)
    assert cpu_per_vote_ms(result, 1) is None
    assert cpu_per_vote_ms(None, 0) is None


def test_render_has_ten_sessions_against_one() -> None:
    one = {"facilitator": with_cpu(result_dict("facilitator"), 0.3, 50.0),
           "reference": with_cpu(result_dict("reference"), 0.3, 40.0)}
    ten = {"facilitator": with_cpu(result_dict("facilitator"), 0.45, 75.0),
           "reference": with_cpu(result_dict("reference"), 0.31, 40.0)}
    text = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", sessions_plan(), one,
                  sessions=ten)
    generated = text.split(MARKER)[1]
    assert "20 phones in one session, then the same 20 phones in ten sessions at once" in generated
    assert "### Ten sessions at once" in generated
    assert "The same 20 phones in ten sessions of 2 on one server" in generated
    assert "| **Ten sessions at once: connecting** | | | |" in generated
    assert "| **Ten sessions at once: burst 1 (first votes)** | | | |" in generated
    # 0.45 s / 3 votes = 150 ms per vote against 100 ms with one session
    assert "| server CPU per acknowledged vote, ms | 150 | 103 | 1.45× |" in generated
    assert ("| server CPU per acknowledged vote, ten sessions ÷ one session (burst 1) "
            "| 1.50× | 1.03× | – |") in generated
    assert "| ack latency p99, ten sessions ÷ one session | 1.50× | 1.00× | – |" in generated
    assert "| vote-to-beamer p99, ten sessions ÷ one session | 1.50× | 1.00× | – |" in generated
    assert ("facilitator, burst 1: with ten sessions of 2 phones the server used 150.00 ms of "
            "CPU per acknowledged vote, with one session of 20 phones 100.00 ms (1.50×): ten "
            "sessions cost more per vote than one; ack p99 75 ms against 50 ms") in generated
    assert "reference, burst 1:" in generated and "about the same per vote" in generated
    assert "run again before trusting" not in generated
    one["facilitator"]["bursts"][0]["extra"]["others_cpu_pct"] = 61.0
    disturbed = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", sessions_plan(), one,
                       sessions=ten)
    assert ("; other processes on the machine used 61% of a core during one of the two bursts, "
            "so run again before trusting the difference.") in disturbed
    # the errors of the burst are named, with the one-session count beside them
    assert "facilitator, burst 1 with ten sessions: 3 of 5 votes acknowledged (errors: " \
           "rate_limited ×1, timeout ×1); with one session 3 of 5." in generated
    # the one-session table is still there, with the new row
    assert "### Figures" in generated and "| **Burst 1 (first votes)** | | | |" in generated
    assert generated.index("### Figures") < generated.index("### Ten sessions at once")
    assert "Several sessions at once: each session is set up as above" in generated


def test_ten_sessions_alone_have_no_comparison_rows() -> None:
    ten = {"facilitator": result_dict("facilitator")}
    text = render(DEFAULT_INTRO, MACHINE, "python -m bench --stage sessions", "today",
                  sessions_plan(), {}, sessions=ten)
    assert "### Ten sessions at once" in text
    assert "÷ one session" not in text
    assert "### Figures" not in text
    assert "(no one-session figures in this run to compare with)" in text


def test_render_has_the_large_session() -> None:
    large = {"facilitator": result_dict("facilitator"), "reference": result_dict("reference")}
    large["facilitator"]["connect"].update(connected=5, per_s=812.0, server_cpu_s=6.25,
                                           retries={"join answered 503 (busy), sent again": 2})
    plan = sessions_plan(large_phones=5, phones=2000)
    text = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", plan, {}, large=large)
    generated = text.split(MARKER)[1]
    assert "5 phones in one session (a burst spread over 1 s, then one over 10 s)" in generated
    assert "### 5 phones in one session" in generated
    assert "| **5 phones in one session: connecting** | | | |" in generated
    assert "| **5 phones in one session: burst 1 (first votes)** | | | |" in generated
    assert "| join + connect rate, phones/s (reference: connect only) | 812 | 5.00 | – |" \
        in generated
    assert "| server CPU while connecting, s | 6.25 | 0.10 | 62.5× |" in generated
    assert ("| final tally on every phone, after the last vote was sent, p50 / p95 / p99 / max, "
            "ms | 55.0 / 60.0 / 60.0 / 60.0 |") in generated
    assert ("facilitator: 5 of 5 phones joined and connected at 812 phones/s, with 6.2 s of "
            "server CPU while they joined (the reference, which has no join: 5 phones/s, "
            "0.1 s).") in generated
    assert "join answered 503 (busy), sent again ×2 (busy answers while joining)" in generated
    assert ("facilitator, burst 1: 3 of 5 votes acknowledged (errors: rate_limited ×1, "
            "timeout ×1); the final tally reached 99% of the phones 60 ms after the last "
            "vote was sent, the last phone 60 ms; 2 phones never received it.") in generated


def test_the_targets_of_many_phones_say_which_are_met() -> None:
    ours, ref = result_dict("facilitator"), result_dict("reference")
    for result, spread in ((ours, 1.0), (ref, 1.0)):
        result["bursts"][0]["spread_s"] = spread
    ours["bursts"][0]["ack_ms"]["p99"] = 150.0
    ref["bursts"][0]["ack_ms"]["p99"] = 100.0  # 1.5×: met
    ours["bursts"][0]["beamer_ms"]["p99"] = 151.0
    ref["bursts"][0]["beamer_ms"]["p99"] = 100.0  # just over: not met
    ours["bursts"][0]["messages_per_s"], ref["bursts"][0]["messages_per_s"] = 700.0, 1000.0
    ours["connect"].update(per_s=999.0, rss_per_phone_kb=24.9)
    lines = targets_table(ours, ref)
    text = "\n".join(lines)
    assert "| burst 1 (within 1 s): ack p99 ≤ 1.5× the reference, ms | 150 | 100 | met |" in text
    assert ("| burst 1 (within 1 s): vote to beamer p99 ≤ 1.5× the reference, ms | 151 | 100 | "
            "**not met** |") in text
    assert ("| burst 1 (within 1 s): messages delivered per second ≥ 70% of the reference's "
            "| 700 | 1,000 | met |") in text
    assert "| joining, phones/s ≥ 1,000 | 999 | 5.00 | **not met** |" in text
    assert "| memory per phone < 25 KB | 24.9 | 30.0 | met |" in text
    met = sum(1 for line in lines if line.endswith("| met |"))
    assert lines[0] == f"The aims for many phones in one process: {met} of 6 met."
    large = {"facilitator": ours, "reference": ref}
    text = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today",
                  sessions_plan(large_phones=5), {}, large=large)
    assert "burst 1 (first votes, within 1 s)" in text and "The aims for many phones" in text
    alone = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today",
                   sessions_plan(large_phones=5), {}, large={"facilitator": ours})
    assert "The aims for many phones" not in alone  # nothing to compare with


def test_the_reference_sends_tallies_to_phones_and_presenter_at_their_intervals() -> None:
    async def scene() -> tuple[int, int]:
        poll = Rooms(options=4, interval=0.01, phone_interval=0.2).get("/ws/REF1")
        assert poll is not None
        sent: dict[int, int] = {}

        def count(lane, *_: object) -> None:
            sent[id(lane)] = sent.get(id(lane), 0) + 1
            lane.scheduled = False
            lane.sent_at = asyncio.get_running_loop().time()

        poll.send_tally = count  # type: ignore[method-assign]
        for i in range(20):
            poll.vote(object(), f"o{i % 4 + 1}")  # type: ignore[arg-type]
            await asyncio.sleep(0.012)
        await asyncio.sleep(0.25)
        return sent.get(id(poll.presenters), 0), sent.get(id(poll.phones), 0)

    presenter, phones = asyncio.run(scene())
    assert presenter >= 10  # about every vote
    assert 1 <= phones <= 3  # the first at once, then every 0.2 s of 0.24 s


def test_a_burst_has_its_own_spread() -> None:
    plan = Plan(5000, 2, 2, 64, 1.0, 1, spreads=(1.0, 10.0))
    assert [plan.spread_of(n) for n in (1, 2, 3)] == [1.0, 10.0, 1.0]
    assert Plan(5, 1, 1, 1, 2.5, 1).spread_of(1) == 2.5


def test_the_reference_gets_facilitators_tally_intervals() -> None:
    assert intervals({}) == ("0.05", "0.5")
    assert intervals({"FACILITATOR_PHONE_TALLY_INTERVAL": "1"}) == ("0.05", "1")


def test_render_says_which_limit_stopped_a_run() -> None:
    message = explain({"join 429 rate_limited": 1880}, {"join 429 rate_limited": "Too many"},
                      120, 2000, environ={"FACILITATOR_JOINS_PER_ADDRESS": "120"})
    stopped = {"name": "facilitator", "phones": 2000, "bursts": [], "notes": [],
               "failure": message, "limit_hit": True}
    text = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", PLAN,
                  {"facilitator": stopped})
    assert ("**The facilitator run stopped at a limit:** facilitator refused the load at a "
            "protective limit after 120 of 2,000 phones had connected: 1,880 joins answered "
            'HTTP 429 (rate_limited): "Too many"') in text
    assert "FACILITATOR_JOINS_PER_ADDRESS (now 120)" in text
    assert "FACILITATOR_JOINS_PER_MINUTE (now 100000)" in text


def test_render_names_errors_the_server_logged_and_notes() -> None:
    ours = {**result_dict("facilitator"),
            "notes": ["only 187 of 200 phones connected (join HTTP 503 ×13)"],
            "server_errors": {"count": 264, "last": "ERROR writer of session K3 failed",
                              "exception": "sqlite3.OperationalError: cannot start"}}
    text = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", sessions_plan(), {},
                  sessions={"facilitator": ours})
    assert ("Note on the facilitator run with ten sessions: only 187 of 200 phones connected "
            "(join HTTP 503 ×13).") in text
    assert ("The facilitator server logged 264 errors with ten sessions; the last: "
            "`ERROR writer of session K3 failed`, the last exception: "
            "`sqlite3.OperationalError: cannot start`.") in text


def test_logged_errors_counts_error_lines(tmp_path) -> None:
    log = tmp_path / "server.log"
    log.write_text("2026 WARNING x: slow\n2026 ERROR a: first\nTraceback (most recent call last):"
                   "\n  File x\nsqlite3.OperationalError: cannot start\n2026 ERROR a: second\n")
    assert logged_errors(log) == {"count": 2, "last": "2026 ERROR a: second",
                                  "exception": "sqlite3.OperationalError: cannot start"}
    log.write_text("2026 WARNING x: slow\n")
    assert logged_errors(log) is None
    assert logged_errors(tmp_path / "missing.log") is None


def test_refusals_at_a_limit_are_recognised() -> None:
    assert join_refusal(429, {"error": {"code": "rate_limited", "message": "…"}}) == \
        "join 429 rate_limited"
    assert join_refusal(409, {"error": {"code": "limit_reached"}}) == "join 409 limit_reached"
    assert join_refusal(503, {"error": {"code": "busy"}}) is None  # sent again, not a limit
    assert join_refusal(503, "Service Unavailable") == "join 503 refused"  # uvicorn's limit
    assert join_refusal(201, {"token": "t"}) is None
    assert join_refusal(404, {"error": {"code": "not_found"}}) is None
    assert close_refusal(1013) == "close 1013"
    assert close_refusal(4401) is None and close_refusal(None) is None


def test_explain_names_the_setting_to_raise() -> None:
    full = explain({"join 409 limit_reached": 3}, {}, 2000, 2003, environ={})
    assert "3 joins answered HTTP 409 (limit_reached)" in full
    assert "the limit on participants per session" in full
    assert "Raise FACILITATOR_MAX_PARTICIPANTS (now 50000)" in full
    closed = explain({"close 1013": 7}, {}, 12000, 12007, environ={})
    assert "7 WebSocket connections closed with code 1013" in closed
    assert "Raise FACILITATOR_MAX_CONNECTIONS (now 12000)" in closed
    shut = explain({"join 409 session_not_open": 1}, {}, 0, 5, environ={})
    assert "not a limit" in shut and "Raise" not in shut
    assert "after" not in explain({"close 1013": 1}, {}, 0, 0, environ={})


def test_the_server_gets_the_limits_unless_the_caller_set_them() -> None:
    assert server_environment({}) == SERVER_LIMITS
    mine = server_environment({"FACILITATOR_MAX_PARTICIPANTS": "10", "HOME": "/root"})
    assert mine["FACILITATOR_MAX_PARTICIPANTS"] == "10"
    assert mine["FACILITATOR_JOINS_PER_ADDRESS"] == SERVER_LIMITS["FACILITATOR_JOINS_PER_ADDRESS"]
    assert "HOME" not in mine
    # far above the largest stage: 5,000 phones, all from one address
    assert all(int(v) >= 10_000 for k, v in SERVER_LIMITS.items()
               if k != "FACILITATOR_CONNECTIONS_PER_TOKEN")


def test_the_reference_keeps_one_room_per_path() -> None:
    rooms = Rooms(options=4, interval=0.05)
    first = rooms.get("/ws/REF1?role=presenter")
    assert first is rooms.get("/ws/REF1") and first is not None
    assert rooms.get("/ws/REF2") is not first
    assert len(rooms.polls) == 2
    rooms.polls.update({f"/ws/X{i}": first for i in range(MAX_ROOMS)})
    assert rooms.get("/ws/new") is None  # bounded


def test_codec_compares_the_same_answers_and_renders_a_table() -> None:
    codec = measure_codec(loops=3, repeats=1)
    assert [row["what"] for row in codec["rows"]][:3] == [
        "parse `vote.cast`", "parse `idea.add`", "parse `ping`"]
    assert all(row["before_ns"] > 0 and row["after_ns"] > 0 for row in codec["rows"])
    text = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", PLAN, {}, ARCHIVE,
                  codec=codec)
    assert "### Parsing and encoding one message" in text
    assert text.index("### Writing the documentation") < text.index("### Parsing and encoding")
    assert "| parse `vote.cast` | 71 |" in text


def test_splice_replaces_one_section_and_keeps_the_rest() -> None:
    report = "\n".join(["# Benchmarks", "", MARKER, "", "## Run of today", "",
                        "### Writing the documentation", "", "| a |", "",
                        "### Figures", "", "| b |", ""])
    first = splice(report, ["### Parsing and encoding one message", "", "| one |", ""])
    assert first.split("\n")[6:] == [
        "### Writing the documentation", "", "| a |", "",
        "### Parsing and encoding one message", "", "| one |", "",
        "### Figures", "", "| b |", ""]
    second = splice(first, ["### Parsing and encoding one message", "", "| two |", ""])
    assert second == first.replace("| one |", "| two |")
    # a page without figures (or without the marker) gets it at the end
    assert splice("# Benchmarks\n", ["### P", "", "x", ""]).endswith(f"{MARKER}\n\n### P\n\nx\n")


def pages_result(participant_kb: float, performance: float) -> dict[str, Any]:
    def load(kb: float, shift: float) -> dict[str, Any]:
        return {"bytes": int(kb * 1024), "requests": 3, "from_network": 3, "from_cache": 0,
                "revalidated": 0, "ready_ms": 120.0, "layout_shift": shift,
                "body_bytes": int(kb * 800),
                "socket_frames": 1, "socket_bytes": 900,
                "resources": [{"path": "/s/ABC123", "type": "Document", "status": 200,
                               "bytes": int(kb * 1024), "cache": False, "encoding": "br",
                               "cache_control": "no-store"}]}

    def rated(score: float) -> dict[str, Any]:
        return {"performance": score, "accessibility": 100, "lcp_ms": 1234.0,
                "fcp_ms": 900.0, "tbt_ms": 12.0, "cls": 0.01, "speed_index_ms": 900.0,
                "final_url": "/s/ABC123", "failed_accessibility": [], "lighthouse": "12.2.3",
                "runs": 3}

    return {"aims": {"first_kb": 60.0, "score": 95, "cls": 0.05},
            "weight": {"join": {"path": "/j/ABC123", "first": load(20, 0.0),
                                "repeat": load(2, 0.0)},
                       "participant": {"path": "/s/ABC123", "first": load(participant_kb, 0.2),
                                       "repeat": load(5, 0.0)}},
            "lighthouse": {"join": rated(100), "participant": rated(performance)}}


def test_pages_section_judges_the_aims_from_the_figures() -> None:
    good = "\n".join(pages_section(pages_result(45.5, 97)))
    assert good.startswith("### Page weight and Lighthouse")
    assert "| participant page `/s/<code>` during a poll: transferred, KB | 45.5 | 5.0 | " \
           "< 60 KB on first load (met) |" in good
    assert "| performance score | 100 | 97 | ≥ 95 (met) |" in good
    assert "during a poll: of which bodies (as sent, compressed), KB | 35.5 | 3.9 | |" in good
    assert "| largest contentful paint (LCP), ms | 1,234 | 1,234 |  |" in good
    # the shift measured in the browser on the participant page's first load is too much
    assert "layout shift until then | 0.200 | 0.000 | < 0.05 (**not met**) |" in good
    assert "| `/s/ABC123` | Document | 46,592 | br | no-store | 200 (5,120 bytes) |" in good
    bad = "\n".join(pages_section(pages_result(61, 94)))
    assert "< 60 KB on first load (**not met**)" in bad
    assert "| performance score | 100 | 94 | ≥ 95 (**not met**) |" in bad


def test_pages_section_says_why_it_was_skipped_and_goes_into_the_report() -> None:
    skipped = pages_section({"aims": {}, "skipped": "no Chromium at /usr/bin/chromium"})
    assert skipped[2] == "Not measured: no Chromium at /usr/bin/chromium."
    failed = {**pages_result(45, 97)}
    failed["lighthouse"] = {"join": {"failure": "Lighthouse took more than 240 s"}}
    text = "\n".join(pages_section(failed))
    assert "Lighthouse failed on the join page `/j/<code>`: `Lighthouse took more" in text
    report = render(DEFAULT_INTRO, MACHINE, "python -m bench", "today", PLAN, {}, ARCHIVE,
                    pages=pages_result(45, 97))
    assert "### Page weight and Lighthouse" in report
    again = splice(report, pages_section(pages_result(50, 97)))
    assert again.count("### Page weight and Lighthouse") == 1
    assert "transferred, KB | 50.0 |" in again
