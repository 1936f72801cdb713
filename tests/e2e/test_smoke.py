"""A first end-to-end check: the bot logs in, syncs, and answers."""

from __future__ import annotations

from tests.e2e.conftest import World


async def test_mention_and_slash_ask_are_answered(world: World) -> None:
    fake = world.fake
    assert world.bot.user is not None
    msg = await fake.send_message(
        world.channel, world.alice, f"<@{world.bot.user.id}> how many golds has jason kenny got?"
    )
    reply = await fake.wait_for_message(channel=world.channel)
    assert "seven" in reply["embeds"][0]["description"].lower()
    assert msg is not None
    ix = await fake.slash(
        world.guild, world.channel, world.alice, "ask", {"question": "who won keirin bronze?"}
    )
    body = await ix.response()
    assert "lavreysen" in body["data"]["embeds"][0]["description"].lower()
    assert body["data"]["allowed_mentions"] == {"parse": []}


async def test_commands_synced_globally_work_in_every_server(world: World) -> None:
    await world.bot.tree.sync()  # what `python -m bot sync` does
    ix = await world.fake.slash(
        world.other_guild,
        world.other_guild_channel,
        world.alice,
        "ask",
        {"question": "how old is jason kenny?"},
    )
    body = await ix.response()
    assert "33" in body["data"]["embeds"][0]["description"]


async def test_every_extension_can_be_reloaded_while_running(world: World) -> None:
    for name in list(world.bot.extensions):
        await world.bot.reload_extension(name)
    assert {c.name for c in world.bot.tree.get_commands()} >= {
        "ask",
        "help",
        "config",
        "quiz",
        "fact",
    }
    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "ask", {"question": "how old is jason kenny?"}
    )
    assert "33" in (await ix.response())["data"]["embeds"][0]["description"]
