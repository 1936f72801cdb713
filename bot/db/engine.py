"""Engine, sessions and schema migrations (Alembic, run in-process on every start).

A database that cannot be reached is an expected condition, not a bug: every connection and
statement has a timeout, connection and timeout errors are raised as `DatabaseUnavailable`, and
the operators get one log line when an outage starts and one, with its duration, when it ends
(not a traceback per request). A write whose commit was sent but never confirmed is checked by
the primary keys of the rows it inserted before anyone is told whether it was saved.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, exc, inspect, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")

CONNECT_TIMEOUT = 3.0
"""Seconds to open a connection (PostgreSQL) or to wait for a locked SQLite file."""
STATEMENT_TIMEOUT = 4.0
"""Seconds one statement may take before it is abandoned (PostgreSQL)."""
VERIFY_SECONDS = 6.0
"""How long a write whose commit was not confirmed is checked (by id) before giving up."""
VERIFY_INTERVAL = 0.5

_SQLITE_UNAVAILABLE = ("locked", "busy", "unable to open", "disk i/o", "readonly database")


class DatabaseUnavailable(Exception):
    """The database could not be reached, or did not answer in time. Nothing was saved."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason or "the database is not reachable")
        self.reason = reason


class WriteOutcomeUnknown(DatabaseUnavailable):
    """A commit was sent, the database stopped answering, and checking by id was not possible:
    the write may or may not have been saved."""


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo and len(seen) < 12:
        current = todo.pop(0)
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [
            current.__cause__,
            current.__context__,
            getattr(current, "orig", None),
            getattr(current, "original", None),
        ]
    return seen


_DATABASE_MODULES = ("sqlalchemy.", "asyncpg.", "aiosqlite.", "bot.db.")


def _raised_in_database_code(error: BaseException) -> bool:
    """A timeout or socket error raised while talking to the database (e.g. the driver's
    timeout on a health check), not while talking to Discord."""
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(_DATABASE_MODULES):
            return True
        tb = tb.tb_next
    return False


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means "the database is unreachable or too slow" (rather than a bug)."""
    for err in _chain(error):
        if isinstance(err, DatabaseUnavailable | exc.TimeoutError):
            return True
        if isinstance(err, TimeoutError | ConnectionError) and _raised_in_database_code(err):
            return True
        if isinstance(err, exc.DBAPIError):
            if err.connection_invalidated:
                return True
            if isinstance(err, exc.OperationalError | exc.InterfaceError):
                message = str(err.orig).lower()
                if "sqlite" not in type(err.orig).__module__:
                    return True
                if any(word in message for word in _SQLITE_UNAVAILABLE):
                    return True
    return False


def outcome_unknown(error: BaseException) -> bool:
    return any(isinstance(err, WriteOutcomeUnknown) for err in _chain(error))


class OutageMonitor:
    """Turns many failing requests into one log line at the start of an outage and one, with
    its duration, at the end."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.down_since: float | None = None
        self.failures = 0
        self.outages: list[float] = []  # durations of the outages that ended, in seconds

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def failed(self, error: BaseException) -> None:
        self.failures += 1
        if self.down_since is None:
            self.down_since = time.monotonic()
            log.warning(
                "database %s unreachable (%s); requests are refused until it is back",
                self.name,
                _reason(error),
            )

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        duration = time.monotonic() - self.down_since
        self.outages.append(duration)
        log.warning(
            "database %s reachable again after an outage of %.1f s (%d failed requests)",
            self.name,
            duration,
            self.failures,
        )
        self.down_since, self.failures = None, 0


_MONITORS: weakref.WeakKeyDictionary[Engine, OutageMonitor] = weakref.WeakKeyDictionary()


def outage_monitor(engine: AsyncEngine) -> OutageMonitor:
    """The outage monitor of an engine made by `create_engine`."""
    return _MONITORS.setdefault(engine.sync_engine, OutageMonitor(engine.url.render_as_string()))


def _watch(engine: AsyncEngine) -> OutageMonitor:
    monitor = OutageMonitor(engine.url.database or engine.url.get_backend_name())
    _MONITORS[engine.sync_engine] = monitor

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: Any) -> None:
        error = context.original_exception
        if not isinstance(error, Exception):
            return  # a task being cancelled, or the process exiting: no outage, and no rewrite
        wrapped = context.sqlalchemy_exception or error
        if context.is_disconnect or is_unavailable(wrapped) or isinstance(error, TimeoutError):
            monitor.failed(error)
            if isinstance(error, TimeoutError | ConnectionError) and (
                context.sqlalchemy_exception is None
            ):
                # A driver timeout that SQLAlchemy does not wrap: give it its meaning here.
                raise DatabaseUnavailable(_reason(error)) from error

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _on_success(*_args: Any) -> None:
        if monitor.down_since is not None:
            monitor.succeeded()

    return monitor


def asyncpg_connect_args(url: URL) -> dict[str, Any]:
    """`asyncpg.connect` keyword arguments for a SQLAlchemy PostgreSQL URL."""
    args: dict[str, Any] = {
        "user": url.username,
        "password": url.password,
        "host": url.host,
        "port": url.port,
        "database": url.database,
    }
    args = {k: v for k, v in args.items() if v is not None}
    args.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    return args


def _asyncpg_creator(url: URL, monitor_ref: list[OutageMonitor]) -> Any:
    """Connects with a timeout, so a database that accepts TCP but never answers (a network
    partition) fails in seconds, and reports refusals and timeouts as DatabaseUnavailable."""
    import asyncpg  # the PostgreSQL driver, only needed for PostgreSQL URLs

    args = asyncpg_connect_args(url)

    async def connect() -> Any:
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT + 0.5):
                return await asyncpg.connect(
                    **args, timeout=CONNECT_TIMEOUT, command_timeout=STATEMENT_TIMEOUT
                )
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            if monitor_ref:
                monitor_ref[0].failed(error)
            raise DatabaseUnavailable(_reason(error)) from error

    return connect


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for a database URL; SQLite files get their folder and foreign keys.

    Connections and statements time out (`CONNECT_TIMEOUT`, `STATEMENT_TIMEOUT`).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"timeout": CONNECT_TIMEOUT, **kwargs.pop("connect_args", {})}
        engine = create_async_engine(url, connect_args=connect_args, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        _watch(engine)
        return engine
    options: dict[str, Any] = {"pool_pre_ping": True, "pool_timeout": CONNECT_TIMEOUT}
    monitor_ref: list[OutageMonitor] = []
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "asyncpg":
        options["async_creator"] = _asyncpg_creator(parsed, monitor_ref)
    engine = create_async_engine(url, **{**options, **kwargs})
    monitor_ref.append(_watch(engine))
    return engine


# --- sessions ---------------------------------------------------------------------------------
_INSERTED = "inserted_rows"


class _TrackingSession(Session):
    """Remembers the primary keys of the rows each transaction inserted."""


@event.listens_for(_TrackingSession, "after_flush")
def _remember_inserts(session: Session, _context: Any) -> None:
    rows = session.info.setdefault(_INSERTED, [])
    for obj in session.new:
        mapper = inspect(obj).mapper
        rows.append((mapper.class_, tuple(mapper.primary_key_from_instance(obj))))


@event.listens_for(_TrackingSession, "after_commit")
@event.listens_for(_TrackingSession, "after_rollback")
def _forget_inserts(session: Session) -> None:
    session.info.pop(_INSERTED, None)


class GuardedSession(AsyncSession):
    """A session whose commit, when the database stops answering, finds out whether the write
    was saved (by the ids of the rows it inserted) instead of guessing."""

    sync_session_class = _TrackingSession

    async def commit(self) -> None:
        await self.flush()  # a failure here saved nothing: the transaction is not committed
        written = list(self.sync_session.info.get(_INSERTED, ()))
        try:
            await super().commit()
        except Exception as error:
            if not is_unavailable(error):
                raise
            saved = await self._check_saved(written)
            if saved:
                log.info("a commit that was not confirmed is saved (checked by id)")
                return
            if saved is None:
                raise WriteOutcomeUnknown(_reason(error)) from error
            raise DatabaseUnavailable(_reason(error)) from error

    async def _check_saved(self, written: Sequence[tuple[Any, Any]]) -> bool | None:
        """True if every inserted row is there, False if none is, None if it cannot be told."""
        bind = self.bind
        if bind is None or not written:
            return None
        engine = bind if isinstance(bind, AsyncEngine) else None
        if engine is None:
            return None
        if engine.dialect.name == "sqlite":
            return False  # a failed SQLite COMMIT leaves the transaction uncommitted
        deadline = time.monotonic() + VERIFY_SECONDS
        maker = async_sessionmaker(engine, expire_on_commit=False)
        while time.monotonic() < deadline:
            try:
                async with maker() as check:
                    found = [(await check.get(cls, ident)) is not None for cls, ident in written]
                return all(found) if all(found) or not any(found) else None
            except Exception as error:
                if not is_unavailable(error):
                    raise
            await asyncio.sleep(VERIFY_INTERVAL)
        return None


class _GuardedBegin:
    """`async with sessions.begin() as session:` that commits through `GuardedSession.commit`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def __aenter__(self) -> AsyncSession:
        await self.session.__aenter__()
        await self.session.begin()
        return self.session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await self.session.commit()
            else:
                try:
                    await self.session.rollback()
                except Exception:
                    log.debug("rollback after an error failed", exc_info=True)
        finally:
            await self.session.__aexit__(exc_type, exc_value, tb)


class GuardedSessionMaker(async_sessionmaker[AsyncSession]):
    def begin(self) -> Any:
        return _GuardedBegin(self())


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return GuardedSessionMaker(engine, expire_on_commit=False, class_=GuardedSession)


# --- migrations -------------------------------------------------------------------------------
def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


MIGRATE_LOCK = 0x6B746D  # any constant; the PostgreSQL advisory lock an upgrade holds
MIGRATE_WAIT = 120.0
"""Seconds a process waits for another one's upgrade of the same database to end."""
_LOCK_POLL = 0.1


async def _one_migration_at_a_time(conn: AsyncConnection) -> None:
    """Shard processes start together: on PostgreSQL one of them upgrades the schema while
    the others wait (inside their own transaction), then find it upgraded. The lock is tried
    rather than waited for, so that a long upgrade never runs into the statement timeout."""
    deadline = time.monotonic() + MIGRATE_WAIT
    while not (
        await conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK})
    ).scalar_one():
        if time.monotonic() > deadline:
            raise DatabaseUnavailable(
                f"another process held the migration lock for more than {MIGRATE_WAIT:.0f} s"
            )
        await asyncio.sleep(_LOCK_POLL)


async def migrate(engine: AsyncEngine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent), all or nothing.

    The whole upgrade runs in one transaction on one connection. SQLite's Python driver would
    commit before every CREATE TABLE on its own, so that a process killed half-way through a
    first start left some tables and no version behind and every later start failed; with the
    driver's own transaction handling off, SQLite runs the DDL inside the transaction too.
    Processes that migrate one database at once take turns (SQLite's write lock, PostgreSQL's
    advisory lock `MIGRATE_LOCK`): each upgrade finds the schema as the previous one left it.
    """
    if engine.dialect.name == "sqlite":
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            previous = driver.isolation_level
            driver.isolation_level = None  # no implicit BEGIN/COMMIT from the driver
            try:
                await conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    await conn.run_sync(_upgrade)
                except BaseException:
                    await conn.exec_driver_sql("ROLLBACK")
                    raise
                await conn.exec_driver_sql("COMMIT")
            finally:
                driver.isolation_level = previous
                await conn.rollback()
        return
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await _one_migration_at_a_time(conn)
        await conn.run_sync(_upgrade)


# --- writes that wait for the database ---------------------------------------------------------
RETRY_EVERY = 5.0
"""While the database is down, a kept write is retried at most this often (seconds)."""
MAX_KEPT_WRITES = 200


class PendingWrites:
    """Writes that failed because the database was unavailable, kept in order and retried
    when it is back, so that what uses them (a quiz) can go on in memory meanwhile.

    Bounded: at most `MAX_KEPT_WRITES` are kept (the oldest are dropped and counted).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._monitor = outage_monitor(engine)
        self._kept: list[Callable[[], Awaitable[None]]] = []
        self._last_try = 0.0
        self._lock = asyncio.Lock()  # one flush at a time: each kept write runs once
        self.dropped = 0

    @property
    def waiting(self) -> int:
        """Writes not saved yet (kept, or dropped because too many were kept)."""
        return len(self._kept) + self.dropped

    async def run(self, write: Callable[[], Awaitable[None]]) -> bool:
        """Save now if the database answers (after the writes kept before); True if saved,
        False if kept for later. Errors other than the database being unavailable propagate."""
        self._kept.append(write)
        return await self.flush()

    async def flush(self, *, force: bool = False) -> bool:
        """Retry the kept writes in order; True once none is left."""
        async with self._lock:
            now = time.monotonic()
            if (
                self._kept
                and not force
                and self._monitor.down
                and now - self._last_try < RETRY_EVERY
            ):
                return False  # known down and tried a moment ago: don't make the caller wait
            self._last_try = now
            while self._kept:
                try:
                    await self._kept[0]()
                except Exception as error:
                    if not is_unavailable(error):
                        self._kept.pop(0)
                        raise
                    if len(self._kept) > MAX_KEPT_WRITES:
                        self._kept.pop(0)
                        self.dropped += 1
                    return False
                self._kept.pop(0)
            return self.dropped == 0

    async def flush_within(self, seconds: float) -> bool:
        """Keep retrying for up to `seconds`; True if everything was saved."""
        deadline = time.monotonic() + seconds
        while True:
            if await self.flush(force=True):
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(min(RETRY_EVERY, max(0.0, deadline - time.monotonic())))
