"""The team's approvals as they stand in the review queue, as memory segments.

The queue files are the truth the memory caches; this module is the only
place that reads them for the memory (:func:`approved_segments` for a
rebuild, :func:`entry_segment` for one review decision), so a change of the
queue model changes :func:`_segment` and the loop around it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from transflow.memory.segment import MemorySegment, Origin
from transflow.queue.model import Queue, Segment, State
from transflow.queue.pofile import queue_files


def approved_segments(locales_dir: Path) -> Iterator[MemorySegment]:
    """Every approved segment under ``locales_dir``, in file and article order.

    A malformed queue file raises :class:`InputError` naming it.
    """
    for queue in queue_files(locales_dir):
        for segment, _ in approved_entries(queue):
            yield segment


def approved_entries(queue: Queue) -> Iterator[tuple[MemorySegment, Segment]]:
    """Each approved segment of ``queue`` as a memory segment, with the queue's own segment."""
    segments = queue.active
    for position, entry in enumerate(segments):
        segment = _segment(queue, segments, position)
        if segment is not None:
            yield segment, entry


def entry_segment(queue: Queue, entry: Segment) -> MemorySegment | None:
    """The memory segment of one segment of ``queue`` if it is approved, else None.

    What a review decision records in the memory: call it on the segment as
    saved (approved or edited: ``record_approved`` it; rejected: None, so
    ``forget`` it).
    """
    segments = queue.active
    position = next((index for index, item in enumerate(segments) if item is entry), None)
    if position is None:
        return None
    return _segment(queue, segments, position)


def _segment(queue: Queue, segments: list[Segment], position: int) -> MemorySegment | None:
    """The segment at ``position`` as a memory segment, or None when it is not approved.

    The origin is ``human`` when a reviewer approved or edited it in
    transflow (the reviewer and time are the last sign-off's) or when its text
    is not the engine's (edited in a PO editor); ``engine`` when it was
    approved unchanged outside transflow. The position is the segment's index
    in article order and the neighbours are the segments before and after it.
    """
    segment = segments[position]
    if segment.state is not State.APPROVED:
        return None
    signoff = next(
        (
            record
            for record in reversed(segment.history)
            if record.action.value in ("approved", "edited")
        ),
        None,
    )
    unchanged = segment.machine is not None and segment.machine.text == segment.translation
    return MemorySegment(
        segment.source,
        segment.translation,
        queue.source_language,
        queue.target_language,
        Origin.HUMAN if signoff is not None or not unchanged else Origin.ENGINE,
        article=queue.article,
        position=position,
        previous_source=segments[position - 1].source if position else None,
        next_source=segments[position + 1].source if position + 1 < len(segments) else None,
        reviewer=signoff.reviewer if signoff else None,
        approved_at=signoff.at if signoff else None,
    )
