"""Knowledge is data: no person, event or place of a topic is written in the bot's Python code.

The bundled article's people, events and Games live in `facts/terms/`; its facts in `facts/`.
This reads every Python source of `bot/` (string literals other than docstrings, and names; not
comments or docstrings, which may give an example) and looks for the names those files hold.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.core.matcher import load_terms_dir
from tests.conftest import REPO_ROOT

BOT = REPO_ROOT / "bot"

# The bot's own name, which is the article's surname. Each entry names the file and why; the
# matcher's code is never here. How the bot introduces its topic (help, hints, the console, the
# command line) comes from bot/data/intro.yaml.
COPY = {
    "settings.py": "the bot's name in the default database file name",
}


def _article_words() -> set[str]:
    words: set[str] = set()
    for spec in load_terms_dir(REPO_ROOT / "facts" / "terms"):
        names = [p.name for p in spec.people] + [e.name for e in spec.events]
        names += [f for p in spec.people for f in p.forms]
        if spec.games is not None:  # the article's Games; other host cities are world cities
            names.append(spec.games.current.city)
        for name in names:
            words.update(w.casefold() for w in re.findall(r"[A-Za-z]{4,}", name))
    # Words that are also ordinary English or sports words are not the article's alone.
    return words - {"wild", "park", "sprint", "road", "team", "race", "points", "scratch", "tempo"}


def _code_words(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {  # a string standing alone as a statement documents the code around it
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                text = node.value
        elif isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            text = node.attr
        if text:
            found.update(w.casefold() for w in re.findall(r"[A-Za-z]{4,}", text))
    return found


def test_the_terms_files_name_the_article_people_and_events() -> None:
    words = _article_words()
    assert {"kenny", "keirin", "omnium", "tokyo"} <= words


def test_no_article_name_in_python_code() -> None:
    words = _article_words()
    offenders = {}
    for path in sorted(BOT.rglob("*.py")):
        rel = path.relative_to(BOT).as_posix()
        if rel in COPY:
            continue
        hits = _code_words(path) & words
        if hits:
            offenders[rel] = sorted(hits)
    assert offenders == {}


def test_every_exception_is_still_needed() -> None:
    words = _article_words()
    for rel in COPY:
        assert _code_words(BOT / rel) & words, f"{rel} names no article word: drop it from COPY"


def test_the_matcher_and_the_normaliser_hold_no_article_name_even_in_comments() -> None:
    words = _article_words()
    for rel in ("core/matcher/_terms.py", "core/text.py", "core/vocab.py"):
        text = (BOT / rel).read_text(encoding="utf-8").casefold()
        assert not {w for w in words if re.search(rf"\b{w}\b", text)}, rel
