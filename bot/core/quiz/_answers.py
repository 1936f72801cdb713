"""Checking a typed guess: forgiving about form, strict about content.

Forgiving: case, accents, smart quotes, punctuation, articles, chatter around the answer
("I think it's seven!"), numbers in words or digits, one typo in a word of 5-8 letters and two
in a longer word.

Strict: whole words only ("air" is not "chair"), no typos in short words or in numbers, no
second candidate in the same message ("6 or 7", "Valente, Kajihara"), no negated answer
("not 7"), nothing longer than `MAX_GUESS_CHARS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz.distance import Levenshtein

from bot.core.facts import Fact

from ._kinds import NUMERIC_KINDS, ScopeVocab, general
from ._text import answer_tokens, find_number, is_number_token, number_value

MAX_GUESS_CHARS = 80
"""A longer message is conversation, not a guess, and never wins."""

MIN_TYPO_WORD_LEN = 5
"""Words shorter than this must be spelt exactly: one letter changes "Wild" into "Wind"."""

LONG_WORD_LEN = 9
"""Words this long or longer may have two typos ("Archibold", "Lavreysne")."""

SHORT_WORD_TYPOS = 1
LONG_WORD_TYPOS = 2

NEGATIONS = frozenset({"not", "isnt", "wasnt", "never", "arent", "werent", "aint"})
"""A word that, just before the answer, turns it into a denial: "not 7"."""

ALTERNATIVES = re.compile(r"\s+or\s+|/|\||\?|\bvs\.?(?=\s)|\bversus\b", re.IGNORECASE)
"""What separates the candidates of a hedged guess: "gold or silver", "jason/laura", "7? 8?"."""

Span = tuple[int, int]


def typo_budget(word: str) -> int:
    """How many edits a guessed word may differ from this accepted word."""
    if not word.isalpha() or len(word) < MIN_TYPO_WORD_LEN:
        return 0
    return LONG_WORD_TYPOS if len(word) >= LONG_WORD_LEN else SHORT_WORD_TYPOS


def _word_matches(guess: str, accepted: str) -> bool:
    if guess == accepted:
        return True
    if accepted.endswith("th") and is_number_token(accepted) and guess == number_value(accepted):
        return True  # "6" for "6th": the question already says it is a place
    budget = typo_budget(accepted)
    return (
        budget > 0
        and guess.isalpha()
        and Levenshtein.distance(guess, accepted, score_cutoff=budget) <= budget
    )


def phrase_spans(words: Sequence[str], phrase: Sequence[str]) -> list[Span]:
    """Every place where phrase occurs in words, word by word."""
    size = len(phrase)
    return [
        (start, start + size)
        for start in range(len(words) - size + 1)
        if all(_word_matches(words[start + k], phrase[k]) for k in range(size))
    ]


def _same_phrase(a: Sequence[str], b: Sequence[str]) -> bool:
    return len(a) == len(b) and bool(phrase_spans(a, b))


def _names_alternatives(
    guess: str, phrases: Sequence[Sequence[str]], accepted: Sequence[str]
) -> bool:
    """Whether a guess offers a second candidate beside the right one: split at "or", "/",
    "?" and the like, a part with words of its own that is not the answer is another answer."""
    if any(ALTERNATIVES.search(a) for a in accepted):
        return False  # the answer itself reads like a choice ("now or never")
    parts = [answer_tokens(p) for p in ALTERNATIVES.split(guess)]
    filler = general().filler
    content = [p for p in parts if any(w not in filler for w in p)]
    if len(content) < 2:
        return False
    return any(not any(phrase_spans(part, phrase) for phrase in phrases) for part in content)


def answer_matches(guess: str, accepted: Sequence[str], *, rivals: Iterable[str] = ()) -> bool:
    """Whether a typed guess gives one of the accepted answers, and only that answer.

    rivals are other answers of the same kind (names, nations, medals...): a guess that names
    one of them besides the right answer is hedging and is rejected. Numbers need no rivals:
    any other number beside the right one rejects the guess.
    """
    if not guess.strip() or len(guess.strip()) > MAX_GUESS_CHARS:
        return False
    words = answer_tokens(guess)
    phrases = [p for p in (answer_tokens(a) for a in accepted) if p]
    spans = [span for phrase in phrases for span in phrase_spans(words, phrase)]
    if not spans:
        return False
    if _names_alternatives(guess, phrases, accepted):
        return False
    if any(start > 0 and words[start - 1] in NEGATIONS for start, _ in spans):
        return False
    covered = {i for start, end in spans for i in range(start, end)}

    right_numbers = {number_value(w) for phrase in phrases for w in phrase if is_number_token(w)}
    if right_numbers and any(
        i not in covered and is_number_token(w) and number_value(w) not in right_numbers
        for i, w in enumerate(words)
    ):
        return False

    for rival in rivals:
        rival_words = answer_tokens(rival)
        if not rival_words or any(_same_phrase(rival_words, p) for p in phrases):
            continue
        for r_start, r_end in phrase_spans(words, rival_words):
            # A rival inside the right answer is part of it ("Kenny" in "Jason Kenny"); one
            # that reaches outside it is a second answer ("Laura Kenny" when "Kenny" is right).
            if not any(start <= r_start and r_end <= end for start, end in spans):
                return False
    return True


def accepted_answers(fact: Fact) -> tuple[str, ...]:
    """The fact's accepted answers, plus the bare number of "0.763 seconds" for numeric kinds."""
    extra: list[str] = []
    if fact.kind in NUMERIC_KINDS:
        for text in fact.accept:
            span = find_number(text)
            if span is not None and text[span.start : span.end] != text:
                extra.append(text[span.start : span.end])
    return tuple(dict.fromkeys((*fact.accept, *extra)))


def default_rivals(kind: str) -> tuple[str, ...]:
    """The general answers of a kind that make a guess ambiguous when named beside the answer
    (the answers a scope knows come from `rival_answers`)."""
    if kind == "medal":
        return general().medals
    if kind == "day":
        return general().weekdays
    return ()


def _rival_terms(fact: Fact, rivals: Iterable[str]) -> list[str]:
    terms = list(rivals)
    if fact.kind != "person":
        return terms
    # A bare first name or surname counts too ("Valente, Kajihara"), except a part of the
    # right name ("Kenny, Jason") or a name the question mentions: "Laura and Katie Archibald"
    # answers "who won the madison with Laura Kenny?".
    for name in list(terms):
        parts = name.split()
        if len(parts) > 1:
            terms.extend((parts[0], parts[-1]))
    asked = set(answer_tokens(fact.question))
    right = [answer_tokens(a) for a in fact.accept]

    def counts(term: str) -> bool:
        words = answer_tokens(term)
        return not set(words) <= asked and not any(phrase_spans(r, words) for r in right)

    return [t for t in dict.fromkeys(terms) if counts(t)]


def is_correct(guess: str, fact: Fact, *, rivals: Iterable[str] | None = None) -> bool:
    """Whether a typed guess answers the fact. A fact without short answers is never answered.

    rivals defaults to the built-in list for the fact's kind; a quiz passes the pool's answers
    of the same kind as well (see `rival_answers`).
    """
    accepted = accepted_answers(fact)
    if not accepted:
        return False
    terms = _rival_terms(fact, default_rivals(fact.kind) if rivals is None else rivals)
    return answer_matches(guess, accepted, rivals=terms)


def rival_answers(fact: Fact, pool: Iterable[Fact] | ScopeVocab) -> tuple[str, ...]:
    """Every answer of the fact's kind that the scope knows, plus the general ones."""
    vocab = pool if isinstance(pool, ScopeVocab) else ScopeVocab(tuple(pool))
    kind = vocab.kind_of(fact) or fact.kind
    return tuple(dict.fromkeys((*default_rivals(kind), *vocab.rivals(fact))))
