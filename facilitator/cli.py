"""The `facilitator` command: serve, new, plans, sessions, archive. Every setting is a flag with
a FACILITATOR_* environment variable (facilitator/config.py)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from facilitator import __version__, gctune, library, network, secrets
from facilitator.config import OPTIONS, Settings, load_settings
from facilitator.domain.codes import normalise_code
from facilitator.domain.errors import Refusal
from facilitator.domain.plan import Plan, PlanError, load_plan
from facilitator.i18n import translate
from facilitator.live import archiving
from facilitator.live.archiving import Archiver
from facilitator.live.plans import create_from_plan
from facilitator.live.registry import Registry
from facilitator.live.runtime import SessionRuntime
from facilitator.store import make_store
from facilitator.store.blobs import FileBlobs
from facilitator.web import qr
from facilitator.web.sessions import links


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="facilitator",
        description="Self-hosted live workshops: agenda, ideas and votes on every phone.")
    top.add_argument("--version", action="version", version=f"facilitator {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the server",
                                description="Run the server and print the links to use.")
    serve.add_argument("--plan", metavar="PLAN", help="also create (or reuse) the session of "
                       "this plan, open it, and print its moderator link and join QR code; "
                       "PLAN is a plan file, a ready plan's name or a template's name "
                       "(facilitator plans lists them)")
    new = commands.add_parser("new", help="create a session from a plan",
                              description="Create a session from a plan (see docs/plans.md) "
                              "and print its links.")
    new.add_argument("plan", metavar="PLAN", help="a plan file (sessions/<slug>/plan.toml), "
                     "a ready plan's name (simulationslabor-klimaschutz) or a template's "
                     "name; facilitator plans lists the names")
    plans = commands.add_parser(
        "plans", help="list the ready plans and the templates",
        description="List the ready plans that come with facilitator and the templates "
        "saved on this server (DATA_DIR/templates/), with their names for facilitator new "
        "and serve --plan.")
    listing = commands.add_parser("sessions", help="list sessions with their moderator links")
    archive = commands.add_parser(
        "archive", help="write the documentation of a session",
        description="Write the documentation of a session from the database into "
        "SESSIONS_DIR/<session id>/ (README.md, report.html, results.json, csv/) and print "
        "the folder. The server does the same by itself when a session closes.")
    archive.add_argument("session", help="the session's join code or id")
    archive.add_argument("--pdf", action="store_true",
                         help="also print report.html to report.pdf with headless Chromium")
    migrate = commands.add_parser(
        "migrate-store", help="copy every session from one database to another",
        description="Copy every session with its whole log from the database SOURCE to the "
        "database TARGET (SQLite to PostgreSQL or back), read each copy back and compare it "
        "with the source. Sessions already in TARGET with the same log are left alone, so it "
        "can run again; one with a different log is reported and not touched (exit status "
        "1). Stop the server that writes SOURCE first. Uploaded files stay in DATA_DIR.")
    migrate.add_argument("source", metavar="SOURCE", help="database URL to copy from, e.g. "
                         "sqlite:///data/facilitator.sqlite3")
    migrate.add_argument("target", metavar="TARGET", help="database URL to copy to, e.g. "
                         "postgresql://facilitator@localhost/facilitator")
    for sub in (serve, new, plans, listing, archive):
        for option in OPTIONS:
            described = f"{option.help} [env {option.env}; default: {option.default!r}]"
            if isinstance(option.default, bool):  # a switch: --proxy-headers / --no-...
                sub.add_argument(option.flag, dest=option.name, default=None,
                                 action=argparse.BooleanOptionalAction, help=described)
            else:
                sub.add_argument(option.flag, dest=option.name, type=option.parse,
                                 default=None, help=described)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(vars(args))
    except ValueError as error:
        print(f"facilitator: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        return serve(settings, args.plan)
    if args.command == "new":
        return asyncio.run(_with_registry(settings, _new, args.plan))
    if args.command == "archive":
        return asyncio.run(_with_registry(settings, _archive, args.session, args.pdf))
    if args.command == "plans":
        return _plans(settings)
    if args.command == "migrate-store":
        return asyncio.run(_migrate_store(args.source, args.target))
    return asyncio.run(_with_registry(settings, _list))


async def _with_registry(settings: Settings, job: Any, *args: Any) -> int:
    store = make_store(settings.store_url)
    await store.open()
    registry = Registry(store, translate)
    try:
        result: int = await job(settings, registry, *args)
        return result
    finally:
        await registry.close()
        await store.close()


def _load(path: Path) -> Plan:
    return load_plan(path.read_text("utf-8"), str(path))


def _plan_error(error: PlanError, language: str) -> int:
    print(error.describe(lambda message: translate(language, message)), file=sys.stderr)
    return 1


def find_plan(settings: Settings, which: str) -> tuple[Plan, str]:
    """The plan `which` names and the id its session gets: a plan file (or a folder with a
    plan.toml) if there is one at that path, else a ready plan, else a template of that name.
    Raises PlanError for a plan that does not load, LookupError when nothing has the name."""
    path = Path(which)
    if path.is_dir() and (path / library.PLAN_FILE).is_file():
        path = path / library.PLAN_FILE
    if path.is_file():
        plan = _load(path)
        return plan, plan.slug or path.resolve().parent.name
    if library.TEMPLATE_SLUG.fullmatch(which):
        for ready in library.ready_plans():
            if ready.slug == which:
                return ready.plan, ready.plan.slug or ready.slug
        try:
            template = library.load_template(settings.data_dir, which)
        except Refusal:
            pass
        else:
            return template.plan, template.plan.slug or template.slug
    names = ", ".join(ready.slug for ready in library.ready_plans())
    raise LookupError(f"no plan file, ready plan or template named {which!r} (ready plans: "
                      f"{names or 'none'}; facilitator plans lists the templates too)")


async def _from_plan(settings: Settings, registry: Registry, which: str,
                     reuse: bool) -> SessionRuntime | int:
    try:
        plan, ident = find_plan(settings, which)
    except PlanError as error:
        return _plan_error(error, settings.language)
    except (LookupError, OSError, UnicodeDecodeError) as error:
        print(f"facilitator: {error}", file=sys.stderr)
        return 1
    existing = await registry.get_by_id(ident)
    if existing is not None:
        if reuse:
            return existing
        print(f"facilitator: a session {ident!r} exists already", file=sys.stderr)
        return 1
    return await create_from_plan(registry, plan, ident)


async def _new(settings: Settings, registry: Registry, which: str) -> int:
    runtime = await _from_plan(settings, registry, which, reuse=False)
    if isinstance(runtime, int):
        return runtime
    print(banner(settings, runtime))
    return 0


async def _migrate_store(source_url: str, target_url: str) -> int:
    from facilitator.store.base import StoreUnavailable
    from facilitator.store.migrate import copy_sessions

    stores = []
    try:
        stores = [make_store(source_url), make_store(target_url)]
        for store in stores:
            await store.open()
        outcome = await copy_sessions(*stores, print)
    except (ValueError, StoreUnavailable) as error:  # a URL of no store, a store unreachable
        print(f"facilitator: {error}", file=sys.stderr)
        return 2
    finally:
        for store in reversed(stores):
            await store.close()
    print(f"{len(outcome.copied)} copied, {len(outcome.present)} already there, "
          f"{len(outcome.conflicts)} not copied")
    return 0 if outcome.ok else 1


def _plans(settings: Settings) -> int:
    def line(plan: library.LibraryPlan) -> str:
        return (f"  {plan.slug:32} {plan.title}  ({plan.phases} phases, "
                f"{plan.minutes} min)")

    ready = library.ready_plans()
    found = library.templates(settings.data_dir)
    print("Ready plans (facilitator new NAME, facilitator serve --plan NAME):")
    print("\n".join(line(plan) for plan in ready) if ready else "  none")
    print(f"Templates in {settings.data_dir / library.TEMPLATES}:")
    print("\n".join(line(plan) for plan in found) if found else "  none")
    return 0


async def _list(settings: Settings, registry: Registry) -> int:
    secret = secrets.server_secret(settings.data_dir, settings.secret)
    for record in await registry.store.list_sessions():
        runtime = await registry.get(record.code)
        assert runtime is not None
        found = links(settings.base_url, secret, runtime)
        print(f"{record.code}  {record.status:7}  {record.title}\n    {found.moderator_url}")
    return 0


async def _archive(settings: Settings, registry: Registry, which: str, pdf: bool) -> int:
    store = registry.store
    record = await store.find_session(ident=which)
    code = normalise_code(which)
    if record is None and code is not None:
        record = await store.find_session(code=code)
    if record is None or record.status == "deleted":
        print(f"facilitator: no session with the code or id {which!r}", file=sys.stderr)
        return 1
    from facilitator.archive.branding import branding

    archiver = Archiver(store, settings.sessions_dir, settings.timezone,
                        FileBlobs(settings.data_dir / "blobs"),
                        branding(settings.organisation, settings.logo))
    await archiver.write(record.id)
    folder = archiver.folder(record.id)
    print(folder)
    if not pdf:
        return 0
    browser = archiving.chromium()
    if browser is None:
        print("facilitator: no PDF: Chromium was not found (looked for "
              f"{', '.join(archiving.CHROMIUM)}); install it (apt-get install chromium) or "
              f"print {folder / archiving.REPORT} from a browser", file=sys.stderr)
        return 1
    try:
        await asyncio.to_thread(archiving.render_pdf, folder / archiving.REPORT,
                                folder / archiving.PDF, browser)
    except RuntimeError as error:
        print(f"facilitator: no PDF: {error}", file=sys.stderr)
        return 1
    print(folder / archiving.PDF)
    return 0


def reach(settings: Settings) -> list[str]:
    """Who can open the links: a clear word when it is the whole network, and a warning
    when phones cannot (the server listens on this computer only)."""
    if settings.public_url:
        return []
    if settings.host in network.WILDCARDS:
        found = network.lan_interface()
        if found is None:
            return ["  Note: listening on all interfaces, but this computer has no network "
                    "address phones could use; the links point to 127.0.0.1."]
        return [f"  Listening on all interfaces: anyone on the network of {found.name} "
                f"({found.address}) can open the join page. To keep it to this computer: "
                "--host 127.0.0.1 (make run HOST=127.0.0.1)."]
    if network.is_loopback(settings.host):
        return ["  Warning: the links point to this computer only; phones cannot open them. "
                "To let phones on the same Wi-Fi join: --host 0.0.0.0 (make run does)."]
    return []


def banner(settings: Settings, runtime: SessionRuntime, *,
           colour: bool | None = None) -> str:
    secret = secrets.server_secret(settings.data_dir, settings.secret)
    found = links(settings.base_url, secret, runtime)
    state = runtime.state
    if colour is None:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    return "\n".join([
        f"Session „{state.title}“ ({state.status}), join code {state.code}",
        f"  Moderation:  {found.moderator_url}",
        f"  Beamer:      {found.presenter_url}",
        f"  Join:        {found.join_url}",
        f"  QR code:     {settings.base_url}/qr/{state.code}.png  (and .svg, for slides)",
        "",
        qr.text(found.join_url, colour=colour),
        "",
    ])


def data_dir_problem(data_dir: Path, min_free_disk: int) -> str | None:
    """Why the server could not keep its data in this directory, as one sentence; None
    when it can: a file can be created, written to disk and removed, and at least
    min_free_disk megabytes are free. Found now, it is a clear message at start instead of
    failing commands during a workshop."""
    probe = data_dir / f".write-probe-{os.getpid()}"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"facilitator")
            os.fsync(fd)
        finally:
            os.close(fd)
            probe.unlink()
        free = shutil.disk_usage(data_dir).free // (1024 * 1024)
    except OSError as error:
        return (f"facilitator: cannot write to the data directory {data_dir}: "
                f"{error.strerror or error}")
    if free < min_free_disk:
        return (f"facilitator: only {free} MB are free in the data directory {data_dir}, "
                f"and at least {min_free_disk} MB are needed (--min-free-disk)")
    return None


def raise_open_files(needed: int) -> int:
    """Raise the soft open-files limit as far as the hard limit allows (every phone holds a
    file descriptor, and the usual soft limit of 1024 stops a workshop at about a thousand);
    return the soft limit now in force."""
    try:
        import resource
    except ImportError:  # not a Unix
        return needed
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, needed)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):  # e.g. macOS caps it below an infinite hard limit
            pass
    return needed if soft == resource.RLIM_INFINITY else soft


def serve(settings: Settings, plan: str | None) -> int:
    from facilitator.app import files_needed, server_config
    from facilitator.drain import Server

    problem = data_dir_problem(settings.data_dir, settings.min_free_disk)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    if settings.logo:  # a wrong logo file is said now, not when the first session closes
        from facilitator.archive.branding import load_logo

        try:
            load_logo(Path(settings.logo))
        except ValueError as error:
            print(f"facilitator: {error} (--logo)", file=sys.stderr)
            return 2
    needed = files_needed(settings)
    allowed = raise_open_files(needed)
    if allowed < needed:
        print(f"facilitator: warning: the open-files limit is {allowed}, but "
              f"--max-connections {settings.max_connections} needs about {needed}; raise it "
              "(LimitNOFILE= under systemd, ulimit -n in a shell) or lower --max-connections",
              file=sys.stderr)
    key = secrets.organiser_key(settings.data_dir, settings.organiser_key)
    lines = [f"facilitator {__version__} on {settings.base_url}",
             *reach(settings),
             f"  Organiser console: {settings.base_url}/console  (organiser key: {key})"]
    if plan is not None:
        async def prepare(settings: Settings, registry: Registry) -> int | str:
            runtime = await _from_plan(settings, registry, plan, reuse=True)
            if isinstance(runtime, int):
                return runtime
            if runtime.state.status == "draft":
                from facilitator.live.registry import moderator
                await runtime.submit(moderator("session.open"))
            return banner(settings, runtime)

        result = asyncio.run(_with_registry(settings, prepare))
        if isinstance(result, int):
            return result
        lines += ["", result]
    print("\n".join(lines), flush=True)
    config = server_config(settings)
    gctune.tune()  # thousands of connections: full collections far rarer (gctune.py)
    try:
        Server(config).run()  # SIGTERM drains first (drain.py)
    except KeyboardInterrupt:  # uvicorn has shut down cleanly and re-raises the signal
        pass
    return 0
