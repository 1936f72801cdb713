"""Where interactions enter the bot: their text is cleaned and their first response is
guaranteed within Discord's window.

Discord shows "The application did not respond" when an interaction gets no first response
within 3 s. Any command, button or form may wait on the database, and a database that is slow or
down must not turn into that. So every interaction's `response` is a `GuardedResponse`: if the
handler has not answered `AUTO_DEFER_AFTER` seconds after the interaction arrived, it defers on
the handler's behalf (privately, unless the command answers in public), and the handler's later
`send_message` / `edit_message` / `defer` become the matching follow-up or edit. Handlers stay
written as if they always answered in time.

Text options and form fields are cleaned here too (`bot.core.cleaning`), before discord.py
checks their lengths, so a NUL byte or a bidirectional override never reaches a cog, and
mention markup a member typed is escaped so quoting it back does not read as a mention.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord
from discord.interactions import InteractionResponse
from discord.utils import MISSING

from bot.core.cleaning import clean_text, escape_mention_markup

if TYPE_CHECKING:
    from discord.ext import commands

log = logging.getLogger(__name__)

AUTO_DEFER_AFTER = 0.8
"""Seconds an interaction may go unanswered before the bot defers it itself (Discord: 3 s)."""
AUTOCOMPLETE_GIVE_UP = 2.2
"""Seconds after which an autocomplete still unanswered gets no choices rather than none at all."""
PUBLIC_COMMANDS = frozenset({"ask", "quiz start", "quiz stop", "quiz skip", "quiz leaderboard"})
"""Commands whose answer is posted in the channel: deferred in public, not privately."""

MENTIONS_READ = frozenset({"ask"})
"""Commands that read mention markup themselves (/ask strips it from the question)."""

_STRING_OPTION = 3
_TEXT_INPUT = 4


def command_name(data: dict[str, Any]) -> str:
    """'quiz start' from an application command's interaction data."""
    parts = [str(data.get("name", ""))]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):
        parts.append(str(options[0]["name"]))
        options = options[0].get("options") or []
    return " ".join(parts)


def _clean_options(options: list[dict[str, Any]], *, escape: bool) -> None:
    for option in options:
        if option.get("type") == _STRING_OPTION and isinstance(option.get("value"), str):
            value = clean_text(option["value"])
            keep = option.get("focused") or not escape
            option["value"] = value if keep else escape_mention_markup(value)
        _clean_options(option.get("options") or [], escape=escape)


def _clean_components(components: list[dict[str, Any]]) -> None:
    for component in components:
        if component.get("type") == _TEXT_INPUT and isinstance(component.get("value"), str):
            component["value"] = escape_mention_markup(
                clean_text(component["value"], multiline=True)
            )
        _clean_components(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            _clean_components([component["component"]])


def clean_interaction_data(data: dict[str, Any]) -> None:
    """Clean, in place, every text a member typed into an INTERACTION_CREATE payload."""
    inner = data.get("data") or {}
    escape = command_name(inner) not in MENTIONS_READ
    _clean_options(inner.get("options") or [], escape=escape)
    _clean_components(inner.get("components") or [])


def clean_message_data(data: dict[str, Any]) -> None:
    """Clean, in place, the content of a MESSAGE_CREATE payload (mention markup is kept: the bot
    reads its own mention and strips the others)."""
    content = data.get("content")
    if isinstance(content, str) and content:
        data["content"] = clean_text(content, multiline=True)


def _without_missing(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not MISSING and v is not None}


class GuardedResponse(InteractionResponse):  # type: ignore[type-arg,unused-ignore]
    """An `InteractionResponse` that answers for the handler when it takes too long."""

    def __init__(self, parent: discord.Interaction, *, public: bool) -> None:
        super().__init__(parent)
        self._lock = asyncio.Lock()
        self.auto_deferred = False
        self._public = public
        self._tasks: set[asyncio.Task[None]] = set()
        loop = asyncio.get_running_loop()
        autocomplete = parent.type is discord.InteractionType.autocomplete
        delay = AUTOCOMPLETE_GIVE_UP if autocomplete else AUTO_DEFER_AFTER
        self._timer = loop.call_later(delay, self._fire)

    def _fire(self) -> None:
        if self.is_done():
            return
        task = asyncio.ensure_future(self._auto_respond())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def _updates_message(self) -> bool:
        parent = self._parent
        return parent.type is discord.InteractionType.component or (
            parent.type is discord.InteractionType.modal_submit and parent.message is not None
        )

    async def _auto_respond(self) -> None:
        async with self._lock:
            if self.is_done():
                return
            kind = self._parent.type
            try:
                if kind is discord.InteractionType.autocomplete:
                    await super().autocomplete([])
                    return
                if self._updates_message:
                    await super().defer()
                else:
                    await super().defer(ephemeral=not self._public, thinking=True)
                self.auto_deferred = True
            except discord.HTTPException:
                log.debug("could not defer interaction %s", self._parent.id, exc_info=True)

    # --- what handlers call -----------------------------------------------------------------
    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> Any:
        async with self._lock:
            if self.auto_deferred:
                return None
            return await super().defer(ephemeral=ephemeral, thinking=thinking)

    async def send_message(self, content: Any | None = None, **kwargs: Any) -> Any:
        async with self._lock:
            if not self.auto_deferred:
                return await super().send_message(content, **kwargs)
            return await self._followup(content, **kwargs)

    async def edit_message(self, **kwargs: Any) -> Any:
        async with self._lock:
            if not self.auto_deferred:
                return await super().edit_message(**kwargs)
            kwargs.pop("delete_after", None)
            kwargs.pop("suppress_embeds", None)
            return await self._parent.edit_original_response(**kwargs)

    async def autocomplete(self, choices: Any) -> None:
        async with self._lock:
            if self.is_done():
                return  # answered with no choices already: too late for these
            await super().autocomplete(choices)

    async def _followup(self, content: Any | None, **kwargs: Any) -> Any:
        ephemeral = bool(kwargs.pop("ephemeral", False))
        delete_after = kwargs.pop("delete_after", None)
        parent = self._parent
        if not self._updates_message and ephemeral != (not self._public):
            # The "thinking" message has the wrong visibility for this answer: replace it.
            try:
                await parent.delete_original_response()
            except discord.HTTPException:
                log.debug("could not delete the deferred response", exc_info=True)
        message = await parent.followup.send(
            content if content is not None else MISSING,
            ephemeral=ephemeral,
            wait=True,
            **_without_missing(kwargs),
        )
        if delete_after is not None:
            await message.delete(delay=delete_after)
        return message


async def reply_privately(interaction: discord.Interaction, text: str, **kwargs: Any) -> None:
    """A private message to the member, whatever state the interaction is in."""
    response = interaction.response
    if isinstance(response, GuardedResponse) and response.auto_deferred:
        await response.send_message(text, ephemeral=True, **kwargs)
    elif response.is_done():
        await interaction.followup.send(text, ephemeral=True, **kwargs)
    else:
        await response.send_message(text, ephemeral=True, **kwargs)


def install(bot: commands.Bot) -> None:
    """Make `bot` clean incoming text and guard every interaction's first response."""
    state = bot._connection
    parsers: dict[str, Callable[[Any], None]] = state.parsers

    def parse_interaction_create(data: Any) -> None:
        # What discord.py's ConnectionState.parse_interaction_create does, with the response
        # replaced before any handler can touch it.
        clean_interaction_data(data)
        interaction: discord.Interaction = discord.Interaction(data=data, state=state)
        public = data.get("type") == 2 and command_name(data.get("data") or {}) in PUBLIC_COMMANDS
        interaction._cs_response = GuardedResponse(interaction, public=public)  # type: ignore[attr-defined]
        tree = state._command_tree
        inner = data.get("data") or {}
        if data["type"] in (2, 4) and tree:
            tree._from_interaction(interaction)
        elif data["type"] == 3:
            state._view_store.dispatch_view(
                inner["component_type"], inner["custom_id"], interaction
            )
        elif data["type"] == 5:
            state._view_store.dispatch_modal(
                inner["custom_id"], interaction, inner["components"], inner.get("resolved", {})
            )
        state.dispatch("interaction", interaction)

    message_create = parsers["MESSAGE_CREATE"]

    def parse_message_create(data: Any) -> None:
        clean_message_data(data)
        message_create(data)

    parsers["INTERACTION_CREATE"] = parse_interaction_create
    parsers["MESSAGE_CREATE"] = parse_message_create
