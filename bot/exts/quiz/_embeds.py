"""How quiz messages look: questions, reveals, final standings, boards, the daily question.

Each kind of message has its own colour, so a question, its answer and a board never look
alike. Members are shown by the display name stored with their score (a mention of someone
the client has not cached reads "@unknown-user").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import discord

from bot.core import quiz as core
from bot.db import quiz as store
from bot.exts._render import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_TITLE_LIMIT,
    clip,
    source_text,
)

COLOUR_QUESTION = discord.Colour.blurple()
COLOUR_REVEAL = discord.Colour.green()
COLOUR_RESULTS = discord.Colour.gold()
COLOUR_BOARD = discord.Colour.purple()
COLOUR_DAILY = discord.Colour.teal()
COLOURS = (COLOUR_QUESTION, COLOUR_REVEAL, COLOUR_RESULTS, COLOUR_BOARD, COLOUR_DAILY)

STANDINGS_SHOWN = 10
"""Rows in the final standings and on each leaderboard page."""
RUNNING_STANDINGS_SHOWN = 5
"""Rows of the running scores under each answer."""
RIGHT_ANSWERS_SHOWN = 15
"""Members named under an answer; more are counted, not named."""
TOPICS_SHOWN = 60
"""Topics listed by /quiz topics; the rest are counted."""

MEDALS = ("🥇", "🥈", "🥉")
STREAK = "🔥"
FINISH_TITLES: dict[core.FinishReason, str] = {
    "completed": "Quiz over! Final standings",
    "stopped": "Quiz stopped. Standings",
    "inactive": (
        f"Quiz stopped: {core.INACTIVE_LIMIT} questions in a row went unanswered. Standings"
    ),
}
PERIOD_TITLES = {"all": "all time", "week": "this week", "month": "this month"}


def count(n: int, noun: str) -> str:
    """ "1 game", "2 games"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def place(rank: int, points: int) -> str:
    """A medal for the top three who scored; 0 points earns no medal."""
    if points > 0 and rank <= len(MEDALS):
        return MEDALS[rank - 1]
    return f"{rank}."


def who(user_id: int, names: Mapping[int, str]) -> str:
    """A member by their stored display name, or their mention when no name is known."""
    name = names.get(user_id)
    return f"**{discord.utils.escape_markdown(name)}**" if name else f"<@{user_id}>"


def timestamp(when: dt.datetime, style: str = "R") -> str:
    """A Discord timestamp: "in 20 seconds", counting down in every reader's client."""
    return f"<t:{int(when.timestamp())}:{style}>"


def seconds_text(seconds: float) -> str:
    return f"{seconds:.1f} s"


def question_embed(
    q: core.QuestionOpen, mode: core.QuizMode, closes: dt.datetime, answered: int = 0
) -> discord.Embed:
    """A question with its countdown and how many have answered so far."""
    how = "Pick an answer below" if mode == "buttons" else "Type your answer in this channel"
    embed = discord.Embed(
        title=f"Question {q.number} of {q.total}",
        description=clip(q.question, EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_QUESTION,
    )
    embed.add_field(name="Closes", value=timestamp(closes), inline=True)
    embed.add_field(name="Answered", value=answered_text(answered), inline=True)
    embed.set_footer(text=f"{how} — {q.seconds} seconds. Faster right answers score more.")
    return embed


def answered_text(n: int) -> str:
    return f"{n} answered"


def _right_line(a: core.ScoredAnswer, names: Mapping[int, str]) -> str:
    line = f"{who(a.user_id, names)} (+{a.points}"
    if a.streak > 1:
        line += f", {STREAK} {a.streak} in a row +{a.bonus}"
    return line + ")"


def reveal_embed(
    result: core.QuestionResult,
    standings: Sequence[core.Standing] = (),
    names: Mapping[int, str] | None = None,
) -> discord.Embed:
    """The answer, its source sentence, who got it right (streaks too), the fastest, and
    (mid-game) the scores so far."""
    names = names or {}
    embed = discord.Embed(
        title=clip(f"Answer {result.number} of {result.total}: {result.answer}", EMBED_TITLE_LIMIT),
        description=clip(result.fact.answer, EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_REVEAL,
    )
    source = source_text(result.fact)
    if source:
        embed.add_field(name="Source", value=source, inline=False)
    if result.correct:
        named = result.correct[:RIGHT_ANSWERS_SHOWN]
        right = ", ".join(_right_line(a, names) for a in named)
        if len(result.correct) > len(named):
            right += f" and {len(result.correct) - len(named)} more"
    elif result.reason == "skipped":
        right = "Nobody — the question was skipped."
    else:
        right = "Nobody this time."
    embed.add_field(name="Right", value=clip(right, EMBED_FIELD_LIMIT), inline=False)
    fastest = result.fastest
    if fastest is not None:
        embed.add_field(
            name="Fastest",
            value=f"{who(fastest.user_id, names)} in {seconds_text(fastest.elapsed)}",
            inline=True,
        )
    if result.wrong_user_ids:
        embed.add_field(name="Wrong", value=str(len(result.wrong_user_ids)), inline=True)
    if standings and not result.game_over:
        lines = standing_lines(standings, RUNNING_STANDINGS_SHOWN, names)
        embed.add_field(
            name="Scores", value=clip("\n".join(lines), EMBED_FIELD_LIMIT), inline=False
        )
    return embed


def standing_lines(
    standings: Sequence[core.Standing], limit: int, names: Mapping[int, str]
) -> list[str]:
    lines = []
    for s in standings[:limit]:
        line = f"{place(s.rank, s.points)} {who(s.user_id, names)} — {s.points} pts ({s.correct} right)"
        if s.best_streak > 1:
            line += f" {STREAK}{s.best_streak}"
        lines.append(line)
    return lines


def standings_embed(
    summary: core.GameSummary, names: Mapping[int, str] | None = None
) -> discord.Embed:
    """The end of a game: why it ended and the final standings."""
    names = names or {}
    lines = standing_lines(summary.standings, STANDINGS_SHOWN, names)
    embed = discord.Embed(
        title=FINISH_TITLES[summary.reason],
        description="\n".join(lines) or "Nobody answered.",
        colour=COLOUR_RESULTS,
    )
    if summary.winner is not None:
        embed.add_field(
            name="Winner", value=f"🏆 {who(summary.winner.user_id, names)}", inline=False
        )
    embed.set_footer(text=f"{summary.questions_asked} of {summary.rounds} questions played.")
    return embed


def leaderboard_embed(
    top: Sequence[store.ScoreLine],
    mine: store.ScoreLine | None,
    scope: str,
    period: str = "all",
    *,
    page: int = 1,
    pages: int = 1,
) -> discord.Embed:
    """One page of a board: this server or all servers, all time, this week or this month."""
    lines = []
    for s in top:
        line = f"{place(s.rank, s.points)} {who(s.user_id, {s.user_id: s.name} if s.name else {})}"
        line += f" — {s.points} pts, {s.correct} right"
        if period == "all":
            line += f", {count(s.wins, 'win')}"
        lines.append(line)
    where = "this server" if scope == "server" else "all servers"
    embed = discord.Embed(
        title=f"Quiz leaderboard: {where}, {PERIOD_TITLES.get(period, period)}",
        description="\n".join(lines) or "No scores yet — `/quiz start`!",
        colour=COLOUR_BOARD,
    )
    you = f"Your rank: #{mine.rank} with {mine.points} pts" if mine else "You haven't scored yet."
    if mine and mine.best_streak > 1:
        you += f" · best streak {mine.best_streak}"
    embed.set_footer(text=f"{you} · page {page} of {pages}")
    return embed


def topics_embed(found: Sequence[core.Topic], total: int) -> discord.Embed:
    """Every topic with its number of questions, the largest first."""
    lines = [f"**{core.ALL_TOPICS}** — {count(total, 'question')} (every topic mixed)"]
    lines += [f"`{t.tag}` — {t.count}" for t in found[:TOPICS_SHOWN]]
    if len(found) > TOPICS_SHOWN:
        lines.append(f"… and {len(found) - TOPICS_SHOWN} more: type part of a name in `topic`.")
    return discord.Embed(
        title=f"Quiz topics ({len(found)})",
        description=clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_BOARD,
    )


def daily_embed(question: str, closes: dt.datetime, day: dt.date) -> discord.Embed:
    embed = discord.Embed(
        title=f"Daily question — {day.day} {day:%B %Y}",
        description=clip(question, EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_DAILY,
    )
    embed.add_field(name="Closes", value=timestamp(closes), inline=True)
    embed.set_footer(text="One answer each. Faster right answers score more.")
    return embed


def daily_result_embed(
    answer: str,
    fact_answer: str | None,
    answers: Sequence[tuple[int, str | None, bool, float, int]],
) -> discord.Embed:
    """(user id, name, right, seconds, points) of everyone who answered."""
    right = [a for a in answers if a[2]]
    embed = discord.Embed(
        title=clip(f"Daily question answer: {answer}", EMBED_TITLE_LIMIT),
        description=clip(fact_answer or "", EMBED_DESCRIPTION_LIMIT) or None,
        colour=COLOUR_RESULTS,
    )
    names = {a[0]: a[1] for a in answers if a[1]}
    if right:
        fastest = min(right, key=lambda a: a[3])
        embed.add_field(
            name="Right",
            value=clip(
                ", ".join(f"{who(a[0], names)} (+{a[4]})" for a in right[:RIGHT_ANSWERS_SHOWN]),
                EMBED_FIELD_LIMIT,
            ),
            inline=False,
        )
        embed.add_field(
            name="Fastest", value=f"{who(fastest[0], names)} in {seconds_text(fastest[3])}"
        )
    else:
        embed.add_field(name="Right", value="Nobody this time.", inline=False)
    embed.set_footer(text=f"{len(right)} of {count(len(answers), 'answer')} right.")
    return embed
