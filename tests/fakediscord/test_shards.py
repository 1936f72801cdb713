"""The fake Discord shards as Discord does: IDENTIFY carries [shard_id, shard_count], each server
is delivered on its shard's connection only, and direct messages arrive on shard 0."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands

from tests.fakediscord import FakeDiscord, Guild, User, run_bot


class ShardedMiniBot(discord.AutoShardedClient):
    """Two shards in one process; records on which shard each event arrived."""

    def __init__(self, shard_ids: list[int], shard_count: int) -> None:
        intents = discord.Intents.none()
        intents.guilds = intents.guild_messages = intents.dm_messages = True
        super().__init__(intents=intents, shard_ids=shard_ids, shard_count=shard_count)
        self.tree = app_commands.CommandTree(self)
        self.seen: list[tuple[str, int | None, int | None]] = []  # event, guild id, shard

        @self.tree.command(description="Which shard am I on?")
        async def where(interaction: discord.Interaction) -> None:
            self.seen.append(("where", interaction.guild_id, self._shard_of(interaction)))
            await interaction.response.send_message("here")

    def _shard_of(self, interaction: discord.Interaction) -> int | None:
        """The shard of the server, as this process knows it (None: a DM or a server this
        process was never given)."""
        guild = self.get_guild(interaction.guild_id) if interaction.guild_id else None
        return guild.shard_id if guild is not None else None

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s pause between the shards' IDENTIFYs against the fake."""

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(("message", message.guild.id if message.guild else None, None))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake, fake.patch_discord():
        yield fake


def _world(fake: FakeDiscord) -> tuple[Guild, Guild, User]:
    on_0 = fake.add_guild("Shard zero server", shard=(0, 2))
    on_1 = fake.add_guild("Shard one server", shard=(1, 2))
    user = fake.add_user("alice")
    for guild in (on_0, on_1):
        fake.add_channel(guild, "general")
        fake.add_member(guild, user)
    return on_0, on_1, user


def test_guild_ids_can_be_chosen_on_a_shard() -> None:
    fake = FakeDiscord()
    for count in (1, 2, 3, 8):
        for shard_id in range(count):
            guild = fake.add_guild(f"g{count}-{shard_id}", shard=(shard_id, count))
            assert (guild.id >> 22) % count == shard_id
    ids = [g.id for g in fake.guilds.values()]
    assert ids == sorted(set(ids)), "snowflakes stay unique and increasing"


async def test_each_shard_identifies_and_gets_its_servers_and_their_interactions(
    fake: FakeDiscord,
) -> None:
    on_0, on_1, user = _world(fake)
    bot = ShardedMiniBot([0, 1], 2)
    async with run_bot(bot):
        await fake.wait_until_ready(commands=True)
        await fake.wait_for(lambda: len(fake.shards_connected) == 2, 10, what="two shards")
        identifies = [f["d"]["shard"] for f in fake.gateway_received if f.get("op") == 2]
        assert sorted(identifies) == [[0, 2], [1, 2]]
        guild_0, guild_1 = bot.get_guild(on_0.id), bot.get_guild(on_1.id)
        assert guild_0 is not None and guild_0.shard_id == 0
        assert guild_1 is not None and guild_1.shard_id == 1
        # Interactions arrive on the shard of their server, direct messages' on shard 0.
        for guild in (on_0, on_1):
            ix = await fake.slash(guild, next(iter(guild.channels.values())), user, "where")
            await ix.response()
        dm = await fake.slash(None, None, user, "where")
        await dm.response()
        wheres = [e for e in bot.seen if e[0] == "where"]
        assert wheres == [("where", on_0.id, 0), ("where", on_1.id, 1), ("where", None, None)]
        # A server added later arrives on its own shard only.
        late = fake.add_guild("Late server", shard=(1, 2))
        await fake.wait_for(lambda: bot.get_guild(late.id) is not None, 5, what="late guild")
        late_guild = bot.get_guild(late.id)
        assert late_guild is not None and late_guild.shard_id == 1


async def test_a_process_running_one_shard_never_sees_the_other_shards_servers(
    fake: FakeDiscord,
) -> None:
    on_0, on_1, user = _world(fake)
    bot = ShardedMiniBot([0], 2)
    async with run_bot(bot):
        await fake.wait_until_ready(commands=True)
        assert fake.shards_connected == {(0, 2)}
        assert bot.get_guild(on_0.id) is not None
        assert bot.get_guild(on_1.id) is None
        ch_1 = next(iter(on_1.channels.values()))
        await fake.send_message(ch_1, user, "a message on shard 1")
        ch_0 = next(iter(on_0.channels.values()))
        await fake.send_message(ch_0, user, "a message on shard 0")
        await fake.send_message(fake.dm_channel(user), user, "a direct message")
        await fake.wait_for(lambda: len(bot.seen) >= 2, 5, what="two messages")
        await fake.flush()
        assert sorted(bot.seen, key=str) == sorted(
            [("message", on_0.id, None), ("message", None, None)], key=str
        )
        # An interaction of the other shard's server reaches this process only if misrouted.
        bot.seen.clear()
        lost = await fake.slash(on_1, ch_1, user, "where")
        await fake.flush()
        assert lost.response_type is None and bot.seen == []
        forced = await fake.slash(on_1, ch_1, user, "where", shard=0)
        await forced.response()
        # The process got the server's interaction without knowing the server.
        assert [e for e in bot.seen if e[0] == "where"] == [("where", on_1.id, None)]
