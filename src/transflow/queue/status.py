"""Where the review queue stands: per file, what is left to review and what needs a look.

``transflow status`` renders this; ``status --fail-on`` turns it into an exit
code for CI. Flagged entries are computed against the current glossary
(whatever tool last wrote the file), and low confidence is read from the
confidence recorded on each entry, counted only while it still applies to the
translation as it stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from transflow.queue.checks import QueueChecker
from transflow.queue.model import Queue, QueueStats


class Attention(StrEnum):
    """What ``status --fail-on`` can require to be absent."""

    FLAGGED = "flagged"  # awaiting review and breaking the glossary
    PENDING = "pending"  # anything awaiting review at all
    LOW_CONFIDENCE = "low-confidence"  # awaiting review with a low recorded confidence


@dataclass(frozen=True)
class FileStatus:
    queue: Queue
    stats: QueueStats
    flagged: int
    low_confidence: int

    def count(self, attention: Attention) -> int:
        if attention is Attention.FLAGGED:
            return self.flagged
        if attention is Attention.PENDING:
            return self.stats.awaiting_review
        return self.low_confidence

    def as_dict(self) -> dict[str, object]:
        stats = self.stats
        return {
            "file": str(self.queue.path),
            "language": self.queue.target_language,
            "article": self.queue.article,
            "total": stats.total,
            "to_review": stats.awaiting_review,
            "words": stats.words,
            "words_to_review": stats.words_to_review,
            "flagged": self.flagged,
            "low_confidence": self.low_confidence,
            "approved": stats.approved,
            "untranslated": stats.untranslated,
            "obsolete": stats.obsolete,
            "by_state": {str(state): count for state, count in stats.by_state.items()},
        }


def queue_status(
    queues: Iterable[Queue], checker: QueueChecker, low_confidence_below: float
) -> list[FileStatus]:
    """The status of each queue file; ``low_confidence_below`` is the confidence threshold."""
    return [
        FileStatus(
            queue=queue,
            stats=queue.stats(),
            flagged=checker.flagged(queue),
            low_confidence=sum(
                1
                for segment in queue.active
                if segment.state.awaiting_review
                and (confidence := segment.current_confidence) is not None
                and confidence.value < low_confidence_below
            ),
        )
        for queue in queues
    ]


def totals(files: Sequence[FileStatus]) -> dict[str, int]:
    """The whole queue's counts, as in the status line ("41 segments, 1,203 words to review")."""
    return {
        "files": len(files),
        "total": sum(file.stats.total for file in files),
        "to_review": sum(file.stats.awaiting_review for file in files),
        "words_to_review": sum(file.stats.words_to_review for file in files),
        "flagged": sum(file.flagged for file in files),
        "low_confidence": sum(file.low_confidence for file in files),
        "approved": sum(file.stats.approved for file in files),
    }
