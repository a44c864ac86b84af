"""Glossary enforcement through real models: the upper-casing copy model and bundled Bergamot.

The copy model upper-cases everything it sees, so a protected term that comes
out in its original case can only have been put there by the enforcement —
which makes exact assertions possible.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from builders import REPOSITORY
from transflow.engines.argos import ArgosEngine
from transflow.engines.base import Engine
from transflow.engines.bergamot import BergamotEngine
from transflow.glossary.enforcement import TermEnforcer
from transflow.glossary.model import Origin, Policy, Term, TermKind, load_glossary
from transflow.glossary.placeholders import CANDIDATE_NAMES, placeholder_pools
from transflow.source.articles import read_article
from transflow.testing.engines import RecordingEngine
from transflow.translation.pipeline import article_sentences

REPO = REPOSITORY
SAMPLE = REPO / "examples" / "articles" / "azerbaijan-israel-presidents-baku.txt"


def term(
    text: str,
    kind: TermKind = TermKind.PERSON,
    policy: Policy = Policy.KEEP,
    forbidden: Sequence[str] = (),
    **targets: str,
) -> Term:
    return Term(
        text=text,
        source_lang="en",
        kind=kind,
        policy=policy,
        targets=targets,
        forbidden={"pt": tuple(forbidden)} if forbidden else {},
        note="",
        origin=Origin(Path("test.csv"), 2),
    )


TERMS = [
    term("Isaac Herzog"),
    term("Michal Herzog"),
    term("Herzog"),
    term("Baku", TermKind.PLACE),
    term("Azerbaijan", TermKind.PLACE, Policy.TRANSLATE, pt="Azerbaijão"),
    term("Second Karabakh War", TermKind.EVENT, Policy.TRANSLATE, pt="Segunda Guerra de Karabakh"),
]


@pytest.fixture
def copy_engine(argos_packages: Path) -> RecordingEngine:
    return RecordingEngine(ArgosEngine())


def enforce(engine: Engine, sentences: list[str], terms: Sequence[Term] = TERMS):
    return TermEnforcer(terms, "pt").translate(engine, sentences, "en", "pt")


def test_protected_terms_keep_their_case_while_the_rest_is_upper_cased(
    copy_engine: RecordingEngine,
) -> None:
    results = enforce(
        copy_engine,
        [
            "He met Isaac Herzog in Baku.",
            "The President of Azerbaijan spoke.",
            "It happened during the 2020 Second Karabakh War.",
        ],
    )
    assert [result.text for result in results] == [
        "HE MET Isaac Herzog IN Baku.",
        "THE PRESIDENT OF Azerbaijão SPOKE.",
        "IT HAPPENED DURING THE 2020 Segunda Guerra de Karabakh.",
    ]
    assert all(not result.flagged for result in results)
    assert [(result.occurrences, result.correct) for result in results] == [(2, 2), (1, 1), (1, 1)]
    assert results[0].masked == ("Isaac Herzog", "Baku")


def test_longest_match_and_repeated_terms(copy_engine: RecordingEngine) -> None:
    [result] = enforce(copy_engine, ["Michal Herzog and Herzog met Herzog in Baku."])
    assert result.text == "Michal Herzog AND Herzog MET Herzog IN Baku."
    assert (result.occurrences, result.correct, result.problems) == (4, 4, ())


def test_possessive_keeps_its_term(copy_engine: RecordingEngine) -> None:
    [result] = enforce(copy_engine, ["Azerbaijan’s capital is Baku."])
    # The English possessive of the placeholder is not carried into Portuguese.
    assert result.text == "Azerbaijão CAPITAL IS Baku."


def test_sentences_without_terms_cost_one_engine_call(copy_engine: RecordingEngine) -> None:
    results = enforce(copy_engine, ["Nothing protected here.", "Nor here."])
    assert [result.text for result in results] == ["NOTHING PROTECTED HERE.", "NOR HERE."]
    assert copy_engine.calls == [["Nothing protected here.", "Nor here."]]
    assert all(result.occurrences == 0 and not result.masked for result in results)


def test_addresses_and_handles_come_back_character_for_character(
    copy_engine: RecordingEngine,
) -> None:
    results = enforce(
        copy_engine,
        [
            "Read the report at https://example.org/Baku-report.pdf today.",
            "Write to press@example.org or follow @IsaacHerzog.",
        ],
    )
    assert [result.text for result in results] == [
        "READ THE REPORT AT https://example.org/Baku-report.pdf TODAY.",
        "WRITE TO press@example.org OR FOLLOW @IsaacHerzog.",
    ]
    # "Baku" inside the address is part of it, not a term of its own.
    assert [(r.occurrences, r.correct, r.problems) for r in results] == [(1, 1, ()), (2, 2, ())]


def test_an_address_inside_a_longer_one_is_not_found() -> None:
    enforcer = TermEnforcer([term("Baku", TermKind.PLACE)], "pt")
    source = "Follow @un and @unicef, or see https://un.org and https://un.org/news on Baku."
    kept = "Siga @un e @unicef, ou veja https://un.org e https://un.org/news sobre Baku."
    assert enforcer.check(enforcer.find(source), kept) == (5, [])
    lost = "Siga @unicef e @unicef, ou veja https://un.org/news e https://un.org/news/Baku."
    correct, problems = enforcer.check(enforcer.find(source), lost)
    assert correct == 2
    assert [str(problem) for problem in problems] == [
        "@un: expected '@un' 1×, found 0×",
        "https://un.org: expected 'https://un.org' 1×, found 0×",
        "Baku: expected 'Baku' 1×, found 0×",  # the one in the address does not count
    ]


def test_a_mangled_address_is_flagged(argos_packages: Path, name_dropping: type[Engine]) -> None:
    [result] = enforce(
        name_dropping(ArgosEngine()), ["Details are online at www.gov.il/Mission today."]
    )
    assert result.flagged
    assert [str(problem) for problem in result.problems] == [
        "www.gov.il/Mission: expected 'www.gov.il/Mission' 1×, found 0×"
    ]


def test_only_failing_sentences_go_back_to_the_engine(copy_engine: RecordingEngine) -> None:
    pools = placeholder_pools(copy_engine, "en", "pt")  # probed here, if not yet
    copy_engine.calls.clear()
    enforce(copy_engine, ["No names at all.", "He met Herzog."])
    first, second = copy_engine.calls
    assert first == ["No names at all.", "He met Herzog."]
    assert second in ([f"He met {name}."] for name in pools.names["person"])


def test_placeholders_avoid_words_already_in_the_sentence(copy_engine: RecordingEngine) -> None:
    first_person_name = placeholder_pools(copy_engine, "en", "pt").names["person"][0]
    [result] = enforce(copy_engine, [f"{first_person_name} met Herzog."])
    assert result.text == f"{first_person_name.upper()} MET Herzog."
    assert result.masked == ("Herzog",)


def test_what_cannot_be_repaired_is_flagged_never_silent(
    argos_packages: Path, name_dropping: type[Engine]
) -> None:
    engine = name_dropping(BergamotEngine())
    [result] = enforce(engine, ["Yesterday Isaac Herzog visited Baku."])
    assert result.flagged
    assert {problem.term.text for problem in result.problems} == {"Isaac Herzog", "Baku"}
    assert result.correct == 0 and result.occurrences == 2
    assert "Isaac Herzog" not in result.text
    assert all(
        name.lower() not in result.text.lower()
        for pool in CANDIDATE_NAMES.values()
        for name in pool
    )
    assert "Nnn" not in result.text


def test_the_article_before_a_masked_term_follows_the_glossary() -> None:
    alley = term("Alley of Martyrs", TermKind.PLACE, Policy.TRANSLATE, pt="Alameda dos Mártires")
    sentence = "During the visit, Herzog visited the Alley of Martyrs and laid a wreath."
    # The bundled model cannot render the name, so it is masked; its stand-in gets "o".
    [unknown] = enforce(BergamotEngine(), [sentence], [alley])
    assert unknown.masked == ("Alley of Martyrs",)
    assert "visitou o Alameda dos Mártires" in unknown.text
    feminine = dataclasses.replace(alley, articles={"pt": "a"})
    [fixed] = enforce(BergamotEngine(), [sentence], [feminine])
    assert fixed.text == unknown.text.replace("visitou o Alameda", "visitou a Alameda")
    assert not fixed.flagged


def test_check_counts_each_source_occurrence() -> None:
    enforcer = TermEnforcer(TERMS, "pt")
    source = "Herzog met Herzog in Baku."
    matches = enforcer.find(source)
    assert enforcer.check(matches, "Herzog encontrou Herzog em Baku.") == (3, [])
    correct, problems = enforcer.check(matches, "Herzog encontrou-se em Baku.")
    assert correct == 2
    assert [str(problem) for problem in problems] == ["Herzog: expected 'Herzog' 2×, found 1×"]


def test_check_is_case_sensitive_and_whole_word() -> None:
    enforcer = TermEnforcer(TERMS, "pt")
    matches = enforcer.find("Azerbaijan and Baku.")
    assert enforcer.check(matches, "AZERBAIJÃO e Baku.")[0] == 1
    assert enforcer.check(matches, "Azerbaijãoense e Baku.")[0] == 1
    assert enforcer.check(matches, "Azerbaijão e Baku.")[0] == 2


def test_forbidden_rendering_is_a_problem_even_next_to_the_approved_one() -> None:
    poland = term("Poland", TermKind.PLACE, Policy.TRANSLATE, forbidden=["Polónia"], pt="Polônia")
    enforcer = TermEnforcer([poland], "pt")
    matches = enforcer.find("Poland and Poland.")
    correct, problems = enforcer.check(matches, "Polônia e Polónia.")
    assert correct == 1
    assert [str(problem) for problem in problems] == [
        "Poland: expected 'Polônia' 2×, found 1×",
        "Poland: forbidden rendering 'Polónia'",
    ]


def test_translate_term_without_target_form_is_not_enforced(copy_engine: RecordingEngine) -> None:
    israel = term("Israel", TermKind.PLACE, Policy.TRANSLATE, de="Israel")
    [result] = enforce(copy_engine, ["Israel spoke."], [israel])
    assert (result.text, result.occurrences, result.flagged) == ("ISRAEL SPOKE.", 0, False)


def test_sample_article_with_bundled_model_and_shipped_glossary() -> None:
    """The issue's check: every occurrence approved or flagged, no residue, 100% unflagged."""
    glossary = load_glossary([REPO / "glossary"])
    assert not glossary.errors
    terms = glossary.for_pair("en", "pt")
    sentences = [" ".join(s.text.split()) for s in article_sentences(read_article(SAMPLE), "en")]
    results = TermEnforcer(terms, "pt").translate(BergamotEngine(), sentences, "en", "pt")

    enforcer = TermEnforcer(terms, "pt")
    total = correct_in_unflagged = unflagged_total = 0
    placeholder = re.compile(
        "|".join(re.escape(name) for pool in CANDIDATE_NAMES.values() for name in pool) + r"|Nnn\d",
        re.IGNORECASE,
    )
    for sentence, result in zip(sentences, results, strict=True):
        assert not placeholder.search(result.text), result.text
        correct, problems = enforcer.check(enforcer.find(sentence), result.text)
        assert (correct, bool(problems)) == (result.correct, result.flagged)
        total += result.occurrences
        if not result.flagged:
            unflagged_total += result.occurrences
            correct_in_unflagged += correct
    assert total >= 45
    assert correct_in_unflagged == unflagged_total


def test_alternatives_are_other_hypotheses_as_good_on_the_glossary(
    copy_engine: RecordingEngine,
) -> None:
    enforcer = TermEnforcer(TERMS, "pt")
    sentence = "Herzog met Herzog in Baku."
    [result] = enforcer.translate(copy_engine, [sentence], "en", "pt")
    assert 1 <= len(result.alternatives) <= 2
    assert result.text not in result.alternatives
    for alternative in result.alternatives:
        assert enforcer.check(enforcer.find(sentence), alternative)[1] == []


def test_protected_text_gives_each_term_as_written_and_approved() -> None:
    enforcer = TermEnforcer(TERMS, "pt")
    sentence = "Isaac Herzog flew from Azerbaijan's capital, Baku."
    assert enforcer.protected_text(sentence) == (
        "Isaac Herzog",
        "Isaac Herzog",
        "Azerbaijan",
        "Azerbaijão",
        "Baku",
        "Baku",
    )
    assert enforcer.protected_text("Nothing protected here.") == ()
