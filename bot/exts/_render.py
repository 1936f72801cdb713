"""Embeds and messages the bot sends, kept within Discord's limits."""

from __future__ import annotations

import discord

from bot.core.facts import Fact
from bot.core.replies import DONT_KNOW

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_LIMIT = 1024
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80

COLOUR_ANSWER = discord.Colour.gold()
COLOUR_UNSURE = discord.Colour.light_grey()
COLOUR_ERROR = discord.Colour.red()

SOMETHING_WENT_WRONG = "Something went wrong on my side. It has been logged; please try again."
NO_MENTIONS = discord.AllowedMentions.none()


def clip(text: str, limit: int) -> str:
    """Shorten text to a limit, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


SOURCE_TITLE_LIMIT = 300
"""Article titles are shown whole up to this (a field holds 1024 characters)."""


def source_credit(fact: Fact) -> str:
    """The article a fact comes from, in full, linked when the fact has a `source_url`."""
    url = fact.source_url
    if fact.source is None:
        return f"<{url}>" if url else ""
    date = f"{fact.source.date.day} {fact.source.date:%B %Y}"
    title = clip(fact.source.title, SOURCE_TITLE_LIMIT)
    if url:
        safe = title.replace("[", "(").replace("]", ")")
        return f"[{safe}]({url}), {date}"
    return f"*{title}*, {date}"


def source_text(fact: Fact) -> str | None:
    """The quoted sentence and, when known, the article (linked) and its date; fits one field."""
    credit = source_credit(fact)
    if not fact.quote:
        return f"— {credit}" if fact.source_url else None
    credit = f"\n— {credit}" if credit else ""
    # The quote gets the room the credit leaves (a fixed allowance overflowed the field).
    return f"> {clip(fact.quote, EMBED_FIELD_LIMIT - len('> ') - len(credit))}{credit}"


def answer_embed(fact: Fact) -> discord.Embed:
    """The answer to a question, for members: the answer sentence and the quoted source (no
    internal ids; moderators see those with `/fact show`)."""
    embed = discord.Embed(
        description=clip(fact.answer, EMBED_DESCRIPTION_LIMIT), colour=COLOUR_ANSWER
    )
    source = source_text(fact)
    if source:
        embed.add_field(name="Source", value=source, inline=False)
    if fact.scope:
        embed.set_footer(text="Added by this server's moderators")
    return embed


def unsure_embed(suggestions: tuple[Fact, ...]) -> discord.Embed:
    """A decline, with "did you mean" choices when there are any."""
    if not suggestions:
        return discord.Embed(
            description=f"{DONT_KNOW} Try `/help` for what I can answer.", colour=COLOUR_UNSURE
        )
    lines = [f"{i}. {clip(f.question, 200)}" for i, f in enumerate(suggestions, 1)]
    return discord.Embed(
        title="Did you mean…",
        description=f"{DONT_KNOW} Pick one of these:\n" + "\n".join(lines),
        colour=COLOUR_UNSURE,
    )


def error_embed(text: str) -> discord.Embed:
    return discord.Embed(description=clip(text, EMBED_DESCRIPTION_LIMIT), colour=COLOUR_ERROR)
