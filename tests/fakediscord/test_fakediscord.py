"""Self-tests of the fake Discord, driving a minimal discord.py bot end to end."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import discord
import discord.gateway
import discord.http
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import Channel, FakeDiscord, Guild, Perm, User, run_bot


class ClickView(discord.ui.View):
    @discord.ui.button(label="Press", custom_id="press")
    async def press(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content=f"pressed by {interaction.user.name}")


class NameModal(discord.ui.Modal, title="Name?"):
    name: discord.ui.TextInput[NameModal] = discord.ui.TextInput(label="Name", custom_id="name")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"hello {self.name.value}")


class MiniBot(commands.Bot):
    """Minimal bot exercising the paths the fake must support."""

    def __init__(self, guild_id: int) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(
            command_prefix="!", intents=intents, allowed_mentions=discord.AllowedMentions.none()
        )
        self.guild_obj = discord.Object(guild_id)
        self.add_commands()

    async def setup_hook(self) -> None:
        self.tree.copy_global_to(guild=self.guild_obj)
        await self.tree.sync(guild=self.guild_obj)

    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot and self.user is not None and self.user in message.mentions:
            await message.reply(f"hi {message.author.name}, you said {message.content!r}")

    def add_commands(self) -> None:
        tree = self.tree

        @tree.command(description="Echo text")
        async def echo(interaction: discord.Interaction, text: str, private: bool = False) -> None:
            await interaction.response.send_message(text, ephemeral=private)

        quiz = app_commands.Group(name="quiz", description="Quiz")
        admin = app_commands.Group(name="admin", description="Admin", parent=quiz)

        @admin.command(description="Reset scores")
        async def reset(interaction: discord.Interaction, rounds: int, who: discord.Member) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send(f"reset {rounds} for {who.name}")

        tree.add_command(quiz)

        @tree.command(description="Show a button")
        async def button(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("press it", view=ClickView())

        @tree.command(description="Send files")
        async def files(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                "one", file=discord.File(io.BytesIO(b"first bytes"), "one.txt")
            )
            await interaction.followup.send(
                "two", file=discord.File(io.BytesIO(b"\x00\x01binary"), "two.bin")
            )
            assert interaction.channel is not None
            await interaction.channel.send(  # type: ignore[union-attr]
                "three", file=discord.File(io.BytesIO(b"third"), "three.txt")
            )

        @tree.command(description="Size of an attachment")
        async def size(interaction: discord.Interaction, upload: discord.Attachment) -> None:
            data = await upload.read()
            await interaction.response.send_message(f"{upload.filename}: {len(data)} bytes")

        @tree.command(description="Pick a fruit")
        async def fruit(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"you picked {name}")

        @fruit.autocomplete("name")
        async def fruit_ac(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            names = ["apple", "apricot", "banana"]
            return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

        @tree.command(description="Ask a name")
        async def ask(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(NameModal())

        @tree.command(description="Admins only")
        @app_commands.default_permissions(manage_guild=True)
        async def secret(interaction: discord.Interaction) -> None:
            perms = interaction.permissions
            await interaction.response.send_message(f"manage_guild={perms.manage_guild}")


@dataclass
class World:
    fake: FakeDiscord
    guild: Guild
    channel: Channel
    alice: User
    bob: User


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with FakeDiscord() as fake, fake.patch_discord():
        guild = fake.add_guild("Test Guild")
        channel = fake.add_channel(guild, "general")
        alice, bob = fake.add_user("alice"), fake.add_user("bob")
        fake.add_member(guild, alice, permissions=Perm.MANAGE_GUILD)
        fake.add_member(guild, bob)
        yield World(fake, guild, channel, alice, bob)


@pytest.fixture
async def bot(world: World) -> AsyncIterator[MiniBot]:
    async with run_bot(MiniBot(world.guild.id)) as running:
        await world.fake.wait_until_ready(commands=True)
        yield running


async def test_patch_restores_discord_globals() -> None:
    ws_cls = discord.gateway.DiscordWebSocket
    before = (discord.http.Route.BASE, ws_cls.DEFAULT_GATEWAY)
    async with FakeDiscord() as fake, fake.patch_discord():
        patched = (discord.http.Route.BASE, str(ws_cls.DEFAULT_GATEWAY))
        assert patched == (fake.api_base, fake.gateway_url)
    assert before == (discord.http.Route.BASE, ws_cls.DEFAULT_GATEWAY)


async def test_rest_json_content_type_and_unknown_route() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as session:
        async with session.get(fake.api_base + "/users/@me") as resp:
            assert resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["id"] == str(fake.bot.id)
        async with session.get(fake.api_base + "/nope/1") as resp:
            assert resp.status == 404
            assert await resp.json() == {"code": 0, "message": "404: Not Found"}
    assert [(r.method, r.path) for r in fake.unknown_requests] == [("GET", "/nope/1")]


async def test_login_intents_and_command_sync(world: World, bot: MiniBot) -> None:
    fake = world.fake
    assert fake.intents == bot.intents.value
    assert fake.intents is not None and fake.intents & discord.Intents(message_content=True).value
    path = rf"/applications/{fake.application_id}/guilds/{world.guild.id}/commands"
    put = await fake.wait_for_request(method="PUT", path=path)
    assert put.headers["Authorization"] == "Bot fake-token"
    names = {c["name"] for c in fake.guild_commands[world.guild.id]}
    assert {"echo", "quiz", "button", "files", "size", "fruit", "ask", "secret"} <= names
    assert bot.get_guild(world.guild.id) is not None
    assert bot.get_channel(world.channel.id) is not None
    assert bot.is_ready() and bot.user is not None and bot.user.id == fake.bot.id


async def test_mention_gets_reply_without_pings(world: World, bot: MiniBot) -> None:
    fake = world.fake
    sent = await fake.send_message(world.channel, world.alice, f"{fake.bot.mention} ping")
    reply = await fake.wait_for_message(world.channel)
    assert reply["content"] == f"hi alice, you said '{fake.bot.mention} ping'"
    assert reply["referenced_message"]["id"] == sent["id"]
    req = await fake.wait_for_request(method="POST", path=rf"/channels/{world.channel.id}/messages")
    assert req.json["allowed_mentions"] == {"parse": []}
    assert str(req.json["message_reference"]["message_id"]) == sent["id"]
    # messages without a mention are ignored
    await fake.send_message(world.channel, world.bob, "no mention here")
    with pytest.raises(TimeoutError):
        await fake.wait_for_message(world.channel, timeout=0.2)


async def test_echo_slash_command(world: World, bot: MiniBot) -> None:
    fake = world.fake
    ix = await fake.slash(world.guild, world.channel, world.alice, "echo", {"text": "hello"})
    body = await ix.response()
    assert body["type"] == 4 and body["data"]["content"] == "hello"
    assert not ix.ephemeral and ix.original is not None and ix.original["content"] == "hello"
    ix2 = await fake.slash(
        world.guild, world.channel, world.bob, "echo", {"text": "secret", "private": True}
    )
    assert (await ix2.response())["data"]["flags"] & 64 and ix2.ephemeral
    req = await fake.wait_for_request(path=rf"/interactions/{ix2.id}/.*/callback")
    assert req.query == {"with_response": "1"} and "Authorization" not in req.headers


async def test_subcommand_group_defer_and_followup(world: World, bot: MiniBot) -> None:
    fake = world.fake
    ix = await fake.slash(
        world.guild, world.channel, world.alice, "quiz admin reset", {"rounds": 3, "who": world.bob}
    )
    assert (await ix.response())["type"] == 5
    await ix.wait_for(lambda i: i.followups)
    assert ix.original is not None and ix.original["content"] == "reset 3 for bob"
    assert ix.followups[0]["id"] == ix.original["id"]  # follow-up replaced "thinking..."
    assert (await fake.wait_for_message(world.channel))["content"] == "reset 3 for bob"


async def test_button_click_edits_message(world: World, bot: MiniBot) -> None:
    fake = world.fake
    ix = await fake.slash(world.guild, world.channel, world.alice, "button")
    await ix.response()
    msg = ix.original
    assert msg is not None and msg["components"][0]["components"][0]["custom_id"] == "press"
    click = await fake.click(msg, world.bob, "press")
    assert (await click.response())["type"] == 7
    assert fake.get_message(msg["id"])["content"] == "pressed by bob"  # type: ignore[index]
    with pytest.raises(LookupError):
        await fake.click(msg, world.bob, "missing")


async def test_files_arrive_with_bytes(world: World, bot: MiniBot) -> None:
    fake = world.fake
    ix = await fake.slash(world.guild, world.channel, world.alice, "files")
    one = await fake.wait_for_message(world.channel)
    two = await fake.wait_for_message(world.channel)
    three = await fake.wait_for_message(world.channel)
    got = [
        (m["content"], a["filename"], fake.attachment_bytes(a))
        for m in (one, two, three)
        for a in m["attachments"]
    ]
    assert got == [
        ("one", "one.txt", b"first bytes"),
        ("two", "two.bin", b"\x00\x01binary"),
        ("three", "three.txt", b"third"),
    ]
    assert ix.callback_files[0].data == b"first bytes"
    assert ix.followups[0]["id"] == two["id"]


async def test_attachment_option_is_downloadable(world: World, bot: MiniBot) -> None:
    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "size", {"upload": ("data.csv", b"a,b\n1,2\n")}
    )
    assert (await ix.response())["data"]["content"] == "data.csv: 8 bytes"


async def test_autocomplete_and_modal(world: World, bot: MiniBot) -> None:
    fake = world.fake
    choices = await fake.autocomplete(
        world.guild, world.channel, world.alice, "fruit", {"name": "ap"}, focused="name"
    )
    assert [c["value"] for c in choices] == ["apple", "apricot"]
    ix = await fake.slash(world.guild, world.channel, world.alice, "ask")
    await ix.response()
    assert ix.modal is not None and ix.modal["title"] == "Name?"
    sub = await fake.submit_modal(ix, values={"name": "Laura"})
    assert (await sub.response())["data"]["content"] == "hello Laura"


async def test_default_permissions_and_dm(world: World, bot: MiniBot) -> None:
    fake = world.fake
    ix = await fake.slash(world.guild, world.channel, world.alice, "secret")
    assert (await ix.response())["data"]["content"] == "manage_guild=True"
    with pytest.raises(PermissionError):
        await fake.slash(world.guild, world.channel, world.bob, "secret")
    dm = fake.dm_channel(world.bob)
    await fake.send_message(dm, world.bob, f"{fake.bot.mention} in a DM")
    assert (await fake.wait_for_message(dm))["content"].startswith("hi bob")


async def test_close_is_clean(world: World) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bot = MiniBot(world.guild.id)
        async with run_bot(bot):
            assert world.fake.connected
        assert bot.is_closed()
        await world.fake.wait_for(lambda: not world.fake.connected, 2)


async def test_reconnect_resumes(world: World, bot: MiniBot) -> None:
    fake = world.fake
    await fake.request_reconnect()
    await fake.wait_for(lambda: any(f.get("op") == 6 for f in fake.gateway_received), 3)
    await fake.wait_for(lambda: fake.connected, 3)
    ix = await fake.slash(world.guild, world.channel, world.alice, "echo", {"text": "again"})
    assert json.dumps((await ix.response())["data"]["content"]) == '"again"'


async def test_message_content_intent_and_late_world_changes(world: World) -> None:
    fake, seen = world.fake, []
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())

    async def record(message: discord.Message) -> None:
        seen.append(message.content)

    bot.add_listener(record, "on_message")
    async with run_bot(bot):
        assert fake.intents is not None and not fake.intents & (1 << 15)
        await fake.send_message(world.channel, world.alice, "hidden without the intent")
        await fake.send_message(world.channel, world.alice, f"{fake.bot.mention} visible")
        await fake.wait_for(lambda: len(seen) == 2, 2)
        assert seen == ["", f"{fake.bot.mention} visible"]
        late = fake.add_channel(world.guild, "late")
        await fake.flush()
        await fake.send_message(late, world.alice, f"{fake.bot.mention} here")
        await fake.wait_for(lambda: len(seen) == 3, 2)
        assert bot.get_channel(late.id) is not None
