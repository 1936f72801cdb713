"""What the matcher decides for a question."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.facts import Fact


class Outcome(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    DECLINE = "decline"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A fact considered for a question, with its score."""

    fact: Fact
    score: float
    phrasing: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    """What the matcher decided for one question."""

    question: str
    outcome: Outcome
    candidates: tuple[Candidate, ...] = ()

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def fact(self) -> Fact | None:
        """The fact answered, when the outcome is ANSWER."""
        return self.candidates[0].fact if self.outcome is Outcome.ANSWER else None

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0

    @property
    def suggestions(self) -> tuple[Fact, ...]:
        """The "did you mean" facts, when the outcome is SUGGEST."""
        if self.outcome is not Outcome.SUGGEST:
            return ()
        return tuple(c.fact for c in self.candidates)
