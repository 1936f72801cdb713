"""How `/fact` shows facts, lists, history and suggestions (within Discord's embed limits)."""

from __future__ import annotations

import discord

from bot.core.facts import GLOBAL_SCOPE, Fact
from bot.core.matcher import Candidate
from bot.core.moderation import AuditEntry, Page, describe_change, join_list
from bot.db.facts import Suggestion
from bot.exts._render import (
    COLOUR_ANSWER,
    COLOUR_ERROR,
    COLOUR_UNSURE,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_TITLE_LIMIT,
    clip,
    source_text,
)

LIST_FIELD_LIMIT = 700
"""Phrasings and accepted answers are clipped to this, so a whole fact stays under 6000."""
LINE_LIMIT = 110


def origin(fact: Fact) -> str:
    return "bundled" if fact.scope == GLOBAL_SCOPE else "this server"


def fact_embed(fact: Fact, *, title: str | None = None) -> discord.Embed:
    """Everything about one fact, for moderators."""
    embed = discord.Embed(
        title=clip(title or fact.question, EMBED_TITLE_LIMIT),
        description=clip(fact.answer, EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_ANSWER,
    )
    if title:
        embed.add_field(name="Question", value=clip(fact.question, EMBED_FIELD_LIMIT), inline=False)
    embed.add_field(name="Id", value=f"`{fact.id}`")
    embed.add_field(name="From", value=origin(fact))
    embed.add_field(name="Kind", value=fact.kind)
    if fact.phrasings:
        lines = "\n".join(f"• {p}" for p in fact.phrasings)
        embed.add_field(name="Other phrasings", value=clip(lines, LIST_FIELD_LIMIT), inline=False)
    embed.add_field(
        name="Accepted quiz answers",
        value=clip(join_list(fact.accept), LIST_FIELD_LIMIT)
        if fact.accept
        else "none (not in quizzes)",
        inline=False,
    )
    if fact.tags:
        embed.add_field(name="Tags", value=clip(", ".join(fact.tags), EMBED_FIELD_LIMIT))
    source = source_text(fact)
    if source:
        embed.add_field(name="Source", value=source, inline=False)
    return embed


def duplicate_embed(draft: Fact, existing: Candidate) -> discord.Embed:
    """A new question is close to a fact the server already has."""
    fact = existing.fact
    embed = discord.Embed(
        title="This looks like a fact this server already has",
        description=(
            f"**Your question:** {clip(draft.question, 400)}\n\n"
            f"**Existing fact `{fact.id}`** ({origin(fact)}):\n"
            f"{clip(fact.question, 400)}\n> {clip(fact.answer, 1000)}"
            + (f"\n\n{clip(existing.why, 500)}" if existing.why else "")
        ),
        colour=COLOUR_UNSURE,
    )
    embed.set_footer(text="Save anyway adds your fact beside it; Cancel saves nothing.")
    return embed


def list_embed(page: Page[Fact], *, search: str | None, tag: str | None) -> discord.Embed:
    """One page of `/fact list`."""
    wanted = [f"containing “{clip(search, 50)}”" if search else "", f"tagged {tag}" if tag else ""]
    what = " ".join(w for w in wanted if w)
    title = f"Facts in this server {what}".strip() + f" ({page.total})"
    if not page.items:
        return discord.Embed(title=title, description="No facts match.", colour=COLOUR_UNSURE)
    lines = [
        clip(
            f"`{fact.id}`{' · server' if fact.scope != GLOBAL_SCOPE else ''} — {fact.question}",
            LINE_LIMIT,
        )
        for fact in page.items
    ]
    embed = discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT), description="\n".join(lines), colour=COLOUR_ANSWER
    )
    embed.set_footer(text=f"Page {page.number + 1}/{page.count} · /fact show id for details")
    return embed


def actor(user_id: int | None) -> str:
    return f"<@{user_id}>" if user_id else "the fact files"


def history_embed(fact_id: str, page: Page[AuditEntry]) -> discord.Embed:
    """One page of a fact's changes in this server, newest first."""
    lines = [
        clip(
            f"{discord.utils.format_dt(e.at, 'f')} · {actor(e.actor_id)} · {describe_change(e)}",
            400,
        )
        for e in page.items
    ]
    embed = discord.Embed(
        title=clip(
            f"History of {fact_id} in this server ({page.total} changes)", EMBED_TITLE_LIMIT
        ),
        description=clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_ANSWER,
    )
    embed.set_footer(text=f"Page {page.number + 1}/{page.count}")
    return embed


def suggestion_embed(
    suggestion: Suggestion, *, pending: int, duplicate: Candidate | None
) -> discord.Embed:
    """A member's suggestion, for review."""
    embed = discord.Embed(
        title=clip(suggestion.question, EMBED_TITLE_LIMIT),
        description=clip(suggestion.answer, EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_UNSURE,
    )
    embed.add_field(name="Suggested by", value=f"<@{suggestion.user_id}>")
    embed.add_field(name="When", value=discord.utils.format_dt(suggestion.created_at, "R"))
    if duplicate is not None:
        embed.add_field(
            name="Close to an existing fact",
            value=clip(f"`{duplicate.fact.id}` — {duplicate.fact.question}", EMBED_FIELD_LIMIT),
            inline=False,
        )
    embed.set_footer(text=f"{pending} suggestion{'s' if pending != 1 else ''} waiting")
    return embed


def problems_embed(title: str, problems: list[str]) -> discord.Embed:
    """Why nothing was saved: one line per problem."""
    return discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=clip("\n".join(f"• {p}" for p in problems), EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_ERROR,
    )
