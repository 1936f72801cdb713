"""Buttons and forms of `/fact`. They only collect a moderator's choice or text; what it means is
decided in the cog and the core. Every click is re-checked on the bot's side: only the member who
ran the command may use them, and only while still a moderator."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import discord

from bot.core.facts import MAX_ANSWER_LEN, MAX_QUESTION_LEN, Fact
from bot.core.moderation import Page, join_list, page_of
from bot.exts._render import NO_MENTIONS, clip
from bot.exts.errors import SOMETHING_WENT_WRONG, send_private

log = logging.getLogger(__name__)
T = TypeVar("T")

Check = Callable[[discord.Interaction], Awaitable[bool]]

CONFIRM_TIMEOUT = 120.0
"""Seconds a Save anyway / Remove / Cancel question stays open."""
PAGER_TIMEOUT = 300.0
REVIEW_TIMEOUT = 300.0
MODAL_TIMEOUT = 900.0
"""Discord forgets an interaction after 15 minutes; a form left open longer cannot be answered."""
TEXT_INPUT_LIMIT = 4000
"""Discord's limit for a text input in a form."""
MODAL_TITLE_LIMIT = 45
TIMED_OUT = "Timed out — nothing was changed."
NOT_YOURS = "These buttons belong to the member who ran the command."


class OwnedView(discord.ui.View):
    """Buttons for one member (the command's author), checked again on every click."""

    def __init__(self, *, owner_id: int, check: Check | None, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.check = check
        self.message: discord.InteractionMessage | None = None
        self.timeout_note: str | None = TIMED_OUT

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                NOT_YOURS, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return False
        return self.check is None or await self.check(interaction)

    def disable(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True

    async def on_timeout(self) -> None:
        self.disable()
        if self.message is None:
            return
        try:
            if self.timeout_note is None:
                await self.message.edit(view=self, allowed_mentions=NO_MENTIONS)
            else:
                await self.message.edit(
                    content=self.timeout_note, view=self, allowed_mentions=NO_MENTIONS
                )
        except (discord.HTTPException, RuntimeError):  # RuntimeError: shutting down, session closed
            log.debug("could not disable timed-out buttons", exc_info=True)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        log.error("error in a /fact button", exc_info=error)
        await send_private(interaction, SOMETHING_WENT_WRONG)


class ConfirmView(OwnedView):
    """Confirm or cancel. On confirm the click is deferred and handed to the caller, who
    finishes the change and edits the message; cancel and timeout change nothing."""

    def __init__(
        self,
        *,
        owner_id: int,
        check: Check | None,
        confirm_label: str,
        confirm_style: discord.ButtonStyle = discord.ButtonStyle.primary,
        cancelled: str = "Cancelled — nothing was changed.",
        timeout: float = CONFIRM_TIMEOUT,
    ) -> None:
        super().__init__(owner_id=owner_id, check=check, timeout=timeout)
        self.confirm.label = confirm_label
        self.confirm.style = confirm_style
        self.cancelled = cancelled
        self.clicked: discord.Interaction | None = None

    @discord.ui.button(label="Confirm", custom_id="fact:confirm")
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[ConfirmView]
    ) -> None:
        self.clicked = interaction
        await interaction.response.defer()
        self.stop()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="fact:cancel")
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[ConfirmView]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=self.cancelled, embed=None, view=None, allowed_mentions=NO_MENTIONS
        )

    async def confirmed(self) -> discord.Interaction | None:
        """Wait for the choice: the (deferred) confirming click, or None."""
        await self.wait()
        return self.clicked


class PagerView(OwnedView, Generic[T]):
    """Previous / Next through a list, one embed per page."""

    def __init__(
        self,
        items: Sequence[T],
        render: Callable[[Page[T]], discord.Embed],
        *,
        owner_id: int,
        check: Check | None,
        timeout: float = PAGER_TIMEOUT,
    ) -> None:
        super().__init__(owner_id=owner_id, check=check, timeout=timeout)
        self.items = items
        self.render = render
        self.page = page_of(items, 0)
        self.timeout_note = None
        self._update()

    @property
    def needed(self) -> bool:
        return self.page.count > 1

    def embed(self) -> discord.Embed:
        return self.render(self.page)

    def _update(self) -> None:
        self.previous.disabled = self.page.number == 0
        self.next.disabled = self.page.number >= self.page.count - 1

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = page_of(self.items, self.page.number + step)
        self._update()
        await interaction.response.edit_message(
            embed=self.embed(), view=self, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(
        label="Previous", style=discord.ButtonStyle.secondary, custom_id="fact:page:previous"
    )
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[PagerView[T]]
    ) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(
        label="Next", style=discord.ButtonStyle.secondary, custom_id="fact:page:next"
    )
    async def next(
        self, interaction: discord.Interaction, button: discord.ui.Button[PagerView[T]]
    ) -> None:
        await self._turn(interaction, +1)


class ReviewView(OwnedView):
    """Approve or reject one suggestion; the click is deferred and handed to the caller."""

    def __init__(self, *, owner_id: int, check: Check | None, timeout: float = REVIEW_TIMEOUT):
        super().__init__(owner_id=owner_id, check=check, timeout=timeout)
        self.timeout_note = "Review timed out; the suggestion is still waiting."
        self.choice: str | None = None
        self.clicked: discord.Interaction | None = None

    async def _choose(self, interaction: discord.Interaction, choice: str) -> None:
        self.choice, self.clicked = choice, interaction
        await interaction.response.defer()
        self.stop()

    @discord.ui.button(
        label="Approve", style=discord.ButtonStyle.success, custom_id="fact:review:approve"
    )
    async def approve(
        self, interaction: discord.Interaction, button: discord.ui.Button[ReviewView]
    ) -> None:
        await self._choose(interaction, "approve")

    @discord.ui.button(
        label="Reject", style=discord.ButtonStyle.danger, custom_id="fact:review:reject"
    )
    async def reject(
        self, interaction: discord.Interaction, button: discord.ui.Button[ReviewView]
    ) -> None:
        await self._choose(interaction, "reject")

    async def decision(self) -> tuple[str, discord.Interaction] | None:
        """Wait for the choice: ("approve" | "reject", the deferred click), or None on timeout."""
        await self.wait()
        if self.choice is None or self.clicked is None:
            return None
        return self.choice, self.clicked


@dataclass(frozen=True, slots=True)
class FactForm:
    """What a moderator typed into the edit form, as typed."""

    question: str
    answer: str
    phrasings: str
    accept: str
    tags: str


def form_fits(fact: Fact) -> bool:
    """Whether a fact's lists fit into the form's text inputs."""
    return all(
        len(join_list(values)) <= TEXT_INPUT_LIMIT
        for values in (fact.phrasings, fact.accept, fact.tags)
    )


class FactEditModal(discord.ui.Modal):
    """The edit form, prefilled with the fact (lists separated by `;`)."""

    def __init__(
        self,
        fact: Fact,
        *,
        on_save: Callable[[discord.Interaction, Fact, FactForm], Awaitable[None]],
        check: Check,
    ) -> None:
        super().__init__(
            title=clip(f"Edit fact {fact.id}", MODAL_TITLE_LIMIT),
            timeout=MODAL_TIMEOUT,
            custom_id=clip(f"fact:edit:{fact.id}", 100),
        )
        self.fact = fact
        self.on_save = on_save
        self.check = check
        self.question: discord.ui.TextInput[FactEditModal] = discord.ui.TextInput(
            label="Question",
            custom_id="question",
            default=fact.question,
            max_length=MAX_QUESTION_LEN,
        )
        self.answer: discord.ui.TextInput[FactEditModal] = discord.ui.TextInput(
            label="Answer",
            custom_id="answer",
            style=discord.TextStyle.paragraph,
            default=fact.answer,
            max_length=MAX_ANSWER_LEN,
        )
        self.phrasings: discord.ui.TextInput[FactEditModal] = discord.ui.TextInput(
            label="Other phrasings (separate with ;)",
            custom_id="phrasings",
            style=discord.TextStyle.paragraph,
            default=join_list(fact.phrasings),
            required=False,
            max_length=TEXT_INPUT_LIMIT,
        )
        self.accept: discord.ui.TextInput[FactEditModal] = discord.ui.TextInput(
            label="Accepted quiz answers (separate with ;)",
            custom_id="accept",
            default=join_list(fact.accept),
            required=False,
            max_length=TEXT_INPUT_LIMIT,
        )
        self.tags: discord.ui.TextInput[FactEditModal] = discord.ui.TextInput(
            label="Tags (separate with ;)",
            custom_id="tags",
            default=join_list(fact.tags),
            required=False,
            max_length=TEXT_INPUT_LIMIT,
        )
        for item in (self.question, self.answer, self.phrasings, self.accept, self.tags):
            self.add_item(item)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await self.check(interaction)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.on_save(
            interaction,
            self.fact,
            FactForm(
                question=self.question.value,
                answer=self.answer.value,
                phrasings=self.phrasings.value,
                accept=self.accept.value,
                tags=self.tags.value,
            ),
        )

    async def on_error(  # type: ignore[override]  # discord.py's Modal narrows View.on_error
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        log.error("error saving the /fact edit form", exc_info=error)
        await send_private(interaction, SOMETHING_WENT_WRONG)
