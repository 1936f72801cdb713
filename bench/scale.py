"""Benchmark the bot at scale: 1k, 10k and 100k generated facts on SQLite and PostgreSQL.

    python bench/scale.py [--sizes 1000 10000 100000] [--db sqlite postgres]
                          [--layout servers bundled] [--postgres-url URL] [--questions 1000]

The generated facts belong to many servers (`--layout servers`, the default: a few thousand
servers, most with a handful of facts, a few with thousands, written in the `facts export
--all` format), or are all bundled (`--layout bundled`: every process reads them all before
its first answer). For each database, layout and size, on a fresh database, it prints:

* import: `python -m bot facts import FILE` of the generated facts, as a subprocess (whole
  process: start, migrations, bundled facts, parsing, writing), and that process's peak RSS;
* cold start: `python -m bot ask "QUESTION"` as a subprocess, from exec to exit with the answer
  printed, and its peak RSS; and the same asked in the biggest server (`--guild`), whose facts
  are then read before the answer;
* the split of a start, measured in a probe process doing the same steps: migrations and the
  bundled-facts check, loading the facts from the database, building the index, and reading
  every server's facts (the bot does this in the background, a slice at a time);
* p50/p99 per question after that (in the probe process, one thread) over a mix of questions
  (phrasings of the generated facts in their servers, typos, bundled questions, off-topic
  ones) in servers held read, and the probe's peak RSS; then how many questions were asked in
  a server beyond the read budget (forgotten, read again at once) and what those cost.

PostgreSQL's URL comes from --postgres-url or BENCH_DATABASE_URL or TEST_DATABASE_URL; its
`public` schema is dropped and created again for every size.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.matcher import generate, questions  # noqa: E402
from bot.core.facts import GLOBAL_SCOPE, dump_facts, dump_servers  # noqa: E402
from bot.db.throwaway import throwaway_database  # noqa: E402

QUESTION = "how many golds has jason kenny won?"


def _write_facts(size: int, directory: Path, layout: str) -> tuple[Path, int | None]:
    """The generated facts as one file for `facts import`, and the server with most facts
    (None: every fact is bundled). Layout `servers`: each fact in its server, as many servers'
    moderators add them (the `facts export --all` format); `bundled`: all bundled."""
    path = directory / f"generated-{layout}-{size}.json"
    # Written by a child process: a process started later by this one would otherwise report
    # this one's memory as its own peak (Linux counts the peak RSS at fork).
    argv = [sys.executable, __file__, "--write-facts", str(path), "--sizes", str(size)]
    out = subprocess.run([*argv, "--layout", layout], capture_output=True, text=True, check=True)
    biggest = out.stdout.strip()
    return path, int(biggest) if biggest else None


def _write_facts_here(path: Path, size: int, layout: str) -> int | None:
    facts = generate(size)
    if layout == "bundled":
        facts = [dataclasses.replace(f, scope=GLOBAL_SCOPE) for f in facts]
    sizes = Counter(f.scope for f in facts if f.scope != GLOBAL_SCOPE)
    text = dump_servers(facts, (), fmt="json") if sizes else dump_facts(facts, fmt="json")
    path.write_text(text, encoding="utf-8")
    return sizes.most_common(1)[0][0] if sizes else None


def _run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a process to its end: (wall seconds, its own peak RSS in MB from wait4, stdout)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed ({proc.returncode}):\n{stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stdout  # ru_maxrss is in kilobytes on Linux


def _secs(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}s"


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def _probe(url: str, size: int, n_questions: int) -> dict[str, Any]:
    """In this process: the steps of a start, timed one by one, then questions."""
    from bot.app import App
    from bot.core.facts import load_fact_dir
    from bot.core.matcher import FactIndex, load_terms_dir
    from bot.db import facts as fact_store
    from bot.db.engine import create_engine, migrate, session_factory
    from bot.settings import Settings

    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    t0 = time.perf_counter()
    engine = create_engine(url)
    await migrate(engine)
    sessions = session_factory(engine)
    synced = await App.sync_bundled(sessions, settings.facts_dir)
    t1 = time.perf_counter()
    async with sessions() as session:
        facts, hidden = await fact_store.load_all(session)
    t2 = time.perf_counter()
    terms = load_terms_dir(settings.facts_dir / "terms")
    index = FactIndex.build(facts, terms=terms)
    for guild_id, slug in hidden:
        index.hide(guild_id, slug)
    gc.freeze()  # as `App.open` does: the facts read at start are out of the collector's way
    t3 = time.perf_counter()
    index.warm()  # what the bot does in the background after start, a slice at a time
    t4 = time.perf_counter()
    gc.freeze()  # as the bot does once it has read every server's facts
    await engine.dispose()
    real = load_fact_dir(settings.facts_dir)
    generated = [f for f in facts if f.id.startswith("gen-")]
    qs = questions(generated or real, real, n_questions)
    for q, g in qs[:50]:
        if index.holds(g):
            index.match(q, g)
    times = []  # questions in servers held read (and in DMs)
    unread = []  # a first question in a server not held (beyond the read budget): read at once
    for q, g in qs:
        held = index.holds(g)
        t = time.perf_counter()
        index.match(q, g)
        (times if held else unread).append((time.perf_counter() - t) * 1000)
    import resource

    return {
        "facts": len(facts),
        "open_s": t1 - t0,
        "synced": synced is not None,
        "load_s": t2 - t1,
        "build_s": t3 - t2,
        "warm_s": t4 - t3,
        "p50_ms": statistics.median(times),
        "p99_ms": _pct(times, 99),
        "unread": len(unread),
        "unread_p50_ms": statistics.median(unread) if unread else math.nan,
        "held_facts": index.read_facts,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = url
    env.pop("DISCORD_TOKEN", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def bench(
    db: str, url: str, size: int, facts_file: Path, biggest: int | None, n_questions: int
) -> dict[str, Any]:
    env = _env(url)
    py = sys.executable
    import_s, import_rss, out = _run_measured(
        [py, "-m", "bot", "facts", "import", str(facts_file)], env
    )
    if f"{size} added" not in out:
        raise SystemExit(f"unexpected import output: {out!r}")
    ask_s, ask_rss, answer = _run_measured([py, "-m", "bot", "ask", QUESTION], env)
    big_s = math.nan
    if biggest is not None:  # a first question in the biggest server: its facts read at once
        big_s, _, _ = _run_measured(
            [py, "-m", "bot", "ask", "--guild", str(biggest), QUESTION], env
        )
    _, _, probe_out = _run_measured(
        [
            py,
            str(Path(__file__).resolve()),
            "--probe",
            url,
            "--sizes",
            str(size),
            "--questions",
            str(n_questions),
        ],
        env,
    )
    probe = json.loads(probe_out.strip().splitlines()[-1])
    return {
        "db": db,
        "size": size,
        "import_s": import_s,
        "import_rss_mb": import_rss,
        "ask_s": ask_s,
        "ask_rss_mb": ask_rss,
        "big_s": big_s,
        "answered": bool(answer.strip()),
        **probe,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"),
    )
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument(
        "--layout",
        nargs="+",
        choices=["servers", "bundled"],
        default=["servers"],
        help="servers: the facts belong to many servers (default); bundled: all are bundled",
    )
    parser.add_argument("--probe", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--write-facts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_facts:
        biggest = _write_facts_here(args.write_facts, args.sizes[0], args.layout[0])
        print("" if biggest is None else biggest)
        return
    if args.probe:
        print(json.dumps(asyncio.run(_probe(args.probe, args.sizes[0], args.questions))))
        return
    if "postgres" in args.db and not args.postgres_url:
        raise SystemExit("--db postgres needs --postgres-url (or BENCH_DATABASE_URL)")
    print(
        "import: `python -m bot facts import` (whole process); ask: `python -m bot ask` cold "
        "start to the answer (whole process); big: the same, asked in the biggest server (its "
        "facts read at once); split: open (migrate, bundled check) / db load / index build / "
        "every server read (the bot does it in the background), in a probe process; per "
        "question: p50/p99 after start; RSS: peak."
    )
    header = (
        f"{'db':<9}{'layout':<9}{'facts':>8}{'import':>9}{'imp RSS':>9}{'ask':>8}{'ask RSS':>9}"
        f"{'big':>8}{'open':>7}{'load':>7}{'build':>8}{'warm':>8}{'p50':>8}{'p99':>8}{'RSS':>8}"
    )
    print(header, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        for db in args.db:
            for layout in args.layout:
                for size in args.sizes:
                    facts_file, biggest = _write_facts(size, work, layout)
                    url = asyncio.run(
                        throwaway_database(
                            db,
                            work,
                            postgres_url=args.postgres_url,
                            name=f"bench-{layout}-{size}.db",
                        )
                    )
                    r = bench(db, url, size, facts_file, biggest, args.questions)
                    print(
                        f"{db:<9}{layout:<9}{r['facts']:>8}{r['import_s']:>8.2f}s"
                        f"{r['import_rss_mb']:>7.0f}MB{r['ask_s']:>7.2f}s{r['ask_rss_mb']:>7.0f}MB"
                        f"{_secs(r['big_s']):>8}{r['open_s']:>6.2f}s{r['load_s']:>6.2f}s"
                        f"{r['build_s']:>7.2f}s{r['warm_s']:>7.2f}s{r['p50_ms']:>6.2f}ms"
                        f"{r['p99_ms']:>6.2f}ms{r['rss_mb']:>6.0f}MB",
                        flush=True,
                    )
                    if r["unread"]:
                        print(
                            f"{'':<18}{r['held_facts']} servers' facts held read (the read "
                            f"budget); {r['unread']} of {args.questions} questions were in a "
                            f"server not held, read at once: p50 {r['unread_p50_ms']:.0f} ms",
                            flush=True,
                        )


if __name__ == "__main__":
    main()
