"""How often the matcher answers right, declines right and answers wrong, on every question set.

    python bench/accuracy.py [-v] [SET ...]

Sets (each a JSON-lines file of {"q": ..., "any": [...]} or {"q": ..., "decline": true}, read
as `../shared/eval/score.py` reads them):

- dev:       ../shared/eval/dev_questions.jsonl, about the bundled article (when present)
- held-out1: tests/data/holdout_questions.jsonl
- held-out2: bench/questions_holdout2.jsonl
- held-out3: bench/questions_holdout3.jsonl (many quote questions)
- isolation: tests/data/isolation_topic_questions.jsonl, asked in a server with
             tests/data/isolation_topic_facts.yaml (a football cup final)
- harbour, lakeside: ../shared/eval/topics/*/questions.jsonl, asked in a server with that
             topic's facts.yaml (when present)
- rugby, swimming, golf, basketball: bench/topics/*/questions.jsonl, the same for topics
             written without reading the matcher (bench/topics/README.md says which are only
             measured)

Questions about a server's facts are asked in that server, with the bundled facts beside them,
exactly as `python -m bot ask --guild ID` and `/ask` answer them. "Answered right" means a
confident answer whose sentence contains one of the expected strings (whole words, any case);
"wrong" counts confident answers to answerable questions that don't, and "answered a decline"
the confident answers to questions the facts don't answer. `-v` lists every miss.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.facts import Fact, load_fact_dir, load_fact_file  # noqa: E402
from bot.core.matcher import FactIndex, Outcome  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
GUILD = 1001


@dataclass(frozen=True)
class QuestionSet:
    name: str
    questions: Path
    facts: Path | None = None  # a server's facts, imported into GUILD


SETS = [
    QuestionSet("dev", EVAL / "dev_questions.jsonl"),
    QuestionSet("held-out1", ROOT / "tests" / "data" / "holdout_questions.jsonl"),
    QuestionSet("held-out2", ROOT / "bench" / "questions_holdout2.jsonl"),
    QuestionSet("held-out3", ROOT / "bench" / "questions_holdout3.jsonl"),
    QuestionSet(
        "isolation",
        ROOT / "tests" / "data" / "isolation_topic_questions.jsonl",
        ROOT / "tests" / "data" / "isolation_topic_facts.yaml",
    ),
    *(
        QuestionSet(topic, EVAL / "topics" / topic / "questions.jsonl", path)
        for topic in ("harbour", "lakeside")
        if (path := EVAL / "topics" / topic / "facts.yaml").exists()
    ),
    *(
        QuestionSet(
            topic,
            ROOT / "bench" / "topics" / topic / "questions.jsonl",
            ROOT / "bench" / "topics" / topic / "facts.yaml",
        )
        for topic in ("rugby", "swimming", "golf", "basketball")
    ),
]


def _contains(answer: str, expected: list[str]) -> bool:
    text = answer.lower()
    return any(re.search(rf"(?<!\w){re.escape(e.lower())}(?!\w)", text) for e in expected)


def measure(qs: QuestionSet, bundled: list[Fact], *, verbose: bool) -> str:
    index = FactIndex.build(bundled)
    guild = None
    if qs.facts is not None:
        guild = GUILD
        for fact in load_fact_file(qs.facts, scope=GUILD):
            index.add(fact)
    right = wrong = answerable = declined = to_decline = answered_decline = 0
    started = time.perf_counter()
    for line in qs.questions.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        result = index.match(q["q"], guild_id=guild)
        fact = result.fact if result.outcome is Outcome.ANSWER else None
        if q.get("decline"):
            to_decline += 1
            if fact is None:
                declined += 1
            else:
                answered_decline += 1
                if verbose:
                    print(f"  [{qs.name}] answered a decline: {q['q']!r} -> {fact.id}")
        else:
            answerable += 1
            if fact is not None and _contains(fact.answer, q["any"]):
                right += 1
            elif fact is not None:
                wrong += 1
                if verbose:
                    print(f"  [{qs.name}] WRONG: {q['q']!r} -> {fact.id}")
            elif verbose:
                first = result.best.fact.id if result.best else "-"
                print(f"  [{qs.name}] {result.outcome.value}: {q['q']!r} (first: {first})")
    ms = 1000 * (time.perf_counter() - started) / max(answerable + to_decline, 1)
    return (
        f"{qs.name:10s} answered right {right}/{answerable} ({100 * right / max(answerable, 1):.1f}%)"
        f"  declined {declined}/{to_decline} ({100 * declined / max(to_decline, 1):.1f}%)"
        f"  wrong {wrong}  answered a decline {answered_decline}  ({ms:.2f} ms/question)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="set names (default: all found)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    bundled = load_fact_dir(ROOT / "facts")
    chosen = [s for s in SETS if s.questions.exists() and (not args.sets or s.name in args.sets)]
    if not chosen:
        print("no question set found", file=sys.stderr)
        return 1
    for qs in chosen:
        print(measure(qs, bundled, verbose=args.verbose), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
