"""Benchmark the bot at scale: 1k, 10k and 100k generated facts on SQLite and PostgreSQL.

    python bench/scale.py [--sizes 1000 10000 100000] [--db sqlite postgres]
                          [--postgres-url URL] [--questions 1000]

For each database and size, on a fresh database, it prints:

* import: `python -m bot facts import FILE` of the generated facts, as a subprocess (whole
  process: start, migrations, bundled facts, parsing, writing), and that process's peak RSS;
* cold start: `python -m bot ask "QUESTION"` as a subprocess, from exec to exit with the answer
  printed, and its peak RSS;
* the split of that start, measured in a probe process doing the same steps: migrations and
  the bundled-facts check, loading the facts from the database, building the index;
* p50/p99 per question after start (in the probe process, one thread) over a mix of
  questions (phrasings of the generated facts, typos, bundled questions, off-topic ones).

PostgreSQL's URL comes from --postgres-url or BENCH_DATABASE_URL or TEST_DATABASE_URL; its
`public` schema is dropped and created again for every size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.matcher import generate, questions  # noqa: E402
from bot.db.throwaway import throwaway_database  # noqa: E402

QUESTION = "how many golds has jason kenny won?"


def _write_facts(size: int, directory: Path) -> Path:
    path = directory / f"generated-{size}.json"
    if not path.exists():
        doc = {
            "facts": [
                {
                    "id": f.id,
                    "question": f.question,
                    "phrasings": list(f.phrasings),
                    "answer": f.answer,
                    "accept": list(f.accept),
                    "kind": f.kind,
                    "tags": list(f.tags),
                }
                for f in generate(size)
            ]
        }
        path.write_text(json.dumps(doc), encoding="utf-8")
    return path


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
    t3 = time.perf_counter()
    await engine.dispose()
    real = load_fact_dir(settings.facts_dir)
    generated = [f for f in facts if f.id.startswith("gen-")]
    qs = questions(generated or real, real, n_questions)
    for q, g in qs[:50]:
        index.match(q, g)
    times = []
    for q, g in qs:
        t = time.perf_counter()
        index.match(q, g)
        times.append((time.perf_counter() - t) * 1000)
    import resource

    return {
        "facts": len(facts),
        "open_s": t1 - t0,
        "synced": synced is not None,
        "load_s": t2 - t1,
        "build_s": t3 - t2,
        "p50_ms": statistics.median(times),
        "p99_ms": _pct(times, 99),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = url
    env.pop("DISCORD_TOKEN", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def bench(db: str, url: str, size: int, facts_file: Path, n_questions: int) -> dict[str, Any]:
    env = _env(url)
    py = sys.executable
    import_s, import_rss, out = _run_measured(
        [py, "-m", "bot", "facts", "import", str(facts_file)], env
    )
    if f"{size} added" not in out:
        raise SystemExit(f"unexpected import output: {out!r}")
    ask_s, ask_rss, answer = _run_measured([py, "-m", "bot", "ask", QUESTION], env)
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
    parser.add_argument("--probe", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(asyncio.run(_probe(args.probe, args.sizes[0], args.questions))))
        return
    if "postgres" in args.db and not args.postgres_url:
        raise SystemExit("--db postgres needs --postgres-url (or BENCH_DATABASE_URL)")
    print(
        "import: `python -m bot facts import` (whole process); ask: `python -m bot ask` cold "
        "start to the answer (whole process); split: open (migrate, bundled check) / db load / "
        "index build, in a probe process; per question: p50/p99 after start; RSS: peak."
    )
    header = (
        f"{'db':<9}{'facts':>8}{'import':>9}{'imp RSS':>9}{'ask':>8}{'ask RSS':>9}"
        f"{'open':>7}{'load':>7}{'build':>8}{'p50':>8}{'p99':>8}"
    )
    print(header, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        for db in args.db:
            for size in args.sizes:
                facts_file = _write_facts(size, work)
                url = asyncio.run(
                    throwaway_database(
                        db, work, postgres_url=args.postgres_url, name=f"bench-{size}.db"
                    )
                )
                r = bench(db, url, size, facts_file, args.questions)
                print(
                    f"{db:<9}{r['facts']:>8}{r['import_s']:>8.2f}s{r['import_rss_mb']:>7.0f}MB"
                    f"{r['ask_s']:>7.2f}s{r['ask_rss_mb']:>7.0f}MB{r['open_s']:>6.2f}s"
                    f"{r['load_s']:>6.2f}s{r['build_s']:>7.2f}s{r['p50_ms']:>6.2f}ms"
                    f"{r['p99_ms']:>6.2f}ms",
                    flush=True,
                )


if __name__ == "__main__":
    main()
