"""`kill -9` at any moment: during the first start, during moderator writes and during a quiz.
Every restart succeeds, no acknowledged write is lost, an interrupted quiz is closed with one
message."""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.engine import create_engine
from bot.db.models import QuizGameRow
from bot.settings import REPO_ROOT
from tests.fakediscord import Channel, FakeDiscord, Guild, Perm, User
from tests.faults.conftest import Database, FaultLedger
from tests.faults.helpers import final_reply, stored_questions, verdict

pytestmark = pytest.mark.slow

FIRST_START_ROUNDS = 5
WRITE_ROUNDS = 2
INTERRUPTED = "interrupted by a restart"


def _env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DEV_GUILD_ID")}
    env.update(DATABASE_URL=database_url, LOG_LEVEL="WARNING", **extra)
    return env


async def _spawn(args: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=REPO_ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


def _kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        os.kill(proc.pid, signal.SIGKILL)


def _schema_state(path: Path) -> str:
    """'empty', 'complete' (a version row), or 'broken' (tables without a version)."""
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return "empty"
        if (
            "alembic_version" in tables
            and conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0]
        ):
            return "complete"
    return "broken"


# --- first start ----------------------------------------------------------------------------
async def test_kill_during_first_start_then_start_again(
    database: Database, tmp_path: Path, ledger: FaultLedger
) -> None:
    """Killed at many points of a first start (migrations, loading the bundled facts), the next
    start always succeeds and finds the facts."""
    rng = random.Random(11)
    restarts_ok = 0
    states: dict[str, int] = {}
    for round_no in range(FIRST_START_ROUNDS):
        if database.name == "sqlite":
            path = tmp_path / f"first-{round_no}.db"
            url = f"sqlite+aiosqlite:///{path}"
        else:
            from tests.conftest import reset_postgres

            await reset_postgres(database.direct_url)
            url, path = database.direct_url, None
        proc = await _spawn(["-m", "bot", "facts", "list"], _env(url))
        if path is not None:  # kill at a moment after the file appeared: inside the migration
            while not path.exists() and proc.returncode is None:  # noqa: ASYNC110 (a file)
                await asyncio.sleep(0.001)
            await asyncio.sleep(rng.uniform(0.0, 0.25) * (round_no / FIRST_START_ROUNDS))
        else:
            await asyncio.sleep(rng.uniform(0.3, 2.0))
        _kill(proc)
        await proc.wait()
        if path is not None and path.exists():
            state = _schema_state(path)
            states[state] = states.get(state, 0) + 1
            assert state != "broken", f"round {round_no}: tables left without a version"
        again = await _spawn(["-m", "bot", "facts", "list"], _env(url))
        _, err = await again.communicate()
        assert again.returncode == 0, err.decode()
        restarts_ok += 1
    ledger.add(
        "kill -9 during first start",
        database.name,
        FIRST_START_ROUNDS,
        f"{restarts_ok}/{FIRST_START_ROUNDS} restarts succeeded; state after kill: {states or 'n/a'}",
    )


# --- the running bot --------------------------------------------------------------------------
class BotProcess:
    """The real bot (python -m bot run) in a child process, connected to the fake Discord."""

    def __init__(self, fake: FakeDiscord, guild: Guild, database_url: str) -> None:
        self.fake = fake
        self.env = _env(
            database_url,
            DISCORD_TOKEN="fake-token",
            DEV_GUILD_ID=str(guild.id),
            MESSAGE_CONTENT="true",
            ASK_COOLDOWN_RATE="100",
            FAKE_API=fake.api_base,
            FAKE_GATEWAY=fake.gateway_url,
        )
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        self.fake.ready.clear()
        self.fake.commands_synced.clear()
        self.proc = await _spawn(["-m", "tests.faults.bot_process"], self.env)
        try:
            await self.fake.wait_until_ready(timeout=30, commands=True)
        except TimeoutError:
            _kill(self.proc)
            _, err = await self.proc.communicate()
            raise AssertionError(f"the bot did not start: {err.decode()[-2000:]}") from None
        await asyncio.sleep(0.3)  # GUILD_CREATE processed, cogs loaded
        self.starts += 1

    async def kill(self) -> None:
        assert self.proc is not None
        _kill(self.proc)
        await self.proc.wait()
        await self.fake.wait_for(lambda: not self.fake.connected, 10, what="the bot gone")

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                _kill(self.proc)
                await self.proc.wait()


class Scene:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.guild = fake.add_guild("Velodrome fans")
        self.channel: Channel = fake.add_channel(self.guild, "general")
        self.mod: User = fake.add_user("moderator")
        self.alice: User = fake.add_user("alice")
        fake.add_member(self.guild, self.mod, permissions=Perm.MANAGE_GUILD)
        fake.add_member(self.guild, self.alice)


@pytest.fixture
async def bot_process(database: Database) -> AsyncIterator[tuple[Scene, BotProcess]]:
    async with FakeDiscord() as fake:
        scene = Scene(fake)
        bot = BotProcess(fake, scene.guild, database.direct_url)
        try:
            yield scene, bot
        finally:
            await bot.stop()


async def _write_until_killed(scene: Scene, acknowledged: list[str], stop: asyncio.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        words = " ".join(secrets.token_hex(3) for _ in range(2))
        question = f"Which shelf holds the archive box {words}?"
        ix = await scene.fake.slash(
            scene.guild,
            scene.channel,
            scene.mod,
            "fact add",
            {"question": question, "answer": f"Shelf {n}."},
        )
        try:
            text = await final_reply(ix, within=3.0)
        except TimeoutError:
            return  # killed before it answered: not acknowledged
        if verdict(text) == "saved":
            acknowledged.append(question)


async def test_kill_during_moderator_writes_loses_no_acknowledged_write(
    bot_process: tuple[Scene, BotProcess], database: Database, ledger: FaultLedger
) -> None:
    scene, bot = bot_process
    rng = random.Random(5)
    await bot.start()
    acknowledged: list[str] = []
    lost: list[str] = []
    for _ in range(WRITE_ROUNDS):
        stop = asyncio.Event()
        writer = asyncio.create_task(_write_until_killed(scene, acknowledged, stop))
        await asyncio.sleep(rng.uniform(0.5, 2.0))
        await bot.kill()
        stop.set()
        await writer
        facts, _ = await stored_questions(database.direct_url)
        lost += [q for q in acknowledged if q not in facts]
        await bot.start()  # every restart succeeds (raises otherwise)
    # and the restarted bot answers from what it kept
    ix = await scene.fake.slash(
        scene.guild, scene.channel, scene.alice, "ask", {"question": acknowledged[0]}
    )
    assert "Shelf" in (await final_reply(ix))
    ledger.add(
        "kill -9 during moderator writes",
        database.name,
        WRITE_ROUNDS,
        f"{len(acknowledged)} writes acknowledged, {len(lost)} lost; "
        f"{bot.starts - 1}/{WRITE_ROUNDS} restarts succeeded",
    )
    assert len(acknowledged) >= WRITE_ROUNDS
    assert not lost


async def test_kill_during_a_quiz_closes_it_with_one_message(
    bot_process: tuple[Scene, BotProcess], database: Database, ledger: FaultLedger
) -> None:
    scene, bot = bot_process
    fake = scene.fake
    await bot.start()
    ix = await fake.slash(
        scene.guild, scene.channel, scene.alice, "quiz start", {"rounds": 3, "seconds": 10}
    )
    await ix.response()
    await fake.wait_for_message(scene.channel, lambda m: "Question 1" in str(m), timeout=10)
    await asyncio.sleep(random.uniform(0.2, 1.5))
    await bot.kill()
    await bot.start()
    await fake.wait_for(
        lambda: any(INTERRUPTED in str(m) for m in fake.messages_in(scene.channel)),
        15,
        what="the interrupted quiz announced",
    )
    await bot.kill()
    await bot.start()  # a second restart must not announce it again
    await asyncio.sleep(1.0)
    announced = sum(INTERRUPTED in str(m) for m in fake.messages_in(scene.channel))
    engine = create_engine(database.direct_url)
    try:
        async with engine.connect() as conn:
            statuses = list((await conn.execute(select(QuizGameRow.status))).scalars())
    finally:
        await engine.dispose()
    ledger.add(
        "kill -9 during a quiz",
        database.name,
        2,
        f"interrupted quiz announced {announced}x, game rows {statuses}; "
        f"{bot.starts - 1}/2 restarts succeeded",
    )
    assert announced == 1
    assert statuses == ["interrupted"]
