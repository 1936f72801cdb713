"""Fact persistence on SQLite and PostgreSQL: migrations, idempotent seeding, imports."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core.facts import Fact, FactImportError, load_fact_file
from bot.db import facts as store
from bot.db.models import FactAuditRow, FactRow
from bot.settings import Settings


async def _count(app: App) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(FactRow)) or 0


async def test_first_start_creates_schema_and_loads_bundled_facts(
    app: App, bundled_facts: list[Fact]
) -> None:
    assert await _count(app) == len(bundled_facts)
    assert len(app.index) == len(bundled_facts)
    assert app.index.match("how many golds has jason kenny got?").fact is not None


async def test_starting_twice_adds_nothing(settings: Settings, bundled_facts: list[Fact]) -> None:
    for _ in range(2):
        app = await App.open(settings)
        assert await _count(app) == len(bundled_facts)
        await app.close()


async def test_an_edited_fact_file_updates_its_row(
    settings: Settings, tmp_path: Path, bundled_facts: list[Fact]
) -> None:
    facts_dir = tmp_path / "facts"
    facts_dir.mkdir()
    for path in settings.facts_dir.glob("*.yaml"):
        (facts_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    edited = settings.model_copy(update={"facts_dir": facts_dir})
    app = await App.open(edited)
    await app.close()

    first = sorted(facts_dir.glob("*.yaml"))[0]
    fact = load_fact_file(first)[0]
    text = first.read_text(encoding="utf-8").replace(fact.answer, fact.answer + " Edited.", 1)
    first.write_text(text, encoding="utf-8")

    app = await App.open(edited)
    try:
        assert await _count(app) == len(bundled_facts)
        updated = app.index.get(fact.id)
        assert updated is not None and updated.answer.endswith("Edited.")
    finally:
        await app.close()


async def test_import_adds_updates_and_audits_within_one_scope(app: App) -> None:
    fact = Fact(
        id="server-fact", question="Who rides for the test server?", answer="Nobody.", scope=42
    )
    async with app.sessions.begin() as session:
        report = await store.import_facts(session, [fact], scope=42, actor_id=7)
    assert (report.added, report.updated, report.unchanged) == (1, 0, 0)

    changed = dataclasses.replace(fact, answer="Somebody.")
    async with app.sessions.begin() as session:
        again = await store.import_facts(session, [changed], scope=42, actor_id=7)
    assert again.updated == 1
    async with app.sessions() as session:
        audit = list(await session.scalars(select(FactAuditRow).order_by(FactAuditRow.id)))
        server = await store.list_facts(session, scope=42)
        bundled = await store.list_facts(session, scope=0)
    assert [a.action for a in audit] == ["add", "edit"]
    assert audit[1].before is not None and audit[1].before["answer"] == "Nobody."
    assert [f.answer for f in server] == ["Somebody."]
    assert all(f.scope == 0 for f in bundled)


async def test_a_failed_import_changes_nothing(app: App) -> None:
    before = await _count(app)
    good = Fact(id="good-one", question="A good question?", answer="Yes.", scope=5)
    with pytest.raises(RuntimeError):
        async with app.sessions.begin() as session:
            await store.import_facts(session, [good], scope=5, actor_id=1)
            raise RuntimeError("a later fact failed")
    assert await _count(app) == before


def test_a_broken_file_names_file_fact_and_field(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("facts:\n  - id: no-answer\n    question: Who won the keirin?\n")
    with pytest.raises(FactImportError, match=r"broken.yaml: fact 'no-answer': field 'answer'"):
        load_fact_file(path)
