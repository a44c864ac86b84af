"""One confidence per segment: the signals weighed by a measured logistic model.

The confidence is the probability, under a logistic model, that a
translation is *not* damaged: ``1 / (1 + exp(z))`` with
``z = intercept + Σ weight × feature``, every feature a non-negative amount
of something wrong (how much of the source the round trip lost, how many
negations differ, …; ``Signals.features``). The weights were fitted on
deliberately damaged and undamaged translations of invented news text by the
bundled Bergamot models and evaluated on other, held-out news
(``benchmarks/confidence_bench.py``; ``benchmarks/README.md`` has the
commands and the figures). Damaged and undamaged translations weighed
equally in the fit, so below 0.5 a segment looks more damaged than not.

Two weight sets exist because the round trip is optional: ``ROUND_TRIP``
when a back-translation is at hand, ``FORWARD_ONLY`` when the reverse model
is not installed or the caller skips it for speed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from transflow.confidence.signals import Signals, measure
from transflow.queue.model import SegmentConfidence, assessment_id

# Below these confidences a segment is a finding of ``transflow check``.
WARNING_BELOW = 0.5
ERROR_BELOW = 0.2
# A signal is named in the evidence when it raises ``z`` by at least this much
# (a factor of e^0.5 ≈ 1.6 in the odds of damage).
EVIDENCE_MIN_CONTRIBUTION = 0.5
# At most this many words are quoted in one line of evidence.
EVIDENCE_WORDS = 6


@dataclass(frozen=True)
class Weights:
    intercept: float
    weights: Mapping[str, float]


# Fitted on 827 training translations (197 sentences of
# benchmarks/data/confidence-train-en.txt, each undamaged and damaged) by
#     .venv/bin/python benchmarks/confidence_bench.py --fit
# (which prints these blocks). Weights apply to the raw features; 0 means
# the fit found the signal no help with these damages: lost quotation marks
# (the bundled models drop them from sound translations too) and a missing
# first word (usually a rephrased "Naturally", a replaced name there is an
# added name).
ROUND_TRIP = Weights(
    intercept=-4.489,
    weights={
        "round_trip_gap": 1.954,
        "round_trip_gap_reverse": 2.600,
        "lost_share": 1.525,
        "added_share": 0.644,
        "lost_ending_share": 3.287,
        "added_ending_share": 6.207,
        "too_short": 2.861,
        "too_long": 4.267,
        "round_trip_too_short": 3.026,
        "round_trip_too_long": 5.768,
        "negation_round_trip": 2.927,
        "negation_translation": 3.041,
        "missing_names": 1.660,
        "missing_first_word": 0.000,
        "added_names": 3.094,
        "lost_marks": 0.005,
    },
)
FORWARD_ONLY = Weights(
    intercept=-2.646,
    weights={
        "too_short": 6.667,
        "too_long": 10.753,
        "negation_translation": 4.278,
        "missing_names": 0.698,
        "missing_first_word": 0.000,
        "lost_marks": 0.025,
    },
)


# The engine's mean log-probability per token. Not fitted: the bundled
# Bergamot runtime gives no score and no real CTranslate2 model can be
# installed offline here, so this is a prior: hypotheses of Argos models
# typically score above -0.5, and each unit below that multiplies the odds of
# damage by e^1.5.
ENGINE_SCORE_TYPICAL = -0.5
ENGINE_SCORE_WEIGHT = 1.5


@dataclass(frozen=True)
class Confidence:
    """How far a reviewer can trust one translation, and why."""

    value: float  # in [0, 1]: the probability that the translation is undamaged
    evidence: tuple[str, ...]  # for the reviewer, strongest first
    signals: Signals

    @property
    def severity(self) -> Literal["error", "warning"] | None:
        """``"error"``, ``"warning"`` or ``None``, for ``transflow check`` findings."""
        if self.value < ERROR_BELOW:
            return "error"
        if self.value < WARNING_BELOW:
            return "warning"
        return None

    def recorded(self, source: str, translation: str) -> SegmentConfidence:
        """What the queue keeps on the segment: the value, for this source and translation."""
        return SegmentConfidence(
            value=self.value,
            evidence=self.evidence,
            round_trip=self.signals.round_trip is not None,
            assessed_id=assessment_id(source, translation),
        )

    def as_dict(self) -> dict[str, Any]:
        """``{"confidence": …, "evidence": […], "signals": {…}}`` for JSON output."""
        return {
            "confidence": round(self.value, 3),
            "evidence": list(self.evidence),
            "signals": self.signals.as_dict(),
        }


def assess(
    segments: Sequence[tuple[str, str]],
    *,
    source: str,
    target: str,
    back_translations: Sequence[str] | None = None,
    engine_scores: Sequence[float | None] | None = None,
    glossary_problems: Sequence[int] | None = None,
    protected: Sequence[Sequence[str]] | None = None,
) -> list[Confidence]:
    """A confidence for each ``(source text, translation)`` pair, machine or human.

    ``back_translations`` (from ``back_translate``), ``engine_scores``
    (``Hypothesis.score``, ``None`` where the engine gives none or a human
    wrote the text) and ``glossary_problems`` (how many protected terms each
    translation gets wrong) are optional, each one value per segment;
    ``protected`` gives each segment's glossary terms (as in the source and
    in their approved forms), whose names the glossary check judges instead.
    """
    count = len(segments)
    back = list(back_translations) if back_translations is not None else [None] * count
    scores = list(engine_scores) if engine_scores is not None else [None] * count
    problems = list(glossary_problems) if glossary_problems is not None else [0] * count
    terms: list[Sequence[str]] = list(protected) if protected is not None else [()] * count
    return [
        assess_segment(
            source_text,
            translation,
            source=source,
            target=target,
            back_translation=back_translation,
            engine_score=score,
            glossary_problems=problem_count,
            protected=segment_terms,
        )
        for (
            source_text,
            translation,
        ), back_translation, score, problem_count, segment_terms in zip(
            segments, back, scores, problems, terms, strict=True
        )
    ]


def assess_segment(
    source_text: str,
    translation: str,
    *,
    source: str,
    target: str,
    back_translation: str | None = None,
    engine_score: float | None = None,
    glossary_problems: int = 0,
    protected: Sequence[str] = (),
) -> Confidence:
    """The confidence of one translation (see ``assess``)."""
    measured = measure(
        source_text,
        translation,
        source=source,
        target=target,
        back_translation=back_translation,
        engine_score=engine_score,
        glossary_problems=glossary_problems,
        protected=protected,
    )
    if not translation.strip():
        return Confidence(0.0, ("no translation",), measured)
    contributions = _contributions(measured)
    z = _weights(measured).intercept + sum(contributions.values())
    evidence = [
        line
        for name, contribution in sorted(contributions.items(), key=lambda item: -item[1])
        if contribution >= EVIDENCE_MIN_CONTRIBUTION
        for line in _EVIDENCE[name](measured)
    ]
    return Confidence(_sigmoid(-z), tuple(dict.fromkeys(evidence)), measured)


def _weights(measured: Signals) -> Weights:
    return ROUND_TRIP if measured.round_trip else FORWARD_ONLY


def _contributions(measured: Signals) -> dict[str, float]:
    """How much each signal raises the log-odds of damage (``z``), by signal name."""
    weights = _weights(measured)
    contributions = {
        name: weights.weights.get(name, 0.0) * value for name, value in measured.features().items()
    }
    # A protected term rendered wrongly is the same kind of error as a name
    # lost; the benchmark has no glossary to measure it apart.
    contributions["glossary_problems"] = (
        weights.weights["missing_names"] * measured.glossary_problems
    )
    if measured.engine_score is not None:
        contributions["engine_score"] = ENGINE_SCORE_WEIGHT * max(
            0.0, ENGINE_SCORE_TYPICAL - measured.engine_score
        )
    return contributions


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    exp = math.exp(x)
    return exp / (1 + exp)


def _quoted(words: Sequence[str]) -> str:
    shown = ", ".join(f"'{word}'" for word in words[:EVIDENCE_WORDS])
    return shown + (", …" if len(words) > EVIDENCE_WORDS else "")


def _lost_words(measured: Signals) -> list[str]:
    trip = measured.round_trip
    return (
        [f"back-translation lost: {_quoted(trip.lost_words)}"] if trip and trip.lost_words else []
    )


def _added_words(measured: Signals) -> list[str]:
    trip = measured.round_trip
    if trip and trip.added_words:
        return [f"back-translation added: {_quoted(trip.added_words)}"]
    return []


def _lost_ending(measured: Signals) -> list[str]:
    trip = measured.round_trip
    if trip and trip.lost_ending:
        return [f"the last clause has no counterpart in the translation: '{trip.lost_ending}'"]
    return _lost_words(measured)


def _added_ending(measured: Signals) -> list[str]:
    trip = measured.round_trip
    if trip and trip.added_ending:
        return [
            "the translation ends with a clause the source does not have "
            f"(back-translated: '{trip.added_ending}')"
        ]
    return _added_words(measured)


def _round_trip_gap(measured: Signals) -> list[str]:
    trip = measured.round_trip
    if trip is None:
        return []
    return [f"the back-translation differs from the source (chrF {trip.chrf:.2f})"]


def _length(measured: Signals) -> list[str]:
    factor = math.exp(measured.length_deviation)
    if factor < 1:
        return [f"the translation is {1 - factor:.0%} shorter than expected"]
    return [f"the translation is {factor - 1:.0%} longer than expected"]


def _round_trip_length(measured: Signals) -> list[str]:
    trip = measured.round_trip
    if trip is None:
        return []
    factor = math.exp(trip.length_deviation)
    shorter_or_longer = "shorter" if factor < 1 else "longer"
    return [f"the back-translation is {abs(1 - factor):.0%} {shorter_or_longer} than the source"]


def _negation_difference(
    source_negations: Sequence[str] | None, other: Sequence[str] | None, what: str
) -> list[str]:
    if source_negations is None or other is None or len(source_negations) == len(other):
        return []
    lost = _unmatched(source_negations, other)
    if len(source_negations) > len(other):
        return [f"{what} lost: {_quoted(lost or source_negations)}"]
    gained = _unmatched(other, source_negations) or list(other)
    return [f"{what} adds a negation the source does not have: {_quoted(gained)}"]


def _unmatched(first: Sequence[str], second: Sequence[str]) -> list[str]:
    """Words of ``first`` beyond their count in ``second`` (case-insensitive)."""
    remaining = [word.casefold() for word in second]
    unmatched = []
    for word in first:
        if word.casefold() in remaining:
            remaining.remove(word.casefold())
        else:
            unmatched.append(word)
    return unmatched


def _negation_round_trip(measured: Signals) -> list[str]:
    trip = measured.round_trip
    if trip is None:
        return []
    return _negation_difference(measured.source_negations, trip.negations, "back-translation")


def _negation_translation(measured: Signals) -> list[str]:
    source_negations, translated = measured.source_negations, measured.translation_negations
    if source_negations is None or translated is None or len(source_negations) == len(translated):
        return []
    return [
        f"the source has {len(source_negations)} negation(s) "
        f"({_quoted(source_negations) or 'none'}), the translation {len(translated)} "
        f"({_quoted(translated) or 'none'})"
    ]


def _name_or_number(word: str) -> str:
    kind = "number" if any(char.isdigit() for char in word) else "name"
    return f"{kind} '{word}'"


def _missing_names(measured: Signals) -> list[str]:
    return [f"{_name_or_number(name)} missing" for name in measured.missing_names]


def _missing_first_word(measured: Signals) -> list[str]:
    return [f"the first word '{measured.missing_first_word}' has no counterpart"]


def _added_names(measured: Signals) -> list[str]:
    trip = measured.round_trip
    names = trip.added_names if trip else ()
    return [f"{_name_or_number(name)} is not in the source" for name in names]


def _glossary(measured: Signals) -> list[str]:
    count = measured.glossary_problems
    return [f"{count} protected term{'s' if count != 1 else ''} not as approved"]


def _engine_score(measured: Signals) -> list[str]:
    return [f"the engine was unsure (score {measured.engine_score:.2f})"]


_EVIDENCE: dict[str, Callable[[Signals], list[str]]] = {
    "round_trip_gap": _round_trip_gap,
    "round_trip_gap_reverse": _round_trip_gap,
    "lost_share": _lost_words,
    "added_share": _added_words,
    "lost_ending_share": _lost_ending,
    "added_ending_share": _added_ending,
    "too_short": _length,
    "too_long": _length,
    "round_trip_too_short": _round_trip_length,
    "round_trip_too_long": _round_trip_length,
    "negation_round_trip": _negation_round_trip,
    "negation_translation": _negation_translation,
    "missing_names": _missing_names,
    "missing_first_word": _missing_first_word,
    "added_names": _added_names,
    "lost_marks": lambda measured: list(measured.lost_marks),
    "glossary_problems": _glossary,
    "engine_score": _engine_score,
}
