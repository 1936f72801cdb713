"""A server's facts in the database, on SQLite and PostgreSQL: adds, edits, removals and restores
with their audit trail, server copies of bundled facts, imports and members' suggestions."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.core.facts import Fact
from bot.core.moderation import (
    MAX_PENDING_SUGGESTIONS,
    EditConflict,
    FactChange,
    FactIdTaken,
    FactRemoved,
    NotRemoved,
    SuggestionReviewed,
    TooManySuggestions,
    UnknownFact,
    build_fact,
)
from bot.db import facts as store
from bot.db.models import FactAuditRow, FactRow, FactSuggestionRow, HiddenFactRow

T = TypeVar("T")
GUILD = 1001
OTHER = 2002
MOD = 77
BUNDLED = "jason-gold-count"


def fish(guild: int = GUILD, **overrides: object) -> Fact:
    values: dict[str, object] = {
        "fact_id": "office-goldfish",
        "question": "What is the name of the office goldfish?",
        "answer": "Bubbles.",
        "accept": ["Bubbles"],
        "scope": guild,
    }
    values.update(overrides)
    return build_fact(**values)  # type: ignore[arg-type]


async def commit(app: App, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction and, like the cog, apply its change to the index after."""
    async with app.sessions.begin() as session:
        result = await work(session)
    change = result[1] if isinstance(result, tuple) else result
    if isinstance(change, FactChange):
        change.apply(app.index)
    return result


async def actions(app: App, slug: str, guild: int = GUILD) -> list[str]:
    async with app.sessions() as session:
        return [e.action for e in await store.history(session, guild, slug)]


async def visible(app: App, slug: str, guild: int = GUILD) -> Fact | None:
    async with app.sessions() as session:
        return await store.visible_fact(session, guild, slug)


async def count(app: App, model: type[object]) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def assert_index_matches_a_restart(app: App) -> None:
    """What a restart would load is what the running index shows, in every server."""
    fresh = await App.load_index(app.sessions)
    for guild in (GUILD, OTHER):
        assert {f.key: f for f in fresh.facts(guild)} == {f.key: f for f in app.index.facts(guild)}


# --------------------------------------------------------------------------- add


async def test_adding_a_fact_stores_it_for_one_server_with_an_audit(app: App) -> None:
    new = fish()
    await commit(app, lambda s: store.add_fact(s, new, actor_id=MOD))
    assert await visible(app, new.id) == new
    assert await visible(app, new.id, OTHER) is None
    assert app.index.match(new.question, GUILD).fact == new
    assert app.index.match(new.question, OTHER).fact is None
    async with app.sessions() as session:
        (entry,) = await store.history(session, GUILD, new.id)
        row = await session.scalar(select(FactRow).where(FactRow.slug == new.id))
        taken = await store.taken_ids(session, GUILD)
    assert (entry.action, entry.actor_id, entry.before) == ("add", MOD, None)
    assert entry.after is not None and entry.after["answer"] == "Bubbles."
    assert entry.at.tzinfo is not None
    assert row is not None and (row.origin, row.author_id) == ("server", MOD)
    assert {new.id, BUNDLED} <= taken
    await assert_index_matches_a_restart(app)


async def test_an_id_in_use_in_the_server_is_refused(app: App) -> None:
    await commit(app, lambda s: store.add_fact(s, fish(), actor_id=MOD))
    with pytest.raises(FactIdTaken):
        await commit(app, lambda s: store.add_fact(s, fish(answer="Other."), actor_id=MOD))
    await commit(app, lambda s: store.add_fact(s, fish(OTHER), actor_id=MOD))  # another server
    assert await actions(app, "office-goldfish") == ["add"]


# --------------------------------------------------------------------------- edit


async def test_an_edit_is_audited_with_before_and_after(app: App) -> None:
    original = fish()
    await commit(app, lambda s: store.add_fact(s, original, actor_id=MOD))
    edited = dataclasses.replace(original, answer="Finn.", accept=("Finn",))
    change = await commit(
        app, lambda s: store.edit_fact(s, GUILD, edited, actor_id=MOD + 1, expected=original)
    )
    assert change.added == (edited,)
    assert app.index.match(original.question, GUILD).fact == edited
    async with app.sessions() as session:
        entries = await store.history(session, GUILD, original.id)
    assert [(e.action, e.actor_id) for e in entries] == [("add", MOD), ("edit", MOD + 1)]
    assert entries[1].before is not None and entries[1].before["answer"] == "Bubbles."
    assert entries[1].after is not None and entries[1].after["accept"] == ["Finn"]

    unchanged = await commit(app, lambda s: store.edit_fact(s, GUILD, edited, actor_id=MOD))
    assert not unchanged
    assert await actions(app, original.id) == ["add", "edit"]


async def test_an_edit_from_an_outdated_version_is_refused(app: App) -> None:
    original = fish()
    await commit(app, lambda s: store.add_fact(s, original, actor_id=MOD))
    first = dataclasses.replace(original, answer="Finn.")
    await commit(app, lambda s: store.edit_fact(s, GUILD, first, actor_id=MOD, expected=original))
    late = dataclasses.replace(original, answer="Goldie.")
    with pytest.raises(EditConflict):
        await commit(
            app, lambda s: store.edit_fact(s, GUILD, late, actor_id=MOD, expected=original)
        )
    assert (await visible(app, original.id)) == first


async def test_editing_a_bundled_fact_makes_a_server_copy_that_replaces_it(app: App) -> None:
    bundled = app.index.get(BUNDLED)
    assert bundled is not None
    copy = dataclasses.replace(bundled, answer="Seven, server version.", scope=GUILD)
    change = await commit(
        app, lambda s: store.edit_fact(s, GUILD, copy, actor_id=MOD, expected=bundled)
    )
    assert change.hidden == ((GUILD, BUNDLED),)
    assert await visible(app, BUNDLED) == copy
    assert await visible(app, BUNDLED, OTHER) == bundled
    assert app.index.match(bundled.question, GUILD).fact == copy
    assert app.index.match(bundled.question, OTHER).fact == bundled
    async with app.sessions() as session:
        (entry,) = await store.history(session, GUILD, BUNDLED)
    assert entry.action == "override" and entry.before is not None
    assert entry.before["answer"] == bundled.answer
    await assert_index_matches_a_restart(app)

    # the copy is edited from now on; removing it leaves the bundled fact hidden here
    again = dataclasses.replace(copy, answer="Seven, edited twice.")
    await commit(app, lambda s: store.edit_fact(s, GUILD, again, actor_id=MOD, expected=copy))
    await commit(app, lambda s: store.remove_fact(s, GUILD, BUNDLED, actor_id=MOD))
    assert await visible(app, BUNDLED) is None
    assert app.index.get(BUNDLED, GUILD) is None
    await assert_index_matches_a_restart(app)
    assert await actions(app, BUNDLED) == ["override", "edit", "remove"]


async def test_editing_unknown_or_removed_facts_is_refused(app: App) -> None:
    with pytest.raises(UnknownFact):
        await commit(app, lambda s: store.edit_fact(s, GUILD, fish(), actor_id=MOD))
    await commit(app, lambda s: store.add_fact(s, fish(), actor_id=MOD))
    await commit(app, lambda s: store.remove_fact(s, GUILD, "office-goldfish", actor_id=MOD))
    with pytest.raises(FactRemoved):
        await commit(app, lambda s: store.edit_fact(s, GUILD, fish(answer="x"), actor_id=MOD))


# --------------------------------------------------------------------------- remove and restore


async def test_a_removed_server_fact_is_marked_not_deleted_and_can_be_restored(app: App) -> None:
    new = fish()
    await commit(app, lambda s: store.add_fact(s, new, actor_id=MOD))
    rows = await count(app, FactRow)

    await commit(app, lambda s: store.remove_fact(s, GUILD, new.id, actor_id=MOD))
    assert await count(app, FactRow) == rows  # nothing is deleted for real
    assert await visible(app, new.id) is None
    assert app.index.match(new.question, GUILD).fact is None
    async with app.sessions() as session:
        assert [f.id for f in await store.removed_facts(session, GUILD)] == [new.id]
        assert await store.removed_facts(session, OTHER) == []
    with pytest.raises(FactRemoved):
        await commit(app, lambda s: store.remove_fact(s, GUILD, new.id, actor_id=MOD))
    await assert_index_matches_a_restart(app)

    fact, _ = await commit(app, lambda s: store.restore_fact(s, GUILD, new.id, actor_id=MOD))
    assert fact == new
    assert app.index.match(new.question, GUILD).fact == new
    with pytest.raises(NotRemoved):
        await commit(app, lambda s: store.restore_fact(s, GUILD, new.id, actor_id=MOD))
    assert await actions(app, new.id) == ["add", "remove", "restore"]
    await assert_index_matches_a_restart(app)


async def test_a_removed_bundled_fact_is_hidden_in_that_server_only(app: App) -> None:
    bundled = app.index.get(BUNDLED)
    assert bundled is not None
    change = await commit(app, lambda s: store.remove_fact(s, GUILD, BUNDLED, actor_id=MOD))
    assert change.hidden == ((GUILD, BUNDLED),)
    assert await visible(app, BUNDLED) is None
    assert await visible(app, BUNDLED, OTHER) == bundled
    assert app.index.match(bundled.question, GUILD).fact != bundled
    assert app.index.match(bundled.question, OTHER).fact == bundled
    assert await count(app, HiddenFactRow) == 1
    async with app.sessions() as session:
        assert [f.id for f in await store.removed_facts(session, GUILD)] == [BUNDLED]
    await assert_index_matches_a_restart(app)

    fact, change = await commit(app, lambda s: store.restore_fact(s, GUILD, BUNDLED, actor_id=MOD))
    assert fact == bundled and change.unhidden == ((GUILD, BUNDLED),)
    assert app.index.match(bundled.question, GUILD).fact == bundled
    assert await actions(app, BUNDLED) == ["hide", "unhide"]
    assert await actions(app, BUNDLED, OTHER) == []
    await assert_index_matches_a_restart(app)


async def test_unknown_ids_cannot_be_removed_or_restored(app: App) -> None:
    with pytest.raises(UnknownFact):
        await commit(app, lambda s: store.remove_fact(s, GUILD, "no-such-fact", actor_id=MOD))
    with pytest.raises(UnknownFact):
        await commit(app, lambda s: store.restore_fact(s, GUILD, "no-such-fact", actor_id=MOD))
    with pytest.raises(NotRemoved):
        await commit(app, lambda s: store.restore_fact(s, GUILD, BUNDLED, actor_id=MOD))
    # another server's fact does not exist here
    await commit(app, lambda s: store.add_fact(s, fish(OTHER), actor_id=MOD))
    with pytest.raises(UnknownFact):
        await commit(app, lambda s: store.remove_fact(s, GUILD, "office-goldfish", actor_id=MOD))
    assert await count(app, FactAuditRow) == 1


# --------------------------------------------------------------------------- import


async def test_an_import_with_a_bundled_id_replaces_that_fact_in_the_server(app: App) -> None:
    bundled = app.index.get(BUNDLED)
    assert bundled is not None
    facts = [fish(), dataclasses.replace(bundled, answer="Imported seven.", scope=GUILD)]
    report, change = await commit(
        app, lambda s: store.import_server_facts(s, facts, guild_id=GUILD, actor_id=MOD)
    )
    assert (report.added, report.updated, report.unchanged) == (2, 0, 0)
    assert change.hidden == ((GUILD, BUNDLED),)
    assert app.index.match(bundled.question, GUILD).fact == facts[1]
    assert app.index.match(bundled.question, OTHER).fact == bundled
    await assert_index_matches_a_restart(app)


# --------------------------------------------------------------------------- the audit trail


async def test_the_audit_trail_records_every_change_in_order(app: App) -> None:
    steps: list[tuple[str, Callable[[AsyncSession], Awaitable[object]]]] = [
        ("add", lambda s: store.add_fact(s, fish(), actor_id=1)),
        ("edit", lambda s: store.edit_fact(s, GUILD, fish(answer="Finn."), actor_id=2)),
        ("remove", lambda s: store.remove_fact(s, GUILD, "office-goldfish", actor_id=3)),
        ("restore", lambda s: store.restore_fact(s, GUILD, "office-goldfish", actor_id=4)),
        ("edit", lambda s: store.edit_fact(s, GUILD, fish(answer="Goldie."), actor_id=5)),
    ]
    for _, step in steps:
        await commit(app, step)
    async with app.sessions() as session:
        entries = await store.history(session, GUILD, "office-goldfish")
    assert [(e.action, e.actor_id) for e in entries] == [
        (action, i) for i, (action, _) in enumerate(steps, 1)
    ]
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    answers = [(e.before or {}).get("answer") for e in entries]
    assert answers == [None, "Bubbles.", "Finn.", None, "Finn."]
    assert (entries[-1].after or {}).get("answer") == "Goldie."


async def test_a_failed_transaction_leaves_no_change_and_no_audit(app: App) -> None:
    with pytest.raises(RuntimeError):
        async with app.sessions.begin() as session:
            await store.add_fact(session, fish(), actor_id=MOD)
            await store.remove_fact(session, GUILD, BUNDLED, actor_id=MOD)
            raise RuntimeError("the reply to Discord failed")
    assert await count(app, FactAuditRow) == 0
    assert await count(app, HiddenFactRow) == 0
    assert await visible(app, "office-goldfish") is None


# --------------------------------------------------------------------------- suggestions


async def suggest(app: App, user: int, question: str, guild: int = GUILD) -> store.Suggestion:
    async with app.sessions.begin() as session:
        return await store.add_suggestion(
            session, guild_id=guild, user_id=user, question=question, answer="An answer."
        )


async def test_suggestions_are_reviewed_oldest_first_in_their_server(app: App) -> None:
    first = await suggest(app, 5, "What is the name of the office goldfish?")
    await suggest(app, 6, "Who waters the office plants?")
    await suggest(app, 7, "Who feeds the other server's cat?", guild=OTHER)
    async with app.sessions() as session:
        shown, pending = await store.next_suggestion(session, GUILD)
    assert (shown, pending) == (first, 2)

    fact = build_fact(
        question=first.question, answer=first.answer, scope=GUILD, fact_id="office-goldfish"
    )
    await commit(app, lambda s: store.approve_suggestion(s, first, fact, reviewer_id=MOD))
    assert app.index.match(fact.question, GUILD).fact == fact
    async with app.sessions() as session:
        row = await session.get(FactSuggestionRow, first.id)
        fact_row = await session.scalar(select(FactRow).where(FactRow.slug == fact.id))
        (entry,) = await store.history(session, GUILD, fact.id)
        second, pending = await store.next_suggestion(session, GUILD)
    assert row is not None and (row.status, row.reviewed_by, row.fact_slug) == (
        "approved",
        MOD,
        fact.id,
    )
    assert row.reviewed_at is not None
    assert fact_row is not None and fact_row.author_id == 5  # the member who suggested it
    assert (entry.action, entry.actor_id) == ("approve", MOD)
    assert second is not None and second.user_id == 6 and pending == 1

    await commit(app, lambda s: store.reject_suggestion(s, second, reviewer_id=MOD))
    async with app.sessions() as session:
        assert await store.next_suggestion(session, GUILD) == (None, 0)
        other, _ = await store.next_suggestion(session, OTHER)
    assert other is not None and other.user_id == 7


async def test_a_suggestion_is_reviewed_once(app: App) -> None:
    s = await suggest(app, 5, "What is the name of the office goldfish?")
    await commit(app, lambda session: store.reject_suggestion(session, s, reviewer_id=MOD))
    fact = build_fact(question=s.question, answer=s.answer, scope=GUILD, fact_id="office-goldfish")
    with pytest.raises(SuggestionReviewed):
        await commit(
            app, lambda session: store.approve_suggestion(session, s, fact, reviewer_id=MOD + 1)
        )
    assert await visible(app, "office-goldfish") is None  # the approval rolled back whole
    assert await count(app, FactAuditRow) == 0


async def test_a_member_may_only_have_a_few_suggestions_waiting(app: App) -> None:
    for i in range(MAX_PENDING_SUGGESTIONS):
        await suggest(app, 5, f"Question number {i}?")
    with pytest.raises(TooManySuggestions):
        await suggest(app, 5, "One question too many?")
    await suggest(app, 6, "Another member's question?")
    await suggest(app, 5, "A question in another server?", guild=OTHER)
