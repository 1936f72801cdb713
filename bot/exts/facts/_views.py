"""Buttons and forms of `/fact`. They only collect a moderator's choice or text; what it means is
decided in the cog and the core. Every click is re-checked on the bot's side: only the member who
ran the command may use them, and only while still a moderator."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import discord

from bot.core.facts import MAX_ANSWER_LEN, MAX_QUESTION_LEN, Fact
from bot.core.moderation import Page, join_list, page_of
from bot.exts._render import clip
from bot.exts.errors import SOMETHING_WENT_WRONG, send_private
from bot.services.facts import MAX_REASON_LEN, FactForm

log = logging.getLogger(__name__)
T = TypeVar("T")

Check = Callable[[discord.Interaction], Awaitable[bool]]

CONFIRM_TIMEOUT = 120.0
"""Seconds a Save anyway / Remove / Cancel question stays open."""
PAGER_TIMEOUT = 300.0
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
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
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
                await self.message.edit(view=self)
            else:
                await self.message.edit(content=self.timeout_note, view=self)
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
        await interaction.response.edit_message(content=self.cancelled, embed=None, view=None)

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
        await interaction.response.edit_message(embed=self.embed(), view=self)

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


def form_fits(fact: Fact) -> bool:
    """Whether a fact's lists fit into the form's text inputs."""
    return all(
        len(join_list(values)) <= TEXT_INPUT_LIMIT
        for values in (fact.phrasings, fact.accept, fact.tags)
    )


class FactFormModal(discord.ui.Modal):
    """Every field of a fact in one form, prefilled (lists separated by `;`)."""

    def __init__(
        self,
        form: FactForm,
        *,
        title: str,
        custom_id: str,
        on_save: Callable[[discord.Interaction, FactForm], Awaitable[None]],
        check: Check,
    ) -> None:
        super().__init__(
            title=clip(title, MODAL_TITLE_LIMIT), timeout=MODAL_TIMEOUT, custom_id=custom_id[:100]
        )
        self.on_save = on_save
        self.check = check
        self.question: discord.ui.TextInput[FactFormModal] = discord.ui.TextInput(
            label="Question",
            custom_id="question",
            default=form.question,
            max_length=MAX_QUESTION_LEN,
        )
        self.answer: discord.ui.TextInput[FactFormModal] = discord.ui.TextInput(
            label="Answer",
            custom_id="answer",
            style=discord.TextStyle.paragraph,
            default=form.answer,
            max_length=MAX_ANSWER_LEN,
        )
        self.phrasings: discord.ui.TextInput[FactFormModal] = discord.ui.TextInput(
            label="Other phrasings (separate with ;)",
            custom_id="phrasings",
            style=discord.TextStyle.paragraph,
            default=form.phrasings,
            required=False,
            max_length=TEXT_INPUT_LIMIT,
        )
        self.accept: discord.ui.TextInput[FactFormModal] = discord.ui.TextInput(
            label="Accepted quiz answers (separate with ;)",
            custom_id="accept",
            default=form.accept,
            required=False,
            max_length=TEXT_INPUT_LIMIT,
        )
        self.tags: discord.ui.TextInput[FactFormModal] = discord.ui.TextInput(
            label="Tags (separate with ;)",
            custom_id="tags",
            default=form.tags,
            required=False,
            max_length=TEXT_INPUT_LIMIT,
        )
        for item in (self.question, self.answer, self.phrasings, self.accept, self.tags):
            self.add_item(item)

    @classmethod
    def for_fact(
        cls,
        fact: Fact,
        *,
        on_save: Callable[[discord.Interaction, FactForm], Awaitable[None]],
        check: Check,
    ) -> FactFormModal:
        form = FactForm(
            question=fact.question,
            answer=fact.answer,
            phrasings=join_list(fact.phrasings),
            accept=join_list(fact.accept),
            tags=join_list(fact.tags),
        )
        return cls(
            form,
            title=f"Edit fact {fact.id}",
            custom_id=f"fact:edit:{fact.id}",
            on_save=on_save,
            check=check,
        )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await self.check(interaction)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.on_save(
            interaction,
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
        log.error("error saving a fact form", exc_info=error)
        await send_private(interaction, SOMETHING_WENT_WRONG)


class ReasonModal(discord.ui.Modal):
    """Why a suggestion is rejected: the member who suggested it is told."""

    def __init__(
        self,
        *,
        custom_id: str,
        on_save: Callable[[discord.Interaction, str], Awaitable[None]],
        check: Check,
    ) -> None:
        super().__init__(title="Reject the suggestion", timeout=MODAL_TIMEOUT, custom_id=custom_id)
        self.on_save = on_save
        self.check = check
        self.reason: discord.ui.TextInput[ReasonModal] = discord.ui.TextInput(
            label="Reason (the member who suggested it sees it)",
            custom_id="reason",
            style=discord.TextStyle.paragraph,
            placeholder="e.g. we already have this fact, or the answer is not right",
            max_length=MAX_REASON_LEN,
        )
        self.add_item(self.reason)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await self.check(interaction)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.on_save(interaction, self.reason.value)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        log.error("error rejecting a suggestion", exc_info=error)
        await send_private(interaction, SOMETHING_WENT_WRONG)
