"""A commit that was sent but never confirmed: the bot checks by id before it says anything."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.db import engine as db_engine
from bot.db.engine import DatabaseUnavailable, WriteOutcomeUnknown
from bot.db.models import FactSuggestionRow
from bot.exts.errors import DATABASE_DOWN, OUTCOME_UNKNOWN, user_message

REAL_COMMIT = AsyncSession.commit


async def _suggest(app: App, question: str) -> None:
    async with app.sessions.begin() as session:
        session.add(FactSuggestionRow(guild_id=1, user_id=2, question=question, answer="7"))


async def _stored(app: App, question: str) -> bool:
    async with app.sessions() as session:
        found = await session.scalar(
            select(FactSuggestionRow.id).where(FactSuggestionRow.question == question)
        )
    return found is not None


def _is_postgres(app: App) -> bool:
    return app.engine.dialect.name == "postgresql"


async def test_a_commit_that_happened_is_reported_saved(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def commit_then_lose_the_answer(self: AsyncSession) -> None:
        await REAL_COMMIT(self)
        raise DatabaseUnavailable("TimeoutError: no answer to COMMIT")

    monkeypatch.setattr(AsyncSession, "commit", commit_then_lose_the_answer)
    if not _is_postgres(app):
        # SQLite: a COMMIT that fails did not happen; the bot says "not saved" straight away.
        with pytest.raises(DatabaseUnavailable):
            await _suggest(app, "committed?")
        return
    await _suggest(app, "committed?")  # no error: checked by id, it is there
    monkeypatch.setattr(AsyncSession, "commit", REAL_COMMIT)
    assert await _stored(app, "committed?")


async def test_a_commit_that_did_not_happen_is_reported_not_saved(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def lose_the_commit(self: AsyncSession) -> None:
        await self.rollback()
        raise DatabaseUnavailable("ConnectionResetError")

    monkeypatch.setattr(AsyncSession, "commit", lose_the_commit)
    with pytest.raises(DatabaseUnavailable) as caught:
        await _suggest(app, "lost?")
    assert not isinstance(caught.value, WriteOutcomeUnknown)
    assert user_message(caught.value) == DATABASE_DOWN
    monkeypatch.setattr(AsyncSession, "commit", REAL_COMMIT)
    assert not await _stored(app, "lost?")


async def test_a_commit_that_cannot_be_checked_says_so(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _is_postgres(app):
        pytest.skip("SQLite: a failed COMMIT is known not to have happened")

    async def lose_the_answer(self: AsyncSession) -> None:
        raise DatabaseUnavailable("TimeoutError")

    async def unreachable(*_args: Any, **_kwargs: Any) -> Any:
        raise DatabaseUnavailable("TimeoutError")

    monkeypatch.setattr(AsyncSession, "commit", lose_the_answer)
    monkeypatch.setattr(AsyncSession, "get", unreachable)
    monkeypatch.setattr(db_engine, "VERIFY_SECONDS", 0.3)
    with pytest.raises(WriteOutcomeUnknown) as caught:
        await _suggest(app, "who knows?")
    assert user_message(caught.value) == OUTCOME_UNKNOWN


async def test_a_query_cancelled_midway_stays_cancelled(app: App) -> None:
    """Cancelling a task (a cog unloading, a timeout) is not an outage: the task must end."""
    from sqlalchemy import text

    slow = (
        "SELECT pg_sleep(2)"
        if _is_postgres(app)
        else "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000000) "
        "SELECT count(*) FROM c"
    )

    async def query() -> None:
        async with app.sessions() as session:
            await session.execute(text(slow))

    task = asyncio.create_task(query())
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not db_engine.outage_monitor(app.engine).down
