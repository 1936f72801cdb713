"""Starting shard processes from the command line: settings that cannot work stop the bot in
one clear line before anything connects; `migrate` prepares the database once for all."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-token")
    for name in ("SHARD_COUNT", "SHARD_IDS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "env", "says"),
    [
        (
            ["run", "--shard-ids", "0-3", "--shard-count", "2"],
            {"DATABASE_URL": "postgresql+asyncpg://bot@127.0.0.1:1/bot"},
            "error: SHARD_IDS 0-3 is outside SHARD_COUNT 2: shard ids go from 0 to 1",
        ),
        (
            ["run"],
            {"SHARD_COUNT": "4", "SHARD_IDS": "2,7", "DATABASE_URL": "postgresql://h/db"},
            "error: SHARD_IDS 2,7 is outside SHARD_COUNT 4",
        ),
        (
            ["run", "--shard-count", "2"],
            {},
            "error: sharding (SHARD_COUNT/SHARD_IDS) needs PostgreSQL",
        ),
        (["run"], {"SHARD_COUNT": "2", "SHARD_IDS": "1"}, "needs PostgreSQL"),
        (["run", "--shard-ids", "1"], {}, "SHARD_IDS is set but SHARD_COUNT is not"),
        (["run", "--shard-ids", "one"], {}, "'one' is not a shard id"),
        (["run"], {"SHARD_IDS": "2-1"}, "error: setting SHARD_IDS:"),
    ],
)
def test_sharding_settings_that_cannot_work_stop_the_bot_in_one_line(
    argv: list[str],
    env: dict[str, str],
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 2
    out = capsys.readouterr()
    lines = (out.out + out.err).strip().splitlines()
    assert len(lines) == 1 and says in lines[0], lines
    assert "Traceback" not in out.err
    assert not (tmp_path / "cli.db").exists()  # stopped before opening the database


def test_migrate_prepares_the_database_and_exits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0  # again: nothing to do
    assert "up to date" in capsys.readouterr().out
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        facts = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    assert {"facts", "fact_audit", "guild_settings"} <= tables and version
    assert facts == 0  # the schema only: each process loads the bundled facts itself
