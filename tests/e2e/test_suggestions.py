"""Members' suggestions through the fake Discord: `/config suggestions`, `/suggest`, the review
buttons in the moderators' channel (Approve, Edit & approve, Reject), and the member being told.

Every test also checks, when it ends, that nothing the bot posted or edited could ping anyone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import facts as store
from bot.db import suggestions as suggestion_store
from bot.db.models import FactSuggestionRow
from tests.e2e.conftest import World, assert_nobody_pinged
from tests.e2e.test_facts import (
    BUNDLED_QUESTION,
    FISH_ANSWER,
    FISH_QUESTION,
    ask,
    button_ids,
    reply,
    server_facts,
    slash,
    text,
)
from tests.fakediscord import Channel, Interaction, Perm

JSON = dict[str, Any]
EPHEMERAL = 1 << 6


@pytest.fixture(autouse=True)
def _no_message_can_ping(world: World) -> Iterator[None]:
    yield
    assert_nobody_pinged(world.fake)


@pytest.fixture
def mods(world: World) -> Channel:
    return world.fake.add_channel(world.guild, "mods")


async def set_suggestion_channel(world: World, channel: Channel) -> str:
    ix = await slash(world, world.mod, "config suggestions", {"channel": channel})
    await ix.response()
    assert ix.ephemeral
    return str(ix.data["content"])


async def suggest(
    world: World, question: str = FISH_QUESTION, answer: str = FISH_ANSWER
) -> Interaction:
    ix = await slash(world, world.alice, "suggest", {"question": question, "answer": answer})
    assert "waiting for a moderator" in text(await reply(ix))
    assert ix.ephemeral
    return ix


async def posted(world: World, channel: Channel) -> JSON:
    """The suggestion the bot posted in the moderators' channel."""
    return await world.fake.wait_for_message(
        channel=channel, predicate=lambda m: bool(m.get("components"))
    )


def private_followups(world: World, ix: Interaction) -> list[str]:
    """What the bot told the member later, privately, through their own interaction."""
    messages = [world.fake.get_message(mid) for mid in ix.followup_ids]
    return [text(m) for m in messages if m is not None and m["flags"] & EPHEMERAL]


async def suggestion_row(world: World) -> suggestion_store.Suggestion:
    """The server's latest suggestion, as stored."""
    async with world.app.sessions() as session:
        latest = await session.scalar(
            select(FactSuggestionRow.id)
            .where(FactSuggestionRow.guild_id == world.guild.id)
            .order_by(FactSuggestionRow.id.desc())
        )
        assert latest is not None
        found = await suggestion_store.get(session, latest)
    assert found is not None
    return found


# --------------------------------------------------------------------------- the channel


async def test_a_channel_the_bot_cannot_post_in_is_refused(world: World, mods: Channel) -> None:
    world.fake.deny(mods, world.fake.bot, Perm.SEND_MESSAGES)
    await world.fake.flush()
    said = await set_suggestion_channel(world, mods)
    assert f"can't post in {mods.mention}" in said and "Send Messages" in said
    assert "Nothing was changed" in said
    assert (await world.bot.guild_config.get(world.guild.id)).suggestion_channel_id is None

    ix = await slash(world, world.mod, "config show")
    await ix.response()
    assert "not posted" in ix.data["content"]


async def test_config_show_lists_every_setting_privately(world: World, mods: Channel) -> None:
    await set_suggestion_channel(world, mods)
    ix = await slash(world, world.mod, "config ask-limit", {"questions": 3, "seconds": 60})
    await ix.response()
    assert "3 questions per 60 s" in ix.data["content"]
    ix = await slash(world, world.mod, "config show")
    await ix.response()
    shown = ix.data["content"]
    assert ix.ephemeral
    assert f"**Suggestions** (`/config suggestions`): {mods.mention}" in shown
    assert "**Ask limit** (`/config ask-limit`): 3 questions per 60 s per member" in shown
    assert "**Moderator role**" in shown and "**Ask channels**" in shown
    assert "**Quiz defaults** (`/config quiz`): 5 rounds" in shown
    assert "**Daily question** (`/config daily-quiz`): off" in shown


# --------------------------------------------------------------------------- the flow


async def test_a_suggestion_is_posted_for_review_with_three_buttons(
    world: World, mods: Channel
) -> None:
    said = await set_suggestion_channel(world, mods)
    assert f"posted in {mods.mention}" in said
    await suggest(world)
    post = await posted(world, mods)
    shown = text(post)
    assert FISH_QUESTION.lower() in shown and FISH_ANSWER.lower() in shown
    assert f"<@{world.alice.id}> in {world.channel.mention}" in shown
    sid = (await suggestion_row(world)).id
    assert button_ids(post) == [
        f"suggestion:approve:{sid}",
        f"suggestion:edit:{sid}",
        f"suggestion:reject:{sid}",
    ]
    # members cannot decide, even if they can see the channel
    click = await world.fake.click(post, world.alice, f"suggestion:approve:{sid}")
    assert "only moderators" in text((await click.response())["data"]) and click.ephemeral
    assert await server_facts(world) == []


async def test_edit_and_approve_saves_the_edited_fact_and_tells_the_member_privately(
    world: World, mods: Channel
) -> None:
    await set_suggestion_channel(world, mods)
    asked = await suggest(world, FISH_QUESTION, "Bubbles (I think?)")
    post = await posted(world, mods)
    sid = (await suggestion_row(world)).id

    click = await world.fake.click(post, world.mod, f"suggestion:edit:{sid}")
    await click.response()
    assert click.modal is not None
    inputs = {c["custom_id"]: c for row in click.modal["components"] for c in row["components"]}
    assert set(inputs) == {"question", "answer", "phrasings", "accept", "tags"}
    assert inputs["answer"]["value"] == "Bubbles (I think?)"

    submit = await world.fake.submit_modal(
        click,
        world.mod,
        {
            "question": FISH_QUESTION,
            "answer": FISH_ANSWER,
            "phrasings": "what is the goldfish called",
            "accept": "Bubbles",
            "tags": "office",
        },
    )
    assert "approved: saved as `what-is-name-of-office-goldfish`" in text(await reply(submit))
    assert submit.ephemeral
    (fact,) = await server_facts(world)
    assert (fact.answer, fact.accept) == (FISH_ANSWER, ("Bubbles",))
    assert FISH_ANSWER.lower() in await ask(world, FISH_QUESTION)

    # the post shows the outcome, its buttons gone
    await world.fake.wait_for(lambda: "approved" in text(world.fake.get_message(post)))
    decided = world.fake.get_message(post)
    assert decided is not None and decided["components"] == []
    assert f"<@{world.mod.id}>" in text(decided)
    # the member is told privately, through their own /suggest
    await world.fake.wait_for(lambda: private_followups(world, asked))
    assert "was approved" in private_followups(world, asked)[0]
    assert world.fake.messages_in(world.fake.dm_channel(world.alice)) == []

    # audited: the fact with the reviewer and the suggesting member as author
    async with world.app.sessions() as session:
        (entry,) = await store.history(session, world.guild.id, fact.id)
        row = await suggestion_store.get(session, sid)
    assert (entry.action, entry.actor_id) == ("approve", world.mod.id)
    assert row is not None and (row.status, row.reviewed_by, row.fact_slug) == (
        "approved",
        world.mod.id,
        fact.id,
    )


async def test_an_invalid_edit_names_the_fields_and_leaves_the_suggestion_waiting(
    world: World, mods: Channel
) -> None:
    await set_suggestion_channel(world, mods)
    await suggest(world)
    post = await posted(world, mods)
    sid = (await suggestion_row(world)).id
    click = await world.fake.click(post, world.mod, f"suggestion:edit:{sid}")
    await click.response()
    submit = await world.fake.submit_modal(
        click, world.mod, {"question": "Fish", "answer": "x", "tags": "not a tag!"}
    )
    said = text(await reply(submit))
    assert "question**: must be 5–300 characters" in said and "tags**:" in said
    assert await server_facts(world) == []
    assert (await suggestion_row(world)).pending


async def test_reject_asks_a_reason_and_the_member_is_told_it(world: World, mods: Channel) -> None:
    await set_suggestion_channel(world, mods)
    asked = await suggest(world)
    post = await posted(world, mods)
    sid = (await suggestion_row(world)).id

    click = await world.fake.click(post, world.mod, f"suggestion:reject:{sid}")
    await click.response()
    assert click.modal is not None
    submit = await world.fake.submit_modal(
        click, world.mod, {"reason": "We don't keep facts about pets."}
    )
    assert "rejected" in text(await reply(submit)) and submit.ephemeral
    assert await server_facts(world) == []

    await world.fake.wait_for(lambda: "rejected" in text(world.fake.get_message(post)))
    assert "we don't keep facts about pets." in text(world.fake.get_message(post))
    await world.fake.wait_for(lambda: private_followups(world, asked))
    told = private_followups(world, asked)[0]
    assert "was not added" in told and "we don't keep facts about pets." in told
    async with world.app.sessions() as session:
        row = await suggestion_store.get(session, sid)
    assert row is not None
    assert (row.status, row.reviewed_by, row.reason) == (
        "rejected",
        world.mod.id,
        "We don't keep facts about pets.",
    )


async def test_buttons_work_after_a_restart_and_the_member_is_told_where_they_asked(
    world: World, mods: Channel
) -> None:
    await set_suggestion_channel(world, mods)
    asked = await suggest(world)
    post = await posted(world, mods)
    sid = (await suggestion_row(world)).id
    # a restart: the extension is loaded anew, with no memory of the post or of the /suggest
    await world.bot.reload_extension("bot.exts.facts")

    click = await world.fake.click(post, world.mod, f"suggestion:approve:{sid}")
    assert "approved: saved as" in text(await reply(click))
    assert FISH_ANSWER.lower() in await ask(world, FISH_QUESTION)
    told = await world.fake.wait_for_message(
        channel=world.channel, predicate=lambda m: "was approved" in (m.get("content") or "")
    )
    assert told["content"].startswith(f"<@{world.alice.id}> Your suggested fact")
    assert private_followups(world, asked) == []
    assert world.fake.messages_in(world.fake.dm_channel(world.alice)) == []


async def test_approving_a_near_duplicate_explains_the_overlap_and_asks_first(
    world: World, mods: Channel
) -> None:
    await set_suggestion_channel(world, mods)
    await suggest(world, BUNDLED_QUESTION, "Seven.")
    post = await posted(world, mods)
    assert "close to an existing fact" in text(post)
    sid = (await suggestion_row(world)).id

    click = await world.fake.click(post, world.mod, f"suggestion:approve:{sid}")
    question = text(await reply(click))
    assert click.ephemeral
    assert "would already get the answer of the bundled fact `jason-gold-count`" in question
    assert "both questions ask about" in question
    assert click.original is not None
    cancel = await world.fake.click(click.original, world.mod, "fact:cancel")
    await cancel.response()
    assert (await suggestion_row(world)).pending and await server_facts(world) == []

    click = await world.fake.click(post, world.mod, f"suggestion:approve:{sid}")
    await reply(click)
    assert click.original is not None
    anyway = await world.fake.click(click.original, world.mod, "fact:confirm")
    await anyway.response()
    await anyway.wait_for(lambda i: "approved: saved as" in text(i.original))
    (fact,) = await server_facts(world)
    assert fact.id != "jason-gold-count"


async def test_without_a_suggestion_channel_review_shows_the_same_buttons(world: World) -> None:
    asked = await suggest(world)
    ix = await slash(world, world.mod, "fact review")
    message = await reply(ix)
    assert ix.ephemeral and "1 suggestion waiting" in text(message)
    sid = (await suggestion_row(world)).id
    click = await world.fake.click(message, world.mod, f"suggestion:reject:{sid}")
    await click.response()
    submit = await world.fake.submit_modal(click, world.mod, {"reason": "Not about cycling."})
    await reply(submit)
    await world.fake.wait_for(lambda: private_followups(world, asked))
    assert "not about cycling." in private_followups(world, asked)[0]
    ix = await slash(world, world.mod, "fact review")
    assert "no suggestions are waiting" in text(await reply(ix))


async def test_a_suggestion_is_checked_like_a_fact(world: World) -> None:
    ix = await slash(world, world.alice, "suggest", {"question": "Cat?", "answer": "Yes"})
    said = text(await reply(ix))
    assert "not sent" in said and "question**: must be 5–300 characters" in said
    ix = await slash(world, world.mod, "fact review")
    assert "no suggestions are waiting" in text(await reply(ix))
