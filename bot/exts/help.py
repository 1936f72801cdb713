"""`/help`: what the bot can do, privately."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.intro import (
    OWN_FACTS,
    Intro,
    bundled_source,
    has_own_facts,
    load_intro,
    source_date,
)
from bot.exts._render import COLOUR_ANSWER

if TYPE_CHECKING:
    from bot.client import TriviaBot


def help_text(intro: Intro, *, own_facts: bool = False, date: str | None = None) -> str:
    """`/help`: what the bot knows (and, in a server with facts of its own, that it knows those
    too), how to ask, play and teach it."""
    about = ", ".join(part for part in (intro.about, date) if part)
    knows = f"I answer questions about **{intro.topic}**" + (f" ({about})" if about else "")
    knows += ", quoting the article I learned from"
    if own_facts:
        knows += f", and about {OWN_FACTS}, as its moderators wrote them"
    return (
        f"{knows}.\n\n"
        "**Ask me**\n"
        f"• `/ask question:` {intro.example}\n"
        "• mention me with a question, or send me a direct message"
        + (f" (there I know only {intro.short})" if own_facts else "")
        + "\n"
        "• in channels a moderator opted in, just ask\n"
        "If I'm not sure I offer up to three *did you mean* buttons; if I don't know, I say so.\n\n"
        "**Play**\n"
        f"• `/quiz start` — timed trivia rounds about {intro.quiz}\n"
        "• `/quiz leaderboard`, `/quiz stats`\n\n"
        "**Teach me**\n"
        "• `/suggest` — propose a fact; a moderator reviews it and I tell you what they decided\n\n"
        "**Moderators** (Manage Server or the moderator role)\n"
        "• `/config show` — every setting of this server; `/config ask-channel`, "
        "`moderator-role`, `suggestions`, `ask-limit` change them\n"
        "• `/fact add|edit|remove|restore|show|list|history|import|export|review` — this server's facts"
    )


class HelpCog(commands.Cog):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot can do and how to ask")
    async def help(self, interaction: discord.Interaction) -> None:
        index = self.bot.app.index
        text = help_text(
            load_intro(),
            own_facts=has_own_facts(index.facts(interaction.guild_id), interaction.guild_id),
            date=source_date(bundled_source(index.facts())),
        )
        embed = discord.Embed(title="Trivia bot", description=text, colour=COLOUR_ANSWER)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: TriviaBot) -> None:
    await bot.add_cog(HelpCog(bot))
