"""Where things are in a plan's TOML text, for error messages that name a line.

tomllib gives values without positions, so the text is scanned once more, and only when an error
needs a line: a plan that loads never pays for it. The paths are written here too, as the
messages show them (phases[2].activities[1].options).
"""

from __future__ import annotations

import bisect
import re
import tomllib

Where = tuple[str | int, ...]  # ("phases", 1, "title"): array indices count from 0 inside


class Positions:
    """Lines of tables, keys and array elements of a valid TOML text, by path.

    Only as much of TOML as finding positions needs: strings are skipped (so a header inside
    a multi-line string is no header), values are not decoded. ``[[x]]`` headers are counted
    per array, so ``phases[2].activities[1]`` is the first ``[[phases.activities]]`` after the
    second ``[[phases]]``; keys inside inline tables and arrays get the line they are on.
    """

    _BARE = re.compile(r"[A-Za-z0-9_-]+")
    _SCALAR = re.compile(r"[^,\]}\r\n#]*")  # numbers, booleans, dates (which may hold a space)

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.newlines = [n for n, ch in enumerate(text) if ch == "\n"]
        self.lines: dict[Where, int] = {}
        self.arrays: dict[Where, int] = {}  # array-of-tables path -> entries so far
        try:
            self._document()
        except (IndexError, ValueError, RecursionError, tomllib.TOMLDecodeError):
            pass  # a locator never fails a plan: an error without a line is still an error

    def line(self, path: Where) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def _line_at(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def _mark(self, path: Where, pos: int) -> None:
        self.lines.setdefault(path, self._line_at(pos))

    def _skip(self, newlines: bool) -> None:
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == "#":
                end = self.s.find("\n", self.i)
                self.i = len(self.s) if end < 0 else end
            elif ch in " \t" or (newlines and ch in "\r\n"):
                self.i += 1
            else:
                return

    def _document(self) -> None:
        table: Where = ()
        while True:
            self._skip(newlines=True)
            if self.i >= len(self.s):
                return
            start = self.i
            if self.s.startswith("[[", self.i):
                self.i += 2
                table = self._header(start, many=True)
            elif self.s[self.i] == "[":
                self.i += 1
                table = self._header(start, many=False)
            else:
                self._keyval(table)
            if self.i == start:
                raise ValueError("no progress")  # a misread must never become an endless loop

    def _header(self, start: int, many: bool) -> Where:
        keys = self._key()
        self.i += 2 if many else 1
        path: Where = ()
        for key in keys[:-1]:
            path = (*path, key)
            if path in self.arrays:  # a header key naming an array means its last table
                path = (*path, self.arrays[path] - 1)
        path = (*path, keys[-1])
        if many:
            self._mark(path, start)
            self.arrays[path] = self.arrays.get(path, 0) + 1
            path = (*path, self.arrays[path] - 1)
        self._mark(path, start)
        return path

    def _key(self) -> list[str]:
        keys = []
        while True:
            self._skip(newlines=False)
            ch = self.s[self.i]
            if ch in "\"'":
                begin = self.i
                self._string()
                keys.append(tomllib.loads("k = " + self.s[begin:self.i])["k"])
            else:
                found = self._BARE.match(self.s, self.i)
                if found is None:
                    raise ValueError("no key")
                keys.append(found[0])
                self.i = found.end()
            self._skip(newlines=False)
            if self.s[self.i] != ".":
                return keys
            self.i += 1

    def _keyval(self, table: Where) -> None:
        start = self.i
        path = table
        for key in self._key():
            path = (*path, key)
            self._mark(path, start)
        self.i += 1  # "="
        self._skip(newlines=False)
        self._value(path)

    def _value(self, path: Where) -> None:
        ch = self.s[self.i]
        if ch in "\"'":
            self._string()
        elif ch == "[":
            self._items(path, "]", keyed=False)
        elif ch == "{":
            self._items(path, "}", keyed=True)
        else:
            found = self._SCALAR.match(self.s, self.i)
            assert found is not None
            self.i = found.end()

    def _items(self, path: Where, close: str, keyed: bool) -> None:
        self.i += 1
        count = 0
        while True:
            self._skip(newlines=True)
            start = self.i
            if self.s[self.i] == close:
                self.i += 1
                return
            if keyed:
                self._keyval(path)
            else:
                self._mark((*path, count), self.i)
                self._value((*path, count))
                count += 1
            self._skip(newlines=True)
            if self.s[self.i] == ",":
                self.i += 1
            if self.i == start:
                raise ValueError("no progress")

    def _string(self) -> None:
        quote = self.s[self.i]
        triple = self.s.startswith(quote * 3, self.i)
        self.i += 3 if triple else 1
        while True:
            ch = self.s[self.i]
            if ch == "\\" and quote == '"':
                self.i += 2
            elif triple and self.s.startswith(quote * 3, self.i):
                self.i += 3
                while self.i < len(self.s) and self.s[self.i] == quote:  # """a"""" ends in a "
                    self.i += 1
                return
            elif not triple and ch == quote:
                self.i += 1
                return
            else:
                self.i += 1


def syntax_position(message: str, text: str) -> tuple[int | None, int | None, str]:
    """Line, column and reason of a tomllib error message. "At end of document" errors (an
    unclosed array or string) get the last line that has something on it, and no column."""
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        return int(found[1]), int(found[2]), message[:found.start()]
    reason = re.sub(r"\s*\(at end of document\)$", "", message)
    # Lines as TOML counts them: splitlines() would also break at \x1e, \x85 and the like.
    used = text.rstrip()
    return (used.count("\n") + 1 if used else None), None, reason


def dotted(path: Where) -> str:
    """The path as messages name it: indices count from 1, as one counts headers in a file."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            name = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"'
            out += f".{name}" if out else name
    return out


def header(path: Where) -> str:
    """The [[header]] that starts an entry of the array at path."""
    return ".".join(p for p in path if isinstance(p, str))
