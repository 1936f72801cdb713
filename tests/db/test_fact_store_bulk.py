"""Bulk imports and loads, on SQLite and PostgreSQL: thousands of facts written in batches keep
the semantics of a fact-by-fact import (every change audited, added/updated/unchanged counted,
one server's facts apart from another's), and an unchanged set of bundled fact files is not
synced again at start while a changed one is."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import app as app_module
from bot.app import App
from bot.core.facts import GLOBAL_SCOPE, Fact, Source, fact_to_dict, load_fact_file
from bot.db import facts as store
from bot.db.models import FactAuditRow, FactRow, HiddenFactRow
from bot.settings import Settings

GUILD = 4242
OTHER = 4343
MOD = 77
BUNDLED = "jason-gold-count"
MANY = 2 * store.BATCH + 7  # more than one batch of every statement


def many(n: int = MANY, *, scope: int = GUILD) -> list[Fact]:
    return [
        Fact(
            id=f"bulk-{i:05d}",
            question=f"Which shelf holds parcel number {i}?",
            answer=f"Shelf {i % 97}.",
            phrasings=(f"where is parcel {i}", f"parcel {i} shelf"),
            accept=(f"shelf {i % 97}",),
            tags=("bulk", f"row-{i % 5}"),
            scope=scope,
        )
        for i in range(n)
    ]


async def _import(app: App, facts: list[Fact], scope: int = GUILD) -> store.ImportReport:
    async with app.sessions.begin() as session:
        return await store.import_facts(session, facts, scope=scope, actor_id=MOD)


async def _audit(app: App, guild: int = GUILD) -> list[FactAuditRow]:
    async with app.sessions() as session:
        rows = await session.scalars(
            select(FactAuditRow).where(FactAuditRow.guild_id == guild).order_by(FactAuditRow.id)
        )
        return list(rows)


async def test_a_bulk_import_writes_every_fact_with_its_phrasings_and_an_audit_row(
    app: App,
) -> None:
    facts = many()
    report = await _import(app, facts)
    assert (report.added, report.updated, report.unchanged) == (MANY, 0, 0)

    async with app.sessions() as session:
        stored = await store.list_facts(session, scope=GUILD)
    assert sorted(stored, key=lambda f: f.id) == facts  # phrasings in order, lists intact
    audit = await _audit(app)
    assert len(audit) == MANY
    assert {a.action for a in audit} == {"add"}
    assert all(a.actor_id == MOD and a.before is None for a in audit)
    assert {a.slug: a.after for a in audit}[facts[5].id] == fact_to_dict(facts[5])


async def test_importing_again_counts_updated_and_unchanged_and_audits_only_changes(
    app: App,
) -> None:
    facts = many()
    await _import(app, facts)
    again = list(facts)
    again[3] = dataclasses.replace(facts[3], answer="Shelf 1000.")
    again[MANY - 1] = dataclasses.replace(facts[MANY - 1], phrasings=("the last parcel",))
    new = Fact(id="bulk-new", question="Which shelf holds the new parcel?", answer="Shelf 1.")
    again.append(dataclasses.replace(new, scope=GUILD))

    report = await _import(app, again)

    assert (report.added, report.updated, report.unchanged) == (1, 2, MANY - 2)
    audit = await _audit(app)
    later = audit[MANY:]
    assert [(a.slug, a.action) for a in later] == [  # in the file's order
        (facts[3].id, "edit"),
        (facts[MANY - 1].id, "edit"),
        ("bulk-new", "add"),
    ]
    edit = later[0]
    assert edit.before == fact_to_dict(facts[3])
    assert edit.after == fact_to_dict(again[3])
    async with app.sessions() as session:
        stored = {f.id: f for f in await store.list_facts(session, scope=GUILD)}
    assert stored[facts[3].id].answer == "Shelf 1000."
    assert stored[facts[MANY - 1].id].phrasings == ("the last parcel",)
    assert len(stored) == MANY + 1


async def test_a_removed_fact_imported_again_comes_back_as_an_add(app: App) -> None:
    fact = many(1)[0]
    await _import(app, [fact])
    async with app.sessions.begin() as session:
        await store.remove_fact(session, GUILD, fact.id, actor_id=MOD)

    report = await _import(app, [fact])  # the same content: still a change, it was removed

    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    assert [a.action for a in await _audit(app)] == ["add", "remove", "add"]
    assert (await _audit(app))[-1].before is None
    async with app.sessions() as session:
        assert [f.id for f in await store.list_facts(session, scope=GUILD)] == [fact.id]


async def test_every_field_survives_the_bulk_write_and_the_load(app: App) -> None:
    fact = Fact(
        id="full-fact",
        question="Who painted the test server's mural?",
        answer="A volunteer, in 2019.",
        phrasings=("mural painter", "who made the mural"),
        accept=("a volunteer",),
        tags=("art",),
        quote="Painted over one weekend.",
        kind="person",
        source=Source("Server newsletter", dt.date(2019, 5, 4)),
        scope=GUILD,
        about=("mural",),
        sex="mixed",
        quiz=False,
        source_url="https://example.org/mural",
    )
    await _import(app, [fact])
    async with app.sessions() as session:
        facts, _ = await store.load_all(session)
    assert [f for f in facts if f.scope == GUILD] == [fact]


async def test_a_server_import_stays_in_its_server(app: App) -> None:
    mine = many(20)
    await _import(app, mine)
    theirs = [dataclasses.replace(f, answer="Elsewhere.", scope=OTHER) for f in mine[:5]]

    report = await _import(app, theirs, scope=OTHER)

    assert report.added == 5  # the same ids in another server are other facts
    async with app.sessions() as session:
        assert {f.answer for f in await store.list_facts(session, scope=OTHER)} == {"Elsewhere."}
        assert await store.list_facts(session, scope=GUILD) == sorted(mine, key=lambda f: f.id)
    with pytest.raises(ValueError, match="scope"):
        await _import(app, [*many(3, scope=GUILD), many(1, scope=OTHER)[0]])
    assert len(await _audit(app, OTHER)) == 5


async def test_a_server_import_hides_the_bundled_facts_it_replaces_once(app: App) -> None:
    bundled = app.index.get(BUNDLED)
    assert bundled is not None
    copy = dataclasses.replace(bundled, answer="Our own count.", scope=GUILD)
    facts = [*many(10), copy]

    for attempt in range(2):
        async with app.sessions.begin() as session:
            report, change = await store.import_server_facts(
                session, facts, guild_id=GUILD, actor_id=MOD
            )
        assert change.hidden == ((GUILD, BUNDLED),)
        assert report.added == (11 if attempt == 0 else 0)
    async with app.sessions() as session:
        hidden = await session.scalar(
            select(func.count()).select_from(HiddenFactRow).where(HiddenFactRow.guild_id == GUILD)
        )
        _, hidden_keys = await store.load_all(session)
    assert hidden == 1
    assert (GUILD, BUNDLED) in hidden_keys


# --- the bundled facts at start -----------------------------------------------------------------


@pytest.fixture
def facts_dir(tmp_path: Path, settings: Settings) -> Path:
    copy = tmp_path / "facts"
    shutil.copytree(settings.facts_dir, copy)
    return copy


async def _bundled_rows(settings: Settings) -> int:
    app = await App.open(settings, load_index=False)
    try:
        async with app.sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(FactRow)
                .where(FactRow.guild_id == GLOBAL_SCOPE, FactRow.deleted_at.is_(None))
            )
            return count or 0
    finally:
        await app.close()


def _edit_first_fact(facts_dir: Path) -> Fact:
    """Change the answer of the first fact of the first fact file; returns that fact."""
    path = next(p for p in sorted(facts_dir.glob("*.yaml")) if load_fact_file(p))
    fact = load_fact_file(path)[0]
    text = path.read_text(encoding="utf-8").replace(fact.answer, fact.answer + " Edited.", 1)
    path.write_text(text, encoding="utf-8")
    return fact


async def test_an_unchanged_bundled_set_is_not_read_again_and_a_changed_one_is(
    settings: Settings, facts_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings.model_copy(update={"facts_dir": facts_dir})
    first = await _bundled_rows(settings)
    assert first > 0

    reads: list[Path] = []
    real_load = app_module.load_fact_dir

    def counting_load(directory: Path) -> list[Fact]:
        reads.append(directory)
        return real_load(directory)

    monkeypatch.setattr(app_module, "load_fact_dir", counting_load)
    app = await App.open(settings)
    try:
        assert reads == []  # the files are those of the last sync: not parsed, not synced
        assert app.index.get(BUNDLED) is not None  # and the bot answers from them
    finally:
        await app.close()

    fact = _edit_first_fact(facts_dir)
    app = await App.open(settings)
    try:
        assert reads == [facts_dir]
        edited = app.index.get(fact.id)
        assert edited is not None and edited.answer.endswith(" Edited.")
    finally:
        await app.close()
    assert await _bundled_rows(settings) == first


async def test_a_bundled_fact_changed_by_an_import_is_restored_at_the_next_start(
    settings: Settings, facts_dir: Path
) -> None:
    settings = settings.model_copy(update={"facts_dir": facts_dir})
    app = await App.open(settings)
    try:
        bundled = app.index.get(BUNDLED)
        assert bundled is not None
        report = await _import(app, [dataclasses.replace(bundled, answer="Changed.")], 0)
        assert report.updated == 1
    finally:
        await app.close()

    app = await App.open(settings)  # same files, but the database no longer matches them
    try:
        restored = app.index.get(BUNDLED)
        assert restored is not None and restored.answer == bundled.answer
    finally:
        await app.close()
