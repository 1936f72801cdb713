"""What the bot's embeds look like, and that they always fit Discord's limits."""

from __future__ import annotations

import dataclasses
import datetime as dt

import discord
import pytest

from bot.core.facts import GLOBAL_SCOPE, MAX_ANSWER_LEN, MAX_QUOTE_LEN, Fact, Source
from bot.exts._render import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    answer_embed,
    clip,
    error_embed,
    unsure_embed,
)

ARTICLE = Source(
    "Jason Kenny wins seventh Olympic gold as Laura Kenny's omnium reign ends", dt.date(2021, 8, 8)
)
GOLDS = Fact(
    id="jason-gold-count",
    question="How many Olympic gold medals has Jason Kenny won?",
    answer="Jason Kenny has won seven (7) Olympic gold medals.",
    quote="His tally of seven gold medals is one more than his former teammate Chris Hoy.",
    kind="number",
    source=ARTICLE,
)


def fact(
    fact_id: str,
    question: str = "Who won the men's keirin?",
    *,
    answer: str = "Jason Kenny.",
    quote: str | None = None,
    source: Source | None = None,
    scope: int = GLOBAL_SCOPE,
) -> Fact:
    return Fact(fact_id, question, answer, quote=quote, source=source, scope=scope)


def assert_fits_discord(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= EMBED_TITLE_LIMIT
    assert len(embed.description or "") <= EMBED_DESCRIPTION_LIMIT
    assert len(embed.footer.text or "") <= EMBED_FOOTER_LIMIT
    assert all(len(f.value or "") <= EMBED_FIELD_LIMIT for f in embed.fields)
    assert len(embed) <= EMBED_TOTAL_LIMIT  # discord.py counts what Discord counts


# --------------------------------------------------------------------------- answer_embed


def test_answer_embed_shows_the_answer_and_the_whole_source_but_no_id() -> None:
    embed = answer_embed(GOLDS)
    assert embed.description == GOLDS.answer
    [source] = embed.fields
    assert source.name == "Source"
    assert source.value == (
        "> His tally of seven gold medals is one more than his former teammate Chris Hoy.\n"
        "— *Jason Kenny wins seventh Olympic gold as Laura Kenny's omnium reign ends*, "
        "8 August 2021"
    )
    assert embed.footer.text is None


def test_answer_embed_links_the_article_when_the_fact_has_a_source_url() -> None:
    url = "https://example.org/kenny-seventh-gold"
    embed = answer_embed(dataclasses.replace(GOLDS, source_url=url))
    [source] = embed.fields
    assert source.value is not None
    assert source.value.endswith(
        f"— [Jason Kenny wins seventh Olympic gold as Laura Kenny's omnium reign ends]({url}), "
        "8 August 2021"
    )


def test_answer_embed_of_a_server_fact_says_who_added_it_without_its_id() -> None:
    embed = answer_embed(fact("club-record", scope=1234567890))
    assert embed.footer.text == "Added by this server's moderators"


def test_answer_embed_without_a_source_quotes_without_credit() -> None:
    embed = answer_embed(fact("no-source", quote="Kenny crossed the line first."))
    assert [f.value for f in embed.fields] == ["> Kenny crossed the line first."]


def test_answer_embed_without_a_quote_has_no_source_field() -> None:
    assert answer_embed(fact("no-quote", source=ARTICLE)).fields == []


@pytest.mark.parametrize("quote_len", [900, 944, 1000, MAX_QUOTE_LEN, 5000])
@pytest.mark.parametrize("source", [ARTICLE, None], ids=["with-source", "without-source"])
def test_answer_embed_fits_discord_with_the_longest_answer_and_quote(
    quote_len: int, source: Source | None
) -> None:
    longest = fact(
        "a" * 64,
        answer="A" * MAX_ANSWER_LEN,
        quote=("The quote goes on and on. " * 300)[:quote_len],
        source=source,
    )
    embed = answer_embed(longest)
    assert_fits_discord(embed)
    assert embed.description == longest.answer  # a 1,000-character answer is never cut
    [quoted] = embed.fields
    assert quoted.value is not None and quoted.value.startswith("> The quote goes on")
    if source is not None:
        assert quoted.value.endswith(", 8 August 2021")  # the credit survives a cut
    assert "a" * 64 not in str(embed.to_dict())  # the id is not shown


# --------------------------------------------------------------------------- unsure_embed


def test_unsure_embed_without_suggestions_declines_and_points_to_help() -> None:
    embed = unsure_embed(())
    assert embed.title is None
    assert embed.description == "I don't know that one yet. Try `/help` for what I can answer."


@pytest.mark.parametrize("count", [1, 2, 3])
def test_unsure_embed_lists_each_suggestion_numbered(count: int) -> None:
    suggestions = tuple(fact(f"fact-{i}", question=f"Question number {i}?") for i in range(count))
    embed = unsure_embed(suggestions)
    assert embed.title == "Did you mean…"
    assert embed.description is not None
    lines = embed.description.splitlines()
    assert lines[0] == "I don't know that one yet. Pick one of these:"
    assert lines[1:] == [f"{i + 1}. Question number {i}?" for i in range(count)]


def test_unsure_embed_clips_long_suggested_questions() -> None:
    suggestions = tuple(fact(f"long-{i}", question="why " * 75) for i in range(3))
    embed = unsure_embed(suggestions)
    assert_fits_discord(embed)
    assert embed.description is not None
    assert all(len(line) <= len("1. ") + 200 for line in embed.description.splitlines()[1:])


def test_error_embed_is_clipped_to_the_description_limit() -> None:
    embed = error_embed("x" * 10_000)
    assert_fits_discord(embed)
    assert embed.description is not None and embed.description.endswith("…")


# --------------------------------------------------------------------------- clip


@pytest.mark.parametrize(
    ("text", "limit", "clipped"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("eleven char", 10, "eleven ch…"),
        ("cut at a space", 10, "cut at a…"),  # no space before the ellipsis
        ("", 5, ""),
    ],
)
def test_clip(text: str, limit: int, clipped: str) -> None:
    assert clip(text, limit) == clipped
    assert len(clip(text, limit)) <= limit
