"""A fake Discord (REST + gateway) on 127.0.0.1 for end-to-end tests of discord.py 2.7 bots.

Typical use::

    async with FakeDiscord() as fake, fake.patch_discord():
        guild = fake.add_guild("Test")
        ...
        async with run_bot(make_bot()):
            ix = await fake.slash(guild, channel, user, "echo", {"text": "hi"})
            assert (await ix.response())["data"]["content"] == "hi"
"""

from .interaction import Interaction
from .models import Channel, Guild, Intent, Member, Perm, Request, Role, UploadedFile, User
from .runner import DiscordPatch, run_bot
from .server import DiscordError, FakeDiscord

__all__ = [
    "Channel",
    "DiscordError",
    "DiscordPatch",
    "FakeDiscord",
    "Guild",
    "Intent",
    "Interaction",
    "Member",
    "Perm",
    "Request",
    "Role",
    "UploadedFile",
    "User",
    "run_bot",
]
