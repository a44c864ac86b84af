"""What a score hides: numbers, protected terms and negations that differ."""

from __future__ import annotations

from transflow.memory.differences import (
    differs_in_negation,
    differs_in_number,
    differs_in_term,
    negation_count,
    term_finder,
)


def test_numbers_differ_by_their_digits_not_their_separators() -> None:
    assert differs_in_number("12 people died.", "21 people died.")
    assert differs_in_number("It cost 1,000 euros.", "It cost euros.")
    assert not differs_in_number("It cost 1,000 euros.", "It cost 1.000 euros today.")
    assert not differs_in_number("No numbers.", "None here either.")


def test_negations_are_counted_per_language() -> None:
    assert differs_in_negation("They agreed.", "They did not agree.", "en")
    assert differs_in_negation("They agreed.", "They didn’t agree.", "en")
    assert differs_in_negation("Ele aceitou.", "Ele não aceitou.", "pt-BR")
    assert not differs_in_negation("Nobody came.", "Nothing came.", "en")
    assert negation_count("Il n'est pas là.", "fr") == 1
    # Languages without a list are not judged.
    assert not differs_in_negation("Hij kwam.", "Hij kwam niet.", "sw")


def test_protected_terms_from_texts_or_a_function() -> None:
    by_text = term_finder({"Baku", "Batumi"})
    assert differs_in_term("Visit to Baku.", "Visit to Batumi.", by_text)
    assert not differs_in_term("Visit to Baku.", "A visit to Baku!", by_text)
    # Whole words, case-sensitive, as translation matches terms: "Bakur" is not "Baku".
    assert differs_in_term("Visit to Baku.", "Visit to Bakur.", by_text)
    assert not by_text("Visit to Bakur and baku.")
    by_function = term_finder(lambda text: [w for w in text.split() if w.istitle()])
    assert differs_in_term("Visit to Baku.", "Visit to Rome.", by_function)
    assert not differs_in_term("Visit to Baku.", "Visit to Rome.", term_finder(None))


def test_numbers_written_as_words_count_but_articles_do_not() -> None:
    assert differs_in_number("Talks lasted two hours.", "Talks lasted three hours.", "en")
    assert not differs_in_number("Talks lasted two hours.", "Talks lasted two hours!", "en")
    assert differs_in_number("Morreram duas pessoas.", "Morreram três pessoas.", "pt")
    assert not differs_in_number("Chegou um presidente.", "Chegou o presidente.", "pt")
    # Without a language only digits are compared.
    assert not differs_in_number("Talks lasted two hours.", "Talks lasted three hours.")
