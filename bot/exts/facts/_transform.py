"""`FactTransformer`: a fact id option that arrives in the command as the `Fact` itself.

Autocomplete searches the server's facts by the words of their questions and answers (not by
id prefix) and is for moderators only: the names shown are questions, the values are ids. An id
that names no fact here is refused with a private message saying why (removed, or unknown).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.core.facts import GLOBAL_SCOPE, Fact
from bot.exts._checks import is_moderator
from bot.exts._render import clip

if TYPE_CHECKING:
    from bot.client import TriviaBot
    from bot.services.facts import FactService

AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME_LIMIT = 100
MAX_ID_LEN = 64
_WORD = re.compile(r"\w+")


class FactNotHere(app_commands.CheckFailure):
    """The id names no fact (or, for restore, no removed fact) in this server."""


def typed_id(fact_id: str) -> str:
    """A fact id as typed, made safe to echo: ids are lowercase, short and have no backticks."""
    return fact_id.strip().lower().replace("`", "")[:MAX_ID_LEN]


def search(facts: Iterable[Fact], text: str, *, limit: int = AUTOCOMPLETE_CHOICES) -> list[Fact]:
    """Facts whose questions or answer contain every word typed (the last one may be
    unfinished). Words of the question rank above those of other phrasings, which rank above
    the answer's; then this server's own facts, then shorter questions."""
    words = _WORD.findall(text.casefold())
    found: list[tuple[int, bool, int, str, Fact]] = []
    for fact in facts:
        pools = (
            set(_WORD.findall(fact.question.casefold())),
            set(_WORD.findall(" ".join(fact.phrasings).casefold())),
            set(_WORD.findall(fact.answer.casefold())) | {fact.id},
        )
        score = 0
        for i, word in enumerate(words):
            last = i == len(words) - 1
            weight = next(
                (
                    3 - n
                    for n, pool in enumerate(pools)
                    if word in pool or (last and any(w.startswith(word) for w in pool))
                ),
                0,
            )
            if not weight:
                break
            score += weight
        else:
            found.append(
                (-score, fact.scope == GLOBAL_SCOPE, len(fact.question), fact.question, fact)
            )
    found.sort(key=lambda item: item[:4])
    return [item[4] for item in found[:limit]]


def _service(interaction: discord.Interaction) -> FactService:
    bot: TriviaBot = interaction.client  # type: ignore[assignment]
    return bot.facts


class FactTransformer(app_commands.Transformer):
    """A fact of this server, by id; `removed=True` for the facts it removed (to restore)."""

    def __init__(self, *, removed: bool = False) -> None:
        self.removed = removed

    async def _pool(self, interaction: discord.Interaction) -> list[Fact]:
        assert interaction.guild_id is not None
        service = _service(interaction)
        if self.removed:
            return await service.removed(interaction.guild_id)
        return list(service.facts(interaction.guild_id))

    async def transform(self, interaction: discord.Interaction, value: str, /) -> Fact:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage("This command only works in a server.")
        guild_id = interaction.guild_id
        service = _service(interaction)
        fact_id = typed_id(value)
        if self.removed:
            removed = {f.id: f for f in await service.removed(guild_id)}
            if fact_id in removed:
                return removed[fact_id]
            if service.get(fact_id, guild_id) is not None:
                raise FactNotHere(
                    f"`{fact_id}` is not removed in this server; there is nothing to restore."
                )
            raise FactNotHere(f"No removed fact `{fact_id}` in this server.")
        fact = service.get(fact_id, guild_id)
        if fact is not None:
            return fact
        if fact_id in {f.id for f in await service.removed(guild_id)}:
            raise FactNotHere(
                f"`{fact_id}` was removed in this server. `/fact restore` brings it back."
            )
        raise FactNotHere(
            f"There is no fact `{fact_id}` in this server. Pick one from the list as you type, "
            "or see `/fact list`."
        )

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str, /
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []  # questions are for moderators (they would give quiz answers away)
        return [
            app_commands.Choice(name=clip(f.question, CHOICE_NAME_LIMIT), value=f.id)
            for f in search(await self._pool(interaction), value)
        ]


ServerFact = app_commands.Transform[Fact, FactTransformer]
RemovedFact = app_commands.Transform[Fact, FactTransformer(removed=True)]
