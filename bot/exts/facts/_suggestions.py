"""`/suggest` and the review of suggestions.

A member's suggestion is posted in the server's suggestion channel (`/config suggestions`) with
Approve / Edit & approve / Reject buttons. The buttons are persistent (`DynamicItem`s: their
custom id carries the suggestion id), so they keep working after a restart; every click is
checked again on the bot's side. The member who suggested is told the outcome: privately, as a
follow-up to their `/suggest`, while Discord still accepts one (15 minutes), otherwise in a short
message in the channel where they asked. The bot never sends a direct message nobody opened.
"""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.moderation import FactInvalid, ModerationError
from bot.db.suggestions import Suggestion
from bot.exts._checks import NOT_MODERATOR, is_moderator, refuse_unless_moderator
from bot.exts._render import CONTENT_LIMIT, SOMETHING_WENT_WRONG, clip
from bot.exts.errors import send_private
from bot.exts.facts._embeds import (
    decided_embed,
    duplicate_embed,
    problems_text,
    suggestion_embed,
)
from bot.exts.facts._views import CONFIRM_TIMEOUT, ConfirmView, FactFormModal, ReasonModal
from bot.services.facts import FactForm

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)

FOLLOWUP_LIFETIME = 14 * 60.0
"""Seconds a `/suggest` interaction can still carry a private follow-up (Discord: 15 min)."""
NOT_WAITING = "That suggestion was already reviewed: {outcome}."
_LABELS = {"approve": "Approve", "edit": "Edit & approve", "reject": "Reject"}
_STYLES = {
    "approve": discord.ButtonStyle.success,
    "edit": discord.ButtonStyle.primary,
    "reject": discord.ButtonStyle.danger,
}


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"suggestion:(?P<action>approve|edit|reject):(?P<id>[0-9]+)",
):
    """One of a suggestion's three buttons; works on any message, across restarts."""

    def __init__(self, action: str, suggestion_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=_LABELS[action],
                style=_STYLES[action],
                custom_id=f"suggestion:{action}:{suggestion_id}",
            )
        )
        self.action = action
        self.suggestion_id = suggestion_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Button[discord.ui.View],
        match: re.Match[str],
        /,
    ) -> ReviewButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: TriviaBot = interaction.client  # type: ignore[assignment]
        cog = bot.get_cog(SuggestionsCog.__cog_name__)
        try:
            if not isinstance(cog, SuggestionsCog):
                raise RuntimeError("the suggestions cog is not loaded")
            await cog.on_review(interaction, self.action, self.suggestion_id)
        except Exception:
            log.exception("error reviewing suggestion %s", self.suggestion_id)
            await send_private(interaction, SOMETHING_WENT_WRONG)


def review_view(suggestion_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ("approve", "edit", "reject"):
        view.add_item(ReviewButton(action, suggestion_id))
    return view


async def post_review(
    bot: TriviaBot, interaction: discord.Interaction, suggestion: Suggestion, *, pending: int
) -> None:
    """Show one suggestion privately with its review buttons (for `/fact review`)."""
    duplicate = await bot.facts.duplicate_of(suggestion.question, suggestion.guild_id)
    await interaction.response.send_message(
        embed=suggestion_embed(suggestion, pending=pending, duplicate=duplicate),
        view=review_view(suggestion.id),
        ephemeral=True,
    )


def _outcome(suggestion: Suggestion) -> str:
    if suggestion.status == "approved":
        return f"approved by <@{suggestion.reviewed_by}> as `{suggestion.fact_slug}`"
    return f"rejected by <@{suggestion.reviewed_by}>"


class SuggestionsCog(commands.Cog):
    """`/suggest` for members; posting, reviewing and telling the member the outcome."""

    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        self.facts = bot.facts
        self.confirm_timeout = CONFIRM_TIMEOUT
        self.followup_lifetime = FOLLOWUP_LIFETIME
        self._asked: dict[int, tuple[float, discord.Interaction]] = {}
        """Suggestion id -> (when, the member's /suggest), to answer them privately later."""

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ReviewButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ReviewButton)

    # --- /suggest -------------------------------------------------------------------------
    @app_commands.command(name="suggest", description="Suggest a fact for the moderators to add")
    @app_commands.describe(
        question="The question, 5-300 characters", answer="Its answer, up to 1000 characters"
    )
    @app_commands.guild_only()
    async def suggest(self, interaction: discord.Interaction, question: str, answer: str) -> None:
        assert interaction.guild is not None
        try:
            suggestion = await self.facts.suggest(
                interaction.guild.id,
                interaction.user.id,
                question,
                answer,
                channel_id=interaction.channel_id,
            )
        except FactInvalid as err:
            await interaction.response.send_message(
                problems_text(err, "Your suggestion was not sent"), ephemeral=True
            )
            return
        except ModerationError as err:
            await interaction.response.send_message(str(err), ephemeral=True)
            return
        self._forget_old()
        self._asked[suggestion.id] = (time.monotonic(), interaction)
        await interaction.response.send_message(
            "Thanks! Your suggestion is waiting for a moderator's review; I'll tell you here "
            "what they decide.",
            ephemeral=True,
        )
        await self._post(interaction.guild, suggestion)

    async def _post(self, guild: discord.Guild, suggestion: Suggestion) -> None:
        """Post a new suggestion in the server's suggestion channel, if it has one."""
        config = await self.bot.guild_config.get(guild.id)
        if config.suggestion_channel_id is None:
            return
        channel = guild.get_channel(config.suggestion_channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("suggestion channel %s of %s is gone", config.suggestion_channel_id, guild)
            return
        duplicate = await self.facts.duplicate_of(suggestion.question, guild.id)
        try:
            message = await channel.send(
                embed=suggestion_embed(suggestion, duplicate=duplicate),
                view=review_view(suggestion.id),
            )
        except discord.HTTPException:  # the channel's permissions changed since /config
            log.warning("could not post suggestion %s in %s", suggestion.id, channel.id)
            return
        await self.facts.posted_for_review(suggestion.id, channel.id, message.id)

    # --- the three buttons -----------------------------------------------------------------
    async def on_review(self, interaction: discord.Interaction, action: str, sid: int) -> None:
        if not await is_moderator(interaction):
            await interaction.response.send_message(NOT_MODERATOR, ephemeral=True)
            return
        try:
            suggestion = await self.facts.suggestion(sid)
        except ModerationError as err:
            await interaction.response.send_message(str(err), ephemeral=True)
            return
        if suggestion.guild_id != interaction.guild_id:
            await interaction.response.send_message(
                "That suggestion is not from here.", ephemeral=True
            )
            return
        if not suggestion.pending:
            await interaction.response.edit_message(
                embed=decided_embed(suggestion, reviewer_id=suggestion.reviewed_by or 0), view=None
            )
            await interaction.followup.send(
                NOT_WAITING.format(outcome=_outcome(suggestion)), ephemeral=True
            )
            return
        if action == "approve":
            await self._approve(interaction, suggestion, self.facts.suggestion_form(suggestion))
        elif action == "edit":
            await interaction.response.send_modal(self._edit_form(suggestion))
        else:
            await interaction.response.send_modal(
                ReasonModal(
                    custom_id=f"suggestion:reason:{suggestion.id}",
                    on_save=lambda ix, reason: self._reject(ix, suggestion, reason),
                    check=self._check,
                )
            )

    @staticmethod
    async def _check(interaction: discord.Interaction) -> bool:
        return await refuse_unless_moderator(interaction)

    def _edit_form(self, suggestion: Suggestion) -> FactFormModal:
        async def save(interaction: discord.Interaction, form: FactForm) -> None:
            await self._approve(interaction, suggestion, form)

        return FactFormModal(
            self.facts.suggestion_form(suggestion),
            title="Edit & approve the suggestion",
            custom_id=f"suggestion:form:{suggestion.id}",
            on_save=save,
            check=self._check,
        )

    async def _approve(
        self, interaction: discord.Interaction, suggestion: Suggestion, form: FactForm
    ) -> None:
        """Approve as the form says; a near duplicate is confirmed first."""
        try:
            draft = self.facts.draft(suggestion.guild_id, form)
        except FactInvalid as err:
            await interaction.response.send_message(
                problems_text(err, "Not approved (use Edit & approve to fix it)"), ephemeral=True
            )
            return
        post = interaction.message
        duplicate = await self.facts.duplicate_of(draft.question, suggestion.guild_id)
        if duplicate is not None:
            view = ConfirmView(
                owner_id=interaction.user.id,
                check=self._check,
                confirm_label="Approve anyway",
                timeout=self.confirm_timeout,
            )
            await interaction.response.send_message(
                embed=duplicate_embed(
                    draft,
                    duplicate,
                    footer="Approve anyway adds it beside the existing fact; Cancel leaves the "
                    "suggestion waiting.",
                ),
                view=view,
                ephemeral=True,
            )
            view.message = await interaction.original_response()
            clicked = await view.confirmed()
            if clicked is None:
                return
            interaction = clicked
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            fact = await self.facts.approve(suggestion, draft, reviewer_id=interaction.user.id)
        except ModerationError as err:
            await self._private(interaction, str(err))
            return
        quiz = "" if fact.accept else " It has no accepted answers, so quizzes leave it out."
        await self._private(interaction, f"Approved: saved as `{fact.id}`.{quiz}")
        await self._decided(suggestion.id, post, interaction.user.id)

    async def _reject(
        self, interaction: discord.Interaction, suggestion: Suggestion, reason: str
    ) -> None:
        try:
            await self.facts.reject(suggestion, reviewer_id=interaction.user.id, reason=reason)
        except ModerationError as err:
            await interaction.response.send_message(str(err), ephemeral=True)
            return
        await interaction.response.send_message(
            "Rejected; the member who suggested it is told why.", ephemeral=True
        )
        await self._decided(suggestion.id, interaction.message, interaction.user.id)

    @staticmethod
    async def _private(interaction: discord.Interaction, text: str) -> None:
        if interaction.type is discord.InteractionType.component:  # a confirming click
            await interaction.edit_original_response(content=text, embed=None, view=None)
        else:
            await interaction.followup.send(text, ephemeral=True)

    async def _decided(
        self, suggestion_id: int, post: discord.Message | None, reviewer_id: int
    ) -> None:
        """Show the outcome on the review message and tell the member who suggested it."""
        suggestion = await self.facts.suggestion(suggestion_id)
        embed = decided_embed(suggestion, reviewer_id=reviewer_id)
        target: Any = post
        if target is None or target.flags.ephemeral:
            target = None
            if suggestion.review_channel_id and suggestion.review_message_id:
                target = self.bot.get_partial_messageable(
                    suggestion.review_channel_id
                ).get_partial_message(suggestion.review_message_id)
        if target is not None:
            try:
                await target.edit(content=None, embed=embed, view=None)
            except discord.HTTPException:
                log.debug("could not update the review of suggestion %s", suggestion.id)
        await self.tell_member(suggestion)

    # --- telling the member ----------------------------------------------------------------
    def _forget_old(self) -> None:
        now = time.monotonic()
        for sid, (at, _) in list(self._asked.items()):
            if now - at > self.followup_lifetime:
                del self._asked[sid]

    async def tell_member(self, suggestion: Suggestion) -> None:
        """Privately while their /suggest is fresh, else briefly where they asked; never a DM."""
        question = clip(suggestion.question, 200)
        if suggestion.status == "approved":
            text = f"Your suggested fact “{question}” was approved: members can ask it now."
        else:
            reason = clip(suggestion.reason or "", 600)
            text = f"Your suggested fact “{question}” was not added. The moderators said: {reason}"
        asked = self._asked.pop(suggestion.id, None)
        if asked is not None and time.monotonic() - asked[0] <= self.followup_lifetime:
            try:
                await asked[1].followup.send(text, ephemeral=True)
                return
            except discord.HTTPException:
                log.debug("could not follow up on suggestion %s", suggestion.id, exc_info=True)
        if suggestion.channel_id is None:
            return
        channel = self.bot.get_partial_messageable(suggestion.channel_id)
        try:
            await channel.send(clip(f"<@{suggestion.user_id}> {text}", CONTENT_LIMIT))
        except discord.HTTPException:
            log.info("could not tell the member about suggestion %s", suggestion.id)
