"""Key terms come from data: the article's terms file, and each fact's own text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.facts import Fact
from bot.core.matcher import FactIndex, Outcome, load_terms_dir
from bot.core.matcher._terms import Lexicon, capitalised_names
from bot.core.text import tokens
from bot.core.vocab import VocabError, load_language

GUILD = 4242


def _fact(fid: str, question: str, answer: str, **kw: object) -> Fact:
    return Fact(id=fid, question=question, answer=answer, scope=GUILD, **kw)  # type: ignore[arg-type]


TENNIS = [
    _fact(
        "t-mens-champion",
        "Who won the men's singles?",
        "Luca Ferrante of Italy won the men's singles title.",
        accept=("Luca Ferrante", "Ferrante"),
        kind="person",
        tags=("mens-singles",),
    ),
    _fact(
        "t-womens-champion",
        "Who won the women's singles?",
        "Yuna Kang of South Korea won the women's singles title.",
        accept=("Yuna Kang", "Kang"),
        kind="person",
        tags=("womens-singles",),
    ),
    _fact(
        "t-ferrante-age",
        "How old is Luca Ferrante?",
        "Ferrante is 23 years old.",
        accept=("23",),
        kind="number",
    ),
    _fact(
        "t-kang-age",
        "How old is Yuna Kang?",
        "Kang is 17 years old.",
        accept=("17",),
        kind="number",
    ),
    _fact(
        "t-venue",
        "Where is the Harbour Open played?",
        "The Harbour Open is played at Quayside Park.",
        accept=("Quayside Park",),
    ),
]


def test_people_are_read_from_answers_and_capitalised_names() -> None:
    lex = Lexicon()
    for f in TENNIS:
        lex.add_fact(f)
    assert set(lex.names["ferrante"]) == {"luca ferrante"}
    assert set(lex.names["kang"]) == {"yuna kang"}
    assert "quayside" not in lex.names and "harbour" not in lex.names  # places, not people
    assert lex.sex_of("luca ferrante") == "men"
    assert lex.sex_of("yuna kang") == "women"
    assert lex.events.get("single") == "single"  # "men's singles" and "women's singles"


def test_capitalised_names_skip_places_and_a_capital_opening_a_sentence() -> None:
    text = "Luca Ferrante beat Okafor at Quayside Park. Rain stopped play."
    assert capitalised_names(text) == [("luca", "ferrante"), ("okafor",)]
    assert capitalised_names(text, places=True) == [("quayside",)]


@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        ("how old is ferrante", "t-ferrante-age"),
        ("kang age?", "t-kang-age"),
        ("who won the womens singles", "t-womens-champion"),
    ],
)
def test_a_servers_facts_get_key_term_protection(question: str, fact_id: str) -> None:
    index = FactIndex.build(TENNIS, terms=[])
    result = index.match(question, guild_id=GUILD)
    assert result.outcome is Outcome.ANSWER
    assert result.fact is not None and result.fact.id == fact_id


@pytest.mark.parametrize(
    "question",
    ["how old is okafor", "who won the mixed doubles", "how old was ferrante in 2019"],
)
def test_the_wrong_player_event_or_year_is_not_answered(question: str) -> None:
    index = FactIndex.build(TENNIS, terms=[])
    assert index.match(question, guild_id=GUILD).outcome is not Outcome.ANSWER


@pytest.mark.parametrize("word", ["coach", "year", "park", "keeper", "2024"])
def test_ordinary_words_of_other_sports_are_not_the_articles_terms(word: str) -> None:
    lex = Lexicon()
    for spec in load_terms_dir():
        lex.add_terms_file(spec)
    anchors = lex.anchors_of(tokens(f"who is the {word}"))
    assert "person" not in anchors or word == "park"  # the article's coach is Stephen Park
    assert "measure" not in anchors


def test_the_article_terms_file_loads() -> None:
    (spec,) = load_terms_dir()
    assert {p.sex for p in spec.people} == {"men", "women"}
    assert spec.games is not None and spec.games.current.year == 2020


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("people:\n  - {name: Ann Lee, colour: red}\n", ["t.yaml", "Ann Lee", "colour"]),
        ("people:\n  - {name: Ann Lee, sex: other}\n", ["Ann Lee", "sex"]),
        ("people:\n  - {name: Ann Lee, nation: Atlantis}\n", ["Ann Lee", "nation", "Atlantis"]),
        ("people:\n  - {name: Ann Lee, events: [luge]}\n", ["Ann Lee", "events", "luge"]),
        ("groups:\n  - {forms: [pair], people: [Ann Lee, Bo Ek]}\n", ["pair", "people"]),
        ("games: {current: {year: 20, city: X}}\n", ["t.yaml", "games"]),
        ("people: [1, 2\n", ["t.yaml", "YAML"]),
    ],
)
def test_a_bad_terms_file_is_rejected_whole_naming_file_entry_and_field(
    tmp_path: Path, body: str, words: list[str]
) -> None:
    (tmp_path / "t.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(VocabError) as err:
        load_terms_dir(tmp_path)
    for word in words:
        assert word in str(err.value)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("synonyms: {win: [won]}\n", ["l.yaml", "numbers", "is required"]),
        (
            "synonyms: {win: [won], lose: [won]}\nnumbers: {units: {}, tens: {}, "
            "ordinal_units: {}, ordinal_tens: {}}\n",
            ["l.yaml", "synonyms", "won"],
        ),
        (
            "phrases: {pb: [best]}\nnumbers: {units: {}, tens: {}, ordinal_units: {}, "
            "ordinal_tens: {}}\n",
            ["l.yaml", "phrases", "two or more"],
        ),
        (
            "durations: {asks: [How Long], verbs: [take]}\nnumbers: {units: {}, tens: {}, "
            "ordinal_units: {}, ordinal_tens: {}}\n",
            ["l.yaml", "durations", "lowercase"],
        ),
        (
            "durations: {asks: [how long], verbs: [took off]}\nnumbers: {units: {}, tens: {}, "
            "ordinal_units: {}, ordinal_tens: {}}\n",
            ["l.yaml", "durations", "single lowercase words"],
        ),
    ],
)
def test_a_bad_language_file_is_rejected(tmp_path: Path, body: str, words: list[str]) -> None:
    path = tmp_path / "l.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(VocabError) as err:
        load_language(path)
    for word in words:
        assert word in str(err.value)
