"""Per-server settings: the moderator role, the channels where the bot answers every question,
the suggestion channel, the ask limit, and which members have asked before."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AskChannelRow, GuildSettingsRow, KnownAskerRow


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """One server's stored settings; None means "not set" (the bot's default applies)."""

    guild_id: int
    moderator_role_id: int | None = None
    ask_channels: frozenset[int] = frozenset()
    suggestion_channel_id: int | None = None
    ask_rate: int | None = None
    ask_seconds: int | None = None


async def guild_settings(session: AsyncSession, guild_id: int) -> GuildSettings:
    """Everything stored for one server, in two queries."""
    row = await session.get(GuildSettingsRow, guild_id)
    channels = await session.scalars(
        select(AskChannelRow.channel_id).where(AskChannelRow.guild_id == guild_id)
    )
    if row is None:
        return GuildSettings(guild_id, ask_channels=frozenset(channels))
    return GuildSettings(
        guild_id,
        moderator_role_id=row.moderator_role_id,
        ask_channels=frozenset(channels),
        suggestion_channel_id=row.suggestion_channel_id,
        ask_rate=row.ask_rate,
        ask_seconds=row.ask_seconds,
    )


async def ask_channels(session: AsyncSession) -> dict[int, set[int]]:
    """Every opted-in channel, by server."""
    out: dict[int, set[int]] = {}
    for row in await session.scalars(select(AskChannelRow)):
        out.setdefault(row.guild_id, set()).add(row.channel_id)
    return out


async def set_ask_channel(
    session: AsyncSession, *, guild_id: int, channel_id: int, enabled: bool, by: int | None
) -> bool:
    """Opt a channel in or out; returns whether anything changed."""
    row = await session.get(AskChannelRow, channel_id)
    if enabled:
        if row is not None and row.guild_id == guild_id:
            return False
        if row is not None:  # a channel id belongs to one server; never let another take it
            raise ValueError("channel belongs to another server")
        session.add(AskChannelRow(channel_id=channel_id, guild_id=guild_id, enabled_by=by))
        return True
    result = await session.execute(
        delete(AskChannelRow).where(
            AskChannelRow.channel_id == channel_id, AskChannelRow.guild_id == guild_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def _settings_row(session: AsyncSession, guild_id: int) -> GuildSettingsRow:
    row = await session.get(GuildSettingsRow, guild_id)
    if row is None:
        row = GuildSettingsRow(guild_id=guild_id)
        session.add(row)
    return row


async def moderator_role(session: AsyncSession, guild_id: int) -> int | None:
    row = await session.get(GuildSettingsRow, guild_id)
    return row.moderator_role_id if row else None


async def set_moderator_role(session: AsyncSession, guild_id: int, role_id: int | None) -> None:
    (await _settings_row(session, guild_id)).moderator_role_id = role_id


async def set_suggestion_channel(
    session: AsyncSession, guild_id: int, channel_id: int | None
) -> None:
    (await _settings_row(session, guild_id)).suggestion_channel_id = channel_id


async def set_ask_limit(
    session: AsyncSession, guild_id: int, rate: int | None, seconds: int | None
) -> None:
    """A server's own ask limit; None for both goes back to the bot's default."""
    row = await _settings_row(session, guild_id)
    row.ask_rate, row.ask_seconds = rate, seconds


async def remember_asker(session: AsyncSession, guild_id: int, user_id: int) -> bool:
    """Note that a member asked in a server; True if it is their first time there."""
    if await session.get(KnownAskerRow, (guild_id, user_id)) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(KnownAskerRow(guild_id=guild_id, user_id=user_id))
    except IntegrityError:  # asked twice at the same moment: the other one was first
        return False
    return True
