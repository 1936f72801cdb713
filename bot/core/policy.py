"""What the bot does with a question, wherever it was asked: answer, offer choices, decline,
stay quiet, say it is asking too fast, say a quiz is running, or hint at what to ask.

`decide_reply()` is the one order every entry point follows (`/ask`, mentions, DMs, opted-in
channels). It is pure: the matcher and the rate limit come in as callables, so a table of
inputs pins down each decision without Discord or a database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.facts import Fact
from bot.core.matcher import MatchResult, Outcome

MAX_QUESTION_LENGTH = 300
MIN_CHANNEL_QUESTION_LENGTH = 5
"""Shorter messages in an opted-in channel are chatter, never questions."""

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>")
"""Member, role and channel mentions: markup around a question, never part of it."""
_QUESTION_START = re.compile(
    r"^(who|whom|whose|what|which|when|where|why|how|is|are|was|were|did|does|do|has|have|had|"
    r"can|could|will|would|tell me)\b",
    re.IGNORECASE,
)
GREETINGS = frozenset(
    {
        "hi",
        "hii",
        "hello",
        "hey",
        "heya",
        "hiya",
        "yo",
        "howdy",
        "sup",
        "morning",
        "good morning",
        "good afternoon",
        "good evening",
        "hello there",
        "hi there",
        "hey there",
        "thanks",
        "thank you",
        "thx",
        "ty",
        "cheers",
    }
)
"""Whole messages that greet or thank the bot rather than ask it something."""
HELP_WORDS = frozenset(
    {"help", "help me", "commands", "what can you do", "what do you do", "how does this work"}
)
"""Whole messages that ask how to use the bot."""
_FILLER = re.compile(r"[\s!?.,:;~*_`'\"()\-]+")


class Where(StrEnum):
    """How the question reached the bot."""

    SLASH = "slash"  # /ask
    DM = "dm"
    MENTION = "mention"
    CHANNEL = "channel"  # an opted-in channel, without a mention

    @property
    def explicit(self) -> bool:
        """The member addressed the bot, so silence would be rude."""
        return self is not Where.CHANNEL


class Action(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"  # "did you mean" choices
    DECLINE = "decline"  # "I don't know that one yet"
    QUIET = "quiet"
    COOLDOWN = "cooldown"
    QUIZ_RUNNING = "quiz_running"
    GREETING = "greeting"  # a greeting, "help" or an empty mention: a hint, never counted


@dataclass(frozen=True, slots=True)
class Reply:
    """The decision, and what it needs: the fact, the choices, or the seconds to wait."""

    action: Action
    fact: Fact | None = None
    suggestions: tuple[Fact, ...] = ()
    retry_after: float = 0.0
    hint: str = ""  # for GREETING: "greeting", "help" or "empty"
    text: str = ""  # the question as matched (mentions removed)


def strip_mentions(text: str) -> str:
    return _MENTION.sub(" ", text).strip()


def looks_like_question(text: str) -> bool:
    """Whether a message in an opted-in channel is worth answering (not chatter)."""
    text = text.strip()
    if not MIN_CHANNEL_QUESTION_LENGTH <= len(text) <= MAX_QUESTION_LENGTH:
        return False
    return text.endswith("?") or bool(_QUESTION_START.match(text))


def small_talk(text: str) -> str | None:
    """ "empty", "greeting" or "help" when a message is only that; None for anything else."""
    words = _FILLER.sub(" ", text.casefold()).strip()
    if not words:
        return "empty"
    if words in HELP_WORDS:
        return "help"
    # "hi bot", "thanks trivia bot", "cheers quizbot": a greeting with the bot's name after it
    parts = words.split()
    for named in (parts, parts[:-1], parts[:-2]):
        if named and " ".join(named) in GREETINGS and (named == parts or parts[-1].endswith("bot")):
            return "greeting"
    return None


def decide_reply(
    text: str,
    where: Where,
    *,
    quiz_running: bool,
    match: Callable[[str], MatchResult],
    take_turn: Callable[[], float | None],
) -> Reply:
    """Decide what to do with a question.

    `match` runs the matcher; `take_turn` counts one question against the member's limit and
    returns the seconds to wait when over it (None when the question may go ahead). Neither is
    called when the decision does not need it: small talk and silence never count.
    """
    question = strip_mentions(text)
    if quiz_running:
        # An answer here could give a quiz question away.
        return Reply(Action.QUIZ_RUNNING if where.explicit else Action.QUIET, text=question)
    talk = small_talk(question)
    if talk is not None:
        return Reply(Action.GREETING if where.explicit else Action.QUIET, hint=talk, text=question)
    if where is Where.CHANNEL and not looks_like_question(question):
        return Reply(Action.QUIET, text=question)
    result = match(question)
    if where is Where.CHANNEL and result.outcome is not Outcome.ANSWER:
        return Reply(Action.QUIET, text=question)  # opted-in channels: only confident answers
    retry = take_turn()
    if retry is not None:
        action = Action.COOLDOWN if where.explicit else Action.QUIET
        return Reply(action, retry_after=retry, text=question)
    if result.outcome is Outcome.ANSWER and result.fact is not None:
        return Reply(Action.ANSWER, fact=result.fact, text=question)
    if result.suggestions:
        return Reply(Action.SUGGEST, suggestions=result.suggestions, text=question)
    return Reply(Action.DECLINE, text=question)


@dataclass(frozen=True, slots=True)
class AskLimit:
    """Questions per period for one member in one server (or in DMs)."""

    rate: int
    per: float

    def describe(self) -> str:
        return f"{self.rate} question{'s' if self.rate != 1 else ''} per {self.per:g} s"


MIN_ASK_RATE, MAX_ASK_RATE = 1, 60
MIN_ASK_SECONDS, MAX_ASK_SECONDS = 5, 3600
DM_SCOPE = 0
"""The rate-limit scope of direct messages: separate from every server."""
MAX_TRACKED_MEMBERS = 10_000
"""Past this many members, those whose limit has fully recovered are forgotten."""


class AskLimiter:
    """A sliding window per (server, member): at most `rate` questions in any `per` seconds.

    Servers are separate (a busy server does not use up a member's questions elsewhere) and DMs
    are a scope of their own. The clock is passed in, so tests need no sleeping.
    """

    def __init__(self) -> None:
        self._asked: dict[tuple[int, int], list[float]] = {}

    def take(self, scope: int, user_id: int, limit: AskLimit, now: float) -> float | None:
        """Count one question at `now`; seconds to wait if over the limit (nothing counted)."""
        if len(self._asked) > MAX_TRACKED_MEMBERS:
            self._asked = {k: v for k, v in self._asked.items() if v and now - v[-1] < limit.per}
        times = [t for t in self._asked.get((scope, user_id), ()) if now - t < limit.per]
        if len(times) >= limit.rate:
            self._asked[(scope, user_id)] = times
            return max(times[-limit.rate] + limit.per - now, 0.0)
        times.append(now)
        self._asked[(scope, user_id)] = times
        return None
