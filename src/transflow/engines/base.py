"""The small interface every translation engine implements.

An engine turns a batch of plain sentences into ranked hypotheses. It knows
nothing about articles, PO files or glossaries: those layers call it with
whatever text they want translated (masked, unmasked, retried), so a new engine
is one new module implementing ``Engine``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

T = TypeVar("T")

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


class Engine(ABC):
    """A machine translation backend.

    Subclasses declare ``name`` and implement the three methods below. Engines
    are created cheaply; heavy models load lazily on the first
    ``translate_batch`` for a pair and stay loaded for the engine's lifetime,
    so one engine object should serve a whole job.
    """

    name: ClassVar[str]

    @abstractmethod
    def language_pairs(self) -> set[tuple[str, str]]:
        """The (source, target) pairs this engine can translate right now."""

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

    def use_workers(  # noqa: B027 - optional hook, no-op by default
        self, workers: int, cores: int | None = None
    ) -> None:
        """Translate with ``workers`` parallel workers on ``cores`` cores (default: all).

        Engines that cannot work in parallel ignore it.
        """

    def supports(self, source: str, target: str) -> bool:
        return (source, target) in self.language_pairs()


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
