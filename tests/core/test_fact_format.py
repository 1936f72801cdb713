"""The fact file format: what is accepted, and how a broken file is reported."""

from __future__ import annotations

import json

import pytest

from bot.core.facts import (
    MAX_ANSWER_LEN,
    FactImportError,
    dump_facts,
    parse_fact_text,
)

GOOD = """
source: {title: Test article, date: 2021-08-08}
facts:
  - id: test-fact
    question: How many golds?
    phrasings: [golds count, number of golds, "How many golds?"]
    answer: Seven golds.
    accept: ["7", seven]
    kind: number
    tags: [Medals, gold]
    quote: Seven gold medals is really special.
"""


def test_a_good_file_parses_with_cleaned_fields() -> None:
    (fact,) = parse_fact_text(GOOD, name="good.yaml")
    assert fact.id == "test-fact"
    assert fact.accept == ("7", "seven")
    assert fact.tags == ("medals", "gold")
    assert "How many golds?" not in fact.phrasings  # the canonical question is not repeated
    assert fact.source is not None and fact.source.date.year == 2021


def test_export_then_import_round_trips_yaml_and_json() -> None:
    facts = parse_fact_text(GOOD, name="good.yaml")
    for fmt in ("yaml", "json"):
        text = dump_facts(facts, fmt=fmt, source=facts[0].source)
        assert parse_fact_text(text, name=f"again.{fmt}") == facts
    json.loads(dump_facts(facts, fmt="json"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("facts: [\n  - id: x\n  bad: [", "bad.yaml: not valid YAML"),
        (
            "facts:\n  - id: test-fact\n    answer: a\n",
            "fact 'test-fact': field 'question': is required",
        ),
        (
            "facts:\n  - {id: a-fact, question: 'Who won?', answer: Jason}\n"
            "  - {id: a-fact, question: 'Who lost?', answer: Nobody}\n",
            "fact 'a-fact': field 'id': duplicate id",
        ),
        (
            f"facts:\n  - {{id: long-one, question: 'Who won?', answer: {'x' * (MAX_ANSWER_LEN + 1)}}}\n",
            "fact 'long-one': field 'answer'",
        ),
        ("facts:\n  - {id: Bad Id, question: 'Who won?', answer: Jason}\n", "field 'id'"),
        (
            "facts:\n  - {id: ok-id, question: 'Who won?', answer: Jason, colour: red}\n",
            "field 'colour': is not a known field",
        ),
        ("facts:\n  - {id: ok-id, question: 'Who?', answer: Jason}\n", "field 'question'"),
        (
            "facts:\n  - {id: ok-id, question: 'Who won?', answer: J, kind: colour}\n",
            "field 'kind'",
        ),
        ("just a string", "expected a mapping"),
    ],
)
def test_a_broken_file_is_rejected_naming_file_fact_and_field(text: str, expected: str) -> None:
    with pytest.raises(FactImportError) as info:
        parse_fact_text(text, name="bad.yaml")
    assert expected in str(info.value)
    assert str(info.value).startswith("bad.yaml")


def test_too_many_phrasings_is_rejected() -> None:
    phrasings = ", ".join(f"question number {i}" for i in range(21))
    text = f"facts:\n  - {{id: many, question: 'Who won?', answer: J, phrasings: [{phrasings}]}}\n"
    with pytest.raises(FactImportError, match="field 'phrasings'"):
        parse_fact_text(text, name="many.yaml")


OPTIONAL = """
facts:
  - id: keeper-saves
    question: How many saves did Mia Torvalds make in the final?
    answer: Mia Torvalds made nine saves in the final.
    accept: ["9"]
    kind: number
    about: [Mia Torvalds, Harbour Rovers]
    sex: women
    quiz: false
    source_url: https://example.org/final-report
"""


def test_optional_fields_survive_a_round_trip() -> None:
    (fact,) = parse_fact_text(OPTIONAL)
    assert fact.about == ("Mia Torvalds", "Harbour Rovers")
    assert (fact.sex, fact.quiz, fact.source_url) == (
        "women",
        False,
        "https://example.org/final-report",
    )
    assert parse_fact_text(dump_facts([fact])) == [fact]
    (plain,) = parse_fact_text(GOOD)
    assert (plain.about, plain.sex, plain.quiz, plain.source_url) == ((), None, True, None)


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("sex: boys", "sex", "Input should be"),
        ("source_url: javascript:alert(1)", "source_url", "http:// or https:// link"),
        ("quiz: sometimes", "quiz", "boolean"),
    ],
)
def test_a_bad_optional_field_is_named(line: str, field: str, message: str) -> None:
    text = OPTIONAL.replace("    quiz: false\n", "").replace("    sex: women\n", "")
    text = text.replace("    source_url: https://example.org/final-report\n", f"    {line}\n")
    with pytest.raises(FactImportError) as err:
        parse_fact_text(text, name="mods.yaml")
    assert f"mods.yaml: fact 'keeper-saves': field '{field}'" in str(err.value)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("sex", "wording"),
    [
        ("women", "question: Who won the men's keirin final?"),
        ("men", "question: Who won the keirin final?\n    phrasings: [which lady won the keirin?]"),
        ("women", "question: Who won the keirin final?\n    tags: [mens-keirin]"),
    ],
)
def test_a_sex_that_contradicts_the_facts_questions_is_rejected(sex: str, wording: str) -> None:
    text = f"facts:\n  - id: keirin-final\n    {wording}\n    answer: Ann Lee.\n    sex: {sex}\n"
    with pytest.raises(FactImportError) as err:
        parse_fact_text(text, name="mods.yaml")
    assert str(err.value).startswith("mods.yaml: fact 'keirin-final': field 'sex': says " + sex)


@pytest.mark.parametrize(
    ("sex", "question"),
    [
        ("women", "Who won the women's keirin final?"),
        ("women", "Who won the keirin final?"),  # the question does not say: the field does
        ("mixed", "Who won the men's and women's keirin finals?"),
        ("men", "Who won the men's and women's keirin finals?"),
    ],
)
def test_a_sex_the_questions_agree_with_or_do_not_name_is_accepted(sex: str, question: str) -> None:
    text = f"facts:\n  - id: keirin-final\n    question: {question}\n    answer: Ann Lee.\n"
    (fact,) = parse_fact_text(text + f"    sex: {sex}\n")
    assert fact.sex == sex
