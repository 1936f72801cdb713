"""Playing rounds in Discord: the timers, the live answer count, saving scores, the reveal.

One `QuizRegistry` (the bot's `quizzes`) holds every running `Game`; other features ask it
whether a channel is playing. The rules are the core session's; this module only waits,
renders and saves.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot.core import quiz as core
from bot.db import quiz as store
from bot.db.engine import PendingWrites
from bot.exts.errors import guarded_task

from ._buttons import CLOSED, ChoiceButton, question_view
from ._embeds import question_embed, reveal_embed, standings_embed

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)

PAUSE_BETWEEN_QUESTIONS = 3.0
"""Game seconds between a question's reveal and the next question."""
LIVE_EDIT_INTERVAL = 1.0
"""Real seconds between two edits of a question's "N answered" (Discord rate-limits edits)."""

UNLOAD_TIMEOUT = 5.0
"""Seconds an unload waits for cancelled tasks to end."""

ALREADY_ANSWERED = "You already answered this question."
WRONG = "Not quite — the answer is revealed when the timer ends."
NOT_AN_OPTION = "That isn't one of this question's options."
FAILED = "The quiz stopped because of an error on my side. Scores so far were kept."
NOT_SAVED = (
    "The score database was not reachable, so this game's scores could not be saved. "
    "I'll keep trying for a few minutes."
)
SAVE_RETRY_SECONDS = 300.0
"""How long a finished game's unsaved scores are retried in the background."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(slots=True, eq=False)
class Game:
    """A running game in one channel: the core session plus what Discord needs."""

    id: int  # the quiz_games row
    session: core.QuizSession
    channel: discord.abc.Messageable
    guild_id: int
    answered: asyncio.Event = field(default_factory=asyncio.Event)  # closed before its timer
    changed: asyncio.Event = field(default_factory=asyncio.Event)  # someone answered
    question: core.QuestionOpen | None = None  # the question on screen, until revealed
    message: discord.Message | None = None  # the message that asked it
    closes: dt.datetime | None = None  # when the question on screen closes, wall clock
    task: asyncio.Task[None] | None = None
    players: set[int] = field(default_factory=set)  # everyone who answered, right or wrong
    names: dict[int, str] = field(default_factory=dict)  # display names, as they answered
    writes: PendingWrites | None = None  # score writes waiting for the database

    @property
    def channel_id(self) -> int:
        return self.session.channel_id

    @property
    def finished(self) -> bool:
        return self.session.finished


class GameRunner:
    """Runs every game of the bot, each in its own task."""

    def __init__(
        self,
        bot: TriviaBot,
        *,
        game_clock: Callable[[], float],
        wall_clock: Callable[[], dt.datetime],
        time_scale: float,
    ) -> None:
        self.bot = bot
        self.registry = bot.quizzes
        self.game_clock = game_clock
        self.wall_clock = wall_clock
        self.time_scale = time_scale

    # --- which game ----------------------------------------------------------------------

    def game_in(self, channel_id: int | None) -> Game | None:
        game = self.registry.get(channel_id or 0)
        return game if isinstance(game, Game) else None

    def games(self) -> list[Game]:
        return [g for g in self.registry.games() if isinstance(g, Game)]

    def by_id(self, game_id: int) -> Game | None:
        return next((g for g in self.games() if g.id == game_id), None)

    # --- answers -------------------------------------------------------------------------

    def press(self, button: ChoiceButton, user_id: int, name: str) -> str:
        """A click on an option; returns the private reply."""
        game = self.by_id(button.game_id)
        current = game.session.current if game else None
        if game is None or current is None or current.number != button.number:
            return CLOSED
        try:
            outcome = game.session.answer_choice(user_id, button.choice)
        except core.InvalidChoice:
            return NOT_AN_OPTION
        if isinstance(outcome, core.Correct | core.Wrong):
            game.players.add(user_id)
            game.names[user_id] = name
            game.changed.set()
        if isinstance(outcome, core.Correct):
            streak = f" {outcome.streak} in a row: +{outcome.bonus} bonus." if outcome.bonus else ""
            return f"Right! +{outcome.points} points.{streak}"
        if isinstance(outcome, core.Wrong):
            return WRONG
        if isinstance(outcome, core.AlreadyAnswered):
            return ALREADY_ANSWERED
        return CLOSED

    async def typed(self, message: discord.Message) -> None:
        game = self.game_in(message.channel.id)
        if game is None or game.session.mode != "typed" or not game.session.is_open:
            return
        outcome = game.session.answer_text(
            message.author.id, message.content, is_bot=message.author.bot
        )
        if isinstance(outcome, core.Ignored | core.QuestionClosed):
            return
        game.players.add(message.author.id)
        game.names[message.author.id] = message.author.display_name
        game.changed.set()
        if isinstance(outcome, core.Correct) and outcome.result is not None:
            await self.record(game, outcome.result)
            game.answered.set()

    # --- the game loop -------------------------------------------------------------------

    def _writes(self, game: Game) -> PendingWrites:
        if game.writes is None:
            game.writes = PendingWrites(self.bot.app.engine)
        return game.writes

    async def record(self, game: Game, result: core.QuestionResult) -> None:
        """Save a question's points; while the database is down they are kept and the game
        goes on in memory."""
        names = {u: game.names[u] for u in result.points_by_user if u in game.names}
        at = self.wall_clock()

        async def write() -> None:
            async with self.bot.app.sessions.begin() as session:
                await store.record_question(
                    session,
                    game.guild_id,
                    result.points_by_user,
                    result.correct_by_user,
                    names=names,
                    best_streaks=result.best_streak_by_user,
                    at=at,
                )

        await self._writes(game).run(write)

    async def _wait(self, game: Game, until: float) -> bool:
        """Sleep until a time on the game clock; True if the question closed early."""
        delay = max(0.0, (until - self.game_clock()) * self.time_scale)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(game.answered.wait(), timeout=delay)
        return game.answered.is_set()

    async def _live_count(self, game: Game, q: core.QuestionOpen) -> None:
        """Keep "N answered" on the question up to date, editing at most once a second."""
        shown = 0
        while True:
            await game.changed.wait()
            game.changed.clear()
            n = game.session.answered_count
            if n != shown and game.question is q and game.message is not None:
                shown = n
                assert game.closes is not None
                embed = question_embed(q, game.session.mode, game.closes, n)
                try:
                    await game.message.edit(embed=embed)
                except discord.HTTPException:
                    log.warning("could not update the answer count of quiz %s", game.id)
            await asyncio.sleep(LIVE_EDIT_INTERVAL)

    async def _ask(self, game: Game) -> None:
        """One question: ask, hint, wait for the timer (or a win or skip), reveal."""
        session = game.session
        game.answered.clear()
        game.changed.clear()
        q = game.question = session.next_question()
        game.closes = self.wall_clock() + dt.timedelta(seconds=q.seconds * self.time_scale)
        embed = question_embed(q, session.mode, game.closes)
        if q.choices is not None:
            view = question_view(game.id, q)
            game.message = await game.channel.send(embed=embed, view=view)
        else:
            game.message = await game.channel.send(embed=embed)
        live = asyncio.create_task(self._live_count(game, q), name=f"quiz-count-{game.id}")
        try:
            message_id = game.message.id

            async def remember_message() -> None:
                async with self.bot.app.sessions.begin() as db:
                    await store.set_game_message(db, game.id, message_id)

            await self._writes(game).run(remember_message)
            if (
                session.mode == "typed"
                and not await self._wait(game, q.hint_at)
                and session.is_open
            ):
                # Hints like "K____ A________" go in backticks, or Discord reads _ as italics.
                await game.channel.send(f"Hint: `{session.hint()}`")
            await self._wait(game, q.deadline)
        finally:
            live.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await live
        if session.is_open:
            result = session.close_question("timeout")
            # Shielded: a /quiz stop now must not lose the points the standings will show.
            await asyncio.shield(self.record(game, result))
        else:  # a typed win or a skip closed it, and saved it
            result = session.results[-1]
        game.question = None  # revealed: a stop now leaves its buttons as they are
        answered = len(result.points_by_user)
        with contextlib.suppress(discord.HTTPException):
            closed = question_embed(q, session.mode, game.closes, answered)
            closed.set_field_at(0, name="Closed", value="Time's up", inline=True)
            if q.choices is not None:
                await game.message.edit(embed=closed, view=question_view(game.id, q, reveal=True))
            else:
                await game.message.edit(embed=closed)
        await game.channel.send(
            embed=reveal_embed(result, session.standings(), game.names),
        )

    async def play(self, game: Game) -> None:
        session = game.session
        try:
            while not session.finished:
                await self._ask(game)
                if not session.finished:
                    await asyncio.sleep(PAUSE_BETWEEN_QUESTIONS * self.time_scale)
            embed = await self.finish(game, session.summary())
            await game.channel.send(embed=embed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("quiz in channel %s failed", session.channel_id)
            self.forget(game)
            with contextlib.suppress(discord.HTTPException):
                await self.close_buttons(game)
            with contextlib.suppress(discord.HTTPException):
                await game.channel.send(FAILED)

            async def mark_failed() -> None:
                async with self.bot.app.sessions.begin() as db:
                    await store.finish_game(db, game.id, "failed")

            # Kept and retried while the database is down: a game left "running" would be
            # announced again as interrupted after the next restart.
            writes = self._writes(game)
            try:
                if not await writes.run(mark_failed):
                    guarded_task(
                        writes.flush_within(SAVE_RETRY_SECONDS), name=f"quiz-fail-{game.id}"
                    )
            except Exception:
                log.exception("could not mark quiz game %s as failed", game.id)

    def forget(self, game: Game) -> None:
        if self.registry.get(game.channel_id) is game:
            self.registry.end(game.channel_id)

    async def close_buttons(self, game: Game) -> None:
        """Disable the buttons of a question that will not be revealed."""
        q, message = game.question, game.message
        if q is not None and q.choices is not None and message is not None:
            await message.edit(view=question_view(game.id, q, closed=True))

    async def finish(self, game: Game, summary: core.GameSummary) -> discord.Embed:
        """Free the channel, count the game for its players and return the final standings."""
        self.forget(game)
        players = sorted(game.players | {s.user_id for s in summary.standings})
        winner = summary.winner.user_id if summary.winner else None

        async def write() -> None:
            async with self.bot.app.sessions.begin() as session:
                await store.record_game(session, game.guild_id, players, winner)
                await store.finish_game(session, game.id, summary.reason)

        embed = standings_embed(summary, game.names)
        writes = self._writes(game)
        if not await writes.run(write):
            embed.add_field(name="Not saved", value=NOT_SAVED, inline=False)
            guarded_task(writes.flush_within(SAVE_RETRY_SECONDS), name=f"quiz-save-{game.id}")
        return embed

    async def stop_all(self) -> None:
        """Cancel every game's task (on unload); the games stay "running" in the database
        and are announced as interrupted on the next start."""
        games = self.games()
        tasks = [g.task for g in games if g.task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=UNLOAD_TIMEOUT)
        for game in games:
            self.forget(game)
