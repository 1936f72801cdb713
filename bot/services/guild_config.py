"""Each server's settings, read once and cached, changed only here.

Every change goes through a `set_*` method, which writes, commits and then invalidates the
server's cached `GuildConfig`, so the next read sees it. Nothing else keeps a copy: the
moderator check, the ask listener and `/config show` all read `GuildConfigCache.get()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.policy import AskLimit
from bot.db import guilds as store


@dataclass(frozen=True, slots=True)
class GuildConfig:
    """One server's settings as the bot applies them (defaults filled in)."""

    guild_id: int
    moderator_role_id: int | None
    ask_channels: frozenset[int]
    suggestion_channel_id: int | None
    ask_limit: AskLimit
    ask_limit_is_default: bool

    def is_moderator_role(self, role_ids: set[int]) -> bool:
        return self.moderator_role_id is not None and self.moderator_role_id in role_ids


class GuildConfigCache:
    """Cached `GuildConfig` per server, with explicit invalidation on every change."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, default_limit: AskLimit
    ) -> None:
        self.sessions = sessions
        self.default_limit = default_limit
        self._cache: dict[int, GuildConfig] = {}
        self.on_change: list[Callable[[int], None]] = []
        """Called with a server id after its settings changed and were committed."""

    async def get(self, guild_id: int) -> GuildConfig:
        cached = self._cache.get(guild_id)
        if cached is not None:
            return cached
        async with self.sessions() as session:
            stored = await store.guild_settings(session, guild_id)
        config = self._config(stored)
        self._cache[guild_id] = config
        return config

    def cached(self, guild_id: int) -> GuildConfig | None:
        """The cached settings, without reading the database (None if not loaded yet)."""
        return self._cache.get(guild_id)

    def invalidate(self, guild_id: int | None = None) -> None:
        """Forget one server's settings (or every server's): the next `get` reads them again."""
        if guild_id is None:
            self._cache.clear()
        else:
            self._cache.pop(guild_id, None)

    async def preload(self) -> None:
        """Read every server that has an opted-in channel (the listener needs them at once)."""
        async with self.sessions() as session:
            by_guild = await store.ask_channels(session)
            for guild_id in by_guild:
                self._cache[guild_id] = self._config(await store.guild_settings(session, guild_id))

    def _config(self, stored: store.GuildSettings) -> GuildConfig:
        own = stored.ask_rate is not None and stored.ask_seconds is not None
        limit = (
            AskLimit(stored.ask_rate, float(stored.ask_seconds))  # type: ignore[arg-type]
            if own
            else self.default_limit
        )
        return GuildConfig(
            guild_id=stored.guild_id,
            moderator_role_id=stored.moderator_role_id,
            ask_channels=stored.ask_channels,
            suggestion_channel_id=stored.suggestion_channel_id,
            ask_limit=limit,
            ask_limit_is_default=not own,
        )

    def _changed(self, guild_id: int) -> None:
        self.invalidate(guild_id)
        for callback in self.on_change:
            callback(guild_id)

    # --- changes: write, commit, invalidate ----------------------------------------------
    async def set_ask_channel(
        self, guild_id: int, channel_id: int, *, enabled: bool, by: int | None
    ) -> bool:
        async with self.sessions.begin() as session:
            changed = await store.set_ask_channel(
                session, guild_id=guild_id, channel_id=channel_id, enabled=enabled, by=by
            )
        self._changed(guild_id)
        return changed

    async def set_moderator_role(self, guild_id: int, role_id: int | None) -> None:
        async with self.sessions.begin() as session:
            await store.set_moderator_role(session, guild_id, role_id)
        self._changed(guild_id)

    async def set_suggestion_channel(self, guild_id: int, channel_id: int | None) -> None:
        async with self.sessions.begin() as session:
            await store.set_suggestion_channel(session, guild_id, channel_id)
        self._changed(guild_id)

    async def set_ask_limit(self, guild_id: int, limit: AskLimit | None) -> None:
        """A server's own limit, or None for the bot's default."""
        async with self.sessions.begin() as session:
            await store.set_ask_limit(
                session,
                guild_id,
                limit.rate if limit else None,
                round(limit.per) if limit else None,
            )
        self._changed(guild_id)
