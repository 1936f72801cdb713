"""Input cleaning at the edge, and escaping what the bot quotes back."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.cleaning import (
    ZERO_WIDTH_SPACE,
    clean_text,
    escape_mass_mentions,
    escape_mention_markup,
    escape_quoted,
    has_unescaped_mass_mention,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("who won\x00 gold?", "who won gold?"),
        ("\x00\x00\x00", ""),
        ("tab\tseparated\r\nlines", "tab separated lines"),
        ("bell\x07 and escape\x1b[31m", "bell and escape[31m"),
        ("lone \ud800 surrogate", "lone surrogate"),
        ("right-to-left \u202eoverride", "right-to-left override"),
        ("isolates \u2066here\u2069", "isolates here"),
        ("\ufeffbom", "bom"),
        ("noncharacter \uffff", "noncharacter"),
        ("Kenny e\u0301", "Kenny é"),  # NFD → NFC
        ("  many    spaces  ", "many spaces"),
        ("🚴‍♀️ family emoji keeps its joiner", "🚴‍♀️ family emoji keeps its joiner"),
        ("漢字 مرحبا", "漢字 مرحبا"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_multiline_keeps_paragraphs_but_not_control_characters() -> None:
    assert clean_text("one\x00\n\n\n\ntwo  \n three", multiline=True) == "one\n\ntwo\nthree"


@pytest.mark.parametrize(
    "text", ["@everyone", "@here", "hi @EVERYONE!", "@@here", "x@everyone", "@everyone @here"]
)
def test_mass_mentions_are_escaped(text: str) -> None:
    escaped = escape_mass_mentions(text)
    assert not has_unescaped_mass_mention(escaped)
    assert escaped.replace(ZERO_WIDTH_SPACE, "") == text


def test_mention_markup_is_broken_but_reads_the_same() -> None:
    text = "ask <@123> and <@!456>, role <@&789>, channel <#1011>"
    escaped = escape_mention_markup(text)
    assert "<@123>" not in escaped and "<@&789>" not in escaped and "<#1011>" not in escaped
    assert escaped.replace(ZERO_WIDTH_SPACE, "") == text


@settings(deadline=None)
@given(st.text(st.characters(codec=None, categories=None)))
def test_clean_text_leaves_only_storable_normalised_text(text: str) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")  # no lone surrogate left: PostgreSQL and SQLite can store it
    assert "\x00" not in cleaned
    assert not any(unicodedata.category(c) == "Cc" for c in cleaned)
    assert unicodedata.normalize("NFC", cleaned) == cleaned
    assert cleaned == cleaned.strip()
    assert clean_text(cleaned) == cleaned  # cleaning twice changes nothing


@settings(deadline=None)
@given(st.text(st.characters(codec=None, categories=None)))
def test_quoted_text_never_reads_as_a_mass_mention(text: str) -> None:
    assert not has_unescaped_mass_mention(escape_quoted(clean_text(text)))


def test_cleaning_needs_no_discord() -> None:
    assert "bot.core.cleaning" in sys.modules
    import bot.core.cleaning as cleaning

    assert "discord" not in cleaning.__dict__
