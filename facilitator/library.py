"""The plan library: the ready plans that ship with the package and the templates an organiser
saved on this server (docs/plans.md), for the organiser console and the command line.

Ready plans are the `sessions/<slug>/plan.toml` of the repository. The wheel carries them as
`facilitator/sessions/<slug>/plan.toml` (pyproject.toml); a checkout reads the repository's
folder. Only `plan.toml` files are read: in a checkout that same folder is also the default
`sessions_dir`, where the documentation of sessions is written.

Templates are plan files in `<data_dir>/templates/<slug>.toml`, checked with load_plan before
they are written, so every template on disk is a plan that loads.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from facilitator.domain.errors import N_, Invalid, LimitReached, NotFound
from facilitator.domain.plan import Plan, PlanError, load_plan

log = logging.getLogger(__name__)

PLAN_FILE = "plan.toml"
TEMPLATES = "templates"  # under the data directory
MAX_TEMPLATES = 200
NAME_LIMIT = 64  # characters of a template's slug
NAME_INPUT_LIMIT = 200  # characters of the name as typed, before it becomes a slug
TEMPLATE_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
# German first: "Wärmeplanung" is "waermeplanung", not "warmeplanung".
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                              "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "Ss"})

Source = Literal["ready", "template"]


@dataclass(frozen=True)
class LibraryPlan:
    """A plan of the library: `slug` names it (the folder of a ready plan, the file name of a
    template without .toml), `title` is the plan's."""

    slug: str
    title: str
    source: Source
    path: Path
    plan: Plan

    @property
    def phases(self) -> int:
        return len(self.plan.phases)

    @property
    def minutes(self) -> int:
        """The planned minutes of all phases (phases without minutes count nothing)."""
        return sum(phase.minutes or 0 for phase in self.plan.phases)


def _ready_dir() -> Path | None:
    """The folder of the ready plans: the package's (an installed wheel) or else the
    checkout's. One of the two, never both: an editable install has no packaged copy."""
    packaged = resources.files("facilitator") / "sessions"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "sessions"
    return checkout if checkout.is_dir() else None


# The console lists the library on every visit: a file is parsed again only when it changed
# (its size or modification time). Bounded: past the limit the cache starts over.
_CACHE: dict[tuple[Path, int, int], LibraryPlan] = {}
_CACHE_LIMIT = 4 * MAX_TEMPLATES


def _read(path: Path, slug: str, source: Source) -> LibraryPlan:
    stat = path.stat()
    key = (path, stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(key)
    if cached is not None and cached.slug == slug and cached.source == source:
        return cached
    plan = load_plan(path.read_text("utf-8"), path.name if source == "template" else
                     f"{slug}/{PLAN_FILE}")
    found = LibraryPlan(slug, plan.title, source, path, plan)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = found
    return found


def ready_plans() -> list[LibraryPlan]:
    """The ready plans, sorted by slug. A plan that does not load (someone edits one in a
    checkout) is left out with a warning in the log rather than break the console."""
    folder = _ready_dir()
    if folder is None:
        return []
    found = []
    for path in sorted(folder.glob(f"*/{PLAN_FILE}")):
        slug = path.parent.name
        if not TEMPLATE_SLUG.fullmatch(slug):
            continue
        try:
            found.append(_read(path, slug, "ready"))
        except (OSError, UnicodeDecodeError, PlanError) as error:
            log.warning("ready plan %s left out: %s", path, error)
    return found


def ready_plan(slug: str) -> LibraryPlan:
    """The ready plan of this slug; NotFound when there is none."""
    for plan in ready_plans():
        if plan.slug == slug:
            return plan
    raise NotFound(N_("There is no ready plan “{slug}”."), slug=slug[:NAME_LIMIT])


def template_slug(name: str) -> str:
    """The file name a template of this name gets: lower case letters, digits and hyphens,
    at most 64 characters; Invalid when nothing of the name is left."""
    if len(name) > NAME_INPUT_LIMIT:
        raise Invalid(N_("The name of a template is at most {limit} characters long."),
                      limit=NAME_INPUT_LIMIT)
    spelled = unicodedata.normalize("NFKD", name.translate(_SPELLED_OUT))
    text = spelled.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:NAME_LIMIT].rstrip("-")
    if not slug:
        raise Invalid(N_("A template needs a name with at least one letter or digit."))
    return slug


def _template_dir(data_dir: Path) -> Path:
    return data_dir / TEMPLATES


def templates(data_dir: Path) -> list[LibraryPlan]:
    """The templates saved on this server, sorted by slug; files that do not load (edited by
    hand) are left out with a warning in the log."""
    folder = _template_dir(data_dir)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.toml")):
        if not TEMPLATE_SLUG.fullmatch(path.stem):
            continue
        try:
            found.append(_read(path, path.stem, "template"))
        except (OSError, UnicodeDecodeError, PlanError) as error:
            log.warning("template %s left out: %s", path, error)
    return found


def load_template(data_dir: Path, slug: str) -> LibraryPlan:
    """The template of this slug; NotFound when there is none (or the slug is no slug, so a
    name like ../secret never reaches the file system)."""
    path = _template_dir(data_dir) / f"{slug}.toml"
    if not TEMPLATE_SLUG.fullmatch(slug) or not path.is_file():
        raise NotFound(N_("There is no template “{slug}”."), slug=slug[:NAME_LIMIT])
    return _read(path, slug, "template")


def delete_template(data_dir: Path, slug: str) -> None:
    """Delete the template of this slug; NotFound when there is none (checked as
    load_template does, so no name reaches outside the folder)."""
    path = _template_dir(data_dir) / f"{slug}.toml"
    if not TEMPLATE_SLUG.fullmatch(slug) or not path.is_file():
        raise NotFound(N_("There is no template “{slug}”."), slug=slug[:NAME_LIMIT])
    path.unlink(missing_ok=True)


def save_template(data_dir: Path, name: str, text: str) -> LibraryPlan:
    """Save a plan's TOML text as the template `name` (its slug names the file; the same
    slug again replaces it). Raises PlanError for a text that is not a plan, Invalid for a
    name without letters or digits, LimitReached past MAX_TEMPLATES; then nothing is
    written. The file is written whole or not at all (a temporary file, renamed)."""
    slug = template_slug(name)
    plan = load_plan(text, f"{slug}.toml")
    folder = _template_dir(data_dir)
    target = folder / f"{slug}.toml"
    if not target.exists() and len(list(folder.glob("*.toml"))) >= MAX_TEMPLATES:
        # The organiser removes files from <data_dir>/templates/ (docs/plans.md); the
        # message names no path, as a moderator may read it too.
        raise LimitReached(N_("This server holds {limit} templates already; the organiser "
                              "can remove some."), limit=MAX_TEMPLATES)
    folder.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{slug}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text.removeprefix("\ufeff"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_dir(folder)
    return LibraryPlan(slug, plan.title, "template", target, plan)


def _sync_dir(folder: Path) -> None:
    """Make the rename durable (POSIX: fsync the directory); nothing to do elsewhere."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
