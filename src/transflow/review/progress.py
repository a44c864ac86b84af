"""How much is left: entries and source words still awaiting review."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """What a session has decided and what still awaits review."""

    total: int  # entries in the session
    decided: int  # entries this session decided (undone decisions do not count)
    left: int  # entries still awaiting review
    words_left: int  # their source words

    def __str__(self) -> str:
        entries = "segment" if self.left == 1 else "segments"
        words = "word" if self.words_left == 1 else "words"
        return f"{self.left:,} {entries}, {self.words_left:,} {words} to review"
