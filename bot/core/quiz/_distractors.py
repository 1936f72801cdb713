"""Multiple-choice options: the right answer and plausible wrong ones of the same kind.

Numbers, places and times get nearby values written the way the answer is written ("seven"
-> "five", "6th" -> "4th", "0.763" -> "0.812"); names, nations, events and text answers come
from the other facts in the pool, topped up from the riders, nations and events the article
names. A wrong option is never one the typed-answer check would accept, and no two options
read the same.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.core.facts import Fact

from ._answers import is_correct, phrase_spans, rival_answers
from ._errors import NotQuizzable
from ._text import NumberSpan, answer_tokens, find_number, is_number_token
from ._vocab import EVENTS, MEDALS, NATIONS, NO_MEDAL, NUMERIC_KINDS, RIDERS

OPTION_COUNT = 4
"""Options per button question: the answer and three wrong ones."""

NUMBER_SPREAD = 3
"""Whole-number distractors lie within this distance of the answer (7 -> 4..10), or within a
tenth of it for bigger numbers (150 -> 135..165)."""

YEARS = (1896, 2100)
"""Numbers in this range read as years and stay within NUMBER_SPREAD (2021 -> 2018..2024)."""

DECIMAL_SPREAD = Decimal("0.25")
"""Decimal distractors lie within this fraction of the answer (0.763 -> 0.573..0.953)."""

MIN_DECIMAL_STEPS = 5
MAX_DECIMAL_STEPS = 500
_DECIMAL_TRIES = 200


@dataclass(frozen=True, slots=True)
class Choices:
    """Shuffled options of a button question; `options[correct_index]` is the answer."""

    options: tuple[str, ...]
    correct_index: int

    @property
    def answer(self) -> str:
        return self.options[self.correct_index]


def _match_case(model: str, text: str) -> str:
    if model.islower():
        return text.lower()
    if model[:1].isupper():
        return text[:1].upper() + text[1:]
    return text


def _whole_number_values(span: NumberSpan, rng: random.Random, want: int) -> list[Decimal]:
    value = int(span.value)
    lowest = 1 if span.ordinal else 0
    looks_like_year = YEARS[0] <= value <= YEARS[1] and not span.grouped
    spread = NUMBER_SPREAD if looks_like_year else max(NUMBER_SPREAD, value // 10)
    window = range(max(lowest, value - spread), value + spread + 1)
    # Sampling a range does not build it: a count in the billions costs what 7 does.
    picks = rng.sample(window, min(len(window), 3 * want + 1))
    return [Decimal(v) for v in picks if v != value]


def _decimal_values(span: NumberSpan, rng: random.Random, want: int) -> list[Decimal]:
    step = Decimal(1).scaleb(-span.precision)
    steps = int(span.value * DECIMAL_SPREAD / step)
    steps = min(max(steps, MIN_DECIMAL_STEPS), MAX_DECIMAL_STEPS)
    found: list[Decimal] = []
    for _ in range(_DECIMAL_TRIES):
        if len(found) >= want:
            break
        offset = rng.randint(-steps, steps)
        candidate = span.value + offset * step
        if offset and candidate > 0 and candidate not in found:
            found.append(candidate)
    return found


def _numeric_options(canonical: str, rng: random.Random, want: int) -> list[str] | None:
    span = find_number(canonical)
    if span is None:
        return None
    if span.precision:
        # Generous: some may read like the answer and be dropped later.
        values = _decimal_values(span, rng, want * 3)
    else:
        values = _whole_number_values(span, rng, want)
    return [span.replace_in(canonical, v) for v in values]


def _listed_options(fact: Fact, pool: Iterable[Fact]) -> list[str]:
    """Same-kind answers from the pool, then the built-in list for the kind, in a fixed order."""
    canonical = fact.accept[0]
    same_kind = [o.accept for o in pool if o.kind == fact.kind and o.accept]
    found = [names[0] for names in same_kind]
    builtin: tuple[str, ...] = ()
    if fact.kind == "person":
        # Match the answer's form: surnames against a surname, full names against a full name.
        if len(canonical.split()) == 1:
            found = [names[0].split()[-1] for names in same_kind]
            builtin = tuple(name.split()[-1] for name in RIDERS)
        else:
            fullest = (max(names, key=lambda n: len(n.split())) for names in same_kind)
            found = [name for name in fullest if len(name.split()) > 1]
            builtin = RIDERS
    elif fact.kind == "nation":
        builtin = NATIONS
    elif fact.kind == "event":
        builtin = EVENTS
    elif fact.kind == "medal":
        suffix = " medal" if answer_tokens(canonical)[-1:] == ("medal",) else ""
        builtin = (*(m + suffix for m in MEDALS), NO_MEDAL)
        found = []  # there are only so many colours
    if fact.kind in ("event", "medal"):
        found = [_match_case(canonical, o) for o in found]
        builtin = tuple(_match_case(canonical, o) for o in builtin)
    return list(dict.fromkeys((*found, *builtin)))


def _same_option(a: str, b: str, kind: str) -> bool:
    """Whether two options read the same: "7"/"seven", "Kajihara"/"Kajihra"; for people a
    name inside another ("Archibald", "Katie Archibald") too. "sprint" and "team sprint" differ.
    """
    wa, wb = answer_tokens(a), answer_tokens(b)
    if len(wa) > len(wb):
        wa, wb = wb, wa
    if not wa:
        return False
    found = phrase_spans(wb, wa)
    return bool(found) and (len(wa) == len(wb) or kind == "person")


def _distinct(
    options: Iterable[str], fact: Fact, rivals: Sequence[str], limit: int | None = None
) -> list[str]:
    """Options in order, minus any the typed check would accept, any the question names, and
    any repeats."""
    asked = set(answer_tokens(fact.question))
    taken: list[str] = []
    for option in options:
        if limit is not None and len(taken) >= limit:
            break
        words = answer_tokens(option)
        if not words or is_correct(option, fact, rivals=rivals):
            continue
        if not is_number_token(words[0]) and set(words) <= asked:
            continue  # named in the question, so plainly not the answer
        if any(_same_option(option, t, fact.kind) for t in (*fact.accept, *taken)):
            continue
        taken.append(option)
    return taken


def _wrong_options(fact: Fact, pool: Sequence[Fact], rng: random.Random, want: int) -> list[str]:
    if fact.kind in NUMERIC_KINDS:
        generated = _numeric_options(fact.accept[0], rng, want)
        if generated is not None:
            return _distinct(generated, fact, (), want)
    listed = _distinct(_listed_options(fact, pool), fact, rival_answers(fact, pool))
    if fact.kind == "text":
        # Free-text answers vary most in shape; answers on the same topic fit best.
        topical = {a for o in pool if not set(o.tags).isdisjoint(fact.tags) for a in o.accept}
        near = [o for o in listed if o in topical]
        if len(near) < want:
            rest = [o for o in listed if o not in topical]
            return rng.sample(near, len(near)) + rng.sample(rest, min(want - len(near), len(rest)))
        listed = near
    return rng.sample(listed, min(want, len(listed)))


def can_make_choices(fact: Fact, pool: Sequence[Fact]) -> bool:
    """Whether a button question can be made: a short answer and at least one wrong option."""
    if not fact.accept:
        return False
    if fact.kind in NUMERIC_KINDS and find_number(fact.accept[0]) is not None:
        return True
    return bool(_distinct(_listed_options(fact, pool), fact, rival_answers(fact, pool), 1))


def make_choices(
    fact: Fact, pool: Sequence[Fact], rng: random.Random, n: int = OPTION_COUNT
) -> Choices:
    """The fact's short answer and up to n-1 wrong answers of the same kind, shuffled.

    Fewer options come back when the pool and built-in lists run short (at least two).
    Raises NotQuizzable if the fact has no short answer or nothing plausible to set against it.
    """
    if n < 2:
        raise ValueError("a multiple-choice question needs at least two options")
    if not fact.accept:
        raise NotQuizzable(fact.id, "it has no short answer")
    wrong = _wrong_options(fact, pool, rng, n - 1)
    if not wrong:
        raise NotQuizzable(fact.id, f"no wrong answers of kind {fact.kind!r} to offer")
    options = [fact.accept[0], *wrong]
    rng.shuffle(options)
    # Options are distinct, so the answer's position is unambiguous.
    return Choices(options=tuple(options), correct_index=options.index(fact.accept[0]))
