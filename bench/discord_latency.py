"""Benchmark the Discord layer: how fast the real bot replies to mentions, against the fake Discord.

    .venv/bin/python bench/discord_latency.py [--channels 20] [--per-channel 10]
                                              [--interval 0] [--precomputed]

Starts the fake Discord and the real bot in this process, like the end-to-end fixture (a
temporary SQLite database, a cooldown that never triggers), creates the channels and has one
member per channel mention the bot with a mix of answerable, near-miss and unanswerable questions,
all channels at once. Each member asks the next question once the previous one is answered, after
a pause of about `--interval` seconds (0.5 to 1.5 times it, so members are not in step). With the
default 0 the bot always has a question from every channel waiting: the figures then show its
throughput as much as its latency.

Per question it measures the time from the MESSAGE_CREATE dispatch to the arrival of the bot's
reply request at the fake (the fake's own request timestamps) and prints count, p50, p90, p99 and
max. Target: p50 <= 20 ms.

`--precomputed` answers from match results worked out before the run, leaving the matcher out:
what remains is the cost of discord.py, the bot's Discord layer and the fake.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
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


async def run(channel_count: int, per_channel: int, interval: float, precomputed: bool) -> int:
    sys.path.insert(0, str(REPO_ROOT))  # tests/ is not an installed package
    from bot.app import App
    from bot.client import TriviaBot
    from bot.settings import Settings
    from tests.fakediscord import FakeDiscord, run_bot

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
            discord_token="fake-token",  # type: ignore[arg-type]
            message_content=True,
            ask_cooldown_rate=1_000_000,
        )
        async with FakeDiscord() as fake, fake.patch_discord():
            guild = fake.add_guild("Benchmark")
            warm_up = fake.add_channel(guild, "warm-up")
            channels = [fake.add_channel(guild, f"bench-{i}") for i in range(channel_count)]
            members = [fake.add_user(f"member-{i}") for i in range(channel_count)]
            for member in members:
                fake.add_member(guild, member)
            app = await App.open(settings.model_copy(update={"dev_guild_id": guild.id}))
            if precomputed:
                results = {q: app.index.match(q, guild.id) for q in QUESTIONS}
                app.index = _Precomputed(app.index, results)  # type: ignore[assignment]
            try:
                bot = TriviaBot(app)
                async with run_bot(bot):
                    await fake.wait_until_ready(commands=True)
                    assert bot.user is not None
                    questioner = Questioner(fake, bot.user.mention)
                    collector = asyncio.create_task(questioner.collect_forever())

                    async def member_asks(i: int, pauses: random.Random) -> None:
                        for n in range(per_channel):
                            await asyncio.sleep(interval * pauses.uniform(0.5, 1.5))
                            text = QUESTIONS[(i + n) % len(QUESTIONS)]
                            await questioner.ask(channels[i], members[i], text)

                    for text in QUESTIONS:  # first-use costs are not what we measure
                        await questioner.ask(warm_up, members[0], text)
                    questioner.asked.clear()
                    cpu, began = time.process_time(), time.perf_counter()
                    try:
                        async with asyncio.timeout(TIMEOUT):
                            await asyncio.gather(
                                *(member_asks(i, random.Random(i)) for i in range(channel_count))
                            )
                    except TimeoutError:
                        print(f"error: not all questions were answered within {TIMEOUT:.0f} s")
                    finally:
                        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
                        collector.cancel()
            finally:
                await app.close()

    asked = channel_count * per_channel
    latencies = questioner.latencies_ms()
    if not latencies:
        return 1
    p50 = percentile(latencies, 50)
    print(
        f"questions: {asked} from {channel_count} channels at once, about "
        f"{interval * 1000:.0f} ms between a member's questions"
        + (", matcher left out (--precomputed)" if precomputed else "")
    )
    print(f"replied:   {len(latencies)}/{asked}" + (" (all)" if len(latencies) == asked else ""))
    print(
        f"latency, MESSAGE_CREATE dispatch -> reply request (ms): count={len(latencies)} "
        f"p50={p50:.1f} p90={percentile(latencies, 90):.1f} "
        f"p99={percentile(latencies, 99):.1f} max={latencies[-1]:.1f} "
        f"mean={statistics.fmean(latencies):.1f}"
    )
    print(
        f"throughput: {asked / wall:.0f} questions/s; CPU {cpu / asked * 1000:.2f} ms per "
        "question (bot and fake together, one process)"
    )
    print(f"target p50 <= {TARGET_P50_MS:.0f} ms: {'met' if p50 <= TARGET_P50_MS else 'MISSED'}")
    return 0 if len(latencies) == asked else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--per-channel", type=int, default=10)
    parser.add_argument(
        "--interval",
        type=float,
        default=0.0,
        help="seconds a member waits, about, after an answer before asking again (default 0)",
    )
    parser.add_argument(
        "--precomputed",
        action="store_true",
        help="answer from results matched before the run (the Discord layer's cost alone)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    return asyncio.run(run(args.channels, args.per_channel, args.interval, args.precomputed))


if __name__ == "__main__":
    sys.exit(main())
