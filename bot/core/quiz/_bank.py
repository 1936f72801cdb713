"""Which facts can be asked in a quiz, by topic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.facts import Fact

from ._answers import MAX_GUESS_CHARS
from ._errors import NotEnoughQuestions

DEFAULT_TOPIC = "medals"


@dataclass(frozen=True, slots=True)
class Topic:
    """A tag and how many quiz questions carry it."""

    tag: str
    count: int


def is_quizzable(fact: Fact) -> bool:
    """A fact can be a question when it has a short answer short enough to type."""
    return any(len(a) <= MAX_GUESS_CHARS for a in fact.accept)


def topics(facts: Iterable[Fact]) -> list[Topic]:
    """Tags of quizzable facts with their counts, most common first (for autocomplete)."""
    counts = Counter(tag for fact in facts if is_quizzable(fact) for tag in set(fact.tags))
    return [Topic(tag, n) for tag, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


@dataclass(frozen=True, slots=True)
class QuestionBank:
    """The questions a quiz may ask, and the wider pool its wrong options come from."""

    questions: tuple[Fact, ...]
    pool: tuple[Fact, ...]
    topic: str | None = None

    @classmethod
    def from_facts(cls, facts: Iterable[Fact], topic: str | None = DEFAULT_TOPIC) -> QuestionBank:
        """Quizzable facts tagged with topic (any tag when topic is None), in a stable order.

        Raises NotEnoughQuestions when none qualify.
        """
        unique = {fact.key: fact for fact in facts}
        pool = tuple(unique[key] for key in sorted(unique))
        wanted = topic.strip().lower() if topic else None
        questions = tuple(
            f for f in pool if is_quizzable(f) and (wanted is None or wanted in f.tags)
        )
        if not questions:
            what = f"tagged {wanted!r}" if wanted else "at all"
            raise NotEnoughQuestions(f"no quiz questions {what}")
        return cls(questions=questions, pool=pool, topic=wanted)

    def __len__(self) -> int:
        return len(self.questions)
