"""Answer members' questions from the facts: fuzzy matching with key-term checks, behind an index.

A question becomes content tokens (see `bot.core.text`). An inverted index finds the facts that
share its rarer tokens; only those few candidates are scored, so a question costs about the same
with a hundred facts or a hundred thousand. Facts are indexed per scope: the bundled scope when
the index is built, a server's scope when a question is first asked there (or `FactIndex.warm`
reads it), within a budget of servers' facts held read at once, so that an index of many servers
starts in seconds and its memory follows the servers in use. Each candidate gets a score from 0
to 100 built from:

- how much of the question the fact explains (IDF-weighted recall over the fact's words),
- how much of the fact's best phrasing the question contains (IDF-weighted precision),
- rapidfuzz similarity between the question and that phrasing (word order, near words),

minus penalties when a key term disagrees: another person, event, medal colour, sex or country
than the fact is about, or a question type (how many / who / which country / what place) that the
fact's answer cannot satisfy. A confident answer needs a high score *and* a clear lead over the
next fact; otherwise the bot suggests ("did you mean") or declines. A wrong confident answer is the
worst outcome, so every threshold errs towards suggesting.
"""

from ._check import SAME_QUESTION, CheckReport, Trial, check_facts, self_eval
from ._index import (
    ANSWER_MARGIN,
    ANSWER_THRESHOLD,
    HIGH_CONFIDENCE,
    MAX_SUGGESTIONS,
    SUGGEST_THRESHOLD,
    FactIndex,
)
from ._result import Candidate, MatchResult, Outcome
from ._terms import QType, load_terms_dir, question_type

__all__ = [
    "ANSWER_MARGIN",
    "ANSWER_THRESHOLD",
    "HIGH_CONFIDENCE",
    "MAX_SUGGESTIONS",
    "SAME_QUESTION",
    "SUGGEST_THRESHOLD",
    "Candidate",
    "CheckReport",
    "FactIndex",
    "MatchResult",
    "Outcome",
    "QType",
    "Trial",
    "check_facts",
    "load_terms_dir",
    "question_type",
    "self_eval",
]
