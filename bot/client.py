"""The discord.py client: intents, safe defaults, extensions and the start-up sequence."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import time
from typing import Any

import discord
from discord.ext import commands

from bot.app import App
from bot.changes import Announcer, ChangeFeed
from bot.core.policy import AskLimit
from bot.core.quiz import QuizRegistry
from bot.core.shards import ShardConfigError
from bot.exts import _outbound, _respond
from bot.exts.errors import TriviaTree, mark_server_only
from bot.services.facts import FactService
from bot.services.guild_config import GuildConfigCache
from bot.settings import Settings

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.exts.errors",
    "bot.exts.help",
    "bot.exts.ask",
    "bot.exts.config",
    "bot.exts.quiz",
    "bot.exts.facts",
)


def settle_heap() -> None:
    """Move everything built at start-up (modules, the fact index) out of the garbage collector's
    full passes: it lives as long as the process, and scanning it stalled replies by ~100 ms."""
    gc.collect()
    gc.freeze()


def make_intents(settings: Settings) -> discord.Intents:
    """Only what the bot uses: servers, messages (content only when opted in), DMs."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.message_content
    return intents


class TriviaBot(commands.Bot):
    """The Discord side of the bot. All state comes in through the constructor.

    Unsharded, one gateway connection; `TriviaBot.create` makes a `ShardedTriviaBot` when the
    app holds some shards only. Either way a change feed (bot/changes.py) applies the fact
    changes other processes commit, and an announcer tells them about this one's.
    """

    @staticmethod
    def create(app: App, **kwargs: Any) -> TriviaBot:
        """The bot for an app: sharded (discord.py's AutoShardedBot running the app's shards)
        when the app was opened with a shard plan, else a plain one."""
        if app.shards.sharded:
            return ShardedTriviaBot(
                app, shard_count=app.shards.count, shard_ids=list(app.shards.ids), **kwargs
            )
        return TriviaBot(app, **kwargs)

    def __init__(
        self,
        app: App,
        *,
        extensions: tuple[str, ...] = EXTENSIONS,
        sync_on_start: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=make_intents(app.settings),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=TriviaTree,
            **kwargs,
        )
        _respond.install(self)  # clean text and a first response within Discord's window
        self.app = app
        self.settings = app.settings
        # The games running per channel; the quiz cog plays them, and /ask stays quiet beside them.
        self.quizzes = QuizRegistry()
        # Every fact change and every server setting goes through these (see bot/services).
        self.facts = FactService(app.sessions, app.index)
        self.guild_config = GuildConfigCache(
            app.sessions,
            default_limit=AskLimit(
                app.settings.ask_cooldown_rate, app.settings.ask_cooldown_seconds
            ),
        )
        self._extensions = extensions
        self._warming: asyncio.Task[None] | None = None
        self._sync_on_start = sync_on_start
        # Fact changes made by other processes (other shards, the command line) reach this one.
        self.feed = ChangeFeed(
            app.engine,
            app.sessions,
            app.index,
            shards=app.shards,
            since=app.audit_mark,
            writes=self.facts.writes,
        )
        self.announcer = Announcer(app.engine)
        self.facts.on_change.append(self.announcer)
        self.facts.on_change.append(self.feed.recheck)
        # A server's settings are cached; a change made in another process drops the copy.
        self.guild_config.on_change.append(self.announcer.settings_changed)
        self.feed.on_settings.append(self.guild_config.invalidate)

    async def setup_hook(self) -> None:
        self.feed.start()
        # Servers' facts are read in the background, a slice at a time: the bot answers from
        # the start, and a first question in a big server rarely has to wait for its reading.
        self._warming = asyncio.create_task(self._warm())
        _outbound.install(self)  # mass mentions escaped, 429s retried once
        for name in self._extensions:  # a missing or broken extension stops the start
            await self.load_extension(name)
        mark_server_only(self.tree)
        if self._sync_on_start and self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to development server %s", len(synced), guild.id)

    async def on_message(self, message: discord.Message, /) -> None:
        """Messages are for the ask cog's listener only: the bot has no text commands.

        `commands.Bot` would parse every mention as a prefix command and log a CommandNotFound
        error for each question asked that way.
        """

    async def _warm(self) -> None:
        started = time.perf_counter()
        held = await self.facts.warm()
        gc.freeze()  # what was read lives long: out of the collector's full passes
        log.info("read %d servers' facts in %.1f s", held, time.perf_counter() - started)

    async def close(self) -> None:
        if self._warming is not None:
            self._warming.cancel()
        # Stopping the feed never raises and takes a few seconds at most.
        with contextlib.suppress(Exception):
            await self.feed.stop()
        with contextlib.suppress(Exception):
            await self.announcer.flush()
        await super().close()

    async def on_ready(self) -> None:
        log.info("connected as %s to %d servers", self.user, len(self.guilds))


class ShardedTriviaBot(TriviaBot, commands.AutoShardedBot):
    """The bot running some of the shards (discord.py's AutoShardedBot): `shard_count` and
    `shard_ids` come from the app's shard plan (SHARD_COUNT, SHARD_IDS)."""

    async def on_ready(self) -> None:
        log.info(
            "connected as %s to %d servers (%s)",
            self.user,
            len(self.guilds),
            self.app.shards.describe(),
        )


async def start_bot(settings: Settings, *, sync_only: bool, sync_guild: int | None) -> int:
    """Open the database, connect to Discord and run until closed; returns the exit code."""
    if settings.discord_token is None:
        print(
            "error: DISCORD_TOKEN is not set. Put it in .env (see README), "
            "or run `python -m bot console` to try the bot without Discord."
        )
        return 2
    try:
        shards = settings.shard_plan() if not sync_only else None
    except ShardConfigError as err:
        print(f"error: {err}")
        return 2
    app = await App.open(settings, shards=shards)
    if shards is not None and shards.sharded:
        log.info("holding the facts of the servers on %s", shards.describe())
    bot = TriviaBot.create(app, sync_on_start=not sync_only)
    settle_heap()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
    try:
        async with bot:
            if sync_only:
                await bot.login(settings.discord_token.get_secret_value())  # runs setup_hook
                target = discord.Object(id=sync_guild) if sync_guild else None
                if target is not None:
                    bot.tree.copy_global_to(guild=target)
                synced = await bot.tree.sync(guild=target)
                print(
                    f"published {len(synced)} commands "
                    f"{'to server ' + str(sync_guild) if sync_guild else 'globally'} "
                    "(global changes can take up to an hour to appear)"
                )
                return 0
            await bot.start(settings.discord_token.get_secret_value())
    except discord.LoginFailure:
        print(
            "error: Discord rejected the token (DISCORD_TOKEN). "
            "Copy it again from the Developer Portal, Bot page."
        )
        return 2
    except commands.ExtensionError as exc:
        print(f"error: extension {exc.name} could not be loaded: {exc}")
        return 1
    except discord.PrivilegedIntentsRequired:
        print(
            "error: MESSAGE_CONTENT=true but the Message Content intent is not enabled for "
            "this application in the Developer Portal (Bot page)."
        )
        return 2
    except (discord.GatewayNotFound, OSError) as exc:
        print(f"error: cannot reach Discord ({exc.__class__.__name__}).")
        return 1
    finally:
        await app.close()
    return 0


def run_bot(settings: Settings, *, sync_only: bool = False, sync_guild: int | None = None) -> int:
    """Run until Ctrl-C or SIGTERM; returns the process exit code."""
    try:
        return asyncio.run(start_bot(settings, sync_only=sync_only, sync_guild=sync_guild))
    except KeyboardInterrupt:
        return 0
