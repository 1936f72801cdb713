"""How members word questions about a server's own facts, on a sport the bot was never told about.

The facts below are made up for these tests: a football cup final and a rowing regatta, written
the way a moderator writes them (a question, one other phrasing, an answer sentence).
"""

from __future__ import annotations

import pytest

from bot.core.facts import Fact, Source
from bot.core.matcher import FactIndex, Outcome
from bot.core.matcher._terms import MAX_NAMESAKES
from bot.core.text import content_tokens, tokens

GUILD = 5151
REPORT = Source(title="Cup final and regatta report", date=__import__("datetime").date(2026, 5, 3))


def _fact(fid: str, question: str, answer: str, **kw: object) -> Fact:
    return Fact(id=fid, question=question, answer=answer, scope=GUILD, source=REPORT, **kw)  # type: ignore[arg-type]


FACTS = [
    _fact(
        "cup-brookfield-keeper",
        "Who was Brookfield United's goalkeeper in the final?",
        "Tomas Varga kept goal for Brookfield United.",
        phrasings=("Who played in goal for Brookfield United?",),
        accept=("Tomas Varga", "Varga"),
        kind="person",
    ),
    _fact(
        "cup-winner",
        "Who won the 2026 Westmere Cup final?",
        "Millbrook Town won the 2026 Westmere Cup final 2-1 against Brookfield United.",
        accept=("Millbrook Town", "Millbrook"),
        kind="person",
    ),
    _fact(
        "cup-winner-prize",
        "How much prize money did the cup winners receive?",
        "The cup winners received a prize of $250,000.",
        accept=("$250,000", "250,000"),
        kind="number",
    ),
    _fact(
        "regatta-single-sculls",
        "Who won the women's single sculls at the regatta?",
        "Ingrid Solberg of Norway won the women's single sculls.",
        phrasings=("Women's single sculls champion?",),
        accept=("Ingrid Solberg", "Solberg"),
        kind="person",
    ),
    _fact(
        "regatta-mens-single-sculls",
        "Who won the men's single sculls at the regatta?",
        "Aksel Berg won the men's single sculls.",
        accept=("Aksel Berg", "Berg"),
        kind="person",
    ),
    _fact(
        "regatta-runner-up-prize",
        "How much prize money did the single sculls runners-up get?",
        "Each single sculls runner-up received $2,000.",
        accept=("$2,000", "2,000"),
        kind="number",
    ),
    _fact(
        "regatta-womens-runner-up",
        "Who finished second in the women's single sculls?",
        "Hanna Ek was second in the women's single sculls.",
        accept=("Hanna Ek", "Ek"),
        kind="person",
    ),
    _fact(
        "regatta-womens-final-length",
        "How long did the women's single sculls final last?",
        "The women's single sculls final took 7 minutes 32 seconds.",
        accept=("7 minutes 32 seconds",),
        kind="time",
    ),
    _fact(
        "regatta-solberg-nation",
        "Which country does Ingrid Solberg row for?",
        "Solberg rows for Norway.",
        accept=("Norway", "Norwegian"),
        kind="nation",
    ),
    _fact(
        "regatta-final-margin",
        "By how much did Solberg win the single sculls final?",
        "Solberg won the single sculls final by 2.4 seconds.",
        accept=("2.4 seconds",),
        kind="time",
    ),
    _fact(
        "regatta-veterans-winner",
        "Who won the over-50 single sculls?",
        "Peter Lund of Denmark, 54, won the over-50 single sculls.",
        accept=("Peter Lund", "Lund"),
        kind="person",
    ),
    _fact(
        "regatta-halfway",
        "What was Solberg's halfway split?",
        "Solberg reached halfway in 3:41.",
        accept=("3:41",),
        kind="time",
    ),
]


def _server_index(*facts: Fact) -> FactIndex:
    """An index holding these facts of the server GUILD, beside no bundled facts."""
    index = FactIndex.build([])
    for fact in facts:
        index.add(fact)
    return index


@pytest.fixture(scope="module")
def index() -> FactIndex:
    return _server_index(*FACTS)


def _answer(index: FactIndex, question: str) -> str | None:
    result = index.match(question, guild_id=GUILD)
    return result.fact.id if result.outcome is Outcome.ANSWER and result.fact else None


def test_a_question_about_one_club_is_never_answered_with_another_clubs_fact(
    index: FactIndex,
) -> None:
    assert _answer(index, "who was brookfield's goalkeeper") == "cup-brookfield-keeper"
    # The only goalkeeper the facts know is Brookfield's: Millbrook's is not theirs to give.
    assert _answer(index, "who was millbrook's goalkeeper") is None


def test_a_yes_no_question_naming_the_wrong_nation_gets_the_fact_that_says_otherwise(
    index: FactIndex,
) -> None:
    assert _answer(index, "is solberg swedish?") == "regatta-solberg-nation"


def test_how_much_did_they_get_asks_for_the_prize_money(index: FactIndex) -> None:
    assert _answer(index, "how much did the cup winners get") == "cup-winner-prize"


def test_did_x_win_is_answered_by_who_won(index: FactIndex) -> None:
    assert _answer(index, "did solberg win the women's single sculls?") == "regatta-single-sculls"


def test_the_over_50s_is_the_over_50_category(index: FactIndex) -> None:
    assert tokens("the over 50s") == tokens("the over 50")
    assert _answer(index, "who won the over 50s sculls") == "regatta-veterans-winner"


def test_two_words_the_facts_write_as_one_are_read_as_one(index: FactIndex) -> None:
    assert _answer(index, "solberg's half way split?") == "regatta-halfway"


def test_a_semi_final_is_not_the_final(index: FactIndex) -> None:
    assert _answer(index, "by how much did solberg win the single sculls final?") == (
        "regatta-final-margin"
    )
    assert _answer(index, "by how much did solberg win her semi-final?") is None


def test_a_fact_about_a_role_is_offered_for_the_person_in_it(index: FactIndex) -> None:
    # Ek finished second: the runners-up's prize is hers, though the prize fact never names her.
    result = index.match("how much did hanna ek get?", guild_id=GUILD)
    assert result.best is not None
    assert result.best.fact.id == "regatta-runner-up-prize"
    assert result.outcome is not Outcome.DECLINE


def test_an_ordinal_before_a_set_or_lap_says_which_one_not_a_place() -> None:
    index = _server_index(
        _fact(
            "tennis-second-set",
            "Who won the second set of the final?",
            "Mila Horvat won the second set 6-3.",
            accept=("Mila Horvat", "Horvat"),
            kind="person",
        ),
        _fact(
            "tennis-runner-up",
            "Who finished second in the singles?",
            "Jana Novotna finished second, losing the final.",
            accept=("Jana Novotna", "Novotna"),
            kind="person",
        ),
    )
    assert _answer(index, "who took the 2nd set in the final") == "tennis-second-set"
    assert _answer(index, "who came second in the singles") == "tennis-runner-up"
    # "second" is read as a place only where it is one: never in "the second set".
    assert "2th" in tokens("who came second") and "2th" not in tokens("the second set")


def test_a_competition_the_facts_never_mention_is_not_answered(index: FactIndex) -> None:
    assert _answer(index, "how much prize money did the cup winners receive?") == (
        "cup-winner-prize"
    )
    # The facts know the Westmere Cup only.
    assert _answer(index, "how much prize money did the kingsbridge cup winners receive?") is None


def test_what_a_question_asks_of_someone_must_be_in_the_fact(index: FactIndex) -> None:
    assert _answer(index, "which country does solberg row for?") == "regatta-solberg-nation"
    # Nothing says where Solberg's coach is from.
    assert _answer(index, "which country does solberg's coach row for?") is None


def test_the_winner_against_the_runner_up_is_their_final(index: FactIndex) -> None:
    # Solberg won the women's single sculls and Ek was second: "Solberg vs Ek" is that final.
    result = index.match("how long did solberg vs ek take?", guild_id=GUILD)
    assert result.best is not None
    assert result.best.fact.id == "regatta-womens-final-length"


def test_who_did_the_winner_beat_is_the_runner_up(index: FactIndex) -> None:
    assert _answer(index, "who did solberg beat in the single sculls?") == (
        "regatta-womens-runner-up"
    )


def test_a_number_set_off_after_a_name_is_the_persons_age(index: FactIndex) -> None:
    assert _answer(index, "how old is peter lund?") == "regatta-veterans-winner"


def test_did_x_win_is_not_answered_by_how_much_they_won_by() -> None:
    index = _server_index(
        _fact(
            "ski-womens-winner",
            "Who won the women's sprint at the Nordvik Cup?",
            "Lene Aas of Norway won the women's sprint at the Nordvik Cup.",
            phrasings=("Who is the Nordvik Cup women's sprint champion?",),
            accept=("Lene Aas", "Aas"),
            kind="person",
        ),
        _fact(
            "ski-womens-margin",
            "By how much did Aas win the women's sprint?",
            "Aas beat Kaisa Lind by 0.8 seconds.",
            phrasings=("What was the winning margin in the women's sprint?",),
            accept=("0.8 seconds",),
            kind="time",
        ),
    )
    # The margin's question shares every word, but "did she win?" asks who won.
    assert _answer(index, "did aas win the womens sprint??") == "ski-womens-winner"
    assert _answer(index, "by how much did aas win the women's sprint?") == "ski-womens-margin"


def test_a_question_naming_no_event_is_about_the_main_one() -> None:
    index = _server_index(
        _fact(
            "shuttle-mens-singles-champion",
            "Who won the men's singles at the Fenwick Masters?",
            "Arjun Rao of India won the men's singles title at the Fenwick Masters.",
            phrasings=("Who is the Fenwick Masters men's singles champion?",),
            accept=("Arjun Rao", "Rao"),
            kind="person",
            tags=("mens-singles", "champions"),
        ),
        _fact(
            "shuttle-mens-singles-runner-up",
            "Who lost the men's singles final?",
            "Lars Holt was the men's singles runner-up.",
            accept=("Lars Holt", "Holt"),
            kind="person",
            tags=("mens-singles", "runners-up"),
        ),
        _fact(
            "shuttle-mens-singles-score",
            "What was the score in the men's singles final?",
            "The men's singles final finished 21-18, 21-15 to Rao.",
            accept=("21-18, 21-15",),
            kind="text",
            tags=("mens-singles", "scores"),
        ),
        _fact(
            "shuttle-mens-singles-length",
            "How long did the men's singles final last?",
            "The men's singles final lasted 52 minutes.",
            accept=("52 minutes",),
            kind="time",
            tags=("mens-singles",),
        ),
        _fact(
            "shuttle-womens-singles-champion",
            "Who won the women's singles at the Fenwick Masters?",
            "Mei Chen won the women's singles title at the Fenwick Masters.",
            accept=("Mei Chen", "Chen"),
            kind="person",
            tags=("womens-singles", "champions"),
        ),
        _fact(
            "shuttle-womens-singles-score",
            "What was the score in the women's singles final?",
            "The women's singles final finished 21-12, 19-21, 21-17 to Chen.",
            accept=("21-12, 19-21, 21-17",),
            kind="text",
            tags=("womens-singles", "scores"),
        ),
        _fact(
            "shuttle-womens-doubles-champions",
            "Who won the women's doubles at the Fenwick Masters?",
            "Ana Lopes and Rita Sousa won the women's doubles title.",
            accept=("Ana Lopes", "Rita Sousa"),
            kind="person",
            tags=("womens-doubles", "champions"),
        ),
        _fact(
            "shuttle-mens-doubles-champions",
            "Who won the men's doubles at the Fenwick Masters?",
            "Kenji Mori and Taro Sato won the men's doubles title.",
            accept=("Kenji Mori", "Taro Sato"),
            kind="person",
            tags=("mens-doubles", "champions"),
        ),
    )
    # The singles is what most facts are about: "the men's title" is its title.
    assert _answer(index, "who won the men's title at the fenwick masters?") == (
        "shuttle-mens-singles-champion"
    )
    assert _answer(index, "fenwick masters womens winner??") == "shuttle-womens-singles-champion"
    result = index.match("who won the men's final", guild_id=GUILD)
    assert result.best is not None
    assert result.best.fact.id == "shuttle-mens-singles-champion"
    # ... and a wording that says "singles" is not held against a question that doesn't.
    lost = index.match("who lost the men's final?", guild_id=GUILD)
    assert lost.best is not None
    assert lost.best.fact.id == "shuttle-mens-singles-runner-up"
    assert lost.best.score >= 85
    assert _answer(index, "who won the men's doubles") == "shuttle-mens-doubles-champions"
    assert _answer(index, "did mori win the men's final?") != "shuttle-mens-singles-champion"


def test_how_many_people_are_the_runners_or_the_spectators() -> None:
    index = _server_index(
        _fact(
            "tri-finishers",
            "How many athletes finished the Coldwater Triathlon?",
            "A record 1,842 athletes finished the Coldwater Triathlon.",
            accept=("1,842",),
            kind="number",
        ),
        _fact(
            "tri-attendance",
            "What was the attendance at the Coldwater Triathlon?",
            "About 12,000 spectators watched the Coldwater Triathlon.",
            accept=("12,000",),
            kind="number",
        ),
        _fact(
            "tri-first-held",
            "When was the Coldwater Triathlon first held?",
            "The Coldwater Triathlon was first held in 1991.",
            accept=("1991",),
            kind="time",
        ),
    )
    assert _answer(index, "how many people finished the triathlon?") == "tri-finishers"
    assert _answer(index, "how many people went to the coldwater triathlon") == "tri-attendance"


def test_where_is_not_answered_by_how_many() -> None:
    index = _server_index(
        _fact(
            "brenna-finishers",
            "How many riders finished the Tour of Brenna?",
            "A record 212 riders finished the Tour of Brenna.",
            accept=("212",),
            kind="number",
        ),
        _fact(
            "brenna-route",
            "Where does the Tour of Brenna start and finish?",
            "The Tour of Brenna starts and finishes in Castle Square.",
            accept=("Castle Square",),
            kind="text",
        ),
        _fact(
            "brenna-weather",
            "What was the weather like at the Tour of Brenna?",
            "It was cold at the start and sunny by the finish.",
            accept=("cold",),
            kind="text",
        ),
    )
    assert _answer(index, "where does the tour finish") == "brenna-route"
    assert _answer(index, "how many riders finished the tour?") == "brenna-finishers"


def test_the_reigning_champion_going_in_is_the_defending_champion() -> None:
    index = _server_index(
        _fact(
            "darts-defending-champion",
            "Who was defending the men's title at the Ridgeway Classic?",
            "Owen Pryce was the defending men's champion, and lost in the quarter-finals.",
            accept=("Owen Pryce", "Pryce"),
            kind="person",
        ),
        _fact(
            "darts-champion",
            "Who won the men's title at the Ridgeway Classic?",
            "Sam Kerr won the men's title at the Ridgeway Classic.",
            accept=("Sam Kerr", "Kerr"),
            kind="person",
        ),
        _fact(
            "darts-kerr-form",
            "How was Kerr's form before the tournament?",
            "Kerr had lost his previous three matches before the tournament.",
            kind="text",
        ),
        _fact(
            "darts-kerr-age",
            "How old was Kerr before the final?",
            "Kerr was 29 before the final.",
            accept=("29",),
            kind="number",
        ),
    )
    assert _answer(index, "who was the reigning men's champ coming into the tournament") == (
        "darts-defending-champion"
    )


def test_a_lead_in_before_a_colon_is_not_part_of_the_question(index: FactIndex) -> None:
    assert _answer(index, "Quiz night, halfway round: which country does Solberg row for?") == (
        "regatta-solberg-nation"
    )
    # A name before the colon is part of it.
    assert _answer(index, "Solberg: which country does she row for?") == "regatta-solberg-nation"


def test_a_tally_is_a_count() -> None:
    index = _server_index(
        _fact(
            "judo-medal-count",
            "How many world medals has Rika Sato won?",
            "Rika Sato has won 6 world medals.",
            accept=("6", "six"),
            kind="number",
        ),
        _fact(
            "judo-sato-nation",
            "Which country does Rika Sato fight for?",
            "Sato fights for Japan.",
            accept=("Japan",),
            kind="nation",
        ),
    )
    assert _answer(index, "rika sato world medal tally") == "judo-medal-count"


def test_a_vague_question_a_fact_asks_in_the_same_words_is_answered() -> None:
    index = FactIndex.build([])
    index.add(
        _fact(
            "relay-which-meet",
            "Which championships is this?",
            "This is the 2026 Harbin Relay Championships.",
            kind="text",
        )
    )
    for i, team in enumerate(("Norway", "Kenya", "Jamaica", "Japan", "Brazil")):
        index.add(
            _fact(
                f"relay-{i}",
                f"How did {team} do at the championships?",
                f"{team} finished {i + 2}th at the championships.",
                kind="ordinal",
            )
        )
    assert _answer(index, "which championships is this?") == "relay-which-meet"
    # One word most facts share picks none of them out.
    assert _answer(index, "finished?") is None


def test_how_long_did_a_final_take_asks_how_long() -> None:
    index = _server_index(
        _fact(
            "squash-final-length",
            "How long did the women's final last?",
            "The women's final between Lina Farouk and Ava Moss lasted 74 minutes.",
            accept=("74 minutes",),
            kind="time",
        ),
        _fact(
            "squash-delay",
            "How long was the women's final held up?",
            "A leaking roof held up the women's final for 20 minutes, when Farouk led Moss.",
            accept=("20 minutes",),
            kind="time",
        ),
        _fact(
            "squash-champion",
            "Who won the women's final?",
            "Lina Farouk beat Ava Moss to win the women's final.",
            accept=("Lina Farouk", "Farouk"),
            kind="person",
        ),
    )
    assert _answer(index, "how long did farouk and moss's final take?") == "squash-final-length"


def test_a_word_ending_in_wise_asks_about_that_thing() -> None:
    assert content_tokens(tokens("how was it score-wise")) == content_tokens(tokens("score"))


def test_did_x_win_is_answered_by_the_fact_whose_answer_is_x() -> None:
    index = _server_index(
        _fact(
            "ski-winner",
            "Who won the women's sprint at the Nordvik Cup?",
            "Lene Aas of Norway won the women's sprint at the Nordvik Cup.",
            phrasings=("Who is the Nordvik Cup women's sprint champion?",),
            accept=("Lene Aas", "Aas"),
            kind="person",
        ),
        _fact(
            "ski-defending-champion",
            "Who was the defending women's sprint champion?",
            "Kaisa Lind was the defending women's champion, and lost her title to Aas.",
            phrasings=("Who won the women's sprint last year?",),
            accept=("Kaisa Lind", "Lind"),
            kind="person",
        ),
    )
    assert _answer(index, "did aas win the womens sprint??") == "ski-winner"


def test_how_close_to_a_record_is_how_far_outside_it() -> None:
    index = _server_index(
        _fact(
            "tri-record-gap",
            "How far outside the course record was Mara Volk?",
            "Volk finished 12 seconds outside the course record.",
            accept=("12 seconds",),
            kind="time",
        ),
        _fact(
            "tri-course-record",
            "What is the course record at the Coldwater Triathlon?",
            "The course record is 1:58:10, set by Ines Roth in 2019.",
            accept=("1:58:10",),
            kind="time",
        ),
    )
    assert _answer(index, "how close was volk to the course record") == "tri-record-gap"


def test_officials_and_coaches_are_asked_for_in_slang() -> None:
    """Members say "ref", "reffed" and "gaffer"; moderators write "referee" and "head coach"."""
    index = _server_index(
        _fact(
            "hockey-mens-referee",
            "Who refereed the men's final?",
            "Ines Marlow refereed the men's final.",
            accept=("Ines Marlow",),
            kind="person",
        ),
        _fact(
            "hockey-womens-referee",
            "Who refereed the women's final?",
            "Piet Sander refereed the women's final.",
            accept=("Piet Sander",),
            kind="person",
        ),
        _fact(
            "hockey-orwell-coach",
            "Who is the head coach of Orwell Hockey Club?",
            "Dana Kerr is the head coach of Orwell Hockey Club.",
            accept=("Dana Kerr",),
            kind="person",
        ),
    )
    assert _answer(index, "who was the ref for the mens final") == "hockey-mens-referee"
    assert _answer(index, "who reffed the women's final?") == "hockey-womens-referee"
    assert _answer(index, "who's the orwell gaffer") == "hockey-orwell-coach"


def test_a_question_about_another_season_or_another_count_is_declined() -> None:
    """The facts are about one final: last season's tries, or caps the facts never count, are
    not answered with this final's figures."""
    index = _server_index(
        _fact(
            "netball-okafor-goals",
            "How many goals did Zara Okafor score in the final?",
            "Zara Okafor scored 31 goals in the final.",
            accept=("31",),
            kind="number",
        ),
        _fact(
            "netball-okafor-age",
            "How old is Zara Okafor?",
            "Zara Okafor is 24 and from Jamaica.",
            phrasings=("Where is Okafor from?",),
            accept=("24",),
            kind="number",
        ),
    )
    assert _answer(index, "how many goals did okafor score in the final") == "netball-okafor-goals"
    assert _answer(index, "how many goals did okafor score last season") is None
    assert _answer(index, "what was okafor's tally in last year's final?") is None
    assert _answer(index, "how many caps does okafor have for jamaica") is None


def test_who_said_finds_the_speaker_without_quotation_marks() -> None:
    index = _server_index(
        _fact(
            "darts-price-quote",
            "What did Lena Price say after the final?",
            'Lena Price said: "My arm was shaking on the last dart, I could not feel it."',
            accept=("Lena Price",),
            kind="text",
        ),
        _fact(
            "darts-winner",
            "Who won the darts final?",
            "Lena Price won the final 7-5.",
            accept=("Lena Price",),
            kind="person",
        ),
    )
    assert _answer(index, "who said my arm was shaking on the last dart") == "darts-price-quote"
    assert _answer(index, "who was it that said my arm was shaking on the last dart?") == (
        "darts-price-quote"
    )


def test_a_surname_many_people_share_still_answers_with_the_first_name() -> None:
    """Thirty Okoros: "Okoro" alone names nobody in particular (so facts that say only
    "Okoro" are not tied to all thirty of them), but "Ada Okoro" is one person."""
    firsts = [
        f"{a}{b}"
        for a in ("Ad", "Be", "Ch", "Du", "El", "Fa")
        for b in ("an", "el", "ia", "or", "us")
    ]
    index = _server_index(
        *(
            _fact(
                f"club-{first.lower()}-age",
                f"How old is {first} Okoro?",
                f"{first} Okoro is {20 + i} years old.",
                accept=(str(20 + i),),
                kind="number",
            )
            for i, first in enumerate(firsts)
        )
    )
    assert len(firsts) > MAX_NAMESAKES
    assert (
        _answer(index, f"how old is {firsts[7].lower()} okoro") == f"club-{firsts[7].lower()}-age"
    )
    assert _answer(index, "how old is okoro") is None  # which of them?


def test_at_what_distance_asks_where_on_the_course_not_the_margin() -> None:
    index = _server_index(
        _fact(
            "ski-lindqvist-fall",
            "Where did Lindqvist fall in the 30 km race?",
            "Lindqvist fell at 18 km and finished fourth.",
            accept=("18 km",),
            kind="text",
        ),
        _fact(
            "ski-winner",
            "Who won the 30 km race?",
            "Marte Aas won the 30 km race by 12 seconds.",
            accept=("Marte Aas",),
            kind="person",
        ),
    )
    assert _answer(index, "at what distance did lindqvist fall") == "ski-lindqvist-fall"


def test_the_championships_and_taking_part_are_not_winning() -> None:
    """A fact about everyone who took part in the championships is not about its winners."""
    index = _server_index(
        _fact(
            "athletics-entries",
            "How many athletes took part in the county championships?",
            "A total of 640 athletes from 31 clubs took part over two days.",
            accept=("640",),
            kind="number",
        ),
        _fact(
            "athletics-long-jump",
            "Who won the women's long jump?",
            "Priya Nandakumar of Eastgate Harriers won the women's long jump with 6.12 m.",
            accept=("Priya Nandakumar",),
            kind="person",
        ),
    )
    assert _answer(index, "which club does nandakumar compete for") != "athletics-entries"
    assert _answer(index, "how many athletes took part") == "athletics-entries"


def test_a_distance_the_facts_do_not_have_is_not_answered_with_another() -> None:
    index = _server_index(
        _fact(
            "track-mens-4x400",
            "Who won the men's 4 x 400 m relay?",
            "Harlow AC won the men's 4 x 400 m relay in 3:09.12.",
            phrasings=("What was the men's relay time?",),
            accept=("Harlow AC",),
            kind="text",
        ),
        _fact(
            "track-womens-long-jump",
            "Who won the women's long jump?",
            "Ines Duarte won the women's long jump.",
            accept=("Ines Duarte",),
            kind="person",
        ),
    )
    assert _answer(index, "who won the men's 4 x 400 m relay") == "track-mens-4x400"
    assert _answer(index, "who won the men's 4 x 100 m relay") is None


def test_a_race_under_a_minute_has_a_winning_time() -> None:
    index = _server_index(
        _fact(
            "track-mens-100",
            "Who won the men's 100 m?",
            "Kofi Mensah won the men's 100 m in 9.94.",
            accept=("Kofi Mensah",),
            kind="person",
        ),
        _fact(
            "track-mensah-age",
            "How old is Kofi Mensah?",
            "Mensah is 23.",
            accept=("23",),
            kind="number",
        ),
    )
    assert _answer(index, "mensah's winning time in the 100?") == "track-mens-100"


def test_a_competition_named_a_shield_or_a_bowl_is_not_a_person() -> None:
    index = _server_index(
        _fact(
            "lacrosse-winner",
            "Who won the 2026 Eastern Bowl final?",
            "Marlow Falcons beat Ridgeway to win the Eastern Bowl final.",
            phrasings=("Who are the Eastern Bowl champions?",),
            accept=("Marlow Falcons",),
            kind="text",
        ),
        _fact(
            "lacrosse-referee",
            "Who refereed the Eastern Bowl final?",
            "Dana Frey refereed the final.",
            accept=("Dana Frey",),
            kind="person",
        ),
    )
    assert _answer(index, "who won the bowl") == "lacrosse-winner"


SKI_SPRINT = [
    _fact(
        "ski-womens-winner",
        "Who won the women's sprint at the Nordvik Cup?",
        "Lene Aas of Norway won the women's sprint.",
        accept=("Lene Aas", "Aas"),
        kind="person",
    ),
    _fact(
        "ski-womens-second",
        "Who finished second in the women's sprint?",
        "Kari Dahl of Sweden was second in the women's sprint.",
        accept=("Kari Dahl", "Dahl"),
        kind="person",
    ),
    _fact(
        "ski-womens-third",
        "Who finished third in the women's sprint?",
        "Mia Berg of Finland was third in the women's sprint.",
        accept=("Mia Berg", "Berg"),
        kind="person",
    ),
    _fact(
        "ski-mens-winner",
        "Who won the men's sprint at the Nordvik Cup?",
        "Ole Strand of Norway won the men's sprint.",
        accept=("Ole Strand", "Strand"),
        kind="person",
    ),
    _fact(
        "ski-aas-coach",
        "Who coaches Lene Aas?",
        "Lene Aas is coached by Tor Lund.",
        accept=("Tor Lund", "Lund"),
        kind="person",
    ),
    _fact(
        "ski-aas-preparation",
        "How long did Aas train in the mountains before the cup?",
        "Lene Aas trained at altitude in Livigno for six weeks before the cup.",
        phrasings=("Where did Aas prepare for the Nordvik Cup?",),
        accept=("six weeks", "6"),
        kind="time",
    ),
    _fact(
        "ski-dahl-place",
        "How did Kari Dahl do in the women's sprint?",
        "Kari Dahl finished second in the women's sprint.",
        accept=("second", "2nd"),
        kind="ordinal",
    ),
]


def test_who_finished_behind_someone_asks_for_the_next_place() -> None:
    index = _server_index(*SKI_SPRINT)
    assert _answer(index, "who finished just behind aas?") == "ski-womens-second"
    assert _answer(index, "who finished behind dahl?") == "ski-womens-third"
    assert _answer(index, "who finished ahead of dahl?") == "ski-womens-winner"
    # "behind" of someone's team is not a place in the order.
    assert _answer(index, "who is the coach behind aas?") != "ski-womens-second"


def test_where_did_someone_train_asks_for_a_location_not_a_finishing_place() -> None:
    index = _server_index(*SKI_SPRINT)
    assert _answer(index, "where did aas train for the cup") == "ski-aas-preparation"
    assert _answer(index, "where did dahl finish in the sprint?") == "ski-dahl-place"


def test_a_rare_word_only_facts_about_something_else_use_does_not_point_at_them() -> None:
    index = _server_index(
        _fact(
            "row-mens-third",
            "Who finished third in the men's single sculls?",
            "Jonas Eklund of Sweden was third in the men's single sculls.",
            accept=("Jonas Eklund", "Eklund"),
            kind="person",
        ),
        _fact(
            "row-mens-winner",
            "Who won the men's single sculls?",
            "Aksel Berg of Norway won the men's single sculls.",
            accept=("Aksel Berg", "Berg"),
            kind="person",
        ),
        _fact(
            "row-berg-quote",
            "What did Berg say about his family?",
            'Berg said: "I just want to go home and see my kids."',
            accept=("see my kids",),
            kind="text",
        ),
        _fact(
            "row-weather",
            "What was the weather like at the regatta?",
            "It was 12C with light rain and a headwind on the lake.",
            accept=("light rain", "12C"),
            kind="text",
        ),
        _fact(
            "row-berg-delay",
            "What did Berg do during the rain delay?",
            "Berg sat in the boathouse and read a book during the rain delay.",
            accept=("read a book",),
            kind="text",
        ),
    )
    # "home" only comes up in a quote about something else: it says nothing of the question.
    assert _answer(index, "who was the 3rd man home in the sculls") == "row-mens-third"
    # A word those facts share more of the question with still points at them.
    assert _answer(index, "what did berg read in the boathouse?") == "row-berg-delay"


JUDO = [
    _fact(
        "judo-ruiz-medal",
        "What medal did Ana Ruiz win in the women's 57kg?",
        "Ana Ruiz won bronze in the women's 57kg.",
        accept=("bronze",),
        kind="medal",
    ),
    _fact(
        "judo-ruiz-opponent",
        "Who did Ana Ruiz beat for bronze?",
        "Ana Ruiz beat Mei Tanaka in the bronze medal match.",
        accept=("Mei Tanaka", "Tanaka"),
        kind="person",
    ),
    _fact(
        "judo-ruiz-quote",
        "What did Ana Ruiz say about her bronze?",
        'Ruiz said: "It feels like gold to me after the year I have had."',
        phrasings=("ruiz bronze quote",),
        accept=("feels like gold",),
        kind="text",
    ),
    _fact(
        "judo-ruiz-coach",
        "Who coaches Ana Ruiz?",
        "Ana Ruiz is coached by her father, Luis Ruiz.",
        accept=("Luis Ruiz",),
        kind="person",
    ),
]


def test_picking_up_a_medal_is_winning_it() -> None:
    index = _server_index(*JUDO)
    assert _answer(index, "what did ana ruiz pick up in the 57kg?") == "judo-ruiz-medal"


def test_in_her_own_words_asks_what_she_said() -> None:
    index = _server_index(*JUDO)
    assert _answer(index, "how was the bronze for ruiz, in her own words?") == "judo-ruiz-quote"


def test_how_someone_felt_is_how_they_feel() -> None:
    index = _server_index(
        *JUDO,
        _fact(
            "judo-ruiz-mood",
            "How did Ana Ruiz feel after the semi-final?",
            "Ruiz said she was heartbroken after losing the semi-final, but ready to fight again.",
            phrasings=("ruiz reaction to the semi-final defeat",),
            accept=("heartbroken",),
            kind="text",
        ),
        _fact(
            "judo-semi-score",
            "What was the score in Ruiz's semi-final?",
            "Ruiz lost her semi-final to Yuki Mori by waza-ari.",
            accept=("waza-ari",),
            kind="text",
        ),
    )
    assert _answer(index, "how did ruiz say she felt after the semi-final?") == "judo-ruiz-mood"


def test_the_holder_going_in_is_the_defending_champion() -> None:
    index = _server_index(
        _fact(
            "swim-defending-champion",
            "Who was the defending women's 400m freestyle champion at the Bayview Meet?",
            "Sara Lind was the defending women's 400m freestyle champion.",
            accept=("Sara Lind", "Lind"),
            kind="person",
        ),
        _fact(
            "swim-champion",
            "Who won the women's 400m freestyle at the Bayview Meet?",
            "Nina Holt won the women's 400m freestyle.",
            accept=("Nina Holt", "Holt"),
            kind="person",
        ),
        _fact(
            "swim-before-record",
            "What was the meet record before the final?",
            "The meet record before the final was 4:01.22.",
            accept=("4:01.22",),
            kind="time",
        ),
    )
    assert _answer(index, "who was the women's 400m holder coming in?") == "swim-defending-champion"


def test_a_medallist_named_by_their_medal_is_the_person_the_facts_give_it() -> None:
    index = _server_index(
        _fact(
            "fence-foil-silver",
            "Who won silver in the women's foil?",
            "Mei Tanaka of Japan won silver in the women's foil.",
            accept=("Mei Tanaka", "Tanaka"),
            kind="person",
        ),
        _fact(
            "fence-foil-gold",
            "Who won gold in the women's foil?",
            "Sofia Costa won gold in the women's foil.",
            accept=("Sofia Costa", "Costa"),
            kind="person",
        ),
        _fact(
            "fence-mens-foil-gold",
            "Who won gold in the men's foil?",
            "Marco Bianchi won gold in the men's foil.",
            accept=("Marco Bianchi", "Bianchi"),
            kind="person",
        ),
        _fact(
            "fence-tanaka-nation",
            "Which country does Mei Tanaka fence for?",
            "Mei Tanaka fences for Japan.",
            phrasings=("tanaka nationality",),
            accept=("Japan", "Japanese"),
            kind="nation",
        ),
        _fact(
            "fence-costa-nation",
            "Which country does Sofia Costa fence for?",
            "Sofia Costa fences for Portugal.",
            phrasings=("costa nationality",),
            accept=("Portugal", "Portuguese"),
            kind="nation",
        ),
    )
    assert (
        _answer(index, "which country does the women's foil silver medallist fence for?")
        == "fence-tanaka-nation"
    )
    # Asked who it was, the fact that says so answers.
    assert _answer(index, "who was the women's foil silver medallist?") == "fence-foil-silver"


def test_a_word_no_fact_uses_is_not_read_as_a_longer_word_that_means_something_else() -> None:
    index = _server_index(
        _fact(
            "swim-lind-mood",
            "How did Sara Lind feel before the final?",
            "Lind said she felt sharp and rested before the final.",
            phrasings=("lind feelings before the final",),
            accept=("sharp",),
            kind="text",
        ),
        _fact(
            "swim-lind-coach",
            "Who coaches Sara Lind?",
            "Lind is coached by the former champion Eva Berg.",
            phrasings=("which former champion coaches lind",),
            accept=("Eva Berg", "Berg"),
            kind="person",
        ),
        _fact(
            "swim-lind-nation",
            "Which country does Sara Lind swim for?",
            "Sara Lind swims for Sweden.",
            accept=("Sweden", "Swedish"),
            kind="nation",
        ),
    )
    # "form" is not "former": the question is not about her coach.
    assert _answer(index, "how was lind's form?") != "swim-lind-coach"
    assert _answer(index, "lind form before the final") == "swim-lind-mood"


def test_what_someone_ate_answers_what_they_eat() -> None:
    index = _server_index(
        _fact(
            "row-berg-breakfast",
            "What did Aksel Berg have before the final?",
            "Berg ate porridge with honey two hours before the final.",
            accept=("porridge",),
            kind="text",
        ),
        _fact(
            "row-berg-nation",
            "Which country does Aksel Berg row for?",
            "Aksel Berg rows for Norway.",
            accept=("Norway", "Norwegian"),
            kind="nation",
        ),
        _fact(
            "row-berg-time",
            "What was Berg's time in the final?",
            "Berg won the final in 6:48.",
            accept=("6:48",),
            kind="time",
        ),
    )
    assert _answer(index, "what did berg eat before the final?") == "row-berg-breakfast"


def test_no_before_a_number_is_number() -> None:
    assert content_tokens(tokens("world No. 3")) == content_tokens(tokens("world number 3"))
    assert "number" not in tokens("no one finished")  # nobody, not number one
    index = _server_index(
        *SKI_SPRINT,
        _fact(
            "ski-aas-ranking",
            "What is Lene Aas's world ranking?",
            "Lene Aas is ranked world No. 3 in the sprint.",
            accept=("No. 3", "3"),
            kind="ordinal",
        ),
    )
    assert _answer(index, "is aas world number 3 in the sprint?") == "ski-aas-ranking"


def test_breaking_a_record_is_beating_it() -> None:
    index = _server_index(
        _fact(
            "swim-record-margin",
            "By how much did Nina Holt improve the meet record?",
            "Holt broke the meet record by 1.2 seconds.",
            accept=("1.2 seconds",),
            kind="time",
        ),
        _fact(
            "swim-margin",
            "What was Holt's winning margin in the 400m?",
            "Holt won the 400m by 3.5 seconds from Sara Lind.",
            accept=("3.5 seconds",),
            kind="time",
        ),
        _fact(
            "swim-old-record",
            "What was the previous meet record?",
            "The previous meet record was 4:01.22, set in 2019.",
            accept=("4:01.22",),
            kind="time",
        ),
    )
    assert _answer(index, "how much did holt beat the meet record by?") == "swim-record-margin"


def test_a_fact_asking_by_how_much_asks_for_a_margin_as_a_question_ending_in_by_does() -> None:
    index = _server_index(
        _fact(
            "swim-400-margin",
            "By how much did Nina Holt win the 400m?",
            "Holt won the 400m by 3.5 seconds.",
            accept=("3.5 seconds",),
            kind="time",
        ),
        _fact(
            "swim-400-time",
            "What was Holt's time in the 400m?",
            "Holt won the 400m in 4:02.10.",
            accept=("4:02.10",),
            kind="time",
        ),
        _fact(
            "swim-400-winner",
            "Who won the 400m?",
            "Nina Holt won the 400m.",
            accept=("Nina Holt", "Holt"),
            kind="person",
        ),
    )
    assert _answer(index, "how much did holt win the 400m by?") == "swim-400-margin"
