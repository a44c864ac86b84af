"""The team's approvals as they stand in the review queue, as memory segments.

The queue files are the truth the memory caches; this module is the only
place that reads them for the memory (:func:`approved_segments` for a
rebuild, :func:`entry_segment` for one review decision), so a change of the
queue model changes :func:`_segment` and the loop around it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polib

from transflow.errors import InputError
from transflow.languages import UnknownLanguageError, normalise
from transflow.memory.segment import MemorySegment, Origin
from transflow.queue.pofile import (
    EntryState,
    ReviewAction,
    ReviewFile,
    entry_state,
    machine_translation,
    queue_files,
    review_history,
)

# Queue files written before transflow recorded the source language were English.
DEFAULT_SOURCE_LANGUAGE = "en"


def approved_segments(locales_dir: Path) -> Iterator[MemorySegment]:
    """Every approved entry under ``locales_dir``, in file and article order.

    A malformed queue file raises :class:`InputError` naming it.
    """
    for review_file in queue_files(locales_dir):
        languages = _languages(review_file)
        entries = review_file.active_entries()
        for position in range(len(entries)):
            segment = _segment(review_file, entries, position, languages)
            if segment is not None:
                yield segment


def entry_segment(review_file: ReviewFile, entry: polib.POEntry) -> MemorySegment | None:
    """The segment of one entry of ``review_file`` if it is approved, else None.

    What a review decision records in the memory: call it on the entry as
    saved (approved or edited: ``record_approved`` it; rejected: None, so
    ``forget`` it).
    """
    entries = review_file.active_entries()
    position = next((index for index, item in enumerate(entries) if item is entry), None)
    if position is None:
        return None
    return _segment(review_file, entries, position, _languages(review_file))


def _segment(
    review_file: ReviewFile,
    entries: list[polib.POEntry],
    position: int,
    languages: tuple[str, str],
) -> MemorySegment | None:
    """The entry at ``position`` as a segment, or None when it is not approved.

    The origin is ``human`` when a reviewer approved or edited the entry in
    transflow (the reviewer and time are the last sign-off's) or when its text
    is not the engine's (edited in a PO editor); ``engine`` when it was
    approved unchanged outside transflow. The position is the entry's index in
    article order and the neighbours are the entries before and after it.
    """
    entry = entries[position]
    if entry_state(entry) is not EntryState.APPROVED:
        return None
    signoff = next(
        (
            record
            for record in reversed(review_history(entry))
            if record.action in (ReviewAction.APPROVED, ReviewAction.EDITED)
        ),
        None,
    )
    machine = machine_translation(entry)
    unchanged = machine is not None and machine.text == entry.msgstr
    return MemorySegment(
        entry.msgid,
        entry.msgstr,
        *languages,
        Origin.HUMAN if signoff is not None or not unchanged else Origin.ENGINE,
        article=_article(review_file, entry),
        position=position,
        previous_source=entries[position - 1].msgid if position else None,
        next_source=entries[position + 1].msgid if position + 1 < len(entries) else None,
        reviewer=signoff.reviewer if signoff else None,
        approved_at=signoff.at if signoff else None,
    )


def _languages(review_file: ReviewFile) -> tuple[str, str]:
    metadata = review_file.catalog.metadata
    try:
        return (
            normalise(metadata.get("X-Source-Language") or DEFAULT_SOURCE_LANGUAGE),
            normalise(metadata.get("Language") or review_file.path.parent.name),
        )
    except UnknownLanguageError as error:
        raise InputError(review_file.path, str(error)) from None


def _article(review_file: ReviewFile, entry: polib.POEntry) -> str:
    """The article as the queue records it: the header's source file, else the entry's reference."""
    recorded = review_file.catalog.metadata.get("X-Source-File")
    if recorded:
        return str(recorded)
    return str(entry.occurrences[0][0]) if entry.occurrences else review_file.path.stem
