"""Fact persistence: loading, seeding the bundled facts, and server-scoped changes with an audit.

Functions take an `AsyncSession`; the caller owns the transaction (`async with session.begin()`).

A server sees the bundled facts it has not hidden, plus its own. A server fact with the id of a
bundled one takes its place there: every change that makes such a fact live also hides the bundled
one in that server. Nothing is deleted: facts are marked deleted, and every change made for a
server is written to the audit with the fact before and after. The functions that change a
server's facts return a `FactChange` to apply to the running index once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal_column, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.core.facts import GLOBAL_SCOPE, Fact, Source, fact_to_dict
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
    PhrasingRow,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import or a seeding did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


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


async def _rows(session: AsyncSession, scope: int) -> dict[str, FactRow]:
    result = await session.scalars(
        select(FactRow).where(FactRow.guild_id == scope).options(selectinload(FactRow.phrasings))
    )
    return {row.slug: row for row in result}


async def sync_bundled(session: AsyncSession, facts: Sequence[Fact]) -> ImportReport:
    """Make the bundled facts in the database match the fact files (idempotent).

    New facts are added, edited ones updated, and ones no longer in the files marked deleted.
    """
    existing = await _rows(session, GLOBAL_SCOPE)
    added = updated = unchanged = removed = 0
    seen: set[str] = set()
    for fact in facts:
        seen.add(fact.id)
        row = existing.get(fact.id)
        if row is None:
            session.add(_new_row(fact, origin="bundled", author_id=None))
            added += 1
        elif row.content_hash != content_hash(fact) or row.deleted_at is not None:
            _apply(row, fact)
            row.deleted_at = None
            row.updated_at = utcnow()
            updated += 1
        else:
            unchanged += 1
    for slug, row in existing.items():
        if slug not in seen and row.deleted_at is None and row.origin == "bundled":
            row.deleted_at = utcnow()
            removed += 1
    return ImportReport(added, updated, unchanged, removed)


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
    rows = await session.scalars(
        select(FactRow)
        .where(FactRow.deleted_at.is_(None), held_by(FactRow.guild_id, plan))
        .options(selectinload(FactRow.phrasings))
        .order_by(FactRow.id)
    )
    facts = [row_to_fact(r) for r in rows]
    hidden = [
        (h.guild_id, h.slug)
        for h in await session.scalars(
            select(HiddenFactRow).where(held_by(HiddenFactRow.guild_id, plan))
        )
    ]
    return facts, hidden


async def list_facts(
    session: AsyncSession, *, scope: int | None = None, tag: str | None = None
) -> list[Fact]:
    """Live facts, optionally of one scope and with one tag, in id order."""
    query = (
        select(FactRow).where(FactRow.deleted_at.is_(None)).options(selectinload(FactRow.phrasings))
    )
    if scope is not None:
        query = query.where(FactRow.guild_id == scope)
    facts = [row_to_fact(r) for r in await session.scalars(query.order_by(FactRow.slug))]
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
    """
    existing = await _rows(session, scope)
    added = updated = unchanged = 0
    for fact in facts:
        if fact.scope != scope:
            raise ValueError("fact scope does not match the import scope")
        row = existing.get(fact.id)
        if row is None:
            session.add(_new_row(fact, origin=origin, author_id=actor_id))
            _audit(
                session,
                guild_id=scope,
                slug=fact.id,
                actor_id=actor_id,
                action="add",
                before=None,
                after=fact,
            )
            added += 1
        elif row.deleted_at is not None or row.content_hash != content_hash(fact):
            before = None if row.deleted_at is not None else row_to_fact(row)
            _apply(row, fact)
            row.deleted_at = None
            row.updated_at = utcnow()
            _audit(
                session,
                guild_id=scope,
                slug=fact.id,
                actor_id=actor_id,
                action="add" if before is None else "edit",
                before=before,
                after=fact,
            )
            updated += 1
        else:
            unchanged += 1
    return ImportReport(added, updated, unchanged)


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
    hidden: list[tuple[int, str]] = []
    for fact in facts:
        hidden.extend(await _shadow(session, guild_id, fact.id, actor_id))
    return report, FactChange(added=tuple(facts), hidden=tuple(hidden))


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
