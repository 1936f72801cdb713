"""Which facts can be asked in a quiz, by topic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.core.facts import Fact

from ._answers import MAX_GUESS_CHARS
from ._errors import NotEnoughQuestions, UnknownTopic
from ._kinds import ScopeVocab

ALL_TOPICS = "all"
"""The topic that mixes every topic."""
DEFAULT_TOPIC = ALL_TOPICS
NEAREST_TOPICS = 5
"""How many near topics an unknown topic's message suggests."""
NEAR_TOPIC_SCORE = 60
"""How alike (0-100) a topic must be to be suggested for an unknown one."""


@dataclass(frozen=True, slots=True)
class Topic:
    """A tag and how many quiz questions carry it."""

    tag: str
    count: int


def is_quizzable(fact: Fact, vocab: ScopeVocab | None = None) -> bool:
    """A fact can be a question when it is not kept out of quizzes and its short answer is
    short enough to type and of a kind players can choose among (see `ScopeVocab.kind_of`)."""
    if not fact.quiz or not any(len(a) <= MAX_GUESS_CHARS for a in fact.accept):
        return False
    return (vocab or ScopeVocab([fact])).is_quizzable(fact)


def topics(facts: Iterable[Fact]) -> list[Topic]:
    """Tags of quizzable facts with their counts, most common first (for autocomplete)."""
    pool = list(facts)
    vocab = ScopeVocab(pool)
    counts = Counter(tag for fact in pool if is_quizzable(fact, vocab) for tag in set(fact.tags))
    return [Topic(tag, n) for tag, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def nearest_topics(wanted: str, known: Iterable[str], limit: int = NEAREST_TOPICS) -> list[str]:
    """Known topics like an unknown one: those it starts or is inside, then the most alike."""
    tags = list(known)
    inside = [t for t in tags if wanted in t or t in wanted]
    alike = [
        tag
        for tag, score, _ in process.extract(wanted, tags, scorer=fuzz.WRatio, limit=limit * 2)
        if score >= NEAR_TOPIC_SCORE
    ]
    return list(dict.fromkeys((*inside, *alike)))[:limit]


@dataclass(frozen=True, slots=True)
class QuestionBank:
    """The questions a quiz may ask, and the wider pool its wrong options come from."""

    questions: tuple[Fact, ...]
    pool: tuple[Fact, ...]
    topic: str | None = None  # None: every topic
    vocab: ScopeVocab = field(default_factory=lambda: ScopeVocab(()), compare=False, repr=False)

    @classmethod
    def from_facts(cls, facts: Iterable[Fact], topic: str | None = DEFAULT_TOPIC) -> QuestionBank:
        """Quizzable facts tagged with topic ("all" or None: every topic), in a stable order.

        Raises UnknownTopic (with the nearest topics) for a topic no question has, and
        NotEnoughQuestions when no fact can be a question at all.
        """
        unique = {fact.key: fact for fact in facts}
        pool = tuple(unique[key] for key in sorted(unique))
        vocab = ScopeVocab(pool)
        wanted = topic.strip().lower() if topic else None
        if wanted == ALL_TOPICS:
            wanted = None
        quizzable = [f for f in pool if is_quizzable(f, vocab)]
        questions = tuple(f for f in quizzable if wanted is None or wanted in f.tags)
        if not questions:
            if wanted is None:
                raise NotEnoughQuestions("no quiz questions at all")
            known = {tag for f in quizzable for tag in f.tags}
            raise UnknownTopic(wanted, nearest_topics(wanted, known))
        return cls(questions=questions, pool=pool, topic=wanted, vocab=vocab)

    @property
    def topic_name(self) -> str:
        """How the topic is shown: "all topics" or the tag."""
        return self.topic or "all topics"

    def __len__(self) -> int:
        return len(self.questions)
