"""Server settings: read once, cached, changed in one place with explicit invalidation."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.core.policy import AskLimit
from bot.db import guilds as store
from bot.services.guild_config import GuildConfigCache

GUILD = 4242
DEFAULT = AskLimit(5, 30.0)


@pytest.fixture
def cache(app: App) -> GuildConfigCache:
    return GuildConfigCache(app.sessions, default_limit=DEFAULT)


async def test_settings_are_read_once_and_invalidated_explicitly(
    cache: GuildConfigCache, app: App
) -> None:
    first = await cache.get(GUILD)
    assert (first.moderator_role_id, first.ask_limit, first.ask_limit_is_default) == (
        None,
        DEFAULT,
        True,
    )
    async with app.sessions.begin() as session:  # changed behind the cache's back
        await store.set_moderator_role(session, GUILD, 77)
    assert (await cache.get(GUILD)).moderator_role_id is None  # cached: no query per call
    cache.invalidate(GUILD)
    assert (await cache.get(GUILD)).moderator_role_id == 77


async def test_every_change_is_stored_and_seen_at_once(cache: GuildConfigCache) -> None:
    changed: list[int] = []
    cache.on_change.append(changed.append)
    await cache.get(GUILD)
    await cache.set_moderator_role(GUILD, 11)
    assert await cache.set_ask_channel(GUILD, 500, enabled=True, by=1)
    assert not await cache.set_ask_channel(GUILD, 500, enabled=True, by=1)
    await cache.set_suggestion_channel(GUILD, 600)
    await cache.set_ask_limit(GUILD, AskLimit(2, 60.0))
    config = await cache.get(GUILD)
    assert config.moderator_role_id == 11
    assert config.ask_channels == frozenset({500})
    assert config.suggestion_channel_id == 600
    assert (config.ask_limit, config.ask_limit_is_default) == (AskLimit(2, 60.0), False)
    assert changed == [GUILD] * 5

    await cache.set_ask_limit(GUILD, None)
    assert (await cache.get(GUILD)).ask_limit == DEFAULT
    fresh = GuildConfigCache(cache.sessions, default_limit=DEFAULT)  # as after a restart
    assert (await fresh.get(GUILD)).suggestion_channel_id == 600


async def test_preload_reads_the_servers_with_ask_channels(cache: GuildConfigCache) -> None:
    await cache.set_ask_channel(GUILD, 500, enabled=True, by=1)
    fresh = GuildConfigCache(cache.sessions, default_limit=DEFAULT)
    assert fresh.cached(GUILD) is None
    await fresh.preload()
    cached = fresh.cached(GUILD)
    assert cached is not None and cached.ask_channels == frozenset({500})
    assert fresh.cached(GUILD + 1) is None


async def test_a_member_is_new_in_a_server_once(app: App) -> None:
    async with app.sessions.begin() as session:
        assert await store.remember_asker(session, GUILD, 8)
        assert not await store.remember_asker(session, GUILD, 8)
        assert await store.remember_asker(session, GUILD + 1, 8)
