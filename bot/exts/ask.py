"""Answering questions: `/ask`, mentions, direct messages and opted-in channels.

What to do with a question is decided by `bot.core.policy.decide_reply()`, in the same order
everywhere; this cog only works out where the question came from and renders the decision.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.cleaning import escape_quoted
from bot.core.facts import Fact
from bot.core.intro import OWN_FACTS, has_own_facts, load_intro
from bot.core.matcher import MatchResult
from bot.core.policy import (
    DM_SCOPE,
    MAX_QUESTION_LENGTH,
    Action,
    AskLimit,
    AskLimiter,
    Reply,
    Where,
    decide_reply,
)
from bot.db import guilds as guild_store
from bot.db.engine import is_unavailable
from bot.exts._render import (
    BUTTON_LABEL_LIMIT,
    SOMETHING_WENT_WRONG,
    answer_embed,
    clip,
    error_embed,
    unsure_embed,
)

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)

QUIZ_RUNNING = (
    "A quiz is running in this channel, so I'm keeping my answers to myself until it ends. "
    "Ask me in another channel."
)
INTRO = load_intro()


def hint(kind: str, *, own_facts: bool = False) -> str:
    """The hint answering a greeting, a "help" or an empty mention: what to ask, with an
    example (a server with facts of its own is told they are answered too)."""
    subject = INTRO.subject(own_facts=own_facts, short=False)
    if kind == "greeting":
        return (
            f"Hi! Ask me anything about {subject}, e.g. *{INTRO.example}* "
            "`/help` shows what else I can do."
        )
    if kind == "help":
        return (
            f"Ask me a question about {subject} — with `/ask`, by mentioning me, or here in a "
            f"DM — e.g. *{INTRO.examples[-1]}* `/help` has the rest."
        )
    return f"Ask me a question about {subject}, e.g. *{INTRO.example}*"


def first_time_tip(*, own_facts: bool = False) -> str:
    """The tip after a member's first question in a server."""
    if own_facts:
        return (
            f"-# First question here? Ask me with `/ask` or by mentioning me: I know "
            f"{INTRO.short} and {OWN_FACTS} (in a DM, only {INTRO.short}). "
            "`/help` shows what I know."
        )
    return (
        "-# First question here? Ask me with `/ask`, by mentioning me, or in a DM; `/help` shows "
        "what I know."
    )


HINT_SECONDS = 30.0
"""A hint answering a greeting in a channel disappears after this: it is for one member only."""
COOLDOWN_NOTE_SECONDS = 10.0
SUGGESTION_TIMEOUT = 120.0
"""Seconds the "did you mean" buttons stay clickable."""


class SuggestionButton(discord.ui.Button["SuggestionView"]):
    """One "did you mean" choice; a click replaces the message with the answer."""

    def __init__(self, fact: Fact, position: int) -> None:
        super().__init__(
            label=clip(fact.question, BUTTON_LABEL_LIMIT),
            style=discord.ButtonStyle.secondary,
            custom_id=f"suggest:{position}:{fact.scope}:{fact.id}",
        )
        self.fact = fact

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.view is not None:
            self.view.stop()
        await interaction.response.edit_message(
            content=None, embed=answer_embed(self.fact), view=None
        )


class SuggestionView(discord.ui.View):
    """Up to three "did you mean" buttons; a click answers in place. Only the asker may click."""

    def __init__(
        self, facts: tuple[Fact, ...], *, asker_id: int, timeout: float = SUGGESTION_TIMEOUT
    ) -> None:
        super().__init__(timeout=timeout)
        self.asker_id = asker_id
        self.message: discord.Message | discord.InteractionMessage | None = None
        for position, fact in enumerate(facts):
            self.add_item(SuggestionButton(fact, position))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.asker_id:
            await interaction.response.send_message(
                "Only the member who asked can pick an answer. Ask me yourself with `/ask`.",
                ephemeral=True,
            )
            return False
        return True

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except (discord.HTTPException, RuntimeError):  # RuntimeError: shutting down
                log.debug("could not disable suggestion buttons", exc_info=True)


def cooldown_note(retry_after: float, limit: AskLimit, *, in_server: bool) -> str:
    where = "in this server" if in_server else "in DMs"
    return (
        f"You're asking quickly — try again in {max(retry_after, 1):.0f} s "
        f"(limit {where}: {limit.describe()})."
    )


class ChannelTurns:
    """Messages in one channel are decided one at a time, in the order they arrived.

    Deciding may wait on the database (a server's settings after a change, a member's first
    question), and without turns a later question could overtake an earlier one: replies
    would come out of order, and a failure meant for one question could land on the next.
    """

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: Counter[int] = Counter()

    @contextlib.asynccontextmanager
    async def turn(self, channel_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(channel_id, asyncio.Lock())
        self._waiting[channel_id] += 1
        try:
            async with lock:  # asyncio.Lock wakes its waiters first come, first served
                yield
        finally:
            self._waiting[channel_id] -= 1
            if not self._waiting[channel_id]:
                del self._waiting[channel_id]
                del self._locks[channel_id]

    def waiting(self, channel_id: int) -> int:
        """Messages of a channel being decided or waiting for their turn."""
        return self._waiting[channel_id]


@dataclass(frozen=True, slots=True)
class _Decided:
    reply: Reply
    limit: AskLimit
    guild_id: int | None
    tip: str | None


class AskCog(commands.Cog):
    """Answers questions wherever members ask them."""

    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        self.index = bot.app.index
        self.config = bot.guild_config
        self.limiter = AskLimiter()
        self.clock = time.monotonic
        self._known_askers: set[tuple[int, int]] = set()
        self.turns = ChannelTurns()

    async def cog_load(self) -> None:
        await self.config.preload()  # the servers with opted-in channels

    def own_facts(self, guild_id: int | None) -> bool:
        return has_own_facts(self.index.facts(guild_id), guild_id)

    def _match(self, guild_id: int | None) -> Callable[[str], MatchResult]:
        return lambda text: self.index.match(text, guild_id=guild_id)

    async def _limit(self, guild_id: int | None) -> AskLimit:
        if guild_id is None:
            return self.config.default_limit
        try:
            return (await self.config.get(guild_id)).ask_limit
        except Exception as error:
            if not is_unavailable(error):
                raise
            # Answers come from memory: a database outage must not silence them.
            return self.config.default_limit

    async def decide(
        self, text: str, where: Where, *, user_id: int, guild_id: int | None, channel_id: int
    ) -> tuple[Reply, AskLimit]:
        limit = await self._limit(guild_id)
        scope = guild_id if guild_id is not None else DM_SCOPE
        await self.bot.facts.read(guild_id)  # a big server not read yet: other servers go on
        reply = decide_reply(
            text,
            where,
            quiz_running=channel_id in self.bot.quizzes,
            match=self._match(guild_id),
            take_turn=lambda: self.limiter.take(scope, user_id, limit, self.clock()),
        )
        return reply, limit

    async def first_time(self, guild_id: int | None, user_id: int) -> bool:
        """Whether this is the member's first question in this server (never in DMs)."""
        if guild_id is None or (guild_id, user_id) in self._known_askers:
            return False
        try:
            async with self.bot.app.sessions.begin() as session:
                first = await guild_store.remember_asker(session, guild_id, user_id)
        except Exception as error:
            if not is_unavailable(error):
                raise
            return False  # no tip during an outage; asked again next time
        self._known_askers.add((guild_id, user_id))
        return first

    # --- /ask ---------------------------------------------------------------------------------
    @app_commands.command(
        name="ask", description=f"Ask a question about {INTRO.short} or your server's own facts"
    )
    @app_commands.describe(question=f"Your question, e.g. {INTRO.example}")
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_LENGTH],
    ) -> None:
        reply, limit = await self.decide(
            question,
            Where.SLASH,
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id or 0,
        )
        send = interaction.response.send_message
        if reply.action is Action.QUIZ_RUNNING:
            await send(QUIZ_RUNNING, ephemeral=True)
            return
        if reply.action is Action.GREETING:
            own = self.own_facts(interaction.guild_id)
            await send(hint(reply.hint, own_facts=own), ephemeral=True)
            return
        if reply.action is Action.COOLDOWN:
            note = cooldown_note(
                reply.retry_after, limit, in_server=interaction.guild_id is not None
            )
            await send(note, ephemeral=True)
            return
        if reply.action is Action.ANSWER and reply.fact is not None:
            await send(
                content=f"**Q:** {clip(escape_quoted(discord.utils.escape_markdown(question)), 300)}",
                embed=answer_embed(reply.fact),
            )
        else:
            view = (
                SuggestionView(reply.suggestions, asker_id=interaction.user.id)
                if reply.suggestions
                else None
            )
            await send(
                embed=unsure_embed(reply.suggestions),
                view=view or discord.utils.MISSING,
                ephemeral=True,
            )
            if view is not None:
                view.message = await interaction.original_response()
        if await self.first_time(interaction.guild_id, interaction.user.id):
            tip = first_time_tip(own_facts=self.own_facts(interaction.guild_id))
            await interaction.followup.send(tip, ephemeral=True)

    # --- messages -------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        try:
            # The turn is taken before anything is awaited, so turns follow arrival order.
            async with self.turns.turn(message.channel.id):
                decided = await self._decide_message(message)
            if decided is not None:
                await self._send(message, decided)
        except Exception:
            log.exception("error answering message %s", message.id)
            me = self.bot.user
            if message.guild is not None and (me is None or me not in message.mentions):
                return  # opted-in channels stay silent, even about errors
            with contextlib.suppress(discord.HTTPException):
                await message.reply(embed=error_embed(SOMETHING_WENT_WRONG), mention_author=False)

    async def _where(self, message: discord.Message) -> Where | None:
        """How a message addresses the bot, or None if it does not."""
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return None
        if message.guild is None:
            return Where.DM
        if me in message.mentions:
            return Where.MENTION
        config = self.config.cached(message.guild.id)
        if config is None:
            config = await self.config.get(message.guild.id)
        return Where.CHANNEL if message.channel.id in config.ask_channels else None

    async def _decide_message(self, message: discord.Message) -> _Decided | None:
        """What to reply to a message (None: it does not address the bot)."""
        where = await self._where(message)
        if where is None:
            return None
        guild_id = message.guild.id if message.guild else None
        reply, limit = await self.decide(
            message.content,
            where,
            user_id=message.author.id,
            guild_id=guild_id,
            channel_id=message.channel.id,
        )
        tip = None
        replies = reply.action in (Action.ANSWER, Action.SUGGEST, Action.DECLINE)
        if replies and await self.first_time(guild_id, message.author.id):
            tip = first_time_tip(own_facts=self.own_facts(guild_id))
        return _Decided(reply, limit, guild_id, tip)

    async def _send(self, message: discord.Message, decided: _Decided) -> None:
        reply, guild_id, tip = decided.reply, decided.guild_id, decided.tip
        action = reply.action
        if action is Action.QUIET:
            return
        if action is Action.QUIZ_RUNNING:
            await message.reply(QUIZ_RUNNING, mention_author=False)
            return
        if action is Action.GREETING:
            # In a DM the reply is private already; in a channel it cleans itself up.
            text = hint(reply.hint, own_facts=self.own_facts(guild_id))
            if guild_id is None:
                await message.reply(text, mention_author=False)
            else:
                await message.reply(text, mention_author=False, delete_after=HINT_SECONDS)
            return
        if action is Action.COOLDOWN:
            await message.reply(
                cooldown_note(reply.retry_after, decided.limit, in_server=guild_id is not None),
                mention_author=False,
                delete_after=COOLDOWN_NOTE_SECONDS,
            )
            return
        if action is Action.ANSWER and reply.fact is not None:
            await message.reply(tip, embed=answer_embed(reply.fact), mention_author=False)
            return
        view = (
            SuggestionView(reply.suggestions, asker_id=message.author.id)
            if reply.suggestions
            else None
        )
        sent = await message.reply(
            tip,
            embed=unsure_embed(reply.suggestions),
            view=view or discord.utils.MISSING,
            mention_author=False,
        )
        if view is not None:
            view.message = sent


async def setup(bot: TriviaBot) -> None:
    await bot.add_cog(AskCog(bot))
