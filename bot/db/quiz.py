"""Quiz scores and games. Scores are written as each question closes, so a crash loses at most
the open question."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import QuizGameRow, QuizScoreRow, utcnow


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """A member's totals, in one server or across all; rank is their leaderboard position."""

    user_id: int
    points: int
    correct: int
    games: int
    wins: int
    rank: int = 0


async def _add(session: AsyncSession, guild_id: int, user_id: int, **deltas: int) -> None:
    """Add to a member's counters, creating the row if needed (one statement, race-free)."""
    dialect = session.get_bind().dialect.name
    insert: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    values = {"points": 0, "correct": 0, "games": 0, "wins": 0, **deltas}
    stmt = insert(QuizScoreRow).values(guild_id=guild_id, user_id=user_id, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[QuizScoreRow.guild_id, QuizScoreRow.user_id],
        set_={k: getattr(QuizScoreRow, k) + v for k, v in deltas.items()},
    )
    await session.execute(stmt)


async def record_question(
    session: AsyncSession,
    guild_id: int,
    points_by_user: Mapping[int, int],
    correct_by_user: Mapping[int, int],
) -> None:
    """Add one closed question's points and right answers to the members' records."""
    for user_id, points in points_by_user.items():
        await _add(
            session, guild_id, user_id, points=points, correct=correct_by_user.get(user_id, 0)
        )


async def record_game(
    session: AsyncSession, guild_id: int, players: Iterable[int], winner_id: int | None
) -> None:
    """Count a finished game for everyone who took part, and a win for the winner."""
    for user_id in players:
        await _add(session, guild_id, user_id, games=1, wins=int(user_id == winner_id))


def _lines(rows: Any) -> list[ScoreLine]:
    return [
        ScoreLine(r.user_id, r.points, r.correct, r.games, r.wins, rank)
        for rank, r in enumerate(rows, start=1)
    ]


def _totals(guild_id: int | None) -> Any:
    query = select(
        QuizScoreRow.user_id,
        func.sum(QuizScoreRow.points).label("points"),
        func.sum(QuizScoreRow.correct).label("correct"),
        func.sum(QuizScoreRow.games).label("games"),
        func.sum(QuizScoreRow.wins).label("wins"),
    ).group_by(QuizScoreRow.user_id)
    if guild_id is not None:
        query = query.where(QuizScoreRow.guild_id == guild_id)
    return query


async def leaderboard(
    session: AsyncSession, guild_id: int | None, limit: int = 10
) -> list[ScoreLine]:
    """Top members of one server (or across all servers when guild_id is None): most points,
    then most right answers, then the lower user id, so ranks are stable."""
    sub = _totals(guild_id).subquery()
    query = select(sub).order_by(sub.c.points.desc(), sub.c.correct.desc(), sub.c.user_id)
    return _lines((await session.execute(query.limit(limit))).all())


async def stats(session: AsyncSession, guild_id: int | None, user_id: int) -> ScoreLine | None:
    """A member's record and leaderboard rank, in one server or across all servers."""
    sub = _totals(guild_id).subquery()
    mine = (await session.execute(select(sub).where(sub.c.user_id == user_id))).first()
    if mine is None:
        return None
    # Ahead in the leaderboard's order: more points, or as many and more right answers, or a
    # full tie and a lower id.
    ahead = await session.scalar(
        select(func.count())
        .select_from(sub)
        .where(
            or_(
                sub.c.points > mine.points,
                and_(sub.c.points == mine.points, sub.c.correct > mine.correct),
                and_(
                    sub.c.points == mine.points,
                    sub.c.correct == mine.correct,
                    sub.c.user_id < mine.user_id,
                ),
            )
        )
    )
    return ScoreLine(
        mine.user_id, mine.points, mine.correct, mine.games, mine.wins, (ahead or 0) + 1
    )


async def start_game(
    session: AsyncSession, *, guild_id: int, channel_id: int, started_by: int
) -> int:
    """Record a game as running; returns its id."""
    row = QuizGameRow(guild_id=guild_id, channel_id=channel_id, started_by=started_by)
    session.add(row)
    await session.flush()
    return row.id


async def set_game_message(session: AsyncSession, game_id: int, message_id: int) -> None:
    """Remember the game's latest question message, whose buttons a restart must remove."""
    await session.execute(
        update(QuizGameRow).where(QuizGameRow.id == game_id).values(message_id=message_id)
    )


async def finish_game(session: AsyncSession, game_id: int, status: str) -> None:
    """Mark a game ended: completed, stopped, inactive or failed."""
    await session.execute(
        update(QuizGameRow)
        .where(QuizGameRow.id == game_id)
        .values(status=status, ended_at=utcnow())
    )


async def interrupted_games(session: AsyncSession) -> list[QuizGameRow]:
    """Games still marked running (the bot stopped mid-game); they are closed as interrupted."""
    rows = list(await session.scalars(select(QuizGameRow).where(QuizGameRow.status == "running")))
    for row in rows:
        row.status = "interrupted"
        row.ended_at = utcnow()
    return rows
