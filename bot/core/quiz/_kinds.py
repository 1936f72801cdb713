"""What kind of answer a fact has, and the answers of each kind a scope knows.

A quiz question is fair only when its options are answers of one kind a player can choose
among: numbers, people, nations, events, medals, places, days. `ScopeVocab` gathers them from
the facts of one scope (the bundled facts plus one server's), with general knowledge (medal
colours, weekdays, nations) from data files; nothing about any topic is written here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.core.facts import Fact

from ._nations import nation_key, nation_names
from ._text import answer_key, answer_tokens, is_number_token

GENERAL_FILE = Path(__file__).with_name("general.yaml")

NUMERIC_KINDS: frozenset[str] = frozenset({"number", "ordinal", "time"})
"""Declared kinds whose wrong answers are generated near the right number."""

CHOOSABLE_KINDS: frozenset[str] = frozenset(
    {"number", "ordinal", "time", "person", "nation", "event", "medal", "place", "day"}
)
"""Kinds a player can choose among. A fact whose answer has none of them is not quizzed."""

MAX_UNIT_WORDS = 3
"""A free-text answer that is one number and at most this many other words ("38 km") is a
number question; more words make it a sentence."""

PAIR_SEPARATORS = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?$", re.IGNORECASE)
_NUMBER_IN_TEXT = re.compile(r"\d+(?:[.,:]\d+)*")

PARTNER_WORDS = frozenset({"with", "partner", "partnered", "alongside"})
"""A question about someone's partner asks for a person of their sex (same event)."""

Sex = str  # "men" or "women"


@dataclass(frozen=True, slots=True)
class General:
    """General knowledge from `general.yaml`."""

    medals: tuple[str, ...]
    no_medal: str
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    event_sex_words: dict[str, frozenset[str]]
    person_sex_words: dict[str, frozenset[str]]
    filler: frozenset[str]
    place_questions: tuple[str, ...]


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(w for v in values for w in answer_tokens(str(v)))


@cache
def general() -> General:
    """The general-knowledge data, validated once."""
    raw: dict[str, Any] = yaml.safe_load(GENERAL_FILE.read_text(encoding="utf-8"))
    try:
        sexes = raw["sex_words"]
        data = General(
            medals=tuple(raw["medals"]),
            no_medal=str(raw["no_medal"]),
            weekdays=tuple(raw["weekdays"]),
            months=tuple(raw["months"]),
            event_sex_words={s: _words(sexes[s]["event"]) for s in ("men", "women")},
            person_sex_words={s: _words(sexes[s]["person"]) for s in ("men", "women")},
            filler=_words(raw["filler"]),
            place_questions=tuple(str(q).lower() for q in raw["place_questions"]),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{GENERAL_FILE.name}: missing or malformed entry {exc}") from None
    if len(data.medals) < 3 or not data.weekdays:
        raise ValueError(f"{GENERAL_FILE.name}: needs three medals and the weekdays")
    return data


def event_sex(text: str) -> Sex | None:
    """ "men" or "women" when a text names a sex-specific event ("the men's keirin")."""
    words = set(answer_tokens(text))
    found = [s for s, w in general().event_sex_words.items() if words & w]
    return found[0] if len(found) == 1 else None


def _sex_votes(text: str, *, with_pronouns: bool) -> dict[Sex, int]:
    words = set(answer_tokens(text))
    g = general()
    votes: dict[Sex, int] = {}
    for s in ("men", "women"):
        n = len(words & g.event_sex_words[s])
        if with_pronouns:
            n += len(words & g.person_sex_words[s])
        if n:
            votes[s] = n
    return votes


def numbers_in(text: str) -> list[str]:
    """The numbers written in digits in a text ("2:05:41" is one, "6-4, 3-6" four)."""
    return _NUMBER_IN_TEXT.findall(text)


def is_clock(text: str) -> bool:
    """ "2:05:41", "7:15 am": a clock reading, of a day or of a race."""
    return _CLOCK.match(text.strip()) is not None


def _numeric_shape(text: str) -> bool:
    """One number (in digits or words) and a few unit words: "38 km", "$9.8 million"."""
    if is_clock(text):
        return True
    words = answer_tokens(text)
    numbers = [w for w in words if is_number_token(w)]
    digit_groups = numbers_in(text)
    return (len(numbers) == 1 and len(digit_groups) <= 1 and len(words) - 1 <= MAX_UNIT_WORDS) or (
        len(numbers) >= 1 and len(words) == len(numbers) == 1
    )


def is_pair(name: str) -> bool:
    """ "Jack Whitfield and Ravi Mehta": two people answer together."""
    return bool(PAIR_SEPARATORS.search(name))


@dataclass(slots=True)
class Entity:
    """One answer a scope knows (a person, nation, event...), with every name that means it."""

    kind: str
    name: str  # how it is shown as an option
    keys: set[str] = field(default_factory=set)  # answer_key of every name
    names: list[str] = field(default_factory=list)
    votes: dict[Sex, int] = field(default_factory=dict)  # person: evidence of their sex
    origins: set[tuple[int, str]] = field(default_factory=set)  # (scope, source) of its facts

    @property
    def sex(self) -> Sex | None:
        men, women = self.votes.get("men", 0), self.votes.get("women", 0)
        if men > 2 * women:
            return "men"
        if women > 2 * men:
            return "women"
        return None

    @property
    def shape(self) -> str:
        """Answers of one kind but different shape never share a question: a pair of people
        against single people, "Tokyo 2020" against "keirin"."""
        if self.kind == "person":
            return "pair" if is_pair(self.name) else "one"
        if self.kind in ("event", "place"):
            return "dated" if any(ch.isdigit() for ch in self.name) else "plain"
        return ""


@cache
def _general_entries() -> tuple[
    tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...
]:
    """(kind, name, names, keys, nation codes) of every general answer: nations, medals,
    weekdays. Worked out once: a scope's vocabulary is built for every quiz."""
    out = []
    for name, aliases in nation_names():
        names = (name, *aliases)
        keys = tuple(dict.fromkeys(k for n in names if (k := answer_key(n))))
        codes = tuple(dict.fromkeys(f"nation:{c}" for n in names if (c := nation_key(n))))
        out.append(("nation", name, names, keys, codes))
    g = general()
    for medal in (*g.medals, g.no_medal):
        out.append(("medal", medal, (medal,), (answer_key(medal),), ()))
    for day in g.weekdays:
        out.append(("day", day, (day,), (answer_key(day),), ()))
    return tuple(out)


def origin(fact: Fact) -> tuple[int, str]:
    """Where a fact comes from: its scope and its source article."""
    return (fact.scope, fact.source.title if fact.source else "")


def _full_name(accept: Sequence[str]) -> str:
    """The fullest form of a name: "Jason Kenny" among ("Kenny", "Jason Kenny", "Jason")."""
    multi = [a for a in accept if len(a.split()) > 1]
    return max(multi, key=lambda a: len(a.split())) if multi else accept[0]


class ScopeVocab:
    """The answers of each kind in one scope's facts, plus general knowledge."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.facts: tuple[Fact, ...] = tuple(facts)
        self._people_ix: dict[str, list[tuple[Entity, str]]] | None = None
        self._entities: dict[str, list[Entity]] = defaultdict(list)
        self._by_key: dict[str, dict[str, Entity]] = defaultdict(dict)
        self._kind_cache: dict[tuple[int, str], str | None] = {}
        for fact in self.facts:
            if not fact.accept:
                continue
            entity: Entity | None = None
            if fact.kind == "person":
                entity = self._add_person(fact)
            elif fact.kind in ("nation", "event"):
                entity = self._add(fact.kind, fact.accept[0], fact.accept)
            elif fact.kind == "text" and self._asks_place(fact):
                entity = self._add("place", fact.accept[0], fact.accept)
            if entity is not None:
                entity.origins.add(origin(fact))
        for kind, name, names, keys, codes in _general_entries():
            self._add_known(kind, name, names, keys, codes)
        self._collect_sex_evidence()

    # --- building ----------------------------------------------------------------------

    def _lookup(self, kind: str, names: Iterable[str]) -> Entity | None:
        table = self._by_key[kind]
        for name in names:
            found = table.get(answer_key(name))
            if found is not None:
                return found
            if kind == "nation" and (code := nation_key(name)) is not None:
                found = table.get(f"nation:{code}")
                if found is not None:
                    return found
        return None

    def _add(self, kind: str, name: str, names: Sequence[str]) -> Entity:
        entity = self._lookup(kind, names)
        if entity is None:
            entity = Entity(kind, name)
            self._entities[kind].append(entity)
        for n in names:
            key = answer_key(n)
            if not key:
                continue
            entity.keys.add(key)
            if n not in entity.names:
                entity.names.append(n)
            self._by_key[kind].setdefault(key, entity)
            if kind == "nation" and (code := nation_key(n)) is not None:
                self._by_key[kind].setdefault(f"nation:{code}", entity)
        return entity

    def _add_known(
        self,
        kind: str,
        name: str,
        names: tuple[str, ...],
        keys: tuple[str, ...],
        codes: tuple[str, ...],
    ) -> None:
        """General knowledge, its keys worked out once per process (see `_general_entries`)."""
        table = self._by_key[kind]
        entity = next((table[k] for k in (*keys, *codes) if k in table), None)
        if entity is None:
            entity = Entity(kind, name)
            self._entities[kind].append(entity)
        entity.keys.update(keys)
        entity.names.extend(n for n in names if n not in entity.names)
        for k in (*keys, *codes):
            table.setdefault(k, entity)

    def _add_person(self, fact: Fact) -> Entity:
        full = _full_name(fact.accept)
        # Merge on full names only: "Kenny" alone is Jason and Laura.
        entity = self._by_key["person"].get(answer_key(full))
        if entity is None:
            entity = Entity("person", full)
            self._entities["person"].append(entity)
        for n in fact.accept:
            key = answer_key(n)
            entity.keys.add(key)
            if n not in entity.names:
                entity.names.append(n)
            if len(n.split()) > 1 or is_pair(n):
                self._by_key["person"].setdefault(key, entity)
        return entity

    def _asks_place(self, fact: Fact) -> bool:
        first = answer_tokens(fact.question)[:1]
        return bool(first) and first[0] in general().place_questions

    def _people_named(self, text: str) -> list[Entity]:
        """People whose full name (or a surname nobody else has) a text contains."""
        words = answer_tokens(text)
        if not words:
            return []
        found: list[Entity] = []
        present = set(words)
        joined = " " + " ".join(words) + " "
        for first, people in self._single_people_index().items():
            if first not in present:
                continue
            for entity, key in people:
                if f" {key} " in joined and entity not in found:
                    found.append(entity)
        return found

    def _single_people_index(self) -> dict[str, list[tuple[Entity, str]]]:
        if self._people_ix is not None:
            return self._people_ix
        surname_owners: dict[str, set[int]] = defaultdict(set)
        people = [p for p in self._entities["person"] if p.shape == "one"]
        for p in people:
            last = answer_tokens(p.name)[-1:]
            if last:
                surname_owners[last[0]].add(id(p))
        index: dict[str, list[tuple[Entity, str]]] = defaultdict(list)
        for p in people:
            tokens = answer_tokens(p.name)
            if not tokens:
                continue
            index[tokens[0]].append((p, " ".join(tokens)))
            if len(tokens) > 1 and len(surname_owners[tokens[-1]]) == 1:
                index[tokens[-1]].append((p, tokens[-1]))
        self._people_ix = index
        return index

    def _collect_sex_evidence(self) -> None:
        for fact in self.facts:
            answer_person = self.person_of(fact) if fact.kind == "person" else None
            if answer_person is not None:
                if fact.sex in ("men", "women"):
                    answer_person.votes[fact.sex] = answer_person.votes.get(fact.sex, 0) + 3
                for s, n in _sex_votes(fact.question, with_pronouns=True).items():
                    answer_person.votes[s] = answer_person.votes.get(s, 0) + n
            # A text that names exactly one person says something about that person.
            for text in (fact.question, fact.answer):
                named = self._people_named(text)
                if answer_person is not None and answer_person not in named and text is fact.answer:
                    named.append(answer_person)
                if len(named) != 1:
                    continue
                votes = _sex_votes(text, with_pronouns=True)
                if fact.sex in ("men", "women") and text is fact.question:
                    votes[fact.sex] = votes.get(fact.sex, 0) + 1
                for s, n in votes.items():
                    named[0].votes[s] = named[0].votes.get(s, 0) + n

    # --- reading -------------------------------------------------------------------------

    def entities(self, kind: str) -> list[Entity]:
        return list(self._entities.get(kind, ()))

    def person_of(self, fact: Fact) -> Entity | None:
        if not fact.accept:
            return None
        return self._by_key["person"].get(answer_key(_full_name(fact.accept)))

    def entity_of(self, fact: Fact, kind: str) -> Entity | None:
        """The entity a fact's answer is, in its kind."""
        if kind == "person":
            return self.person_of(fact)
        return self._lookup(kind, fact.accept)

    def kind_of(self, fact: Fact) -> str | None:
        """The kind of a fact's short answer, or None when players could not choose among
        answers like it (a quote, a score line, a list)."""
        cache_key = (id(fact), fact.id)
        if cache_key in self._kind_cache:
            return self._kind_cache[cache_key]
        kind = self._kind_of(fact)
        self._kind_cache[cache_key] = kind
        return kind

    def _kind_of(self, fact: Fact) -> str | None:
        if not fact.accept:
            return None
        answer = fact.accept[0]
        if fact.kind in NUMERIC_KINDS:
            if _numeric_shape(answer) or len(numbers_in(answer)) >= 1:
                return fact.kind
            if self._lookup("day", fact.accept) is not None:
                return "day"
            return "time" if fact.kind == "time" else None
        if fact.kind != "text":
            return fact.kind
        if numbers_in(answer) and _numeric_shape(answer):
            return "number"
        for kind in ("nation", "person", "event", "medal", "day", "place"):
            if kind == "person":
                entity = self._by_key["person"].get(answer_key(answer))
                if entity is not None and len(answer.split()) > 1:
                    return "person"
                continue
            if kind == "place":
                if self._asks_place(fact):
                    return "place"
                continue
            if self._lookup(kind, (answer,)) is not None:
                return kind
        return None

    def required_sex(self, fact: Fact) -> Sex | None:
        """The sex every person option must have: the fact's event's, or the answer's."""
        if fact.sex in ("men", "women"):
            return fact.sex
        stated = event_sex(fact.question)
        if stated is not None:
            return stated
        person = self.person_of(fact)
        if person is not None and person.sex is not None:
            return person.sex
        # Otherwise a partner's: "who did Laura Kenny win the madison with?"
        if not set(answer_tokens(fact.question)) & PARTNER_WORDS:
            return None
        sexes = {p.sex for p in self._people_named(fact.question) if p is not person}
        return sexes.pop() if len(sexes) == 1 else None

    def is_quizzable(self, fact: Fact) -> bool:
        """Whether a fact may be a quiz question at all (buttons or typed)."""
        return fact.quiz and bool(fact.accept) and self.kind_of(fact) is not None

    def rivals(self, fact: Fact) -> tuple[str, ...]:
        """Every name of every answer of the fact's kind: naming one of them beside the right
        answer is hedging."""
        kind = self.kind_of(fact)
        if kind is None or kind in NUMERIC_KINDS or kind == "number":
            return ()
        return tuple(dict.fromkeys(n for e in self._entities.get(kind, ()) for n in e.names))
