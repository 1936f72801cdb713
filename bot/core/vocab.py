"""Sport-general language as data: nations, synonyms and slang, number words, question chatter.

The words live in `bot/data/*.yaml`, validated on load: a file with an error is rejected whole,
with one message naming the file, the entry and the field. Nothing here knows any one topic;
what a topic's facts need beyond their own text lives beside them (see `bot.core.terms`).

`fold` is the one text folding of the bot (case, accents, smart quotes, letters Unicode does not
decompose): the matcher's tokens and the quiz's answer check both start from it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# --- folding ---------------------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "þ": "th",
        "Þ": "th",
        "ð": "d",
        "Ð": "d",
        "ß": "ss",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\ufeff]")


def fold(text: str) -> str:
    """Unicode-normalise and case-fold: smart quotes and dashes made plain, accents and control
    characters removed, letters such as "ø" and "æ" spelt out ("Søren" -> "soren")."""
    if text.isascii():  # nothing to normalise, map or strip but control characters
        return _CONTROL.sub(" ", text.replace("`", "'")).casefold()
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    text = _CONTROL.sub(" ", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.casefold()


# --- errors ------------------------------------------------------------------------------------


class VocabError(ValueError):
    """A vocabulary or terms file could not be accepted. The message names file, entry, field."""

    def __init__(
        self, message: str, *, file: str, entry: str | None = None, field: str | None = None
    ) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        parts = [file]
        if entry:
            parts.append(f"entry {entry!r}")
        if field:
            parts.append(f"field {field!r}")
        super().__init__(f"{': '.join(parts)}: {message}")


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise VocabError(f"cannot read file ({exc.__class__.__name__})", file=path.name) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise VocabError(f"not valid YAML{where}", file=path.name) from None


def validation_error(
    err: ValidationError, raw: Any, *, file: str, list_key: str, name_key: str = "name"
) -> VocabError:
    """Turn pydantic's first error into a VocabError naming the entry and the field."""
    e = err.errors()[0]
    loc = list(e["loc"])
    entry: str | None = None
    field_name: str | None = None
    if len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
        entry = f"#{loc[1] + 1}"
        try:
            item = raw[list_key][loc[1]]
        except (KeyError, IndexError, TypeError):
            item = None
        if isinstance(item, dict) and item.get(name_key):
            entry = str(item[name_key])
        field_name = ".".join(str(p) for p in loc[2:3]) or None
    elif loc:
        field_name = ".".join(str(p) for p in loc)
    msg = e["msg"]
    if e["type"] == "missing":
        msg = "is required"
    elif e["type"] == "extra_forbidden":
        msg = "is not a known field"
    return VocabError(msg, file=file, entry=entry, field=field_name)


# --- nations -----------------------------------------------------------------------------------

_FORM_KEY = re.compile(r"[^a-z0-9]+")


def form_key(text: str) -> str:
    """A folded lookup key for a name: "the U.S." -> "the us", "Côte d'Ivoire" -> "cote d ivoire"."""
    return _FORM_KEY.sub(" ", fold(text).replace(".", "")).strip()


class NationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=60)
    names: list[str] = Field(default_factory=list)
    demonyms: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    cased: list[str] = Field(default_factory=list)

    @field_validator("codes", "cased", mode="after")
    @classmethod
    def _upper(cls, v: list[str]) -> list[str]:
        for code in v:
            if not re.fullmatch(r"[A-Z]{2,3}", code):
                raise ValueError(f"codes are two or three capital letters: {code!r}")
        return v


class NationFileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nations: list[NationSpec]


@dataclass(frozen=True, slots=True)
class Nation:
    """A nation and every way a question may name it."""

    name: str
    names: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()

    @property
    def token(self) -> str:
        """The one matcher token for every form of the nation ("unitedstates")."""
        return form_key(self.name).replace(" ", "")

    @property
    def forms(self) -> tuple[str, ...]:
        """Every form matched in any case: name, other names, demonyms and codes."""
        return (self.name, *self.names, *self.demonyms, *self.codes)


def parse_nations(raw: Any, *, file: str) -> tuple[Nation, ...]:
    if not isinstance(raw, dict):
        raise VocabError("expected a mapping with a 'nations' list", file=file)
    try:
        spec = NationFileSpec.model_validate(raw)
    except ValidationError as err:
        raise validation_error(err, raw, file=file, list_key="nations") from None
    nations: list[Nation] = []
    owner: dict[str, str] = {}
    for n in spec.nations:
        nation = Nation(n.name, tuple(n.names), tuple(n.demonyms), tuple(n.codes), tuple(n.cased))
        for kind, forms in (
            ("name", (n.name,)),
            ("names", n.names),
            ("demonyms", n.demonyms),
            ("codes", n.codes),
            ("cased", n.cased),
        ):
            for form in forms:
                key = form if kind == "cased" else form_key(form)
                if not key:
                    raise VocabError("an empty name", file=file, entry=n.name, field=kind)
                if owner.get(key, n.name) != n.name:
                    raise VocabError(
                        f"{form!r} already names {owner[key]}", file=file, entry=n.name, field=kind
                    )
                owner[key] = n.name
        nations.append(nation)
    return tuple(nations)


# --- the vocabulary --------------------------------------------------------------------------


@dataclass(slots=True)
class Vocab:
    """The sport-general vocabulary, loaded from `bot/data/`."""

    language: Language | None = None
    _nations: tuple[Nation, ...] = ()
    _by_form: dict[str, Nation] = field(default_factory=dict)
    _by_cased: dict[str, Nation] = field(default_factory=dict)
    _by_name: dict[str, Nation] = field(default_factory=dict)
    _longest: int = 1
    _cased_re: re.Pattern[str] | None = None

    @classmethod
    def from_nations(cls, nations: Iterable[Nation]) -> Vocab:
        vocab = cls()
        vocab._nations = tuple(nations)
        for n in vocab._nations:
            vocab._by_name[n.name] = n
            for form in n.forms:
                if "." in form:  # "U.S." is "us" once folded: only the dotted capitals count
                    vocab._by_cased[form] = n
                    continue
                key = form_key(form)
                vocab._by_form[key] = n
                vocab._longest = max(vocab._longest, key.count(" ") + 1)
            for form in n.cased:
                vocab._by_cased[form] = n
        if vocab._by_cased:
            alts = "|".join(sorted(map(re.escape, vocab._by_cased), key=len, reverse=True))
            vocab._cased_re = re.compile(rf"(?<![\w.])(?:{alts})(?![\w])")
        return vocab

    def nations(self) -> tuple[Nation, ...]:
        """Every known nation, in file order."""
        return self._nations

    def nation(self, name: str) -> Nation | None:
        """A nation by its canonical name."""
        return self._by_name.get(name)

    def nation_of(self, text: str) -> str | None:
        """The canonical name of the nation a short text names, or None.

        "USA", "the US", "American", "United States of America" -> "United States".
        """
        stripped = text.strip().strip("?!,;:'\"()").removeprefix("the ").strip()
        cased = self._by_cased.get(stripped) or self._by_cased.get(stripped.rstrip("."))
        if cased is not None:
            return cased.name
        key = form_key(text)
        nation = self._by_form.get(key) or self._by_form.get(key.removeprefix("the "))
        if nation is None and key.startswith("team "):
            nation = self._by_form.get(key.removeprefix("team "))
        return nation.name if nation else None

    def nations_in(self, text: str) -> list[str]:
        """Every nation a text names, in order of first mention, each once."""
        found: list[str] = []
        if self._cased_re is not None:
            for m in self._cased_re.finditer(text):
                found.append(self._by_cased[m.group()].name)
        words = form_key(text).split()
        i = 0
        while i < len(words):
            for size in range(min(self._longest, len(words) - i), 0, -1):
                nation = self._by_form.get(" ".join(words[i : i + size]))
                if nation is not None:
                    found.append(nation.name)
                    i += size
                    break
            else:
                i += 1
        return list(dict.fromkeys(found))

    def same_nation(self, a: str, b: str) -> bool:
        """Whether two texts name the same nation ("Britain" and "British")."""
        na = self.nation_of(a)
        return na is not None and na == self.nation_of(b)

    def nation_forms(self) -> dict[str, str]:
        """Every folded form (any case) -> canonical name."""
        return {k: n.name for k, n in self._by_form.items()}

    def cased_forms(self) -> dict[str, str]:
        """Forms matched only in capitals ("US") -> canonical name."""
        return {k: n.name for k, n in self._by_cased.items()}


def load_nations(path: Path | None = None) -> tuple[Nation, ...]:
    path = path or DATA_DIR / "nations.yaml"
    return parse_nations(read_yaml(path), file=path.name)


# --- sport-general language --------------------------------------------------------------------

_WORD = re.compile(r"^[a-z0-9]+$")
_PHRASE = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+)+$")
_WORDS = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")
"""One or more lowercase words."""


def _words_only(values: Iterable[str], what: str) -> None:
    for v in values:
        if not _WORD.fullmatch(v):
            raise ValueError(f"{what} are single lowercase words: {v!r}")


class NumberWordsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    units: dict[str, int]
    tens: dict[str, int]
    ordinal_units: dict[str, int]
    ordinal_tens: dict[str, int]


class DurationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    asks: list[str] = Field(default_factory=list)
    verbs: list[str] = Field(default_factory=list)

    @field_validator("asks", mode="after")
    @classmethod
    def _asks(cls, v: list[str]) -> list[str]:
        for phrase in v:
            if not _WORDS.fullmatch(phrase):
                raise ValueError(f"a duration question is lowercase words: {phrase!r}")
        return v

    @field_validator("verbs", mode="after")
    @classmethod
    def _verbs(cls, v: list[str]) -> list[str]:
        _words_only(v, "duration verbs")
        return v


class LanguageSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    abbreviations: dict[str, str] = Field(default_factory=dict)
    phrases: dict[str, list[str]] = Field(default_factory=dict)
    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    key_terms: dict[str, dict[str, str]] = Field(default_factory=dict)
    place_words: list[str] = Field(default_factory=list)
    team_words: list[str] = Field(default_factory=list)
    money_verbs: list[str] = Field(default_factory=list)
    number_signs: list[str] = Field(default_factory=list)
    durations: DurationSpec = Field(default_factory=DurationSpec)
    neighbours: dict[str, int] = Field(default_factory=dict)
    stand_ins: dict[str, list[str]] = Field(default_factory=dict)
    context_words: list[str] = Field(default_factory=list)
    sequence_words: list[str] = Field(default_factory=list)
    stopwords: list[str] = Field(default_factory=list)
    numbers: NumberWordsSpec

    @field_validator("abbreviations", mode="after")
    @classmethod
    def _abbr(cls, v: dict[str, str]) -> dict[str, str]:
        _words_only(v, "abbreviations")
        for full in v.values():
            if not _WORDS.fullmatch(full):
                raise ValueError(f"an abbreviation spells out lowercase words: {full!r}")
        return v

    @field_validator("phrases", mode="after")
    @classmethod
    def _phrases(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        _words_only(v, "phrase concepts")
        for phrases in v.values():
            for p in phrases:
                if not _PHRASE.fullmatch(p):
                    raise ValueError(f"a phrase is two or more lowercase words: {p!r}")
        return v

    @field_validator("synonyms", mode="after")
    @classmethod
    def _synonyms(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        _words_only(v, "synonym concepts")
        owner: dict[str, str] = {}
        for concept, words in v.items():
            _words_only(words, "synonyms")
            for w in words:
                if owner.get(w, concept) != concept:
                    raise ValueError(f"{w!r} is a synonym of both {owner[w]!r} and {concept!r}")
                owner[w] = concept
        return v

    @field_validator("stand_ins", mode="after")
    @classmethod
    def _stand_ins(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        _words_only(v, "stand-in words")
        for words in v.values():
            _words_only(words, "the concepts a stand-in word may mean")
        return v

    @field_validator("neighbours", mode="after")
    @classmethod
    def _neighbours(cls, v: dict[str, int]) -> dict[str, int]:
        _words_only(v, "neighbour words")
        for word, shift in v.items():
            if shift not in {-1, 1}:
                raise ValueError(f"a neighbour is one place after (1) or before (-1): {word!r}")
        return v

    @field_validator("key_terms", mode="after")
    @classmethod
    def _key_terms(cls, v: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for table in v.values():
            _words_only(table, "key terms")
        return v

    @field_validator(
        "place_words",
        "team_words",
        "money_verbs",
        "number_signs",
        "context_words",
        "sequence_words",
        "stopwords",
        mode="after",
    )
    @classmethod
    def _lists(cls, v: list[str]) -> list[str]:
        _words_only(v, "these")
        return v


@dataclass(frozen=True, slots=True)
class Language:
    """How sports questions are worded, on any sport (from `bot/data/language.yaml`)."""

    abbreviations: dict[str, tuple[str, ...]]
    phrases: dict[str, str]
    """phrase (words joined by spaces) -> concept token"""
    synonyms: dict[str, str]
    """word -> concept token"""
    key_terms: dict[str, dict[str, str]]
    """class -> {concept token: value}"""
    place_words: frozenset[str]
    team_words: frozenset[str]
    """place words that make a name a team ("Ashford Rovers"), unless it also has a venue's"""
    money_verbs: frozenset[str]
    """after "how much", these verbs ask for prize money ("how much did Okello get?")"""
    number_signs: frozenset[str]
    """words that stand for "number" before one ("world No. 2")"""
    duration_asks: tuple[tuple[str, ...], ...]
    """words that ask for a duration ("how long")"""
    duration_verbs: frozenset[str]
    """the last word of a question asking for a duration that says it lasted, not that someone
    won ("how long did the final take?")"""
    neighbours: dict[str, int]
    """a word that asks who finished one place after (1) or before (-1) someone named ("who
    finished behind Okello?")"""
    stand_ins: dict[str, frozenset[str]]
    """a general word of a question -> the concepts a fact may name it by ("how many people"
    are the runners or the spectators)"""
    context_words: frozenset[str]
    """words a question may add about the occasion ("after the match"), which no fact need say"""
    sequence_words: frozenset[str]
    """after an ordinal, these say which one in order ("the second set"), not a place"""
    stopwords: frozenset[str]
    units: dict[str, int]
    tens: dict[str, int]
    ordinal_units: dict[str, int]
    ordinal_tens: dict[str, int]


def parse_language(raw: Any, *, file: str) -> Language:
    if not isinstance(raw, dict):
        raise VocabError("expected a mapping", file=file)
    try:
        spec = LanguageSpec.model_validate(raw)
    except ValidationError as err:
        e = err.errors()[0]
        loc = [str(p) for p in e["loc"]]
        msg = {"missing": "is required", "extra_forbidden": "is not a known field"}.get(
            e["type"], e["msg"]
        )
        raise VocabError(
            msg, file=file, entry=loc[1] if len(loc) > 1 else None, field=loc[0] if loc else None
        ) from None
    phrases: dict[str, str] = {}
    for concept, forms in spec.phrases.items():
        for form in forms:
            if phrases.get(form, concept) != concept:
                raise VocabError(
                    f"{form!r} already means {phrases[form]!r}",
                    file=file,
                    entry=concept,
                    field="phrases",
                )
            phrases[form] = concept
    return Language(
        abbreviations={k: tuple(v.split()) for k, v in spec.abbreviations.items()},
        phrases=phrases,
        synonyms={w: concept for concept, words in spec.synonyms.items() for w in words},
        key_terms=spec.key_terms,
        place_words=frozenset(spec.place_words) | frozenset(spec.team_words),
        team_words=frozenset(spec.team_words),
        money_verbs=frozenset(spec.money_verbs),
        number_signs=frozenset(spec.number_signs),
        duration_asks=tuple(tuple(phrase.split()) for phrase in spec.durations.asks),
        duration_verbs=frozenset(spec.durations.verbs),
        neighbours=dict(spec.neighbours),
        stand_ins={w: frozenset(concepts) for w, concepts in spec.stand_ins.items()},
        context_words=frozenset(spec.context_words),
        sequence_words=frozenset(spec.sequence_words),
        stopwords=frozenset(spec.stopwords),
        units=spec.numbers.units,
        tens=spec.numbers.tens,
        ordinal_units=spec.numbers.ordinal_units,
        ordinal_tens=spec.numbers.ordinal_tens,
    )


def load_language(path: Path | None = None) -> Language:
    path = path or DATA_DIR / "language.yaml"
    return parse_language(read_yaml(path), file=path.name)


@cache
def load_vocab() -> Vocab:
    """The bundled vocabulary (read once per process): nations and sport-general language."""
    vocab = Vocab.from_nations(load_nations())
    vocab.language = load_language()
    return vocab


def language() -> Language:
    """The bundled sport-general language."""
    lang = load_vocab().language
    assert lang is not None
    return lang
