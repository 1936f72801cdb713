"""Hostile text in every field, on SQLite and PostgreSQL: no traceback, nothing unclean stored,
no readable mass mention in anything the bot would send.

Most inputs go straight through the functions the commands call (fast); a representative
share goes end to end through the fake Discord (`test_hostile_text_end_to_end`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import unicodedata
from collections import Counter
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.core.cleaning import clean_text, escape_quoted, has_unescaped_mass_mention
from bot.core.facts import Fact, FactImportError, parse_fact_text
from bot.core.moderation import (
    FactInvalid,
    ModerationError,
    build_fact,
    check_suggestion,
    slugify,
    split_list,
)
from bot.core.quiz._answers import is_correct
from bot.db import facts as store
from bot.db.models import FactRow, FactSuggestionRow
from bot.exts._outbound import escape_payload
from bot.exts._render import answer_embed
from bot.exts.facts._embeds import fact_embed
from tests.e2e.conftest import World, message_writes
from tests.faults.conftest import FaultLedger
from tests.faults.helpers import final_reply
from tests.faults.hostile import corpus, hostile_text

CORPUS_SIZE = 300
BATCH = 20  # texts per transaction (each write in its own savepoint)
FIELDS = (
    "fact question",
    "fact answer",
    "fact phrasings",
    "fact accept",
    "fact tags",
    "suggestion question",
    "suggestion answer",
    "ask question",
    "quiz answer",
    "fact file",
)
GUILD = 4242
_EXPECTED = (FactInvalid, ModerationError, FactImportError)


def _unclean(text: str) -> bool:
    return text != clean_text(text, multiline="\n" in text) or (
        unicodedata.normalize("NFC", text) != text
    )


def _readable_mass_mention(payload: Any) -> bool:
    return has_unescaped_mass_mention(json.dumps(escape_payload(payload), ensure_ascii=False))


def _drafts(text: str) -> dict[str, dict[str, Any]]:
    question = f"Who won {text}?"[:300]
    return {
        "fact question": {"question": text, "answer": "Jason Kenny."},
        "fact answer": {"question": "Who carried the flag in the rain?", "answer": text},
        "fact phrasings": {"question": question, "answer": "Laura", "phrasings": split_list(text)},
        "fact accept": {"question": question, "answer": "Laura", "accept": split_list(text)},
        "fact tags": {"question": question, "answer": "Laura", "tags": split_list(text)},
    }


class Run:
    def __init__(self) -> None:
        self.inputs = 0
        self.tracebacks: list[tuple[str, str, str]] = []
        self.mass_mentions: list[tuple[str, str]] = []
        self.outcomes: Counter[str] = Counter()

    def failed(self, field: str, text: str, error: BaseException) -> None:
        self.tracebacks.append((field, repr(text)[:80], f"{type(error).__name__}: {error}"[:200]))


async def _through_every_field(
    app: App, session: AsyncSession, text: str, n: int, run: Run
) -> None:
    """One text in every field; the writes go to `session`, each in its own savepoint."""
    facts: list[Fact] = []
    for field, draft in _drafts(text).items():
        run.inputs += 1
        try:
            facts.append(build_fact(scope=GUILD, **draft))
            run.outcomes["accepted"] += 1
        except FactInvalid:
            run.outcomes["refused"] += 1
        except Exception as error:
            run.failed(field, text, error)
    try:
        async with session.begin_nested():
            taken = await store.taken_ids(session, GUILD)
            for built in facts:
                fact = dataclasses.replace(built, id=slugify(built.question, taken))
                taken.add(fact.id)
                await store.add_fact(session, fact, actor_id=1)
                if _readable_mass_mention(fact_embed(fact).to_dict()) or _readable_mass_mention(
                    answer_embed(fact).to_dict()
                ):
                    run.mass_mentions.append(("fact", repr(text)[:80]))
    except ModerationError:
        pass
    except Exception as error:
        run.failed("fact write", text, error)

    for field, (q, a) in {
        "suggestion question": (text, "Seven."),
        "suggestion answer": ("How many golds has Jason won?", text),
    }.items():
        run.inputs += 1
        try:
            q, a = check_suggestion(q, a)
            async with session.begin_nested():
                await store.add_suggestion(session, guild_id=GUILD, user_id=n, question=q, answer=a)
            run.outcomes["accepted"] += 1
        except _EXPECTED:
            run.outcomes["refused"] += 1
        except Exception as error:
            run.failed(field, text, error)

    run.inputs += 2
    try:
        result = app.index.match(text, guild_id=GUILD)
        if result.fact is not None and _readable_mass_mention(answer_embed(result.fact).to_dict()):
            run.mass_mentions.append(("ask", repr(text)[:80]))
        if _readable_mass_mention({"content": f"**Q:** {escape_quoted(clean_text(text))}"}):
            run.mass_mentions.append(("ask echo", repr(text)[:80]))
        some_fact = next(iter(app.index.facts(GUILD)))
        is_correct(clean_text(text), some_fact)
    except Exception as error:
        run.failed("ask question / quiz answer", text, error)

    run.inputs += 1
    document = (
        yaml.safe_dump(
            {"facts": [{"id": f"hostile-{n}", "question": text, "answer": text, "tags": [text]}]},
            allow_unicode=True,
        )
        if "\ud800" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
        else (
            f"facts:\n- id: hostile-{n}\n  question: {json.dumps(text)}\n  answer: {json.dumps(text)}\n"
        )
    )
    try:
        parsed = parse_fact_text(document, name="hostile.yaml", scope=GUILD + n)
        async with session.begin_nested():
            await store.import_server_facts(session, parsed, guild_id=GUILD + n, actor_id=1)
        run.outcomes["accepted"] += 1
    except _EXPECTED:
        run.outcomes["refused"] += 1
    except Exception as error:
        run.failed("fact file", text, error)


async def test_hostile_text_through_every_field(
    app: App, database_url: str, ledger: FaultLedger
) -> None:
    run = Run()
    texts = corpus(CORPUS_SIZE)
    for start in range(0, len(texts), BATCH):
        async with app.sessions.begin() as session:
            for n, text in enumerate(texts[start : start + BATCH], start=start + 1):
                await _through_every_field(app, session, text, n, run)

    async with app.sessions() as session:
        stored = list(
            await session.scalars(select(FactRow.question).where(FactRow.guild_id >= GUILD))
        ) + list(await session.scalars(select(FactRow.answer).where(FactRow.guild_id >= GUILD)))
        stored += list(await session.scalars(select(FactSuggestionRow.question)))
    unclean = [s for s in stored if _unclean(s)]
    db = "postgres" if database_url.startswith("postgresql") else "sqlite"
    ledger.add(
        "hostile text, every field (direct)",
        db,
        run.inputs,
        f"{run.outcomes['accepted']} accepted, {run.outcomes['refused']} refused, "
        f"{len(run.tracebacks)} tracebacks, {len(run.mass_mentions)} unescaped mass mentions, "
        f"{len(unclean)} unclean texts stored (of {len(stored)})",
    )
    assert run.inputs >= CORPUS_SIZE * len(FIELDS)
    assert not run.tracebacks, run.tracebacks[:10]
    assert not run.mass_mentions, run.mass_mentions[:10]
    assert not unclean, unclean[:10]
    assert run.outcomes["accepted"] > 0 and run.outcomes["refused"] > 0


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=hostile_text())
async def test_any_text_in_any_field_is_refused_or_stored_clean(app: App, text: str) -> None:
    run = Run()
    async with app.sessions.begin() as session:
        await _through_every_field(app, session, text, 10_000, run)
    assert not run.tracebacks, run.tracebacks
    assert not run.mass_mentions, run.mass_mentions


# --- end to end ---------------------------------------------------------------------------------
E2E_TEXTS = 45


async def test_hostile_text_end_to_end(
    world: World, ledger: FaultLedger, caplog: pytest.LogCaptureFixture, e2e_database_url: str
) -> None:
    caplog.set_level(logging.WARNING)
    fake, guild, channel = world.fake, world.guild, world.channel
    texts = corpus(E2E_TEXTS, seed=7)
    sent = 0
    wrong: list[tuple[str, str]] = []
    for text in texts:
        # Discord itself refuses empty options and lone surrogates never survive its JSON.
        option = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF) or "?"
        commands: list[tuple[str, Any, dict[str, Any]]] = [
            ("ask", world.alice, {"question": option[:300]}),
            ("fact add", world.mod, {"question": option, "answer": option, "tags": option}),
            ("suggest", world.bob, {"question": option, "answer": option}),
            ("fact list", world.mod, {"search": option}),
        ]
        for name, user, options in commands:
            ix = await fake.slash(guild, channel, user, name, options)
            sent += len(options)
            reply = await final_reply(ix, within=10)
            if "Something went wrong" in reply:
                wrong.append((name, repr(text)[:60]))
        choices = await fake.autocomplete(
            guild, channel, world.mod, "fact edit", {"id": option}, "id"
        )
        sent += 1
        assert isinstance(choices, list)
        await fake.send_message(channel, world.alice, f"{fake.bot.mention} {option}")
        sent += 1
    await fake.wait_for(lambda: True, 0.5)
    bodies = [json.dumps(body, ensure_ascii=False) for _, body in message_writes(fake)]
    readable = [b for b in bodies if has_unescaped_mass_mention(b)]
    tracebacks = [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]
    db = "postgres" if e2e_database_url.startswith("postgresql") else "sqlite"
    ledger.add(
        "hostile text, every command (fake Discord)",
        db,
        sent,
        f"{len(bodies)} messages sent, {len(readable)} with a readable mass mention, "
        f"{len(tracebacks)} tracebacks, {len(wrong)} 'something went wrong'",
    )
    assert not wrong, wrong
    assert not readable, readable[:5]
    assert not tracebacks, [r.getMessage() for r in tracebacks]
