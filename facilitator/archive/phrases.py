"""Fixed texts, numbers and times of the documentation in the session's language, ready for one
output format.

A `Phrases` is made for one format: "md" (Markdown), "html" or "plain" (CSV). Its `gettext`
translates an English message and fills in `{name}` placeholders, escaping every parameter
that is a plain `str` (user text) for the format; numbers, dates and other texts made here are
returned already marked as ready (`Ready` for Markdown and CSV, `Markup` for HTML), so they
are not escaped twice. The HTML templates get it as `_`, the name `make catalogs` extracts.

Counts use `plural(n, N_(one), N_(other))`: two ordinary messages chosen by n == 1, which is
the plural rule of both German and English. The catalogs hold no gettext plural entries (the
catalog test compares compiled messages by id, and Babel reads a plural's id as a list).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from markupsafe import Markup, escape

from facilitator.archive.text import md_escape
from facilitator.i18n import translations

Format = Literal["md", "html", "plain"]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def N_(message: str) -> str:
    """Marks a message for extraction; translated where it is used."""
    return message


KINDS = {
    "ideas": N_("Idea collection"), "poll": N_("Poll"), "dots": N_("Dot vote"),
    "ranking": N_("Priority ranking"), "scale": N_("Rating scale"), "matrix": N_("Matrix"),
    "consent": N_("Decision"), "words": N_("Word cloud"), "qa": N_("Questions to the panel"),
    "measure": N_("Measure sheet"),
}
MODES = {"room": N_("on site"), "online": N_("online"), "hybrid": N_("hybrid")}
VOTES = {"yes": N_("Yes"), "no": N_("No"), "abstain": N_("Abstain")}
MAJORITIES = {"simple": N_("simple majority (more yes than no)"),
              "two_thirds": N_("two-thirds majority of yes and no votes")}
OUTCOMES = {"accepted": N_("accepted"), "rejected": N_("rejected"),
            "no_quorum": N_("no quorum")}


class Ready(str):
    """Text that is ready for a Markdown or CSV file: made by us, or escaped already."""


class Phrases:
    def __init__(self, language: str, fmt: Format) -> None:
        self.language = language
        self.fmt = fmt
        self._catalog = translations(language)

    # -- escaping ------------------------------------------------------------------------

    def ready(self, text: str) -> str:
        return Markup(text) if self.fmt == "html" else Ready(text)

    def esc(self, text: str) -> str:
        """User text, escaped for the format (unless it is ready already)."""
        if isinstance(text, Ready | Markup):
            return text
        if self.fmt == "html":
            return escape(text)
        return Ready(md_escape(text) if self.fmt == "md" else text)

    def _fill(self, template: str, params: dict[str, object]) -> str:
        if self.fmt == "html":
            return Markup(escape(template)).format(**params)
        values = {k: self.esc(v) if isinstance(v, str) else v for k, v in params.items()}
        return Ready(template.format(**values))

    def gettext(self, message: str, **params: object) -> str:
        return self._fill(self._catalog.gettext(message), params)

    def plural(self, n: int, one: str, other: str, **params: object) -> str:
        """`one` for n == 1, else `other` (both marked with N_ where they are written)."""
        return self.gettext(one if n == 1 else other, n=n, **params)

    # -- numbers and times ---------------------------------------------------------------

    @property
    def german(self) -> bool:
        return self.language == "de"

    def number(self, value: float | None, places: int = 2) -> str:
        """"3,5" in German, "3.5" in English; at most `places` decimals, no trailing zeros;
        a dash for no value."""
        if value is None:
            return self.ready("–")
        if isinstance(value, int):
            text = str(value)
        else:
            text = f"{value:.{places}f}".rstrip("0").rstrip(".")
            text = "0" if text == "-0" else text
        return self.ready(text.replace(".", ",") if self.german else text)

    def percent(self, share: float) -> str:
        whole = f"{share * 100:.0f}"
        return self.ready(f"{whole}\u00a0%" if self.german else f"{whole}%")

    def _day(self, moment: date) -> str:
        if self.german:
            return f"{moment.day:02d}.{moment.month:02d}.{moment.year}"
        return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"

    def day(self, iso: str) -> str:
        return self.ready(self._day(datetime.fromisoformat(iso)))

    def clock(self, iso: str) -> str:
        return self.ready(datetime.fromisoformat(iso).strftime("%H:%M"))

    def when(self, iso: str | None) -> str:
        """"21.11.2026, 09:14" in German, "21 Nov 2026, 09:14" in English."""
        if iso is None:
            return self.ready("–")
        moment = datetime.fromisoformat(iso)
        return self.ready(f"{self._day(moment)}, {moment.strftime('%H:%M')}")

    def moment(self, iso: str | None, day_of: str | None) -> str:
        """Only the time when it is on the same day as `day_of`, else day and time."""
        if iso is None:
            return self.ready("–")
        if day_of is not None and iso[:10] == day_of[:10]:
            return self.clock(iso)
        return self.when(iso)

    def span(self, start: str | None, end: str | None) -> str:
        """"21.11.2026, 09:02–12:05", or with both dates when it went past midnight."""
        if start is None:
            return self.when(end)
        if end is None:
            return self.when(start)
        if start[:10] == end[:10]:
            return self.ready(f"{self.when(start)}–{self.clock(end)}")
        return self.ready(f"{self.when(start)} – {self.when(end)}")

    def date(self, value: str) -> str:
        """A date typed into a measure sheet (YYYY-MM-DD), as the reader writes dates."""
        try:
            return self.ready(self._day(date.fromisoformat(value)))
        except ValueError:
            return self.esc(value)

    def minutes(self, value: int | None) -> str:
        if value is None:
            return self.ready("–")
        return self.gettext("{n} min", n=value)

    # -- labels --------------------------------------------------------------------------

    def kind(self, kind: str) -> str:
        return self.gettext(KINDS.get(kind, kind))

    def mode(self, mode: str) -> str:
        return self.gettext(MODES.get(mode, mode))

    def vote(self, vote: str) -> str:
        return self.gettext(VOTES.get(vote, vote))

    def majority(self, majority: str) -> str:
        return self.gettext(MAJORITIES.get(majority, majority))

    def outcome(self, outcome: str) -> str:
        return self.gettext(OUTCOMES.get(outcome, outcome))
