"""Who is a moderator, enforced by the bot on every use (default_permissions only hides).

The moderator role comes from the cached `GuildConfig`: no database query per check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.client import TriviaBot

T = TypeVar("T")


NOT_MODERATOR = "Only moderators (Manage Server, or the server's moderator role) can do that."


class NotModerator(app_commands.CheckFailure):
    """The member is neither a Manage Server holder nor has the server's moderator role."""


async def is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Server (or Administrator), or the moderator role set with /config moderator-role."""
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        return False
    perms = interaction.permissions
    if perms.manage_guild or perms.administrator:
        return True
    bot: TriviaBot = interaction.client  # type: ignore[assignment]
    config = await bot.guild_config.get(interaction.guild.id)
    return config.is_moderator_role({r.id for r in interaction.user.roles})


def moderator_only() -> Callable[[T], T]:
    """An app-command check that refuses non-moderators with a private message."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage("This command only works in a server.")
        if not await is_moderator(interaction):
            raise NotModerator(NOT_MODERATOR)
        return True

    return app_commands.check(predicate)


async def refuse_unless_moderator(interaction: discord.Interaction) -> bool:
    """For buttons and forms, checked again on every use: True for a moderator; anyone else is
    told privately and gets False (the role may have been taken away since the command)."""
    if await is_moderator(interaction):
        return True
    await interaction.response.send_message(NOT_MODERATOR, ephemeral=True)
    return False
