"""Writes a quiz keeps while the database is away: each runs once, in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.db.engine import DatabaseUnavailable, PendingWrites, create_engine


async def test_writes_started_together_each_run_once_and_in_order(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    writes = PendingWrites(engine)
    ran: list[int] = []

    def write(n: int) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await asyncio.sleep(0.01)  # a database round trip: others start meanwhile
            ran.append(n)

        return run

    results = await asyncio.gather(*(writes.run(write(n)) for n in range(5)))
    assert ran == [0, 1, 2, 3, 4]
    assert all(results) and writes.waiting == 0
    await engine.dispose()


async def test_a_write_kept_during_an_outage_is_saved_once_when_it_is_back(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    writes = PendingWrites(engine)
    down = True
    ran: list[str] = []

    async def save() -> None:
        if down:
            raise DatabaseUnavailable("test outage")
        ran.append("saved")

    assert await writes.run(save) is False
    assert writes.waiting == 1
    down = False
    assert await writes.flush(force=True) is True
    assert await writes.flush(force=True) is True
    assert ran == ["saved"] and writes.waiting == 0
    await engine.dispose()
