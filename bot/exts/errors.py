"""One error path: whatever fails in a command, a check, an autocomplete, a form, a button or a
background task ends here; the member always gets a private, readable reply, operators a log
line (a traceback only for what is a bug, not for a database that is down)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands
from discord.app_commands.namespace import Namespace

from bot.db.engine import is_unavailable, outcome_unknown
from bot.exts._render import SOMETHING_WENT_WRONG
from bot.exts._respond import command_name, reply_privately

if TYPE_CHECKING:
    from bot.client import TriviaBot

log = logging.getLogger(__name__)
T = TypeVar("T")

DATABASE_DOWN = (
    "The fact database is not reachable right now, so nothing was saved. Try again in a minute."
)
OUTCOME_UNKNOWN = (
    "The fact database stopped answering while saving, and I could not check whether it was "
    "saved. Look again in a minute before trying a second time."
)
SERVER_ONLY = "This command only works in a server."
DM_COMMANDS = frozenset({"ask", "help", "quiz stats", "quiz leaderboard"})
"""Commands that work in direct messages; every other one needs a server."""
DM_GROUPS = frozenset(name.split()[0] for name in DM_COMMANDS)


def user_message(error: BaseException) -> str | None:
    """What to tell the member; None means an unexpected error (logged with a traceback)."""
    if outcome_unknown(error):
        return OUTCOME_UNKNOWN
    if is_unavailable(error):
        return DATABASE_DOWN
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little — try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.NoPrivateMessage):
        return SERVER_ONLY
    if isinstance(error, app_commands.MissingPermissions):
        return "You need the Manage Server permission for that."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I'm missing permissions here: {missing}."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use that command here."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand {error.value!r}."
    if (
        isinstance(error, app_commands.AppCommandError)
        and type(error) is app_commands.AppCommandError
    ):
        return str(error) or None
    return None


def _describe(interaction: discord.Interaction, item: object = None) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    if item is not None:
        return f"{type(item).__name__} {getattr(item, 'custom_id', '')}".strip()
    return f"interaction type {interaction.type.name}"


async def report(
    interaction: discord.Interaction, error: BaseException, item: object = None
) -> None:
    """Log an error once and answer the member privately (if the interaction can still be)."""
    text = user_message(error)
    where = _describe(interaction, item)
    if text is None:
        log.error("error in %s", where, exc_info=error)
        text = SOMETHING_WENT_WRONG
    elif is_unavailable(error):
        log.debug("%s: database unavailable (%s)", where, type(error).__name__)
    if interaction.type is discord.InteractionType.autocomplete:
        if not interaction.response.is_done():
            try:
                await interaction.response.autocomplete([])
            except discord.HTTPException:
                log.debug("could not answer an autocomplete", exc_info=True)
        return
    try:
        await reply_privately(interaction, text)
    except discord.HTTPException:
        log.warning("could not send an error message for %s", where, exc_info=True)


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """Reply privately, whether or not the interaction was answered already."""
    try:
        await reply_privately(interaction, text)
    except discord.HTTPException:
        log.warning("could not send an error message", exc_info=True)


async def on_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    await report(interaction, error)


def mark_server_only(tree: app_commands.CommandTree[Any]) -> None:
    """Tell Discord which commands need a server (it then does not offer them in DMs).

    A group's subcommands share its contexts: /quiz stays available in DMs for its stats and
    leaderboard, and `TriviaTree.interaction_check` refuses its other subcommands there.
    """
    for command in tree.get_commands(type=discord.AppCommandType.chat_input):
        in_dms = command.name in DM_GROUPS
        command.guild_only = not in_dms
        command.allowed_contexts = app_commands.AppCommandContext(
            guild=True, dm_channel=in_dms, private_channel=False
        )


class TriviaTree(app_commands.CommandTree[Any]):
    """The command tree: refuses server-only commands in DMs, and sends every error from a
    command, its checks or its autocomplete to `report`."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is not None or interaction.type not in (
            discord.InteractionType.application_command,
            discord.InteractionType.autocomplete,
        ):
            return True
        name = command_name(interaction.data or {})  # type: ignore[arg-type]
        if name in DM_COMMANDS or (name.split()[0] in DM_GROUPS and " " not in name):
            return True
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
        else:
            await reply_privately(interaction, SERVER_ONLY)
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report(interaction, error)

    async def _call(self, interaction: discord.Interaction) -> None:
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                await self._autocomplete(interaction)
            else:
                await super()._call(interaction)
        except app_commands.AppCommandError:
            raise  # discord.py hands these to on_error
        except Exception as error:  # raised in a check, before discord.py wraps errors
            interaction.command_failed = True
            await report(interaction, error)

    async def _autocomplete(self, interaction: discord.Interaction) -> None:
        """discord.py's autocomplete dispatch, with failures answered (no choices) and reported
        once instead of logged as a traceback on every keystroke."""
        if not await self.interaction_check(interaction):
            return
        data: Any = interaction.data
        command, options = self._get_app_command_options(data)
        interaction._cs_command = command  # type: ignore[attr-defined]
        namespace = Namespace(interaction, data.get("resolved", {}), options)
        interaction._cs_namespace = namespace  # type: ignore[attr-defined]
        focused = next((opt["name"] for opt in options if opt.get("focused")), None)
        if focused is None or not isinstance(command, app_commands.Command):
            return
        try:
            await command._invoke_autocomplete(interaction, focused, namespace)
        except Exception as error:
            await report(interaction, error)
        finally:
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])


async def _view_on_error(
    self: discord.ui.View, interaction: discord.Interaction, error: Exception, item: Any
) -> None:
    await report(interaction, error, item)


async def _modal_on_error(
    self: discord.ui.Modal, interaction: discord.Interaction, error: Exception
) -> None:
    await report(interaction, error, self)


def guarded_task(coro: Coroutine[Any, Any, T], *, name: str) -> asyncio.Task[T]:
    """A background task whose failure is logged once (not "Task exception was never
    retrieved"): a database outage as one line, anything else with its traceback."""
    task = asyncio.create_task(coro, name=name)

    def done(t: asyncio.Task[T]) -> None:
        if t.cancelled():
            return
        error = t.exception()
        if error is None:
            return
        if is_unavailable(error):
            log.warning("background task %s stopped: database unavailable", name)
        else:
            log.error("background task %s failed", name, exc_info=error)

    task.add_done_callback(done)
    return task


_SAVED: dict[str, Any] = {}


async def setup(bot: TriviaBot) -> None:
    bot.tree.on_error = on_app_command_error  # type: ignore[method-assign]
    # Views and forms are built by every cog; their errors all come here, unless a view
    # handles its own.
    _SAVED.setdefault("view", discord.ui.View.on_error)
    _SAVED.setdefault("modal", discord.ui.Modal.on_error)
    discord.ui.View.on_error = _view_on_error  # type: ignore[method-assign, assignment]
    discord.ui.Modal.on_error = _modal_on_error  # type: ignore[method-assign]


async def teardown(bot: TriviaBot) -> None:
    if "view" in _SAVED:
        discord.ui.View.on_error = _SAVED.pop("view")  # type: ignore[method-assign]
    if "modal" in _SAVED:
        discord.ui.Modal.on_error = _SAVED.pop("modal")  # type: ignore[method-assign]
