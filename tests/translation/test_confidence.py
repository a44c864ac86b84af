"""The confidence a batch records on each new entry, through the bundled Bergamot models."""

from __future__ import annotations

from pathlib import Path

import pytest

from transflow.engines.bergamot import BergamotEngine
from transflow.queue.pofile import read_queue
from transflow.testing.engines import RecordingEngine
from transflow.translation.batch import run_batch

SENTENCES = [
    "The minister said the bridge would not open before March.",
    "The museum will reopen in May.",
    "Police arrested two men on Friday.",
]


@pytest.fixture(scope="module")
def bergamot() -> BergamotEngine:
    return BergamotEngine()


def write(path: Path, sentences: list[str]) -> Path:
    path.write_text(" ".join(sentences) + "\n", encoding="utf-8")
    return path


def test_each_engine_piece_is_back_translated_in_one_call(
    tmp_path: Path, bergamot: BergamotEngine
) -> None:
    engine = RecordingEngine(bergamot)
    article = write(tmp_path / "story.txt", SENTENCES)
    run_batch(
        [article],
        targets=["pt"],
        locales_dir=tmp_path / "locales",
        engine_factory=lambda _source, _target: engine,
        engine_piece_sentences=2,
    )
    segments = read_queue(tmp_path / "locales/pt/story.po").active
    translations = {segment.source: segment.translation for segment in segments}
    # forward piece, its back-translation, forward piece, its back-translation
    assert [sorted(call) for call in engine.calls] == [
        sorted(SENTENCES[:2]),
        sorted(translations[text] for text in SENTENCES[:2]),
        [SENTENCES[2]],
        [translations[SENTENCES[2]]],
    ]
    for segment in segments:
        confidence = segment.current_confidence
        assert confidence is not None and confidence.round_trip
        assert confidence.value > 0.5, confidence.evidence


def test_reused_output_keeps_its_confidence_and_no_confidence_skips_the_round_trip(
    tmp_path: Path, bergamot: BergamotEngine
) -> None:
    locales = tmp_path / "locales"
    engine = RecordingEngine(bergamot)
    first = write(tmp_path / "first.txt", SENTENCES[:2])
    run_batch([first], targets=["pt"], locales_dir=locales, engine_factory=lambda *_: engine)
    recorded = {s.source: s.confidence for s in read_queue(locales / "pt/first.po").active}
    engine.calls.clear()
    second = write(tmp_path / "second.txt", SENTENCES[1:])
    run_batch(
        [second],
        targets=["pt"],
        locales_dir=locales,
        engine_factory=lambda *_: engine,
        round_trip=False,
    )
    assert engine.calls == [[SENTENCES[2]]]  # the shared sentence comes from memory
    segments = {s.source: s for s in read_queue(locales / "pt/second.po").active}
    assert segments[SENTENCES[1]].confidence == recorded[SENTENCES[1]]
    fresh = segments[SENTENCES[2]].current_confidence
    assert fresh is not None and not fresh.round_trip
