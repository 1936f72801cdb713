"""Command line: `python -m bot [ask|console|run|sync|facts] ...` (also installed as `kenny-bot`).

With no command, the bot connects to Discord when a token is configured and otherwise opens the
console on the bundled SQLite database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.app import App
from bot.core.facts import (
    GLOBAL_SCOPE,
    FactImportError,
    common_source,
    dump_facts,
    dump_servers,
)
from bot.core.intro import load_intro
from bot.core.replies import render_text
from bot.core.vocab import VocabError
from bot.settings import Settings

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=f"Sports trivia bot about {load_intro().topic}, and each server's own facts.",
    )
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help="answer questions (arguments, or one per line on stdin)")
    ask.add_argument("question", nargs="*", help="questions to answer; none = read stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per line per question")
    ask.add_argument(
        "--guild",
        type=int,
        default=None,
        help="answer as the bot does in this server (its own facts and the bundled ones)",
    )

    sub.add_parser("console", help="talk to the bot in this terminal (no Discord needed)")
    run = sub.add_parser("run", help="connect to Discord (needs DISCORD_TOKEN)")
    run.add_argument(
        "--shard-count",
        type=int,
        default=None,
        help="total number of shards across all processes (default: SHARD_COUNT, or unsharded)",
    )
    run.add_argument(
        "--shard-ids",
        default=None,
        help="the shards this process runs, e.g. 0-3 or 0,2,5 (default: SHARD_IDS, or all)",
    )
    sub.add_parser(
        "migrate",
        help="create or upgrade the database schema, then exit (once, before starting processes)",
    )
    sync = sub.add_parser("sync", help="publish slash commands to Discord globally, then exit")
    sync.add_argument("--guild", type=int, help="publish to one server only")

    facts = sub.add_parser("facts", help="import, export or list facts")
    fsub = facts.add_subparsers(dest="facts_command", required=True)
    imp = fsub.add_parser("import", help="validate a fact file (YAML or JSON) and import it whole")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--guild",
        type=int,
        default=GLOBAL_SCOPE,
        help="the server that owns the facts (default: bundled, every server)",
    )
    exp = fsub.add_parser("export", help="write facts in the format of facts/ (stdout if no FILE)")
    exp.add_argument("file", type=Path, nargs="?")
    exp.add_argument("--format", choices=["yaml", "json"], help="default: from FILE's suffix")
    which = exp.add_mutually_exclusive_group()
    which.add_argument("--guild", type=int, default=GLOBAL_SCOPE)
    which.add_argument(
        "--all",
        action="store_true",
        help="every server's own facts and removed bundled facts, by server (a backup that "
        "`facts import FILE` restores, e.g. into a PostgreSQL database)",
    )
    chk = fsub.add_parser(
        "check",
        help="report colliding facts, phrasings that reach the wrong fact and unreached facts",
    )
    chk.add_argument(
        "--guild", type=int, default=None, help="check this server's facts (default: bundled)"
    )
    lst = fsub.add_parser("list", help="list facts")
    lst.add_argument("--tag", help="only facts with this tag")
    lst.add_argument("--guild", type=int, default=GLOBAL_SCOPE)
    return parser


def _setup_logging(level: str, *, quiet: bool) -> None:
    logging.basicConfig(
        level=logging.WARNING if quiet else level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


async def _with_app(
    settings: Settings, body: Callable[[App], Awaitable[int]], *, load_index: bool = True
) -> int:
    app = await App.open(settings, load_index=load_index)
    try:
        return await body(app)
    finally:
        await app.close()


async def cmd_ask(
    app: App, questions: Sequence[str], *, as_json: bool, guild_id: int | None = None
) -> int:
    source = questions if questions else (line.rstrip("\n") for line in sys.stdin)
    for question in source:
        result = app.index.match(question, guild_id=guild_id)
        if as_json:
            fact = result.fact
            print(
                json.dumps(
                    {
                        "question": question,
                        "answer": fact.answer if fact else None,
                        "fact_id": fact.id if fact else None,
                        "score": result.score,
                        "suggestions": [f.question for f in result.suggestions],
                        "outcome": result.outcome.value,
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
        else:
            print(render_text(result), flush=True)
    return 0


def cmd_facts_check(app: App, guild_id: int | None) -> int:
    """`facts check`: what a moderator should fix in one scope's facts, in plain words."""
    from bot.core.matcher import check_facts, load_terms_dir

    facts = list(app.index.facts(guild_id))
    terms = load_terms_dir(app.settings.facts_dir / "terms")
    report = check_facts(facts, terms=terms, guild_id=guild_id)
    for line in report.lines():
        print(line)
    return 0


async def cmd_facts(app: App, args: argparse.Namespace) -> int:
    from bot.db import facts as store

    if args.facts_command == "check":
        return cmd_facts_check(app, args.guild or None)

    if args.facts_command == "import":
        from bot.changes import Announcer
        from bot.services.facts import FactService

        # This process answers nothing: the facts go to the database, not into an index;
        # running bot processes are told and apply them at once.
        service = FactService(app.sessions, app.index)
        announcer = Announcer(app.engine)
        service.on_change.append(announcer)
        report = await service.import_file(args.file, scope=args.guild, apply=False)
        await announcer.flush()
        line = (
            f"{args.file.name}: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged"
        )
        if report.servers:
            line += f", in {report.servers} servers; {report.hidden} bundled facts removed"
        print(line)
        return 0
    if args.facts_command == "export":
        fmt: Literal["yaml", "json"] = args.format or (
            "json" if args.file and args.file.suffix == ".json" else "yaml"
        )
        async with app.sessions() as session:
            if args.all:
                every, hidden = await store.load_all(session)
                own = [f for f in every if f.scope != GLOBAL_SCOPE]
                servers = {f.scope for f in own} | {g for g, _ in hidden}
                text = dump_servers(own, hidden, fmt=fmt)
                written = f"{len(own)} facts of {len(servers)} servers"
            else:
                facts = await store.list_facts(session, scope=args.guild)
                text = dump_facts(facts, fmt=fmt, source=common_source(facts))
                written = f"{len(facts)} facts"
        if args.file:
            args.file.write_text(text, encoding="utf-8")
            print(f"{written} written to {args.file}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    async with app.sessions() as session:
        facts = await store.list_facts(session, scope=args.guild, tag=getattr(args, "tag", None))
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "question", "answer", "tags", title=f"{len(facts)} facts")
    for f in facts:
        table.add_row(f.id, f.question, f.short_answer or "", ", ".join(f.tags))
    Console().print(table)
    return 0


async def cmd_migrate(settings: Settings) -> int:
    """Create or upgrade the schema, nothing else (the bot also migrates on every start)."""
    from bot.db.engine import create_engine, migrate

    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()
    print(f"database {settings.database_url.split('@')[-1]!r} is up to date")
    return 0


def _with_shard_options(settings: Settings, args: argparse.Namespace) -> Settings | None:
    """Settings with `run`'s --shard-count/--shard-ids applied and checked (None: an error was
    printed, in one line)."""
    from bot.core.shards import ShardConfigError, format_shard_ids, parse_shard_ids

    update: dict[str, object] = {}
    try:
        if getattr(args, "shard_count", None) is not None:
            update["shard_count"] = args.shard_count
        if getattr(args, "shard_ids", None) is not None:
            update["shard_ids"] = format_shard_ids(parse_shard_ids(args.shard_ids))
        settings = settings.model_copy(update=update)
        settings.shard_plan()
    except ShardConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return None
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        print(
            f"error: setting {'.'.join(map(str, err['loc'])).upper()}: {err['msg']}",
            file=sys.stderr,
        )
        return 2
    command = args.command
    if command is None:
        if settings.discord_token is None:
            print(
                "No DISCORD_TOKEN configured: starting the console. "
                "Set DISCORD_TOKEN in .env to connect to Discord (see README).",
                file=sys.stderr,
            )
            command = "console"
        else:
            command = "run"
    _setup_logging(settings.log_level, quiet=command in {"ask", "console", "facts", "migrate"})
    try:
        if command == "ask":
            return asyncio.run(
                _with_app(
                    settings,
                    lambda app: cmd_ask(app, args.question, as_json=args.json, guild_id=args.guild),
                )
            )
        if command == "facts":
            return asyncio.run(
                _with_app(
                    settings,
                    lambda app: cmd_facts(app, args),
                    load_index=args.facts_command != "import",
                )
            )
        if command == "console":
            from bot.console import run_console

            return asyncio.run(_with_app(settings, run_console))
        if command == "migrate":
            return asyncio.run(cmd_migrate(settings))
        if command in {"run", "sync"}:
            from bot.client import run_bot

            if command == "run":
                checked = _with_shard_options(settings, args)
                if checked is None:
                    return 2
                settings = checked
            return run_bot(
                settings, sync_only=command == "sync", sync_guild=getattr(args, "guild", None)
            )
    except (FactImportError, VocabError) as exc:  # a bad fact, terms or vocabulary file
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as exc:
        print(
            f"error: database {settings.database_url.split('@')[-1]!r}: "
            f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200]}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
