"""Fact persistence: loading, seeding the bundled facts, and server-scoped changes with an audit.

Functions take an `AsyncSession`; the caller owns the transaction (`async with session.begin()`).

A server sees the bundled facts it has not hidden, plus its own. A server fact with the id of a
bundled one takes its place there: every change that makes such a fact live also hides the bundled
one in that server. Nothing is deleted: facts are marked deleted, and every change made for a
server is written to the audit with the fact before and after. The functions that change a
server's facts return a `FactChange` to apply to the running index once the transaction commits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.core import facts as fact_format
from bot.core.facts import (
    GLOBAL_SCOPE,
    Fact,
    FactDocument,
    Source,
    fact_files,
    fact_to_dict,
)
from bot.core.moderation import (
    MAX_PENDING_SUGGESTIONS,
    AuditEntry,
    EditConflict,
    FactChange,
    FactIdTaken,
    FactRemoved,
    NotRemoved,
    SuggestionReviewed,
    TooManySuggestions,
    UnknownFact,
)
from bot.core.shards import UNSHARDED, ShardPlan
from bot.db.models import (
    FactAuditRow,
    FactRow,
    FactSuggestionRow,
    HiddenFactRow,
    MetaRow,
    PhrasingRow,
    utcnow,
)

T = TypeVar("T")

FACTS = cast(Table, FactRow.__table__)
PHRASINGS = cast(Table, PhrasingRow.__table__)
AUDIT = cast(Table, FactAuditRow.__table__)
HIDDEN = cast(Table, HiddenFactRow.__table__)
META = cast(Table, MetaRow.__table__)
BATCH = 1000
"""Rows written per statement by the bulk paths (import, seeding)."""
IN_BATCH = 500
"""Values per `IN (...)` list, well under every database's limit on bound parameters."""
BUNDLED_DIGEST = "bundled_facts_sha256"
"""The meta key under which the hash of the bundled fact files last synced is kept."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import or a seeding did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    servers: int = 0
    """A file of several servers' facts: how many servers it imported into."""
    hidden: int = 0
    """... and how many bundled facts it removed in them that were not removed already."""


def content_hash(fact: Fact) -> str:
    doc = fact_to_dict(fact)
    if fact.source is not None:
        doc["source"] = [fact.source.title, fact.source.date.isoformat()]
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def row_to_fact(row: FactRow) -> Fact:
    source = (
        Source(row.source_title, row.source_date)
        if row.source_title and row.source_date is not None
        else None
    )
    return Fact(
        id=row.slug,
        question=row.question,
        answer=row.answer,
        phrasings=tuple(p.text for p in row.phrasings),
        accept=tuple(row.accept or ()),
        tags=tuple(row.tags or ()),
        quote=row.quote,
        kind=row.kind,
        source=source,
        scope=row.guild_id,
        about=tuple(row.about or ()),
        sex=row.sex,
        quiz=row.quiz,
        source_url=row.source_url,
    )


def _apply(row: FactRow, fact: Fact) -> None:
    row.question = fact.question
    row.answer = fact.answer
    row.accept = list(fact.accept)
    row.tags = list(fact.tags)
    row.kind = fact.kind
    row.quote = fact.quote
    row.about = list(fact.about)
    row.sex = fact.sex
    row.quiz = fact.quiz
    row.source_url = fact.source_url
    row.source_title = fact.source.title if fact.source else None
    row.source_date = fact.source.date if fact.source else None
    row.content_hash = content_hash(fact)
    row.phrasings = [PhrasingRow(position=i, text=t) for i, t in enumerate(fact.phrasings)]


def _new_row(fact: Fact, *, origin: str, author_id: int | None) -> FactRow:
    row = FactRow(guild_id=fact.scope, slug=fact.id, origin=origin, author_id=author_id)
    _apply(row, fact)
    return row


def _audit(
    session: AsyncSession,
    *,
    guild_id: int,
    slug: str,
    actor_id: int | None,
    action: str,
    before: Fact | None,
    after: Fact | None,
) -> None:
    session.add(
        FactAuditRow(
            guild_id=guild_id,
            slug=slug,
            actor_id=actor_id,
            action=action,
            before=fact_to_dict(before) if before else None,
            after=fact_to_dict(after) if after else None,
        )
    )


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


_FACT_COLUMNS = (
    FACTS.c.id,
    FACTS.c.guild_id,
    FACTS.c.slug,
    FACTS.c.question,
    FACTS.c.answer,
    type_coerce(FACTS.c.accept, Text),  # the JSON text, decoded by `_ListReader`
    type_coerce(FACTS.c.tags, Text),
    FACTS.c.quote,
    FACTS.c.kind,
    FACTS.c.source_title,
    FACTS.c.source_date,
    type_coerce(FACTS.c.about, Text),
    FACTS.c.sex,
    FACTS.c.quiz,
    FACTS.c.source_url,
)


LOAD_BATCH = 2000
"""Fact rows read from the database at a time when facts are loaded."""


class _ListReader(dict[Any, tuple[str, ...]]):
    """Decodes a JSON list column into a tuple, once per distinct value: most facts share
    their tags and many their accepted answers, so most rows cost one dictionary look-up (and
    the facts share the tuples)."""

    def __missing__(self, raw: Any) -> tuple[str, ...]:
        value = json.loads(raw) if isinstance(raw, str | bytes) else raw
        decoded = tuple(value or ())
        if isinstance(raw, str | bytes):
            self[raw] = decoded
        return decoded

    def read(self, raw: Any) -> tuple[str, ...]:
        if raw is None:
            return ()
        if isinstance(raw, list):  # a driver that decodes JSON itself
            return tuple(raw)
        return self[raw]


async def _load_facts(session: AsyncSession, *where: ColumnElement[bool]) -> list[tuple[int, Fact]]:
    """(row id, fact) of the fact rows matching `where`, in row id order: two column selects
    (the phrasings, then the facts, streamed so that only a batch of rows is held at a time
    beside the facts made of them), no ORM objects."""
    texts: dict[int, list[str]] = {}
    phrasings = await session.stream(
        select(PHRASINGS.c.fact_id, PHRASINGS.c.text)
        .join(FACTS, FACTS.c.id == PHRASINGS.c.fact_id)
        .where(*where)
        .order_by(PHRASINGS.c.fact_id, PHRASINGS.c.position)
        .execution_options(yield_per=LOAD_BATCH)
    )
    async for batch in phrasings.partitions():
        for fact_id, text in batch:
            found = texts.get(fact_id)
            if found is None:
                texts[fact_id] = [text]
            else:
                found.append(text)
    lists = _ListReader()
    out: list[tuple[int, Fact]] = []
    result = await session.stream(
        select(*_FACT_COLUMNS)
        .where(*where)
        .order_by(FACTS.c.id)
        .execution_options(yield_per=LOAD_BATCH)
    )
    async for rows in result.partitions():
        out.extend(_facts_of(rows, texts, lists))
    return out


def _facts_of(
    rows: Iterable[Any], texts: dict[int, list[str]], lists: _ListReader
) -> list[tuple[int, Fact]]:
    """The facts of a batch of fact rows, with their phrasings."""
    out = []
    for (
        row_id,
        guild_id,
        slug,
        question,
        answer,
        accept,
        tags,
        quote,
        kind,
        source_title,
        source_date,
        about,
        sex,
        quiz,
        source_url,
    ) in rows:
        out.append(
            (
                row_id,
                Fact(
                    id=slug,
                    question=question,
                    answer=answer,
                    phrasings=tuple(texts.get(row_id, ())),
                    accept=lists.read(accept),
                    tags=lists.read(tags),
                    quote=quote,
                    kind=kind,
                    source=(
                        Source(source_title, source_date)
                        if source_title and source_date is not None
                        else None
                    ),
                    scope=guild_id,
                    about=lists.read(about),
                    sex=sex,
                    quiz=quiz,
                    source_url=source_url,
                ),
            )
        )
    return out


def _fact_values(fact: Fact) -> dict[str, Any]:
    """The columns a fact's content sets (the same for a new row and an update)."""
    return {
        "question": fact.question,
        "answer": fact.answer,
        "accept": list(fact.accept),
        "tags": list(fact.tags),
        "kind": fact.kind,
        "quote": fact.quote,
        "about": list(fact.about),
        "sex": fact.sex,
        "quiz": fact.quiz,
        "source_url": fact.source_url,
        "source_title": fact.source.title if fact.source else None,
        "source_date": fact.source.date if fact.source else None,
        "content_hash": content_hash(fact),
    }


@dataclass(frozen=True, slots=True)
class _Existing:
    id: int
    content_hash: str
    deleted: bool
    origin: str


async def _existing(session: AsyncSession, scope: int) -> dict[str, _Existing]:
    rows = await session.execute(
        select(
            FACTS.c.slug,
            FACTS.c.id,
            FACTS.c.content_hash,
            FACTS.c.deleted_at.is_not(None),
            FACTS.c.origin,
        ).where(FACTS.c.guild_id == scope)
    )
    return {slug: _Existing(i, h, bool(d), o) for slug, i, h, d, o in rows}


async def _execute_many(
    session: AsyncSession, statement: Any, rows: Iterable[dict[str, Any]]
) -> None:
    """One statement over many parameter sets, in batches (made as they are sent, so that
    only one batch of parameters is held at a time); between batches other tasks run."""
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        await session.execute(statement, batch)
        await asyncio.sleep(0)


@dataclass(slots=True)
class _Plan:
    """How a set of facts of one scope differs from the database."""

    new: list[Fact]
    changed: list[tuple[_Existing, Fact]]
    unchanged: int


def _plan(facts: Sequence[Fact], existing: dict[str, _Existing]) -> _Plan:
    plan = _Plan([], [], 0)
    for fact in facts:
        row = existing.get(fact.id)
        if row is None:
            plan.new.append(fact)
        elif row.deleted or row.content_hash != content_hash(fact):
            plan.changed.append((row, fact))
        else:
            plan.unchanged += 1
    return plan


async def _write(
    session: AsyncSession,
    scope: int,
    plan: _Plan,
    *,
    origin: str,
    author_id: int | None,
    now: dt.datetime,
) -> None:
    """Insert the new facts and update the changed ones (revived if deleted), with their
    phrasings, in batched statements."""
    if plan.new:
        await _execute_many(
            session,
            insert(FACTS),
            (
                {
                    "guild_id": scope,
                    "slug": fact.id,
                    "origin": origin,
                    "author_id": author_id,
                    "created_at": now,
                    "updated_at": now,
                    "deleted_at": None,
                    **_fact_values(fact),
                }
                for fact in plan.new
            ),
        )
    if plan.changed:
        await _execute_many(
            session,
            update(FACTS).where(FACTS.c.id == bindparam("row_id")),
            (
                {"row_id": row.id, "updated_at": now, "deleted_at": None, **_fact_values(fact)}
                for row, fact in plan.changed
            ),
        )
        for batch in _chunks([row.id for row, _ in plan.changed], IN_BATCH):
            await session.execute(delete(PHRASINGS).where(PHRASINGS.c.fact_id.in_(batch)))
    ids = {row.id: fact for row, fact in plan.changed}
    if plan.new:
        new_slugs = {fact.id: fact for fact in plan.new}
        for slug, row_id in await session.execute(
            select(FACTS.c.slug, FACTS.c.id).where(FACTS.c.guild_id == scope)
        ):
            fact = new_slugs.get(slug)
            if fact is not None:
                ids[row_id] = fact
    phrasings = (
        {"fact_id": row_id, "position": i, "text": text}
        for row_id, fact in ids.items()
        for i, text in enumerate(fact.phrasings)
    )
    await _execute_many(session, insert(PHRASINGS), phrasings)


async def _befores(session: AsyncSession, plan: _Plan) -> dict[int, Fact]:
    """The current version of each changed fact that is not deleted (for the audit)."""
    ids = [row.id for row, _ in plan.changed if not row.deleted]
    out: dict[int, Fact] = {}
    for batch in _chunks(ids, IN_BATCH):
        out.update(await _load_facts(session, FACTS.c.id.in_(batch)))
    return out


# --- the bot's bookkeeping --------------------------------------------------------------------


async def get_meta(session: AsyncSession, key: str) -> str | None:
    value: str | None = await session.scalar(select(META.c.value).where(META.c.key == key))
    return value


async def set_meta(session: AsyncSession, key: str, value: str | None) -> None:
    """Store a value under a key (None removes the key)."""
    await session.execute(delete(META).where(META.c.key == key))
    if value is not None:
        await session.execute(insert(META).values(key=key, value=value))


def bundled_digest(directory: Path) -> str:
    """A hash of the fact files in a directory (names and bytes) and of the code that reads
    them: it changes whenever loading them could give other facts."""
    digest = hashlib.sha256(Path(fact_format.__file__).read_bytes())
    for path in fact_files(directory):
        digest.update(b"\0" + path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


async def bundled_unchanged(session: AsyncSession, digest: str) -> bool:
    """True if the bundled facts in the database were last synced from files with this hash
    (so syncing them again would change nothing)."""
    return await get_meta(session, BUNDLED_DIGEST) == digest


async def sync_bundled(
    session: AsyncSession, facts: Sequence[Fact], *, digest: str | None = None
) -> ImportReport:
    """Make the bundled facts in the database match the fact files (idempotent).

    New facts are added, edited ones updated, and ones no longer in the files marked deleted.
    `digest` (from `bundled_digest`) is stored, so that a later start with the same files can
    skip the sync (`bundled_unchanged`).
    """
    now = utcnow()
    existing = await _existing(session, GLOBAL_SCOPE)
    plan = _plan(facts, existing)
    await _write(session, GLOBAL_SCOPE, plan, origin="bundled", author_id=None, now=now)
    seen = {fact.id for fact in facts}
    gone = [
        row.id
        for slug, row in existing.items()
        if slug not in seen and not row.deleted and row.origin == "bundled"
    ]
    for batch in _chunks(gone, IN_BATCH):
        await session.execute(update(FACTS).where(FACTS.c.id.in_(batch)).values(deleted_at=now))
    if digest is not None:
        await set_meta(session, BUNDLED_DIGEST, digest)
    return ImportReport(len(plan.new), len(plan.changed), plan.unchanged, len(gone))


def held_by(column: Any, shards: ShardPlan) -> Any:
    """SQL for "this scope is held by a process running `shards`": the bundled scope, and the
    servers on its shards (`(guild_id >> 22) % count`)."""
    if shards.count is None:
        return true()
    # PostgreSQL shifts a bigint by an integer: the constants go in as SQL literals.
    shifted = column.op(">>")(literal_column("22"))
    on_shard = (shifted % literal_column(str(int(shards.count)))).in_(shards.ids)
    return or_(column == GLOBAL_SCOPE, on_shard)


async def load_all(
    session: AsyncSession, *, shards: ShardPlan | None = None
) -> tuple[list[Fact], list[tuple[int, str]]]:
    """Every live fact of every scope, and every (guild id, slug) of a hidden bundled fact;
    with `shards`, only the bundled facts and those of the servers on these shards."""
    plan = shards or UNSHARDED
    facts = [
        fact
        for _, fact in await _load_facts(
            session, FACTS.c.deleted_at.is_(None), held_by(FACTS.c.guild_id, plan)
        )
    ]
    hidden = [
        (g, s)
        for g, s in await session.execute(
            select(HIDDEN.c.guild_id, HIDDEN.c.slug).where(held_by(HIDDEN.c.guild_id, plan))
        )
    ]
    return facts, hidden


async def list_facts(
    session: AsyncSession, *, scope: int | None = None, tag: str | None = None
) -> list[Fact]:
    """Live facts, optionally of one scope and with one tag, in id order."""
    where: list[ColumnElement[bool]] = [FACTS.c.deleted_at.is_(None)]
    if scope is not None:
        where.append(FACTS.c.guild_id == scope)
    facts = sorted((fact for _, fact in await _load_facts(session, *where)), key=lambda f: f.id)
    if tag:
        facts = [f for f in facts if tag in f.tags]
    return facts


async def import_facts(
    session: AsyncSession,
    facts: Sequence[Fact],
    *,
    scope: int,
    actor_id: int | None,
    origin: str = "import",
) -> ImportReport:
    """Add or update facts of one scope, with an audit row for each change.

    The facts must have been validated already; the caller's transaction makes it all-or-nothing.
    Written in batched statements (a few per thousand facts), not row by row.
    """
    if any(fact.scope != scope for fact in facts):
        raise ValueError("fact scope does not match the import scope")
    now = utcnow()
    plan = _plan(facts, await _existing(session, scope))
    befores = await _befores(session, plan)
    await _write(session, scope, plan, origin=origin, author_id=actor_id, now=now)
    changed = {fact.id: row for row, fact in plan.changed}
    added = {fact.id for fact in plan.new}
    audit = []
    for fact in facts:  # in the order of the file, as a fact-by-fact import writes them
        if fact.id in added:
            before = None
        elif fact.id in changed:
            before = befores.get(changed[fact.id].id)
        else:
            continue
        audit.append(
            {
                "guild_id": scope,
                "slug": fact.id,
                "actor_id": actor_id,
                "action": "edit" if before is not None else "add",
                "before": fact_to_dict(before) if before is not None else None,
                "after": fact_to_dict(fact),
                "at": now,
            }
        )
    if audit:
        await _execute_many(session, insert(AUDIT), audit)
    if scope == GLOBAL_SCOPE and any(row.origin == "bundled" for row, _ in plan.changed):
        # A bundled fact changed other than from the files: the next start syncs them again.
        await set_meta(session, BUNDLED_DIGEST, None)
    return ImportReport(len(plan.new), len(plan.changed), plan.unchanged)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every timestamp here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# --- a server's facts, changed by its moderators ---------------------------------------------


async def _row(session: AsyncSession, scope: int, slug: str) -> FactRow | None:
    return await session.scalar(
        select(FactRow)
        .where(FactRow.guild_id == scope, FactRow.slug == slug)
        .options(selectinload(FactRow.phrasings))
    )


async def _hidden(session: AsyncSession, guild_id: int, slug: str) -> HiddenFactRow | None:
    return await session.get(HiddenFactRow, (guild_id, slug))


async def _live_bundled(session: AsyncSession, slug: str) -> FactRow | None:
    row = await _row(session, GLOBAL_SCOPE, slug)
    return row if row is not None and row.deleted_at is None else None


async def _shadow(
    session: AsyncSession, guild_id: int, slug: str, actor_id: int | None
) -> tuple[tuple[int, str], ...]:
    """Hide the bundled fact a server fact with the same id replaces (if there is one)."""
    if guild_id == GLOBAL_SCOPE or await _live_bundled(session, slug) is None:
        return ()
    if await _hidden(session, guild_id, slug) is None:
        session.add(HiddenFactRow(guild_id=guild_id, slug=slug, hidden_by=actor_id))
    return ((guild_id, slug),)


async def taken_ids(session: AsyncSession, guild_id: int) -> set[str]:
    """Ids a new fact of this server may not use: its own (removed ones too) and the bundled ones."""
    rows = await session.scalars(
        select(FactRow.slug).where(FactRow.guild_id.in_((guild_id, GLOBAL_SCOPE)))
    )
    return set(rows)


async def add_fact(
    session: AsyncSession,
    fact: Fact,
    *,
    actor_id: int | None,
    author_id: int | None = None,
    origin: str = "server",
    action: str = "add",
) -> FactChange:
    """Add a new fact to its server (fact.scope); raises FactIdTaken if the id is in use there."""
    if fact.scope == GLOBAL_SCOPE:
        raise ValueError("moderators add facts to a server, not to the bundled facts")
    if await _row(session, fact.scope, fact.id) is not None:
        raise FactIdTaken(fact.id)
    session.add(
        _new_row(fact, origin=origin, author_id=actor_id if author_id is None else author_id)
    )
    try:
        await session.flush()
    except IntegrityError:  # another transaction took the id since we looked
        raise FactIdTaken(fact.id) from None
    hidden = await _shadow(session, fact.scope, fact.id, actor_id)
    _audit(
        session,
        guild_id=fact.scope,
        slug=fact.id,
        actor_id=actor_id,
        action=action,
        before=None,
        after=fact,
    )
    return FactChange(added=(fact,), hidden=hidden)


async def visible_fact(session: AsyncSession, guild_id: int, slug: str) -> Fact | None:
    """The fact a server sees under an id: its own, else the bundled one unless hidden."""
    own = await _row(session, guild_id, slug)
    if own is not None and own.deleted_at is None:
        return row_to_fact(own)
    if own is None and await _hidden(session, guild_id, slug) is None:
        bundled = await _live_bundled(session, slug)
        return row_to_fact(bundled) if bundled is not None else None
    return None


async def edit_fact(
    session: AsyncSession,
    guild_id: int,
    fact: Fact,
    *,
    actor_id: int | None,
    expected: Fact | None = None,
) -> FactChange:
    """Replace the fact a server sees under fact.id with `fact` (validated, scope = guild_id).

    Editing a bundled fact gives the server its own copy under the same id, which hides the
    bundled one there. `expected` is the version the moderator started from: if the fact has
    changed since, EditConflict. An edit that changes nothing returns an empty change.
    """
    if fact.scope != guild_id or guild_id == GLOBAL_SCOPE:
        raise ValueError("an edited fact belongs to the server that edits it")
    own = await _row(session, guild_id, fact.id)
    if own is not None and own.deleted_at is not None:
        raise FactRemoved(fact.id)
    if own is not None:
        current = row_to_fact(own)
    else:
        bundled = await _live_bundled(session, fact.id)
        if bundled is None or await _hidden(session, guild_id, fact.id) is not None:
            raise UnknownFact(fact.id)
        current = row_to_fact(bundled)
    if expected is not None and content_hash(current) != content_hash(expected):
        raise EditConflict(fact.id)
    if content_hash(current) == content_hash(fact):  # the hash ignores scope
        return FactChange()
    hidden: tuple[tuple[int, str], ...] = ()
    if own is not None:
        _apply(own, fact)
        own.updated_at = utcnow()
        action = "edit"
    else:
        session.add(_new_row(fact, origin="override", author_id=actor_id))
        hidden = await _shadow(session, guild_id, fact.id, actor_id)
        action = "override"
    _audit(
        session,
        guild_id=guild_id,
        slug=fact.id,
        actor_id=actor_id,
        action=action,
        before=current,
        after=fact,
    )
    return FactChange(added=(fact,), hidden=hidden)


async def remove_fact(
    session: AsyncSession, guild_id: int, slug: str, *, actor_id: int | None
) -> FactChange:
    """Remove a fact from a server: its own facts are marked deleted, a bundled one is hidden."""
    own = await _row(session, guild_id, slug)
    if own is not None and own.deleted_at is None:
        before = row_to_fact(own)
        own.deleted_at = utcnow()
        _audit(
            session,
            guild_id=guild_id,
            slug=slug,
            actor_id=actor_id,
            action="remove",
            before=before,
            after=None,
        )
        return FactChange(removed=((guild_id, slug),))
    if own is not None or await _hidden(session, guild_id, slug) is not None:
        raise FactRemoved(slug)
    bundled = await _live_bundled(session, slug)
    if bundled is None:
        raise UnknownFact(slug)
    session.add(HiddenFactRow(guild_id=guild_id, slug=slug, hidden_by=actor_id))
    _audit(
        session,
        guild_id=guild_id,
        slug=slug,
        actor_id=actor_id,
        action="hide",
        before=row_to_fact(bundled),
        after=None,
    )
    return FactChange(hidden=((guild_id, slug),))


async def restore_fact(
    session: AsyncSession, guild_id: int, slug: str, *, actor_id: int | None
) -> tuple[Fact, FactChange]:
    """Undo a removal: a server fact comes back, or a hidden bundled fact is shown again."""
    own = await _row(session, guild_id, slug)
    if own is not None and own.deleted_at is not None:
        own.deleted_at = None
        own.updated_at = utcnow()
        fact = row_to_fact(own)
        hidden = await _shadow(session, guild_id, slug, actor_id)
        _audit(
            session,
            guild_id=guild_id,
            slug=slug,
            actor_id=actor_id,
            action="restore",
            before=None,
            after=fact,
        )
        return fact, FactChange(added=(fact,), hidden=hidden)
    hidden_row = await _hidden(session, guild_id, slug)
    bundled = await _live_bundled(session, slug)
    if own is None and hidden_row is not None and bundled is not None:
        await session.delete(hidden_row)  # the marker, not the fact: hiding is undone
        fact = row_to_fact(bundled)
        _audit(
            session,
            guild_id=guild_id,
            slug=slug,
            actor_id=actor_id,
            action="unhide",
            before=None,
            after=fact,
        )
        return fact, FactChange(unhidden=((guild_id, slug),))
    if own is not None or bundled is not None:
        raise NotRemoved(slug)
    raise UnknownFact(slug)


async def removed_facts(session: AsyncSession, guild_id: int) -> list[Fact]:
    """Facts a server removed and could restore: its own deleted ones and the hidden bundled ones
    (not those its own copy replaces)."""
    own = await session.scalars(
        select(FactRow)
        .where(FactRow.guild_id == guild_id, FactRow.deleted_at.is_not(None))
        .options(selectinload(FactRow.phrasings))
    )
    facts = [row_to_fact(r) for r in own]
    own_ids = select(FactRow.slug).where(FactRow.guild_id == guild_id)
    hidden = await session.scalars(
        select(FactRow)
        .join(
            HiddenFactRow,
            (HiddenFactRow.slug == FactRow.slug) & (HiddenFactRow.guild_id == guild_id),
        )
        .where(
            FactRow.guild_id == GLOBAL_SCOPE,
            FactRow.deleted_at.is_(None),
            FactRow.slug.not_in(own_ids),
        )
        .options(selectinload(FactRow.phrasings))
    )
    facts += [row_to_fact(r) for r in hidden]
    return sorted(facts, key=lambda f: f.id)


async def import_server_facts(
    session: AsyncSession, facts: Sequence[Fact], *, guild_id: int, actor_id: int | None
) -> tuple[ImportReport, FactChange]:
    """Import validated facts into a server (all or nothing with the caller's transaction).

    Like `import_facts`, and a fact with a bundled fact's id replaces it in that server.
    """
    report = await import_facts(session, facts, scope=guild_id, actor_id=actor_id)
    hidden = await _shadow_many(session, guild_id, [fact.id for fact in facts], actor_id)
    return report, FactChange(added=tuple(facts), hidden=hidden)


async def import_servers(
    session: AsyncSession, doc: FactDocument, *, actor_id: int | None
) -> tuple[ImportReport, FactChange]:
    """Import a file of several servers' facts (a backup): each server's facts into that
    server, and the bundled facts it lists as removed there removed again (an id no bundled
    fact has any more is skipped). All or nothing with the caller's transaction."""
    by_scope: dict[int, list[Fact]] = {}
    for fact in doc.facts:
        by_scope.setdefault(fact.scope, []).append(fact)
    scopes = by_scope.keys() | doc.hidden.keys()
    added = updated = unchanged = hidden = 0
    change = FactChange()
    for scope in sorted(scopes):
        facts = by_scope.get(scope, [])
        if scope == GLOBAL_SCOPE:
            report = await import_facts(session, facts, scope=scope, actor_id=actor_id)
            part = FactChange(added=tuple(facts))
        else:
            report, part = await import_server_facts(
                session, facts, guild_id=scope, actor_id=actor_id
            )
        own = {fact.id for fact in facts}  # a server's own fact hides its bundled namesake
        for slug in doc.hidden.get(scope, ()):
            if slug in own:
                continue
            try:
                part += await remove_fact(session, scope, slug, actor_id=actor_id)
            except (FactRemoved, UnknownFact):
                continue  # removed already, or no such bundled fact any more
            hidden += 1
        added, updated = added + report.added, updated + report.updated
        unchanged += report.unchanged
        change += part
    servers = len(scopes - {GLOBAL_SCOPE})
    return ImportReport(added, updated, unchanged, servers=servers, hidden=hidden), change


async def _shadow_many(
    session: AsyncSession, guild_id: int, slugs: Sequence[str], actor_id: int | None
) -> tuple[tuple[int, str], ...]:
    """`_shadow` for many ids at once, in a few statements."""
    if guild_id == GLOBAL_SCOPE or not slugs:
        return ()
    live: set[str] = set()
    hidden: set[str] = set()
    for batch in _chunks(slugs, IN_BATCH):
        live.update(
            await session.scalars(
                select(FACTS.c.slug).where(
                    FACTS.c.guild_id == GLOBAL_SCOPE,
                    FACTS.c.deleted_at.is_(None),
                    FACTS.c.slug.in_(batch),
                )
            )
        )
        hidden.update(
            await session.scalars(
                select(HIDDEN.c.slug).where(HIDDEN.c.guild_id == guild_id, HIDDEN.c.slug.in_(batch))
            )
        )
    shadowed = [slug for slug in slugs if slug in live]
    now = utcnow()
    missing = [
        {"guild_id": guild_id, "slug": slug, "hidden_by": actor_id, "hidden_at": now}
        for slug in shadowed
        if slug not in hidden
    ]
    if missing:
        await _execute_many(session, insert(HIDDEN), missing)
    return tuple((guild_id, slug) for slug in shadowed)


async def history(session: AsyncSession, guild_id: int, slug: str) -> list[AuditEntry]:
    """Every change to a fact in a server, oldest first."""
    rows = await session.scalars(
        select(FactAuditRow)
        .where(FactAuditRow.guild_id == guild_id, FactAuditRow.slug == slug)
        .order_by(FactAuditRow.id)
    )
    return [AuditEntry(r.action, r.actor_id, as_utc(r.at), r.before, r.after) for r in rows]


# --- suggestions from members ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A member's suggested fact, waiting for review."""

    id: int
    guild_id: int
    user_id: int
    question: str
    answer: str
    created_at: dt.datetime


def _suggestion(row: FactSuggestionRow) -> Suggestion:
    return Suggestion(
        row.id, row.guild_id, row.user_id, row.question, row.answer, as_utc(row.created_at)
    )


def _pending(guild_id: int) -> Any:
    return (FactSuggestionRow.guild_id == guild_id) & (FactSuggestionRow.status == "pending")


async def add_suggestion(
    session: AsyncSession, *, guild_id: int, user_id: int, question: str, answer: str
) -> Suggestion:
    """Queue a member's (validated) suggestion; TooManySuggestions past the per-member limit."""
    waiting = await session.scalar(
        select(func.count())
        .select_from(FactSuggestionRow)
        .where(_pending(guild_id), FactSuggestionRow.user_id == user_id)
    )
    if (waiting or 0) >= MAX_PENDING_SUGGESTIONS:
        raise TooManySuggestions()
    row = FactSuggestionRow(
        guild_id=guild_id, user_id=user_id, question=question, answer=answer, status="pending"
    )
    session.add(row)
    await session.flush()
    return _suggestion(row)


async def next_suggestion(session: AsyncSession, guild_id: int) -> tuple[Suggestion | None, int]:
    """The oldest pending suggestion of a server, and how many are pending in all."""
    row = await session.scalar(
        select(FactSuggestionRow)
        .where(_pending(guild_id))
        .order_by(FactSuggestionRow.created_at, FactSuggestionRow.id)
        .limit(1)
    )
    count = await session.scalar(
        select(func.count()).select_from(FactSuggestionRow).where(_pending(guild_id))
    )
    return (_suggestion(row) if row is not None else None), count or 0


async def _decide(
    session: AsyncSession,
    guild_id: int,
    suggestion_id: int,
    *,
    reviewer_id: int,
    status: str,
    fact_slug: str | None,
) -> None:
    # One conditional UPDATE: of two moderators deciding at once, exactly one wins.
    result = await session.execute(
        update(FactSuggestionRow)
        .where(_pending(guild_id), FactSuggestionRow.id == suggestion_id)
        .values(status=status, reviewed_by=reviewer_id, reviewed_at=utcnow(), fact_slug=fact_slug)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise SuggestionReviewed()


async def approve_suggestion(
    session: AsyncSession, suggestion: Suggestion, fact: Fact, *, reviewer_id: int
) -> FactChange:
    """Accept a suggestion as `fact` (validated, with its id chosen): the fact is added with the
    suggesting member as author, the reviewer in the audit."""
    await _decide(
        session,
        suggestion.guild_id,
        suggestion.id,
        reviewer_id=reviewer_id,
        status="approved",
        fact_slug=fact.id,
    )
    return await add_fact(
        session, fact, actor_id=reviewer_id, author_id=suggestion.user_id, action="approve"
    )


async def reject_suggestion(
    session: AsyncSession, suggestion: Suggestion, *, reviewer_id: int
) -> None:
    await _decide(
        session,
        suggestion.guild_id,
        suggestion.id,
        reviewer_id=reviewer_id,
        status="rejected",
        fact_slug=None,
    )
