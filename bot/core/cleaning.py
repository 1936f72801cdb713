"""Cleaning text where it enters the bot, and escaping what the bot echoes back.

Every text from Discord (command options, form fields, messages) and from fact files goes
through `clean_text` before it is matched, validated or stored: control characters are removed
(PostgreSQL refuses NUL, lone surrogates cannot be encoded at all), bidirectional overrides that
make a text read differently from what it is are removed, and the result is NFC-normalised so
that the same word typed two ways is one word. Lengths are checked by the callers afterwards, on
what is actually kept.

Replies escape mass mentions (`@everyone`, `@here`) and mention markup quoted from a member:
nobody would be pinged (the client sends every message with mentions disabled), but an unescaped
`@everyone` still reads like a ping.
"""

from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH_SPACE = "\u200b"

_KEEP_CONTROLS = {"\n"}
_SPACE_CONTROLS = {"\t", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"}
# Bidirectional embeddings, overrides and isolates: they reorder how a text is displayed.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_DROPPED_FORMAT = {"\ufeff", "\u180e", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064"}

_SPACES = re.compile(r"\s+")
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_MENTION_MARKUP = re.compile(r"<(@[!&]?|#)(\d+)>")


def _is_dropped(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category == "Cc":
        return ch not in _KEEP_CONTROLS and ch not in _SPACE_CONTROLS
    if category == "Cs":  # a lone surrogate: not a character, cannot be stored as UTF-8
        return True
    code = ord(ch)
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:  # Unicode noncharacters
        return True
    return ch in _BIDI_CONTROLS or ch in _DROPPED_FORMAT


def clean_text(text: str, *, multiline: bool = False) -> str:
    """`text` without control characters, NFC-normalised, with runs of spaces collapsed.

    Tabs and other line or page breaks become spaces; new lines are kept with `multiline`
    (form paragraphs), otherwise they become spaces too. The result is stripped.
    """
    if text.isascii() and text.isprintable():  # the common case: nothing to drop or normalise
        return _SPACES.sub(" ", text).strip()
    out: list[str] = []
    for ch in text:
        if ch in _SPACE_CONTROLS or (ch == "\n" and not multiline):
            out.append(" ")
        elif not _is_dropped(ch):
            out.append(ch)
    cleaned = unicodedata.normalize("NFC", "".join(out))
    if multiline:
        lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in cleaned.split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return re.sub(r"\s+", " ", cleaned).strip()


def escape_mass_mentions(text: str) -> str:
    """`@everyone` and `@here` with a zero-width space after the @, so they read as text."""
    return _MASS_MENTION.sub(lambda m: f"@{ZERO_WIDTH_SPACE}{m[1]}", text)


def escape_mention_markup(text: str) -> str:
    """Member, role and channel mention markup (`<@123>`) broken so it shows as typed."""
    return _MENTION_MARKUP.sub(lambda m: f"<{m[1]}{ZERO_WIDTH_SPACE}{m[2]}>", text)


def escape_quoted(text: str) -> str:
    """What a member typed, made safe to quote back in a reply: no mention reads as one."""
    return escape_mass_mentions(escape_mention_markup(text))


def has_unescaped_mass_mention(text: str) -> bool:
    """Whether `text` still contains a readable `@everyone` or `@here`."""
    return bool(_MASS_MENTION.search(text))
