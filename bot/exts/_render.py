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


def source_text(fact: Fact) -> str | None:
    """The quoted sentence and, when known, the article and its date; fits one embed field."""
    if not fact.quote:
        return None
    credit = ""
    if fact.source is not None:
        date = f"{fact.source.date.day} {fact.source.date:%B %Y}"
        credit = f"\n— *{clip(fact.source.title, 60)}*, {date}"
    # The quote gets the room the credit leaves (a fixed allowance overflowed the field).
    return f"> {clip(fact.quote, EMBED_FIELD_LIMIT - len('> ') - len(credit))}{credit}"


def answer_embed(fact: Fact) -> discord.Embed:
    """The answer to a question: the answer sentence, the quoted source, the fact id."""
    embed = discord.Embed(
        description=clip(fact.answer, EMBED_DESCRIPTION_LIMIT), colour=COLOUR_ANSWER
    )
    source = source_text(fact)
    if source:
        embed.add_field(name="Source", value=source, inline=False)
    scope = "server fact" if fact.scope else "fact"
    embed.set_footer(text=clip(f"{scope} {fact.id}", EMBED_FOOTER_LIMIT))
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
