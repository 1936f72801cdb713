"""How `/fact` shows facts, lists, history and suggestions (within Discord's embed limits)."""

from __future__ import annotations

import discord

from bot.core.facts import GLOBAL_SCOPE, Fact
from bot.core.matcher import SAME_QUESTION
from bot.core.moderation import AuditEntry, FactInvalid, Page, describe_change, join_list
from bot.db.suggestions import APPROVED, Suggestion
from bot.exts._render import (
    COLOUR_ANSWER,
    COLOUR_ERROR,
    COLOUR_UNSURE,
    CONTENT_LIMIT,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_TITLE_LIMIT,
    clip,
    source_text,
)
from bot.services.facts import Duplicate


def problems_text(error: FactInvalid, what: str = "Nothing was saved") -> str:
    """Every bad field of a fact, one line each, under what happened."""
    lines = "\n".join(f"• **{p.field}**: {p.message}" for p in error.problems)
    return clip(f"{what}:\n{lines}", CONTENT_LIMIT)


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


def overlap_text(question: str, duplicate: Duplicate) -> str:
    """In words: what a member asking `question` would get today, and what the two share."""
    fact = duplicate.fact
    where = "bundled fact" if fact.scope == GLOBAL_SCOPE else "fact of this server"
    effect = (
        "would already get the answer of"
        if duplicate.answered
        else "would be offered, as a *did you mean* choice,"
    )
    shared = (
        f"Both questions ask about {', '.join(f'*{w}*' for w in duplicate.shared_words[:6])}. "
        if duplicate.shared_words
        else ""
    )
    return (
        f"A member asking “{clip(question, 300)}” {effect} the {where} `{fact.id}`:\n"
        f"**{clip(fact.question, 300)}**\n> {clip(fact.answer, 700)}\n"
        f"{shared}With both kept, the two facts would answer the same question: {SAME_QUESTION}"
    )


def duplicate_embed(
    draft: Fact,
    duplicate: Duplicate,
    *,
    footer: str = "Save anyway adds your fact beside it; Cancel saves nothing.",
) -> discord.Embed:
    """A new question is close to a fact the server already has: ask before saving."""
    embed = discord.Embed(
        title="This looks like a fact this server already has",
        description=clip(overlap_text(draft.question, duplicate), EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_UNSURE,
    )
    embed.set_footer(text=footer)
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
    suggestion: Suggestion, *, pending: int | None = None, duplicate: Duplicate | None = None
) -> discord.Embed:
    """A member's suggestion, for the moderators to review."""
    embed = discord.Embed(
        title="Suggested fact",
        description=(
            f"**{clip(suggestion.question, 400)}**\n"
            f"{clip(suggestion.answer, EMBED_DESCRIPTION_LIMIT - 500)}"
        ),
        colour=COLOUR_UNSURE,
    )
    where = f" in <#{suggestion.channel_id}>" if suggestion.channel_id else ""
    embed.add_field(name="Suggested by", value=f"<@{suggestion.user_id}>{where}")
    embed.add_field(name="When", value=discord.utils.format_dt(suggestion.created_at, "R"))
    if duplicate is not None:
        embed.add_field(
            name="Close to an existing fact",
            value=clip(overlap_text(suggestion.question, duplicate), EMBED_FIELD_LIMIT),
            inline=False,
        )
    if pending is not None:
        embed.set_footer(text=f"{pending} suggestion{'s' if pending != 1 else ''} waiting")
    return embed


def decided_embed(suggestion: Suggestion, *, reviewer_id: int) -> discord.Embed:
    """A suggestion after review: what was decided, by whom, and why (for a rejection)."""
    approved = suggestion.status == APPROVED
    embed = discord.Embed(
        title="Suggestion approved" if approved else "Suggestion rejected",
        description=(
            f"**{clip(suggestion.question, 400)}**\n"
            f"{clip(suggestion.answer, EMBED_DESCRIPTION_LIMIT - 500)}"
        ),
        colour=COLOUR_ANSWER if approved else COLOUR_ERROR,
    )
    embed.add_field(name="Suggested by", value=f"<@{suggestion.user_id}>")
    embed.add_field(name="Approved by" if approved else "Rejected by", value=f"<@{reviewer_id}>")
    if approved and suggestion.fact_slug:
        embed.add_field(name="Saved as", value=f"`{suggestion.fact_slug}`")
    if not approved and suggestion.reason:
        embed.add_field(
            name="Reason", value=clip(suggestion.reason, EMBED_FIELD_LIMIT), inline=False
        )
    return embed


def problems_embed(title: str, problems: list[str]) -> discord.Embed:
    """Why nothing was saved: one line per problem."""
    return discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=clip("\n".join(f"• {p}" for p in problems), EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_ERROR,
    )
