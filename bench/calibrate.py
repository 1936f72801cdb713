"""Choose the matcher's answer threshold and margin from measured precision.

    python bench/calibrate.py [--facts FILE ...] [--precision 0.99]

The evaluation is built from the facts alone (see `bot.core.matcher._check.self_eval`): every
wording of a fact asked of an index without it (it should reach its fact), and near misses that
change one key term (another person, event, year or sex of the same scope; they must not get the
original fact's answer). The bundled article's facts are one scope; each --facts file (a server's
fact file, e.g. ../shared/eval/topics/*/facts.yaml) is imported into a server scope of its own.

For each (threshold, margin) on a grid, it prints how many wordings get a confident right answer
and the precision of confident answers; it picks the pair that answers the most wordings with a
precision of at least --precision, and prints the figures the matcher uses (ANSWER_THRESHOLD,
ANSWER_MARGIN in bot/core/matcher/_index.py) beside the chosen ones.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.facts import load_fact_dir, load_fact_file  # noqa: E402
from bot.core.matcher import ANSWER_MARGIN, ANSWER_THRESHOLD, HIGH_CONFIDENCE  # noqa: E402
from bot.core.matcher._check import Trial, self_eval  # noqa: E402

THRESHOLDS = [float(t) for t in range(50, 86, 2)]
MARGINS = [0.0, 2.0, 4.0, 6.0, 8.0]


def decide(t: Trial, threshold: float, margin: float) -> bool | None:
    """Whether the trial would be answered right (True), wrong (False) or not at all (None)."""
    best = t.result.best
    if best is None or best.score < threshold:
        return None
    if t.margin < margin and best.score < HIGH_CONFIDENCE:
        return None
    if t.near_miss:
        return best.fact.id != t.fact_id
    return best.fact.id == t.fact_id


def measure(trials: list[Trial], threshold: float, margin: float) -> tuple[int, int, int, int]:
    """(wordings answered right, wordings in all, confident right, confident wrong)."""
    right = wrong = reached = 0
    for t in trials:
        outcome = decide(t, threshold, margin)
        if outcome is True:
            right += 1
            reached += not t.near_miss
        elif outcome is False:
            wrong += 1
    return reached, sum(1 for t in trials if not t.near_miss), right, wrong


def near_miss_precision(trials: list[Trial], threshold: float, margin: float) -> float:
    """The share of confident answers to near misses that are not the changed fact's."""
    outcomes = [decide(t, threshold, margin) for t in trials if t.near_miss]
    answered = [o for o in outcomes if o is not None]
    return sum(answered) / len(answered) if answered else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=Path, nargs="*", default=[], help="server fact files")
    parser.add_argument(
        "--precision", type=float, default=0.99, help="near misses answered right, at least"
    )
    parser.add_argument(
        "--overall",
        type=float,
        default=0.95,
        help="all confident answers right, at least (a left-out wording may get a sibling fact)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    bundled = load_fact_dir(ROOT / "facts")
    # Matching never scores with the thresholds, so the trials are measured once: the grid only
    # re-decides them. A trial's scores are those of the live matcher, replies included.
    trials = self_eval(bundled)
    print(f"bundled: {len(bundled)} facts, {len(trials)} trials")
    for i, path in enumerate(args.facts):
        guild = 9_000 + i
        own = load_fact_file(path, scope=guild)
        scoped = self_eval([*bundled, *own], guild_id=guild)
        print(f"{path}: {len(own)} facts, {len(scoped)} trials")
        trials += scoped
    near = sum(t.near_miss for t in trials)
    print(
        f"{len(trials) - near} wordings, {near} near misses ({time.perf_counter() - started:.1f}s)"
    )
    print()
    print("threshold margin  reached         precision  near misses  (right/wrong answers)")
    best: tuple[int, float, float] | None = None
    for threshold in THRESHOLDS:
        for margin in MARGINS:
            reached, total, right, wrong = measure(trials, threshold, margin)
            answered = right + wrong
            precision = right / answered if answered else 1.0
            near = near_miss_precision(trials, threshold, margin)
            mark = ""
            if (
                near >= args.precision
                and precision >= args.overall
                and (best is None or reached > best[0])
            ):
                best = (reached, threshold, margin)
                mark = " *"
            print(
                f"{threshold:9.0f} {margin:6.0f}  {reached:4d}/{total:<4d} "
                f"{100 * reached / max(total, 1):5.1f}%  {100 * precision:6.2f}%  "
                f"{100 * near:6.2f}%  ({right}/{wrong}){mark}"
            )
    print()
    print(f"in use:  ANSWER_THRESHOLD={ANSWER_THRESHOLD:.0f} ANSWER_MARGIN={ANSWER_MARGIN:.0f}")
    reached, total, right, wrong = measure(trials, ANSWER_THRESHOLD, ANSWER_MARGIN)
    print(
        f"         reaches {reached}/{total} wordings, precision "
        f"{100 * right / max(right + wrong, 1):.2f}% ({right}/{wrong})"
    )
    if best is None:
        print("no threshold reaches the precision asked for")
        return 1
    print(f"chosen:  ANSWER_THRESHOLD={best[1]:.0f} ANSWER_MARGIN={best[2]:.0f}")
    reached, total, right, wrong = measure(trials, best[1], best[2])
    print(
        f"         reaches {reached}/{total} wordings, precision "
        f"{100 * right / max(right + wrong, 1):.2f}% ({right}/{wrong})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
