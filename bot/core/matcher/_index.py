"""FactIndex: the facts, indexed for matching, and the scoring of a question against them."""

from __future__ import annotations

import heapq
import itertools
import math
import re
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.facts import GLOBAL_SCOPE, Fact
from bot.core.text import (
    CONCEPTS,
    LANGUAGE_TYPO_POOL,
    LANGUAGE_WORDS,
    NATION_TOKENS,
    STOPWORDS,
    content_tokens,
    tokens,
    words,
)
from bot.core.vocab import fold, language

from ._result import Candidate, MatchResult, Outcome
from ._terms import (
    _SHARED,
    ALL,
    GENERAL_TERMS,
    KIND_FOR_QTYPE,
    NO_KEYS,
    ORDINAL_TOKEN,
    QUESTION_WORDS,
    SCORE_TOKEN,
    TIME_TOKEN,
    YEAR_TOKEN,
    Lexicon,
    QType,
    TermsFileSpec,
    load_terms_dir,
    question_type,
    shared_set,
    term_keys,
)

# --- Thresholds (scores are 0-100) ---------------------------------------------------------
ANSWER_THRESHOLD = 62.0
"""A fact scoring at least this, with a clear lead, is answered outright."""
ANSWER_THRESHOLD_FEW = 60.0
FEW_PHRASINGS = 3
"""A fact with this many questions or fewer (as moderators write them) is answered from
ANSWER_THRESHOLD_FEW: with fewer wordings to match, its right answers score lower."""
ANSWER_MARGIN = 8.0
"""The lead an answer needs over the best other fact, unless it scores HIGH_CONFIDENCE."""
HIGH_CONFIDENCE = 95.0
EXACT_SCORE = 99.0
"""A score only a fact with the question's own words reaches."""
TIE = 1.0
"""Two facts this close are a tie, however high they score: the bot cannot tell them apart."""
KIND_LEAD = 1.0
"""The lead that is enough when the first fact gives the kind of answer asked for (a person for
"who") and the next one does not."""
SUGGEST_THRESHOLD = 45.0
"""Facts scoring at least this are offered as "did you mean" choices."""
MAX_SUGGESTIONS = 3
ROLE_SCAN = 50
"""How many facts naming a person are read for the roles the facts give them."""
READ_BUDGET = 10_000
"""How many servers' facts an index holds read at once, by default (see FactIndex.read_budget)."""
READ_SLICE = 0.01
"""Seconds of reading between two steps of `FactIndex.read_steps` (other work runs between)."""
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
UNKNOWN_TOKEN_PENALTY = 3.0
"""Per word of the question that no fact uses at all: the bot cannot know what is asked."""
MISSING_MEASURE_PENALTY = 25.0
"""The question asks for a measure (age, margin, laps, points, year ...) the fact never mentions."""
ABSENT_ANCHOR_PENALTY = 18.0
"""The question names a key term of a kind (an event, a country ...) the fact does not mention."""
CONFLICT_PENALTY = 45.0
"""A key term of the question contradicts the fact (Laura vs Jason, women's vs men's)."""
NUMBER_CONFLICT_PENALTY = 25.0
"""The question names a number the fact does not, and the fact's questions name another."""
_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def _plain_number(token: str) -> bool:
    """A number that counts or measures ("4", "100", "2.5"): not a year, time, score or place."""
    return bool(_PLAIN_NUMBER.match(token)) and not YEAR_TOKEN.match(token)


PARTIAL_ANCHOR_PENALTY = 10.0
"""The question names a key term that the fact does not, beside ones it does."""
SUBJECT_MISSING_PENALTY = 10.0
"""The fact is about a person the question does not name."""
OTHER_ANSWER_PENALTY = 8.0
"""For "did X win ...?", a fact whose answer is someone else (it can only say "no")."""
KIND_MISMATCH_PENALTY = 30.0
"""The question asks "how many" (or who, which country, ...) and the fact answers something else."""
KIND_IN_ANSWER_PENALTY = 8.0
"""... but the fact's answer sentence does name such a thing (a time, a number, a person)."""
TEXT_KIND_PENALTY = 20.0
"""A question for a count, person, country, place or medal meets a fact answered in free text."""
TEXT_KIND_MILD_PENALTY = 8.0
"""A question for a date or an event meets a fact answered in free text."""
QUOTED_BONUS = 30.0
QUOTED_MIN_RATIO = 80.0
"""A fact whose quote (or answer) contains the words a question quotes gets up to this bonus."""
FOREIGN_TOPIC_PENALTY = 20.0
"""A bundled fact, in a server with its own facts, for a question naming none of its people or
events."""
ANSWERED_BY_NO = frozenset({"nation", "medal", "rank"})
"""Key terms a yes/no question may get wrong: the fact that says otherwise answers it."""
YES_NO_WORDS = frozenset({"is", "was", "did", "does", "do", "has", "have", "are", "were", "can"})
UNMATCHED_WORD_PENALTY = 15.0
"""Per word of the question that some facts in scope use (few enough to be telling) and this
fact does not."""
LONG_QUESTION = 5
"""From this many meaningful words on, each unmatched word costs less (UNMATCHED_WORD_PENALTY
shared out)."""
POSSESSED_PENALTY = 15.0
"""The question asks for something of a person ("Novak's coach") that the fact never names."""
MINOR_EVENT_PENALTY = 10.0
"""A fact about a side event (the doubles, the wheelchair race) for a question that names no
event and nobody: such a question is about the main event."""
MINOR_EVENT_SHARE = 3
"""An event is a side event when another event of its scope has twice its facts, or when the
facts naming no event are more than this many times its own."""
FOREIGN_PLACE_PENALTY = 30.0
"""The question names a place or competition no fact in scope knows ("the Lakeside Open")."""
SPECIFIC_SHARE = 0.1
"""A word in at most this share of the scope's facts is telling."""
PLACE_WEIGHT = 0.3
"""The share of its weight a word of the topic's places keeps ("in Port Alder" says little)."""
ANSWER_WORDING = 0.85
QUOTE_WORDING = 0.8
"""How much a match on the answer sentence (or the quote) counts, against one on a question."""
ANSWER_COVER = 1.0
"""For the answer sentence and the quote, precision is at least this share of how much of the
question they cover."""
PHRASING_ANCHOR_PENALTY = 10.0
"""Per key term of the matched phrasing (a person, event, medal ...) that the question lacks."""
UNKNOWN_TOKEN_WEIGHT = 1.3
"""A question word no fact uses weighs this much more than the rarest known word."""
ANCHOR_WEIGHT = 1.6
"""Key terms count this much more than other words in recall and precision."""

MIN_TYPO_LENGTH = 4
NAME_TYPO_LENGTH = 5
"""From this length a word may be two edits from a person's name that starts with the same three
letters ("harry" for "harrie", but not "lavry" for "laura")."""
SHORT_WORD = 4
"""Words this short are only corrected to a person's name missing a letter ("keny"): they have
too many neighbours ("help" is one letter from "held", "tall" from "tally")."""


INFLECTIONS = ("led", "ling", "ing", "ed", "en", "er", "ly", "n", "d", "s")
"""Endings tried, longest first, to find a known word in an unknown one ("overtaken")."""
COMMAND_PREFIXES = ("/", "!", "?", ".", "$", "-", ">", "+")
_LANGUAGE_BY_HEAD: dict[str, tuple[str, ...]] = {}
for _w in LANGUAGE_TYPO_POOL:
    _LANGUAGE_BY_HEAD[_w[0]] = (*_LANGUAGE_BY_HEAD.get(_w[0], ()), _w)

_QUOTED = re.compile(r"[\"“”]([^\"“”]{6,})[\"“”]|(?<![\w])['‘’](.{6,})['‘’](?![\w])")


SAID_WORDS_MIN = 3
"""Words after "who said" that are taken as the words quoted, without quotation marks."""
SAID_WITHIN = 4
"""How far into a question "said" may come ("who was it that said ...")."""


def _quoted_span(text: str) -> str:
    """The words a question quotes ("who said 'it's now or never'?"), folded; "" if none.
    Without quotation marks, what follows "who said" (or "which player said") is quoted."""
    m = _QUOTED.search(text)
    if m is not None:
        span = fold(m.group(1) or m.group(2)).strip()
        return span if len(span.split()) >= 2 else ""
    said = fold(text).split()
    if not said or said[0] not in {"who", "which"}:
        return ""
    for i, word in enumerate(said[1 : SAID_WITHIN + 1], start=1):
        if tokens(word.strip(",:;")) == ("say",):
            rest = said[i + 1 :]
            if rest[:1] == ["that"]:
                rest = rest[1:]
            span = " ".join(rest).strip(" ?!.,'\"")
            return span if len(span.split()) >= SAID_WORDS_MIN else ""
    return ""


_MONEY_VERBS = language().money_verbs
_DURATION_ASKS = language().duration_asks
_DURATION_VERBS = language().duration_verbs
_GENERAL_WORDS = language().stand_ins
_CONTEXT_WORDS = language().context_words
_NEIGHBOURS = language().neighbours
_PLACE_WORDS = language().place_words
_MEASURES = frozenset(w for w, (cls, _) in GENERAL_TERMS.items() if cls == "measure")


def _asks_money(raw: Sequence[str]) -> bool:
    """ "How much did she get?": "how much" with a verb of being paid, and no "by" (a margin)."""
    return (
        any(a == "how" and b == "much" for a, b in itertools.pairwise(raw))
        and any(w in _MONEY_VERBS for w in raw)
        and raw[-1:] != ["by"]
    )


def _asks_duration(raw: Sequence[str]) -> bool:
    """ "How long did Kang vs Novak take?": words that ask for a duration, and a last word that
    says how long it lasted (read as "win" otherwise)."""
    if not raw or raw[-1] not in _DURATION_VERBS:
        return False
    return any(
        tuple(raw[i : i + len(ask)]) == ask
        for ask in _DURATION_ASKS
        for i in range(len(raw) - len(ask) + 1)
    )


def _asks_margin(raw: Sequence[str]) -> bool:
    """ "How much did she win by?": "how much" (or "how many seconds") ending in "by", or
    after it ("by how much did she win?")."""
    return (raw[-1:] == ["by"] or raw[:1] == ["by"]) and any(
        a == "how" and b in {"much", "many", "far"} for a, b in itertools.pairwise(raw)
    )


def _with_margin(text: str, content: Sequence[str]) -> Sequence[str]:
    """A fact's phrasing read as a question is: "by how much did she break the record?" asks
    for a margin, as the member's "how much did she beat the record by?" does."""
    if "margin" not in content and "by" in fold(text) and _asks_margin(words(text)):
        return (*content, "margin")
    return content


_STAND_INS = {
    "nation": frozenset({"country"}) | frozenset(NATION_TOKENS),
    "medal": frozenset({"medal", "gold", "silver", "bronze"}),
    "rank": frozenset({"place", "finish", "seed"}) | frozenset(f"{n}th" for n in range(1, 41)),
}
"""Words of a phrasing that ask for what a yes/no question names (a nation, a medal, a place)."""
_STAND_IN_KIND = ("nation", "medal", "ordinal")


def _yes_no(toks: Sequence[str], raw: Sequence[str]) -> str:
    """The word a yes/no question starts with ("did", "is" ...), "" for any other question;
    "did any" for "did she win any race?", which asks what, not who."""
    if not toks or toks[0] not in YES_NO_WORDS:
        return ""
    if toks[0] == "did" and "any" in raw:
        return "did any"
    return toks[0]


_WIDE_FOCUS = frozenset(
    {
        "country",
        "place",
        "time",
        "year",
        "event",
        "race",
        "day",
        "date",
        "athlete",
        "number",
        "medal",
    }
    | {"title", "men", "women", "team", "colour", "color", "person", "one"}
)
"""What a question may ask for without the fact using the word ("which country" is answered by
"Italy")."""
_POSSESSIVE = re.compile(r"([a-z]+)'s ([a-z]+)")


def _possessed(text: str, raw: Sequence[str], query: _Query) -> frozenset[str]:
    """What a question asks for after "what" or "which" ("at what km"), and what it asks of
    someone it names ("Novak's coach" -> coach): a fact without it is not about what is asked."""
    found = set()
    for i, w in enumerate(raw[:-1]):
        counted = w == "how" and raw[i + 1] == "many"  # "how many caps ...": caps is counted
        at = i + 2 if counted else i + 1
        if (counted or w in {"what", "which"}) and at < len(raw):  # "at what km ..."
            focus = tokens(raw[at])
            if (
                focus
                and focus[0] in query.token_set
                and focus[0] not in _MEASURES
                and focus[0] not in _WIDE_FOCUS
            ):
                found.add(focus[0])
            break
    if "'" not in text or not query.name_people:
        return frozenset(found)
    for owner, thing in _POSSESSIVE.findall(fold(text)):
        owner_toks, thing_toks = tokens(owner), tokens(thing)
        if (
            owner_toks
            and owner_toks[0] in query.name_people
            and thing_toks
            and thing_toks[0] in query.token_set
            and thing_toks[0] not in _MEASURES
        ):
            found.add(thing_toks[0])
    return frozenset(found)


PREAMBLE_WORDS = 4
PREAMBLE_REST = 3
_PREAMBLE = re.compile(
    rf"^\s*((?:[^\W\d]+[\s,]+){{0,{PREAMBLE_WORDS - 1}}}[^\W\d]+)\s*:\s+(.+)$", re.S
)
"""A lead-in of at most PREAMBLE_WORDS words and a colon ("Quiz round one: ..."), before a
question of at least PREAMBLE_REST words."""
_MENTION = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>|^\s*@[\w.-]+[:,]?")
"""Discord mentions, channels and custom emoji, and an "@Name" the question starts with."""


_BREAK = "\x00"
"""Between two texts of a fact: the words either side are not one name."""
_IMPLICIT = frozenset({"score", "time", "racetime", "year", "whatyear", "age"})
_AGE_ASIDE = re.compile(r"[A-Za-z], (?:1[4-9]|[2-9]\d),")
"""A number set off by commas after a name ("Novak, 27, was gracious") is the person's age."""
_SHORT_TIME = re.compile(
    r"\b(?:in|clocked|clocking|at) \d{1,2}\.\d{2}\b(?! ?(?:m|km|metres|points|pts)\b)"
)
"""A race under a minute: "won the 100 m in 57.91" is a time, as "in 2:05:41" is."""

_FACTORS: dict[tuple[float, ...], tuple[float, ...]] = {}


def _factors(questions: int, extra: tuple[float, ...]) -> tuple[float, ...]:
    """The wording factors of a fact: 1 per question, then those of its answer and quote (one
    shared tuple per distinct shape, since facts have few shapes)."""
    key = (1.0,) * questions + extra
    return _FACTORS.setdefault(key, key)


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
    lexicon: Lexicon
    token_set: frozenset[str] = frozenset()
    norm: str = ""
    total: float = 0.0
    anchors: dict[str, frozenset[str]] = field(default_factory=dict)
    keys: frozenset[str] = frozenset()
    unknown: int = 0
    yes_no: str = ""  # the word a yes/no question starts with ("did", "is" ...)
    scope: int = GLOBAL_SCOPE  # the server asked in, when it has facts of its own
    specific: frozenset[str] = frozenset()  # known words rare enough to point at facts
    name_people: dict[str, frozenset[str]] = field(default_factory=dict)
    roles: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    """person -> (places, events) the facts give them ("Okello" finished second in the men's
    race): a fact about that role is about them ("how much did Okello get?")."""
    described: frozenset[str] = NO_KEYS
    """The one person a question naming nobody means by their place in an event ("the keirin
    silver medallist"), as the facts that answer who it was give them."""
    description: frozenset[str] = NO_KEYS  # the question's words that describe them
    beaten: bool = False  # "who did X beat?": X is where to look, the runner-up is asked for
    relation: frozenset[str] = NO_KEYS
    """With `beaten`, the question's words that say who is asked for beside X ("beat",
    "behind"): the fact about that place answers them."""
    where: bool = False  # "where does the race finish?": a place, not a count or a person
    minor_events: dict[int, frozenset[str]] = field(default_factory=dict)
    """scope -> its side events, for a question naming no event (see MINOR_EVENT_PENALTY)."""
    implied: frozenset[str] = NO_KEYS
    """Key terms a question implies without naming them: its server's main event."""
    stand_ins: tuple[tuple[str, frozenset[str]], ...] = ()
    """For a yes/no question, its nation, medal or place, with the words of a phrasing that ask
    for one ("is Solberg Swedish?" is "which country does Solberg row for?", answered no)."""
    general: tuple[tuple[str, frozenset[str]], ...] = ()
    """Its general words, with the concepts a fact may name them by ("how many people
    finished?" of "28,614 runners finished")."""
    numbers: frozenset[str] = frozenset()
    """Its plain numbers ("the 4 x 100 m relay"), not years, times or places."""

    def __post_init__(self) -> None:
        self.token_set = frozenset(self.content)
        self.numbers = frozenset(t for t in self.content if _plain_number(t))
        self.name_people = {
            t: frozenset(self.lexicon.names[t]) for t in self.content if t in self.lexicon.names
        }
        self.norm = " ".join(sorted(self.content))
        self.total = sum(self.weight(t) for t in self.content)
        self.anchors = self.lexicon.anchors_of(self.content)
        self.general = tuple((t, _GENERAL_WORDS[t]) for t in self.content if t in _GENERAL_WORDS)
        if self.yes_no:
            self.stand_ins = tuple(
                (t, _STAND_INS[kind])
                for kind in ANSWERED_BY_NO
                for t in self.anchors.get(kind, ())
                if t in self.token_set
            )
        if (
            self.yes_no == "did"
            and ("win" in self.token_set or "medal" in self.anchors)
            and "person" in self.anchors
        ):
            # "Did Kiprotich win the men's race?" is "who won the men's race?", checked; "did
            # Wild get bronze?" is "who got bronze?".
            self.qtype = QType.PERSON
        if (
            self.qtype is QType.PERSON
            and "win" in self.token_set
            and not {"rank", "medal"} & self.anchors.keys()
        ):
            self.anchors["rank"] = frozenset({"1th"})  # "who won X?" asks for first place
        self.keys = term_keys(self.anchors, (t for t in self.content if t[0].isdigit()))

    def weight(self, token: str) -> float:
        return self.weights[token]


@dataclass(slots=True, eq=False)
class _Entry:
    """One fact and what is read from it. Until its scope is first asked, only the fact."""

    fact: Fact
    seq: int  # the order facts were added in, across scopes
    wordings: tuple[tuple[str, ...], ...] = ()
    """The content tokens of each question, then of the answer sentence and the quote (each
    token once, sorted: fuzz.ratio on them joined is a token-sort ratio)."""
    factors: tuple[float, ...] = ()  # below 1 for the answer sentence and the quote
    wording_keys: tuple[frozenset[str], ...] | None = None
    """Key terms of each wording as "class:value", numbers as "number:7"; read when first scored."""
    vocab: tuple[str, ...] = ()  # every word of its wordings, answer and tags, sorted
    answer_vocab: tuple[str, ...] = ()  # the words of its answer sentence and tags, sorted
    answer_values: frozenset[str] = NO_KEYS  # numbers and places among its short answers
    answer_kinds: frozenset[str] = NO_KEYS  # what its answer sentence names: a time, ...
    answer_people: frozenset[str] = NO_KEYS  # who its short answers name
    anchors: dict[str, frozenset[str]] = field(default_factory=dict)
    subjects: frozenset[str] = NO_KEYS
    asks: frozenset[QType] = frozenset()  # what its own questions ask for (who, how many ...)
    stale: bool = True  # its key terms must be read again (its scope learned a term it has)


_WINNING = frozenset({"win", "champion"})
_FIRST = frozenset({"1th"})
_PLACING = frozenset({"finish", "place"})
"""What a question asks of a place in the order: where someone finished."""
_SECOND = frozenset({"2th"})
_AGAINST = frozenset({"against"})
_BEAT = frozenset({"beat"})
_NOT_WHERE = frozenset(
    {QType.COUNT, QType.PERSON, QType.TIME, QType.DATE, QType.MEDAL, QType.REASON, QType.QUOTE}
)
"""What a fact's own questions may all ask for that no "where ...?" question asks."""
_ABOUT_SUBJECT = frozenset({QType.PERSON, QType.COUNT})
"""Questions that a fact's own question of that kind answers only when it is not about the
person asked of ("who is Laura?" does not answer "who coaches Laura?", nor "how many golds has
Jason?" "how many more golds has Jason than Laura?"): "where did Alemu prepare?" answers "where
did Alemu train?"."""
_DESCRIBING = frozenset({"event", "medal", "rank"})
"""Key terms that name someone by their place in an event ("the keirin silver medallist")."""
_IMPLIED_MEASURES = frozenset({"year", "racetime"})
"""Measures a fact has for naming a year or a time anywhere, not for asking about one."""


def _role_ranks(entry: _Entry) -> frozenset[str]:
    """The places a fact is about: its own ("runners-up" -> 2nd), or 1st for a winner's (not
    any "first": "the first edition" is no winner's)."""
    ranks = entry.anchors.get("rank", NO_KEYS) - _FIRST
    questions = entry.wordings[: len(entry.fact.all_questions)]
    if any(_WINNING.intersection(toks) for toks in questions):
        return ranks | _FIRST
    return ranks


def _ask_for_beaten(query: _Query) -> None:
    """ "Who did Ferrante beat in the final?" asks for the runner-up of the events the facts
    say Ferrante won: he names where to look, not who is asked for."""
    winners = {p: events for p, (ranks, events) in query.roles.items() if "1th" in ranks}
    if not winners or not all(winners.values()):
        return
    people = query.anchors.get("person", NO_KEYS) - winners.keys()
    anchors = {k: v for k, v in query.anchors.items() if k not in {"person", "rank"}}
    if people:
        anchors["person"] = people
    anchors["rank"] = _SECOND
    if "event" not in anchors:
        anchors["event"] = frozenset().union(*winners.values())
    query.anchors = anchors
    query.roles = {p: (_SECOND, events) for p, events in winners.items()}
    query.keys = term_keys(anchors, (t for t in query.content if t[0].isdigit()))
    query.beaten = True
    query.relation = _BEAT


def _ask_for_neighbour(query: _Query, relation: str, shift: int) -> None:
    """ "Who finished just behind Kiprotich?" asks for the place after the one the facts give
    Kiprotich, in his event: he names where to look, not who is asked for."""
    placed = [
        (p, ranks, events)
        for p, (ranks, events) in query.roles.items()
        if len(ranks) == 1
        and (events or "sex" in query.anchors)  # a race of one sex needs no event's name
        and p in query.anchors.get("person", NO_KEYS)
    ]
    if len(placed) != 1 or len(query.roles) != 1:
        return
    # Only about places: "who finished behind Okello?", not "who is the coach behind Okello?"
    lexicon = query.lexicon
    if not all(
        t == relation or t in _PLACING or t in lexicon.names or t in lexicon.events
        for t in query.content
    ) or _PLACING.isdisjoint(query.content):
        return
    person, ranks, events = placed[0]
    place = int(next(iter(ranks))[:-2]) + shift
    if place < 1:
        return
    target = frozenset({f"{place}th"})
    people = query.anchors.get("person", NO_KEYS) - {person}
    anchors = {k: v for k, v in query.anchors.items() if k not in {"person", "rank", "sex"}}
    if people:
        anchors["person"] = people
    anchors["rank"] = target
    if "event" not in anchors and events:
        anchors["event"] = events
    if "sex" in query.anchors:
        anchors["sex"] = query.anchors["sex"]
    query.anchors = anchors
    query.roles = {person: (target, events)}
    query.keys = term_keys(anchors, (t for t in query.content if t[0].isdigit()))
    query.beaten = True
    query.relation = frozenset({relation}) | _PLACING  # the place's fact says where they came


_ASKS: dict[frozenset[QType], frozenset[QType]] = {}


def _sweep_shared() -> int:
    """Drop the shared key-term sets that no fact uses any more (those of forgotten servers'
    facts, read again when next asked): they would otherwise pile up as servers come and go.
    Returns how many are left."""
    unused = [s for s in _SHARED if sys.getrefcount(s) <= 4]  # the table's two, and ours
    for s in unused:
        del _SHARED[s]
    return len(_SHARED)


def _names_topic(entry: _Entry, query: _Query) -> bool:
    """Whether a question names one of a fact's people or events (True if it has none)."""
    people = entry.anchors.get("person", NO_KEYS)
    events = entry.anchors.get("event", NO_KEYS)
    if not people and not events:
        # a fact about the Games themselves: the question must name its year or its place
        years = entry.anchors.get("year", NO_KEYS)
        return (
            not years
            or bool(query.anchors.get("year", NO_KEYS) & years)
            or any(t in query.lexicon.places for t in query.token_set.intersection(entry.vocab))
        )
    return not people.isdisjoint(query.anchors.get("person", ())) or not events.isdisjoint(
        query.anchors.get("event", ())
    )


def _df(posting: _Entry | list[_Entry] | None) -> int:
    if posting is None:
        return 0
    return 1 if isinstance(posting, _Entry) else len(posting)


def _each(posting: _Entry | list[_Entry] | None) -> Sequence[_Entry]:
    if posting is None:
        return ()
    return (posting,) if isinstance(posting, _Entry) else posting


@dataclass(slots=True)
class _Scope:
    """One scope's facts, and what is computed from them: word statistics, typo pools, key terms.

    A question in a server sees the bundled scope and that server's scope, never another's.
    What is computed is built when the scope is first asked (or warmed), in one pass.
    """

    entries: dict[str, _Entry] = field(default_factory=dict)  # by fact id, in the order added
    built: bool = False
    postings: dict[str, _Entry | list[_Entry]] = field(default_factory=dict)
    """word -> the facts using it: one fact alone (most words of a server's facts), or a list"""
    vocab_by_head: dict[str, list[str]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)  # name tokens: typos of these are corrected
    quoted: set[str] = field(default_factory=set)  # words of the quoted source sentences
    lexicon: Lexicon = field(default_factory=Lexicon)
    lex_version: int = 0  # bumped when the lexicon learns a term
    minor_events: tuple[tuple[int, int, int], tuple[frozenset[str], frozenset[str]]] | None = None
    """(lex_version, facts, last fact's seq) -> the scope's side events (see `side_events`)."""

    @property
    def live(self) -> int:
        return len(self.entries)

    def side_events(self) -> tuple[frozenset[str], frozenset[str]]:
        """The events of this scope that far fewer of its facts are about than another event
        (the doubles beside the singles), or than the facts naming no event (the wheelchair race
        beside the race): a question naming no event is not about them. Then the others, its
        main events, which such a question is about."""
        if not self.entries:
            return NO_KEYS, NO_KEYS
        key = (self.lex_version, len(self.entries), next(reversed(self.entries.values())).seq)
        if self.minor_events is not None and self.minor_events[0] == key:
            return self.minor_events[1]
        counts: dict[str, int] = {}
        plain = 0
        for entry in self.entries.values():
            events = entry.anchors.get("event")
            if not events:
                plain += 1
            for ev in events or ():
                counts[ev] = counts.get(ev, 0) + 1
        top = max(counts.values(), default=0)
        minor = frozenset(
            ev for ev, n in counts.items() if 2 * n <= top or n * MINOR_EVENT_SHARE < plain
        )
        split = (minor, frozenset(counts.keys() - minor))
        self.minor_events = (key, split)
        return split


@dataclass(slots=True)
class _View:
    """The scopes a question is asked in (the bundled one, and its server's if it has facts)."""

    scopes: tuple[_Scope, ...]
    lexicon: Lexicon

    def df(self, token: str) -> int:
        return sum(_df(s.postings.get(token)) for s in self.scopes)

    @property
    def live(self) -> int:
        return sum(len(s.entries) for s in self.scopes)

    def known(self, token: str) -> bool:
        return any(token in s.postings for s in self.scopes)

    def quoted(self, token: str) -> bool:
        return any(token in s.quoted for s in self.scopes)

    def is_name(self, token: str) -> bool:
        return any(token in s.names for s in self.scopes)

    def head(self, letter: str) -> list[str]:
        if len(self.scopes) == 1:
            return self.scopes[0].vocab_by_head.get(letter, [])
        out: list[str] = []
        for s in self.scopes:
            out.extend(s.vocab_by_head.get(letter, ()))
        return out

    def postings(self, token: str) -> Iterator[Sequence[_Entry]]:
        for s in self.scopes:
            p = s.postings.get(token)
            if p:
                yield (p,) if isinstance(p, _Entry) else p


@dataclass(slots=True)
class FactIndex:
    """All facts the bot can answer from, indexed for fast matching; updated in place.

    The bundled scope is read when the index is built; a server's scope when a question is
    first asked there (or `warm` reads it), so that many servers' facts load in seconds.
    """

    _scopes: dict[int, _Scope] = field(default_factory=dict)
    _hidden: dict[int, set[str]] = field(default_factory=dict)
    _views: dict[int, tuple[tuple[int, int], Lexicon]] = field(default_factory=dict)
    _terms: list[TermsFileSpec] = field(default_factory=list)
    _live: int = 0
    _seq: int = 0
    read_budget: int = 0
    """How many servers' facts may be held read at once (READ_BUDGET unless set; the bundled
    ones are always read): beyond it, the servers asked least recently are forgotten and read
    again when next asked, so that memory follows the servers in use, not all servers."""
    _recent: OrderedDict[int, None] = field(default_factory=OrderedDict)  # least recent first
    _read_facts: int = 0
    _memo: dict[str, tuple[str, ...]] | None = None  # texts read, while a scope is built
    _swept: int = 0  # the shared key-term sets left by the last sweep

    @classmethod
    def build(
        cls, facts: Iterable[Fact], *, terms: Iterable[TermsFileSpec] | None = None
    ) -> FactIndex:
        """An index of facts. `terms` are the bundled facts' terms files (default: those
        beside the bundled facts, `facts/terms/`)."""
        index = cls()
        index._terms = list(load_terms_dir() if terms is None else terms)
        index._scope(GLOBAL_SCOPE)
        for fact in facts:
            index.add(fact, refresh=False)
        index._build_scope(GLOBAL_SCOPE)  # every question reads the bundled scope
        return index

    def refresh(self) -> None:
        """Read the key terms of every fact whose terms changed (after adding many at once)."""
        for scope_id, scope in self._scopes.items():
            if not scope.built:
                continue
            lexicon = self._reading_lexicon(scope_id)
            for entry in scope.entries.values():
                if entry.stale:
                    self._refresh(entry, lexicon)

    def warm(self, guild_id: int | None = None) -> int:
        """Read a server's facts now rather than when a question is first asked there (with
        guild_id None, every server's, as far as the read budget allows). Returns how many facts
        were read."""
        ids = [GLOBAL_SCOPE, guild_id] if guild_id else list(self._scopes)
        done = 0
        for scope_id in ids:
            scope = self._scopes.get(scope_id) if scope_id is not None else None
            if scope is None or scope.built:
                continue
            if (
                guild_id is None
                and scope_id != GLOBAL_SCOPE
                and self._read_facts + len(scope.entries) > self._budget()
            ):
                continue
            self._built_scope(scope_id)
            done += len(scope.entries)
        return done

    def holds(self, guild_id: int | None) -> bool:
        """Whether a question there is answered from facts already read (DMs always are)."""
        scope = self._scopes.get(guild_id) if guild_id else None
        return scope is None or scope.built

    @property
    def read_facts(self) -> int:
        """How many servers' facts are held read now."""
        return self._read_facts

    def _budget(self) -> int:
        return self.read_budget or READ_BUDGET

    def add_terms(self, terms: Iterable[TermsFileSpec]) -> None:
        """Teach the bundled scope the key terms of a terms file."""
        terms = list(terms)
        self._terms.extend(terms)
        scope = self._scope(GLOBAL_SCOPE)
        if not scope.built:
            return
        for spec in terms:
            self._teach(scope, spec)
        scope.lexicon.learned.add(ALL)
        self._learned(GLOBAL_SCOPE)

    @staticmethod
    def _teach(scope: _Scope, spec: TermsFileSpec) -> None:
        scope.lexicon.add_terms_file(spec)
        for person in {p for ps in scope.lexicon.names.values() for p in ps}:
            scope.names.update(person.split())

    def _learned(self, scope_id: int) -> None:
        """After a scope's lexicon learned terms: the facts using them read them again."""
        scope = self._scopes[scope_id]
        learned = scope.lexicon.learned
        if not learned:
            return
        scope.lex_version += 1
        # The bundled scope's terms are read by every server's facts too.
        scopes = self._scopes.values() if scope_id == GLOBAL_SCOPE else (scope,)
        for s in scopes:
            if not s.built:
                continue
            if ALL in learned:
                entries: Iterable[_Entry] = s.entries.values()
            else:
                entries = (e for t in learned for e in _each(s.postings.get(t)))
            for entry in entries:
                entry.stale = True
                entry.wording_keys = None
        learned.clear()

    def _scope(self, scope_id: int) -> _Scope:
        scope = self._scopes.get(scope_id)
        if scope is None:
            scope = self._scopes[scope_id] = _Scope()
        return scope

    def _built_scope(self, scope_id: int) -> _Scope | None:
        """A scope, read if it was not yet; None if no fact was ever added to it."""
        scope = self._scopes.get(scope_id)
        if scope is None or scope_id == GLOBAL_SCOPE:
            if scope is not None and not scope.built:
                self._build_scope(scope_id)
            return scope
        if scope.built:
            self._recent.move_to_end(scope_id)
            return scope
        self._build_scope(scope_id)
        self._held(scope_id, scope)
        return scope

    def _held(self, scope_id: int, scope: _Scope) -> None:
        """A server's scope was just read: count it, and forget the least recent beyond budget."""
        self._recent[scope_id] = None
        self._read_facts += len(scope.entries)
        forgot = False
        while self._read_facts > self._budget() and len(self._recent) > 1:
            oldest = next(iter(self._recent))
            self._forget(oldest)
            forgot = True
        if forgot and len(_SHARED) > self._swept * 1.2 + 10_000:
            self._swept = _sweep_shared()

    def read_steps(self, guild_id: int, slice_seconds: float = READ_SLICE) -> Iterator[None]:
        """Read a server's facts a slice at a time, for a caller that lets other work run
        between the steps (an event loop answering other servers: `for _ in ...: await
        asyncio.sleep(0)`). No step takes much longer than `slice_seconds`.

        The facts are read into a fresh copy of the scope that takes its place at the last
        step; until then the server is not held, and a change to its facts made in between
        (or a question there answered at once) makes the copy read again (or not needed).
        """
        for _ in range(3):
            live = self._scopes.get(guild_id)
            if live is None or live.built or not guild_id:
                return
            base = self._built_scope(GLOBAL_SCOPE)
            assert base is not None
            base_version = base.lex_version
            fresh = _Scope(
                {k: _Entry(e.fact, e.seq) for k, e in live.entries.items()},
                lex_version=live.lex_version,
            )
            steps = self._build_steps(guild_id, fresh, slice_seconds)
            while True:
                if self._scopes.get(guild_id) is not live or live.built:
                    return  # read meanwhile (or every fact removed)
                self._scopes[guild_id] = fresh  # what the reading looks up is the copy
                try:
                    done = next(steps, True) is True
                finally:
                    self._scopes[guild_id] = live
                if done:
                    break
                yield
            same = live.entries.keys() == fresh.entries.keys() and all(
                live.entries[k].fact is e.fact for k, e in fresh.entries.items()
            )
            if not same:
                continue  # its facts changed while it was read: read them again
            if base.lex_version != base_version:  # the bundled terms changed meanwhile
                for entry in fresh.entries.values():
                    entry.stale, entry.wording_keys = True, None
            self._scopes[guild_id] = fresh
            self._held(guild_id, fresh)
            return
        self._built_scope(guild_id)  # changed on every try: read at once

    def warm_steps(self, slice_seconds: float = READ_SLICE) -> Iterator[None]:
        """`warm()` a slice at a time (see `read_steps`): every server's facts, as far as the
        read budget allows."""
        for scope_id in list(self._scopes):
            scope = self._scopes.get(scope_id)
            if scope is None or scope.built or scope_id == GLOBAL_SCOPE:
                continue
            if self._read_facts + len(scope.entries) > self._budget():
                continue
            yield from self.read_steps(scope_id, slice_seconds)

    def _forget(self, scope_id: int) -> None:
        """Drop what was read from a server's facts (they are read again when next asked)."""
        scope = self._scopes[scope_id]
        del self._recent[scope_id]
        self._read_facts -= len(scope.entries)
        self._views.pop(scope_id, None)
        scope.built = False
        scope.postings, scope.vocab_by_head = {}, {}
        scope.names, scope.quoted = set(), set()
        scope.lexicon = Lexicon()
        scope.entries = {k: _Entry(e.fact, e.seq) for k, e in scope.entries.items()}

    def _build_scope(self, scope_id: int) -> None:
        """Read every fact of a scope in one pass: its lexicon first, then each fact's words."""
        scope = self._scopes[scope_id]
        if scope.built:
            return
        if scope_id != GLOBAL_SCOPE:
            self._build_scope(GLOBAL_SCOPE)  # a server's facts are read with the bundled terms
        for _ in self._build_steps(scope_id, scope, None):
            pass

    def _build_steps(
        self, scope_id: int, scope: _Scope, slice_seconds: float | None
    ) -> Iterator[None]:
        """`_build_scope`'s work, yielding after every `slice_seconds` of it (None: never)."""
        clock = time.perf_counter
        deadline = clock() + slice_seconds if slice_seconds is not None else math.inf
        scope.lexicon = Lexicon()
        scope.postings, scope.vocab_by_head = {}, {}
        scope.names, scope.quoted = set(), set()
        if scope_id == GLOBAL_SCOPE:
            for spec in self._terms:
                self._teach(scope, spec)
        entries = list(scope.entries.values())
        for entry in entries:
            scope.lexicon.add_fact(entry.fact)
            if clock() > deadline:
                yield
                deadline = clock() + (slice_seconds or 0.0)
        scope.lexicon.learned.clear()
        scope.lex_version += 1
        scope.built = True
        lexicon = self._reading_lexicon(scope_id)
        memo: dict[str, tuple[str, ...]] = {}  # the terms texts are read with do not change
        for reading in (True, False):
            for entry in entries:
                self._memo = memo
                try:
                    if reading:
                        self._read_entry(scope, entry, lexicon)
                    else:
                        self._refresh(entry, lexicon)
                finally:
                    self._memo = None
                if clock() > deadline:
                    yield
                    deadline = clock() + (slice_seconds or 0.0)

    def _reading_lexicon(self, scope_id: int) -> Lexicon:
        """The lexicon a scope's facts (and questions in it) are read with: its own over the
        bundled one."""
        base = self._scopes[GLOBAL_SCOPE]
        if scope_id == GLOBAL_SCOPE:
            return base.lexicon
        own = self._scopes[scope_id]
        lex_key = (base.lex_version, own.lex_version)
        cached = self._views.get(scope_id)
        if cached is None or cached[0] != lex_key:
            cached = (lex_key, base.lexicon.merged(own.lexicon))
            self._views[scope_id] = cached
        return cached[1]

    def _view(self, guild_id: int | None) -> _View:
        base = self._built_scope(GLOBAL_SCOPE)
        assert base is not None
        own = self._built_scope(guild_id) if guild_id else None
        if own is None:
            return _View((base,), base.lexicon)
        return _View((base, own), self._reading_lexicon(guild_id or 0))

    # --- maintenance ------------------------------------------------------------------------
    def _read(self, text: str, lexicon: Lexicon) -> Sequence[str]:
        memo = self._memo
        if memo is None:
            return content_tokens(lexicon.apply(tokens(text)))
        got = memo.get(text)
        if got is None:  # a scope's texts are read several times while it is built
            got = memo[text] = tuple(content_tokens(lexicon.apply(tokens(text))))
        return got

    def add(self, fact: Fact, *, refresh: bool = True) -> None:
        """Add a fact, replacing any fact with the same scope and id.

        Its key terms are read at once unless `refresh` is False (then call `refresh()`), or
        when its scope is first asked if the scope was not read yet.
        """
        scope = self._scope(fact.scope)
        if fact.id in scope.entries:
            self.remove(fact.key)
        self._seq += 1
        entry = _Entry(fact, self._seq)
        scope.entries[fact.id] = entry
        self._live += 1
        if not scope.built:
            return
        if fact.scope in self._recent:
            self._read_facts += 1
        scope.lexicon.add_fact(fact)
        self._learned(fact.scope)
        lexicon = self._reading_lexicon(fact.scope)
        self._read_entry(scope, entry, lexicon)
        if refresh:
            self._refresh(
                entry, lexicon
            )  # its key terms now, so that no question pays for reading them

    def _read_entry(self, scope: _Scope, entry: _Entry, lexicon: Lexicon) -> None:
        """Read a fact's words into its entry and its scope's postings."""
        fact = entry.fact
        wordings = []
        vocab: set[str] = set()
        for text in fact.all_questions:
            content = _with_margin(text, self._read(text, lexicon))
            wordings.append(tuple(sorted(set(content))))
            vocab.update(content)
        # The answer sentence and the quote are wordings too, of a lesser kind: "what time did
        # Sousa run?" is worded like "Sousa was second, in 2:20:59", not like "who was second?".
        extra: list[float] = []
        said = self._read(fact.answer, lexicon)
        tagged = [t for tag in fact.tags for t in self._read(tag.replace("-", " "), lexicon)]
        implicit = {  # "at 6-5" answers "at what score", "in 2:21:40" "what time"
            word
            for t in (*said, *tagged)
            for word in (
                ("score",)
                if SCORE_TOKEN.match(t)
                else ("time", "racetime")
                if TIME_TOKEN.match(t)
                else ("year", "whatyear")
                if YEAR_TOKEN.match(t)
                else ()
            )
        }
        if _SHORT_TIME.search(fact.answer):
            implicit.update(("time", "racetime"))
        if _AGE_ASIDE.search(fact.answer):
            implicit.add("age")  # "Paul Keane of Ireland, 44, won ...": his age
        for content, factor in (
            ((*said, *implicit), ANSWER_WORDING),
            (self._read(fact.quote or "", lexicon), QUOTE_WORDING),
        ):
            if content:
                wordings.append(tuple(sorted(set(content))))
                extra.append(factor)
        answer_words = set(said).union(implicit, tagged)
        vocab.update(answer_words)
        short = [t for a in fact.accept for t in self._read(a, lexicon)]
        entry.wordings = tuple(wordings)
        entry.factors = _factors(len(fact.all_questions), tuple(extra))
        entry.wording_keys = None
        entry.vocab = tuple(sorted(vocab))
        entry.answer_vocab = tuple(sorted(answer_words))
        entry.answer_values = shared_set(t for t in short if t[0].isdigit())
        entry.stale = True
        # A word of the article is not an unknown word, even where no phrasing uses it.
        scope.quoted.update(self._read(fact.quote or "", lexicon))
        if fact.kind == "person":  # people's names: short typos of these are worth correcting
            scope.names.update(short)
        for about in fact.about:
            scope.names.update(self._read(about, lexicon))
        for t in entry.vocab:
            posting = scope.postings.get(t)
            if posting is None:
                scope.postings[t] = entry
                if len(t) >= MIN_TYPO_LENGTH and not t[0].isdigit():
                    scope.vocab_by_head.setdefault(t[0], []).append(t)
            elif isinstance(posting, _Entry):
                scope.postings[t] = [posting, entry]
            else:
                posting.append(entry)

    def remove(self, key: tuple[int, str]) -> Fact | None:
        """Remove a fact by (scope, id); returns it, or None if it was not indexed."""
        scope = self._scopes.get(key[0])
        entry = scope.entries.pop(key[1], None) if scope is not None else None
        if scope is None or entry is None:
            return None
        self._live -= 1
        if key[0] in self._recent:
            self._read_facts -= 1
        if scope.built:
            for t in entry.vocab:
                posting = scope.postings.get(t)
                if posting is entry:
                    scope.postings[t] = []  # a word once used stays a known word
                elif isinstance(posting, list) and entry in posting:
                    posting.remove(entry)
        return entry.fact

    def hide(self, guild_id: int, fact_id: str) -> None:
        """Hide a bundled fact in one server."""
        self._hidden.setdefault(guild_id, set()).add(fact_id)

    def unhide(self, guild_id: int, fact_id: str) -> None:
        self._hidden.get(guild_id, set()).discard(fact_id)

    def get(self, fact_id: str, guild_id: int | None = None) -> Fact | None:
        """A fact visible in a server (its own first, then a bundled one), by id."""
        for scope_id in ((guild_id,) if guild_id else ()) + (GLOBAL_SCOPE,):
            scope = self._scopes.get(scope_id)
            entry = scope.entries.get(fact_id) if scope is not None else None
            if entry is not None and self._visible(entry.fact, guild_id):
                return entry.fact
        return None

    def facts(self, guild_id: int | None = None) -> Iterator[Fact]:
        """Every fact visible in a server (or every bundled fact when guild_id is None), in the
        order they were added."""
        scopes = [GLOBAL_SCOPE, guild_id] if guild_id else [GLOBAL_SCOPE]
        lists = [list(s.entries.values()) for i in scopes if (s := self._scopes.get(i))]
        for entry in heapq.merge(*lists, key=lambda e: e.seq):
            if self._visible(entry.fact, guild_id):
                yield entry.fact

    def __len__(self) -> int:
        return self._live

    def _visible(self, fact: Fact, guild_id: int | None) -> bool:
        if fact.scope == GLOBAL_SCOPE:
            return not (guild_id and fact.id in self._hidden.get(guild_id, ()))
        return fact.scope == guild_id

    def _lexicon_of(self, entry: _Entry, view: _View | None = None) -> Lexicon:
        """The lexicon a fact's key terms are read with: its scope's (with the bundled one)."""
        if entry.fact.scope == GLOBAL_SCOPE:
            return self._scopes[GLOBAL_SCOPE].lexicon
        if view is not None and len(view.scopes) > 1:
            return view.lexicon
        return self._reading_lexicon(entry.fact.scope)

    def _wording_keys(self, entry: _Entry, view: _View) -> tuple[frozenset[str], ...]:
        keys = entry.wording_keys
        if keys is None:
            lexicon = self._lexicon_of(entry, view)
            implied = lexicon.default_years  # "the 2025 Harbour Open" in a report of 2025
            keys = entry.wording_keys = tuple(
                term_keys(
                    {
                        cls: values
                        for cls, values in lexicon.anchors_of(content, imply_sex=False).items()
                        if not (cls == "year" and values <= implied)
                    },
                    (t for t in content if t[0].isdigit() and t not in implied),
                )
                if factor == 1.0
                else NO_KEYS
                for content, factor in zip(entry.wordings, entry.factors, strict=True)
            )
        return keys

    def _stream(self, entry: _Entry, lexicon: Lexicon) -> Iterator[str]:
        """Every word of a fact, text by text in its order (a break between texts), so that
        "Luca Ferrante" is read as one person wherever it is written."""
        fact = entry.fact
        texts = (*fact.all_questions, fact.answer)
        for text in itertools.chain(texts, (tag.replace("-", " ") for tag in fact.tags)):
            yield from _with_margin(text, self._read(text, lexicon))
            yield _BREAK
        yield from (t for t in entry.answer_vocab if t in _IMPLICIT)  # "at 6-5": a score

    def _refresh(self, entry: _Entry, lexicon: Lexicon) -> None:
        """(Re)read an entry's key terms with its scope's current lexicon."""
        if not entry.stale:
            return
        fact = entry.fact
        anchors = dict(lexicon.anchors_of(self._stream(entry, lexicon)))
        if fact.sex in {"men", "women"}:
            anchors["sex"] = frozenset({fact.sex})
        # The years a fact's own scope is about (not another scope's: the bundled article's
        # Games are not a server's season).
        years = set(anchors.get("year", ())) | self._scopes[fact.scope].lexicon.default_years
        if fact.source is not None:
            years.add(str(fact.source.date.year))
        if years:
            anchors["year"] = shared_set(years)
        if any(YEAR_TOKEN.match(t) for t in entry.vocab):
            anchors["measure"] = shared_set(anchors.get("measure", frozenset()) | {"year"})
        if any(TIME_TOKEN.match(t) for t in entry.vocab):
            anchors["measure"] = shared_set(anchors.get("measure", frozenset()) | {"racetime"})
        entry.anchors = anchors
        answer = lexicon.anchors_of(entry.answer_vocab, imply_sex=False)
        kinds: set[str] = {"text"}  # any sentence can give a reason or a quote
        kinds.update(k for k in ("nation", "medal", "event") if k in answer)
        subjects = lexicon.anchors_of(self._read(fact.question, lexicon), imply_sex=False).get(
            "person", NO_KEYS
        )
        if answer.get("person", NO_KEYS) - subjects or "team" in answer:
            kinds.add("person")  # it names someone (or a team) besides whom the fact is about
        if any(TIME_TOKEN.match(t) for t in entry.answer_vocab):
            kinds.add("time")
        if any(t[0].isdigit() and not ORDINAL_TOKEN.match(t) for t in entry.answer_vocab):
            kinds.add("number")
        if "rank" in answer:
            kinds.add("ordinal")
        if "date" in answer or any(
            YEAR_TOKEN.match(t) or TIME_TOKEN.match(t) for t in entry.answer_vocab
        ):
            kinds.add("date")
        entry.answer_kinds = shared_set(kinds)
        entry.answer_people = lexicon.anchors_of(
            [t for a in fact.accept for t in self._read(a, lexicon)], imply_sex=False
        ).get("person", NO_KEYS)
        entry.subjects = subjects
        asks = frozenset(question_type(tuple(lexicon.apply(tokens(q)))) for q in fact.all_questions)
        entry.asks = _ASKS.setdefault(asks, asks)
        entry.stale = False

    # --- matching ---------------------------------------------------------------------------
    @staticmethod
    def _idf(view: _View, token: str) -> float:
        df = view.df(token)
        n = max(view.live, 1)
        if df == 0:
            return math.log(n + 1.0) + UNKNOWN_TOKEN_WEIGHT
        return math.log((n + 1.0) / (df + 0.5)) + 0.2

    @staticmethod
    def _correct(view: _View, token: str) -> str:
        """Map an unknown word to a known one: another form of it ("medalled" -> "medal"), or
        one within a small edit distance (typos)."""
        if (
            view.known(token)
            or view.quoted(token)
            or token in STOPWORDS
            or len(token) < MIN_TYPO_LENGTH
            or token[0].isdigit()
        ):
            return token
        limit = 1 if len(token) <= 6 else 2
        pool = view.head(token[0])
        if len(token) >= NAME_TYPO_LENGTH:  # names are often misspelt by more than a letter
            names = [w for w in pool if w[:3] == token[:3] and view.is_name(w)]
            name = process.extractOne(token, names, scorer=OSA.distance, score_cutoff=2)
            if name is not None:
                return name[0]
        if len(token) <= SHORT_WORD:
            pool = [w for w in pool if len(w) == len(token) + 1 and view.is_name(w)]
        for suffix in INFLECTIONS:
            stem = token[: -len(suffix)]
            if token.endswith(suffix) and len(stem) >= MIN_TYPO_LENGTH - 1:
                for form in (stem, stem + "e"):  # "overtaken" -> "overtake", "hoping" -> "hope"
                    if len(form) >= MIN_TYPO_LENGTH and view.known(form):
                        return form
        for suffix in ("ed", "d", "s", "ing"):  # "play" -> "played" (but "form" is not "former")
            if view.known(token + suffix):
                return token + suffix
        hit = process.extractOne(token, pool, scorer=OSA.distance, score_cutoff=limit)
        if hit is None and len(token) >= 6:  # a typo in the first letter
            second = [w for w in view.head(token[1]) if len(w) > 1]
            hit = process.extractOne(token, second, scorer=OSA.distance, score_cutoff=limit)
        return hit[0] if hit is not None else token

    @classmethod
    def _unknown_name(cls, view: _View, word: str) -> bool:
        """Whether a word no fact in scope uses names something ("Kingsbridge" of "the
        Kingsbridge Cup"), once typos of the facts' words are corrected."""
        if not word.isalpha() or word in STOPWORDS:
            return False
        toks = tokens(word)
        if not toks or toks[0] in CONCEPTS or toks[0] in STOPWORDS:
            return False
        return not view.known(cls._correct(view, toks[0]))

    @staticmethod
    def _join_split_words(view: _View, toks: Sequence[str]) -> list[str]:
        """Two words the facts write as one ("half way" for "halfway", "pace makers")."""
        out: list[str] = []
        i = 0
        while i < len(toks):
            a = toks[i]
            if i + 1 < len(toks) and a.isalpha() and toks[i + 1].isalpha():
                joined = a + toks[i + 1]
                if (
                    not (view.known(a) and view.known(toks[i + 1]))
                    and joined not in STOPWORDS
                    and view.known(joined)
                ):
                    out.append(joined)
                    i += 2
                    continue
            out.append(a)
            i += 1
        return out

    @classmethod
    def _correct_words(cls, view: _View, text: str) -> str:
        """Correct typos of the language's own words ("mnay", "glods") before phrases merge."""
        raw = words(text)
        changed = False
        for i, w in enumerate(raw):
            if len(w) < MIN_TYPO_LENGTH or not w.isalpha() or w in LANGUAGE_WORDS:
                continue
            token = tokens(w)[0] if tokens(w) else w
            if view.known(token) or view.quoted(token) or token in CONCEPTS:
                continue
            if cls._correct(view, token) != token:
                continue  # a word of the facts it is a typo of: corrected as a token
            pool = _LANGUAGE_BY_HEAD.get(w[0], ())
            hit = process.extractOne(w, pool, scorer=OSA.distance, score_cutoff=1)
            if hit is None and len(w) >= 5:  # "glods": the first two letters swapped
                pool = _LANGUAGE_BY_HEAD.get(w[1], ())
                hit = process.extractOne(w, pool, scorer=OSA.distance, score_cutoff=1)
            if hit is not None and (len(w) > SHORT_WORD or sorted(hit[0]) == sorted(w)):
                # a short word only by two letters swapped ("mnay"): "tall" is not "tell"
                raw[i] = hit[0]
                changed = True
        return " ".join(raw) if changed else text

    @staticmethod
    def _drop_preamble(view: _View, text: str) -> str:
        """ "Quiz round one: who won ...?" asks who won: a short lead-in before a colon that names
        nothing the facts know (no person, event, year ...) is not part of the question."""
        m = _PREAMBLE.match(text)
        if m is None or len(words(m.group(2))) < PREAMBLE_REST:
            return text
        said = view.lexicon.apply(tokens(m.group(1)))
        if QUESTION_WORDS.intersection(said) or view.lexicon.anchors_of(content_tokens(said)):
            return text  # "who won: the men or the women?", "Kenny: how many golds?"
        return m.group(2)

    @staticmethod
    def _quote_bonus(quoted: str, fact: Fact) -> float:
        best = max(
            fuzz.partial_ratio(quoted, fold(text)) if len(text) >= len(quoted) else 0.0
            for text in (fact.quote or "", fact.answer)
        )
        if best < QUOTED_MIN_RATIO:
            return 0.0
        return QUOTED_BONUS * (best - QUOTED_MIN_RATIO) / (100.0 - QUOTED_MIN_RATIO)

    def _weighter(self, view: _View) -> Callable[[str], float]:
        lexicon = view.lexicon

        def weight(token: str) -> float:
            w = self._idf(view, token)
            if (token in lexicon.places or token in lexicon.default_years) and not (
                token in lexicon.names or token in lexicon.teams
            ):
                return w * PLACE_WEIGHT
            return w * ANCHOR_WEIGHT if lexicon.is_key(token) else w

        return weight

    def match(self, question: str, guild_id: int | None = None) -> MatchResult:
        """Decide whether to answer, suggest or decline a question in a server."""
        text = question[:MAX_QUERY_CHARS]
        if text.lstrip().startswith(COMMAND_PREFIXES):  # a command for some bot, not a question
            return MatchResult(question, Outcome.DECLINE)
        text = _MENTION.sub(" ", text)  # "@TriviaBot ..." and "<@1234> ..." address the bot
        if text.lstrip().startswith(COMMAND_PREFIXES):
            return MatchResult(question, Outcome.DECLINE)
        view = self._view(guild_id)
        live = view.live
        text = self._drop_preamble(view, text)
        text = self._correct_words(view, text)
        joined = self._join_split_words(view, view.lexicon.apply(tokens(text)))
        toks = tuple(self._correct(view, t) for t in joined)
        raw = words(text)
        if toks and _asks_duration(raw) and toks[-1:] == tokens(raw[-1]):
            toks = toks[:-1]  # "how long did Kang vs Novak take?" asks how long, not who won
        content = list(dict.fromkeys(content_tokens(toks)))
        if content and _asks_money(raw) and not any(t in _MEASURES for t in content):
            content.append("prize")  # "how much did Okello get?" asks for his prize money
        elif content and _asks_margin(raw) and "margin" not in content:
            content.append("margin")  # "how much did she beat the record by?"
        if "before" in content and any(GENERAL_TERMS.get(t, ("",))[0] == "role" for t in content):
            # "the champion going in" is the defending champion: no fact need say "before"
            content.remove("before")
        if not content or len(content) > MAX_CONTENT_TOKENS or live == 0:
            return MatchResult(question, Outcome.DECLINE)
        weight_of = self._weighter(view)
        query = _Query(
            content,
            question_type(toks),
            _WeightMemo(weight_of),
            view.lexicon,
            unknown=sum(
                1 for t in content if not (view.known(t) or view.quoted(t) or t in CONCEPTS)
            ),
            yes_no=_yes_no(toks, raw),
            scope=guild_id if len(view.scopes) > 1 and guild_id else GLOBAL_SCOPE,
        )
        query.roles = self._roles(view, query, guild_id)
        query.described = self._described(view, query, guild_id)
        if query.described:
            query.description = frozenset(
                t
                for t in content
                if t == "medal"
                or not _DESCRIBING.union({"sex"}).isdisjoint(
                    view.lexicon.anchors_of((t,), imply_sex=False)
                )
            )
        query.where = query.qtype is QType.ANY and "where" in raw
        if query.qtype is QType.PERSON and "beat" in query.token_set:
            _ask_for_beaten(query)
        elif query.qtype is QType.PERSON and query.roles:
            for word in query.content:  # "who finished just behind Kiprotich?"
                shift = _NEIGHBOURS.get(word)
                if shift is not None:
                    _ask_for_neighbour(query, word, shift)
                    break
        if "event" not in query.anchors and query.scope != GLOBAL_SCOPE:
            # (a server's topic: the bundled article covers many events, none a side one)
            minor, main = self._scopes[query.scope].side_events()
            if minor:
                query.minor_events = {query.scope: minor}
                query.implied = frozenset(f"event:{ev}" for ev in main)
        possessed = _possessed(text, raw, query)
        # "the 2025 Lakeside Open" in a server whose facts know only the Harbour Open: a
        # competition the facts never mention.
        foreign_place = any(
            b in _PLACE_WORDS and self._unknown_name(view, a) for a, b in itertools.pairwise(raw)
        )
        query.specific = frozenset(
            t
            for t in content
            if 0 < view.df(t) <= max(2.0, SPECIFIC_SHARE * live)
            and (t not in view.lexicon.places or t in view.lexicon.teams)
            and t not in _CONTEXT_WORDS
            # (a key term, a sport's concept, "coach", and what is asked of someone, "Novak's
            # coach", always point at their facts; another word only when they share more of
            # the question)
            and (
                t in CONCEPTS
                or t in possessed
                or t[0].isdigit()
                or view.lexicon.is_key(t)
                or self._points_somewhere(view, query, t, guild_id)
            )
        )
        # A cheap upper bound first (perfect precision and similarity), so that candidates
        # that cannot reach the top three are never scored phrasing by phrasing.
        bounded: list[tuple[float, float, float, _Entry, frozenset[str]]] = []
        weight = query.weights.__getitem__
        # One word of a long question says less about what is asked than one of a short one.
        unmatched_each = UNMATCHED_WORD_PENALTY * min(1.0, LONG_QUESTION / len(content))
        for entry in self._candidates(view, query):
            if not self._visible(entry.fact, guild_id):
                continue
            if entry.stale:
                self._refresh(entry, self._lexicon_of(entry, view))
            in_role = self._in_role(entry, query)  # read once: matching, penalties and scoring
            matched = self._matched(entry, query, in_role)
            recall = sum(map(weight, matched)) / query.total
            penalty = self._penalties(entry, query, in_role)
            # A telling word of the question that other facts here use, and this one doesn't,
            # points at those facts ("novak's coach" is not "novak").
            penalty += unmatched_each * sum(1 for t in query.specific if t not in matched)
            penalty += UNKNOWN_TOKEN_PENALTY * query.unknown
            if foreign_place:
                penalty += FOREIGN_PLACE_PENALTY
            if query.beaten and entry.answer_people & query.roles.keys():
                penalty += CONFLICT_PENALTY  # the winner is where to look, not the answer
            if possessed and not possessed <= matched:
                penalty += POSSESSED_PENALTY  # "Novak's coach" is not Novak
            bound = 100.0 * (W_RECALL * recall + W_PRECISION + W_FUZZ) - penalty
            if bound >= SUGGEST_THRESHOLD:
                bounded.append((bound, recall, penalty, entry, in_role))
        quoted = _quoted_span(text)
        if quoted:  # "who said 'it's now or never'?": the words quoted pick the fact
            bounded = [
                (bound + bonus, recall, penalty - bonus, entry, in_role)
                for bound, recall, penalty, entry, in_role in bounded
                for bonus in (self._quote_bonus(quoted, entry.fact),)
            ]
        bounded.sort(key=lambda b: b[0], reverse=True)
        scored: list[Candidate] = []
        for bound, recall, penalty, entry, in_role in bounded:
            if len(scored) >= MAX_SUGGESTIONS and bound <= scored[MAX_SUGGESTIONS - 1].score:
                break
            scored.append(self._score(entry, query, recall, penalty, view, in_role))
            scored.sort(key=lambda c: c.score, reverse=True)
        # One common word ("race?", "gold") cannot pick a fact out; one rare word ("awang") can.
        vague = len(content) == 1 and view.df(content[0]) > max(
            VAGUE_WORD_MIN, VAGUE_WORD_SHARE * live
        )
        return self._decide(
            question,
            scored,
            may_answer=not vague,
            wanted=KIND_FOR_QTYPE.get(query.qtype)
            or (frozenset(_STAND_IN_KIND) if query.stand_ins else None),
        )

    def _points_somewhere(
        self, view: _View, query: _Query, token: str, guild_id: int | None
    ) -> bool:
        """Whether a rare word of a question points at the facts using it: one of them shares
        another word of the question ("novak's coach" of "who coaches Novak?"). A rare word that
        only facts about something else use ("the 3rd man home" of "I want to go home") tells
        nothing of what is asked."""
        others = query.token_set - {token}
        return any(
            not others.isdisjoint(entry.vocab)
            for posting in view.postings(token)
            for entry in posting
            if self._visible(entry.fact, guild_id)
        )

    def _described(self, view: _View, query: _Query, guild_id: int | None) -> frozenset[str]:
        """Who a question naming nobody means by a medal or a place in an event ("what country
        does the keirin silver medallist ride for?"): the answer of the one fact whose own
        question asks who won that medal (or place) in that event."""
        anchors = query.anchors
        events = anchors.get("event", NO_KEYS)
        placed = anchors.get("medal", NO_KEYS) | anchors.get("rank", NO_KEYS)
        if "person" in anchors or not events or not placed:
            return NO_KEYS
        found: set[str] = set()
        for token in query.content:
            if token not in placed and not ORDINAL_TOKEN.match(token):
                continue
            for posting in view.postings(token):
                for entry in posting:
                    if entry.fact.kind != "person" or not self._visible(entry.fact, guild_id):
                        continue
                    if entry.stale:
                        self._refresh(entry, self._lexicon_of(entry, view))
                    if not entry.anchors.get("event", NO_KEYS) & events:
                        continue  # (what its question asks is in its key terms: cheap to rule out)
                    asked = view.lexicon.anchors_of(
                        self._read(entry.fact.question, view.lexicon), imply_sex=False
                    )
                    sexes = (asked.get("sex", NO_KEYS), anchors.get("sex", NO_KEYS))
                    if (
                        "person" not in asked
                        and asked.get("event", NO_KEYS) & events
                        and (asked.get("medal", NO_KEYS) | asked.get("rank", NO_KEYS)) & placed
                        and (not all(sexes) or bool(sexes[0] & sexes[1]))
                        # (and asks more of them: "omnium silver medallist" asks who it was)
                        and not query.token_set.issubset(entry.vocab)
                    ):
                        found |= entry.answer_people
        return frozenset(found) if len(found) == 1 else NO_KEYS

    def _roles(
        self, view: _View, query: _Query, guild_id: int | None
    ) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        """The places and events the facts give each person a question names, from the facts
        that answer "who" with them ("Who finished second in the men's race?" -> Okello)."""
        people = query.anchors.get("person")
        if not people:
            return {}
        roles: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        for token, named in query.name_people.items():
            for posting in view.postings(token):
                for entry in posting[:ROLE_SCAN]:
                    if entry.fact.kind != "person" or not self._visible(entry.fact, guild_id):
                        continue
                    if entry.stale:
                        self._refresh(entry, self._lexicon_of(entry, view))
                    for person in named & entry.answer_people & people:
                        ranks = _role_ranks(entry)
                        if not ranks:
                            continue
                        events = entry.anchors.get("event", NO_KEYS)
                        had = roles.get(person, (NO_KEYS, NO_KEYS))
                        roles[person] = (had[0] | ranks, had[1] | events)
        return roles

    @staticmethod
    def _in_role(entry: _Entry, query: _Query) -> frozenset[str]:
        """The people of a question a fact is about by their role, not by name."""
        if not query.roles:
            return NO_KEYS
        ranks = _role_ranks(entry)
        events = entry.anchors.get("event", NO_KEYS)
        named = entry.anchors.get("person", NO_KEYS)
        if not ranks:
            # "How long did Ferrante vs Okafor take?": the winner and the runner-up of one
            # event are that event's final, which a fact may name without them.
            if not events or named or len(query.roles) < 2:
                return NO_KEYS
            finalists = {
                person: their_ranks
                for person, (their_ranks, their_events) in query.roles.items()
                if events & their_events
            }
            places = set().union(*finalists.values()) if finalists else set()
            if len(finalists) >= 2 and "1th" in places and "2th" in places:
                return frozenset(finalists)
            return NO_KEYS
        return frozenset(
            person
            for person, (their_ranks, their_events) in query.roles.items()
            if person not in named
            and ranks & their_ranks
            and (not events or not their_events or events & their_events)
        )

    @staticmethod
    def _candidates(view: _View, query: _Query) -> list[_Entry]:
        """The facts sharing the question's most telling words, best first (at most CANDIDATES)."""
        live = view.live
        limit = max(COMMON_TOKEN_MIN, int(live * COMMON_TOKEN_SHARE))
        df = {t: view.df(t) for t in query.content}
        known = sorted((t for t in query.content if df[t]), key=df.__getitem__)
        selective = [t for t in known if df[t] <= limit]
        if not selective:
            # Only words that most facts share: too vague to tell facts apart, unless every word
            # of the question is known; then a bounded look at the rarest word's facts.
            if not known or len(known) < len(query.content):
                return []
            docs = itertools.chain.from_iterable(view.postings(known[0]))
            return list(itertools.islice(docs, FALLBACK_SCAN))
        acc: dict[_Entry, float] = {}
        for t in selective:
            w = query.weight(t)
            for posting in view.postings(t):
                if len(acc) < GROW_LIMIT:
                    for doc in posting:
                        acc[doc] = acc.get(doc, 0.0) + w
                else:  # enough facts found: a commoner word only re-ranks them
                    for doc in acc.keys() & posting:
                        acc[doc] += w
        if query.beaten:
            # "Who did Ferrante beat?": the runners-up of his events are candidates too (and
            # "who finished behind Kiprotich?" the next place's).
            w = max(map(query.weight, query.name_people), default=1.0)
            for ranks, events in query.roles.values():
                runners_up = {e for t in ranks for p in view.postings(t) for e in p}
                if "1th" in ranks:  # "who finished ahead of Okello?": the winner's facts
                    runners_up.update(e for t in _WINNING for p in view.postings(t) for e in p)
                if not events:  # a race of one sex ("behind Kiprotich"): that place's facts
                    events = query.anchors.get("sex", NO_KEYS)
                for ev in events:
                    for posting in view.postings(ev):
                        for doc in runners_up.intersection(posting):
                            acc[doc] = acc.get(doc, 0.0) + w
        if len(acc) <= CANDIDATES:
            return list(acc)
        return heapq.nlargest(CANDIDATES, acc, key=acc.__getitem__)

    def _score(
        self,
        entry: _Entry,
        query: _Query,
        recall: float,
        penalty: float,
        view: _View,
        in_role: frozenset[str],
    ) -> Candidate:
        """Score a candidate by its best phrasing; recall, penalties and the people it is about
        by their role (`_in_role`) come computed."""
        w = query.weights.__getitem__
        # Words explained only by the union of all phrasings count half: one phrasing (with the
        # answer) should explain the question on its own.
        named = self._named(entry, query)  # "felix" of a fact that says "Braun"
        answered = query.token_set.intersection(entry.answer_vocab) | named
        explained: frozenset[str] = NO_KEYS  # words of a phrasing the people's role stands for
        if in_role:
            answered |= {t for t, ps in query.name_people.items() if ps & in_role}
            if len(in_role) > 1:
                answered |= _AGAINST & query.token_set
            if query.beaten:
                answered |= query.relation & query.token_set
            explained = _WINNING.union(*(query.roles[p][0] | query.roles[p][1] for p in in_role))
        answered_weight = sum(map(w, answered))
        best_p = 0.0
        best = 0
        keys = self._wording_keys(entry, view)
        for i, (toks, factor) in enumerate(zip(entry.wordings, entry.factors, strict=True)):
            shared = query.token_set.intersection(toks)
            own = answered_weight + sum(map(w, shared - answered))
            shared_weight = sum(map(w, shared | explained.intersection(toks)))
            for asked, stand_ins in (*query.stand_ins, *query.general):
                # "Is Solberg Swedish?" against "which country does Solberg row for?"
                hit = stand_ins.intersection(toks) if asked not in shared else ()
                if hit:
                    own += w(asked)
                    shared_weight += max(map(w, hit))
            recall_here = W_OWN_RECALL * own / query.total + (1 - W_OWN_RECALL) * recall
            precision = shared_weight / (sum(map(w, toks)) or 1.0)
            if factor < 1.0:
                # An answer sentence says more than any question asks: what counts is how much
                # of the question it covers ("what time did Sousa run?", "Sousa was second in
                # 2:21:40").
                covered = shared_weight + sum(
                    w(t)
                    for t in named
                    if t not in shared and len(query.name_people.get(t, ())) == 1
                )
                precision = max(precision, ANSWER_COVER * covered / query.total)
            similarity = fuzz.ratio(query.norm, " ".join(toks)) / 100.0
            unmatched = len(keys[i] - query.keys - query.implied)
            combined = factor * (
                W_RECALL * recall_here
                + W_PRECISION * precision
                + W_FUZZ * similarity
                - unmatched * PHRASING_ANCHOR_PENALTY / 100.0
            )
            if combined > best_p:
                best_p, best = combined, i
        questions = entry.fact.all_questions
        text = questions[best] if best < len(questions) else entry.fact.question
        return Candidate(entry.fact, round(100.0 * best_p - penalty, 2), text)

    @staticmethod
    def _named(entry: _Entry, query: _Query) -> frozenset[str]:
        """Words of the question that name a person the fact names ("felix" of "Felix Braun"
        when the fact only says "Braun"), or the one it is about ("keirin silver medallist" of
        a fact about Awang)."""
        if query.description and entry.subjects and entry.subjects <= query.described:
            return query.description
        if not query.name_people:
            return frozenset()
        people = entry.anchors.get("person", frozenset())
        return frozenset(t for t, ps in query.name_people.items() if ps & people)

    @classmethod
    def _matched(cls, entry: _Entry, query: _Query, in_role: frozenset[str]) -> frozenset[str]:
        matched = query.token_set.intersection(entry.vocab) | cls._named(entry, query)
        if in_role:  # "how much did Okello get?" of the runner-up's prize
            matched |= {t for t, ps in query.name_people.items() if ps & in_role}
            if len(in_role) > 1:  # "Ferrante vs Okafor": their final
                matched |= _AGAINST & query.token_set
            if query.beaten:  # "who did Ferrante beat?" of "who lost the final?"
                matched |= query.relation & query.token_set
        for asked, concepts in query.general:
            if asked not in matched and not concepts.isdisjoint(entry.vocab):
                matched |= {asked}  # "how many people" of "28,614 runners"
        if query.yes_no:
            # "Is Kang Japanese?" is answered by the fact that gives Kang's nation: "no, Korean".
            for kind in ANSWERED_BY_NO:
                if kind in entry.anchors and kind in query.anchors:
                    matched |= query.anchors[kind] & query.token_set
        return matched

    @staticmethod
    def _penalties(entry: _Entry, query: _Query, in_role: frozenset[str]) -> float:
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
        described = bool(entry.subjects) and entry.subjects <= query.described
        for cls, q_values in q_anchors.items():
            if cls == "compare" and qtype is not QType.COUNT:
                continue  # "more than a second?" compares; only "how many more" counts one
            f_values = entry.anchors.get(cls, frozenset())
            if cls == "person" and not f_values and q_values <= in_role:
                continue  # the fact is about their role: "the runner-up's prize"
            if cls in _DESCRIBING and not f_values and described:
                continue  # they only say who it is about: "the keirin silver medallist's country"
            if cls == "measure" and q_values - f_values:
                penalty += MISSING_MEASURE_PENALTY
                continue
            if cls == "year" and q_values - f_values:
                penalty += CONFLICT_PENALTY
                continue
            if not f_values:
                if cls not in {"sex", "negation", "rank"} or (cls == "rank" and q_values - _FIRST):
                    # (a place other than first must be in the fact: "who finished fourth?")
                    # A count is only right for the scope it was counted in.
                    penalty += ABSENT_ANCHOR_PENALTY * (2 if qtype is QType.COUNT else 1)
                continue
            if cls == "negation":
                continue
            if not q_values & f_values:
                if query.yes_no and cls in ANSWERED_BY_NO:
                    continue  # "is Ferrante Spanish?" is answered "no, Italian" by this fact
                penalty += CONFLICT_PENALTY
            elif q_values - f_values:
                penalty += PARTIAL_ANCHOR_PENALTY
        if query.numbers and not query.yes_no and "compare" not in q_anchors:
            # "the 4 x 100 m relay" is not "the 4 x 200 m relay": a number the question names
            # that the fact does not, where the fact's own questions name another one.
            missing = query.numbers.difference(entry.vocab)
            if missing and any(
                t not in query.numbers and _plain_number(t)
                for toks in entry.wordings[: len(entry.fact.all_questions)]
                for t in toks
            ):
                penalty += NUMBER_CONFLICT_PENALTY
        if asks_for_subject:
            return penalty
        if entry.fact.scope != query.scope and not _names_topic(entry, query):
            # A bundled fact asked in a server with facts of its own, naming none of its
            # people or events: "who got 3rd in the women's?" there is about that server's sport.
            penalty += FOREIGN_TOPIC_PENALTY
        if (
            entry.subjects
            and not q_people & (entry.subjects | entry.answer_people)
            and not described  # "the keirin silver medallist's country"
        ):
            penalty += SUBJECT_MISSING_PENALTY
        minor = query.minor_events.get(entry.fact.scope)
        if minor and not q_people:  # (Mori's final is the one Mori played)
            events = entry.anchors.get("event", NO_KEYS)
            if events and events <= minor:
                penalty += MINOR_EVENT_PENALTY
        if (
            query.yes_no == "did"
            and qtype is QType.PERSON
            and entry.answer_people
            and q_people
            and not entry.answer_people & q_people
        ):
            # "Did Kiprotich win?" is best answered by the fact whose answer is Kiprotich
            penalty += OTHER_ANSWER_PENALTY
        if query.where and entry.asks and entry.asks <= _NOT_WHERE:
            penalty += KIND_MISMATCH_PENALTY  # "where does it finish?" of "how many finished?"
        wanted = KIND_FOR_QTYPE.get(qtype)
        if wanted is not None and not (
            qtype in entry.asks and (qtype not in _ABOUT_SUBJECT or not entry.subjects & q_people)
        ):
            # (A fact whose own questions ask the same "who ...?" answers it, whatever kind
            # its moderator gave it; but "who is Laura?" does not answer "who coaches Laura?")
            if (
                qtype is QType.DATE
                and entry.fact.kind != "time"
                and "date" not in entry.answer_kinds
            ):
                # "When did they get married?" is not answered by "they are married".
                penalty += KIND_MISMATCH_PENALTY
            elif entry.fact.kind == "text" and "text" not in wanted:
                penalty += (
                    TEXT_KIND_MILD_PENALTY
                    if qtype in {QType.EVENT, QType.DATE}
                    else TEXT_KIND_PENALTY
                    if wanted & entry.answer_kinds
                    else KIND_MISMATCH_PENALTY  # "who ...?" of a sentence naming nobody
                )
            elif entry.fact.kind not in wanted:
                # "What time did Okello run?" is answered by "Okello was second, in 2:05:58."
                # But a fact that only ever asks for a measure the question does not ("by how
                # much did Kiprotich win?") does not answer "did Kiprotich win?", whoever its
                # answer names.
                measures = entry.anchors.get("measure", NO_KEYS) - _IMPLIED_MEASURES
                about_measure = (
                    query.yes_no == "did"
                    and qtype is QType.PERSON
                    and qtype not in entry.asks
                    and bool(measures - q_anchors.get("measure", NO_KEYS))
                )
                penalty += (
                    KIND_IN_ANSWER_PENALTY
                    if wanted & entry.answer_kinds and not about_measure
                    else KIND_MISMATCH_PENALTY
                )
        return penalty

    @staticmethod
    def _decide(
        question: str,
        scored: list[Candidate],
        *,
        may_answer: bool,
        wanted: frozenset[str] | None = None,
    ) -> MatchResult:
        if not scored or scored[0].score < SUGGEST_THRESHOLD:
            return MatchResult(question, Outcome.DECLINE)
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        lead = best.score - runner_up
        # Two facts close together: the one whose kind of answer the question asks for wins
        # ("who did Laura win the madison with?" asks for a person, not the day).
        fits = (
            wanted is not None
            and len(scored) > 1
            and best.fact.kind in wanted
            and scored[1].fact.kind not in wanted
            and lead >= KIND_LEAD
        )
        threshold = (
            ANSWER_THRESHOLD_FEW
            if len(best.fact.all_questions) <= FEW_PHRASINGS
            else ANSWER_THRESHOLD
        )
        # A vague question ("which olympics?") is answered only by a fact that asks it in as
        # many words, clearly ahead of the rest.
        exact = best.score >= EXACT_SCORE and lead >= ANSWER_MARGIN
        if (
            (may_answer or exact)
            and best.score >= threshold
            and (lead >= ANSWER_MARGIN or (best.score >= HIGH_CONFIDENCE and lead >= TIE) or fits)
        ):
            return MatchResult(question, Outcome.ANSWER, (best,), runner_up)
        suggestions = tuple(c for c in scored[:MAX_SUGGESTIONS] if c.score >= SUGGEST_THRESHOLD)
        return MatchResult(question, Outcome.SUGGEST, suggestions, runner_up)
