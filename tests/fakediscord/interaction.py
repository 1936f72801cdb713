# ruff: noqa: ASYNC109  (timeout= parameters are part of the public test API)
"""Record of one interaction dispatched by the fake and of everything the bot answered to it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .models import JSON, UploadedFile

if TYPE_CHECKING:
    from .server import FakeDiscord

EPHEMERAL = 1 << 6
LOADING = 1 << 7


class Interaction:
    """An interaction sent to the bot (slash, autocomplete, click, select, modal submit).

    ``payload`` is exactly what was dispatched in INTERACTION_CREATE. ``callback`` is the body the
    bot POSTed to ``/interactions/{id}/{token}/callback`` (``{"type": ..., "data": ...}``).
    Callback types: 1 pong, 4 message, 5 deferred message, 6 deferred update, 7 update message,
    8 autocomplete result, 9 modal.
    """

    def __init__(self, fake: FakeDiscord, payload: JSON) -> None:
        self.fake = fake
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.callback: JSON | None = None
        self.callback_files: list[UploadedFile] = []
        self.original_id: int | None = None
        self.followup_ids: list[int] = []
        self.sent_at = time.perf_counter()  # when the fake dispatched it
        self.answered_at: float | None = None  # when the bot's first callback arrived

    @property
    def first_response_seconds(self) -> float | None:
        """Seconds from dispatch to the bot's first response (None while unanswered)."""
        return None if self.answered_at is None else self.answered_at - self.sent_at

    def __repr__(self) -> str:
        return f"<Interaction id={self.id} type={self.type} response_type={self.response_type}>"

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def guild_id(self) -> int | None:
        gid = self.payload.get("guild_id")
        return int(gid) if gid else None

    @property
    def user_id(self) -> int:
        user = self.payload["member"]["user"] if "member" in self.payload else self.payload["user"]
        return int(user["id"])

    @property
    def response_type(self) -> int | None:
        """Callback type the bot answered with, or None if not answered (yet)."""
        return None if self.callback is None else int(self.callback["type"])

    @property
    def data(self) -> JSON:
        """``data`` of the callback body ({} if none)."""
        return (self.callback or {}).get("data") or {}

    @property
    def deferred(self) -> bool:
        return self.response_type in (5, 6)

    @property
    def ephemeral(self) -> bool:
        """Whether the response message is ephemeral (flags & 64)."""
        if self.response_type in (4, 5):
            return bool(int(self.data.get("flags") or 0) & EPHEMERAL)
        original = self.original
        return bool(original and original["flags"] & EPHEMERAL)

    @property
    def original(self) -> JSON | None:
        """The current original response message (with edits), None if absent or deleted."""
        return None if self.original_id is None else self.fake.get_message(self.original_id)

    @property
    def followups(self) -> list[JSON]:
        """Follow-up messages (current versions). A follow-up sent after a defer replaces the
        'thinking' original, so it is both ``original`` and ``followups[0]``, like on Discord."""
        found = (self.fake.get_message(mid) for mid in self.followup_ids)
        return [m for m in found if m is not None]

    @property
    def modal(self) -> JSON | None:
        """The modal (``{custom_id, title, components}``) if the bot answered with one."""
        return self.data if self.response_type == 9 else None

    @property
    def choices(self) -> list[JSON] | None:
        """Autocomplete choices if the bot answered with type 8."""
        return self.data.get("choices", []) if self.response_type == 8 else None

    async def response(self, timeout: float = 5.0) -> JSON:
        """Wait for the bot's interaction callback and return its body."""
        return await self.fake.wait_for(
            lambda: self.callback, timeout, what=f"a response to interaction {self.id}"
        )

    async def wait_for(
        self, predicate: Callable[[Interaction], Any], timeout: float = 5.0
    ) -> Interaction:
        """Wait until ``predicate(self)`` is truthy (re-checked on every fake state change),
        e.g. ``await ix.wait_for(lambda ix: ix.original and "done" in ix.original["content"])``."""
        await self.fake.wait_for(lambda: predicate(self), timeout, what=f"{self!r} condition")
        return self
