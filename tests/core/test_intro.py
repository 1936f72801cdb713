"""How the bot introduces what it knows comes from data (`bot/data/intro.yaml`), not code."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.facts import Fact
from bot.core.intro import bundled_source, has_own_facts, load_intro, source_date
from bot.core.matcher import FactIndex, Outcome
from bot.core.vocab import VocabError


def test_every_example_question_is_answered_by_the_bundled_facts(
    bundled_facts: list[Fact],
) -> None:
    index = FactIndex.build(bundled_facts)
    intro = load_intro()
    for example in intro.examples:
        assert index.match(example).outcome is Outcome.ANSWER, example


def test_the_topic_is_named_and_fits_a_command_description() -> None:
    intro = load_intro()
    assert intro.topic and intro.short
    assert len(f"Ask a question about {intro.short} or your server's own facts") <= 100
    assert intro.subject(own_facts=True).endswith("and this server's own facts")
    assert intro.subject() == intro.short


def test_the_article_date_and_own_facts_are_read_from_the_facts(
    bundled_facts: list[Fact],
) -> None:
    assert source_date(bundled_source(bundled_facts)) == "8 August 2021"
    own = Fact(id="club-keeper", question="Who keeps goal?", answer="Mia.", scope=77)
    assert has_own_facts([*bundled_facts, own], 77)
    assert not has_own_facts(bundled_facts, 77)
    assert not has_own_facts([*bundled_facts, own], None)  # DMs know only the bundled facts


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("topic: T\n", ["intro.yaml", "topic"]),  # too short
        (
            "topic: Tennis\nshort: tennis\nquiz: serves\nexamples: ['who won it?']\ncolour: red\n",
            ["intro.yaml", "field 'colour'", "is not a known field"],
        ),
        ("topic: Tennis\nshort: tennis\nquiz: serves\n", ["field 'examples'", "is required"]),
        ("- Tennis\n", ["intro.yaml", "expected a mapping"]),
    ],
)
def test_a_bad_intro_file_is_rejected_naming_file_and_field(
    tmp_path: Path, body: str, words: list[str]
) -> None:
    path = tmp_path / "intro.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(VocabError) as err:
        load_intro(path)
    for word in words:
        assert word in str(err.value)
