"""One frozen Settings object, filled from CLI flags and FACILITATOR_* environment variables.

Every setting is declared once in OPTIONS; the CLI builds its flags from it and
tests/unit/test_docs.py fails when one is missing from docs/deployment.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from facilitator import network


@dataclass(frozen=True)
class Option:
    name: str
    help: str
    default: Any
    parse: Callable[[str], Any] = str

    @property
    def env(self) -> str:
        return "FACILITATOR_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


def _bool(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


OPTIONS: tuple[Option, ...] = (
    Option("host", "Address to listen on.", "127.0.0.1"),
    Option("port", "Port to listen on.", 8000, int),
    Option("data_dir", "Directory for the SQLite database and the server's secrets.", "data"),
    Option("database_url", "The database: sqlite:///path/to/file (relative) or "
           "sqlite:////absolute/path, or postgresql://user:password@host:5432/name for a "
           "PostgreSQL server (needed to run several processes). Empty: SQLite in data_dir.",
           ""),
    Option("redis_url", "Redis for several server processes on the same sessions, e.g. "
           "redis://localhost:6379/0 (needs a PostgreSQL database_url and one data_dir shared "
           "by all processes). Empty: this process alone.", ""),
    Option("sessions_dir", "Directory with plan files and where documentation is written.",
           "sessions"),
    Option("public_url", "URL the server is reached at from phones (used in QR codes and "
           "links), e.g. https://workshop.example.org. Defaults to http://HOST:PORT; on all "
           "interfaces (0.0.0.0) to this computer's address in its network.", ""),
    Option("organiser_key", "Key needed to create sessions. Generated and stored in the data "
           "directory on first start when not given.", ""),
    Option("secret", "Secret for signing participant cookies and deriving moderator and "
           "presenter links. Generated and stored in the data directory when not given.", ""),
    Option("language", "Default language of pages outside a session (de or en).", "de"),
    Option("timezone", "Time zone of the dates and times in the documentation of sessions "
           "(an IANA name).", "Europe/Berlin"),
    Option("tally_interval", "Seconds between two tally updates of one activity on the beamer "
           "and the moderator console.", 0.05, float),
    Option("phone_tally_interval", "Seconds between two tally updates of one activity on the "
           "participants' phones (thousands of them, so less often).", 0.5, float),
    Option("commit_interval", "Longest a command waits for others to share its commit, in "
           "seconds (0 commits at once; the writer always batches what is already queued).",
           0.0, float),
    Option("max_connections", "Most participants' WebSocket connections the server accepts at "
           "once (beamers and moderator consoles are not counted; see connections_per_token).",
           5000, int),
    Option("connections_per_token", "Most WebSocket connections one credential (a phone's "
           "cookie, a moderator or beamer link) holds at once; a further one replaces the "
           "oldest.", 4, int),
    Option("max_participants", "Participants a new session admits (the moderator can lift "
           "it per session).", 2000, int),
    Option("max_ideas", "Ideas or questions one activity (one group's instance) takes, for "
           "new sessions (the moderator can lift it per session).", 500, int),
    Option("joins_per_minute", "Joins one session admits per minute, for new sessions (the "
           "moderator can lift it per session).", 600, int),
    Option("joins_per_address", "Joins one network address may make per minute in one "
           "session, for new sessions (the moderator can lift it per session; a room behind "
           "one NAT router shares an address).", 120, int),
    Option("guesses_per_minute", "Failed guesses of a join code, link token or organiser key "
           "one address may make per minute before it is refused for a minute.", 30, int),
    Option("remembered_ids", "Acknowledged command ids remembered per credential, so a "
           "resent command is answered and not carried out twice (a phone's outbox holds at "
           "most 100 unanswered commands).", 256, int),
    Option("refusal_window", "Seconds a refused command's answer is remembered for a resend "
           "(acknowledged commands are remembered by remembered_ids).", 600.0, float),
    Option("header_timeout", "Seconds a client has to send a request's headers.", 10.0, float),
    Option("body_timeout", "Seconds a client has to send a request's body.", 30.0, float),
    Option("min_free_disk", "Megabytes that must be free in the data directory; below it the "
           "server does not start and /healthz fails.", 64, int),
    Option("log_repeats", "Most log lines of one kind per minute; the rest are counted and "
           "summed up.", 20, int),
    Option("send_queue", "Messages queued for one slow connection before it is dropped.", 512,
           int),
    Option("max_upload_mb", "Largest slides file (PDF) a moderator may upload, in megabytes.",
           50, int),
    Option("max_slides", "Most pages a slides file (PDF) may have.", 200, int),
    Option("max_photos", "Most photos one session takes (from phones and the moderation).",
           200, int),
    Option("photo_mb", "Largest photo that may be uploaded, in megabytes (it is stored "
           "downscaled to 2048 pixels, a few hundred kilobytes).", 15, int),
    Option("media_timeout", "Seconds the server spends on one uploaded file (rendering a PDF, "
           "converting a photo) before it stops and refuses it.", 60.0, float),
    Option("media_workers", "Processes that render slides and convert photos, each one file "
           "at a time (more uploads wait for a free one).", 1, int),
    Option("organisation", "Name of the organisation that hands the documentation over, at the "
           "top of every report (e.g. Stadt Musterstadt, Klimaschutzmanagement).", ""),
    Option("logo", "A PNG or JPEG file shown beside the organisation's name at the top of "
           "every report (checked and scaled down when the server starts).", ""),
    Option("retention_days", "Days after its end that a closed session is deleted with its "
           "uploaded files (0 keeps closed sessions). Sessions a moderator deleted are deleted "
           "for good within the hour either way.", 0, int),
    Option("keep_archives", "Keep the documentation written for a session (in sessions_dir) "
           "when data retention deletes the session.", True, _bool),
    Option("proxy_headers", "Trust X-Forwarded-* headers from the reverse proxy.", False, _bool),
    Option("log_level", "Log level: debug, info, warning, error.", "info"),
    Option("metrics", "Serve Prometheus metrics at /metrics (off: the path is not found).",
           False, _bool),
    Option("metrics_token", "Token a scraper must send as Authorization: Bearer <token> to "
           "read /metrics (empty: none needed).", ""),
)


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("data")
    sessions_dir: Path = Path("sessions")
    database_url: str = ""
    redis_url: str = ""
    public_url: str = ""
    organiser_key: str = ""
    secret: str = ""
    language: str = "de"
    timezone: str = "Europe/Berlin"
    tally_interval: float = 0.05
    phone_tally_interval: float = 0.5
    commit_interval: float = 0.0
    max_connections: int = 5000
    connections_per_token: int = 4
    max_participants: int = 2000
    max_ideas: int = 500
    joins_per_minute: int = 600
    joins_per_address: int = 120
    guesses_per_minute: int = 30
    remembered_ids: int = 256
    refusal_window: float = 600.0
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    min_free_disk: int = 64
    log_repeats: int = 20
    send_queue: int = 512
    max_upload_mb: int = 50
    max_slides: int = 200
    max_photos: int = 200
    photo_mb: int = 15
    media_timeout: float = 60.0
    media_workers: int = 1
    organisation: str = ""
    logo: str = ""
    retention_days: int = 0
    keep_archives: bool = True
    proxy_headers: bool = False
    log_level: str = "info"
    metrics: bool = False
    metrics_token: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        """The address in links and QR codes: the public URL, else the host listened on;
        on all interfaces, the address of this computer in the room's network (a phone
        that opened 127.0.0.1 would open itself)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.host
        if host in network.WILDCARDS:
            found = network.lan_interface()
            host = found.address if found else "127.0.0.1"
        return f"http://{host}:{self.port}"

    @property
    def database(self) -> Path:
        """The SQLite file when no database_url is given."""
        return self.data_dir / "facilitator.sqlite3"

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.database}"


def load_settings(
    values: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Flags win over environment variables, which win over defaults."""
    values = dict(values or {})
    environ = os.environ if environ is None else environ
    kwargs: dict[str, Any] = {}
    for option in OPTIONS:
        value = values.get(option.name)
        if value is None and option.env in environ:
            value = option.parse(environ[option.env])
        if value is None:
            value = option.default
        kwargs[option.name] = value
    for name in ("data_dir", "sessions_dir"):
        kwargs[name] = Path(kwargs[name])
    if kwargs["redis_url"] and not kwargs["database_url"].startswith(("postgresql:",
                                                                       "postgres:")):
        raise ValueError("redis_url (several processes) needs a PostgreSQL database_url: "
                         "processes cannot share a SQLite file")
    if kwargs["retention_days"] < 0:
        raise ValueError("retention_days must be 0 (keep) or more days")
    if kwargs["language"] not in {"de", "en"}:
        raise ValueError(f"language must be de or en, not {kwargs['language']!r}")
    try:
        ZoneInfo(kwargs["timezone"])
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError(f"timezone must be an IANA time zone such as Europe/Berlin, not "
                         f"{kwargs['timezone']!r}") from None
    known = {f.name for f in fields(Settings)}
    assert set(kwargs) <= known
    return Settings(**kwargs)
