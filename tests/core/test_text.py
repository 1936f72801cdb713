"""Normalisation: both a member's question and a fact's phrasings go through it."""

from __future__ import annotations

import pytest

from bot.core.text import content_tokens, tokens


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How many GOLDS has Jason Kenny got?", "how many gold has jason kenny"),
        ("Laura Kenny’s omnium", "laura kenny's omnium"),
        ("thirty-three", "33"),
        ("sixth", "6th"),
        ("the team sprint", "team-sprint"),
        ("Who was runner-up?", "who was runner up"),
        ("Kenny’s “seventh” gold", 'kenny\'s "seventh" gold'),
        ("Lavréysen", "lavreysen"),
        ("couldn't defend", "could not defend"),
        ("his PB", "his personal best"),
        ("the USA", "the United States of America"),
        ("an American", "the US"),
        ("a Dutch rider", "a Holland rider"),
        ("1,000 points", "1000 points"),
        ("Søren's serve", "soren serve"),
        ("who's the keeper", "who is the goalkeeper"),
        ("the skipper", "the captain"),
        ("the gaffer", "the manager"),
        ("the gaffer", "the head coach"),
        ("who was the ref", "who was the referee"),
        ("who reffed the final", "who refereed the final"),
        ("who skippered them", "who captained them"),
        ("motm", "player of the match"),
        ("sin binned", "yellow card"),
        ("score at ht", "score at half time"),
        ("pens", "penalties"),
        ("a PR", "a personal best"),
        ("how many finishers", "how many finished"),
        ("the record held previously", "the record held before"),
        ("on the start line", "starters"),
        ("the 200 fly", "the 200 butterfly"),
        ("the 100 free", "the 100 freestyle"),
        ("the old record", "the previous record"),
        ("an Aussie", "Oz"),
        ("were they ever in front", "were they ever ahead"),
        ("who led at half time", "who was in the lead at the break"),
    ],
)
def test_equivalent_texts_normalise_alike(a: str, b: str) -> None:
    assert content_tokens(tokens(a)) == content_tokens(tokens(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("men's keirin", "women's keirin"),
        ("team sprint", "sprint"),
        ("gold", "silver"),
        ("seven", "seventeen"),
        ("0.763", "0.76"),
        ("6-4", "4-6"),
        ("2:05:13", "2:05:31"),
        ("the US", "us"),
        ("keeper", "keep"),
        ("1,000", "1.000"),
    ],
)
def test_different_key_terms_stay_different(a: str, b: str) -> None:
    assert content_tokens(tokens(a)) != content_tokens(tokens(b))


@pytest.mark.parametrize("text", ["", "   ", "🚴‍♂️🥇", "?!...", "\x00\x07\x1b[31m", "a" * 10_000])
def test_odd_input_never_raises(text: str) -> None:
    assert isinstance(tokens(text), tuple)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("won 6-4, 3-6, 7-6", ["win", "6-4", "3-6", "7-6"]),
        ("finished in 2:05:13", ["finish", "2:05:13"]),
        ("$1,150,000 prize", ["1150000", "prize"]),
        ("9.8 million", ["9.8", "million"]),
        ("the 23-year-old", ["23", "age"]),
        ("seeded third", ["seed", "3th"]),
        ("did the US beat us", ["unitedstates", "beat"]),
    ],
)
def test_scores_times_money_and_ages_are_single_tokens(text: str, expected: list[str]) -> None:
    assert content_tokens(tokens(text)) == expected


@pytest.mark.parametrize(
    ("text", "matcher", "quiz"),
    [
        ("1,000 points", ["1000", "point"], ("1000", "points")),
        ("Søren's", ["soren"], ("soren",)),
        ("ÆRØ", ["aero"], ("aero",)),
        ("Łukasz Đoković", ["lukasz", "dokovic"], ("lukasz", "dokovic")),
        ("Café “Zoë”", ["cafe", "zoe"], ("cafe", "zoe")),
        ("$1,150,000", ["1150000"], ("1150000",)),
        ("6,7", ["6.7"], ("6", "7")),
    ],
)
def test_the_matcher_and_the_quiz_fold_text_alike(
    text: str, matcher: list[str], quiz: tuple[str, ...]
) -> None:
    from bot.core.quiz._text import answer_tokens

    assert content_tokens(tokens(text)) == matcher
    assert answer_tokens(text) == quiz


def test_a_short_form_after_a_number_is_its_unit() -> None:
    """ "W" is the women's event, but the "m" of "100 m" is metres, not the men."""
    assert "men" not in tokens("the women's 100 m freestyle")
    assert "men" not in tokens("the women's 100m freestyle")
    assert "women" in tokens("who won the W omnium")
