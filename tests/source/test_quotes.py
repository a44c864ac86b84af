"""Typographic quotes: straight for the engine, back in place after; kept by the real model."""

from __future__ import annotations

import pytest

from transflow.engines.bergamot import BergamotEngine
from transflow.source.quotes import restore_marks, straighten
from transflow.translation.pipeline import translate_sentences


@pytest.mark.parametrize(
    ("source", "engine_text", "translation", "restored"),
    [
        (
            "Herzog said, “We agree.”",
            'Herzog said, "We agree."',
            'Herzog disse: "Concordamos."',
            "Herzog disse: “Concordamos.”",
        ),
        ("Er sagte „ja“.", 'Er sagte "ja".', 'He said "yes".', "He said „yes“."),
        (
            "“The talks went well.",
            '"The talks went well.',
            '"As conversas correram bem.',
            "“As conversas correram bem.",
        ),
        (
            'He said "yes".',
            'He said "yes".',
            'Ele disse "sim".',
            'Ele disse "sim".',
        ),  # nothing to do
        (
            "“One” and “two”.",
            '"One" and "two".',
            '"Um" e dois.',
            '"Um" e dois.',
        ),  # a quote lost: left straight
        ("No quotes.", "No quotes.", "Sem aspas.", "Sem aspas."),
    ],
)
def test_straighten_and_restore(
    source: str, engine_text: str, translation: str, restored: str
) -> None:
    text, marks = straighten(source)
    assert text == engine_text
    assert restore_marks(translation, marks) == restored


def test_the_bundled_model_keeps_quoted_speech() -> None:
    # With typographic quotes the model drops them from both sentences.
    sentences = [
        "Herzog tweeted, “The relations between our nations are a model for other countries.”",
        "Aliyev said the equipment allowed Azerbaijan to “protect our statehood.”",
    ]
    raw = BergamotEngine().translate_batch(sentences, "en", "pt")
    assert all("“" not in t.best.text and '"' not in t.best.text for t in raw)
    translated = translate_sentences(BergamotEngine(), sentences, source="en", target="pt")
    for sentence in sentences:
        text = translated[sentence].machine.text
        assert text.count("“") == 1 and text.count("”") == 1, text
        assert text.index("“") < text.index("”")
