"""The real bot running one shard of two, in this process, against the fake Discord: it
identifies as that shard, is given only that shard's servers, holds only their facts, and a
change committed elsewhere reaches it. (SQLite here: the one-line refusal of sharding on SQLite
is a start-up check, tested in test_start.py; the two-process run on PostgreSQL is
tests/e2e/test_shards.py.)"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.app import App
from bot.client import ShardedTriviaBot, TriviaBot
from bot.core.shards import ShardPlan
from bot.services.facts import FactForm, FactService
from tests.e2e.conftest import make_settings
from tests.fakediscord import FakeDiscord, run_bot
from tests.faults.helpers import final_reply

MOD = 7
MASCOT = FactForm("What is the club mascot called?", "Sprocket the owl.")


async def test_a_shard_process_serves_its_shards_servers_only(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    async with FakeDiscord() as fake, fake.patch_discord():
        alice = fake.add_user("alice")
        on_0 = fake.add_guild("Shard zero server", shard=(0, 2))
        on_1 = fake.add_guild("Shard one server", shard=(1, 2))
        channel_1 = fake.add_channel(on_1, "general")
        for g in (on_0, on_1):
            fake.add_member(g, alice)
        # Before the start: each server has its own fact.
        writer = await App.open(make_settings(url))
        writer_facts = FactService(writer.sessions, writer.index)
        ids = {
            guild.id: (
                await writer_facts.add(writer_facts.draft(guild.id, MASCOT), actor_id=MOD)
            ).id
            for guild in (on_0, on_1)
        }
        mascot = ids[on_1.id]
        assert ids[on_0.id] == mascot  # the same id in both servers

        settings = make_settings(url, dev_guild_id=on_1.id)
        app = await App.open(settings, shards=ShardPlan(2, (1,)))
        bot = TriviaBot.create(app)
        assert isinstance(bot, ShardedTriviaBot)
        try:
            async with run_bot(bot):
                await fake.wait_until_ready(commands=True)
                assert fake.shards_connected == {(1, 2)}
                assert bot.get_guild(on_1.id) is not None and bot.get_guild(on_0.id) is None
                assert app.index.get(mascot, on_1.id) is not None
                assert app.index.get(mascot, on_0.id) is None  # never loaded

                ix = await fake.slash(
                    on_1, channel_1, alice, "ask", {"question": "what is the club mascot called?"}
                )
                assert "Sprocket" in await final_reply(ix, within=5)

                # Changed by another process: here within a second; the other shard's not at all.
                await writer_facts.edit(
                    on_1.id,
                    writer.index.get(mascot, on_1.id),  # type: ignore[arg-type]
                    writer_facts.draft_edit(
                        on_1.id,
                        writer.index.get(mascot, on_1.id),  # type: ignore[arg-type]
                        FactForm(MASCOT.question, "Cog the heron."),
                    ),
                    actor_id=MOD,
                )
                await writer_facts.remove(on_0.id, mascot, actor_id=MOD)
                start = time.monotonic()
                while "Cog the heron" not in await final_reply(
                    await fake.slash(
                        on_1,
                        channel_1,
                        alice,
                        "ask",
                        {"question": "what is the club mascot called?"},
                    ),
                    within=5,
                ):
                    assert time.monotonic() - start < 1.0, "the edit did not arrive within 1 s"
                    await asyncio.sleep(0.05)
                assert bot.feed.elsewhere >= 1 and app.index.get(mascot, on_0.id) is None
        finally:
            await app.close()
            await writer.close()
