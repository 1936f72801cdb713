"""The change feed: a fact change committed by one process is applied in every other one that
holds its scope, within a second, on SQLite (polling) and PostgreSQL (LISTEN/NOTIFY); nothing is
missed across a lost connection; a bad notification is a log line and a catch-up."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot import changes
from bot.app import App
from bot.changes import Announcer, ChangeFeed
from bot.core.facts import GLOBAL_SCOPE, Fact
from bot.core.matcher import Outcome
from bot.core.shards import ShardPlan
from bot.db import facts as store
from bot.services.facts import FactForm, FactService
from bot.settings import Settings
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.faults.proxy import TcpProxy

MOD = 7
ON_SHARD_0 = 1000 << 22  # (id >> 22) % 2 == 0
ON_SHARD_1 = 1001 << 22
FISH = FactForm("What is the name of the office goldfish?", "Bubbles.", accept="Bubbles")
PLANT = FactForm("Who waters the plant on the windowsill?", "The night porter.")

pg_only = pytest.mark.skipif(
    not POSTGRES_URL, reason="TEST_DATABASE_URL is not set (LISTEN/NOTIFY needs PostgreSQL)"
)


@dataclass
class Process:
    """What one bot process has: its app (index), its fact service, its feed."""

    app: App
    facts: FactService
    feed: ChangeFeed


async def _open(url: str, shards: ShardPlan | None = None) -> Process:
    settings = Settings(_env_file=None, database_url=url, discord_token=None)  # type: ignore[call-arg]
    app = await App.open(settings, shards=shards)
    service = FactService(app.sessions, app.index)
    service.on_change.append(Announcer(app.engine))
    feed = ChangeFeed(
        app.engine,
        app.sessions,
        app.index,
        shards=app.shards,
        since=app.audit_mark,
        writes=service.writes,
    )
    service.on_change.append(feed.recheck)  # as the bot wires it
    feed.start()
    if feed.listen:
        await asyncio.wait_for(feed.connected.wait(), 5)
    return Process(app, service, feed)


@contextlib.asynccontextmanager
async def processes(*urls_and_plans: tuple[str, ShardPlan | None]) -> AsyncIterator[list[Process]]:
    opened: list[Process] = []
    try:
        for url, plan in urls_and_plans:
            opened.append(await _open(url, plan))
        yield opened
    finally:
        for p in opened:
            await p.feed.stop()
            await p.app.close()


async def within(seconds: float, check: Callable[[], bool], what: str) -> float:
    """Seconds until `check()` holds; fails after `seconds`."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"not within {seconds} s: {what}")
        await asyncio.sleep(0.01)
    return time.monotonic() - start


def answers(p: Process, question: str, guild_id: int, answer: str) -> Callable[[], bool]:
    def check() -> bool:
        result = p.app.index.match(question, guild_id=guild_id)
        return (
            result.outcome is Outcome.ANSWER
            and result.fact is not None
            and (result.fact.answer == answer)
        )

    return check


def visible(p: Process, guild_id: int) -> set[tuple[int, str, str]]:
    return {(f.scope, f.id, f.answer) for f in p.app.index.facts(guild_id)}


async def fresh_view(url: str, guild_id: int) -> set[tuple[int, str, str]]:
    """What a process started now would hold for a server."""
    settings = Settings(_env_file=None, database_url=url, discord_token=None)  # type: ignore[call-arg]
    app = await App.open(settings, seed=False)
    try:
        return {(f.scope, f.id, f.answer) for f in app.index.facts(guild_id)}
    finally:
        await app.close()


@pytest.fixture
def url(database_url: str) -> str:
    """A fresh database, SQLite and PostgreSQL (tests/conftest.py)."""
    return database_url


async def test_every_kind_of_change_reaches_the_other_process_within_a_second(url: str) -> None:
    async with processes((url, None), (url, None)) as (a, b):
        bundled: Fact = next(iter(a.app.index.facts(None)))
        added: list[Fact] = []

        async def add() -> None:
            added.append(await a.facts.add(a.facts.draft(ON_SHARD_0, FISH), actor_id=MOD))

        async def edit() -> None:
            fact = added[0]
            new = a.facts.draft_edit(
                ON_SHARD_0, fact, FactForm(fact.question, "Goldie.", accept="Goldie")
            )
            await a.facts.edit(ON_SHARD_0, fact, new, actor_id=MOD)

        steps: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("add", add),
            ("edit", edit),
            ("remove", lambda: a.facts.remove(ON_SHARD_0, added[0].id, actor_id=MOD)),
            ("restore", lambda: a.facts.restore(ON_SHARD_0, added[0].id, actor_id=MOD)),
            ("hide a bundled fact", lambda: a.facts.remove(ON_SHARD_0, bundled.id, actor_id=MOD)),
            ("show it again", lambda: a.facts.restore(ON_SHARD_0, bundled.id, actor_id=MOD)),
            (
                "override a bundled fact",
                lambda: a.facts.edit(
                    ON_SHARD_0,
                    bundled,
                    a.facts.draft_edit(
                        ON_SHARD_0, bundled, FactForm(bundled.question, "Our own answer.")
                    ),
                    actor_id=MOD,
                ),
            ),
            (
                "import a server's facts",
                lambda: a.facts.import_facts(
                    [dataclasses.replace(a.facts.draft(ON_SHARD_1, PLANT), id="plant")],
                    scope=ON_SHARD_1,
                    actor_id=MOD,
                ),
            ),
        ]
        for what, step in steps:
            await step()
            for guild in (ON_SHARD_0, ON_SHARD_1):

                def same(g: int = guild) -> bool:
                    return visible(b, g) == visible(a, g)

                await within(
                    1.0,
                    same,
                    f"{what}: the other process sees what the first one does in {guild}",
                )
        assert b.feed.applied >= len(steps)
        # The first process made them all. Its feed sees them too: usually already in its index,
        # but a notification may be read between a commit and the index update, and is then
        # applied again. Either way both processes end with what the database holds.
        await within(1.0, lambda: a.feed.already + a.feed.applied >= len(steps), "own changes seen")
        for guild in (ON_SHARD_0, ON_SHARD_1):
            fresh = await fresh_view(url, guild)
            assert visible(b, guild) == fresh
            assert visible(a, guild) == fresh


async def test_a_global_import_answers_in_the_other_process_within_a_second(url: str) -> None:
    async with processes((url, None), (url, None)) as (a, b):
        fact = Fact(
            id="tea-urn",
            question="Where is the tea urn kept?",
            answer="In the pavilion kitchen.",
            scope=GLOBAL_SCOPE,
        )
        await a.facts.import_facts([fact], scope=GLOBAL_SCOPE)
        took = await within(
            1.0,
            answers(b, "where is the tea urn kept", ON_SHARD_1, fact.answer),
            "the imported fact answers in the other process",
        )
        assert took < 1.0


async def test_a_process_ignores_the_servers_of_other_shards(url: str) -> None:
    shard_0 = ShardPlan(2, (0,))
    async with processes((url, None), (url, shard_0)) as (a, b):
        mine = await a.facts.add(a.facts.draft(ON_SHARD_0, FISH), actor_id=MOD)
        theirs = await a.facts.add(a.facts.draft(ON_SHARD_1, PLANT), actor_id=MOD)
        await within(1.0, lambda: b.app.index.get(mine.id, ON_SHARD_0) == mine, "shard 0's fact")
        await within(1.0, lambda: b.feed.elsewhere >= 1, "shard 1's change read and skipped")
        assert b.app.index.get(theirs.id, ON_SHARD_1) is None
        assert not any(f.scope == ON_SHARD_1 for f in b.app.index.facts(ON_SHARD_1))
    # And a process started for shard 0 does not load it either.
    async with processes((url, shard_0)) as (c,):
        assert c.app.index.get(theirs.id, ON_SHARD_1) is None
        assert c.app.index.get(mine.id, ON_SHARD_0) == mine


async def test_changes_made_before_the_feed_started_are_in_the_index_once(url: str) -> None:
    async with processes((url, None)) as (a,):
        fact = await a.facts.add(a.facts.draft(ON_SHARD_0, FISH), actor_id=MOD)
    async with processes((url, None)) as (b,):
        assert b.app.audit_mark >= 1
        await asyncio.sleep(0.6)
        assert b.app.index.get(fact.id, ON_SHARD_0) == fact
        assert (b.feed.applied, b.feed.already) == (0, 0)  # loaded, not re-applied


# --- PostgreSQL: notifications, lost connections ---------------------------------------------
@pytest.fixture
async def pg() -> str:
    assert POSTGRES_URL is not None
    await reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pg_only
async def test_a_notification_that_does_not_parse_is_logged_and_caught_up(
    pg: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(changes, "CHECK_INTERVAL", 30.0)  # only a notification wakes the feed
    async with processes((pg, None), (pg, None)) as (a, b):
        a.facts.on_change.clear()  # this change is not announced
        fact = await a.facts.add(a.facts.draft(ON_SHARD_0, FISH), actor_id=MOD)
        await asyncio.sleep(0.3)
        assert b.app.index.get(fact.id, ON_SHARD_0) is None
        async with a.app.engine.connect() as conn:
            await conn.execute(text("SELECT pg_notify('fact_changes', 'not-an-id')"))
            await conn.commit()
        await within(1.0, lambda: b.app.index.get(fact.id, ON_SHARD_0) == fact, "caught up")
        assert b.feed.bad_payloads == 1 and b.feed.running
        assert "a notification that is not a change id ('not-an-id')" in caplog.text


@pg_only
async def test_a_change_made_while_the_connection_is_cut_arrives_after_it_is_back(
    pg: str, caplog: pytest.LogCaptureFixture
) -> None:
    target = make_url(pg)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    async with proxy, processes((pg, None), (proxy.url(pg), None)) as (a, b):
        proxy.cut("reset")
        await within(5.0, lambda: not b.feed.connected.is_set(), "the feed lost its line")
        fact = await a.facts.add(a.facts.draft(ON_SHARD_0, FISH), actor_id=MOD)
        await asyncio.sleep(1.5)
        assert b.app.index.get(fact.id, ON_SHARD_0) is None  # cut off: cannot know yet
        proxy.restore()
        await within(5.0, lambda: b.app.index.get(fact.id, ON_SHARD_0) == fact, "caught up")
        assert b.feed.reconnects >= 1
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.changes"]
    assert sum("database unreachable" in m for m in lines) == 1, lines
    assert sum("reachable again" in m for m in lines) == 1, lines


@pg_only
async def test_stopping_never_hangs_even_during_a_partition(pg: str) -> None:
    target = make_url(pg)
    async with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
        p = await _open(proxy.url(pg))
        try:
            proxy.cut("partition")
            await asyncio.sleep(0.5)
            start = time.monotonic()
            await p.feed.stop()
            assert time.monotonic() - start < changes.STOP_TIMEOUT + 1.5
            assert not p.feed.running
        finally:
            proxy.restore()
            await p.app.close()


@pg_only
async def test_a_transaction_that_commits_after_a_newer_one_is_not_missed(pg: str) -> None:
    """Audit ids are given out at insert time: a slow transaction can commit its smaller id
    after a faster one's bigger id was seen."""
    async with processes((pg, None), (pg, None)) as (a, b):
        slow = a.app.sessions()
        await slow.begin()
        fact = dataclasses.replace(a.facts.draft(ON_SHARD_0, FISH), id="goldfish")
        change = await store.add_fact(slow, fact, actor_id=MOD)
        await slow.flush()  # its audit id is taken now
        quick = await a.facts.add(a.facts.draft(ON_SHARD_0, PLANT), actor_id=MOD)
        await within(1.0, lambda: b.app.index.get(quick.id, ON_SHARD_0) == quick, "the quick one")
        await slow.commit()
        await slow.close()
        await a.facts.after_commit(change)
        await within(2.5, lambda: b.app.index.get("goldfish", ON_SHARD_0) == fact, "the slow one")


@pg_only
async def test_a_servers_settings_changed_in_one_process_are_read_again_in_the_other(
    pg: str,
) -> None:
    from bot.core.policy import AskLimit
    from bot.services.guild_config import GuildConfigCache

    async with processes((pg, None), (pg, None)) as (a, b):
        configs = []
        for p in (a, b):  # wired as the bot wires them
            cache = GuildConfigCache(p.app.sessions, default_limit=AskLimit(5, 30.0))
            announcer = Announcer(p.app.engine)
            cache.on_change.append(announcer.settings_changed)
            p.feed.on_settings.append(cache.invalidate)
            configs.append(cache)
        mine, theirs = configs
        assert (await theirs.get(ON_SHARD_0)).moderator_role_id is None  # cached there now
        await mine.set_moderator_role(ON_SHARD_0, 4321)
        await within(1.0, lambda: theirs.cached(ON_SHARD_0) is None, "the copy dropped")
        assert (await theirs.get(ON_SHARD_0)).moderator_role_id == 4321


async def test_a_change_overtaken_before_its_own_index_update_ends_with_the_newer_one(
    url: str,
) -> None:
    """A commits X; before A's index has X, B commits Y over it and A's feed applies Y; then
    A's own update puts X in its index. A reads it back and ends with Y, as the database."""
    async with processes((url, None), (url, None)) as (a, b):
        fish = await b.facts.add(b.facts.draft(ON_SHARD_0, FISH), actor_id=MOD)
        await within(1.0, lambda: a.app.index.get(fish.id, ON_SHARD_0) == fish, "added")
        x = a.facts.draft_edit(ON_SHARD_0, fish, FactForm(fish.question, "Goldie."))
        async with a.app.sessions.begin() as session:
            change_x = await store.edit_fact(session, ON_SHARD_0, x, actor_id=MOD)
        y = b.facts.draft_edit(ON_SHARD_0, x, FactForm(fish.question, "Finn."))
        await b.facts.edit(ON_SHARD_0, x, y, actor_id=MOD)
        await within(1.0, lambda: a.app.index.get(fish.id, ON_SHARD_0) == y, "Y applied in A")
        await a.facts.after_commit(change_x)  # A's own (late) update of its index
        await within(1.0, lambda: a.app.index.get(fish.id, ON_SHARD_0) == y, "back to Y")
        assert visible(a, ON_SHARD_0) == await fresh_view(url, ON_SHARD_0)


async def test_a_change_committed_here_while_the_feed_reads_is_never_undone(url: str) -> None:
    """The feed reads a fact's state (removed); then this process restores the fact and tells
    the moderator so; then the feed applies what it had read. The fact must stay restored in
    this process's index at every step after the moderator was told, not only in the end."""
    async with processes((url, None)) as (a,):
        fish = await a.facts.add(a.facts.draft(ON_SHARD_0, FISH), actor_id=MOD)
        read_state = a.feed._read_state
        apply = a.feed._apply
        restore: list[asyncio.Task[Fact]] = []
        lost_after_told: list[bool] = []

        async def read_state_then_restore(session: Any, keys: Any) -> Any:
            state = await read_state(session, keys)
            if (
                (ON_SHARD_0, fish.id) in keys
                and (ON_SHARD_0, fish.id) not in state[0]
                and not restore
            ):
                restore.append(
                    asyncio.create_task(a.facts.restore(ON_SHARD_0, fish.id, actor_id=MOD))
                )
                await asyncio.sleep(0.3)  # the restore commits meanwhile
            return state

        async def apply_and_check(keys: Any, facts: Any, hidden: Any) -> Any:
            changed = await apply(keys, facts, hidden)
            if restore and restore[0].done():
                lost_after_told.append(a.app.index.get(fish.id, ON_SHARD_0) is None)
            return changed

        a.feed._read_state = read_state_then_restore  # type: ignore[method-assign]
        a.feed._apply = apply_and_check  # type: ignore[method-assign]
        await a.facts.remove(ON_SHARD_0, fish.id, actor_id=MOD)
        await within(3.0, lambda: bool(restore) and restore[0].done(), "restored")
        await restore[0]
        await a.feed.catch_up()
        assert a.app.index.get(fish.id, ON_SHARD_0) == fish
        assert not any(lost_after_told)
