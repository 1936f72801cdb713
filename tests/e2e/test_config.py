"""`/config` on Discord: who may change server settings, and what an opted-in "ask channel" does."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.db import guilds as guild_store
from bot.settings import Settings
from tests.e2e.conftest import World, assert_nobody_pinged, make_settings
from tests.e2e.test_ask import (
    ANSWERABLE,
    NEAR_MISS,
    answered,
    fail_next_match,
    replies_to,
    still_answering,
)
from tests.fakediscord import Channel, FakeDiscord, Guild, Interaction, User

JSON = dict[str, Any]

NOT_A_MODERATOR = "Only moderators"


@pytest.fixture
def bot_settings(e2e_database_url: str, request: pytest.FixtureRequest) -> Settings:
    """The e2e settings, with overrides from `parametrize("bot_settings", [...], indirect=True)`."""
    return make_settings(e2e_database_url, **getattr(request, "param", {}))


@pytest.fixture(autouse=True)
def _no_message_can_ping(world: World) -> Iterator[None]:
    yield
    assert_nobody_pinged(world.fake)


def let_every_member_see(fake: FakeDiscord, guild: Guild, command: str) -> None:
    """What a server's admins do in Server Settings > Integrations to let members without
    Manage Server use a command (the fake models only the default permissions)."""
    [synced] = [c for c in fake.guild_commands[guild.id] if c["name"] == command]
    synced["default_member_permissions"] = None


async def set_ask_channel(
    world: World, user: User, channel: Channel, *, enabled: bool
) -> Interaction:
    ix = await world.fake.slash(
        world.guild,
        world.channel,
        user,
        "config ask-channel",
        {"channel": channel, "enabled": enabled},
    )
    await ix.response()
    return ix


async def set_moderator_role(world: World, user: User, **role: Any) -> Interaction:
    ix = await world.fake.slash(world.guild, world.channel, user, "config moderator-role", role)
    await ix.response()
    return ix


async def stored_ask_channels(world: World) -> set[int]:
    async with world.app.sessions() as session:
        return (await guild_store.ask_channels(session)).get(world.guild.id, set())


async def assert_channel_stays_silent(world: World, channel: Channel, *texts: str) -> None:
    """Members post `texts` in `channel` without mentioning the bot; it answers none of them."""
    sent = [await world.fake.send_message(channel, world.alice, text) for text in texts]
    await still_answering(world, channel)
    for message in sent:
        assert replies_to(world.fake, message) == [], message["content"]


# --------------------------------------------------------------------------- who may configure


async def test_discord_hides_config_from_members_without_manage_server(world: World) -> None:
    with pytest.raises(PermissionError):
        await world.fake.slash(
            world.guild,
            world.channel,
            world.alice,
            "config ask-channel",
            {"channel": world.other_channel, "enabled": True},
        )


async def test_a_member_is_refused_privately_even_if_the_server_shows_them_config(
    world: World,
) -> None:
    let_every_member_see(world.fake, world.guild, "config")

    ix = await set_ask_channel(world, world.alice, world.other_channel, enabled=True)
    assert ix.ephemeral
    assert ix.data["content"].startswith(NOT_A_MODERATOR)
    assert await stored_ask_channels(world) == set()
    await assert_channel_stays_silent(world, world.other_channel, ANSWERABLE)

    ix = await set_moderator_role(world, world.alice, role=world.mod_role)
    assert ix.ephemeral and ix.data["content"].startswith(NOT_A_MODERATOR)


async def test_the_moderator_role_lets_its_members_configure(world: World) -> None:
    let_every_member_see(world.fake, world.guild, "config")
    ix = await set_moderator_role(world, world.mod, role=world.mod_role)
    assert ix.ephemeral
    said = ix.data["content"]
    assert said.startswith(
        f"Members with {world.mod_role.mention} can now moderate facts and quizzes.\n"
    )
    # how an admin lets the role see the commands Discord hides behind Manage Server
    assert "Server Settings → Integrations" in said and "`/fact`" in said
    world.guild.members[world.bob.id].roles.append(world.mod_role.id)

    ix = await set_ask_channel(world, world.bob, world.other_channel, enabled=True)
    assert ix.ephemeral
    assert ix.data["content"] == f"I will now answer questions in {world.other_channel.mention}."
    assert await stored_ask_channels(world) == {world.other_channel.id}

    # once the role is removed, its members are moderators no more
    ix = await set_moderator_role(world, world.mod)
    assert "moderator role was removed" in ix.data["content"]
    ix = await set_ask_channel(world, world.bob, world.other_channel, enabled=False)
    assert ix.data["content"].startswith(NOT_A_MODERATOR)
    assert await stored_ask_channels(world) == {world.other_channel.id}


async def test_everyone_cannot_be_the_moderator_role(world: World) -> None:
    everyone = world.guild.everyone
    ix = await set_moderator_role(world, world.mod, role=everyone)
    assert ix.ephemeral
    assert "not @\u200beveryone" in ix.data["content"]  # escaped: reads as text, not a ping

    let_every_member_see(world.fake, world.guild, "config")
    ix = await set_ask_channel(world, world.alice, world.other_channel, enabled=True)
    assert ix.data["content"].startswith(NOT_A_MODERATOR)


# --------------------------------------------------------------------------- ask channels


async def test_an_ask_channel_answers_questions_without_a_mention(world: World) -> None:
    ix = await set_ask_channel(world, world.mod, world.other_channel, enabled=True)
    assert ix.ephemeral
    assert ix.data["content"] == f"I will now answer questions in {world.other_channel.mention}."

    question = await world.fake.send_message(world.other_channel, world.alice, ANSWERABLE)
    reply = await world.fake.wait_for_message(channel=world.other_channel)
    assert replies_to(world.fake, question) == [reply]
    assert answered(reply) == "jason-gold-count"


async def test_an_ask_channel_ignores_chatter_and_questions_it_is_unsure_of(
    world: World,
) -> None:
    await set_ask_channel(world, world.mod, world.other_channel, enabled=True)
    await assert_channel_stays_silent(
        world, world.other_channel, "lol nice race", NEAR_MISS, "asdkjh qwpoeiru zxmcnv?"
    )


async def test_an_ask_channel_stays_silent_when_answering_fails(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await set_ask_channel(world, world.mod, world.other_channel, enabled=True)
    fail_next_match(monkeypatch, world)
    await assert_channel_stays_silent(world, world.other_channel, ANSWERABLE)
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)  # it failed


async def test_questions_in_a_channel_are_decided_in_the_order_they_were_asked(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changing a setting makes the next message read the server's settings again. While that
    read is slow, a later mention in the channel must not overtake the earlier question."""
    await set_ask_channel(world, world.mod, world.other_channel, enabled=True)
    turns = world.bot.get_cog("AskCog").turns  # type: ignore[union-attr]
    real_read = guild_store.guild_settings
    held = True

    async def slow_read(session: Any, guild_id: int) -> Any:
        nonlocal held
        if held:  # the first read waits until the mention has reached the bot
            held = False
            await world.fake.wait_for(
                lambda: turns.waiting(world.other_channel.id) >= 2, what="the second question"
            )
        return await real_read(session, guild_id)

    monkeypatch.setattr(guild_store, "guild_settings", slow_read)
    first = await world.fake.send_message(world.other_channel, world.alice, ANSWERABLE)
    second = await world.fake.send_message(
        world.other_channel, world.bob, f"{world.fake.bot.mention} {NEAR_MISS}"
    )
    await world.fake.wait_for(
        lambda: replies_to(world.fake, second), what="the reply to the second question"
    )
    [to_first] = replies_to(world.fake, first)
    [to_second] = replies_to(world.fake, second)
    assert answered(to_first) == "jason-gold-count"
    assert int(to_first["id"]) < int(to_second["id"])  # posted first


async def test_other_channels_still_need_a_mention(world: World) -> None:
    await set_ask_channel(world, world.mod, world.other_channel, enabled=True)
    await assert_channel_stays_silent(world, world.channel, ANSWERABLE)


async def test_an_ask_channel_can_be_switched_off(world: World) -> None:
    await set_ask_channel(world, world.mod, world.other_channel, enabled=True)
    again = await set_ask_channel(world, world.mod, world.other_channel, enabled=True)
    assert "(it already was set that way)" in again.data["content"]

    off = await set_ask_channel(world, world.mod, world.other_channel, enabled=False)
    assert off.data["content"] == (
        f"I will no longer answer every question in {world.other_channel.mention}."
    )
    assert await stored_ask_channels(world) == set()
    await assert_channel_stays_silent(world, world.other_channel, ANSWERABLE)


@pytest.mark.parametrize(
    "bot_settings", [{"message_content": False}], indirect=True, ids=["message-content-off"]
)
async def test_without_message_content_an_ask_channel_is_refused_clearly(world: World) -> None:
    ix = await set_ask_channel(world, world.mod, world.other_channel, enabled=True)
    assert ix.ephemeral
    text = ix.data["content"]
    assert "without the Message Content intent" in text
    assert "MESSAGE_CONTENT=true" in text
    assert "Nothing was changed" in text
    assert await stored_ask_channels(world) == set()
    await still_answering(world, world.other_channel)  # mentions still work
