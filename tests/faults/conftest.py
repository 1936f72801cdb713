"""Fault-suite fixtures: databases behind a cuttable proxy, and the table of faults injected."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import DATABASES, POSTGRES_URL, reset_postgres
from tests.e2e.conftest import World, bot_settings, make_settings, world
from tests.faults.proxy import TcpProxy


@dataclass
class FaultRow:
    fault: str
    database: str
    injected: int
    outcome: str


@dataclass
class FaultLedger:
    """What the suite injected and what came of it; printed at the end of the test run."""

    rows: list[FaultRow] = field(default_factory=list)

    def add(self, fault: str, database: str, injected: int, outcome: str) -> None:
        self.rows.append(FaultRow(fault, database, injected, outcome))


_LEDGER = FaultLedger()


@pytest.fixture(scope="session")
def ledger() -> FaultLedger:
    return _LEDGER


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _LEDGER.rows:
        return
    tr = terminalreporter
    tr.section("faults injected and outcomes")
    width = max(len(r.fault) for r in _LEDGER.rows)
    tr.write_line(f"{'fault'.ljust(width)}  {'database':<9} {'injected':>8}  outcome")
    for r in _LEDGER.rows:
        tr.write_line(f"{r.fault.ljust(width)}  {r.database:<9} {r.injected:>8}  {r.outcome}")


@dataclass
class Database:
    """A fresh database for one test; PostgreSQL is reached through a proxy the test can cut."""

    name: str  # "sqlite" or "postgres"
    url: str  # what the bot connects to
    direct_url: str  # bypassing the proxy (for checks after the fault)
    proxy: TcpProxy | None


@pytest.fixture(params=DATABASES)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "postgres":
        assert POSTGRES_URL is not None
        await reset_postgres(POSTGRES_URL)
        target = make_url(POSTGRES_URL)
        async with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
            yield Database("postgres", proxy.url(POSTGRES_URL), POSTGRES_URL, proxy)
        return
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    yield Database("sqlite", url, url, None)


@pytest.fixture
def e2e_database_url(database: Database) -> str:
    return database.url


@pytest.fixture
def sqlite_path(database: Database) -> Iterator[Path | None]:
    yield Path(make_url(database.url).database or "") if database.name == "sqlite" else None


__all__ = ["Database", "FaultLedger", "World", "bot_settings", "make_settings", "world"]
