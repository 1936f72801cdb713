"""Benchmark the question matcher on generated fact sets of 1k, 10k and 100k facts.

    python bench/matcher.py [--sizes 1000 10000 100000] [--questions 2000]

Prints, per size: index build time, per-question p50/p99 latency (one core, one thread) and the
memory the index holds (resident set growth). Targets at 100k facts: p50 <= 2 ms, p99 <= 10 ms.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import string
import time
from pathlib import Path

from bot.core.facts import Fact, load_fact_dir
from bot.core.matcher import FactIndex

EVENTS = [
    "keirin",
    "sprint",
    "team sprint",
    "omnium",
    "madison",
    "scratch race",
    "tempo race",
    "elimination race",
    "points race",
    "pursuit",
    "time trial",
    "road race",
    "BMX",
    "marathon",
    "100m",
    "long jump",
    "high jump",
    "relay",
    "slalom",
    "downhill",
]
NATIONS = [
    "Britain",
    "Netherlands",
    "Malaysia",
    "Japan",
    "Germany",
    "Australia",
    "France",
    "Canada",
    "Italy",
    "Spain",
    "Kenya",
    "Jamaica",
    "Brazil",
    "Norway",
    "Poland",
]
GAMES = [
    f"{city} {year}"
    for city in ["Tokyo", "Rio", "London", "Beijing", "Athens", "Sydney", "Paris", "Atlanta"]
    for year in range(1996, 2025, 4)
]
TEMPLATES = [
    (
        "How many {medal} medals did {name} win at {games}?",
        [
            "How many {medal}s for {name}",
            "{name} {medal} medal count {games}",
            "number of {medal} medals {name} won in {games}",
        ],
        "{name} won {n} {medal} medals at {games}.",
        "number",
    ),
    (
        "Who won the {sex} {event} at {games}?",
        [
            "{sex} {event} winner {games}",
            "who took {sex} {event} gold in {games}",
            "{games} {sex} {event} champion",
        ],
        "{name} won the {sex} {event} at {games}.",
        "person",
    ),
    (
        "Which country does {name} compete for?",
        ["{name} nationality", "what country is {name} from", "where is {name} from"],
        "{name} competes for {nation}.",
        "nation",
    ),
    (
        "What place did {name} finish in the {event} at {games}?",
        [
            "{name} {event} result {games}",
            "where did {name} finish in the {event}",
            "how did {name} do in the {games} {event}",
        ],
        "{name} finished {ordinal} in the {event} at {games}.",
        "ordinal",
    ),
]


def _name(rng: random.Random) -> str:
    def word() -> str:
        syllables = rng.randint(2, 3)
        return "".join(
            rng.choice(
                [
                    "ka",
                    "lo",
                    "mi",
                    "ren",
                    "sto",
                    "var",
                    "del",
                    "an",
                    "ber",
                    "tin",
                    "os",
                    "ul",
                    "ya",
                    "zen",
                    "fi",
                    "gro",
                    "hel",
                    "jo",
                ]
            )
            for _ in range(syllables)
        ).capitalize()

    return f"{word()} {word()}"


def generate(n: int, seed: int = 1) -> list[Fact]:
    """n synthetic facts in the shape of the real ones (4 phrasings each)."""
    rng = random.Random(seed)
    facts = []
    for i in range(n):
        q, phr, ans, kind = TEMPLATES[i % len(TEMPLATES)]
        values = {
            "name": _name(rng),
            "medal": rng.choice(["gold", "silver", "bronze"]),
            "games": rng.choice(GAMES),
            "sex": rng.choice(["men's", "women's"]),
            "event": rng.choice(EVENTS),
            "nation": rng.choice(NATIONS),
            "n": rng.randint(1, 9),
            "ordinal": rng.choice(["4th", "5th", "6th", "7th", "8th"]),
        }
        facts.append(
            Fact(
                id=f"gen-{i}",
                question=q.format(**values),
                answer=ans.format(**values),
                phrasings=tuple(p.format(**values) for p in phr),
                accept=(str(values["n"]),),
                kind=kind,
                tags=("generated",),
            )
        )
    return facts


def _typo(rng: random.Random, text: str) -> str:
    chars = list(text)
    i = rng.randrange(len(chars))
    if chars[i].isalpha():
        chars[i] = rng.choice(string.ascii_lowercase)
    return "".join(chars)


def questions(facts: list[Fact], real: list[Fact], count: int, seed: int = 2) -> list[str]:
    """A mix: phrasings of generated and real facts, with typos, plus off-topic questions."""
    rng = random.Random(seed)
    out = []
    offtopic = [
        "What is the tallest mountain in the world?",
        "good morning everyone",
        "who won the world cup",
        "how do I reset my password",
    ]
    for i in range(count):
        r = i % 10
        if r < 6:
            f = rng.choice(facts)
            out.append(rng.choice(f.all_questions).lower())
        elif r < 8:
            f = rng.choice(facts)
            out.append(_typo(rng, rng.choice(f.all_questions)))
        elif r < 9 and real:
            out.append(rng.choice(rng.choice(real).all_questions))
        else:
            out.append(rng.choice(offtopic))
    return out


def _rss_bytes() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    import resource

    return pages * resource.getpagesize()


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def run(size: int, n_questions: int, real: list[Fact]) -> dict[str, float]:
    facts = generate(size) + real
    gc.collect()
    rss0 = _rss_bytes()
    t0 = time.perf_counter()
    index = FactIndex.build(facts)
    build = time.perf_counter() - t0
    gc.collect()
    memory = _rss_bytes() - rss0
    qs = questions(facts[:size], real, n_questions)
    for q in qs[:50]:  # warm caches, as a running bot would be
        index.match(q)
    times = []
    cpu_times = []
    outcomes = {"answer": 0, "suggest": 0, "decline": 0}
    for q in qs:
        t = time.perf_counter()
        c = time.thread_time()
        result = index.match(q)
        cpu_times.append((time.thread_time() - c) * 1000)
        times.append((time.perf_counter() - t) * 1000)
        outcomes[result.outcome.value] += 1
    return {
        "facts": len(facts),
        "build_s": build,
        "p50_ms": statistics.median(times),
        "p99_ms": _pct(times, 99),
        "max_ms": max(times),
        "cpu_p50_ms": statistics.median(cpu_times),
        "cpu_p99_ms": _pct(cpu_times, 99),
        "memory_mb": memory / 2**20,
        **{k: v / len(qs) for k, v in outcomes.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--questions", type=int, default=2000)
    args = parser.parse_args()
    real = load_fact_dir(Path(__file__).resolve().parent.parent / "facts")
    print("Per question: wall-clock p50/p99/max, and CPU time of this thread (unaffected by other")
    print("processes on a busy machine). Memory: growth of the resident set while building.")
    print(
        f"{'facts':>8} {'build':>8} {'p50':>8} {'p99':>8} {'max':>8} {'cpu p50':>8} {'cpu p99':>8}"
        f" {'memory':>9}  outcomes"
    )
    for size in args.sizes:
        r = run(size, args.questions, real)
        print(
            f"{r['facts']:>8.0f} {r['build_s']:>7.2f}s {r['p50_ms']:>6.2f}ms {r['p99_ms']:>6.2f}ms "
            f"{r['max_ms']:>6.2f}ms {r['cpu_p50_ms']:>6.2f}ms {r['cpu_p99_ms']:>6.2f}ms "
            f"{r['memory_mb']:>7.1f}MB  answer {r['answer']:.0%} "
            f"suggest {r['suggest']:.0%} decline {r['decline']:.0%}",
            flush=True,
        )


if __name__ == "__main__":
    main()
