"""Tests for transflow.source.segmentation: golden cases per language and properties of any output.

The golden cases live in tests/data/segmentation_golden.jsonl (own cases plus MIT-licensed
pragmatic_segmenter / pySBD cases, attributed there). Accuracy on the larger gold set is
measured by benchmarks/segmentation_bench.py, not here.
"""

from __future__ import annotations

import json
import random
import warnings

import pytest

from builders import DATA
from transflow.source import segmentation
from transflow.source.segmentation import (
    Sentence,
    UnsupportedSegmentationLanguageWarning,
    segment,
    split_sentences,
    supported_languages,
)

GOLDEN_PATH = DATA / "segmentation_golden.jsonl"


def _load_golden() -> list[dict[str, object]]:
    with GOLDEN_PATH.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [row for row in rows if "_comment" not in row]


GOLDEN = _load_golden()

# Texts that exercise every branch of the rules, for the properties that hold on any input.
TRICKY = [
    "",
    "   \n\t ",
    "No terminal punctuation at all",
    "Dr. Smith met J. R. R. Tolkien at 5 p.m. Monday. Really?! “Yes.” (Maybe.) Fine…",
    "a) one b) two c) three\n1. First\n2. Second\n\n(i) x (ii) y",
    "W\nA\nRN\nI\nNG\n \n/\n \nA\nV",
    "martyr.[1] The end.11 12 Next (1987).1 According",
    "words. . . . The practice . . . continues.... Done",
    "„Wir schaffen das.“ – sagte sie. – Danke. Am 3. Oktober. Der 45. Präsident.",
    "«C’est fini ! » Il part. ¿Dónde? ¡Aquí! هل؟ نعم. 完了。次。",
    "...!!!???\n\n\n...",
    "U.S.A. U.S. u.s. e.g. i.e. etc. No. 5 No. Inc. The",
]


def _assert_well_formed(text: str, sentences: list[Sentence]) -> None:
    """Exact, stripped, non-empty substrings in order, with only whitespace around them."""
    position = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text
        assert sentence.text == sentence.text.strip()
        assert sentence.start >= position
        assert not text[position : sentence.start].strip()
        position = sentence.end
    assert not text[position:].strip()


@pytest.mark.parametrize("case", GOLDEN, ids=[str(row["id"]) for row in GOLDEN])
def test_golden_case(case: dict[str, object]) -> None:
    text = str(case["text"])
    assert split_sentences(text, str(case["lang"])) == case["sentences"]


def test_every_supported_language_has_golden_cases() -> None:
    assert {row["lang"] for row in GOLDEN} == supported_languages()


def test_golden_sentences_are_exact_substrings_of_their_text() -> None:
    for row in GOLDEN:
        text, position = str(row["text"]), 0
        for sentence in row["sentences"]:  # type: ignore[attr-defined]
            position = text.index(sentence, position) + len(sentence)


@pytest.mark.parametrize("text", [row["text"] for row in GOLDEN] + TRICKY)
@pytest.mark.parametrize("lang", ["en", "de", "ar"])
def test_output_is_well_formed(text: str, lang: str) -> None:
    _assert_well_formed(text, segment(text, lang))


def test_random_text_is_well_formed() -> None:
    pieces = [
        *"aZéжب7 .!?…؟۔。\"'“”«»()[],:-–•\n\t\u00a0",
        "U.S.",
        "Dr.",
        "a)",
        "1.",
        "(ii)",
        "p.m.",
    ]
    generator = random.Random(20230530)
    for _ in range(1500):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 25)))
        for lang in ("en", "de", "fr"):
            _assert_well_formed(text, segment(text, lang))


def test_offsets_reassemble_the_text() -> None:
    text = "  Hello world.  Next one!\n\nHeading\nLast line  "
    sentences = segment(text, "en")
    assert [s.text for s in sentences] == ["Hello world.", "Next one!", "Heading", "Last line"]
    assert sentences[0] == Sentence("Hello world.", 2, 14)
    rebuilt = text[: sentences[0].start]
    for current, following in zip(sentences, [*sentences[1:], None], strict=True):
        rebuilt += current.text + text[current.end : following.start if following else None]
    assert rebuilt == text


def test_split_sentences_matches_segment() -> None:
    text = "One. Two? Three!"
    assert split_sentences(text, "en") == [s.text for s in segment(text, "en")]


def test_deterministic_and_independent_of_earlier_calls() -> None:
    text = "Laut Dr. Müller sind z. B. Äpfel gesund. Am 3. Oktober. Der Rest folgt."
    first = segment(text, "de")
    segment("Something else. Entirely.", "en")
    segment(text, "fr")
    assert segment(text, "de") == first
    assert split_sentences(text, "de") == split_sentences(text, "de")


@pytest.mark.parametrize("lang", sorted(supported_languages()))
@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \n"])
def test_empty_or_whitespace_text_has_no_sentences(lang: str, text: str) -> None:
    assert segment(text, lang) == []


@pytest.mark.parametrize("lang", sorted(supported_languages()))
def test_text_without_terminal_punctuation_is_one_sentence(lang: str) -> None:
    text = "  A caption, without a final period — 30 May 2023  "
    assert segment(text, lang) == [Sentence(text.strip(), 2, len(text) - 2)]


@pytest.fixture
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget which languages were already warned about, so each test sees its own warning."""
    monkeypatch.setattr(segmentation, "_warned_languages", set())


@pytest.mark.usefixtures("fresh_warnings")
def test_unsupported_language_warns_once_and_uses_generic_rules() -> None:
    text = "Dr. Smith arrived. He left."
    with pytest.warns(UnsupportedSegmentationLanguageWarning, match="'nl'"):
        assert split_sentences(text, "nl") == ["Dr. Smith arrived.", "He left."]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        segment(text, "nl")
        segment(text, "nl-BE")
    with pytest.warns(UnsupportedSegmentationLanguageWarning, match="'sv'"):
        segment(text, "sv")


@pytest.mark.usefixtures("fresh_warnings")
@pytest.mark.parametrize("lang", [*sorted(supported_languages()), "pt-BR", "pt_BR", "EN", "de-AT"])
def test_supported_language_does_not_warn(lang: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        segment("Ein Satz. Noch einer.", lang)


def test_regional_codes_use_the_language_rules() -> None:
    text = "O Sr. Silva chegou. Ele disse olá."
    expected = ["O Sr. Silva chegou.", "Ele disse olá."]
    assert split_sentences(text, "pt-BR") == split_sentences(text, "pt_BR") == expected


def test_supported_languages() -> None:
    assert {"en", "de", "es", "fr", "it", "ru", "ar"} <= supported_languages()


def test_engine_pieces_cut_long_sentences_at_clause_breaks() -> None:
    text = "; ".join(f"the {index}th delegation, from Baku, arrived on time" for index in range(40))
    pieces = segmentation.engine_pieces(text, 300)
    assert "".join(pieces) == text
    assert all(len(piece) <= 300 for piece in pieces) and len(pieces) > 1
    assert all(piece.endswith("; ") for piece in pieces[:-1])  # the strongest break that fits


def test_engine_pieces_keep_protected_spans_whole() -> None:
    text = " ".join(["word"] * 30) + " Gala Archaeological Museum Complex " + " ".join(["w"] * 30)
    start = text.index("Gala")
    span = (start, start + len("Gala Archaeological Museum Complex"))
    pieces = segmentation.engine_pieces(text, span[0] + 10, [span])
    assert "".join(pieces) == text
    assert any("Gala Archaeological Museum Complex" in piece for piece in pieces)


def test_engine_pieces_without_spaces_and_short_text() -> None:
    assert segmentation.engine_pieces("会" * 25, 10) == ["会" * 10, "会" * 10, "会" * 5]
    assert segmentation.engine_pieces("Short.", 10) == ["Short."]


def test_engine_pieces_never_cut_a_protected_span_too_long_to_move() -> None:
    address = "https://example.org/" + "a" * 700
    text = "x" * 400 + " " + address + " y"
    span = (text.index(address), text.index(address) + len(address))
    pieces = segmentation.engine_pieces(text, 600, [span])
    assert "".join(pieces) == text
    assert address in pieces[1]  # a piece of its own, longer than the limit
