"""The quiz's server settings, for `/config daily-quiz`, `/config quiz` and `/config show`.

The `/config` group calls these; they validate, save and reply (privately), so the config
cog holds no quiz rules.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import quiz as core
from bot.db import quiz as store

from ._buttons import COG_NAME
from ._daily import missing_permissions

if TYPE_CHECKING:
    from bot.client import TriviaBot

DEFAULT_ROUNDS = 5
DEFAULT_SECONDS = 20
DEFAULT_MODE: core.QuizMode = "buttons"
TIMEZONE_CHOICES = 25


async def _private(interaction: discord.Interaction, text: str) -> None:
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


async def timezone_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Time zone names containing what was typed ("london" -> Europe/London)."""
    wanted = current.strip().lower().replace(" ", "_")
    zones = sorted(zoneinfo.available_timezones())
    found = [z for z in zones if wanted in z.lower()] if wanted else ["UTC", *zones]
    return [app_commands.Choice(name=z, value=z) for z in found[:TIMEZONE_CHOICES]]


async def configure_daily_quiz(
    bot: TriviaBot,
    interaction: discord.Interaction,
    *,
    channel: discord.TextChannel | None,
    time: str | None,
    timezone: str | None,
    minutes: int | None,
    stop: bool,
) -> None:
    """`/config daily-quiz`: validate, check the bot can post there, save, say what happens."""
    guild = interaction.guild
    assert guild is not None  # the group is guild-only
    if stop:
        async with bot.app.sessions.begin() as session:
            removed = await store.stop_daily(session, guild.id)
        await _private(
            interaction,
            "The daily question is off." if removed else "There was no daily question to stop.",
        )
        return
    if channel is None or time is None:
        await _private(
            interaction,
            "Give a `channel` and a `time` (HH:MM, 24-hour), e.g. `/config daily-quiz "
            "channel:#quiz time:09:00 timezone:Europe/London`; or `stop:True` to turn it off. "
            "Nothing was changed.",
        )
        return
    try:
        post_at = core.parse_time(time)
        zone = core.parse_timezone(timezone)
        open_minutes = core.check_open_minutes(
            core.DEFAULT_OPEN_MINUTES if minutes is None else minutes
        )
    except core.InvalidSettings as exc:
        await _private(interaction, f"That didn't work: {exc}. Nothing was changed.")
        return
    if channel.guild.id != guild.id:
        await _private(interaction, "That channel is not in this server. Nothing was changed.")
        return
    missing = missing_permissions(channel, guild.me)
    if missing:
        await _private(
            interaction,
            f"I can't post in {channel.mention}: I'm missing {', '.join(missing)} there. "
            "Give me those permissions in that channel, or pick another. Nothing was changed.",
        )
        return
    try:
        core.QuestionBank.from_facts(bot.app.index.facts(guild.id))
    except core.QuizError:
        await _private(interaction, "This server has no quiz questions yet. Nothing was changed.")
        return
    schedule = core.DailySchedule(post_at, zone, open_minutes)
    cog = bot.get_cog(COG_NAME)
    clock = getattr(cog, "wall_clock", None)
    now = clock() if callable(clock) else dt.datetime.now(dt.UTC)
    last = schedule.first_last_date(now)
    async with bot.app.sessions.begin() as session:
        await store.set_daily(
            session,
            guild.id,
            channel_id=channel.id,
            post_at=f"{post_at:%H:%M}",
            timezone=zone,
            open_minutes=open_minutes,
            last_date=last,
            by=interaction.user.id,
        )
    first = schedule.next_post(now, last)
    await _private(
        interaction,
        f"Saved: a quiz question in {channel.mention} every day at {post_at:%H:%M} ({zone}), "
        f"open for {open_minutes} minutes, then the answer. The first one is "
        f"<t:{int(first.timestamp())}:F> (<t:{int(first.timestamp())}:R>).",
    )


async def configure_quiz_defaults(
    bot: TriviaBot,
    interaction: discord.Interaction,
    *,
    rounds: int | None,
    seconds: int | None,
    mode: str | None,
    reset: bool,
) -> None:
    """`/config quiz`: the server's defaults for `/quiz start`."""
    guild_id = interaction.guild_id
    assert guild_id is not None
    if reset:
        async with bot.app.sessions.begin() as session:
            await store.reset_defaults(session, guild_id)
        await _private(interaction, "Quiz defaults reset: " + defaults_text(store.QuizDefaults()))
        return
    problems = []
    if rounds is not None and not core.MIN_ROUNDS <= rounds <= core.MAX_ROUNDS:
        problems.append(f"rounds must be {core.MIN_ROUNDS}-{core.MAX_ROUNDS}, not {rounds}")
    if seconds is not None and not core.MIN_SECONDS <= seconds <= core.MAX_SECONDS:
        problems.append(f"seconds must be {core.MIN_SECONDS}-{core.MAX_SECONDS}, not {seconds}")
    if mode is not None and mode not in ("buttons", "typed"):
        problems.append(f"mode must be buttons or typed, not {mode!r}")
    if mode == "typed" and not bot.settings.message_content:
        problems.append("typed answers need the Message Content intent, which this bot lacks")
    if problems:
        await _private(
            interaction, "That didn't work: " + "; ".join(problems) + ". Nothing was changed."
        )
        return
    if rounds is None and seconds is None and mode is None:
        async with bot.app.sessions() as session:
            current = await store.get_defaults(session, guild_id)
        await _private(interaction, "Quiz defaults: " + defaults_text(current))
        return
    async with bot.app.sessions.begin() as session:
        saved = await store.set_defaults(
            session, guild_id, rounds=rounds, seconds=seconds, mode=mode, by=interaction.user.id
        )
    await _private(interaction, "Saved. Quiz defaults: " + defaults_text(saved))


def defaults_text(d: store.QuizDefaults) -> str:
    return (
        f"{d.rounds or DEFAULT_ROUNDS} rounds, {d.seconds or DEFAULT_SECONDS} seconds each, "
        f"{d.mode or DEFAULT_MODE}."
    )


async def quiz_settings_lines(session: AsyncSession, guild_id: int) -> list[str]:
    """The quiz's lines for `/config show`: defaults and the daily question."""
    defaults = await store.get_defaults(session, guild_id)
    daily = await store.get_daily(session, guild_id)
    lines = [f"**Quiz defaults** (`/config quiz`): {defaults_text(defaults)}"]
    if daily is None:
        lines.append("**Daily question** (`/config daily-quiz`): off")
    else:
        lines.append(
            f"**Daily question** (`/config daily-quiz`): <#{daily.channel_id}> at "
            f"{daily.post_at} ({daily.timezone}), open {daily.open_minutes} minutes"
        )
    return lines
