"""A big server whose facts are not read yet holds up no other server: its facts are read a
slice at a time while the bot goes on answering elsewhere, and its own question is answered
once they are read."""

from __future__ import annotations

import functools
import string
from typing import Any

from bot.core.facts import Fact
from tests.e2e.conftest import World

BIG = 4000
"""Facts in the big server: reading them takes far longer than answering one question."""


def _name(i: int) -> str:
    letters = string.ascii_lowercase
    word = "".join(letters[(i // 26**k) % 26] for k in range(4))
    return f"Zor{word}"


def big_server_facts(guild_id: int) -> list[Fact]:
    return [
        Fact(
            id=f"rider-{i}",
            question=f"Which team does {_name(i)} ride for?",
            answer=f"{_name(i)} rides for Team {_name(i + 7)}.",
            phrasings=(f"what team is {_name(i)} on", f"{_name(i)} team"),
            accept=(f"Team {_name(i + 7)}",),
            kind="text",
            scope=guild_id,
        )
        for i in range(BIG)
    ]


async def test_other_servers_are_answered_while_a_big_servers_facts_are_read(
    world: World,
) -> None:
    index = world.app.index
    big = world.other_guild
    facts = big_server_facts(big.id)
    for fact in facts:  # as a start loads them: held, not read yet
        index.add(fact, refresh=False)
    assert not index.holds(big.id)
    assert world.bot.user is not None
    me = f"<@{world.bot.user.id}>"
    target = facts[1234]

    dm = world.fake.dm_channel(world.alice)
    read_yet: list[bool] = []  # at each answer in DMs: whether the big server was read

    async def ask_in_dm(times: int) -> None:
        for _ in range(times):
            sent = await world.fake.send_message(dm, world.alice, "who won the men's keirin?")
            await world.fake.wait_for_message(
                channel=dm, predicate=functools.partial(_replies, message=sent), timeout=30
            )
            read_yet.append(index.holds(big.id))

    asked = await world.fake.send_message(
        world.other_guild_channel, world.alice, f"{me} which team does {_name(1234)} ride for?"
    )
    await world.fake.wait_for(lambda: big.id in world.bot.facts.reading, 30, what="reading")
    await ask_in_dm(5)
    reply = await world.fake.wait_for_message(
        channel=world.other_guild_channel,
        predicate=functools.partial(_replies, message=asked),
        timeout=60,
    )
    assert reply["embeds"][0]["description"] == target.answer
    assert index.holds(big.id)
    # Questions in direct messages went on being answered while the big server was read.
    assert read_yet.count(False) >= 3, read_yet


def _replies(reply: dict[str, Any], message: dict[str, Any]) -> bool:
    return (reply.get("message_reference") or {}).get("message_id") == message["id"]
