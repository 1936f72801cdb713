"""Reading what the bot answered, and what the database really holds, for the fault tests."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select

from bot.db.engine import create_engine
from bot.db.models import FactRow, FactSuggestionRow
from bot.exts.errors import DATABASE_DOWN, OUTCOME_UNKNOWN
from tests.fakediscord import Interaction
from tests.fakediscord.interaction import LOADING


def reply_text(ix: Interaction) -> str | None:
    """Everything the bot finally said to an interaction (None while it is still thinking)."""
    parts: list[str] = []
    messages = []
    if ix.response_type == 4:
        messages.append(ix.data)
    elif ix.original is not None and not ix.original["flags"] & LOADING:
        messages.append(ix.original)
    messages += [m for m in ix.followups if m is not (ix.original or {})]
    for message in messages:
        parts.append(message.get("content") or "")
        for embed in message.get("embeds") or []:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f.get("value", "") for f in embed.get("fields") or []]
    text = "\n".join(p for p in parts if p)
    return text or None


async def final_reply(ix: Interaction, within: float = 30.0) -> str:
    return await ix.fake.wait_for(lambda: reply_text(ix), within, what=f"a reply to {ix!r}")


def verdict(text: str) -> str:
    """What a reply claims about a write: saved, not-saved, unknown, or other."""
    if OUTCOME_UNKNOWN in text:
        return "unknown"
    if DATABASE_DOWN in text or "nothing was saved" in text.lower():
        return "not-saved"
    if "Saved" in text or "Thanks!" in text:
        return "saved"
    return "other"


async def stored_questions(url: str) -> tuple[set[str], set[str]]:
    """(fact questions, suggestion questions) in the database, read directly."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            facts = set((await conn.execute(select(FactRow.question))).scalars())
            suggested = set((await conn.execute(select(FactSuggestionRow.question))).scalars())
    finally:
        await engine.dispose()
    return facts, suggested


@contextlib.contextmanager
def sqlite_locked(path: Path) -> Iterator[None]:
    """Another process holds the SQLite file's exclusive lock: nobody else can read or write."""
    ready, release = threading.Event(), threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10)
        conn.execute("BEGIN EXCLUSIVE")
        ready.set()
        release.wait()
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join(10)


async def sleep_until(loop_time: float) -> None:
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, loop_time - loop.time()))
