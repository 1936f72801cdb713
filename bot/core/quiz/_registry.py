"""At most one running quiz per channel: the one registry every part of the bot reads."""

from __future__ import annotations

from typing import Protocol, TypeVar

from ._errors import QuizAlreadyRunning


class RunningQuiz(Protocol):
    """What the registry needs of a game: a `QuizSession`, or the Discord layer's wrapper."""

    @property
    def channel_id(self) -> int: ...

    @property
    def finished(self) -> bool: ...


G = TypeVar("G", bound=RunningQuiz)


class QuizRegistry:
    """The running quizzes, one per channel. Channels share nothing but this dictionary.

    `channel_id in registry` is how other features (answering questions) stay quiet in a
    channel that is playing.
    """

    def __init__(self) -> None:
        self._games: dict[int, RunningQuiz] = {}

    def start(self, channel_id: int, game: G) -> G:
        """Register a game for a channel.

        A finished game left in the channel is replaced; a running one raises
        QuizAlreadyRunning.
        """
        if game.channel_id != channel_id:
            raise ValueError(f"game belongs to channel {game.channel_id}, not {channel_id}")
        existing = self._games.get(channel_id)
        if existing is not None and not existing.finished:
            raise QuizAlreadyRunning(channel_id)
        self._games[channel_id] = game
        return game

    def get(self, channel_id: int) -> RunningQuiz | None:
        return self._games.get(channel_id)

    def end(self, channel_id: int) -> RunningQuiz | None:
        """Forget the channel's game (finished or not) and return it."""
        return self._games.pop(channel_id, None)

    def channels(self) -> tuple[int, ...]:
        return tuple(self._games)

    def games(self) -> tuple[RunningQuiz, ...]:
        return tuple(self._games.values())

    def __contains__(self, channel_id: object) -> bool:
        return channel_id in self._games

    def __len__(self) -> int:
        return len(self._games)
