"""The database goes away while members use the bot: every interaction is answered within
Discord's window, every reply about a write is true, and operators get one line per outage."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.exts.errors import DATABASE_DOWN
from tests.e2e.conftest import FIRST_RESPONSE_LIMIT, World
from tests.fakediscord import Interaction
from tests.faults.conftest import Database, FaultLedger
from tests.faults.helpers import (
    final_reply,
    sqlite_locked,
    stored_questions,
    verdict,
)

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = 10.0
PARTITION_SECONDS = 15.0
BATCH_EVERY = 1.0


@dataclass
class Write:
    ix: Interaction
    question: str
    kind: str  # "fact" or "suggestion"


def _question() -> str:
    words = " ".join(secrets.token_hex(3) for _ in range(2))
    return f"Which locker code opens cabinet {words}?"


@contextlib.asynccontextmanager
async def outage(database: Database, kind: str) -> AsyncIterator[None]:
    if database.proxy is None:
        from sqlalchemy.engine import make_url

        path = make_url(database.url).database
        assert path
        with sqlite_locked(path):  # type: ignore[arg-type]
            yield
        return
    database.proxy.cut(kind)
    try:
        yield
    finally:
        database.proxy.restore()


async def _use_the_bot_during(
    world: World, database: Database, kind: str, seconds: float
) -> tuple[list[Write], list[Interaction]]:
    """Members keep using the bot for `seconds` while the database is out."""
    fake, guild, channel = world.fake, world.guild, world.channel
    writes: list[Write] = []
    others: list[Interaction] = []
    loop = asyncio.get_running_loop()
    # An admin let every member see /fact (Integrations): bob's /fact add meets the bot's check.
    fake.allow_command(guild, "fact", guild.everyone)
    async with outage(database, kind):
        end = loop.time() + seconds
        while loop.time() < end:
            q = _question()
            ix = await fake.slash(
                guild, channel, world.mod, "fact add", {"question": q, "answer": "It is 42."}
            )
            writes.append(Write(ix, q, "fact"))
            q = _question()
            ix = await fake.slash(
                guild, channel, world.alice, "suggest", {"question": q, "answer": "Seven."}
            )
            writes.append(Write(ix, q, "suggestion"))
            others.append(await fake.slash(guild, channel, world.bob, "quiz leaderboard"))
            others.append(
                await fake.slash(
                    guild, channel, world.bob, "fact add", {"question": _question(), "answer": "x"}
                )
            )
            others.append(
                await fake.slash(
                    guild,
                    channel,
                    world.alice,
                    "ask",
                    {"question": "how many golds has jason kenny won?"},
                )
            )
            await asyncio.sleep(BATCH_EVERY)
    return writes, others


@pytest.mark.parametrize(
    "kind",
    [pytest.param("reset", id="outage"), pytest.param("partition", id="partition")],
)
async def test_database_outage_every_reply_in_time_and_true(
    world: World,
    database: Database,
    kind: str,
    ledger: FaultLedger,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if database.name == "sqlite" and kind == "partition":
        pytest.skip("SQLite is a local file: there is no network to partition")
    seconds = PARTITION_SECONDS if kind == "partition" else OUTAGE_SECONDS
    caplog.set_level(logging.INFO)
    fake = world.fake

    writes, others = await _use_the_bot_during(world, database, kind, seconds)
    replies = {id(w.ix): await final_reply(w.ix) for w in writes}
    other_replies = [await final_reply(ix) for ix in others]

    # 1. every interaction got its first response in time, even those that waited on the db
    late = fake.late_responses(FIRST_RESPONSE_LIMIT)
    slowest = max(fake.first_response_times())

    # 2. every "saved" / "not saved" is true
    facts, suggestions = await stored_questions(database.direct_url)
    verdicts = {"saved": 0, "not-saved": 0, "unknown": 0, "other": 0}
    untrue: list[tuple[str, str]] = []
    for w in writes:
        said = verdict(replies[id(w.ix)])
        verdicts[said] += 1
        stored = w.question in (facts if w.kind == "fact" else suggestions)
        if (said == "saved" and not stored) or (said == "not-saved" and stored):
            untrue.append((w.question, replies[id(w.ix)]))
        if said == "other":
            untrue.append((w.question, replies[id(w.ix)]))
    member_down = sum(DATABASE_DOWN in text for text in other_replies)
    answered = sum("Jason Kenny" in text for text in other_replies)

    # 3. after the fault, writing works again
    ix = await fake.slash(
        world.guild,
        world.channel,
        world.mod,
        "fact add",
        {"question": _question(), "answer": "Yes."},
    )
    after = verdict(await final_reply(ix))

    # 4. operators: one line when it started, one with the duration when it ended, no tracebacks
    engine_lines = [r.getMessage() for r in caplog.records if r.name == "bot.db.engine"]
    started = [m for m in engine_lines if "unreachable" in m]
    ended = [m for m in engine_lines if "reachable again" in m]
    tracebacks = [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]

    ledger.add(
        f"database {'partition' if kind == 'partition' else 'outage'} {seconds:.0f} s",
        database.name,
        len(fake.interactions),
        f"slowest first response {slowest:.2f} s, late {len(late)}; writes: "
        f"{verdicts['saved']} saved, {verdicts['not-saved']} not saved, "
        f"{verdicts['unknown']} unknown, {len(untrue)} untrue; tracebacks {len(tracebacks)}",
    )
    assert not late, late
    assert not untrue, untrue
    assert verdicts["not-saved"] + verdicts["unknown"] > 0  # the fault really hit the writes
    assert member_down > 0 and answered > 0  # questions are answered from memory meanwhile
    assert len(started) == 1 and len(ended) == 1, engine_lines
    assert "outage of" in ended[0]
    assert not tracebacks, [r.getMessage() for r in tracebacks]
    assert after == "saved"
