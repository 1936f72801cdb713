"""The console: the bot in a terminal, on the bundled database, without Discord."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

from rich.console import Console
from rich.panel import Panel
from rich.prompt import Prompt
from rich.table import Table

from bot.app import App
from bot.core.facts import Fact
from bot.core.matcher import Outcome
from bot.core.replies import DONT_KNOW, source_line

CONSOLE_USER_ID = 1
CONSOLE_CHANNEL_ID = 1

HELP = """[bold]Ask anything[/] about Jason and Laura Kenny at the Tokyo 2020 Olympics,
e.g. [italic]how many golds has jason kenny got?[/]

[bold]/quiz[/] [dim]\\[rounds] \\[topic][/]   play a quiz with typed answers (default: 5 rounds, medals)
[bold]/topics[/]                 list quiz topics
[bold]/help[/]                   this help
[bold]/quit[/]                   leave (Ctrl-D works too)"""


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
        from bot.core.quiz import topics

        table = Table("topic", "questions")
        for tag, count in topics(self.app.index.facts()):
            table.add_row(tag, str(count))
        self.console.print(table)

    def quiz(self, args: list[str]) -> None:
        from bot.exts._console_quiz import play_console_quiz

        play_console_quiz(self, args)

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
                self.console.print(Panel(HELP, title="Kenny trivia bot", border_style="cyan"))
            elif command == "quiz":
                self.quiz(args)
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
                "Ask me about [bold]Jason and Laura Kenny at Tokyo 2020[/]. "
                "/help for commands, /quiz to play, /quit to leave.",
                title="Kenny trivia bot (console)",
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
