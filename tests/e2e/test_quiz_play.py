"""A round as players see it, end to end: fair options, the countdown and live answer count,
streaks, topics, and what the bot says before a round it cannot play as asked."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

import discord
import pytest

from bot.core.facts import Fact
from bot.core.quiz import OPTION_COUNT, ScopeVocab
from bot.exts.quiz import QuizCog
from bot.exts.quiz._embeds import COLOUR_QUESTION, COLOUR_RESULTS, COLOUR_REVEAL
from bot.exts.quiz._runner import LIVE_EDIT_INTERVAL
from tests.e2e.conftest import World
from tests.e2e.test_quiz import (
    asked,
    buttons,
    command,
    content,
    named,
    posted,
    press,
    right_and_wrong,
    start,
)

JSON = dict[str, Any]
TIME_SCALE = 0.05


@pytest.fixture
async def quiz(world: World) -> QuizCog:
    """The quiz cog on the fast clock, in place of the one the bot loaded at start."""
    await world.bot.remove_cog(QuizCog.__cog_name__)
    cog = QuizCog(world.bot, time_scale=TIME_SCALE)
    await world.bot.add_cog(cog)
    world.bot.tree.copy_global_to(guild=discord.Object(world.guild.id))
    return cog


def field(embed: JSON, name: str) -> str:
    return next(f["value"] for f in embed.get("fields", []) if f["name"] == name)


def edits_of(world: World, message: JSON) -> list[tuple[float, JSON]]:
    """(when, body) of every edit the bot made to a message."""
    path = f"/channels/{message['channel_id']}/messages/{message['id']}"
    return [
        (r.time, r.json or {})
        for r in world.fake.requests
        if r.method == "PATCH" and r.path == path
    ]


async def test_every_button_question_has_four_fair_options(world: World, quiz: QuizCog) -> None:
    vocab = ScopeVocab(world.app.index.facts(world.guild.id))
    await start(world, world.alice, rounds=12, seconds=60)
    for number in range(1, 13):
        question = await posted(world, world.channel, f"Question {number} of 12")
        fact = asked(world, question)
        labels = [b["label"] for b in buttons(question)]
        assert len(labels) == OPTION_COUNT and len(set(labels)) == OPTION_COUNT
        assert sum(label in fact.accept for label in labels) == 1  # exactly one is right
        kind = vocab.kind_of(fact)
        assert kind is not None
        if kind == "person" and (sex := vocab.required_sex(fact)):
            people = {n: p for p in vocab.entities("person") for n in (p.name, p.name.split()[-1])}
            wrong = [label for label in labels if label not in fact.accept]
            assert all(people[label].sex == sex for label in wrong), (fact.id, labels)
        if kind == "nation":
            codes = [
                vocab.entity_of(
                    Fact(id="x", question="?", answer="", accept=(label,), kind="nation"), "nation"
                )
                for label in labels
            ]
            assert len({id(c) for c in codes}) == OPTION_COUNT  # no nation twice by two names
        await command(world, world.alice, "skip")
        await posted(world, world.channel, f"Answer {number} of 12")


async def test_a_question_counts_down_and_shows_who_answered_live(
    world: World, quiz: QuizCog
) -> None:
    before = time.time()
    await start(world, world.alice, rounds=1, seconds=60)
    question = await posted(world, world.channel, "Question 1 of 1")
    embed = question["embeds"][0]
    assert embed["color"] == COLOUR_QUESTION.value
    stamp = re.fullmatch(r"<t:(\d+):R>", field(embed, "Closes"))
    assert stamp is not None
    assert before < int(stamp.group(1)) <= time.time() + 60  # 60 game seconds, scaled
    assert field(embed, "Answered") == "0 answered"

    right, wrong = right_and_wrong(world, question)
    await press(world, question, world.alice, right)
    await press(world, question, world.bob, wrong)
    await press(world, question, world.mod, wrong)
    await world.fake.wait_for(
        lambda: any("3 answered" in str(b.get("embeds")) for _, b in edits_of(world, question)),
        what="the count of three answers",
    )
    counts = [t for t, body in edits_of(world, question) if "answered" in str(body.get("embeds"))]
    assert all(b - a >= LIVE_EDIT_INTERVAL * 0.9 for a, b in itertools.pairwise(counts))
    assert len(counts) <= 2  # three clicks at once: one edit now, one a second later at most

    await command(world, world.alice, "skip")
    reveal = (await posted(world, world.channel, "Answer 1 of 1"))["embeds"][0]
    assert reveal["color"] == COLOUR_REVEAL.value
    assert named(world.alice) in field(reveal, "Right")
    assert field(reveal, "Fastest").startswith(named(world.alice) + " in ")
    final = (await posted(world, world.channel, "Quiz over!"))["embeds"][0]
    assert final["color"] == COLOUR_RESULTS.value
    assert len({COLOUR_QUESTION.value, COLOUR_REVEAL.value, COLOUR_RESULTS.value}) == 3


async def test_right_answers_in_a_row_earn_a_streak_bonus(world: World, quiz: QuizCog) -> None:
    await start(world, world.alice, rounds=3, seconds=60)
    replies = []
    for number in (1, 2, 3):
        question = await posted(world, world.channel, f"Question {number} of 3")
        right, _ = right_and_wrong(world, question)
        replies.append(await press(world, question, world.alice, right))
        await command(world, world.alice, "skip")
        reveal = (await posted(world, world.channel, f"Answer {number} of 3"))["embeds"][0]
        if number > 1:
            assert f"🔥 {number} in a row +" in field(reveal, "Right")
    assert "in a row" not in replies[0]
    assert "2 in a row: +" in replies[1] and "3 in a row: +" in replies[2]
    final = (await posted(world, world.channel, "Quiz over!"))["embeds"][0]
    assert "🔥3" in final["description"]
    stats = content(await command(world, world.alice, "stats"))
    assert "best streak 3" in stats


async def test_topics_are_listed_and_an_unknown_one_gets_the_nearest(
    world: World, quiz: QuizCog
) -> None:
    listed = await command(world, world.alice, "topics")
    assert listed.ephemeral
    embed = listed.data["embeds"][0]
    lines = embed["description"].splitlines()
    assert lines[0].startswith("**all** — ")
    counts = [int(m.group(1)) for line in lines[1:] if (m := re.search(r"— (\d+)$", line))]
    assert counts == sorted(counts, reverse=True) and len(counts) >= 10

    refused = await start(world, world.alice, topic="kierin")
    assert refused.ephemeral
    assert "No quiz questions on `kierin`" in content(refused) and "`keirin`" in content(refused)

    choices = await world.fake.autocomplete(
        world.guild, world.channel, world.alice, "quiz start", {"topic": ""}, "topic"
    )
    assert choices[0]["value"] == "all"
    sizes = [int(re.search(r"\((\d+) question", c["name"]).group(1)) for c in choices[1:]]  # type: ignore[union-attr]
    assert sizes == sorted(sizes, reverse=True)


async def test_autocomplete_finds_topics_beyond_the_first_25(world: World, quiz: QuizCog) -> None:
    for i in range(40):
        world.app.index.add(
            Fact(
                id=f"extra-{i}",
                question=f"How many laps in race {i}?",
                answer=f"{i + 3} laps.",
                accept=(str(i + 3),),
                kind="number",
                tags=(f"zz-topic-{i:02d}",),
                scope=world.guild.id,
            )
        )
    choices = await world.fake.autocomplete(
        world.guild, world.channel, world.alice, "quiz start", {"topic": "zz-topic-39"}, "topic"
    )
    assert [c["value"] for c in choices] == ["zz-topic-39"]
    everything = await world.fake.autocomplete(
        world.guild, world.channel, world.alice, "quiz start", {"topic": ""}, "topic"
    )
    assert len(everything) == 25


async def test_more_rounds_than_questions_is_said_before_the_round(
    world: World, quiz: QuizCog
) -> None:
    ix = await start(world, world.alice, rounds=20, topic="keirin", seconds=60)
    text = content(ix)
    match = re.search(r"Only (\d+) questions on \*\*keirin\*\* can be asked with buttons", text)
    assert match is not None and "not 20" in text
    n = int(match.group(1))
    await posted(world, world.channel, f"Question 1 of {n}")
    await command(world, world.alice, "stop")


@pytest.mark.parametrize("guess", ["gold or Chris Hoy", "7? 8?", "jason/laura"])
async def test_a_typed_hedge_never_wins(world: World, quiz: QuizCog, guess: str) -> None:
    world.app.index.add(
        Fact(
            id="e2e-hedge",
            question="Whose Olympic gold tally did Jason Kenny pass?",
            answer="Jason Kenny passed Chris Hoy's six golds.",
            accept=("Chris Hoy", "Hoy"),
            kind="person",
            tags=("e2e-hedge",),
            scope=world.guild.id,
        )
    )
    await start(world, world.alice, rounds=1, topic="e2e-hedge", mode="typed", seconds=60)
    await posted(world, world.channel, "Question 1 of 1")
    await world.fake.send_message(world.channel, world.bob, guess)
    await world.fake.send_message(world.channel, world.bob, "gold or Chris Hoy")
    await world.fake.flush()
    await command(world, world.alice, "skip")
    reveal = (await posted(world, world.channel, "Answer 1 of 1"))["embeds"][0]
    assert field(reveal, "Right") == "Nobody — the question was skipped."
