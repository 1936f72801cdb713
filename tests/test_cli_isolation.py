"""Scopes are isolated, as a moderator would check it from the command line.

A thousand facts imported into server A with `python -m bot facts import` leave every reply
`python -m bot ask` gives in server B (which has facts of its own) and in direct messages
byte-identical: on SQLite and on PostgreSQL, each command a fresh process state read from the
database, as the bot reads it when it starts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.core.facts import dump_facts
from tests.core.test_matcher_isolation import DATA, generated_facts, questions

SERVER_A = 111_111
SERVER_B = 222_222


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return database_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0, argv
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.out


def replies(capsys: pytest.CaptureFixture[str], *scope: str) -> tuple[str, str]:
    """Every reply to the isolation questions in one scope: as JSON and as plain text."""
    return (
        run(capsys, "ask", "--json", *scope, *questions()),
        run(capsys, "ask", *scope, *questions()),
    )


def test_importing_into_one_server_changes_no_reply_elsewhere(
    cli_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    topic = DATA / "isolation_topic_facts.yaml"
    assert "added" in run(capsys, "facts", "import", str(topic), "--guild", str(SERVER_B))
    in_b = ("--guild", str(SERVER_B))
    before_b, before_dm, before_a = (
        replies(capsys, *in_b),
        replies(capsys),
        replies(capsys, "--guild", str(SERVER_A)),
    )
    assert before_b != before_dm  # server B's own facts answer there, and only there

    thousand = tmp_path / "thousand.yaml"
    thousand.write_text(dump_facts(generated_facts(1000, SERVER_A)), encoding="utf-8")
    said = run(capsys, "facts", "import", str(thousand), "--guild", str(SERVER_A))
    assert said.strip() == "thousand.yaml: 1000 added, 0 updated, 0 unchanged"

    assert replies(capsys, *in_b) == before_b
    assert replies(capsys) == before_dm
    # ... and server A's own replies did change: the facts are really there.
    assert replies(capsys, "--guild", str(SERVER_A)) != before_a
