"""Asking the bot on Discord: login, `/ask`, mentions, DMs, "did you mean" buttons, limits, errors.

Every test also checks, when it ends, that nothing the bot posted or edited could ping anyone.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import pytest

from bot.core.facts import Fact, load_fact_dir
from bot.core.intro import load_intro
from bot.core.matcher import Outcome
from bot.exts._render import (
    CONTENT_LIMIT,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
)
from bot.services.facts import FactForm
from bot.settings import REPO_ROOT, Settings
from tests.e2e.conftest import (
    World,
    assert_nobody_pinged,
    make_settings,
    message_writes,
    pings_nobody,
)
from tests.fakediscord import Channel, FakeDiscord, Intent, Perm, User

JSON = dict[str, Any]
BUNDLED = load_fact_dir(REPO_ROOT / "facts")

ANSWERABLE = "how many golds has jason kenny got?"
NEAR_MISS = "what did laura win?"  # three "did you mean" choices, no confident answer
GIBBERISH = "asdkjh qwpoeiru zxmcnv?"
DONT_KNOW = "I don't know that one yet"
SOMETHING_WENT_WRONG = "Something went wrong on my side"


def embed_size(embed: JSON) -> int:
    """Characters Discord counts against the 6,000 limit of a message's embeds."""
    fields = embed.get("fields") or []
    return (
        len(embed.get("title") or "")
        + len(embed.get("description") or "")
        + len((embed.get("footer") or {}).get("text") or "")
        + len((embed.get("author") or {}).get("name") or "")
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
    )


def assert_within_discord_limits(message: JSON) -> None:
    assert len(message.get("content") or "") <= CONTENT_LIMIT
    for embed in message.get("embeds") or []:
        assert len(embed.get("title") or "") <= EMBED_TITLE_LIMIT
        assert len(embed.get("description") or "") <= EMBED_DESCRIPTION_LIMIT
        assert len((embed.get("footer") or {}).get("text") or "") <= EMBED_FOOTER_LIMIT
        assert all(len(f["value"]) <= EMBED_FIELD_LIMIT for f in embed.get("fields") or [])
    assert sum(embed_size(e) for e in message.get("embeds") or []) <= EMBED_TOTAL_LIMIT


def mention(world: World, text: str) -> str:
    assert world.bot.user is not None
    return f"<@{world.bot.user.id}> {text}"


def replies(reply: JSON, message: JSON) -> bool:
    return (reply.get("message_reference") or {}).get("message_id") == message["id"]


def replies_to(fake: FakeDiscord, message: JSON) -> list[JSON]:
    """The bot's replies to a message."""
    channel = fake.channels[int(message["channel_id"])]
    return [
        m
        for m in fake.messages_in(channel)
        if int(m["author"]["id"]) == fake.bot.id and replies(m, message)
    ]


async def ask_by_mention(world: World, channel: Channel, user: User, text: str) -> JSON:
    """`user` mentions the bot with `text`; returns the bot's reply."""
    sent = await world.fake.send_message(channel, user, mention(world, text))
    return await world.fake.wait_for_message(channel=channel, predicate=lambda m: replies(m, sent))


async def still_answering(world: World, channel: Channel) -> JSON:
    """Ask an answerable question in `channel` and return the answer.

    Messages are handled in the order they arrive, so once this is answered every earlier
    message in the channel has been dealt with: a missing reply to one of them is silence.
    """
    reply = await ask_by_mention(world, channel, world.alice, ANSWERABLE)
    assert answered(reply) == "jason-gold-count"
    return reply


def answered(message: JSON) -> str | None:
    """The id of the fact whose answer a message shows (members are never shown ids)."""
    embeds = message.get("embeds") or []
    if not embeds:
        return None
    text = embeds[0].get("description")
    found = [f.id for f in BUNDLED if f.answer == text]
    return found[0] if found else None


def shows_no_id(message: JSON) -> bool:
    everything = str(message.get("embeds")) + (message.get("content") or "")
    return not any(f"fact {f.id}" in everything or f"`{f.id}`" in everything for f in BUNDLED)


def button_ids(message: JSON) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


def near_miss_choices(world: World) -> list[str]:
    """The facts the matcher offers for NEAR_MISS, best first (its choice, not the cog's)."""
    result = world.app.index.match(NEAR_MISS, guild_id=world.guild.id)
    assert result.outcome is Outcome.SUGGEST and len(result.suggestions) == 3
    return [f.id for f in result.suggestions]


def fact(world: World, fact_id: str) -> Fact:
    found = world.app.index.get(fact_id)
    assert found is not None, fact_id
    return found


def fail_next_match(monkeypatch: pytest.MonkeyPatch, world: World) -> None:
    """The fact index raises on the next question, then works again."""
    index_type = type(world.app.index)  # a slots dataclass: patch the method on its class
    real_match = index_type.match
    calls = 0

    def match(self: Any, question: str, guild_id: int | None = None) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("index exploded")
        return real_match(self, question, guild_id)

    monkeypatch.setattr(index_type, "match", match)


@pytest.fixture
def bot_settings(e2e_database_url: str, request: pytest.FixtureRequest) -> Settings:
    """The e2e settings, with overrides from `parametrize("bot_settings", [...], indirect=True)`."""
    return make_settings(e2e_database_url, **getattr(request, "param", {}))


# --------------------------------------------------------------------------- login and sync


@pytest.mark.parametrize(
    "bot_settings",
    [{"message_content": True}, {"message_content": False}],
    indirect=True,
    ids=["message-content-on", "message-content-off"],
)
async def test_bot_identifies_with_only_the_intents_it_needs(
    world: World, bot_settings: Settings
) -> None:
    intents = world.fake.intents
    assert intents is not None
    assert intents & Intent.GUILDS
    assert intents & Intent.GUILD_MESSAGES
    assert intents & Intent.DIRECT_MESSAGES
    assert bool(intents & Intent.MESSAGE_CONTENT) is bot_settings.message_content
    assert not intents & (Intent.GUILD_MEMBERS | Intent.GUILD_PRESENCES)


async def test_commands_are_synced_to_the_development_server(world: World) -> None:
    synced = {c["name"]: c for c in world.fake.guild_commands[world.guild.id]}
    assert {"ask", "help", "config", "quiz"} <= set(synced)
    assert world.fake.global_commands == []  # global sync only on request
    # /config is shown only to members with Manage Server (the bot checks again on use)
    assert int(synced["config"]["default_member_permissions"]) == Perm.MANAGE_GUILD
    assert synced["ask"]["default_member_permissions"] is None


# --------------------------------------------------------------------------- answers


async def test_a_mention_is_answered_with_the_fact_and_its_quoted_source(world: World) -> None:
    expected = fact(world, "jason-gold-count")
    reply = await ask_by_mention(world, world.channel, world.alice, ANSWERABLE)

    [embed] = reply["embeds"]
    assert embed["description"] == expected.answer
    [source] = embed["fields"]
    assert source["name"] == "Source"
    assert expected.quote is not None
    assert f"> {expected.quote}" in source["value"]
    assert source["value"].endswith(", 8 August 2021")  # the article's date
    assert "footer" not in embed  # members see no internal ids
    assert shows_no_id(reply)
    assert reply["components"] == []


async def test_a_direct_message_is_answered(world: World) -> None:
    dm = world.fake.dm_channel(world.alice)
    await world.fake.send_message(dm, world.alice, "who won the men's keirin?")
    reply = await world.fake.wait_for_message(channel=dm)
    assert reply["embeds"][0]["description"] == fact(world, "keirin-winner").answer
    assert answered(reply) == "keirin-winner"


async def test_slash_ask_answers_publicly_quoting_the_question(world: World) -> None:
    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "ask", {"question": "who won keirin bronze?"}
    )
    body = await ix.response()
    assert body["type"] == 4  # answered in the interaction callback, not deferred
    assert not ix.ephemeral
    assert body["data"]["content"] == "**Q:** who won keirin bronze?"
    assert body["data"]["embeds"][0]["description"] == fact(world, "keirin-bronze").answer
    assert answered(body["data"]) == "keirin-bronze" and shows_no_id(body["data"])
    assert ix.original is not None
    assert ix.original in world.fake.messages_in(world.channel, include_ephemeral=False)


async def test_slash_ask_declines_privately(world: World) -> None:
    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "ask", {"question": GIBBERISH}
    )
    body = await ix.response()
    assert ix.ephemeral
    assert body["data"]["embeds"][0]["description"].startswith(DONT_KNOW)
    assert "components" not in body["data"] or body["data"]["components"] == []


async def test_gibberish_mention_is_declined_without_suggestions(world: World) -> None:
    reply = await ask_by_mention(world, world.channel, world.alice, GIBBERISH)
    assert reply["embeds"][0]["description"].startswith(DONT_KNOW)
    assert "/help" in reply["embeds"][0]["description"]
    assert reply["components"] == []


async def test_a_bare_mention_gets_a_prompt_to_ask_something(world: World) -> None:
    reply = await ask_by_mention(world, world.channel, world.alice, "")
    assert "Ask me a question" in reply["content"]


async def test_help_is_private_and_explains_how_to_ask(world: World) -> None:
    ix = await world.fake.slash(world.guild, world.channel, world.bob, "help")
    body = await ix.response()
    assert ix.ephemeral
    text = body["data"]["embeds"][0]["description"]
    assert "/ask" in text
    assert "mention me" in text
    assert INTRO.topic in text and INTRO.example in text  # what it knows, from the data
    assert "8 August 2021" in text  # the article's date, from the bundled facts
    assert OWN_FACTS not in text  # this server has no facts of its own


async def help_text(world: World) -> str:
    ix = await world.fake.slash(world.guild, world.channel, world.alice, "help")
    return str((await ix.response())["data"]["embeds"][0]["description"])


async def test_in_a_server_with_its_own_facts_the_bot_says_it_answers_them_too(
    world: World,
) -> None:
    form = FactForm("What is the name of the office goldfish?", "Bubbles.", accept="Bubbles")
    await world.bot.facts.add(world.bot.facts.draft(world.guild.id, form), actor_id=world.mod.id)

    text = await help_text(world)
    assert INTRO.topic in text and OWN_FACTS in text
    assert f"there I know only {INTRO.short}" in text  # a DM does not answer them
    greeting = await ask_by_mention(world, world.channel, world.bob, "hi!")
    assert f"Ask me anything about {INTRO.topic} and {OWN_FACTS}" in greeting["content"]
    assert greeting["content"].startswith("Hi!")
    first = await ask_by_mention(world, world.channel, world.bob, form.question)
    assert first["content"].startswith("-# First question here?")
    assert OWN_FACTS in first["content"]
    assert first["embeds"][0]["description"] == "Bubbles."

    # another server, and a DM, know only the bundled facts
    other = await ask_by_mention(world, world.other_guild_channel, world.bob, "hi!")
    assert other["content"].startswith(f"Hi! {HINT},")
    dm = world.fake.dm_channel(world.bob)
    await world.fake.send_message(dm, world.bob, "hi!")
    reply = await world.fake.wait_for_message(channel=dm)
    assert reply["content"].startswith(f"Hi! {HINT},")


# --------------------------------------------------------------------------- "did you mean"


async def test_a_near_miss_offers_did_you_mean_buttons(world: World) -> None:
    reply = await ask_by_mention(world, world.channel, world.alice, NEAR_MISS)
    [embed] = reply["embeds"]
    assert embed["title"] == "Did you mean…"
    assert embed["description"].startswith(DONT_KNOW)
    choices = [fact(world, fact_id) for fact_id in near_miss_choices(world)]
    for number, choice in enumerate(choices, 1):
        assert f"{number}. {choice.question}" in embed["description"]
    labels = [c["label"] for row in reply["components"] for c in row["components"]]
    assert labels == [c.question for c in choices]


async def test_clicking_a_suggestion_answers_in_place(world: World) -> None:
    reply = await ask_by_mention(world, world.channel, world.alice, NEAR_MISS)
    chosen = button_ids(reply)[1]

    click = await world.fake.click(reply, world.alice, chosen)
    assert (await click.response())["type"] == 7  # the clicked message itself is updated

    edited = world.fake.get_message(reply)
    assert edited is not None
    second = near_miss_choices(world)[1]
    assert edited["embeds"][0]["description"] == fact(world, second).answer
    assert answered(edited) == second
    assert edited["components"] == []
    assert len(replies_to(world.fake, reply["referenced_message"])) == 1  # no second message


async def test_clicking_a_suggestion_of_a_private_slash_ask_answers_in_place(
    world: World,
) -> None:
    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "ask", {"question": NEAR_MISS}
    )
    await ix.response()
    assert ix.ephemeral and ix.original is not None

    click = await world.fake.click(ix.original, world.alice, button_ids(ix.original)[0])
    await click.response()
    assert answered(ix.original) == near_miss_choices(world)[0]
    assert ix.original["components"] == []


async def test_only_the_asker_may_pick_a_suggestion(world: World) -> None:
    reply = await ask_by_mention(world, world.channel, world.alice, NEAR_MISS)
    before = dict(world.fake.get_message(reply) or {})

    click = await world.fake.click(reply, world.bob, button_ids(reply)[0])
    body = await click.response()
    assert body["type"] == 4 and click.ephemeral  # refused privately
    assert "Only the member who asked" in body["data"]["content"]
    after = world.fake.get_message(reply)
    assert after == before  # nothing edited: alice can still choose
    assert after is not None and after["edited_timestamp"] is None


@pytest.mark.parametrize("via", ["mention", "slash"])
async def test_suggestion_buttons_are_disabled_when_they_time_out(
    world: World, monkeypatch: pytest.MonkeyPatch, via: str
) -> None:
    # load_extension executes the module anew: patch the copy the running bot uses
    ask = world.bot.extensions["bot.exts.ask"]
    monkeypatch.setattr(ask, "SuggestionView", functools.partial(ask.SuggestionView, timeout=0.2))
    if via == "mention":
        message = await ask_by_mention(world, world.channel, world.alice, NEAR_MISS)
    else:
        ix = await world.fake.slash(
            world.guild, world.channel, world.alice, "ask", {"question": NEAR_MISS}
        )
        await ix.response()
        assert ix.original is not None
        message = ix.original

    def all_disabled() -> bool:
        current = world.fake.get_message(message) or {}
        buttons = [c for row in current.get("components", []) for c in row["components"]]
        return bool(buttons) and all(b["disabled"] for b in buttons)

    await world.fake.wait_for(all_disabled, timeout=2.0, what="the buttons to be disabled")
    with pytest.raises(ValueError, match="disabled"):
        await world.fake.click(message, world.alice, button_ids(message)[0])


# --------------------------------------------------------------------------- safety and limits


async def test_mentions_in_questions_never_ping_anyone(world: World) -> None:
    fake = world.fake
    everyone = await ask_by_mention(world, world.channel, world.alice, f"@everyone {ANSWERABLE}")
    role = await ask_by_mention(
        world, world.channel, world.alice, f"{world.mod_role.mention} {NEAR_MISS}"
    )
    await (await fake.click(role, world.alice, button_ids(role)[0])).response()
    for question in ("@everyone who won keirin bronze?", f"@here {world.mod_role.mention} ?"):
        ix = await fake.slash(
            world.guild, world.channel, world.alice, "ask", {"question": question}
        )
        assert pings_nobody((await ix.response())["data"]["allowed_mentions"])
    assert answered(everyone) == "jason-gold-count"

    assert len(list(message_writes(fake))) >= 5
    assert_nobody_pinged(fake)


async def test_a_quoted_question_shows_mentions_as_typed_not_as_mentions(world: World) -> None:
    question = f"did {world.bob.mention} see who won keirin bronze? @here"
    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "ask", {"question": question}
    )
    content = (await ix.response())["data"]["content"]
    assert world.bob.mention not in content and "@here" not in content
    assert str(world.bob.id) in content and "here" in content  # still readable
    assert answered((await ix.response())["data"]) == "keirin-bronze"


async def test_mentions_around_a_question_do_not_change_the_answer(world: World) -> None:
    role, bob = world.mod_role.mention, world.bob.mention
    reply = await ask_by_mention(world, world.channel, world.alice, f"{bob} {role} {ANSWERABLE}")
    assert answered(reply) == "jason-gold-count"
    ix = await world.fake.slash(
        world.guild,
        world.channel,
        world.alice,
        "ask",
        {"question": f"{role} {world.channel.mention} who won keirin bronze?"},
    )
    assert answered((await ix.response())["data"]) == "keirin-bronze"


async def test_a_4000_character_message_does_not_break_the_bot(world: World) -> None:
    huge = mention(world, ("who won what in the keirin and the omnium in tokyo? " * 80)[:3990])
    assert len(huge) > 3990
    sent = await world.fake.send_message(world.channel, world.alice, huge)

    await still_answering(world, world.channel)
    replies = replies_to(world.fake, sent)
    assert len(replies) <= 1  # a short reply or silence
    for reply in replies:
        assert_within_discord_limits(reply)
    assert [r.path for r in world.fake.requests if (r.status or 0) >= 400] == []


async def test_messages_from_bots_are_ignored(world: World) -> None:
    other_bot = world.fake.add_user("OtherBot", bot=True)
    world.fake.add_member(world.guild, other_bot)
    from_bot = await world.fake.send_message(world.channel, other_bot, mention(world, ANSWERABLE))

    await still_answering(world, world.channel)
    assert replies_to(world.fake, from_bot) == []


async def test_a_mention_logs_no_error(world: World, caplog: pytest.LogCaptureFixture) -> None:
    await ask_by_mention(world, world.channel, world.alice, ANSWERABLE)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


# --------------------------------------------------------------------------- cooldown


@pytest.mark.parametrize("bot_settings", [{"ask_cooldown_rate": 2}], indirect=True, ids=["rate-2"])
async def test_asking_too_quickly_gets_a_private_note(world: World) -> None:
    fake = world.fake

    async def slash_ask(user: User) -> Any:
        ix = await fake.slash(
            world.guild, world.channel, user, "ask", {"question": "who won keirin bronze?"}
        )
        await ix.response()
        return ix

    for _ in range(2):
        assert not (await slash_ask(world.alice)).ephemeral  # answered
    limited = await slash_ask(world.alice)
    assert limited.ephemeral
    assert "try again in 30 s" in limited.data["content"]
    assert "limit in this server: 2 questions per 30 s" in limited.data["content"]
    assert "embeds" not in limited.data or limited.data["embeds"] == []

    # the limit counts a member's questions in this server, however asked, and only theirs
    note = await ask_by_mention(world, world.channel, world.alice, ANSWERABLE)
    assert "You're asking quickly" in note["content"]
    assert note["embeds"] == []
    assert not (await slash_ask(world.bob)).ephemeral


# --------------------------------------------------------------------------- errors


async def test_an_error_in_slash_ask_is_reported_privately_and_the_bot_carries_on(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fail_next_match(monkeypatch, world)
    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "ask", {"question": ANSWERABLE}
    )
    body = await ix.response()
    assert ix.ephemeral
    assert body["data"]["content"].startswith(SOMETHING_WENT_WRONG)
    assert any(
        r.levelno == logging.ERROR and "error in /ask" in r.getMessage() for r in caplog.records
    )

    again = await world.fake.slash(
        world.guild, world.channel, world.alice, "ask", {"question": ANSWERABLE}
    )
    assert answered((await again.response())["data"]) == "jason-gold-count"


async def test_an_error_answering_a_mention_is_reported_and_the_bot_carries_on(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fail_next_match(monkeypatch, world)
    reply = await ask_by_mention(world, world.channel, world.alice, ANSWERABLE)
    assert reply["embeds"][0]["description"].startswith(SOMETHING_WENT_WRONG)
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)

    await still_answering(world, world.channel)


# --------------------------------------------------------------------------- greetings and hints

INTRO = load_intro()
HINT = f"Ask me anything about {INTRO.topic}"
OWN_FACTS = "this server's own facts"


async def test_a_greeting_gets_a_short_hint_that_cleans_itself_up(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask = world.bot.extensions["bot.exts.ask"]
    monkeypatch.setattr(ask, "HINT_SECONDS", 0.2)
    sent = await world.fake.send_message(world.channel, world.alice, mention(world, "hi!"))
    reply = await world.fake.wait_for_message(
        channel=world.channel, predicate=lambda m: replies(m, sent)
    )
    assert HINT in reply["content"] and DONT_KNOW not in str(reply)
    assert reply["embeds"] == []
    await world.fake.wait_for(
        lambda: world.fake.get_message(reply) is None, timeout=3.0, what="the hint to go"
    )

    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "ask", {"question": "hello"}
    )
    body = await ix.response()
    assert ix.ephemeral and HINT in body["data"]["content"]


async def test_help_in_a_dm_says_how_to_ask(world: World) -> None:
    dm = world.fake.dm_channel(world.alice)
    await world.fake.send_message(dm, world.alice, "help")
    reply = await world.fake.wait_for_message(channel=dm)
    assert "/ask" in reply["content"] and "/help" in reply["content"]
    assert DONT_KNOW not in str(reply)


async def test_a_first_time_asker_gets_one_line_of_guidance_once(world: World) -> None:
    first = await ask_by_mention(world, world.channel, world.alice, ANSWERABLE)
    assert first["content"].startswith("-# First question here?")
    assert answered(first) == "jason-gold-count"
    again = await ask_by_mention(world, world.channel, world.alice, ANSWERABLE)
    assert not again["content"]

    ix = await world.fake.slash(
        world.guild, world.channel, world.bob, "ask", {"question": "who won keirin bronze?"}
    )
    await ix.response()
    await ix.wait_for(lambda i: bool(i.followup_ids))
    (tip,) = [world.fake.get_message(m) for m in ix.followup_ids]
    assert tip is not None and tip["flags"] & (1 << 6)  # privately
    assert tip["content"].startswith("-# First question here?")
    ix = await world.fake.slash(
        world.guild, world.channel, world.bob, "ask", {"question": "who won keirin bronze?"}
    )
    await ix.response()
    await still_answering(world, world.channel)
    assert ix.followup_ids == []


# --------------------------------------------------------------------------- fair limits


async def slash_ask(world: World, user: User, *, guild: Any = None, channel: Any = None) -> Any:
    ix = await world.fake.slash(
        guild or world.guild,
        channel or world.channel,
        user,
        "ask",
        {"question": "who won keirin bronze?"},
    )
    await ix.response()
    return ix


@pytest.mark.parametrize("bot_settings", [{"ask_cooldown_rate": 2}], indirect=True, ids=["rate-2"])
async def test_greetings_help_and_empty_mentions_do_not_count(world: World) -> None:
    for text in ("hi", "help", "", "thanks!", "hello there"):
        reply = await ask_by_mention(world, world.channel, world.alice, text)
        assert "asking quickly" not in reply["content"], text
    for _ in range(2):
        assert not (await slash_ask(world, world.alice)).ephemeral  # both questions answered
    assert "asking quickly" in (await slash_ask(world, world.alice)).data["content"]


@pytest.mark.parametrize("bot_settings", [{"ask_cooldown_rate": 2}], indirect=True, ids=["rate-2"])
async def test_limits_are_per_server_and_direct_messages_are_separate(world: World) -> None:
    await world.bot.tree.sync()  # /ask in the other server and in DMs
    for _ in range(2):
        await slash_ask(world, world.alice)
    assert (await slash_ask(world, world.alice)).ephemeral  # limited here
    elsewhere = await slash_ask(
        world, world.alice, guild=world.other_guild, channel=world.other_guild_channel
    )
    assert not elsewhere.ephemeral  # another server: its own count
    dm = world.fake.dm_channel(world.alice)
    await world.fake.send_message(dm, world.alice, ANSWERABLE)
    assert answered(await world.fake.wait_for_message(channel=dm)) == "jason-gold-count"


async def test_a_server_sets_its_own_ask_limit(world: World) -> None:
    ix = await world.fake.slash(
        world.guild, world.channel, world.mod, "config ask-limit", {"questions": 1, "seconds": 60}
    )
    await ix.response()
    assert ix.ephemeral and "1 question per 60 s" in ix.data["content"]

    assert not (await slash_ask(world, world.alice)).ephemeral
    limited = await slash_ask(world, world.alice)
    assert "limit in this server: 1 question per 60 s" in limited.data["content"]
    await world.bot.tree.sync()
    assert not (
        await slash_ask(
            world, world.alice, guild=world.other_guild, channel=world.other_guild_channel
        )
    ).ephemeral  # the other server keeps the bot's default

    ix = await world.fake.slash(world.guild, world.channel, world.mod, "config ask-limit", {})
    await ix.response()
    assert "Back to the default limit: 50 questions per 30 s" in ix.data["content"]
    assert not (await slash_ask(world, world.alice)).ephemeral


async def test_members_cannot_change_the_ask_limit(world: World) -> None:
    with pytest.raises(PermissionError):
        await world.fake.slash(
            world.guild, world.channel, world.alice, "config ask-limit", {"questions": 60}
        )
