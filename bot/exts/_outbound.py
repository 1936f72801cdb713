"""Everything the bot sends to Discord: mass mentions escaped, and 429s retried once.

discord.py already waits out a 429 and tries again, but gives up after five tries and raises
`HTTPException: 429`; in a rate-limit storm that loses replies. A request that failed that way
was not carried out by Discord (a 429 is a refusal, not a partial success), so it is sent once
more after the bucket's Retry-After: no reply is lost, none is sent twice.

Every message, embed and component text has `@everyone` and `@here` escaped: the client sends
with mentions disabled, so they would ping nobody, but they would still read as a ping.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from bot.core.cleaning import escape_mass_mentions

if TYPE_CHECKING:
    from discord.ext import commands

log = logging.getLogger(__name__)

MAX_RETRY_WAIT = 30.0
"""A Retry-After longer than this is not waited for (the reply would come far too late)."""
_MESSAGE_ROUTES = re.compile(r"/messages|/interactions/|/webhooks/")
_VERBATIM_KEYS = frozenset(
    {"custom_id", "url", "icon_url", "proxy_url", "allowed_mentions", "id", "message_reference"}
)


def escape_payload(value: Any) -> Any:
    """A message payload with `@everyone` / `@here` escaped in every text (ids, urls kept)."""
    if isinstance(value, str):
        return escape_mass_mentions(value)
    if isinstance(value, list):
        return [escape_payload(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in _VERBATIM_KEYS else escape_payload(v) for k, v in value.items()}
    return value


def _escape_form(parts: Any) -> Any:
    if not parts:
        return parts
    out = []
    for part in parts:
        if part.get("name") == "payload_json" and isinstance(part.get("value"), str):
            part = {**part, "value": json.dumps(escape_payload(json.loads(part["value"])))}
        out.append(part)
    return out


def retry_after(error: discord.HTTPException) -> float:
    """Seconds until the rate-limit bucket of a 429 resets."""
    headers = getattr(error.response, "headers", None) or {}
    for name in ("Retry-After", "X-RateLimit-Reset-After"):
        try:
            return max(0.0, float(headers[name]))
        except (KeyError, TypeError, ValueError):
            continue
    return 1.0


def _rewind(files: Any) -> None:
    for file in files or ():
        file.reset(seek=True)


async def _once_more_after_429(send: Callable[[], Awaitable[Any]], files: Any, what: str) -> Any:
    try:
        return await send()
    except discord.HTTPException as error:
        if error.status != 429:
            raise
        wait = retry_after(error)
        if wait > MAX_RETRY_WAIT:
            raise
        log.warning(
            "%s still rate limited after discord.py's retries; once more in %.1f s", what, wait
        )
        await asyncio.sleep(wait)
        _rewind(files)
        return await send()


class RetryingWebhookAdapter(AsyncWebhookAdapter):
    """Interaction responses and follow-ups: escaped, and retried once after a 429."""

    async def request(self, route: Any, session: Any, **kwargs: Any) -> Any:
        if _MESSAGE_ROUTES.search(route.path):
            if kwargs.get("payload") is not None:
                kwargs["payload"] = escape_payload(kwargs["payload"])
            kwargs["multipart"] = _escape_form(kwargs.get("multipart"))
        parent = super().request
        return await _once_more_after_429(
            lambda: parent(route, session, **kwargs),
            kwargs.get("files"),
            f"{route.method} {route.path}",
        )


def install(bot: commands.Bot) -> None:
    """Route the bot's REST requests and webhook calls through the escaping, retrying layer.

    Call from `setup_hook`: the webhook adapter is a context variable, and every task the bot
    creates afterwards (gateway, interactions, views) inherits it.
    """
    http = bot.http
    original = http.request

    async def request(route: Any, **kwargs: Any) -> Any:
        if _MESSAGE_ROUTES.search(route.path):
            if kwargs.get("json") is not None:
                kwargs["json"] = escape_payload(kwargs["json"])
            if kwargs.get("form") is not None:
                kwargs["form"] = _escape_form(kwargs["form"])
        return await _once_more_after_429(
            lambda: original(route, **kwargs),
            kwargs.get("files"),
            f"{route.method} {route.path}",
        )

    http.request = request  # type: ignore[method-assign]
    async_context.set(RetryingWebhookAdapter())
