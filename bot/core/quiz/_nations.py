"""The one place the quiz reads nation data (names, codes, demonyms: "USA" = "United States").

Until the shared nation vocabulary is available, nations are known only from the facts: the
accepted answers of one nation fact are one nation.
"""

from __future__ import annotations


def nation_key(name: str) -> str | None:
    """A code equal for every name of one nation ("USA", "the US" -> "US"), or None if unknown."""
    return None


def nation_names() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every known nation: (the name to show, its other names)."""
    return ()
