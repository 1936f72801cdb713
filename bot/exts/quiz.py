"""`/quiz`: timed trivia rounds. The rules live in `bot.core.quiz`; this drives time and renders."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import quiz as core
from bot.db import quiz as store
from bot.exts._checks import is_moderator
from bot.exts._render import COLOUR_ANSWER, COLOUR_UNSURE, NO_MENTIONS, clip

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)

PAUSE_BETWEEN_QUESTIONS = 3.0
"""Seconds between a question's reveal and the next question."""
CLOSED = "This question is closed."
MEDALS = ("🥇", "🥈", "🥉")


@dataclass(slots=True)
class Game:
    """A running game in one channel: the core session plus what Discord needs."""

    id: int
    session: core.QuizSession
    channel: discord.abc.Messageable
    guild_id: int
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    message: discord.Message | None = None
    task: asyncio.Task[None] | None = None
    players: set[int] = field(default_factory=set)


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:(?P<game>\d+):(?P<number>\d+):(?P<choice>\d)",
):
    """A quiz option. Dynamic, so that a click on an old or pre-restart quiz still gets a reply."""

    def __init__(self, game_id: int, number: int, choice: int, label: str = "?") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, 80),
                style=discord.ButtonStyle.primary,
                custom_id=f"quiz:{game_id}:{number}:{choice}",
            )
        )
        self.game_id, self.number, self.choice = game_id, number, choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ChoiceButton:
        return cls(int(match["game"]), int(match["number"]), int(match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog: QuizCog | None = interaction.client.get_cog("QuizCog")  # type: ignore[attr-defined]
        text = (
            CLOSED if cog is None else cog.press(interaction.channel_id, self, interaction.user.id)
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


def question_embed(q: core.QuestionOpen, mode: str) -> discord.Embed:
    how = "Pick an answer below" if mode == "buttons" else "Type your answer in this channel"
    embed = discord.Embed(
        title=f"Question {q.number} of {q.total}", description=q.question, colour=COLOUR_ANSWER
    )
    embed.set_footer(text=f"{how} — {q.seconds} seconds. Faster right answers score more.")
    return embed


def question_view(game_id: int, q: core.QuestionOpen, *, disabled: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for i, option in enumerate(q.options):
        item = ChoiceButton(game_id, q.number, i, option)
        item.item.disabled = disabled
        view.add_item(item)
    return view


def reveal_embed(result: core.QuestionResult) -> discord.Embed:
    embed = discord.Embed(
        title=f"Answer {result.number} of {result.total}: {result.answer}",
        description=result.fact.answer,
        colour=COLOUR_ANSWER,
    )
    if result.quote:
        embed.add_field(name="Source", value=clip(f"> {result.quote}", 1024), inline=False)
    if result.correct:
        right = ", ".join(f"<@{a.user_id}> (+{a.points})" for a in result.correct[:15])
    else:
        right = "Nobody this time." if result.reason != "skipped" else "Skipped."
    embed.add_field(name="Right", value=clip(right, 1024), inline=False)
    return embed


def standings_embed(
    title: str, standings: tuple[core.Standing, ...] | list[core.Standing]
) -> discord.Embed:
    lines = [
        f"{MEDALS[s.rank - 1] if s.rank <= 3 else f'{s.rank}.'} <@{s.user_id}> — {s.points} pts "
        f"({s.correct} right)"
        for s in list(standings)[:10]
    ]
    return discord.Embed(
        title=title, description="\n".join(lines) or "Nobody answered.", colour=COLOUR_UNSURE
    )


@app_commands.guild_only()
class QuizCog(commands.GroupCog, group_name="quiz", group_description="Trivia rounds"):
    """Runs quiz games, one per channel, any number of channels at once."""

    def __init__(
        self, bot: TriviaBot, *, clock: Any = time.monotonic, rng: random.Random | None = None
    ) -> None:
        self.bot = bot
        self.registry = core.QuizRegistry()
        self.games: dict[int, Game] = {}
        self.clock = clock
        self.rng = rng or random.Random()
        self._announcer: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ChoiceButton)
        async with self.bot.app.sessions.begin() as session:
            stale = await store.interrupted_games(session)
        if stale:
            self._announcer = asyncio.create_task(
                self._announce_interrupted([(g.channel_id, g.message_id) for g in stale])
            )

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ChoiceButton)
        for game in list(self.games.values()):
            if game.task is not None:
                game.task.cancel()

    async def _announce_interrupted(self, channels: list[tuple[int, int | None]]) -> None:
        await self.bot.wait_until_ready()
        for channel_id, message_id in channels:
            channel = self.bot.get_channel(channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                continue
            with contextlib.suppress(discord.HTTPException):
                if message_id:
                    message = channel.get_partial_message(message_id)
                    await message.edit(view=None)
                await channel.send(
                    "The quiz in this channel was interrupted by a restart. "
                    "Scores up to the last closed question were kept. "
                    "Start a new one with `/quiz start`.",
                    allowed_mentions=NO_MENTIONS,
                )

    # --- buttons and typed answers -----------------------------------------------------

    def press(self, channel_id: int | None, button: ChoiceButton, user_id: int) -> str:
        game = self.games.get(channel_id or 0)
        current = game.session.current if game else None
        if (
            game is None
            or game.id != button.game_id
            or current is None
            or current.number != button.number
        ):
            return CLOSED
        outcome = game.session.answer_choice(user_id, button.choice)
        game.players.add(user_id)
        if isinstance(outcome, core.Correct):
            return f"Right! +{outcome.points} points."
        if isinstance(outcome, core.Wrong):
            return "Not quite — the answer is revealed when the timer ends."
        if isinstance(outcome, core.AlreadyAnswered):
            return "You already answered this question."
        return CLOSED

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        game = self.games.get(message.channel.id)
        if game is None or game.session.mode != "typed" or not game.session.is_open:
            return
        outcome = game.session.answer_text(
            message.author.id, message.content, is_bot=message.author.bot
        )
        if isinstance(outcome, core.Ignored):
            return
        game.players.add(message.author.id)
        if isinstance(outcome, core.Correct) and outcome.result is not None:
            await self._record(game, outcome.result)
            game.answered.set()

    # --- the game loop -----------------------------------------------------------------

    async def _record(self, game: Game, result: core.QuestionResult) -> None:
        async with self.bot.app.sessions.begin() as session:
            await store.record_question(
                session, game.guild_id, result.points_by_user, result.correct_by_user
            )

    async def _wait(self, game: Game, until: float) -> bool:
        """Sleep until a time on the session clock; True if a typed answer closed it first."""
        delay = max(0.0, until - self.clock())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(game.answered.wait(), timeout=delay)
        return game.answered.is_set()

    async def _play(self, game: Game) -> None:
        session = game.session
        try:
            while not session.finished:
                game.answered.clear()
                q = session.next_question()
                view = question_view(game.id, q) if session.mode == "buttons" else None
                extra: dict[str, Any] = {"view": view} if view is not None else {}
                game.message = await game.channel.send(
                    embed=question_embed(q, session.mode), allowed_mentions=NO_MENTIONS, **extra
                )
                if (
                    session.mode == "typed"
                    and not await self._wait(game, q.hint_at)
                    and session.is_open
                ):
                    await game.channel.send(f"Hint: {session.hint()}", allowed_mentions=NO_MENTIONS)
                await self._wait(game, q.deadline)
                if session.is_open:
                    result = session.close_question("timeout")
                    await self._record(game, result)
                else:
                    result = session.results[-1]
                if view is not None:
                    with contextlib.suppress(discord.HTTPException):
                        await game.message.edit(view=question_view(game.id, q, disabled=True))
                await game.channel.send(embed=reveal_embed(result), allowed_mentions=NO_MENTIONS)
                if not session.finished:
                    await asyncio.sleep(PAUSE_BETWEEN_QUESTIONS)
            await self._finish(game, session.summary())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("quiz in channel %s failed", session.channel_id)
            self._forget(game)
            with contextlib.suppress(discord.HTTPException):
                await game.channel.send(
                    "The quiz stopped because of an error on my side.", allowed_mentions=NO_MENTIONS
                )
            async with self.bot.app.sessions.begin() as db:
                await store.finish_game(db, game.id, "failed")

    def _forget(self, game: Game) -> None:
        self.registry.end(game.session.channel_id)
        self.games.pop(game.session.channel_id, None)

    async def _finish(self, game: Game, summary: core.GameSummary) -> None:
        self._forget(game)
        players = sorted(game.players | {s.user_id for s in summary.standings})
        async with self.bot.app.sessions.begin() as session:
            await store.record_game(
                session, game.guild_id, players, summary.winner.user_id if summary.winner else None
            )
            await store.finish_game(session, game.id, summary.reason)
        title = {
            "completed": "Quiz over!",
            "stopped": "Quiz stopped",
            "inactive": "Quiz stopped: two questions in a row went unanswered",
        }[summary.reason]
        await game.channel.send(
            embed=standings_embed(f"{title} Final standings", summary.standings),
            allowed_mentions=NO_MENTIONS,
        )

    # --- commands ----------------------------------------------------------------------

    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        found = core.topics(self.bot.app.index.facts(interaction.guild_id))
        current = current.lower()
        return [
            app_commands.Choice(name=f"{t.tag} ({t.count} questions)", value=t.tag)
            for t in found
            if current in t.tag
        ][:25]

    @app_commands.command(name="start", description="Start a quiz in this channel")
    @app_commands.describe(
        rounds="Number of questions (1-20)",
        topic="Question topic",
        mode="Answer with buttons or by typing",
        seconds="Seconds per question",
    )
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def start(
        self,
        interaction: discord.Interaction,
        rounds: app_commands.Range[int, core.MIN_ROUNDS, core.MAX_ROUNDS] = 5,
        topic: app_commands.Range[str, 1, 32] = core.DEFAULT_TOPIC,
        mode: Literal["buttons", "typed"] = "buttons",
        seconds: app_commands.Range[int, core.MIN_SECONDS, core.MAX_SECONDS] = 20,
    ) -> None:
        assert interaction.guild_id is not None and interaction.channel is not None
        channel_id = interaction.channel.id
        if channel_id in self.registry:
            await interaction.response.send_message(
                "A quiz is already running in this channel — join in, or start one elsewhere.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        if mode == "typed" and not self.bot.settings.message_content:
            await interaction.response.send_message(
                "Typed answers need the Message Content intent, which this bot runs without. "
                "Use `mode: buttons`.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        try:
            bank = core.QuestionBank.from_facts(
                self.bot.app.index.facts(interaction.guild_id), topic
            )
            session = core.QuizSession(
                bank,
                rounds=rounds,
                mode=mode,
                seconds=seconds,
                started_by=interaction.user.id,
                channel_id=channel_id,
                guild_id=interaction.guild_id,
                rng=self.rng,
                clock=self.clock,
            )
            self.registry.start(channel_id, session)
        except core.QuizError as exc:
            await interaction.response.send_message(
                f"Can't start that quiz: {exc}. Try `/quiz start topic:medals`.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        async with self.bot.app.sessions.begin() as db:
            game_id = await store.start_game(
                db,
                guild_id=interaction.guild_id,
                channel_id=channel_id,
                started_by=interaction.user.id,
            )
        game = Game(
            game_id,
            session,
            interaction.channel,  # type: ignore[arg-type]
            interaction.guild_id,
        )
        self.games[channel_id] = game
        await interaction.response.send_message(
            f"Quiz time! {session.rounds} questions on **{bank.topic}**, {seconds} s each, "
            f"{'buttons' if mode == 'buttons' else 'type your answers'}. "
            f"Started by {interaction.user.mention}.",
            allowed_mentions=NO_MENTIONS,
        )
        game.task = asyncio.create_task(self._play(game), name=f"quiz-{channel_id}")

    async def _controlled_game(self, interaction: discord.Interaction) -> Game | None:
        game = self.games.get(interaction.channel_id or 0)
        if game is None:
            await interaction.response.send_message(
                "No quiz is running in this channel.", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return None
        if not game.session.can_control(interaction.user.id, await is_moderator(interaction)):
            await interaction.response.send_message(
                "Only the member who started this quiz or a moderator can do that.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return None
        return game

    @app_commands.command(name="stop", description="Stop the quiz in this channel")
    async def stop(self, interaction: discord.Interaction) -> None:
        game = await self._controlled_game(interaction)
        if game is None:
            return
        try:
            summary = game.session.stop(interaction.user.id, is_moderator=True)  # checked above
        except core.QuizError as exc:
            await interaction.response.send_message(
                str(exc), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        if game.task is not None:
            game.task.cancel()
        await interaction.response.send_message("Quiz stopped.", allowed_mentions=NO_MENTIONS)
        await self._finish(game, summary)

    @app_commands.command(name="skip", description="Reveal the answer and move on")
    async def skip(self, interaction: discord.Interaction) -> None:
        game = await self._controlled_game(interaction)
        if game is None:
            return
        if not game.session.is_open:
            await interaction.response.send_message(
                "No question is open right now.", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        result = game.session.skip(interaction.user.id, is_moderator=True)
        await self._record(game, result)
        game.answered.set()
        await interaction.response.send_message("Skipped.", allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="leaderboard", description="Top 10 quiz players")
    @app_commands.describe(scope="This server or all servers")
    async def leaderboard(
        self, interaction: discord.Interaction, scope: Literal["server", "global"] = "server"
    ) -> None:
        guild_id = interaction.guild_id if scope == "server" else None
        async with self.bot.app.sessions() as session:
            top = await store.leaderboard(session, guild_id)
            mine = await store.stats(session, guild_id, interaction.user.id)
        lines = [
            f"{MEDALS[s.rank - 1] if s.rank <= 3 else f'{s.rank}.'} <@{s.user_id}> — "
            f"{s.points} pts, {s.correct} right, {s.wins} wins"
            for s in top
        ]
        embed = discord.Embed(
            title=f"Quiz leaderboard ({scope})",
            description="\n".join(lines) or "No scores yet — `/quiz start`!",
            colour=COLOUR_ANSWER,
        )
        embed.set_footer(
            text=f"Your rank: #{mine.rank} with {mine.points} pts"
            if mine
            else "You haven't scored yet."
        )
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="stats", description="Quiz record of a member (default: you)")
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
                f"{target.mention}: **{line.points}** points, {line.correct} right answers, "
                f"{line.games} games, {line.wins} wins (rank #{line.rank} here)."
            )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: TriviaBot) -> None:
    await bot.add_cog(QuizCog(bot))
