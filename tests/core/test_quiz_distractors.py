"""Multiple-choice options: one right answer and plausible wrong ones of the same kind."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.facts import Fact, load_fact_dir, load_fact_file
from bot.core.quiz import (
    OPTION_COUNT,
    Choices,
    NotQuizzable,
    ScopeVocab,
    can_make_choices,
    is_correct,
    make_choices,
)
from bot.core.quiz._kinds import Entity
from bot.core.quiz._text import answer_key, answer_tokens, is_number_token

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


def check_choices(f: Fact, choices: Choices, rivals: tuple[str, ...] | None = None) -> None:
    """The properties every set of options must have."""
    assert choices.options[choices.correct_index] == f.accept[0]
    assert len(choices.options) == OPTION_COUNT
    assert choices.answer == f.accept[0]
    keys = [answer_key(o) for o in choices.options]
    assert len(set(keys)) == len(keys), choices
    accepted = {answer_key(a) for a in f.accept}
    for option in wrong_options(choices):
        assert answer_key(option) not in accepted, (f.id, option)
        assert not is_correct(option, f, rivals=rivals), (f.id, option)


NUMERIC = [f for f in POOL if f.kind in ("number", "ordinal", "time", "medal")]


@pytest.mark.parametrize("f", NUMERIC, ids=lambda f: f.id)
def test_four_options_over_many_seeds(f: Fact) -> None:
    for seed in range(200):
        choices = make_choices(f, POOL, random.Random(seed))
        assert len(choices.options) == OPTION_COUNT
        check_choices(f, choices)


@settings(deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), f=st.sampled_from(NUMERIC))
def test_properties_hold_for_any_seed(seed: int, f: Fact) -> None:
    check_choices(f, make_choices(f, POOL, random.Random(seed)))


@settings(deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), f=st.sampled_from(NUMERIC))
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


@settings(deadline=None)
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


# --- fair options over real fact sets --------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
BUNDLED = load_fact_dir(REPO / "facts")
TOPICS_DIR = REPO.parent / "shared" / "eval" / "topics"
TOPIC_FILES = sorted(TOPICS_DIR.glob("*/facts.yaml"))
SCOPES: dict[str, list[Fact]] = {"bundled": BUNDLED}
for _path in TOPIC_FILES:
    # A server's facts are asked beside the bundled ones, as in a real game there.
    SCOPES[_path.parent.name] = [*BUNDLED, *load_fact_file(_path, scope=1001)]
CASES = [
    (name, f)
    for name, facts in SCOPES.items()
    for f in facts
    if (name == "bundled") == (f.scope == 0)
]


def vocab_for(name: str) -> ScopeVocab:
    return _VOCABS.setdefault(name, ScopeVocab(SCOPES[name]))


_VOCABS: dict[str, ScopeVocab] = {}


def entity_of_option(vocab: ScopeVocab, kind: str, option: str) -> Entity | None:
    key = answer_key(option)
    for entity in vocab.entities(kind):
        if key in entity.keys or key in {answer_key(n.split()[-1]) for n in entity.names}:
            return entity
    return None


def shape_of(text: str) -> tuple[str, ...]:
    """The words of an answer with every number blanked: its unit."""
    return tuple("#" if is_number_token(w) else w for w in answer_tokens(text))


needs_topics = pytest.mark.skipif(
    not TOPICS_DIR.is_dir(), reason="../shared/eval/topics is not beside this checkout"
)


@needs_topics
def test_the_topic_sets_are_there() -> None:
    assert {"harbour", "lakeside"} <= set(SCOPES), "a topic under ../shared/eval/topics is missing"
    assert len(CASES) > 200


@pytest.mark.parametrize(("scope", "f"), CASES, ids=[f"{n}:{f.id}" for n, f in CASES])
def test_every_quizzable_fact_gets_fair_options(scope: str, f: Fact) -> None:
    vocab = vocab_for(scope)
    kind = vocab.kind_of(f)
    if kind is None or not can_make_choices(f, vocab):
        with pytest.raises(NotQuizzable):
            make_choices(f, vocab, random.Random(0))
        return
    own = vocab.entity_of(f, kind)
    sex = vocab.required_sex(f) if kind == "person" else None
    for seed in range(5):
        choices = make_choices(f, vocab, random.Random(seed))
        check_choices(f, choices, vocab.rivals(f))
        assert not any(is_correct(o, f, rivals=vocab.rivals(f)) for o in wrong_options(choices))
        if kind in ("number", "ordinal", "time"):
            # Same unit: the words around the number are the answer's.
            unit = shape_of(f.accept[0])
            for option in choices.options:
                assert shape_of(option) == unit, (option, f.accept[0])
            continue
        entities = [entity_of_option(vocab, kind, o) for o in choices.options]
        assert all(e is not None for e in entities), (f.id, choices.options)  # one kind
        ids = [id(e) for e in entities]
        assert len(set(ids)) == len(ids), (f.id, choices.options)  # no two the same answer
        if own is not None:
            others = [e for e in entities if e is not own]
            assert all(not (e.keys & own.keys) for e in others if e is not None)
        if sex is not None:
            assert all(e.sex == sex for e in entities if e is not None and e is not own)


def bundled(fact_id: str) -> Fact:
    return next(f for f in BUNDLED if f.id == fact_id)


def test_a_mens_event_never_offers_a_woman() -> None:
    vocab = vocab_for("bundled")
    silver = bundled("keirin-silver")  # "Who won silver in the men's keirin?"
    assert vocab.required_sex(silver) == "men"
    women = {"Jennifer Valente", "Laura Kenny", "Yumi Kajihara", "Kirsten Wild", "Katy Marchant"}
    for seed in range(50):
        assert not women & set(make_choices(silver, vocab, random.Random(seed)).options)


def test_a_womens_event_offers_only_women() -> None:
    vocab = vocab_for("bundled")
    gold = bundled("omnium-gold")
    men = {"Jason Kenny", "Harrie Lavreysen", "Azizulhasni Awang", "Jack Carlin", "Chris Hoy"}
    for seed in range(50):
        assert not men & set(make_choices(gold, vocab, random.Random(seed)).options)


def test_sex_is_inferred_from_the_fact_field_too() -> None:
    runner = Fact(
        id="runner",
        question="Who won the race?",
        answer="Ana won.",
        accept=("Ana Sousa",),
        kind="person",
        sex="women",
    )
    others = [
        Fact(
            id=f"p{i}",
            question="Who was there?",
            answer="x",
            accept=(name,),
            kind="person",
            sex=sex,
        )
        for i, (name, sex) in enumerate(
            [
                ("Mia Berg", "women"),
                ("Eva Lund", "women"),
                ("Ida Holm", "women"),
                ("Tom Berg", "men"),
                ("Max Lund", "men"),
            ]
        )
    ]
    vocab = ScopeVocab([runner, *others])
    for seed in range(30):
        options = set(make_choices(runner, vocab, random.Random(seed)).options)
        assert options == {"Ana Sousa", "Mia Berg", "Eva Lund", "Ida Holm"}


def test_one_nation_under_two_names_is_offered_once_and_never_against_itself() -> None:
    usa = Fact(
        id="usa",
        question="Which country does Jennifer Valente represent?",
        answer="USA",
        accept=("USA", "United States", "the US", "American"),
        kind="nation",
    )
    us_again = Fact(
        id="usa2",
        question="Which country hosted?",
        answer="United States",
        accept=("United States", "USA"),
        kind="nation",
    )
    lavreysen = bundled("lavreysen-nation")
    vocab = ScopeVocab([*BUNDLED, usa, us_again])
    for seed in range(100):
        options = make_choices(lavreysen, vocab, random.Random(seed)).options
        assert sum(o in {"USA", "United States", "the US", "American"} for o in options) <= 1
        assert "Netherlands" in options and "Dutch" not in options and "Holland" not in options
    for seed in range(30):
        options = make_choices(usa, vocab, random.Random(seed)).options
        assert [o for o in options if o in {"USA", "United States", "the US"}] == ["USA"]


@pytest.mark.parametrize(
    "fact_id",
    ["keirin-podium", "bbc-sport", "laura-quote-go-home", "jason-quote-rehearsed", "omnium-podium"],
)
def test_free_text_without_a_choosable_kind_is_not_quizzed(fact_id: str) -> None:
    vocab = vocab_for("bundled")
    assert vocab.kind_of(bundled(fact_id)) is None
    assert not vocab.is_quizzable(bundled(fact_id))


def test_a_fact_marked_quiz_false_is_never_asked() -> None:
    golds = bundled("jason-gold-count")
    hidden = Fact(**{**{f: getattr(golds, f) for f in golds.__slots__}, "quiz": False})
    assert not ScopeVocab([hidden]).is_quizzable(hidden)


@needs_topics
def test_people_options_come_from_the_same_article_first() -> None:
    vocab = vocab_for("harbour")
    champion = next(f for f in SCOPES["harbour"] if f.id == "harbour-mens-singles-champion")
    cyclists = {p.name for p in vocab_for("bundled").entities("person")}
    for seed in range(30):
        assert not cyclists & set(make_choices(champion, vocab, random.Random(seed)).options)


def test_too_few_fair_options_is_typed_only() -> None:
    vocab = vocab_for("bundled")
    venue = bundled("venue")  # a place, and the only one
    assert vocab.kind_of(venue) == "place"
    assert vocab.is_quizzable(venue)
    assert not can_make_choices(venue, vocab)


def test_race_times_and_times_of_day_keep_their_format() -> None:
    race = fact("race", ("2:05:41",), "time")
    start = fact("start", ("7:15 am",), "time")
    for seed in range(30):
        for option in make_choices(race, [race], random.Random(seed)).options:
            assert re.fullmatch(r"\d:\d\d:\d\d", option), option
        for option in make_choices(start, [start], random.Random(seed)).options:
            assert re.fullmatch(r"\d{1,2}:[0-5][05] am", option), option


def test_round_money_keeps_its_round_zeros() -> None:
    prize = fact("prize", ("$40,000",), "number")
    for seed in range(30):
        for option in make_choices(prize, [prize], random.Random(seed)).options:
            assert re.fullmatch(r"\$\d\d,000", option), option


# --- generated facts -------------------------------------------------------------------------

NAMES = st.sampled_from(["Ana", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hal"])
SURNAMES = st.sampled_from(["Berg", "Lund", "Holm", "Sousa", "Kang", "Novak"])
PERSON = st.builds(lambda a, b: f"{a} {b}", NAMES, SURNAMES)
NATION = st.sampled_from(["Italy", "Canada", "Japan", "Peru", "Chile", "Kenya", "Spain"])
EVENT_NAME = st.sampled_from(["sprint", "team sprint", "keirin", "relay", "marathon", "10,000m"])


@st.composite
def generated_fact(draw: st.DrawFn, index: int) -> Fact:
    kind = draw(st.sampled_from(["person", "nation", "event", "number", "medal"]))
    sex = draw(st.sampled_from([None, "men", "women"]))
    if kind == "person":
        name = draw(PERSON)
        accept: tuple[str, ...] = (name, name.split()[-1])
        word = {"men": "men's", "women": "women's", None: "the"}[sex]
        question = f"Who won {word} race {index}?"
    elif kind == "nation":
        accept = (draw(NATION),)
        question = f"Which country won race {index}?"
    elif kind == "event":
        accept = (draw(EVENT_NAME),)
        question = f"Which event was number {index}?"
    elif kind == "medal":
        accept = (draw(st.sampled_from(["gold", "silver", "bronze"])),)
        question = f"What medal was won in race {index}?"
    else:
        accept = (str(draw(st.integers(0, 5000))),)
        question = f"How many laps in race {index}?"
    return Fact(
        id=f"gen-{index}", question=question, answer=question, accept=accept, kind=kind, sex=sex
    )


@st.composite
def generated_pool(draw: st.DrawFn) -> list[Fact]:
    size = draw(st.integers(1, 14))
    return [draw(generated_fact(i)) for i in range(size)]


@settings(max_examples=150, deadline=None)
@given(pool=generated_pool(), seed=st.integers(0, 1000))
def test_generated_facts_get_fair_options_or_none(pool: list[Fact], seed: int) -> None:
    vocab = ScopeVocab(pool)
    for f in pool:
        try:
            choices = make_choices(f, vocab, random.Random(seed))
        except NotQuizzable:
            assert not can_make_choices(f, vocab)
            continue
        check_choices(f, choices, vocab.rivals(f))
        keys = {answer_key(a) for a in f.accept}
        for option in wrong_options(choices):
            assert answer_key(option) not in keys
            assert not is_correct(option, f, rivals=vocab.rivals(f))
