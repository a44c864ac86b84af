"""A confidence for every translated segment, with every engine, human edits included.

``back_translate`` translates a job's translations back in one batched
engine call; ``assess`` turns each (source, translation) pair, with its
back-translation, engine score and glossary problem count where known, into a
``Confidence``: a value in [0, 1], the evidence a reviewer reads ("back-translation
lost: 'not'") and every signal behind it for JSON output.
"""

from transflow.confidence.assessor import PairAssessor
from transflow.confidence.combine import (
    ERROR_BELOW,
    WARNING_BELOW,
    Confidence,
    assess,
    assess_segment,
)
from transflow.confidence.roundtrip import back_translate, round_trip_engine
from transflow.confidence.signals import RoundTrip, Signals

__all__ = [
    "ERROR_BELOW",
    "WARNING_BELOW",
    "Confidence",
    "PairAssessor",
    "RoundTrip",
    "Signals",
    "assess",
    "assess_segment",
    "back_translate",
    "round_trip_engine",
]
