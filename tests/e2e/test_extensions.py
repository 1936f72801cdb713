"""A bot that cannot load one of its extensions does not start half-working."""

from __future__ import annotations

from pathlib import Path

import pytest
from discord.ext import commands

from bot.app import App
from bot.client import EXTENSIONS, TriviaBot
from tests.e2e.conftest import make_settings
from tests.fakediscord import FakeDiscord, run_bot


async def test_a_missing_extension_stops_the_start(tmp_path: Path) -> None:
    async with FakeDiscord() as fake, fake.patch_discord():
        app = await App.open(make_settings(f"sqlite+aiosqlite:///{tmp_path}/ext.db"))
        bot = TriviaBot(app, extensions=(*EXTENSIONS, "bot.exts.no_such_thing"))
        try:
            with pytest.raises(commands.ExtensionNotFound):
                async with run_bot(bot):
                    pass
        finally:
            await app.close()
