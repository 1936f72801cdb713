"""`/help`: what the bot can do, privately."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts._render import COLOUR_ANSWER

if TYPE_CHECKING:
    from bot.client import TriviaBot

HELP_TEXT = (
    "I answer questions about **Jason and Laura Kenny at the Tokyo 2020 Olympics** "
    "(track cycling, 8 August 2021), quoting the article I learned from.\n\n"
    "**Ask me**\n"
    "• `/ask question:` how many golds has Jason Kenny won?\n"
    "• mention me with a question, or send me a direct message\n"
    "• in channels a moderator opted in, just ask\n"
    "If I'm not sure I offer up to three *did you mean* buttons; if I don't know, I say so.\n\n"
    "**Play**\n"
    "• `/quiz start` — timed trivia rounds about the Kennys' medals\n"
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
        embed = discord.Embed(title="Kenny trivia bot", description=HELP_TEXT, colour=COLOUR_ANSWER)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: TriviaBot) -> None:
    await bot.add_cog(HelpCog(bot))
