"""Plain-text replies shared by the command line and the console (Discord renders embeds)."""

from __future__ import annotations

from bot.core.facts import Fact
from bot.core.matcher import MatchResult, Outcome

DONT_KNOW = "I don't know that one yet."


def source_line(fact: Fact) -> str | None:
    """'"quoted sentence" (Title, 8 August 2021)' or None for a fact without a quote."""
    if not fact.quote:
        return None
    where = ""
    if fact.source is not None:
        where = f" ({fact.source.title}, {fact.source.date.day} {fact.source.date:%B %Y})"
    return f"\u201c{fact.quote}\u201d{where}"


def render_text(result: MatchResult) -> str:
    """The reply a member would see, as plain text."""
    if result.outcome is Outcome.ANSWER and result.fact is not None:
        source = source_line(result.fact)
        return result.fact.answer + (f"\n  Source: {source}" if source else "")
    if result.outcome is Outcome.SUGGEST:
        lines = [f"{DONT_KNOW} Did you mean:"]
        lines += [f"  {i}. {fact.question}" for i, fact in enumerate(result.suggestions, 1)]
        return "\n".join(lines)
    return DONT_KNOW
