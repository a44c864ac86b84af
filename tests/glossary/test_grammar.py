"""The article before a term put back by masking, for the languages transflow has rules for."""

from __future__ import annotations

import pytest

from transflow.glossary.grammar import NO_ARTICLE, fix_article, rules_for


@pytest.mark.parametrize(
    ("before", "article", "fixed"),
    [
        ("Herzog visitou o ", "a", "Herzog visitou a "),  # wrong article replaced
        ("visitaram os ", "o", "visitaram o "),
        ("a capital do ", "a", "a capital da "),  # contraction re-made
        ("a capital do ", NO_ARTICLE, "a capital de "),  # … or undone
        ("chegou de ", "o", "chegou do "),  # bare preposition contracted
        ("esteve em ", "a", "esteve na "),
        ("passou pelo ", "as", "passou pelas "),
        ("falou com ", "a", "falou com a "),  # written apart
        ("visitou o ", NO_ARTICLE, "visitou "),  # dropped for a name without article
        ("O ", NO_ARTICLE, ""),
        ("", "o", "O "),  # sentence start
        ("“", "a", "“A "),
        ("Ele foi a ", "o", "Ele foi a "),  # "a": preposition or article, left alone
        ("visitou ", "a", "visitou "),  # after a verb: left as the model wrote it
        ("Em 2020, ", "o", "Em 2020, "),
        ('visitou o "', "a", 'visitou a "'),  # an opening quote stays by the term
        ("visitou o “", NO_ARTICLE, "visitou “"),
        ("falou com “", "a", "falou com a “"),
    ],
)
def test_portuguese(before: str, article: str, fixed: str) -> None:
    rules = rules_for("pt-BR")
    assert rules is not None
    assert fix_article(before, article, rules) == fixed


@pytest.mark.parametrize(
    ("before", "article", "fixed"),
    [
        ("la capital de ", "el", "la capital del "),
        ("la capital del ", "la", "la capital de la "),  # only el contracts
        ("viajó a ", "el", "viajó al "),
        ("vive en ", "la", "vive en la "),
        ("visitó el ", NO_ARTICLE, "visitó "),
    ],
)
def test_spanish(before: str, article: str, fixed: str) -> None:
    rules = rules_for("es")
    assert rules is not None
    assert fix_article(before, article, rules) == fixed


def test_languages_without_rules() -> None:
    assert rules_for("de") is None
    assert rules_for("pt_PT") is rules_for("pt")
