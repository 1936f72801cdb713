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
    why: str = ""
    """For a near-duplicate warning: what a new question shares with this fact, in words."""


@dataclass(frozen=True, slots=True)
class MatchResult:
    """What the matcher decided for one question."""

    question: str
    outcome: Outcome
    candidates: tuple[Candidate, ...] = ()
    runner_up: float = 0.0
    """The best other fact's score: how clear the lead of the first candidate was."""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def fact(self) -> Fact | None:
        """The fact answered, when the outcome is ANSWER."""
        return self.candidates[0].fact if self.outcome is Outcome.ANSWER else None

    @property
    def margin(self) -> float:
        """The first candidate's lead over the best other fact."""
        return self.score - self.runner_up if self.candidates else 0.0

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0

    @property
    def suggestions(self) -> tuple[Fact, ...]:
        """The "did you mean" facts, when the outcome is SUGGEST."""
        if self.outcome is not Outcome.SUGGEST:
            return ()
        return tuple(c.fact for c in self.candidates)
