"""`/quiz` end to end: the real bot, its database and the fake Discord.

Games run on a fast clock (`TIME_SCALE`): a 10-second question lasts half a second. Tests that
need a question to stay open give it 60 seconds and end it with `/quiz skip`.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import discord
import pytest
from sqlalchemy import select

from bot.app import App
from bot.client import TriviaBot
from bot.core.facts import Fact
from bot.core.quiz import (
    INACTIVE_LIMIT,
    MAX_ROUNDS,
    MAX_SECONDS,
    MIN_ROUNDS,
    MIN_SECONDS,
    OPTION_COUNT,
)
from bot.db import quiz as store
from bot.db.models import QuizGameRow
from bot.exts.quiz import (
    ALREADY_ANSWERED,
    ALREADY_RUNNING,
    CLOSED,
    INTERRUPTED,
    NO_QUIZ,
    NOT_ALLOWED,
    WRONG,
    QuizCog,
)
from tests.e2e.conftest import World
from tests.fakediscord import Channel, Guild, Interaction, User, run_bot

JSON = dict[str, Any]

TIME_SCALE = 0.05
"""Real seconds per game second in these tests."""
GREEN = discord.ButtonStyle.success.value


@pytest.fixture
async def quiz(world: World) -> QuizCog:
    """The quiz cog on the fast clock, in place of the one the bot loaded at start."""
    await world.bot.remove_cog(QuizCog.__cog_name__)
    cog = QuizCog(world.bot, time_scale=TIME_SCALE)
    await world.bot.add_cog(cog)
    # The development server got copies of the old cog's commands at start.
    world.bot.tree.copy_global_to(guild=discord.Object(world.guild.id))
    return cog


# --- driving and reading -----------------------------------------------------------------


async def start(
    world: World,
    user: User,
    channel: Channel | None = None,
    guild: Guild | None = None,
    **options: Any,
) -> Interaction:
    ix = await world.fake.slash(
        guild or world.guild, channel or world.channel, user, "quiz start", options
    )
    await ix.response()
    return ix


async def command(
    world: World, user: User, name: str, channel: Channel | None = None, **options: Any
) -> Interaction:
    channel = channel or world.channel
    guild = world.fake.guild_of(channel)
    ix = await world.fake.slash(guild, channel, user, f"quiz {name}", options)
    await ix.response()
    return ix


def content(ix: Interaction) -> str:
    return str(ix.data.get("content", ""))


def first_embed(ix: Interaction) -> JSON:
    embeds: list[JSON] = ix.data["embeds"]
    return embeds[0]


async def posted(world: World, channel: Channel, title: str) -> JSON:
    """The next bot message in the channel whose embed title starts with `title`."""

    def titled(msg: JSON) -> bool:
        return any(e.get("title", "").startswith(title) for e in msg["embeds"])

    return await world.fake.wait_for_message(channel, titled, after=0)


def buttons(msg: JSON) -> list[JSON]:
    return [c for row in msg["components"] for c in row["components"]]


def asked(world: World, question: JSON, guild: Guild | None = None) -> Fact:
    """The fact a question message asks."""
    text = question["embeds"][0]["description"]
    facts = world.app.index.facts((guild or world.guild).id)
    return next(f for f in facts if f.question == text)


def right_and_wrong(world: World, question: JSON, guild: Guild | None = None) -> tuple[str, str]:
    """custom_ids of the right option and of a wrong one."""
    answer = asked(world, question, guild).accept[0]
    options = buttons(question)
    right = next(b["custom_id"] for b in options if b["label"] == answer)
    wrong = next(b["custom_id"] for b in options if b["label"] != answer)
    return right, wrong


async def press(world: World, question: JSON, user: User, custom_id: str) -> str:
    """Click an option; returns the bot's reply, which must be private."""
    ix = await world.fake.click(question, user, custom_id)
    await ix.response()
    assert ix.ephemeral
    return content(ix)


async def saved_message_ids(app: App, count: int) -> None:
    """Wait until `count` games have saved their question message (done just after posting)."""
    async with asyncio.timeout(5):
        while True:
            async with app.sessions() as session:
                ids = await session.scalars(select(QuizGameRow.message_id))
                if sum(i is not None for i in ids) >= count:
                    return
            await asyncio.sleep(0.01)


def named(user: User) -> str:
    """How quiz messages show a member: by the display name stored with their score."""
    return f"**{user.name}**"


# --- a whole round --------------------------------------------------------------------------


async def test_a_buttons_round_from_start_to_leaderboard(world: World, quiz: QuizCog) -> None:
    alice, bob = world.alice, world.bob
    ix = await start(world, alice, rounds=1, seconds=60)
    assert not ix.ephemeral and content(ix).startswith("Quiz time! 1 question on **all topics**")

    question = await posted(world, world.channel, "Question 1 of 1")
    assert len(buttons(question)) == OPTION_COUNT
    assert all(b["custom_id"].startswith("quiz:") for b in buttons(question))
    fact = asked(world, question)
    right, wrong = right_and_wrong(world, question)

    assert (await press(world, question, alice, right)).startswith("Right! +")
    assert await press(world, question, bob, wrong) == WRONG
    assert await press(world, question, bob, right) == ALREADY_ANSWERED

    await command(world, alice, "skip")
    reveal = (await posted(world, world.channel, "Answer 1 of 1"))["embeds"][0]
    assert fact.accept[0] in reveal["title"]
    assert reveal["description"] == fact.answer
    fields = {f["name"]: f["value"] for f in reveal["fields"]}
    assert fact.quote and fact.quote in fields["Source"]
    assert named(alice) in fields["Right"] and named(bob) not in fields["Right"]
    shown = buttons(world.fake.get_message(question) or {})
    assert all(b["disabled"] for b in shown)
    assert [b["custom_id"] for b in shown if b["style"] == GREEN] == [right]

    final = (await posted(world, world.channel, "Quiz over!"))["embeds"][0]
    first, second = final["description"].splitlines()
    assert named(alice) in first and named(bob) in second and "0 pts" in second
    assert named(alice) in final["fields"][0]["value"]  # the winner

    board = first_embed(await command(world, bob, "leaderboard"))["description"]
    assert board.index(named(alice)) < board.index(named(bob))
    bob_stats = content(await command(world, bob, "stats"))
    assert "**0** points, 0 right answers, 1 game, 0 wins" in bob_stats
    alice_stats = content(await command(world, bob, "stats", member=alice))
    assert "1 right answer, 1 game, 1 win (rank #1 here)" in alice_stats
    assert not quiz.games


async def test_one_quiz_per_channel_stopped_only_by_its_starter_or_a_moderator(
    world: World, quiz: QuizCog
) -> None:
    alice, bob = world.alice, world.bob
    await start(world, alice, rounds=5, seconds=60)
    question = await posted(world, world.channel, "Question 1 of 5")
    right, _ = right_and_wrong(world, question)
    await press(world, question, alice, right)

    again = await start(world, bob)
    assert again.ephemeral and content(again) == ALREADY_RUNNING
    for name in ("skip", "stop"):
        refused = await command(world, bob, name)
        assert refused.ephemeral and content(refused) == NOT_ALLOWED
    assert world.channel.id in quiz.games

    await command(world, alice, "skip")
    await posted(world, world.channel, "Answer 1 of 5")
    second = await posted(world, world.channel, "Question 2 of 5")
    stop = await command(world, alice, "stop")
    assert not stop.ephemeral
    standings = first_embed(stop)
    assert standings["title"].startswith("Quiz stopped")
    assert named(alice) in standings["description"].splitlines()[0]
    assert all(b["disabled"] for b in buttons(world.fake.get_message(second) or {}))
    assert content(await command(world, alice, "stop")) == NO_QUIZ

    # The channel is free again; a moderator may stop anyone's quiz, here between questions.
    assert not (await start(world, bob, rounds=3, seconds=60)).ephemeral
    revealed = await posted(world, world.channel, "Question 1 of 3")
    right, _ = right_and_wrong(world, revealed)
    await command(world, bob, "skip")
    await posted(world, world.channel, "Answer 1 of 3")
    by_mod = await command(world, world.mod, "stop")
    assert not by_mod.ephemeral and first_embed(by_mod)["title"].startswith("Quiz stopped")
    assert not quiz.games
    shown = buttons(world.fake.get_message(revealed) or {})
    assert [b["custom_id"] for b in shown if b["style"] == GREEN] == [right]  # still revealed

    async with world.app.sessions() as session:
        statuses = list(await session.scalars(select(QuizGameRow.status)))
    assert statuses == ["stopped", "stopped"]


async def test_two_channels_play_at_once_without_crosstalk(world: World, quiz: QuizCog) -> None:
    alice, bob, here, there = world.alice, world.bob, world.channel, world.other_channel
    await start(world, alice, here, rounds=1, seconds=60)
    await start(world, bob, there, rounds=1, seconds=60)
    q_here = await posted(world, here, "Question 1 of 1")
    q_there = await posted(world, there, "Question 1 of 1")
    right_here, _ = right_and_wrong(world, q_here)
    right_there, wrong_there = right_and_wrong(world, q_there)

    assert (await press(world, q_here, alice, right_here)).startswith("Right!")
    assert await press(world, q_there, alice, wrong_there) == WRONG  # her first answer there
    assert (await press(world, q_there, bob, right_there)).startswith("Right!")
    refused = await command(world, bob, "skip", channel=here)  # bob started the other one
    assert content(refused) == NOT_ALLOWED

    await command(world, bob, "skip", channel=there)
    reveal = (await posted(world, there, "Answer 1 of 1"))["embeds"][0]
    right_field = next(f["value"] for f in reveal["fields"] if f["name"] == "Right")
    assert named(bob) in right_field and named(alice) not in right_field
    final_there = (await posted(world, there, "Quiz over!"))["embeds"][0]["description"]
    assert named(bob) in final_there.splitlines()[0]
    assert here.id in quiz.games and not quiz.games[here.id].session.finished

    await command(world, alice, "skip", channel=here)
    final_here = (await posted(world, here, "Quiz over!"))["embeds"][0]["description"]
    assert final_here.splitlines() == [final_here.splitlines()[0]]  # alice alone
    assert named(alice) in final_here


async def test_typed_answers_win_with_a_forgiving_guess(world: World, quiz: QuizCog) -> None:
    topic = "e2e-typed"
    for fact in (
        Fact(
            id="e2e-golds",
            question="How many Olympic golds had Jason Kenny won after Tokyo?",
            answer="Jason Kenny had won seven Olympic gold medals.",
            accept=("7", "seven"),
            kind="number",
            tags=(topic,),
            quote="His tally of seven gold medals is one more than Chris Hoy.",
            scope=world.guild.id,
        ),
        Fact(
            id="e2e-keirin",
            question="Which Briton won the men's keirin in Tokyo?",
            answer="Jason Kenny won the men's keirin.",
            accept=("Jason Kenny", "Kenny"),
            kind="person",
            tags=(topic,),
            quote="Kenny won the keirin from the front.",
            scope=world.guild.id,
        ),
    ):
        world.app.index.add(fact)
    guesses = {"e2e-golds": "Seven!", "e2e-keirin": "i think it was kenny"}

    ix = await start(world, world.alice, rounds=2, topic=topic, mode="typed", seconds=60)
    assert "type your answers" in content(ix)
    for number in (1, 2):
        question = await posted(world, world.channel, f"Question {number} of 2")
        assert question["components"] == []
        fact = asked(world, question)
        await world.fake.send_message(world.channel, world.bob, "6 or 7?")  # hedging never wins
        await world.fake.send_message(world.channel, world.alice, guesses[fact.id])
        reveal = (await posted(world, world.channel, f"Answer {number} of 2"))["embeds"][0]
        right = next(f["value"] for f in reveal["fields"] if f["name"] == "Right")
        assert named(world.alice) in right and named(world.bob) not in right
    final = (await posted(world, world.channel, "Quiz over!"))["embeds"][0]
    assert named(world.alice) in final["description"].splitlines()[0]
    assert "(2 right)" in final["description"]


async def test_a_click_on_a_closed_question_gets_a_private_closed(
    world: World, quiz: QuizCog
) -> None:
    # Discord disables revealed buttons, but a click can still race the edit, or the edit
    # can fail: here it fails, so the old buttons stay clickable.
    await start(world, world.alice, rounds=2, seconds=60)
    first = await posted(world, world.channel, "Question 1 of 2")
    right, _ = right_and_wrong(world, first)
    world.fake.fail("PATCH", rf"/channels/{world.channel.id}/messages/{first['id']}")
    await command(world, world.alice, "skip")
    await posted(world, world.channel, "Answer 1 of 2")
    await posted(world, world.channel, "Question 2 of 2")
    assert await press(world, first, world.bob, right) == CLOSED  # while question 2 is open
    await command(world, world.alice, "stop")
    assert await press(world, first, world.bob, right) == CLOSED  # after the game


async def test_out_of_range_options_are_refused_by_the_command_definition(
    world: World, quiz: QuizCog
) -> None:
    synced = next(c for c in world.fake.guild_commands[world.guild.id] if c["name"] == "quiz")
    subcommands = {o["name"]: o for o in synced["options"]}
    assert set(subcommands) == {"start", "stop", "skip", "topics", "leaderboard", "stats"}
    options = {o["name"]: o for o in subcommands["start"]["options"]}
    assert (options["rounds"]["min_value"], options["rounds"]["max_value"]) == (
        MIN_ROUNDS,
        MAX_ROUNDS,
    )
    assert (options["seconds"]["min_value"], options["seconds"]["max_value"]) == (
        MIN_SECONDS,
        MAX_SECONDS,
    )
    assert [c["value"] for c in options["mode"]["choices"]] == ["buttons", "typed"]
    assert options["topic"]["autocomplete"] is True
    assert not any(o.get("required") for o in options.values())
    scope = subcommands["leaderboard"]["options"][0]
    assert [c["value"] for c in scope["choices"]] == ["server", "global"]
    # /quiz is offered in DMs for stats and leaderboards; the bot refuses the rest there.
    assert synced.get("contexts") == [0, 1]
    with pytest.raises(ValueError, match="not a choice"):
        await start(world, world.alice, mode="fast")

    choices = await world.fake.autocomplete(
        world.guild, world.channel, world.alice, "quiz start", {"topic": "med"}, "topic"
    )
    assert [c["value"] for c in choices] == ["medals"]


async def test_a_game_left_running_by_a_restart_is_closed_on_the_next_start(
    world: World,
) -> None:
    fake = world.fake
    await start(world, world.alice, world.channel, rounds=5, seconds=60)
    await start(world, world.bob, world.other_channel, rounds=5, seconds=60)
    here = await posted(world, world.channel, "Question 1 of 5")
    there = await posted(world, world.other_channel, "Question 1 of 5")
    right_there, _ = right_and_wrong(world, there)
    await saved_message_ids(world.app, 2)
    await world.bot.close()  # the process goes away mid-question; the games stay "running"

    # On the next start, editing one of the old questions fails: its buttons stay behind.
    fake.fail("PATCH", rf"/channels/{world.other_channel.id}/messages/{there['id']}")
    app = await App.open(world.app.settings)
    try:
        async with run_bot(TriviaBot(app)):
            for channel in (world.channel, world.other_channel):
                notice = await fake.wait_for_message(
                    channel, lambda m: m["content"] == INTERRUPTED, after=0
                )
                assert notice["embeds"] == []
            assert (fake.get_message(here) or {})["components"] == []
            assert await press(world, there, world.bob, right_there) == CLOSED
            again = await start(world, world.alice, rounds=1, seconds=60)
            assert not again.ephemeral
            await command(world, world.alice, "stop")
    finally:
        await app.close()
    async with app.sessions() as session:
        statuses = list(await session.scalars(select(QuizGameRow.status)))
    assert statuses == ["interrupted", "interrupted", "stopped"]


async def test_two_unanswered_questions_in_a_row_stop_the_game(world: World, quiz: QuizCog) -> None:
    await start(world, world.alice, rounds=5, seconds=MIN_SECONDS)
    for number in range(1, INACTIVE_LIMIT + 1):
        await posted(world, world.channel, f"Question {number} of 5")
        reveal = (await posted(world, world.channel, f"Answer {number} of 5"))["embeds"][0]
        assert any(f["value"] == "Nobody this time." for f in reveal["fields"])
    final = (await posted(world, world.channel, "Quiz stopped:"))["embeds"][0]
    assert final["title"].startswith(f"Quiz stopped: {INACTIVE_LIMIT} questions in a row")
    assert final["description"] == "Nobody answered."
    assert not quiz.games
    titles = [e["title"] for m in world.fake.messages_in(world.channel) for e in m["embeds"]]
    assert f"Question {INACTIVE_LIMIT + 1} of 5" not in titles
    async with world.app.sessions() as session:
        assert await session.scalar(select(QuizGameRow.status)) == "inactive"


async def test_leaderboards_are_per_server_and_global_adds_them(
    world: World, quiz: QuizCog
) -> None:
    await world.bot.tree.sync()  # publish globally, as `python -m bot sync` does
    mod, alice, bob = world.mod, world.alice, world.bob
    there, there_guild = world.other_guild_channel, world.other_guild

    await start(world, mod, rounds=1, seconds=60)
    question = await posted(world, world.channel, "Question 1 of 1")
    await press(world, question, mod, right_and_wrong(world, question)[0])
    await command(world, mod, "skip")
    await posted(world, world.channel, "Quiz over!")

    await start(world, alice, there, there_guild, rounds=1, seconds=60)
    question = await posted(world, there, "Question 1 of 1")
    right, wrong = right_and_wrong(world, question, there_guild)
    await press(world, question, alice, right)
    await press(world, question, bob, wrong)
    await command(world, alice, "skip", channel=there)
    await posted(world, there, "Quiz over!")

    board_there = first_embed(await command(world, bob, "leaderboard", channel=there))
    assert named(alice) in board_there["description"]
    assert named(bob) in board_there["description"]
    assert named(mod) not in board_there["description"]
    board_here = first_embed(await command(world, mod, "leaderboard"))
    assert named(mod) in board_here["description"]
    assert named(alice) not in board_here["description"]
    assert board_here["footer"]["text"].startswith("Your rank: #1")
    alice_here = content(await command(world, mod, "stats", member=alice))
    assert "hasn't played a quiz in this server yet" in alice_here

    everywhere = first_embed(
        await command(world, bob, "leaderboard", channel=there, scope="global")
    )
    assert all(named(u) in everywhere["description"] for u in (mod, alice, bob))
    async with world.app.sessions() as session:
        assert [s.user_id for s in await store.leaderboard(session, there_guild.id)] == [
            alice.id,
            bob.id,
        ]


async def test_typed_mode_gives_a_hint_at_half_time(world: World, quiz: QuizCog) -> None:
    ix = await start(world, world.alice, rounds=1, mode="typed", seconds=10)
    assert "type your answers" in content(ix)
    await posted(world, world.channel, "Question 1 of 1")
    hint = await world.fake.wait_for_message(
        world.channel, lambda m: m["content"].startswith("Hint:"), after=0, timeout=10
    )
    # In a code span, so that Discord does not read the blanks of "K____ A____" as italics.
    assert re.fullmatch(r"Hint: `[^`]+`", hint["content"])
    await posted(world, world.channel, "Answer 1 of 1")


async def test_no_answers_are_given_away_in_a_channel_playing_a_quiz(
    world: World, quiz: QuizCog
) -> None:
    await start(world, world.alice, rounds=1, seconds=60)
    await posted(world, world.channel, "Question 1 of 1")
    ix = await world.fake.slash(
        world.guild, world.channel, world.bob, "ask", {"question": "how old is jason kenny?"}
    )
    body = await ix.response()
    assert ix.ephemeral and "quiz is running" in body["data"]["content"]
    assert not body["data"].get("embeds")
    await world.fake.send_message(
        world.channel, world.bob, f"<@{world.fake.bot.id}> how old is jason kenny?"
    )
    reply = await world.fake.wait_for_message(
        world.channel, lambda m: "quiz is running" in m["content"]
    )
    assert not reply["embeds"]
    # elsewhere the bot answers as usual
    ix = await world.fake.slash(
        world.guild, world.other_channel, world.bob, "ask", {"question": "how old is jason kenny?"}
    )
    assert "33" in (await ix.response())["data"]["embeds"][0]["description"]
    stop = await world.fake.slash(world.guild, world.channel, world.alice, "quiz stop")
    await stop.response()
    await posted(world, world.channel, "Quiz stopped")
