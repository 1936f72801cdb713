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
        ("the all-round champion", "the omnium champion"),
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
    ],
)
def test_different_key_terms_stay_different(a: str, b: str) -> None:
    assert content_tokens(tokens(a)) != content_tokens(tokens(b))


@pytest.mark.parametrize("text", ["", "   ", "🚴‍♂️🥇", "?!...", "\x00\x07\x1b[31m", "a" * 10_000])
def test_odd_input_never_raises(text: str) -> None:
    assert isinstance(tokens(text), tuple)
