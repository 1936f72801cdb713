"""Text normalisation shared by the matcher and the quiz: one canonical token stream per text.

The same function turns a member's question and a fact's phrasings into tokens, so every
rule here (number words, plurals, synonyms) applies to both sides and cannot make them drift.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‛": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\ufeff]")
_CONTRACTIONS = (
    (re.compile(r"\b(can)'?t\b"), r"\1 not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'(re|ve|ll|d|m)\b"), ""),
    (re.compile(r"\b(it|what|who|that|there|he|she|where|how)'s\b"), r"\1 is"),
    (re.compile(r"(\w)'s\b"), r"\1"),  # possessive: kenny's -> kenny
    (re.compile(r"(\w)s'(?!\w)"), r"\1s"),  # plural possessive: women's / riders'
)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?(?:st|nd|rd|th)?|[a-z]+")

UNITS = {
    "zero": 0,
    "nil": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ORDINAL_UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
}
ORDINAL_TENS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50}
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th)$")

# Short forms members type, spelled out before anything else.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "jk": ("jason", "kenny"),
    "lk": ("laura", "kenny"),
    "og": ("olympic",),
    "elim": ("elimination",),
    "w": ("women",),
    "m": ("men",),
    "gbr": ("britain",),
    "ned": ("netherlands",),
    "mas": ("malaysia",),
    "jpn": ("japan",),
}

# Phrases that mean one thing, merged before single-word synonyms apply.
PHRASES: dict[tuple[str, ...], str] = {
    ("team", "sprint"): "teamsprint",
    ("points", "race"): "pointsrace",
    ("point", "race"): "pointsrace",
    ("scratch", "race"): "scratch",
    ("tempo", "race"): "tempo",
    ("elimination", "race"): "elimination",
    ("individual", "sprint"): "sprint",
    ("all", "round"): "omnium",
    ("runner", "up"): "2nd",
    ("pile", "up"): "crash",
    ("great", "britain"): "britain",
    ("united", "kingdom"): "britain",
    ("united", "states"): "usa",
    ("how", "many"): "howmany",
    ("how", "much"): "howmany",
    ("number", "of"): "howmany",
    ("how", "old"): "age",
    ("year", "old"): "age",
    ("years", "old"): "age",
    ("get", "on"): "finish",
    ("got", "on"): "finish",
    ("end", "up"): "finish",
    ("winning", "time"): "racetime",
    ("finishing", "time"): "racetime",
    ("lap", "time"): "racetime",
    ("race", "time"): "racetime",
    ("his", "time"): "racetime",
    ("her", "time"): "racetime",
    ("going", "into"): "before",
    ("coming", "into"): "before",
    ("heading", "into"): "before",
    ("hang", "on"): "defend",
    ("hold", "on"): "defend",
    ("ended", "up"): "finish",
    ("semi", "final"): "semifinal",
    ("how", "far"): "deficit",
    ("semi", "finals"): "semifinal",
    ("what", "year"): "whatyear",
    ("which", "year"): "whatyear",
    ("olympic", "games"): "games",
    ("world", "champion"): "worldchampion",
    ("world", "champ"): "worldchampion",
}

# Word -> concept. Applied to both questions and phrasings, so only the concept matters.
SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        [
            "won",
            "wins",
            "winning",
            "took",
            "take",
            "takes",
            "taken",
            "claim",
            "claimed",
            "claims",
            "gets",
            "gotten",
            "earn",
            "earned",
            "secure",
            "secured",
            "bag",
            "bagged",
            "scoop",
            "scooped",
            "grab",
            "grabbed",
            "collect",
            "collected",
            "clinch",
            "clinched",
        ],
        "win",
    ),
    **dict.fromkeys(["golds", "golden"], "gold"),
    **dict.fromkeys(["silvers"], "silver"),
    **dict.fromkeys(["bronzes"], "bronze"),
    **dict.fromkeys(
        [
            "medals",
            "medallist",
            "medalist",
            "medallists",
            "medalists",
            "podium",
            "podiums",
            "gong",
            "gongs",
        ],
        "medal",
    ),
    **dict.fromkeys(["titles"], "title"),
    **dict.fromkeys(["champions", "champ", "champs", "championship"], "champion"),
    **dict.fromkeys(
        ["finished", "finishing", "finishes", "came", "come", "placed", "ended", "end"], "finish"
    ),
    **dict.fromkeys(
        [
            "position",
            "positions",
            "places",
            "spot",
            "rank",
            "ranked",
            "ranking",
            "standing",
            "standings",
        ],
        "place",
    ),
    **dict.fromkeys(["aged", "old"], "age"),
    **dict.fromkeys(["british", "briton", "britons", "brit", "brits", "gb", "uk"], "britain"),
    **dict.fromkeys(["dutch", "holland", "netherland", "dutchman", "dutchwoman"], "netherlands"),
    **dict.fromkeys(["american", "america", "americans"], "usa"),
    **dict.fromkeys(["japanese"], "japan"),
    **dict.fromkeys(["malaysian"], "malaysia"),
    **dict.fromkeys(["allround", "all-round"], "omnium"),
    **dict.fromkeys(["playoff", "devil"], "elimination"),
    **dict.fromkeys(
        [
            "crashed",
            "crashes",
            "crashing",
            "fall",
            "fell",
            "fallen",
            "falling",
            "falls",
            "pileup",
            "spill",
            "accident",
            "collision",
        ],
        "crash",
    ),
    **dict.fromkeys(["attacked", "attacking", "attacks", "breakaway", "kick", "kicked"], "attack"),
    **dict.fromkeys(
        [
            "said",
            "says",
            "saying",
            "told",
            "tell",
            "tells",
            "quote",
            "quoted",
            "remark",
            "remarked",
            "comment",
            "commented",
        ],
        "say",
    ),
    **dict.fromkeys(
        [
            "retire",
            "retired",
            "retiring",
            "retirement",
            "quit",
            "quitting",
            "stop",
            "stopping",
            "stops",
        ],
        "retire",
    ),
    **dict.fromkeys(["gap", "margin", "distance"], "margin"),
    **dict.fromkeys(
        [
            "defended",
            "defending",
            "defence",
            "defense",
            "defends",
            "retain",
            "retained",
            "retaining",
        ],
        "defend",
    ),
    **dict.fromkeys(["countries", "nation", "nations", "nationality", "nationalities"], "country"),
    **dict.fromkeys(["unable", "failed", "fail", "couldnt", "cannot"], "not"),
    **dict.fromkeys(
        [
            "rider",
            "riders",
            "cyclist",
            "cyclists",
            "athlete",
            "athletes",
            "racer",
            "racers",
            "competitor",
            "competitors",
            "runners",
        ],
        "rider",
    ),
    **dict.fromkeys(["husband", "wife", "spouse", "married"], "spouse"),
    **dict.fromkeys(["kennys", "couple", "pair", "duo"], "couple"),
    **dict.fromkeys(["pts", "pt", "points"], "point"),
    **dict.fromkeys(["fare", "fared", "result", "results"], "finish"),
    **dict.fromkeys(["crown", "crowns"], "title"),
    **dict.fromkeys(["last", "closing"], "final"),
    **dict.fromkeys(["lad", "lads", "bloke", "blokes"], "men"),
    **dict.fromkeys(["cropper", "wipeout", "wiped"], "crash"),
    **dict.fromkeys(["yrs"], "age"),
    **dict.fromkeys(["pos", "posn"], "place"),
    **dict.fromkeys(
        [
            "overtook",
            "overtaken",
            "overtaking",
            "overtakes",
            "surpass",
            "surpassed",
            "eclipsed",
            "eclipse",
        ],
        "overtake",
    ),
    **dict.fromkeys(["olympics", "game"], "games"),
    **dict.fromkeys(["olympians"], "olympian"),
    **dict.fromkeys(["races", "racing", "raced", "heat", "heats"], "race"),
    **dict.fromkeys(["events", "discipline", "disciplines"], "event"),
    **dict.fromkeys(["semi", "semifinal", "semifinals", "semis"], "semifinal"),
    **dict.fromkeys(["men", "man", "male", "mens"], "men"),
    **dict.fromkeys(["women", "woman", "female", "womens", "ladies", "lady"], "women"),
    **dict.fromkeys(["laps"], "lap"),
    **dict.fromkeys(["successful", "decorated", "greatest"], "successful"),
}

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "done",
        "has",
        "have",
        "had",
        "having",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "how",
        "when",
        "where",
        "why",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "about",
        "into",
        "over",
        "then",
        "so",
        "very",
        "just",
        "also",
        "any",
        "some",
        "much",
        "such",
        "both",
        "each",
        "other",
        "own",
        "same",
        "too",
        "only",
        "please",
        "tell",
        "me",
        "know",
        "anyone",
        "does",
        "someone",
        "pls",
        "plz",
        "hey",
        "hi",
        "bot",
        "ok",
        "okay",
        "um",
        "uh",
        "like",
        "specifically",
        "exactly",
        "actually",
        "really",
        "ever",
        "still",
        "again",
        "yet",
        "even",
        "get",
        "got",
        "going",
        "went",
        "guys",
        "everyone",
        "anybody",
        "somebody",
        "wondering",
        "wonder",
        "curious",
        "quick",
        "question",
        "hold",
        "holds",
        "own",
        "owns",
        "altogether",
        "totally",
        "whole",
        "entire",
        "proper",
        "gutted",
        "random",
        "remember",
        "remind",
        "forgetting",
        "forget",
        "forgot",
        "missed",
        "miss",
        "night",
        "yesterday",
        "yeah",
        "yep",
        "nah",
        "nope",
        "right",
        "reckon",
        "think",
        "thought",
        "guess",
        "mate",
        "mates",
        "lol",
        "lmao",
        "haha",
        "omg",
        "wow",
        "btw",
        "tho",
        "though",
        "article",
        "story",
        "report",
        "piece",
        "stat",
        "stats",
        "info",
        "mean",
        "meant",
        "talking",
        "talk",
        "now",
        "apparently",
        "basically",
        "literally",
        "honestly",
        "seriously",
        "kinda",
        "sorta",
        "gonna",
        "wanna",
        "cos",
        "because",
        "heard",
        "hear",
        "saw",
        "see",
        "seen",
        "watch",
        "watched",
        "watching",
        "tv",
        "happen",
        "yo",
        "quiz",
        "questions",
        "exact",
        "precisely",
        "according",
    ]
)
"""Words that carry no content. Question words are read separately, by the matcher."""


def clean(text: str) -> str:
    """Unicode-normalise and case-fold: smart quotes, accents and control characters removed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _CONTROL.sub(" ", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.casefold()


def _number_words(words: list[str]) -> list[str]:
    """Turn number and ordinal words into digits: 'thirty three' -> '33', 'sixth' -> '6th'."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in TENS and (nxt in UNITS or nxt in ORDINAL_UNITS) and 0 < UNITS.get(nxt, 1) < 10:
            if nxt in ORDINAL_UNITS:
                out.append(f"{TENS[w] + ORDINAL_UNITS[nxt]}th")
            else:
                out.append(str(TENS[w] + UNITS[nxt]))
            i += 2
            continue
        if w in UNITS:
            out.append(str(UNITS[w]))
        elif w in TENS:
            out.append(str(TENS[w]))
        elif w in ORDINAL_UNITS:
            out.append(f"{ORDINAL_UNITS[w]}th")
        elif w in ORDINAL_TENS:
            out.append(f"{ORDINAL_TENS[w]}th")
        else:
            m = _ORDINAL_DIGITS.match(w)
            out.append(f"{m.group(1)}th" if m else w.replace(",", "."))
        i += 1
    return out


def _stem(word: str) -> str:
    if word in STOPWORDS:
        return word
    if word in SYNONYMS:
        return SYNONYMS[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        base = word[:-1]
        return SYNONYMS.get(base, base)
    return word


def words(text: str) -> list[str]:
    """Raw lowercase words of a text, with contractions and possessives resolved."""
    text = clean(text)
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    text = text.replace("-", " ").replace("'", " ")
    raw = [part for word in _TOKEN.findall(text) for part in ABBREVIATIONS.get(word, (word,))]
    return _number_words(raw)


def merge_phrases(tokens: list[str]) -> list[str]:
    """Merge two-word phrases (team sprint, points race, how many) into one token."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        pair = (tokens[i], tokens[i + 1]) if i + 1 < len(tokens) else None
        if pair is not None and pair in PHRASES:
            out.append(PHRASES[pair])
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """All tokens of a text after normalisation, phrase merging and stemming (stopwords kept).

    Tokens are interned: an index of many facts holds each distinct word once.
    """
    return tuple(sys.intern(_stem(t)) for t in merge_phrases(words(text)))


def content_tokens(toks: tuple[str, ...] | list[str]) -> list[str]:
    """The tokens that carry meaning: stopwords and question words dropped, order kept."""
    return [t for t in toks if t not in STOPWORDS and t != "howmany"]
