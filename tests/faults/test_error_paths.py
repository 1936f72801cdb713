"""Every failure gets a reply: errors raised in checks, autocompletes, buttons, forms and
background tasks all reach one error path. And commands that need a server say so in DMs."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.db import guilds as guild_store
from bot.db.engine import DatabaseUnavailable
from bot.exts.errors import DATABASE_DOWN, SERVER_ONLY, guarded_task
from tests.e2e.conftest import World
from tests.faults.conftest import FaultLedger
from tests.faults.helpers import final_reply


@pytest.fixture
def e2e_database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


def _database_down(*_args: object, **_kwargs: object) -> object:
    raise DatabaseUnavailable("ConnectionRefusedError: connect call failed")


async def test_the_database_failing_inside_the_moderator_check_gets_a_reply(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(guild_store, "guild_settings", _database_down)
    world.bot.guild_config.invalidate()  # the check reads the settings again
    # An admin let every member see /fact (Integrations); the bot's own check still runs.
    world.fake.allow_command(world.guild, "fact", world.guild.everyone)
    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "fact add", {"question": "Who won?", "answer": "x"}
    )
    assert await final_reply(ix) == DATABASE_DOWN
    assert ix.ephemeral
    assert not [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]


async def test_a_bug_inside_a_check_gets_a_reply_and_one_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(guild_store, "guild_settings", broken)
    world.bot.guild_config.invalidate()
    # An admin let every member see /fact (Integrations); the bot's own check still runs.
    world.fake.allow_command(world.guild, "fact", world.guild.everyone)
    ix = await world.fake.slash(
        world.guild, world.channel, world.alice, "fact add", {"question": "Who won?", "answer": "x"}
    )
    assert "Something went wrong" in await final_reply(ix)
    logged = [r for r in caplog.records if r.exc_info and r.name == "bot.exts.errors"]
    assert len(logged) == 1


async def test_an_autocomplete_that_fails_offers_no_choices(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(guild_store, "guild_settings", _database_down)
    world.bot.guild_config.invalidate()  # the check reads the settings again
    world.fake.allow_command(world.guild, "fact", world.guild.everyone)
    choices = await world.fake.autocomplete(
        world.guild, world.channel, world.alice, "fact edit", {"id": "jason"}, "id"
    )
    assert choices == []
    assert not [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]


async def test_a_button_whose_write_fails_gets_a_reply(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = world.fake
    ix = await fake.slash(
        world.guild, world.channel, world.mod, "fact remove", {"id": "jason-gold-count"}
    )
    prompt = await ix.response()
    buttons = [
        c["custom_id"]
        for row in prompt["data"]["components"]
        for c in row["components"]
        if c.get("style") == 4  # the red "Remove" button
    ]
    from bot.db import facts as fact_store

    monkeypatch.setattr(fact_store, "remove_fact", _database_down)
    click = await fake.click(ix.original_id, world.mod, buttons[0])  # type: ignore[arg-type]
    await click.response()
    await fake.wait_for(
        lambda: any(
            DATABASE_DOWN in (m.get("content") or "") for m in fake.messages_in(world.channel)
        ),
        5,
        what="the database message",
    )


async def test_a_failing_background_task_is_logged_once_without_a_traceback_for_outages(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def outage() -> None:
        raise DatabaseUnavailable("down")

    async def bug() -> None:
        raise ValueError("bug")

    tasks = [guarded_task(outage(), name="outage"), guarded_task(bug(), name="bug")]
    await asyncio.wait(tasks)
    await asyncio.sleep(0)
    lines = [(r.levelname, r.getMessage(), bool(r.exc_info)) for r in caplog.records]
    assert ("WARNING", "background task outage stopped: database unavailable", False) in lines
    assert ("ERROR", "background task bug failed", True) in lines


# --- direct messages ----------------------------------------------------------------------------
async def test_direct_messages_offer_only_what_works_there(
    world: World, ledger: FaultLedger
) -> None:
    fake, alice = world.fake, world.alice
    await world.bot.tree.sync()  # publish globally, as `python -m bot sync` does
    offered: dict[str, str] = {}
    for name in ("fact", "config"):
        with pytest.raises(LookupError, match="not available in DMs"):
            await fake.slash(
                None, None, alice, f"{name} {'suggest' if name == 'fact' else 'ask-channel'}", {}
            )
        offered[name] = "not offered"
    ask = await fake.slash(
        None, None, alice, "ask", {"question": "how many golds has jason kenny won?"}
    )
    assert "Jason Kenny" in await final_reply(ask)
    help_ = await fake.slash(None, None, alice, "help")
    assert "Kenny" in await final_reply(help_)
    start = await fake.slash(None, None, alice, "quiz start")
    assert await final_reply(start) == SERVER_ONLY
    assert start.ephemeral
    stats = await fake.slash(None, None, alice, "quiz stats")
    assert "Something went wrong" not in await final_reply(stats)
    board = await fake.slash(None, None, alice, "quiz leaderboard", {"scope": "global"})
    assert "Something went wrong" not in await final_reply(board)
    board = await fake.slash(None, None, alice, "quiz leaderboard")  # no scope: a DM has no server
    shown = await final_reply(board)
    assert "all servers" in shown and "this server" not in shown
    ledger.add(
        "commands in a DM",
        "-",
        7,
        "/fact and /config not offered; /ask, /help, /quiz stats, /quiz leaderboard answer; "
        "/quiz start says it needs a server",
    )
