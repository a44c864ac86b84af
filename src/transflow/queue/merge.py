"""Bringing a queue up to date with its article, the way ``msgmerge --previous`` does.

A sentence still in the article keeps its segment untouched (approved or
not, it is never translated again); a changed sentence becomes a new segment
that remembers the previous source and what was approved for it; a sentence
that left the article becomes obsolete, never deleted, and comes back with
its whole history — translation, machine output, review records — if the
sentence returns.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from transflow.queue.model import (
    MachineOutput,
    MemoryOrigin,
    Queue,
    Reference,
    Segment,
    SegmentConfidence,
    State,
)

# A changed sentence is linked to the removed sentence it most resembles, as
# msgmerge does for fuzzy matches, when they are at least this similar.
PREVIOUS_SOURCE_MIN_SIMILARITY = 0.5


@dataclass(frozen=True)
class Occurrence:
    """A sentence of the article and the line it starts on."""

    text: str
    line: int


@dataclass(frozen=True)
class Prefill:
    """A new segment's first translation: the engine's, or a memory match's (or none yet)."""

    machine: MachineOutput | None = None
    memory: MemoryOrigin | None = None
    approve: bool = False  # an in-context memory match the user chose to accept
    confidence: SegmentConfidence | None = None  # of ``text``, where it was assessed

    @property
    def text(self) -> str:
        if self.memory is not None:
            return self.memory.text
        return self.machine.text if self.machine is not None else ""


@dataclass
class MergeResult:
    """What a merge did; counts are distinct sentences."""

    translated: int = 0  # new segments filled from the engine
    from_memory: int = 0  # new segments filled from the translation memory
    reused: int = 0  # segments already in the queue (revived obsolete ones included)
    approved: int = 0  # approved segments of the article after the merge
    obsoleted: int = 0
    markup_lost: int = 0
    masked: int = 0
    new: list[Segment] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.translated or self.from_memory or self.obsoleted)


def usable_sources(queue: Queue) -> set[str]:
    """Sources whose segment (active or obsolete) already holds a translation."""
    return {segment.source for segment in queue.segments if segment.translation}


def missing(queue: Queue, distinct: Sequence[str], prefills: Mapping[str, Prefill]) -> list[str]:
    """Sentences with neither a translated segment in ``queue`` nor a prefill."""
    usable = usable_sources(queue)
    return [text for text in distinct if text not in usable and text not in prefills]


def merge(
    queue: Queue,
    occurrences: Sequence[Occurrence],
    prefills: Mapping[str, Prefill],
    reference: str,
) -> MergeResult:
    """Make ``queue`` hold exactly the article's sentences, in article order.

    Every sentence must have a translated segment or a prefill
    (:func:`missing` is empty). Segment objects are kept, so nothing
    transflow does not know about (translator comments, other tools' flags)
    is lost.
    """
    result = MergeResult()
    active = {segment.source: segment for segment in queue.active}
    obsolete = {segment.source: segment for segment in queue.obsolete}
    places: dict[str, list[Reference]] = {}
    for occurrence in occurrences:
        places.setdefault(occurrence.text, []).append(Reference(reference, occurrence.line))

    removed = [segment for source, segment in active.items() if source not in places]
    new_texts = [text for text in places if text not in active and text not in obsolete]
    previous = _match_previous_sources(new_texts, removed)

    ordered = []
    for text, references in places.items():
        segment = active.get(text) or obsolete.pop(text, None)
        if segment is not None and segment.translation:
            result.reused += 1
        else:
            segment = segment or Segment(source=text)
            _fill(segment, prefills[text], previous.get(text), result)
        segment.obsolete = False
        segment.references = references
        result.approved += segment.state is State.APPROVED
        ordered.append(segment)

    for segment in removed:
        segment.obsolete = True
        segment.references = []
        result.obsoleted += 1
    kept_obsolete = [segment for segment in queue.obsolete if segment.source in obsolete]
    queue.segments = [*ordered, *kept_obsolete, *removed]
    return result


def _fill(
    segment: Segment, prefill: Prefill, previous: Segment | None, result: MergeResult
) -> None:
    segment.machine = prefill.machine
    segment.memory = prefill.memory
    segment.translation = prefill.text
    segment.approved = prefill.approve
    segment.confidence = prefill.confidence
    if prefill.memory is not None:
        result.from_memory += 1
    else:
        result.translated += 1
    if prefill.machine is not None:
        result.markup_lost += bool(prefill.machine.markup_lost)
        result.masked += bool(prefill.machine.masked_terms)
    if previous is not None:
        segment.previous_source = previous.source
        if previous.state is State.APPROVED:
            segment.previous_translation = previous.translation
    result.new.append(segment)


def _match_previous_sources(new_texts: list[str], removed: list[Segment]) -> dict[str, Segment]:
    """Pair each new sentence with the most similar removed one (each used once)."""
    matches: dict[str, Segment] = {}
    available = list(removed)
    for text in new_texts:
        best, best_ratio = None, PREVIOUS_SOURCE_MIN_SIMILARITY
        for candidate in available:
            matcher = difflib.SequenceMatcher(None, text, candidate.source, autojunk=False)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio:
                best, best_ratio = candidate, ratio
        if best is not None:
            matches[text] = best
            available.remove(best)
    return matches
