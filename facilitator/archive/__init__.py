"""The documentation of a workshop ("archive"), a pure function of its event log.

    build_report(events, timezone=...)          -> Report (report.py): the data of it all
    write_archive(events, folder, timezone=...) -> README.md, report.html, results.json,
                                                   csv/NN-<slug>.csv in the folder
    zip_archive(folder)                         -> the folder as zip bytes

Same events, same bytes: no clock, no randomness, every order fixed, times shown in the
given time zone (Europe/Berlin unless told otherwise). The schema of results.json is
docs/archive.md.
"""

from __future__ import annotations

from facilitator.archive.build import build_report
from facilitator.archive.files import write_archive, zip_archive
from facilitator.archive.report import Report

__all__ = ["Report", "build_report", "write_archive", "zip_archive"]
