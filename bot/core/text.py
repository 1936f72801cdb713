"""Text normalisation shared by the matcher and the quiz: one canonical token stream per text.

The same function turns a member's question and a fact's phrasings into tokens, so every
rule here (number words, plurals, synonyms) applies to both sides and cannot make them drift.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache

from bot.core.vocab import fold, language, load_vocab

_LANG = language()
_VOCAB = load_vocab()

_CONTRACTIONS = (
    (re.compile(r"\b(can)'?t\b"), r"\1 not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'(re|ve|ll|d|m)\b"), ""),
    (re.compile(r"\b(it|what|who|that|there|he|she|where|how)'s\b"), r"\1 is"),
    (re.compile(r"(\w)'s time\b"), r"\1 her time"),  # bolt's time: a race time, as "his time"
    (re.compile(r"(\w)'s\b"), r"\1"),  # possessive: ferrante's -> ferrante
    (re.compile(r"(\w)s'(?!\w)"), r"\1s"),  # plural possessive: women's / riders'
)
_THOUSANDS = re.compile(r"(?<![\d.,])([1-9]\d{0,2}(?:,\d{3})+)(?![\d,]*\d)")
"""1,000 and 1,150,000 are one number each (a decimal comma is read as a point)."""
_PLURAL_NUMBER = re.compile(r"\b(\d+)s\b")
"""The over-40s, the 1990s: the number itself."""
_TOKEN = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?"  # a time: 2:05:13, 7:30
    r"|(?<![\d-])\d{1,2}-\d{1,2}(?![\d-])"  # a score: 6-4
    r"|\d+(?:[.,]\d+)?(?:st|nd|rd|th)?"
    r"|[a-z]+"
)

UNITS: dict[str, int] = _LANG.units
TENS: dict[str, int] = _LANG.tens
ORDINAL_UNITS: dict[str, int] = _LANG.ordinal_units
ORDINAL_TENS: dict[str, int] = _LANG.ordinal_tens
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th)$")

_NUMBER_SIGNS = _LANG.number_signs
_NUMBER = "number"
ABBREVIATIONS: dict[str, tuple[str, ...]] = _LANG.abbreviations
"""Short forms members type, spelled out before anything else (from the language data)."""

STOPWORDS: frozenset[str] = _LANG.stopwords
"""Words that carry no content. Question words are read separately, by the matcher."""

NATION_TOKENS: dict[str, str] = {n.token: n.name for n in _VOCAB.nations()}
"""The one token of each nation -> its canonical name."""


def clean(text: str) -> str:
    """Unicode-normalise and case-fold (see `bot.core.vocab.fold`, the one folding)."""
    return fold(text)


def join_thousands(text: str) -> str:
    """Write grouped numbers without their commas: "1,150,000" -> "1150000" ("6,7" stays)."""
    return _THOUSANDS.sub(lambda m: m.group().replace(",", ""), text)


def _number_words(words: list[str]) -> list[str]:
    """Turn number and ordinal words into digits: 'thirty three' -> '33', 'sixth' -> '6th'."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in TENS and (nxt in UNITS or nxt in ORDINAL_UNITS) and 0 < UNITS.get(nxt, 1) < 10:
            if nxt in ORDINAL_UNITS:
                out.append(f"{TENS[w] + ORDINAL_UNITS[nxt]}th")
            else:
                out.append(str(TENS[w] + UNITS[nxt]))
            i += 2
            continue
        if w in UNITS:
            out.append(str(UNITS[w]))
        elif w in TENS:
            out.append(str(TENS[w]))
        elif w in ORDINAL_UNITS:
            out.append(f"{ORDINAL_UNITS[w]}th")
        elif w in ORDINAL_TENS:
            out.append(f"{ORDINAL_TENS[w]}th")
        else:
            m = _ORDINAL_DIGITS.match(w)
            out.append(f"{m.group(1)}th" if m else w.replace(",", "."))
        i += 1
    return out


def _cased_nations() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    forms = _VOCAB.cased_forms()
    if not forms:
        return None, {}
    alts = "|".join(sorted(map(re.escape, forms), key=len, reverse=True))
    token = {f: _VOCAB.nation(name).token for f, name in forms.items()}  # type: ignore[union-attr]
    return re.compile(rf"(?<![\w.])(?:{alts})(?!\w)"), token


_CASED_RE, _CASED_TOKEN = _cased_nations()


def _raw_words(text: str) -> list[str]:
    if _CASED_RE is not None and text != text.lower():  # "US" names a nation in capitals only
        text = _CASED_RE.sub(lambda m: f" {_CASED_TOKEN[m.group()]} ", text)
    text = fold(text)
    if "'" in text:  # every contraction has an apostrophe
        for pattern, repl in _CONTRACTIONS:
            text = pattern.sub(repl, text)
    if "," in text:
        text = join_thousands(text)
    if "s" in text:
        text = _PLURAL_NUMBER.sub(r"\1", text)
    raw: list[str] = []
    for word in _TOKEN.findall(text):
        short = ABBREVIATIONS.get(word)
        if short is None or (raw and raw[-1][:1].isdigit()):
            raw.append(word)  # after a number, a letter is its unit ("100 m"), not a word
        else:
            raw.extend(short)
    for i in range(len(raw) - 1):
        if raw[i] in _NUMBER_SIGNS and raw[i + 1][:1].isdigit():
            raw[i] = _NUMBER  # "world No. 2" is world number 2 (but "no one" is nobody)
    return _number_words(raw)


def _phrase_table() -> tuple[dict[tuple[str, ...], str], dict[str, str], frozenset[str]]:
    """Phrases (by their words, as `_raw_words` reads them) and synonyms, nations included."""
    phrases: dict[tuple[str, ...], str] = {}
    synonyms: dict[str, str] = dict(_LANG.synonyms)
    for form, concept in _LANG.phrases.items():
        phrases[tuple(_raw_words(form))] = (
            _number_words([concept])[0] if concept[0].isdigit() else concept
        )
    for nation in _VOCAB.nations():
        for form in nation.forms:
            key = tuple(_raw_words(form))
            if len(key) > 1:
                phrases.setdefault(key, nation.token)
            elif key:
                synonyms.setdefault(key[0], nation.token)
        synonyms.setdefault(nation.token, nation.token)
    concepts = frozenset(synonyms.values()) | frozenset(phrases.values())
    return phrases, synonyms, concepts


PHRASES, SYNONYMS, CONCEPTS = _phrase_table()
"""Several words that mean one thing (merged first), and word -> concept for single words."""
_LONGEST_PHRASE = max((len(p) for p in PHRASES), default=1)
_HEADS = frozenset(p[0] for p in PHRASES if p)


SEQUENCE_WORDS: frozenset[str] = _LANG.sequence_words
_ORDINAL_TOKEN = re.compile(r"^\d+th$")


def _stem(word: str) -> str:
    if word in STOPWORDS or word in CONCEPTS:
        return word
    if word in SYNONYMS:
        return SYNONYMS[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        base = word[:-1]
        return SYNONYMS.get(base, base)
    return word


def words(text: str) -> list[str]:
    """Raw lowercase words of a text, with contractions and possessives resolved."""
    return _raw_words(text)


def merge_phrases(tokens: list[str], phrases: dict[tuple[str, ...], str] = PHRASES) -> list[str]:
    """Merge phrases (team sprint, points race, how many) into one token, longest first."""
    out: list[str] = []
    i = 0
    n = len(tokens)
    heads = _HEADS if phrases is PHRASES else {p[0] for p in phrases}
    while i < n:
        if tokens[i] not in heads:  # no phrase starts with this word
            out.append(tokens[i])
            i += 1
            continue
        for size in range(min(_LONGEST_PHRASE, n - i), 1, -1):
            hit = phrases.get(tuple(tokens[i : i + size]))
            if hit is not None:
                out.append(hit)
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=16384)
def tokens(text: str) -> tuple[str, ...]:
    """All tokens of a text after normalisation, phrase merging and stemming (stopwords kept).

    Tokens are interned: an index of many facts holds each distinct word once.
    """
    toks = [_stem(t) for t in merge_phrases(words(text))]
    for i in range(len(toks) - 1):
        if toks[i + 1] in SEQUENCE_WORDS and _ORDINAL_TOKEN.match(toks[i]):
            # "the second event", "the 3rd set": which one in order, not a place
            toks[i], toks[i + 1] = "", toks[i + 1] + toks[i][:-2]
    return tuple(sys.intern(t) for t in toks if t)


def content_tokens(toks: tuple[str, ...] | list[str]) -> list[str]:
    """The tokens that carry meaning: stopwords and question words dropped, order kept."""
    return [t for t in toks if t not in STOPWORDS and t != "howmany"]


LANGUAGE_WORDS: frozenset[str] = (
    STOPWORDS
    | frozenset(SYNONYMS)
    | CONCEPTS
    | frozenset(w for table in _LANG.key_terms.values() for w in table)
    | frozenset(w for phrase in PHRASES for w in phrase if w.isalpha())
    | frozenset(UNITS)
    | frozenset(TENS)
    | frozenset(ORDINAL_UNITS)
)
"""Every word the language data knows: a typo of one of these is corrected to it."""
LANGUAGE_TYPO_POOL: tuple[str, ...] = tuple(sorted(w for w in LANGUAGE_WORDS if len(w) >= 3))
