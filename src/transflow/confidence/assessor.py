"""The confidence of a job's translations, computed in batches and recorded on their segments.

``translate``, ``batch`` and ``check`` assess many translations of one
language pair at a time. A ``PairAssessor`` chooses the reverse engine once
(``round_trip_engine``: the forward engine when it covers the reverse pair,
else whichever installed engine does, else none) and back-translates each
batch it is given in one engine call, so the round trip costs one more
decoding pass per batch, never a call per sentence. Without a reverse model,
or when the caller skips the round trip for speed, the forward-only weights
apply (``transflow.confidence.combine``).
"""

from __future__ import annotations

from collections.abc import Sequence

from transflow.confidence.combine import Confidence, assess
from transflow.confidence.roundtrip import back_translate, round_trip_engine
from transflow.engines import Engine


class PairAssessor:
    """Assesses translations ``source`` → ``target``, with the round trip where one is installed."""

    def __init__(
        self,
        source: str,
        target: str,
        *,
        forward: Engine | None = None,
        round_trip: bool = True,
        workers: int | None = None,
    ) -> None:
        """``forward`` is the engine that translated (its loaded models are reused when it
        covers the reverse pair); ``round_trip=False`` assesses without back-translating.
        ``workers`` is handed to a reverse engine other than ``forward``."""
        self.source = source
        self.target = target
        # Sentences sent to the reverse engine so far (the job reports them).
        self.back_translated = 0
        self.reverse = round_trip_engine(source, target, forward) if round_trip else None
        if self.reverse is not None and self.reverse is not forward and workers is not None:
            self.reverse.use_workers(workers)

    def assess(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        engine_scores: Sequence[float | None] | None = None,
        glossary_problems: Sequence[int] | None = None,
        protected: Sequence[Sequence[str]] | None = None,
        round_trip: bool = True,
    ) -> list[Confidence]:
        """A confidence per ``(source text, translation)``; one back-translation call for all.

        ``round_trip=False`` assesses these without the reverse engine even when
        one is installed (forward-only weights).
        """
        if not pairs:
            return []
        back = None
        reverse = self.reverse if round_trip else None
        served = reverse.served_pair(self.target, self.source) if reverse else None
        if reverse is not None and served is not None:
            # The model's own tags: a pt-BR translation goes back through the pt→en
            # model without a second "stands in" warning (translate gave one already).
            model_target, model_source = served
            self.back_translated += len(pairs)
            back = back_translate(
                reverse,
                [translation for _, translation in pairs],
                source=model_source,
                target=model_target,
            )
        return assess(
            pairs,
            source=self.source,
            target=self.target,
            back_translations=back,
            engine_scores=engine_scores,
            glossary_problems=glossary_problems,
            protected=protected,
        )
