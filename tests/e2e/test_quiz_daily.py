"""The daily question and the boards, end to end: `/config daily-quiz` and `/config quiz`
checked and saved, a missed post made on start and never twice across restarts, a round that
ran out while the bot was down closed on start, and weekly boards with stored names."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import update

from bot.app import App
from bot.client import TriviaBot
from bot.db import quiz as store
from bot.db.models import QuizDailyRoundRow, QuizDailyRow
from tests.e2e.conftest import World, assert_nobody_pinged
from tests.e2e.test_quiz import buttons, named
from tests.fakediscord import Perm, run_bot

JSON = dict[str, Any]
DAILY = "Daily question — "


async def config(world: World, name: str, **options: Any) -> str:
    ix = await world.fake.slash(world.guild, world.channel, world.mod, f"config {name}", options)
    await ix.response()
    assert ix.ephemeral, "every /config reply is private"
    return str(ix.data.get("content", ""))


async def board(world: World, **options: Any) -> JSON:
    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "quiz leaderboard", options
    )
    await ix.response()
    return ix.data


def daily_posts(world: World) -> list[JSON]:
    return [
        m
        for m in world.fake.messages_in(world.channel)
        if any(e.get("title", "").startswith(DAILY) for e in m["embeds"])
    ]


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"time": "25:00"}, "'25:00' is not a time of day: use 24-hour HH:MM"),
        ({"time": "9am"}, "'9am' is not a time of day"),
        ({"time": "09:00", "timezone": "Mars/Olympus"}, "'Mars/Olympus' is not a time zone"),
        ({"time": "09:00", "minutes": 2}, "answers stay open 5-720 minutes, not 2"),
        ({}, "Give a `channel` and a `time`"),
    ],
)
async def test_bad_daily_settings_are_refused_privately_and_change_nothing(
    world: World, options: dict[str, Any], problem: str
) -> None:
    if options:
        options = {"channel": world.channel, **options}
    said = await config(world, "daily-quiz", **options)
    assert problem in said and "Nothing was changed" in said
    async with world.app.sessions() as session:
        assert await store.get_daily(session, world.guild.id) is None


async def test_a_channel_the_bot_cannot_post_in_is_refused_at_setup(world: World) -> None:
    world.fake.deny(world.other_channel, world.fake.bot, Perm.SEND_MESSAGES)
    await world.fake.flush()
    said = await config(world, "daily-quiz", channel=world.other_channel, time="09:00")
    assert f"I can't post in {world.other_channel.mention}" in said
    assert "send messages" in said and "Nothing was changed" in said
    async with world.app.sessions() as session:
        assert await store.get_daily(session, world.guild.id) is None


async def restart(world: World) -> AsyncIterator[TriviaBot]:
    """A new bot process on the same database, until the caller leaves."""
    app = await App.open(world.app.settings)
    try:
        async with run_bot(TriviaBot(app)) as bot:
            cog: Any = bot.get_cog("quiz")
            await world.fake.wait_for(lambda: cog.daily.ticks >= 1, what="the first daily check")
            yield bot
    finally:
        await app.close()


async def test_the_daily_question_survives_restarts_posted_once_closed_once(world: World) -> None:
    said = await config(
        world, "daily-quiz", channel=world.channel, time="00:00", timezone="Europe/London"
    )
    assert said.startswith(f"Saved: a quiz question in {world.channel.mention} every day at 00:00")
    assert "(Europe/London), open for 60 minutes" in said
    async with world.app.sessions() as session:
        row = await store.get_daily(session, world.guild.id)
        assert row is not None and row.last_date is not None
    # 00:00 has passed today, so the first post is tomorrow: nothing yet.
    assert daily_posts(world) == []
    # As if it had been set up yesterday and the bot was down at midnight.
    async with world.app.sessions.begin() as session:
        await session.execute(
            update(QuizDailyRow).values(last_date=row.last_date - dt.timedelta(days=1))
        )
    await world.bot.close()

    async for _ in _once(restart(world)):
        [post] = await world.fake.wait_for(
            lambda: daily_posts(world), what="the missed daily question"
        )
        assert post["embeds"][0]["title"].startswith(DAILY)
        options = buttons(post)
        assert len(options) == 4 and all(b["custom_id"].startswith("quizd:") for b in options)
        async with world.app.sessions() as session:
            [open_round] = await store.open_daily_rounds(session)
        right = options[open_round.correct_index]["custom_id"]
        wrong = next(b["custom_id"] for b in options if b["custom_id"] != right)
        replies = []
        for user, custom_id in ((world.alice, right), (world.bob, wrong), (world.alice, wrong)):
            ix = await world.fake.click(post, user, custom_id)
            await ix.response()
            assert ix.ephemeral
            replies.append(str(ix.data["content"]))
        assert replies[0].startswith("Right! +")
        assert replies[1].startswith("Not quite")
        assert replies[2] == "You already answered today's question."

    async for _ in _once(restart(world)):
        assert len(daily_posts(world)) == 1  # the day was posted: not again

    # The answers' time ran out while the bot was away: the next start closes it, once.
    async with world.app.sessions.begin() as session:
        await session.execute(
            update(QuizDailyRoundRow).values(
                closes_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
            )
        )
    async for _ in _once(restart(world)):
        result = await world.fake.wait_for(
            lambda: next(
                (
                    m
                    for m in world.fake.messages_in(world.channel)
                    if any(
                        e.get("title", "").startswith("Daily question answer") for e in m["embeds"]
                    )
                ),
                None,
            ),
            what="the daily result",
        )
        embed = result["embeds"][0]
        right_field = next(f["value"] for f in embed["fields"] if f["name"] == "Right")
        assert named(world.alice) in right_field and named(world.bob) not in right_field
        assert embed["footer"]["text"] == "1 of 2 answers right."
        shown = world.fake.get_message(post) or {}
        assert all(b["disabled"] for b in buttons(shown))
        week = first_embed_of(await board(world, period="week"))
        assert named(world.alice) in week["description"]
    assert_nobody_pinged(world.fake)


def first_embed_of(data: JSON) -> JSON:
    embeds: list[JSON] = data["embeds"]
    return embeds[0]


async def _once(gen: AsyncIterator[TriviaBot]) -> AsyncIterator[TriviaBot]:
    """Run an async generator's body once and close it (an `async with` for generators)."""
    try:
        async for bot in gen:
            yield bot
            break
    finally:
        await gen.aclose()  # type: ignore[attr-defined]


async def test_weekly_and_monthly_boards_count_only_their_period(world: World) -> None:
    now = dt.datetime.now(dt.UTC)
    async with world.app.sessions.begin() as session:
        await store.record_question(
            session,
            world.guild.id,
            {world.alice.id: 900},
            {world.alice.id: 1},
            names={world.alice.id: "alice"},
            at=now,
        )
        await store.record_question(
            session,
            world.guild.id,
            {world.bob.id: 5000},
            {world.bob.id: 5},
            names={world.bob.id: "bob"},
            at=now - dt.timedelta(days=40),
        )
    week = first_embed_of(await board(world, period="week"))
    assert week["title"] == "Quiz leaderboard: this server, this week"
    assert named(world.alice) in week["description"] and named(world.bob) not in week["description"]
    month = first_embed_of(await board(world, period="month"))
    assert named(world.bob) not in month["description"]
    ever = first_embed_of(await board(world))
    lines = ever["description"].splitlines()
    assert lines[0].startswith(f"🥇 {named(world.bob)}") and lines[1].startswith(
        f"🥈 {named(world.alice)}"
    )
    assert "@unknown" not in ever["description"] and "<@" not in ever["description"]


async def test_a_long_board_pages_with_buttons_for_whoever_asked(world: World) -> None:
    async with world.app.sessions.begin() as session:
        for i in range(1, 13):
            await store.record_question(
                session,
                world.guild.id,
                {1000 + i: 100 * i},
                {1000 + i: 1},
                names={1000 + i: f"player{i}"},
            )
    data = await board(world)
    page = data["embeds"][0]
    assert page["footer"]["text"].endswith("page 1 of 2")
    assert "**player12**" in page["description"] and "**player2**" not in page["description"]
    ix_message = world.fake.messages_in(world.channel)[-1]
    _previous, following = (b["custom_id"] for b in buttons(ix_message))
    assert buttons(ix_message)[0]["disabled"]
    stranger = await world.fake.click(ix_message, world.bob, following)
    await stranger.response()
    assert stranger.ephemeral and "belong to whoever asked" in str(stranger.data["content"])
    turned = await world.fake.click(ix_message, world.alice, following)
    await turned.response()
    second = turned.data["embeds"][0]
    assert second["footer"]["text"].endswith("page 2 of 2")
    assert second["description"].splitlines()[0].startswith("11. **player2**")


async def test_server_quiz_defaults_are_checked_saved_and_used(world: World) -> None:
    said = await config(world, "quiz", rounds=50)
    assert "rounds must be 1-20, not 50" in said and "Nothing was changed" in said
    said = await config(world, "quiz", seconds=5, rounds=3)
    assert "seconds must be 10-60, not 5" in said
    said = await config(world, "quiz", rounds=3, seconds=30)
    assert said == "Saved. Quiz defaults: 3 rounds, 30 seconds each, buttons."
    ix = await world.fake.slash(world.guild, world.channel, world.alice, "quiz start", {})
    await ix.response()
    assert str(ix.data["content"]).startswith("Quiz time! 3 questions on **all topics**, 30 s each")
    stop = await world.fake.slash(world.guild, world.channel, world.alice, "quiz stop", {})
    await stop.response()
    shown = await world.fake.slash(world.guild, world.channel, world.mod, "config show", {})
    await shown.response()
    assert shown.ephemeral
    text = str(shown.data["content"])
    assert "**Quiz defaults** (`/config quiz`): 3 rounds, 30 seconds each, buttons." in text
    assert "**Daily question** (`/config daily-quiz`): off" in text
