"""Multiple-choice options: the right answer and three fair wrong ones of the same kind.

Numbers, ranks and times get nearby values in the same unit, written the way the answer is
written ("seven" -> "five", "6th" -> "4th", "0.763 seconds" -> "0.812 seconds", "2:05:41" ->
"2:06:12"); people, nations, events and places come from the facts of the scope (people of
the answer's sex when the question is about a men's or women's event); medals and weekdays from
general knowledge. A wrong option is never one the typed-answer check would accept, never the
same answer under another name ("USA" and "United States"), and no two options read the same.
A question without three such options is not asked with buttons.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from bot.core.facts import Fact

from ._answers import is_correct, phrase_spans
from ._errors import NotQuizzable
from ._kinds import NUMERIC_KINDS, Entity, ScopeVocab, general, is_clock, numbers_in, origin
from ._text import NumberSpan, answer_tokens, find_number, is_number_token, ordinal_suffix

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


MAX_STEPS = 10_000
"""At most this many values either side of a big answer are candidates."""
ROUND_FROM = 1000
"""Numbers from this size on keep their round zeros: 75,000 -> 72,000, never 71,234."""


def _whole_number_values(span: NumberSpan, rng: random.Random, want: int) -> list[Decimal]:
    value = int(span.value)
    lowest = 1 if span.ordinal else 0
    looks_like_year = YEARS[0] <= value <= YEARS[1] and not span.grouped
    step = 1
    if value >= ROUND_FROM and not looks_like_year:
        # Keep the round zeros, but leave ten steps below the answer: 40,000 -> 37,000.
        most = 10 ** max(len(str(value)) - 2, 0)
        while value % (step * 10) == 0 and step * 10 <= most:
            step *= 10
    spread = NUMBER_SPREAD if looks_like_year else max(NUMBER_SPREAD * step, value // 10)
    spread = min(spread, MAX_STEPS * step)  # a window random.sample can always index
    low = max(lowest, value - spread)
    window = range(low - low % step, value + spread + 1, step)
    # Sampling a range does not build it: a count in the billions costs what 7 does.
    picks = rng.sample(window, min(len(window), 3 * want + 1))
    return [Decimal(v) for v in picks if v != value and v >= lowest]


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


CLOCK_STEPS = (5, 300)
"""A race time moves by 5 s to 5 min ("2:05:41" -> "2:06:12"); a time of day by whole
quarter hours ("7:15 am" -> "7:45 am")."""


def _clock_options(canonical: str, rng: random.Random, want: int) -> list[str]:
    m = re.match(r"^(\d{1,2}(?::\d{2}){1,2})(\s*[ap]\.?m\.?)?$", canonical.strip(), re.I)
    if m is None:
        return []
    head, suffix = m.group(1), m.group(2) or ""
    parts = [int(p) for p in head.split(":")]
    if suffix:  # a time of day
        minutes = parts[0] * 60 + parts[1]
        shifts = [15 * k for k in range(-6, 7) if k]
        found: list[str] = []
        for shift in rng.sample(shifts, len(shifts)):
            hour, minute = divmod(minutes + shift, 60)
            if 1 <= hour <= 12:
                found.append(f"{hour}:{minute:02d}{suffix}")
        return found[: want * 2]
    seconds = 0
    for p in parts:
        seconds = seconds * 60 + p
    found = []
    for _ in range(want * 4):
        shift = rng.randint(*CLOCK_STEPS) * rng.choice((-1, 1))
        total = seconds + shift
        if total <= 0:
            continue
        units = []
        for _ in range(len(parts) - 1):
            total, rest = divmod(total, 60)
            units.append(rest)
        rendered = ":".join([str(total), *(f"{u:02d}" for u in reversed(units))])
        if rendered not in found and rendered != head:
            found.append(rendered)
    return found


_DIGIT_RUN = re.compile(r"(\d+)(st|nd|rd|th)?")
_RANGE_WORDS = re.compile(r"\d(?:st|nd|rd|th)?\s*(?:to|-|–)\s*\d")


def _shift_numbers(canonical: str, shift: int, *, only_last: bool) -> str | None:
    runs = list(_DIGIT_RUN.finditer(canonical))
    out, at = [], 0
    for i, m in enumerate(runs):
        if only_last and i < len(runs) - 1:
            continue
        value = int(m.group(1)) + shift
        if value < (1 if m.group(2) else 0):
            return None
        suffix = ordinal_suffix(value) if m.group(2) else ""
        out.append(canonical[at : m.start()] + str(value) + suffix)
        at = m.end()
    return "".join(out) + canonical[at:]


def _several_number_options(canonical: str, rng: random.Random, want: int) -> list[str]:
    """A range moves whole ("5th to 8th" -> "9th to 12th"); otherwise the smallest unit moves
    ("2 hours and 48 minutes" -> "2 hours and 44 minutes", "8 August 2021" -> "8 August 2019")."""
    runs = [int(m.group(1)) for m in _DIGIT_RUN.finditer(canonical)]
    if _RANGE_WORDS.search(canonical) and len(runs) == 2:
        width = abs(runs[1] - runs[0]) + 1
        shifts = [k * width for k in (-2, -1, 1, 2, 3)]
        only_last = False
    else:
        last = runs[-1]
        limit = 59 if last < 60 else last
        shifts = [d for d in range(-9, 10) if d and 0 <= last + d <= max(limit, last + 9)]
        only_last = True
    found = [
        text
        for d in rng.sample(shifts, len(shifts))
        if (text := _shift_numbers(canonical, d, only_last=only_last)) is not None
    ]
    return found[: want * 2]


def _numeric_options(
    canonical: str, rng: random.Random, want: int, *, ordinal: bool = False
) -> list[str] | None:
    if is_clock(canonical):
        return _clock_options(canonical, rng, want)
    if len(numbers_in(canonical)) > 1:
        return _several_number_options(canonical, rng, want)
    span = find_number(canonical)
    if span is None:
        return None
    if ordinal and not span.ordinal:
        span = replace(span, ordinal=True, in_words=span.in_words, start=span.start)
        values = [v for v in _whole_number_values(span, rng, want) if v >= 1]
        return [
            span.replace_in(canonical, v).replace(f"{v}{ordinal_suffix(int(v))}", str(v))
            for v in values
        ]
    if span.precision:
        # Generous: some may read like the answer and be dropped later.
        values = _decimal_values(span, rng, want * 3)
    else:
        values = _whole_number_values(span, rng, want)
    return [span.replace_in(canonical, v) for v in values]


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
    options: Iterable[str],
    fact: Fact,
    rivals: Sequence[str],
    limit: int | None = None,
    *,
    taken_before: Sequence[str] = (),
) -> list[str]:
    """Options in order, minus any the typed check would accept, any the question names, and
    any repeats (of each other or of `taken_before`)."""
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
        if any(_same_option(option, t, fact.kind) for t in (*fact.accept, *taken_before, *taken)):
            continue
        taken.append(option)
    return taken


def _display(entity: Entity, fact: Fact) -> str:
    """How a candidate is shown beside this answer: a surname against a surname, "Silver
    medal" against "Gold medal"."""
    canonical = fact.accept[0]
    if entity.kind == "person" and len(canonical.split()) == 1 and entity.shape == "one":
        return entity.name.split()[-1]
    if entity.kind == "medal":
        suffix = " medal" if answer_tokens(canonical)[-1:] == ("medal",) else ""
        name = entity.name if entity.name == general().no_medal else entity.name + suffix
        return _match_case(canonical, name)
    if entity.kind in ("event", "day"):
        return _match_case(canonical, entity.name)
    return entity.name


def _tier(entity: Entity, fact: Fact) -> int:
    """0 for answers from the same article as the question, 1 from the same scope, else 2."""
    here = origin(fact)
    if here in entity.origins:
        return 0
    return 1 if any(scope == fact.scope for scope, _ in entity.origins) else 2


def _candidates(fact: Fact, vocab: ScopeVocab, kind: str) -> list[list[str]]:
    """Same-kind, same-shape answers of the scope by closeness to the question (same article
    first: a tennis question gets tennis players), each tier in a stable order."""
    own = vocab.entity_of(fact, kind)
    shape = own.shape if own is not None else None
    sex = vocab.required_sex(fact) if kind == "person" else None
    tiers: list[list[str]] = [[], [], []]
    own_keys = {answer_tokens(a) for a in fact.accept}
    surnames = Counter(
        e.name.split()[-1].casefold() for e in vocab.entities(kind) if kind == "person"
    )
    for entity in vocab.entities(kind):
        if entity is own or (shape is not None and entity.shape != shape):
            continue
        if sex is not None and entity.sex != sex:
            continue
        if own is not None and entity.keys & own.keys:
            continue  # the same answer under another name
        if any(answer_tokens(n) in own_keys for n in entity.names):
            continue
        shown = _display(entity, fact)
        if shown != entity.name and surnames[shown.casefold()] > 1:
            continue  # "Kenny" alone could be Jason or Laura
        tiers[_tier(entity, fact)].append(shown)
    return tiers


def _wrong_options(
    fact: Fact, vocab: ScopeVocab, rng: random.Random | None, want: int
) -> list[str]:
    """Up to `want` fair wrong options; with no rng, every fair listed option (for counting)."""
    kind = vocab.kind_of(fact)
    if kind is None:
        return []
    rivals = vocab.rivals(fact)
    if kind in NUMERIC_KINDS or kind == "number":
        generated = _numeric_options(
            fact.accept[0], rng or random.Random(0), want, ordinal=kind == "ordinal"
        )
        return _distinct(generated or [], fact, rivals, want)
    # Tier by tier, and no further than needed: the world's nations are only checked when
    # the scope's own run short.
    picked: list[str] = []
    seen: list[str] = []
    for tier in _candidates(fact, vocab, kind):
        if len(picked) >= want:
            break
        fair = _distinct(tier, fact, rivals, taken_before=seen)
        seen += fair
        picked += fair if rng is None else rng.sample(fair, min(want - len(picked), len(fair)))
    return picked


def _vocab_of(pool: Sequence[Fact] | ScopeVocab) -> ScopeVocab:
    return pool if isinstance(pool, ScopeVocab) else _cached_vocab(tuple(pool))


@lru_cache(maxsize=16)
def _cached_vocab(pool: tuple[Fact, ...]) -> ScopeVocab:
    """A game passes its bank's vocabulary; callers passing bare facts reuse one per pool."""
    return ScopeVocab(pool)


def can_make_choices(fact: Fact, pool: Sequence[Fact] | ScopeVocab, n: int = OPTION_COUNT) -> bool:
    """Whether a fair button question can be made: n-1 good wrong options."""
    if not fact.accept:
        return False
    return len(_wrong_options(fact, _vocab_of(pool), None, n - 1)) >= n - 1


def make_choices(
    fact: Fact,
    pool: Sequence[Fact] | ScopeVocab,
    rng: random.Random,
    n: int = OPTION_COUNT,
) -> Choices:
    """The fact's short answer and n-1 fair wrong answers of the same kind, shuffled.

    Raises NotQuizzable if the fact has no short answer or fewer than n-1 fair wrong answers.
    """
    if n < 2:
        raise ValueError("a multiple-choice question needs at least two options")
    if not fact.accept:
        raise NotQuizzable(fact.id, "it has no short answer")
    vocab = _vocab_of(pool)
    wrong = _wrong_options(fact, vocab, rng, n - 1)
    if len(wrong) < n - 1:
        raise NotQuizzable(
            fact.id, f"only {len(wrong)} fair wrong answers of kind {vocab.kind_of(fact)!r}"
        )
    options = [fact.accept[0], *wrong]
    rng.shuffle(options)
    # Options are distinct, so the answer's position is unambiguous.
    return Choices(options=tuple(options), correct_index=options.index(fact.accept[0]))
