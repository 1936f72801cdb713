"""The quiz core's own exceptions; the Discord layer turns them into private replies."""

from __future__ import annotations


class QuizError(Exception):
    """Base class of every error the quiz core raises on purpose."""


class QuizAlreadyRunning(QuizError):
    """The channel already has a quiz that has not finished."""

    def __init__(self, channel_id: int) -> None:
        self.channel_id = channel_id
        super().__init__(f"a quiz is already running in channel {channel_id}")


class NotAllowed(QuizError):
    """Only the member who started the quiz, or a moderator, may stop or skip."""


class NoOpenQuestion(QuizError):
    """The action needs an open question and there is none."""


class QuestionStillOpen(QuizError):
    """The next question was asked for while the current one is still open."""


class QuizFinished(QuizError):
    """The game is over; no more questions, and it cannot be stopped twice."""


class QuizNotFinished(QuizError):
    """The final summary was asked for while the game is still running."""


class NotEnoughQuestions(QuizError):
    """No fact can be asked as a quiz question with the chosen topic and mode."""


class UnknownTopic(NotEnoughQuestions):
    """No quiz question has this topic; `nearest` are topics that do and look like it."""

    def __init__(self, topic: str, nearest: list[str]) -> None:
        self.topic = topic
        self.nearest = nearest
        like = f"; did you mean {', '.join(nearest)}?" if nearest else ""
        super().__init__(f"no quiz questions tagged {topic!r}{like}")


class NotQuizzable(QuizError):
    """This fact cannot be a quiz question (no short answer, or no wrong answers to offer)."""

    def __init__(self, fact_id: str, why: str) -> None:
        self.fact_id = fact_id
        super().__init__(f"fact {fact_id!r} cannot be a quiz question: {why}")


class WrongMode(QuizError):
    """A button answer in a typed game, or a typed answer in a button game."""


class InvalidChoice(QuizError, ValueError):
    """A button index outside the options of the open question."""


class InvalidSettings(QuizError, ValueError):
    """Rounds, seconds or mode outside the allowed range."""
