"""FactIndex: the facts, indexed for matching, and the scoring of a question against them."""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.facts import GLOBAL_SCOPE, Fact
from bot.core.text import STOPWORDS, content_tokens, tokens

from ._result import Candidate, MatchResult, Outcome
from ._terms import (
    ANCHOR_CLASS,
    GROUPS,
    KIND_FOR_QTYPE,
    QType,
    anchors_of,
    question_type,
    term_keys,
)

# --- Thresholds (scores are 0-100) ---------------------------------------------------------
ANSWER_THRESHOLD = 68.0
"""A fact scoring at least this, with a clear lead, is answered outright."""
ANSWER_MARGIN = 6.0
"""The lead an answer needs over the best other fact, unless it scores HIGH_CONFIDENCE."""
HIGH_CONFIDENCE = 85.0
SUGGEST_THRESHOLD = 45.0
"""Facts scoring at least this are offered as "did you mean" choices."""
MAX_SUGGESTIONS = 3
VAGUE_WORD_SHARE = 0.05
VAGUE_WORD_MIN = 3
"""A question of one word found in more than this share (and number) of facts gets choices,
never an answer."""
MAX_QUERY_CHARS = 500
"""Only the start of a very long message is read; a question is never this long."""
MAX_CONTENT_TOKENS = 30
"""A message with more meaningful words than this is chatter, not a question."""
CANDIDATES = 30
"""How many facts the index hands on to full scoring."""
COMMON_TOKEN_SHARE = 0.05
"""Tokens in more than this share of the facts (and > COMMON_TOKEN_MIN) don't pick candidates."""
COMMON_TOKEN_MIN = 200
GROW_LIMIT = 300
"""Once this many facts share a word with the question, commoner words only re-rank them."""
FALLBACK_SCAN = 400
"""How many facts a question made only of common words may look at."""

# Score weights and penalties.
W_RECALL = 0.45
W_PRECISION = 0.30
W_FUZZ = 0.25
W_OWN_RECALL = 0.5
"""Share of recall that must come from one phrasing (and the answer) rather than all of them."""
UNKNOWN_TOKEN_PENALTY = 10.0
"""Per word of the question that no fact uses at all: the bot cannot know what is asked."""
MISSING_MEASURE_PENALTY = 25.0
"""The question asks for a measure (age, margin, laps, points, year ...) the fact never mentions."""
ABSENT_ANCHOR_PENALTY = 18.0
"""The question names a key term of a kind (an event, a country ...) the fact does not mention."""
CONFLICT_PENALTY = 45.0
"""A key term of the question contradicts the fact (Laura vs Jason, women's vs men's)."""
PARTIAL_ANCHOR_PENALTY = 10.0
"""The question names a key term that the fact does not, beside ones it does."""
SUBJECT_MISSING_PENALTY = 10.0
"""The fact is about a person the question does not name."""
KIND_MISMATCH_PENALTY = 30.0
"""The question asks "how many" (or who, which country, ...) and the fact answers something else."""
TEXT_KIND_PENALTY = 20.0
"""A question for a count, person, country, place or medal meets a fact answered in free text."""
TEXT_KIND_MILD_PENALTY = 8.0
"""A question for a date or an event meets a fact answered in free text."""
PHRASING_ANCHOR_PENALTY = 10.0
"""Per key term of the matched phrasing (a person, event, medal ...) that the question lacks."""
UNKNOWN_TOKEN_WEIGHT = 1.3
"""A question word no fact uses weighs this much more than the rarest known word."""
ANCHOR_WEIGHT = 1.6
"""Key terms count this much more than other words in recall and precision."""

MIN_TYPO_LENGTH = 4
NAME_TYPO_LENGTH = 5
"""From this length a word may be two edits from a rider's name that starts with the same three
letters ("harry" for "harrie", but not "lavry" for "laura")."""
SHORT_WORD = 4
"""Words this short are only corrected to a rider's name missing a letter ("keny"): they have
too many neighbours ("help" is one letter from "held", "tall" from "tally")."""


INFLECTIONS = ("led", "ling", "ing", "ed", "en", "er", "ly", "n", "d", "s")
"""Endings tried, longest first, to find a known word in an unknown one ("overtaken")."""
COMMAND_PREFIXES = ("/", "!", "?", ".", "$", "-", ">", "+")


@dataclass(slots=True)
class _Phrasing:
    text: str
    norm: str  # content tokens, sorted: fuzz.ratio on these is token_sort_ratio, done once
    tokens: frozenset[str]
    keys: frozenset[str]  # its key terms as "class:value", numbers as "number:7"
    weight: float = 0.0  # sum of its tokens' weights, valid while weight_version is current
    weight_version: int = -1


class _WeightMemo(dict[str, float]):
    """Token weights for one question: each token's IDF is computed once."""

    def __init__(self, compute: Callable[[str], float]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, token: str) -> float:
        value = self[token] = self._compute(token)
        return value


@dataclass(slots=True)
class _Query:
    """A question, normalised once and shared by the scoring of every candidate."""

    content: list[str]
    qtype: QType
    weights: _WeightMemo
    token_set: frozenset[str] = frozenset()
    norm: str = ""
    total: float = 0.0
    anchors: dict[str, frozenset[str]] = field(default_factory=dict)
    keys: frozenset[str] = frozenset()
    unknown: int = 0

    def __post_init__(self) -> None:
        self.token_set = frozenset(self.content)
        self.norm = " ".join(sorted(self.content))
        self.total = sum(self.weight(t) for t in self.content)
        self.anchors = anchors_of(self.content)
        if "kenny" in self.token_set and "person" not in self.anchors:
            # "Kenny" alone could be either of them; the other words must decide.
            self.anchors["person"] = frozenset(GROUPS["couple"])
        if (
            self.qtype is QType.PERSON
            and "win" in self.token_set
            and not {"rank", "medal"} & self.anchors.keys()
        ):
            self.anchors["rank"] = frozenset({"1th"})  # "who won X?" asks for first place
        self.keys = term_keys(self.anchors, (t for t in self.content if t[0].isdigit()))

    def weight(self, token: str) -> float:
        return self.weights[token]


@dataclass(slots=True)
class _Entry:
    fact: Fact
    phrasings: list[_Phrasing]
    vocab: frozenset[str]
    answer_vocab: frozenset[str]
    anchors: dict[str, frozenset[str]]
    subjects: frozenset[str]
    answer_values: frozenset[str]  # numbers and places among its short answers
    alive: bool = True


@dataclass(slots=True)
class FactIndex:
    """All facts the bot can answer from, indexed for fast matching; updated in place."""

    _entries: list[_Entry] = field(default_factory=list)
    _by_key: dict[tuple[int, str], int] = field(default_factory=dict)
    _postings: dict[str, set[int]] = field(default_factory=dict)
    _hidden: dict[int, set[str]] = field(default_factory=dict)
    _vocab_by_head: dict[str, list[str]] = field(default_factory=dict)
    _live: int = 0
    _version: int = 0  # bumped by every change; token weights depend on the whole index
    _names: set[str] = field(default_factory=lambda: set(ANCHOR_CLASS))
    _quoted: set[str] = field(default_factory=set)  # words of the quoted source sentences

    @classmethod
    def build(cls, facts: Iterable[Fact]) -> FactIndex:
        index = cls()
        for fact in facts:
            index.add(fact)
        return index

    # --- maintenance ------------------------------------------------------------------------
    def add(self, fact: Fact) -> None:
        """Add a fact, replacing any fact with the same scope and id."""
        if fact.key in self._by_key:
            self.remove(fact.key)
        phrasings = []
        vocab: set[str] = set()
        for text in fact.all_questions:
            toks = tokens(text)
            content = content_tokens(toks)
            keys = term_keys(
                anchors_of(content, imply_sex=False), (t for t in content if t[0].isdigit())
            )
            phrasings.append(_Phrasing(text, " ".join(sorted(content)), frozenset(content), keys))
            vocab.update(content)
        answer_vocab = frozenset(content_tokens(tokens(fact.answer))).union(
            t for tag in fact.tags for t in content_tokens(tokens(tag))
        )
        vocab.update(answer_vocab)
        subjects = anchors_of(tokens(fact.question), imply_sex=False).get("person", frozenset())
        short = [t for a in fact.accept for t in content_tokens(tokens(a))]
        entry = _Entry(
            fact=fact,
            phrasings=phrasings,
            vocab=frozenset(vocab),
            answer_vocab=answer_vocab,
            anchors=anchors_of(vocab),
            subjects=subjects,
            answer_values=frozenset(t for t in short if t[0].isdigit()),
        )
        # A word of the article is not an unknown word, even where no phrasing uses it.
        self._quoted.update(content_tokens(tokens(fact.quote or "")))
        if fact.kind == "person":  # riders' names: short typos of these are worth correcting
            self._names.update(t for a in fact.accept for t in content_tokens(tokens(a)))
        doc = len(self._entries)
        self._entries.append(entry)
        self._by_key[fact.key] = doc
        for t in entry.vocab:
            posting = self._postings.get(t)
            if posting is None:
                self._postings[t] = {doc}
                if len(t) >= MIN_TYPO_LENGTH and not t[0].isdigit():
                    self._vocab_by_head.setdefault(t[0], []).append(t)
            else:
                posting.add(doc)
        self._live += 1
        self._version += 1

    def remove(self, key: tuple[int, str]) -> Fact | None:
        """Remove a fact by (scope, id); returns it, or None if it was not indexed."""
        doc = self._by_key.pop(key, None)
        if doc is None:
            return None
        entry = self._entries[doc]
        entry.alive = False
        for t in entry.vocab:
            posting = self._postings.get(t)
            if posting is not None:
                posting.discard(doc)
        self._live -= 1
        self._version += 1
        return entry.fact

    def hide(self, guild_id: int, fact_id: str) -> None:
        """Hide a bundled fact in one server."""
        self._hidden.setdefault(guild_id, set()).add(fact_id)

    def unhide(self, guild_id: int, fact_id: str) -> None:
        self._hidden.get(guild_id, set()).discard(fact_id)

    def get(self, fact_id: str, guild_id: int | None = None) -> Fact | None:
        """A fact visible in a server (its own first, then a bundled one), by id."""
        for scope in ((guild_id,) if guild_id else ()) + (GLOBAL_SCOPE,):
            doc = self._by_key.get((scope, fact_id))
            if doc is not None and self._visible(self._entries[doc].fact, guild_id):
                return self._entries[doc].fact
        return None

    def facts(self, guild_id: int | None = None) -> Iterator[Fact]:
        """Every fact visible in a server (or every bundled fact when guild_id is None)."""
        for entry in self._entries:
            if entry.alive and self._visible(entry.fact, guild_id):
                yield entry.fact

    def __len__(self) -> int:
        return self._live

    def _visible(self, fact: Fact, guild_id: int | None) -> bool:
        if fact.scope == GLOBAL_SCOPE:
            return not (guild_id and fact.id in self._hidden.get(guild_id, ()))
        return fact.scope == guild_id

    # --- matching ---------------------------------------------------------------------------
    def _idf(self, token: str) -> float:
        df = len(self._postings.get(token, ()))
        n = max(self._live, 1)
        if df == 0:
            return math.log(n + 1.0) + UNKNOWN_TOKEN_WEIGHT
        return math.log((n + 1.0) / (df + 0.5)) + 0.2

    def _correct(self, token: str) -> str:
        """Map an unknown word to a known one: another form of it ("medalled" -> "medal"), or
        one within a small edit distance (typos)."""
        if (
            token in self._postings
            or token in self._quoted
            or token in STOPWORDS
            or len(token) < MIN_TYPO_LENGTH
            or token[0].isdigit()
        ):
            return token
        limit = 1 if len(token) <= 6 else 2
        pool = self._vocab_by_head.get(token[0], [])
        if len(token) >= NAME_TYPO_LENGTH:  # names are often misspelt by more than a letter
            names = [w for w in pool if w in self._names and w[:3] == token[:3]]
            name = process.extractOne(token, names, scorer=OSA.distance, score_cutoff=2)
            if name is not None:
                return name[0]
        if len(token) <= SHORT_WORD:
            pool = [w for w in pool if len(w) == len(token) + 1 and w in self._names]
        for suffix in INFLECTIONS:
            stem = token[: -len(suffix)]
            if token.endswith(suffix) and len(stem) >= MIN_TYPO_LENGTH and stem in self._postings:
                return stem
        hit = process.extractOne(token, pool, scorer=OSA.distance, score_cutoff=limit)
        if hit is None and len(token) >= 6:  # a typo in the first letter
            second = [w for w in self._vocab_by_head.get(token[1], []) if len(w) > 1]
            hit = process.extractOne(token, second, scorer=OSA.distance, score_cutoff=limit)
        return hit[0] if hit is not None else token

    def _weight(self, token: str) -> float:
        w = self._idf(token)
        return w * ANCHOR_WEIGHT if token in ANCHOR_CLASS else w

    def match(self, question: str, guild_id: int | None = None) -> MatchResult:
        """Decide whether to answer, suggest or decline a question in a server."""
        text = question[:MAX_QUERY_CHARS]
        if text.lstrip().startswith(COMMAND_PREFIXES):  # a command for some bot, not a question
            return MatchResult(question, Outcome.DECLINE)
        toks = tuple(self._correct(t) for t in tokens(text))
        content = list(dict.fromkeys(content_tokens(toks)))
        if not content or len(content) > MAX_CONTENT_TOKENS or self._live == 0:
            return MatchResult(question, Outcome.DECLINE)
        query = _Query(
            content,
            question_type(toks),
            _WeightMemo(self._weight),
            unknown=sum(1 for t in content if t not in self._postings and t not in self._quoted),
        )
        # A cheap upper bound first (perfect precision and similarity), so that candidates
        # that cannot reach the top three are never scored phrasing by phrasing.
        bounded: list[tuple[float, float, float, _Entry]] = []
        weight = query.weights.__getitem__
        for doc in self._candidates(query):
            entry = self._entries[doc]
            if not self._visible(entry.fact, guild_id):
                continue
            recall = sum(map(weight, query.token_set & entry.vocab)) / query.total
            penalty = self._penalties(entry, query)
            penalty += UNKNOWN_TOKEN_PENALTY * query.unknown
            bound = 100.0 * (W_RECALL * recall + W_PRECISION + W_FUZZ) - penalty
            if bound >= SUGGEST_THRESHOLD:
                bounded.append((bound, recall, penalty, entry))
        bounded.sort(key=lambda b: b[0], reverse=True)
        scored: list[Candidate] = []
        for bound, recall, penalty, entry in bounded:
            if len(scored) >= MAX_SUGGESTIONS and bound <= scored[MAX_SUGGESTIONS - 1].score:
                break
            scored.append(self._score(entry, query, recall, penalty))
            scored.sort(key=lambda c: c.score, reverse=True)
        # One common word ("race?", "gold") cannot pick a fact out; one rare word ("awang") can.
        vague = len(content) == 1 and len(self._postings.get(content[0], ())) > max(
            VAGUE_WORD_MIN, VAGUE_WORD_SHARE * self._live
        )
        return self._decide(question, scored, may_answer=not vague)

    def _candidates(self, query: _Query) -> list[int]:
        """The facts sharing the question's most telling words, best first (at most CANDIDATES)."""
        limit = max(COMMON_TOKEN_MIN, int(self._live * COMMON_TOKEN_SHARE))
        known = sorted(
            (t for t in query.content if self._postings.get(t)),
            key=lambda t: len(self._postings[t]),
        )
        selective = [t for t in known if len(self._postings[t]) <= limit]
        if not selective:
            # Only words that most facts share: too vague to tell facts apart, unless every word
            # of the question is known; then a bounded look at the rarest word's facts.
            if not known or len(known) < len(query.content):
                return []
            return list(itertools.islice(self._postings[known[0]], FALLBACK_SCAN))
        acc: dict[int, float] = {}
        for t in selective:
            w = query.weight(t)
            posting = self._postings[t]
            if len(acc) < GROW_LIMIT:
                for doc in posting:
                    acc[doc] = acc.get(doc, 0.0) + w
            else:  # enough facts found: a commoner word only re-ranks them
                for doc in acc.keys() & posting:
                    acc[doc] += w
        if len(acc) <= CANDIDATES:
            return list(acc)
        return heapq.nlargest(CANDIDATES, acc, key=acc.__getitem__)

    def _score(self, entry: _Entry, query: _Query, recall: float, penalty: float) -> Candidate:
        """Score a candidate by its best phrasing; recall and penalties come computed."""
        w = query.weights.__getitem__
        # Words explained only by the union of all phrasings count half: one phrasing (with the
        # answer) should explain the question on its own.
        answered = query.token_set & entry.answer_vocab
        answered_weight = sum(map(w, answered))
        best_p = 0.0
        best_phrasing = entry.phrasings[0]
        for ph in entry.phrasings:
            shared = ph.tokens & query.token_set
            own = answered_weight + sum(map(w, shared - answered))
            recall_here = W_OWN_RECALL * own / query.total + (1 - W_OWN_RECALL) * recall
            if ph.weight_version != self._version:
                ph.weight = sum(self._weight(t) for t in ph.tokens) or 1.0
                ph.weight_version = self._version
            precision = sum(map(w, shared)) / ph.weight
            similarity = fuzz.ratio(query.norm, ph.norm) / 100.0
            unmatched = len(ph.keys - query.keys)
            combined = (
                W_RECALL * recall_here
                + W_PRECISION * precision
                + W_FUZZ * similarity
                - unmatched * PHRASING_ANCHOR_PENALTY / 100.0
            )
            if combined > best_p:
                best_p, best_phrasing = combined, ph
        return Candidate(entry.fact, round(100.0 * best_p - penalty, 2), best_phrasing.text)

    @staticmethod
    def _penalties(entry: _Entry, query: _Query) -> float:
        q_anchors, qtype = query.anchors, query.qtype
        q_people = q_anchors.get("person", frozenset())
        # "Who is the 33-year-old?" is answered by "how old is Jason Kenny?" (33).
        asks_for_subject = (
            qtype is QType.PERSON
            and not q_people
            and len(entry.subjects) == 1
            and bool(query.token_set & entry.answer_values)
        )
        penalty = 0.0
        for cls, q_values in q_anchors.items():
            f_values = entry.anchors.get(cls, frozenset())
            if cls == "measure" and q_values - f_values:
                penalty += MISSING_MEASURE_PENALTY
                continue
            if cls == "games" and q_values - f_values:
                penalty += CONFLICT_PENALTY
                continue
            if not f_values:
                if cls not in {"sex", "negation", "rank"}:
                    # A count is only right for the scope it was counted in.
                    penalty += ABSENT_ANCHOR_PENALTY * (2 if qtype is QType.COUNT else 1)
                continue
            if cls == "negation":
                continue
            if not q_values & f_values:
                penalty += CONFLICT_PENALTY
            elif q_values - f_values:
                penalty += PARTIAL_ANCHOR_PENALTY
        if asks_for_subject:
            return penalty
        if entry.subjects and not q_people & entry.subjects:
            penalty += SUBJECT_MISSING_PENALTY
        wanted = KIND_FOR_QTYPE.get(qtype)
        if wanted is not None:
            if entry.fact.kind == "text" and "text" not in wanted:
                penalty += (
                    TEXT_KIND_MILD_PENALTY
                    if qtype in {QType.EVENT, QType.DATE}
                    else TEXT_KIND_PENALTY
                )
            elif entry.fact.kind not in wanted:
                penalty += KIND_MISMATCH_PENALTY
        return penalty

    @staticmethod
    def _decide(question: str, scored: list[Candidate], *, may_answer: bool) -> MatchResult:
        if not scored or scored[0].score < SUGGEST_THRESHOLD:
            return MatchResult(question, Outcome.DECLINE)
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        if (
            may_answer
            and best.score >= ANSWER_THRESHOLD
            and (best.score - runner_up >= ANSWER_MARGIN or best.score >= HIGH_CONFIDENCE)
        ):
            return MatchResult(question, Outcome.ANSWER, (best,))
        suggestions = tuple(c for c in scored[:MAX_SUGGESTIONS] if c.score >= SUGGEST_THRESHOLD)
        return MatchResult(question, Outcome.SUGGEST, suggestions)
