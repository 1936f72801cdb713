# ruff: noqa: ASYNC109  (timeout= parameters are part of the public test API)
"""Pointing discord.py at the fake, and running a bot against it with a clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

import discord
import discord.gateway
import discord.http
import yarl

ClientT = TypeVar("ClientT", bound=discord.Client)


class DiscordPatch:
    """Sets ``discord.http.Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` and restores the
    previous values on exit. Usable with ``with`` and ``async with``."""

    def __init__(self, api_base: str, gateway_url: str) -> None:
        self.api_base, self.gateway_url = api_base, gateway_url
        self._saved: tuple[str, yarl.URL] | None = None

    def __enter__(self) -> DiscordPatch:
        ws_cls = discord.gateway.DiscordWebSocket
        self._saved = (discord.http.Route.BASE, ws_cls.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.api_base
        ws_cls.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._saved is not None
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved

    async def __aenter__(self) -> DiscordPatch:
        return self.__enter__()

    async def __aexit__(self, *exc: object) -> None:
        self.__exit__(*exc)


@contextlib.asynccontextmanager
async def run_bot(
    bot: ClientT,
    token: str = "fake-token",
    *,
    wait_ready: bool = True,
    timeout: float = 10.0,
    guild_ready_timeout: float | None = 0.05,
) -> AsyncIterator[ClientT]:
    """Run ``bot.start(token)`` as a task; on exit ``await bot.close()`` and await the task.

    With ``wait_ready`` the body starts once the bot fired ``on_ready``. discord.py waits
    ``guild_ready_timeout`` (default 2 s) after the last GUILD_CREATE before that; this helper
    lowers it (set None to keep the bot's own value). An exception that ended the bot task
    (e.g. LoginFailure) is re-raised.
    """
    if guild_ready_timeout is not None:
        bot._connection.guild_ready_timeout = guild_ready_timeout
    task = asyncio.create_task(bot.start(token), name="fakediscord-bot")
    try:
        if wait_ready:
            async with asyncio.timeout(timeout):
                while not bot.is_ready():
                    if task.done():
                        task.result()  # raises the bot's exception
                        raise RuntimeError("bot.start() returned before the bot became ready")
                    await asyncio.sleep(0.005)
        yield bot
    finally:
        if not bot.is_closed():
            await bot.close()
        await asyncio.wait_for(task, 5.0)
