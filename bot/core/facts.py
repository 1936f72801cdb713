"""The fact model and the fact file format (YAML or JSON) shared by `facts/`, imports and exports.

A fact file looks like::

    source:
      title: Jason Kenny wins seventh Olympic gold ...
      date: 2021-08-08
    facts:
      - id: jason-gold-count
        question: How many Olympic gold medals has Jason Kenny won?
        phrasings: [How many golds does Jason Kenny have?, ...]
        answer: Jason Kenny has won seven Olympic gold medals ...
        accept: ["7", "seven"]
        kind: number
        tags: [jason, medals, gold]
        quote: His tally of seven gold medals is one more than ...
        about: [Jason Kenny]        # optional: who or what the fact is about
        sex: men                    # optional: men, women or mixed, for a sex-specific event
        quiz: true                  # optional: false keeps the fact out of quizzes
        source_url: https://...     # optional: a link to the source

Optional fields a moderator leaves out are inferred from the rest of the fact where they can be.

A file is validated whole: one error rejects the file, and the message names the file, the
fact and the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    StringConstraints,
    ValidationError,
    field_validator,
)

from bot.core.cleaning import clean_text

# Limits shared by fact files, imports and moderator commands.
MIN_QUESTION_LEN = 5
MAX_QUESTION_LEN = 300
MAX_ANSWER_LEN = 1000
MAX_PHRASINGS = 20
MAX_ACCEPT = 20
MAX_ACCEPT_LEN = 100
MAX_TAGS = 10
MAX_TAG_LEN = 32
MAX_QUOTE_LEN = 1000
FACT_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$"

AnswerKind = Literal["number", "ordinal", "person", "nation", "event", "medal", "time", "text"]
EventSex = Literal["men", "women", "mixed"]
MAX_ABOUT = 10
MAX_ABOUT_LEN = 100
MAX_URL_LEN = 500
ANSWER_KINDS: tuple[str, ...] = AnswerKind.__args__  # type: ignore[attr-defined]

GLOBAL_SCOPE = 0
"""The scope of bundled facts. Any other scope is the id of the Discord server that owns the fact."""


class FactImportError(ValueError):
    """A fact file or fact could not be accepted. The message names file, fact and field."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        fact_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.fact_id = fact_id
        self.field = field
        parts = [
            p
            for p in (
                file,
                f"fact {fact_id!r}" if fact_id else None,
                f"field {field!r}" if field else None,
            )
            if p
        ]
        super().__init__(f"{': '.join(parts)}: {message}" if parts else message)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from: the article's title and date."""

    title: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class Fact:
    """One question the bot can answer, with the phrasings that lead to it."""

    id: str
    question: str
    answer: str
    phrasings: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    quote: str | None = None
    kind: str = "text"
    source: Source | None = None
    scope: int = GLOBAL_SCOPE
    about: tuple[str, ...] = ()
    """Who or what the fact is about, when the moderator said so (names, teams, events)."""
    sex: str | None = None
    """"men", "women" or "mixed" when the fact is about a sex-specific event, if stated."""
    quiz: bool = True
    """False keeps the fact out of quiz rounds."""
    source_url: str | None = None

    @property
    def all_questions(self) -> tuple[str, ...]:
        """The canonical question followed by every other phrasing."""
        return (self.question, *self.phrasings)

    @property
    def short_answer(self) -> str | None:
        """The first accepted answer, used when a quiz reveals the answer."""
        return self.accept[0] if self.accept else None

    @property
    def key(self) -> tuple[int, str]:
        return (self.scope, self.id)


def _clean(value: str) -> str:
    return clean_text(value)


def _clean_list(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for v in values:
        c = _clean(str(v))
        if c and c.casefold() not in seen:
            seen.add(c.casefold())
            out.append(c)
    return out


class FactSpec(BaseModel):
    """The schema of one fact in a fact file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=FACT_ID_PATTERN)
    question: str = Field(min_length=MIN_QUESTION_LEN, max_length=MAX_QUESTION_LEN)
    phrasings: list[str] = Field(default_factory=list, max_length=MAX_PHRASINGS)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER_LEN)
    accept: list[str] = Field(default_factory=list, max_length=MAX_ACCEPT)
    kind: AnswerKind = "text"
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    quote: str | None = Field(default=None, max_length=MAX_QUOTE_LEN)
    about: list[str] = Field(default_factory=list, max_length=MAX_ABOUT)
    sex: EventSex | None = None
    quiz: bool = True
    source_url: str | None = Field(
        default=None, max_length=MAX_URL_LEN, pattern=r"^https?://[^\s]+$"
    )

    @field_validator("question", "answer", mode="before")
    @classmethod
    def _one_line(cls, v: object) -> object:
        return _clean(v) if isinstance(v, str) else v  # before the length limits apply

    @field_validator("phrasings", mode="after")
    @classmethod
    def _phrasings(cls, v: list[str]) -> list[str]:
        v = _clean_list(v)
        for p in v:
            if not MIN_QUESTION_LEN <= len(p) <= MAX_QUESTION_LEN:
                raise ValueError(
                    f"each phrasing must be {MIN_QUESTION_LEN}-{MAX_QUESTION_LEN} characters: {p!r}"
                )
        return v

    @field_validator("accept", mode="after")
    @classmethod
    def _accept(cls, v: list[str]) -> list[str]:
        v = _clean_list(v)
        for a in v:
            if len(a) > MAX_ACCEPT_LEN:
                raise ValueError(
                    f"each accepted answer must be at most {MAX_ACCEPT_LEN} characters"
                )
        return v

    @field_validator("about", mode="after")
    @classmethod
    def _about(cls, v: list[str]) -> list[str]:
        v = _clean_list(v)
        for a in v:
            if len(a) > MAX_ABOUT_LEN:
                raise ValueError(f"each 'about' entry must be at most {MAX_ABOUT_LEN} characters")
        return v

    @field_validator("tags", mode="after")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        tags = _clean_list(t.lower().replace(" ", "-") for t in v)
        for t in tags:
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", t) or len(t) > MAX_TAG_LEN:
                raise ValueError(
                    f"tags are lowercase words of at most {MAX_TAG_LEN} characters: {t!r}"
                )
        return tags

    def to_fact(self, *, source: Source | None = None, scope: int = GLOBAL_SCOPE) -> Fact:
        return Fact(
            id=self.id,
            question=self.question,
            answer=self.answer,
            phrasings=tuple(p for p in self.phrasings if p.casefold() != self.question.casefold()),
            accept=tuple(self.accept),
            tags=tuple(self.tags),
            quote=_clean(self.quote) if self.quote else None,
            kind=self.kind,
            source=source,
            scope=scope,
            about=tuple(self.about),
            sex=self.sex,
            quiz=self.quiz,
            source_url=self.source_url,
        )


class SourceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    date: dt.date


class ServerFactsSpec(BaseModel):
    """One server's part of a file of several servers' facts (`facts export --all`)."""

    model_config = ConfigDict(extra="forbid")

    source: SourceSpec | None = None
    facts: list[FactSpec] = Field(default_factory=list)
    hidden: list[Annotated[str, StringConstraints(pattern=FACT_ID_PATTERN)]] = Field(
        default_factory=list
    )
    """Ids of bundled facts removed in this server."""


class FactFileSpec(BaseModel):
    """The schema of a whole fact file."""

    model_config = ConfigDict(extra="forbid")

    source: SourceSpec | None = None
    facts: list[FactSpec] = Field(default_factory=list)
    servers: dict[PositiveInt, ServerFactsSpec] | None = None
    """Several servers' facts, by server id: a backup of the whole database."""


@dataclass(frozen=True, slots=True)
class FactDocument:
    """A parsed fact file: its facts (each with its scope) and, for a file of several servers,
    the bundled facts removed in each server."""

    facts: list[Fact]
    hidden: dict[int, list[str]]
    servers: tuple[int, ...] = ()
    """The servers whose facts the file holds (empty: a file of one scope)."""


def _first_error(err: ValidationError, raw: Any) -> tuple[str | None, str | None, str]:
    """Turn pydantic's first error into (fact id, field, message)."""
    e = err.errors()[0]
    loc = list(e["loc"])
    fact_id: str | None = None
    field_name: str | None = None
    where = ""
    if len(loc) >= 4 and loc[0] == "servers" and loc[2] == "facts":  # "servers.<id>.facts.3"
        where = f"server {loc[1]}: "
        try:  # a YAML file's keys may be numbers, a JSON file's are strings
            servers = raw["servers"]
            raw = servers.get(loc[1]) or servers.get(str(loc[1])) or {}
        except (KeyError, TypeError, AttributeError):
            raw = {}
        loc = loc[2:]
    if len(loc) >= 2 and loc[0] == "facts" and isinstance(loc[1], int):
        index = loc[1]
        try:
            fact_id = str(raw["facts"][index].get("id") or f"#{index + 1}")
        except (KeyError, IndexError, TypeError, AttributeError):
            fact_id = f"#{index + 1}"
        fact_id = where + fact_id
        field_name = ".".join(str(p) for p in loc[2:3]) or None
    elif loc:
        field_name = ".".join(str(p) for p in loc)
    msg = e["msg"]
    if e["type"] == "missing":
        msg = "is required"
    elif e["type"] == "extra_forbidden":
        msg = "is not a known field"
    elif e["type"] == "string_pattern_mismatch":
        msg = (
            "must be an http:// or https:// link"
            if field_name == "source_url"
            else "must be 3-64 lowercase letters, digits or dashes"
        )
    return fact_id, field_name, msg


_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader, its C version (many times faster on large files) where installed."""


def _load_document(text: str) -> Any:
    """A fact file's document: JSON is read by the JSON parser (many times faster on large
    files; JSON is a subset of YAML, so the result is the same), anything else as YAML."""
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            pass  # YAML in flow style, or a broken file: YAML reads it or says where it breaks
    return yaml.load(text, Loader=_SAFE_LOADER)


def parse_fact_text(text: str, *, name: str = "<input>", scope: int = GLOBAL_SCOPE) -> list[Fact]:
    """Parse and validate a fact file's text (YAML, of which JSON is a subset).

    Raises FactImportError naming the file, fact and field of the first problem found; a file
    of several servers' facts is refused here (`parse_fact_document` reads it).
    """
    doc = parse_fact_document(text, name=name, scope=scope)
    if doc.servers:
        raise FactImportError(
            "holds several servers' facts; the bot's owner imports such a file with "
            "`python -m bot facts import FILE`",
            file=name,
            field="servers",
        )
    return doc.facts


def parse_fact_document(
    text: str, *, name: str = "<input>", scope: int = GLOBAL_SCOPE
) -> FactDocument:
    """`parse_fact_text`, for a file that may also hold several servers' facts (`servers`):
    each of those facts has its server as scope."""
    try:
        raw = _load_document(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise FactImportError(f"not valid YAML or JSON{where}", file=name) from None
    if isinstance(raw, list):  # a bare list of facts is accepted too
        raw = {"facts": raw}
    if not isinstance(raw, dict):
        raise FactImportError("expected a mapping with a 'facts' list", file=name)
    if "facts" not in raw and "servers" not in raw:
        raise FactImportError("is required", file=name, field="facts")
    try:
        spec = FactFileSpec.model_validate(raw)
    except ValidationError as err:
        fact_id, field_name, msg = _first_error(err, raw)
        raise FactImportError(msg, file=name, fact_id=fact_id, field=field_name) from None
    parts: list[tuple[int, SourceSpec | None, list[FactSpec], str]] = [
        (scope, spec.source, spec.facts, "")
    ]
    hidden: dict[int, list[str]] = {}
    if spec.servers:
        if scope != GLOBAL_SCOPE:
            raise FactImportError(
                "holds several servers' facts; import it without a server",
                file=name,
                field="servers",
            )
        for guild_id, part in spec.servers.items():
            parts.append((guild_id, part.source, part.facts, f"server {guild_id}: "))
            if part.hidden:
                hidden[guild_id] = part.hidden
    facts: list[Fact] = []
    for part_scope, source_spec, specs, where in parts:
        source = Source(source_spec.title, source_spec.date) if source_spec else None
        seen: set[str] = set()
        for f in specs:
            if f.id in seen:
                raise FactImportError("duplicate id", file=name, fact_id=where + f.id, field="id")
            seen.add(f.id)
            contradiction = _sex_contradiction(f)
            if contradiction:
                raise FactImportError(contradiction, file=name, fact_id=where + f.id, field="sex")
            facts.append(f.to_fact(source=source, scope=part_scope))
    return FactDocument(facts, hidden, tuple(spec.servers or ()))


def _sex_contradiction(spec: FactSpec) -> str | None:
    """What is wrong when a fact says its event is for one sex and its questions name only
    the other one ("sex: women" on "Who won the men's keirin?"), else None."""
    if spec.sex not in ("men", "women"):
        return None
    from bot.core.text import tokens  # the matcher's words: "ladies" is women, "mens" men

    named = {
        t
        for text in (spec.question, *spec.phrasings, *(tag.replace("-", " ") for tag in spec.tags))
        for t in tokens(text)
        if t in ("men", "women")
    }
    if not named or spec.sex in named:
        return None
    (other,) = named
    return f"says {spec.sex}, but the fact's questions ask about the {other}'s event"


def load_fact_file(path: Path, *, scope: int = GLOBAL_SCOPE) -> list[Fact]:
    """Read and validate one fact file."""
    return parse_fact_text(_read_text(path), name=path.name, scope=scope)


def load_fact_document(path: Path, *, scope: int = GLOBAL_SCOPE) -> FactDocument:
    """Read and validate one fact file that may hold several servers' facts."""
    return parse_fact_document(_read_text(path), name=path.name, scope=scope)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FactImportError(
            f"cannot read file ({exc.__class__.__name__})", file=path.name
        ) from None


def fact_files(directory: Path) -> list[Path]:
    """The fact files in a directory, in a stable order."""
    return sorted(p for p in directory.iterdir() if p.suffix.lower() in {".yaml", ".yml", ".json"})


def load_fact_dir(directory: Path) -> list[Fact]:
    """Load every fact file in a directory; ids must be unique across files."""
    facts: list[Fact] = []
    owner: dict[str, str] = {}
    for path in fact_files(directory):
        for fact in load_fact_file(path):
            if fact.id in owner:
                raise FactImportError(
                    f"duplicate id (also in {owner[fact.id]})",
                    file=path.name,
                    fact_id=fact.id,
                    field="id",
                )
            owner[fact.id] = path.name
            facts.append(fact)
    return facts


def fact_to_dict(fact: Fact) -> dict[str, Any]:
    """The file form of a fact (the inverse of FactSpec)."""
    out: dict[str, Any] = {"id": fact.id, "question": fact.question}
    if fact.phrasings:
        out["phrasings"] = list(fact.phrasings)
    out["answer"] = fact.answer
    if fact.accept:
        out["accept"] = list(fact.accept)
    if fact.kind != "text":
        out["kind"] = fact.kind
    if fact.tags:
        out["tags"] = list(fact.tags)
    if fact.quote:
        out["quote"] = fact.quote
    if fact.about:
        out["about"] = list(fact.about)
    if fact.sex:
        out["sex"] = fact.sex
    if not fact.quiz:
        out["quiz"] = False
    if fact.source_url:
        out["source_url"] = fact.source_url
    return out


def dump_facts(
    facts: Sequence[Fact], *, fmt: Literal["yaml", "json"] = "yaml", source: Source | None = None
) -> str:
    """Serialise facts in the fact file format."""
    doc: dict[str, Any] = {}
    if source is not None:
        doc["source"] = {"title": source.title, "date": source.date.isoformat()}
    doc["facts"] = [fact_to_dict(f) for f in facts]
    return _dump(doc, fmt)


def common_source(facts: Sequence[Fact]) -> Source | None:
    """The source every one of these facts has, if they share one (a file's `source:`)."""
    first = facts[0].source if facts else None
    return first if all(f.source == first for f in facts) else None


def dump_servers(
    facts: Iterable[Fact],
    hidden: Iterable[tuple[int, str]],
    *,
    fmt: Literal["yaml", "json"] = "yaml",
) -> str:
    """Serialise every server's own facts and the bundled facts each removed, by server (the
    file `facts import` reads back into the same servers). Bundled facts are left out."""
    by_server: dict[int, list[Fact]] = {}
    for fact in facts:
        if fact.scope != GLOBAL_SCOPE:
            by_server.setdefault(fact.scope, []).append(fact)
    removed: dict[int, list[str]] = {}
    for guild_id, slug in hidden:
        removed.setdefault(guild_id, []).append(slug)
    servers: dict[str, Any] = {}
    for guild_id in sorted(by_server.keys() | removed.keys()):
        own = sorted(by_server.get(guild_id, []), key=lambda f: f.id)
        part: dict[str, Any] = {}
        source = common_source(own)
        if source is not None:
            part["source"] = {"title": source.title, "date": source.date.isoformat()}
        part["facts"] = [fact_to_dict(f) for f in own]
        if guild_id in removed:
            part["hidden"] = sorted(removed[guild_id])
        servers[str(guild_id)] = part
    return _dump({"servers": servers}, fmt)


def _dump(doc: dict[str, Any], fmt: Literal["yaml", "json"]) -> str:
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
