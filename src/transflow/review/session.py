"""One reviewer's pass over the queue: where they are, what they see, what they decided.

:class:`ReviewSession` is the review screen without the screen: a cursor over
the entries awaiting review, a filter choosing which of them are shown, a
search, a jump by number or id, and the decisions (through
:class:`~transflow.queue.review.ReviewDesk`, each saved at once) with an undo
stack. Going back to a decided entry and deciding again is a new decision,
recorded in the entry's history; ``undo`` takes back the last decision of
the session, restoring the file as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from transflow.queue.model import total_words, word_count
from transflow.queue.review import Decision, QueueItem, ReviewDesk, ReviewError, ReviewQueue
from transflow.review.filters import EntryFilter
from transflow.review.progress import PACE_AFTER_DECISIONS, Progress, minutes_left

# An id typed at "go to" may be shortened to this many characters, as git allows.
SHORTEST_ID = 4


class ReviewSession:
    """The cursor, the view and the decisions of one interactive review."""

    def __init__(
        self,
        items: ReviewQueue,
        desk: ReviewDesk,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not len(items):
            raise ReviewError("nothing awaits review")
        self.items = items
        self.desk = desk
        self.index = 0  # among all the session's entries (what "3/41" counts)
        self.filter = EntryFilter.ALL
        self.query: str | None = None  # the last search
        self._visible: Sequence[int] = range(len(items))
        self._undo: list[tuple[int, Decision]] = []
        self._word_counts: dict[int, int] = {}
        self._all_words = total_words(items.segment(i).source for i in range(len(items)))
        # Every entry of a ReviewQueue awaited review when loaded; these no longer do.
        self._done: set[int] = set()
        self._clock = clock
        self._started = clock()

    # --- what is shown -------------------------------------------------------------

    @property
    def current(self) -> QueueItem:
        return self.items[self.index]

    @property
    def visible(self) -> int:
        """How many entries the filter shows."""
        return len(self._visible)

    def progress(self) -> Progress:
        """What is left; after a few decisions, also how long it may take at this pace."""
        decided = {position for position, _ in self._undo}
        words_done = sum(self._words(i) for i in self._done)
        words_left = self._all_words - words_done
        estimate = None
        if len(decided) >= PACE_AFTER_DECISIONS:
            decided_words = sum(self._words(i) for i in decided)
            estimate = minutes_left(decided_words, words_left, self._clock() - self._started)
        return Progress(
            total=len(self.items),
            decided=len(decided),
            left=len(self.items) - len(self._done),
            words_left=words_left,
            minutes_left=estimate,
        )

    # --- moving --------------------------------------------------------------------

    def next(self) -> bool:
        """To the next entry the filter shows; False (and nowhere) past the last one."""
        later = [i for i in self._visible if i > self.index]
        if not later:
            return False
        self.index = later[0]
        return True

    def widen(self) -> EntryFilter | None:
        """Past the last entry of a filtered view: show all entries again (the cursor stays).

        Returns the filter that was on, or None when none was (the queue's end).
        """
        if self.filter is EntryFilter.ALL:
            return None
        was = self.filter
        self.set_filter(EntryFilter.ALL)
        return was

    def back(self) -> bool:
        """To the previous entry the filter shows; False at the first one."""
        earlier = [i for i in self._visible if i < self.index]
        if not earlier:
            return False
        self.index = earlier[-1]
        return True

    def go_to(self, wanted: str) -> str | None:
        """To entry number ``wanted`` (as counted on screen) or the entry with that id.

        Returns a note for the reviewer when the filter had to be cleared to
        show it; raises :class:`ReviewError` when there is no such entry.
        """
        wanted = wanted.strip()
        position = self._find(wanted)
        if position is None:
            raise ReviewError(
                f"no entry {wanted!r} (a number from 1 to {len(self.items)}, or an id)"
            )
        self.index = position
        if position in self._visible:
            return None
        self.set_filter(EntryFilter.ALL)
        return "filter cleared to show it"

    def _find(self, wanted: str) -> int | None:
        if wanted.isdigit():
            number = int(wanted)
            return number - 1 if 1 <= number <= len(self.items) else None
        if len(wanted) < SHORTEST_ID:
            return None
        lowered = wanted.lower()
        found = [i for i in range(len(self.items)) if self.items.segment(i).id.startswith(lowered)]
        return found[0] if len(found) == 1 else None

    # --- searching -----------------------------------------------------------------

    def search(self, query: str, *, forward: bool = True) -> bool:
        """To the next shown entry (wrapping) whose source or translation contains ``query``.

        Case is ignored. False, and the cursor where it was, when none does.
        """
        self.query = query
        wanted = query.casefold()
        shown = list(self._visible)
        if not shown or not wanted:
            return False
        start = next((n for n, i in enumerate(shown) if i >= self.index), 0)
        step = 1 if forward else -1
        for offset in range(1, len(shown) + 1):
            position = shown[(start + step * offset) % len(shown)]
            segment = self.items.segment(position)
            if wanted in segment.source.casefold() or wanted in segment.translation.casefold():
                self.index = position
                return True
        return False

    def search_again(self, *, forward: bool = True) -> bool:
        """The last search again, onwards or backwards (``n`` / ``N``)."""
        if self.query is None:
            raise ReviewError("no search yet (press / to search)")
        return self.search(self.query, forward=forward)

    # --- filtering -----------------------------------------------------------------

    def set_filter(self, chosen: EntryFilter) -> int:
        """Show only the entries ``chosen`` admits (judged now); returns how many.

        The cursor stays if its entry is shown, else moves to the next shown
        one (or the last). An empty view is refused: the filter stays as it was.
        """
        if chosen is EntryFilter.ALL:
            shown: Sequence[int] = range(len(self.items))
        else:
            shown = [i for i in range(len(self.items)) if chosen.admits(self.items[i])]
        if not shown:
            return 0
        self.filter, self._visible = chosen, shown
        if self.index not in shown:
            self.index = next((i for i in shown if i > self.index), shown[-1])
        return len(shown)

    def cycle_filter(self) -> tuple[EntryFilter, list[EntryFilter]]:
        """The next filter that shows something, and the empty ones passed over on the way."""
        skipped = []
        chosen = self.filter.following
        while not self.set_filter(chosen):
            skipped.append(chosen)
            chosen = chosen.following
        return chosen, skipped

    # --- deciding ------------------------------------------------------------------

    def approve(self, *, confirm_glossary: bool = False) -> Decision:
        item = self.current
        return self._record(
            self.desk.approve(
                item.path,
                item.id,
                seen=item.msgstr,
                seen_decisions=item.decisions,
                confirm_glossary=confirm_glossary,
            )
        )

    def edit(self, text: str, *, confirm_glossary: bool = False) -> Decision:
        item = self.current
        return self._record(
            self.desk.edit(
                item.path,
                item.id,
                text,
                seen=item.msgstr,
                seen_decisions=item.decisions,
                confirm_glossary=confirm_glossary,
            )
        )

    def reject(self, note: str) -> Decision:
        item = self.current
        return self._record(
            self.desk.reject(
                item.path, item.id, note, seen=item.msgstr, seen_decisions=item.decisions
            )
        )

    def undo(self) -> Decision:
        """Take back the session's last decision and go to its entry; returns that decision."""
        if not self._undo:
            raise ReviewError("nothing to undo in this session")
        position, decision = self._undo[-1]
        restored = self.desk.undo(decision)
        self._undo.pop()
        self._update(position, self.items.refresh(position, restored))
        self.index = position
        return decision

    def _record(self, decision: Decision) -> Decision:
        if decision.segment is None or decision.undo is None:
            raise ReviewError("the review desk must keep undo points (ReviewDesk(undoable=True))")
        self._undo.append((self.index, decision))
        self._update(self.index, self.items.refresh(self.index, decision.segment))
        return decision

    def _words(self, position: int) -> int:
        """The words of one entry's source (counted when it is decided, not all up front)."""
        words = self._word_counts.get(position)
        if words is None:
            words = self._word_counts[position] = word_count(self.items.segment(position).source)
        return words

    def _update(self, position: int, item: QueueItem) -> None:
        if item.state.awaiting_review:
            self._done.discard(position)
        else:
            self._done.add(position)
