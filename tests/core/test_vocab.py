"""The sport-general vocabulary: nations and their forms, loaded and validated from data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.vocab import VocabError, fold, load_nations, load_vocab


@pytest.mark.parametrize(
    ("text", "nation"),
    [
        ("USA", "United States"),
        ("the US", "United States"),
        ("United States of America", "United States"),
        ("American", "United States"),
        ("U.S.", "United States"),
        ("British", "Great Britain"),
        ("Team GB", "Great Britain"),
        ("uk", "Great Britain"),
        ("Holland", "Netherlands"),
        ("dutch", "Netherlands"),
        ("NED", "Netherlands"),
        ("Côte d'Ivoire", "Ivory Coast"),
        ("kenyan", "Kenya"),
        ("Italy", "Italy"),
    ],
)
def test_every_form_of_a_nation_names_it(text: str, nation: str) -> None:
    assert load_vocab().nation_of(text) == nation


@pytest.mark.parametrize("text", ["us", "can", "Jason Kenny", "keirin", "", "the"])
def test_ordinary_words_name_no_nation(text: str) -> None:
    assert load_vocab().nation_of(text) is None


def test_nations_in_a_sentence_in_order_and_once() -> None:
    text = "Did the US beat us? The Dutch rider and an American, then the Netherlands again"
    assert load_vocab().nations_in(text) == ["United States", "Netherlands"]


def test_same_nation() -> None:
    vocab = load_vocab()
    assert vocab.same_nation("Britain", "British")
    assert not vocab.same_nation("Britain", "Netherlands")
    assert not vocab.same_nation("keirin", "keirin")


def test_nations_have_unique_tokens() -> None:
    tokens = [n.token for n in load_vocab().nations()]
    assert len(tokens) == len(set(tokens)) > 50


def test_fold_spells_out_letters_unicode_does_not_decompose() -> None:
    assert fold("Søren’s ÆRØ café") == "soren's aero cafe"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("nations:\n  - {name: Atlantis, colour: blue}\n", ["nations.yaml", "Atlantis", "colour"]),
        ("nations:\n  - {name: Atlantis, codes: [atl]}\n", ["Atlantis", "codes"]),
        (
            "nations:\n  - {name: Atlantis, names: [Mu]}\n  - {name: Lemuria, names: [mu]}\n",
            ["Lemuria", "names", "Atlantis"],
        ),
        ("nations: [1, 2\n", ["nations.yaml", "YAML"]),
        ("- Atlantis\n", ["nations.yaml"]),
    ],
)
def test_a_bad_nations_file_is_rejected_naming_file_entry_and_field(
    tmp_path: Path, body: str, words: list[str]
) -> None:
    path = tmp_path / "nations.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(VocabError) as err:
        load_nations(path)
    for word in words:
        assert word in str(err.value)
