"""Text normalisation and number words, shared by the answer check, distractors and hints.

`answer_tokens` turns free text into comparable words: case, accents, smart quotes and
punctuation are ironed out, articles dropped, and numbers written as words become digits
("thirty-three" -> "33", "sixth" -> "6th"), so "Thirty-three!" and "33" compare equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from bot.core.text import join_thousands
from bot.core.vocab import fold

ARTICLES = frozenset({"the", "a", "an"})

_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = {"hundred": 100, "thousand": 1000}
_IRREGULAR_ORDINALS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def _ordinal_word(word: str) -> str:
    if word in _IRREGULAR_ORDINALS:
        return _IRREGULAR_ORDINALS[word]
    if word.endswith("y"):
        return word[:-1] + "ieth"
    return word + "th"


# word -> (category, value, is ordinal); categories decide which word may follow which.
_NUMBER_WORDS: dict[str, tuple[str, int, bool]] = {}
for _v, _w in enumerate(_UNITS):
    _NUMBER_WORDS[_w] = ("unit", _v, False)
    _NUMBER_WORDS[_ordinal_word(_w)] = ("unit", _v, True)
for _v, _w in enumerate(_TEENS, start=10):
    _NUMBER_WORDS[_w] = ("teen", _v, False)
    _NUMBER_WORDS[_ordinal_word(_w)] = ("teen", _v, True)
for _v, _w in enumerate(_TENS):
    if _w:
        _NUMBER_WORDS[_w] = ("tens", _v * 10, False)
        _NUMBER_WORDS[_ordinal_word(_w)] = ("tens", _v * 10, True)
for _w, _v in _SCALES.items():
    _NUMBER_WORDS[_w] = ("scale", _v, False)
    _NUMBER_WORDS[_w + "th"] = ("scale", _v, True)
_NUMBER_WORDS["forth"] = ("unit", 4, True)  # a common misspelling of "fourth"

# Which category may follow which inside one number ("thirty three" yes, "six seven" no).
_MAY_FOLLOW: dict[str, frozenset[str | None]] = {
    "unit": frozenset({None, "tens", "hundred", "thousand"}),
    "teen": frozenset({None, "hundred", "thousand"}),
    "tens": frozenset({None, "hundred", "thousand"}),
    "hundred": frozenset({None, "unit", "teen", "tens"}),
    "thousand": frozenset({None, "unit", "teen", "tens", "hundred"}),
}

# Unit words straight after a number, so "0.763s" and "0.763 seconds" compare equal.
_UNIT_ALIASES = {
    "s": "seconds",
    "sec": "seconds",
    "secs": "seconds",
    "second": "seconds",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "pt": "points",
    "pts": "points",
    "point": "points",
}

NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?(?:th)?")
"""What a number looks like after `answer_tokens`: "7", "0.763", "6th" (every ordinal ends "th")."""

_ORDINAL_DIGITS = re.compile(r"(\d+)(?:st|nd|rd|th)")


def _category(word: str) -> tuple[str, int, bool] | None:
    entry = _NUMBER_WORDS.get(word)
    if entry is None:
        return None
    cat, value, ordinal = entry
    if cat == "scale":
        cat = "hundred" if value == 100 else "thousand"
    return cat, value, ordinal


def parse_number_words(words: list[str], start: int) -> tuple[int, bool, int] | None:
    """Read the longest number written in words from words[start].

    Returns (value, is ordinal, words consumed), or None when words[start] starts no number.
    """
    total = current = 0
    last: str | None = None
    consumed = 0
    ordinal = False
    i = start
    while i < len(words):
        word = words[i]
        if word == "and" and last in ("hundred", "thousand") and i + 1 < len(words):
            nxt = _category(words[i + 1])
            if nxt is not None and nxt[0] in ("unit", "teen", "tens"):
                i += 1
                continue
            break
        entry = _category(word)
        if entry is None or last not in _MAY_FOLLOW[entry[0]]:
            break
        cat, value, ordinal = entry
        if cat == "hundred":
            current = max(current, 1) * value
        elif cat == "thousand":
            total += max(current, 1) * value
            current = 0
        else:
            current += value
        last = cat
        i += 1
        consumed = i - start
        if ordinal:  # "sixth" ends a number: "sixth seven" is two
            break
    if consumed == 0:
        return None
    return total + current, ordinal, consumed


def _fold(text: str) -> str:
    """The matcher's folding (`bot.core.vocab.fold`): one normaliser for questions and answers."""
    return fold(text)


def _raw_words(text: str) -> list[str]:
    text = _fold(text)
    text = re.sub(r"'s\b", "", text)  # possessive: "Kenny's" -> "Kenny"
    text = text.replace("'", "")  # "didn't" -> "didnt"
    text = join_thousands(text)  # 1,000 -> 1000, as the matcher reads it; "6,7" stays two numbers
    text = re.sub(r"(?<=\d)\.(?=\d)", "\x00", text)  # keep decimal points
    text = re.sub(r"[^\w\x00]+|_", " ", text).replace("\x00", ".")
    text = re.sub(r"(?<=\d)(?!(?:st|nd|rd|th)\b)(?=[^\W\d])", " ", text)  # "7golds" -> "7 golds"
    text = re.sub(r"(?<=[^\W\d])(?=\d)", " ", text)  # "gb2" -> "gb 2"
    return [w for w in text.split() if w not in ARTICLES]


@lru_cache(maxsize=4096)
def answer_tokens(text: str) -> tuple[str, ...]:
    """The comparable words of a text: folded, articles dropped, numbers as digits."""
    words = _raw_words(text)
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if out and NUMBER_TOKEN.fullmatch(out[-1]) and word in _UNIT_ALIASES:
            out.append(_UNIT_ALIASES[word])
            i += 1
            continue
        parsed = parse_number_words(words, i)
        if parsed is not None:
            value, ordinal, consumed = parsed
            out.append(f"{value}th" if ordinal else str(value))
            i += consumed
            continue
        if word.isdecimal():  # (not "❶": a digit int() cannot read)
            out.append(str(int(word)))
        elif m := _ORDINAL_DIGITS.fullmatch(word):
            out.append(f"{int(m.group(1))}th")
        else:
            out.append(word)
        i += 1
    return tuple(out)


def answer_key(text: str) -> str:
    """One string per answer, equal for answers that read the same ("7" and "Seven")."""
    return " ".join(answer_tokens(text))


def is_number_token(token: str) -> bool:
    return NUMBER_TOKEN.fullmatch(token) is not None


def number_value(token: str) -> str:
    """The number a token stands for, ordinal or not: "6th" -> "6"."""
    return token.removesuffix("th")


# --- writing numbers, for distractors and hints ---------------------------------------------

MAX_WORDS_NUMBER = 999_999


def number_to_words(n: int) -> str:
    """7 -> "seven", 33 -> "thirty-three", 105 -> "one hundred and five"."""
    if not 0 <= n <= MAX_WORDS_NUMBER:
        raise ValueError(f"cannot write {n} in words")
    if n < 10:
        return _UNITS[n]
    if n < 20:
        return _TEENS[n - 10]
    if n < 100:
        tens, units = divmod(n, 10)
        return _TENS[tens] + (f"-{_UNITS[units]}" if units else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_UNITS[hundreds]} hundred" + (f" and {number_to_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = f"{number_to_words(thousands)} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + number_to_words(rest)


def ordinal_to_words(n: int) -> str:
    """6 -> "sixth", 21 -> "twenty-first"."""
    words = number_to_words(n)
    cut = max(words.rfind(" "), words.rfind("-")) + 1
    return words[:cut] + _ordinal_word(words[cut:])


def ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """Where a number sits in an answer text and how it is written."""

    start: int
    end: int
    value: Decimal
    precision: int  # digits after the decimal point
    ordinal: bool
    in_words: bool
    capitalised: bool
    grouped: bool  # written with thousands commas

    def render(self, value: Decimal) -> str:
        """Write another value the way this one is written."""
        if self.precision:
            return f"{value:.{self.precision}f}"
        n = int(value)
        if self.in_words and 0 <= n <= MAX_WORDS_NUMBER:
            text = ordinal_to_words(n) if self.ordinal else number_to_words(n)
            return text[:1].upper() + text[1:] if self.capitalised else text
        digits = f"{n:,}" if self.grouped else str(n)
        return digits + ordinal_suffix(n) if self.ordinal else digits

    def replace_in(self, text: str, value: Decimal) -> str:
        return text[: self.start] + self.render(value) + text[self.end :]


_DIGITS = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?((?:st|nd|rd|th)\b)?", re.I)
_WORD = re.compile(r"[^\W\d_]+")


def find_number(text: str) -> NumberSpan | None:
    """The first number in an answer text, in digits ("0.763", "6th") or words ("Sixth")."""
    if m := _DIGITS.search(text):
        whole, frac, suffix = m.group(1), m.group(2) or "", m.group(3)
        return NumberSpan(
            start=m.start(),
            end=m.end(),
            value=Decimal(whole.replace(",", "") + frac),
            precision=max(len(frac) - 1, 0),
            ordinal=suffix is not None,
            in_words=False,
            capitalised=False,
            grouped="," in whole,
        )
    matches = list(_WORD.finditer(text))
    words = [m.group().casefold() for m in matches]
    for i in range(len(words)):
        parsed = parse_number_words(words, i)
        if parsed is None:
            continue
        value, ordinal, consumed = parsed
        first, last = matches[i], matches[i + consumed - 1]
        return NumberSpan(
            start=first.start(),
            end=last.end(),
            value=Decimal(value),
            precision=0,
            ordinal=ordinal,
            in_words=True,
            capitalised=first.group()[:1].isupper(),
            grouped=False,
        )
    return None
