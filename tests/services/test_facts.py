"""The fact service: validate, store with an audit, commit, then update the index and listeners."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.app import App
from bot.core.facts import load_fact_file
from bot.core.matcher import SAME_QUESTION, check_facts
from bot.core.moderation import FactChange, FactInvalid, ModerationError, SuggestionReviewed
from bot.db import facts as store
from bot.exts.facts._embeds import overlap_text
from bot.services.facts import FactForm, FactService, ImportRefused
from tests.conftest import REPO_ROOT

GUILD = 4242
MOD = 7
ALICE = 8
FISH = FactForm("What is the name of the office goldfish?", "Bubbles.", accept="Bubbles")


@pytest.fixture
def service(app: App) -> FactService:
    return FactService(app.sessions, app.index)


async def test_a_change_reaches_listeners_after_commit_with_the_index_updated(
    service: FactService, app: App
) -> None:
    seen: list[tuple[FactChange, bool, int]] = []

    async def listener(change: FactChange) -> None:
        (fact,) = change.added
        in_index = app.index.get(fact.id, GUILD) is not None
        async with app.sessions() as session:  # committed: visible to another session
            stored = len(await store.list_facts(session, scope=GUILD))
        seen.append((change, in_index, stored))

    service.on_change.append(listener)
    fact = await service.add(service.draft(GUILD, FISH), actor_id=MOD)
    [(change, in_index, stored)] = seen
    assert change.added == (fact,) and in_index and stored == 1
    assert fact.id == "what-is-name-of-office-goldfish" and fact.accept == ("Bubbles",)
    (entry,) = await service.history(GUILD, fact.id)
    assert (entry.action, entry.actor_id) == ("add", MOD)


async def test_nothing_reaches_listeners_when_nothing_changed(service: FactService) -> None:
    calls: list[FactChange] = []
    service.on_change.append(calls.append)
    fact = await service.add(service.draft(GUILD, FISH), actor_id=MOD)
    calls.clear()
    assert not await service.edit(GUILD, fact, fact, actor_id=MOD)  # the same fact: no change
    with pytest.raises(ModerationError):
        await service.restore(GUILD, fact.id, actor_id=MOD)  # not removed
    assert calls == []
    assert [e.action for e in await service.history(GUILD, fact.id)] == ["add"]


async def test_a_failing_listener_does_not_undo_the_change(
    service: FactService, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(change: FactChange) -> None:
        raise RuntimeError("notifier down")

    service.on_change.append(broken)
    fact = await service.add(service.draft(GUILD, FISH), actor_id=MOD)
    assert service.get(fact.id, GUILD) == fact
    assert "a fact change listener failed" in caplog.text


def test_a_draft_names_every_bad_field(service: FactService) -> None:
    with pytest.raises(FactInvalid) as err:
        service.draft(GUILD, FactForm("Cat?", "", tags="Not A Tag!"))
    assert [p.field for p in err.value.problems] == ["question", "answer", "tags"]


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("pets.txt", b"facts: []", "must be .yaml, .yml or .json"),
        ("pets.yaml", b"\xff\xfe", "not UTF-8"),
        ("pets.yaml", b"facts: [{id: x}]", "pets.yaml"),
        ("pets.yaml", b"#" * (1024 * 1024 + 1), "the limit is 1 MB"),
    ],
)
async def test_an_upload_that_cannot_be_imported_imports_nothing(
    service: FactService, name: str, data: bytes, said: str
) -> None:
    with pytest.raises(ImportRefused, match=said):
        await service.import_upload(name, data, guild_id=GUILD, actor_id=MOD)
    assert await service.own_facts(GUILD) == []


async def test_a_suggestion_approved_as_edited_keeps_its_author_and_reviewer(
    service: FactService, app: App
) -> None:
    suggestion = await service.suggest(
        GUILD, ALICE, FISH.question, "Bubbles (I think?)", channel_id=99
    )
    assert suggestion.channel_id == 99 and suggestion.pending
    draft = service.draft(GUILD, FactForm(FISH.question, "Bubbles.", accept="Bubbles"))
    fact = await service.approve(suggestion, draft, reviewer_id=MOD)
    assert fact.answer == "Bubbles." and fact.accept == ("Bubbles",)
    assert service.get(fact.id, GUILD) == fact
    decided = await service.suggestion(suggestion.id)
    assert (decided.status, decided.reviewed_by, decided.fact_slug) == ("approved", MOD, fact.id)
    (entry,) = await service.history(GUILD, fact.id)
    assert (entry.action, entry.actor_id) == ("approve", MOD)
    with pytest.raises(SuggestionReviewed):
        await service.reject(suggestion, reviewer_id=MOD, reason="too late")


async def test_a_rejection_needs_a_reason_and_keeps_it(service: FactService) -> None:
    suggestion = await service.suggest(GUILD, ALICE, FISH.question, "Bubbles.", channel_id=None)
    with pytest.raises(ModerationError, match="reason"):
        await service.reject(suggestion, reviewer_id=MOD, reason="   ")
    assert (await service.suggestion(suggestion.id)).pending
    await service.reject(suggestion, reviewer_id=MOD, reason="  We   have it already. ")
    decided = await service.suggestion(suggestion.id)
    assert (decided.status, decided.reason) == ("rejected", "We have it already.")
    assert await service.own_facts(GUILD) == []


async def test_a_near_duplicate_is_explained_by_what_it_shares(service: FactService) -> None:
    duplicate = await service.duplicate_of("How many Olympic golds has Jason Kenny won?", GUILD)
    assert duplicate is not None and duplicate.fact.id == "jason-gold-count"
    assert duplicate.answered
    assert {"jason", "kenny"} <= set(duplicate.shared_words)
    assert await service.duplicate_of("What is the name of the office goldfish?", GUILD) is None


async def test_a_near_duplicate_in_a_server_not_read_yet_is_found_a_slice_at_a_time(
    service: FactService, app: App
) -> None:
    cup = load_fact_file(REPO_ROOT / "tests" / "data" / "isolation_topic_facts.yaml", scope=GUILD)
    for fact in cup:  # as a start loads them: held, not read yet
        app.index.add(fact, refresh=False)
    assert not app.index.holds(GUILD)
    checking = asyncio.ensure_future(
        service.duplicate_of("Who won the 2024 Northfield Cup final?", GUILD)
    )
    await asyncio.sleep(0)
    assert GUILD in service.reading and not checking.done()  # other servers go on meanwhile
    duplicate = await checking
    assert duplicate is not None and duplicate.fact.id == "cup-winner"
    assert app.index.holds(GUILD) and not service.reading


async def test_a_near_duplicate_is_explained_in_the_words_of_facts_check(
    service: FactService, app: App
) -> None:
    cup = load_fact_file(REPO_ROOT / "tests" / "data" / "isolation_topic_facts.yaml", scope=GUILD)
    await service.import_facts(cup, scope=GUILD, actor_id=MOD)
    question = "Who won the 2024 Northfield Cup final?"
    duplicate = await service.duplicate_of(question, GUILD)
    assert duplicate is not None and duplicate.fact.id == "cup-winner"
    warning = overlap_text(question, duplicate)
    assert SAME_QUESTION in warning
    assert not re.search(r"\d+\s*/\s*100|score|match \d", warning)  # words, not numbers

    # Saved anyway (as the same kind of answer), `facts check` explains the pair the same way.
    form = FactForm(question=question, answer="Ashford Rovers.")
    await service.add(service.draft(GUILD, form, kind="text"), actor_id=MOD)
    report = check_facts(list(app.index.facts(GUILD)), guild_id=GUILD)
    collisions = [line for line in report.lines() if line.startswith("COLLISION")]
    assert collisions and all(SAME_QUESTION in line for line in collisions), report.lines()
