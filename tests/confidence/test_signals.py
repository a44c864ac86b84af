"""Each confidence signal on sentence pairs written for the purpose."""

from __future__ import annotations

import math

import pytest

from transflow.confidence.signals import (
    EXPECTED_LENGTH_RATIO,
    LENGTH_SMOOTHING_CHARACTERS,
    added_names,
    chrf,
    compare_words,
    length_deviation,
    measure,
    missing_names,
    names,
    negations,
)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("He did not go and never came back.", "en", ["not", "never"]),
        ("She can't say, and won't.", "en", ["can't", "won't"]),
        ("It is neither cheap nor fast.", "en", ["neither"]),
        ("Nobody came without a ticket.", "en", ["Nobody", "without"]),
        ("The notice was not noticed.", "en", ["not"]),
        ("Ele não disse nada a ninguém.", "pt", ["não"]),
        ("Ninguém disse nada.", "pt", ["Ninguém"]),
        ("Ele chegou sem nenhum aviso.", "pt", ["sem"]),
        ("Ele mora no Brasil.", "pt", []),  # "no" is "em" + "o"
        ("Não, disse ele, nunca.", "pt", ["Não", "nunca"]),  # a new clause, a new negation
        ("Ele nem tentou.", "pt-BR", ["nem"]),
        ("No dijo nada.", "es", ["No"]),
        ("Il n'a rien dit.", "fr", ["n'a"]),
        ("Il ne sait pas.", "fr", ["ne"]),
        ("Il y a plus de pain.", "fr", []),
        ("Er kommt nicht.", "de", ["nicht"]),
    ],
)
def test_negations_count_one_word_per_negation(
    text: str, language: str, expected: list[str]
) -> None:
    assert negations(text, language) == expected


@pytest.mark.parametrize("language", ["fi", "zz-unknown"])
def test_negations_of_a_language_without_a_list_are_unknown(language: str) -> None:
    assert negations("Hän ei tullut.", language) is None


def test_names_are_capitalised_words_and_numbers_but_not_titles_or_single_letters() -> None:
    text = "I met Ms. Gillard and Dr. Vos's team at 10:30 in São Paulo, 2,000 people."
    assert names(text) == ["Gillard", "Vos", "10", "30", "São", "Paulo", "2", "000"]


def test_a_short_name_at_the_end_is_not_a_title() -> None:
    assert names("The seat went to Junius Ho.") == ["The", "Junius", "Ho"]


def test_a_replaced_name_is_missing() -> None:
    source = "Isaac Herzog visited Baku in 2023."
    assert missing_names(source, "Isaac Macron visitou Baku em 2023.") == ["Herzog"]


def test_an_adapted_name_is_not_missing() -> None:
    assert missing_names("Azerbaijan and Israel signed.", "Azerbaijão e Israel assinaram.") == []
    assert (
        missing_names("Azerbaijan and Israeli firms.", "Azerbaijão e empresas israelenses.") == []
    )


def test_a_translated_name_counts_when_the_back_translation_restores_it() -> None:
    source = "The leaders met in Beijing."
    translation = "Os líderes se reuniram em Pequim."
    assert missing_names(source, translation) == ["The", "Beijing"]
    assert missing_names(source, translation, "The leaders met in Beijing.") == []


def test_a_rephrased_first_word_is_told_apart_from_the_names() -> None:
    signals = measure(
        "Naturally Herzog agreed.", "Claro, Macron concordou.", source="en", target="pt"
    )
    assert signals.missing_first_word == "Naturally"
    assert signals.missing_names == ("Herzog",)


def test_numbers_are_compared_by_their_digits() -> None:
    source = "It rose 6% in 2015 to $221bn, or 1,000 dollars each."
    translation = "Subiu 6% em 2015 para 221 bilhões, ou 1.000 dólares cada."
    assert missing_names(source, translation) == ["It"]
    assert missing_names(source, translation, "It rose 6% in 2015 to 221 billion.") == []
    assert missing_names(source, translation.replace("2015", "2016")) == ["It", "2015"]


def test_added_names_are_names_from_nowhere_that_the_round_trip_keeps() -> None:
    source = "Herzog said the talks in London went well."
    translation = "Macron disse que as conversas em Londres correram bem."
    back = "Macron said the talks in London went well."
    assert added_names(source, translation, back) == ["Macron"]


def test_translated_names_and_capitalised_first_words_are_not_added_names() -> None:
    source = "He lives in London."
    assert added_names(source, "Ele mora em Londres.", "He lives in London.") == []


def test_compare_words_finds_a_lost_last_clause() -> None:
    source = "The minister said taxes would stay the same, and the vote passed by 21 to 14."
    back = "The minister said that taxes would remain the same."
    comparison = compare_words(source, back)
    assert comparison.lost_ending == "vote passed by 21 to 14."
    assert "vote" in comparison.lost and "minister" not in comparison.lost
    assert comparison.added_ending == ""
    assert comparison.lost_share > 0.3


def test_compare_words_finds_an_appended_clause() -> None:
    source = "The museum will reopen in May."
    back = "The museum will reopen in May, and the minister said the deal would be signed."
    comparison = compare_words(source, back)
    assert comparison.added_ending == "minister said the deal would be signed."
    assert comparison.lost == ()


def test_compare_words_ignores_a_paraphrased_word() -> None:
    comparison = compare_words(
        "She was charged with trying to kill her daughter.",
        "She was accused of trying to kill her daughter.",
    )
    assert comparison.lost == ("charged", "with")
    assert comparison.lost_ending == comparison.added_ending == ""


def test_chrf_is_one_for_the_same_text_and_low_for_another() -> None:
    assert chrf("The vote passed.", "The vote passed.") == pytest.approx(1.0)
    assert chrf("Rain fell on Monday.", "The vote passed.") < 0.2


def test_length_deviation_expects_the_pairs_measured_ratio() -> None:
    source = "x" * 100
    expected = EXPECTED_LENGTH_RATIO[("en", "pt")]
    assert length_deviation("y" * 100, source, source_lang="en", target_lang="pt-BR") == (
        pytest.approx(math.log(1 / expected))
    )
    k = LENGTH_SMOOTHING_CHARACTERS
    assert length_deviation("y" * 50, source, source_lang="en", target_lang="de") == (
        pytest.approx(math.log((50 + k) / (100 + k)))
    )
    assert length_deviation("y" * 50, source, source_lang="en", target_lang="zh") == 0.0


def test_short_lengths_are_smoothed_towards_the_expected_ratio() -> None:
    long_half = length_deviation("y" * 500, "x" * 1000, source_lang="en", target_lang="de")
    short_half = length_deviation("y" * 5, "x" * 10, source_lang="en", target_lang="de")
    assert long_half == pytest.approx(math.log(0.5), abs=0.02)
    assert math.log(0.5) < short_half < 0


def test_measure_without_a_back_translation_has_no_round_trip_features() -> None:
    signals = measure(
        "He did not sign.", "Ele assinou.", source="en", target="pt", glossary_problems=1
    )
    assert signals.round_trip is None
    assert signals.source_negations == ("not",) and signals.translation_negations == ()
    assert signals.glossary_problems == 1
    assert set(signals.features()) == {
        "too_short",
        "too_long",
        "negation_translation",
        "missing_names",
        "missing_first_word",
        "lost_marks",
    }
    assert signals.features()["negation_translation"] == 1.0


def test_measure_reports_lost_quotation_marks_in_the_checks_wording() -> None:
    signals = measure('"We won," she said.', "Vencemos, disse ela.", source="en", target="pt")
    assert signals.lost_marks == ("quotation marks missing (2 in the source, 0 here)",)


def test_measure_with_a_back_translation_compares_it_with_the_source() -> None:
    signals = measure(
        "He did not sign the deal.",
        "Ele assinou o acordo.",
        source="en",
        target="pt",
        back_translation="He signed the deal.",
    )
    assert signals.round_trip is not None
    assert signals.round_trip.negations == ()
    features = signals.features()
    assert features["negation_round_trip"] == 1.0
    assert features["round_trip_gap"] > 0
    assert all(value >= 0 for value in features.values())


def test_a_capital_after_an_opening_quotation_mark_is_no_name() -> None:
    quoted = "He said: “The Muslims of Baku live in peace.” Aliyev agreed."
    assert names(quoted) == ["He", "Muslims", "Baku", "Aliyev"]
    assert "The" not in missing_names(quoted, "Ele disse: “os muçulmanos de Baku…” Aliyev.")


def test_a_compound_in_the_back_translation_is_the_words_counterpart() -> None:
    joined = compare_words("Home", "Homepage")
    assert (joined.lost, joined.added) == ((), ())
    split = compare_words("Read the newsletter.", "Read the news letter.")
    assert split.lost == ()
    assert compare_words("The talks in Baku.", "The talks in Batumi.").lost == ("Baku",)
