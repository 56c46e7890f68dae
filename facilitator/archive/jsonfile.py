"""results.json: the Report as JSON, field for field (the schema is docs/archive.md)."""

from __future__ import annotations

import dataclasses
import json

from facilitator.archive.report import Report


def render_json(report: Report) -> str:
    # Field order is the dataclasses' order and every list is ordered by the builder, so the
    # same report always gives the same text; no sort_keys, which would scatter the fields.
    data = dataclasses.asdict(report)
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
