"""Engines that wrap a real engine to observe it, for tests and benchmarks.

They never invent translations: every sentence still goes to the wrapped
engine, so what a test asserts about the output is what the model produced.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from transflow.engines.base import Engine, Translation


class RecordingEngine(Engine):
    """Delegates to ``inner``, recording each batch it is asked for and the time spent in it."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[misc]
        self.calls: list[list[str]] = []
        self.seconds = 0.0

    def language_pairs(self) -> set[tuple[str, str]]:
        return self.inner.language_pairs()

    def direct_pairs(self) -> set[tuple[str, str]]:
        return self.inner.direct_pairs()

    def use_workers(self, workers: int, cores: int | None = None) -> None:
        self.inner.use_workers(workers, cores)

    def model_id(self, source: str, target: str) -> str:
        return self.inner.model_id(source, target)

    def translate_batch(
        self, sentences: Sequence[str], source: str, target: str, num_hypotheses: int = 1
    ) -> list[Translation]:
        self.calls.append(list(sentences))
        started = time.perf_counter()
        try:
            return self.inner.translate_batch(sentences, source, target, num_hypotheses)
        finally:
            self.seconds += time.perf_counter() - started

    @property
    def sentences_sent(self) -> list[str]:
        return [sentence for call in self.calls for sentence in call]
