"""How the bot introduces what it knows: the bundled facts' topic and example questions.

The words live in `bot/data/intro.yaml` (the Python code names no topic); a server that has
facts of its own is told the bot answers those too. Read once per process, validated like the
other data files: a file with an error is rejected with one message naming the file and field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.core.facts import GLOBAL_SCOPE, Fact, Source
from bot.core.vocab import DATA_DIR, VocabError, read_yaml

MAX_SHORT = 40
"""`short` goes into a slash command's description (Discord allows 100 characters)."""
MAX_EXAMPLE = 80
"""An example goes into a slash command option's description (100 characters)."""

OWN_FACTS = "this server's own facts"


class _IntroSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    topic: str = Field(min_length=3, max_length=120)
    short: str = Field(min_length=3, max_length=MAX_SHORT)
    about: str | None = Field(default=None, max_length=60)
    quiz: str = Field(min_length=3, max_length=60)
    examples: list[Annotated[str, Field(min_length=5, max_length=MAX_EXAMPLE)]] = Field(
        min_length=1, max_length=5
    )


@dataclass(frozen=True, slots=True)
class Intro:
    """The bundled facts' topic, in a long and a short form, and questions to show."""

    topic: str
    short: str
    about: str | None
    quiz: str
    examples: tuple[str, ...]

    @property
    def example(self) -> str:
        return self.examples[0]

    def subject(self, *, own_facts: bool = False, short: bool = True) -> str:
        """What to ask about: "the Kennys at Tokyo 2020", "… and this server's own facts"."""
        topic = self.short if short else self.topic
        return f"{topic} and {OWN_FACTS}" if own_facts else topic


def parse_intro(raw: object, *, file: str) -> Intro:
    if not isinstance(raw, dict):
        raise VocabError("expected a mapping with topic, short, quiz and examples", file=file)
    try:
        spec = _IntroSpec.model_validate(raw)
    except ValidationError as err:
        e = err.errors()[0]
        field = ".".join(str(p) for p in e["loc"][:1]) or None
        msg = {"missing": "is required", "extra_forbidden": "is not a known field"}.get(
            e["type"], e["msg"]
        )
        raise VocabError(msg, file=file, field=field) from None
    return Intro(spec.topic, spec.short, spec.about, spec.quiz, tuple(spec.examples))


@cache
def load_intro(path: Path | None = None) -> Intro:
    """The bundled introduction (`bot/data/intro.yaml`)."""
    path = path or DATA_DIR / "intro.yaml"
    return parse_intro(read_yaml(path), file=path.name)


def has_own_facts(facts: Iterable[Fact], guild_id: int | None) -> bool:
    """Whether a server has facts of its own among the facts visible there (never in DMs)."""
    return guild_id is not None and any(f.scope == guild_id for f in facts)


def bundled_source(facts: Iterable[Fact]) -> Source | None:
    """The source the bundled facts share (the article), if they share one."""
    sources = {f.source for f in facts if f.scope == GLOBAL_SCOPE}
    return next(iter(sources)) if len(sources) == 1 else None


def source_date(source: Source | None) -> str | None:
    """ "8 August 2021"."""
    if source is None:
        return None
    return f"{source.date.day} {source.date:%B %Y}"
