"""Quiz scores and games. Scores are written as each question closes, so a crash loses at most
the open question."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, case, delete, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    QuizDailyAnswerRow,
    QuizDailyRoundRow,
    QuizDailyRow,
    QuizGameRow,
    QuizPlayerRow,
    QuizPointsRow,
    QuizScoreRow,
    QuizSettingsRow,
    utcnow,
)

NAME_LIMIT = 100


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """A member's totals, in one server or across all; rank is their leaderboard position."""

    user_id: int
    points: int
    correct: int
    games: int
    wins: int
    rank: int = 0
    name: str | None = None  # the display name stored with the score
    best_streak: int = 0


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


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


async def remember_players(
    session: AsyncSession,
    guild_id: int,
    names: Mapping[int, str],
    best_streaks: Mapping[int, int] | None = None,
) -> None:
    """Store members' display names (and raise their best streaks) in one server."""
    streaks = best_streaks or {}
    insert = _insert(session)
    for user_id in sorted({*names, *streaks}):
        values: dict[str, Any] = {"updated_at": utcnow()}
        if user_id in names:
            values["display_name"] = names[user_id][:NAME_LIMIT]
        streak = streaks.get(user_id, 0)
        stmt = insert(QuizPlayerRow).values(
            guild_id=guild_id, user_id=user_id, best_streak=streak, **values
        )
        best = QuizPlayerRow.best_streak
        stmt = stmt.on_conflict_do_update(
            index_elements=[QuizPlayerRow.guild_id, QuizPlayerRow.user_id],
            set_={**values, "best_streak": case((best < streak, streak), else_=best)},
        )
        await session.execute(stmt)


async def record_question(
    session: AsyncSession,
    guild_id: int,
    points_by_user: Mapping[int, int],
    correct_by_user: Mapping[int, int],
    *,
    names: Mapping[int, str] | None = None,
    best_streaks: Mapping[int, int] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Add one closed question's points and right answers to the members' records, dated for
    the weekly and monthly boards, with the names and best streaks to show beside them."""
    when = at or utcnow()
    for user_id, points in points_by_user.items():
        correct = correct_by_user.get(user_id, 0)
        await _add(session, guild_id, user_id, points=points, correct=correct)
        if points or correct:
            session.add(
                QuizPointsRow(
                    guild_id=guild_id, user_id=user_id, points=points, correct=correct, at=when
                )
            )
    if names or best_streaks:
        await remember_players(session, guild_id, names or {}, best_streaks)
    await session.flush()


async def record_game(
    session: AsyncSession, guild_id: int, players: Iterable[int], winner_id: int | None
) -> None:
    """Count a finished game for everyone who took part, and a win for the winner."""
    for user_id in players:
        await _add(session, guild_id, user_id, games=1, wins=int(user_id == winner_id))


def _lines(rows: Any, start: int = 1) -> list[ScoreLine]:
    return [
        ScoreLine(
            r.user_id,
            r.points,
            r.correct,
            r.games,
            r.wins,
            rank,
            r.name,
            r.best_streak or 0,
        )
        for rank, r in enumerate(rows, start=start)
    ]


def _totals(guild_id: int | None, since: dt.datetime | None = None) -> Any:
    """Per member: points, right answers, games, wins, name and best streak; all time from
    quiz_scores, or since a time from the dated quiz_points (games and wins are all-time)."""
    players = select(
        QuizPlayerRow.user_id,
        func.max(QuizPlayerRow.display_name).label("name"),
        func.max(QuizPlayerRow.best_streak).label("best_streak"),
    ).group_by(QuizPlayerRow.user_id)
    if guild_id is not None:
        players = players.where(QuizPlayerRow.guild_id == guild_id)
    names = players.subquery()
    if since is None:
        base = select(
            QuizScoreRow.user_id.label("user_id"),
            func.sum(QuizScoreRow.points).label("points"),
            func.sum(QuizScoreRow.correct).label("correct"),
            func.sum(QuizScoreRow.games).label("games"),
            func.sum(QuizScoreRow.wins).label("wins"),
        ).group_by(QuizScoreRow.user_id)
        if guild_id is not None:
            base = base.where(QuizScoreRow.guild_id == guild_id)
    else:
        base = (
            select(
                QuizPointsRow.user_id.label("user_id"),
                func.sum(QuizPointsRow.points).label("points"),
                func.sum(QuizPointsRow.correct).label("correct"),
                literal(0, Integer).label("games"),
                literal(0, Integer).label("wins"),
            )
            .where(QuizPointsRow.at >= since)
            .group_by(QuizPointsRow.user_id)
        )
        if guild_id is not None:
            base = base.where(QuizPointsRow.guild_id == guild_id)
    totals = base.subquery()
    return select(
        totals.c.user_id,
        totals.c.points,
        totals.c.correct,
        totals.c.games,
        totals.c.wins,
        names.c.name,
        names.c.best_streak,
    ).outerjoin(names, names.c.user_id == totals.c.user_id)


async def leaderboard(
    session: AsyncSession,
    guild_id: int | None,
    limit: int = 10,
    *,
    since: dt.datetime | None = None,
    offset: int = 0,
) -> list[ScoreLine]:
    """Top members of one server (or across all servers when guild_id is None), all time or
    since a time: most points, then most right answers, then the lower user id, so ranks are
    stable. `offset` skips that many for the next page."""
    sub = _totals(guild_id, since).subquery()
    query = select(sub).order_by(sub.c.points.desc(), sub.c.correct.desc(), sub.c.user_id)
    rows = (await session.execute(query.offset(offset).limit(limit))).all()
    return _lines(rows, start=offset + 1)


async def count_players(
    session: AsyncSession, guild_id: int | None, *, since: dt.datetime | None = None
) -> int:
    """How many members a board lists."""
    sub = _totals(guild_id, since).subquery()
    return int(await session.scalar(select(func.count()).select_from(sub)) or 0)


async def stats(
    session: AsyncSession,
    guild_id: int | None,
    user_id: int,
    *,
    since: dt.datetime | None = None,
) -> ScoreLine | None:
    """A member's record and leaderboard rank, in one server or across all servers."""
    sub = _totals(guild_id, since).subquery()
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
    return _lines([mine], start=(ahead or 0) + 1)[0]


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


# --- a server's defaults ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuizDefaults:
    """A server's own defaults for /quiz start; None keeps the bot's default."""

    rounds: int | None = None
    seconds: int | None = None
    mode: str | None = None


async def get_defaults(session: AsyncSession, guild_id: int) -> QuizDefaults:
    row = await session.get(QuizSettingsRow, guild_id)
    if row is None:
        return QuizDefaults()
    return QuizDefaults(row.rounds, row.seconds, row.mode)


async def set_defaults(
    session: AsyncSession,
    guild_id: int,
    *,
    rounds: int | None,
    seconds: int | None,
    mode: str | None,
    by: int | None,
) -> QuizDefaults:
    """Change the values given (None leaves a value as it is); returns the new defaults."""
    row = await session.get(QuizSettingsRow, guild_id)
    if row is None:
        row = QuizSettingsRow(guild_id=guild_id)
        session.add(row)
    if rounds is not None:
        row.rounds = rounds
    if seconds is not None:
        row.seconds = seconds
    if mode is not None:
        row.mode = mode
    row.updated_by = by
    await session.flush()
    return QuizDefaults(row.rounds, row.seconds, row.mode)


async def reset_defaults(session: AsyncSession, guild_id: int) -> None:
    await session.execute(delete(QuizSettingsRow).where(QuizSettingsRow.guild_id == guild_id))


# --- the daily question ----------------------------------------------------------------------


async def get_daily(session: AsyncSession, guild_id: int) -> QuizDailyRow | None:
    return await session.get(QuizDailyRow, guild_id)


async def all_daily(session: AsyncSession) -> list[QuizDailyRow]:
    return list(await session.scalars(select(QuizDailyRow).order_by(QuizDailyRow.guild_id)))


async def set_daily(
    session: AsyncSession,
    guild_id: int,
    *,
    channel_id: int,
    post_at: str,
    timezone: str,
    open_minutes: int,
    last_date: dt.date,
    by: int | None,
) -> QuizDailyRow:
    """Create or replace a server's daily question schedule."""
    row = await session.get(QuizDailyRow, guild_id)
    if row is None:
        row = QuizDailyRow(guild_id=guild_id)
        session.add(row)
    row.channel_id = channel_id
    row.post_at = post_at
    row.timezone = timezone
    row.open_minutes = open_minutes
    row.last_date = last_date
    row.set_by = by
    await session.flush()
    return row


async def stop_daily(session: AsyncSession, guild_id: int) -> bool:
    """Remove a server's daily question; False if there was none."""
    result: Any = await session.execute(
        delete(QuizDailyRow).where(QuizDailyRow.guild_id == guild_id)
    )
    return bool(result.rowcount)


async def claim_daily(session: AsyncSession, guild_id: int, day: dt.date) -> bool:
    """Mark a local day as posted, if nobody has: True means this caller posts it. The one
    conditional update makes a second start (or a second process) see False."""
    result: Any = await session.execute(
        update(QuizDailyRow)
        .where(
            QuizDailyRow.guild_id == guild_id,
            or_(QuizDailyRow.last_date.is_(None), QuizDailyRow.last_date < day),
        )
        .values(last_date=day)
    )
    return bool(result.rowcount)


async def open_daily_round(
    session: AsyncSession,
    *,
    guild_id: int,
    channel_id: int,
    day: dt.date,
    fact_scope: int,
    fact_id: str,
    question: str,
    options: list[str],
    correct_index: int,
    opened_at: dt.datetime,
    closes_at: dt.datetime,
) -> QuizDailyRoundRow:
    row = QuizDailyRoundRow(
        guild_id=guild_id,
        channel_id=channel_id,
        day=day,
        fact_scope=fact_scope,
        fact_id=fact_id,
        question=question,
        options=options,
        correct_index=correct_index,
        seconds=int((closes_at - opened_at).total_seconds()),
        opened_at=opened_at,
        closes_at=closes_at,
    )
    session.add(row)
    await session.flush()
    return row


async def set_daily_message(session: AsyncSession, round_id: int, message_id: int) -> None:
    await session.execute(
        update(QuizDailyRoundRow)
        .where(QuizDailyRoundRow.id == round_id)
        .values(message_id=message_id)
    )


async def get_daily_round(session: AsyncSession, round_id: int) -> QuizDailyRoundRow | None:
    return await session.get(QuizDailyRoundRow, round_id)


async def open_daily_rounds(session: AsyncSession) -> list[QuizDailyRoundRow]:
    """Daily questions still taking answers (or due to be closed)."""
    return list(
        await session.scalars(
            select(QuizDailyRoundRow)
            .where(QuizDailyRoundRow.closed_at.is_(None))
            .order_by(QuizDailyRoundRow.closes_at)
        )
    )


async def answer_daily(
    session: AsyncSession,
    round_id: int,
    user_id: int,
    *,
    name: str,
    choice: int,
    correct: bool,
    elapsed: float,
    points: int,
) -> bool:
    """Record a member's one answer; False if they had already answered."""
    insert = _insert(session)
    stmt = (
        insert(QuizDailyAnswerRow)
        .values(
            round_id=round_id,
            user_id=user_id,
            display_name=name[:NAME_LIMIT],
            choice=choice,
            correct=correct,
            elapsed=elapsed,
            points=points,
        )
        .on_conflict_do_nothing(
            index_elements=[QuizDailyAnswerRow.round_id, QuizDailyAnswerRow.user_id]
        )
    )
    result: Any = await session.execute(stmt)
    return bool(result.rowcount)


async def daily_answers(session: AsyncSession, round_id: int) -> list[QuizDailyAnswerRow]:
    return list(
        await session.scalars(
            select(QuizDailyAnswerRow)
            .where(QuizDailyAnswerRow.round_id == round_id)
            .order_by(QuizDailyAnswerRow.elapsed)
        )
    )


async def close_daily_round(
    session: AsyncSession, round_id: int, at: dt.datetime
) -> QuizDailyRoundRow | None:
    """Close a daily question once and score it: returns it, or None if already closed."""
    result: Any = await session.execute(
        update(QuizDailyRoundRow)
        .where(QuizDailyRoundRow.id == round_id, QuizDailyRoundRow.closed_at.is_(None))
        .values(closed_at=at)
    )
    if not result.rowcount:
        return None
    row = await session.get(QuizDailyRoundRow, round_id)
    assert row is not None
    answers = await daily_answers(session, round_id)
    await record_question(
        session,
        row.guild_id,
        {a.user_id: a.points for a in answers},
        {a.user_id: int(a.correct) for a in answers},
        names={a.user_id: a.display_name for a in answers if a.display_name},
        at=at,
    )
    return row
