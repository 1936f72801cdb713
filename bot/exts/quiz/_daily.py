"""The daily question in Discord: posting on schedule, taking answers, posting the result.

Everything lives in the database (schedule, posted rounds, answers), so a restart picks up
where the bot left off: a post missed while it was down is made on start, once; a round whose
time ran out while it was down is closed and its result posted.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from bot.core import quiz as core
from bot.db import quiz as store
from bot.db.engine import is_unavailable
from bot.exts._render import NO_MENTIONS

from ._buttons import CLOSED, DailyButton, daily_view
from ._embeds import daily_embed, daily_result_embed

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0
"""How often the schedules are checked (real seconds): a post is at most this late."""
FACT_TRIES = 50
"""Random facts tried for one with fair options before the day is skipped."""
NEEDED_PERMISSIONS = ("view_channel", "send_messages", "embed_links")

DAILY_ALREADY = "You already answered today's question."
DAILY_WRONG = "Not quite — the answer is posted when the question closes."


def missing_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    """The permissions the bot lacks to post the daily question in a channel."""
    perms = channel.permissions_for(me)
    return [p.replace("_", " ") for p in NEEDED_PERMISSIONS if not getattr(perms, p)]


class DailyRunner:
    """Posts and closes every server's daily question."""

    def __init__(self, bot: TriviaBot, *, wall_clock: Callable[[], dt.datetime]) -> None:
        self.bot = bot
        self.wall_clock = wall_clock
        self._closers: dict[int, asyncio.Task[None]] = {}
        self._lock = asyncio.Lock()
        self.ticks = 0  # checks completed, for whoever waits for the first one

    async def run(self) -> None:
        """Check the schedules now and every TICK_SECONDS."""
        await self.bot.wait_until_ready()
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if is_unavailable(error):  # the outage itself is logged once by the engine
                    log.warning("the daily quiz check waits for the database")
                else:
                    log.exception("the daily quiz check failed; trying again later")
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # A cancel that arrived inside the database driver can be swallowed there;
                # honour it here rather than sleep through an unload.
                raise asyncio.CancelledError
            await asyncio.sleep(TICK_SECONDS)

    async def stop(self) -> None:
        tasks = list(self._closers.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        self._closers.clear()

    async def tick(self) -> None:
        """Post every daily question that is due, and close every one whose time is up."""
        async with self._lock:
            now = self.wall_clock()
            async with self.bot.app.sessions() as session:
                schedules = await store.all_daily(session)
            for row in schedules:
                schedule = core.DailySchedule(
                    core.parse_time(row.post_at), row.timezone, row.open_minutes
                )
                day = schedule.due(now, row.last_date)
                if day is None:
                    continue
                async with self.bot.app.sessions.begin() as session:
                    claimed = await store.claim_daily(session, row.guild_id, day)
                if claimed:
                    await self._post(row.guild_id, row.channel_id, schedule, day, now)
            async with self.bot.app.sessions() as session:
                rounds = [(r.id, r.closes_at) for r in await store.open_daily_rounds(session)]
            for round_id, closes_at in rounds:
                if round_id not in self._closers:
                    self._closers[round_id] = asyncio.create_task(
                        self._close_later(round_id, _aware(closes_at)),
                        name=f"daily-close-{round_id}",
                    )
            self.ticks += 1

    async def _post(
        self,
        guild_id: int,
        channel_id: int,
        schedule: core.DailySchedule,
        day: dt.date,
        now: dt.datetime,
    ) -> None:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            log.warning("daily quiz of guild %s: channel %s is gone", guild_id, channel_id)
            return
        rng = core.daily_rng(guild_id, day)
        try:
            bank = core.QuestionBank.from_facts(self.bot.app.index.facts(guild_id))
        except core.QuizError:
            log.warning("daily quiz of guild %s: no quiz questions", guild_id)
            return
        candidates = list(bank.questions)
        rng.shuffle(candidates)
        choices = fact = None
        for fact in candidates[:FACT_TRIES]:
            try:
                choices = core.make_choices(fact, bank.vocab, rng)
                break
            except core.NotQuizzable:
                continue
        if choices is None or fact is None:
            log.warning("daily quiz of guild %s: no question with fair options", guild_id)
            return
        closes = schedule.closes_at(now)
        async with self.bot.app.sessions.begin() as session:
            row = await store.open_daily_round(
                session,
                guild_id=guild_id,
                channel_id=channel_id,
                day=day,
                fact_scope=fact.scope,
                fact_id=fact.id,
                question=fact.question,
                options=list(choices.options),
                correct_index=choices.correct_index,
                opened_at=now,
                closes_at=closes,
            )
            round_id = row.id
        try:
            message = await channel.send(
                embed=daily_embed(fact.question, closes, day),
                view=daily_view(round_id, list(choices.options), choices.correct_index),
            )
        except discord.HTTPException:
            log.warning("daily quiz of guild %s: cannot post in %s", guild_id, channel_id)
            return
        async with self.bot.app.sessions.begin() as session:
            await store.set_daily_message(session, round_id, message.id)

    async def _close_later(self, round_id: int, closes_at: dt.datetime) -> None:
        try:
            delay = (closes_at - self.wall_clock()).total_seconds()
            if delay > 0:
                await asyncio.sleep(delay)
            await self.close(round_id)
        finally:
            self._closers.pop(round_id, None)

    async def close(self, round_id: int) -> None:
        """Close a daily question, score it and post the result (once)."""
        async with self.bot.app.sessions.begin() as session:
            row = await store.close_daily_round(session, round_id, self.wall_clock())
            if row is None:
                return
            answers = await store.daily_answers(session, round_id)
            summary = [(a.user_id, a.display_name, a.correct, a.elapsed, a.points) for a in answers]
            options, correct, channel_id, message_id = (
                list(row.options),
                row.correct_index,
                row.channel_id,
                row.message_id,
            )
            fact = next(
                (
                    f
                    for f in self.bot.app.index.facts(row.guild_id)
                    if f.id == row.fact_id and f.scope == row.fact_scope
                ),
                None,
            )
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return
        if message_id is not None:
            with contextlib.suppress(discord.HTTPException):
                await channel.get_partial_message(message_id).edit(
                    view=daily_view(round_id, options, correct, reveal=True),
                    allowed_mentions=NO_MENTIONS,  # a partial message has no client default
                )
        embed = daily_result_embed(options[correct], fact.answer if fact else None, summary)
        with contextlib.suppress(discord.HTTPException):
            await channel.send(embed=embed)

    async def press(self, button: DailyButton, user_id: int, name: str) -> str:
        """A click on a daily option; returns the private reply."""
        now = self.wall_clock()
        async with self.bot.app.sessions.begin() as session:
            row = await store.get_daily_round(session, button.round_id)
            if row is None or row.closed_at is not None or now >= _aware(row.closes_at):
                return CLOSED
            if not 0 <= button.choice < len(row.options):
                return CLOSED
            right = button.choice == row.correct_index
            elapsed = (now - _aware(row.opened_at)).total_seconds()
            points = core.points_for(elapsed, row.seconds) if right else 0
            fresh = await store.answer_daily(
                session,
                row.id,
                user_id,
                name=name,
                choice=button.choice,
                correct=right,
                elapsed=elapsed,
                points=points,
            )
        if not fresh:
            return DAILY_ALREADY
        return f"Right! +{points} points." if right else DAILY_WRONG


def _aware(when: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
