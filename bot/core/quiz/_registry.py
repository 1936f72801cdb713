"""At most one running quiz per channel."""

from __future__ import annotations

from ._errors import QuizAlreadyRunning
from ._session import QuizSession


class QuizRegistry:
    """The running quizzes, one per channel. Channels share nothing but this dictionary."""

    def __init__(self) -> None:
        self._sessions: dict[int, QuizSession] = {}

    def start(self, channel_id: int, session: QuizSession) -> QuizSession:
        """Register a session for a channel.

        A finished session left in the channel is replaced; a running one raises
        QuizAlreadyRunning.
        """
        if session.channel_id != channel_id:
            raise ValueError(f"session belongs to channel {session.channel_id}, not {channel_id}")
        existing = self._sessions.get(channel_id)
        if existing is not None and not existing.finished:
            raise QuizAlreadyRunning(channel_id)
        self._sessions[channel_id] = session
        return session

    def get(self, channel_id: int) -> QuizSession | None:
        return self._sessions.get(channel_id)

    def end(self, channel_id: int) -> QuizSession | None:
        """Forget the channel's session (finished or not) and return it."""
        return self._sessions.pop(channel_id, None)

    def channels(self) -> tuple[int, ...]:
        return tuple(self._sessions)

    def __contains__(self, channel_id: object) -> bool:
        return channel_id in self._sessions

    def __len__(self) -> int:
        return len(self._sessions)
