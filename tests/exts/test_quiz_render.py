"""What the quiz posts and replies: questions, buttons, reveals, standings, within limits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from types import SimpleNamespace
from typing import Any, cast

import discord
import pytest

from bot.core import quiz as core
from bot.core.facts import Fact, Source
from bot.db.quiz import ScoreLine
from bot.exts._render import (
    BUTTON_LABEL_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
)
from bot.exts.quiz import QuizCog
from bot.exts.quiz._buttons import CLOSED, ChoiceButton, question_view
from bot.exts.quiz._embeds import (
    COLOURS,
    FINISH_TITLES,
    RIGHT_ANSWERS_SHOWN,
    RUNNING_STANDINGS_SHOWN,
    STANDINGS_SHOWN,
    leaderboard_embed,
    question_embed,
    reveal_embed,
    standings_embed,
)
from bot.exts.quiz._runner import ALREADY_ANSWERED, NOT_AN_OPTION, WRONG, Game

CLOSES = dt.datetime(2026, 12, 3, 9, 0, 20, tzinfo=dt.UTC)

GAME = 42
GOLDS = Fact(
    id="jason-gold-count",
    question="How many Olympic gold medals has Jason Kenny won?",
    answer="Jason Kenny has won seven (7) Olympic gold medals.",
    accept=("7", "seven"),
    quote="His tally of seven gold medals is one more than his former teammate Chris Hoy.",
    kind="number",
    source=Source("Jason Kenny wins seventh Olympic gold", dt.date(2021, 8, 8)),
)
LONG = Fact(
    id="long",
    question="Q" * 300,
    answer="A" * 1000,
    accept=("x" * 100,),
    quote="q" * 1000,
    source=Source("T" * 300, dt.date(2021, 8, 8)),
)


def opened(
    options: tuple[str, ...] = ("5", "7", "8", "9"), right: int = 1, number: int = 2
) -> core.QuestionOpen:
    return core.QuestionOpen(
        number=number,
        total=5,
        fact_id=GOLDS.id,
        question=GOLDS.question,
        choices=core.Choices(options, right) if options else None,
        opened_at=0.0,
        deadline=20.0,
        hint_at=10.0,
        seconds=20,
    )


def result(
    fact: Fact = GOLDS,
    correct: tuple[int, ...] = (1,),
    reason: core.CloseReason = "timeout",
    game_over: bool = False,
) -> core.QuestionResult:
    scored = tuple(core.ScoredAnswer(u, 900 - u, 1.0) for u in correct)
    return core.QuestionResult(
        number=2,
        total=5,
        fact=fact,
        answer=fact.accept[0],
        quote=fact.quote,
        reason=reason,
        correct=scored,
        wrong_user_ids=(),
        points_by_user={s.user_id: s.points for s in scored},
        correct_by_user={s.user_id: 1 for s in scored},
        choices=None,
        game_over=game_over,
        finish_reason="completed" if game_over else None,
    )


def standings(n: int) -> tuple[core.Standing, ...]:
    return tuple(core.Standing(u, u, 1000 - u, 1, 1) for u in range(1, n + 1))


def summary(reason: core.FinishReason, n: int) -> core.GameSummary:
    table = standings(n)
    return core.GameSummary(
        reason=reason,
        standings=table,
        winner=table[0] if table else None,
        questions_asked=3,
        rounds=5,
        mode="buttons",
        started_by=1,
        channel_id=10,
        guild_id=20,
    )


def fields(embed: discord.Embed) -> dict[str, str]:
    return {str(f.name): str(f.value) for f in embed.fields}


def buttons(view: discord.ui.View) -> list[discord.ui.Button[discord.ui.View]]:
    return [item.item for item in view.children if isinstance(item, ChoiceButton)]


# --- questions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "how"),
    [("buttons", "Pick an answer below"), ("typed", "Type your answer in this channel")],
)
def test_a_question_names_its_number_and_how_to_answer(mode: core.QuizMode, how: str) -> None:
    embed = question_embed(opened(), mode, CLOSES)
    assert embed.title == "Question 2 of 5"
    assert embed.description == GOLDS.question
    assert embed.footer.text is not None and embed.footer.text.startswith(f"{how} — 20 seconds")


def test_each_option_is_a_button_whose_id_names_the_game_question_and_option() -> None:
    view = question_view(GAME, opened())
    assert view.timeout is None
    shown = buttons(view)
    assert [b.label for b in shown] == ["5", "7", "8", "9"]
    assert [b.custom_id for b in shown] == [f"quiz:{GAME}:2:{i}" for i in range(4)]
    assert all(not b.disabled and b.style is discord.ButtonStyle.primary for b in shown)
    for b in shown:
        assert b.custom_id is not None
        assert re.fullmatch(ChoiceButton.__discord_ui_compiled_template__, b.custom_id)


def test_the_reveal_disables_the_buttons_and_shows_the_right_one_in_green() -> None:
    shown = buttons(question_view(GAME, opened(right=2), reveal=True))
    assert all(b.disabled for b in shown)
    assert [b.style for b in shown] == [
        discord.ButtonStyle.secondary,
        discord.ButtonStyle.secondary,
        discord.ButtonStyle.success,
        discord.ButtonStyle.secondary,
    ]


def test_a_stopped_question_only_disables_its_buttons() -> None:
    shown = buttons(question_view(GAME, opened(), closed=True))
    assert all(b.disabled and b.style is discord.ButtonStyle.primary for b in shown)


def test_long_options_are_clipped_to_a_button_label() -> None:
    shown = buttons(question_view(GAME, opened(options=("x" * 100, "y"), right=0)))
    assert shown[0].label is not None and len(shown[0].label) == BUTTON_LABEL_LIMIT


def test_a_typed_question_has_no_buttons() -> None:
    assert buttons(question_view(GAME, opened(options=()))) == []


# --- reveals --------------------------------------------------------------------------------


def test_a_reveal_gives_answer_source_and_who_got_it_right() -> None:
    embed = reveal_embed(result(correct=(1, 2)), standings(2))
    assert embed.title == "Answer 2 of 5: 7"
    assert embed.description == GOLDS.answer
    shown = fields(embed)
    assert GOLDS.quote is not None and GOLDS.quote in shown["Source"]
    assert "Jason Kenny wins seventh Olympic gold" in shown["Source"]
    assert shown["Right"] == "<@1> (+899), <@2> (+898)"
    assert shown["Scores"].splitlines()[0].startswith("🥇 <@1> — 999 pts")


@pytest.mark.parametrize(
    ("reason", "text"),
    [("timeout", "Nobody this time."), ("skipped", "Nobody — the question was skipped.")],
)
def test_a_reveal_says_when_nobody_got_it(reason: core.CloseReason, text: str) -> None:
    assert fields(reveal_embed(result(correct=(), reason=reason)))["Right"] == text


def test_a_reveal_names_the_first_right_answers_and_counts_the_rest() -> None:
    right = fields(reveal_embed(result(correct=tuple(range(1, 21)))))["Right"]
    assert right.count("<@") == RIGHT_ANSWERS_SHOWN
    assert right.endswith(f"and {20 - RIGHT_ANSWERS_SHOWN} more")


def test_running_scores_show_the_top_few_and_not_after_the_last_question() -> None:
    mid = fields(reveal_embed(result(), standings(8)))["Scores"]
    assert len(mid.splitlines()) == RUNNING_STANDINGS_SHOWN
    assert "Scores" not in fields(reveal_embed(result(game_over=True), standings(8)))


def test_a_reveal_of_the_longest_fact_fits_discord() -> None:
    embed = reveal_embed(result(LONG, correct=tuple(range(10**17, 10**17 + 40))), standings(50))
    assert embed.title is not None and len(embed.title) <= EMBED_TITLE_LIMIT
    assert all(len(str(f.value)) <= EMBED_FIELD_LIMIT for f in embed.fields)
    assert len(embed) <= EMBED_TOTAL_LIMIT


# --- standings and leaderboards -------------------------------------------------------------


@pytest.mark.parametrize("reason", ["completed", "stopped", "inactive"])
def test_final_standings_say_why_the_game_ended(reason: core.FinishReason) -> None:
    embed = standings_embed(summary(reason, 3))
    assert embed.title == FINISH_TITLES[reason]
    assert embed.description is not None
    assert embed.description.splitlines() == [
        "🥇 <@1> — 999 pts (1 right)",
        "🥈 <@2> — 998 pts (1 right)",
        "🥉 <@3> — 997 pts (1 right)",
    ]
    assert fields(embed)["Winner"] == "🏆 <@1>"
    assert embed.footer.text == "3 of 5 questions played."


def test_inactive_title_names_the_limit() -> None:
    assert str(core.INACTIVE_LIMIT) in FINISH_TITLES["inactive"]


def test_final_standings_without_players_and_with_many() -> None:
    empty = standings_embed(summary("inactive", 0))
    assert empty.description == "Nobody answered." and "Winner" not in fields(empty)
    full = standings_embed(summary("completed", 30))
    assert full.description is not None
    lines = full.description.splitlines()
    assert len(lines) == STANDINGS_SHOWN and lines[3].startswith("4. <@4>")


def test_the_leaderboard_lists_ranks_and_the_readers_own_place() -> None:
    top = [ScoreLine(1, 2000, 3, 2, 1, 1), ScoreLine(2, 900, 1, 2, 0, 2)]
    embed = leaderboard_embed(top, top[1], "server")
    assert embed.title == "Quiz leaderboard: this server, all time"
    assert embed.description == (
        "🥇 <@1> — 2000 pts, 3 right, 1 win\n🥈 <@2> — 900 pts, 1 right, 0 wins"
    )
    assert embed.footer.text == "Your rank: #2 with 900 pts · page 1 of 1"
    nobody = leaderboard_embed([], None, "global")
    assert nobody.title == "Quiz leaderboard: all servers, all time"
    assert nobody.description is not None and nobody.description.startswith("No scores yet")
    assert nobody.footer.text == "You haven't scored yet. · page 1 of 1"


# --- replies to clicks ----------------------------------------------------------------------


def test_each_click_gets_the_right_private_reply() -> None:
    clock = [0.0]
    bot = cast(Any, SimpleNamespace(quizzes=core.QuizRegistry()))  # all press() needs of a bot
    cog = QuizCog(bot, clock=lambda: clock[0], rng=random.Random(3))
    bank = core.QuestionBank.from_facts([GOLDS], topic=None)
    session = core.QuizSession(
        bank,
        rounds=1,
        mode="buttons",
        seconds=20,
        started_by=1,
        channel_id=10,
        guild_id=20,
        rng=random.Random(3),
        clock=cog.game_clock,
    )
    bot.quizzes.start(10, Game(GAME, session, cast(Any, None), 20))
    q = session.next_question()
    assert q.choices is not None
    right = q.choices.correct_index
    wrong = (right + 1) % len(q.options)

    def press(user_id: int, choice: int, number: int = 1, game: int = GAME) -> str:
        return cog.press(ChoiceButton(game, number, choice), user_id)

    assert press(1, right) == "Right! +1000 points."
    assert press(2, wrong) == WRONG
    assert press(2, right) == ALREADY_ANSWERED
    assert press(3, 7) == NOT_AN_OPTION  # a forged custom id
    assert press(3, right, number=2) == CLOSED  # another question of this game
    assert press(3, right, game=GAME + 1) == CLOSED  # another game
    clock[0] = 21.0
    assert press(3, right) == CLOSED  # past the deadline, before the timer closed it
    assert cog.games[10].players == {1, 2}


# --- what players notice ---------------------------------------------------------------------


def test_questions_reveals_results_and_boards_have_distinct_colours() -> None:
    embeds = [
        question_embed(opened(), "buttons", CLOSES),
        reveal_embed(result()),
        standings_embed(summary("completed", 2)),
        leaderboard_embed([], None, "server"),
    ]
    colours = [e.colour for e in embeds]
    assert len(set(colours)) == len(colours)
    assert len(set(COLOURS)) == len(COLOURS)


def test_a_question_counts_down_and_counts_answers() -> None:
    embed = question_embed(opened(), "buttons", CLOSES, answered=3)
    shown = fields(embed)
    assert shown["Closes"] == f"<t:{int(CLOSES.timestamp())}:R>"
    assert shown["Answered"] == "3 answered"


def test_a_reveal_shows_streaks_and_the_fastest() -> None:
    slow = core.ScoredAnswer(1, 700, 12.0)
    fast = core.ScoredAnswer(2, 1100, 0.4, streak=3, bonus=200)
    res = result()
    res = dataclasses.replace(res, correct=(slow, fast))
    shown = fields(reveal_embed(res, names={1: "alice", 2: "bob"}))
    assert shown["Right"] == "**alice** (+700), **bob** (+1100, 🔥 3 in a row +200)"
    assert shown["Fastest"] == "**bob** in 0.4 s"


def test_nobody_with_zero_points_gets_a_medal() -> None:
    table = (core.Standing(1, 1, 500, 1, 1), core.Standing(2, 2, 0, 0, 1))
    final = core.GameSummary("completed", table, table[0], 1, 1, "buttons", 1, 10, 20)
    lines = (standings_embed(final).description or "").splitlines()
    assert lines[0].startswith("🥇") and lines[1].startswith("2. ")
    board = leaderboard_embed(
        [ScoreLine(1, 0, 0, 1, 0, 1, "alice"), ScoreLine(2, 0, 0, 1, 0, 2, "bob")], None, "server"
    )
    assert not any(m in (board.description or "") for m in ("🥇", "🥈", "🥉"))


def test_boards_show_stored_names_not_mentions() -> None:
    board = leaderboard_embed([ScoreLine(1, 900, 1, 1, 1, 1, "al_ice*")], None, "server", "week")
    assert board.description == "🥇 **al\\_ice\\*** — 900 pts, 1 right"
    assert board.title == "Quiz leaderboard: this server, this week"
