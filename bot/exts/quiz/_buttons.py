"""The quiz's buttons: answer options (of a round and of the daily question) and board pages.

Option buttons are dynamic items: their custom id names the game (or daily round), the
question and the option, so a click on an old message, or one from before a restart, still
gets a private reply. The buttons only pass the click on; the rules are the core's.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.core import quiz as core
from bot.exts._render import BUTTON_LABEL_LIMIT, clip

if TYPE_CHECKING:
    from . import QuizCog

CLOSED = "This question is closed."
BOARD_TIMEOUT = 180.0
"""Seconds a board's page buttons keep working."""
NOT_YOUR_BOARD = "These buttons belong to whoever asked for this board: run `/quiz leaderboard`."


COG_NAME = "quiz"


def _cog(interaction: discord.Interaction) -> QuizCog | None:
    # By name, not class: reloading the extension makes a new QuizCog class.
    cog = interaction.client.get_cog(COG_NAME)  # type: ignore[attr-defined]
    return cog if hasattr(cog, "press") and hasattr(cog, "daily") else None


async def _reply(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(text, ephemeral=True)


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:(?P<game>\d+):(?P<number>\d+):(?P<choice>\d)",
):
    """An option of a round's question."""

    def __init__(
        self,
        game_id: int,
        number: int,
        choice: int,
        label: str = "?",
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL_LIMIT),
                style=style,
                custom_id=f"quiz:{game_id}:{number}:{choice}",
            )
        )
        self.game_id, self.number, self.choice = game_id, number, choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ChoiceButton:
        return cls(int(match["game"]), int(match["number"]), int(match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = _cog(interaction)
        user = interaction.user
        text = cog.press(self, user.id, user.display_name) if cog else CLOSED
        await _reply(interaction, text)


class DailyButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quizd:(?P<round>\d+):(?P<choice>\d)",
):
    """An option of a daily question; answers are kept in the database."""

    def __init__(
        self,
        round_id: int,
        choice: int,
        label: str = "?",
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL_LIMIT),
                style=style,
                custom_id=f"quizd:{round_id}:{choice}",
            )
        )
        self.round_id, self.choice = round_id, choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DailyButton:
        return cls(int(match["round"]), int(match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = _cog(interaction)
        user = interaction.user
        text = await cog.daily.press(self, user.id, user.display_name) if cog else CLOSED
        await _reply(interaction, text)


def question_view(
    game_id: int, q: core.QuestionOpen, *, reveal: bool = False, closed: bool = False
) -> discord.ui.View:
    """The options as buttons; `reveal` disables them and shows the right one in green,
    `closed` only disables them (a question dropped by /quiz stop)."""
    view = discord.ui.View(timeout=None)  # the buttons are dynamic items: nothing to time out
    right = q.choices.correct_index if q.choices else -1
    for i, option in enumerate(q.options):
        style = discord.ButtonStyle.primary
        if reveal:
            style = discord.ButtonStyle.success if i == right else discord.ButtonStyle.secondary
        item = ChoiceButton(game_id, q.number, i, option, style)
        item.item.disabled = reveal or closed
        view.add_item(item)
    return view


def daily_view(
    round_id: int, options: list[str], correct_index: int, *, reveal: bool = False
) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for i, option in enumerate(options):
        style = discord.ButtonStyle.primary
        if reveal:
            style = (
                discord.ButtonStyle.success if i == correct_index else discord.ButtonStyle.secondary
            )
        item = DailyButton(round_id, i, option, style)
        item.item.disabled = reveal
        view.add_item(item)
    return view


class BoardView(discord.ui.View):
    """◀ ▶ through a leaderboard's pages; only the member who asked may turn them."""

    def __init__(
        self,
        owner_id: int,
        pages: int,
        render: Callable[[int], Awaitable[discord.Embed]],
        *,
        timeout: float = BOARD_TIMEOUT,
    ) -> None:
        super().__init__(timeout=timeout)
        self.owner_id, self.pages, self.render = owner_id, pages, render
        self.page = 1
        self.message: discord.InteractionMessage | None = None
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= self.pages

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await _reply(interaction, NOT_YOUR_BOARD)
        return False

    async def _turn(self, interaction: discord.Interaction, by: int) -> None:
        self.page = min(max(self.page + by, 1), self.pages)
        self._sync()
        embed = await self.render(self.page)
        await interaction.response.edit_message(embed=embed, view=self)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[BoardView]
    ) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction, button: discord.ui.Button[BoardView]
    ) -> None:
        await self._turn(interaction, 1)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):  # the message is gone
                await self.message.edit(view=self)
