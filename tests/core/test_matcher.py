"""The matcher: answer what the article says, suggest when unsure, decline the rest."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.facts import Fact
from bot.core.matcher import (
    ANSWER_THRESHOLD,
    MAX_SUGGESTIONS,
    SUGGEST_THRESHOLD,
    FactIndex,
    Outcome,
)
from tests.conftest import FACTS_DIR, REPO_ROOT


@pytest.fixture(scope="module")
def index(bundled_facts: list[Fact]) -> FactIndex:
    return FactIndex.build(bundled_facts)


MUST_ANSWER = [
    ("how many golds has jason kenny got?", ["seven"]),
    ("How many Olympic gold medals has Jason Kenny won?", ["seven"]),
    ("jason kenny total olympic medals", ["nine"]),
    ("Jasn Kenny how many golds", ["seven"]),
    ("how many olympic medals has laura kenny won", ["six"]),
    ("who won the men's keirin in tokyo", ["jason kenny"]),
    ("who took silver in the keirin", ["awang"]),
    ("who got bronze in the keirin", ["lavreysen"]),
    ("where did laura finish in the omnium", ["sixth"]),
    ("who won the omnium", ["valente"]),
    ("what medal did jason win in the team sprint", ["silver"]),
    ("how old is jason kenny", ["33"]),
    ("Which country is Azizulhasni Awang from?", ["malaysia"]),
    ("who did laura win the madison with", ["archibald"]),
    ("how many medals do the kennys have between them", ["15"]),
    ("who is the 33 year old", ["jason kenny"]),  # asked by the answer's own number
    ("harry lavreysen nationality", ["netherlands"]),  # a name two letters off
    ("where is azizulhasni awnag from", ["malaysia"]),
    ("whats laura kenneys gold count", ["five"]),
]

MUST_NOT_ANSWER = [
    "who won the women's keirin?",  # only the men's keirin is in the article
    "who won the women's team sprint",
    "What is the tallest mountain in the world?",
    "good morning everyone",
    "How do I reset my password?",
    "What shoe size is Jason Kenny?",
    "how many golds has chris hoy won in cycling's road race",
    "who won the keirin at paris 2024",
    "How many golds did Chris Hoy win in Beijing?",  # another Games than the article's
    "race?",  # one common word picks out no fact
    "anyone watching the race tonight?",
    "/help",
    "!quiz",
    "",
    "   ",
    "🚴‍♂️🥇🔥",
    "?!?!...",
    "¿Cuántas medallas de oro tiene Jason Kenny en natación?",
    "a" * 10_000,
    "\x00\x1b[31m\x07",
]


@pytest.mark.parametrize(("question", "any_of"), MUST_ANSWER)
def test_questions_the_article_answers_are_answered(
    index: FactIndex, question: str, any_of: list[str]
) -> None:
    result = index.match(question)
    assert result.outcome is Outcome.ANSWER, (question, [c.fact.id for c in result.candidates])
    assert result.fact is not None
    assert any(word in result.fact.answer.lower() for word in any_of), result.fact.answer
    assert result.score >= ANSWER_THRESHOLD


@pytest.mark.parametrize("question", MUST_NOT_ANSWER)
def test_questions_outside_the_article_are_never_answered(index: FactIndex, question: str) -> None:
    result = index.match(question)
    assert result.outcome is not Outcome.ANSWER, (question, result.fact)
    assert len(result.suggestions) <= MAX_SUGGESTIONS


@pytest.mark.parametrize("question", ["kenny medals", "how many golds has kenny won"])
def test_an_ambiguous_question_offers_choices(index: FactIndex, question: str) -> None:
    result = index.match(question)  # Jason's or Laura's?
    assert result.outcome is Outcome.SUGGEST
    assert 2 <= len(result.suggestions) <= MAX_SUGGESTIONS
    assert all(c.score >= SUGGEST_THRESHOLD for c in result.candidates)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_an_outcome_without_raising(text: str) -> None:
    index = _shared_index()
    result = index.match(text)
    assert result.outcome in set(Outcome)
    if result.outcome is Outcome.ANSWER:
        assert result.fact is not None


_INDEX: list[FactIndex] = []


def _shared_index() -> FactIndex:
    if not _INDEX:
        from bot.core.facts import load_fact_dir

        _INDEX.append(FactIndex.build(load_fact_dir(FACTS_DIR)))
    return _INDEX[0]


def test_server_facts_answer_only_in_their_server(index: FactIndex) -> None:
    local = FactIndex.build(index.facts())
    fact = Fact(
        id="club-night",
        question="When is the cycling club night?",
        phrasings=("club night day", "what day is club night", "when do we ride together"),
        answer="Club night is every Wednesday.",
        scope=1234,
    )
    local.add(fact)
    assert local.match("when is club night?", guild_id=1234).fact == fact
    assert local.match("when is club night?", guild_id=999).fact is None
    assert local.match("when is club night?").fact is None


def test_a_hidden_bundled_fact_is_hidden_in_that_server_only(index: FactIndex) -> None:
    local = FactIndex.build(index.facts())
    question = "how many golds has jason kenny got?"
    fact = local.match(question).fact
    assert fact is not None
    local.hide(1234, fact.id)
    # Hidden means not answered there at all, not answered by a neighbouring fact instead.
    assert local.match(question, guild_id=1234).outcome is not Outcome.ANSWER
    assert local.match(question, guild_id=999).fact == fact
    local.unhide(1234, fact.id)
    assert local.match(question, guild_id=1234).fact == fact


def test_removed_and_replaced_facts_take_effect_at_once(index: FactIndex) -> None:
    local = FactIndex.build(index.facts())
    fact = local.match("how old is jason kenny").fact
    assert fact is not None
    local.remove(fact.key)
    assert local.match("how old is jason kenny").fact != fact
    local.add(fact)
    assert local.match("how old is jason kenny").fact == fact


def test_the_core_does_not_import_discord() -> None:
    code = (
        "import sys, bot.core.matcher, bot.core.facts, bot.core.quiz, bot.core.replies; "
        "print(__import__('json').dumps('discord' in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert json.loads(out.stdout) is False
