"""The bundled fact files: valid, faithful to the article, and complete enough to play with."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.core.facts import ANSWER_KINDS, Fact
from tests.conftest import ARTICLE, FACTS_DIR

MAX_BUNDLED_ANSWER = 300  # a reply longer than this reads like a dump of the article


def _norm(text: str) -> str:
    text = text.translate({ord("‘"): "'", ord("’"): "'", ord("“"): '"', ord("”"): '"'})
    return re.sub(r"\s+", " ", text).strip().lower()


def test_there_are_enough_facts(bundled_facts: list[Fact]) -> None:
    assert len(bundled_facts) >= 60


def test_ids_are_unique(bundled_facts: list[Fact]) -> None:
    counts = Counter(f.id for f in bundled_facts)
    assert [i for i, n in counts.items() if n > 1] == []


def test_every_quote_is_verbatim_from_the_article(bundled_facts: list[Fact]) -> None:
    article = _norm(ARTICLE.read_text(encoding="utf-8"))
    missing = [f.id for f in bundled_facts if f.quote and _norm(f.quote) not in article]
    assert missing == []
    assert all(f.quote for f in bundled_facts), "every bundled fact cites the article"


def test_facts_have_phrasings_short_answers_and_tags(bundled_facts: list[Fact]) -> None:
    for fact in bundled_facts:
        assert len(fact.phrasings) >= 3, fact.id
        assert len(fact.answer) <= MAX_BUNDLED_ANSWER, fact.id
        assert fact.tags, fact.id
        assert fact.kind in ANSWER_KINDS
        if fact.kind != "text":
            assert fact.accept, f"{fact.id}: a {fact.kind} answer needs accepted short answers"


def test_no_phrasing_belongs_to_two_facts(bundled_facts: list[Fact]) -> None:
    owners: dict[str, str] = {}
    clashes = []
    for fact in bundled_facts:
        for q in fact.all_questions:
            key = re.sub(r"\W+", " ", q.lower()).strip()
            if key in owners and owners[key] != fact.id:
                clashes.append((q, owners[key], fact.id))
            owners[key] = fact.id
    assert clashes == []


def test_translation_slips_are_resolved_in_answers(bundled_facts: list[Fact]) -> None:
    answers = " ".join(f.answer.lower() for f in bundled_facts)
    assert "won money" not in answers
    assert "all-round champion" not in answers
    assert "playoff" not in answers
    team_sprint = [f for f in bundled_facts if "team sprint" in f.answer.lower()]
    assert any("silver" in f.answer.lower() for f in team_sprint)


@pytest.mark.parametrize(
    ("fact_id_part", "needle"),
    [("gold-count", "seven"), ("medal-count", "nine")],
)
def test_jason_headline_numbers(bundled_facts: list[Fact], fact_id_part: str, needle: str) -> None:
    facts = [f for f in bundled_facts if f.id.startswith("jason") and fact_id_part in f.id]
    assert facts and needle in facts[0].answer.lower()


def test_medals_topic_has_a_quiz_worth_of_questions(bundled_facts: list[Fact]) -> None:
    playable = [f for f in bundled_facts if "medals" in f.tags and f.accept]
    assert len(playable) >= 20


def test_fact_files_share_one_source(bundled_facts: list[Fact]) -> None:
    sources = {f.source for f in bundled_facts}
    assert len(sources) == 1
    (source,) = sources
    assert source is not None and source.date.isoformat() == "2021-08-08"
    assert FACTS_DIR.is_dir()
