"""Discord misbehaves: rate-limit storms, a slow API, a dropped gateway. No reply is lost and
none is sent twice."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from tests.e2e.conftest import World
from tests.fakediscord.interaction import Interaction
from tests.faults.conftest import FaultLedger

pytestmark = pytest.mark.slow

QUESTION = "how many golds has jason kenny won?"
STORM_SECONDS = 8.0
RETRY_AFTER = 1.0
_CHANNEL_MESSAGES = r"/channels/\d+/messages"


@pytest.fixture
def e2e_database_url(tmp_path: Path) -> str:
    """Discord's faults do not depend on the database: SQLite only."""
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


def _replies_to(world: World, questions: list[dict[str, object]]) -> dict[str, int]:
    ids = {str(q["id"]): 0 for q in questions}
    for message in world.fake.messages_in(world.channel):
        ref = (message.get("message_reference") or {}).get("message_id")
        if message["author"]["id"] == str(world.fake.bot.id) and str(ref) in ids:
            ids[str(ref)] += 1
    return ids


async def _ask_by_mention(world: World, count: int, every: float) -> list[dict[str, object]]:
    questions = []
    for _ in range(count):
        questions.append(
            await world.fake.send_message(
                world.channel, world.alice, f"{world.fake.bot.mention} {QUESTION}"
            )
        )
        await asyncio.sleep(every)
    return questions


async def test_a_429_storm_loses_no_reply_and_duplicates_none(
    world: World, ledger: FaultLedger, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fake = world.fake
    fake.rate_limit("POST", _CHANNEL_MESSAGES, seconds=STORM_SECONDS, retry_after=RETRY_AFTER)
    questions = await _ask_by_mention(world, 8, STORM_SECONDS / 8)
    await fake.wait_for(
        lambda: all(n >= 1 for n in _replies_to(world, questions).values()),
        20,
        what="a reply to every question",
    )
    await asyncio.sleep(1.5)  # a duplicate would arrive by now
    replies = _replies_to(world, questions)
    gave_up = [r for r in caplog.records if "after discord.py's retries" in r.getMessage()]
    ledger.add(
        f"429 storm {STORM_SECONDS:.0f} s, Retry-After {RETRY_AFTER:g} s",
        "-",
        len(fake.rate_limited),
        f"{len(questions)} questions, {len(gave_up)} sends past discord.py's retries, "
        f"{sum(1 for n in replies.values() if n == 0)} replies lost, "
        f"{sum(n - 1 for n in replies.values() if n > 1)} duplicated",
    )
    gave_up = [r for r in caplog.records if "after discord.py's retries" in r.getMessage()]
    assert gave_up  # discord.py's own five tries were not enough: the bot's retry sent it
    assert list(replies.values()) == [1] * len(questions)


async def test_a_slow_discord_api_delays_replies_but_loses_none(
    world: World, ledger: FaultLedger
) -> None:
    fake = world.fake
    fake.stall("POST", _CHANNEL_MESSAGES, seconds=4.0, delay=1.5)
    questions = await _ask_by_mention(world, 4, 0.5)
    await fake.wait_for(
        lambda: all(n >= 1 for n in _replies_to(world, questions).values()),
        15,
        what="a reply to every question",
    )
    replies = _replies_to(world, questions)
    ledger.add(
        "Discord API stalled 1.5 s per message for 4 s",
        "-",
        len(questions),
        f"{sum(1 for n in replies.values() if n == 0)} replies lost, "
        f"{sum(n - 1 for n in replies.values() if n > 1)} duplicated",
    )
    assert list(replies.values()) == [1] * len(questions)


@pytest.mark.parametrize("code", [None, 4000, 1001], ids=["1006-abort", "4000", "1001"])
async def test_a_dropped_gateway_resumes_and_the_bot_answers(
    world: World, ledger: FaultLedger, code: int | None
) -> None:
    fake = world.fake
    loop = asyncio.get_running_loop()
    started = loop.time()
    await fake.drop_gateway(code)
    await fake.wait_for(lambda: not fake.connected or fake.connected, 1)
    ix = await _slash_when_connected(world)
    reply = await ix.response(timeout=10)
    took = loop.time() - started
    ledger.add(
        f"gateway dropped ({'abort, 1006' if code is None else code})",
        "-",
        1,
        f"resumed and answered after {took:.1f} s",
    )
    assert "Jason Kenny" in str(reply)
    assert took < 10


async def _slash_when_connected(world: World) -> Interaction:
    fake = world.fake
    for _ in range(200):
        await asyncio.sleep(0.05)
        if fake.connected and any(s.identified for s in fake._sessions):
            try:
                return await fake.slash(
                    world.guild, world.channel, world.alice, "ask", {"question": QUESTION}
                )
            except RuntimeError:
                continue
    raise AssertionError("the bot did not reconnect")
