"""Answering questions: `/ask`, mentions, direct messages and opted-in channels."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.facts import Fact
from bot.core.matcher import MatchResult, Outcome
from bot.db import guilds as guild_store
from bot.exts._render import (
    BUTTON_LABEL_LIMIT,
    NO_MENTIONS,
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
SUGGESTION_TIMEOUT = 120.0
"""Seconds the "did you mean" buttons stay clickable."""
MAX_QUESTION_LENGTH = 300
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>")
"""Member, role and channel mentions: markup around a question, never part of it."""
_QUESTION_START = re.compile(
    r"^(who|whom|whose|what|which|when|where|why|how|is|are|was|were|did|does|do|has|have|had|"
    r"can|could|will|would|tell me)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    """Whether a message in an opted-in channel is worth answering (not chatter)."""
    text = text.strip()
    if not 5 <= len(text) <= MAX_QUESTION_LENGTH:
        return False
    return text.endswith("?") or bool(_QUESTION_START.match(text))


class MemberCooldown:
    """At most `rate` questions per `per` seconds for each member, everywhere."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate = rate
        self.per = per
        self._buckets: dict[int, app_commands.Cooldown] = {}

    def retry_after(self, user_id: int) -> float | None:
        """Count one question; returns seconds to wait if over the limit, else None."""
        now = time.monotonic()
        if len(self._buckets) > 10_000:  # forget members whose limit has fully recovered
            self._buckets = {
                k: b for k, b in self._buckets.items() if b.get_tokens(now) < self.rate
            }
        bucket = self._buckets.setdefault(user_id, app_commands.Cooldown(self.rate, self.per))
        return bucket.update_rate_limit(now)


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
            content=None, embed=answer_embed(self.fact), view=None, allowed_mentions=NO_MENTIONS
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
                allowed_mentions=NO_MENTIONS,
            )
            return False
        return True

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self, allowed_mentions=NO_MENTIONS)
            except (discord.HTTPException, RuntimeError):  # RuntimeError: shutting down
                log.debug("could not disable suggestion buttons", exc_info=True)


class AskCog(commands.Cog):
    """Answers questions wherever members ask them."""

    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        self.index = bot.app.index
        self.cooldown = MemberCooldown(
            bot.settings.ask_cooldown_rate, bot.settings.ask_cooldown_seconds
        )
        self.ask_channels: dict[int, set[int]] = {}

    async def cog_load(self) -> None:
        async with self.bot.app.sessions() as session:
            self.ask_channels = await guild_store.ask_channels(session)

    def match(self, question: str, guild_id: int | None) -> MatchResult:
        return self.index.match(_MENTION.sub(" ", question).strip(), guild_id=guild_id)

    def _cooldown_note(self, retry_after: float) -> str:
        return (
            f"You're asking quickly — try again in {retry_after:.0f} s "
            f"(limit: {self.cooldown.rate} questions per {self.cooldown.per:.0f} s)."
        )

    @app_commands.command(name="ask", description="Ask a question about the Kennys at Tokyo 2020")
    @app_commands.describe(question="Your question, e.g. how many golds has Jason Kenny won?")
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_LENGTH],
    ) -> None:
        retry = self.cooldown.retry_after(interaction.user.id)
        if retry is not None:
            await interaction.response.send_message(
                self._cooldown_note(retry), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        if interaction.channel_id in self.bot.quizzes:
            await interaction.response.send_message(
                QUIZ_RUNNING, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        result = self.match(question, interaction.guild_id)
        if result.outcome is Outcome.ANSWER and result.fact is not None:
            await interaction.response.send_message(
                content=f"**Q:** {clip(discord.utils.escape_markdown(question), 300)}",
                embed=answer_embed(result.fact),
                allowed_mentions=NO_MENTIONS,
            )
            return
        suggestions = result.suggestions
        view = SuggestionView(suggestions, asker_id=interaction.user.id) if suggestions else None
        await interaction.response.send_message(
            embed=unsure_embed(suggestions),
            view=view or discord.utils.MISSING,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        if view is not None:
            view.message = await interaction.original_response()

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        try:
            await self._answer_message(message)
        except Exception:
            log.exception("error answering message %s", message.id)
            me = self.bot.user
            if message.guild is not None and (me is None or me not in message.mentions):
                return  # opted-in channels stay silent, even about errors
            with contextlib.suppress(discord.HTTPException):
                await message.reply(
                    embed=error_embed(SOMETHING_WENT_WRONG),
                    mention_author=False,
                    allowed_mentions=NO_MENTIONS,
                )

    async def _answer_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return
        me = self.bot.user
        if me is None:
            return
        is_dm = message.guild is None
        mentioned = me in message.mentions
        in_ask_channel = message.guild is not None and message.channel.id in self.ask_channels.get(
            message.guild.id, ()
        )
        if not (is_dm or mentioned or in_ask_channel):
            return
        if message.channel.id in self.bot.quizzes:
            if mentioned:
                await message.reply(
                    QUIZ_RUNNING, mention_author=False, allowed_mentions=NO_MENTIONS
                )
            return  # an answer here could give a quiz question away
        text = _MENTION.sub(" ", message.content).strip()
        explicit = is_dm or mentioned
        if not explicit and not looks_like_question(text):
            return
        guild_id = message.guild.id if message.guild else None
        result = self.match(text, guild_id) if text else MatchResult(text, Outcome.DECLINE)
        if not explicit and result.outcome is not Outcome.ANSWER:
            return  # opted-in channels: only confident answers, silence otherwise
        retry = self.cooldown.retry_after(message.author.id)
        if retry is not None:
            if explicit:
                await message.reply(
                    self._cooldown_note(retry),
                    mention_author=False,
                    allowed_mentions=NO_MENTIONS,
                    delete_after=10,
                )
            return
        if result.outcome is Outcome.ANSWER and result.fact is not None:
            await message.reply(
                embed=answer_embed(result.fact), mention_author=False, allowed_mentions=NO_MENTIONS
            )
            return
        if not text:
            await message.reply(
                embed=error_embed(
                    "Ask me a question about Jason and Laura "
                    "Kenny at Tokyo 2020, e.g. *how many golds "
                    "has Jason Kenny won?*"
                ),
                mention_author=False,
                allowed_mentions=NO_MENTIONS,
            )
            return
        suggestions = result.suggestions
        view = SuggestionView(suggestions, asker_id=message.author.id) if suggestions else None
        if view is None:
            await message.reply(
                embed=unsure_embed(suggestions), mention_author=False, allowed_mentions=NO_MENTIONS
            )
            return
        view.message = await message.reply(
            embed=unsure_embed(suggestions),
            view=view,
            mention_author=False,
            allowed_mentions=NO_MENTIONS,
        )


async def setup(bot: TriviaBot) -> None:
    await bot.add_cog(AskCog(bot))
