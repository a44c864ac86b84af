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
from typing import ClassVar


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

    def use_workers(self, workers: int) -> None:  # noqa: B027 - optional hook, no-op by default
        """Translate with ``workers`` parallel workers if the engine can; others ignore it."""

    def supports(self, source: str, target: str) -> bool:
        return (source, target) in self.language_pairs()
