"""Half-time hints for typed questions: enough to jog a memory, never the whole answer."""

from __future__ import annotations

import random
import re
from decimal import ROUND_FLOOR, Decimal

from bot.core.facts import Fact

from ._kinds import NUMERIC_KINDS
from ._text import find_number, ordinal_suffix

HINT_RANGE = 4
"""A whole-number hint names a range this wide, with the answer somewhere inside it."""

MASK = "_"


def mask_answer(answer: str) -> str:
    """Each word's first letter, then a blank per letter: "Katie Archibald" -> "K____ A________".

    Apostrophes stay and belong to their word: "men's" -> "m__'_".
    """

    def mask(word: re.Match[str]) -> str:
        text = word.group()
        return text[0] + re.sub(r"\w", MASK, text[1:])

    return re.sub(r"\w[\w'’]*", mask, answer)


def _number_hint(fact: Fact, rng: random.Random) -> str | None:
    span = find_number(fact.accept[0])
    if span is None:
        return None
    if span.precision:
        # 0.763 -> "between 0.7 and 0.8", 9.5 -> "between 9 and 10": ten answers fit the range.
        step = Decimal(1).scaleb(-max(span.precision - 2, 1) if span.precision > 1 else 0)
        floor = (span.value / step).to_integral_value(rounding=ROUND_FLOOR) * step
        return f"a number between {floor} and {floor + step}"
    value = int(span.value)
    lowest = 1 if span.ordinal else 0
    low = max(lowest, value - rng.randint(1, HINT_RANGE - 1))
    high = low + HINT_RANGE
    if span.ordinal:
        return f"a place between {low}{ordinal_suffix(low)} and {high}{ordinal_suffix(high)}"
    return f"a number between {low} and {high}"


def make_hint(fact: Fact, rng: random.Random) -> str:
    """The hint for a fact's short answer; numbers get a range, words get their first letters."""
    if not fact.accept:
        return ""
    if fact.kind in NUMERIC_KINDS:
        hint = _number_hint(fact, rng)
        if hint is not None:
            return hint
    answer = fact.accept[0]
    letters = sum(ch.isalnum() for ch in answer)
    if letters <= 1:
        return f"{letters} character"
    return mask_answer(answer)
