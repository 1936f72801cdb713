"""`/quiz`: timed trivia rounds. The rules live in `bot.core.quiz`; this drives time and renders."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import quiz as core
from bot.db import quiz as store
from bot.exts._checks import is_moderator
from bot.exts._render import (
    BUTTON_LABEL_LIMIT,
    COLOUR_ANSWER,
    COLOUR_UNSURE,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_TITLE_LIMIT,
    NO_MENTIONS,
    clip,
    source_text,
)

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)

PAUSE_BETWEEN_QUESTIONS = 3.0
"""Seconds between a question's reveal and the next question."""
STANDINGS_SHOWN = 10
"""Rows in the final standings and on the leaderboard."""
RUNNING_STANDINGS_SHOWN = 5
"""Rows of the running scores under each answer."""
RIGHT_ANSWERS_SHOWN = 15
"""Members named under an answer; more are counted, not named."""

CLOSED = "This question is closed."
ALREADY_ANSWERED = "You already answered this question."
WRONG = "Not quite — the answer is revealed when the timer ends."
NOT_AN_OPTION = "That isn't one of this question's options."
NO_QUIZ = "No quiz is running in this channel."
ALREADY_RUNNING = "A quiz is already running in this channel — join in, or start one elsewhere."
NOT_ALLOWED = "Only the member who started this quiz or a moderator can do that."
INTERRUPTED = (
    "The quiz in this channel was interrupted by a restart. Scores up to the last revealed "
    "answer were kept. Start a new one with `/quiz start`."
)
FAILED = "The quiz stopped because of an error on my side. Scores so far were kept."
MEDALS = ("🥇", "🥈", "🥉")
FINISH_TITLES: dict[core.FinishReason, str] = {
    "completed": "Quiz over! Final standings",
    "stopped": "Quiz stopped. Standings",
    "inactive": (
        f"Quiz stopped: {core.INACTIVE_LIMIT} questions in a row went unanswered. Standings"
    ),
}


@dataclass(slots=True)
class Game:
    """A running game in one channel: the core session plus what Discord needs."""

    id: int  # the quiz_games row
    session: core.QuizSession
    channel: discord.abc.Messageable
    guild_id: int
    answered: asyncio.Event = field(default_factory=asyncio.Event)  # closed before its timer
    question: core.QuestionOpen | None = None  # the question on screen, until revealed
    message: discord.Message | None = None  # the message that asked it
    task: asyncio.Task[None] | None = None
    players: set[int] = field(default_factory=set)  # everyone who answered, right or wrong


# --- rendering -------------------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    """ "1 game", "2 games"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _place(rank: int) -> str:
    return MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:(?P<game>\d+):(?P<number>\d+):(?P<choice>\d)",
):
    """A quiz option. Dynamic, so that a click on an old or pre-restart quiz still gets a reply."""

    def __init__(
        self,
        game_id: int,
        number: int,
        choice: int,
        label: str = "?",
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL_LIMIT),
                style=style,
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
        cog = interaction.client.get_cog(QuizCog.__cog_name__)  # type: ignore[attr-defined]
        text = cog.press(self, interaction.user.id) if isinstance(cog, QuizCog) else CLOSED
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


def question_embed(q: core.QuestionOpen, mode: core.QuizMode) -> discord.Embed:
    how = "Pick an answer below" if mode == "buttons" else "Type your answer in this channel"
    embed = discord.Embed(
        title=f"Question {q.number} of {q.total}",
        description=clip(q.question, EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_ANSWER,
    )
    embed.set_footer(text=f"{how} — {q.seconds} seconds. Faster right answers score more.")
    return embed


def question_view(
    game_id: int, q: core.QuestionOpen, *, reveal: bool = False, closed: bool = False
) -> discord.ui.View:
    """The options as buttons; `reveal` disables them and shows the right one in green,
    `closed` only disables them (a question dropped by /quiz stop)."""
    view = discord.ui.View(timeout=None)  # the buttons are dynamic items: nothing to time out
    right = q.choices.correct_index if q.choices else -1
    for i, option in enumerate(q.options):
        style = discord.ButtonStyle.primary
        if reveal:
            style = discord.ButtonStyle.success if i == right else discord.ButtonStyle.secondary
        item = ChoiceButton(game_id, q.number, i, option, style)
        item.item.disabled = reveal or closed
        view.add_item(item)
    return view


def _standing_lines(standings: Sequence[core.Standing], limit: int) -> list[str]:
    return [
        f"{_place(s.rank)} <@{s.user_id}> — {s.points} pts ({s.correct} right)"
        for s in standings[:limit]
    ]


def reveal_embed(
    result: core.QuestionResult, standings: Sequence[core.Standing] = ()
) -> discord.Embed:
    """The answer, its source sentence, who got it right and (mid-game) the scores so far."""
    embed = discord.Embed(
        title=clip(f"Answer {result.number} of {result.total}: {result.answer}", EMBED_TITLE_LIMIT),
        description=clip(result.fact.answer, EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_ANSWER,
    )
    source = source_text(result.fact)
    if source:
        embed.add_field(name="Source", value=source, inline=False)
    if result.correct:
        named = result.correct[:RIGHT_ANSWERS_SHOWN]
        right = ", ".join(f"<@{a.user_id}> (+{a.points})" for a in named)
        if len(result.correct) > len(named):
            right += f" and {len(result.correct) - len(named)} more"
    elif result.reason == "skipped":
        right = "Nobody — the question was skipped."
    else:
        right = "Nobody this time."
    embed.add_field(name="Right", value=clip(right, EMBED_FIELD_LIMIT), inline=False)
    if standings and not result.game_over:
        lines = _standing_lines(standings, RUNNING_STANDINGS_SHOWN)
        embed.add_field(name="Scores", value=clip("\n".join(lines), EMBED_FIELD_LIMIT))
    return embed


def standings_embed(summary: core.GameSummary) -> discord.Embed:
    """The end of a game: why it ended and the final standings."""
    lines = _standing_lines(summary.standings, STANDINGS_SHOWN)
    embed = discord.Embed(
        title=FINISH_TITLES[summary.reason],
        description="\n".join(lines) or "Nobody answered.",
        colour=COLOUR_UNSURE,
    )
    if summary.winner is not None:
        embed.add_field(name="Winner", value=f"🏆 <@{summary.winner.user_id}>", inline=False)
    embed.set_footer(text=f"{summary.questions_asked} of {summary.rounds} questions played.")
    return embed


def leaderboard_embed(
    top: Sequence[store.ScoreLine], mine: store.ScoreLine | None, scope: str
) -> discord.Embed:
    lines = [
        f"{_place(s.rank)} <@{s.user_id}> — {s.points} pts, {s.correct} right, "
        f"{_count(s.wins, 'win')}"
        for s in top
    ]
    embed = discord.Embed(
        title="Quiz leaderboard: " + ("this server" if scope == "server" else "all servers"),
        description="\n".join(lines) or "No scores yet — `/quiz start`!",
        colour=COLOUR_ANSWER,
    )
    embed.set_footer(
        text=f"Your rank: #{mine.rank} with {mine.points} pts"
        if mine
        else "You haven't scored yet."
    )
    return embed


# --- the cog ---------------------------------------------------------------------------------


@app_commands.guild_only()
class QuizCog(commands.GroupCog, name="quiz", group_name="quiz", group_description="Trivia rounds"):
    """Runs quiz games, one per channel, any number of channels at once.

    The cog is named like its command group because `Bot.remove_cog` takes a group cog's
    commands out of the tree by the cog's name: under another name, unloading left `/quiz`
    registered and reloading the extension failed with CommandAlreadyRegistered.
    """

    def __init__(
        self,
        bot: TriviaBot,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        time_scale: float = 1.0,
    ) -> None:
        """`time_scale` is real seconds per game second: 1 in production; a test passes 0.01
        to play a 10-second question in a tenth of a second. Everything the game measures
        (deadlines, hints, points) stays in game seconds."""
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.bot = bot
        self.registry = bot.quizzes
        self.games: dict[int, Game] = {}  # by channel id
        self.rng = rng or random.Random()
        self.time_scale = time_scale
        self._real_clock = clock
        self._announcer: asyncio.Task[None] | None = None
        super().__init__()

    def game_clock(self) -> float:
        """Game seconds: the clock the sessions score and time out by."""
        return self._real_clock() / self.time_scale

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ChoiceButton)
        async with self.bot.app.sessions.begin() as session:
            stale = await store.interrupted_games(session)
        if stale:
            log.info("closing %d quiz game(s) interrupted by a restart", len(stale))
            self._announcer = asyncio.create_task(
                self._announce_interrupted([(g.channel_id, g.message_id) for g in stale])
            )

    async def cog_unload(self) -> None:
        # Games left running in the database are announced as interrupted on the next load.
        self.bot.remove_dynamic_items(ChoiceButton)
        tasks = [g.task for g in self.games.values() if g.task is not None]
        if self._announcer is not None:
            tasks.append(self._announcer)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        for channel_id in list(self.games):  # the registry outlives this cog
            self.registry.end(channel_id)

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
                await channel.send(INTERRUPTED, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                log.warning("could not announce the interrupted quiz in %s", channel_id)

    # --- buttons and typed answers -----------------------------------------------------

    def press(self, button: ChoiceButton, user_id: int) -> str:
        """A click on an option; returns the private reply."""
        game = next((g for g in self.games.values() if g.id == button.game_id), None)
        current = game.session.current if game else None
        if game is None or current is None or current.number != button.number:
            return CLOSED
        try:
            outcome = game.session.answer_choice(user_id, button.choice)
        except core.InvalidChoice:
            return NOT_AN_OPTION
        if isinstance(outcome, core.Correct):
            game.players.add(user_id)
            return f"Right! +{outcome.points} points."
        if isinstance(outcome, core.Wrong):
            game.players.add(user_id)
            return WRONG
        if isinstance(outcome, core.AlreadyAnswered):
            return ALREADY_ANSWERED
        return CLOSED

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        game = self.games.get(message.channel.id)
        if game is None or game.session.mode != "typed" or not game.session.is_open:
            return
        outcome = game.session.answer_text(
            message.author.id, message.content, is_bot=message.author.bot
        )
        if isinstance(outcome, core.Ignored | core.QuestionClosed):
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
        """Sleep until a time on the game clock; True if the question closed early."""
        delay = max(0.0, (until - self.game_clock()) * self.time_scale)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(game.answered.wait(), timeout=delay)
        return game.answered.is_set()

    async def _ask(self, game: Game) -> None:
        """One question: ask, hint, wait for the timer (or a win or skip), reveal."""
        session = game.session
        game.answered.clear()
        q = game.question = session.next_question()
        embed = question_embed(q, session.mode)
        if q.choices is not None:
            view = question_view(game.id, q)
            game.message = await game.channel.send(
                embed=embed, view=view, allowed_mentions=NO_MENTIONS
            )
        else:
            game.message = await game.channel.send(embed=embed, allowed_mentions=NO_MENTIONS)
        async with self.bot.app.sessions.begin() as db:
            await store.set_game_message(db, game.id, game.message.id)
        if session.mode == "typed" and not await self._wait(game, q.hint_at) and session.is_open:
            # Hints are like "K____ A________": in backticks, or Discord reads the _ as italics.
            await game.channel.send(f"Hint: `{session.hint()}`", allowed_mentions=NO_MENTIONS)
        await self._wait(game, q.deadline)
        if session.is_open:
            result = session.close_question("timeout")
            # Shielded: a /quiz stop now must not lose the points the standings will show.
            await asyncio.shield(self._record(game, result))
        else:  # a typed win or a skip closed it, and saved it
            result = session.results[-1]
        game.question = None  # revealed: a stop now leaves its buttons as they are
        if q.choices is not None:
            with contextlib.suppress(discord.HTTPException):
                await game.message.edit(view=question_view(game.id, q, reveal=True))
        await game.channel.send(
            embed=reveal_embed(result, session.standings()), allowed_mentions=NO_MENTIONS
        )

    async def _play(self, game: Game) -> None:
        session = game.session
        try:
            while not session.finished:
                await self._ask(game)
                if not session.finished:
                    await asyncio.sleep(PAUSE_BETWEEN_QUESTIONS * self.time_scale)
            embed = await self._finish(game, session.summary())
            await game.channel.send(embed=embed, allowed_mentions=NO_MENTIONS)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("quiz in channel %s failed", session.channel_id)
            self._forget(game)
            with contextlib.suppress(discord.HTTPException):
                await self._close_buttons(game)
            with contextlib.suppress(discord.HTTPException):
                await game.channel.send(FAILED, allowed_mentions=NO_MENTIONS)
            try:
                async with self.bot.app.sessions.begin() as db:
                    await store.finish_game(db, game.id, "failed")
            except Exception:
                log.exception("could not mark quiz game %s as failed", game.id)

    def _forget(self, game: Game) -> None:
        self.registry.end(game.session.channel_id)
        self.games.pop(game.session.channel_id, None)

    async def _close_buttons(self, game: Game) -> None:
        """Disable the buttons of a question that will not be revealed."""
        q, message = game.question, game.message
        if q is not None and q.choices is not None and message is not None:
            await message.edit(view=question_view(game.id, q, closed=True))

    async def _finish(self, game: Game, summary: core.GameSummary) -> discord.Embed:
        """Free the channel, count the game for its players and return the final standings."""
        self._forget(game)
        players = sorted(game.players | {s.user_id for s in summary.standings})
        winner = summary.winner.user_id if summary.winner else None
        async with self.bot.app.sessions.begin() as session:
            await store.record_game(session, game.guild_id, players, winner)
            await store.finish_game(session, game.id, summary.reason)
        return standings_embed(summary)

    # --- commands ----------------------------------------------------------------------

    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        found = core.topics(self.bot.app.index.facts(interaction.guild_id))
        current = current.strip().lower()
        return [
            app_commands.Choice(name=f"{t.tag} ({t.count} questions)", value=t.tag)
            for t in found
            if current in t.tag
        ][:25]

    @app_commands.command(name="start", description="Start a quiz in this channel")
    @app_commands.describe(
        rounds=f"Number of questions ({core.MIN_ROUNDS}-{core.MAX_ROUNDS})",
        topic="Question topic",
        mode="Answer with buttons or by typing",
        seconds=f"Seconds per question ({core.MIN_SECONDS}-{core.MAX_SECONDS})",
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
        assert interaction.guild_id is not None  # the group is guild-only
        channel = interaction.channel
        if not isinstance(channel, discord.abc.Messageable):  # a forum or a category
            await self._private(interaction, "Quizzes run in text channels and threads.")
            return
        channel_id = channel.id
        if channel_id in self.registry:
            await self._private(interaction, ALREADY_RUNNING)
            return
        if mode == "typed" and not self.bot.settings.message_content:
            await self._private(
                interaction,
                "Typed answers need the Message Content intent, which this bot runs without. "
                "Use `mode: buttons`.",
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
                clock=self.game_clock,
            )
            self.registry.start(channel_id, session)
        except core.QuizAlreadyRunning:
            await self._private(interaction, ALREADY_RUNNING)
            return
        except core.QuizError as exc:
            await self._private(
                interaction, f"Can't start that quiz: {exc}. Try `/quiz start topic:medals`."
            )
            return
        try:
            async with self.bot.app.sessions.begin() as db:
                game_id = await store.start_game(
                    db,
                    guild_id=interaction.guild_id,
                    channel_id=channel_id,
                    started_by=interaction.user.id,
                )
        except BaseException:
            self.registry.end(channel_id)  # don't leave the channel blocked
            raise
        game = Game(game_id, session, channel, interaction.guild_id)
        self.games[channel_id] = game
        how = "buttons" if mode == "buttons" else "type your answers"
        await interaction.response.send_message(
            f"Quiz time! {_count(session.rounds, 'question')} on **{bank.topic}**, "
            f"{seconds} s each, "
            f"{how}. Started by {interaction.user.mention}.",
            allowed_mentions=NO_MENTIONS,
        )
        game.task = asyncio.create_task(self._play(game), name=f"quiz-{channel_id}")

    @staticmethod
    async def _private(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def _game_here(self, interaction: discord.Interaction) -> Game | None:
        game = self.games.get(interaction.channel_id or 0)
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
        embed = await self._finish(game, summary)
        with contextlib.suppress(discord.HTTPException):
            await self._close_buttons(game)
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)

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
        await self._record(game, result)
        game.answered.set()
        await interaction.response.send_message(
            f"{interaction.user.mention} skipped the question.", allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="leaderboard", description="Top quiz players")
    @app_commands.describe(scope="This server or all servers")
    async def leaderboard(
        self, interaction: discord.Interaction, scope: Literal["server", "global"] = "server"
    ) -> None:
        guild_id = interaction.guild_id if scope == "server" else None
        async with self.bot.app.sessions() as session:
            top = await store.leaderboard(session, guild_id, STANDINGS_SHOWN)
            mine = await store.stats(session, guild_id, interaction.user.id)
        await interaction.response.send_message(
            embed=leaderboard_embed(top, mine, scope), allowed_mentions=NO_MENTIONS
        )

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
                f"{_count(line.correct, 'right answer')}, {_count(line.games, 'game')}, "
                f"{_count(line.wins, 'win')} (rank #{line.rank} here)."
            )
        await self._private(interaction, text)


async def setup(bot: TriviaBot) -> None:
    await bot.add_cog(QuizCog(bot))
