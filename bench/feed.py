"""Benchmark the change feed: how long a fact change committed by one process takes to be
applied in another, on SQLite and on PostgreSQL.

    .venv/bin/python bench/feed.py [--changes 200] [--postgres URL] [--pause 0.02]

Two real processes: this one writes (a `FactService` with the `Announcer`, as in the bot), a
child process follows (`App.open` + `ChangeFeed`, as in the bot) and prints, for every fact its
index changed, the wall-clock time it did. The writer adds `--changes` facts to one server one
after the other, with a random pause of 0 to 2 × `--pause` seconds between two, and notes the
time each was committed (its change listener runs right after the commit). Printed per database:
count, p50, p99 and max of the delay from commit to applied in the other process, and the
changes never applied (within 5 s after the last one) — which must be 0.

SQLite runs on a temporary file (the follower polls every 0.25 s). PostgreSQL runs when
`--postgres URL` (or TEST_DATABASE_URL) is given; use a throwaway database: the facts are added
to a server id chosen at random and left there.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App
from bot.changes import Announcer, ChangeFeed
from bot.core.moderation import FactChange
from bot.services.facts import FactForm, FactService
from bot.settings import Settings

MISSED_AFTER = 5.0


def _settings(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url, discord_token=None)  # type: ignore[call-arg]


async def follow(url: str) -> None:
    """The child: apply changes, print `applied <scope> <id> <time>` per fact, until stdin ends."""
    app = await App.open(_settings(url))
    feed = ChangeFeed(app.engine, app.sessions, app.index, since=app.audit_mark)

    def applied(keys: object) -> None:
        now = time.time()
        for scope, fact_id in keys:  # type: ignore[attr-defined]
            print(f"applied {scope} {fact_id} {now:.6f}", flush=True)

    feed.on_applied.append(applied)
    feed.start()
    if feed.listen:
        await asyncio.wait_for(feed.connected.wait(), 10)
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # the parent closes stdin when done
    await feed.stop()
    await app.close()


async def measure(url: str, changes: int, pause: float) -> dict[str, float]:
    app = await App.open(_settings(url))
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--follow",
        url,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    assert child.stdout is not None and child.stdin is not None
    applied: dict[str, float] = {}
    ready = asyncio.Event()

    async def read() -> None:
        assert child.stdout is not None
        while line := await child.stdout.readline():
            parts = line.decode().split()
            if parts == ["ready"]:
                ready.set()
            elif parts and parts[0] == "applied":
                applied.setdefault(parts[2], float(parts[3]))

    reader = asyncio.create_task(read())
    await asyncio.wait_for(ready.wait(), 60)
    service = FactService(app.sessions, app.index)
    committed: dict[str, float] = {}

    def note(change: FactChange) -> None:
        now = time.time()
        for fact in change.added:
            committed[fact.id] = now

    service.on_change.append(note)  # before the announcer: the time of the commit
    announcer = Announcer(app.engine)
    service.on_change.append(announcer)
    guild = random.randrange(1 << 40, 1 << 60)
    rng = random.Random(5)
    for n in range(changes):
        form = FactForm(f"Which locker holds the spare key number {n}?", f"Locker {n}.")
        await service.add(service.draft(guild, form), actor_id=1)
        await asyncio.sleep(rng.uniform(0, 2 * pause))
    deadline = time.monotonic() + MISSED_AFTER
    while time.monotonic() < deadline and not committed.keys() <= applied.keys():  # noqa: ASYNC110 (filled by the reader task)
        await asyncio.sleep(0.05)
    await announcer.flush()
    child.stdin.close()
    await asyncio.wait_for(child.wait(), 15)
    await reader
    await app.close()
    delays = sorted((applied[k] - t) * 1000 for k, t in committed.items() if k in applied)
    missed = sum(1 for k in committed if k not in applied)
    q = statistics.quantiles(delays, n=100) if len(delays) > 1 else delays * 99
    return {
        "count": len(committed),
        "p50": q[49],
        "p99": q[98],
        "max": delays[-1] if delays else float("nan"),
        "missed": missed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--pause", type=float, default=0.02)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--follow", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.follow:
        asyncio.run(follow(args.follow))
        return
    runs: list[tuple[str, str]] = []
    tmp = tempfile.TemporaryDirectory()
    runs.append(("sqlite (poll 0.25 s)", f"sqlite+aiosqlite:///{tmp.name}/feed.db"))
    if args.postgres:
        runs.append(("postgresql (LISTEN/NOTIFY)", args.postgres))
    else:
        print("PostgreSQL skipped: give --postgres URL or set TEST_DATABASE_URL", file=sys.stderr)
    print(
        f"two processes, {args.changes} changes each run, pause 0-{2 * args.pause:.2f} s; "
        "delay from commit in one process to applied in the other (ms)"
    )
    print(f"{'database':<28} {'count':>5} {'p50':>8} {'p99':>8} {'max':>8} {'missed':>6}")
    for name, url in runs:
        r = asyncio.run(measure(url, args.changes, args.pause))
        print(
            f"{name:<28} {r['count']:>5.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{r['max']:>8.1f} {r['missed']:>6.0f}"
        )
    tmp.cleanup()


if __name__ == "__main__":
    main()
