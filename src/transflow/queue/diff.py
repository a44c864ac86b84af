"""Post-edit diffs and post-editing statistics over the review queue.

Every entry keeps the engine's original output next to the current
translation (:attr:`transflow.queue.model.Segment.machine`), so what a
reviewer changed can always be shown, and measured, after the fact. This
module is pure: it reads :class:`~transflow.queue.model.Queue` objects and
returns operation lists, strings and JSON-able dicts; the CLI only renders.

Tokens
    :func:`tokenize` cuts a text into tokens whose concatenation is the text
    itself, so a diff reproduces both sides exactly, whitespace included.
    At word level a token is a run of whitespace, a word (letters, digits and
    ``_``, joined across inner hyphens and apostrophes, as in *well-known* or
    *d'água*, and across ``. , : /`` between digits, as in *1,000.5*), or one
    punctuation character. Languages written without spaces between words
    (:func:`transflow.languages.is_character_level`) are compared character by character:
    a token is a run of whitespace or one other character.

Diffs
    :func:`word_diff` aligns the two token lists with
    ``difflib.SequenceMatcher(autojunk=False)``. Whitespace that sits alone
    between two changes is folded into them, as ``git diff --word-diff``
    does, so "[-the cat-]{+a dog+}" reads as one change instead of two; the
    space of a pure insertion or deletion goes after its words ("a {+b +}c"),
    wherever the matcher happened to align it.

Statistics (:func:`post_edit_stats`), for a segment whose machine
translation is *M* and whose final translation is *F*:

* counted tokens — the tokens of a text without the whitespace tokens
  (words and punctuation; characters in character-level languages);
* ``edits`` — the Levenshtein distance between the counted tokens of *M* and
  of *F*: the fewest token insertions, deletions and substitutions (each
  costs 1) turning *M* into *F*; TER without block shifts;
* ``words`` — the number of counted tokens of *F*;
* ``edit_rate`` — ``edits / words`` (None when ``words`` is 0);
* ``chrf`` — ``sacrebleu.metrics.CHRF().sentence_score(hypothesis=M,
  references=[F]).score`` (0–100, default chrF: character 6-grams, β = 2).

For a group of segments (an article, a reviewer, everything) ``segments``,
``edited`` (segments with *F* ≠ *M*), ``edits`` and ``words`` are sums,
``edit_rate`` is ``sum(edits) / sum(words)`` — not a mean of segment rates,
so long sentences weigh more, as in TER — and ``chrf`` is
``CHRF().corpus_score(hypotheses=[M…], references=[[F…]]).score`` (None for
no segments).

A segment is counted when its entry is active, has a recorded machine
translation and a non-empty ``msgstr``, and a person has been at it: it is
approved, or its translation differs from the machine's. Entries still
awaiting review with the engine's text untouched are left out, since
counting them as zero edits would understate the post-editing. The reviewer
of a segment is the reviewer of its last ``approved`` or ``edited`` review
record, or None when no one signed it off in transflow.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from transflow.languages import is_character_level
from transflow.queue.model import Queue, Segment, State

_WORD_TOKEN = re.compile(r"\s+|\w+(?:(?:[-'’]|(?<=\d)[.,:/](?=\d))\w+)*|[^\w\s]")
_CHARACTER_TOKEN = re.compile(r"\s+|\S")


class Op(StrEnum):
    EQUAL = "equal"
    DELETE = "delete"
    INSERT = "insert"


@dataclass(frozen=True)
class DiffOp:
    """A run of text that both sides share, or that only the old or new side has."""

    op: Op
    text: str


def tokenize(text: str, *, by_character: bool = False) -> list[str]:
    """Cut ``text`` into tokens that join back into exactly ``text`` (see the module docs)."""
    return (_CHARACTER_TOKEN if by_character else _WORD_TOKEN).findall(text)


def counted_tokens(text: str, *, by_character: bool = False) -> list[str]:
    """The tokens statistics count: words and punctuation, never whitespace."""
    return [token for token in tokenize(text, by_character=by_character) if not token.isspace()]


# A piece of a diff: shared text, or a change as (deleted text, inserted text).
_Chunk = str | tuple[str, str]


def word_diff(old: str, new: str, *, by_character: bool = False) -> list[DiffOp]:
    """The changes from ``old`` to ``new``: equal and delete ops join into ``old``, equal and
    insert ops into ``new``; within a change the delete comes before the insert."""
    old_tokens = tokenize(old, by_character=by_character)
    new_tokens = tokenize(new, by_character=by_character)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    chunks: list[_Chunk] = [
        "".join(old_tokens[i1:i2])
        if tag == "equal"
        else ("".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    ops = []
    for chunk in _fold_whitespace(_slide_whitespace(chunks)):
        if isinstance(chunk, str):
            ops += [DiffOp(Op.EQUAL, chunk)] if chunk else []
            continue
        deleted, inserted = chunk
        ops += [DiffOp(Op.DELETE, deleted)] if deleted else []
        ops += [DiffOp(Op.INSERT, inserted)] if inserted else []
    return ops


def _slide_whitespace(chunks: list[_Chunk]) -> list[_Chunk]:
    """Put the space of a pure insertion or deletion after its words: "a {+b +}c".

    SequenceMatcher may as well align the space the other way ("chegou{+ ontem+} a");
    sliding it makes the same edit always look the same.
    """
    slid = list(chunks)
    for index in range(1, len(slid) - 1):
        before, chunk, after = slid[index - 1], slid[index], slid[index + 1]
        if not (isinstance(chunk, tuple) and isinstance(before, str) and isinstance(after, str)):
            continue
        text = chunk[0] or chunk[1]
        space = _leading_space(text)
        if (chunk[0] and chunk[1]) or not space or space == text or _leading_space(after) != space:
            continue
        moved = text[len(space) :] + space
        slid[index - 1 : index + 2] = [
            before + space,
            (moved, "") if chunk[0] else ("", moved),
            after[len(space) :],
        ]
    return slid


def _leading_space(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _fold_whitespace(chunks: list[_Chunk]) -> list[_Chunk]:
    """Join changes separated only by whitespace, as git does: "[-the cat-]{+a dog+}"."""
    folded: list[_Chunk] = []
    for chunk in chunks:
        if len(folded) >= 2 and isinstance(chunk, tuple):
            before, between = folded[-2], folded[-1]
            if isinstance(before, tuple) and isinstance(between, str) and not between.strip():
                folded[-2:] = [(before[0] + between + chunk[0], before[1] + between + chunk[1])]
                continue
        folded.append(chunk)
    return folded


def render_plain(ops: Iterable[DiffOp]) -> str:
    """The diff as ``git diff --word-diff=plain`` writes it: ``[-old-]{+new+}``."""
    marks = {Op.EQUAL: ("", ""), Op.DELETE: ("[-", "-]"), Op.INSERT: ("{+", "+}")}
    return "".join(marks[op.op][0] + op.text + marks[op.op][1] for op in ops)


def ops_as_dicts(ops: Iterable[DiffOp]) -> list[dict[str, str]]:
    return [{"op": str(op.op), "text": op.text} for op in ops]


def edit_distance(old: Sequence[str], new: Sequence[str]) -> int:
    """Levenshtein distance between two token sequences (unit costs)."""
    previous = list(range(len(new) + 1))
    for i, old_token in enumerate(old, start=1):
        current = [i]
        for j, new_token in enumerate(new, start=1):
            current.append(
                min(
                    previous[j] + 1,  # delete old_token
                    current[j - 1] + 1,  # insert new_token
                    previous[j - 1] + (old_token != new_token),  # keep or substitute
                )
            )
        previous = current
    return previous[-1]


def reviewer_of(segment: Segment) -> str | None:
    """Who last signed the translation off (approved or edited it), if anyone did in transflow."""
    return segment.reviewer


# --- diffs -------------------------------------------------------------------------


class ChangeKind(StrEnum):
    POST_EDIT = "post-edit"  # machine translation → current translation
    SOURCE_CHANGE = "source-change"  # previous source (#| msgid) → current source


@dataclass(frozen=True)
class EntryChange:
    """One diff to show: a reviewer's post-edit, or a source sentence the article changed."""

    kind: ChangeKind
    file: Path
    line: int | None
    entry_id: str
    msgid: str
    old: str  # machine translation, or previous source
    new: str  # current translation, or current source
    ops: tuple[DiffOp, ...]
    reviewer: str | None = None
    state: State | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form; field names say which texts are compared."""
        common = {
            "kind": str(self.kind),
            "file": str(self.file),
            "line": self.line,
            "id": self.entry_id,
        }
        if self.kind is ChangeKind.SOURCE_CHANGE:
            return {
                **common,
                "previous_msgid": self.old,
                "msgid": self.new,
                "ops": ops_as_dicts(self.ops),
            }
        return {
            **common,
            "msgid": self.msgid,
            "machine": self.old,
            "current": self.new,
            "state": str(self.state) if self.state else None,
            "ops": ops_as_dicts(self.ops),
            "reviewer": self.reviewer,
        }


@dataclass(frozen=True)
class FileDiff:
    """The changes of one queue file, in file order, source change before post-edit."""

    path: Path
    language: str
    by_character: bool
    changes: tuple[EntryChange, ...]

    def count(self, kind: ChangeKind) -> int:
        return sum(change.kind is kind for change in self.changes)


def diff_file(queue: Queue) -> FileDiff:
    """Post-edits (current translation ≠ recorded machine translation) and source changes.

    Segments without a machine translation (made by hand) or without a
    translation have nothing to compare and are left out; so are obsolete ones.
    Sources are diffed at the level of the queue's source language.
    """
    path = queue.path or Path(queue.article)
    by_character = is_character_level(queue.target_language)
    source_by_character = is_character_level(queue.source_language)
    changes = []
    for segment in queue.active:
        line = segment.line
        previous = segment.previous_source
        if previous is not None and previous != segment.source:
            changes.append(
                EntryChange(
                    ChangeKind.SOURCE_CHANGE,
                    path,
                    line,
                    segment.id,
                    segment.source,
                    previous,
                    segment.source,
                    tuple(word_diff(previous, segment.source, by_character=source_by_character)),
                )
            )
        machine = segment.machine
        if machine is None or not segment.translation or segment.translation == machine.text:
            continue
        changes.append(
            EntryChange(
                ChangeKind.POST_EDIT,
                path,
                line,
                segment.id,
                segment.source,
                machine.text,
                segment.translation,
                tuple(word_diff(machine.text, segment.translation, by_character=by_character)),
                reviewer_of(segment),
                segment.state,
            )
        )
    return FileDiff(path, queue.target_language, by_character, tuple(changes))


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def file_header(diff: FileDiff) -> str:
    """One line naming the file, its language, the diff level and what changed."""
    level = "character level" if diff.by_character else "word level"
    post_edits = diff.count(ChangeKind.POST_EDIT)
    source_changes = diff.count(ChangeKind.SOURCE_CHANGE)
    summary = _counted(post_edits, "post-edit") if post_edits else "no post-edits"
    if source_changes:
        summary += ", " + _counted(source_changes, "source change")
    return f"diff {diff.path} ({diff.language or 'unknown language'}, {level}): {summary}"


def change_header(change: EntryChange) -> str:
    """``@@ file:line id what @@``, so a line can be found in the PO file and by id."""
    where = f"{change.file}:{change.line}" if change.line is not None else str(change.file)
    if change.kind is ChangeKind.SOURCE_CHANGE:
        what = "source changed"
    else:
        what = "post-edit" + (f" by {change.reviewer}" if change.reviewer else "")
        if change.state is not State.APPROVED:
            what += " (not approved)"
    return f"@@ {where} {change.entry_id} {what} @@"


def render_file_plain(diff: FileDiff) -> str:
    """The whole plain-text diff of one file: its header, then per change a header,
    for post-edits the source sentence, and the word diff."""
    lines = [file_header(diff)]
    for change in diff.changes:
        lines.append(change_header(change))
        if change.kind is ChangeKind.POST_EDIT:
            lines.append(f"source: {change.msgid}")
        lines.append(render_plain(change.ops))
    return "".join(line + "\n" for line in lines)


def diff_report(diffs: Sequence[FileDiff]) -> dict[str, Any]:
    """The JSON form of a diff run: every file examined, and every change."""
    return {
        "files": [
            {
                "file": str(diff.path),
                "language": diff.language,
                "level": "character" if diff.by_character else "word",
                "post_edits": diff.count(ChangeKind.POST_EDIT),
                "source_changes": diff.count(ChangeKind.SOURCE_CHANGE),
            }
            for diff in diffs
        ],
        "entries": [change.as_dict() for diff in diffs for change in diff.changes],
    }


# --- statistics --------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentStat:
    """Post-editing figures of one segment (definitions in the module docstring)."""

    file: Path
    line: int | None
    entry_id: str
    reviewer: str | None
    machine: str
    final: str
    edits: int
    words: int
    chrf: float

    @property
    def edit_rate(self) -> float | None:
        return self.edits / self.words if self.words else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.file),
            "line": self.line,
            "id": self.entry_id,
            "reviewer": self.reviewer,
            "edits": self.edits,
            "words": self.words,
            "edit_rate": self.edit_rate,
            "chrf": self.chrf,
        }


@dataclass(frozen=True)
class Totals:
    """Figures of a group of segments: sums, the pooled edit rate, corpus chrF."""

    segments: int
    edited: int
    edits: int
    words: int
    chrf: float | None

    @property
    def edit_rate(self) -> float | None:
        return self.edits / self.words if self.words else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "segments": self.segments,
            "edited": self.edited,
            "edits": self.edits,
            "words": self.words,
            "edit_rate": self.edit_rate,
            "chrf": self.chrf,
        }


@dataclass(frozen=True)
class ArticleStats:
    file: Path
    language: str
    totals: Totals


@dataclass(frozen=True)
class ReviewerStats:
    reviewer: str | None
    totals: Totals


@dataclass(frozen=True)
class PostEditStats:
    segments: tuple[SegmentStat, ...]
    articles: tuple[ArticleStats, ...]
    reviewers: tuple[ReviewerStats, ...]  # by name; segments no one signed off last
    total: Totals

    def as_dict(self) -> dict[str, Any]:
        return {
            "segments": [segment.as_dict() for segment in self.segments],
            "articles": [
                {"file": str(a.file), "language": a.language, **a.totals.as_dict()}
                for a in self.articles
            ],
            "reviewers": [{"reviewer": r.reviewer, **r.totals.as_dict()} for r in self.reviewers],
            "total": self.total.as_dict(),
        }


def _is_counted(segment: Segment, machine_text: str) -> bool:
    """Touched by a person: approved, or no longer the engine's text."""
    return bool(segment.translation) and (
        segment.state is State.APPROVED or segment.translation != machine_text
    )


def segment_stats(queue: Queue) -> list[SegmentStat]:
    """The figures of every counted segment of ``queue``, in file order."""
    # Imported here: sacrebleu takes longer to import than the rest of the CLI start-up.
    from sacrebleu.metrics.chrf import CHRF

    by_character = is_character_level(queue.target_language)
    path = queue.path or Path(queue.article)
    chrf = CHRF()
    segments = []
    for segment in queue.active:
        machine = segment.machine
        if machine is None or not _is_counted(segment, machine.text):
            continue
        final_tokens = counted_tokens(segment.translation, by_character=by_character)
        segments.append(
            SegmentStat(
                path,
                segment.line,
                segment.id,
                reviewer_of(segment),
                machine.text,
                segment.translation,
                edit_distance(
                    counted_tokens(machine.text, by_character=by_character), final_tokens
                ),
                len(final_tokens),
                chrf.sentence_score(
                    hypothesis=machine.text, references=[segment.translation]
                ).score,
            )
        )
    return segments


def totals(segments: Sequence[SegmentStat]) -> Totals:
    """Pool ``segments``: sums, ``sum(edits) / sum(words)``, and corpus-level chrF."""
    from sacrebleu.metrics.chrf import CHRF

    chrf = None
    if segments:
        chrf = (
            CHRF()
            .corpus_score(
                [segment.machine for segment in segments],
                [[segment.final for segment in segments]],
            )
            .score
        )
    return Totals(
        segments=len(segments),
        edited=sum(segment.machine != segment.final for segment in segments),
        edits=sum(segment.edits for segment in segments),
        words=sum(segment.words for segment in segments),
        chrf=chrf,
    )


def post_edit_stats(files: Sequence[Queue]) -> PostEditStats:
    """Segment, article, reviewer and overall post-editing figures of ``files``."""
    per_file = [(review, segment_stats(review)) for review in files]
    segments = [segment for _, file_segments in per_file for segment in file_segments]
    by_reviewer: dict[str | None, list[SegmentStat]] = {}
    for segment in segments:
        by_reviewer.setdefault(segment.reviewer, []).append(segment)
    return PostEditStats(
        segments=tuple(segments),
        articles=tuple(
            ArticleStats(
                review.path or Path(review.article), review.target_language, totals(file_segments)
            )
            for review, file_segments in per_file
        ),
        reviewers=tuple(
            ReviewerStats(reviewer, totals(group))
            for reviewer, group in sorted(
                by_reviewer.items(), key=lambda item: (item[0] is None, item[0] or "")
            )
        ),
        total=totals(segments),
    )
