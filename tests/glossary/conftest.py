"""Glossary test fixtures: transflow's cache in one temp folder, and an engine that drops names.

One folder for the session, so each model is probed once (the copy model
takes seconds); tests of the probe itself point ``TRANSFLOW_CACHE_DIR`` at
their own ``tmp_path``. Nothing is written to the user's cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from transflow.engines.base import Engine, Hypothesis, Translation
from transflow.glossary.placeholders import CACHE_ENVIRONMENT_VARIABLE


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("transflow-cache")


@pytest.fixture(autouse=True)
def transflow_cache(monkeypatch: pytest.MonkeyPatch, session_cache: Path) -> Path:
    monkeypatch.setenv(CACHE_ENVIRONMENT_VARIABLE, str(session_cache))
    return session_cache


class NameDroppingEngine(Engine):
    """A real model whose output then loses every capitalised word but the first.

    Models do drop names; this makes it happen on every round so the
    fallback path (flag, never a silent violation) can be observed.
    """

    name = "name-dropping"

    def __init__(self, inner: Engine) -> None:
        self.inner = inner

    def language_pairs(self) -> set[tuple[str, str]]:
        return self.inner.language_pairs()

    def model_id(self, source: str, target: str) -> str:
        # Its own id: what this engine copies is not what the inner model copies.
        return f"name-dropping+{self.inner.model_id(source, target)}"

    def translate_batch(
        self, sentences: Sequence[str], source: str, target: str, num_hypotheses: int = 1
    ) -> list[Translation]:
        return [
            Translation(tuple(Hypothesis(self._drop(h.text), h.score) for h in result.hypotheses))
            for result in self.inner.translate_batch(sentences, source, target, num_hypotheses)
        ]

    @staticmethod
    def _drop(text: str) -> str:
        first, *rest = text.split(" ")
        return " ".join([first, *(word for word in rest if not word[:1].isupper())])


@pytest.fixture
def name_dropping() -> type[Engine]:
    """``NameDroppingEngine``, for tests that wrap a real engine in it."""
    return NameDroppingEngine
