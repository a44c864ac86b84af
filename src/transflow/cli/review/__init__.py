"""``transflow review`` (interactive, one key per decision) and its scriptable twins.

The interactive review is three modules: :mod:`.screen` draws an entry
(pure functions, benchmarked by ``benchmarks/review_bench.py``),
:mod:`.terminal` reads keys and lines, :mod:`.interactive` maps keys to a
:class:`transflow.review.session.ReviewSession`, which holds the cursor,
filters, search and undo. Every decision goes through
:class:`transflow.queue.review.ReviewDesk`, which saves it before the next key is read.
"""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from transflow.cli.common import (
    GlossaryOption,
    LocalesOption,
    console,
    languages,
    reports_errors,
)
from transflow.cli.review.listing import print_json, print_table
from transflow.errors import TransflowError
from transflow.glossary.model import Glossary, workspace_glossary
from transflow.memory.store import DEFAULT_MIN_SCORE
from transflow.queue.model import Queue, Segment
from transflow.queue.pofile import read_queue, select_queue_paths
from transflow.queue.review import (
    Decision,
    GlossaryChecker,
    QueueItem,
    QueueOrder,
    ReviewConflict,
    ReviewDesk,
    ReviewQueue,
    load_queue,
    resolve_reviewer,
)
from transflow.review.matches import MemoryMatches
from transflow.review.opening import opening_entry

WORKSPACE = Path()

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="PO files or articles (default: the whole queue)."),
]
ToOption = Annotated[str | None, typer.Option("--to", help="Only these language(s).")]
ReviewerOption = Annotated[
    str | None,
    typer.Option(
        "--reviewer", help="Your name (default: $TRANSFLOW_REVIEWER, else git config user.name)."
    ),
]


class ListFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _queue(
    paths: list[Path] | None,
    to: str | None,
    locales: Path,
    glossary: list[Path] | None,
    flagged_only: bool = False,
    order: QueueOrder = QueueOrder.ARTICLE,
    show_opening: Callable[[QueueItem], None] | None = None,
) -> tuple[ReviewQueue, GlossaryChecker, Glossary]:
    """The entries to review; ``show_opening`` draws the first one before the rest is read."""
    protected = workspace_glossary(glossary)
    protected.raise_for_errors()
    checker = GlossaryChecker(protected)
    files = select_queue_paths(locales, paths or [], languages(to) if to else [])
    read: dict[Path, Queue] = {}
    if show_opening is not None and order is QueueOrder.ARTICLE:
        opening = opening_entry(files, checker, flagged_only=flagged_only, read_whole=read)
        if opening is not None:
            show_opening(opening)
    queues = [read[path] if path in read else read_queue(path) for path in files]
    items = load_queue(queues, checker=checker, flagged_only=flagged_only, order=order)
    return items, checker, protected


@reports_errors
def review_command(
    paths: PathsArgument = None,
    to: ToOption = None,
    flagged_only: Annotated[
        bool, typer.Option("--flagged-only", help="Only entries that break the glossary.")
    ] = False,
    order: Annotated[
        QueueOrder,
        typer.Option(
            "--order", help="article, or risk: flagged and unsure first.", case_sensitive=False
        ),
    ] = QueueOrder.ARTICLE,
    reviewer: ReviewerOption = None,
    list_only: Annotated[
        bool, typer.Option("--list", help="Print the queue with entry ids instead (scripts).")
    ] = False,
    list_format: Annotated[
        ListFormat,
        typer.Option(
            "--format",
            help="With --list: a table (TSV when piped), or json records.",
            case_sensitive=False,
        ),
    ] = ListFormat.TEXT,
    min_match: Annotated[
        float,
        typer.Option(
            "--min-match", min=0, max=100, help="Lowest memory match score shown (0–100)."
        ),
    ] = DEFAULT_MIN_SCORE,
    locales: LocalesOption = Path("locales"),
    glossary: GlossaryOption = None,
) -> None:
    """Walk the entries awaiting review, one key per decision, each saved at once.

    Keys: a approve, e/E edit, r reject, s/b next/back, / n N search, g go to,
    u undo, f filter, 1-9 take a memory match or engine alternative, ? help.

    Example: [bold]transflow review --to pt --order risk --reviewer "Ana Lima"[/]
    """
    if list_format is ListFormat.JSON and not list_only:
        raise TransflowError("--format json is for --list: transflow review --list --format json")
    interactive = not list_only and sys.stdin.isatty() and sys.stdout.isatty()
    items, checker, protected = _queue(
        paths, to, locales, glossary, flagged_only, order, _draw_opening if interactive else None
    )
    with MemoryMatches(WORKSPACE, locales, protected, min_score=min_match) as matches:
        if list_only:
            if list_format is ListFormat.JSON:
                print_json(items, matches)
            else:
                print_table(items)
            return
        if not items:
            console.print("nothing awaits review", highlight=False)
            return
        if not sys.stdin.isatty() or not sys.stdout.isatty():
            raise TransflowError(
                "review needs an interactive terminal; in scripts use 'transflow review --list' "
                "with 'transflow approve', 'edit' and 'reject'"
            )
        _review_interactively(items, checker, matches, reviewer)


def _draw_opening(item: QueueItem) -> None:
    """The first screen, drawn while the rest of the queue is read (keys wait for it)."""
    from transflow.cli.review.screen import ScreenState, render_screen

    console.clear()
    console.print(render_screen(item, ScreenState.opening()))


def _review_interactively(
    items: ReviewQueue, checker: GlossaryChecker, matches: MemoryMatches, reviewer: str | None
) -> None:
    from transflow.cli.review.interactive import InteractiveReview
    from transflow.cli.review.terminal import Terminal, read_key, read_line
    from transflow.review.session import ReviewSession

    desk = ReviewDesk(
        resolve_reviewer(reviewer), checker, on_saved=_keep_memory_in_step, undoable=True
    )
    session = ReviewSession(items, desk)
    # The queue lives as long as the review: the cycle collector need not walk its
    # objects again (for 5,000 entries those walks took 40-60 ms before the first key).
    gc.freeze()
    terminal = Terminal()
    with terminal.keys_unbuffered():
        InteractiveReview(session, matches, console, read_key, read_line, terminal.edit).run()


def _print_decision(decision: Decision) -> None:
    console.print(
        f"{decision.action} {decision.path} {decision.id} by {decision.reviewer}"
        + (" (glossary override)" if decision.glossary_override else ""),
        highlight=False,
    )
    if decision.before != decision.after:
        console.print(f"  - {decision.before}\n  + {decision.after}", highlight=False)


ConfirmOption = Annotated[
    bool,
    typer.Option("--confirm-glossary", help="Approve even though the glossary check fails."),
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force", help="Decide even if a colleague decided the entry (replaces their decision)."
    ),
]


def _desk(reviewer: str | None, glossary: list[Path] | None) -> ReviewDesk:
    protected = workspace_glossary(glossary)
    protected.raise_for_errors()
    return ReviewDesk(
        resolve_reviewer(reviewer), GlossaryChecker(protected), on_saved=_keep_memory_in_step
    )


def _as_read(po_file: Path, force: bool) -> Callable[[str], dict[str, Any]]:
    """The ``seen`` arguments of each scripted decision: the entry as read now.

    The desk then refuses, under the file's lock, an entry that a colleague
    changed or decided since this read, or had approved before it; a second
    ``transflow edit`` racing the first is refused, never silently replaced.
    ``--force`` reads nothing, so nothing is refused.
    """
    if not po_file.is_file():
        raise TransflowError(f"{po_file}: no such PO file")
    if force:
        return lambda _: {}
    segments = {segment.id: segment for segment in read_queue(po_file).active}

    def seen(item_id: str) -> dict[str, Any]:
        segment = segments.get(item_id)
        if segment is None:
            return {}  # the desk names the missing entry
        return {"seen": segment.translation, "seen_decisions": len(segment.history)}

    return seen


def _keep_memory_in_step(queue: Queue, segment: Segment) -> None:
    """Each saved decision updates the workspace translation memory (``.transflow/``)."""
    from transflow.memory.workspace import record_decision

    record_decision(Path(), queue, segment)


def _approve(
    desk: ReviewDesk, po_file: Path, item_id: str, confirm: bool, seen: dict[str, Any]
) -> Decision:
    return desk.approve(po_file, item_id, confirm_glossary=confirm, **seen)


def _decided(decide: Callable[[], Decision]) -> Decision:
    """Run and print one scripted decision; a clash names how to override it."""
    try:
        decision = decide()
    except ReviewConflict as conflict:
        raise ReviewConflict(f"{conflict} (--force applies it anyway)") from None
    _print_decision(decision)
    return decision


@reports_errors
def approve_command(
    po_file: Annotated[Path, typer.Argument(help="The PO file.")],
    ids: Annotated[list[str] | None, typer.Argument(help="Entry ids (see review --list).")] = None,
    all_unflagged: Annotated[
        bool, typer.Option("--all-unflagged", help="Approve every entry passing the glossary.")
    ] = False,
    confirm_glossary: ConfirmOption = False,
    force: ForceOption = False,
    reviewer: ReviewerOption = None,
    glossary: GlossaryOption = None,
) -> None:
    """Approve entries by id, or every unflagged entry of a file; prints what changed.

    An entry a colleague decided meanwhile, or approved already, is refused
    (naming who and when) unless --force.

    Example: [bold]transflow approve locales/pt/story.po 3f2a9c1e --reviewer Ana[/]
    """
    seen = _as_read(po_file, force)
    desk = _desk(reviewer, glossary)
    if all_unflagged == bool(ids):
        raise TransflowError("name entry ids or pass --all-unflagged (not both)")
    if all_unflagged:
        decisions = desk.approve_unflagged(po_file)
        for decision in decisions:
            _print_decision(decision)
    else:
        decisions = [
            _decided(functools.partial(_approve, desk, po_file, i, confirm_glossary, seen(i)))
            for i in ids or []
        ]
    console.print(f"{len(decisions)} entr(ies) approved", highlight=False)


@reports_errors
def edit_command(
    po_file: Annotated[Path, typer.Argument(help="The PO file.")],
    entry: Annotated[str, typer.Argument(help="Entry id (see review --list).")],
    text: Annotated[str, typer.Argument(help="The approved translation.")],
    confirm_glossary: ConfirmOption = False,
    force: ForceOption = False,
    reviewer: ReviewerOption = None,
    glossary: GlossaryOption = None,
) -> None:
    """Replace an entry's translation with yours and approve it.

    An entry a colleague decided meanwhile, or approved already, is refused
    (naming who and when) unless --force.

    Example: [bold]transflow edit locales/pt/story.po 3f2a9c1e "Texto revisto."[/]
    """
    seen = _as_read(po_file, force)
    desk = _desk(reviewer, glossary)
    _decided(
        lambda: desk.edit(po_file, entry, text, confirm_glossary=confirm_glossary, **seen(entry))
    )


@reports_errors
def reject_command(
    po_file: Annotated[Path, typer.Argument(help="The PO file.")],
    entry: Annotated[str, typer.Argument(help="Entry id (see review --list).")],
    note: Annotated[str, typer.Option("--note", help="What needs work.")],
    force: ForceOption = False,
    reviewer: ReviewerOption = None,
) -> None:
    """Mark an entry as needing work, with a note; it stays in the queue.

    An entry a colleague decided meanwhile, or approved already, is refused
    (naming who and when) unless --force.

    Example: [bold]transflow reject locales/pt/story.po 3f2a9c1e --note "wrong tense"[/]
    """
    seen = _as_read(po_file, force)
    desk = ReviewDesk(resolve_reviewer(reviewer), on_saved=_keep_memory_in_step)
    _decided(lambda: desk.reject(po_file, entry, note, **seen(entry)))
