"""Fact changes reach every running bot process: the change feed.

Every committed fact change (a moderator's add, edit, remove, restore or import, a suggestion
approved, the command line's `facts import`) writes audit rows (`fact_audit`) in the same
transaction. A `ChangeFeed` follows that table by id and applies, to this process's index, the
changes of the scopes it holds: the bundled facts, and the servers on its shards.

- PostgreSQL: the process that committed a change sends `NOTIFY fact_changes, '<audit id>'`
  (`Announcer`, a `FactService.on_change` listener, in the bot and in the command line); the
  feed LISTENs on its own connection and catches up from the table on every notification, and
  every `CHECK_INTERVAL` as a safety net (a writer that died between its commit and its
  notification is caught up that way).
- SQLite: the feed polls the table by id every `POLL_INTERVAL`.

What a change does is read back from the database (the fact as it is now, and whether a bundled
fact is hidden in that server), so applying is idempotent: a change this process made itself is
already in its index and is skipped, and a change seen twice does nothing the second time.

After a lost connection the feed reconnects and catches up from the last id it saw, so no change
is missed. Ids are given out when a row is written, not when it commits: an id not seen yet
below a newer one is waited for (`GAP_SECONDS`) before it is given up as rolled back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.core.facts import GLOBAL_SCOPE, Fact
from bot.core.matcher import FactIndex
from bot.core.moderation import FactChange
from bot.core.shards import UNSHARDED, ShardPlan
from bot.db.engine import CONNECT_TIMEOUT, asyncpg_connect_args
from bot.db.facts import row_to_fact
from bot.db.models import FactAuditRow, FactRow, HiddenFactRow

log = logging.getLogger(__name__)

CHANNEL = "fact_changes"
"""The PostgreSQL notification channel; the payload is the newest audit id committed."""
SETTINGS_CHANNEL = "guild_settings_changes"
"""PostgreSQL: a server's settings changed (payload: its id); its cached copy is dropped."""
POLL_INTERVAL = 0.25
"""Seconds between two reads of the audit table on SQLite."""
CHECK_INTERVAL = 2.0
"""PostgreSQL: seconds without a notification after which the feed checks its connection and
reads the audit table anyway."""
CHECK_TIMEOUT = 3.0
RECONNECT_MIN = 0.25
RECONNECT_MAX = 2.0
"""Seconds between two attempts to reach the database again (doubling up to this)."""
GAP_SECONDS = 15.0
"""How long an audit id below a newer one is waited for (a transaction still committing)."""
BATCH = 2000
"""Audit rows read at once."""
APPLY_CHUNK = 200
"""Facts applied to the index between two yields to the event loop."""
STOP_TIMEOUT = 2.0

Key = tuple[int, str]
AppliedListener = Callable[[Sequence[Key]], None]


async def last_change_id(session: AsyncSession) -> int:
    """The newest audit id (0 if there is none)."""
    return int(await session.scalar(select(func.max(FactAuditRow.id))) or 0)


class Announcer:
    """A `FactService.on_change` listener that tells the other processes (PostgreSQL NOTIFY)
    that a change was committed. It does not hold up the reply to whoever made the change:
    the notification is sent in the background (`flush()` waits for it, e.g. before a command
    line exits). A notification that cannot be sent is logged in one line; the others catch up
    on their next check."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        url = engine.url
        self.enabled = url.get_backend_name() == "postgresql"
        self._pending: set[asyncio.Task[None]] = set()
        self.sent = 0
        self.failed = 0

    def __call__(self, change: object) -> None:
        self._schedule(self.send())

    def settings_changed(self, guild_id: int) -> None:
        """A `GuildConfigCache.on_change` listener: other processes drop their cached copy."""
        self._schedule(self.send(SETTINGS_CHANNEL, str(int(guild_id))))

    def _schedule(self, coro: Any) -> None:
        if not self.enabled:
            coro.close()
            return
        task = asyncio.create_task(coro, name="fact-change-notify")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def send(self, channel: str = CHANNEL, payload: str | None = None) -> None:
        """NOTIFY (by default the newest audit id on the fact channel); never raises."""
        try:
            async with asyncio.timeout(CHECK_TIMEOUT), self.engine.connect() as conn:
                if payload is None:
                    await conn.execute(
                        text(
                            "SELECT pg_notify(:channel, "
                            "(SELECT coalesce(max(id), 0) FROM fact_audit)::text)"
                        ),
                        {"channel": channel},
                    )
                else:
                    await conn.execute(
                        text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": channel, "payload": payload},
                    )
                await conn.commit()
            self.sent += 1
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self.failed += 1
            log.warning(
                "change feed: could not tell the other processes about a change (%s); "
                "they find it on their next check",
                type(error).__name__,
            )

    async def flush(self) -> None:
        """Wait (a few seconds at most) for the notifications not sent yet."""
        if self._pending:
            with contextlib.suppress(Exception):
                await asyncio.wait(set(self._pending), timeout=CHECK_TIMEOUT + 1)


class ChangeFeed:
    """Follows the audit table and applies other processes' fact changes to `index`."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        index: FactIndex,
        *,
        shards: ShardPlan = UNSHARDED,
        since: int = 0,
        poll_interval: float = POLL_INTERVAL,
        listen: bool | None = None,
        writes: asyncio.Lock | None = None,
    ) -> None:
        """`since`: the newest audit id already in the index (`App.audit_mark`). `listen`:
        LISTEN/NOTIFY (default: on PostgreSQL with asyncpg), else poll. `writes`: the lock this
        process changes the index under (`FactService.writes`); the feed holds it from reading
        the facts' state to applying it, so that a change committed here meanwhile is applied
        after the state read before it, never undone by it."""
        self.engine = engine
        self.writes = writes if writes is not None else asyncio.Lock()
        self.sessions = sessions
        self.index = index
        self.shards = shards
        self.poll_interval = poll_interval
        url = engine.url
        self.listen = (
            listen
            if listen is not None
            else (url.get_backend_name() == "postgresql" and url.get_driver_name() == "asyncpg")
        )
        self.mark = since
        """Every audit id up to here is applied (or was given up as rolled back)."""
        self._seen: set[int] = set()  # ids above the mark already applied
        self._gaps: dict[int, float] = {}  # ids above the mark not seen yet -> since when
        self.on_applied: list[AppliedListener] = []
        """Called with the (scope, fact id) keys each catch-up changed in the index."""
        self.on_settings: list[Callable[[int | None], None]] = []
        """PostgreSQL: called with a server id whose settings another process changed (and,
        with None, after a lost connection: any server's may have changed meanwhile)."""
        self.applied = 0  # facts changed in the index
        self.already = 0  # changes that were in the index already (this process made them)
        self.elsewhere = 0  # changes of servers on other shards, ignored
        self.bad_payloads = 0
        self.reconnects = 0
        self.connected = asyncio.Event()  # PostgreSQL: listening
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._rechecks: set[asyncio.Task[None]] = set()
        self._conn: Any = None
        self._down_since: float | None = None

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None or self._task.done():
            loop = self._listen_loop if self.listen else self._poll_loop
            self._task = asyncio.create_task(loop(), name="fact-change-feed")

    async def stop(self) -> None:
        """Stop following; never raises and never waits more than a few seconds."""
        task, self._task = self._task, None
        tasks = {t for t in (task, *self._rechecks) if t is not None and not t.done()}
        for t in tasks:
            t.cancel()
        if tasks:
            with contextlib.suppress(BaseException):
                await asyncio.wait(tasks, timeout=STOP_TIMEOUT)
        await self._close_connection()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        """Read the audit table now (e.g. after a notification)."""
        self._wake.set()

    # --- reading and applying ---------------------------------------------------------------
    async def catch_up(self) -> int:
        """Apply every change after the last one seen; returns how many facts changed here.
        Errors (the database unreachable) propagate; nothing seen is then forgotten."""
        async with self._lock:
            changed = 0
            while True:
                async with self.sessions() as session:
                    rows = (
                        await session.execute(
                            select(FactAuditRow.id, FactAuditRow.guild_id, FactAuditRow.slug)
                            .where(FactAuditRow.id > self.mark)
                            .order_by(FactAuditRow.id)
                            .limit(BATCH)
                        )
                    ).all()
                new = [r for r in rows if r.id not in self._seen]
                keys: dict[Key, None] = {}
                for r in new:
                    if self.shards.holds(r.guild_id):
                        keys[(r.guild_id, r.slug)] = None
                    else:
                        self.elsewhere += 1
                if keys:
                    changed += await self._read_and_apply(list(keys))
                self._seen.update(r.id for r in new)
                self._advance([r.id for r in rows])
                if len(rows) < BATCH:
                    return changed

    def _advance(self, ids: Sequence[int]) -> None:
        """Move the mark over ids seen and gaps waited for long enough."""
        now = time.monotonic()
        top = max(ids, default=self.mark)
        for i in range(self.mark + 1, top):
            if i not in self._seen:
                self._gaps.setdefault(i, now)
        while True:
            nxt = self.mark + 1
            if nxt in self._seen:
                self._seen.discard(nxt)
            elif nxt in self._gaps and now - self._gaps[nxt] >= GAP_SECONDS:
                log.debug("change feed: audit id %d never committed; given up", nxt)
                del self._gaps[nxt]
            else:
                break
            self._gaps.pop(nxt, None)
            self.mark = nxt

    @staticmethod
    async def _read_state(
        session: AsyncSession, keys: Sequence[Key]
    ) -> tuple[dict[Key, Fact], set[Key]]:
        """The live facts under these keys, and which of them are hidden bundled facts."""
        by_guild: dict[int, list[str]] = {}
        for guild_id, slug in keys:
            by_guild.setdefault(guild_id, []).append(slug)
        facts: dict[Key, Fact] = {}
        hidden: set[Key] = set()
        for guild_id, slugs in by_guild.items():
            for start in range(0, len(slugs), 500):
                part = slugs[start : start + 500]
                rows = await session.scalars(
                    select(FactRow)
                    .where(
                        FactRow.guild_id == guild_id,
                        FactRow.slug.in_(part),
                        FactRow.deleted_at.is_(None),
                    )
                    .options(selectinload(FactRow.phrasings))
                )
                facts.update(((guild_id, r.slug), row_to_fact(r)) for r in rows)
                if guild_id != GLOBAL_SCOPE:
                    marked = await session.scalars(
                        select(HiddenFactRow.slug).where(
                            HiddenFactRow.guild_id == guild_id, HiddenFactRow.slug.in_(part)
                        )
                    )
                    hidden.update((guild_id, s) for s in marked)
        return facts, hidden

    async def _apply(self, keys: Sequence[Key], facts: dict[Key, Fact], hidden: set[Key]) -> int:
        index = self.index
        changed: list[Key] = []
        added = False
        for n, key in enumerate(keys, 1):
            guild_id, slug = key
            now = index.get(slug, guild_id or None)
            mine = now if now is not None and now.scope == guild_id else None
            fact = facts.get(key)
            if fact is not None:
                if mine != fact:
                    index.add(fact, refresh=False)
                    changed.append(key)
                    added = True
            elif mine is not None:
                index.remove(key)
                changed.append(key)
            if guild_id != GLOBAL_SCOPE:
                if key in hidden:
                    was = index.get(slug, guild_id)
                    index.hide(guild_id, slug)
                    if was is not None and was.scope == GLOBAL_SCOPE:
                        changed.append(key)
                else:
                    was = index.get(slug, guild_id)
                    index.unhide(guild_id, slug)
                    if was is None and index.get(slug, guild_id) is not None:
                        changed.append(key)
            if n % APPLY_CHUNK == 0:
                await asyncio.sleep(0)  # a big import must not stall replies
        if added:
            index.refresh()
        unique = list(dict.fromkeys(changed))
        self.applied += len(unique)
        self.already += len(keys) - len(unique)
        if unique:
            log.debug("change feed: %d fact(s) changed from the audit table", len(unique))
            for listener in list(self.on_applied):
                try:
                    listener(unique)
                except Exception:
                    log.exception("a change feed listener failed")
        return len(unique)

    def recheck(self, change: FactChange) -> None:
        """A `FactService.on_change` listener: after this process applied its own change, read
        its facts back. If another process changed one of them between this commit and this
        index update (and the feed applied that first), the index gets the newer version back."""
        keys = [f.key for f in change.added]
        keys += [*change.removed, *change.hidden, *change.unhidden]
        keys = [k for k in dict.fromkeys(keys) if self.shards.holds(k[0])]
        if keys and self.running:
            task = asyncio.create_task(self._recheck(keys), name="fact-change-recheck")
            self._rechecks.add(task)
            task.add_done_callback(self._rechecks.discard)

    async def _read_and_apply(self, keys: Sequence[Key]) -> int:
        """Read these facts' state in a transaction of its own and apply it, under `writes`:
        a change this process commits after the read is applied after this one."""
        async with self.writes:
            async with self.sessions() as session:
                state = await self._read_state(session, keys)
            return await self._apply(keys, *state)

    async def _recheck(self, keys: Sequence[Key]) -> None:
        try:
            async with self._lock:
                await self._read_and_apply(keys)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.debug("change feed: a recheck failed; the next catch-up reads it", exc_info=True)

    # --- following --------------------------------------------------------------------------
    async def _wait(self, seconds: float, *others: asyncio.Event) -> bool:
        """Sleep until woken (True) or `seconds` passed (False)."""
        events = [self._wake, *others]
        if not any(e.is_set() for e in events):
            waiters = [asyncio.ensure_future(e.wait()) for e in events]
            try:
                await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waiters:
                    w.cancel()
        woke = self._wake.is_set()
        self._wake.clear()
        return woke

    def _failed(self, error: BaseException) -> None:
        if self._down_since is None:
            self._down_since = time.monotonic()
            log.warning(
                "change feed: database unreachable (%s: %s); changes made meanwhile are "
                "caught up when it is back",
                type(error).__name__,
                str(error).splitlines()[0][:200] if str(error) else "",
            )
        else:
            log.debug("change feed: still unreachable", exc_info=error)

    def _back(self, caught_up: int) -> None:
        if self._down_since is not None:
            log.warning(
                "change feed: database reachable again after %.1f s; %d fact change(s) caught up",
                time.monotonic() - self._down_since,
                caught_up,
            )
            self._down_since = None

    async def _safe_catch_up(self) -> bool:
        try:
            caught = await self.catch_up()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self._failed(error)
            return False
        self._back(caught)
        return True

    async def _poll_loop(self) -> None:
        while True:
            await self._safe_catch_up()
            await self._wait(self.poll_interval)

    async def _listen_loop(self) -> None:
        delay = RECONNECT_MIN
        while True:
            lost = asyncio.Event()
            try:
                conn = await self._connect()
                self._conn = conn
                conn.add_termination_listener(lambda _conn, lost=lost: lost.set())
                await conn.add_listener(CHANNEL, self._on_notify)
                await conn.add_listener(SETTINGS_CHANNEL, self._on_settings_notify)
                self.connected.set()
                if self._down_since is not None:
                    self.reconnects += 1
                    self._settings_changed(None)  # what changed meanwhile is unknown
                # Whatever was committed while not listening is in the table.
                while not await self._safe_catch_up() and not lost.is_set():
                    await self._wait(delay, lost)
                delay = RECONNECT_MIN
                while not lost.is_set():
                    woke = await self._wait(CHECK_INTERVAL, lost)
                    if lost.is_set():
                        break
                    if not woke:  # quiet: is the line still alive?
                        await conn.fetchval("SELECT 1", timeout=CHECK_TIMEOUT)
                    await self._safe_catch_up()
                raise ConnectionError("the listening connection was closed")
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._failed(error)
            finally:
                self.connected.clear()
                await self._close_connection()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX)

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            audit_id = int(payload)
        except (TypeError, ValueError):
            self.bad_payloads += 1
            log.warning(
                "change feed: a notification that is not a change id (%r); catching up from "
                "the audit table",
                str(payload)[:100],
            )
            self.wake()
            return
        if audit_id > self.mark and audit_id not in self._seen:
            self.wake()

    def _on_settings_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            guild_id: int | None = int(payload)
        except (TypeError, ValueError):
            self.bad_payloads += 1
            log.warning(
                "change feed: a settings notification that is not a server id (%r)",
                str(payload)[:100],
            )
            guild_id = None  # forget every server's: the next reads are fresh
        self._settings_changed(guild_id)

    def _settings_changed(self, guild_id: int | None) -> None:
        for listener in list(self.on_settings):
            try:
                listener(guild_id)
            except Exception:
                log.exception("a settings listener failed")

    async def _connect(self) -> Any:
        import asyncpg  # only for PostgreSQL

        url = make_url(self.engine.url.render_as_string(hide_password=False))
        args = asyncpg_connect_args(url)
        async with asyncio.timeout(CONNECT_TIMEOUT + 0.5):
            return await asyncpg.connect(**args, timeout=CONNECT_TIMEOUT)

    async def _close_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            async with asyncio.timeout(1.0):
                await conn.close()
        except BaseException:
            with contextlib.suppress(Exception):
                conn.terminate()
