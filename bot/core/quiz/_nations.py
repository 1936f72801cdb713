"""The one place the quiz reads nation data (names, codes, demonyms: "USA" = "United States"),
from the shared vocabulary in `bot/data/nations.yaml`."""

from __future__ import annotations

from functools import cache

from bot.core.vocab import load_vocab


def nation_key(name: str) -> str | None:
    """The canonical name of the nation a text names ("USA", "the US" -> "United States"),
    equal for every name of one nation; None for a text that names no known nation."""
    return load_vocab().nation_of(name)


@cache
def nation_names() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every known nation: (the name to show, its other names and demonyms)."""
    return tuple((n.name, (*n.names, *n.demonyms)) for n in load_vocab().nations())
