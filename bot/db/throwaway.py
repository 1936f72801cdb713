"""Throwaway databases, for the tests and the benchmarks: a new SQLite file in a folder, or a
PostgreSQL database emptied (its `public` schema dropped and created again). Never point
these at a database whose data you want to keep."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.db.engine import create_engine


async def empty_postgres(url: str) -> None:
    """Drop every table, type and row of a PostgreSQL database (its `public` schema)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def throwaway_database(
    kind: str, folder: Path, *, postgres_url: str | None = None, name: str = "test.db"
) -> str:
    """The URL of an empty database: `kind` "sqlite" (a file `name` in `folder`, which must
    not exist yet) or "postgres" (`postgres_url`, emptied)."""
    if kind == "postgres":
        if not postgres_url:
            raise ValueError("a PostgreSQL throwaway database needs its URL")
        await empty_postgres(postgres_url)
        return postgres_url
    if kind != "sqlite":
        raise ValueError(f"unknown database kind {kind!r} (sqlite or postgres)")
    return f"sqlite+aiosqlite:///{folder / name}"
