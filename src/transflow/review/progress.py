"""How much is left: entries and source words still awaiting review, and the time they may take."""

from __future__ import annotations

from dataclasses import dataclass

# Decisions before the session's pace is trusted for an estimate of the time left.
PACE_AFTER_DECISIONS = 3


@dataclass(frozen=True)
class Progress:
    """What a session has decided and what still awaits review."""

    total: int  # entries in the session
    decided: int  # entries this session decided (undone decisions do not count)
    left: int  # entries still awaiting review
    words_left: int  # their source words
    minutes_left: float | None = None  # at the session's pace so far, once it has one

    def __str__(self) -> str:
        entries = "segment" if self.left == 1 else "segments"
        words = "word" if self.words_left == 1 else "words"
        text = f"{self.left:,} {entries}, {self.words_left:,} {words} to review"
        if self.minutes_left is not None and self.left:
            text += f" (about {_duration(self.minutes_left)} at this pace)"
        return text


def minutes_left(words_done: int, words_left: int, seconds: float) -> float | None:
    """The time ``words_left`` takes at the pace of ``words_done`` in ``seconds``."""
    if words_done <= 0 or seconds <= 0:
        return None
    return words_left * seconds / words_done / 60


def _duration(minutes: float) -> str:
    if minutes < 1:
        return "a minute"
    if minutes < 90:
        return f"{round(minutes)} min"
    return f"{minutes / 60:.1f} h"
