"""Scopes are isolated: one server's facts never change a reply in another server or in DMs.

Word weights, typo correction, names and key terms are computed per scope (the bundled facts,
plus the asking server's own), so importing a thousand facts into server A leaves every reply
in server B and in direct messages exactly as it was: on SQLite and on PostgreSQL, in the live
index and in one rebuilt from the database.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from bot.app import App
from bot.core.facts import Fact, load_fact_file
from bot.core.matcher import FactIndex, MatchResult
from bot.db import facts as store
from tests.conftest import REPO_ROOT

SERVER_A = 111_111
SERVER_B = 222_222
DATA = REPO_ROOT / "tests" / "data"

FIRST = ["Laura", "Jason", "Katie", "Marco", "Ana", "Luca", "Yuna", "Chris", "Moses", "Emma"]
LAST = ["Kenny", "Smith", "Okafor", "Ferrante", "Madison", "Park", "Keirin", "Hoy", "Sousa"]
EVENTS = ["madison", "keirin", "omnium", "sprint", "doubles", "singles", "marathon", "relay"]
TEMPLATES = [
    (
        "How many golds did {name} win in the {event}?",
        "{name} won {n} golds in the {event}.",
        "number",
    ),
    (
        "Who won the women's {event} in {year}?",
        "{name} won the women's {event} in {year}.",
        "person",
    ),
    ("How old is {name}?", "{name} is {n} years old.", "number"),
    ("What did {name} say after the {event} final?", "{name} said it was {word}.", "text"),
    ("Which country does {name} ride for?", "{name} rides for {nation}.", "nation"),
    ("Where did {name} finish in the {event}?", "{name} finished {n}th in the {event}.", "ordinal"),
]
WORDS = ["brilliant", "tough", "unreal", "emotional", "golden", "fast", "windy", "gutted"]
NATIONS = ["Italy", "Kenya", "Japan", "Great Britain", "Netherlands", "Brazil"]


def generated_facts(count: int, scope: int, seed: int = 7) -> list[Fact]:
    """Facts a moderator might add, sharing many words with the bundled article's."""
    rng = random.Random(seed)
    facts = []
    for i in range(count):
        q, a, kind = rng.choice(TEMPLATES)
        values = {
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "event": rng.choice(EVENTS),
            "year": rng.choice(["2016", "2020", "2024", "2025"]),
            "n": str(rng.randint(1, 40)),
            "word": rng.choice(WORDS),
            "nation": rng.choice(NATIONS),
        }
        facts.append(
            Fact(
                id=f"gen-{i:04d}",
                question=q.format(**values),
                answer=a.format(**values),
                phrasings=(f"{values['name']} {values['event']} {i}",),
                accept=(values["n"],) if kind in {"number", "ordinal"} else (values["name"],),
                kind=kind,
                tags=("generated", values["event"]),
                quote=f"{values['name']} was {values['word']} in the {values['event']}.",
                scope=scope,
            )
        )
    return facts


def questions() -> list[str]:
    """At least a hundred questions: the article's, the tennis topic's and odd ones."""
    out = []
    for path in (DATA / "holdout_questions.jsonl", DATA / "isolation_topic_questions.jsonl"):
        with path.open(encoding="utf-8") as f:
            out += [json.loads(line)["q"] for line in f if line.strip()]
    out += ["laura golds?", "who won the madison", "kenny", "how old is luca smith", "gen-0001"]
    assert len(out) >= 100
    return out


def replies(index: FactIndex, guild_id: int | None) -> list[MatchResult]:
    return [index.match(q, guild_id=guild_id) for q in questions()]


def _topic_facts(scope: int) -> list[Fact]:
    return load_fact_file(DATA / "isolation_topic_facts.yaml", scope=scope)


def test_a_servers_facts_change_no_reply_elsewhere(bundled_facts: list[Fact]) -> None:
    index = FactIndex.build([*bundled_facts, *_topic_facts(SERVER_B)])
    before_b, before_dm = replies(index, SERVER_B), replies(index, None)
    for fact in generated_facts(1000, SERVER_A):
        index.add(fact)
    assert replies(index, SERVER_B) == before_b
    assert replies(index, None) == before_dm
    # ... and they do change server A's own replies: the facts are really there.
    assert replies(index, SERVER_A) != before_dm


async def test_importing_into_one_server_changes_no_reply_elsewhere(app: App) -> None:
    async with app.sessions.begin() as session:
        await store.import_facts(session, _topic_facts(SERVER_B), scope=SERVER_B, actor_id=None)
    terms = app.settings.facts_dir / "terms"
    index = await App.load_index(app.sessions, terms_dir=terms)
    before_b, before_dm = replies(index, SERVER_B), replies(index, None)

    facts = generated_facts(1000, SERVER_A)
    async with app.sessions.begin() as session:
        await store.import_facts(session, facts, scope=SERVER_A, actor_id=None)
    for fact in facts:  # the live index, as the bot updates it
        index.add(fact)
    assert replies(index, SERVER_B) == before_b
    assert replies(index, None) == before_dm

    rebuilt = await App.load_index(app.sessions, terms_dir=terms)  # and after a restart
    assert replies(rebuilt, SERVER_B) == before_b
    assert replies(rebuilt, None) == before_dm
    assert len(rebuilt) == len(index)


def test_generated_facts_are_valid_fact_file_facts(tmp_path: Path) -> None:
    from bot.core.facts import dump_facts

    facts = generated_facts(50, SERVER_A)
    path = tmp_path / "gen.yaml"
    path.write_text(dump_facts(facts), encoding="utf-8")
    assert load_fact_file(path, scope=SERVER_A) == facts


def test_a_server_read_again_after_being_forgotten_replies_the_same(
    bundled_facts: list[Fact],
) -> None:
    """With room for one server's facts at a time, servers asked in turn are forgotten and read
    again: every reply is the one an index holding everything gives."""
    facts = [*bundled_facts, *_topic_facts(SERVER_B), *generated_facts(300, SERVER_A)]
    roomy = FactIndex.build(facts)
    tight = FactIndex.build(facts)
    tight.read_budget = 1
    for q in questions()[:60]:
        for guild in (SERVER_A, SERVER_B, None):
            assert tight.match(q, guild_id=guild) == roomy.match(q, guild_id=guild), (q, guild)
    assert len(tight._recent) == 1  # only the server asked last is held read


def test_facts_added_to_a_server_not_yet_asked_are_answered(bundled_facts: list[Fact]) -> None:
    index = FactIndex.build(bundled_facts)
    topic = _topic_facts(SERVER_B)
    for fact in topic:
        index.add(fact)  # the server was never asked: its facts are read when it first is
    whole = FactIndex.build([*bundled_facts, *topic])
    assert replies(index, SERVER_B) == replies(whole, SERVER_B)
    index.remove(topic[0].key)
    index.add(topic[0])  # a change to a server already read
    assert [f.id for f in index.facts(SERVER_B)][-1] == topic[0].id
    assert len(index) == len(whole)
