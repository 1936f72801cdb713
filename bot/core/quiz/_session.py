"""One quiz game in one channel: questions, answers, points and standings.

The session never waits: the caller opens a question, feeds it answers, and closes it when
its timer fires (`QuestionOpen.deadline`), shows the hint at `QuestionOpen.hint_at`, and asks
for the next question. Time comes from the injected clock, randomness from the injected
generator, so a test can play a whole game instantly and reproducibly.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, get_args

from bot.core.facts import Fact

from ._answers import MAX_GUESS_CHARS, is_correct, rival_answers
from ._bank import QuestionBank
from ._distractors import Choices, can_make_choices, make_choices
from ._errors import (
    InvalidChoice,
    InvalidSettings,
    NoOpenQuestion,
    NotAllowed,
    NotEnoughQuestions,
    QuestionStillOpen,
    QuizFinished,
    QuizNotFinished,
    WrongMode,
)
from ._hints import make_hint

QuizMode = Literal["buttons", "typed"]
CloseReason = Literal["timeout", "answered", "skipped"]
FinishReason = Literal["completed", "stopped", "inactive"]
IgnoreReason = Literal["bot", "empty", "too long"]

MIN_ROUNDS = 1
MAX_ROUNDS = 20
MIN_SECONDS = 10
MAX_SECONDS = 60
MAX_POINTS = 1000
"""Points for an instant right answer; a right answer at the deadline earns half."""
INACTIVE_LIMIT = 2
"""The game stops after this many questions in a row time out with nobody right."""
STREAK_BONUS_STEP = 0.10
"""Each right answer in a row after the first adds this much to a right answer's points..."""
STREAK_BONUS_CAP = 0.50
"""...up to this much: the sixth right answer in a row earns +50%, and so does the tenth."""


def streak_bonus(streak: int) -> float:
    """The bonus fraction for the `streak`-th right answer in a row: 0, 0.1, 0.2 ... 0.5."""
    return min(STREAK_BONUS_STEP * max(streak - 1, 0), STREAK_BONUS_CAP)


def points_for(elapsed: float, seconds: float) -> int:
    """Points for a right answer `elapsed` seconds into a `seconds`-long question: 1000 to 500."""
    t = min(max(elapsed, 0.0), seconds)
    return round(MAX_POINTS * (1 - t / (2 * seconds)))


# --- what the caller gets back -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionOpen:
    """A question just asked. Times are on the session's clock."""

    number: int  # 1-based
    total: int
    fact_id: str
    question: str
    choices: Choices | None  # buttons mode only
    opened_at: float
    deadline: float  # close the question (reason "timeout") at this time
    hint_at: float  # show `session.hint()` at this time (typed mode)
    seconds: int

    @property
    def options(self) -> tuple[str, ...]:
        return self.choices.options if self.choices else ()


@dataclass(frozen=True, slots=True)
class ScoredAnswer:
    """A right answer: who, how many points (bonus included), how many seconds after the
    question opened, and how many right answers in a row it makes."""

    user_id: int
    points: int
    elapsed: float
    streak: int = 1
    bonus: int = 0  # the streak bonus included in points


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """A closed question. points_by_user and correct_by_user cover everyone who answered
    (0 for a wrong answer), ready to be added to stored scores."""

    number: int
    total: int
    fact: Fact
    answer: str  # the canonical short answer
    quote: str | None
    reason: CloseReason
    correct: tuple[ScoredAnswer, ...]  # in the order they answered
    wrong_user_ids: tuple[int, ...]  # answered, never right, in the order they answered
    points_by_user: dict[int, int]
    correct_by_user: dict[int, int]
    choices: Choices | None
    game_over: bool  # this close ended the game; see `finish_reason`
    finish_reason: FinishReason | None
    best_streak_by_user: dict[int, int] = field(default_factory=dict)  # everyone who answered

    @property
    def fastest(self) -> ScoredAnswer | None:
        """The quickest right answer."""
        return min(self.correct, key=lambda a: a.elapsed, default=None)


@dataclass(frozen=True, slots=True)
class Correct:
    """A right answer. In typed mode it also closed the question: `result` is set."""

    user_id: int
    points: int
    elapsed: float
    rank: int  # 1 for the first right answer to this question
    result: QuestionResult | None = None
    streak: int = 1
    bonus: int = 0


@dataclass(frozen=True, slots=True)
class Wrong:
    """A wrong button. The member cannot answer this question again."""

    user_id: int


@dataclass(frozen=True, slots=True)
class NotCorrect:
    """A typed guess that is not the answer; the member may try again."""

    user_id: int


@dataclass(frozen=True, slots=True)
class AlreadyAnswered:
    """A second button press by the same member on the same question; it scores nothing."""

    user_id: int


@dataclass(frozen=True, slots=True)
class QuestionClosed:
    """Too late: no question is open, or its deadline has passed."""

    user_id: int


@dataclass(frozen=True, slots=True)
class Ignored:
    """A message that is not a guess at all (a bot, an empty or an over-long message)."""

    user_id: int
    reason: IgnoreReason


ChoiceOutcome = Correct | Wrong | AlreadyAnswered | QuestionClosed
TextOutcome = Correct | NotCorrect | QuestionClosed | Ignored


@dataclass(frozen=True, slots=True)
class Standing:
    user_id: int
    rank: int  # 1-based position in the standings
    points: int
    correct: int
    answered: int
    best_streak: int = 0


@dataclass(frozen=True, slots=True)
class GameSummary:
    """The end of a game. questions_asked counts closed questions only."""

    reason: FinishReason
    standings: tuple[Standing, ...]
    winner: Standing | None  # None when nobody scored
    questions_asked: int
    rounds: int
    mode: QuizMode
    started_by: int
    channel_id: int
    guild_id: int | None


# --- internal state ------------------------------------------------------------------------


@dataclass(slots=True)
class _Tally:
    order: int  # when the member first took part, the last tie-break
    points: int = 0
    correct: int = 0
    answered: int = 0
    reached_at: float = math.inf  # when the member last scored, i.e. reached their total
    streak: int = 0  # right answers in a row, up to the last closed question
    best_streak: int = 0


@dataclass(slots=True)
class _Question:
    info: QuestionOpen
    fact: Fact
    hint: str
    rivals: tuple[str, ...]
    pressed: set[int] = field(default_factory=set)
    correct: list[ScoredAnswer] = field(default_factory=list)
    wrong: list[int] = field(default_factory=list)


class QuizSession:
    """One game in one channel. Not thread-safe; meant for one event loop."""

    def __init__(
        self,
        bank: QuestionBank,
        *,
        rounds: int,
        mode: QuizMode,
        seconds: int,
        started_by: int,
        channel_id: int,
        guild_id: int | None,
        rng: random.Random,
        clock: Callable[[], float],
    ) -> None:
        """Draw the game's questions, without repeats; rounds are capped at the bank's size.

        Raises InvalidSettings for rounds, seconds or mode out of range, and
        NotEnoughQuestions when no question in the bank can be asked in this mode.
        """
        if mode not in get_args(QuizMode):
            raise InvalidSettings(f"mode must be one of {get_args(QuizMode)}, not {mode!r}")
        if not MIN_ROUNDS <= rounds <= MAX_ROUNDS:
            raise InvalidSettings(f"rounds must be {MIN_ROUNDS}-{MAX_ROUNDS}")
        if not MIN_SECONDS <= seconds <= MAX_SECONDS:
            raise InvalidSettings(f"seconds must be {MIN_SECONDS}-{MAX_SECONDS}")
        vocab = bank.vocab
        playable = [f for f in bank.questions if mode == "typed" or can_make_choices(f, vocab)]
        if not playable:
            raise NotEnoughQuestions(f"no question in the bank can be asked with {mode}")
        self.mode: QuizMode = mode
        self.seconds = seconds
        self.started_by = started_by
        self.channel_id = channel_id
        self.guild_id = guild_id
        self._pool = bank.pool
        self._vocab = vocab
        self.requested_rounds = rounds
        self.topic = bank.topic_name
        self._rng = rng
        self._clock = clock
        self._queue: tuple[Fact, ...] = tuple(rng.sample(playable, min(rounds, len(playable))))
        self._open: _Question | None = None
        self._results: list[QuestionResult] = []
        self._tallies: dict[int, _Tally] = {}
        self._unanswered_streak = 0
        self._finish_reason: FinishReason | None = None

    # --- state ---------------------------------------------------------------------------

    @property
    def rounds(self) -> int:
        """How many questions this game asks (the requested rounds, capped at the bank size)."""
        return len(self._queue)

    @property
    def current(self) -> QuestionOpen | None:
        """The open question, if any (it may be past its deadline and not closed yet)."""
        return self._open.info if self._open else None

    @property
    def is_open(self) -> bool:
        return self._open is not None

    @property
    def finished(self) -> bool:
        return self._finish_reason is not None

    @property
    def finish_reason(self) -> FinishReason | None:
        return self._finish_reason

    @property
    def results(self) -> tuple[QuestionResult, ...]:
        """Every closed question so far, in order."""
        return tuple(self._results)

    @property
    def answered_count(self) -> int:
        """How many members have answered the open question so far (0 with none open)."""
        q = self._open
        if q is None:
            return 0
        return len(q.pressed) if self.mode == "buttons" else len(q.wrong) + len(q.correct)

    def streak_of(self, user_id: int) -> int:
        """A member's right answers in a row, up to the last closed question."""
        tally = self._tallies.get(user_id)
        return tally.streak if tally else 0

    def can_control(self, user_id: int, is_moderator: bool) -> bool:
        """Only the member who started the game, or a moderator, may skip or stop it."""
        return is_moderator or user_id == self.started_by

    # --- playing -------------------------------------------------------------------------

    def next_question(self) -> QuestionOpen:
        """Open the next question. Raises QuestionStillOpen or QuizFinished."""
        if self.finished:
            raise QuizFinished("the quiz is over")
        if self._open is not None:
            raise QuestionStillOpen("close the current question first")
        fact = self._queue[len(self._results)]
        now = self._clock()
        # Drawn in a fixed order whatever the mode, so a seed replays the same game.
        choices = make_choices(fact, self._vocab, self._rng) if self.mode == "buttons" else None
        hint = make_hint(fact, self._rng)
        info = QuestionOpen(
            number=len(self._results) + 1,
            total=self.rounds,
            fact_id=fact.id,
            question=fact.question,
            choices=choices,
            opened_at=now,
            deadline=now + self.seconds,
            hint_at=now + self.seconds / 2,
            seconds=self.seconds,
        )
        rivals = rival_answers(fact, self._vocab) if self.mode == "typed" else ()
        self._open = _Question(info=info, fact=fact, hint=hint, rivals=rivals)
        return info

    def _live_question(self) -> tuple[_Question, float] | None:
        """The open question and the seconds since it opened, unless it is closed or too late."""
        q = self._open
        if q is None:
            return None
        now = self._clock()
        if now > q.info.deadline:
            return None
        return q, now - q.info.opened_at

    def answer_choice(self, user_id: int, choice_index: int) -> ChoiceOutcome:
        """A button press. Each member answers once per question; a right one scores by speed.

        Raises WrongMode in a typed game and InvalidChoice for an index outside the options.
        """
        if self.mode != "buttons":
            raise WrongMode("this quiz takes typed answers")
        live = self._live_question()
        if live is None:
            return QuestionClosed(user_id)
        q, elapsed = live
        assert q.info.choices is not None
        if user_id in q.pressed:
            return AlreadyAnswered(user_id)
        if not 0 <= choice_index < len(q.info.choices.options):
            raise InvalidChoice(f"no option {choice_index}")
        q.pressed.add(user_id)
        if choice_index != q.info.choices.correct_index:
            q.wrong.append(user_id)
            return Wrong(user_id)
        scored = self._score(user_id, elapsed)
        q.correct.append(scored)
        return Correct(
            user_id,
            scored.points,
            elapsed,
            rank=len(q.correct),
            streak=scored.streak,
            bonus=scored.bonus,
        )

    def answer_text(self, user_id: int, text: str, *, is_bot: bool = False) -> TextOutcome:
        """A message in the channel. The first right one wins and closes the question.

        Raises WrongMode in a buttons game.
        """
        if is_bot:
            return Ignored(user_id, "bot")
        if self.mode != "typed":
            raise WrongMode("this quiz takes button answers")
        live = self._live_question()
        if live is None:
            return QuestionClosed(user_id)
        q, elapsed = live
        if not text.strip():
            return Ignored(user_id, "empty")
        if len(text.strip()) > MAX_GUESS_CHARS:
            return Ignored(user_id, "too long")
        if not is_correct(text, q.fact, rivals=q.rivals):
            if user_id not in q.wrong:
                q.wrong.append(user_id)
            return NotCorrect(user_id)
        if user_id in q.wrong:
            q.wrong.remove(user_id)
        scored = self._score(user_id, elapsed)
        q.correct.append(scored)
        result = self.close_question("answered")
        return Correct(
            user_id,
            scored.points,
            elapsed,
            rank=1,
            result=result,
            streak=scored.streak,
            bonus=scored.bonus,
        )

    def _score(self, user_id: int, elapsed: float) -> ScoredAnswer:
        """A right answer's points: by speed, plus the streak bonus."""
        tally = self._tallies.get(user_id)
        streak = (tally.streak if tally else 0) + 1
        base = points_for(elapsed, self.seconds)
        bonus = round(base * streak_bonus(streak))
        return ScoredAnswer(user_id, base + bonus, elapsed, streak=streak, bonus=bonus)

    def hint(self) -> str:
        """The open question's hint, e.g. "K____ A________" or "a number between 5 and 9".

        It is fixed when the question opens. Raises NoOpenQuestion.
        """
        if self._open is None:
            raise NoOpenQuestion("no question is open")
        return self._open.hint

    def close_question(self, reason: CloseReason = "timeout") -> QuestionResult:
        """Close the open question and score it.

        Idempotent: with no open question, returns the last result again (the same object),
        so a timer that fires after a typed win is harmless; check `is_open` first to avoid
        showing or saving a result twice. Raises NoOpenQuestion if nothing was ever asked.
        """
        q = self._open
        if q is None:
            if self._results:
                return self._results[-1]
            raise NoOpenQuestion("no question has been asked")
        self._open = None
        opened_at = q.info.opened_at
        points_by_user: dict[int, int] = {}
        correct_by_user: dict[int, int] = {}
        for scored in q.correct:
            tally = self._tally(scored.user_id)
            tally.points += scored.points
            tally.correct += 1
            tally.reached_at = opened_at + scored.elapsed
            points_by_user[scored.user_id] = scored.points
            correct_by_user[scored.user_id] = 1
        for user_id in q.wrong:
            self._tally(user_id)
            points_by_user[user_id] = 0
            correct_by_user[user_id] = 0
        for user_id in points_by_user:
            self._tallies[user_id].answered += 1
        right = {scored.user_id for scored in q.correct}
        for user_id, tally in self._tallies.items():
            if user_id in right:
                tally.streak += 1
                tally.best_streak = max(tally.best_streak, tally.streak)
            else:
                tally.streak = 0  # a wrong answer or none breaks the run
        best_streaks = {u: self._tallies[u].best_streak for u in points_by_user}

        if q.correct:
            self._unanswered_streak = 0
        elif reason == "timeout":
            self._unanswered_streak += 1
        # A skip with nobody right neither counts as inactivity nor resets it.
        if len(self._results) + 1 >= self.rounds:
            self._finish_reason = "completed"
        elif self._unanswered_streak >= INACTIVE_LIMIT:
            self._finish_reason = "inactive"

        result = QuestionResult(
            number=q.info.number,
            total=q.info.total,
            fact=q.fact,
            answer=q.fact.accept[0],
            quote=q.fact.quote,
            reason=reason,
            correct=tuple(q.correct),
            wrong_user_ids=tuple(q.wrong),
            points_by_user=points_by_user,
            correct_by_user=correct_by_user,
            choices=q.info.choices,
            game_over=self.finished,
            finish_reason=self._finish_reason,
            best_streak_by_user=best_streaks,
        )
        self._results.append(result)
        return result

    def _tally(self, user_id: int) -> _Tally:
        if user_id not in self._tallies:
            self._tallies[user_id] = _Tally(order=len(self._tallies))
        return self._tallies[user_id]

    # --- control -------------------------------------------------------------------------

    def _check_control(self, user_id: int, is_moderator: bool) -> None:
        if not self.can_control(user_id, is_moderator):
            raise NotAllowed("only the member who started the quiz or a moderator can do that")

    def skip(self, by_user_id: int, *, is_moderator: bool) -> QuestionResult:
        """Close the open question early (reason "skipped"); right answers so far still score.

        Raises NotAllowed or NoOpenQuestion.
        """
        self._check_control(by_user_id, is_moderator)
        if self._open is None:
            raise NoOpenQuestion("no question is open")
        return self.close_question("skipped")

    def stop(self, by_user_id: int, *, is_moderator: bool) -> GameSummary:
        """End the game now. An open question is dropped unscored: every point in the summary
        came through a `QuestionResult`. Raises NotAllowed or QuizFinished."""
        if self.finished:
            raise QuizFinished("the quiz is already over")
        self._check_control(by_user_id, is_moderator)
        self._open = None
        self._finish_reason = "stopped"
        return self.summary()

    # --- results -------------------------------------------------------------------------

    def standings(self) -> list[Standing]:
        """Everyone who answered a closed question: most points, then most right answers,
        then whoever reached their total first."""
        ordered = sorted(
            self._tallies.items(),
            key=lambda kv: (-kv[1].points, -kv[1].correct, kv[1].reached_at, kv[1].order),
        )
        return [
            Standing(user_id, rank, t.points, t.correct, t.answered, t.best_streak)
            for rank, (user_id, t) in enumerate(ordered, start=1)
        ]

    @property
    def winner(self) -> Standing | None:
        """The leader, or None while nobody has scored."""
        table = self.standings()
        return table[0] if table and table[0].points > 0 else None

    def summary(self) -> GameSummary:
        """The final summary. Raises QuizNotFinished while the game is running."""
        if self._finish_reason is None:
            raise QuizNotFinished("the quiz is still running")
        return GameSummary(
            reason=self._finish_reason,
            standings=tuple(self.standings()),
            winner=self.winner,
            questions_asked=len(self._results),
            rounds=self.rounds,
            mode=self.mode,
            started_by=self.started_by,
            channel_id=self.channel_id,
            guild_id=self.guild_id,
        )
