"""Shared fixtures: settings on a throwaway database, and the bundled facts."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.core.facts import Fact, load_fact_dir
from bot.db.throwaway import empty_postgres as reset_postgres
from bot.db.throwaway import throwaway_database
from bot.settings import REPO_ROOT, Settings

FACTS_DIR = REPO_ROOT / "facts"
ARTICLE = FACTS_DIR / "article.txt"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
__all__ = ["DATABASES", "POSTGRES_URL", "reset_postgres"]  # shared with the test modules

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


@pytest.fixture(params=DATABASES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or PostgreSQL when TEST_DATABASE_URL is set."""
    return await throwaway_database(request.param, tmp_path, postgres_url=POSTGRES_URL)


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
