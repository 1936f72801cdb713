"""`/config`: per-server settings, for moderators only.

Discord shows the group to members with Manage Server (`default_permissions`); the bot checks
every use itself (Manage Server or the moderator role). Every change goes through the bot's
`GuildConfigCache`, which stores it and invalidates the cached settings: no cog keeps a copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.policy import MAX_ASK_RATE, MAX_ASK_SECONDS, MIN_ASK_RATE, MIN_ASK_SECONDS, AskLimit
from bot.exts._checks import moderator_only
from bot.exts.quiz import (
    configure_daily_quiz,
    configure_quiz_defaults,
    quiz_settings_lines,
    timezone_autocomplete,
)
from bot.services.guild_config import GuildConfig

if TYPE_CHECKING:
    from bot.client import TriviaBot

SUGGESTION_CHANNEL_PERMISSIONS = ("view_channel", "send_messages", "embed_links")
"""What the bot needs in the suggestion channel to post a suggestion with its buttons."""


def missing_permissions(permissions: discord.Permissions, needed: tuple[str, ...]) -> list[str]:
    return [name.replace("_", " ").title() for name in needed if not getattr(permissions, name)]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ConfigCog(
    commands.GroupCog, name="config", group_name="config", group_description="Server settings"
):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        self.config = bot.guild_config
        super().__init__()

    @staticmethod
    def _guild(interaction: discord.Interaction) -> discord.Guild:
        assert interaction.guild is not None  # guild_only
        return interaction.guild

    @staticmethod
    async def _say(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True)

    # --- ask channels ---------------------------------------------------------------------
    @app_commands.command(
        name="ask-channel", description="Answer every question asked in a channel (or stop)"
    )
    @app_commands.describe(channel="The channel", enabled="True to answer there, False to stop")
    @moderator_only()
    async def ask_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel, enabled: bool
    ) -> None:
        guild = self._guild(interaction)
        if enabled and not self.bot.settings.message_content:
            await self._say(
                interaction,
                "I can't read messages in channels: this bot runs without the Message Content "
                "intent. Ask its owner to enable it (MESSAGE_CONTENT=true). Nothing was changed; "
                "members can still use `/ask` or mention me.",
            )
            return
        if channel.guild.id != guild.id:
            await self._say(interaction, "That channel is not in this server.")
            return
        changed = await self.config.set_ask_channel(
            guild.id, channel.id, enabled=enabled, by=interaction.user.id
        )
        state = "now answer questions in" if enabled else "no longer answer every question in"
        note = "" if changed else " (it already was set that way)"
        await self._say(interaction, f"I will {state} {channel.mention}{note}.")

    # --- moderator role -------------------------------------------------------------------
    @app_commands.command(
        name="moderator-role", description="Let members with a role manage facts and quizzes"
    )
    @app_commands.describe(role="The role (leave empty to remove the moderator role)")
    @moderator_only()
    async def moderator_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        guild = self._guild(interaction)
        if role is not None and (role.is_default() or role.guild.id != guild.id):
            await self._say(interaction, "Pick a specific role of this server (not @everyone).")
            return
        await self.config.set_moderator_role(guild.id, role.id if role else None)
        if role is None:
            await self._say(
                interaction, "The moderator role was removed; Manage Server still applies."
            )
            return
        await self._say(
            interaction,
            f"Members with {role.mention} can now moderate facts and quizzes.\n"
            "Discord shows `/fact` and `/config` only to members with Manage Server until an "
            "admin lets the role see them: **Server Settings → Integrations →** this bot → "
            f"`/fact` (and `/config`) → **Add Roles or Members** → {role.mention}.",
        )

    # --- ask limit ------------------------------------------------------------------------
    @app_commands.command(
        name="ask-limit", description="How many questions a member may ask in a period"
    )
    @app_commands.describe(
        questions=f"Questions per period ({MIN_ASK_RATE}-{MAX_ASK_RATE}); leave both empty for "
        "the default",
        seconds=f"The period in seconds ({MIN_ASK_SECONDS}-{MAX_ASK_SECONDS})",
    )
    @moderator_only()
    async def ask_limit(
        self,
        interaction: discord.Interaction,
        questions: app_commands.Range[int, MIN_ASK_RATE, MAX_ASK_RATE] | None = None,
        seconds: app_commands.Range[int, MIN_ASK_SECONDS, MAX_ASK_SECONDS] | None = None,
    ) -> None:
        guild = self._guild(interaction)
        if questions is None and seconds is None:
            await self.config.set_ask_limit(guild.id, None)
            default = self.config.default_limit.describe()
            await self._say(interaction, f"Back to the default limit: {default} per member.")
            return
        current = (await self.config.get(guild.id)).ask_limit
        limit = AskLimit(
            questions if questions is not None else current.rate,
            float(seconds) if seconds is not None else current.per,
        )
        await self.config.set_ask_limit(guild.id, limit)
        await self._say(
            interaction,
            f"Each member may now ask {limit.describe()} in this server. Greetings, `help` "
            "and empty mentions don't count; direct messages have their own limit.",
        )

    # --- suggestions ----------------------------------------------------------------------
    @app_commands.command(
        name="suggestions", description="Where members' suggested facts are posted for review"
    )
    @app_commands.describe(channel="The channel (leave empty to stop posting suggestions)")
    @moderator_only()
    async def suggestions(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        guild = self._guild(interaction)
        if channel is None:
            await self.config.set_suggestion_channel(guild.id, None)
            await self._say(
                interaction,
                "Suggestions are no longer posted in a channel; `/fact review` shows them.",
            )
            return
        real = guild.get_channel(channel.id)
        if not isinstance(real, discord.TextChannel):
            await self._say(interaction, "That channel is not a text channel of this server.")
            return
        missing = missing_permissions(
            real.permissions_for(guild.me), SUGGESTION_CHANNEL_PERMISSIONS
        )
        if missing:
            await self._say(
                interaction,
                f"I can't post in {real.mention}: I'm missing {', '.join(missing)} there. "
                "Nothing was changed; give me those permissions in the channel's settings, or "
                "pick another channel.",
            )
            return
        await self.config.set_suggestion_channel(guild.id, real.id)
        _, waiting = await self.bot.facts.oldest_suggestion(guild.id)
        backlog = (
            f" {waiting} suggestion{'s are' if waiting != 1 else ' is'} already waiting: "
            "`/fact review` shows them."
            if waiting
            else ""
        )
        await self._say(
            interaction,
            f"New suggestions will be posted in {real.mention} with Approve, Edit & approve "
            f"and Reject buttons.{backlog}",
        )

    # --- show -----------------------------------------------------------------------------
    def settings_lines(self, guild: discord.Guild, config: GuildConfig) -> list[str]:
        """One line per server setting, for `/config show`."""
        role = f"<@&{config.moderator_role_id}>" if config.moderator_role_id else "none"
        channels = " ".join(f"<#{c}>" for c in sorted(config.ask_channels)) or "none"
        suggestions = (
            f"<#{config.suggestion_channel_id}>"
            if config.suggestion_channel_id
            else "not posted (`/fact review`)"
        )
        default = " (default)" if config.ask_limit_is_default else ""
        lines = [
            f"**Moderator role** (`/config moderator-role`): {role}; Manage Server always counts",
            f"**Ask channels** (`/config ask-channel`): {channels}",
            f"**Suggestions** (`/config suggestions`): {suggestions}",
            f"**Ask limit** (`/config ask-limit`): {config.ask_limit.describe()} per member"
            f"{default}",
        ]
        return lines

    @app_commands.command(name="show", description="Every setting of this server")
    @moderator_only()
    async def show(self, interaction: discord.Interaction) -> None:
        guild = self._guild(interaction)
        config = await self.config.get(guild.id)
        lines = self.settings_lines(guild, config)
        async with self.bot.app.sessions() as session:
            lines += await quiz_settings_lines(session, guild.id)
        await self._say(
            interaction,
            f"Settings of {discord.utils.escape_markdown(guild.name)}:\n" + "\n".join(lines),
        )

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
