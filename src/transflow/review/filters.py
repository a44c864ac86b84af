"""Which entries a reviewer wants to see: all, flagged, unsure, rejected, or from the memory."""

from __future__ import annotations

from enum import StrEnum

from transflow.confidence.combine import WARNING_BELOW
from transflow.queue.model import State
from transflow.queue.review import QueueItem


class EntryFilter(StrEnum):
    """A view of the session's entries; ``f`` in the review cycles through them in this order."""

    ALL = "all"
    FLAGGED = "flagged"  # breaks the glossary, or lost a number, quotation mark or bracket
    LOW_CONFIDENCE = "low confidence"  # a recorded confidence below WARNING_BELOW
    REJECTED = "rejected"  # needs work
    FROM_MEMORY = "from memory"  # pre-filled from the translation memory

    def admits(self, item: QueueItem) -> bool:
        if self is EntryFilter.ALL:
            return True
        if self is EntryFilter.FLAGGED:
            return item.flagged or bool(item.warnings)
        if self is EntryFilter.LOW_CONFIDENCE:
            return is_low_confidence(item)
        if self is EntryFilter.REJECTED:
            return item.state is State.NEEDS_WORK
        return item.memory is not None

    @property
    def following(self) -> EntryFilter:
        members = list(EntryFilter)
        return members[(members.index(self) + 1) % len(members)]


def is_low_confidence(item: QueueItem) -> bool:
    """A confidence was recorded for this translation and it is below the warning threshold.

    An entry without one (translated before confidence was computed, or
    edited since) is not low confidence: nothing says so.
    """
    return item.confidence is not None and item.confidence.value < WARNING_BELOW
