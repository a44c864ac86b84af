"""Reviewing the queue: what a translator sees, and the decisions they make.

Each decision (approve, edit, reject) is its own locked read-modify-write of
the PO file, saved atomically before the next one is asked for: quitting,
Ctrl-C, a closed terminal or a crash loses nothing already decided. Because
the file is re-read under the lock for every decision, edits made meanwhile
by hand, by Poedit or by a colleague are kept, and a decision on an entry that
someone else changed since it was shown is refused rather than overwriting it.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import subprocess
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, overload

from transflow.errors import TransflowError
from transflow.fileio import write_bytes_atomically
from transflow.glossary.enforcement import Verdict
from transflow.queue.checks import QueueChecker, lost_content
from transflow.queue.model import (
    MachineOutput,
    MemoryOrigin,
    Queue,
    ReviewAction,
    ReviewRecord,
    Segment,
    SegmentConfidence,
    State,
)
from transflow.queue.pofile import locked, parse_queue, read_queue, write_queue


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
    RISK = "risk"  # glossary violations, then rejected, then least confident first (``_risk``)


@dataclass(frozen=True)
class TermMark:
    """A protected term of the source, what the glossary says of it, and its verdict."""

    term: str
    start: int  # in the source sentence
    end: int
    target_form: str
    verdict: Verdict
    rendering: str | None = None  # what the translation has for it (None when missing)
    forbidden: tuple[str, ...] = ()  # renderings the glossary forbids in the target language
    note: str = ""

    @property
    def correct(self) -> bool:
        """Rendered as approved or as an accepted inflection (the latter is worth a look)."""
        return self.verdict is not Verdict.MISSING


@dataclass(frozen=True)
class Neighbour:
    """The entry before or after one in its file: what the reviewer reads around it."""

    source: str
    translation: str


@dataclass(frozen=True)
class QueueItem:
    """One entry awaiting review, with everything the review screen shows."""

    path: Path
    id: str
    msgid: str
    msgstr: str
    state: State
    machine: MachineOutput | None
    memory: MemoryOrigin | None
    flagged: bool
    problems: tuple[str, ...]  # glossary problems of the current translation
    warnings: tuple[str, ...]  # numbers, quotation marks, brackets the translation lost
    terms: tuple[TermMark, ...]
    previous_msgid: str | None
    previous_translation: str | None
    rejection_note: str | None
    previous: Neighbour | None  # the entry before this one in its file, if any
    next: Neighbour | None
    position: int  # 1-based among the file's active entries
    file_total: int
    language: str
    source_language: str
    article: str
    origin: str  # who wrote the translation: engine, memory or human
    confidence: SegmentConfidence | None  # recorded for the translation as it stands
    reviewer: str | None  # who last signed it off through transflow
    history: tuple[ReviewRecord, ...] = ()

    @property
    def decisions(self) -> int:
        """Review records when read: a later one by someone else is a clash."""
        return len(self.history)

    @property
    def last_review(self) -> ReviewRecord | None:
        return self.history[-1] if self.history else None


@dataclass(frozen=True)
class Reviewer:
    """Who decides: a name, and an e-mail address where one is known."""

    name: str
    email: str = ""

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass(frozen=True)
class UndoPoint:
    """What undoing one decision needs: the file as it was, and how the decision left it.

    ``file_before`` is the whole file, compressed, so an undo restores it
    byte for byte; ``file_after`` is the digest of the file the decision
    wrote, which tells whether anything else changed it since.
    """

    file_before: bytes  # zlib
    file_after: str  # sha256 hex digest
    segment_before: Segment
    translation_after: str
    decisions_after: int


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
    segment: Segment | None = None  # the entry as saved
    undo: UndoPoint | None = None  # set by a desk that keeps undo points


_NAME_AND_EMAIL = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>@\s]+@[^<>\s]+)>\s*$")


def parse_reviewer(text: str) -> Reviewer:
    """``Ann Lee <ann@example.org>`` or ``Ann Lee`` as a :class:`Reviewer`."""
    match = _NAME_AND_EMAIL.match(text)
    if match and match.group("name"):
        return Reviewer(match.group("name"), match.group("email"))
    return Reviewer(text.strip())


def resolve_reviewer(option: str | None) -> Reviewer:
    """``--reviewer``, else ``TRANSFLOW_REVIEWER``, else git's ``user.name`` and ``user.email``.

    Either of the first two may be ``Name <email>``; without an address the
    one in git's configuration is used, so ``Last-Translator`` reads as
    gettext tools expect.
    """
    for name in (option, os.environ.get("TRANSFLOW_REVIEWER")):
        if name and name.strip():
            reviewer = parse_reviewer(name)
            if reviewer.email:
                return reviewer
            email = _git_config("user.email")
            git_name = _git_config("user.name")
            return Reviewer(reviewer.name, email if email and git_name == reviewer.name else "")
    git_name = _git_config("user.name")
    if git_name:
        return Reviewer(git_name, _git_config("user.email") or "")
    raise ReviewError(
        "who is reviewing? pass --reviewer NAME or set TRANSFLOW_REVIEWER (or git config user.name)"
    )


def _git_config(key: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "config", key], capture_output=True, text=True, check=False, timeout=5
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = result.stdout.strip()
    return value if result.returncode == 0 and value else None


class GlossaryChecker(QueueChecker):
    """The glossary check as the review screen needs it: each term with its verdict."""

    def marks(
        self, queue: Queue, source: str, translation: str
    ) -> tuple[tuple[TermMark, ...], tuple[str, ...]]:
        """Each protected term with its verdict (exact, inflected, missing), and the problems.

        A term is marked wrong when it is missing or when the glossary reports a
        problem with it (a forbidden rendering), even if its approved form is there.
        """
        enforcer = self.enforcer(queue)
        matches = enforcer.find(source)
        check = enforcer.assess(matches, translation)
        wrong = {problem.term for problem in check.problems}
        target = enforcer.target
        marks = tuple(
            TermMark(
                match.value.text,
                match.start,
                match.end,
                verdict.form,
                Verdict.MISSING if match.value in wrong else verdict.verdict,
                verdict.rendering,
                match.value.forbidden_forms(target),
                match.value.note,
            )
            for match, verdict in zip(matches, check.verdicts, strict=True)
        )
        return marks, tuple(str(problem) for problem in check.problems)


@dataclass(frozen=True)
class _Slot:
    """Where a segment is: its queue, the queue's active segments, its index among them."""

    queue: Queue
    segments: list[Segment]
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

    def segment(self, index: int) -> Segment:
        """The segment behind the item at ``index``, without building (checking) the item."""
        slot = self._slots[index]
        return slot.segments[slot.index]

    def refresh(self, index: int, segment: Segment) -> QueueItem:
        """The item at ``index`` rebuilt from ``segment`` as saved: state, verdicts, warnings."""
        position = range(len(self))[index]
        slot = self._slots[position]
        slot.segments[slot.index] = segment
        self._items[position] = _build_item(slot, self._checker)
        return self._items[position]

    def sorted_by(self, key: Callable[[QueueItem], Any]) -> ReviewQueue:
        """The same queue in another order (every item is built and checked for it)."""
        order = sorted(range(len(self)), key=lambda position: key(self[position]))
        queue = ReviewQueue([self._slots[position] for position in order], self._checker)
        queue._items = {new: self[old] for new, old in enumerate(order)}
        return queue


def load_queue(
    queues: Sequence[Queue],
    *,
    checker: GlossaryChecker | None = None,
    flagged_only: bool = False,
    order: QueueOrder = QueueOrder.ARTICLE,
) -> ReviewQueue:
    """The segments awaiting review across ``queues``, in the requested order."""
    checker = checker or GlossaryChecker(None)
    slots = []
    for queue in queues:
        segments = queue.active
        slots += [
            _Slot(queue, segments, index)
            for index, segment in enumerate(segments)
            if segment.state.awaiting_review
            and (not flagged_only or checker.is_flagged(queue, segment))
        ]
    review_queue = ReviewQueue(slots, checker)
    return review_queue.sorted_by(_risk) if order is QueueOrder.RISK else review_queue


def _build_item(slot: _Slot, checker: GlossaryChecker) -> QueueItem:
    """The queue item of a segment, its translation checked."""
    queue, segments, index = slot.queue, slot.segments, slot.index
    segment = segments[index]
    msgstr = segment.translation
    marks, problems = checker.marks(queue, segment.source, msgstr)
    return QueueItem(
        path=queue.path or Path(queue.article),
        id=segment.id,
        msgid=segment.source,
        msgstr=msgstr,
        state=segment.state,
        machine=segment.machine,
        memory=segment.memory,
        flagged=bool(problems),
        problems=problems,
        warnings=tuple(message for _, message in lost_content(segment.source, msgstr)),
        terms=marks,
        previous_msgid=segment.previous_source,
        previous_translation=segment.previous_translation,
        rejection_note=segment.rejection_note,
        previous=_neighbour(segments, index - 1),
        next=_neighbour(segments, index + 1),
        position=index + 1,
        file_total=len(segments),
        language=queue.target_language,
        source_language=queue.source_language,
        article=queue.article,
        origin=segment.origin,
        # For the translation shown (``msgstr`` may be newer than the segment's).
        confidence=segment.confidence_of(msgstr),
        reviewer=segment.reviewer,
        history=tuple(segment.history),
    )


def _neighbour(segments: Sequence[Segment], index: int) -> Neighbour | None:
    if not 0 <= index < len(segments):
        return None
    return Neighbour(segments[index].source, segments[index].translation)


def _risk(item: QueueItem) -> tuple[bool, bool, bool, float]:
    """Riskiest first: glossary violations, rejected entries, then the least confident.

    The confidence recorded for the translation as it stands (lowest first)
    orders the entries that have one; those without one (a human edit since,
    a file from before confidences were recorded) follow, by the engine's
    score as before, since the two measures are not on one scale.
    """
    if item.confidence is not None:
        return (not item.flagged, item.rejection_note is None, False, item.confidence.value)
    score = item.machine.score if item.machine and item.machine.score is not None else 0.0
    return (not item.flagged, item.rejection_note is None, True, score)


class ReviewDesk:
    """Applies one reviewer's decisions to queue files, each saved at once."""

    def __init__(
        self,
        reviewer: Reviewer | str,
        checker: GlossaryChecker | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_saved: Callable[[Queue, Segment], None] | None = None,
        *,
        undoable: bool = False,
    ) -> None:
        # ``on_saved`` runs after each decision is on disk (the translation memory keeps in step).
        self.on_saved = on_saved
        # Keep an undo point in each decision (the file as it was: interactive review only).
        self.undoable = undoable
        self.identity = reviewer if isinstance(reviewer, Reviewer) else parse_reviewer(reviewer)
        self.reviewer = self.identity.name
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
        """Approve every segment of ``path`` awaiting review that passes the glossary check."""
        items = load_queue([read_queue(path)], checker=self.checker)
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
            file_before = _read_po(path)
            queue = parse_queue(file_before, path)
            segment = _find(queue, item_id)
            self._check_unchanged(queue, segment, seen, seen_decisions)
            segment_before = copy.deepcopy(segment) if self.undoable else None
            before = segment.translation
            after = before if new_text is None else new_text
            override = False
            if action is not ReviewAction.REJECTED:
                _, problems = self.checker.marks(queue, segment.source, after)
                if problems and not confirm_glossary:
                    raise GlossaryConfirmationNeeded(
                        f"{path}: entry {item_id} breaks the glossary ({'; '.join(problems)}); "
                        "confirm to approve anyway",
                        problems,
                    )
                override = bool(problems)
            now = self.clock()
            segment.translation = after
            if action is ReviewAction.REJECTED:
                segment.approved = False
            else:
                segment.approved = True
                segment.previous_source = None  # as msgmerge does once an entry is reviewed
            segment.history.append(
                ReviewRecord(
                    action,
                    self.reviewer,
                    now.isoformat(timespec="seconds"),
                    note,
                    override,
                    self.identity.email,
                    after if action is ReviewAction.EDITED else None,
                )
            )
            queue.last_translator = str(self.identity)
            queue.revision_date = now.strftime("%Y-%m-%d %H:%M+0000")
            write_queue(queue, path)
            undo = None
            if segment_before is not None:
                undo = UndoPoint(
                    zlib.compress(file_before, 1),
                    _digest(_read_po(path)),
                    segment_before,
                    segment.translation,
                    len(segment.history),
                )
            if self.on_saved is not None:
                self.on_saved(queue, segment)
        return Decision(
            path, item_id, action, before, after, self.reviewer, override, segment, undo
        )

    def undo(self, decision: Decision) -> Segment:
        """Take back ``decision`` (made by this desk): the entry as it was, on disk too.

        If nothing else wrote the file since, it is restored byte for byte;
        if other entries changed meanwhile, only this entry is put back. An
        entry someone changed or decided since is refused, like a clash.
        Returns the entry as restored (``on_saved`` has kept the memory in step).
        """
        point = decision.undo
        if point is None:
            raise ReviewError(f"{decision.path}: that decision kept no undo point")
        path = decision.path
        with locked(path):
            current = _read_po(path)
            if _digest(current) == point.file_after:
                restored = zlib.decompress(point.file_before)
                write_bytes_atomically(path, restored)
                queue = parse_queue(restored, path)
                segment = _find(queue, decision.id)
            else:
                queue = parse_queue(current, path)
                saved = _find(queue, decision.id)
                if (saved.translation, len(saved.history)) != (
                    point.translation_after,
                    point.decisions_after,
                ):
                    last = saved.last_review
                    who = f"{last.reviewer} at {last.at}" if last else "a hand edit or another tool"
                    raise ReviewConflict(
                        f"{path}: entry {decision.id} was changed by {who} since your "
                        "decision; it was not undone"
                    )
                segment = copy.deepcopy(point.segment_before)
                queue.segments[next(i for i, s in enumerate(queue.segments) if s is saved)] = (
                    segment
                )
                write_queue(queue, path)
            if self.on_saved is not None:
                self.on_saved(queue, segment)
        return segment

    def _check_unchanged(
        self, queue: Queue, segment: Segment, seen: str | None, seen_decisions: int | None
    ) -> None:
        """Refuse if someone else changed or decided the segment since it was shown as ``seen``."""
        if seen is None:
            return
        last = segment.last_review
        decided_by_other = not segment.state.awaiting_review and (
            last is None or last.reviewer != self.reviewer
        )
        since = segment.history[seen_decisions:] if seen_decisions is not None else []
        others_since = [record for record in since if record.reviewer != self.reviewer]
        if segment.translation == seen and not decided_by_other and not others_since:
            return
        latest = others_since[-1] if others_since else last
        who = f"{latest.reviewer} at {latest.at}" if latest else "a hand edit or another tool"
        raise ReviewConflict(
            f"{queue.path}: entry {segment.id} was changed by {who} "
            "while you were reviewing; your decision was not applied"
        )


def _read_po(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReviewError(f"{path}: no such PO file (moved or deleted?)") from None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _find(queue: Queue, item_id: str) -> Segment:
    segment = queue.find(item_id)
    if segment is None:
        raise ReviewError(f"{queue.path}: no entry {item_id} (the article or file changed?)")
    return segment
