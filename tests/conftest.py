"""Shared fixtures: settings on a throwaway database, and the bundled facts."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import App
from bot.core.facts import Fact, load_fact_dir
from bot.db.engine import create_engine
from bot.settings import REPO_ROOT, Settings

FACTS_DIR = REPO_ROOT / "facts"
ARTICLE = FACTS_DIR / "article.txt"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="TEST_DATABASE_URL is not set (CI sets it to PostgreSQL)"
        ),
    ),
]


@pytest.fixture(scope="session")
def bundled_facts() -> list[Fact]:
    return load_fact_dir(FACTS_DIR)


async def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(params=DATABASES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "postgres":
        assert POSTGRES_URL is not None
        await reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        discord_token=None,
        message_content=True,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    app = await App.open(settings)
    yield app
    await app.close()
