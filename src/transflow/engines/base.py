"""The small interface every translation engine implements.

An engine turns a batch of plain sentences into ranked hypotheses. It knows
nothing about articles, PO files or glossaries: those layers call it with
whatever text they want translated (masked, unmasked, retried), so a new engine
is one new module implementing ``Engine``.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from transflow.errors import UnsupportedLanguagePairError
from transflow.languages import UnknownLanguageError, fallbacks, normalise

T = TypeVar("T")
Pair = tuple[str, str]

# Engines without a direct model for a pair chain two through English, the
# language every published model set covers best (as argostranslate does).
PIVOT_LANGUAGE = "en"

# Sentences per decoding group (see ``length_sorted_groups``): a few model
# batches' worth, so a group keeps the cores busy, and the unit of work a
# cluster task gets (``transflow.engines.cluster``).
DECODING_GROUP = 64


@dataclass(frozen=True)
class Hypothesis:
    """One candidate translation.

    ``score`` is the engine's own confidence, a mean log-probability per token
    (higher is better, 0 is certain), or ``None`` when the engine gives none.
    """

    text: str
    score: float | None = None


@dataclass(frozen=True)
class Translation:
    """The ranked hypotheses for one source sentence, best first."""

    hypotheses: tuple[Hypothesis, ...]

    @property
    def best(self) -> Hypothesis:
        return self.hypotheses[0]


class ModelFallbackWarning(UserWarning):
    """A requested language is served by the model of a more general tag (pt-BR by pt)."""


class Engine(ABC):
    """A machine translation backend.

    Subclasses declare ``name`` and implement the three methods below. Engines
    are created cheaply; heavy models load lazily on the first
    ``translate_batch`` for a pair and stay loaded for the engine's lifetime,
    so one engine object should serve a whole job.

    Languages are BCP 47 tags (``transflow.languages.normalise``). Callers may
    ask for a more specific tag than a model has: ``resolve`` maps ``en→pt-BR``
    to the ``en→pt`` model when there is no Brazilian one, and says so once per
    engine with a ``ModelFallbackWarning``. Subclasses call ``resolve`` at the
    top of ``model_id`` and ``translate_batch`` and work with the pair it returns.
    """

    name: ClassVar[str]

    @abstractmethod
    def language_pairs(self) -> set[tuple[str, str]]:
        """The (source, target) pairs of normalised tags this engine can translate right now.

        Pairs reached through the pivot language count; ``direct_pairs`` are
        those with a model of their own.
        """

    def direct_pairs(self) -> set[tuple[str, str]]:
        """The pairs that one model translates without a pivot (default: all of them)."""
        return self.language_pairs()

    @abstractmethod
    def model_id(self, source: str, target: str) -> str:
        """A short, stable identifier of the model used for a pair (recorded in PO files)."""

    @abstractmethod
    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        num_hypotheses: int = 1,
    ) -> list[Translation]:
        """Translate all ``sentences`` in as few model calls as the engine allows.

        Returns one ``Translation`` per input sentence, in input order, each
        with between 1 and ``num_hypotheses`` hypotheses.
        """

    def model_location(self, source: str, target: str) -> str:  # noqa: ARG002
        """Where the model(s) of a pair are, for people to read (default: not known)."""
        return ""

    def use_workers(  # noqa: B027 - optional hook, no-op by default
        self, workers: int, cores: int | None = None
    ) -> None:
        """Translate with ``workers`` parallel workers on ``cores`` cores (default: all).

        Engines that cannot work in parallel ignore it.
        """

    def supports(self, source: str, target: str) -> bool:
        return self.served_pair(source, target) is not None

    def served_pair(self, source: str, target: str) -> Pair | None:
        """The model pair that translates ``source``→``target``, or None.

        The pair itself if the engine has it, else the nearest stand-in from
        ``languages.fallbacks`` (``pt-BR`` → ``pt``, ``zh-Hant-TW`` →
        ``zh-Hant`` → ``zh``), the target's most specific tag first.
        Tags that are not languages are simply not served.
        """
        try:
            sources, targets = fallbacks(source), fallbacks(target)
        except UnknownLanguageError:
            return None
        pairs = self.language_pairs()
        for model_source in sources:
            for model_target in targets:
                if (model_source, model_target) in pairs:
                    return model_source, model_target
        return None

    def resolve(self, source: str, target: str) -> Pair:
        """``served_pair``, or UnsupportedLanguagePairError; a stand-in is announced once."""
        served = self.served_pair(source, target)
        if served is None:
            raise UnsupportedLanguagePairError(
                f"the {self.name} engine does not translate {source}→{target}"
            )
        requested = (normalise(source), normalise(target))
        announced: set[Pair] = self.__dict__.setdefault("_announced_fallbacks", set())
        if served != requested and requested not in announced:
            announced.add(requested)
            warnings.warn(
                ModelFallbackWarning(
                    f"no {self.name} model translates {requested[0]}→{requested[1]}; "
                    f"using the {served[0]}→{served[1]} model"
                ),
                stacklevel=3,
            )
        return served

    def legs(self, served: Pair) -> list[Pair]:
        """The model pairs that translate a ``served_pair``: itself, or two via the pivot."""
        direct = self.direct_pairs()
        if served in direct:
            return [served]
        legs = [(served[0], PIVOT_LANGUAGE), (PIVOT_LANGUAGE, served[1])]
        if served[0] == served[1] or not all(leg in direct for leg in legs):
            raise UnsupportedLanguagePairError(
                f"no {self.name} model or pivot translates {served[0]}→{served[1]}"
            )
        return legs


def with_pivots(direct: Iterable[Pair]) -> set[Pair]:
    """``direct`` pairs plus every source→target that a source→en and an en→target model chain."""
    direct = set(direct)
    into_pivot = {source for source, target in direct if target == PIVOT_LANGUAGE}
    out_of_pivot = {target for source, target in direct if source == PIVOT_LANGUAGE}
    via_pivot = {
        (source, target) for source in into_pivot for target in out_of_pivot if source != target
    }
    return direct | via_pivot


def length_sorted_groups(sentences: Sequence[str], size: int) -> list[list[int]]:
    """Indices of ``sentences`` sorted by length (stable), cut into groups of ``size``.

    Sentences of similar length share a group, so the model pads little. A
    neural engine's floating point depends on which sentences share a padded
    batch: the same sentence decoded next to other sentences can get a score
    that differs in the seventh decimal, and tied hypotheses can swap. An
    engine that decodes each group on its own therefore gives the same output
    for a batch however it is run: with one thread or several, locally or as
    one cluster task per group. The grouping depends only on the sentences.
    """
    order = sorted(range(len(sentences)), key=lambda index: len(sentences[index]))
    return [order[start : start + size] for start in range(0, len(order), size)]


def in_input_order(groups: Sequence[Sequence[int]], results: Sequence[Sequence[T]]) -> list[T]:
    """The per-group ``results`` of ``length_sorted_groups`` put back in input order."""
    placed: dict[int, T] = {}
    for group, group_results in zip(groups, results, strict=True):
        placed.update(zip(group, group_results, strict=True))
    return [placed[index] for index in range(len(placed))]
