"""The matching rules of protected terms (``transflow.glossary.matching``)."""

from __future__ import annotations

import pytest

from transflow.glossary.matching import TermMatch, TermMatcher, fold

WORLD_TERMS = [
    "Ilham Aliyev",
    "Heydar Aliyev",
    "Aliyev",
    "Mehriban Aliyeva",
    "Isaac Herzog",
    "Michal Herzog",
    "Herzog",
    "Azerbaijan",
    "Israel",
    "Iran",
    "Baku",
    "Second Karabakh War",
    "Karabakh",
    "Gala Archaeological-Ethnographic Museum Complex",
    "Gala",
    "president.az",
    "U.S.",
]


def matcher(*terms: str) -> TermMatcher[str]:
    return TermMatcher((term, term) for term in terms)


def found(terms: TermMatcher[str], text: str) -> list[tuple[int, str, str]]:
    """(start, matched text, value) per match; the slice proves the offsets."""
    return [(match.start, text[match.start : match.end], match.value) for match in terms.find(text)]


WORLD = matcher(*WORLD_TERMS)


def test_case_sensitive() -> None:
    terms = matcher("Stone", "Baku")

    assert found(terms, "The stone in BAKU and baku.") == []
    assert found(terms, "Stone in Baku.") == [(0, "Stone", "Stone"), (9, "Baku", "Baku")]


@pytest.mark.parametrize(
    "text",
    [
        "Azerbaijani officials",
        "the Azerbaijanis",
        "Mehriban Aliyevas",
        "Aliyeva",
        "Israeli troops",
        "Irani",
        "Bakunin",
        "Baku2026",
        "Baku_office",
        "Iranian",
        "Galas",
        "MegaBaku",
        "UBaku",
        "the Aliyevs’ home",  # a plural is another word, possessive or not
    ],
)
def test_whole_words_only(text: str) -> None:
    assert found(WORLD, text) == []


def test_term_alone_at_start_and_end_of_text() -> None:
    assert found(WORLD, "Baku") == [(0, "Baku", "Baku")]
    assert found(WORLD, "Baku is far from Israel") == [
        (0, "Baku", "Baku"),
        (17, "Israel", "Israel"),
    ]
    assert found(WORLD, "Israel") == [(0, "Israel", "Israel")]


def test_longest_match_first() -> None:
    text = "Michal Herzog and Isaac Herzog met; Herzog spoke."

    assert found(WORLD, text) == [
        (0, "Michal Herzog", "Michal Herzog"),
        (18, "Isaac Herzog", "Isaac Herzog"),
        (36, "Herzog", "Herzog"),
    ]


def test_heydar_aliyev_is_not_ilham_aliyev() -> None:
    text = "Heydar Aliyev, father of Ilham Aliyev; Aliyev said."

    assert found(WORLD, text) == [
        (0, "Heydar Aliyev", "Heydar Aliyev"),
        (25, "Ilham Aliyev", "Ilham Aliyev"),
        (39, "Aliyev", "Aliyev"),
    ]
    without_heydar = matcher("Ilham Aliyev", "Aliyev")
    assert found(without_heydar, "Heydar Aliyev spoke.") == [(7, "Aliyev", "Aliyev")]


def test_aliyeva_is_not_aliyev() -> None:
    assert found(WORLD, "Mehriban Aliyeva and Aliyev") == [
        (0, "Mehriban Aliyeva", "Mehriban Aliyeva"),
        (21, "Aliyev", "Aliyev"),
    ]
    assert found(matcher("Aliyev"), "Mehriban Aliyeva") == []


def test_azerbaijani_is_not_azerbaijan() -> None:
    assert found(WORLD, "Azerbaijani forces left Azerbaijan.") == [(24, "Azerbaijan", "Azerbaijan")]


def test_overlapping_candidates_resolve_leftmost_then_longest() -> None:
    terms = matcher("New York", "York Times", "New York Times Company", "Times")

    assert found(terms, "New York Times reporters") == [
        (0, "New York", "New York"),
        (9, "Times", "Times"),
    ]
    assert found(terms, "the New York Times Company") == [
        (4, "New York Times Company", "New York Times Company")
    ]
    assert found(terms, "York Times") == [(0, "York Times", "York Times")]


def test_longer_candidate_failing_the_word_test_leaves_the_shorter_one() -> None:
    assert found(WORLD, "Second Karabakh Wars") == [(7, "Karabakh", "Karabakh")]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Azerbaijan’s president", "Azerbaijan"),
        ("Azerbaijan's president", "Azerbaijan"),
        ("Israel's president", "Israel"),
        ("Israel’s president", "Israel"),
        ("Herzog’s visit", "Herzog"),
        ("Isaac Herzog's visit", "Isaac Herzog"),
    ],
)
def test_possessive_keeps_its_term(text: str, term: str) -> None:
    assert found(WORLD, text) == [(text.index(term), term, term)]


@pytest.mark.parametrize("term", ["O’Brien", "O'Brien", "O\u02bcBrien"])
@pytest.mark.parametrize("text", ["Mr O'Brien said", "Mr O’Brien said", "Mr O‘Brien said"])
def test_both_apostrophes_in_terms_and_text(term: str, text: str) -> None:
    terms = TermMatcher([(term, "obrien")])

    assert [(match.start, match.end, match.value) for match in terms.find(text)] == [
        (3, 10, "obrien")
    ]


def test_offsets_refer_to_the_original_text() -> None:
    text = "“Baku’s” 🇦🇿 growth — O’Brien’s view of Azerbaijan’s 𝐁aku and Baku."
    terms = TermMatcher([("O'Brien", 1), ("Baku", 2), ("Azerbaijan", 3)])

    matches = terms.find(text)

    assert [(text[m.start : m.end], m.value) for m in matches] == [
        ("Baku", 2),
        ("O’Brien", 1),
        ("Azerbaijan", 3),
        ("Baku", 2),
    ]
    assert [m.start for m in matches] == [
        1,
        text.index("O’Brien"),
        text.index("Azerbaijan"),
        text.rindex("Baku"),
    ]
    assert fold(text) != text
    assert len(fold(text)) == len(text)


def test_hyphenated_compounds() -> None:
    text = "the Azerbaijan-Israel talks, a pro-Israel group and U.S.-Iran ties"

    assert [value for _, _, value in found(WORLD, text)] == [
        "Azerbaijan",
        "Israel",
        "Israel",
        "U.S.",
        "Iran",
    ]
    museum = "the Gala Archaeological-Ethnographic Museum Complex near Gala"
    assert found(WORLD, museum) == [
        (4, "Gala Archaeological-Ethnographic Museum Complex", WORLD_TERMS[13]),
        (museum.rindex("Gala"), "Gala", "Gala"),
    ]


def test_terms_ending_in_punctuation() -> None:
    text = "U.S. officials read president.az, not www.president.az/en; the U.S."

    assert found(WORLD, text) == [
        (0, "U.S.", "U.S."),
        (20, "president.az", "president.az"),
        (42, "president.az", "president.az"),
        (63, "U.S.", "U.S."),
    ]
    assert found(WORLD, "the U.S.A. and president.azx") == []


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("Алиев", "Ильхам Алиев прибыл в Баку.", [7]),
        ("Алиев", "Мехрибан Алиева", []),
        ("Баку", "«Баку» и Баку,", [1, 9]),
        ("Баку", "бакинский Баку", [10]),
        ("باكو", "وصل هرتسوغ إلى باكو، عاصمة أذربيجان.", [15]),
        ("إسرائيل", "رئيس إسرائيل والجيش الإسرائيلي", [5]),
        ("إسحاق هرتسوغ", "التقى إسحاق هرتسوغ بالرئيس", [6]),
        ("भारत", "भारत और भारती", [0]),
        ("Jose", "Jose\u0301 Jose", [6]),
    ],
)
def test_non_latin_scripts(term: str, text: str, expected: list[int]) -> None:
    assert [start for start, _, _ in found(matcher(term), text)] == expected


def test_empty_matcher_finds_nothing() -> None:
    empty: TermMatcher[str] = TermMatcher([])

    assert len(empty) == 0
    assert empty.find("Baku and Israel") == []
    assert empty.find("") == []
    assert len(TermMatcher([("", "nothing")])) == 0
    assert TermMatcher([("", "nothing")]).find("anything") == []


def test_empty_text() -> None:
    assert WORLD.find("") == []


def test_generic_values_and_first_value_wins() -> None:
    terms: TermMatcher[int] = TermMatcher(
        [("Baku", 1), ("Israel", 2), ("Baku", 3), ("O'Brien", 4), ("O’Brien", 5)]
    )

    assert len(terms) == 3
    assert terms.find("Baku, O’Brien, Israel") == [
        TermMatch(0, 4, 1),
        TermMatch(6, 13, 4),
        TermMatch(15, 21, 2),
    ]
    assert terms.find("Israel")[0].length == 6


def test_values_may_be_any_object() -> None:
    record = {"kind": "place"}
    terms = TermMatcher([("Baku", record)])

    assert terms.find("in Baku")[0].value is record


def test_repeated_occurrences_are_each_reported() -> None:
    text = "Baku, Baku and Baku"

    assert [start for start, _, _ in found(WORLD, text)] == [0, 6, 15]
