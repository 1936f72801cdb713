"""The command line: what a person typing `python -m bot …` sees."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.conftest import REPO_ROOT


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env from the checkout, the SQLite file lands here
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return tmp_path


def test_ask_json_prints_one_object_per_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "how many golds has jason kenny got?", "good morning"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(set(o) >= {"question", "answer", "fact_id", "score", "suggestions"} for o in lines)
    answered, declined = lines
    assert "seven" in answered["answer"].lower() and answered["fact_id"]
    assert declined["answer"] is None and declined["fact_id"] is None


def test_ask_reads_stdin_and_answers_in_plain_text() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask"],
        input="who won keirin bronze?\n\n🚴🚴🚴\n" + "x" * 10_000 + "\n",
        capture_output=True,
        text=True,
        cwd=Path.cwd(),
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(REPO_ROOT),
            "DATABASE_URL": "sqlite+aiosqlite:///cli-stdin.db",
        },
    )
    replies = out.stdout.strip().split("\n")
    assert "Lavreysen" in replies[0]
    assert "Traceback" not in out.stderr
    assert out.stdout.count("I don't know that one yet") == 3


def test_facts_list_export_and_import_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["facts", "list", "--tag", "keirin"]) == 0
    assert "keirin" in capsys.readouterr().out
    export = tmp_path / "export.json"
    assert main(["facts", "export", str(export)]) == 0
    data = json.loads(export.read_text())
    assert len(data["facts"]) >= 60
    data["facts"] = [dict(data["facts"][0], id="my-copy", answer="A copied answer.")]
    export.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["facts", "import", str(export), "--guild", "77"]) == 0
    assert "1 added" in capsys.readouterr().out


def test_a_broken_import_names_the_problem_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "facts:\n  - id: good-one\n    question: A fine question?\n    answer: Yes.\n"
        "  - id: bad-one\n    question: Another question?\n"
    )
    assert main(["facts", "import", str(bad), "--guild", "77"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml: fact 'bad-one': field 'answer'" in err
    assert main(["facts", "export", "--guild", "77"]) == 0
    assert "good-one" not in capsys.readouterr().out


def test_without_a_token_run_explains_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    out = capsys.readouterr()
    assert "DISCORD_TOKEN" in out.out + out.err
    assert "Traceback" not in out.out + out.err


def test_a_bad_setting_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEV_GUILD_ID", "not-a-number")
    assert main(["ask", "hello"]) == 2
    assert "DEV_GUILD_ID" in capsys.readouterr().err


def test_ask_guild_answers_from_that_servers_facts_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = tmp_path / "own.yaml"
    own.write_text(
        "facts:\n  - id: club-keeper\n    question: Who keeps goal for Harbour Rovers?\n"
        "    answer: Mia Torvalds keeps goal for Harbour Rovers.\n"
        "    accept: [Mia Torvalds, Torvalds]\n    kind: person\n"
    )
    assert main(["facts", "import", str(own), "--guild", "77"]) == 0
    capsys.readouterr()
    question = "who keeps goal for harbour rovers?"
    assert main(["ask", "--json", "--guild", "77", question]) == 0
    in_server = json.loads(capsys.readouterr().out)
    assert in_server["fact_id"] == "club-keeper"
    for other in (["--guild", "78"], []):
        assert main(["ask", "--json", *other, question]) == 0
        assert json.loads(capsys.readouterr().out)["fact_id"] is None
    # The bundled facts answer in every server.
    assert main(["ask", "--json", "--guild", "77", "how many golds has jason kenny got?"]) == 0
    assert "seven" in json.loads(capsys.readouterr().out)["answer"].lower()


def test_export_all_moves_every_servers_facts_into_a_new_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`facts export --all` then `facts import` into another database (SQLite to PostgreSQL,
    say): each server answers as before, a bundled fact removed in one server is removed there
    only, and nothing of a broken backup is imported."""
    club = tmp_path / "club.yaml"
    club.write_text(
        "facts:\n  - id: club-keeper\n    question: Who keeps goal for Harbour Rovers?\n"
        "    answer: Mia Torvalds keeps goal for Harbour Rovers.\n    kind: person\n"
        "    accept: [Mia Torvalds]\n"
    )
    hidden = tmp_path / "hidden.yaml"  # a server fact with a bundled id replaces it there
    assert main(["facts", "import", str(club), "--guild", "77"]) == 0
    assert main(["facts", "import", str(club), "--guild", "78"]) == 0
    bundled = "how many golds has jason kenny got?"
    assert main(["ask", "--json", "--guild", "78", bundled]) == 0
    bundled_id = json.loads(capsys.readouterr().out.splitlines()[-1])["fact_id"]
    hidden.write_text(
        f"facts:\n  - id: {bundled_id}\n    question: Who sweeps the clubhouse floor?\n"
        "    answer: The groundsman sweeps it.\n"
    )
    assert main(["facts", "import", str(hidden), "--guild", "78"]) == 0
    backup = tmp_path / "backup.json"
    assert main(["facts", "export", "--all", str(backup)]) == 0
    assert "3 facts of 2 servers" in capsys.readouterr().err

    def replies() -> list[str | None]:
        out = []
        for guild in ("77", "78", "79"):
            for q in ("who keeps goal for harbour rovers?", bundled, "who sweeps the clubhouse?"):
                assert main(["ask", "--json", "--guild", guild, q]) == 0
                out.append(json.loads(capsys.readouterr().out)["answer"])
        return out

    before = replies()
    assert before[0] and before[1] and before[5] and not before[6]  # 79 has no club facts
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'moved.db'}")
    broken = tmp_path / "broken.json"
    doc = json.loads(backup.read_text())
    doc["servers"]["78"]["facts"].append({"id": "no-answer", "question": "Who won the cup?"})
    broken.write_text(json.dumps(doc))
    assert main(["facts", "import", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "fact 'server 78: no-answer': field 'answer': is required" in err
    assert main(["facts", "list", "--guild", "78"]) == 0
    assert "0 facts" in capsys.readouterr().out  # nothing of it was imported
    doc = json.loads(backup.read_text())
    doc["servers"]["77"]["hidden"] = [bundled_id]  # a moderator of 77 had removed it
    backup.write_text(json.dumps(doc))
    assert main(["facts", "import", str(backup)]) == 0
    assert "in 2 servers; 1 bundled facts removed" in capsys.readouterr().out
    after = replies()
    assert after[1] != before[1] and after[7] == before[7]  # removed in 77 only
    assert after[:1] + after[2:] == before[:1] + before[2:]
    assert main(["facts", "import", str(backup), "--guild", "77"]) == 2
    assert "import it without a server" in capsys.readouterr().err


GOOD_FACT = (
    "  - id: good-one\n    question: Who keeps goal for Harbour Rovers?\n"
    "    answer: Mia Torvalds keeps goal for Harbour Rovers.\n"
)


@pytest.mark.parametrize(
    ("bad_fact", "named"),
    [
        pytest.param(
            "  - {id: bad-one, question: Who won the final?, answer: Ann., colour: red}\n",
            "fact 'bad-one': field 'colour': is not a known field",
            id="unknown-field",
        ),
        pytest.param(
            "  - {id: bad-one, question: Who won the final?, answer: Ann., kind: colour}\n",
            "fact 'bad-one': field 'kind':",
            id="bad-value",
        ),
        pytest.param(
            "  - {id: bad-one, question: Who won the men's final?, answer: Ann., sex: women}\n",
            "fact 'bad-one': field 'sex': says women, but the fact's questions ask about the men's",
            id="contradicts-the-text",
        ),
    ],
)
def test_a_fact_file_with_one_error_is_rejected_whole_in_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad_fact: str, named: str
) -> None:
    mods = tmp_path / "mods.yaml"
    mods.write_text("facts:\n" + GOOD_FACT + bad_fact, encoding="utf-8")
    assert main(["facts", "import", str(mods), "--guild", "77"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    [line] = out.err.splitlines()  # one message, no traceback
    assert line.startswith(f"error: mods.yaml: {named}")
    # nothing of the file was imported, not even the good fact before the bad one
    assert main(["ask", "--json", "--guild", "77", "who keeps goal for harbour rovers?"]) == 0
    assert json.loads(capsys.readouterr().out)["fact_id"] is None
    assert main(["facts", "export", "--guild", "77"]) == 0
    assert "good-one" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("where", "find", "replace", "named"),
    [
        pytest.param(
            "terms/article.yaml",
            "{name: Chris Hoy, forms: [hoy, chris], sex: men,",
            "{name: Chris Hoy, forms: [hoy, chris], sex: boys,",
            "article.yaml: entry 'Chris Hoy': field 'sex':",
            id="terms-file",
        ),
        pytest.param(
            "terms/article.yaml",
            "{name: Chris Hoy, forms: [hoy, chris],",
            "{name: Chris Hoy, nickname: Sir Chris, forms: [hoy, chris],",
            "article.yaml: entry 'Chris Hoy': field 'nickname':",
            id="terms-unknown-field",
        ),
        pytest.param(
            "keirin.yaml",
            "kind: person",
            "kind: rider",
            "keirin.yaml: fact '",
            id="bundled-fact-file",
        ),
    ],
)
def test_a_bad_bundled_data_file_stops_the_bot_with_one_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
    find: str,
    replace: str,
    named: str,
) -> None:
    facts = tmp_path / "facts"
    shutil.copytree(REPO_ROOT / "facts", facts)
    path = facts / where
    text = path.read_text(encoding="utf-8")
    assert find in text
    path.write_text(text.replace(find, replace, 1), encoding="utf-8")
    monkeypatch.setenv("FACTS_DIR", str(facts))
    assert main(["ask", "--json", "how many golds has jason kenny got?"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    [line] = out.err.splitlines()
    assert line.startswith(f"error: {named}")
    # nothing of the broken file was taken in: with the file put right, a fresh start
    # imports the bundled facts and answers
    path.write_text(text, encoding="utf-8")
    assert main(["ask", "--json", "how many golds has jason kenny got?"]) == 0
    assert json.loads(capsys.readouterr().out)["fact_id"] == "jason-gold-count"
