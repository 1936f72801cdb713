"""Built-in answer lists from the article, used when the fact pool is too small."""

from __future__ import annotations

RIDERS: tuple[str, ...] = (
    "Jason Kenny",
    "Laura Kenny",
    "Chris Hoy",
    "Azizulhasni Awang",
    "Harrie Lavreysen",
    "Jack Carlin",
    "Katy Marchant",
    "Jennifer Valente",
    "Yumi Kajihara",
    "Kirsten Wild",
    "Katie Archibald",
)

NATIONS: tuple[str, ...] = (
    "Great Britain",
    "Netherlands",
    "Malaysia",
    "United States",
    "Japan",
    "Germany",
    "Australia",
    "France",
)

# Only used to spot a second candidate answer in a typed guess ("Dutch or British"), never
# offered as a button: "British" next to "Great Britain" would be a giveaway.
NATION_WORDS: tuple[str, ...] = (
    "Britain",
    "British",
    "GB",
    "Dutch",
    "Holland",
    "Malaysian",
    "USA",
    "America",
    "American",
    "Japanese",
    "German",
    "Australian",
    "French",
)

EVENTS: tuple[str, ...] = (
    "keirin",
    "sprint",
    "team sprint",
    "omnium",
    "madison",
    "scratch race",
    "tempo race",
    "elimination race",
    "points race",
)

MEDALS: tuple[str, ...] = ("gold", "silver", "bronze")
NO_MEDAL = "no medal"

NUMERIC_KINDS: frozenset[str] = frozenset({"number", "ordinal", "time"})
"""Kinds whose wrong answers are generated near the right number rather than picked from a list."""
