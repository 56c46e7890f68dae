"""Page weight and Lighthouse: what a phone downloads to take part, and how Lighthouse rates
the two pages a phone sees (`python -m bench --only pages`).

The real server is started as in the other stages, a session is opened with a poll running
and one participant joined over the HTTP API. Then, in real Chromium (/usr/bin/chromium through
Playwright, a Pixel 7 sized phone), each page is loaded twice in one browser context: first
with an empty cache, then once more as a phone returning to the link. Every HTTP response's
transferred size (headers and body as they came over the wire, compressed or not) is summed
from the DevTools protocol (`Network.loadingFinished.encodedDataLength`), as DevTools shows it
in "transferred". The WebSocket's frames are counted apart: they are not part of loading the
page. Layout shift is also read in the browser (the `layout-shift` entries up to the moment
the activity is on screen), since the participant page fills in once the socket's hello came.

Lighthouse (`node_modules/.bin/lighthouse`, mobile form factor with its default simulated
throttling, categories performance and accessibility) then rates the join page and the
participant page during the vote; the participant's cookie goes along as a Cookie header.

Every step is bounded in time; without Chromium, Playwright or Lighthouse the stage is
skipped with a message and the report says so.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.loadgen import connect_client
from bench.procs import free_port
from bench.targets import HOST, ROOT, Facilitator
from bench.wsclient import HTTPConnection

CHROMIUM = Path(os.environ.get("CHROME_PATH") or "/usr/bin/chromium")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PHONE: dict[str, Any] = {"viewport": {"width": 412, "height": 915},
                         "device_scale_factor": 2.625, "is_mobile": True, "has_touch": True,
                         "locale": "de-DE"}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TITLE = "Welches Handlungsfeld gehen wir zuerst an?"
OPTIONS = ["Mobilität und Verkehrsberuhigungsmaßnahmen", "Energieversorgung",
           "Flächennutzung", "Ernährung"]
# The aims of issue 10.
AIM_FIRST_KB = 60.0  # participant page, first load, transferred
AIM_SCORE = 95  # Lighthouse mobile, performance and accessibility, both pages
AIM_CLS = 0.05
PAGE_TIMEOUT_S = 30.0
LIGHTHOUSE_TIMEOUT_S = 240.0
SHOWN = 12  # resources listed one by one in the report, the largest first
PAGES = (("join", "join page `/j/<code>`"),
         ("participant", "participant page `/s/<code>` during a poll"))


def missing() -> str | None:
    """Why the stage cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    return None


def lighthouse_missing() -> str | None:
    if not LIGHTHOUSE.exists():
        return f"no Lighthouse at {LIGHTHOUSE.relative_to(ROOT)} (npm install)"
    if shutil.which("node") is None:
        return "no node to run Lighthouse"
    return None


def log(text: str) -> None:
    import sys

    print(f"[bench {time.strftime('%H:%M:%S')}] pages: {text}", file=sys.stderr, flush=True)


async def open_vote(port: int, key: str, timeout: float = 20.0) -> dict[str, Any]:
    """A session with a poll running and one participant joined (over the API); its code,
    the participant's token and the poll's id."""
    http = HTTPConnection(HOST, port)
    try:
        status, created = await asyncio.wait_for(http.request(
            "POST", "/api/sessions",
            {"title": "Klimaschutz im Quartier", "language": "de", "names": False},
            {"Authorization": f"Bearer {key}"}), timeout)
        if status != 201:
            raise RuntimeError(f"POST /api/sessions answered {status}: {created}")
        code = created["code"]
        moderator = await connect_client(
            HOST, port, f"/ws/{code}?token={created['moderator_token']}", timeout)
        try:
            steps = iter(range(1, 100))

            async def command(name: str, **fields: Any) -> dict[str, Any]:
                return await moderator.command({"type": name, "id": f"m{next(steps)}",
                                                **fields}, timeout)

            await command("session.open")
            await command("session.start")
            made = await command("activity.create", kind="poll", title=TITLE,
                                 config={"options": OPTIONS})
            activity = made["result"]["activity"]
            await command("activity.activate", activity=activity)
        finally:
            moderator.abort()
        status, joined = await asyncio.wait_for(http.request(
            "POST", f"/api/sessions/{code}/join", {"where": "room"}), timeout)
        if status != 201:
            raise RuntimeError(f"POST /api/sessions/{code}/join answered {status}: {joined}")
    finally:
        http.close()
    return {"code": code, "token": joined["token"], "activity": activity,
            "cookie": f"fp_{code}={joined['token']}"}


class Traffic:
    """What one page load transferred, from the DevTools protocol's Network events."""

    def __init__(self, cdp: Any) -> None:
        self.requests: dict[str, dict[str, Any]] = {}
        self.frames = 0
        self.frame_bytes = 0
        self.sockets = 0
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.on("Network.webSocketCreated", self._socket)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.send("Network.enable")

    def reset(self) -> None:
        self.requests = {}
        self.frames = self.frame_bytes = self.sockets = 0

    def _entry(self, ident: str) -> dict[str, Any]:
        return self.requests.setdefault(ident, {"url": "", "type": "", "bytes": 0,
                                                "status": None, "cache": False,
                                                "encoding": "", "cache_control": "",
                                                "done": False})

    def _sent(self, event: dict[str, Any]) -> None:
        url = event["request"]["url"]
        if url.startswith(("data:", "blob:")):
            return
        entry = self._entry(event["requestId"])
        entry["url"] = url
        entry["type"] = event.get("type", "")

    def _response(self, event: dict[str, Any]) -> None:
        if event["requestId"] not in self.requests:
            return
        entry = self._entry(event["requestId"])
        response = event["response"]
        headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        entry["status"] = response.get("status")
        entry["encoding"] = headers.get("content-encoding", "")
        entry["cache_control"] = headers.get("cache-control", "")
        entry["mime"] = response.get("mimeType", "")
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            entry["cache"] = True

    def _cached(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.requests:
            self._entry(event["requestId"])["cache"] = True

    def _finished(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.requests:
            entry = self._entry(event["requestId"])
            entry["bytes"] = int(event.get("encodedDataLength") or 0)
            entry["done"] = True

    def _failed(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.requests:
            self._entry(event["requestId"])["failed"] = event.get("errorText", "failed")

    def _socket(self, event: dict[str, Any]) -> None:
        self.sockets += 1

    def _frame(self, event: dict[str, Any]) -> None:
        self.frames += 1
        self.frame_bytes += len(event["response"].get("payloadData", "").encode())

    def summary(self) -> dict[str, Any]:
        entries = list(self.requests.values())
        network = [e for e in entries if not e["cache"] and e["bytes"] > 0]
        return {
            "requests": len(entries),
            "from_network": len(network),
            "from_cache": sum(1 for e in entries if e["cache"]),
            "revalidated": sum(1 for e in entries if e["status"] == 304),
            "bytes": sum(e["bytes"] for e in entries),
            "resources": [{"path": urlsplit(e["url"]).path, "type": e["type"],
                           "status": e["status"], "bytes": e["bytes"], "cache": e["cache"],
                           "encoding": e["encoding"], "cache_control": e["cache_control"]}
                          for e in entries],
            "sockets": self.sockets,
            "socket_frames": self.frames,
            "socket_bytes": self.frame_bytes,
        }


SHIFTS = """() => new Promise(done => {
  let total = 0;
  const seen = list => { for (const e of list) if (!e.hadRecentInput) total += e.value; };
  try {
    const observer = new PerformanceObserver(l => seen(l.getEntries()));
    observer.observe({type: "layout-shift", buffered: true});
    requestAnimationFrame(() => requestAnimationFrame(() => {
      seen(observer.takeRecords()); observer.disconnect(); done(total);
    }));
  } catch (e) { done(null); }
})"""


# Resource timing, as a check of the DevTools figures and to tell the bodies from the headers:
# transferSize is headers and body over the network (0 from the cache), encodedBodySize the
# body as sent (compressed).
TIMING = """() => performance.getEntriesByType("navigation")
  .concat(performance.getEntriesByType("resource"))
  .filter(e => e.transferSize > 0)
  .reduce((sum, e) => ({transfer: sum.transfer + e.transferSize,
                        bodies: sum.bodies + e.encodedBodySize}), {transfer: 0, bodies: 0})"""


def load(page: Any, traffic: Traffic, url: str, participant: bool, timeout_ms: int
         ) -> dict[str, Any]:
    """One load of `url`, until the page is ready and the network quiet."""
    traffic.reset()
    began = time.monotonic()
    page.goto(url, wait_until="load", timeout=timeout_ms)
    if participant:
        page.wait_for_selector("#status[data-status=connected]", state="attached",
                               timeout=timeout_ms)
        page.get_by_text(TITLE).first.wait_for(timeout=timeout_ms)
        page.get_by_text(OPTIONS[1]).first.wait_for(timeout=timeout_ms)
    else:
        page.locator("form button[type=submit]").first.wait_for(timeout=timeout_ms)
    ready = time.monotonic() - began
    try:
        page.wait_for_load_state("networkidle", timeout=min(timeout_ms, 10_000))
    except Exception:  # a page that keeps polling: count what came so far
        pass
    figures = traffic.summary()
    figures["ready_ms"] = ready * 1000
    figures["layout_shift"] = page.evaluate(SHIFTS)
    timing = page.evaluate(TIMING)
    figures["timing_bytes"], figures["body_bytes"] = timing["transfer"], timing["bodies"]
    figures["final_url"] = urlsplit(page.url).path
    return figures


def weigh(base: str, vote: dict[str, Any], timeout: float) -> dict[str, dict[str, Any]]:
    """Both pages, each in a fresh browser context (empty cache), loaded twice."""
    from playwright.sync_api import sync_playwright

    timeout_ms = int(timeout * 1000)
    out: dict[str, dict[str, Any]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                             timeout=timeout_ms)
        try:
            for name, _ in PAGES:
                context = browser.new_context(**PHONE)
                try:
                    participant = name == "participant"
                    if participant:
                        context.add_cookies([{"name": f"fp_{vote['code']}",
                                              "value": vote["token"], "url": base}])
                    path = f"/s/{vote['code']}" if participant else f"/j/{vote['code']}"
                    page = context.new_page()
                    page.set_default_timeout(timeout_ms)
                    traffic = Traffic(context.new_cdp_session(page))
                    first = load(page, traffic, base + path, participant, timeout_ms)
                    page.goto("about:blank")
                    repeat = load(page, traffic, base + path, participant, timeout_ms)
                    out[name] = {"path": path, "first": first, "repeat": repeat}
                    if first["final_url"] != path:
                        out[name]["note"] = f"ended at {first['final_url']}"
                finally:
                    context.close()
        finally:
            browser.close()
    return out


def lighthouse(url: str, folder: Path, name: str, cookie: str | None,
               timeout: float = LIGHTHOUSE_TIMEOUT_S) -> dict[str, Any]:
    """One Lighthouse run (mobile, performance and accessibility); its figures."""
    report = folder / f"{name}.json"
    argv = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}",
            "--form-factor=mobile", "--only-categories=performance,accessibility",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu", "--quiet",
            "--max-wait-for-load=45000"]
    if cookie:
        argv.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    began = time.monotonic()
    try:
        done = subprocess.run(argv, env=env, cwd=folder, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"failure": f"Lighthouse took more than {timeout:.0f} s"}
    seconds = time.monotonic() - began
    if done.returncode != 0 or not report.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"failure": f"Lighthouse exited with {done.returncode}: {' / '.join(tail)}"}
    lhr = json.loads(report.read_text())
    audits = lhr.get("audits", {})

    def score(category: str) -> float | None:
        value = lhr.get("categories", {}).get(category, {}).get("score")
        return None if value is None else round(100 * value)

    def audit(key: str) -> float | None:
        value = audits.get(key, {}).get("numericValue")
        return None if value is None else float(value)

    failed_a11y = [audits[ref["id"]]["title"] for ref in
                   lhr.get("categories", {}).get("accessibility", {}).get("auditRefs", [])
                   if ref.get("weight") and audits.get(ref["id"], {}).get("score") == 0]
    return {
        "performance": score("performance"), "accessibility": score("accessibility"),
        "lcp_ms": audit("largest-contentful-paint"), "fcp_ms": audit("first-contentful-paint"),
        "tbt_ms": audit("total-blocking-time"), "cls": audit("cumulative-layout-shift"),
        "speed_index_ms": audit("speed-index"),
        "final_url": urlsplit(lhr.get("finalDisplayedUrl") or lhr.get("finalUrl") or "").path,
        "runtime_error": (lhr.get("runtimeError") or {}).get("message"),
        "warnings": lhr.get("runWarnings") or [], "failed_accessibility": failed_a11y,
        "lighthouse": lhr.get("lighthouseVersion"), "seconds": seconds,
    }


def load_average() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def measure(timeout: float = 600.0, lighthouse_runs: int = 3) -> dict[str, Any]:
    """The stage: server, vote, page weight, Lighthouse. Never raises; a failure or a skip is
    in the result ("skipped", "failure")."""
    result: dict[str, Any] = {"aims": {"first_kb": AIM_FIRST_KB, "score": AIM_SCORE,
                                       "cls": AIM_CLS}}
    why = missing()
    if why:
        log(f"SKIPPED: {why}")
        return {**result, "skipped": why}
    end = time.monotonic() + timeout
    result["load_before"] = load_average()
    target = Facilitator()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        port = free_port()
        base = f"http://{HOST}:{port}"
        server = target.start(port, Path(tmp))
        try:
            asyncio.run(server.wait_healthy(port, 30))
            vote = asyncio.run(open_vote(port, target.key))
            log(f"session {vote['code']}: a poll running, one participant joined")
            result["weight"] = weigh(base, vote, min(PAGE_TIMEOUT_S, end - time.monotonic()))
            for name, _ in PAGES:
                first = result["weight"][name]["first"]
                repeat = result["weight"][name]["repeat"]
                log(f"{name}: first load {first['bytes'] / 1024:.1f} KB in {first['requests']} "
                    f"requests, repeat {repeat['bytes'] / 1024:.1f} KB "
                    f"({repeat['from_network']} from the network)")
            why = lighthouse_missing()
            if why:
                log(f"Lighthouse SKIPPED: {why}")
                result["lighthouse_skipped"] = why
            else:
                result["lighthouse"] = run_lighthouse(base, vote, Path(tmp), lighthouse_runs,
                                                      end)
        except Exception as exc:  # a stage that failed says why in the report
            result["failure"] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
            log(f"FAILED: {type(exc).__name__}: {exc}")
        finally:
            code = asyncio.run(server.stop())
            if result.get("failure"):
                # the banner names the organiser key of this run: not for the report
                result["server_log"] = "\n".join(
                    line for line in server.tail(20).splitlines() if "key" not in line.lower())
            result["stopped_with"] = code
    return result


def run_lighthouse(base: str, vote: dict[str, Any], folder: Path, runs: int, end: float
                   ) -> dict[str, Any]:
    """Each page `runs` times (the median of each figure counts)."""
    out: dict[str, Any] = {}
    for name, _ in PAGES:
        participant = name == "participant"
        url = f"{base}/s/{vote['code']}" if participant else f"{base}/j/{vote['code']}"
        done = []
        for number in range(runs):
            left = end - time.monotonic()
            if left < 20:
                out[name] = {"failure": "no time left for Lighthouse"}
                break
            log(f"Lighthouse {name} ({number + 1}/{runs}), at most "
                f"{min(LIGHTHOUSE_TIMEOUT_S, left):.0f} s")
            figures = lighthouse(url, folder, f"{name}-{number}",
                                 vote["cookie"] if participant else None,
                                 min(LIGHTHOUSE_TIMEOUT_S, left))
            if figures.get("failure"):
                log(f"Lighthouse {name}: {figures['failure']}")
                out[name] = figures
                break
            log(f"Lighthouse {name}: performance {figures['performance']}, accessibility "
                f"{figures['accessibility']}, LCP {figures['lcp_ms']:.0f} ms, CLS "
                f"{figures['cls']:.3f}, TBT {figures['tbt_ms']:.0f} ms")
            done.append(figures)
        if done:
            out[name] = median_run(done)
    return out


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One run's figures, each the median over the runs (lists from the last run)."""
    merged = dict(runs[-1])
    for key in ("performance", "accessibility", "lcp_ms", "fcp_ms", "tbt_ms", "cls",
                "speed_index_ms"):
        values = [r[key] for r in runs if r.get(key) is not None]
        merged[key] = statistics.median(values) if values else None
    merged["runs"] = len(runs)
    return merged


def kb(value: float | None) -> str:
    return "–" if value is None else f"{value / 1024:.1f}"


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


def section(pages: dict[str, Any]) -> list[str]:
    """The report's section (bench/report.py puts it into docs/benchmarks.md)."""
    out = ["### Page weight and Lighthouse (Seitengewicht)", ""]
    if pages.get("skipped"):
        return out + [f"Not measured: {pages['skipped']}.", ""]
    aims = pages["aims"]
    out += ["A phone (Chromium, 412×915 CSS px at 2.625 device pixels per px, as a Pixel 7) "
            "opens the join page and the participant page of a session in which a poll is "
            "running; each page twice in one browser context: first with an empty cache, then "
            "once more. *Transferred* is the sum of every HTTP response's size on the wire "
            "(headers and body, after compression; DevTools' `encodedDataLength`), the "
            "bodies alone from the browser's resource timing (`encodedBodySize`); the "
            "WebSocket's frames are listed apart. Lighthouse runs on mobile settings "
            "(simulated slow 4G and a 4× slower CPU), categories performance and "
            "accessibility; on the participant page with the participant's cookie.", ""]
    if pages.get("measured"):
        load = pages.get("load_before")
        busy = f", load average {load:.2f} before" if load is not None else ""
        out += [f"Measured on {pages['measured']}{busy} (`python -m bench --only pages`).", ""]
    if pages.get("failure"):
        out += [f"The stage failed: `{pages['failure']}`.", ""]
        if pages.get("server_log"):
            out += ["```", pages["server_log"], "```", ""]
    weight = pages.get("weight") or {}
    if weight:
        out += ["| page weight | first load (empty cache) | repeat load | aim |",
                "|---|---:|---:|---|"]
        for name, label in PAGES:
            page = weight.get(name)
            if not page:
                continue
            first, repeat = page["first"], page["repeat"]
            checked = (f", {repeat['revalidated']} answered 304" if repeat["revalidated"]
                       else "")
            aim = f"< {aims['first_kb']:g} KB on first load" if name == "participant" else ""
            if aim:
                aim += f" ({verdict(first['bytes'] / 1024 < aims['first_kb'])})"
            out += [
                f"| {label}: transferred, KB | {kb(first['bytes'])} | {kb(repeat['bytes'])} "
                f"| {aim} |",
                f"| {label}: of which bodies (as sent, compressed), KB | "
                f"{kb(first.get('body_bytes'))} | {kb(repeat.get('body_bytes'))} | |",
                f"| {label}: requests (over the network) | {first['requests']} "
                f"({first['from_network']}) | {repeat['requests']} ({repeat['from_network']}"
                f"{checked}) | |",
                f"| {label}: ready (form or activity on screen), ms | {first['ready_ms']:.0f} "
                f"| {repeat['ready_ms']:.0f} | |",
                f"| {label}: layout shift until then | {shift(first['layout_shift'])} | "
                f"{shift(repeat['layout_shift'])} | < {aims['cls']:g} "
                f"({verdict(none_or(first['layout_shift'], lambda v: v < aims['cls']))}) |",
            ]
            if first.get("socket_frames"):
                out.append(f"| {label}: WebSocket frames received until ready (bytes, "
                           f"uncompressed) | {first['socket_frames']} "
                           f"({first['socket_bytes']:,}) | {repeat['socket_frames']} "
                           f"({repeat['socket_bytes']:,}) | |")
        out.append("")
    lighthouse = pages.get("lighthouse") or {}
    if pages.get("lighthouse_skipped"):
        out += [f"Lighthouse not run: {pages['lighthouse_skipped']}.", ""]
    elif lighthouse:
        out += lighthouse_table(lighthouse, aims)
    participant = weight.get("participant")
    if participant:
        out += resources_table(participant)
    return out


def none_or(value: Any, test: Any) -> bool | None:
    return None if value is None else bool(test(value))


def shift(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def lighthouse_table(lighthouse: dict[str, Any], aims: dict[str, Any]) -> list[str]:
    names = [(name, label) for name, label in PAGES if name in lighthouse]
    out = ["| Lighthouse, mobile | " + " | ".join(label for _, label in names) + " | aim |",
           "|---|" + "---:|" * len(names) + "---|"]
    for failure in (f"{label}: `{lighthouse[name]['failure']}`" for name, label in names
                    if lighthouse[name].get("failure")):
        out.insert(0, f"Lighthouse failed on the {failure}.\n")
    good = [(n, lb) for n, lb in names if not lighthouse[n].get("failure")]
    if not good:
        return out[:-2] + [""]

    def row(label: str, key: str, show: Any, aim: str = "", test: Any = None) -> str:
        cells = [show(lighthouse[n].get(key)) if not lighthouse[n].get("failure") else "failed"
                 for n, _ in names]
        if test is not None:
            oks = [none_or(lighthouse[n].get(key), test) for n, _ in good]
            aim += f" ({verdict(None if None in oks else all(oks))})"
        return f"| {label} | " + " | ".join(cells) + f" | {aim} |"

    def score(value: float | None) -> str:
        return "–" if value is None else f"{value:.0f}"

    def ms(value: float | None) -> str:
        return "–" if value is None else f"{value:,.0f}"

    out += [
        row("performance score", "performance", score, f"≥ {aims['score']}",
            lambda v: v >= aims["score"]),
        row("accessibility score", "accessibility", score, f"≥ {aims['score']}",
            lambda v: v >= aims["score"]),
        row("largest contentful paint (LCP), ms", "lcp_ms", ms),
        row("cumulative layout shift (CLS)", "cls", shift, f"< {aims['cls']:g}",
            lambda v: v < aims["cls"]),
        row("total blocking time (TBT), ms", "tbt_ms", ms),
        row("first contentful paint, ms", "fcp_ms", ms),
        row("speed index, ms", "speed_index_ms", ms),
    ]
    out.append("")
    for name, label in good:
        figures = lighthouse[name]
        if figures.get("final_url") and not figures["final_url"].startswith(("/j/", "/s/")):
            out.append(f"- The {label} ended at `{figures['final_url']}`, not the page itself.")
        if figures.get("runtime_error"):
            out.append(f"- Lighthouse on the {label}: `{figures['runtime_error']}`.")
        if figures.get("failed_accessibility"):
            out.append(f"- Accessibility audits failed on the {label}: "
                       + "; ".join(figures["failed_accessibility"]) + ".")
    version = next((lighthouse[n].get("lighthouse") for n, _ in good), None)
    runs = next((lighthouse[n].get("runs") for n, _ in good), 1)
    out.append(f"- Lighthouse {version}, {runs} run(s) per page"
               + (" (medians)" if runs and runs > 1 else "") + "; its performance score "
               "depends on the machine's speed and load: run it on a quiet machine.")
    return out + [""]


def resources_table(page: dict[str, Any]) -> list[str]:
    first = page["first"]["resources"]
    repeat = {r["path"]: r for r in page["repeat"]["resources"]}
    out = ["What the participant page loads (first load; the repeat load's answer for the "
           "same path):", "",
           "| resource | type | transferred, bytes | compression | Cache-Control | repeat |",
           "|---|---|---:|---|---|---|"]
    ranked = sorted(first, key=lambda r: -r["bytes"])
    for res in ranked[:SHOWN]:
        again = repeat.get(res["path"])
        if again is None:
            seen = "not loaded"
        elif again["cache"]:
            seen = "from cache"
        elif again["status"] == 304:
            seen = f"304 ({again['bytes']:,} bytes)"
        else:
            seen = f"{again['status']} ({again['bytes']:,} bytes)"
        out.append(f"| `{res['path']}` | {res['type']} | {res['bytes']:,} | "
                   f"{res['encoding'] or 'none'} | {res['cache_control'] or '–'} | {seen} |")
    rest = ranked[SHOWN:]
    if rest:
        kinds = sorted({r["type"] for r in rest})
        out.append(f"| {len(rest)} more | {', '.join(kinds)} | "
                   f"{sum(r['bytes'] for r in rest):,} | | | |")
    return out + [""]
