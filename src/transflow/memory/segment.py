"""One translation unit of the memory: a source sentence, its approved translation, provenance.

The memory only ever holds *approved* work: the team's own approvals (from
the review queue) and units imported from other tools' memories (TMX). Who
approved a translation, when, and where it was used travel with it, so a
translator offered a match can judge it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from transflow.languages import normalise
from transflow.queue.diff import DiffOp, ops_as_dicts


class Origin(StrEnum):
    """Where an approved translation comes from, best first (see ``ORIGIN_RANK``)."""

    HUMAN = "human"  # a reviewer approved or edited it
    ENGINE = "engine"  # approved in a PO editor without a recorded reviewer, unchanged engine text
    IMPORTED = "imported"  # a unit of another memory (TMX import)


# Lower is better: the team's own decisions come before anything imported.
ORIGIN_RANK = {Origin.HUMAN: 0, Origin.ENGINE: 1, Origin.IMPORTED: 2}


@dataclass(frozen=True)
class MemorySegment:
    """An approved translation as the memory stores it.

    ``article`` and ``position`` locate a team approval in the queue (the
    article reference as PO files record it, and the entry's index in article
    order); ``previous_source`` and ``next_source`` are the neighbouring
    sentences there, which make an exact match an *in-context* match.
    Imported units have no place; ``imported_from`` names their TMX file and
    ``article`` what that file said about where the unit came from, if anything.
    Language tags are normalised BCP 47 (``pt_BR`` is stored as ``pt-BR``).
    """

    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: Origin = Origin.HUMAN
    article: str | None = None
    position: int | None = None
    previous_source: str | None = None
    next_source: str | None = None
    reviewer: str | None = None
    approved_at: str | None = None  # ISO 8601
    imported_from: str | None = None
    # Derived, for the store's lookups.
    key: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "source_lang", normalise(self.source_lang))
        object.__setattr__(self, "target_lang", normalise(self.target_lang))
        object.__setattr__(self, "origin", Origin(self.origin))
        object.__setattr__(self, "key", text_key(self.source))

    def as_dict(self) -> dict[str, Any]:
        """The segment for JSON reports (neighbours left out: the memory keeps only their keys)."""
        return {
            "source": self.source,
            "target": self.target,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "origin": str(self.origin),
            "reviewer": self.reviewer,
            "approved_at": self.approved_at,
            "article": self.article,
            "position": self.position,
            "imported_from": self.imported_from,
        }


def normalised_text(text: str) -> str:
    """The form exact matching compares: runs of whitespace as one space, no edges."""
    return " ".join(text.split())


def text_key(text: str) -> int:
    """A 64-bit key of ``text`` for an SQLite integer index (the text itself is compared too).

    Whitespace differences do not change the key, so a sentence re-flowed in
    the article still finds its approved translation.
    """
    digest = hashlib.blake2b(normalised_text(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass(frozen=True)
class Match:
    """An approved translation offered for a sentence, and how its source differs from it.

    ``score`` is RapidFuzz ``fuzz.ratio`` between the memory's source and the
    sentence (100 for an exact match); ``diff`` turns the memory's source into
    the sentence, word by word. ``in_context`` means the neighbouring sentences
    match too (exact matches only).
    """

    segment: MemorySegment
    score: float
    in_context: bool = False
    differs_in_number: bool = False
    differs_in_term: bool = False
    differs_in_negation: bool = False
    diff: tuple[DiffOp, ...] = ()

    @property
    def source(self) -> str:
        return self.segment.source

    @property
    def target(self) -> str:
        return self.segment.target

    @property
    def origin(self) -> Origin:
        return self.segment.origin

    @property
    def flags(self) -> list[str]:
        """The names of the differences a translator must check, for reports and JSON."""
        named = {
            "differs-in-number": self.differs_in_number,
            "differs-in-term": self.differs_in_term,
            "differs-in-negation": self.differs_in_negation,
        }
        return [name for name, present in named.items() if present]

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            **self.segment.as_dict(),
            "in_context": self.in_context,
            "flags": self.flags,
            "diff": ops_as_dicts(self.diff),
        }


def optional_key(text: str | None) -> int | None:
    """The key of a neighbouring sentence, None standing for the article's start or end."""
    return None if text is None else text_key(text)
