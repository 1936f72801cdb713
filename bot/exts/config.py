"""`/config`: per-server settings, for moderators only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.db import guilds as guild_store
from bot.exts._checks import moderator_only
from bot.exts._render import NO_MENTIONS
from bot.exts.quiz import (
    configure_daily_quiz,
    configure_quiz_defaults,
    timezone_autocomplete,
)

if TYPE_CHECKING:
    from bot.client import TriviaBot
    from bot.exts.ask import AskCog


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ConfigCog(
    commands.GroupCog, name="config", group_name="config", group_description="Server settings"
):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(
        name="ask-channel", description="Answer every question asked in a channel (or stop)"
    )
    @app_commands.describe(channel="The channel", enabled="True to answer there, False to stop")
    @moderator_only()
    async def ask_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel, enabled: bool
    ) -> None:
        assert interaction.guild is not None  # guild_only
        if enabled and not self.bot.settings.message_content:
            await interaction.response.send_message(
                "I can't read messages in channels: this bot runs without the Message Content "
                "intent. Ask its owner to enable it (MESSAGE_CONTENT=true). Nothing was changed; "
                "members can still use `/ask` or mention me.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        if channel.guild.id != interaction.guild.id:
            await interaction.response.send_message(
                "That channel is not in this server.", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        async with self.bot.app.sessions.begin() as session:
            changed = await guild_store.set_ask_channel(
                session,
                guild_id=interaction.guild.id,
                channel_id=channel.id,
                enabled=enabled,
                by=interaction.user.id,
            )
        ask: AskCog | None = self.bot.get_cog("AskCog")  # type: ignore[assignment]
        if ask is not None:
            channels = ask.ask_channels.setdefault(interaction.guild.id, set())
            (channels.add if enabled else channels.discard)(channel.id)
        state = "now answer questions in" if enabled else "no longer answer every question in"
        note = "" if changed else " (it already was set that way)"
        await interaction.response.send_message(
            f"I will {state} {channel.mention}{note}.", ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(
        name="moderator-role", description="Let members with a role manage facts and quizzes"
    )
    @app_commands.describe(role="The role (leave empty to remove the moderator role)")
    @moderator_only()
    async def moderator_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        assert interaction.guild is not None
        if role is not None and (role.is_default() or role.guild.id != interaction.guild.id):
            await interaction.response.send_message(
                "Pick a specific role of this server (not @everyone).",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        async with self.bot.app.sessions.begin() as session:
            await guild_store.set_moderator_role(
                session, interaction.guild.id, role.id if role else None
            )
        text = (
            f"Members with {role.mention} can now moderate facts and quizzes."
            if role
            else "The moderator role was removed; Manage Server still applies."
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    # --- quiz settings (the quiz extension validates, saves and replies) -------------------

    @app_commands.command(name="daily-quiz", description="Post one quiz question a day")
    @app_commands.describe(
        channel="Where to post it",
        time="When, HH:MM 24-hour (e.g. 09:00)",
        timezone="Time zone of that time, e.g. Europe/London (default UTC)",
        minutes="How long answers stay open (default 60)",
        stop="True to stop the daily question",
    )
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    @moderator_only()
    async def daily_quiz(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        time: app_commands.Range[str, 1, 8] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        minutes: int | None = None,
        stop: bool = False,
    ) -> None:
        await configure_daily_quiz(
            self.bot,
            interaction,
            channel=channel,
            time=time,
            timezone=timezone,
            minutes=minutes,
            stop=stop,
        )

    @app_commands.command(name="quiz", description="This server's defaults for /quiz start")
    @app_commands.describe(
        rounds="Questions per quiz",
        seconds="Seconds per question",
        mode="Buttons or typed answers",
        reset="True to go back to the bot's defaults",
    )
    @moderator_only()
    async def quiz_defaults(
        self,
        interaction: discord.Interaction,
        rounds: int | None = None,
        seconds: int | None = None,
        mode: Literal["buttons", "typed"] | None = None,
        reset: bool = False,
    ) -> None:
        await configure_quiz_defaults(
            self.bot, interaction, rounds=rounds, seconds=seconds, mode=mode, reset=reset
        )


async def setup(bot: TriviaBot) -> None:
    await bot.add_cog(ConfigCog(bot))
