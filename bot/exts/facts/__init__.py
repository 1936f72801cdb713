"""`/fact`: moderators manage their server's facts; members suggest new ones.

Every command but `suggest` is for moderators (Manage Server or the server's moderator role),
checked by the bot on each use and on every button click, not only hidden by Discord. Changes
are saved in one transaction, then applied to the running index, so they take effect at once
and only in the server that made them.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.facts import (
    GLOBAL_SCOPE,
    AnswerKind,
    Fact,
    FactImportError,
    dump_facts,
    parse_fact_text,
)
from bot.core.moderation import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_FACTS,
    FactChange,
    FactInvalid,
    ModerationError,
    build_fact,
    check_suggestion,
    kind_after_edit,
    near_duplicate,
    search_facts,
    slugify,
    split_list,
)
from bot.db import facts as store
from bot.exts._checks import is_moderator, moderator_only, refuse_unless_moderator
from bot.exts._render import CONTENT_LIMIT, NO_MENTIONS, clip
from bot.exts.facts._embeds import (
    duplicate_embed,
    fact_embed,
    history_embed,
    list_embed,
    suggestion_embed,
)
from bot.exts.facts._views import (
    CONFIRM_TIMEOUT,
    ConfirmView,
    FactEditModal,
    FactForm,
    PagerView,
    ReviewView,
    form_fits,
)

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)

IMPORT_SUFFIXES = (".yaml", ".yml", ".json")
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME_LIMIT = 100
MAX_ID_LEN = 64


def _guild_id(interaction: discord.Interaction) -> int:
    assert interaction.guild_id is not None  # the group is guild_only
    return interaction.guild_id


def _typed_id(fact_id: str) -> str:
    """A fact id as typed, made safe to echo: ids are lowercase, short and have no backticks."""
    return fact_id.strip().lower().replace("`", "")[:MAX_ID_LEN]


def _problems_text(error: FactInvalid, what: str = "Nothing was saved") -> str:
    lines = "\n".join(f"• **{p.field}**: {p.message}" for p in error.problems)
    return clip(f"{what}:\n{lines}", CONTENT_LIMIT)


async def _say(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
) -> None:
    """Answer privately: a new message for a command, the same message for a deferred click."""
    if not interaction.response.is_done():
        await interaction.response.send_message(
            content,
            embed=embed or discord.utils.MISSING,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
    elif interaction.type is discord.InteractionType.component:
        await interaction.edit_original_response(
            content=content, embed=embed, view=None, allowed_mentions=NO_MENTIONS
        )
    else:
        await interaction.followup.send(
            content or discord.utils.MISSING,
            embed=embed or discord.utils.MISSING,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


@app_commands.guild_only()
class FactsCog(
    commands.GroupCog, name="fact", group_name="fact", group_description="This server's facts"
):
    """Add, edit, remove, restore, list, import and export a server's facts; review suggestions."""

    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        self.sessions = bot.app.sessions
        self.index = bot.app.index
        self.confirm_timeout = CONFIRM_TIMEOUT
        super().__init__()

    def _apply(self, change: FactChange) -> None:
        change.apply(self.index)

    # --- autocomplete -----------------------------------------------------------------------
    @staticmethod
    def _choices(facts: list[Fact], current: str) -> list[app_commands.Choice[str]]:
        needle = current.casefold().strip()
        found = [f for f in facts if needle in f.id or needle in f.question.casefold()]
        found.sort(key=lambda f: (not f.id.startswith(needle), f.id))
        return [
            app_commands.Choice(name=clip(f"{f.id} — {f.question}", CHOICE_NAME_LIMIT), value=f.id)
            for f in found[:AUTOCOMPLETE_CHOICES]
        ]

    async def visible_ids(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []  # ids and questions are for moderators (they would give quiz answers away)
        return self._choices(list(self.index.facts(interaction.guild_id)), current)

    async def removed_ids(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []
        async with self.sessions() as session:
            removed = await store.removed_facts(session, interaction.guild_id)
        return self._choices(removed, current)

    async def _unknown(self, interaction: discord.Interaction, fact_id: str) -> None:
        """Say why an id is not a fact here: removed (and how to undo that), or unknown."""
        fact_id = _typed_id(fact_id)
        async with self.sessions() as session:
            removed = {f.id for f in await store.removed_facts(session, _guild_id(interaction))}
        if fact_id in removed:
            text = f"`{fact_id}` was removed in this server. `/fact restore` brings it back."
        else:
            text = f"There is no fact `{fact_id}` in this server. `/fact list` shows the ids."
        await _say(interaction, clip(text, CONTENT_LIMIT))

    # --- add --------------------------------------------------------------------------------
    @app_commands.command(name="add", description="Add a fact to this server")
    @app_commands.describe(
        question="The question, 5-300 characters",
        answer="The answer the bot gives, up to 1000 characters",
        phrasings="Other ways to ask it, separated by ; (up to 20)",
        accept="Short answers accepted in quizzes, separated by ; (up to 20)",
        tags="Topics, separated by ; (up to 10), e.g. jason; medals",
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
        guild_id = _guild_id(interaction)
        try:
            draft = build_fact(
                question=question,
                answer=answer,
                phrasings=split_list(phrasings),
                accept=split_list(accept),
                tags=split_list(tags),
                kind=kind,
                scope=guild_id,
            )
        except FactInvalid as err:
            await _say(interaction, _problems_text(err))
            return
        responder = interaction
        duplicate = near_duplicate(self.index.match(draft.question, guild_id=guild_id))
        if duplicate is not None:
            view = ConfirmView(
                owner_id=interaction.user.id,
                check=refuse_unless_moderator,
                confirm_label="Save anyway",
                timeout=self.confirm_timeout,
            )
            await interaction.response.send_message(
                embed=duplicate_embed(draft, duplicate),
                view=view,
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            view.message = await interaction.original_response()
            clicked = await view.confirmed()
            if clicked is None:
                return
            responder = clicked
        try:
            async with self.sessions.begin() as session:
                taken = await store.taken_ids(session, guild_id)
                fact = dataclasses.replace(draft, id=slugify(draft.question, taken))
                change = await store.add_fact(session, fact, actor_id=interaction.user.id)
        except ModerationError as err:
            await _say(responder, str(err))
            return
        self._apply(change)
        quiz = (
            "" if fact.accept else " Add accepted answers with `/fact edit` to use it in quizzes."
        )
        await _say(
            responder,
            f"Saved as `{fact.id}`: members of this server can ask it now.{quiz}",
            embed=fact_embed(fact),
        )

    # --- edit -------------------------------------------------------------------------------
    @app_commands.command(name="edit", description="Edit a fact of this server in a form")
    @app_commands.describe(fact_id="The fact's id (see /fact list)")
    @app_commands.rename(fact_id="id")
    @app_commands.autocomplete(fact_id=visible_ids)
    @moderator_only()
    async def edit(self, interaction: discord.Interaction, fact_id: str) -> None:
        fact = self.index.get(_typed_id(fact_id), _guild_id(interaction))
        if fact is None:
            await self._unknown(interaction, fact_id)
            return
        if not form_fits(fact):
            await _say(
                interaction,
                f"`{fact.id}` has too many phrasings or answers to edit in a Discord form. Use "
                "`/fact export`, change the file, and `/fact import` it.",
            )
            return
        await interaction.response.send_modal(
            FactEditModal(fact, on_save=self._save_edit, check=refuse_unless_moderator)
        )

    async def _save_edit(
        self, interaction: discord.Interaction, original: Fact, form: FactForm
    ) -> None:
        guild_id = _guild_id(interaction)
        accept = split_list(form.accept)
        try:
            fact = build_fact(
                fact_id=original.id,
                question=form.question,
                answer=form.answer,
                phrasings=split_list(form.phrasings),
                accept=accept,
                tags=split_list(form.tags),
                kind=kind_after_edit(original, form.question, accept),
                scope=guild_id,
                quote=original.quote,
                source=original.source,
            )
        except FactInvalid as err:
            await _say(interaction, _problems_text(err))
            return
        try:
            async with self.sessions.begin() as session:
                change = await store.edit_fact(
                    session, guild_id, fact, actor_id=interaction.user.id, expected=original
                )
        except ModerationError as err:
            await _say(interaction, str(err))
            return
        if not change:
            await _say(interaction, f"Nothing changed in `{fact.id}`.")
            return
        self._apply(change)
        note = (
            " This server now uses its own copy of this bundled fact."
            if original.scope == GLOBAL_SCOPE
            else ""
        )
        await _say(interaction, f"Saved `{fact.id}`.{note}", embed=fact_embed(fact))

    # --- remove / restore -------------------------------------------------------------------
    @app_commands.command(name="remove", description="Remove a fact from this server")
    @app_commands.describe(fact_id="The fact's id (see /fact list)")
    @app_commands.rename(fact_id="id")
    @app_commands.autocomplete(fact_id=visible_ids)
    @moderator_only()
    async def remove(self, interaction: discord.Interaction, fact_id: str) -> None:
        guild_id = _guild_id(interaction)
        fact = self.index.get(_typed_id(fact_id), guild_id)
        if fact is None:
            await self._unknown(interaction, fact_id)
            return
        where = (
            "It is a bundled fact: it will be hidden in this server only."
            if fact.scope == GLOBAL_SCOPE
            else "It is this server's own fact."
        )
        view = ConfirmView(
            owner_id=interaction.user.id,
            check=refuse_unless_moderator,
            confirm_label="Remove",
            confirm_style=discord.ButtonStyle.danger,
            timeout=self.confirm_timeout,
        )
        await interaction.response.send_message(
            f"Remove `{fact.id}`? {where} `/fact restore` can undo it.",
            embed=fact_embed(fact),
            view=view,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        view.message = await interaction.original_response()
        clicked = await view.confirmed()
        if clicked is None:
            return
        try:
            async with self.sessions.begin() as session:
                change = await store.remove_fact(
                    session, guild_id, fact.id, actor_id=clicked.user.id
                )
        except ModerationError as err:
            await _say(clicked, str(err))
            return
        self._apply(change)
        await _say(
            clicked,
            f"Removed `{fact.id}` from this server. `/fact restore id:{fact.id}` brings it back.",
        )

    @app_commands.command(name="restore", description="Bring back a fact removed from this server")
    @app_commands.describe(fact_id="The removed fact's id")
    @app_commands.rename(fact_id="id")
    @app_commands.autocomplete(fact_id=removed_ids)
    @moderator_only()
    async def restore(self, interaction: discord.Interaction, fact_id: str) -> None:
        try:
            async with self.sessions.begin() as session:
                fact, change = await store.restore_fact(
                    session,
                    _guild_id(interaction),
                    _typed_id(fact_id),
                    actor_id=interaction.user.id,
                )
        except ModerationError as err:
            await _say(interaction, str(err))
            return
        self._apply(change)
        await _say(interaction, f"Restored `{fact.id}` in this server.", embed=fact_embed(fact))

    # --- show / list / history --------------------------------------------------------------
    @app_commands.command(name="show", description="Show everything about one fact")
    @app_commands.describe(fact_id="The fact's id (see /fact list)")
    @app_commands.rename(fact_id="id")
    @app_commands.autocomplete(fact_id=visible_ids)
    @moderator_only()
    async def show(self, interaction: discord.Interaction, fact_id: str) -> None:
        fact = self.index.get(_typed_id(fact_id), _guild_id(interaction))
        if fact is None:
            await self._unknown(interaction, fact_id)
            return
        await _say(interaction, embed=fact_embed(fact))

    @app_commands.command(name="list", description="List this server's facts")
    @app_commands.describe(search="Only facts containing this text", tag="Only facts with this tag")
    @moderator_only()
    async def list_(
        self, interaction: discord.Interaction, search: str | None = None, tag: str | None = None
    ) -> None:
        facts = search_facts(self.index.facts(_guild_id(interaction)), search, tag)
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
            await _say(interaction, embed=view.embed())
            return
        await interaction.response.send_message(
            embed=view.embed(), view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        view.message = await interaction.original_response()

    @app_commands.command(name="history", description="Who changed a fact in this server, and how")
    @app_commands.describe(fact_id="The fact's id")
    @app_commands.rename(fact_id="id")
    @app_commands.autocomplete(fact_id=visible_ids)
    @moderator_only()
    async def history(self, interaction: discord.Interaction, fact_id: str) -> None:
        guild_id = _guild_id(interaction)
        fact_id = _typed_id(fact_id)
        async with self.sessions() as session:
            entries = await store.history(session, guild_id, fact_id)
        if not entries:
            if self.index.get(fact_id, guild_id) is not None:
                await _say(interaction, f"`{fact_id}` has not been changed in this server.")
            else:
                await self._unknown(interaction, fact_id)
            return
        entries.reverse()  # newest first
        view = PagerView(
            entries,
            lambda page: history_embed(fact_id, page),
            owner_id=interaction.user.id,
            check=refuse_unless_moderator,
        )
        await self._send_pages(interaction, view)

    # --- import / export --------------------------------------------------------------------
    @app_commands.command(name="import", description="Add or update facts from a YAML or JSON file")
    @app_commands.describe(file="A fact file in the format of /fact export (at most 1 MB)")
    @moderator_only()
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        guild_id = _guild_id(interaction)
        if not file.filename.lower().endswith(IMPORT_SUFFIXES):
            await _say(interaction, "Nothing was imported: the file must be .yaml, .yml or .json.")
            return
        if file.size > MAX_IMPORT_BYTES:
            await _say(
                interaction,
                f"Nothing was imported: the file is {file.size / 1024 / 1024:.1f} MB; "
                f"the limit is {MAX_IMPORT_BYTES // 1024 // 1024} MB.",
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException:
            await _say(interaction, "Nothing was imported: I could not download the file.")
            return
        if len(data) > MAX_IMPORT_BYTES:  # the size Discord announced was wrong
            await _say(interaction, "Nothing was imported: the file is larger than 1 MB.")
            return
        try:
            text = data.decode("utf-8-sig")
            facts = parse_fact_text(text, name=file.filename, scope=guild_id)
        except UnicodeDecodeError:
            await _say(interaction, "Nothing was imported: the file is not UTF-8 text.")
            return
        except FactImportError as err:
            await _say(interaction, clip(f"Nothing was imported. {err}", CONTENT_LIMIT))
            return
        if len(facts) > MAX_IMPORT_FACTS:
            await _say(
                interaction,
                f"Nothing was imported: the file has {len(facts)} facts; "
                f"one import may hold {MAX_IMPORT_FACTS}.",
            )
            return
        async with self.sessions.begin() as session:
            report, change = await store.import_server_facts(
                session, facts, guild_id=guild_id, actor_id=interaction.user.id
            )
        self._apply(change)
        await _say(
            interaction,
            f"Imported {file.filename}: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged.",
        )

    @app_commands.command(name="export", description="Download this server's own facts as a file")
    @moderator_only()
    async def export(self, interaction: discord.Interaction) -> None:
        guild_id = _guild_id(interaction)
        async with self.sessions() as session:
            facts = await store.list_facts(session, scope=guild_id)
        if not facts:
            await _say(
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
            allowed_mentions=NO_MENTIONS,
        )

    # --- suggestions ------------------------------------------------------------------------
    @app_commands.command(name="suggest", description="Suggest a fact for the moderators to add")
    @app_commands.describe(
        question="The question, 5-300 characters", answer="Its answer, up to 1000 characters"
    )
    async def suggest(self, interaction: discord.Interaction, question: str, answer: str) -> None:
        try:
            question, answer = check_suggestion(question, answer)
        except FactInvalid as err:
            await _say(interaction, _problems_text(err, "Your suggestion was not sent"))
            return
        try:
            async with self.sessions.begin() as session:
                await store.add_suggestion(
                    session,
                    guild_id=_guild_id(interaction),
                    user_id=interaction.user.id,
                    question=question,
                    answer=answer,
                )
        except ModerationError as err:
            await _say(interaction, str(err))
            return
        await _say(interaction, "Thanks! Your suggestion is waiting for a moderator's review.")

    @app_commands.command(name="review", description="Approve or reject members' suggested facts")
    @moderator_only()
    async def review(self, interaction: discord.Interaction) -> None:
        guild_id = _guild_id(interaction)
        async with self.sessions() as session:
            suggestion, pending = await store.next_suggestion(session, guild_id)
        if suggestion is None:
            await _say(interaction, "No suggestions are waiting.")
            return
        responder = interaction
        note = ""
        while suggestion is not None:
            duplicate = near_duplicate(self.index.match(suggestion.question, guild_id=guild_id))
            embed = suggestion_embed(suggestion, pending=pending, duplicate=duplicate)
            view = ReviewView(owner_id=interaction.user.id, check=refuse_unless_moderator)
            if responder is interaction:
                await interaction.response.send_message(
                    embed=embed, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
                )
                view.message = await interaction.original_response()
            else:
                view.message = await responder.edit_original_response(
                    content=note or None, embed=embed, view=view, allowed_mentions=NO_MENTIONS
                )
            decided = await view.decision()
            if decided is None:
                return
            choice, responder = decided
            note = await self._decide(responder, suggestion, choice)
            async with self.sessions() as session:
                suggestion, pending = await store.next_suggestion(session, guild_id)
        await _say(responder, f"{note} No more suggestions are waiting.".strip())

    async def _decide(
        self, clicked: discord.Interaction, suggestion: store.Suggestion, choice: str
    ) -> str:
        """Approve or reject; returns what happened, for the next message."""
        guild_id = suggestion.guild_id
        try:
            if choice == "reject":
                async with self.sessions.begin() as session:
                    await store.reject_suggestion(session, suggestion, reviewer_id=clicked.user.id)
                return "Rejected."
            draft = build_fact(
                question=suggestion.question, answer=suggestion.answer, scope=guild_id
            )
            async with self.sessions.begin() as session:
                taken = await store.taken_ids(session, guild_id)
                fact = dataclasses.replace(draft, id=slugify(draft.question, taken))
                change = await store.approve_suggestion(
                    session, suggestion, fact, reviewer_id=clicked.user.id
                )
        except FactInvalid as err:
            return _problems_text(err, "Not approved")
        except ModerationError as err:
            return str(err)
        self._apply(change)
        return (
            f"Approved: saved as `{fact.id}`. Add accepted answers with `/fact edit` to use it "
            "in quizzes."
        )


async def setup(bot: TriviaBot) -> None:
    await bot.add_cog(FactsCog(bot))
