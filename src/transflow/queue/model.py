"""The review queue as data: one queue per article and target language, one segment per sentence.

This is the model every layer works on — translation, review, diff, checks,
export, the translation memory. It knows nothing about files: PO storage is
:mod:`transflow.queue.pofile`, XLIFF exchange :mod:`transflow.queue.xliff`
(as babel keeps ``Catalog`` apart from ``pofile``).

What is *stored* is what happened: the source, the translation, whether a
translator signed it off, the machine output it started from, where a
pre-filled translation came from, every review decision. What is *derived*
is derived: a segment's state follows from those facts (so a tool that drops
a flag cannot change it), and whether it breaks the glossary is computed from
the current glossary and the text, never stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class State(StrEnum):
    """Where a segment stands in the review workflow."""

    UNTRANSLATED = "untranslated"
    MACHINE = "machine"  # the engine's output, awaiting review
    MEMORY = "memory"  # a translation memory match, awaiting review
    EDITED = "edited"  # a human translation (hand edit, another tool, XLIFF) awaiting approval
    NEEDS_WORK = "needs-work"  # rejected by a reviewer, with a note
    APPROVED = "approved"

    @property
    def awaiting_review(self) -> bool:
        return self in AWAITING_REVIEW


AWAITING_REVIEW = frozenset({State.MACHINE, State.MEMORY, State.EDITED, State.NEEDS_WORK})


class ReviewAction(StrEnum):
    APPROVED = "approved"  # the translation as it stood
    EDITED = "edited"  # the reviewer's own translation, approved
    REJECTED = "rejected"  # needs work; stays awaiting review
    SUBMITTED = "submitted"  # a human translation brought in (XLIFF), not yet approved


@dataclass(frozen=True)
class ReviewRecord:
    """One decision on a segment; segments keep their whole history, oldest first."""

    action: ReviewAction
    reviewer: str
    at: str  # ISO 8601, UTC
    note: str = ""
    # Approved although the translation breaks the glossary; the reviewer confirmed.
    glossary_override: bool = False
    email: str = ""
    # The translation the decision left (for edits and submissions): lets diff and
    # undo tell every step of a segment's history apart.
    text: str | None = None


@dataclass(frozen=True)
class MachineOutput:
    """What the engine produced for a segment, kept after any human edit."""

    text: str
    engine: str
    model: str
    score: float | None = None
    # Inline markup that could not be put back into the text (Markdown only).
    markup_lost: tuple[str, ...] = ()
    # Protected terms put back after masking: the words around them deserve a look.
    masked_terms: tuple[str, ...] = ()
    # Of those, terms put back in their approved form into a language that
    # declines names: whether the sentence needs another case was not checked.
    unchecked_inflection: tuple[str, ...] = ()
    # Other engine hypotheses, as good on the glossary, offered to the reviewer.
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemoryOrigin:
    """Where a translation pre-filled from the translation memory came from."""

    text: str
    reviewer: str
    at: str
    article: str
    origin: str = "human"  # human (the team's approval) or imported (a TMX)
    in_context: bool = False  # the neighbouring sentences matched too


@dataclass(frozen=True)
class SegmentConfidence:
    """How sure transflow is that a translation is sound, as recorded on the segment.

    Computed by :mod:`transflow.confidence` (which sits above the queue and
    knows the engines); the queue only keeps the result. ``assessed_id``
    identifies the source *and* translation it was computed for
    (:func:`assessment_id`), so a confidence left over from before an edit,
    or from before another tool (msgmerge) put a new source under the
    translation, is recognisably stale rather than silently wrong.
    """

    value: float  # in [0, 1]; low means likely damaged
    evidence: tuple[str, ...] = ()  # human-readable reasons ("back-translation lost: 'not'")
    round_trip: bool = False  # whether a back-translation contributed
    assessed_id: str = ""

    def applies_to(self, source: str, translation: str) -> bool:
        return self.assessed_id == assessment_id(source, translation)


@dataclass(frozen=True)
class Reference:
    """Where in the article a sentence occurs (PO ``#:`` reference)."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


# A word as CAT tools count them: letters and digits, with inner apostrophes and
# hyphens ("don't", "vice-president" are one each); "3.5" and "1,000" are one.
# Chinese and Japanese are written without spaces: each ideograph or kana counts.
_WORD = re.compile(r"\w+(?:(?:[-'’]|(?<=\d)[.,](?=\d))\w+)*")
_CHARACTER_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def word_count(text: str) -> int:
    """The words a translator reads in ``text`` (how review effort is estimated)."""
    characters = len(_CHARACTER_WORD.findall(text))
    if characters:
        text = _CHARACTER_WORD.sub(" ", text)
    return characters + len(_WORD.findall(text))


def total_words(texts: Iterable[str]) -> int:
    """:func:`word_count` summed over ``texts`` in one pass over them all.

    A line break joins no words, so counting the joined text gives the same sum
    at a fraction of the cost of 5,000 separate calls (the review's header).
    """
    return word_count("\n".join(texts))


def assessment_id(source: str, translation: str) -> str:
    """A short id of one translation of one source (what a confidence was computed for)."""
    return segment_id(f"{source}\x00{translation}")


def segment_id(source: str) -> str:
    """A short id that survives reordering and edits elsewhere in the article."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:8]


@dataclass
class Segment:
    """One distinct source sentence of an article and its translation."""

    source: str
    translation: str = ""
    # Signed off by a translator (PO: not fuzzy). The state is derived from this and the rest.
    approved: bool = False
    machine: MachineOutput | None = None
    memory: MemoryOrigin | None = None
    history: list[ReviewRecord] = field(default_factory=list)
    confidence: SegmentConfidence | None = None
    previous_source: str | None = None  # the source this one replaced (``#| msgid``)
    previous_translation: str | None = None  # what was approved for that source
    references: list[Reference] = field(default_factory=list)
    obsolete: bool = False  # the sentence left the article; kept so nothing is lost
    # Everything transflow does not interpret is carried through untouched:
    # translators' own comments, other tools' extracted comments and flags, a context.
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    other_flags: list[str] = field(default_factory=list)
    context: str | None = None
    # Where the segment started in the file it was read from (for file:line messages).
    line: int | None = None

    @property
    def id(self) -> str:
        return segment_id(self.source)

    @property
    def state(self) -> State:
        if not self.translation:
            return State.UNTRANSLATED
        if self.approved:
            return State.APPROVED
        last = self.history[-1] if self.history else None
        if last is not None and last.action is ReviewAction.REJECTED:
            return State.NEEDS_WORK
        if self.machine is not None and self.translation in (
            self.machine.text,
            *self.machine.alternatives,
        ):
            return State.MACHINE
        if self.memory is not None and self.translation == self.memory.text:
            return State.MEMORY
        return State.EDITED

    @property
    def current_confidence(self) -> SegmentConfidence | None:
        """The recorded confidence if it was computed for the translation as it stands."""
        return self.confidence_of(self.translation)

    def confidence_of(self, translation: str) -> SegmentConfidence | None:
        """The recorded confidence if it was computed for ``translation`` of this source."""
        if self.confidence is None or not self.confidence.applies_to(self.source, translation):
            return None
        return self.confidence

    @property
    def last_review(self) -> ReviewRecord | None:
        return self.history[-1] if self.history else None

    @property
    def rejection_note(self) -> str | None:
        """The note of the rejection that put this segment in 'needs work', if it is there."""
        if self.state is not State.NEEDS_WORK or self.last_review is None:
            return None
        return self.last_review.note

    @property
    def origin(self) -> str:
        """Who wrote the current translation: ``engine``, ``memory`` or ``human``."""
        state = self.state
        if state is State.MACHINE or (
            self.machine is not None and self.translation == self.machine.text
        ):
            return "engine"
        if state is State.MEMORY or (
            self.memory is not None and self.translation == self.memory.text
        ):
            return "memory"
        return "human" if self.translation else ""

    @property
    def reviewer(self) -> str | None:
        """Who last signed the segment off, if anyone did through transflow."""
        for record in reversed(self.history):
            if record.action in (ReviewAction.APPROVED, ReviewAction.EDITED):
                return record.reviewer
        return None


@dataclass
class Queue:
    """The review queue of one article in one target language."""

    source_language: str
    target_language: str
    article: str  # the article's path as recorded in references (relative to the workspace)
    segments: list[Segment] = field(default_factory=list)
    # Header fields transflow does not set, kept in their order (Project-Id-Version, ...).
    header: dict[str, str] = field(default_factory=dict)
    header_comments: list[str] = field(default_factory=list)
    last_translator: str = ""
    revision_date: str = ""
    # The file it was read from, if any: messages name it.
    path: Path | None = None

    def __iter__(self) -> Iterator[Segment]:
        return iter(self.segments)

    @property
    def active(self) -> list[Segment]:
        return [segment for segment in self.segments if not segment.obsolete]

    @property
    def obsolete(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.obsolete]

    def find(self, segment_id: str) -> Segment | None:
        """The active segment with ``segment_id``."""
        for segment in self.active:
            if segment.id == segment_id:
                return segment
        return None

    def stats(self) -> QueueStats:
        states = [segment.state for segment in self.active]
        return QueueStats(
            total=len(states),
            awaiting_review=sum(state.awaiting_review for state in states),
            words=total_words(segment.source for segment in self.active),
            words_to_review=total_words(
                segment.source for segment in self.active if segment.state.awaiting_review
            ),
            approved=states.count(State.APPROVED),
            untranslated=states.count(State.UNTRANSLATED),
            obsolete=len(self.obsolete),
            by_state={state: states.count(state) for state in State},
        )


@dataclass(frozen=True)
class QueueStats:
    total: int
    awaiting_review: int
    words: int  # source words of the active segments
    words_to_review: int  # source words of the segments awaiting review
    approved: int
    untranslated: int
    obsolete: int
    by_state: dict[State, int]
