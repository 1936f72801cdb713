"""Every change to facts, in one place: validate, write with its audit row, commit, then update
the running index and tell whoever listens (`FactService.on_change`).

Cogs, the console and the command line call this; they parse input and render results, nothing
else. Errors are `ModerationError`s whose message is fit to show the person who asked.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.facts import (
    GLOBAL_SCOPE,
    AnswerKind,
    Fact,
    FactImportError,
    load_fact_document,
    parse_fact_text,
)
from bot.core.matcher import Candidate, FactIndex, Outcome
from bot.core.moderation import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_FACTS,
    AuditEntry,
    FactChange,
    ModerationError,
    build_fact,
    check_suggestion,
    kind_after_edit,
    near_duplicate,
    slugify,
    split_list,
)
from bot.core.text import content_tokens, tokens
from bot.db import facts as store
from bot.db import suggestions as suggestion_store
from bot.db.facts import ImportReport
from bot.db.suggestions import Suggestion

log = logging.getLogger(__name__)
T = TypeVar("T")

IMPORT_SUFFIXES = (".yaml", ".yml", ".json")
MAX_REASON_LEN = 500
"""The longest rejection reason a member is shown."""

ChangeListener = Callable[[FactChange], Awaitable[None] | None]

BACKGROUND_SWITCH_INTERVAL = 0.0005
"""While CPU-bound work runs in a thread, the interpreter switches threads this often (seconds)
instead of every 5 ms, so that the event loop, which needs the interpreter for a moment at
every socket operation, is not kept waiting: the bot answers while a large file is parsed."""
_background = 0
_switch_interval = sys.getswitchinterval()


async def in_background(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run CPU-bound work (parsing and validating a fact file) in a thread, the event loop
    keeping the interpreter whenever it needs it."""
    global _background, _switch_interval
    if _background == 0:
        _switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(_switch_interval, BACKGROUND_SWITCH_INTERVAL))
    _background += 1
    try:
        return await asyncio.to_thread(function, *args, **kwargs)
    finally:
        _background -= 1
        if _background == 0:
            sys.setswitchinterval(_switch_interval)


class ImportRefused(ModerationError):
    """A fact file that cannot be imported; the message says why. Nothing was imported."""


class UnknownSuggestion(ModerationError):
    def __init__(self) -> None:
        super().__init__("That suggestion no longer exists.")


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An existing fact a new question overlaps with, and how."""

    candidate: Candidate
    answered: bool
    """True: a member asking the new question would get the existing fact's answer;
    False: it would be offered as a "did you mean" choice."""
    shared_words: tuple[str, ...]

    @property
    def fact(self) -> Fact:
        return self.candidate.fact


@dataclass(frozen=True, slots=True)
class FactForm:
    """A fact as typed into a command or a form: lists separated by `;`."""

    question: str
    answer: str
    phrasings: str = ""
    accept: str = ""
    tags: str = ""


class FactService:
    """Validate, store with audit, commit, then apply: the only way facts change."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], index: FactIndex) -> None:
        self.sessions = sessions
        self.index = index
        self.on_change: list[ChangeListener] = []
        """Called after every committed change, once the index has it (e.g. to notify other
        processes). A listener that fails is logged; the change stays made."""
        self.writes = asyncio.Lock()
        """Changes reach the index one after the other, in the order they were committed (the
        change feed takes it too, to apply other processes' changes)."""
        self._reading: dict[int, asyncio.Future[None]] = {}  # servers being read, by id

    # --- reading a server's facts without holding up other servers ---------------------------
    async def read(self, guild_id: int | None) -> None:
        """Have a server's facts read before a question there is matched. A big server not read
        yet (or forgotten under the read budget) is read a slice at a time, so that questions
        in other servers are answered meanwhile; questions there at once wait for one read."""
        if not guild_id or self.index.holds(guild_id):
            return
        reading = self._reading.get(guild_id)
        if reading is None:
            reading = self._reading[guild_id] = asyncio.ensure_future(self._read(guild_id))
            reading.add_done_callback(lambda _: self._reading.pop(guild_id, None))
        await asyncio.shield(reading)

    @property
    def reading(self) -> frozenset[int]:
        """The servers whose facts are being read now."""
        return frozenset(self._reading)

    async def _read(self, guild_id: int) -> None:
        for _ in self.index.read_steps(guild_id):
            await asyncio.sleep(0)

    async def warm(self) -> int:
        """Read every server's facts, as far as the read budget allows, a slice at a time (at
        start, while the bot already answers). Returns how many servers' facts are held."""
        for _ in self.index.warm_steps():
            await asyncio.sleep(0)
        return self.index.read_facts

    # --- the one "after commit" point -------------------------------------------------------
    async def _commit(
        self,
        work: Callable[[AsyncSession], Awaitable[tuple[T, FactChange]]],
        *,
        apply: bool = True,
    ) -> T:
        async with self.sessions.begin() as session:
            value, change = await work(session)
        await self.after_commit(change, apply=apply)
        return value

    async def after_commit(self, change: FactChange, *, apply: bool = True) -> None:
        """Apply a committed change to the index, then tell the listeners.

        A large change is applied in chunks, letting other tasks (questions) run in between;
        `apply=False` leaves the index alone (a command-line process that does not answer).
        """
        if not change:
            return
        if apply:
            async with self.writes:
                await change.apply_in_chunks(self.index)
        for listener in self.on_change:
            try:
                result = listener(change)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("a fact change listener failed")

    # --- reading ------------------------------------------------------------------------------
    def get(self, fact_id: str, guild_id: int) -> Fact | None:
        return self.index.get(fact_id, guild_id)

    def facts(self, guild_id: int) -> Iterable[Fact]:
        return self.index.facts(guild_id)

    async def removed(self, guild_id: int) -> list[Fact]:
        async with self.sessions() as session:
            return await store.removed_facts(session, guild_id)

    async def history(self, guild_id: int, fact_id: str) -> list[AuditEntry]:
        async with self.sessions() as session:
            return await store.history(session, guild_id, fact_id)

    async def own_facts(self, guild_id: int) -> list[Fact]:
        async with self.sessions() as session:
            return await store.list_facts(session, scope=guild_id)

    async def duplicate_of(self, question: str, guild_id: int) -> Duplicate | None:
        """The fact a new question overlaps with in this server, if any (a server whose facts
        are not read yet is read a slice at a time first, as for a question)."""
        await self.read(guild_id)
        result = self.index.match(question, guild_id=guild_id)
        candidate = near_duplicate(result)
        if candidate is None:
            return None
        theirs: set[str] = set()
        for text in candidate.fact.all_questions:
            theirs.update(content_tokens(tokens(text)))
        mine = content_tokens(tokens(question))
        shared = tuple(dict.fromkeys(t for t in mine if t in theirs and len(t) > 1))
        return Duplicate(candidate, result.outcome is Outcome.ANSWER, shared)

    # --- validating ---------------------------------------------------------------------------
    @staticmethod
    def draft(guild_id: int, form: FactForm, *, kind: AnswerKind | None = None) -> Fact:
        """A validated new fact for a server (its id not chosen yet); FactInvalid names every
        bad field."""
        return build_fact(
            question=form.question,
            answer=form.answer,
            phrasings=split_list(form.phrasings),
            accept=split_list(form.accept),
            tags=split_list(form.tags),
            kind=kind,
            scope=guild_id,
        )

    @staticmethod
    def draft_edit(guild_id: int, original: Fact, form: FactForm) -> Fact:
        """`original` changed as the form says, validated; quote and source are kept."""
        accept = split_list(form.accept)
        return build_fact(
            fact_id=original.id,
            question=form.question,
            answer=form.answer,
            phrasings=split_list(form.phrasings),
            accept=accept,
            tags=split_list(form.tags),
            kind=kind_after_edit(original, form.question, accept),
            scope=guild_id,
            quote=original.quote,
            source=original.source,
        )

    # --- changing a server's facts --------------------------------------------------------------
    async def add(self, draft: Fact, *, actor_id: int) -> Fact:
        """Save a validated draft under a new id made from its question."""

        async def work(session: AsyncSession) -> tuple[Fact, FactChange]:
            taken = await store.taken_ids(session, draft.scope)
            fact = dataclasses.replace(draft, id=slugify(draft.question, taken))
            return fact, await store.add_fact(session, fact, actor_id=actor_id)

        return await self._commit(work)

    async def edit(self, guild_id: int, original: Fact, fact: Fact, *, actor_id: int) -> bool:
        """Replace `original` (as the moderator saw it) by `fact`; False if nothing changed."""

        async def work(session: AsyncSession) -> tuple[bool, FactChange]:
            change = await store.edit_fact(
                session, guild_id, fact, actor_id=actor_id, expected=original
            )
            return bool(change), change

        return await self._commit(work)

    async def remove(self, guild_id: int, fact_id: str, *, actor_id: int) -> None:
        async def work(session: AsyncSession) -> tuple[None, FactChange]:
            return None, await store.remove_fact(session, guild_id, fact_id, actor_id=actor_id)

        await self._commit(work)

    async def restore(self, guild_id: int, fact_id: str, *, actor_id: int) -> Fact:
        async def work(session: AsyncSession) -> tuple[Fact, FactChange]:
            return await store.restore_fact(session, guild_id, fact_id, actor_id=actor_id)

        return await self._commit(work)

    # --- importing ----------------------------------------------------------------------------
    @staticmethod
    def check_upload(filename: str, size: int) -> None:
        """Refuse a file by its name and announced size, before downloading it."""
        if not filename.lower().endswith(IMPORT_SUFFIXES):
            raise ImportRefused("Nothing was imported: the file must be .yaml, .yml or .json.")
        if size > MAX_IMPORT_BYTES:
            raise ImportRefused(
                f"Nothing was imported: the file is {size / 1024 / 1024:.1f} MB; "
                f"the limit is {MAX_IMPORT_BYTES // 1024 // 1024} MB."
            )

    @staticmethod
    def parse_upload(filename: str, data: bytes, *, guild_id: int) -> list[Fact]:
        """The validated facts of an uploaded file; ImportRefused names what is wrong."""
        FactService.check_upload(filename, len(data))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused("Nothing was imported: the file is not UTF-8 text.") from None
        try:
            facts = parse_fact_text(text, name=filename, scope=guild_id)
        except FactImportError as err:
            raise ImportRefused(f"Nothing was imported. {err}") from None
        if len(facts) > MAX_IMPORT_FACTS:
            raise ImportRefused(
                f"Nothing was imported: the file has {len(facts)} facts; "
                f"one import may hold {MAX_IMPORT_FACTS}."
            )
        return facts

    async def import_upload(
        self, filename: str, data: bytes, *, guild_id: int, actor_id: int
    ) -> ImportReport:
        """Validate a server's uploaded file and import it whole, or nothing."""
        # Parsing and validating a large file takes long: in a thread, the bot keeps answering.
        facts = await in_background(self.parse_upload, filename, data, guild_id=guild_id)
        return await self.import_facts(facts, scope=guild_id, actor_id=actor_id)

    async def import_file(
        self, path: Path, *, scope: int = GLOBAL_SCOPE, apply: bool = True
    ) -> ImportReport:
        """Validate a fact file on disk and import it whole (the command line); FactImportError
        names the fact and field that is wrong. `apply=False`: the index is not updated."""
        doc = await in_background(load_fact_document, path, scope=scope)
        if not doc.servers:
            return await self.import_facts(doc.facts, scope=scope, apply=apply)

        async def work(session: AsyncSession) -> tuple[ImportReport, FactChange]:
            return await store.import_servers(session, doc, actor_id=None)

        return await self._commit(work, apply=apply)

    async def import_facts(
        self,
        facts: Sequence[Fact],
        *,
        scope: int,
        actor_id: int | None = None,
        apply: bool = True,
    ) -> ImportReport:
        async def work(session: AsyncSession) -> tuple[ImportReport, FactChange]:
            if scope == GLOBAL_SCOPE:
                report = await store.import_facts(session, facts, scope=scope, actor_id=actor_id)
                return report, FactChange(added=tuple(facts))
            return await store.import_server_facts(
                session, facts, guild_id=scope, actor_id=actor_id
            )

        return await self._commit(work, apply=apply)

    # --- suggestions ----------------------------------------------------------------------------
    async def suggest(
        self, guild_id: int, user_id: int, question: str, answer: str, *, channel_id: int | None
    ) -> Suggestion:
        """Queue a member's suggestion (checked like a fact: FactInvalid names bad fields)."""
        question, answer = check_suggestion(question, answer)
        async with self.sessions.begin() as session:
            return await suggestion_store.add(
                session,
                guild_id=guild_id,
                user_id=user_id,
                question=question,
                answer=answer,
                channel_id=channel_id,
            )

    async def suggestion(self, suggestion_id: int) -> Suggestion:
        async with self.sessions() as session:
            found = await suggestion_store.get(session, suggestion_id)
        if found is None:
            raise UnknownSuggestion()
        return found

    async def oldest_suggestion(self, guild_id: int) -> tuple[Suggestion | None, int]:
        async with self.sessions() as session:
            return await suggestion_store.oldest_pending(session, guild_id)

    async def posted_for_review(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        async with self.sessions.begin() as session:
            await suggestion_store.set_review_message(
                session, suggestion_id, channel_id, message_id
            )

    @staticmethod
    def suggestion_form(suggestion: Suggestion) -> FactForm:
        return FactForm(question=suggestion.question, answer=suggestion.answer)

    async def approve(self, suggestion: Suggestion, draft: Fact, *, reviewer_id: int) -> Fact:
        """Accept a suggestion as the validated `draft` (as suggested, or edited first)."""

        async def work(session: AsyncSession) -> tuple[Fact, FactChange]:
            taken = await store.taken_ids(session, suggestion.guild_id)
            fact = dataclasses.replace(draft, id=slugify(draft.question, taken))
            change = await suggestion_store.approve(
                session, suggestion, fact, reviewer_id=reviewer_id
            )
            return fact, change

        return await self._commit(work)

    async def reject(self, suggestion: Suggestion, *, reviewer_id: int, reason: str) -> str:
        """Reject a suggestion with a reason (kept with it); returns the reason as stored."""
        reason = " ".join(reason.split())[:MAX_REASON_LEN]
        if not reason:
            raise ModerationError("Nothing was changed: **reason** is empty.")
        async with self.sessions.begin() as session:
            await suggestion_store.reject(
                session, suggestion, reviewer_id=reviewer_id, reason=reason
            )
        return reason
