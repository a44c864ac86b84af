"""The entry a review opens on, read before the rest of the queue.

A reviewer opening a day's queue wants the first sentence on the screen at
once; reading and checking a 5,000-entry file takes longer than the 100 ms a
person perceives as instant (``benchmarks/README.md``). In article order the
first screen needs only the first entry awaiting review and its neighbours, so
it is drawn from the head of its file, and the whole queue is read, checked and
counted before the first key is taken: nothing is decided on a partial read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from transflow.errors import InputError
from transflow.queue.model import Queue
from transflow.queue.pofile import read_queue_head
from transflow.queue.review import GlossaryChecker, QueueItem, load_queue

FIRST_HEAD_ENTRIES = 40
# Past this, reading the head is no faster than reading the file: give up.
LAST_HEAD_ENTRIES = 2_000


def opening_entry(
    paths: Sequence[Path],
    checker: GlossaryChecker,
    *,
    flagged_only: bool = False,
    read_whole: dict[Path, Queue] | None = None,
) -> QueueItem | None:
    """The first entry a review of ``paths`` in article order shows, or None if unsure.

    It is the entry :func:`~transflow.queue.review.load_queue` puts first, with
    its neighbours, read from as little of the files as that takes; None when a
    file cannot be read (the full read reports it) or the entry is far into a
    large file. Its ``file_total`` counts only the entries read. Files read
    whole on the way (short ones, ones with nothing to review) are put in
    ``read_whole``, so that the caller need not read them again.
    """
    for path in paths:
        entries = FIRST_HEAD_ENTRIES
        while entries <= LAST_HEAD_ENTRIES:
            try:
                head, whole = read_queue_head(path, entries)
            except InputError:
                return None
            if whole and read_whole is not None:
                read_whole[path] = head
            items = load_queue([head], checker=checker, flagged_only=flagged_only)
            active = len(head.active)
            # The entry and the one after it must come before the last entry read,
            # which a blank line inside it could have cut short.
            if items and (whole or items[0].position + 2 <= active):
                return items[0]
            if whole:
                break  # nothing in this file awaits review: the next file
            entries *= 4
        else:
            return None
    return None
