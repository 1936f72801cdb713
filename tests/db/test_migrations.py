"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.db.engine import create_engine, migrate
from bot.db.models import Base
from bot.settings import REPO_ROOT
from tests.conftest import POSTGRES_URL, reset_postgres


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrating_an_empty_database_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate(engine)
        await migrate(engine)  # a second start finds nothing to do
        async with engine.connect() as conn:
            differences = await conn.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set (PostgreSQL only)")
async def test_shard_processes_migrating_one_fresh_database_at_once_all_succeed() -> None:
    """`python -m bot migrate` started three times at once against an empty PostgreSQL: each
    exits 0 and the schema is upgraded once, to the head."""
    assert POSTGRES_URL is not None
    await reset_postgres(POSTGRES_URL)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(REPO_ROOT),
        "DATABASE_URL": POSTGRES_URL,
    }
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "migrate",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), 120)
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()[-2000:]
    engine = create_engine(POSTGRES_URL)
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(_differences)
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    finally:
        await engine.dispose()
    assert differences == []
    assert len(versions) == 1
