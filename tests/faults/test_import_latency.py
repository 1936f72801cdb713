"""The bot keeps answering while a moderator imports 1,000 facts: the longest silence (the
slowest first response to a question asked meanwhile) stays under 200 ms."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import World
from tests.faults.conftest import FaultLedger
from tests.faults.helpers import final_reply

pytestmark = pytest.mark.slow

FACTS = 1000
LONGEST_SILENCE = 0.200
QUESTION = "how many golds has jason kenny won?"
ADJECTIVES = (
    "red",
    "blue",
    "green",
    "amber",
    "violet",
    "silver",
    "golden",
    "black",
    "white",
    "teal",
)
NOUNS = (
    "kettle",
    "ladder",
    "harbour",
    "lantern",
    "orchard",
    "compass",
    "anchor",
    "meadow",
    "quarry",
    "bridge",
)


@pytest.fixture
def e2e_database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
def settled_heap() -> Iterator[None]:
    """Objects left by earlier tests in this process are set aside from the garbage collector:
    a full collection then walks only what the bot allocates (as in a bot's own process), not
    everything the test run has piled up, which alone can take a few hundred milliseconds."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _big_file() -> bytes:
    facts = []
    for n in range(FACTS):
        a, b, c = ADJECTIVES[n % 10], NOUNS[n // 10 % 10], NOUNS[n // 100 % 10]
        facts.append(
            {
                "id": f"import-{n:04d}",
                "question": f"Where is the {a} {b} of the {c} number {n}?",
                "answer": f"Behind the {a} {b} of the {c}, shelf {n}.",
                "accept": [f"shelf {n}"],
                "tags": ["imported"],
            }
        )
    return yaml.safe_dump({"facts": facts}).encode()


async def test_questions_are_answered_during_a_thousand_fact_import(
    world: World, ledger: FaultLedger, settled_heap: None
) -> None:
    fake = world.fake
    data = _big_file()
    importing = await fake.slash(
        world.guild, world.channel, world.mod, "fact import", {"file": ("big.yaml", data)}
    )
    asked = []
    while importing.original is None or importing.original.get("flags", 0) & 128:
        asked.append(
            await fake.slash(world.guild, world.channel, world.alice, "ask", {"question": QUESTION})
        )
        await asyncio.sleep(0.05)
        if len(asked) > 600:
            break
    said = await final_reply(importing, within=60)
    for ix in asked:
        await ix.response(timeout=10)
    silences = [ix.first_response_seconds or 0.0 for ix in asked]
    longest = max(silences, default=0.0)
    ledger.add(
        f"/fact import of {FACTS} facts",
        "sqlite",
        len(asked),
        f"questions asked meanwhile answered; longest silence {longest * 1000:.0f} ms",
    )
    assert f"{FACTS} added" in said
    assert len(asked) >= 3  # the import took long enough to ask during it
    assert longest < LONGEST_SILENCE, f"the bot was silent for {longest * 1000:.0f} ms"
