"""Flame graphs of the server while the bench loads it (`python -m bench --profile DIR`):
py-spy samples the facilitator process from outside (no code in the server changes, and the
server does not know it is watched), one SVG per phase: joining, each vote burst. The figures
of a profiled run are disturbed a little (py-spy takes a share of the second core); the
flame graphs say where the server's own core goes. docs/profiles/ keeps those of the runs
that decided what to change (docs/benchmarks.md, "What changed the figures")."""

from __future__ import annotations

import asyncio
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from pathlib import Path
from typing import Any

RATE = 100  # samples per second
FORMAT, SUFFIX = "raw", "txt"  # collapsed stacks: "frame;frame;frame count" per line


def spy() -> str | None:
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else shutil.which("py-spy")


@asynccontextmanager
async def profiled(pid: int, folder: Path | None, name: str) -> AsyncIterator[None]:
    """Sample process `pid` while the block runs: its collapsed stacks into folder/name.txt
    (the input of flamegraph.pl, speedscope, inferno) and a flame graph of them into
    folder/name.svg (nothing without a folder; a note on stderr, and no profile, without
    py-spy)."""
    tool = spy() if folder is not None else None
    if folder is None or tool is None:
        if folder is not None:
            print("bench: py-spy is not installed (pip install py-spy): no profile",
                  file=sys.stderr)
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{name}.{SUFFIX}"
    process = await asyncio.create_subprocess_exec(
        tool, "record", "--pid", str(pid), "--rate", str(RATE), "--format", FORMAT,
        "--output", str(out), stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)
    await asyncio.sleep(1.0)  # attached before the load starts
    try:
        yield
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            _, err = await asyncio.wait_for(process.communicate(), 60)
        except TimeoutError:
            process.kill()
            err = b"py-spy did not stop within 60 s"
        if not out.exists():
            print(f"bench: no profile {out}: {err.decode(errors='replace')[-300:]}",
                  file=sys.stderr)
        else:  # beside the stacks, the picture of them
            out.with_suffix(".svg").write_text(flame_svg(out.read_text(), f"{folder.name}: {name}"))


# -- a flame graph from collapsed stacks -------------------------------------------------------

WIDTH, ROW, MIN_SHARE = 1200, 16, 0.001


def _tree(lines: list[str]) -> tuple[dict[str, Any], int]:
    root: dict[str, Any] = {"n": 0, "kids": {}}
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        node = root
        node["n"] += int(count)
        for frame in stack.split(";"):
            node = node["kids"].setdefault(frame, {"n": 0, "kids": {}})
            node["n"] += int(count)
    return root, root["n"]


def flame_svg(collapsed: str, title: str) -> str:
    """An SVG flame graph (callers below, callees above; width = share of samples; each
    frame's name, samples and share in its <title>) of py-spy's collapsed stacks."""
    root, total = _tree(collapsed.splitlines())
    boxes: list[tuple[int, str]] = []
    depth_max = 0

    def draw(node: dict[str, Any], x: float, depth: int) -> None:
        nonlocal depth_max
        for frame in sorted(node["kids"]):
            kid = node["kids"][frame]
            width = WIDTH * kid["n"] / max(total, 1)
            if kid["n"] / max(total, 1) >= MIN_SHARE:
                depth_max = max(depth_max, depth)
                hue = 20 + (sum(map(ord, frame.split(" (")[0])) % 40)
                fits = max(int((width - 4) / 6.5), 0)  # characters at 11 px monospace
                label = frame if len(frame) <= fits else frame[:max(fits - 1, 0)]
                boxes.append((depth, f'<g><title>{escape(frame)} ({kid["n"]} samples, '
                              f'{100 * kid["n"] / total:.1f}%)</title><rect x="{x:.1f}" '
                              f'y="{{y}}" width="{max(width - 0.5, 0.5):.1f}" height="{ROW - 1}" '
                              f'fill="hsl({hue},85%,62%)"/>'
                              + (f'<text x="{x + 2:.1f}" y="{{ty}}">{escape(label)}</text>'
                                 if len(label) > 2 else "") + "</g>"))
                draw(kid, x, depth + 1)
            x += width

    draw(root, 0.0, 0)
    height = (depth_max + 1) * ROW + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family="monospace" font-size="11">',
           f'<text x="4" y="16" font-size="14">{escape(title)} ({total} samples)</text>']
    for depth, box in boxes:
        y = height - (depth + 1) * ROW
        out.append(box.replace("{y}", str(y)).replace("{ty}", str(y + ROW - 4)))
    out.append("</svg>")
    return "\n".join(out) + "\n"
