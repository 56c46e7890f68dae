"""The pages' scripts and styles: versioned URLs cached for a year, compressed once, and the
module graph of each page so that the browser fetches it in one round trip.

- `/static/v/<version>/<path>`: the version is a hash of everything in static/ when the server
  started, so a changed file is a new URL. Those answers are `Cache-Control: public,
  max-age=31536000, immutable`: a phone that comes back after its screen slept loads nothing
  again. The pages' `url_for('static', path=…)` makes these URLs. `/static/<path>` (no version)
  and an outdated version answer `no-cache` (revalidated by ETag), as does every answer while
  the files change under a running server (restart it to get new versioned URLs).
- Text files (scripts, styles, SVG, JSON) are gzipped once, when first asked for, and kept in
  memory: 5,000 phones loading a page must not cost 5,000 compressions of the same file.
- `preloads(entry)`: every module a page's entry script imports, directly or not, for
  `<link rel="modulepreload">`; without them the browser discovers the imports level by level,
  one round trip each (slow on a phone in a crowded Wi-Fi).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".html", ".txt", ".map"}
_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^"'`;]*?from\s*["']([^"']+)["']|"""
                     r"""^\s*import\s*["']([^"']+)["']""", re.M)
_DYNAMIC = re.compile(r"""\bimport\(\s*["']([^"']+)["']\s*\)""")


def version(directory: Path) -> str:
    """A short hash of every file's path and content under directory."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def module_graph(directory: Path, entry: str, dynamic: bool = False) -> list[str]:
    """The modules entry imports, directly or not, as paths relative to directory (entry
    itself excluded), in the order found; with dynamic, also those it may import() later."""
    seen: dict[str, None] = {}
    todo = [entry]
    while todo:
        current = todo.pop(0)
        text = (directory / current).read_text("utf-8")
        found = [m.group(1) or m.group(2) for m in _IMPORT.finditer(text)]
        if dynamic:
            found += _DYNAMIC.findall(text)
        for target in found:
            if not target.startswith("."):
                continue
            resolved = os.path.normpath(os.path.join(os.path.dirname(current), target))
            if resolved not in seen and resolved != entry:
                seen[resolved] = None
                todo.append(resolved)
    return list(seen)


# A text key in a script: "poll.votes" (with its .one/.other forms), or the start of keys made
# at run time, "kind." + kind or `status.${name}`.
_LITERAL = re.compile(r"""["'`]([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\.?|[a-z][a-z0-9_]*\.)(\$\{)?""")


def compact(source: str) -> str:
    """A script without its comment lines and indentation: a quarter less to send, the same
    program. Lines inside a template literal that spans lines are kept as they are (their
    spaces are text); every line break stays, so no statement runs into the next."""
    out = []
    inside = False  # within a template literal opened on an earlier line
    for line in source.split("\n"):
        code = line.strip()
        if not inside and code.startswith("//"):
            continue
        out.append(line if inside else code)
        # An odd number of backticks opens or closes a literal; an escaped one does not count.
        if (line.count("`") - line.count("\\`")) % 2:
            inside = not inside
    return "\n".join(out)


class StaticSite:
    """What the app knows about static/: its version, and per entry script its preloads and
    the keys of the texts it may show."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.version = version(directory)
        self._preloads: dict[str, list[str]] = {}
        self._keys: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}

    def preloads(self, entry: str, *also: str) -> list[str]:
        """Paths (relative to static/) of the modules entry imports, computed once; with
        `also`, modules it will load later (import()), and what they import."""
        out: dict[str, None] = {}
        for module in (entry, *also):
            if module not in self._preloads:
                self._preloads[module] = module_graph(self.directory, module)
            if module != entry:
                out[module] = None
            out.update(dict.fromkeys(self._preloads[module]))
        out.pop(entry, None)
        return list(out)

    def strings(self, entry: str, texts: dict[str, str]) -> dict[str, str]:
        """The texts (static/js/dom.js t() and plural()) that entry's modules may show: keys
        written out in them, with their .one/.other forms, and every key under a prefix they
        build keys from (`status.${name}`, "kind." + kind). A phone gets about three in
        four; the console, which names nearly all, gets all (a key missed here would show
        as the bare key)."""
        if entry == "js/moderator.js":
            return texts
        if entry not in self._keys:
            found: set[str] = set()
            starts: set[str] = set()
            for path in [entry, *module_graph(self.directory, entry, dynamic=True)]:
                for key, built in _LITERAL.findall((self.directory / path).read_text("utf-8")):
                    if built or key.endswith("."):
                        starts.add(key if key.endswith(".") else key + ".")
                    else:
                        found |= {key, f"{key}.one", f"{key}.other"}
            self._keys[entry] = (frozenset(found), tuple(starts))
        keys, prefixes = self._keys[entry]
        return {k: v for k, v in texts.items() if k in keys or k.startswith(prefixes)}


class Assets(StaticFiles):
    """StaticFiles with cache headers by URL (versioned or not) and gzip from memory."""

    def __init__(self, site: StaticSite) -> None:
        super().__init__(directory=site.directory)
        self.site = site
        self._gzipped: MutableMapping[tuple[str, float], bytes] = {}

    def file_response(self, full_path: Any, stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        current = scope.get("path_params", {}).get("version") == self.site.version
        response.headers["Cache-Control"] = YEAR if current else REVALIDATE
        response.headers["Vary"] = "Accept-Encoding"
        if isinstance(response, NotModifiedResponse):
            return response
        suffix = Path(str(full_path)).suffix
        accepts = Headers(scope=scope).get("accept-encoding", "")
        if suffix not in COMPRESSIBLE or "gzip" not in accepts.lower():
            return response
        key = (str(full_path), stat_result.st_mtime)
        body = self._gzipped.get(key)
        if body is None:
            data = Path(str(full_path)).read_bytes()
            if suffix == ".js":
                data = compact(data.decode("utf-8")).encode("utf-8")
            body = gzip.compress(data, compresslevel=9, mtime=0)
            self._gzipped[key] = body
        headers = {k: v for k, v in response.headers.items()
                   if k.lower() not in {"content-length", "content-range", "accept-ranges"}}
        headers["Content-Encoding"] = "gzip"
        return Response(body, status_code, headers=headers, media_type=response.media_type)
