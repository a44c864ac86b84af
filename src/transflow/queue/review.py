"""Reviewing the queue: what a translator sees, and the decisions they make.

Each decision (approve, edit, reject) is its own locked read-modify-write of
the PO file, saved atomically before the next one is asked for: quitting,
Ctrl-C, a closed terminal or a crash loses nothing already decided. Because
the file is re-read under the lock for every decision, edits made meanwhile
by hand, by Poedit or by a colleague are kept, and a decision on an entry that
someone else changed since it was shown is refused rather than overwriting it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, overload

import polib

from transflow.errors import TransflowError
from transflow.glossary.enforcement import TermEnforcer
from transflow.glossary.model import Glossary
from transflow.queue.checks import lost_content
from transflow.queue.pofile import (
    EntryState,
    MachineTranslation,
    ReviewAction,
    ReviewFile,
    ReviewRecord,
    entry_id,
    entry_state,
    is_flagged,
    locked,
    machine_translation,
    previous_translation,
    record_review,
    review_history,
)

NEEDS_WORK_FLAG = "needs-work"
CONTEXT_SENTENCES = 2


class ReviewError(TransflowError):
    """A decision that cannot be applied as asked."""


class ReviewConflict(ReviewError):
    """The entry changed since the reviewer saw it; applying the decision would lose that change."""


class GlossaryConfirmationNeeded(ReviewError):
    """The translation breaks the glossary; the reviewer must confirm the override."""

    def __init__(self, message: str, problems: Sequence[str]) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class QueueOrder(StrEnum):
    ARTICLE = "article"  # as the sentences appear in the article
    RISK = "risk"  # glossary violations, then rejected, then least confident engine output


@dataclass(frozen=True)
class TermMark:
    """A protected term of the source and whether the translation renders it as approved."""

    term: str
    start: int  # in the source sentence
    end: int
    target_form: str
    correct: bool


@dataclass(frozen=True)
class QueueItem:
    """One entry awaiting review, with everything the review screen shows."""

    path: Path
    id: str
    msgid: str
    msgstr: str
    state: EntryState
    machine: MachineTranslation | None
    flagged: bool
    problems: tuple[str, ...]  # glossary problems of the current translation
    warnings: tuple[str, ...]  # numbers, quotation marks, brackets the translation lost
    terms: tuple[TermMark, ...]
    previous_msgid: str | None
    previous_translation: str | None
    rejection_note: str | None
    context_before: tuple[str, ...]
    context_after: tuple[str, ...]
    position: int  # 1-based among the file's active entries
    file_total: int
    language: str
    article: str
    decisions: int = 0  # review records when read: a later one by someone else is a clash


@dataclass(frozen=True)
class Decision:
    """What one decision changed, for printing and for tests."""

    path: Path
    id: str
    action: ReviewAction
    before: str
    after: str
    reviewer: str
    glossary_override: bool = False


def resolve_reviewer(option: str | None) -> str:
    """``--reviewer``, else ``TRANSFLOW_REVIEWER``, else ``git config user.name``."""
    for name in (option, os.environ.get("TRANSFLOW_REVIEWER")):
        if name and name.strip():
            return name.strip()
    try:
        result = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, check=False, timeout=5
        )
    except (OSError, subprocess.TimeoutExpired):
        result = None
    if result is not None and result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip()
    raise ReviewError(
        "who is reviewing? pass --reviewer NAME or set TRANSFLOW_REVIEWER (or git config user.name)"
    )


class GlossaryChecker:
    """The glossary check of a translation, one compiled enforcer per language pair."""

    def __init__(self, glossary: Glossary | None) -> None:
        self.glossary = glossary or Glossary()
        self._enforcers: dict[tuple[str, str], TermEnforcer] = {}

    def enforcer(self, source: str, target: str) -> TermEnforcer:
        pair = (source, target)
        if pair not in self._enforcers:
            self._enforcers[pair] = TermEnforcer(self.glossary.for_pair(source, target), target)
        return self._enforcers[pair]

    def marks(
        self, review_file: ReviewFile, msgid: str, msgstr: str
    ) -> tuple[tuple[TermMark, ...], tuple[str, ...]]:
        """Each protected term with its verdict, and the problems in words."""
        enforcer = self.enforcer(*_pair(review_file))
        matches = enforcer.find(msgid)
        _, problems = enforcer.check(matches, msgstr)
        wrong = {problem.term for problem in problems}
        marks = tuple(
            TermMark(
                match.value.text,
                match.start,
                match.end,
                match.value.target_form(enforcer.target) or match.value.text,
                match.value not in wrong,
            )
            for match in matches
        )
        return marks, tuple(str(problem) for problem in problems)


def _pair(review_file: ReviewFile) -> tuple[str, str]:
    metadata = review_file.catalog.metadata
    return metadata.get("X-Source-Language", "en"), metadata.get(
        "Language", review_file.path.parent.name
    )


@dataclass(frozen=True)
class _Slot:
    """Where a queue entry is: its file, the file's active entries, its index among them."""

    review_file: ReviewFile
    entries: list[polib.POEntry]
    index: int


class ReviewQueue(Sequence[QueueItem]):
    """The entries awaiting review, each built and checked when first looked at.

    In article order nothing has to be checked before the first screen, so a
    reviewer opening a 5,000-entry file does not wait for 5,000 glossary
    checks (``benchmarks/review_bench.py``). After an edit, ``refresh``
    rebuilds that one item.
    """

    def __init__(self, slots: Sequence[_Slot], checker: GlossaryChecker) -> None:
        self._slots = list(slots)
        self._checker = checker
        self._items: dict[int, QueueItem] = {}

    def __len__(self) -> int:
        return len(self._slots)

    @overload
    def __getitem__(self, index: int) -> QueueItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[QueueItem]: ...

    def __getitem__(self, index: int | slice) -> QueueItem | list[QueueItem]:
        if isinstance(index, slice):
            return [self[position] for position in range(len(self))[index]]
        position = range(len(self))[index]
        if position not in self._items:
            self._items[position] = _build_item(self._slots[position], self._checker)
        return self._items[position]

    def refresh(self, index: int, msgstr: str) -> QueueItem:
        """The item at ``index`` rebuilt for its new translation: verdicts and warnings too."""
        position = range(len(self))[index]
        self._items[position] = _build_item(self._slots[position], self._checker, msgstr)
        return self._items[position]

    def sorted_by(self, key: Callable[[QueueItem], Any]) -> ReviewQueue:
        """The same queue in another order (every item is built and checked for it)."""
        order = sorted(range(len(self)), key=lambda position: key(self[position]))
        queue = ReviewQueue([self._slots[position] for position in order], self._checker)
        queue._items = {new: self[old] for new, old in enumerate(order)}
        return queue


def load_queue(
    review_files: Sequence[ReviewFile],
    *,
    checker: GlossaryChecker | None = None,
    flagged_only: bool = False,
    order: QueueOrder = QueueOrder.ARTICLE,
) -> ReviewQueue:
    """The entries awaiting review across ``review_files``, in the requested order."""
    slots = []
    for review_file in review_files:
        entries = review_file.active_entries()
        slots += [
            _Slot(review_file, entries, index)
            for index, entry in enumerate(entries)
            if entry_state(entry) is EntryState.MACHINE and (not flagged_only or is_flagged(entry))
        ]
    queue = ReviewQueue(slots, checker or GlossaryChecker(None))
    return queue.sorted_by(_risk) if order is QueueOrder.RISK else queue


def _build_item(slot: _Slot, checker: GlossaryChecker, msgstr: str | None = None) -> QueueItem:
    """The queue item of an entry, checked as translated by ``msgstr`` (default: the file's)."""
    review_file, entries, index = slot.review_file, slot.entries, slot.index
    entry = entries[index]
    metadata = review_file.catalog.metadata
    msgstr = entry.msgstr if msgstr is None else msgstr
    marks, problems = checker.marks(review_file, entry.msgid, msgstr)
    return QueueItem(
        path=review_file.path,
        id=entry_id(entry),
        msgid=entry.msgid,
        msgstr=msgstr,
        state=entry_state(entry),
        machine=machine_translation(entry),
        flagged=is_flagged(entry) or bool(problems),
        problems=problems,
        warnings=tuple(message for _, message in lost_content(entry.msgid, msgstr)),
        terms=marks,
        previous_msgid=entry.previous_msgid,
        previous_translation=previous_translation(entry),
        rejection_note=_rejection_note(entry),
        context_before=tuple(e.msgid for e in entries[max(0, index - CONTEXT_SENTENCES) : index]),
        context_after=tuple(e.msgid for e in entries[index + 1 : index + 1 + CONTEXT_SENTENCES]),
        position=index + 1,
        file_total=len(entries),
        language=_pair(review_file)[1],
        article=metadata.get("X-Source-File") or review_file.path.stem,
        decisions=len(review_history(entry)),
    )


def _risk(item: QueueItem) -> tuple[int, int, float]:
    score = item.machine.score if item.machine and item.machine.score is not None else 0.0
    return (not item.flagged, item.rejection_note is None, score)


def _rejection_note(entry: polib.POEntry) -> str | None:
    if NEEDS_WORK_FLAG not in entry.flags:
        return None
    rejections = [r for r in review_history(entry) if r.action is ReviewAction.REJECTED]
    return rejections[-1].note if rejections else ""


class ReviewDesk:
    """Applies one reviewer's decisions to queue files, each saved at once."""

    def __init__(
        self,
        reviewer: str,
        checker: GlossaryChecker | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.reviewer = reviewer
        self.checker = checker or GlossaryChecker(None)
        self.clock = clock

    def approve(
        self,
        path: Path,
        item_id: str,
        *,
        seen: str | None = None,
        seen_decisions: int | None = None,
        confirm_glossary: bool = False,
    ) -> Decision:
        """Approve the current translation; ``seen`` is the text the reviewer approved.

        ``seen_decisions`` is how many review records the entry had when it was
        read: a decision by someone else since then is refused too, even one
        that left the text as it was (a rejection).
        """
        return self._decide(
            path, item_id, seen, None, ReviewAction.APPROVED, confirm_glossary, "", seen_decisions
        )

    def edit(
        self,
        path: Path,
        item_id: str,
        text: str,
        *,
        seen: str | None = None,
        seen_decisions: int | None = None,
        confirm_glossary: bool = False,
    ) -> Decision:
        """Replace the translation with the reviewer's own and approve it."""
        if not text.strip():
            raise ReviewError("an edited translation cannot be empty (use reject for 'needs work')")
        return self._decide(
            path, item_id, seen, text, ReviewAction.EDITED, confirm_glossary, "", seen_decisions
        )

    def reject(
        self,
        path: Path,
        item_id: str,
        note: str,
        *,
        seen: str | None = None,
        seen_decisions: int | None = None,
    ) -> Decision:
        """Mark the translation as needing work, with a reason; it stays in the queue."""
        if not note.strip():
            raise ReviewError("say what needs work: a rejection needs a note")
        return self._decide(
            path, item_id, seen, None, ReviewAction.REJECTED, False, note.strip(), seen_decisions
        )

    def approve_unflagged(self, path: Path) -> list[Decision]:
        """Approve every entry of ``path`` awaiting review that passes the glossary check."""
        items = load_queue([ReviewFile.load(path)], checker=self.checker)
        return [
            self.approve(path, item.id, seen=item.msgstr, seen_decisions=item.decisions)
            for item in items
            if not item.flagged
        ]

    def _decide(
        self,
        path: Path,
        item_id: str,
        seen: str | None,
        new_text: str | None,
        action: ReviewAction,
        confirm_glossary: bool,
        note: str = "",
        seen_decisions: int | None = None,
    ) -> Decision:
        with locked(path):
            review_file = ReviewFile.load(path)
            entry = _find(review_file, item_id)
            self._check_unchanged(review_file, entry, seen, seen_decisions)
            before = entry.msgstr
            after = before if new_text is None else new_text
            override = False
            if action is not ReviewAction.REJECTED:
                _, problems = self.checker.marks(review_file, entry.msgid, after)
                if problems and not confirm_glossary:
                    raise GlossaryConfirmationNeeded(
                        f"{path}: entry {item_id} breaks the glossary ({'; '.join(problems)}); "
                        "confirm to approve anyway",
                        problems,
                    )
                override = bool(problems)
            now = self.clock()
            entry.msgstr = after
            if action is ReviewAction.REJECTED:
                if NEEDS_WORK_FLAG not in entry.flags:
                    entry.flags.append(NEEDS_WORK_FLAG)
            else:
                entry.flags = [f for f in entry.flags if f not in ("fuzzy", NEEDS_WORK_FLAG)]
                entry.previous_msgid = None  # as msgmerge does once an entry is reviewed
            record_review(
                entry,
                ReviewRecord(
                    action, self.reviewer, now.isoformat(timespec="seconds"), note, override
                ),
            )
            metadata = review_file.catalog.metadata
            metadata["Last-Translator"] = self.reviewer
            metadata["PO-Revision-Date"] = now.strftime("%Y-%m-%d %H:%M+0000")
            review_file.save()
        return Decision(path, item_id, action, before, after, self.reviewer, override)

    def _check_unchanged(
        self,
        review_file: ReviewFile,
        entry: polib.POEntry,
        seen: str | None,
        seen_decisions: int | None,
    ) -> None:
        """Refuse if someone else changed or decided the entry since it was shown as ``seen``."""
        if seen is None:
            return
        history = review_history(entry)
        decided_by_other = entry_state(entry) is not EntryState.MACHINE and (
            not history or history[-1].reviewer != self.reviewer
        )
        since = history[seen_decisions:] if seen_decisions is not None else []
        others_since = [record for record in since if record.reviewer != self.reviewer]
        if entry.msgstr == seen and not decided_by_other and not others_since:
            return
        latest = others_since[-1] if others_since else (history[-1] if history else None)
        who = f"{latest.reviewer} at {latest.at}" if latest else "a hand edit or another tool"
        raise ReviewConflict(
            f"{review_file.path}: entry {entry_id(entry)} was changed by {who} "
            "while you were reviewing; your decision was not applied"
        )


def _find(review_file: ReviewFile, item_id: str) -> polib.POEntry:
    for entry in review_file.active_entries():
        if entry_id(entry) == item_id:
            return entry
    raise ReviewError(f"{review_file.path}: no entry {item_id} (the article or file changed?)")
