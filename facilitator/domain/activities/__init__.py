"""The activity kinds, one module each (STYLE.md, point 9)."""

from __future__ import annotations

from facilitator.domain.activities.base import Activity, Kind, Rule
from facilitator.domain.activities.consent import Consent
from facilitator.domain.activities.dots import Dots
from facilitator.domain.activities.ideas import Ideas
from facilitator.domain.activities.matrix import Matrix
from facilitator.domain.activities.measure import Measure
from facilitator.domain.activities.poll import Poll
from facilitator.domain.activities.qa import Qa
from facilitator.domain.activities.ranking import Ranking
from facilitator.domain.activities.scale import Scale
from facilitator.domain.activities.slides import Slides
from facilitator.domain.activities.words import Words

# One line per kind; the order is the order of the moderator's "new activity" menu.
KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Ideas(),
    Poll(),
    Dots(),
    Ranking(),
    Scale(),
    Matrix(),
    Consent(),
    Words(),
    Qa(),
    Measure(),
    Slides(),
)}

# Which kind handles which command type.
COMMANDS: dict[str, Kind] = {cmd: kind for kind in KINDS.values() for cmd in kind.rules}

__all__ = ["KINDS", "COMMANDS", "Activity", "Kind", "Rule"]
