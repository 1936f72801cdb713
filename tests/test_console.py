"""The console quiz: typed answers, hints, skips, timeouts and leaving, on a scripted player."""

from __future__ import annotations

import io
import random
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass

import pytest
from rich.console import Console

from bot.app import App
from bot.console import CONSOLE_SECONDS, ConsoleSession
from bot.core.facts import Fact
from bot.core.matcher import FactIndex
from bot.core.quiz import INACTIVE_LIMIT
from bot.db.engine import create_engine, session_factory
from bot.settings import Settings

# Every question answers 7, so the script needn't know which one was drawn.
FACTS = [
    Fact(
        id=f"sevens-{i}",
        question=question,
        answer=f"Seven: {question}",
        accept=("7", "seven"),
        kind="number",
        tags=("medals",),
    )
    for i, question in enumerate(
        (
            "How many Olympic gold medals has Jason Kenny won?",
            "How many days did the track cycling programme last?",
            "How many riders started the keirin final?",
        )
    )
]


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


class Player:
    """Types the script line by line; ("wait", s) lets s seconds pass first. Then Ctrl-D."""

    def __init__(self, clock: FakeClock, script: Iterable[str | tuple[float, str]]) -> None:
        self.clock = clock
        self.script: Iterator[str | tuple[float, str]] = iter(script)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        line = next(self.script, None)
        if line is None:
            raise EOFError
        if isinstance(line, tuple):
            seconds, line = line
            self.clock.now += seconds
        return line


@pytest.fixture
async def app() -> AsyncIterator[App]:
    """The facts above in an index; the console quiz never touches the database."""
    url = "sqlite+aiosqlite://"
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    engine = create_engine(settings.database_url)
    yield App(settings, engine, session_factory(engine), FactIndex.build(FACTS))
    await engine.dispose()


def play(app: App, *script: str | tuple[float, str]) -> tuple[str, Player]:
    """Run the console over the script; returns what it printed and the player."""
    out = io.StringIO()
    clock = FakeClock()
    player = Player(clock, script)
    console = Console(file=out, width=120, color_system=None, force_terminal=False)
    ConsoleSession(app, console=console, read=player, clock=clock, rng=random.Random(1)).run()
    return out.getvalue(), player


def test_the_scripted_game_from_the_readme(app: App) -> None:
    # printf '/quiz 2\n/hint\nseven\n/skip\n/quit\n' | python -m bot console
    out, player = play(app, "/quiz 2", "/hint", "seven", "/skip", "/quit")
    assert "Quiz! 2 questions on all topics" in out
    assert "Question 1 of 2" in out and "Question 2 of 2" in out
    assert "Hint: a number between" in out
    assert "Right! +1000 points" in out
    assert "Answer: 7" in out
    assert "Quiz over: 1000 points, 1 of 2 right." in out
    assert player.prompts[-1] == "[bold green]you[/]"  # /quit was read by the console


def test_faster_answers_score_more(app: App) -> None:
    half = CONSOLE_SECONDS / 2
    out, _ = play(app, "/quiz 2", (half, "I think it's 7!"), (CONSOLE_SECONDS, "7"), "/quit")
    assert "Right! +750 points" in out
    assert "Right! +550 points (🔥 2 in a row: +50)" in out  # 500 at the buzzer, +10%
    assert "Quiz over: 1300 points, 2 of 2 right." in out


def test_choices_offer_fair_options_to_pick_by_number(app: App) -> None:
    out, _ = play(app, "/quiz 1 choices", "9", "1", "/quit")
    assert "Type 1-4" in out
    assert "1. " in out and "4. " in out
    assert "Type a number from 1 to 4." in out  # 9 is not an option
    assert "Quiz over" in out


def test_wrong_guesses_may_try_again(app: App) -> None:
    out, _ = play(app, "/quiz 1", "6", "six or seven", "Seven", "/quit")
    assert out.count("Not quite — try again") == 2
    assert "Quiz over: " in out and "1 of 1 right." in out


def test_a_late_answer_is_times_up_and_two_in_a_row_stop_the_game(app: App) -> None:
    late = CONSOLE_SECONDS + 1
    out, _ = play(app, "/quiz 3", (late, "7"), (late, "7"), "/quit")
    assert out.count("Time's up!") == INACTIVE_LIMIT
    assert f"Quiz stopped after {INACTIVE_LIMIT} unanswered questions: 0 points, 0 of 2" in out
    assert "Question 3 of 3" not in out


def test_stop_ends_the_quiz_and_the_console_goes_on(app: App) -> None:
    out, player = play(app, "/quiz 3", "7", "/stop", "how many golds has jason kenny won?")
    assert "Quiz stopped: 1000 points, 1 of 1 right." in out
    assert "Seven: How many Olympic gold medals has Jason Kenny won?" in out  # answered /ask
    assert player.prompts.count("[bold green]you[/]") == 3


@pytest.mark.parametrize("leave", ["/quit", None])  # None: Ctrl-D
def test_quit_or_end_of_input_mid_question_leaves_the_console(app: App, leave: str | None) -> None:
    script: list[str | tuple[float, str]] = ["/quiz 3", "/hint"]
    if leave:
        script += [leave, "this line is never read"]
    out, player = play(app, *script)
    assert "Quiz stopped: 0 points, 0 of 0 right." in out
    assert player.prompts.count("[bold green]you[/]") == 1


def test_an_unknown_topic_is_refused_and_the_console_goes_on(app: App) -> None:
    out, player = play(app, "/quiz 3 omnium", "/quit")
    assert "Can't start that quiz: no quiz questions tagged 'omnium'" in out
    assert player.prompts.count("[bold green]you[/]") == 2
