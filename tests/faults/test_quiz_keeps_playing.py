"""A quiz whose database writes fail keeps playing in memory, says at the end that its scores
could not be saved, and saves them once the database is back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.db.models import QuizGameRow, QuizScoreRow
from bot.exts.quiz import QuizCog
from tests.e2e.conftest import World
from tests.e2e.test_quiz import TIME_SCALE, posted, press, right_and_wrong, start
from tests.faults.conftest import FaultLedger
from tests.faults.helpers import sqlite_locked

pytestmark = pytest.mark.slow


@pytest.fixture
def e2e_database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
async def quiz(world: World) -> QuizCog:
    import discord

    await world.bot.remove_cog(QuizCog.__cog_name__)
    cog = QuizCog(world.bot, time_scale=TIME_SCALE)
    await world.bot.add_cog(cog)
    world.bot.tree.copy_global_to(guild=discord.Object(world.guild.id))
    return cog


async def test_a_quiz_keeps_playing_while_the_database_is_down(
    world: World, quiz: QuizCog, ledger: FaultLedger, e2e_database_url: str
) -> None:
    fake = world.fake
    await start(world, world.alice, rounds=3, seconds=10)
    first = await posted(world, world.channel, "Question 1 of 3")
    path = Path(e2e_database_url.split("///", 1)[1])
    with sqlite_locked(path):
        right, _ = right_and_wrong(world, first)
        assert (await press(world, first, world.alice, right)).startswith("Right! +")
        for n in (2, 3):

            def is_question(m: dict[str, Any], n: int = n) -> bool:
                return any(e.get("title", "").startswith(f"Question {n} of 3") for e in m["embeds"])

            await fake.wait_for_message(
                world.channel,
                is_question,
                timeout=20,
                after=0,
            )
        final = (await posted(world, world.channel, "Quiz over!"))["embeds"][0]
    failed = [
        m for m in fake.messages_in(world.channel) if "stopped because of an error" in m["content"]
    ]
    fields = {f["name"]: f["value"] for f in final.get("fields", [])}

    async def saved() -> tuple[list[str], int]:
        async with world.app.sessions() as session:
            statuses = list(await session.scalars(select(QuizGameRow.status)))
            points = sum(await session.scalars(select(QuizScoreRow.points)))
        return statuses, points

    async with asyncio.timeout(20):
        while (await saved())[0] != ["completed"]:  # noqa: ASYNC110 (polls the database)
            await asyncio.sleep(0.5)
    statuses, points = await saved()
    ledger.add(
        "database locked during a quiz",
        "sqlite",
        3,
        f"played 3/3 questions, 'not saved' said: {'Not saved' in fields}, "
        f"saved after: {statuses}, {points} points",
    )
    assert not failed
    assert "Not saved" in fields
    assert points > 0
