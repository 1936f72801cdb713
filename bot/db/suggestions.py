"""Members' suggested facts: queued, posted for review, approved (as a fact) or rejected.

The row is the suggestion's audit: who suggested it where, who decided, when, why (a rejection
carries its reason) and which fact it became. Functions take an `AsyncSession`; the caller owns
the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.facts import Fact
from bot.core.moderation import FactChange, SuggestionReviewed
from bot.db import facts as fact_store
from bot.db.models import FactSuggestionRow, utcnow

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A member's suggested fact and what became of it."""

    id: int
    guild_id: int
    user_id: int
    question: str
    answer: str
    created_at: dt.datetime
    status: str = PENDING
    channel_id: int | None = None
    reason: str | None = None
    reviewed_by: int | None = None
    fact_slug: str | None = None
    review_channel_id: int | None = None
    review_message_id: int | None = None

    @property
    def pending(self) -> bool:
        return self.status == PENDING


def _suggestion(row: FactSuggestionRow) -> Suggestion:
    return Suggestion(
        id=row.id,
        guild_id=row.guild_id,
        user_id=row.user_id,
        question=row.question,
        answer=row.answer,
        created_at=fact_store.as_utc(row.created_at),
        status=row.status,
        channel_id=row.channel_id,
        reason=row.reason,
        reviewed_by=row.reviewed_by,
        fact_slug=row.fact_slug,
        review_channel_id=row.review_channel_id,
        review_message_id=row.review_message_id,
    )


async def add(
    session: AsyncSession,
    *,
    guild_id: int,
    user_id: int,
    question: str,
    answer: str,
    channel_id: int | None,
) -> Suggestion:
    """Queue a member's (validated) suggestion; TooManySuggestions past the per-member limit."""
    queued = await fact_store.add_suggestion(
        session, guild_id=guild_id, user_id=user_id, question=question, answer=answer
    )
    row = await session.get(FactSuggestionRow, queued.id)
    assert row is not None
    row.channel_id = channel_id
    await session.flush()
    return _suggestion(row)


async def get(session: AsyncSession, suggestion_id: int) -> Suggestion | None:
    row = await session.get(FactSuggestionRow, suggestion_id)
    return _suggestion(row) if row is not None else None


async def oldest_pending(session: AsyncSession, guild_id: int) -> tuple[Suggestion | None, int]:
    """The oldest pending suggestion of a server, and how many are pending in all."""
    pending = (FactSuggestionRow.guild_id == guild_id) & (FactSuggestionRow.status == PENDING)
    row = await session.scalar(
        select(FactSuggestionRow)
        .where(pending)
        .order_by(FactSuggestionRow.created_at, FactSuggestionRow.id)
        .limit(1)
    )
    count = await session.scalar(select(func.count()).select_from(FactSuggestionRow).where(pending))
    return (_suggestion(row) if row is not None else None), count or 0


async def set_review_message(
    session: AsyncSession, suggestion_id: int, channel_id: int, message_id: int
) -> None:
    """Remember where a suggestion was posted for review (to update that message later)."""
    row = await session.get(FactSuggestionRow, suggestion_id)
    if row is not None:
        row.review_channel_id, row.review_message_id = channel_id, message_id


async def _decide(
    session: AsyncSession,
    suggestion: Suggestion,
    *,
    reviewer_id: int,
    status: str,
    fact_slug: str | None = None,
    reason: str | None = None,
) -> None:
    # One conditional UPDATE: of two moderators deciding at once, exactly one wins.
    result = await session.execute(
        update(FactSuggestionRow)
        .where(
            FactSuggestionRow.id == suggestion.id,
            FactSuggestionRow.guild_id == suggestion.guild_id,
            FactSuggestionRow.status == PENDING,
        )
        .values(
            status=status,
            reviewed_by=reviewer_id,
            reviewed_at=utcnow(),
            fact_slug=fact_slug,
            reason=reason,
        )
    )
    if getattr(result, "rowcount", 0) != 1:
        raise SuggestionReviewed()


async def approve(
    session: AsyncSession, suggestion: Suggestion, fact: Fact, *, reviewer_id: int
) -> FactChange:
    """Accept a suggestion as `fact` (validated, maybe edited, with its id chosen): the fact is
    added with the suggesting member as author and the reviewer in the fact's audit."""
    await _decide(session, suggestion, reviewer_id=reviewer_id, status=APPROVED, fact_slug=fact.id)
    return await fact_store.add_fact(
        session, fact, actor_id=reviewer_id, author_id=suggestion.user_id, action="approve"
    )


async def reject(
    session: AsyncSession, suggestion: Suggestion, *, reviewer_id: int, reason: str
) -> None:
    await _decide(session, suggestion, reviewer_id=reviewer_id, status=REJECTED, reason=reason)
