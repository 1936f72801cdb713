"""Hostile text: what members (and fact files) may throw at the bot."""

from __future__ import annotations

import itertools
import random

from hypothesis import strategies as st

ATOMS = (
    "\x00",
    "\x00\x00\x00",
    "\x07\x08\x1b[31m",
    "\x7f\x85\x9f",
    "\ud800",
    "\udfff\ud83d",
    "\u202e",  # right-to-left override
    "\u2066\u2069",
    "\u200b\u200c\u200d",
    "\ufeff",
    "\ufffe\uffff",
    "\U0010ffff",
    "e\u0301",  # NFD é
    "\u0301\u0301\u0301",
    "Ａｄｍｉｎ",
    "@everyone",
    "@here",
    "@EVERYONE",
    "@@everyone",
    "@\u200beveryone",
    "@ever\x00yone",
    "@her\u200de",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "`",
    "```",
    "**bold** __u__ ~~s~~ ||spoiler||",
    "> quote",
    "# heading",
    "[link](https://example.com)",
    "'; DROP TABLE facts; --",
    '" OR 1=1 --',
    "%s %d %(x)s {0} {x!r}",
    "key: value\n- item",
    '{"a": [1, 2]}',
    "\n\n\n",
    "\r\n\t\v\f",
    "\u2028\u2029",
    "   ",
    ";;;;",
    "a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r;s;t;u;v;w",
    "🚴‍♀️🥇🇬🇧",
    "مرحبا",
    "שָׁלוֹם",
    "漢字かなカナ",
    "Z̵̡̛a̴l̷g̸o̶",
    "x" * 301,
    "word " * 250,
    "Jason Kenny",
    "how many golds has jason kenny won?",
)


def corpus(size: int, seed: int = 1) -> list[str]:
    """`size` hostile texts: every atom alone, then random mixes of atoms and words."""
    rng = random.Random(seed)
    words = ["Jason", "Laura", "Kenny", "keirin", "gold", "Tokyo", "who", "won", "the", "?"]
    out = list(ATOMS)
    for n in itertools.count():
        if len(out) >= size:
            break
        parts = [
            rng.choice(ATOMS) if rng.random() < 0.5 else rng.choice(words)
            for _ in range(rng.randint(2, 8))
        ]
        text = " ".join(parts) if n % 3 else "".join(parts)
        out.append(text[: rng.choice((40, 120, 310, 1200))])
    return out[:size]


def hostile_text() -> st.SearchStrategy[str]:
    """Any text at all, surrogates and control characters included, mixed with the atoms."""
    anything = st.text(st.characters(codec=None, categories=None), max_size=400)
    return st.one_of(
        anything,
        st.lists(st.sampled_from(ATOMS) | anything, min_size=1, max_size=6).map("".join),
    )
