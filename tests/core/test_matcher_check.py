"""The facts judge the matcher: self-evaluation, and `python -m bot facts check` for moderators."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.core.facts import Fact, load_fact_file
from bot.core.matcher import check_facts, self_eval
from bot.core.matcher._check import near_misses
from tests.conftest import REPO_ROOT

DATA = REPO_ROOT / "tests" / "data"
GUILD = 31_337


def _cup(scope: int = GUILD) -> list[Fact]:
    return load_fact_file(DATA / "isolation_topic_facts.yaml", scope=scope)


def test_near_misses_change_one_key_term() -> None:
    people = ["dele mensah", "helen price", "tomas ruiz"]
    changed = dict(near_misses("Did Mensah score in the men's final in 2024?", people))
    assert set(changed.values()) == {"mensah -> price", "men's -> women's", "2024 -> 2021"}
    assert "Did Price score in the men's final in 2024?" in changed


def test_self_eval_asks_each_wording_without_it_and_near_misses(bundled_facts: list[Fact]) -> None:
    trials = self_eval([*bundled_facts, *_cup()], guild_id=GUILD)
    wordings = [t for t in trials if not t.near_miss]
    near = [t for t in trials if t.near_miss]
    assert {t.fact_id for t in wordings} == {"cup-winner", "cup-hat-trick", "cup-manager"}
    assert near and all(t.change for t in near)
    # A changed person, sex or year must not get the original fact's answer.
    assert sum(t.answered and not t.right for t in near) <= len(near) // 20


def test_check_reports_colliding_and_unreached_facts_in_plain_words(
    bundled_facts: list[Fact],
) -> None:
    twin = Fact(
        id="cup-winner-twin",
        question="Who won the 2024 Northfield Cup final?",
        answer="Ashford Rovers.",
        scope=GUILD,
    )
    report = check_facts([*bundled_facts, *_cup(), twin], guild_id=GUILD)
    assert report.facts == len(_cup()) + 1
    assert any({a.id, b.id} == {"cup-winner", "cup-winner-twin"} for a, b, _ in report.collisions)
    text = "\n".join(report.lines())
    assert "COLLISION" in text and "cannot tell them apart" in text
    assert "/100" not in text


def test_check_on_an_empty_scope_says_so(bundled_facts: list[Fact]) -> None:
    assert check_facts(bundled_facts, guild_id=GUILD).lines() == [
        "No facts in this scope: there is nothing to check."
    ]


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return tmp_path


def test_facts_check_command(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["facts", "check", "--guild", str(GUILD)]) == 0
    assert capsys.readouterr().out.strip() == "No facts in this scope: there is nothing to check."
    path = DATA / "isolation_topic_facts.yaml"
    assert main(["facts", "import", str(path), "--guild", str(GUILD)]) == 0
    capsys.readouterr()
    assert main(["facts", "check", "--guild", str(GUILD)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Checked {len(_cup())} facts.")
    assert main(["ask", "--json", "--guild", str(GUILD), "who got the hat trick"]) == 0
    assert "Dele Mensah" in capsys.readouterr().out
