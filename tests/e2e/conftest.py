"""End-to-end fixtures: the real bot, on a fresh database, against the fake Discord."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import App
from bot.client import TriviaBot
from bot.settings import Settings
from tests.fakediscord import Channel, FakeDiscord, Guild, Perm, Role, User, run_bot

JSON = dict[str, Any]

# Requests by which a bot creates or edits a message (paths are relative to /api/v10).
_MESSAGE_WRITES = (
    ("POST", r"/channels/\d+/messages"),
    ("PATCH", r"/channels/\d+/messages/\d+"),
    ("POST", r"/webhooks/\d+/[^/]+"),
    ("PATCH", r"/webhooks/\d+/[^/]+/messages/[^/]+"),
)
_CALLBACK = r"/interactions/\d+/[^/]+/callback"
_MESSAGE_CALLBACKS = (4, 7)  # reply with a message / update the clicked message
FIRST_RESPONSE_LIMIT = 2.5
"""Seconds within which every interaction must get its first response (Discord allows 3)."""


def assert_answered_in_time(fake: FakeDiscord, limit: float = FIRST_RESPONSE_LIMIT) -> None:
    """Every interaction so far got its first response within ``limit`` seconds."""
    late = [
        (ix.payload.get("data", {}).get("name") or ix.payload.get("data", {}).get("custom_id"), t)
        for ix, t in fake.late_responses(limit)
    ]
    assert not late, f"interactions answered later than {limit} s (None: never): {late}"


def message_writes(fake: FakeDiscord) -> Iterator[tuple[str, JSON]]:
    """(method and path, message body) of every message the bot posted or edited so far."""
    for req in fake.requests:
        where = f"{req.method} {req.path}"
        if any(req.method == m and re.fullmatch(p, req.path) for m, p in _MESSAGE_WRITES):
            yield where, req.json or {}
        elif (
            req.method == "POST"
            and re.fullmatch(_CALLBACK, req.path)
            and (req.json or {}).get("type") in _MESSAGE_CALLBACKS
        ):
            yield where, req.json.get("data") or {}


def pings_nobody(allowed_mentions: JSON | None) -> bool:
    """allowed_mentions parse [] (no @everyone, roles or users), and no reply ping."""
    am = allowed_mentions or {}
    return (
        am.get("parse") == []
        and not am.get("users")
        and not am.get("roles")
        and not am.get("replied_user")
    )


def assert_nobody_pinged(fake: FakeDiscord) -> None:
    pinging = [
        (where, body.get("allowed_mentions"))
        for where, body in message_writes(fake)
        if not pings_nobody(body.get("allowed_mentions"))
    ]
    assert not pinging, f"messages that may ping: {pinging}"


@dataclass
class World:
    """A small Discord: two servers, a moderator and two members, and the running bot."""

    fake: FakeDiscord
    bot: TriviaBot
    app: App
    guild: Guild
    channel: Channel
    other_channel: Channel
    other_guild: Guild
    other_guild_channel: Channel
    mod: User
    alice: User
    bob: User
    mod_role: Role


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "discord_token": "fake-token",
        "message_content": True,
        "ask_cooldown_rate": 50,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


@pytest.fixture
def e2e_database_url(tmp_path: object) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/e2e.db"


@pytest.fixture
def bot_settings(e2e_database_url: str) -> Settings:
    """Override in a test module (or parametrize) to change the bot's settings."""
    return make_settings(e2e_database_url)


@pytest.fixture
async def world(bot_settings: Settings) -> AsyncIterator[World]:
    async with FakeDiscord() as fake, fake.patch_discord():
        guild = fake.add_guild("Velodrome fans")
        channel = fake.add_channel(guild, "general")
        other_channel = fake.add_channel(guild, "ask-the-bot")
        other_guild = fake.add_guild("Another server")
        other_guild_channel = fake.add_channel(other_guild, "general")
        mod_role = fake.add_role(guild, "Quizmasters")
        mod = fake.add_user("moderator")
        alice = fake.add_user("alice")
        bob = fake.add_user("bob")
        fake.add_member(guild, mod, permissions=Perm.MANAGE_GUILD)
        fake.add_member(guild, alice)
        fake.add_member(guild, bob)
        fake.add_member(other_guild, alice)
        fake.add_member(other_guild, bob)
        settings = bot_settings.model_copy(update={"dev_guild_id": guild.id})
        app = await App.open(settings)
        bot = TriviaBot(app)
        try:
            async with run_bot(bot):
                await fake.wait_until_ready(commands=True)
                yield World(
                    fake,
                    bot,
                    app,
                    guild,
                    channel,
                    other_channel,
                    other_guild,
                    other_guild_channel,
                    mod,
                    alice,
                    bob,
                    mod_role,
                )
                assert_answered_in_time(fake)
        finally:
            await app.close()
