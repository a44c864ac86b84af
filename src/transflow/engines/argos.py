"""Argos Translate packages driven directly through CTranslate2.

argostranslate's ``translate()`` splits text with Stanza/spaCy models that it
downloads at first use (impossible offline) and calls the model per sentence.
transflow has already segmented the article, so this engine takes the
package's own tokenizer and CTranslate2 model and decodes all the sentences of
a job at once: cut into length-sorted groups (``length_sorted_groups``), every
group queued to CTranslate2 asynchronously, so its parallel workers
(``inter_threads``) never wait for one another between groups. Each group is
decoded on its own, so the output does not depend on the number of workers,
threads or cluster machines. Decoding options mirror argostranslate's (beam 4,
length penalty 0.2) so output matches what Argos users get.

Batches are at most 16 sentences: measured on this 2-core machine
(benchmarks/README.md), that is as fast as any larger batch with two workers,
and it bounds memory, which grows with sentences × beam × length of every batch
decoded at once.

When no package translates a pair directly, the engine pivots through English
the way argostranslate does: source→en then en→target. Package codes are
normalised BCP 47 tags (``transflow.engines.packages``), and a regional
request uses the base language's package (``Engine.resolve``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from transflow.engines.base import (
    DECODING_GROUP,
    Engine,
    Hypothesis,
    Pair,
    Translation,
    in_input_order,
    length_sorted_groups,
    with_pivots,
)
from transflow.engines.packages import InstalledModel, installed_models, load_package
from transflow.errors import EngineError

# CTranslate2 stops decoding after 256 tokens by default, silently cutting off
# the end of a long sentence. Each group may decode twice as many tokens as its
# longest source (a translation is rarely longer), within the 1,024 positions
# that Argos models' position encodings and CTranslate2's input limit allow.
DEFAULT_DECODING_LIMIT = 256
MAX_POSITIONS = 1024
RESULT_POLL_SECONDS = 0.01


@dataclass
class _LoadedModel:
    translator: Any
    tokenizer: Any
    target_prefix: str


class ArgosEngine(Engine):
    name = "argos"

    def __init__(
        self,
        beam_size: int = 4,
        length_penalty: float = 0.2,
        max_batch_size: int = 16,
        batch_type: str = "examples",
        intra_threads: int = 0,
        inter_threads: int = 1,
        group_size: int = DECODING_GROUP,
        models: Sequence[InstalledModel] | None = None,
    ) -> None:
        self.beam_size = beam_size
        self.length_penalty = length_penalty
        self.max_batch_size = max_batch_size
        self.batch_type = batch_type
        self.group_size = group_size
        self.intra_threads = intra_threads or os.cpu_count() or 1
        self.inter_threads = inter_threads
        self._given_models = None if models is None else list(models)
        self._loaded: dict[str, _LoadedModel] = {}

    @cached_property
    def _models(self) -> dict[Pair, InstalledModel]:
        """The packages by pair: those given, else the installed ones.

        Sorted by path, so for duplicate pairs the last directory wins deterministically.
        """
        models = installed_models() if self._given_models is None else self._given_models
        return {(model.from_code, model.to_code): model for model in models}

    def direct_pairs(self) -> set[Pair]:
        return set(self._models)

    def language_pairs(self) -> set[Pair]:
        return with_pivots(self._models)

    def use_workers(self, workers: int, cores: int | None = None) -> None:
        """Decode ``workers`` batches at once, sharing the cores between them.

        CTranslate2 runs ``inter_threads`` batches in parallel, each with
        ``intra_threads`` threads; models already loaded keep their setting.
        """
        self.inter_threads = max(1, workers)
        self.intra_threads = max(1, (cores or os.cpu_count() or 1) // self.inter_threads)

    def model_id(self, source: str, target: str) -> str:
        return "+".join(model.model_id for model in self.route_models(source, target))

    def model_location(self, source: str, target: str) -> str:
        return " + ".join(model.location for model in self.route_models(source, target))

    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        num_hypotheses: int = 1,
    ) -> list[Translation]:
        route = self.route_models(source, target)
        # Grouped once by the source sentences, so a pivot's second leg decodes
        # the same groups as the first, as a cluster task given one group does.
        groups = length_sorted_groups(sentences, self.group_size)
        texts = list(sentences)
        carried_scores = [0.0] * len(texts)
        for leg, model in enumerate(route):
            is_last = leg == len(route) - 1
            results = self._translate_groups(model, texts, groups, num_hypotheses if is_last else 1)
            if not is_last:
                texts = [result[0].text for result in results]
                carried_scores = [result[0].score or 0.0 for result in results]
        return [
            Translation(
                tuple(
                    Hypothesis(hypothesis.text, (hypothesis.score or 0.0) + carried)
                    for hypothesis in result
                )
            )
            for result, carried in zip(results, carried_scores, strict=True)
        ]

    def route_models(self, source: str, target: str) -> list[InstalledModel]:
        """The packages a translation from source to target goes through, in order."""
        return [self._models[leg] for leg in self.legs(self.resolve(source, target))]

    def _translate_groups(
        self,
        model: InstalledModel,
        texts: list[str],
        groups: list[list[int]],
        num_hypotheses: int,
    ) -> list[tuple[Hypothesis, ...]]:
        """``texts`` decoded one asynchronous CTranslate2 call per group."""
        loaded = self._load(model)
        options = {
            "beam_size": max(self.beam_size, num_hypotheses),
            "num_hypotheses": num_hypotheses,
            "length_penalty": self.length_penalty,
            "max_batch_size": self.max_batch_size,
            "batch_type": self.batch_type,
            "replace_unknowns": True,
            "return_scores": True,
            "asynchronous": True,
        }

        def submit(number: int) -> list[Any]:
            tokenized = [loaded.tokenizer.encode(texts[index]) for index in groups[number]]
            prefix = [[loaded.target_prefix]] * len(tokenized) if loaded.target_prefix else None
            decoded: list[Any] = loaded.translator.translate_batch(
                tokenized,
                target_prefix=prefix,
                max_decoding_length=_decoding_limit(tokenized),
                **options,
            )
            return decoded

        # Longest group first, so the workers end on short batches together
        # instead of one decoding the longest sentences while the other idles.
        # (Queuing blocks while CTranslate2's own queue is full.)
        try:
            pending = {number: submit(number) for number in reversed(range(len(groups)))}
            results = [[_result(waiting) for waiting in pending[n]] for n in range(len(groups))]
        except (RuntimeError, ValueError) as error:
            raise EngineError(f"{model.path.name}: translation failed ({error})") from error
        hypotheses = [
            [
                tuple(
                    Hypothesis(self._detokenize(loaded, tokens), _mean_score(score, tokens))
                    for tokens, score in zip(result.hypotheses, result.scores, strict=True)
                )
                for result in group_results
            ]
            for group_results in results
        ]
        return in_input_order(groups, hypotheses)

    @staticmethod
    def _detokenize(loaded: _LoadedModel, tokens: list[str]) -> str:
        if loaded.target_prefix and tokens[:1] == [loaded.target_prefix]:
            tokens = tokens[1:]
        text: str = loaded.tokenizer.decode(tokens)
        return text.strip()

    def _load(self, model: InstalledModel) -> _LoadedModel:
        key = str(model.path)
        if key not in self._loaded:
            import ctranslate2

            package = load_package(model.path)
            try:
                translator = ctranslate2.Translator(
                    str(model.path / "model"),
                    device="cpu",
                    intra_threads=self.intra_threads,
                    inter_threads=self.inter_threads,
                )
            except (RuntimeError, ValueError, OSError) as error:
                raise EngineError(f"{model.path}: the model does not load ({error})") from error
            self._loaded[key] = _LoadedModel(translator, package.tokenizer, package.target_prefix)
        return self._loaded[key]


def _result(waiting: Any) -> Any:
    """An asynchronous result, waited for in Python so that Ctrl-C is seen at once.

    ``result()`` blocks in C++ with the interpreter unable to run its signal
    handler, which would leave Ctrl-C unanswered until the group is decoded.
    """
    while not waiting.done():
        time.sleep(RESULT_POLL_SECONDS)
    return waiting.result()


def _decoding_limit(tokenized: list[list[str]]) -> int:
    longest = max((len(tokens) for tokens in tokenized), default=0)
    return min(MAX_POSITIONS, max(DEFAULT_DECODING_LIMIT, 2 * longest + 8))


def _mean_score(cumulative: float, tokens: list[str]) -> float:
    """Per-token log-probability, comparable across sentences of different lengths."""
    return cumulative / max(1, len(tokens))
