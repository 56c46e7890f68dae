"""The flame graph of collapsed stacks (bench/profile.py): every frame of at least 0.1 % of
the samples is drawn with its share, as wide as its share, above its caller; frame names are
escaped (they are Python's names and paths, but a file may be called anything)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bench.profile import WIDTH, flame_svg

STACKS = """\
main (cli.py:1);run (loop.py:2);vote (poll.py:3) 60
main (cli.py:1);run (loop.py:2);send (ws.py:4) 30
main (cli.py:1);idle <&> (x.py:5) 10
"""


def test_widths_follow_the_samples_and_names_are_escaped() -> None:
    svg = flame_svg(STACKS, 'large: burst1 <"x">')
    root = ET.fromstring(svg)  # well-formed: names and the title are escaped
    ns = {"s": "http://www.w3.org/2000/svg"}
    boxes = {}
    for group in root.findall("s:g", ns):
        title = group.find("s:title", ns)
        rect = group.find("s:rect", ns)
        assert title is not None and rect is not None
        name = re.sub(r" \(\d+ samples.*", "", title.text or "")
        boxes[name] = (float(rect.get("width", 0)), float(rect.get("y", 0)), title.text)
    assert set(boxes) == {"main (cli.py:1)", "run (loop.py:2)", "vote (poll.py:3)",
                          "send (ws.py:4)", "idle <&> (x.py:5)"}
    assert boxes["main (cli.py:1)"][2].endswith("(100 samples, 100.0%)")
    assert boxes["vote (poll.py:3)"][2].endswith("(60 samples, 60.0%)")
    assert abs(boxes["vote (poll.py:3)"][0] - 0.6 * WIDTH) < 1
    assert abs(boxes["send (ws.py:4)"][0] - 0.3 * WIDTH) < 1
    # callees above their callers
    assert boxes["vote (poll.py:3)"][1] < boxes["run (loop.py:2)"][1] < boxes["main (cli.py:1)"][1]
    assert "&lt;&amp;&gt;" in svg and "<&>" not in svg


def test_malformed_lines_are_skipped() -> None:
    svg = flame_svg("garbage\n\nmain (a:1) x\nmain (a:1) 5\n", "t")
    assert "(5 samples, 100.0%)" in svg
