"""Starting the bot: a rejected token is one clear line, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.client import start_bot
from tests.e2e.conftest import make_settings
from tests.fakediscord import FakeDiscord


async def test_a_rejected_token_is_reported_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeDiscord(token="the-right-token") as fake, fake.patch_discord():
        settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/start.db")
        settings = settings.model_copy(update={"discord_token": SecretStr("a-wrong-token")})
        code = await start_bot(settings, sync_only=False, sync_guild=None)
    out = capsys.readouterr().out
    assert code == 2
    assert out.count("\n") == 1 and "rejected the token" in out
    assert "Traceback" not in out


async def test_sync_publishes_the_commands_globally_and_exits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeDiscord() as fake, fake.patch_discord():
        settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/sync.db")
        code = await start_bot(settings, sync_only=True, sync_guild=None)
        names = {c["name"] for c in fake.global_commands}
    assert code == 0
    assert names >= {"ask", "help", "config", "quiz", "fact"}
    assert "published" in capsys.readouterr().out
