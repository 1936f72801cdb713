"""Two bot processes, one per shard, on one PostgreSQL database, against the fake Discord: a fact
imported from the command line answers on both shards within a second, a server's import is
held by its shard's process only, and a change made while one process is cut off from the
database reaches it once it is back."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.db.engine import create_engine
from bot.db.models import FactAuditRow
from bot.settings import REPO_ROOT
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.fakediscord import Channel, FakeDiscord, Guild, User
from tests.faults.helpers import reply_text
from tests.faults.proxy import TcpProxy

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not POSTGRES_URL,
        reason="TEST_DATABASE_URL is not set: shard processes share one PostgreSQL database",
    ),
]

CHANGE_WITHIN = 1.0
"""Seconds from a committed change to its answer in every process that holds the server."""
CUT_SECONDS = 10.0
ASK_EVERY = 0.05


def _env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISCORD_TOKEN", "DEV_GUILD_ID", "SHARD_COUNT", "SHARD_IDS")
    }
    env.update(DATABASE_URL=database_url, LOG_LEVEL="WARNING", **extra)
    return env


async def _run_cli(database_url: str, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=REPO_ROOT,
        env=_env(database_url),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()[-2000:]
    return out.decode()


@dataclass
class Shard:
    """`python -m bot run` for one shard, in a child process."""

    shard_id: int
    guild: Guild
    channel: Channel
    proc: asyncio.subprocess.Process
    log: Path

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@dataclass
class Scene:
    fake: FakeDiscord
    shards: list[Shard]
    alice: User
    direct_url: str
    proxy: TcpProxy

    async def ask(self, shard: Shard, question: str, *, to_shard: int | None = None) -> str:
        ix = await self.fake.slash(
            shard.guild, shard.channel, self.alice, "ask", {"question": question}, shard=to_shard
        )
        return await self.fake.wait_for(lambda: reply_text(ix), 10, what=f"a reply on {shard}")

    async def answered_at(self, shard: Shard, question: str, answer: str, within: float) -> float:
        """The time (time.time()) of the first question whose reply had `answer`; asked again
        and again, for `within` seconds at most."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            sent = time.time()
            if answer in await self.ask(shard, question):
                return sent
            await asyncio.sleep(ASK_EVERY)
        raise AssertionError(f"shard {shard.shard_id} never answered {question!r} with {answer!r}")


async def _newest_change(url: str, after: int) -> tuple[int, dt.datetime]:
    """Wait until an audit row newer than `after` is committed; its id and time."""
    engine = create_engine(url)
    try:
        for _ in range(3000):
            async with engine.connect() as conn:
                row = (
                    await conn.execute(
                        select(FactAuditRow.id, FactAuditRow.at)
                        .where(FactAuditRow.id > after)
                        .order_by(FactAuditRow.id.desc())
                        .limit(1)
                    )
                ).first()
            if row is not None:
                at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
                return int(row.id), at
            await asyncio.sleep(0.01)
    finally:
        await engine.dispose()
    raise AssertionError("the import was never committed")


async def _last_change(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.scalar(select(func.max(FactAuditRow.id)))) or 0)
    finally:
        await engine.dispose()


def _fact_file(tmp: Path, name: str, fact_id: str, question: str, answer: str) -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(
        "facts:\n"
        f"  - id: {fact_id}\n"
        f'    question: "{question}"\n'
        f'    answer: "{answer}"\n'
        "    tags: [club]\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
async def scene(tmp_path: Path) -> AsyncIterator[Scene]:
    assert POSTGRES_URL is not None
    await reset_postgres(POSTGRES_URL)
    await _run_cli(POSTGRES_URL, "migrate")  # once, before starting the processes
    target = make_url(POSTGRES_URL)
    async with (
        FakeDiscord() as fake,
        TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy,
    ):
        alice = fake.add_user("alice")
        guilds = [fake.add_guild(f"Server on shard {i}", shard=(i, 2)) for i in (0, 1)]
        channels = [fake.add_channel(g, "general") for g in guilds]
        for g in guilds:
            fake.add_member(g, alice)
        shards: list[Shard] = []
        try:
            for i, (guild, channel) in enumerate(zip(guilds, channels, strict=True)):
                # Shard 1 reaches the database through a proxy the test can cut.
                url = POSTGRES_URL if i == 0 else proxy.url(POSTGRES_URL)
                log = tmp_path / f"shard-{i}.log"
                env = _env(
                    url,
                    DISCORD_TOKEN="fake-token",
                    DEV_GUILD_ID=str(guild.id),  # its commands, at once
                    SHARD_COUNT="2",
                    SHARD_IDS=str(i),
                    MESSAGE_CONTENT="true",
                    ASK_COOLDOWN_RATE="10000",
                    FAKE_API=fake.api_base,
                    FAKE_GATEWAY=fake.gateway_url,
                )
                with log.open("wb") as err:
                    proc = await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "tests.faults.bot_process",
                        cwd=REPO_ROOT,
                        env=env,
                        stdin=asyncio.subprocess.DEVNULL,
                        stdout=asyncio.subprocess.DEVNULL,
                        stderr=err,
                    )
                shards.append(Shard(i, guild, channel, proc, log))
            try:
                await fake.wait_for(
                    lambda: (
                        fake.shards_connected == {(0, 2), (1, 2)}
                        and all(g.id in fake.guild_commands for g in guilds)
                    ),
                    40,
                    what="both shard processes connected, commands synced",
                )
            except TimeoutError:
                raise AssertionError(
                    "the shard processes did not start:\n" + "\n".join(s.stderr() for s in shards)
                ) from None
            scene = Scene(fake, shards, alice, POSTGRES_URL, proxy)
            for shard in shards:  # each answers in its server (its guild is ready)
                await scene.ask(shard, "hello?")
            yield scene
        finally:
            proxy.restore()
            for shard in shards:
                if shard.proc.returncode is None:
                    shard.proc.send_signal(signal.SIGTERM)
            for shard in shards:
                try:
                    await asyncio.wait_for(shard.proc.wait(), 15)
                except TimeoutError:
                    shard.proc.kill()
                    await shard.proc.wait()
                    raise AssertionError(
                        f"shard {shard.shard_id} did not stop on SIGTERM"
                    ) from None


async def test_two_shard_processes_share_every_change(scene: Scene, tmp_path: Path) -> None:
    shard_0, shard_1 = scene.shards

    # 1. A bundled fact imported from the command line answers on both shards within 1 s.
    mark = await _last_change(scene.direct_url)
    path = _fact_file(
        tmp_path, "club", "club-kit-colour", "What colour is the club kit?", "Teal and white."
    )
    importing = asyncio.create_task(_run_cli(scene.direct_url, "facts", "import", str(path)))
    mark, committed = await _newest_change(scene.direct_url, mark)
    delays: list[float] = []
    for shard in (shard_0, shard_1):
        sent = await scene.answered_at(
            shard, "what colour is the club kit?", "Teal and white", within=5
        )
        delay = sent - committed.timestamp()
        delays.append(delay)
        assert delay < CHANGE_WITHIN, f"shard {shard.shard_id}: {delay:.2f} s"
    assert "1 added" in await importing

    # 2. A server's import (a server on shard 1) answers there, and shard 0 never holds it.
    path = _fact_file(
        tmp_path, "own", "club-mascot", "What is the club mascot called?", "Sprocket the owl."
    )
    importing = asyncio.create_task(
        _run_cli(scene.direct_url, "facts", "import", str(path), "--guild", str(shard_1.guild.id))
    )
    mark, committed = await _newest_change(scene.direct_url, mark)
    sent = await scene.answered_at(shard_1, "what is the club mascot called?", "Sprocket", within=5)
    assert sent - committed.timestamp() < CHANGE_WITHIN
    await importing
    # Misrouted to shard 0's process, the same server's question finds nothing there.
    assert "Sprocket" not in await scene.ask(shard_1, "what is the club mascot called?", to_shard=0)

    # 3. Shard 1 is cut off from the database for 10 s; a change made meanwhile reaches shard 0
    #    at once and shard 1 once it is back.
    scene.proxy.cut("reset")
    cut_at = time.monotonic()
    path = _fact_file(
        tmp_path, "late", "club-founded", "When was the club founded?", "On a wet Tuesday."
    )
    await _run_cli(scene.direct_url, "facts", "import", str(path))
    await scene.answered_at(shard_0, "when was the club founded?", "wet Tuesday", within=2)
    await asyncio.sleep(max(0.0, CUT_SECONDS - (time.monotonic() - cut_at)))
    assert "wet Tuesday" not in await scene.ask(shard_1, "when was the club founded?")
    scene.proxy.restore()
    back = time.monotonic()
    await scene.answered_at(shard_1, "when was the club founded?", "wet Tuesday", within=8)
    caught_up = time.monotonic() - back
    assert caught_up < 8
    # Both processes kept running, and the outage was one line each way in shard 1's log.
    assert all(s.proc.returncode is None for s in scene.shards)
    log = shard_1.stderr()
    assert log.count("change feed: database unreachable") == 1, log
    assert "Traceback" not in shard_0.stderr()
    print(
        f"global import answered on shards 0/1 after {delays[0]:.2f}/{delays[1]:.2f} s; "
        f"shard 1 caught up {caught_up:.2f} s after the database came back"
    )
