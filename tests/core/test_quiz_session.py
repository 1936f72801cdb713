"""A quiz game in one channel: questions, answers, points, standings and control."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest

from bot.core import quiz
from bot.core.facts import Fact
from bot.core.quiz import (
    INACTIVE_LIMIT,
    AlreadyAnswered,
    Correct,
    Ignored,
    InvalidChoice,
    InvalidSettings,
    NoOpenQuestion,
    NotAllowed,
    NotCorrect,
    NotEnoughQuestions,
    QuestionBank,
    QuestionClosed,
    QuestionOpen,
    QuestionStillOpen,
    QuizAlreadyRunning,
    QuizFinished,
    QuizMode,
    QuizNotFinished,
    QuizRegistry,
    QuizSession,
    Topic,
    Wrong,
    WrongMode,
    make_hint,
    points_for,
    topics,
)

STARTER, ALICE, BOB, CAROL, MOD = 1, 2, 3, 4, 99
CHANNEL, OTHER_CHANNEL, GUILD = 500, 501, 7
T = 20  # seconds per question in these tests


@dataclass
class FakeClock:
    """Monotonic seconds that only move when a test says so."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def number_fact(n: int, tags: tuple[str, ...] = ("medals",)) -> Fact:
    return Fact(
        id=f"count-{n}",
        question=f"Question number {n}?",
        answer=f"The answer is {n}.",
        accept=(str(n),),
        kind="number",
        tags=tags,
        quote=f"Quote {n}.",
    )


GOLDS = Fact(
    id="jason-gold-count",
    question="How many Olympic gold medals has Jason Kenny won?",
    answer="Seven.",
    accept=("7", "seven"),
    kind="number",
    tags=("medals", "jason"),
    quote="His tally of seven gold medals is one more than Chris Hoy.",
)
MADISON = Fact(
    id="madison-partner",
    question="Who won the madison with Laura Kenny?",
    answer="Katie Archibald.",
    accept=("Katie Archibald", "Archibald"),
    kind="person",
    tags=("medals", "laura"),
)
CRASH = Fact(
    id="omnium-crash",
    question="Where did Laura crash in the scratch race?",
    answer="On the back straight.",
    accept=("the back straight",),
    kind="text",
    tags=("laura",),
)
QUOTE = Fact(
    id="laura-quote",
    question="What did Laura say about her crash?",
    answer="She had nowhere to go.",
    accept=("nowhere to go",),
    kind="text",
    tags=("laura",),
)
NO_SHORT = Fact(
    id="no-short-answer",
    question="What did Jason say about his future?",
    answer="He had practically given up.",
    tags=("medals",),
)


def bank_of(*facts: Fact, topic: str | None = None) -> QuestionBank:
    return QuestionBank.from_facts(facts, topic)


def session(
    bank: QuestionBank | None = None,
    *,
    clock: FakeClock,
    mode: QuizMode = "buttons",
    rounds: int = 5,
    seed: int = 1,
    channel_id: int = CHANNEL,
) -> QuizSession:
    return QuizSession(
        bank or bank_of(*(number_fact(n) for n in range(1, 31))),
        rounds=rounds,
        mode=mode,
        seconds=T,
        started_by=STARTER,
        channel_id=channel_id,
        guild_id=GUILD,
        rng=random.Random(seed),
        clock=clock,
    )


def right(q: QuestionOpen) -> int:
    assert q.choices is not None
    return q.choices.correct_index


def wrong(q: QuestionOpen) -> int:
    assert q.choices is not None
    return (q.choices.correct_index + 1) % len(q.choices.options)


# --- scoring ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "points"),
    [(0, 1000), (T / 4, 875), (T / 2, 750), (T, 500), (T + 5, 500), (-1, 1000)],
)
def test_points_formula(elapsed: float, points: int) -> None:
    assert points_for(elapsed, T) == points


def test_points_at_start_half_time_and_deadline() -> None:
    clock = FakeClock()
    game = session(clock=clock)
    q = game.next_question()
    assert q.deadline == q.opened_at + T
    assert game.answer_choice(ALICE, right(q)) == Correct(ALICE, 1000, 0.0, rank=1)
    clock.advance(T / 2)
    assert game.answer_choice(BOB, right(q)) == Correct(BOB, 750, T / 2, rank=2)
    clock.advance(T / 2)
    assert game.answer_choice(CAROL, right(q)) == Correct(CAROL, 500, T, rank=3)
    result = game.close_question()
    assert [(a.user_id, a.points) for a in result.correct] == [
        (ALICE, 1000),
        (BOB, 750),
        (CAROL, 500),
    ]
    assert result.points_by_user == {ALICE: 1000, BOB: 750, CAROL: 500}
    assert result.correct_by_user == {ALICE: 1, BOB: 1, CAROL: 1}


def test_an_answer_after_the_deadline_is_closed_before_close_is_called() -> None:
    clock = FakeClock()
    game = session(clock=clock)
    q = game.next_question()
    clock.advance(T + 0.001)
    assert game.answer_choice(ALICE, right(q)) == QuestionClosed(ALICE)
    assert game.close_question().points_by_user == {}


def test_a_double_click_scores_once() -> None:
    clock = FakeClock()
    game = session(clock=clock)
    q = game.next_question()
    assert isinstance(game.answer_choice(ALICE, right(q)), Correct)
    clock.advance(1)
    assert game.answer_choice(ALICE, right(q)) == AlreadyAnswered(ALICE)
    assert game.close_question().points_by_user == {ALICE: 1000}


def test_wrong_then_right_by_the_same_member_does_not_score() -> None:
    clock = FakeClock()
    game = session(clock=clock)
    q = game.next_question()
    assert game.answer_choice(ALICE, wrong(q)) == Wrong(ALICE)
    assert game.answer_choice(ALICE, right(q)) == AlreadyAnswered(ALICE)
    result = game.close_question()
    assert result.correct == ()
    assert result.wrong_user_ids == (ALICE,)
    assert result.points_by_user == {ALICE: 0}
    assert result.correct_by_user == {ALICE: 0}


def test_a_button_outside_the_options_is_an_error() -> None:
    game = session(clock=FakeClock())
    game.next_question()
    with pytest.raises(InvalidChoice):
        game.answer_choice(ALICE, 4)


def test_answers_in_the_wrong_mode_are_errors() -> None:
    buttons = session(clock=FakeClock())
    buttons.next_question()
    with pytest.raises(WrongMode):
        buttons.answer_text(ALICE, "7")
    typed = session(clock=FakeClock(), mode="typed")
    typed.next_question()
    with pytest.raises(WrongMode):
        typed.answer_choice(ALICE, 0)


# --- questions -------------------------------------------------------------------------------


def test_a_twenty_round_game_never_repeats_a_question() -> None:
    clock = FakeClock()
    game = session(clock=clock, rounds=20)
    asked = []
    while not game.finished:
        q = game.next_question()
        asked.append(q.fact_id)
        game.answer_choice(ALICE, right(q))
        game.close_question()
    assert len(asked) == 20
    assert len(set(asked)) == 20
    assert game.summary().reason == "completed"


def test_rounds_are_capped_at_the_bank_size() -> None:
    clock = FakeClock()
    game = session(bank_of(number_fact(1), number_fact(2), number_fact(3)), clock=clock, rounds=10)
    assert game.rounds == 3
    numbers = []
    for _ in range(3):
        q = game.next_question()
        numbers.append((q.number, q.total))
        game.answer_choice(ALICE, right(q))
        result = game.close_question()
    assert numbers == [(1, 3), (2, 3), (3, 3)]
    assert result.game_over and result.finish_reason == "completed"
    with pytest.raises(QuizFinished):
        game.next_question()


def test_the_next_question_waits_for_the_current_one_to_close() -> None:
    game = session(clock=FakeClock())
    game.next_question()
    with pytest.raises(QuestionStillOpen):
        game.next_question()


def test_closing_twice_returns_the_same_result() -> None:
    game = session(clock=FakeClock())
    with pytest.raises(NoOpenQuestion):
        game.close_question()
    game.next_question()
    first = game.close_question("skipped")
    assert not game.is_open
    assert game.close_question("timeout") is first
    assert first.reason == "skipped"


def test_a_result_carries_the_fact_answer_and_quote() -> None:
    game = session(bank_of(GOLDS), clock=FakeClock(), mode="typed")
    game.next_question()
    result = game.close_question()
    assert result.fact == GOLDS
    assert result.answer == "7"
    assert result.quote == GOLDS.quote
    assert result.choices is None


def test_the_same_seed_plays_the_same_game() -> None:
    def play(seed: int) -> list[tuple[str, tuple[str, ...], str]]:
        game = session(clock=FakeClock(), rounds=10, seed=seed)
        out = []
        while not game.finished:
            q = game.next_question()
            out.append((q.fact_id, q.options, game.hint()))
            game.answer_choice(ALICE, right(q))
            game.close_question()
        return out

    assert play(5) == play(5)
    assert play(5) != play(6)


# --- inactivity ------------------------------------------------------------------------------


def test_two_unanswered_questions_in_a_row_stop_the_game() -> None:
    assert INACTIVE_LIMIT == 2
    clock = FakeClock()
    game = session(clock=clock, rounds=10)
    game.next_question()
    clock.advance(T)
    assert not game.close_question("timeout").game_over
    q = game.next_question()
    game.answer_choice(ALICE, wrong(q))  # a wrong answer is not a right one
    clock.advance(T)
    result = game.close_question("timeout")
    assert result.game_over and result.finish_reason == "inactive"
    assert game.finished
    assert game.summary().reason == "inactive"
    assert game.summary().questions_asked == 2


def test_a_right_answer_resets_inactivity_and_a_skip_is_neutral() -> None:
    clock = FakeClock()
    game = session(clock=clock, rounds=10)
    game.next_question()
    game.close_question("timeout")  # 1 unanswered
    q = game.next_question()
    game.answer_choice(ALICE, right(q))
    game.close_question("timeout")  # reset
    game.next_question()
    game.close_question("timeout")  # 1 unanswered
    game.next_question()
    game.skip(STARTER, is_moderator=False)  # neutral
    assert not game.finished
    game.next_question()
    assert game.close_question("timeout").finish_reason == "inactive"


# --- control ---------------------------------------------------------------------------------


def test_only_the_starter_or_a_moderator_controls_the_game() -> None:
    game = session(clock=FakeClock())
    assert game.can_control(STARTER, is_moderator=False)
    assert game.can_control(MOD, is_moderator=True)
    assert not game.can_control(ALICE, is_moderator=False)
    game.next_question()
    with pytest.raises(NotAllowed):
        game.skip(ALICE, is_moderator=False)
    with pytest.raises(NotAllowed):
        game.stop(ALICE, is_moderator=False)
    assert game.skip(MOD, is_moderator=True).reason == "skipped"
    with pytest.raises(NoOpenQuestion):
        game.skip(STARTER, is_moderator=False)
    summary = game.stop(STARTER, is_moderator=False)
    assert summary.reason == "stopped"
    with pytest.raises(QuizFinished):
        game.stop(STARTER, is_moderator=False)


def test_a_skip_keeps_the_right_answers_already_given() -> None:
    game = session(clock=FakeClock())
    q = game.next_question()
    game.answer_choice(ALICE, right(q))
    assert game.skip(STARTER, is_moderator=False).points_by_user == {ALICE: 1000}


def test_stopping_mid_question_drops_that_question() -> None:
    clock = FakeClock()
    game = session(clock=clock)
    q = game.next_question()
    game.answer_choice(ALICE, right(q))
    game.close_question()
    q = game.next_question()
    game.answer_choice(BOB, right(q))
    summary = game.stop(MOD, is_moderator=True)
    assert summary.questions_asked == 1
    assert [(s.user_id, s.points) for s in summary.standings] == [(ALICE, 1000)]
    assert game.answer_choice(CAROL, right(q)) == QuestionClosed(CAROL)


def test_the_summary_waits_for_the_end() -> None:
    game = session(clock=FakeClock())
    with pytest.raises(QuizNotFinished):
        game.summary()


# --- standings -------------------------------------------------------------------------------


def test_standings_by_points_then_right_answers_then_who_got_there_first() -> None:
    clock = FakeClock()
    game = session(clock=clock, rounds=5)
    # Q1: Alice 1000, Bob 750 (T/2).
    q = game.next_question()
    game.answer_choice(ALICE, right(q))
    clock.advance(T / 2)
    game.answer_choice(BOB, right(q))
    game.answer_choice(CAROL, wrong(q))
    game.close_question()
    # Q2: Bob 750 (T/2) + 10% for two in a row -> 1575, Carol 500 (T).
    q = game.next_question()
    clock.advance(T / 2)
    game.answer_choice(BOB, right(q))
    clock.advance(T / 2)
    game.answer_choice(CAROL, right(q))
    game.close_question()
    # Q3: Carol 500 + 10% -> 1050, two right answers in a row, so she passes Alice.
    q = game.next_question()
    clock.advance(T)
    game.answer_choice(CAROL, right(q))
    game.close_question()
    table = game.standings()
    assert [(s.user_id, s.points, s.correct) for s in table] == [
        (BOB, 1575, 2),
        (CAROL, 1050, 2),
        (ALICE, 1000, 1),
    ]
    assert [s.rank for s in table] == [1, 2, 3]
    assert table[1].answered == 3
    assert game.winner is not None and game.winner.user_id == BOB


def test_equal_points_and_right_answers_go_to_whoever_reached_them_first() -> None:
    clock = FakeClock()
    game = session(clock=clock)
    q = game.next_question()
    game.answer_choice(ALICE, right(q))
    game.close_question()
    q = game.next_question()
    game.answer_choice(BOB, right(q))
    game.close_question()
    assert [s.user_id for s in game.standings()] == [ALICE, BOB]


def test_nobody_wins_a_game_nobody_scored_in() -> None:
    game = session(clock=FakeClock())
    q = game.next_question()
    game.answer_choice(ALICE, wrong(q))
    game.close_question()
    summary = game.stop(STARTER, is_moderator=False)
    assert summary.winner is None
    assert [(s.user_id, s.points) for s in summary.standings] == [(ALICE, 0)]


# --- typed mode ------------------------------------------------------------------------------


def test_typed_first_right_message_wins_and_closes_the_question() -> None:
    clock = FakeClock()
    game = session(bank_of(GOLDS, MADISON), clock=clock, mode="typed", rounds=2, seed=3)
    q = game.next_question()
    assert q.choices is None
    answer = "seven" if q.fact_id == GOLDS.id else "Archibald"
    clock.advance(2)
    assert game.answer_text(ALICE, "no idea") == NotCorrect(ALICE)
    clock.advance(3)
    outcome = game.answer_text(BOB, f"it's {answer}!")
    assert isinstance(outcome, Correct)
    assert outcome.points == points_for(5, T) == 875
    assert outcome.result is not None and outcome.result.reason == "answered"
    assert not game.is_open
    assert game.answer_text(CAROL, answer) == QuestionClosed(CAROL)
    result = outcome.result
    assert [a.user_id for a in result.correct] == [BOB]
    assert result.wrong_user_ids == (ALICE,)
    assert result.points_by_user == {BOB: 875, ALICE: 0}


def test_typed_wrong_then_right_by_the_same_member_wins() -> None:
    game = session(bank_of(GOLDS), clock=FakeClock(), mode="typed")
    game.next_question()
    assert game.answer_text(ALICE, "6") == NotCorrect(ALICE)
    outcome = game.answer_text(ALICE, "7")
    assert isinstance(outcome, Correct) and outcome.result is not None
    assert outcome.result.wrong_user_ids == ()


def test_typed_hedging_does_not_win() -> None:
    game = session(bank_of(GOLDS), clock=FakeClock(), mode="typed")
    game.next_question()
    assert game.answer_text(ALICE, "6 or 7") == NotCorrect(ALICE)


def test_typed_rivals_include_the_pool() -> None:
    # "Bradley Wiggins" is in no built-in list, only in another fact of the bank.
    wiggins = Fact(
        id="wiggins",
        question="Who did Jason pass in the all-time list?",
        answer="Wiggins.",
        accept=("Bradley Wiggins", "Wiggins"),
        kind="person",
        tags=("other",),
    )
    game = session(bank_of(MADISON, wiggins, topic="laura"), clock=FakeClock(), mode="typed")
    game.next_question()
    assert game.answer_text(ALICE, "Archibald or Wiggins") == NotCorrect(ALICE)
    assert isinstance(game.answer_text(ALICE, "Archibald"), Correct)


def test_bot_messages_never_count() -> None:
    game = session(bank_of(GOLDS), clock=FakeClock(), mode="typed")
    game.next_question()
    assert game.answer_text(ALICE, "7", is_bot=True) == Ignored(ALICE, "bot")
    assert game.is_open


def test_empty_and_long_messages_are_not_guesses() -> None:
    game = session(bank_of(GOLDS), clock=FakeClock(), mode="typed")
    game.next_question()
    assert game.answer_text(ALICE, "   ") == Ignored(ALICE, "empty")
    assert game.answer_text(ALICE, "7 " + "x" * 100) == Ignored(ALICE, "too long")
    assert game.close_question().wrong_user_ids == ()


def test_typed_answer_after_the_deadline_is_closed() -> None:
    clock = FakeClock()
    game = session(bank_of(GOLDS), clock=clock, mode="typed")
    game.next_question()
    clock.advance(T + 1)
    assert game.answer_text(ALICE, "7") == QuestionClosed(ALICE)


def test_hint_at_half_time_without_the_answer() -> None:
    clock = FakeClock()
    game = session(bank_of(MADISON), clock=clock, mode="typed")
    with pytest.raises(NoOpenQuestion):
        game.hint()
    q = game.next_question()
    assert q.hint_at == q.opened_at + T / 2
    clock.advance(T / 2)
    assert game.hint() == "K____ A________"


def test_hints_keep_apostrophes_and_hyphens() -> None:
    assert (
        make_hint(
            Fact(id="x", question="Q?", answer="a", accept=("men's keirin",)), random.Random(0)
        )
        == "m__'_ k_____"
    )
    assert (
        make_hint(
            Fact(id="y", question="Q?", answer="a", accept=("long-range attack",)), random.Random(0)
        )
        == "l___-r____ a_____"
    )


def test_number_hint_is_a_range_around_the_answer() -> None:
    ranges: set[tuple[int, int]] = set()
    for seed in range(30):
        game = session(bank_of(GOLDS), clock=FakeClock(), mode="typed", seed=seed)
        game.next_question()
        hint = game.hint()
        assert hint.startswith("a number between ")
        low, high = (int(w) for w in hint.removeprefix("a number between ").split(" and "))
        assert low < 7 < high
        ranges.add((low, high))
    assert len(ranges) > 1  # the answer is not always in the middle


# --- bank ------------------------------------------------------------------------------------


def test_bank_takes_facts_with_short_answers_in_the_topic() -> None:
    # A place is a kind players can choose among; a quote is not, and is never asked.
    facts = [GOLDS, MADISON, CRASH, QUOTE, NO_SHORT]
    assert set(QuestionBank.from_facts(facts).questions) == {GOLDS, MADISON, CRASH}  # "all"
    assert set(QuestionBank.from_facts(facts, "all").questions) == {GOLDS, MADISON, CRASH}
    assert QuestionBank.from_facts(facts, "medals").questions == (GOLDS, MADISON)
    assert QuestionBank.from_facts(facts, "laura").questions == (MADISON, CRASH)
    assert set(QuestionBank.from_facts(facts, None).questions) == {GOLDS, MADISON, CRASH}
    assert QuestionBank.from_facts(facts, "laura").pool == tuple(sorted(facts, key=lambda f: f.key))


def test_an_empty_bank_is_an_error() -> None:
    with pytest.raises(NotEnoughQuestions):
        QuestionBank.from_facts([GOLDS, NO_SHORT], "omnium")
    with pytest.raises(NotEnoughQuestions):
        QuestionBank.from_facts([NO_SHORT])


def test_a_buttons_game_skips_questions_without_wrong_options() -> None:
    with pytest.raises(NotEnoughQuestions):
        session(bank_of(CRASH, topic="laura"), clock=FakeClock(), mode="buttons")
    typed = session(bank_of(CRASH, topic="laura"), clock=FakeClock(), mode="typed")
    assert typed.rounds == 1


def test_topics_count_quiz_questions_per_tag() -> None:
    assert topics([GOLDS, MADISON, CRASH, QUOTE, NO_SHORT]) == [
        Topic("laura", 2),
        Topic("medals", 2),
        Topic("jason", 1),
    ]


@pytest.mark.parametrize(
    ("rounds", "seconds", "mode"),
    [(0, 20, "buttons"), (21, 20, "buttons"), (5, 9, "typed"), (5, 61, "typed"), (5, 20, "voice")],
)
def test_settings_out_of_range_are_refused(rounds: int, seconds: int, mode: str) -> None:
    with pytest.raises(InvalidSettings):
        QuizSession(
            bank_of(GOLDS),
            rounds=rounds,
            mode=cast(QuizMode, mode),
            seconds=seconds,
            started_by=STARTER,
            channel_id=CHANNEL,
            guild_id=GUILD,
            rng=random.Random(0),
            clock=FakeClock(),
        )


# --- registry --------------------------------------------------------------------------------


def test_one_quiz_per_channel() -> None:
    registry = QuizRegistry()
    clock = FakeClock()
    first = registry.start(CHANNEL, session(clock=clock))
    with pytest.raises(QuizAlreadyRunning):
        registry.start(CHANNEL, session(clock=clock))
    assert registry.get(CHANNEL) is first
    assert registry.get(OTHER_CHANNEL) is None
    assert registry.end(CHANNEL) is first
    assert registry.get(CHANNEL) is None
    assert CHANNEL not in registry


def test_a_finished_quiz_can_be_replaced() -> None:
    registry = QuizRegistry()
    old = registry.start(CHANNEL, session(clock=FakeClock()))
    old.stop(STARTER, is_moderator=False)
    new = registry.start(CHANNEL, session(clock=FakeClock()))
    assert registry.get(CHANNEL) is new


def test_a_session_is_registered_in_its_own_channel() -> None:
    with pytest.raises(ValueError):
        QuizRegistry().start(OTHER_CHANNEL, session(clock=FakeClock()))


def test_two_channels_play_at_once_without_cross_talk() -> None:
    clock = FakeClock()
    registry = QuizRegistry()
    here = registry.start(CHANNEL, session(clock=clock, rounds=3, seed=1))
    there = registry.start(
        OTHER_CHANNEL, session(clock=clock, rounds=2, seed=2, channel_id=OTHER_CHANNEL)
    )
    assert len(registry) == 2
    for number in (1, 2):
        qa, qb = here.next_question(), there.next_question()
        assert (qa.number, qa.total) == (number, 3)
        assert (qb.number, qb.total) == (number, 2)
        assert isinstance(here.answer_choice(ALICE, right(qa)), Correct)
        assert isinstance(there.answer_choice(ALICE, wrong(qb)), Wrong)  # a separate answer
        assert isinstance(there.answer_choice(BOB, right(qb)), Correct)
        clock.advance(1)
        here.close_question()
        there.close_question()
    assert there.finished and not here.finished
    # Two instant right answers in a row: 1000, then 1000 + 10% streak bonus.
    assert [(s.user_id, s.points) for s in here.standings()] == [(ALICE, 2100)]
    assert [(s.user_id, s.points) for s in there.standings()] == [(BOB, 2100), (ALICE, 0)]
    here.next_question()
    assert here.current is not None and here.current.number == 3


# --- no Discord ------------------------------------------------------------------------------


def test_the_core_imports_without_discord() -> None:
    code = "import sys, bot.core.quiz; sys.exit('discord' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_core_neither_sleeps_nor_reads_the_clock_itself() -> None:
    source = "\n".join(p.read_text() for p in Path(quiz.__file__).parent.glob("*.py"))
    for forbidden in (
        r"import discord",
        r"asyncio",
        r"import time",
        r"\btime\.",
        r"random\.random\(",
        r"\.now\(",
        r"utcnow",
        r"\.today\(",
    ):
        assert re.search(forbidden, source) is None, forbidden
