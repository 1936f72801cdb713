"""What the bot does with a question: one decision table for `/ask`, mentions, DMs and channels."""

from __future__ import annotations

import pytest

from bot.core.facts import Fact
from bot.core.matcher import Candidate, MatchResult, Outcome
from bot.core.policy import (
    Action,
    AskLimit,
    AskLimiter,
    Where,
    decide_reply,
    looks_like_question,
    small_talk,
)

GOLDS = Fact(id="golds", question="How many golds has Jason Kenny won?", answer="Seven.")
KEIRIN = Fact(id="keirin", question="Who won the keirin?", answer="Jason Kenny.")


def result(outcome: Outcome, *facts: Fact) -> MatchResult:
    return MatchResult("q", outcome, tuple(Candidate(f, 90.0, f.question) for f in facts))


ANSWER = result(Outcome.ANSWER, GOLDS)
SUGGEST = result(Outcome.SUGGEST, GOLDS, KEIRIN)
DECLINE = result(Outcome.DECLINE)


class Calls:
    """The matcher and the rate limit, recording whether they were asked."""

    def __init__(self, matched: MatchResult, retry: float | None = None) -> None:
        self.matched, self.retry = matched, retry
        self.matches: list[str] = []
        self.turns = 0

    def match(self, text: str) -> MatchResult:
        self.matches.append(text)
        return self.matched

    def take_turn(self) -> float | None:
        self.turns += 1
        return self.retry


def decide(
    text: str,
    where: Where,
    matched: MatchResult = ANSWER,
    *,
    retry: float | None = None,
    quiz: bool = False,
) -> tuple[Action, Calls]:
    calls = Calls(matched, retry)
    reply = decide_reply(
        text, where, quiz_running=quiz, match=calls.match, take_turn=calls.take_turn
    )
    return reply.action, calls


QUESTION = "how many golds has jason kenny got?"
EXPLICIT = [Where.SLASH, Where.DM, Where.MENTION]


# --------------------------------------------------------------------------- the table

TABLE = [
    # (text, where, match, over the limit?, quiz running?, expected action)
    (QUESTION, Where.SLASH, ANSWER, False, False, Action.ANSWER),
    (QUESTION, Where.MENTION, SUGGEST, False, False, Action.SUGGEST),
    (QUESTION, Where.DM, DECLINE, False, False, Action.DECLINE),
    (QUESTION, Where.CHANNEL, ANSWER, False, False, Action.ANSWER),
    (QUESTION, Where.CHANNEL, SUGGEST, False, False, Action.QUIET),  # only sure answers there
    (QUESTION, Where.CHANNEL, DECLINE, False, False, Action.QUIET),
    ("lol nice race", Where.CHANNEL, ANSWER, False, False, Action.QUIET),  # chatter
    ("lol nice race", Where.MENTION, DECLINE, False, False, Action.DECLINE),
    (QUESTION, Where.SLASH, ANSWER, True, False, Action.COOLDOWN),
    (QUESTION, Where.MENTION, SUGGEST, True, False, Action.COOLDOWN),
    (QUESTION, Where.CHANNEL, ANSWER, True, False, Action.QUIET),  # silent there, even so
    (QUESTION, Where.SLASH, ANSWER, False, True, Action.QUIZ_RUNNING),
    (QUESTION, Where.MENTION, ANSWER, False, True, Action.QUIZ_RUNNING),
    (QUESTION, Where.CHANNEL, ANSWER, False, True, Action.QUIET),
    ("hello!", Where.MENTION, DECLINE, False, False, Action.GREETING),
    ("hi bot", Where.DM, DECLINE, False, False, Action.GREETING),
    ("help", Where.SLASH, DECLINE, False, False, Action.GREETING),
    ("", Where.MENTION, DECLINE, False, False, Action.GREETING),
    ("hello?", Where.CHANNEL, DECLINE, False, False, Action.QUIET),
    ("hello", Where.MENTION, DECLINE, True, False, Action.GREETING),  # small talk is never limited
    ("hello", Where.MENTION, DECLINE, False, True, Action.QUIZ_RUNNING),
]


@pytest.mark.parametrize(("text", "where", "matched", "limited", "quiz", "expected"), TABLE)
def test_decide_reply(
    text: str, where: Where, matched: MatchResult, limited: bool, quiz: bool, expected: Action
) -> None:
    action, _ = decide(text, where, matched, retry=12.0 if limited else None, quiz=quiz)
    assert action is expected


@pytest.mark.parametrize("where", [*EXPLICIT, Where.CHANNEL])
@pytest.mark.parametrize("text", ["hi", "Hello there!", "thanks", "help", "", "   "])
def test_small_talk_never_counts_against_the_limit_nor_reaches_the_matcher(
    text: str, where: Where
) -> None:
    _, calls = decide(text, where, retry=10.0)
    assert calls.turns == 0 and calls.matches == []


@pytest.mark.parametrize("where", EXPLICIT)
def test_every_entry_point_matches_first_then_counts_the_question(where: Where) -> None:
    action, calls = decide(QUESTION, where, retry=5.0)
    assert action is Action.COOLDOWN
    assert calls.matches == [QUESTION] and calls.turns == 1


def test_silence_in_a_channel_costs_the_member_nothing() -> None:
    for matched in (SUGGEST, DECLINE):
        _, calls = decide(QUESTION, Where.CHANNEL, matched, retry=5.0)
        assert calls.turns == 0


def test_mentions_are_not_part_of_the_question() -> None:
    calls = Calls(ANSWER)
    reply = decide_reply(
        f"<@123> <@&456> {QUESTION} <#789>",
        Where.MENTION,
        quiz_running=False,
        match=calls.match,
        take_turn=calls.take_turn,
    )
    assert calls.matches == [QUESTION] and reply.fact is GOLDS
    assert (
        decide_reply(
            "<@123>",
            Where.MENTION,
            quiz_running=False,
            match=calls.match,
            take_turn=calls.take_turn,
        ).hint
        == "empty"
    )


def test_the_reply_carries_what_it_needs() -> None:
    calls = Calls(SUGGEST, retry=None)
    reply = decide_reply(
        QUESTION, Where.SLASH, quiz_running=False, match=calls.match, take_turn=calls.take_turn
    )
    assert reply.suggestions == (GOLDS, KEIRIN)
    calls = Calls(ANSWER, retry=7.5)
    reply = decide_reply(
        QUESTION, Where.SLASH, quiz_running=False, match=calls.match, take_turn=calls.take_turn
    )
    assert reply.retry_after == 7.5


@pytest.mark.parametrize(
    ("text", "talk"),
    [
        ("hi", "greeting"),
        ("Hey!!", "greeting"),
        ("good morning", "greeting"),
        ("thank you :)", "greeting"),
        ("HELP", "help"),
        ("help?", "help"),
        ("what can you do?", "help"),
        ("", "empty"),
        ("?!", "empty"),
        ("hi, who won the keirin?", None),
        ("help me find laura's medals", None),
        ("hello kitty", None),
        ("thanks bot", "greeting"),
        ("cheers trivia bot", "greeting"),
        ("hi quizbot", "greeting"),
        ("who won bot", None),
    ],
)
def test_small_talk(text: str, talk: str | None) -> None:
    assert small_talk(text) == talk


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("who won the keirin", True),
        ("Did Laura win?", True),
        ("nice race?", True),
        ("lol nice race", False),
        ("ok?", False),  # too short
        ("x" * 301 + "?", False),
    ],
)
def test_looks_like_question(text: str, question: bool) -> None:
    assert looks_like_question(text) is question


# --------------------------------------------------------------------------- the limiter

LIMIT = AskLimit(rate=2, per=30.0)


def test_the_limit_allows_rate_questions_per_period_then_says_how_long_to_wait() -> None:
    limiter = AskLimiter()
    assert limiter.take(1, 10, LIMIT, now=0.0) is None
    assert limiter.take(1, 10, LIMIT, now=5.0) is None
    assert limiter.take(1, 10, LIMIT, now=10.0) == pytest.approx(20.0)
    assert limiter.take(1, 10, LIMIT, now=29.0) == pytest.approx(1.0)  # refusals cost nothing
    assert limiter.take(1, 10, LIMIT, now=30.0) is None  # the first question left the window
    assert limiter.take(1, 10, LIMIT, now=31.0) == pytest.approx(4.0)


def test_servers_members_and_dms_each_have_their_own_limit() -> None:
    limiter = AskLimiter()
    for _ in range(2):
        assert limiter.take(1, 10, LIMIT, now=0.0) is None
    assert limiter.take(1, 10, LIMIT, now=0.0) is not None
    assert limiter.take(2, 10, LIMIT, now=0.0) is None  # another server
    assert limiter.take(0, 10, LIMIT, now=0.0) is None  # direct messages
    assert limiter.take(1, 11, LIMIT, now=0.0) is None  # another member


def test_a_servers_own_limit_applies_at_once() -> None:
    limiter = AskLimiter()
    generous = AskLimit(rate=5, per=30.0)
    for _ in range(2):
        limiter.take(1, 10, LIMIT, now=0.0)
    assert limiter.take(1, 10, LIMIT, now=1.0) is not None
    assert limiter.take(1, 10, generous, now=1.0) is None


@pytest.mark.parametrize(
    ("limit", "text"),
    [(AskLimit(5, 30.0), "5 questions per 30 s"), (AskLimit(1, 7.5), "1 question per 7.5 s")],
)
def test_limits_describe_themselves(limit: AskLimit, text: str) -> None:
    assert limit.describe() == text
