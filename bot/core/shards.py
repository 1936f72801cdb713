"""Which servers a bot process serves when the bot runs as several shard processes.

Discord splits a bot's servers into `shard_count` shards: a server belongs to shard
`(guild_id >> 22) % shard_count`, and direct messages arrive on shard 0. A process runs some of
the shards (`shard_ids`) and holds the bundled facts plus the facts of its shards' servers.

Pure parsing and checks: no Discord, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.facts import GLOBAL_SCOPE

MAX_SHARDS = 4096
"""More shards than any bot needs (Discord asks for one per ~1,000–2,500 servers)."""


class ShardConfigError(ValueError):
    """Sharding settings that cannot work; the message is one line fit for an operator."""


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord delivers a server's events on."""
    if shard_count < 1:
        raise ValueError("shard_count must be at least 1")
    return (guild_id >> 22) % shard_count


def parse_shard_ids(text: str) -> tuple[int, ...]:
    """Shard ids as written in SHARD_IDS or --shard-ids: "0-3", "0,2,5" or "0-3,7" (sorted,
    without repeats). ShardConfigError says what is wrong."""
    ids: set[int] = set()
    parts = [p.strip() for p in text.split(",")]
    if not text.strip() or any(not p for p in parts):
        raise ShardConfigError(
            f"SHARD_IDS {text.strip()!r} is not a list of shard ids (examples: 0-3, 0,2,5)"
        )
    for part in parts:
        low, dash, high = part.partition("-")
        try:
            first = int(low)
            last = int(high) if dash else first
        except ValueError:
            raise ShardConfigError(
                f"SHARD_IDS: {part!r} is not a shard id or a range like 0-3"
            ) from None
        if first < 0 or last < 0:
            raise ShardConfigError(f"SHARD_IDS: {part!r}: shard ids start at 0")
        if last < first:
            raise ShardConfigError(f"SHARD_IDS: the range {part!r} ends before it starts")
        if last >= MAX_SHARDS:
            raise ShardConfigError(f"SHARD_IDS: {part!r}: shard ids stop at {MAX_SHARDS - 1}")
        ids.update(range(first, last + 1))
    return tuple(sorted(ids))


def format_shard_ids(ids: Iterable[int]) -> str:
    """The shortest SHARD_IDS text for some ids: (0, 1, 2, 3, 7) -> "0-3,7"."""
    out: list[str] = []
    run: list[int] = []
    for i in sorted(set(ids)):
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [i]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(out)


@dataclass(frozen=True, slots=True)
class ShardPlan:
    """The shards one process runs. `count` None: not sharded (one process, every server)."""

    count: int | None = None
    ids: tuple[int, ...] = ()

    @property
    def sharded(self) -> bool:
        return self.count is not None

    def holds(self, guild_id: int) -> bool:
        """Whether this process serves a scope: the bundled facts everywhere, a server's facts
        only in the process that runs its shard."""
        if self.count is None or guild_id == GLOBAL_SCOPE:
            return True
        return shard_of(guild_id, self.count) in self.ids

    @property
    def gets_dms(self) -> bool:
        """Direct messages arrive on shard 0."""
        return self.count is None or 0 in self.ids

    def describe(self) -> str:
        if self.count is None:
            return "not sharded"
        return f"shards {format_shard_ids(self.ids)} of {self.count}"


UNSHARDED = ShardPlan()


def plan_shards(
    shard_count: int | None, shard_ids: str | Iterable[int] | None, *, database_url: str
) -> ShardPlan:
    """Check the sharding settings together; ShardConfigError (one line) if they cannot work.

    Only SHARD_COUNT: this process runs every shard. SHARD_IDS needs SHARD_COUNT. Shard
    processes share one PostgreSQL database (a SQLite file is for one process).
    """
    if isinstance(shard_ids, str):
        ids: tuple[int, ...] | None = parse_shard_ids(shard_ids) if shard_ids.strip() else None
    else:
        ids = None if shard_ids is None else tuple(sorted(set(shard_ids)))
    if shard_count is None:
        if ids is not None:
            raise ShardConfigError(
                "SHARD_IDS is set but SHARD_COUNT is not: set SHARD_COUNT to the total "
                "number of shards"
            )
        return UNSHARDED
    if shard_count < 1 or shard_count > MAX_SHARDS:
        raise ShardConfigError(f"SHARD_COUNT must be between 1 and {MAX_SHARDS}, not {shard_count}")
    if ids is None:
        ids = tuple(range(shard_count))
    if not ids:
        raise ShardConfigError("SHARD_IDS lists no shard")
    outside = [i for i in ids if i >= shard_count]
    if outside:
        raise ShardConfigError(
            f"SHARD_IDS {format_shard_ids(ids)} is outside SHARD_COUNT {shard_count}: "
            f"shard ids go from 0 to {shard_count - 1}"
        )
    if database_url.split(":", 1)[0].split("+", 1)[0].lower() == "sqlite":
        raise ShardConfigError(
            "sharding (SHARD_COUNT/SHARD_IDS) needs PostgreSQL: shard processes share one "
            "database, and DATABASE_URL is a SQLite file"
        )
    return ShardPlan(shard_count, ids)
