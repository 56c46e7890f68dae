"""Small groups in a plan (docs/plans.md, "Groups"): their names at the top level.

The server makes the groups when the session is created, before any phase, so that per-group
activities and the moderator's first shuffle find them. The names follow the server's rules
(domain/groups.py); two names that differ only in case or spacing are refused here, because a
moderator reading the console could not tell them apart either.
"""

from __future__ import annotations

from typing import Any

from facilitator.domain.errors import N_, Invalid
from facilitator.domain.groups import MAX_GROUPS, NAME_LIMIT
from facilitator.domain.model import clean_text
from facilitator.domain.plan_sources import Problem, same_name

LIST_OF_NAMES = N_('The field {field} must be a list of names: groups = ["…", "…"].')


def read_groups(value: Any) -> tuple[str, ...]:
    """The group names of `groups = [...]`, cleaned; raise Problem (where: from the top)."""
    if value is None:
        return ()
    # [[groups]] tables (the shape an earlier draft of the format had) are a list too.
    if not isinstance(value, list) or any(isinstance(entry, dict) for entry in value):
        raise Problem(("groups",), LIST_OF_NAMES)
    if len(value) > MAX_GROUPS:
        raise Problem(("groups", MAX_GROUPS), N_("A plan can have at most {limit} groups."),
                      limit=MAX_GROUPS)
    names: list[str] = []
    for n, entry in enumerate(value):
        try:
            name = clean_text(entry, NAME_LIMIT, "groups")
        except Invalid as refusal:
            params = {k: v for k, v in refusal.params.items() if k != "field"}
            raise Problem(("groups", n), refusal.message, **params) from None
        if any(same_name(name, other) for other in names):
            raise Problem(("groups", n), N_("Two groups have the same name."))
        names.append(name)
    return tuple(names)
