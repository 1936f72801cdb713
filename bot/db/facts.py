"""Fact persistence: loading, seeding the bundled facts, and server-scoped changes with an audit.

Functions take an `AsyncSession`; the caller owns the transaction (`async with session.begin()`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.core.facts import GLOBAL_SCOPE, Fact, Source, fact_to_dict
from bot.db.models import FactAuditRow, FactRow, HiddenFactRow, PhrasingRow, utcnow


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
    )


def _apply(row: FactRow, fact: Fact) -> None:
    row.question = fact.question
    row.answer = fact.answer
    row.accept = list(fact.accept)
    row.tags = list(fact.tags)
    row.kind = fact.kind
    row.quote = fact.quote
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


async def load_all(session: AsyncSession) -> tuple[list[Fact], list[tuple[int, str]]]:
    """Every live fact of every scope, and every (guild id, slug) of a hidden bundled fact."""
    rows = await session.scalars(
        select(FactRow)
        .where(FactRow.deleted_at.is_(None))
        .options(selectinload(FactRow.phrasings))
        .order_by(FactRow.id)
    )
    facts = [row_to_fact(r) for r in rows]
    hidden = [(h.guild_id, h.slug) for h in await session.scalars(select(HiddenFactRow))]
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


def audit_entry(row: FactAuditRow) -> dict[str, Any]:
    return {
        "action": row.action,
        "actor_id": row.actor_id,
        "at": row.at,
        "before": row.before,
        "after": row.after,
    }


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every timestamp here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
