"""One place where command errors become a private, readable message (and a log line)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.exts._render import NO_MENTIONS, SOMETHING_WENT_WRONG

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)


def user_message(error: app_commands.AppCommandError) -> str | None:
    """What to tell the member; None means an unexpected error (logged with a traceback)."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little — try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions):
        return "You need the Manage Server permission for that."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I'm missing permissions here: {missing}."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use that command here."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand {error.value!r}."
    return None


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """Reply privately, whether or not the interaction was answered already."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        log.warning("could not send an error message", exc_info=True)


async def on_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    text = user_message(error)
    if text is None:
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error("error in /%s", command, exc_info=error)
        text = SOMETHING_WENT_WRONG
    await send_private(interaction, text)


async def setup(bot: TriviaBot) -> None:
    bot.tree.on_error = on_app_command_error  # type: ignore[method-assign]
