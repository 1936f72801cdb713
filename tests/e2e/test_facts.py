"""Moderators manage a server's facts from Discord: `/fact add|edit|remove|restore|show|list|
history|import|export|suggest|review`, through the fake Discord.

Every test also checks, when it ends, that nothing the bot posted or edited could ping anyone.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.core.facts import ANSWER_KINDS, Fact, parse_fact_text
from bot.core.moderation import MAX_IMPORT_BYTES
from bot.db import facts as store
from tests.e2e.conftest import World
from tests.e2e.test_config import let_every_member_see
from tests.fakediscord import Guild, Interaction, Perm, User

JSON = dict[str, Any]

FISH_QUESTION = "What is the name of the office goldfish?"
FISH_ANSWER = "The office goldfish is called Bubbles."
BUNDLED_QUESTION = "How many Olympic gold medals has Jason Kenny won?"
NOT_MODERATOR = "Only moderators"
SON_QUESTION = "What is the name of Jason and Laura Kenny's son?"

# --------------------------------------------------------------------------- helpers


def text(message: JSON | None) -> str:
    """A message's content and embeds as one lowercase string."""
    if not message:
        return ""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts).lower()


def button_ids(message: JSON) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def slash(
    world: World,
    user: User,
    command: str,
    options: dict[str, Any] | None = None,
    *,
    guild: Guild | None = None,
) -> Interaction:
    guild = guild or world.guild
    channel = world.channel if guild is world.guild else world.other_guild_channel
    return await world.fake.slash(guild, channel, user, command, options or {})


async def reply(ix: Interaction) -> JSON:
    """The message the bot answered an interaction with (after a defer: the follow-up)."""
    await ix.response()
    await ix.wait_for(lambda i: i.original is not None and not i.original["flags"] & (1 << 7))
    assert ix.original is not None
    return ix.original


async def ask(world: World, question: str, *, guild: Guild | None = None) -> str:
    ix = await slash(world, world.alice, "ask", {"question": question}, guild=guild)
    return text((await ix.response())["data"])


async def add_fact(world: World, user: User, **options: str) -> Interaction:
    return await slash(world, user, "fact add", options)


async def server_facts(world: World, guild: Guild | None = None) -> list[Fact]:
    async with world.app.sessions() as session:
        return await store.list_facts(session, scope=(guild or world.guild).id)


async def add_fish(world: World) -> Fact:
    """The moderator adds a fact nothing else is close to; returns it as stored."""
    ix = await add_fact(
        world,
        world.mod,
        question=FISH_QUESTION,
        answer=FISH_ANSWER,
        accept="Bubbles",
        tags="office; pets",
    )
    assert "saved as" in text(await reply(ix))
    (fact,) = [f for f in await server_facts(world) if f.question == FISH_QUESTION]
    return fact


async def confirm(world: World, ix: Interaction, user: User, custom_id: str) -> Interaction:
    """Click a button on the message an interaction answered, and wait for the bot's answer."""
    message = await reply(ix)
    click = await world.fake.click(message, user, custom_id)
    await click.response()
    return click


async def edited(click: Interaction, words: str) -> str:
    """Wait until the clicked message says `words`; returns its text."""
    await click.wait_for(lambda i: words in text(i.original))
    return text(click.original)


# --------------------------------------------------------------------------- who may do what


async def test_a_member_who_is_not_a_moderator_cannot_add_a_fact(world: World) -> None:
    with pytest.raises(PermissionError):  # Discord hides /fact from members without Manage Server
        await add_fact(world, world.alice, question=FISH_QUESTION, answer=FISH_ANSWER)
    let_every_member_see(world.fake, world.guild, "fact")  # an admin shows it to everyone
    ix = await add_fact(world, world.alice, question=FISH_QUESTION, answer=FISH_ANSWER)
    body = (await ix.response())["data"]
    assert ix.ephemeral
    assert NOT_MODERATOR.lower() in text(body)  # and the bot refuses it anyway
    assert await server_facts(world) == []
    assert "bubbles" not in await ask(world, FISH_QUESTION)


MODERATOR_COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("fact edit", {"id": "jason-gold-count"}),
    ("fact list", {}),
    ("fact show", {"id": "jason-gold-count"}),
    ("fact remove", {"id": "jason-gold-count"}),
    ("fact restore", {"id": "jason-gold-count"}),
    ("fact history", {"id": "jason-gold-count"}),
    ("fact export", {}),
    ("fact review", {}),
    ("fact import", {"file": ("facts.yaml", b"facts: []")}),
]


async def test_every_moderator_command_refuses_other_members_privately(world: World) -> None:
    let_every_member_see(world.fake, world.guild, "fact")
    for command, options in MODERATOR_COMMANDS:
        ix = await slash(world, world.alice, command, options)
        assert NOT_MODERATOR.lower() in text((await ix.response())["data"]), command
        assert ix.ephemeral, command
    assert "jason kenny has won seven" in await ask(world, BUNDLED_QUESTION)
    async with world.app.sessions() as session:
        assert await store.history(session, world.guild.id, "jason-gold-count") == []


MEMBER_COMMANDS = {"ask", "help", "quiz", "suggest"}
MODERATOR_GROUPS = {"fact", "config"}


def subcommands(command: JSON) -> list[str]:
    return [o["name"] for o in command.get("options") or [] if o["type"] in (1, 2)]


async def test_members_and_moderators_each_see_their_own_commands(world: World) -> None:
    synced = {c["name"]: c for c in world.fake.guild_commands[world.guild.id]}
    assert set(synced) >= MEMBER_COMMANDS | MODERATOR_GROUPS
    for name in MODERATOR_GROUPS:  # every subcommand of these groups is for moderators
        assert int(synced[name]["default_member_permissions"]) == Perm.MANAGE_GUILD, name
        assert "suggest" not in subcommands(synced[name])
    for name, command in synced.items():
        if name not in MODERATOR_GROUPS:
            assert command["default_member_permissions"] is None, name
    assert set(subcommands(synced["fact"])) >= {"add", "edit", "remove", "review", "import"}
    # the same in the payloads published globally by `python -m bot sync`
    await world.bot.tree.sync()
    published = {c["name"]: c for c in world.fake.global_commands}
    for name in MODERATOR_GROUPS:
        assert int(published[name]["default_member_permissions"]) == Perm.MANAGE_GUILD
    assert published["suggest"]["default_member_permissions"] is None

    (add,) = [o for o in synced["fact"]["options"] if o["name"] == "add"]
    (kind,) = [o for o in add["options"] if o["name"] == "kind"]
    assert [c["value"] for c in kind["choices"]] == list(ANSWER_KINDS)
    assert not kind.get("required")


async def test_a_member_with_the_moderator_role_can_manage_facts(world: World) -> None:
    ix = await slash(world, world.mod, "config moderator-role", {"role": world.mod_role})
    await ix.response()
    let_every_member_see(world.fake, world.guild, "fact")  # Server Settings > Integrations
    world.fake.add_member(world.guild, world.bob, roles=[world.mod_role])
    ix = await add_fact(world, world.bob, question=FISH_QUESTION, answer=FISH_ANSWER)
    assert "saved as" in text(await reply(ix))
    (fact,) = await server_facts(world)
    assert "bubbles" in await ask(world, FISH_QUESTION)
    async with world.app.sessions() as session:
        (entry,) = await store.history(session, world.guild.id, fact.id)
    assert (entry.action, entry.actor_id) == ("add", world.bob.id)


async def test_buttons_check_the_moderator_again_when_clicked(world: World) -> None:
    ix = await slash(world, world.mod, "config moderator-role", {"role": world.mod_role})
    await ix.response()
    let_every_member_see(world.fake, world.guild, "fact")
    world.fake.add_member(world.guild, world.bob, roles=[world.mod_role])
    ix = await slash(world, world.bob, "fact remove", {"id": "jason-gold-count"})
    message = await reply(ix)
    assert button_ids(message) == ["fact:confirm", "fact:cancel"]
    # someone else cannot click the moderator's buttons
    other = await world.fake.click(message, world.alice, "fact:confirm")
    assert "belong to the member" in text((await other.response())["data"])
    # the role is taken away while the question is open
    world.fake.add_member(world.guild, world.bob)
    click = await world.fake.click(message, world.bob, "fact:confirm")
    assert NOT_MODERATOR.lower() in text((await click.response())["data"])
    assert "jason kenny has won seven" in await ask(world, BUNDLED_QUESTION)


# --------------------------------------------------------------------------- add


async def test_a_new_fact_is_answered_at_once_in_its_server_only(world: World) -> None:
    fact = await add_fish(world)
    assert fact.id == "what-is-name-of-office-goldfish"
    assert fact.accept == ("Bubbles",)
    assert fact.scope == world.guild.id
    assert FISH_ANSWER.lower() in await ask(world, FISH_QUESTION)
    assert FISH_ANSWER.lower() in await ask(world, "whats the office goldfish called")

    await world.bot.tree.sync()  # commands everywhere, as `python -m bot sync` does
    elsewhere = await ask(world, FISH_QUESTION, guild=world.other_guild)
    assert "bubbles" not in elsewhere
    assert "don't know" in elsewhere
    # quizzes draw on the server's facts with accepted answers, in that server only
    assert fact in list(world.app.index.facts(world.guild.id))
    assert fact not in list(world.app.index.facts(world.other_guild.id))


async def test_an_invalid_fact_names_every_bad_field_and_saves_nothing(world: World) -> None:
    ix = await add_fact(
        world,
        world.mod,
        question="Cat?",
        answer="Sprocket.",
        tags="a; b; c; d; e; f; g; h; i; j; k",
        accept="x" * 101,
    )
    body = (await ix.response())["data"]
    assert ix.ephemeral
    said = text(body)
    assert "nothing was saved" in said
    assert "question**: must be 5–300 characters (yours has 4)" in said
    assert "tags**: at most 10 tags (you gave 11)" in said
    assert "accept**: each accepted answer must be at most 100 characters" in said
    assert "answer" not in said.replace("accepted answer", "")
    assert await server_facts(world) == []


async def test_a_near_duplicate_asks_first_and_cancel_saves_nothing(world: World) -> None:
    ix = await add_fact(world, world.mod, question=BUNDLED_QUESTION, answer="Lots.")
    message = await reply(ix)
    assert ix.ephemeral
    assert "jason-gold-count" in text(message)
    assert button_ids(message) == ["fact:confirm", "fact:cancel"]
    labels = [c["label"] for row in message["components"] for c in row["components"]]
    assert labels == ["Save anyway", "Cancel"]

    click = await world.fake.click(message, world.mod, "fact:cancel")
    assert "nothing was changed" in text((await click.response())["data"])
    assert await server_facts(world) == []


async def test_a_near_duplicate_is_saved_when_the_moderator_insists(world: World) -> None:
    ix = await add_fact(world, world.mod, question=BUNDLED_QUESTION, answer="Lots.")
    click = await confirm(world, ix, world.mod, "fact:confirm")
    said = await edited(click, "saved as")
    (fact,) = await server_facts(world)
    assert f"`{fact.id}`" in said
    assert fact.id != "jason-gold-count"  # a new id: the bundled fact stays as it is
    assert fact.kind == "number"  # "how many" asks for a number
    assert click.original is not None and click.original["components"] == []


async def test_the_duplicate_question_times_out_without_saving(world: World) -> None:
    cog: Any = world.bot.get_cog("fact")
    assert type(cog).__name__ == "FactsCog"  # the extension's own copy of the class
    cog.confirm_timeout = 0.2
    ix = await add_fact(world, world.mod, question=BUNDLED_QUESTION, answer="Lots.")
    await ix.wait_for(lambda i: "timed out" in text(i.original), timeout=5)
    assert ix.original is not None
    assert all(c["disabled"] for row in ix.original["components"] for c in row["components"])
    assert await server_facts(world) == []


# --------------------------------------------------------------------------- remove, restore, edit


async def test_remove_restore_and_history_of_a_server_fact(world: World) -> None:
    fact = await add_fish(world)

    ix = await slash(world, world.mod, "fact remove", {"id": fact.id})
    click = await confirm(world, ix, world.mod, "fact:confirm")
    await edited(click, "removed")
    assert "bubbles" not in await ask(world, FISH_QUESTION)
    assert await server_facts(world) == []  # marked deleted, not answered ...
    async with world.app.sessions() as session:
        assert [f.id for f in await store.removed_facts(session, world.guild.id)] == [fact.id]

    ix = await slash(world, world.mod, "fact restore", {"id": fact.id})
    assert "restored" in text(await reply(ix))
    assert FISH_ANSWER.lower() in await ask(world, FISH_QUESTION)

    ix = await slash(world, world.mod, "fact restore", {"id": fact.id})
    assert "not removed" in text(await reply(ix))

    ix = await slash(world, world.mod, "fact history", {"id": fact.id})
    history = text(await reply(ix))
    assert ix.ephemeral
    assert "3 changes" in history
    lines = [line for line in history.splitlines() if "<@" in line]
    assert ["restored" in lines[0], "removed" in lines[1], "added" in lines[2]] == [True] * 3
    assert all(f"<@{world.mod.id}>" in line for line in lines)


async def test_removing_a_bundled_fact_hides_it_in_this_server_only(world: World) -> None:
    await world.bot.tree.sync()
    ix = await slash(world, world.mod, "fact remove", {"id": "jason-gold-count"})
    assert "hidden in this server only" in text(await reply(ix))
    click = await confirm(world, ix, world.mod, "fact:confirm")
    await edited(click, "removed")

    assert "jason kenny has won seven" not in await ask(world, BUNDLED_QUESTION)
    assert "jason kenny has won seven" in await ask(
        world, BUNDLED_QUESTION, guild=world.other_guild
    )
    ix = await slash(world, world.mod, "fact show", {"id": "jason-gold-count"})
    assert "was removed in this server" in text(await reply(ix))

    ix = await slash(world, world.mod, "fact restore", {"id": "jason-gold-count"})
    assert "restored" in text(await reply(ix))
    assert "jason kenny has won seven" in await ask(world, BUNDLED_QUESTION)

    ix = await slash(world, world.mod, "fact history", {"id": "jason-gold-count"})
    history = text(await reply(ix))
    assert "shown again" in history and "hidden in this server" in history


async def test_edit_opens_a_prefilled_form_and_saves_with_an_audit(world: World) -> None:
    fact = await add_fish(world)
    ix = await slash(world, world.mod, "fact edit", {"id": fact.id})
    await ix.response()
    modal = ix.modal
    assert modal is not None
    inputs = {c["custom_id"]: c for row in modal["components"] for c in row["components"]}
    assert inputs["question"]["value"] == FISH_QUESTION
    assert inputs["accept"]["value"] == "Bubbles"
    assert inputs["tags"]["value"] == "office; pets"

    submit = await world.fake.submit_modal(
        ix,
        world.mod,
        {
            "question": FISH_QUESTION,
            "answer": "The office goldfish is called Finn.",
            "phrasings": "who lives in the office bowl",
            "accept": "Finn",
            "tags": "pets",
        },
    )
    assert "saved" in text(await reply(submit))
    assert "finn" in await ask(world, FISH_QUESTION)
    (saved,) = await server_facts(world)
    assert saved.accept == ("Finn",) and saved.tags == ("pets",)

    ix = await slash(world, world.mod, "fact history", {"id": fact.id})
    history = text(await reply(ix))
    assert "edited: answer" in history and "+finn" in history and "−bubbles" in history


async def test_an_invalid_edit_changes_nothing(world: World) -> None:
    fact = await add_fish(world)
    ix = await slash(world, world.mod, "fact edit", {"id": fact.id})
    await ix.response()
    submit = await world.fake.submit_modal(
        ix,
        world.mod,
        {
            "question": "Cat",
            "answer": "x",
            "phrasings": "",
            "accept": "",
            "tags": "not a tag!",
        },
    )
    said = text(await reply(submit))
    assert "question**: must be 5–300 characters" in said
    assert "tags**: tags are lowercase words" in said
    assert await server_facts(world) == [fact]


async def test_editing_a_bundled_fact_gives_this_server_its_own_copy(world: World) -> None:
    await world.bot.tree.sync()
    ix = await slash(world, world.mod, "fact edit", {"id": "jason-gold-count"})
    await ix.response()
    assert ix.modal is not None
    values = {
        c["custom_id"]: c.get("value") or ""
        for row in ix.modal["components"]
        for c in row["components"]
    }
    values["answer"] = "Seven, and counting (server version)."
    submit = await world.fake.submit_modal(ix, world.mod, values)
    assert "its own copy" in text(await reply(submit))

    assert "server version" in await ask(world, BUNDLED_QUESTION)
    assert "server version" not in await ask(world, BUNDLED_QUESTION, guild=world.other_guild)
    (copy,) = await server_facts(world)
    assert copy.id == "jason-gold-count" and copy.quote  # the quote and source are kept
    ix = await slash(world, world.mod, "fact history", {"id": "jason-gold-count"})
    assert "own copy of the bundled fact" in text(await reply(ix))


# --------------------------------------------------------------------------- show and list


async def test_list_pages_through_the_servers_facts(world: World) -> None:
    await add_fish(world)
    ix = await slash(world, world.mod, "fact list")
    message = await reply(ix)
    assert ix.ephemeral
    first = text(message)
    assert "`what-is-name-of-office-goldfish` · server" in first  # the server's own come first
    assert "page 1/" in first
    assert len([line for line in first.splitlines() if line.startswith("`")]) == 10

    other = await world.fake.click(message, world.alice, "fact:page:next")
    assert "belong to the member" in text((await other.response())["data"])
    click = await world.fake.click(message, world.mod, "fact:page:next")
    assert "page 2/" in text((await click.response())["data"])

    ix = await slash(world, world.mod, "fact list", {"search": "office goldfish"})
    found = text(await reply(ix))
    assert "(1)" in found and "office goldfish" in found
    assert (await reply(ix))["components"] == []  # one page: no buttons


async def test_show_tells_everything_about_a_fact(world: World) -> None:
    ix = await slash(world, world.mod, "fact show", {"id": "jason-gold-count"})
    shown = text(await reply(ix))
    assert ix.ephemeral
    assert "bundled" in shown and "7; seven" in shown and "number" in shown
    ix = await slash(world, world.mod, "fact show", {"id": "no-such-fact"})
    assert "no fact `no-such-fact`" in text(await reply(ix))


async def autocomplete(world: World, user: User, typed: str) -> list[JSON]:
    return await world.fake.autocomplete(
        world.guild, world.channel, user, "fact show", {"id": typed}, "id"
    )


async def test_the_fact_autocomplete_searches_questions_by_word_for_moderators(
    world: World,
) -> None:
    choices = await autocomplete(world, world.mod, "jason gold")
    assert choices[0]["value"] == "jason-gold-count"
    assert choices[0]["name"] == BUNDLED_QUESTION  # the question is shown, the id is the value
    # a word, not an id prefix: "son" finds the Kennys' son, not every jason-* fact
    ix = await add_fact(world, world.mod, question=SON_QUESTION, answer="Their son is Albie.")
    if "saved as" not in text(await reply(ix)):  # a near-duplicate warning asks first
        await edited(await confirm(world, ix, world.mod, "fact:confirm"), "saved as")
    son = await autocomplete(world, world.mod, "son")
    assert [c["name"] for c in son] == [SON_QUESTION]
    assert son[0]["value"] == "what-is-name-of-jason-and-laura-kennys-son"
    # words of the answer count too
    assert any(
        c["value"] == "jason-gold-count" for c in await autocomplete(world, world.mod, "seventh")
    )

    let_every_member_see(world.fake, world.guild, "fact")
    assert await autocomplete(world, world.alice, "jason gold") == []  # questions give answers away


async def test_a_typed_id_that_is_no_fact_here_is_refused_with_the_reason(world: World) -> None:
    ix = await slash(world, world.mod, "fact history", {"id": "No-Such-Fact"})
    said = text(await reply(ix))
    assert ix.ephemeral and "no fact `no-such-fact` in this server" in said
    ix = await slash(world, world.mod, "fact restore", {"id": "jason-gold-count"})
    assert "not removed in this server" in text(await reply(ix))


# --------------------------------------------------------------------------- import and export

GOOD_FILE = b"""
facts:
  - id: office-goldfish
    question: What is the name of the office goldfish?
    answer: The office goldfish is called Bubbles.
    accept: [Bubbles]
  - id: office-dog
    question: What is the name of the office dog?
    answer: The office dog is called Derailleur.
"""

BROKEN_FILE = b"""
facts:
  - id: office-goldfish
    question: What is the name of the office goldfish?
    answer: The office goldfish is called Bubbles.
  - id: office-dog
    question: What is the name of the office dog?
    answer: The office dog is called Derailleur.
    tags: [one, two, three, four, five, six, seven, eight, nine, ten, eleven]
"""


async def test_a_broken_file_imports_nothing_and_names_fact_and_field(world: World) -> None:
    ix = await slash(world, world.mod, "fact import", {"file": ("pets.yaml", BROKEN_FILE)})
    said = text(await reply(ix))
    assert ix.ephemeral
    assert "nothing was imported" in said
    assert "pets.yaml: fact 'office-dog': field 'tags'" in said
    assert await server_facts(world) == []
    assert "bubbles" not in await ask(world, FISH_QUESTION)


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (("pets.txt", GOOD_FILE), "must be .yaml, .yml or .json"),
        (("pets.yaml", b"# " + b"x" * MAX_IMPORT_BYTES), "the limit is 1 mb"),
        (("pets.yaml", b"\xff\xfe not utf-8"), "not utf-8"),
        (("pets.json", b'{"facts": [}'), "not valid yaml or json"),
    ],
    ids=["wrong-type", "too-big", "not-text", "not-json"],
)
async def test_a_file_that_cannot_be_read_imports_nothing(
    world: World, upload: tuple[str, bytes], expected: str
) -> None:
    ix = await slash(world, world.mod, "fact import", {"file": upload})
    said = text(await reply(ix))
    assert "nothing was imported" in said and expected in said
    assert await server_facts(world) == []


async def test_a_good_file_is_imported_with_counts(world: World) -> None:
    ix = await slash(world, world.mod, "fact import", {"file": ("pets.yaml", GOOD_FILE)})
    assert "2 added, 0 updated, 0 unchanged" in text(await reply(ix))
    assert FISH_ANSWER.lower() in await ask(world, FISH_QUESTION)

    changed = GOOD_FILE.replace(b"Derailleur", b"Cassette")
    ix = await slash(world, world.mod, "fact import", {"file": ("pets.json", changed)})
    assert "0 added, 1 updated, 1 unchanged" in text(await reply(ix))
    assert "cassette" in await ask(world, "What is the name of the office dog?")
    async with world.app.sessions() as session:
        actions = [e.action for e in await store.history(session, world.guild.id, "office-dog")]
    assert actions == ["add", "edit"]


async def test_export_holds_this_servers_facts_only(world: World) -> None:
    await add_fish(world)
    world.fake.add_member(world.other_guild, world.mod, permissions=Perm.MANAGE_GUILD)
    await world.bot.tree.sync()
    ix = await slash(
        world,
        world.mod,
        "fact add",
        {"question": "Who feeds the other server's cat?", "answer": "Nobody."},
        guild=world.other_guild,
    )
    assert "saved as" in text(await reply(ix))

    ix = await slash(world, world.mod, "fact export")
    message = await reply(ix)
    assert ix.ephemeral
    (attachment,) = message["attachments"]
    assert attachment["filename"] == f"facts-{world.guild.id}.yaml"
    data = world.fake.attachment_bytes(attachment).decode()
    exported = parse_fact_text(data, name="export.yaml", scope=world.guild.id)
    assert [f.question for f in exported] == [FISH_QUESTION]
    assert "other server" not in data and "jason" not in data.lower()
    assert yaml.safe_load(data)["facts"][0]["accept"] == ["Bubbles"]


async def test_export_without_own_facts_says_so(world: World) -> None:
    ix = await slash(world, world.mod, "fact export")
    message = await reply(ix)
    assert "no facts of its own" in text(message) and not message["attachments"]
