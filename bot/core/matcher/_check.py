"""The facts judge the matcher: each phrasing asked against the others, and near misses.

`self_eval` builds an evaluation from a scope's facts alone. Every question of a fact (its
question and each phrasing) is asked of an index that lacks that one wording, as a member who
words it their own way would; it should reach its fact. Then each wording is changed in one key
term (another person, event, year or sex of the same scope): the changed question must not get
the original fact's answer. `bench/calibrate.py` chooses the answer thresholds from these trials;
`check_facts` turns them into a moderator's report (`python -m bot facts check`).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.core.facts import Fact

from ._index import FactIndex
from ._result import MatchResult, Outcome
from ._terms import TermsFileSpec

_SEX_SWAP = {"men's": "women's", "women's": "men's", "men": "women", "women": "men"}
_SEX_WORD = re.compile(r"\b(men's|women's|men|women)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19|20)\d\d\b")


SAME_QUESTION = (
    "the bot cannot tell them apart. Make their questions name what differs "
    "(the person, event, year or sex)."
)
"""What `facts check` says of two facts that answer the same question; `/fact add` and the
suggestion review warn about a near duplicate in the same words."""


@dataclass(frozen=True, slots=True)
class Trial:
    """One question of the self-evaluation and what the matcher did with it."""

    question: str
    fact_id: str
    """The fact the wording came from."""
    near_miss: bool
    """True for a changed wording: answering `fact_id` is then wrong."""
    result: MatchResult
    change: str = ""
    """What a near miss changed, in words ("Ferrante -> Okafor")."""
    accept: tuple[str, ...] = ()
    """The original fact's short answers: another fact whose answer gives one answers it too."""

    @property
    def answered(self) -> bool:
        return self.result.outcome is Outcome.ANSWER

    @property
    def right(self) -> bool:
        fact = self.result.fact
        if self.near_miss:
            return fact is None or fact.id != self.fact_id
        if fact is None:
            return False
        return fact.id == self.fact_id or _gives(fact, self.accept)

    @property
    def margin(self) -> float:
        return self.result.margin


def _gives(fact: Fact, accept: Sequence[str]) -> bool:
    """Whether a fact's answer sentence gives one of the short answers (a whole-word match)."""
    answer = fact.answer.casefold()
    return any(
        len(a) > 1 and re.search(rf"(?<!\w){re.escape(a.casefold())}(?!\w)", answer) for a in accept
    )


def _without(fact: Fact, wording: int) -> Fact:
    """The fact with one of its questions left out (the first remaining one leads)."""
    questions = list(fact.all_questions)
    del questions[wording]
    return dataclasses.replace(fact, question=questions[0], phrasings=tuple(questions[1:]))


def _people(index: FactIndex, guild_id: int | None) -> list[str]:
    """The people a scope's facts name (their full names as read), in a stable order."""
    scope = index._built_scope(guild_id or 0)
    if scope is None:
        return []
    return sorted({p for ps in scope.lexicon.names.values() for p in ps if " " in p})


def near_misses(text: str, people: Sequence[str]) -> list[tuple[str, str]]:
    """Wordings of `text` with one key term changed, and what changed."""
    out: list[tuple[str, str]] = []
    lower = text.casefold()
    surnames = Counter(p.split()[-1] for p in people)
    for i, person in enumerate(people):
        words = person.split()
        m = re.search(rf"\b{re.escape(words[0])}\s+{re.escape(words[-1])}\b", lower)
        if m is None and surnames[words[-1]] == 1:  # "Kenny" alone may be either Kenny
            m = re.search(rf"\b{re.escape(words[-1])}\b", lower)
        if m is None:
            continue
        others = [p for p in [*people[i + 1 :], *people[:i]] if not set(p.split()) & set(words)]
        if others:
            other = others[0] if m.group().count(" ") else others[0].split()[-1]
            swapped = text[: m.start()] + other.title() + text[m.end() :]
            out.append((swapped, f"{m.group()} -> {other}"))
        break
    if m := _SEX_WORD.search(text):
        word = m.group()
        swap = _SEX_SWAP[word.casefold()]
        out.append((text[: m.start()] + swap + text[m.end() :], f"{word} -> {swap}"))
    if m := _YEAR.search(text):
        year = str(int(m.group()) - 3)
        out.append((text[: m.start()] + year + text[m.end() :], f"{m.group()} -> {year}"))
    return out


def self_eval(
    facts: Sequence[Fact],
    *,
    terms: Iterable[TermsFileSpec] | None = None,
    guild_id: int | None = None,
    with_near_misses: bool = True,
) -> list[Trial]:
    """Ask each fact's wordings of an index without them, and their near misses of the full one.

    `facts` are one scope's facts (with the bundled ones, for a server: they are indexed too, but
    only the server's own facts are asked about).
    """
    terms = list(terms) if terms is not None else None
    asked = [f for f in facts if (f.scope or None) == guild_id]
    trials: list[Trial] = []
    rounds = max((len(f.all_questions) for f in asked if len(f.all_questions) > 1), default=0)
    for k in range(rounds):
        # Round k leaves out the k-th wording of every fact that has more than one.
        out = {f.key for f in asked if len(f.all_questions) > max(k, 1)}
        index = FactIndex.build([_without(f, k) if f.key in out else f for f in facts], terms=terms)
        for f in asked:
            if f.key in out:
                q = f.all_questions[k]
                result = index.match(q, guild_id=guild_id)
                trials.append(Trial(q, f.id, False, result, accept=f.accept))
    if with_near_misses:
        full = FactIndex.build(facts, terms=terms)
        people = _people(full, guild_id)
        for f in asked:
            for q in f.all_questions:
                for changed, what in near_misses(q, people):
                    result = full.match(changed, guild_id=guild_id)
                    trials.append(Trial(changed, f.id, True, result, what))
    return trials


# --- the moderator's report ----------------------------------------------------------------


@dataclass(slots=True)
class CheckReport:
    """What `facts check` tells a moderator about one scope's facts."""

    facts: int = 0
    collisions: list[tuple[Fact, Fact, str]] = field(default_factory=list)
    """Two facts that answer the same question, and the question."""
    misrouted: list[tuple[Fact, str, Fact]] = field(default_factory=list)
    """A wording of a fact that, asked in other words, reaches another fact."""
    unreached: list[Fact] = field(default_factory=list)
    """Facts that even their own question does not reach."""

    @property
    def ok(self) -> bool:
        return not (self.collisions or self.misrouted or self.unreached)

    def lines(self) -> list[str]:
        """The report in plain words."""
        if not self.facts:
            return ["No facts in this scope: there is nothing to check."]
        out = [f"Checked {self.facts} facts."]
        if self.ok:
            out.append("No problems found: every fact is reached by its own questions.")
            return out
        for a, b, q in self.collisions:
            out.append(
                f"COLLISION {a.id} and {b.id} answer the same question: asked {q!r}, "
                + SAME_QUESTION
            )
        for f, q, other in self.misrouted:
            out.append(
                f"WRONG FACT {q!r} (a phrasing of {f.id}) reaches {other.id} when the bot "
                f"does not know that exact wording: {other.id} answers {other.question!r}."
            )
        for f in self.unreached:
            out.append(
                f"UNREACHED {f.id}: asking its own question {f.question!r} does not get its "
                "answer. Add phrasings in members' words, or remove what it shares with others."
            )
        out.append(
            f"{len(self.collisions)} collisions, {len(self.misrouted)} phrasings reaching the "
            f"wrong fact, {len(self.unreached)} facts no question reaches."
        )
        return out


def check_facts(
    facts: Sequence[Fact],
    *,
    terms: Iterable[TermsFileSpec] | None = None,
    guild_id: int | None = None,
) -> CheckReport:
    """Check one scope's facts: collisions, phrasings reaching the wrong fact, unreached facts."""
    terms = list(terms) if terms is not None else None
    own = [f for f in facts if (f.scope or None) == guild_id]
    report = CheckReport(facts=len(own))
    if not own:
        return report
    by_id = {f.id: f for f in own}
    full = FactIndex.build(facts, terms=terms)
    seen_pairs: set[tuple[str, str]] = set()
    for f in own:
        reached = False
        for q in f.all_questions:
            result = full.match(q, guild_id=guild_id)
            if result.fact is not None and result.fact.id == f.id:
                reached = True
            top = [c for c in result.candidates if c.fact.scope == f.scope]
            if (
                len(top) > 1
                and {top[0].fact.id, top[1].fact.id} >= {f.id}
                and top[0].score - top[1].score < 3.0
                and top[1].score >= 60.0
            ):
                other = top[1].fact if top[0].fact.id == f.id else top[0].fact
                pair = (min(f.id, other.id), max(f.id, other.id))
                if pair not in seen_pairs:
                    seen_pairs.add(pair)
                    report.collisions.append((f, other, q))
        if not reached:
            report.unreached.append(f)
    for t in self_eval(facts, terms=terms, guild_id=guild_id, with_near_misses=False):
        wrong = t.result.fact
        if t.answered and not t.right and wrong is not None and t.fact_id in by_id:
            report.misrouted.append((by_id[t.fact_id], t.question, wrong))
    return report


__all__ = ["CheckReport", "Trial", "check_facts", "near_misses", "self_eval"]
