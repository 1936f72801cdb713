"""The bot's services, built once at start-up and passed to whatever needs them.

`App.open()` is what every entry point (ask, console, run, facts ...) calls first: it creates or
migrates the database, loads the bundled fact files into it (idempotently) and builds the index.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.changes import last_change_id
from bot.core.facts import load_fact_dir
from bot.core.matcher import FactIndex, load_terms_dir
from bot.core.shards import UNSHARDED, ShardPlan
from bot.db import facts as fact_store
from bot.db.engine import create_engine, migrate, session_factory
from bot.settings import Settings

log = logging.getLogger(__name__)

FREEZE_FACTS = 10_000
"""From this many facts on, what the start loaded (the index, mostly) is set aside from the
garbage collector (`gc.freeze`): it lives as long as the process, and walking its millions of
objects in every full collection would stop the bot for a second or more at a time."""


SEED_LOCK = 0x6B7462  # any constant; the PostgreSQL advisory lock the seeding holds


async def _one_seeder_at_a_time(session: AsyncSession) -> None:
    """Shard processes start together: on PostgreSQL one of them loads the bundled facts while
    the others wait, then find them loaded (instead of inserting them twice)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEED_LOCK})


@dataclass(slots=True)
class App:
    """Settings, database and fact index: the Discord-free core the bot and the CLI share."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    index: FactIndex
    shards: ShardPlan = UNSHARDED
    """The servers whose facts this process holds (all of them unless sharded)."""
    audit_mark: int = 0
    """The newest fact change (audit id) before the index was loaded: a change feed applies
    what came after it."""

    @classmethod
    async def open(
        cls,
        settings: Settings,
        *,
        seed: bool = True,
        load_index: bool = True,
        shards: ShardPlan | None = None,
    ) -> App:
        """`load_index=False`: an empty index, for a command that only writes to the database.
        `shards`: load only the bundled facts and those of the servers on these shards."""
        plan = shards or UNSHARDED
        engine = create_engine(settings.database_url)
        try:
            await migrate(engine)
            sessions = session_factory(engine)
            if seed:
                await cls.sync_bundled(sessions, settings.facts_dir)
            async with sessions() as session:
                mark = await last_change_id(session)
            if load_index:
                index = await cls.load_index(
                    sessions, terms_dir=settings.facts_dir / "terms", shards=plan
                )
                if len(index) >= FREEZE_FACTS:
                    gc.freeze()
            else:
                index = FactIndex.build((), terms=())
        except BaseException:
            await engine.dispose()
            raise
        return cls(settings, engine, sessions, index, plan, mark)

    @staticmethod
    async def sync_bundled(
        sessions: async_sessionmaker[AsyncSession], facts_dir: Path
    ) -> fact_store.ImportReport | None:
        """Bring the bundled facts in the database in line with the fact files; None when the
        files are those of the last sync (nothing is read, parsed or written then)."""
        digest = fact_store.bundled_digest(facts_dir)
        async with sessions() as session:
            if await fact_store.bundled_unchanged(session, digest):
                return None
        bundled = load_fact_dir(facts_dir)
        async with sessions.begin() as session:
            await _one_seeder_at_a_time(session)
            report = await fact_store.sync_bundled(session, bundled, digest=digest)
        if report.added or report.updated or report.removed:
            log.info(
                "bundled facts: %d added, %d updated, %d removed",
                report.added,
                report.updated,
                report.removed,
            )
        return report

    @staticmethod
    async def load_index(
        sessions: async_sessionmaker[AsyncSession],
        *,
        terms_dir: Path | None = None,
        shards: ShardPlan | None = None,
    ) -> FactIndex:
        started = time.perf_counter()
        async with sessions() as session:
            facts, hidden = await fact_store.load_all(session, shards=shards)
        loaded = time.perf_counter()
        terms = None if terms_dir is None else load_terms_dir(terms_dir)
        index = FactIndex.build(facts, terms=terms)
        for guild_id, slug in hidden:
            index.hide(guild_id, slug)
        log.info(
            "%d facts loaded from the database in %.2f s, indexed in %.2f s",
            len(facts),
            loaded - started,
            time.perf_counter() - loaded,
        )
        return index

    async def close(self) -> None:
        await self.engine.dispose()
