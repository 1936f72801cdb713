"""Moderating a server's facts, without Discord: validating drafts, ids, kinds, near duplicates,
index changes, audit summaries and paging.

Moderator input arrives as plain strings (lists separated by `;`). It is validated against the
same schema as the fact files (`FactSpec`), so a fact typed in Discord and one imported from a
file obey the same limits, and every problem is reported with the field it concerns.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from bot.core.facts import (
    ANSWER_KINDS,
    MAX_ACCEPT,
    MAX_ANSWER_LEN,
    MAX_PHRASINGS,
    MAX_QUESTION_LEN,
    MAX_TAGS,
    MIN_QUESTION_LEN,
    Fact,
    FactSpec,
    Source,
)
from bot.core.matcher import SUGGEST_THRESHOLD, Candidate, FactIndex, MatchResult, Outcome, QType
from bot.core.matcher import question_type as _question_type
from bot.core.text import ORDINAL_TENS, ORDINAL_UNITS, TENS, UNITS, content_tokens, tokens

T = TypeVar("T")

LIST_SEPARATOR = ";"
"""Separates the items of a list typed in Discord (phrasings, accepted answers, tags)."""
MAX_SLUG_LEN = 48
"""Ids made from a question stop at a word boundary before this length (files allow 64)."""
PAGE_SIZE = 10
"""Facts or history entries per page in Discord."""
MAX_IMPORT_BYTES = 1024 * 1024
"""The largest fact file a server may import (1 MB)."""
MAX_IMPORT_FACTS = 1000
"""The most facts one import may hold."""
MAX_PENDING_SUGGESTIONS = 5
"""How many suggestions one member may have waiting for review in a server."""
CHUNK_SECONDS = 0.01
"""The longest an index update runs before it lets other work run (`FactChange.apply_in_chunks`)."""
DRAFT_ID = "draft-fact"
"""The id a fact is validated under before its real id is chosen."""

FIELD_LIMITS: dict[str, str] = {
    "question": f"must be {MIN_QUESTION_LEN}–{MAX_QUESTION_LEN} characters",
    "answer": f"must be 1–{MAX_ANSWER_LEN} characters",
    "phrasings": f"at most {MAX_PHRASINGS} phrasings",
    "accept": f"at most {MAX_ACCEPT} accepted answers",
    "tags": f"at most {MAX_TAGS} tags",
}

FIELD_ORDER = ("question", "answer", "phrasings", "accept", "tags", "kind", "quote")
_SLUG_FILLER = frozenset({"a", "an", "the"})
_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)*(?:\s*%)?$")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
_NUMBER_WORDS = frozenset(UNITS) | frozenset(TENS) | {"hundred", "thousand", "million"}
_ORDINAL_WORDS = frozenset(ORDINAL_UNITS) | frozenset(ORDINAL_TENS)
KIND_FOR_QUESTION: dict[QType, str] = {
    QType.COUNT: "number",
    QType.PERSON: "person",
    QType.NATION: "nation",
    QType.PLACE: "ordinal",
    QType.MEDAL: "medal",
    QType.TIME: "time",
    QType.EVENT: "event",
}
"""The kind of answer a question asks for, so that the matcher treats the fact like a bundled one."""


# --- errors ---------------------------------------------------------------------------------
class ModerationError(Exception):
    """A change that cannot be made; the message is fit to show the moderator."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a draft fact, and the field it is in."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class FactInvalid(ModerationError):
    """A draft fact breaks the fact schema; `problems` has one entry per violation."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class UnknownFact(ModerationError):
    def __init__(self, fact_id: str) -> None:
        self.fact_id = fact_id
        super().__init__(f"There is no fact `{fact_id}` in this server.")


class FactRemoved(ModerationError):
    def __init__(self, fact_id: str) -> None:
        self.fact_id = fact_id
        super().__init__(
            f"`{fact_id}` was removed in this server. Bring it back with `/fact restore` first."
        )


class NotRemoved(ModerationError):
    def __init__(self, fact_id: str) -> None:
        self.fact_id = fact_id
        super().__init__(f"`{fact_id}` is not removed in this server; there is nothing to restore.")


class FactIdTaken(ModerationError):
    def __init__(self, fact_id: str) -> None:
        self.fact_id = fact_id
        super().__init__(
            f"Another fact was saved as `{fact_id}` at the same moment. Nothing was saved; "
            "please try again."
        )


class EditConflict(ModerationError):
    def __init__(self, fact_id: str) -> None:
        self.fact_id = fact_id
        super().__init__(
            f"`{fact_id}` was changed by someone else while you were editing it. Nothing was "
            "saved; open `/fact edit` again to see the new version."
        )


class SuggestionReviewed(ModerationError):
    def __init__(self) -> None:
        super().__init__("That suggestion was already reviewed by someone else.")


class TooManySuggestions(ModerationError):
    def __init__(self) -> None:
        super().__init__(
            f"You already have {MAX_PENDING_SUGGESTIONS} suggestions waiting for review in this "
            "server. Please wait until a moderator has looked at them."
        )


# --- input ----------------------------------------------------------------------------------
def split_list(text: str | None) -> list[str]:
    """Items of a `;`-separated list (new lines separate too); blanks are dropped."""
    if not text:
        return []
    parts = re.split(rf"[{LIST_SEPARATOR}\n]", text)
    return [p.strip() for p in parts if p.strip()]


def join_list(items: Iterable[str]) -> str:
    """The inverse of `split_list`, for prefilling a form."""
    return f"{LIST_SEPARATOR} ".join(items)


def _length(value: Any) -> int | None:
    if isinstance(value, str):
        return len(value.strip())
    if isinstance(value, list | tuple):
        return len(value)
    return None


def _problem(error: Any) -> Problem:
    """Turn one pydantic error into a message a moderator can act on."""
    loc = error.get("loc") or ("fact",)
    name = str(loc[0])
    kind = error.get("type", "")
    given = _length(error.get("input"))
    if kind in {"string_too_short", "string_too_long", "too_long", "too_short"}:
        if kind == "string_too_short" and given == 0:
            return Problem(name, "is empty")
        limit = FIELD_LIMITS.get(name, error.get("msg", "has the wrong length"))
        if given is None:
            return Problem(name, limit)
        told = f"yours has {given}" if kind.startswith("string") else f"you gave {given}"
        return Problem(name, f"{limit} ({told})")
    if kind == "value_error":
        ctx_error = (error.get("ctx") or {}).get("error")
        return Problem(name, str(ctx_error) if ctx_error else error.get("msg", "is not valid"))
    if kind == "literal_error":
        return Problem(name, f"must be one of {', '.join(ANSWER_KINDS)}")
    if kind == "missing":
        return Problem(name, "is required")
    return Problem(name, str(error.get("msg", "is not valid")))


def build_fact(
    *,
    question: str,
    answer: str,
    phrasings: Sequence[str] = (),
    accept: Sequence[str] = (),
    tags: Sequence[str] = (),
    kind: str | None = None,
    scope: int,
    fact_id: str = DRAFT_ID,
    quote: str | None = None,
    source: Source | None = None,
) -> Fact:
    """A validated fact from a moderator's input, with the same limits as a fact file.

    kind None means: infer it from the accepted answers and the question. Raises FactInvalid
    listing every field that is wrong.
    """
    raw: dict[str, Any] = {
        "id": fact_id,
        "question": question,
        "answer": answer,
        "phrasings": list(phrasings),
        "accept": list(accept),
        "tags": list(tags),
        "kind": kind or "text",
        "quote": quote,
    }
    try:
        spec = FactSpec.model_validate(raw)
    except ValidationError as err:
        problems = sorted(
            (_problem(e) for e in err.errors()),
            key=lambda p: (
                FIELD_ORDER.index(p.field) if p.field in FIELD_ORDER else len(FIELD_ORDER)
            ),
        )
        raise FactInvalid(problems) from None
    fact = spec.to_fact(source=source, scope=scope)
    if kind is None:
        fact = replace(fact, kind=infer_kind(fact.question, fact.accept))
    return fact


def check_suggestion(question: str, answer: str) -> tuple[str, str]:
    """A member's suggested question and answer, cleaned; FactInvalid if either breaks a limit."""
    fact = build_fact(question=question, answer=answer, scope=0, kind="text")
    return fact.question, fact.answer


# --- ids and kinds --------------------------------------------------------------------------
def slugify(text: str, taken: Iterable[str] = ()) -> str:
    """A fact id made from a question: lowercase words joined by dashes, unique among `taken`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    ascii_text = re.sub(r"['’]", "", ascii_text)  # women's -> womens
    words = [w for w in re.findall(r"[a-z0-9]+", ascii_text) if w not in _SLUG_FILLER]
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > MAX_SLUG_LEN:
            break
        slug = longer
    if not slug and words:
        slug = words[0][:MAX_SLUG_LEN]
    if len(slug) < 3:
        slug = f"fact-{slug}" if slug else "fact"
    used = set(taken)
    base, n = slug, 2
    while slug in used:
        suffix = f"-{n}"
        slug = base[: MAX_SLUG_LEN - len(suffix)].rstrip("-") + suffix
        n += 1
    return slug


def _is_number(text: str) -> bool:
    words = text.casefold().replace("-", " ").split()
    return bool(_NUMBER.match(text.strip())) or (
        bool(words) and all(w in _NUMBER_WORDS or w == "and" for w in words)
    )


def _is_ordinal(text: str) -> bool:
    t = text.casefold().strip()
    return bool(_ORDINAL.match(t)) or t in _ORDINAL_WORDS


def infer_kind(question: str, accept: Sequence[str]) -> str:
    """The kind of a new fact: from its accepted answers when they are all numbers or places,
    else from what its question asks for (who -> person, how many -> number ...), else text."""
    if accept and all(_is_number(a) for a in accept):
        return "number"
    if accept and all(_is_ordinal(a) for a in accept):
        return "ordinal"
    return KIND_FOR_QUESTION.get(_question_type(tokens(question)), "text")


def kind_after_edit(before: Fact, question: str, accept: Sequence[str]) -> str:
    """Keep a kind a moderator chose; re-infer one that was inferred (it may no longer fit)."""
    if before.kind == infer_kind(before.question, before.accept):
        return infer_kind(question, accept)
    return before.kind


# --- duplicates -----------------------------------------------------------------------------
def _surface_words(text: str) -> dict[str, str]:
    """Each content token of a text -> the word the text writes it with ("golds" -> gold)."""
    out: dict[str, str] = {}
    for word in re.findall(r"[\w'’-]+", text):
        if word.casefold() in {"many", "much"}:  # "how many" asks; it names nothing
            continue
        for token in content_tokens(tokens(word)):
            out.setdefault(token, word.strip("'’-"))
    return out


def explain_overlap(question: str, fact: Fact) -> str | None:
    """In plain words, what a new question shares with an existing fact and what differs.

    None when they share too little to be the same question (no two meaningful words).
    """
    mine = _surface_words(question)
    theirs: dict[str, str] = {}
    for text in (*fact.all_questions, fact.answer):
        for token, word in _surface_words(text).items():
            theirs.setdefault(token, word)
    shared = [mine[t] for t in mine if t in theirs]
    if len(shared) < 2 and not (shared and len(mine) == 1):
        return None
    only_mine = [mine[t] for t in mine if t not in theirs]

    def quoted(words: list[str]) -> str:
        shown = [f"“{w}”" for w in words[:6]]
        return ", ".join(shown[:-1]) + f" and {shown[-1]}" if len(shown) > 1 else shown[0]

    text = f"Both ask about {quoted(shared)}"
    if only_mine:
        text += f"; only yours mentions {quoted(only_mine)}"
    else:
        text += "; yours adds nothing the existing fact does not already cover"
    return text + "."


def near_duplicate(result: MatchResult) -> Candidate | None:
    """The existing fact a new question is close to, if any: an outright answer, or a
    "did you mean" candidate (score >= SUGGEST_THRESHOLD) that shares its meaningful words.

    The candidate's `why` says in words what the two share and what differs.
    """
    best = result.best
    if best is None:
        return None
    if result.outcome is not Outcome.ANSWER and best.score < SUGGEST_THRESHOLD:
        return None
    why = explain_overlap(result.question, best.fact)
    if why is None:
        return None
    return replace(best, why=why)


# --- index changes --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FactChange:
    """What a committed change means for the running index of one server."""

    added: tuple[Fact, ...] = ()
    removed: tuple[tuple[int, str], ...] = ()
    hidden: tuple[tuple[int, str], ...] = ()
    unhidden: tuple[tuple[int, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.hidden or self.unhidden)

    def __add__(self, other: FactChange) -> FactChange:
        return FactChange(
            self.added + other.added,
            self.removed + other.removed,
            self.hidden + other.hidden,
            self.unhidden + other.unhidden,
        )

    def apply(self, index: FactIndex) -> None:
        """Bring the index in line; call only after the transaction has committed."""
        for _ in self.steps(index):
            pass

    def steps(self, index: FactIndex) -> Iterator[None]:
        """`apply` one fact at a time: the index is updated a little more at each step, so
        that a caller can let other work run between steps (`apply_in_chunks`)."""
        for key in self.removed:
            index.remove(key)
            yield
        for fact in self.added:
            index.add(fact)
            yield
        for guild_id, fact_id in self.unhidden:
            index.unhide(guild_id, fact_id)
        for guild_id, fact_id in self.hidden:
            index.hide(guild_id, fact_id)
        yield

    async def apply_in_chunks(self, index: FactIndex, *, budget: float = CHUNK_SECONDS) -> None:
        """`apply`, giving the event loop back whenever `budget` seconds of work have run, so
        that a large change (an import of a thousand facts) never keeps the bot silent."""
        started = time.perf_counter()
        for _ in self.steps(index):
            if time.perf_counter() - started >= budget:
                await asyncio.sleep(0)
                started = time.perf_counter()


# --- history --------------------------------------------------------------------------------
ACTION_TEXT: dict[str, str] = {
    "add": "added",
    "approve": "added from a member's suggestion",
    "edit": "edited",
    "override": "edited (this server now has its own copy of the bundled fact)",
    "remove": "removed",
    "hide": "hidden in this server",
    "restore": "restored",
    "unhide": "shown again in this server",
}
_SCALAR_FIELDS = ("question", "answer", "kind", "quote")
_LIST_FIELDS = ("phrasings", "accept", "tags")
SUMMARY_VALUE_LEN = 60


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change to a fact in one server."""

    action: str
    actor_id: int | None
    at: dt.datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _short(value: Any) -> str:
    text = str(value) if value is not None else "—"
    return text if len(text) <= SUMMARY_VALUE_LEN else text[: SUMMARY_VALUE_LEN - 1] + "…"


def describe_change(entry: AuditEntry) -> str:
    """A one-line summary of a change: the action and which fields changed how."""
    text = ACTION_TEXT.get(entry.action, entry.action)
    before, after = entry.before or {}, entry.after or {}
    if entry.action in {"add", "approve"} and after:
        return f"{text}: “{_short(after.get('question'))}” → “{_short(after.get('answer'))}”"
    if not (entry.before and entry.after):
        return text
    changes: list[str] = []
    for name in _SCALAR_FIELDS:
        if before.get(name) != after.get(name):
            changes.append(f"{name} “{_short(before.get(name))}” → “{_short(after.get(name))}”")
    for name in _LIST_FIELDS:
        old, new = list(before.get(name) or []), list(after.get(name) or [])
        gone = [x for x in old if x not in new]
        came = [x for x in new if x not in old]
        if gone or came:
            parts = [f"+{_short(x)}" for x in came] + [f"−{_short(x)}" for x in gone]
            changes.append(f"{name} {', '.join(parts)}")
    return f"{text}: {'; '.join(changes)}" if changes else f"{text} (no visible change)"


# --- listing --------------------------------------------------------------------------------
def search_facts(
    facts: Iterable[Fact], search: str | None = None, tag: str | None = None
) -> list[Fact]:
    """Facts whose id, questions, answer or accepted answers contain `search`, and that carry
    `tag`; this server's own facts first, then by id."""
    needle = search.casefold().strip() if search else ""
    wanted = tag.casefold().strip() if tag else ""
    found = []
    for fact in facts:
        if wanted and wanted not in fact.tags:
            continue
        if needle:
            haystack = " ".join((fact.id, *fact.all_questions, fact.answer, *fact.accept))
            if needle not in haystack.casefold():
                continue
        found.append(fact)
    return sorted(found, key=lambda f: (f.scope == 0, f.id))


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items, its number (from 0) and how many pages there are."""

    items: tuple[T, ...]
    number: int
    count: int
    total: int = 0
    first_position: int = field(default=0)


def page_of(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """Page `number` of `items`, clamped to the pages that exist (there is always one)."""
    count = max(1, math.ceil(len(items) / size))
    number = min(max(number, 0), count - 1)
    start = number * size
    return Page(tuple(items[start : start + size]), number, count, len(items), start)
