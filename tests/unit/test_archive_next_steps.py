"""Next steps and answers to questions in the documentation: the next steps as their own
section before the notes, a block on the first page, next_steps.csv and results.json; the
answer under its question in every file. Every text as typed, never as markup or a formula;
the same log gives the same bytes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from facilitator.archive import write_archive
from facilitator.domain.model import Actor, Command
from tests.domain_log import Log

HOSTILE = '=HYPERLINK("http://x.example") <script>alert(1)</script> **fett** [a](javascript:x)'
WHO = "+49 Kämmerei & <b>Bau</b> | Amt"


def moderate(log: Log, type_: str, **args: Any) -> dict[str, Any]:
    """A moderator's command with any fields (Log.run takes `who` as the participant)."""
    at = log.events[-1].at + 60
    decision = log.state.decide(Command(type_, args, Actor("moderator"), at))
    for name, data in decision.events:
        log.append(name, data, at)
    result: dict[str, Any] = decision.result
    return result


def workshop(language: str = "en") -> Log:
    log = Log("Climate lab", language)
    log.run("moderator", "session.open")
    group = log.run("moderator", "group.create", name="Mobility <i>")["group"]
    asks = log.run("moderator", "activity.create", kind="qa", title="Questions")["activity"]
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=asks)
    one = log.run("system", "participant.join")["participant"]
    first = log.run("participant", "question.ask", who=one, activity=asks,
                    text="Who pays?")["question"]
    log.run("participant", "question.ask", who=one, activity=asks, text="When?")
    moderate(log, "question.answer", activity=asks, question=first,
             answer=HOSTILE + "\nSecond line")
    moderate(log, "nextstep.add", what=HOSTILE, who=WHO, due="2027-03-31", activity=asks,
             group=group)
    moderate(log, "nextstep.add", what="-Report to the council", who="", due="")
    gone = moderate(log, "nextstep.add", what="Deleted again")["step"]
    moderate(log, "nextstep.delete", step=gone)
    log.run("moderator", "session.close")
    # After the close: the documentation is written again with it.
    moderate(log, "nextstep.add", what="@Send the minutes", who="Kim", due="2027-01-31")
    log.run("moderator", "session.notes", notes="Thanks to everyone.")
    return log


def read_csv(data: bytes, delimiter: str = ",") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data  # BOM, CRLF: as the others
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_results_json_has_the_steps_and_the_answer(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    write_archive(workshop().events, folder)
    data = json.loads((folder / "results.json").read_text("utf-8"))
    assert data["schema"] == 1
    assert list(data)[-1] == "next_steps"
    first, second, third = data["next_steps"]
    assert first == {
        "number": 1, "what": HOSTILE, "who": WHO, "due": "2027-03-31", "activity": "a1",
        "activity_number": 1, "activity_title": "Questions", "group": "g1",
        "group_name": "Mobility <i>", "recorded": first["recorded"]}
    assert first["recorded"].endswith("+01:00")  # ISO, the report's time zone
    assert (second["number"], second["what"], second["who"], second["due"],
            second["activity"], second["group_name"]) == (
        2, "-Report to the council", "", "", None, None)
    assert (third["number"], third["what"]) == (3, "@Send the minutes")
    result = data["activities"][0]["instances"][0]["result"]
    assert [(q["text"], q["answer"]) for q in result["answered"]] == [
        ("Who pays?", HOSTILE + "\nSecond line")]
    assert [(q["text"], q["answer"]) for q in result["open"]] == [("When?", None)]


def test_next_steps_csv_and_the_answer_column(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    write_archive(workshop().events, folder)
    rows = read_csv((folder / "next_steps.csv").read_bytes())
    assert rows[0] == ["No.", "What", "Who", "By when", "Activity", "Group", "Recorded"]
    assert rows[1][:6] == ["1", "'" + HOSTILE, "'" + WHO, "2027-03-31", "Questions",
                           "Mobility <i>"]
    assert rows[2][:6] == ["2", "'-Report to the council", "", "", "", ""]
    assert rows[3][:4] == ["3", "'@Send the minutes", "Kim", "2027-01-31"]
    assert all(row[6].startswith("2027-01-15T") for row in rows[1:])
    questions = read_csv((folder / "csv" / "01-questions.csv").read_bytes())
    assert questions[0] == ["Question", "Votes", "Status", "Answer"]
    assert questions[1:] == [["When?", "0", "open", ""],
                             ["Who pays?", "0", "answered", "'" + HOSTILE + "\nSecond line"]]


def test_german_csv_uses_semicolons(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    write_archive(workshop("de").events, folder)
    rows = read_csv((folder / "next_steps.csv").read_bytes(), ";")
    assert rows[0][0] == "Nr." and rows[0][5] == "Gruppe" and len(rows) == 4


def test_report_html_escapes_and_places_the_section(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    write_archive(workshop().events, folder)
    html = (folder / "report.html").read_text("utf-8")
    assert "<script>" not in html and "<b>Bau</b>" not in html and "<i>" not in html
    escaped = ("=HYPERLINK(&#34;http://x.example&#34;) &lt;script&gt;alert(1)&lt;/script&gt; "
               "**fett** [a](javascript:x)")
    # The answer under its question, its line break kept (class long).
    assert ('Who pays? — 0 votes<div class="answer long"><strong>Answer:</strong> '
            + escaped + "\nSecond line</div>") in html
    # Its own section after the activities, before the notes.
    assert html.index('id="activity-1"') < html.index('id="next-steps"') \
        < html.index('id="notes"')
    section = html[html.index('<section class="page" id="next-steps">'):html.index('id="notes"')]
    assert '<a href="#next-steps">Next steps</a>' in html  # contents and first page
    row = ('<tr><td class="n">1</td><td>' + escaped + "</td><td>+49 Kämmerei &amp; "
           "&lt;b&gt;Bau&lt;/b&gt; | Amt</td><td>31 Mar 2027</td><td><a href=\"#activity-1\">"
           "1. Questions</a> · Group Mobility &lt;i&gt;</td></tr>")
    assert row in section
    assert '<tr><td class="n">2</td><td>-Report to the council</td><td>–</td><td>–</td>' \
        '<td>–</td></tr>' in section
    # The first page: what, who, by when.
    summary = html[html.index('id="summary"'):html.index('id="participation"')]
    assert "<h3><a href=\"#next-steps\">Next steps</a></h3>" in summary
    assert "<tr><td>@Send the minutes</td><td>Kim</td><td>31 Jan 2027</td></tr>" in summary


def test_readme_escapes_and_places_the_section(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    write_archive(workshop().events, folder)
    readme = (folder / "README.md").read_text("utf-8")
    md = (r"\=HYPERLINK\(\"http\:\/\/x\.example\"\) \<script\>alert\(1\)\<\/script\> "
          r"\*\*fett\*\* \[a\]\(javascript\:x\)")
    md = md.replace(r"\"", '"').replace(r"\/", "/")
    assert "- Who pays? — 0 votes  \n  *Answer:* " + md + " Second line" in readme
    assert readme.index("## 1. Questions") < readme.index("## Next steps") \
        < readme.index("## Notes of the moderation")
    section = readme[readme.index("## Next steps"):readme.index("## Notes of the moderation")]
    assert "| No. | What | Who | By when | Origin |" in section
    assert ("| 1 | " + md + r" | \+49 Kämmerei \& \<b\>Bau\<\/b\> \| Amt | 31 Mar 2027 | "
            r"1\. Questions · Group Mobility \<i\> |").replace(r"\/", "/") in section
    assert r"| 2 | \-Report to the council | – | – | – |" in section


def test_without_steps_there_is_no_section_and_no_file(tmp_path: Path) -> None:
    log = Log("Quiet lab", "en")
    log.run("moderator", "session.open")
    moderate(log, "nextstep.add", what="Only for a moment")
    folder = tmp_path / "lab"
    write_archive(log.events, folder)
    assert (folder / "next_steps.csv").is_file()
    moderate(log, "nextstep.delete", step="n1")
    write_archive(log.events, folder)  # the folder matches the log again
    assert not (folder / "next_steps.csv").exists()
    html = (folder / "report.html").read_text("utf-8")
    assert "next-steps" not in html and "Next steps" not in html
    assert "Next steps" not in (folder / "README.md").read_text("utf-8")
    assert json.loads((folder / "results.json").read_text("utf-8"))["next_steps"] == []


def test_the_same_log_gives_the_same_bytes(tmp_path: Path) -> None:
    events = workshop().events
    one, two = tmp_path / "one", tmp_path / "two"
    names = [p.name for p in write_archive(events, one)]
    write_archive(events, two)
    assert "next_steps.csv" in names
    for path in sorted(one.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (two / path.relative_to(one)).read_bytes(), path
