"""`/fact`: moderators manage their server's facts; `/suggest` lets members propose new ones.

The `/fact` group is for moderators (Manage Server or the server's moderator role): Discord hides
it from members without Manage Server (`default_permissions`), and the bot checks every command
and button itself. The cog parses, calls `FactService` (which validates, stores with an audit,
commits and updates the index) and renders; it holds no rules of its own.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.facts import GLOBAL_SCOPE, AnswerKind, Fact, dump_facts
from bot.core.moderation import FactInvalid, ModerationError, search_facts
from bot.exts._checks import moderator_only, refuse_unless_moderator
from bot.exts._render import CONTENT_LIMIT, clip
from bot.exts.facts._embeds import (
    duplicate_embed,
    fact_embed,
    history_embed,
    list_embed,
    problems_text,
)
from bot.exts.facts._suggestions import SuggestionsCog, post_review
from bot.exts.facts._transform import RemovedFact, ServerFact
from bot.exts.facts._views import (
    CONFIRM_TIMEOUT,
    ConfirmView,
    FactFormModal,
    PagerView,
    form_fits,
)
from bot.services.facts import FactForm, ImportRefused

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)


def guild_id_of(interaction: discord.Interaction) -> int:
    assert interaction.guild_id is not None  # the group is guild_only
    return interaction.guild_id


async def say(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
) -> None:
    """Answer privately: a new message for a command, the same message for a deferred click."""
    if not interaction.response.is_done():
        await interaction.response.send_message(
            content, embed=embed or discord.utils.MISSING, ephemeral=True
        )
    elif interaction.type is discord.InteractionType.component:
        await interaction.edit_original_response(content=content, embed=embed, view=None)
    else:
        await interaction.followup.send(
            content or discord.utils.MISSING, embed=embed or discord.utils.MISSING, ephemeral=True
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class FactsCog(
    commands.GroupCog, name="fact", group_name="fact", group_description="This server's facts"
):
    """Add, edit, remove, restore, list, import and export a server's facts; review suggestions."""

    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        self.facts = bot.facts
        self.confirm_timeout = CONFIRM_TIMEOUT
        super().__init__()

    async def _confirm(
        self,
        interaction: discord.Interaction,
        *,
        label: str,
        content: str | None = None,
        embed: discord.Embed,
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> discord.Interaction | None:
        """Ask privately; the confirming (deferred) click, or None on cancel or timeout."""
        view = ConfirmView(
            owner_id=interaction.user.id,
            check=refuse_unless_moderator,
            confirm_label=label,
            confirm_style=style,
            timeout=self.confirm_timeout,
        )
        await interaction.response.send_message(content, embed=embed, view=view, ephemeral=True)
        view.message = await interaction.original_response()
        return await view.confirmed()

    # --- add --------------------------------------------------------------------------------
    @app_commands.command(name="add", description="Add a fact to this server")
    @app_commands.describe(
        question="The question, 5-300 characters",
        answer="The answer the bot gives, up to 1000 characters",
        phrasings="Other ways to ask it, separated by ; (up to 20)",
        accept="Short answers accepted in quizzes, separated by ; (up to 20)",
        tags="Topics, separated by ; (up to 10), e.g. finals; medals",
        kind="What the answer is (guessed from the answers and the question if left out)",
    )
    @moderator_only()
    async def add(
        self,
        interaction: discord.Interaction,
        question: str,
        answer: str,
        phrasings: str | None = None,
        accept: str | None = None,
        tags: str | None = None,
        kind: AnswerKind | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        form = FactForm(question, answer, phrasings or "", accept or "", tags or "")
        try:
            draft = self.facts.draft(guild_id, form, kind=kind)
        except FactInvalid as err:
            await say(interaction, problems_text(err))
            return
        responder = interaction
        duplicate = await self.facts.duplicate_of(draft.question, guild_id)
        if duplicate is not None:
            clicked = await self._confirm(
                interaction, label="Save anyway", embed=duplicate_embed(draft, duplicate)
            )
            if clicked is None:
                return
            responder = clicked
        try:
            fact = await self.facts.add(draft, actor_id=interaction.user.id)
        except ModerationError as err:
            await say(responder, str(err))
            return
        quiz = (
            "" if fact.accept else " Add accepted answers with `/fact edit` to use it in quizzes."
        )
        await say(
            responder,
            f"Saved as `{fact.id}`: members of this server can ask it now.{quiz}",
            embed=fact_embed(fact),
        )

    # --- edit -------------------------------------------------------------------------------
    @app_commands.command(name="edit", description="Edit a fact of this server in a form")
    @app_commands.describe(fact="The fact: type words of its question or answer")
    @app_commands.rename(fact="id")
    @moderator_only()
    async def edit(self, interaction: discord.Interaction, fact: ServerFact) -> None:
        if not form_fits(fact):
            await say(
                interaction,
                f"`{fact.id}` has too many phrasings or answers to edit in a Discord form. Use "
                "`/fact export`, change the file, and `/fact import` it.",
            )
            return

        async def save(submitted: discord.Interaction, form: FactForm) -> None:
            await self._save_edit(submitted, fact, form)

        await interaction.response.send_modal(
            FactFormModal.for_fact(fact, on_save=save, check=refuse_unless_moderator)
        )

    async def _save_edit(
        self, interaction: discord.Interaction, original: Fact, form: FactForm
    ) -> None:
        guild_id = guild_id_of(interaction)
        try:
            fact = self.facts.draft_edit(guild_id, original, form)
            changed = await self.facts.edit(guild_id, original, fact, actor_id=interaction.user.id)
        except FactInvalid as err:
            await say(interaction, problems_text(err))
            return
        except ModerationError as err:
            await say(interaction, str(err))
            return
        if not changed:
            await say(interaction, f"Nothing changed in `{fact.id}`.")
            return
        note = (
            " This server now uses its own copy of this bundled fact."
            if original.scope == GLOBAL_SCOPE
            else ""
        )
        await say(interaction, f"Saved `{fact.id}`.{note}", embed=fact_embed(fact))

    # --- remove / restore -------------------------------------------------------------------
    @app_commands.command(name="remove", description="Remove a fact from this server")
    @app_commands.describe(fact="The fact: type words of its question or answer")
    @app_commands.rename(fact="id")
    @moderator_only()
    async def remove(self, interaction: discord.Interaction, fact: ServerFact) -> None:
        where = (
            "It is a bundled fact: it will be hidden in this server only."
            if fact.scope == GLOBAL_SCOPE
            else "It is this server's own fact."
        )
        clicked = await self._confirm(
            interaction,
            label="Remove",
            style=discord.ButtonStyle.danger,
            content=f"Remove `{fact.id}`? {where} `/fact restore` can undo it.",
            embed=fact_embed(fact),
        )
        if clicked is None:
            return
        try:
            await self.facts.remove(guild_id_of(interaction), fact.id, actor_id=clicked.user.id)
        except ModerationError as err:
            await say(clicked, str(err))
            return
        await say(
            clicked,
            f"Removed `{fact.id}` from this server. `/fact restore id:{fact.id}` brings it back.",
        )

    @app_commands.command(name="restore", description="Bring back a fact removed from this server")
    @app_commands.describe(fact="The removed fact: type words of its question or answer")
    @app_commands.rename(fact="id")
    @moderator_only()
    async def restore(self, interaction: discord.Interaction, fact: RemovedFact) -> None:
        try:
            restored = await self.facts.restore(
                guild_id_of(interaction), fact.id, actor_id=interaction.user.id
            )
        except ModerationError as err:
            await say(interaction, str(err))
            return
        await say(
            interaction, f"Restored `{restored.id}` in this server.", embed=fact_embed(restored)
        )

    # --- show / list / history --------------------------------------------------------------
    @app_commands.command(name="show", description="Show everything about one fact")
    @app_commands.describe(fact="The fact: type words of its question or answer")
    @app_commands.rename(fact="id")
    @moderator_only()
    async def show(self, interaction: discord.Interaction, fact: ServerFact) -> None:
        await say(interaction, embed=fact_embed(fact))

    @app_commands.command(name="list", description="List this server's facts")
    @app_commands.describe(search="Only facts containing this text", tag="Only facts with this tag")
    @moderator_only()
    async def list_(
        self, interaction: discord.Interaction, search: str | None = None, tag: str | None = None
    ) -> None:
        facts = search_facts(self.facts.facts(guild_id_of(interaction)), search, tag)
        view = PagerView(
            facts,
            lambda page: list_embed(page, search=search, tag=tag),
            owner_id=interaction.user.id,
            check=refuse_unless_moderator,
        )
        await self._send_pages(interaction, view)

    @staticmethod
    async def _send_pages(interaction: discord.Interaction, view: PagerView[Any]) -> None:
        if not view.needed:
            await say(interaction, embed=view.embed())
            return
        await interaction.response.send_message(embed=view.embed(), view=view, ephemeral=True)
        view.message = await interaction.original_response()

    @app_commands.command(name="history", description="Who changed a fact in this server, and how")
    @app_commands.describe(fact="The fact: type words of its question or answer")
    @app_commands.rename(fact="id")
    @moderator_only()
    async def history(self, interaction: discord.Interaction, fact: ServerFact) -> None:
        entries = await self.facts.history(guild_id_of(interaction), fact.id)
        if not entries:
            await say(interaction, f"`{fact.id}` has not been changed in this server.")
            return
        entries.reverse()  # newest first
        view = PagerView(
            entries,
            lambda page: history_embed(fact.id, page),
            owner_id=interaction.user.id,
            check=refuse_unless_moderator,
        )
        await self._send_pages(interaction, view)

    # --- import / export --------------------------------------------------------------------
    @app_commands.command(name="import", description="Add or update facts from a YAML or JSON file")
    @app_commands.describe(file="A fact file in the format of /fact export (at most 1 MB)")
    @moderator_only()
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        guild_id = guild_id_of(interaction)
        try:
            self.facts.check_upload(file.filename, file.size)
        except ImportRefused as err:
            await say(interaction, str(err))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException:
            await say(interaction, "Nothing was imported: I could not download the file.")
            return
        try:
            report = await self.facts.import_upload(
                file.filename, data, guild_id=guild_id, actor_id=interaction.user.id
            )
        except ModerationError as err:
            await say(interaction, clip(str(err), CONTENT_LIMIT))
            return
        await say(
            interaction,
            f"Imported {file.filename}: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged.",
        )

    @app_commands.command(name="export", description="Download this server's own facts as a file")
    @moderator_only()
    async def export(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        facts = await self.facts.own_facts(guild_id)
        if not facts:
            await say(
                interaction,
                "This server has no facts of its own yet (bundled facts are not exported).",
            )
            return
        data = dump_facts(facts, fmt="yaml").encode("utf-8")
        await interaction.response.send_message(
            f"{len(facts)} fact{'s' if len(facts) != 1 else ''} of this server. "
            "Edit the file and `/fact import` it to make changes in bulk.",
            file=discord.File(io.BytesIO(data), filename=f"facts-{guild_id}.yaml"),
            ephemeral=True,
        )

    # --- suggestions ------------------------------------------------------------------------
    @app_commands.command(name="review", description="Review the oldest waiting suggestion")
    @moderator_only()
    async def review(self, interaction: discord.Interaction) -> None:
        suggestion, pending = await self.facts.oldest_suggestion(guild_id_of(interaction))
        if suggestion is None:
            await say(interaction, "No suggestions are waiting.")
            return
        await post_review(self.bot, interaction, suggestion, pending=pending)


async def setup(bot: TriviaBot) -> None:
    await bot.add_cog(FactsCog(bot))
    await bot.add_cog(SuggestionsCog(bot))
