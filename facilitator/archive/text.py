"""Making user text safe for each file format, and file names out of titles.

Everything a participant or moderator typed reaches the documentation through these helpers
(Markdown, CSV) or through Jinja2's autoescape (HTML): an idea that reads
``<script>alert(1)</script>`` or ``**bold** [link](javascript:…)`` must come out as exactly that
text, never as markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# CommonMark lets a backslash escape any ASCII punctuation and then shows the character as
# it is. Beyond the characters that start Markdown syntax (emphasis, links, headings, lists,
# tables, HTML) this covers what GitHub and GitLab add on top: ~ (strikethrough), $ (maths),
# @ (mentions), : (emoji), & (entities such as &lt; would otherwise be decoded), and = (a line
# of them under a line of text makes a heading).
MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>&~@:$=")
_SPACES = re.compile(r"\s+")

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection):
# such cells get a leading apostrophe, which Excel and LibreOffice show as plain text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae",
                                "Ö": "oe", "Ü": "ue"})
SLUG_LIMIT = 40


def md_escape(text: str) -> str:
    """Text on one line, every Markdown character escaped: for table cells, list items,
    headings. Line breaks become spaces (a table row cannot hold them)."""
    flat = _SPACES.sub(" ", text).strip()
    return "".join("\\" + ch if ch in MD_SPECIAL else ch for ch in flat)


def md_block(text: str) -> str:
    """Text of several lines as Markdown paragraphs: blank lines separate paragraphs, single
    line breaks stay line breaks (two trailing spaces). Leading blanks are dropped, because
    four of them would make a code block."""
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            paragraphs[-1].append(md_escape(stripped))
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("  \n".join(lines) for lines in paragraphs if lines)


def md_cell(text: str) -> str:
    """A table cell: escaped, never empty (an empty cell would still be fine, but a dash
    reads better in the raw file)."""
    return md_escape(text) or "–"


def csv_text(text: str) -> str:
    """A text cell of a CSV file, safe to open in a spreadsheet."""
    return "'" + text if text.startswith(FORMULA_START) else text


def slug(title: str, fallback: str) -> str:
    """A file name part: lower-case ASCII letters, digits and hyphens, at most 40 characters,
    cut at a hyphen where possible."""
    ascii_ = unicodedata.normalize("NFKD", title.translate(_TRANSLITERATE))
    ascii_ = ascii_.encode("ascii", "ignore").decode("ascii").lower()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")
    if len(out) > SLUG_LIMIT:
        cut = out[:SLUG_LIMIT + 1]
        out = cut.rsplit("-", 1)[0] if "-" in cut[SLUG_LIMIT // 2:] else out[:SLUG_LIMIT]
        out = out.strip("-")
    return out or fallback


def wrap(text: str, width: float, measure: Callable[[str], float] = len) -> list[str]:
    """Lines no wider than `width` (in characters, or in what `measure` gives, e.g. pixels),
    broken between words; a word wider than a line is broken inside. Nothing is left out:
    the lines hold every word of the text (the roadmap's and the bar charts' labels)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and measure(line + " " + word) <= width:
            line += " " + word
            continue
        if line:
            lines.append(line)
        while measure(word) > width and len(word) > 1:
            cut = 1
            while cut < len(word) - 1 and measure(word[:cut + 1]) <= width:
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines or [""]
