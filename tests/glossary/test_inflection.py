"""Protected terms in languages that decline names: written sentences in de, ru, pl, tr, cs, fi.

There is no real model for these languages here, so the translations are
sentences as a translator (or a model) would write them; what is tested is
the verdict of ``TermEnforcer.assess`` on each: the approved form (``exact``),
an inflected form (``inflected``: correct, shown for a look) or neither
(``missing``: a violation). The dictionaries are the real bundled ones
(simplemma's tables, pymorphy3's OpenCorpora data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from transflow.engines.argos import ArgosEngine
from transflow.glossary.enforcement import TermEnforcer, Verdict
from transflow.glossary.inflection import InflectionMatcher, rules_for
from transflow.glossary.model import Origin, Policy, Term, TermKind
from transflow.glossary.placeholders import placeholder_pattern
from transflow.testing.engines import RecordingEngine

EXACT, INFLECTED, MISSING = Verdict.EXACT, Verdict.INFLECTED, Verdict.MISSING


def term(
    text: str,
    kind: TermKind = TermKind.PERSON,
    *,
    forms: Mapping[str, tuple[str, ...]] | None = None,
    forbidden: Mapping[str, tuple[str, ...]] | None = None,
    **targets: str,
) -> Term:
    return Term(
        text=text,
        source_lang="en",
        kind=kind,
        policy=Policy.TRANSLATE if targets else Policy.KEEP,
        targets=targets,
        forbidden=forbidden or {},
        note="",
        origin=Origin(Path("desk.csv"), 2),
        forms=forms or {},
    )


def verdicts(terms: Sequence[Term], target: str, source: str, translation: str) -> list:
    """(verdict, rendering) per source occurrence, and the problems."""
    enforcer = TermEnforcer(terms, target)
    result = enforcer.assess(enforcer.find(source), translation)
    return [(v.verdict, v.rendering) for v in result.verdicts] + [str(p) for p in result.problems]


# --- German: genitive -s, compounds, adjectives in multi-word names ----------------------

ALIYEV = term("Aliyev")
AZERBAIJAN_DE = term("Azerbaijan", TermKind.PLACE, de="Aserbaidschan")
HERZOG = term("Herzog")
WAR_DE = term("Second Karabakh War", TermKind.EVENT, de="Zweiter Karabach-Krieg")


@pytest.mark.parametrize(
    ("translation", "expected"),
    [
        ("Aliyevs Rede über Aserbaidschan.", [(INFLECTED, "Aliyevs"), (EXACT, "Aserbaidschan")]),
        (
            "Aliyev lobte Aserbaidschans Wirtschaft.",
            [(EXACT, "Aliyev"), (INFLECTED, "Aserbaidschans")],
        ),
        (
            "Aliyevski sprach über Aserbaidschan.",
            [(MISSING, None), (EXACT, "Aserbaidschan"), "Aliyev: expected 'Aliyev' 1×, found 0×"],
        ),
        (
            "Alijew sprach über Aserbaidschan.",  # another spelling is another name
            [(MISSING, None), (EXACT, "Aserbaidschan"), "Aliyev: expected 'Aliyev' 1×, found 0×"],
        ),
    ],
)
def test_german_genitive_passes_as_inflected_and_other_names_do_not(
    translation: str, expected: list
) -> None:
    source = "Aliyev spoke about Azerbaijan."
    assert verdicts([ALIYEV, AZERBAIJAN_DE], "de", source, translation) == expected


def test_german_keep_term_in_a_compound_and_a_declined_multi_word_name() -> None:
    assert verdicts([HERZOG], "de", "The Herzog visit.", "Der Herzog-Besuch.") == [
        (EXACT, "Herzog")  # verbatim inside the hyphenated compound
    ]
    assert verdicts([HERZOG], "de", "Herzog's visit.", "Herzogs Besuch.") == [
        (INFLECTED, "Herzogs")
    ]
    assert verdicts(
        [WAR_DE],
        "de",
        "The end of the Second Karabakh War.",
        "Das Ende des Zweiten Karabach-Kriegs.",
    ) == [(INFLECTED, "Zweiten Karabach-Kriegs")]


def test_two_occurrences_one_exact_one_inflected() -> None:
    source = "Aliyev met Aliyev's son."
    assert verdicts([ALIYEV], "de", source, "Aliyev traf Aliyevs Sohn.") == [
        (EXACT, "Aliyev"),
        (INFLECTED, "Aliyevs"),
    ]
    assert verdicts([ALIYEV], "de", source, "Aliyevs Sohn.") == [
        (INFLECTED, "Aliyevs"),
        (MISSING, None),
        "Aliyev: expected 'Aliyev' 2×, found 1×",
    ]


def test_a_forbidden_rendering_is_a_violation_in_any_inflection() -> None:
    azerbaijan = term(
        "Azerbaijan", TermKind.PLACE, de="Aserbaidschan", forbidden={"de": ("Aserbeidschan",)}
    )
    source = "The economy of Azerbaijan."
    assert verdicts(
        [azerbaijan], "de", source, "Die Wirtschaft Aserbeidschans, Aserbaidschans."
    ) == [
        (INFLECTED, "Aserbaidschans"),
        "Azerbaijan: forbidden rendering 'Aserbeidschans' (inflected 'Aserbeidschan')",
    ]


def test_listed_forms_replace_the_lemmatiser_and_a_dash_allows_only_the_approved_form() -> None:
    listed = term("Aliyev", forms={"de": ("Aliyevs", "Alijews")})
    assert verdicts([listed], "de", "Aliyev's speech.", "Alijews Rede.") == [(INFLECTED, "Alijews")]
    only = term("Herzog", forms={"de": ()})  # forms_de: "-"
    assert verdicts([only], "de", "Herzog's speech.", "Herzogs Rede.") == [
        (MISSING, None),
        "Herzog: expected 'Herzog' 1×, found 0×",
    ]
    # A regional target uses its base language's rules and lists.
    assert verdicts([listed], "de-AT", "Aliyev's speech.", "Alijews Rede.") == [
        (INFLECTED, "Alijews")
    ]


# --- Russian: pymorphy3 generates the forms of the approved word -------------------------

AZERBAIJAN_RU = term("Azerbaijan", TermKind.PLACE, ru="Азербайджан")
ALIYEV_RU = term("Aliyev", ru="Алиев")
ILHAM_ALIYEV_RU = term("Ilham Aliyev", ru="Ильхам Алиев")


@pytest.mark.parametrize(
    ("translation", "expected"),
    [
        ("Президент Азербайджана выступил.", (INFLECTED, "Азербайджана")),
        ("Встреча прошла в Азербайджане.", (INFLECTED, "Азербайджане")),
        ("Он гордится Азербайджаном.", (INFLECTED, "Азербайджаном")),
        ("Президент азербайджанского народа выступил.", (MISSING, None)),  # the adjective
    ],
)
def test_russian_cases_of_a_place(translation: str, expected: tuple) -> None:
    found = verdicts([AZERBAIJAN_RU], "ru", "The President of Azerbaijan spoke.", translation)
    assert found[0] == expected


def test_russian_surname_cases_but_not_the_feminine_or_a_derived_name() -> None:
    source = "They met Aliyev."
    assert verdicts([ALIYEV_RU], "ru", source, "Они встретили Алиева.")[0] == (
        INFLECTED,
        "Алиева",
    )
    assert verdicts([ALIYEV_RU], "ru", source, "Они встретились с Алиевым.")[0] == (
        INFLECTED,
        "Алиевым",
    )
    assert verdicts([ALIYEV_RU], "ru", source, "Они встретились с Алиевой.")[0] == (MISSING, None)
    assert verdicts([ALIYEV_RU], "ru", source, "Они встретили Алиевского.")[0] == (MISSING, None)
    assert verdicts(
        [ILHAM_ALIYEV_RU], "ru", "They met Ilham Aliyev.", "Они встретили Ильхама Алиева."
    ) == [(INFLECTED, "Ильхама Алиева")]


# --- Polish: case endings, stems that drop their vowel, dictionary forms ----------------

POLAND = term("Poland", TermKind.PLACE, pl="Polska")
AZERBAIJAN_PL = term("Azerbaijan", TermKind.PLACE, pl="Azerbejdżan")
ALIYEV_PL = term("Aliyev", pl="Alijew")
BAKU = term("Baku", TermKind.PLACE)
POLISH_TERMS = [POLAND, AZERBAIJAN_PL, ALIYEV_PL, BAKU]
POLISH_SOURCE = "Poland and Azerbaijan: Aliyev in Baku."


def test_polish_case_forms_pass_as_inflected() -> None:
    translation = "W Polsce i w Azerbejdżanie mówiono o Alijewie w Baku."
    assert verdicts(POLISH_TERMS, "pl", POLISH_SOURCE, translation) == [
        (INFLECTED, "Polsce"),  # k → c: from the dictionary
        (INFLECTED, "Azerbejdżanie"),
        (INFLECTED, "Alijewie"),
        (EXACT, "Baku"),  # indeclinable
    ]
    translation = "Polski i Azerbejdżanu prezydent rozmawiał z Alijewem w Baku."
    assert [v for v, _ in verdicts(POLISH_TERMS, "pl", POLISH_SOURCE, translation)] == [
        INFLECTED,
        INFLECTED,
        INFLECTED,
        EXACT,
    ]


def test_polish_derived_words_are_not_the_name() -> None:
    translation = "Polak i Azerbejdżanin rozmawiali z Alijewskim w Bakiem."
    found = verdicts(POLISH_TERMS, "pl", POLISH_SOURCE, translation)
    assert found[:4] == [(MISSING, None)] * 4
    assert len(found) == 8  # four problems


# --- Turkish: the suffix of a name follows an apostrophe -------------------------------

BAKU_TR = term("Baku", TermKind.PLACE, tr="Bakü")
ISRAEL_TR = term("Israel", TermKind.PLACE, tr="İsrail")


def test_turkish_case_suffixes_after_the_apostrophe_are_inflected() -> None:
    source = "Herzog flew from Israel to Baku."
    translation = "Herzog'un uçağı İsrail'den Bakü'ye uçtu."
    assert verdicts([HERZOG, ISRAEL_TR, BAKU_TR], "tr", source, translation) == [
        (INFLECTED, "Herzog'un"),  # a keep-verbatim term with a case suffix
        (INFLECTED, "İsrail'den"),
        (INFLECTED, "Bakü'ye"),
    ]
    typographic = "Herzog’un uçağı İsrail’den Bakü’ye uçtu."
    assert [v for v, _ in verdicts([HERZOG, ISRAEL_TR, BAKU_TR], "tr", source, typographic)] == [
        INFLECTED
    ] * 3


def test_turkish_derivations_without_an_apostrophe_are_not_the_name() -> None:
    found = verdicts(
        [ISRAEL_TR, BAKU_TR], "tr", "Israel and Baku.", "İsrailliler ve Bakülüler geldi."
    )
    assert found[:2] == [(MISSING, None), (MISSING, None)]


# --- Czech and Finnish, for the table in the README --------------------------------------


def test_czech_and_finnish_case_forms() -> None:
    prague = term("Prague", TermKind.PLACE, cs="Praha", fi="Praha")
    assert verdicts([prague, ALIYEV], "cs", "Aliyev in Prague.", "Aliyevovi v Praze.") == [
        (INFLECTED, "Aliyevovi"),
        (INFLECTED, "Praze"),
    ]
    helsinki = term("Helsinki", TermKind.PLACE)
    assert verdicts(
        [helsinki, ALIYEV], "fi", "Aliyev in Helsinki.", "Aliyevin vierailu Helsingissä."
    ) == [
        (INFLECTED, "Aliyevin"),
        (INFLECTED, "Helsingissä"),
    ]
    assert verdicts([term("EU", TermKind.ORGANISATION)], "fi", "The EU said.", "EU:n mukaan.") == [
        (INFLECTED, "EU:n")
    ]


# --- languages that do not decline names: nothing changes --------------------------------


def test_portuguese_and_english_stay_exact_only() -> None:
    azerbaijan = term("Azerbaijan", TermKind.PLACE, pt="Azerbaijão")
    assert rules_for("pt-BR") is None and rules_for("en") is None
    assert verdicts([azerbaijan], "pt-BR", "Azerbaijan.", "Azerbaijãos.") == [
        (MISSING, None),
        "Azerbaijan: expected 'Azerbaijão' 1×, found 0×",
    ]
    assert not InflectionMatcher("pt", [("Azerbaijão", 1)])


def test_check_counts_inflected_occurrences_as_correct() -> None:
    enforcer = TermEnforcer([ALIYEV_RU, AZERBAIJAN_RU], "ru")
    matches = enforcer.find("Aliyev, President of Azerbaijan.")
    assert enforcer.check(matches, "Алиев, президент Азербайджана.") == (2, [])


# --- masking into a language that declines names ---------------------------------------


def test_a_declined_placeholder_is_restored_as_the_approved_form() -> None:
    pattern = placeholder_pattern("Zvirok", "de", ignore_case=True)
    assert pattern.sub("Aserbaidschan", "Die Wirtschaft Zviroks wächst.") == (
        "Die Wirtschaft Aserbaidschan wächst."
    )
    assert placeholder_pattern("Zvirok", "tr", ignore_case=True).findall("Zvirok'ta") == [
        "Zvirok'ta"
    ]
    assert placeholder_pattern("Zvirok", "pt", ignore_case=True).findall("Zviroks") == []


def test_masking_into_german_puts_back_the_approved_form_and_says_its_case_needs_a_look(
    monkeypatch: pytest.MonkeyPatch, two_language_packages: Path
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(two_language_packages))
    engine = RecordingEngine(ArgosEngine())  # the copy model upper-cases: every term is masked
    [result] = TermEnforcer([HERZOG, AZERBAIJAN_DE], "de").translate(
        engine, ["Herzog visited Azerbaijan."], "en", "de"
    )
    assert result.text == "Herzog VISITED Aserbaidschan."
    assert result.masked == ("Herzog", "Azerbaijan")
    assert result.unchecked_inflection == ("Herzog", "Azerbaijan")
    assert not result.flagged
