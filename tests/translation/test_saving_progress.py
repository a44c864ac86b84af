"""A long job saves its progress as it goes: a kill loses one step, not the whole job."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from transflow.engines.argos import ArgosEngine
from transflow.engines.base import Engine, Translation
from transflow.queue.model import State
from transflow.queue.pofile import read_queue
from transflow.testing.engines import RecordingEngine
from transflow.translation.batch import run_batch


class _Killed(Exception):
    """The process dying mid-job, as far as the job can tell."""


class DyingEngine(RecordingEngine):
    """The real engine, until the job is killed during its ``calls_before_death + 1``-th batch."""

    def __init__(self, inner: Engine, calls_before_death: int) -> None:
        super().__init__(inner)
        self.calls_before_death = calls_before_death

    def translate_batch(
        self, sentences: Sequence[str], source: str, target: str, num_hypotheses: int = 1
    ) -> list[Translation]:
        if len(self.calls) >= self.calls_before_death:
            raise _Killed
        return super().translate_batch(sentences, source, target, num_hypotheses)


def _long_article(directory: Path, sentences: int) -> Path:
    article = directory / "long.txt"
    article.write_text(
        " ".join(f"Sentence number {n} of a very long report." for n in range(sentences)) + "\n",
        encoding="utf-8",
    )
    return article


def test_a_job_killed_inside_one_article_keeps_what_was_translated(
    workspace: Path, argos_packages: Path
) -> None:
    article = _long_article(workspace, 40)
    dying = DyingEngine(ArgosEngine(), calls_before_death=2)
    with pytest.raises(_Killed):
        run_batch(
            [article],
            targets=["pt"],
            engine_factory=lambda _source, _target: dying,
            save_every_seconds=0,
            engine_piece_sentences=10,
        )
    saved = read_queue(workspace / "locales" / "pt" / "long.po")
    states = [segment.state for segment in saved.active]
    assert len(states) == 40
    translated = states.count(State.MACHINE)
    assert 0 < translated < 40
    assert states.count(State.UNTRANSLATED) == 40 - translated

    recording = RecordingEngine(ArgosEngine())
    run_batch([article], targets=["pt"], engine_factory=lambda _source, _target: recording)
    assert len(recording.sentences_sent) == 40 - translated  # only what the kill lost
    finished = read_queue(workspace / "locales" / "pt" / "long.po")
    assert [segment.state for segment in finished.active] == [State.MACHINE] * 40
    kept = {segment.source: segment.translation for segment in saved.active if segment.translation}
    assert all(
        segment.translation == kept[segment.source]
        for segment in finished.active
        if segment.source in kept
    )


def test_without_a_kill_the_steps_leave_the_same_file_as_one_write(
    workspace: Path, argos_packages: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    article = _long_article(workspace, 30)
    run_batch([article], targets=["pt"], save_every_seconds=0, engine_piece_sentences=7)
    stepped = read_queue(workspace / "locales" / "pt" / "long.po")
    other = tmp_path_factory.mktemp("one-write") / "locales"
    run_batch([article], targets=["pt"], locales_dir=other)
    whole = read_queue(other / "pt" / "long.po")
    assert [(s.source, s.translation, s.state) for s in stepped.segments] == [
        (s.source, s.translation, s.state) for s in whole.segments
    ]
