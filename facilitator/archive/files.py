"""Writing the documentation folder, and packing it into a zip.

Both are deterministic: the same event log gives byte-identical files, and the same folder
a byte-identical zip (sorted names, fixed timestamps and permissions).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

from facilitator.archive.branding import LOGO, Branding
from facilitator.archive.build import build_report
from facilitator.archive.csvfiles import render_csv, render_next_steps_csv, render_roadmap_csv
from facilitator.archive.html import render_html
from facilitator.archive.jsonfile import render_json
from facilitator.archive.markdown import render_markdown
from facilitator.archive.report import Report
from facilitator.domain.model import Event

# The earliest time a zip entry can carry: no clock, no "now" in the archive.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ROADMAP = "roadmap.csv"  # every step of the measure sheets, when there is one
NEXT_STEPS = "next_steps.csv"  # the next steps the moderation recorded, when there are any
ZIP_UNIX = 3  # "made on Unix", so the permission bits below are read everywhere


def _write(path: Path, data: bytes) -> None:
    # Write beside and rename: a download running meanwhile gets the old or the new file,
    # never half of one.
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def copy_media(report: Report, folder: Path, blobs: Path | None) -> None:
    """The session's files the report shows (slide thumbnails and the PDF, photos) from the
    blob store's folder of the session into media/; files no longer shown (a removed photo)
    leave the folder. A file missing from the store is left out (the report says so)."""
    wanted = {name.removeprefix("media/") for name in report.media()}
    media = folder / "media"
    if media.is_dir():
        for stale in sorted(media.iterdir()):
            if stale.name not in wanted:
                stale.unlink()
    if not wanted or blobs is None:
        return
    media.mkdir(exist_ok=True)
    for name in sorted(wanted):
        source, target = blobs / name, media / name
        if target.is_file() or not source.is_file():
            continue  # content-addressed: a file of this name has this content
        _write(target, source.read_bytes())


def _session_logo(events: Sequence[Event], blobs: Path | None) -> bytes | None:
    """The session's own logo (the last `session.logo_set`), a PNG the logo route made;
    None without one, or when its file is missing (then the server's logo applies)."""
    name = next((e.data["logo"] for e in reversed(events) if e.type == "session.logo_set"),
                None)
    if not isinstance(name, str) or blobs is None:
        return None
    try:
        return (blobs / name).read_bytes()
    except OSError:
        return None


def write_archive(events: Sequence[Event], folder: Path, *,
                  timezone: str = "Europe/Berlin", blobs: Path | None = None,
                  branding: Branding | None = None) -> list[Path]:
    """Write README.md, report.html, results.json, roadmap.csv (when a measure sheet has
    steps), next_steps.csv (when the moderation recorded any) and csv/NN-<slug>.csv into
    `folder` (made if missing), and the files of slides and photos into media/ (from
    `blobs`, the blob store's folder of this session); return the paths written, in that
    order. CSV and media files of an earlier run that this run does not
    write are removed, so the folder always matches the log."""
    branding = branding or Branding()
    report = build_report(events, timezone=timezone, organisation=branding.organisation)
    folder.mkdir(parents=True, exist_ok=True)
    copy_media(report, folder, blobs)
    logo = _session_logo(events, blobs) or branding.logo
    if logo is not None:  # first: report.html carries it inside itself
        _write(folder / LOGO, logo)
    elif (folder / LOGO).exists():  # from an earlier run with a logo
        (folder / LOGO).unlink()
    files: dict[str, bytes] = {
        "README.md": render_markdown(report).encode("utf-8"),
        "report.html": render_html(report, folder).encode("utf-8"),
        "results.json": render_json(report).encode("utf-8"),
    }
    if report.roadmap:
        files[ROADMAP] = render_roadmap_csv(report)
    elif (folder / ROADMAP).exists():  # from an earlier run: the folder matches the log
        (folder / ROADMAP).unlink()
    if report.next_steps:
        files[NEXT_STEPS] = render_next_steps_csv(report)
    elif (folder / NEXT_STEPS).exists():  # all deleted since the last run
        (folder / NEXT_STEPS).unlink()
    for activity in report.activities:
        files[activity.csv] = render_csv(report, activity)
    csv_folder = folder / "csv"
    if report.activities:
        csv_folder.mkdir(exist_ok=True)
    if csv_folder.is_dir():
        for stale in sorted(csv_folder.glob("*.csv")):
            if f"csv/{stale.name}" not in files:
                stale.unlink()
    written = []
    for name, data in files.items():
        path = folder / name
        _write(path, data)
        written.append(path)
    return written


# What write_archive (and `facilitator archive --pdf`) put into a session's folder; a plan
# file beside them (sessions_dir/<slug>/plan.toml) is the moderator's and stays.
WRITTEN = ("README.md", "report.html", "report.pdf", "results.json", ROADMAP, NEXT_STEPS, LOGO)
WRITTEN_FOLDERS = ("csv", "media")


def remove_archive(folder: Path) -> None:
    """Delete the documentation written into `folder`, and the folder when nothing else is
    left in it."""
    import shutil

    for name in WRITTEN:
        (folder / name).unlink(missing_ok=True)
    for name in WRITTEN_FOLDERS:
        shutil.rmtree(folder / name, ignore_errors=True)
    for stale in folder.glob("*.zip"):
        stale.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:  # not empty (a plan file) or gone already
        pass


def zip_archive(folder: Path) -> bytes:
    """The folder as a zip, its files under `<folder name>/`. Left out: zips (one of the
    folder may be kept in it), hidden files, and files still being written (.part, .tmp)."""
    names = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                   if path.is_file() and path.suffix not in {".zip", ".part", ".tmp"}
                   and not any(part.startswith(".") for part in path.relative_to(folder).parts))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(f"{folder.name}/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = ZIP_UNIX
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(info, (folder / name).read_bytes(), compresslevel=9)
    return buffer.getvalue()
