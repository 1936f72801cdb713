"""Multiple-choice options: one right answer and plausible wrong ones of the same kind."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.facts import Fact
from bot.core.quiz import (
    OPTION_COUNT,
    Choices,
    NotQuizzable,
    can_make_choices,
    is_correct,
    make_choices,
)
from bot.core.quiz._text import answer_key

RIDERS = {
    "Jason Kenny",
    "Laura Kenny",
    "Chris Hoy",
    "Azizulhasni Awang",
    "Harrie Lavreysen",
    "Jack Carlin",
    "Katy Marchant",
    "Jennifer Valente",
    "Yumi Kajihara",
    "Kirsten Wild",
    "Katie Archibald",
}
NATIONS = {
    "Great Britain",
    "Netherlands",
    "Malaysia",
    "United States",
    "Japan",
    "Germany",
    "Australia",
    "France",
}
EVENTS = {
    "keirin",
    "sprint",
    "team sprint",
    "omnium",
    "madison",
    "scratch race",
    "tempo race",
    "elimination race",
    "points race",
}
NUMBER_WORDS = {
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
}
ORDINAL_WORDS = {
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
}


def fact(
    fact_id: str, accept: tuple[str, ...], kind: str, question: str = "A quiz question?"
) -> Fact:
    return Fact(id=fact_id, question=question, answer=question, accept=accept, kind=kind)


GOLDS = fact("golds", ("7", "seven"), "number", "How many Olympic golds has Jason Kenny won?")
GOLDS_WORDS = fact("golds-words", ("seven", "7"), "number")
AGE_WORDS = fact("age", ("thirty-three", "33"), "number")
ZERO = fact("zero", ("0", "none"), "number")
POINTS = fact("points-off", ("38 points", "38"), "number")
PLACE_WORDS = fact("place", ("sixth", "6th"), "ordinal")
PLACE_DIGITS = fact("place-digits", ("6th", "sixth"), "ordinal")
FIRST = fact("first", ("1st", "first"), "ordinal")
MARGIN = fact("margin", ("0.763", "0.763 seconds"), "time")
MARGIN_UNIT = fact("margin-unit", ("0.763 seconds", "0.763"), "time")
MADISON = fact(
    "madison", ("Katie Archibald", "Archibald"), "person", "Who won the madison with Laura Kenny?"
)
SURNAME = fact("surname", ("Valente",), "person", "Who won the women's omnium?")
KEIRIN = fact("keirin", ("Jason Kenny", "Kenny"), "person", "Who won the men's keirin?")
SILVER_NATION = fact("silver-nation", ("Malaysia",), "nation")
BRONZE_NATION = fact("bronze-nation", ("Netherlands", "Dutch"), "nation")
MEDAL = fact("medal", ("gold",), "medal")
MEDAL_TITLE = fact("medal-title", ("Silver medal",), "medal")
EVENT = fact("event", ("keirin",), "event")
CRASH = fact("crash", ("a crash",), "text")
PUNCTURE = fact("puncture", ("a puncture",), "text")
TRAFFIC = fact("traffic", ("the traffic",), "text")

POOL = (
    GOLDS,
    GOLDS_WORDS,
    AGE_WORDS,
    ZERO,
    POINTS,
    PLACE_WORDS,
    PLACE_DIGITS,
    FIRST,
    MARGIN,
    MARGIN_UNIT,
    MADISON,
    SURNAME,
    KEIRIN,
    SILVER_NATION,
    BRONZE_NATION,
    MEDAL,
    MEDAL_TITLE,
    EVENT,
    CRASH,
    PUNCTURE,
    TRAFFIC,
)


def wrong_options(choices: Choices) -> list[str]:
    return [o for i, o in enumerate(choices.options) if i != choices.correct_index]


def check_choices(f: Fact, choices: Choices) -> None:
    """The properties every set of options must have."""
    assert choices.options[choices.correct_index] == f.accept[0]
    assert choices.answer == f.accept[0]
    keys = [answer_key(o) for o in choices.options]
    assert len(set(keys)) == len(keys), choices
    accepted = {answer_key(a) for a in f.accept}
    for option in wrong_options(choices):
        assert answer_key(option) not in accepted, (f.id, option)
        assert not is_correct(option, f), (f.id, option)


@pytest.mark.parametrize("f", [f for f in POOL if f.kind != "text"], ids=lambda f: f.id)
def test_four_options_over_many_seeds(f: Fact) -> None:
    for seed in range(200):
        choices = make_choices(f, POOL, random.Random(seed))
        assert len(choices.options) == OPTION_COUNT
        check_choices(f, choices)


@given(seed=st.integers(min_value=0, max_value=2**32), f=st.sampled_from(POOL))
def test_properties_hold_for_any_seed(seed: int, f: Fact) -> None:
    check_choices(f, make_choices(f, POOL, random.Random(seed)))


@given(seed=st.integers(min_value=0, max_value=2**32), f=st.sampled_from(POOL))
def test_same_seed_same_options(seed: int, f: Fact) -> None:
    assert make_choices(f, POOL, random.Random(seed)) == make_choices(f, POOL, random.Random(seed))


def test_the_answer_moves_around() -> None:
    positions = {make_choices(GOLDS, POOL, random.Random(s)).correct_index for s in range(50)}
    assert positions == set(range(OPTION_COUNT))


def test_numbers_are_near_and_written_like_the_answer() -> None:
    for seed in range(100):
        digits = wrong_options(make_choices(GOLDS, POOL, random.Random(seed)))
        assert all(o.isdigit() and 0 <= int(o) <= 14 and int(o) != 7 for o in digits)
        words = wrong_options(make_choices(GOLDS_WORDS, POOL, random.Random(seed)))
        assert all(o in NUMBER_WORDS - {"seven"} for o in words), words


def test_seven_in_words_is_never_offered_against_seven_in_digits() -> None:
    for seed in range(200):
        assert "seven" not in make_choices(GOLDS, POOL, random.Random(seed)).options


def test_compound_number_words_keep_their_style() -> None:
    for seed in range(50):
        for option in wrong_options(make_choices(AGE_WORDS, POOL, random.Random(seed))):
            assert re.fullmatch(r"thirty(-[a-z]+)?|twenty-[a-z]+", option), option


def test_numbers_are_never_negative() -> None:
    for seed in range(100):
        for option in make_choices(ZERO, POOL, random.Random(seed)).options:
            assert int(option) >= 0


def test_units_around_a_number_are_kept() -> None:
    for option in make_choices(POINTS, POOL, random.Random(1)).options:
        assert re.fullmatch(r"\d+ points", option), option


def test_ordinals_keep_their_style_and_start_at_first() -> None:
    for seed in range(100):
        words = wrong_options(make_choices(PLACE_WORDS, POOL, random.Random(seed)))
        assert all(o in ORDINAL_WORDS - {"sixth"} for o in words), words
        digits = wrong_options(make_choices(PLACE_DIGITS, POOL, random.Random(seed)))
        assert all(re.fullmatch(r"\d+(st|nd|rd|th)", o) and o != "6th" for o in digits), digits
        first = make_choices(FIRST, POOL, random.Random(seed)).options
        assert set(first) <= {"1st", "2nd", "3rd", "4th"}


def test_decimals_keep_their_precision() -> None:
    for seed in range(100):
        for option in make_choices(MARGIN, POOL, random.Random(seed)).options:
            assert re.fullmatch(r"0\.\d{3}|1\.\d{3}", option), option
            assert 0 < float(option) < 1.2
        for option in make_choices(MARGIN_UNIT, POOL, random.Random(seed)).options:
            assert re.fullmatch(r"\d\.\d{3} seconds", option), option


def test_people_are_riders_not_named_in_the_question() -> None:
    for seed in range(100):
        options = wrong_options(make_choices(MADISON, POOL, random.Random(seed)))
        assert set(options) <= RIDERS - {"Katie Archibald"}
        assert "Laura Kenny" not in options


def test_a_surname_answer_gets_surname_options() -> None:
    surnames = {name.split()[-1] for name in RIDERS}
    for seed in range(50):
        options = make_choices(SURNAME, POOL, random.Random(seed)).options
        assert set(options) <= surnames | {"Archibald"}


def test_people_fall_back_to_the_built_in_riders() -> None:
    choices = make_choices(MADISON, [MADISON], random.Random(3))
    assert len(choices.options) == OPTION_COUNT
    assert set(choices.options) <= RIDERS


def test_nations_events_and_medals_stay_in_their_kind() -> None:
    for seed in range(100):
        rng = random.Random(seed)
        assert set(make_choices(SILVER_NATION, POOL, rng).options) <= NATIONS
        nations = wrong_options(make_choices(BRONZE_NATION, POOL, rng))
        assert set(nations) <= NATIONS - {"Netherlands"}
        assert set(make_choices(EVENT, POOL, rng).options) <= EVENTS
        assert set(make_choices(MEDAL, POOL, rng).options) == {
            "gold",
            "silver",
            "bronze",
            "no medal",
        }
        assert set(make_choices(MEDAL_TITLE, POOL, rng).options) == {
            "Gold medal",
            "Silver medal",
            "Bronze medal",
            "No medal",
        }


def test_text_answers_come_from_other_text_facts() -> None:
    for seed in range(30):
        options = make_choices(CRASH, POOL, random.Random(seed)).options
        assert set(options) == {"a crash", "a puncture", "the traffic"}


def test_too_few_text_answers_give_fewer_options() -> None:
    choices = make_choices(CRASH, [CRASH, PUNCTURE], random.Random(0))
    assert sorted(choices.options) == ["a crash", "a puncture"]


def test_a_lone_text_answer_cannot_be_a_button_question() -> None:
    assert not can_make_choices(CRASH, [CRASH])
    with pytest.raises(NotQuizzable):
        make_choices(CRASH, [CRASH], random.Random(0))


def test_a_fact_without_short_answer_cannot_be_a_button_question() -> None:
    bare = Fact(id="bare", question="Why did Laura crash?", answer="A pile-up.")
    assert not can_make_choices(bare, POOL)
    with pytest.raises(NotQuizzable):
        make_choices(bare, POOL, random.Random(0))


def test_a_pool_answer_that_reads_like_the_answer_is_not_offered() -> None:
    same = fact("same-person", ("Archibald",), "person")
    typo = fact("typo-person", ("Katie Archibold",), "person")
    for seed in range(50):
        options = make_choices(MADISON, [MADISON, same, typo], random.Random(seed)).options
        assert "Archibald" not in options
        assert "Katie Archibold" not in options


def test_big_numbers_stay_cheap_and_near() -> None:
    year = fact("year", ("2021",), "number")
    huge = fact("huge", ("9999999999",), "number")
    for seed in range(20):
        assert all(
            2018 <= int(o) <= 2024 for o in make_choices(year, [], random.Random(seed)).options
        )
        options = make_choices(huge, [], random.Random(seed)).options
        assert len(options) == OPTION_COUNT
        assert all(abs(int(o) - 9999999999) <= 999999999 for o in options)


ANY_TEXT = st.text(max_size=40) | st.sampled_from(
    ["7", "seven", "0.763", "6th", "sixth", "Katie Archibald", "gold", "1,000", "twenty-first"]
)
KINDS = ("number", "ordinal", "person", "nation", "event", "medal", "time", "text")


@given(answer=ANY_TEXT, kind=st.sampled_from(KINDS), seed=st.integers(0, 1000))
def test_any_answer_is_accepted_and_never_offered_as_wrong(
    answer: str, kind: str, seed: int
) -> None:
    f = fact("any", (answer,), kind) if answer.strip() else fact("any", (), kind)
    if answer_key(answer) and len(answer.strip()) <= 80:
        assert is_correct(answer, f)
    try:
        choices = make_choices(f, POOL, random.Random(seed))
    except NotQuizzable:
        return
    check_choices(f, choices)


def text_fact(fact_id: str, answer: str, tag: str) -> Fact:
    return Fact(
        id=fact_id, question="Q?", answer=answer, accept=(answer,), kind="text", tags=(tag,)
    )


def test_text_options_prefer_answers_on_the_same_topic() -> None:
    quote = text_fact("quote", "really special", "quotes")
    quotes = [text_fact(f"q{i}", a, "quotes") for i, a in enumerate(["try your luck", "me too"])]
    venues = [text_fact(f"v{i}", f"velodrome {i}", "venue") for i in range(10)]
    pool = [quote, *venues, *quotes]
    for seed in range(50):
        wrong = wrong_options(make_choices(quote, pool, random.Random(seed)))
        assert {"try your luck", "me too"} <= set(wrong)  # both topical ones, topped up
        assert len(wrong) == OPTION_COUNT - 1
    pool.append(text_fact("q9", "nothing to lose", "quotes"))
    for seed in range(50):
        wrong = wrong_options(make_choices(quote, pool, random.Random(seed)))
        assert set(wrong) == {"try your luck", "me too", "nothing to lose"}
