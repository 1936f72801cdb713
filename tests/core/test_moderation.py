"""Moderating facts without Discord: what a moderator may type, ids, kinds, near duplicates,
index changes, history summaries and pages."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.facts import (
    FACT_ID_PATTERN,
    MAX_ACCEPT,
    MAX_ACCEPT_LEN,
    MAX_ANSWER_LEN,
    MAX_PHRASINGS,
    MAX_QUESTION_LEN,
    MAX_TAG_LEN,
    MAX_TAGS,
    MIN_QUESTION_LEN,
    Fact,
)
from bot.core.matcher import FactIndex, Outcome
from bot.core.moderation import (
    MAX_SLUG_LEN,
    PAGE_SIZE,
    AuditEntry,
    FactChange,
    FactInvalid,
    Problem,
    build_fact,
    check_suggestion,
    describe_change,
    infer_kind,
    join_list,
    kind_after_edit,
    near_duplicate,
    page_of,
    search_facts,
    slugify,
    split_list,
)
from tests.conftest import REPO_ROOT

GUILD = 42
OTHER = 43
Q = "Who is the velodrome's resident cat?"


def draft(**overrides: object) -> Fact:
    values: dict[str, object] = {"question": Q, "answer": "Sprocket.", "scope": GUILD}
    values.update(overrides)
    return build_fact(**values)  # type: ignore[arg-type]


def problems(**overrides: object) -> tuple[Problem, ...]:
    with pytest.raises(FactInvalid) as info:
        draft(**overrides)
    return info.value.problems


def test_the_core_does_not_import_discord() -> None:
    code = "import sys, bot.core.moderation; assert 'discord' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT)


# --------------------------------------------------------------------------- input


@pytest.mark.parametrize(
    ("typed", "items"),
    [
        (None, []),
        ("", []),
        ("one", ["one"]),
        ("one; two ;three", ["one", "two", "three"]),
        ("one;;  ; two;", ["one", "two"]),
        ("one\ntwo; three", ["one", "two", "three"]),
        ("a, b", ["a, b"]),  # only ; separates: answers may contain commas
    ],
)
def test_lists_are_separated_by_semicolons(typed: str | None, items: list[str]) -> None:
    assert split_list(typed) == items
    assert split_list(join_list(items)) == items


ACCEPTED = {
    "shortest question": {"question": "x" * MIN_QUESTION_LEN},
    "longest question": {"question": "x" * MAX_QUESTION_LEN},
    "one-character answer": {"answer": "7"},
    "longest answer": {"answer": "x" * MAX_ANSWER_LEN},
    "most phrasings": {"phrasings": [f"phrasing {i}" for i in range(MAX_PHRASINGS)]},
    "shortest phrasing": {"phrasings": ["x" * MIN_QUESTION_LEN]},
    "most accepted answers": {"accept": [f"a{i}" for i in range(MAX_ACCEPT)]},
    "longest accepted answer": {"accept": ["x" * MAX_ACCEPT_LEN]},
    "most tags": {"tags": [f"t{i}" for i in range(MAX_TAGS)]},
    "longest tag": {"tags": ["x" * MAX_TAG_LEN]},
    "tag with spaces": {"tags": ["Team GB"]},
    "explicit kind": {"kind": "person"},
}

REJECTED = {
    "question too short": (
        {"question": "x" * (MIN_QUESTION_LEN - 1)},
        "question",
        "must be 5–300 characters (yours has 4)",
    ),
    "question too long": (
        {"question": "x" * (MAX_QUESTION_LEN + 1)},
        "question",
        "must be 5–300 characters (yours has 301)",
    ),
    "blank question": ({"question": "   "}, "question", "is empty"),
    "blank answer": ({"answer": " "}, "answer", "is empty"),
    "answer too long": (
        {"answer": "x" * (MAX_ANSWER_LEN + 1)},
        "answer",
        "must be 1–1000 characters (yours has 1001)",
    ),
    "too many phrasings": (
        {"phrasings": [f"phrasing {i}" for i in range(MAX_PHRASINGS + 1)]},
        "phrasings",
        "at most 20 phrasings (you gave 21)",
    ),
    "phrasing too short": (
        {"phrasings": ["x" * (MIN_QUESTION_LEN - 1)]},
        "phrasings",
        "each phrasing must be 5-300 characters",
    ),
    "too many accepted answers": (
        {"accept": [f"a{i}" for i in range(MAX_ACCEPT + 1)]},
        "accept",
        "at most 20 accepted answers (you gave 21)",
    ),
    "accepted answer too long": (
        {"accept": ["x" * (MAX_ACCEPT_LEN + 1)]},
        "accept",
        "each accepted answer must be at most 100 characters",
    ),
    "too many tags": (
        {"tags": [f"t{i}" for i in range(MAX_TAGS + 1)]},
        "tags",
        "at most 10 tags (you gave 11)",
    ),
    "tag too long": ({"tags": ["x" * (MAX_TAG_LEN + 1)]}, "tags", "tags are lowercase words"),
    "tag with punctuation": ({"tags": ["gold!"]}, "tags", "tags are lowercase words"),
    "unknown kind": ({"kind": "colour"}, "kind", "must be one of number, ordinal, person"),
}


@pytest.mark.parametrize("overrides", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_input_within_the_limits_is_accepted(overrides: dict[str, object]) -> None:
    fact = draft(**overrides)
    assert fact.scope == GUILD


@pytest.mark.parametrize(("overrides", "field", "message"), REJECTED.values(), ids=REJECTED.keys())
def test_input_beyond_a_limit_is_rejected_naming_the_field(
    overrides: dict[str, object], field: str, message: str
) -> None:
    (problem,) = problems(**overrides)
    assert problem.field == field
    assert message in problem.message


def test_every_bad_field_is_reported_once_in_form_order() -> None:
    found = problems(
        question="Cat", answer="", tags=["a"] * 3 + [f"t{i}" for i in range(11)], accept=["x" * 101]
    )
    assert [p.field for p in found] == ["question", "answer", "accept", "tags"]
    assert str(found[0]) == "question: must be 5–300 characters (yours has 3)"


def test_input_is_cleaned_like_a_fact_file() -> None:
    fact = draft(
        question="  Who is   the cat? ",
        phrasings=["Who is the cat?", "the cat", "The Cat"],
        tags=["Team GB", "team gb"],
        accept=["Sprocket", "sprocket"],
    )
    assert fact.question == "Who is the cat?"
    assert fact.phrasings == ("the cat",)  # the question itself and repeats are dropped
    assert fact.tags == ("team-gb",)
    assert fact.accept == ("Sprocket",)


def test_a_suggestion_has_the_same_limits() -> None:
    assert check_suggestion("  Who is the cat? ", " Sprocket ") == ("Who is the cat?", "Sprocket")
    with pytest.raises(FactInvalid) as info:
        check_suggestion("Cat?", "")
    assert [p.field for p in info.value.problems] == ["question", "answer"]


# --------------------------------------------------------------------------- ids and kinds


@pytest.mark.parametrize(
    ("question", "taken", "slug"),
    [
        ("Who won the women's madison?", (), "who-won-womens-madison"),
        ("Who won the women's madison?", ("who-won-womens-madison",), "who-won-womens-madison-2"),
        ("Who won?", ("who-won", "who-won-2"), "who-won-3"),
        ("Qui a gagné l'épreuve ?", (), "qui-gagne-lepreuve"),
        ("???", (), "fact"),
        ("7?", (), "fact-7"),
        (
            "How many laps are there in a keirin race and who paces the riders at the start?",
            (),
            "how-many-laps-are-there-in-keirin-race-and-who",
        ),
    ],
)
def test_ids_are_made_from_the_question(question: str, taken: tuple[str, ...], slug: str) -> None:
    assert slugify(question, taken) == slug


@settings(deadline=None)
@given(st.text(max_size=400), st.sets(st.text(alphabet="abc-", min_size=3, max_size=8)))
def test_a_made_id_is_always_valid_and_unused(question: str, taken: set[str]) -> None:
    slug = slugify(question, taken | {slugify(question)})
    assert re.fullmatch(FACT_ID_PATTERN, slug)
    assert len(slug) <= MAX_SLUG_LEN
    assert slug not in taken


@pytest.mark.parametrize(
    ("question", "accept", "kind"),
    [
        ("How many golds has she won?", ["7", "seven"], "number"),
        ("What was the margin?", ["0.763", "1,000"], "number"),
        ("Where did she finish?", ["6th", "sixth"], "ordinal"),
        ("Who won the keirin?", ["Jason Kenny"], "person"),
        ("Which country won the team sprint?", [], "nation"),
        ("How many riders started?", [], "number"),
        ("What is the velodrome cat called?", ["Sprocket"], "text"),
        ("Why did she crash?", [], "text"),
    ],
)
def test_the_kind_is_inferred_from_answers_then_question(
    question: str, accept: list[str], kind: str
) -> None:
    assert infer_kind(question, accept) == kind
    assert draft(question=question, accept=accept).kind == kind


def test_an_edit_keeps_a_chosen_kind_and_reinfers_an_inferred_one() -> None:
    inferred = draft(question="What is the cat called?", accept=["7"])
    assert inferred.kind == "number"
    assert kind_after_edit(inferred, "What is the cat called?", ["Sprocket"]) == "text"
    chosen = draft(question="What is the cat called?", accept=["Sprocket"], kind="person")
    assert kind_after_edit(chosen, "What is the cat called?", ["Bubbles"]) == "person"


# --------------------------------------------------------------------------- duplicates


def test_a_question_close_to_a_visible_fact_is_a_near_duplicate(
    bundled_facts: list[Fact],
) -> None:
    index = FactIndex.build(bundled_facts)
    exact = near_duplicate(index.match("How many Olympic gold medals has Jason Kenny won?", GUILD))
    assert exact is not None and exact.fact.id == "jason-gold-count"
    assert near_duplicate(index.match("What is the office goldfish called?", GUILD)) is None
    index.hide(GUILD, "jason-gold-count")
    hidden = near_duplicate(index.match("How many Olympic gold medals has Jason Kenny won?", GUILD))
    assert hidden is None or hidden.fact.id != "jason-gold-count"


# --------------------------------------------------------------------------- index changes


def test_changes_apply_to_the_index_in_one_server_only(bundled_facts: list[Fact]) -> None:
    index = FactIndex.build(bundled_facts)
    fish = draft(question="What is the office goldfish called?", answer="Bubbles.", fact_id="fish")
    assert not FactChange()
    FactChange(added=(fish,)).apply(index)
    assert index.match(fish.question, GUILD).fact == fish
    assert index.match(fish.question, OTHER).outcome is Outcome.DECLINE

    FactChange(removed=((GUILD, "fish"),)).apply(index)
    assert index.match(fish.question, GUILD).outcome is Outcome.DECLINE

    gold = "How many Olympic gold medals has Jason Kenny won?"
    FactChange(hidden=((GUILD, "jason-gold-count"),)).apply(index)
    assert index.get("jason-gold-count", GUILD) is None
    assert index.get("jason-gold-count", OTHER) is not None
    FactChange(unhidden=((GUILD, "jason-gold-count"),)).apply(index)
    assert index.match(gold, GUILD).fact is not None


def test_a_server_copy_takes_the_bundled_facts_place(bundled_facts: list[Fact]) -> None:
    index = FactIndex.build(bundled_facts)
    bundled = index.get("jason-gold-count")
    assert bundled is not None
    copy = draft(
        question=bundled.question,
        answer="Seven (server copy).",
        fact_id=bundled.id,
        accept=list(bundled.accept),
    )
    (FactChange(added=(copy,)) + FactChange(hidden=((GUILD, bundled.id),))).apply(index)
    assert index.get(bundled.id, GUILD) == copy
    assert index.match(bundled.question, GUILD).fact == copy
    assert index.match(bundled.question, OTHER).fact == bundled


# --------------------------------------------------------------------------- history

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
BEFORE = {"id": "x", "question": "Q?", "answer": "Old.", "accept": ["a", "b"], "tags": ["t"]}
AFTER = {"id": "x", "question": "Q?", "answer": "New.", "accept": ["b", "c"], "tags": ["t"]}


@pytest.mark.parametrize(
    ("action", "before", "after", "summary"),
    [
        ("add", None, AFTER, "added: “Q?” → “New.”"),
        ("approve", None, AFTER, "added from a member's suggestion: “Q?” → “New.”"),
        ("edit", BEFORE, AFTER, "edited: answer “Old.” → “New.”; accept +c, −a"),
        ("edit", BEFORE, BEFORE, "edited (no visible change)"),
        ("remove", BEFORE, None, "removed"),
        ("hide", BEFORE, None, "hidden in this server"),
        ("restore", None, AFTER, "restored"),
        ("unhide", None, AFTER, "shown again in this server"),
    ],
)
def test_each_change_has_a_one_line_summary(
    action: str, before: dict[str, object] | None, after: dict[str, object] | None, summary: str
) -> None:
    assert describe_change(AuditEntry(action, 1, AT, before, after)) == summary


def test_long_values_are_shortened_in_a_summary() -> None:
    long_after = {**BEFORE, "answer": "x" * 500}
    line = describe_change(AuditEntry("edit", 1, AT, BEFORE, long_after))
    assert len(line) < 120 and line.endswith("…”")


# --------------------------------------------------------------------------- listing


def test_search_and_tag_filter_with_the_servers_own_facts_first(
    bundled_facts: list[Fact],
) -> None:
    own = draft(question="Who feeds Jason Kenny's cat?", fact_id="zz-cat", tags=["jason"])
    found = search_facts([*bundled_facts, own], "jason", "jason")
    assert found[0] == own
    assert all("jason" in f.tags for f in found)
    assert [f.id for f in found[1:]] == sorted(f.id for f in found[1:])
    assert search_facts(bundled_facts, "no such words anywhere") == []
    assert search_facts([own], "SPROCKET") == [own]  # the answer counts, in any case


@pytest.mark.parametrize(
    ("size", "number", "expected", "count"),
    [(0, 0, 0, 1), (10, 0, 10, 1), (11, 1, 1, 2), (25, 2, 5, 3), (25, 9, 5, 3), (25, -1, 10, 3)],
)
def test_pages_hold_ten_items_and_stay_in_range(
    size: int, number: int, expected: int, count: int
) -> None:
    page = page_of(list(range(size)), number)
    assert len(page.items) == expected and page.count == count and page.total == size
    assert 0 <= page.number < page.count
    assert PAGE_SIZE == 10


def test_a_near_duplicate_warning_says_in_words_what_overlaps(bundled_facts: list[Fact]) -> None:
    index = FactIndex.build(bundled_facts)
    same = near_duplicate(index.match("How many Olympic gold medals has Jason Kenny won?", GUILD))
    assert same is not None
    assert same.why.startswith("Both ask about “Olympic”, “gold”")
    assert "adds nothing" in same.why and "/100" not in same.why
    other = near_duplicate(index.match("How many golds did Laura Kenny win in the omnium?", GUILD))
    if other is not None:  # close enough to warn: then it says what differs
        assert "only yours mentions" in other.why


def test_unrelated_facts_are_no_near_duplicates(bundled_facts: list[Fact]) -> None:
    index = FactIndex.build(bundled_facts)
    for question in ("What is the office goldfish called?", "Who won the 1966 World Cup?"):
        assert near_duplicate(index.match(question, GUILD)) is None
