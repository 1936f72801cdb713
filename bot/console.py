"""The console: the bot in a terminal, on the bundled database, without Discord."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from typing import Literal

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.prompt import Prompt
from rich.table import Table

from bot.app import App
from bot.core import quiz
from bot.core.facts import Fact
from bot.core.intro import load_intro
from bot.core.matcher import Outcome
from bot.core.replies import DONT_KNOW, source_line

CONSOLE_USER_ID = 1
CONSOLE_CHANNEL_ID = 1
CONSOLE_SECONDS = 30
DEFAULT_ROUNDS = 5
CHOICES_WORD = "choices"
"""`/quiz 5 choices`: pick among fair options instead of typing."""


def _streak(outcome: quiz.Correct) -> str:
    return f" (🔥 {outcome.streak} in a row: +{outcome.bonus})" if outcome.bonus else ""


QUIZ_ENDINGS: dict[quiz.FinishReason, str] = {
    "completed": "Quiz over",
    "stopped": "Quiz stopped",
    "inactive": f"Quiz stopped after {quiz.INACTIVE_LIMIT} unanswered questions",
}

HELP = """[bold]Ask anything[/] about {topic},
e.g. [italic]{example}[/]

[bold]/quiz[/] [dim]\\[rounds] \\[topic] \\[choices][/]   play a quiz: type answers, or with [italic]choices[/] pick 1-4 (default: 5 rounds, all topics)
[bold]/topics[/]                 list quiz topics
[bold]/help[/]                   this help
[bold]/quit[/]                   leave (Ctrl-D works too)"""


def console_help() -> str:
    intro = load_intro()
    return HELP.format(topic=escape(intro.topic), example=escape(intro.example))


class ConsoleSession:
    """A read-answer loop; input and clock are injectable so tests can drive it."""

    def __init__(
        self,
        app: App,
        console: Console | None = None,
        read: Callable[[str], str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.app = app
        self.console = console or Console()
        self.read = read or (lambda prompt: Prompt.ask(prompt, console=self.console))
        self.clock = clock
        self.rng = rng or random.Random()
        self.pending: tuple[Fact, ...] = ()

    def show_fact(self, fact: Fact) -> None:
        body = fact.answer
        source = source_line(fact)
        if source:
            body += f"\n\n[dim]Source: {source}[/]"
        self.console.print(Panel(body, title=f"[dim]{fact.id}[/]", border_style="yellow"))

    def ask(self, question: str) -> None:
        if self.pending and question.strip().isdigit():
            choice = int(question.strip())
            if 1 <= choice <= len(self.pending):
                self.show_fact(self.pending[choice - 1])
                self.pending = ()
                return
        result = self.app.index.match(question)
        self.pending = ()
        if result.outcome is Outcome.ANSWER and result.fact is not None:
            self.show_fact(result.fact)
        elif result.outcome is Outcome.SUGGEST:
            self.pending = result.suggestions
            lines = "\n".join(
                f"  [bold]{i}[/]. {f.question}" for i, f in enumerate(self.pending, 1)
            )
            self.console.print(f"{DONT_KNOW} Did you mean (type the number):\n{lines}")
        else:
            self.console.print(f"[dim]{DONT_KNOW} Try /help.[/]")

    def topics(self) -> None:
        table = Table("topic", "questions")
        for topic in quiz.topics(self.app.index.facts()):
            table.add_row(topic.tag, str(topic.count))
        self.console.print(table)

    def play_quiz(self, args: list[str]) -> bool:
        """A typed-answer quiz: /hint, /skip and /stop work while a question is open.

        Returns False when the player asked to leave the console altogether (/quit, Ctrl-D).
        """
        rounds = next((int(a) for a in args if a.isdigit()), DEFAULT_ROUNDS)
        mode: quiz.QuizMode = "buttons" if CHOICES_WORD in args else "typed"
        topic = next((a for a in args if not a.isdigit() and a != CHOICES_WORD), quiz.DEFAULT_TOPIC)
        try:
            bank = quiz.QuestionBank.from_facts(self.app.index.facts(), topic)
            session = quiz.QuizSession(
                bank,
                rounds=min(max(rounds, quiz.MIN_ROUNDS), quiz.MAX_ROUNDS),
                mode=mode,
                seconds=CONSOLE_SECONDS,
                started_by=CONSOLE_USER_ID,
                channel_id=CONSOLE_CHANNEL_ID,
                guild_id=None,
                rng=self.rng,
                clock=self.clock,
            )
        except quiz.QuizError as exc:
            self.console.print(f"[red]Can't start that quiz: {exc}.[/] Try /topics.")
            return True
        how = "Type 1-4" if mode == "buttons" else "Type answers; /hint,"
        self.console.print(
            f"[bold]Quiz![/] {session.rounds} question{'s' if session.rounds != 1 else ''} on "
            f"[bold]{session.topic}[/], {CONSOLE_SECONDS} s each. {how} /skip, /stop. "
            "Right answers in a row earn a streak bonus."
        )
        if session.rounds < rounds:
            self.console.print(
                f"[dim]Only {session.rounds} questions can be asked, not {rounds}.[/]"
            )
        keep_going = True
        while not session.finished:
            q = session.next_question()
            text = q.question
            if q.choices is not None:
                text += "\n" + "\n".join(f"  {i}. {o}" for i, o in enumerate(q.options, 1))
            self.console.print(Panel(text, title=f"Question {q.number} of {q.total}"))
            result = self._play_question(session)
            if not isinstance(result, quiz.QuestionResult):
                keep_going = result != "quit"
                break
            mine = next((s.points for s in session.standings()), 0)
            self.console.print(
                f"Answer: [bold]{result.answer}[/] — {result.fact.answer}\n"
                f"[dim]Score: {mine} points[/]"
            )
        summary = session.summary()
        me = summary.standings[0] if summary.standings else None
        self.console.print(
            f"[bold]{QUIZ_ENDINGS[summary.reason]}[/]: {me.points if me else 0} points, "
            f"{me.correct if me else 0} of {summary.questions_asked} right."
        )
        return keep_going

    def _play_question(
        self, session: quiz.QuizSession
    ) -> quiz.QuestionResult | Literal["stop", "quit"]:
        """Read guesses until the question closes, or the player stops the quiz or quits."""
        while True:
            try:
                guess = self.read("[bold green]answer[/]").strip()
            except (EOFError, KeyboardInterrupt):
                guess = "/quit"
            if guess.lower() in {"/stop", "/quit", "/exit", "/q"}:
                session.stop(CONSOLE_USER_ID, is_moderator=True)
                return "stop" if guess.lower() == "/stop" else "quit"
            if guess.lower() == "/skip":
                return session.skip(CONSOLE_USER_ID, is_moderator=True)
            if guess.lower() == "/hint":
                self.console.print(f"Hint: {session.hint()}")
                continue
            if session.mode == "buttons":
                picked = self._pick(session, guess)
                if picked is not None:
                    return picked
                continue
            outcome = session.answer_text(CONSOLE_USER_ID, guess)
            if isinstance(outcome, quiz.Correct) and outcome.result is not None:
                self.console.print(f"[green]Right![/] +{outcome.points} points{_streak(outcome)}")
                return outcome.result
            if isinstance(outcome, quiz.QuestionClosed):
                self.console.print("[yellow]Time's up![/]")
                return session.close_question("timeout")
            if isinstance(outcome, quiz.NotCorrect):
                self.console.print("Not quite — try again, or /hint, /skip.")
            elif isinstance(outcome, quiz.Ignored) and outcome.reason == "too long":
                self.console.print(f"[dim]Keep answers under {quiz.MAX_GUESS_CHARS} characters.[/]")

    def _pick(self, session: quiz.QuizSession, guess: str) -> quiz.QuestionResult | None:
        """A numbered option; the question closes after the one answer a player gets."""
        current = session.current
        if not guess.isdigit() or current is None or not 1 <= int(guess) <= len(current.options):
            self.console.print(f"Type a number from 1 to {len(current.options) if current else 4}.")
            return None
        outcome = session.answer_choice(CONSOLE_USER_ID, int(guess) - 1)
        if isinstance(outcome, quiz.Correct):
            self.console.print(f"[green]Right![/] +{outcome.points} points{_streak(outcome)}")
            return session.close_question("answered")
        if isinstance(outcome, quiz.QuestionClosed):
            self.console.print("[yellow]Time's up![/]")
            return session.close_question("timeout")
        self.console.print("Not quite.")
        return session.close_question("answered")

    def handle(self, line: str) -> bool:
        """Handle one line; returns False when the session should end."""
        line = line.strip()
        if not line:
            return True
        if line.startswith("/"):
            command, *args = line[1:].split()
            command = command.lower()
            if command in {"quit", "exit", "q"}:
                return False
            if command == "help":
                self.console.print(Panel(console_help(), title="Trivia bot", border_style="cyan"))
            elif command == "quiz":
                return self.play_quiz(args)
            elif command == "topics":
                self.topics()
            else:
                self.console.print(f"[red]Unknown command /{command}.[/] Try /help.")
            return True
        self.ask(line)
        return True

    def run(self) -> None:
        self.console.print(
            Panel(
                f"Ask me about [bold]{escape(load_intro().topic)}[/]. "
                "/help for commands, /quiz to play, /quit to leave.",
                title="Trivia bot (console)",
                border_style="cyan",
            )
        )
        while True:
            try:
                line = self.read("[bold green]you[/]")
            except (EOFError, KeyboardInterrupt):
                self.console.print()
                return
            if not self.handle(line):
                return


async def run_console(app: App) -> int:
    """Entry point for `python -m bot console` (blocking input runs in a worker thread)."""
    await asyncio.to_thread(ConsoleSession(app).run)
    return 0
