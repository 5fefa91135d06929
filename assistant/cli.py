"""The command line: ``incident-assistant replay | postmortem | run | kb ingest | kb search |
ask | read | llm-log``.

Thin by design: parse arguments, build the app, call one function, turn known errors into
one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from assistant.adapters.export_dce import ExportError, load_export
from assistant.app import build_app, open_store
from assistant.lease import LeaseKeeper
from assistant.postmortem_command import PostmortemError
from assistant.replay import ReplayOptions, replay
from assistant.settings import Settings
from assistant.store import StoreError


class UsageError(Exception):
    """A problem with what the user asked for; reported in one line."""


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0: {value!r}")
    return number


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="incident-assistant",
        description="Chat-ops incident assistant: phase-prefixed updates, roster, rollback advice.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("replay", help="replay a DiscordChatExporter JSON export offline")
    r.add_argument("export", type=Path, help="DiscordChatExporter --format Json file")
    r.add_argument(
        "--knowledge",
        action="append",
        type=Path,
        default=None,
        metavar="DIR",
        help="answer from exactly these knowledge directories (repeatable; default: the "
        "knowledge base: KNOWLEDGE_DIRS, the bundled knowledge/, plus what kb ingest added)",
    )
    r.add_argument("--no-knowledge", action="store_true", help="answer without a knowledge base")
    r.add_argument("--lang", choices=["ja", "en", "auto"], default="auto")
    r.add_argument("--format", dest="fmt", choices=["text", "jsonl"], default="text")
    r.add_argument("--audience", choices=["responders", "stakeholders"], default="responders")
    r.add_argument("--cadence-minutes", type=_positive)
    r.add_argument("--idle-minutes", type=_positive)
    r.add_argument("--unassigned-minutes", type=_positive)
    r.add_argument("--state", type=Path, help="SQLite state file (default: a temporary one)")
    r.add_argument(
        "--state-url",
        metavar="URL",
        help="a PostgreSQL state store (postgresql://…) instead of a SQLite file",
    )
    r.add_argument(
        "--lease",
        metavar="NAME",
        help="share the store with other replays: wait until this one holds the lease NAME, "
        "then print only what none printed (JSONL records carry a 'delivery' id)",
    )
    r.add_argument(
        "--takeover-seconds",
        type=_positive,
        default=None,
        help="with --lease: how soon a waiting replay takes over a dead one (default: "
        "TAKEOVER_SECONDS, 30)",
    )
    r.add_argument("--bot-name", help="the bot's account name (default: the mentioned bot user)")
    r.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    r.add_argument(
        "--confirm-proposals",
        choices=["all", "commander", "none"],
        default="commander",
        help="phase proposals taken as confirmed: the commander's own (default, as the "
        "commander would click), everyone's, or none (as live before any click)",
    )

    pm = sub.add_parser(
        "postmortem", help="draft the postmortem of an exported incident (Markdown for kb ingest)"
    )
    pm.add_argument("export", type=Path, help="DiscordChatExporter --format Json file")
    pm.add_argument("-o", "--output", type=Path, help="write the draft here (default: stdout)")
    pm.add_argument("--state", type=Path, help="SQLite state file (default: a temporary one)")
    pm.add_argument("--lang", choices=["ja", "en", "auto"], default="auto",
                    help="the draft's language (auto: the incident's)")  # fmt: skip
    pm.add_argument("--service", action="append", default=[], metavar="NAME",
                    help="a service it hit (repeatable; default: names in the title)")  # fmt: skip
    pm.add_argument("--knowledge", action="append", type=Path, default=None, metavar="DIR",
                    help="answer replayed questions from exactly these directories")  # fmt: skip
    pm.add_argument("--no-knowledge", action="store_true", help="replay without a knowledge base")
    pm.add_argument("--bot-name", help="the bot's account name (default: the mentioned bot user)")

    sub.add_parser("run", help="run the live Discord bot (settings from the environment/.env)")

    kb = sub.add_parser("kb", help="the knowledge base").add_subparsers(dest="kb", required=True)
    ing = kb.add_parser("ingest", help="ingest knowledge directories or files (incremental)")
    ing.add_argument("paths", nargs="+")
    se = kb.add_parser("search", help="search the knowledge base")
    se.add_argument("query")
    se.add_argument("-k", type=int, default=5)
    se.add_argument("--kind", choices=["postmortem", "guidance"])

    ask = sub.add_parser("ask", help="ask an onboarding question (answered from the guidance)")
    ask.add_argument("question")

    rd = sub.add_parser("read", help="print what the bot reads in each message of a corpus file")
    rd.add_argument("file", type=Path, help="JSON Lines: id, context, commander, author, bot, text")
    rd.add_argument("--format", dest="fmt", choices=["jsonl", "text"], default="jsonl")

    log = sub.add_parser("llm-log", help="show the audit log of LLM calls")
    log.add_argument("--limit", type=int, default=50)
    log.add_argument("--state", type=Path)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (ExportError, StoreError, UsageError, PostmortemError) as exc:
        print(f"incident-assistant: error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        print(f"incident-assistant: error: setting {where}: {first['msg']}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "replay":
        return _replay(args)
    if args.command == "postmortem":
        return _postmortem(args)
    if args.command == "run":
        return _run()
    if args.command == "kb":
        return _kb(args)
    if args.command == "ask":
        return _ask(args)
    if args.command == "llm-log":
        return _llm_log(args)
    if args.command == "read":
        return _read(args)
    raise AssertionError(args.command)  # pragma: no cover


def _replay(args: argparse.Namespace) -> int:
    export = load_export(args.export)
    if not export.events:
        print(f"{args.export}: the channel has no messages; nothing to replay.")
        return 0
    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    opts = ReplayOptions(
        export=args.export,
        fmt=args.fmt,
        lang=args.lang,
        audience=args.audience,
        cadence_minutes=args.cadence_minutes,
        idle_minutes=args.idle_minutes,
        unassigned_minutes=args.unassigned_minutes,
        bot_name=args.bot_name,
        colour=colour,
        confirm_proposals=args.confirm_proposals,
        delivery_ids=args.lease is not None,
    )
    if args.state is not None and args.state_url is not None:
        raise UsageError("give --state (SQLite) or --state-url (PostgreSQL), not both")
    settings = Settings.load()
    with tempfile.TemporaryDirectory(prefix="incident-assistant-") as tmp:
        state = args.state or Path(tmp) / "replay.sqlite3"
        dirs = args.knowledge  # None: the team's knowledge base (KNOWLEDGE_DIRS + kb ingest)
        app = build_app(
            settings,
            state_path=None if args.state_url else state,
            state_url=args.state_url,
            knowledge_dirs=dirs,
            use_knowledge=not args.no_knowledge,
            standby=args.lease is not None,
        )
        keeper = None
        if args.lease is not None:
            takeover = args.takeover_seconds or settings.takeover_seconds
            keeper = LeaseKeeper(app.store, args.lease, takeover_s=takeover)
        try:
            return asyncio.run(replay(app.service, export, opts, sys.stdout, keeper=keeper))
        finally:
            if keeper is not None:
                keeper.release()
            app.close()


def _postmortem(args: argparse.Namespace) -> int:
    from assistant.postmortem_command import draft_from_export, write_draft

    export = load_export(args.export)
    opts = ReplayOptions(export=args.export, bot_name=args.bot_name)
    lang = None if args.lang == "auto" else args.lang
    settings = Settings.load()
    with tempfile.TemporaryDirectory(prefix="incident-assistant-") as tmp:
        state = args.state or Path(tmp) / "postmortem.sqlite3"
        app = build_app(
            settings,
            state_path=state,
            knowledge_dirs=args.knowledge,
            use_knowledge=not args.no_knowledge,
        )
        try:
            draft = asyncio.run(
                draft_from_export(app.service, export, opts, lang=lang, services=args.service)
            )
        finally:
            app.close()
    write_draft(draft, args.output, sys.stdout, sys.stderr)
    return 0


def _run() -> int:
    from assistant.adapters.discord.runner import run_from_settings

    return run_from_settings(Settings.load())


def _kb(args: argparse.Namespace) -> int:
    from assistant.kb_commands import run_ingest, run_search

    settings = Settings.load()
    if args.kb == "ingest":
        return run_ingest(list(args.paths), settings=settings, out=sys.stdout)
    return run_search(args.query, k=args.k, kind=args.kind, settings=settings, out=sys.stdout)


def _ask(args: argparse.Namespace) -> int:
    settings = Settings.load()
    app = build_app(settings, state_path=Path(":memory:"))
    try:
        answer = app.service.answer_outside(args.question, "cli", datetime.now(UTC))
        print(answer.text)
    finally:
        app.close()
    return 0


def _read(args: argparse.Namespace) -> int:
    from assistant.read_cmd import ReadInputError, run

    try:
        return run(args.file, args.fmt)
    except ReadInputError as exc:
        raise UsageError(str(exc)) from None


def _llm_log(args: argparse.Namespace) -> int:
    from assistant.llm.audit import format_llm_log

    settings = Settings.load()
    if args.state is None and settings.state_url is not None:
        store = open_store(settings)
    else:
        path = args.state or settings.state_path
        if not Path(path).exists():
            raise UsageError(f"{path}: no state file (set STATE_PATH or pass --state)")
        store = open_store(settings, state_path=path)
    try:
        print(format_llm_log(store.llm_calls(args.limit)))
    finally:
        store.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
