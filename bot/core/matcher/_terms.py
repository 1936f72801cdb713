"""Key terms and question types: what a question names and what it asks for."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from enum import StrEnum


class QType(StrEnum):
    """What a question asks for, read from its question words."""

    COUNT = "count"
    PERSON = "person"
    NATION = "nation"
    PLACE = "place"
    MEDAL = "medal"
    TIME = "time"
    EVENT = "event"
    DATE = "date"
    REASON = "reason"
    QUOTE = "quote"
    ANY = "any"


# Which fact kinds can answer which question type.
KIND_FOR_QTYPE: dict[QType, frozenset[str]] = {
    QType.COUNT: frozenset({"number", "time"}),
    QType.PERSON: frozenset({"person"}),
    QType.NATION: frozenset({"nation"}),
    QType.PLACE: frozenset({"ordinal"}),
    QType.MEDAL: frozenset({"medal"}),
    QType.TIME: frozenset({"time"}),
    QType.EVENT: frozenset({"event"}),
    QType.DATE: frozenset({"time"}),
    QType.REASON: frozenset({"text"}),
    QType.QUOTE: frozenset({"text"}),
}

# Key terms by class. A question naming one value of a class and a fact naming only others is a
# conflict. Persons also imply the sex of their events.
ANCHORS: dict[str, dict[str, str]] = {
    "person": {
        "jason": "jason",
        "laura": "laura",
        "hoy": "hoy",
        "awang": "awang",
        "azizulhasni": "awang",
        "lavreysen": "lavreysen",
        "harrie": "lavreysen",
        "carlin": "carlin",
        "marchant": "marchant",
        "katy": "marchant",
        "valente": "valente",
        "jennifer": "valente",
        "kajihara": "kajihara",
        "yumi": "kajihara",
        "kirsten": "wild",
        "wild": "wild",
        "archibald": "archibald",
        "katie": "archibald",
        "park": "park",
        "stephen": "park",
        "chris": "hoy",
    },
    "sex": {"men": "men", "women": "women"},
    "medal": {"gold": "gold", "silver": "silver", "bronze": "bronze"},
    "event": {
        "keirin": "keirin",
        "sprint": "sprint",
        "teamsprint": "teamsprint",
        "omnium": "omnium",
        "madison": "madison",
        "scratch": "scratch",
        "tempo": "tempo",
        "elimination": "elimination",
        "pointsrace": "pointsrace",
        "pursuit": "pursuit",
        "bmx": "bmx",
        "road": "road",
    },
    "measure": {
        "age": "age",
        "margin": "margin",
        "lap": "lap",
        "minute": "minute",
        "point": "point",
        "height": "height",
        "tall": "height",
        "weight": "weight",
        "whatyear": "year",
        "year": "year",
        "born": "born",
        "birthday": "born",
        "capacity": "capacity",
        "coach": "coach",
        "coached": "coach",
        "prize": "prize",
        "money": "prize",
        "record": "record",
        "racetime": "racetime",
    },
    "negation": {"not": "not", "never": "not", "lost": "not", "lose": "not"},
    # Other Games than Tokyo 2020: a question about them is outside the article.
    "games": {
        "rio": "2016",
        "2016": "2016",
        "london": "2012",
        "2012": "2012",
        "beijing": "2008",
        "2008": "2008",
        "athens": "2004",
        "2004": "2004",
        "sydney": "2000",
        "2000": "2000",
        "paris": "2024",
        "2024": "2024",
        "2028": "2028",
        "angeles": "2028",
        "brisbane": "2032",
    },
    "compare": {"more": "more", "than": "more", "fewer": "more", "less": "more"},
    "nation": {
        "britain": "britain",
        "netherlands": "netherlands",
        "usa": "usa",
        "japan": "japan",
        "malaysia": "malaysia",
        "germany": "germany",
        "australia": "australia",
        "france": "france",
        "china": "china",
        "canada": "canada",
        "italy": "italy",
    },
}
ORDINAL_TOKEN = re.compile(r"^\d+th$")
GROUPS: dict[str, tuple[str, ...]] = {"couple": ("jason", "laura")}
"""Words that name several people at once ("the Kennys")."""
IMPLIED_SEX: dict[str, str] = {
    "jason": "men",
    "hoy": "men",
    "awang": "men",
    "lavreysen": "men",
    "carlin": "men",
    "laura": "women",
    "marchant": "women",
    "valente": "women",
    "kajihara": "women",
    "wild": "women",
    "archibald": "women",
}
ANCHOR_CLASS: dict[str, tuple[str, str]] = {
    word: (cls, value) for cls, table in ANCHORS.items() for word, value in table.items()
}


def question_type(toks: tuple[str, ...]) -> QType:
    """Read what a question asks for from its (normalised) tokens."""
    text = " " + " ".join(toks) + " "
    first = toks[0] if toks else ""
    if " howmany " in text or (" age " in text and first in {"what", "age", "how"}):
        return QType.COUNT
    if any(
        p in text
        for p in (
            " which country ",
            " where is ",
            " where are ",
            " ride for ",
            " represent ",
            " country is ",
            " country does ",
            " country did ",
            " what country",
        )
    ):
        return QType.NATION
    if first in {"who", "whom", "whose"} or any(
        p in text
        for p in (
            " which rider ",
            " what rider ",
            " which britain ",
            " which women ",
            " which men ",
            " name the ",
            " which person ",
        )
    ):
        return QType.PERSON
    if any(
        p in text
        for p in (
            " what place ",
            " which place ",
            " what position ",
            " where did ",
            " place did ",
        )
    ):
        return QType.PLACE
    if any(
        p in text
        for p in (
            " which medal ",
            " what medal ",
            " what colour ",
            " what color ",
            " medal colour ",
            " what kind of medal ",
        )
    ):
        return QType.MEDAL
    if any(p in text for p in (" what time ", " how fast ", " how long ", " time in ")):
        return QType.TIME
    if any(
        p in text
        for p in (
            " which event ",
            " what event ",
            " which race ",
            " what race ",
            " which title ",
            " what title ",
        )
    ):
        return QType.EVENT
    if first == "when" or any(
        p in text for p in (" whatyear ", " what day ", " what date ", " which day ")
    ):
        return QType.DATE
    if first == "why" or " how come " in text:
        return QType.REASON
    if first in {"what", "how"} and "say" in toks:  # "what did Laura say about ...?"
        return QType.QUOTE
    return QType.ANY


def anchors_of(toks: Iterable[str], *, imply_sex: bool = True) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for t in toks:
        if ORDINAL_TOKEN.match(t):
            found.setdefault("rank", set()).add(t)
        if t in GROUPS:
            found.setdefault("person", set()).update(GROUPS[t])
        hit = ANCHOR_CLASS.get(t)
        if hit is not None:
            found.setdefault(hit[0], set()).add(hit[1])
    if imply_sex and "sex" not in found:
        implied = {IMPLIED_SEX[p] for p in found.get("person", ()) if p in IMPLIED_SEX}
        if implied:
            found["sex"] = implied
    return {k: frozenset(v) for k, v in found.items()}


NO_KEYS: frozenset[str] = frozenset()


def term_keys(anchors: dict[str, frozenset[str]], numbers: Iterable[str]) -> frozenset[str]:
    """Key terms in one set, so that "which of the phrasing's are missing" is one difference."""
    found = {f"{cls}:{v}" for cls, values in anchors.items() if cls != "sex" for v in values}
    found.update(f"number:{n}" for n in numbers)
    # Interned, and one shared empty set: an index of many facts holds each key once.
    return frozenset(sys.intern(k) for k in found) if found else NO_KEYS
