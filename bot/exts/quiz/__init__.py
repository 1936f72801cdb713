"""`/quiz`: timed trivia rounds, boards and the daily question.

The rules live in `bot.core.quiz`; `_runner` drives rounds, `_daily` the daily question,
`_embeds` and `_buttons` render. Running games are in the bot's one registry,
`bot.quizzes` (`channel_id in bot.quizzes` says whether a channel is playing).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import quiz as core
from bot.core.facts import Fact
from bot.db import quiz as store
from bot.exts._checks import is_moderator

from ._buttons import CLOSED, BoardView, ChoiceButton, DailyButton
from ._daily import DailyRunner
from ._embeds import STANDINGS_SHOWN, count, leaderboard_embed, topics_embed
from ._runner import ALREADY_ANSWERED, UNLOAD_TIMEOUT, WRONG, Game, GameRunner, utcnow
from ._settings import (
    DEFAULT_MODE,
    DEFAULT_ROUNDS,
    DEFAULT_SECONDS,
    configure_daily_quiz,
    configure_quiz_defaults,
    quiz_settings_lines,
    timezone_autocomplete,
)

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)

__all__ = [
    "ALREADY_ANSWERED",
    "ALREADY_RUNNING",
    "CLOSED",
    "INTERRUPTED",
    "NOT_ALLOWED",
    "NO_QUIZ",
    "WRONG",
    "QuizCog",
    "configure_daily_quiz",
    "configure_quiz_defaults",
    "quiz_settings_lines",
    "timezone_autocomplete",
]

NO_QUIZ = "No quiz is running in this channel."
ALREADY_RUNNING = "A quiz is already running in this channel — join in, or start one elsewhere."
NOT_ALLOWED = "Only the member who started this quiz or a moderator can do that."
INTERRUPTED = (
    "The quiz in this channel was interrupted by a restart. Scores up to the last revealed "
    "answer were kept. Start a new one with `/quiz start`."
)
AUTOCOMPLETE_LIMIT = 25
Period = Literal["all", "week", "month"]


def period_start(period: str, now: dt.datetime) -> dt.datetime | None:
    """Where a board's period begins (UTC): Monday 00:00 this week, the 1st this month."""
    midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        return midnight - dt.timedelta(days=midnight.weekday())
    if period == "month":
        return midnight.replace(day=1)
    return None


@app_commands.guild_only()
class QuizCog(commands.GroupCog, name="quiz", group_name="quiz", group_description="Trivia rounds"):
    """Runs quiz games, one per channel, any number of channels at once, and the daily
    question.

    The cog is named like its command group because `Bot.remove_cog` takes a group cog's
    commands out of the tree by the cog's name: under another name, unloading left `/quiz`
    registered and reloading the extension failed with CommandAlreadyRegistered.
    """

    def __init__(
        self,
        bot: TriviaBot,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], dt.datetime] = utcnow,
        rng: random.Random | None = None,
        time_scale: float = 1.0,
    ) -> None:
        """`time_scale` is real seconds per game second: 1 in production; a test passes 0.01
        to play a 10-second question in a tenth of a second. Everything the game measures
        (deadlines, hints, points) stays in game seconds. `wall_clock` dates scores and runs
        the daily question's schedule."""
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.bot = bot
        self.registry = bot.quizzes
        self.rng = rng or random.Random()
        self.time_scale = time_scale
        self.wall_clock = wall_clock
        self._real_clock = clock
        self.runner = GameRunner(
            bot, game_clock=self.game_clock, wall_clock=wall_clock, time_scale=time_scale
        )
        self.daily = DailyRunner(bot, wall_clock=wall_clock)
        self._background: list[asyncio.Task[None]] = []
        super().__init__()

    def game_clock(self) -> float:
        """Game seconds: the clock the sessions score and time out by."""
        return self._real_clock() / self.time_scale

    @property
    def games(self) -> dict[int, Game]:
        """The running games by channel (a view of the bot's registry)."""
        return {g.channel_id: g for g in self.runner.games()}

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ChoiceButton, DailyButton)
        async with self.bot.app.sessions.begin() as session:
            stale = await store.interrupted_games(session)
        if stale:
            log.info("closing %d quiz game(s) interrupted by a restart", len(stale))
            self._background.append(
                asyncio.create_task(
                    self._announce_interrupted([(g.channel_id, g.message_id) for g in stale])
                )
            )
        self._background.append(asyncio.create_task(self.daily.run(), name="daily-quiz"))

    async def cog_unload(self) -> None:
        # Games left running in the database are announced as interrupted on the next load.
        self.bot.remove_dynamic_items(ChoiceButton, DailyButton)
        for task in self._background:
            task.cancel()
        if self._background:
            await asyncio.wait(self._background, timeout=UNLOAD_TIMEOUT)
        await self.daily.stop()
        await self.runner.stop_all()

    async def _announce_interrupted(self, games: list[tuple[int, int | None]]) -> None:
        await self.bot.wait_until_ready()
        for channel_id, message_id in games:
            channel = self.bot.get_channel(channel_id)
            if not isinstance(
                channel, discord.TextChannel | discord.Thread | discord.VoiceChannel
            ):  # gone, or not a place for quizzes
                continue
            if message_id is not None:
                try:
                    await channel.get_partial_message(message_id).edit(view=None)
                except discord.HTTPException:
                    # Its buttons stay, and a click on one gets "This question is closed."
                    log.warning("could not remove the buttons of quiz message %s", message_id)
            try:
                await channel.send(INTERRUPTED)
            except discord.HTTPException:
                log.warning("could not announce the interrupted quiz in %s", channel_id)

    # --- answers ------------------------------------------------------------------------

    def press(self, button: ChoiceButton, user_id: int, name: str = "") -> str:
        """A click on an option; returns the private reply."""
        return self.runner.press(button, user_id, name)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        await self.runner.typed(message)

    # --- commands -----------------------------------------------------------------------

    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """ "all" first, then the topics matching what was typed, largest first; every topic
        is searched, not only the first 25."""
        facts = list(self.bot.app.index.facts(interaction.guild_id))
        found = core.topics(facts)
        wanted = current.strip().lower()
        total = sum(1 for _ in _quizzable(facts))
        choices = []
        if not wanted or wanted in core.ALL_TOPICS:
            choices.append(
                app_commands.Choice(name=f"all topics ({total} questions)", value=core.ALL_TOPICS)
            )
        matching = [t for t in found if wanted in t.tag] if wanted else found
        if wanted and not matching:
            near = core.nearest_topics(wanted, [t.tag for t in found])
            matching = [t for t in found if t.tag in near]
        choices += [
            app_commands.Choice(name=f"{t.tag} ({count(t.count, 'question')})", value=t.tag)
            for t in matching
        ]
        return choices[:AUTOCOMPLETE_LIMIT]

    @app_commands.command(name="start", description="Start a quiz in this channel")
    @app_commands.describe(
        rounds=f"Number of questions ({core.MIN_ROUNDS}-{core.MAX_ROUNDS}; default: the server's)",
        topic="Question topic (default: all topics mixed; /quiz topics lists them)",
        mode="Answer with buttons or by typing",
        seconds=f"Seconds per question ({core.MIN_SECONDS}-{core.MAX_SECONDS})",
    )
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def start(
        self,
        interaction: discord.Interaction,
        rounds: app_commands.Range[int, core.MIN_ROUNDS, core.MAX_ROUNDS] | None = None,
        topic: app_commands.Range[str, 1, 32] = core.DEFAULT_TOPIC,
        mode: Literal["buttons", "typed"] | None = None,
        seconds: app_commands.Range[int, core.MIN_SECONDS, core.MAX_SECONDS] | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # the group is guild-only
        channel = interaction.channel
        if not isinstance(channel, discord.abc.Messageable):  # a forum or a category
            await self._private(interaction, "Quizzes run in text channels and threads.")
            return
        channel_id = channel.id
        if channel_id in self.registry:
            await self._private(interaction, ALREADY_RUNNING)
            return
        async with self.bot.app.sessions() as db:
            defaults = await store.get_defaults(db, interaction.guild_id)
        rounds = rounds or defaults.rounds or DEFAULT_ROUNDS
        seconds = seconds or defaults.seconds or DEFAULT_SECONDS
        chosen = mode or defaults.mode or DEFAULT_MODE
        play_mode: core.QuizMode = "typed" if chosen == "typed" else "buttons"
        if play_mode == "typed" and not self.bot.settings.message_content:
            if mode is None:
                play_mode = "buttons"  # a server default the bot cannot honour
            else:
                await self._private(
                    interaction,
                    "Typed answers need the Message Content intent, which this bot runs "
                    "without. Use `mode: buttons`.",
                )
                return
        try:
            bank = core.QuestionBank.from_facts(
                self.bot.app.index.facts(interaction.guild_id), topic
            )
            session = core.QuizSession(
                bank,
                rounds=rounds,
                mode=play_mode,
                seconds=seconds,
                started_by=interaction.user.id,
                channel_id=channel_id,
                guild_id=interaction.guild_id,
                rng=self.rng,
                clock=self.game_clock,
            )
        except core.UnknownTopic as exc:
            near = ", ".join(f"`{t}`" for t in exc.nearest)
            hint = f" The nearest: {near}." if near else ""
            await self._private(
                interaction,
                f"No quiz questions on `{exc.topic}`.{hint} `/quiz topics` lists every topic, "
                "or leave `topic` empty for all of them.",
            )
            return
        except core.QuizError as exc:
            await self._private(
                interaction, f"Can't start that quiz: {exc}. Try `/quiz start` with all topics."
            )
            return
        game = Game(0, session, channel, interaction.guild_id)
        try:
            self.registry.start(channel_id, game)  # before any wait: one game per channel
        except core.QuizAlreadyRunning:
            await self._private(interaction, ALREADY_RUNNING)
            return
        try:
            async with self.bot.app.sessions.begin() as db:
                game.id = await store.start_game(
                    db,
                    guild_id=interaction.guild_id,
                    channel_id=channel_id,
                    started_by=interaction.user.id,
                )
        except BaseException:
            self.registry.end(channel_id)  # don't leave the channel blocked
            raise
        how = "buttons" if play_mode == "buttons" else "type your answers"
        note = ""
        if session.rounds < rounds:
            note = (
                f"\nOnly {count(session.rounds, 'question')} on **{session.topic}** can be "
                f"asked with {play_mode}, so this quiz has {session.rounds} "
                f"round{'s' if session.rounds != 1 else ''}, not {rounds}."
            )
        await interaction.response.send_message(
            f"Quiz time! {count(session.rounds, 'question')} on **{session.topic}**, "
            f"{seconds} s each, {how}. Started by {interaction.user.mention}. "
            f"Right answers in a row earn a streak bonus.{note}",
        )
        game.task = asyncio.create_task(self.runner.play(game), name=f"quiz-{channel_id}")

    @staticmethod
    async def _private(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True)

    async def _game_here(self, interaction: discord.Interaction) -> Game | None:
        game = self.runner.game_in(interaction.channel_id)
        if game is None:
            await self._private(interaction, NO_QUIZ)
        return game

    @app_commands.command(name="stop", description="Stop the quiz in this channel")
    async def stop(self, interaction: discord.Interaction) -> None:
        game = await self._game_here(interaction)
        if game is None:
            return
        try:
            summary = game.session.stop(
                interaction.user.id, is_moderator=await is_moderator(interaction)
            )
        except core.NotAllowed:
            await self._private(interaction, NOT_ALLOWED)
            return
        except core.QuizFinished:
            await self._private(interaction, "This quiz is already over.")
            return
        if game.task is not None:
            game.task.cancel()
            await asyncio.wait([game.task])
        embed = await self.runner.finish(game, summary)
        with contextlib.suppress(discord.HTTPException):
            await self.runner.close_buttons(game)
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="skip", description="Reveal the answer and move on")
    async def skip(self, interaction: discord.Interaction) -> None:
        game = await self._game_here(interaction)
        if game is None:
            return
        try:
            result = game.session.skip(
                interaction.user.id, is_moderator=await is_moderator(interaction)
            )
        except core.NotAllowed:
            await self._private(interaction, NOT_ALLOWED)
            return
        except core.NoOpenQuestion:
            await self._private(interaction, "No question is open right now.")
            return
        await self.runner.record(game, result)
        game.answered.set()
        await interaction.response.send_message(f"{interaction.user.mention} skipped the question.")

    @app_commands.command(name="topics", description="Every quiz topic and its questions")
    async def topics(self, interaction: discord.Interaction) -> None:
        facts = list(self.bot.app.index.facts(interaction.guild_id))
        total = sum(1 for _ in _quizzable(facts))
        await interaction.response.send_message(
            embed=topics_embed(core.topics(facts), total),
            ephemeral=True,
        )

    @app_commands.command(name="leaderboard", description="Top quiz players")
    @app_commands.describe(
        scope="This server or all servers", period="All time, this week or this month"
    )
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        scope: Literal["server", "global"] = "server",
        period: Period = "all",
    ) -> None:
        if interaction.guild_id is None:
            scope = "global"  # a DM has no server: its board is every server's
        guild_id = interaction.guild_id if scope == "server" else None
        since = period_start(period, self.wall_clock())
        async with self.bot.app.sessions() as session:
            players = await store.count_players(session, guild_id, since=since)
            mine = await store.stats(session, guild_id, interaction.user.id, since=since)
        pages = max(1, math.ceil(players / STANDINGS_SHOWN))

        async def render(page: int) -> discord.Embed:
            async with self.bot.app.sessions() as session:
                top = await store.leaderboard(
                    session,
                    guild_id,
                    STANDINGS_SHOWN,
                    since=since,
                    offset=(page - 1) * STANDINGS_SHOWN,
                )
            return leaderboard_embed(top, mine, scope, period, page=page, pages=pages)

        embed = await render(1)
        if pages == 1:
            await interaction.response.send_message(embed=embed)
            return
        view = BoardView(interaction.user.id, pages, render)
        await interaction.response.send_message(embed=embed, view=view)
        view.message = await interaction.original_response()

    @app_commands.command(name="stats", description="Quiz record of a member (default: you)")
    @app_commands.describe(member="Whose record (default: yours)")
    async def stats(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        target = member or interaction.user
        async with self.bot.app.sessions() as session:
            line = await store.stats(session, interaction.guild_id, target.id)
        if line is None:
            text = f"{target.mention} hasn't played a quiz in this server yet."
        else:
            text = (
                f"{target.mention}: **{line.points}** points, "
                f"{count(line.correct, 'right answer')}, {count(line.games, 'game')}, "
                f"{count(line.wins, 'win')} (rank #{line.rank} here), "
                f"best streak {line.best_streak}."
            )
        await self._private(interaction, text)


def _quizzable(facts: list[Fact]) -> list[Fact]:
    vocab = core.ScopeVocab(facts)
    return [f for f in facts if core.is_quizzable(f, vocab)]


async def setup(bot: TriviaBot) -> None:
    await bot.add_cog(QuizCog(bot))
