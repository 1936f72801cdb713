"""Per-server settings: the moderator role and the channels where the bot answers every question."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AskChannelRow, GuildSettingsRow


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


async def moderator_role(session: AsyncSession, guild_id: int) -> int | None:
    row = await session.get(GuildSettingsRow, guild_id)
    return row.moderator_role_id if row else None


async def set_moderator_role(session: AsyncSession, guild_id: int, role_id: int | None) -> None:
    row = await session.get(GuildSettingsRow, guild_id)
    if row is None:
        session.add(GuildSettingsRow(guild_id=guild_id, moderator_role_id=role_id))
    else:
        row.moderator_role_id = role_id
