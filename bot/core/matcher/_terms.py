"""Key terms and question types: what a question names and what it asks for.

Key terms (people, events, nations, years, medals, sex, measures) decide which fact a question
means: "who won the women's final" must not get the men's. Sport-general ones (sex, medals,
measures, nations) come from `bot/data/`; a topic's people, events and places come from its
facts, inferred per scope (a `Lexicon`), plus, for the bundled article, `facts/terms/*.yaml`.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.core.facts import EventSex, Fact
from bot.core.text import CONCEPTS, NATION_TOKENS, STOPWORDS, SYNONYMS, content_tokens, tokens
from bot.core.vocab import VocabError, language, load_vocab, read_yaml, validation_error

DEFAULT_TERMS_DIR = Path(__file__).resolve().parents[3] / "facts" / "terms"
"""The bundled article's terms, beside its facts."""


class QType(StrEnum):
    """What a question asks for, read from its question words."""

    COUNT = "count"
    PERSON = "person"
    NATION = "nation"
    PLACE = "place"
    MEDAL = "medal"
    TIME = "time"
    EVENT = "event"
    DATE = "date"
    REASON = "reason"
    QUOTE = "quote"
    ANY = "any"


# Which fact kinds can answer which question type.
KIND_FOR_QTYPE: dict[QType, frozenset[str]] = {
    QType.COUNT: frozenset({"number", "time"}),
    QType.PERSON: frozenset({"person"}),
    QType.NATION: frozenset({"nation"}),
    QType.PLACE: frozenset({"ordinal"}),
    QType.MEDAL: frozenset({"medal"}),
    QType.TIME: frozenset({"time"}),
    QType.EVENT: frozenset({"event"}),
    QType.DATE: frozenset({"time"}),
    QType.REASON: frozenset({"text"}),
    QType.QUOTE: frozenset({"text"}),
}

_LANG = language()
GENERAL_TERMS: dict[str, tuple[str, str]] = {
    word: (cls, value) for cls, table in _LANG.key_terms.items() for word, value in table.items()
}
"""Sport-general key terms: token -> (class, value)."""
SEX_TOKENS = frozenset(t for t, (cls, _) in GENERAL_TERMS.items() if cls == "sex")
ORDINAL_TOKEN = re.compile(r"^\d+th$")
YEAR_TOKEN = re.compile(r"^(19|20)\d\d$")
TIME_TOKEN = re.compile(r"^\d{1,2}:\d\d")
SCORE_TOKEN = re.compile(r"^\d{1,2}-\d{1,2}$")
MAX_NAMESAKES = 25
"""A name that more people than this share ("Smith" in a scope of many thousand facts) names
nobody in particular: alone, it is no person's key term (with a first name, it may be)."""
NO_KEYS: frozenset[str] = frozenset()
ALL = "\x00all"
"""In `Lexicon.learned`: a change that may touch every fact of the scope."""
_PERSON_WORDS = {"athlete", "men", "women", "person"}
QUESTION_WORDS = frozenset(
    {"who", "whom", "whose", "what", "which", "when", "where", "why", "how", "howmany"}
)


def question_type(toks: tuple[str, ...]) -> QType:
    """Read what a question asks for from its (normalised) tokens."""
    # Chatter before the question ("hey bot quick one, who won ...") does not change what it asks.
    for i, t in enumerate(toks[:8]):
        if t in QUESTION_WORDS:
            toks = toks[i:]
            break
    text = " " + " ".join(toks) + " "
    first = toks[0] if toks else ""
    if " howmany " in text or (" age " in text and first in {"what", "age", "how"}):
        return QType.COUNT
    if any(
        p in text
        for p in (
            " which country ",
            " where is ",
            " where are ",
            " ride for ",
            " represent ",
            " country is ",
            " country does ",
            " country did ",
            " what country",
        )
    ):
        return QType.NATION
    which = [toks[i + 1] for i, t in enumerate(toks[:-1]) if t in {"which", "what"}]
    if (
        first in {"who", "whom", "whose"}
        or any(w in _PERSON_WORDS or w in NATION_TOKENS for w in which)
        or " name the " in text
    ):
        return QType.PERSON
    if any(
        p in text
        for p in (
            " what place ",
            " which place ",
            " where did ",
            " place did ",
        )
    ):
        return QType.PLACE
    if any(
        p in text
        for p in (
            " which medal ",
            " what medal ",
            " what colour ",
            " what color ",
            " medal colour ",
            " what kind of medal ",
        )
    ):
        return QType.MEDAL
    if any(p in text for p in (" what time ", " how fast ", " how long ", " time in ")):
        return QType.TIME
    if any(p in text for p in (" which event ", " what event ", " which race ", " what race ")):
        return QType.EVENT
    if first == "when" or any(
        p in text for p in (" whatyear ", " what day ", " what date ", " which day ")
    ):
        return QType.DATE
    if first == "why" or " how come " in text:
        return QType.REASON
    if first in {"what", "how"} and "say" in toks:  # "what did she say about ...?"
        return QType.QUOTE
    return QType.ANY


# --- topic terms files -------------------------------------------------------------------------


class PersonSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=100)
    forms: list[str] = Field(default_factory=list)
    sex: EventSex | None = None
    nation: str | None = None
    events: list[str] = Field(default_factory=list)

    @field_validator("nation", mode="after")
    @classmethod
    def _nation(cls, v: str | None) -> str | None:
        if v is not None and load_vocab().nation_of(v) is None:
            raise ValueError(f"not a known nation: {v!r} (see bot/data/nations.yaml)")
        return v


class GroupSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    forms: list[str] = Field(min_length=1)
    people: list[str] = Field(min_length=2)


class EventSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=100)
    forms: list[str] = Field(default_factory=list)
    sex: EventSex | None = None


class GamesEdition(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    year: int = Field(ge=1800, le=2100)
    city: str = Field(min_length=2, max_length=100)


class GamesSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current: GamesEdition
    others: list[GamesEdition] = Field(default_factory=list)


class TermsFileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    people: list[PersonSpec] = Field(default_factory=list)
    groups: list[GroupSpec] = Field(default_factory=list)
    events: list[EventSpec] = Field(default_factory=list)
    games: GamesSpec | None = None


def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in content_tokens(tokens(name)) if len(t) >= 2 and not t[0].isdigit())


def parse_terms(raw: Any, *, file: str) -> TermsFileSpec:
    if not isinstance(raw, dict):
        raise VocabError("expected a mapping with people, groups, events or games", file=file)
    for key in ("people", "groups", "events"):
        try:
            spec = TermsFileSpec.model_validate({key: raw.get(key, [])})
        except ValidationError as err:
            raise validation_error(err, raw, file=file, list_key=key) from None
    try:
        spec = TermsFileSpec.model_validate(raw)
    except ValidationError as err:
        raise validation_error(err, raw, file=file, list_key="games") from None
    people = {p.name for p in spec.people}
    events = {e.name for e in spec.events}
    for p in spec.people:
        for ev in p.events:
            if ev not in events:
                raise VocabError(
                    f"{ev!r} is not one of the file's events",
                    file=file,
                    entry=p.name,
                    field="events",
                )
        if not _name_tokens(p.name):
            raise VocabError("a name needs letters", file=file, entry=p.name, field="name")
    for g in spec.groups:
        for member in g.people:
            if member not in people:
                raise VocabError(
                    f"{member!r} is not one of the file's people",
                    file=file,
                    entry=g.forms[0],
                    field="people",
                )
    return spec


def load_terms_dir(directory: Path | None = None) -> list[TermsFileSpec]:
    """Every terms file of a directory (none if it does not exist), validated."""
    directory = DEFAULT_TERMS_DIR if directory is None else directory
    if not directory.is_dir():
        return []
    return [
        parse_terms(read_yaml(path), file=path.name)
        for path in sorted(directory.iterdir())
        if path.suffix.lower() in {".yaml", ".yml"}
    ]


# --- a scope's lexicon -------------------------------------------------------------------------

_VENUE_WORDS = _LANG.place_words - _LANG.team_words
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)*")
_SPLIT_NAMES = re.compile(r"\s*(?:,|&|/|\band\b|\bwith\b)\s*")


@dataclass(slots=True)
class Lexicon:
    """The key-term tables of one scope, or of a scope and the bundled one merged."""

    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """name token -> the people it may mean (a surname may mean several)"""
    person_sex: dict[str, Counter[str]] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    """event token -> event"""
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    """tokens of a multi-word term -> its one token (team sprint -> teamsprint)"""
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """a token read as other tokens (pb -> personal best, a nickname -> a full name)"""
    years: dict[str, str] = field(default_factory=dict)
    """a place that stands for a year (Rio -> 2016)"""
    default_years: set[str] = field(default_factory=set)
    groups: dict[str, set[str]] = field(default_factory=dict)
    places: set[str] = field(default_factory=set)
    """words of the places' and events' names ("Lakeside City Marathon"): never a person"""
    teams: dict[str, str] = field(default_factory=dict)
    """a team's own token -> the team ("ashford" of "Ashford Rovers"): a key term"""
    event_sexes: dict[str, set[str]] = field(default_factory=dict)
    longest: int = 1
    heads: set[str] = field(default_factory=set)
    """first tokens of the multi-word terms"""
    learned: set[str] = field(default_factory=set)
    """Tokens whose meaning changed since the owner last looked (ALL: every token)."""

    # --- building ------------------------------------------------------------------------
    def add_person(self, toks: Sequence[str], sex: str | None = None) -> str | None:
        toks = tuple(t for t in toks if t not in STOPWORDS and t not in GENERAL_TERMS)
        toks = tuple(
            t for t in toks if t not in NATION_TOKENS and t not in self.places and len(t) >= 2
        )
        if not toks or len(toks) > 4:
            return None
        if len(toks) == 1:
            known = self.names.get(toks[0])
            if known:  # a surname of someone already known
                person = next(iter(known)) if len(known) == 1 else None
                if person and sex:
                    self._vote(person, sex)
                return person
        person = sys.intern(" ".join(toks))
        for t in toks:
            people = self.names.get(t, ())
            if person not in people:
                if len(toks) > 1:  # "ferrante" alone was "luca ferrante" all along
                    people = tuple(p for p in people if p != t)
                self.names[t] = (*people, person)
                self.learned.add(t)
        if sex:
            self._vote(person, sex)
        return person

    def _vote(self, person: str, sex: str) -> None:
        votes = self.person_sex.setdefault(person, Counter())
        before = self.sex_of(person)
        votes[sex] += 1
        if self.sex_of(person) != before:
            self.learned.update(person.split())

    def add_alias(self, form_toks: Sequence[str], token: str) -> None:
        """Read a form of a term as the term's one token (a multi-word event, an abbreviation)."""
        form_toks = tuple(form_toks)
        if len(form_toks) > 1:
            self.phrases[form_toks] = token
            self.longest = max(self.longest, len(form_toks))
            self.heads.add(form_toks[0])
        elif form_toks and form_toks[0] != token:
            self.aliases[form_toks[0]] = (token,)

    def add_terms_file(self, spec: TermsFileSpec) -> None:
        for e in spec.events:
            event = sys.intern("".join(_name_tokens(e.name)))
            self.events[event] = event
            for form in (e.name, *e.forms):
                self.add_alias(tokens(form), event)
        for p in spec.people:
            name = _name_tokens(p.name)
            person = self.add_person(name, p.sex)
            if person is None:
                continue
            for form in p.forms:
                form_toks = _name_tokens(form)
                if len(form_toks) == 1 and form_toks[0] not in name:
                    self.aliases[form_toks[0]] = name  # a nickname is the full name
                else:
                    for t in form_toks:
                        known = self.names.get(t, ())
                        if person not in known:
                            self.names[t] = (*known, person)
        for g in spec.groups:
            members = {" ".join(_name_tokens(m)) for m in g.people}
            for form in g.forms:
                for t in _name_tokens(form):
                    self.groups[t] = members
        if spec.games is not None:
            self.default_years.add(str(spec.games.current.year))
            for ed in (spec.games.current, *spec.games.others):
                year = str(ed.year)
                city = tokens(ed.city)
                if len(city) > 1:
                    self.add_alias(city, sys.intern("".join(city)))
                self.years["".join(city)] = year

    def add_fact(self, fact: Fact) -> None:
        """Learn a fact's people (and their sex) and events from its own text."""
        if fact.source is not None:  # "the 2025 Harbour Open" in a report of 2025 says little
            year = str(fact.source.date.year)
            if year not in self.default_years:
                self.default_years.add(year)
                self.learned.add(ALL)
        sex = fact_sex(fact)
        subjects: list[tuple[str, ...]] = [_name_tokens(a) for a in fact.about]
        if fact.kind == "person":
            for a in fact.accept:
                for part in _SPLIT_NAMES.split(a):
                    if part and load_vocab().nation_of(part) is None:
                        subjects.append(_name_tokens(part))
        for name in subjects:
            if name:
                self.add_person(name, sex)
        texts = (fact.answer, *fact.all_questions, fact.quote or "")
        for text in texts:
            for place in capitalised_names(text, places=True):
                self.learned.update(t for t in place if t not in self.places)
                self.places.update(place)
            for place in _capitalised(text)[3]:  # "Port" of "Port Alder" is the place's too
                self.learned.update(t for t in place if t not in self.places)
                self.places.update(place)
            for team in capitalised_teams(text):
                team_name = sys.intern("".join(team))
                for t in team:
                    if self.teams.get(t) != team_name:
                        self.teams[t] = team_name
                        self.learned.add(t)
        for text in texts:
            for name in capitalised_names(text):
                if len(name) > 1 or name[0] in self.names:  # one word alone: a known name only
                    self.add_person(name)
        # An event a question may name: what follows "men's" and "women's" both, in questions
        # and tags ("men's doubles", "women's doubles").
        for text in (fact.question, *(t.replace("-", " ") for t in fact.tags)):
            toks = tokens(text)
            for a, b in itertools.pairwise(toks):
                if a in SEX_TOKENS and _may_be_event(b):
                    sexes = self.event_sexes.setdefault(b, set())
                    sexes.add(a)
                    if len(sexes) > 1 and b not in self.events:
                        self.events[b] = b
                        self.learned.add(b)

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with another's terms layered over it (a server's over the bundled
        ones): a view, built in constant time, that reads both. A table the other lexicon
        leaves empty is this one's own (re-merge after the other learns a term)."""

        def layer(mine: dict[Any, Any], theirs: dict[Any, Any]) -> dict[Any, Any]:
            return mine if not theirs else _Layer(theirs, mine)  # type: ignore[return-value]

        return Lexicon(
            names=self.names if not other.names else _UnionMap(other.names, self.names),  # type: ignore[arg-type]
            person_sex=layer(self.person_sex, other.person_sex),
            events=layer(self.events, other.events),
            phrases=layer(self.phrases, other.phrases),
            aliases=layer(self.aliases, other.aliases),
            years=layer(self.years, other.years),
            default_years=self.default_years | other.default_years,
            groups=layer(self.groups, other.groups),
            teams=layer(self.teams, other.teams),
            places=self.places if not other.places else _UnionSet(other.places, self.places),  # type: ignore[arg-type]
            longest=max(self.longest, other.longest),
            heads=self.heads if not other.heads else self.heads | other.heads,
        )

    # --- reading ---------------------------------------------------------------------------
    def apply(self, toks: Sequence[str]) -> list[str]:
        """Read the scope's own forms: aliases spelt out, multi-word terms merged."""
        if self.aliases:
            toks = [a for t in toks for a in self.aliases.get(t, (t,))]
        if not self.phrases:
            return list(toks)
        out: list[str] = []
        i, n = 0, len(toks)
        heads = self.heads
        while i < n:
            if toks[i] not in heads:
                out.append(toks[i])
                i += 1
                continue
            for size in range(min(self.longest, n - i), 1, -1):
                hit = self.phrases.get(tuple(toks[i : i + size]))
                if hit is not None:
                    out.append(hit)
                    i += size
                    break
            else:
                out.append(toks[i])
                i += 1
        return out

    def is_key(self, token: str) -> bool:
        return (
            token in GENERAL_TERMS
            or token in NATION_TOKENS
            or token in self.names
            or token in self.events
            or token in self.years
            or token in self.groups
            or token in self.teams
        )

    def sex_of(self, person: str) -> str | None:
        votes = self.person_sex.get(person)
        if not votes or len(votes) != 1:
            return None
        sex = next(iter(votes))
        return sex if sex in {"men", "women"} else None

    def anchors_of(
        self, toks: Iterable[str], *, imply_sex: bool = True
    ) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        people: list[set[str]] = []
        last: set[str] | None = None
        for t in toks:
            if not t[:1].isdigit():
                pass
            elif ORDINAL_TOKEN.match(t):
                found.setdefault("rank", set()).add(t)
            elif YEAR_TOKEN.match(t):
                found.setdefault("year", set()).add(t)
            hit = GENERAL_TERMS.get(t)
            if hit is not None:
                found.setdefault(hit[0], set()).add(hit[1])
            if t in NATION_TOKENS:
                found.setdefault("nation", set()).add(t)
            if t in self.events:
                found.setdefault("event", set()).add(self.events[t])
            if t in self.years:
                found.setdefault("year", set()).add(self.years[t])
            if t in self.teams:
                found.setdefault("team", set()).add(self.teams[t])
            if t in self.groups:
                people.append(set(self.groups[t]))
                last = None
                continue
            named = self.names.get(t)
            if named:
                if last is not None and not last.isdisjoint(named):  # "luca ferrante": one person
                    last.intersection_update(named)
                else:
                    last = set(named)
                    people.append(last)
            else:
                last = None
        if people:
            # A shared surname beside one unambiguous full name elsewhere in the text is that person.
            sure = {p for ps in people if len(ps) == 1 for p in ps}
            resolved = [ps & sure if len(ps) > 1 and ps & sure else ps for ps in people]
            resolved = [ps for ps in resolved if len(ps) <= MAX_NAMESAKES]
            if resolved:
                found["person"] = set().union(*resolved)
        if imply_sex and "sex" not in found and "person" in found:
            implied = {s for p in found["person"] if (s := self.sex_of(p))}
            if implied:
                found["sex"] = implied
        return {k: shared_set(v) for k, v in found.items()}


class _UnionMap(Mapping[str, tuple[str, ...]]):
    """Two name tables read as one: a name in both means everyone either table gives it."""

    def __init__(
        self, first: dict[str, tuple[str, ...]], second: dict[str, tuple[str, ...]]
    ) -> None:
        self._maps = (first, second)

    def __getitem__(self, key: str) -> tuple[str, ...]:
        a, b = self._maps[0].get(key), self._maps[1].get(key)
        if a is None and b is None:
            raise KeyError(key)
        if not a or not b:
            return a or b or ()
        return tuple(dict.fromkeys((*a, *b)))

    def __contains__(self, key: object) -> bool:
        return key in self._maps[0] or key in self._maps[1]

    def get(self, key: str, default: Any = None) -> Any:
        a, b = self._maps[0].get(key), self._maps[1].get(key)
        if not a or not b:
            return a or b or default
        return tuple(dict.fromkeys((*a, *b)))

    def __iter__(self) -> Iterator[str]:
        return iter(set(self._maps[0]) | set(self._maps[1]))

    def __len__(self) -> int:
        return len(set(self._maps[0]) | set(self._maps[1]))


class _Layer(Mapping[Any, Any]):
    """One table over another (a server's over the bundled one's): the first one's value wins."""

    def __init__(self, first: dict[Any, Any], second: dict[Any, Any]) -> None:
        self._first, self._second = first, second

    def __getitem__(self, key: Any) -> Any:
        if key in self._first:
            return self._first[key]
        return self._second[key]

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self._first:
            return self._first[key]
        return self._second.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._first or key in self._second

    def __iter__(self) -> Iterator[Any]:
        return iter({**self._second, **self._first})

    def __len__(self) -> int:
        return len({**self._second, **self._first})


class _UnionSet:
    """Two sets read as one, for membership."""

    def __init__(self, first: set[str], second: set[str]) -> None:
        self._sets = (first, second)

    def __contains__(self, item: object) -> bool:
        return item in self._sets[0] or item in self._sets[1]


def _may_be_event(token: str) -> bool:
    return (
        token not in STOPWORDS
        and token not in CONCEPTS
        and token not in GENERAL_TERMS
        and token not in NATION_TOKENS
        and len(token) >= 4
        and not token[0].isdigit()
    )


def fact_sex(fact: Fact) -> str | None:
    """The sex of a fact's event: the explicit field, else the one sex its question names."""
    if fact.sex:
        return fact.sex
    named = {
        t
        for text in (fact.question, *(tag.replace("-", " ") for tag in fact.tags))
        for t in tokens(text)
        if t in SEX_TOKENS
    }
    return next(iter(named)) if len(named) == 1 else None


def capitalised_names(text: str, *, places: bool = False) -> list[tuple[str, ...]]:
    """Names written with capitals in a text ("Luca Ferrante", "Okafor"), as name tokens.

    A capitalised word opening a sentence is a name only beside another capitalised word, and
    a name with a place word ("Quayside Park", "Harbour Open") is a place, not a person: with
    `places`, only those are returned.
    """
    return list(_capitalised(text)[1 if places else 0])


def capitalised_teams(text: str) -> list[tuple[str, ...]]:
    """Teams named with capitals in a text ("Ashford Rovers", "Calder Town"): a name with a
    team word and no venue's or event's word, as its own tokens ("ashford")."""
    return list(_capitalised(text)[2])


_Names = tuple[tuple[str, ...], ...]


@lru_cache(maxsize=4096)
def _capitalised(text: str) -> tuple[_Names, _Names, _Names, _Names]:
    """(names, places, teams, place words) of `capitalised_names`, read in one pass (a fact asks
    for all): place words are those of a place's name that are not its own ("Port", "Park")."""
    found: list[tuple[str, ...]] = []
    found_places: list[tuple[str, ...]] = []
    found_teams: list[tuple[str, ...]] = []
    found_words: list[tuple[str, ...]] = []
    for m in _CAPITALISED.finditer(text):
        words = m.group().split()
        before = text[: m.start()].rstrip()
        sentence_start = not before or before[-1] in '.!?:;"“(' or before.endswith("- ")
        while words and words[0].casefold().removesuffix("'s") in STOPWORDS:
            words = words[1:]
            sentence_start = True
        if not words or (len(words) == 1 and sentence_start):
            continue
        toks = _name_tokens(" ".join(words))
        is_place = any(w.casefold() in _LANG.place_words for w in words) or any(
            t in _LANG.place_words for t in toks
        )
        if is_place:
            own = tuple(t for t in toks if t not in _LANG.place_words)
            found_places.append(own)
            if own:
                found_words.append(tuple(t for t in toks if t in _VENUE_WORDS))
            folded = {w.casefold() for w in words} | set(toks)
            if own and folded & _LANG.team_words and not folded & _VENUE_WORDS:
                found_teams.append(own)
        toks = tuple(t for t in toks if t not in CONCEPTS and t not in SYNONYMS)
        if toks and not is_place:
            found.append(toks)
    return tuple(found), tuple(found_places), tuple(found_teams), tuple(found_words)


def term_keys(anchors: dict[str, frozenset[str]], numbers: Iterable[str]) -> frozenset[str]:
    """Key terms in one set, so that "which of the phrasing's are missing" is one difference."""
    found = {f"{cls}:{v}" for cls, values in anchors.items() if cls != "sex" for v in values}
    found.update(f"number:{n}" for n in numbers)
    # Interned, and each distinct set held once: an index of many facts shares them.
    return shared_set(sys.intern(k) for k in found) if found else NO_KEYS


_SHARED: dict[frozenset[str], frozenset[str]] = {}


def shared_set(items: Iterable[str]) -> frozenset[str]:
    """One frozenset object per distinct set of strings (key terms repeat across facts)."""
    new = frozenset(items)
    if not new:
        return NO_KEYS
    if len(_SHARED) > 1_000_000:  # a bound, never reached by real fact sets
        _SHARED.clear()
    return _SHARED.setdefault(new, new)
