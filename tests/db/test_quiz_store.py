"""Quiz scores and games on SQLite and PostgreSQL: totals, ranks, servers kept apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import quiz as store
from bot.db.engine import create_engine, migrate, session_factory
from bot.db.models import QuizGameRow

GUILD, OTHER_GUILD = 100, 200
ALICE, BOB, CAROL = 1, 2, 3

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[Sessions]:
    engine = create_engine(database_url)
    await migrate(engine)
    yield session_factory(engine)
    await engine.dispose()


async def question(sessions: Sessions, guild_id: int, **points: int) -> None:
    """Store one closed question: user ids from ALICE/BOB/CAROL names, 0 points = wrong."""
    ids = {"alice": ALICE, "bob": BOB, "carol": CAROL}
    by_user = {ids[name]: p for name, p in points.items()}
    async with sessions.begin() as session:
        await store.record_question(
            session, guild_id, by_user, {u: int(p > 0) for u, p in by_user.items()}
        )


async def game(sessions: Sessions, guild_id: int, players: list[int], winner: int | None) -> None:
    async with sessions.begin() as session:
        await store.record_game(session, guild_id, players, winner)


async def board(sessions: Sessions, guild_id: int | None) -> list[store.ScoreLine]:
    async with sessions() as session:
        return await store.leaderboard(session, guild_id)


async def stats(sessions: Sessions, guild_id: int | None, user_id: int) -> store.ScoreLine | None:
    async with sessions() as session:
        return await store.stats(session, guild_id, user_id)


async def test_points_and_right_answers_add_up_across_questions(sessions: Sessions) -> None:
    await question(sessions, GUILD, alice=900, bob=0)
    await question(sessions, GUILD, alice=600, bob=750)
    await question(sessions, GUILD, bob=0)
    alice, bob = await stats(sessions, GUILD, ALICE), await stats(sessions, GUILD, BOB)
    assert alice is not None and (alice.points, alice.correct) == (1500, 2)
    assert bob is not None and (bob.points, bob.correct) == (750, 1)


async def test_games_are_counted_for_every_player_and_wins_for_the_winner(
    sessions: Sessions,
) -> None:
    await game(sessions, GUILD, [ALICE, BOB], winner=ALICE)
    await game(sessions, GUILD, [ALICE, BOB, CAROL], winner=BOB)
    await game(sessions, GUILD, [CAROL], winner=None)
    lines = {s.user_id: (s.games, s.wins) for s in await board(sessions, GUILD)}
    assert lines == {ALICE: (2, 1), BOB: (2, 1), CAROL: (2, 0)}


async def test_a_member_who_never_played_has_no_record(sessions: Sessions) -> None:
    await question(sessions, GUILD, alice=900)
    assert await stats(sessions, GUILD, BOB) is None
    assert await board(sessions, OTHER_GUILD) == []


async def test_leaderboard_orders_by_points_then_right_answers_then_id(
    sessions: Sessions,
) -> None:
    await question(sessions, GUILD, alice=500, bob=1000, carol=500)
    await question(sessions, GUILD, carol=0)
    await question(sessions, GUILD, bob=0, alice=0)
    top = await board(sessions, GUILD)
    assert [(s.user_id, s.rank) for s in top] == [(BOB, 1), (ALICE, 2), (CAROL, 3)]
    await question(sessions, GUILD, carol=1)  # carol: 501 points
    assert [s.user_id for s in await board(sessions, GUILD)] == [BOB, CAROL, ALICE]


async def test_stats_rank_is_the_leaderboard_position(sessions: Sessions) -> None:
    await question(sessions, GUILD, alice=500, bob=500, carol=500)
    await question(sessions, GUILD, carol=0)
    top = await board(sessions, GUILD)
    for line in top:
        mine = await stats(sessions, GUILD, line.user_id)
        assert mine == line


async def test_leaderboard_is_limited(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        for user_id in range(1, 16):
            await store.record_question(session, GUILD, {user_id: user_id}, {user_id: 1})
    async with sessions() as session:
        top = await store.leaderboard(session, GUILD, limit=10)
    assert [s.user_id for s in top] == list(range(15, 5, -1))
    assert [s.rank for s in top] == list(range(1, 11))


async def test_servers_are_kept_apart(sessions: Sessions) -> None:
    await question(sessions, GUILD, alice=900, carol=800)
    await game(sessions, GUILD, [ALICE, CAROL], winner=ALICE)
    await question(sessions, OTHER_GUILD, bob=300, alice=100)
    await game(sessions, OTHER_GUILD, [ALICE, BOB], winner=BOB)
    assert [s.user_id for s in await board(sessions, GUILD)] == [ALICE, CAROL]
    assert [s.user_id for s in await board(sessions, OTHER_GUILD)] == [BOB, ALICE]
    assert await stats(sessions, OTHER_GUILD, CAROL) is None
    alice_here = await stats(sessions, OTHER_GUILD, ALICE)
    assert alice_here is not None
    assert (alice_here.points, alice_here.games, alice_here.wins, alice_here.rank) == (
        100,
        1,
        0,
        2,
    )


async def test_global_totals_add_every_server(sessions: Sessions) -> None:
    await question(sessions, GUILD, alice=900, carol=800)
    await game(sessions, GUILD, [ALICE, CAROL], winner=ALICE)
    await question(sessions, OTHER_GUILD, bob=300, alice=100)
    await game(sessions, OTHER_GUILD, [ALICE, BOB], winner=BOB)
    top = await board(sessions, None)
    assert [(s.user_id, s.points, s.games, s.wins, s.rank) for s in top] == [
        (ALICE, 1000, 2, 1, 1),
        (CAROL, 800, 1, 0, 2),
        (BOB, 300, 1, 1, 3),
    ]
    assert await stats(sessions, None, BOB) == top[2]


async def test_game_rows_running_until_finished_and_interrupted_once(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as session:
        done = await store.start_game(session, guild_id=GUILD, channel_id=10, started_by=ALICE)
        left = await store.start_game(session, guild_id=GUILD, channel_id=11, started_by=BOB)
        await store.set_game_message(session, left, 12345)
        await store.finish_game(session, done, "completed")
    async with sessions.begin() as session:
        stale = await store.interrupted_games(session)
    assert [(g.id, g.channel_id, g.message_id) for g in stale] == [(left, 11, 12345)]
    async with sessions.begin() as session:
        assert await store.interrupted_games(session) == []
        rows = {r.id: r for r in await session.scalars(select(QuizGameRow))}
    assert rows[done].status == "completed" and rows[done].ended_at is not None
    assert rows[left].status == "interrupted" and rows[left].ended_at is not None


# --- names, streaks, weekly boards, defaults, the daily question -----------------------------


async def test_boards_show_stored_names_and_best_streaks(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await store.record_question(
            session,
            GUILD,
            {ALICE: 900},
            {ALICE: 1},
            names={ALICE: "alice"},
            best_streaks={ALICE: 3},
        )
        await store.record_question(
            session,
            GUILD,
            {ALICE: 500},
            {ALICE: 1},
            names={ALICE: "Alice K"},
            best_streaks={ALICE: 1},
        )
    top = await board(sessions, GUILD)
    assert [(s.user_id, s.name, s.best_streak, s.points) for s in top] == [
        (ALICE, "Alice K", 3, 1400)  # the newest name, the best streak ever
    ]


async def test_a_weekly_board_counts_only_points_since_its_start(sessions: Sessions) -> None:
    now = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)
    async with sessions.begin() as session:
        await store.record_question(
            session, GUILD, {ALICE: 900}, {ALICE: 1}, at=now - dt.timedelta(days=10)
        )
        await store.record_question(session, GUILD, {BOB: 300}, {BOB: 1}, at=now)
    week = now - dt.timedelta(days=3)
    async with sessions() as session:
        weekly = await store.leaderboard(session, GUILD, since=week)
        assert [(s.user_id, s.points) for s in weekly] == [(BOB, 300)]
        assert await store.count_players(session, GUILD, since=week) == 1
        assert await store.count_players(session, GUILD) == 2
        assert [
            (s.user_id, s.rank) for s in await store.leaderboard(session, GUILD, 1, offset=1)
        ] == [(BOB, 2)]
        mine = await store.stats(session, GUILD, BOB, since=week)
        assert mine is not None and mine.rank == 1


async def test_server_defaults_change_only_what_is_given(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        assert await store.get_defaults(session, GUILD) == store.QuizDefaults()
        await store.set_defaults(session, GUILD, rounds=10, seconds=None, mode="typed", by=ALICE)
        await store.set_defaults(session, GUILD, rounds=None, seconds=30, mode=None, by=ALICE)
    async with sessions() as session:
        assert await store.get_defaults(session, GUILD) == store.QuizDefaults(10, 30, "typed")
        assert await store.get_defaults(session, OTHER_GUILD) == store.QuizDefaults()


async def test_a_daily_day_is_claimed_once(sessions: Sessions) -> None:
    day = dt.date(2026, 12, 3)
    async with sessions.begin() as session:
        await store.set_daily(
            session,
            GUILD,
            channel_id=5,
            post_at="09:00",
            timezone="UTC",
            open_minutes=60,
            last_date=day - dt.timedelta(days=1),
            by=ALICE,
        )
    async with sessions.begin() as session:
        assert await store.claim_daily(session, GUILD, day)
    async with sessions.begin() as session:
        assert not await store.claim_daily(session, GUILD, day)
        assert await store.claim_daily(session, GUILD, day + dt.timedelta(days=1))


async def test_a_daily_round_takes_one_answer_each_and_scores_once(sessions: Sessions) -> None:
    opened = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
    async with sessions.begin() as session:
        row = await store.open_daily_round(
            session,
            guild_id=GUILD,
            channel_id=5,
            day=opened.date(),
            fact_scope=0,
            fact_id="jason-gold-count",
            question="How many?",
            options=["6", "7", "8", "9"],
            correct_index=1,
            opened_at=opened,
            closes_at=opened + dt.timedelta(hours=1),
        )
        round_id = row.id
    async with sessions.begin() as session:
        assert await store.answer_daily(
            session, round_id, ALICE, name="alice", choice=1, correct=True, elapsed=5, points=990
        )
        assert not await store.answer_daily(
            session, round_id, ALICE, name="alice", choice=2, correct=False, elapsed=6, points=0
        )
        assert await store.answer_daily(
            session, round_id, BOB, name="bob", choice=0, correct=False, elapsed=7, points=0
        )
    async with sessions.begin() as session:
        assert [r.id for r in await store.open_daily_rounds(session)] == [round_id]
        closed = await store.close_daily_round(session, round_id, opened + dt.timedelta(hours=1))
        assert closed is not None
    async with sessions.begin() as session:
        assert await store.close_daily_round(session, round_id, opened) is None  # once
        assert await store.open_daily_rounds(session) == []
    top = await board(sessions, GUILD)
    assert [(s.user_id, s.points, s.correct, s.name) for s in top] == [
        (ALICE, 990, 1, "alice"),
        (BOB, 0, 0, "bob"),
    ]
