"""Benchmark the Discord layer: how fast the real bot replies to mentions, against the fake Discord.

    .venv/bin/python bench/discord_latency.py [--channels 20] [--per-channel 10]
                                              [--interval 0] [--precomputed]

Starts the fake Discord in this process and the real bot in a child process (as on a real
deployment, the bot does not share its event loop or CPU with Discord's servers), on a temporary
SQLite database with a cooldown that never triggers. It creates the channels and has one member
per channel mention the bot with a mix of answerable, near-miss and unanswerable questions, all
channels at once. Each member asks the next question once the previous one is answered, after
a pause of about `--interval` seconds (0.5 to 1.5 times it, so members are not in step). Without
`--interval` it runs twice: members pausing about 0.5 s (a busy channel; the target applies), then
no pause at all, when the bot always has a question from every channel waiting and the figures
show its throughput as much as its latency.

Per question it measures the time from the MESSAGE_CREATE dispatch to the arrival of the bot's
reply request at the fake (the fake's own request timestamps) and prints count, p50, p90, p99 and
max. Target: p50 <= 20 ms.

`--precomputed` answers from match results worked out before the run, leaving the matcher out:
what remains is the cost of discord.py and the bot's Discord layer. `--same-process` runs the bot
in this process, beside the fake (bot and fake then share one core's time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakediscord import Channel, FakeDiscord, Request, User

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 50.0
"""Seconds the questions may take in all; the run fails after that."""
TARGET_P50_MS = 20.0
PACED_INTERVAL = 0.5
"""Seconds, about, a member takes to read an answer and type the next question in the default
run. The second default run has no pause at all: a stress test of throughput."""

QUESTIONS = (
    "how many golds has jason kenny got?",  # answered
    "who won keirin bronze?",
    "how old is jason kenny?",
    "who won the men's keirin?",
    "laura kenny medals",
    "what did laura win?",  # "did you mean" buttons
    "how many medals?",
    "who was second?",
    "asdkjh qwpoeiru zxmcnv?",  # declined
    "lol nice race",
)


class _Precomputed:
    """A fact index whose answers were worked out before the run."""

    def __init__(self, index: Any, results: dict[str, Any]) -> None:
        self._index, self._results = index, results

    def match(self, question: str, guild_id: int | None = None) -> Any:
        return self._results[question]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)


@dataclass
class Asked:
    """One question: when it was dispatched, and the bot's reply request once it arrived."""

    dispatched: float
    reply: asyncio.Future[Request]


class Questioner:
    """Members asking the bot by mention, and the bot's replies matched to their questions."""

    def __init__(self, fake: FakeDiscord, bot_mention: str) -> None:
        self.fake = fake
        self.bot_mention = bot_mention
        self.asked: dict[str, Asked] = {}  # by question message id
        self._seen = 0  # how many of fake.requests were looked at

    async def ask(self, channel: Channel, member: User, text: str) -> Request:
        start = time.perf_counter()  # the clock of Request.time
        sent = await self.fake.send_message(channel, member, f"{self.bot_mention} {text}")
        asked = self.asked[sent["id"]] = Asked(start, asyncio.get_running_loop().create_future())
        self._collect()
        return await asked.reply

    def _collect(self) -> bool:
        """Hand new reply requests to the questions they answer."""
        for req in self.fake.requests[self._seen :]:
            if req.method == "POST" and isinstance(req.json, dict):
                ref = req.json.get("message_reference") or {}
                asked = self.asked.get(str(ref.get("message_id")))
                if asked is not None and not asked.reply.done():
                    asked.reply.set_result(req)
        self._seen = len(self.fake.requests)
        return False

    async def collect_forever(self) -> None:
        # one waiter for every question keeps the harness's own cost low
        while True:
            try:
                await self.fake.wait_for(self._collect, timeout=3600)
            except TimeoutError:
                continue

    def latencies_ms(self) -> list[float]:
        return sorted(
            (a.reply.result().time - a.dispatched) * 1000
            for a in self.asked.values()
            if a.reply.done()
        )


def percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of sorted values."""
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _settings(database: str, guild_id: int) -> Any:
    from bot.settings import Settings

    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{database}",
        discord_token="fake-token",  # type: ignore[arg-type]
        message_content=True,
        ask_cooldown_rate=1_000_000,
        dev_guild_id=guild_id,
    )


async def serve_bot(
    api_base: str, gateway: str, database: str, guild_id: int, precomputed: bool
) -> None:
    """The child process: the real bot, pointed at the fake, until it is terminated."""
    from bot.app import App
    from bot.client import TriviaBot, settle_heap
    from tests.fakediscord import DiscordPatch

    app = await App.open(_settings(database, guild_id))
    if precomputed:
        results = {q: app.index.match(q, guild_id) for q in QUESTIONS}
        app.index = _Precomputed(app.index, results)  # type: ignore[assignment]
    bot = TriviaBot(app)
    settle_heap()  # as `python -m bot run` does
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    with DiscordPatch(api_base, gateway):
        task = asyncio.create_task(bot.start("fake-token"))
        await stop.wait()
        await bot.close()
        await task
    await app.close()


async def run(
    channel_count: int, per_channel: int, interval: float, precomputed: bool, same_process: bool
) -> int:
    from tests.fakediscord import FakeDiscord, run_bot

    with tempfile.TemporaryDirectory() as tmp:
        async with FakeDiscord() as fake, fake.patch_discord():
            guild = fake.add_guild("Benchmark")
            warm_up = fake.add_channel(guild, "warm-up")
            channels = [fake.add_channel(guild, f"bench-{i}") for i in range(channel_count)]
            members = [fake.add_user(f"member-{i}") for i in range(channel_count)]
            for member in members:
                fake.add_member(guild, member)
            database = f"{tmp}/bench.db"
            async with contextlib.AsyncExitStack() as stack:
                if same_process:
                    from bot.app import App
                    from bot.client import TriviaBot

                    app = await App.open(_settings(database, guild.id))
                    stack.push_async_callback(app.close)
                    if precomputed:
                        results = {q: app.index.match(q, guild.id) for q in QUESTIONS}
                        app.index = _Precomputed(app.index, results)  # type: ignore[assignment]
                    await stack.enter_async_context(run_bot(TriviaBot(app)))
                    bot_pid = os.getpid()
                else:
                    child = await asyncio.create_subprocess_exec(
                        sys.executable,
                        __file__,
                        "--serve-bot",
                        fake.api_base,
                        fake.gateway_url,
                        database,
                        str(guild.id),
                        *(["--precomputed"] if precomputed else []),
                    )
                    stack.push_async_callback(child.wait)
                    stack.callback(child.terminate)
                    bot_pid = child.pid
                await fake.wait_until_ready(timeout=60, commands=True)
                questioner = Questioner(fake, fake.bot.mention)
                collector = asyncio.create_task(questioner.collect_forever())

                async def member_asks(i: int, pauses: random.Random) -> None:
                    for n in range(per_channel):
                        await asyncio.sleep(interval * pauses.uniform(0.5, 1.5))
                        text = QUESTIONS[(i + n) % len(QUESTIONS)]
                        await questioner.ask(channels[i], members[i], text)

                for text in QUESTIONS:  # first-use costs are not what we measure
                    await questioner.ask(warm_up, members[0], text)
                questioner.asked.clear()
                cpu, began = _cpu_seconds(bot_pid), time.perf_counter()
                try:
                    async with asyncio.timeout(TIMEOUT):
                        await asyncio.gather(
                            *(member_asks(i, random.Random(i)) for i in range(channel_count))
                        )
                except TimeoutError:
                    print(f"error: not all questions were answered within {TIMEOUT:.0f} s")
                finally:
                    wall, cpu = time.perf_counter() - began, _cpu_seconds(bot_pid) - cpu
                    collector.cancel()

    asked = channel_count * per_channel
    latencies = questioner.latencies_ms()
    if not latencies:
        return 1
    p50 = percentile(latencies, 50)
    print(
        f"questions: {asked} from {channel_count} channels at once, about "
        f"{interval * 1000:.0f} ms between a member's questions"
        + (", matcher left out (--precomputed)" if precomputed else "")
        + (", bot and fake in one process" if same_process else ", bot in its own process")
    )
    print(f"replied:   {len(latencies)}/{asked}" + (" (all)" if len(latencies) == asked else ""))
    print(
        f"latency, MESSAGE_CREATE dispatch -> reply request (ms): count={len(latencies)} "
        f"p50={p50:.1f} p90={percentile(latencies, 90):.1f} "
        f"p99={percentile(latencies, 99):.1f} max={latencies[-1]:.1f} "
        f"mean={statistics.fmean(latencies):.1f}"
    )
    who = "bot and fake together" if same_process else "the bot's process"
    print(
        f"throughput: {asked / wall:.0f} questions/s; CPU {cpu / asked * 1000:.2f} ms per "
        f"question ({who})"
    )
    verdict = "met" if p50 <= TARGET_P50_MS else "MISSED"
    if interval == 0:
        verdict += " (no pause between questions: every channel always has one waiting)"
    print(f"target p50 <= {TARGET_P50_MS:.0f} ms: {verdict}")
    return 0 if len(latencies) == asked else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--per-channel", type=int, default=10)
    parser.add_argument(
        "--interval",
        type=float,
        default=None,
        help="seconds a member waits, about, after an answer before asking again; without it, "
        f"two runs: members pausing {PACED_INTERVAL} s, then asking back to back",
    )
    parser.add_argument(
        "--precomputed",
        action="store_true",
        help="answer from results matched before the run (the Discord layer's cost alone)",
    )
    parser.add_argument(
        "--same-process", action="store_true", help="run the bot in this process, beside the fake"
    )
    parser.add_argument(
        "--serve-bot", nargs=4, metavar=("API", "GATEWAY", "DB", "GUILD"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    sys.path.insert(0, str(REPO_ROOT))  # tests/ is not an installed package
    if args.serve_bot:
        api, gateway, database, guild = args.serve_bot
        asyncio.run(serve_bot(api, gateway, database, int(guild), args.precomputed))
        return 0
    intervals = [args.interval] if args.interval is not None else [PACED_INTERVAL, 0.0]
    codes = []
    for interval in intervals:
        codes.append(
            asyncio.run(
                run(args.channels, args.per_channel, interval, args.precomputed, args.same_process)
            )
        )
        print()
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
