"""``transflow review`` (interactive, one key per decision) and its scriptable twins.

The screen is built from :class:`transflow.queue.review.QueueItem` by pure functions
(``render_item``), so it can be benchmarked and printed without a terminal;
keys are read with readchar and the edit line is prompt_toolkit's, prefilled
with the current translation. Every decision goes through
:class:`transflow.queue.review.ReviewDesk`, which saves it before the next key is read.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from transflow.cli.common import (
    GlossaryOption,
    LocalesOption,
    console,
    languages,
    reports_errors,
    terminal_console,
)
from transflow.errors import TransflowError
from transflow.fileio import describe_os_error
from transflow.glossary.model import workspace_glossary
from transflow.queue.diff import Op, word_diff
from transflow.queue.model import Queue, ReviewAction, Segment
from transflow.queue.pofile import read_queue, select_queue_files
from transflow.queue.review import (
    Decision,
    GlossaryChecker,
    GlossaryConfirmationNeeded,
    QueueItem,
    QueueOrder,
    ReviewConflict,
    ReviewDesk,
    ReviewError,
    ReviewQueue,
    load_queue,
    resolve_reviewer,
)

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

KEYS_HELP = (
    "[bold]a[/] approve  [bold]e[/] edit  [bold]E[/] edit in $EDITOR  [bold]r[/] reject  "
    "[bold]s[/] skip  [bold]b[/] back  [bold]q[/] quit  [bold]?[/] help"
)
HELP_TEXT = """\
a  approve the translation as shown (saved at once)
e  edit it on one line: Enter saves it as the approved translation, Esc cancels
E  edit it in $VISUAL / $EDITOR; saving a changed text approves it
r  reject: needs work; you are asked for a note, the entry stays in the queue
1, 2  start the edit line from engine alternative 1 or 2 (when shown)
s  skip to the next entry without deciding
b  back to the previous entry
q  quit (everything decided so far is already saved)
Protected terms: green = rendered as the glossary says, red = violated."""


def render_item(item: QueueItem, index: int, total: int, decided: int) -> RenderableType:
    """The review screen for one entry: header, context, source, translation, verdicts."""
    header = Text.assemble(
        (f"{item.article}", "bold"),
        f" → {item.language}   ",
        (f"{index + 1}/{total}", "bold"),
        f" in queue · sentence {item.position}/{item.file_total} of the article · ",
        (f"{decided} decided", "green"),
        f"   id {item.id}",
    )
    parts: list[RenderableType] = [header, _progress_bar(decided, total)]
    parts += [Text(sentence, style="dim") for sentence in item.context_before]
    parts.append(Text.assemble(("Source       ", "bold"), _highlight_source(item)))
    parts.append(Text.assemble(("Translation  ", "bold"), _highlight_translation(item)))
    if item.terms:
        verdicts = Text("             ")
        for mark in item.terms:
            style, sign = ("green", "✓") if mark.correct else ("bold red", "✗")
            verdicts.append(f"{sign} {mark.term} → {mark.target_form}  ", style=style)
        parts.append(verdicts)
    if item.problems:
        parts.append(Text("⚑ glossary: " + "; ".join(item.problems), style="bold red"))
    if item.warnings:
        parts.append(Text("⚠ check: " + "; ".join(item.warnings), style="yellow"))
    if item.machine is not None and item.machine.text != item.msgstr:
        parts.append(
            Text.assemble(("Since engine ", "bold"), _diff(item.machine.text, item.msgstr))
        )
    if item.machine is not None and item.machine.masked_terms:
        masked = ", ".join(item.machine.masked_terms)
        parts.append(Text(f"placed by masking (check the words around them): {masked}", "yellow"))
    if item.previous_msgid:
        parts.append(
            Text.assemble(("Source edit  ", "bold"), _diff(item.previous_msgid, item.msgid))
        )
    if item.previous_translation:
        parts.append(Text.assemble(("Was approved ", "bold"), item.previous_translation))
    for number, alternative in enumerate(_alternatives(item), start=1):
        parts.append(Text.assemble((f"Alternative {number}", "bold"), " ", alternative))
    if item.rejection_note is not None:
        parts.append(Text(f"needs work: {item.rejection_note}", style="yellow"))
    parts += [Text(sentence, style="dim") for sentence in item.context_after]
    return Panel(Group(*parts), box=box.ROUNDED, subtitle=KEYS_HELP, subtitle_align="left")


# Strike-through and underline keep the diff readable where colour is off.
_DIFF_STYLES = {Op.EQUAL: "", Op.DELETE: "red strike", Op.INSERT: "green underline"}


def _diff(old: str, new: str) -> Text:
    return Text.assemble(*((op.text, _DIFF_STYLES[op.op]) for op in word_diff(old, new)))


def _alternatives(item: QueueItem) -> tuple[str, ...]:
    return item.machine.alternatives if item.machine is not None else ()


def _progress_bar(decided: int, total: int, width: int = 30) -> Text:
    filled = round(width * decided / total) if total else width
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"))


def _highlight_source(item: QueueItem) -> Text:
    text = Text(item.msgid)
    for mark in item.terms:
        text.stylize("bold cyan" if mark.correct else "bold red", mark.start, mark.end)
    return text


def _highlight_translation(item: QueueItem) -> Text:
    text = Text(item.msgstr)
    for mark in item.terms:
        text.highlight_words([mark.target_form], "green" if mark.correct else "bold red")
    return text


class InteractiveReview:
    """The key loop; all effects go through the desk, all drawing through ``console``."""

    def __init__(
        self,
        items: ReviewQueue,
        desk: ReviewDesk,
        output: Console,
        read_key: Callable[[], str],
        read_line: Callable[[str, str], str | None],
        edit_text: Callable[[str], str | None],
    ) -> None:
        self.items = items
        self.desk = desk
        self.output = output
        self.read_key = read_key
        self.read_line = read_line
        self.edit_text = edit_text
        self.decided: dict[str, ReviewAction] = {}

    def run(self) -> None:
        index = 0
        while 0 <= index < len(self.items):
            item = self.items[index]
            self.output.clear()
            self.output.print(render_item(item, index, len(self.items), len(self.decided)))
            if item.id in self.decided:
                self.output.print(f"[green]already {self.decided[item.id]} in this session[/]")
            key = self.read_key()
            if key in ("q", "\x04"):
                break
            if key == "?":
                self.output.print(HELP_TEXT, highlight=False)
                self.output.print("[dim]press any key[/]")
                self.read_key()
            elif key == "s":
                index += 1
            elif key == "b":
                index = max(0, index - 1)
            elif key in ("a", "e", "E", "r", "1", "2") and self._decide(index, key):
                index += 1
        self.output.print(
            f"{len(self.decided)} decision(s) saved; {len(self.items) - len(self.decided)} "
            "entr(ies) left in this queue",
            highlight=False,
        )

    def _decide(self, index: int, key: str) -> bool:
        """Apply the decision for ``key``; False when cancelled or refused (stay on the entry)."""
        item = self.items[index]
        try:
            decision = self._apply(item, key)
        except (ReviewError, OSError) as error:
            # A full disk or a read-only queue is refused like a clash: the
            # reviewer can free space, or quit with everything earlier saved.
            problem = describe_os_error(error) if isinstance(error, OSError) else str(error)
            self.output.print(f"[bold red]not saved:[/] {escape(problem)}", highlight=False)
            self.output.print("[dim]press any key[/]")
            self.read_key()
            return False
        if decision is None:
            return False
        self.decided[item.id] = decision.action
        self.items.refresh(index, decision.after)
        return True

    def _apply(self, item: QueueItem, key: str) -> Decision | None:
        if key == "a":
            return self._with_glossary_confirmation(
                lambda confirm: self.desk.approve(
                    item.path,
                    item.id,
                    seen=item.msgstr,
                    seen_decisions=item.decisions,
                    confirm_glossary=confirm,
                )
            )
        if key == "r":
            note = self.read_line("What needs work? ", "")
            if note is None or not note.strip():
                return None
            return self.desk.reject(
                item.path, item.id, note, seen=item.msgstr, seen_decisions=item.decisions
            )
        if key in ("1", "2"):
            alternatives = _alternatives(item)
            if int(key) > len(alternatives):
                return None
            text = self.read_line("> ", alternatives[int(key) - 1])
        elif key == "e":
            text = self.read_line("> ", item.msgstr)
        else:
            text = self.edit_text(item.msgstr)
        if text is None or text == item.msgstr:
            return None
        return self._with_glossary_confirmation(
            lambda confirm: self.desk.edit(
                item.path,
                item.id,
                text,
                seen=item.msgstr,
                seen_decisions=item.decisions,
                confirm_glossary=confirm,
            )
        )

    def _with_glossary_confirmation(self, decide: Callable[[bool], Decision]) -> Decision | None:
        try:
            return decide(False)
        except GlossaryConfirmationNeeded as needed:
            self.output.print(
                "[bold red]This translation breaks the glossary:[/] " + "; ".join(needed.problems),
                highlight=False,
            )
            self.output.print(
                "Approve anyway (recorded as a glossary override)? \\[y/N] ", highlight=False
            )
            if self.read_key().lower() != "y":
                return None
            return decide(True)


def _read_key() -> str:
    import readchar

    return readchar.readkey()


def _read_line(message: str, default: str) -> str | None:
    """An editable line prefilled with ``default``; Esc cancels (None)."""
    from prompt_toolkit import prompt
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("escape", eager=True)
    def _cancel(event) -> None:  # type: ignore[no-untyped-def]
        event.app.exit(result=None)

    try:
        return prompt(message, default=default, key_bindings=bindings)
    except EOFError:
        return None


def _edit_in_editor(terminal: _Terminal, text: str) -> str | None:
    """``text`` edited in $VISUAL / $EDITOR; None when the file was not saved.

    click's ``edit`` (typer has none): it runs the editor through the shell,
    so ``EDITOR="code --wait"`` works, and tells an unsaved file from a saved
    one. An editor that fails is a refusal to show, not a crash of the review.
    """
    import click

    try:
        with terminal.as_before():
            edited = click.edit(text + "\n", require_save=True, extension=".txt")
    except click.ClickException as error:
        raise ReviewError(f"the editor failed ({error.format_message()})") from None
    return None if edited is None else edited.rstrip("\n")


def _queue(
    paths: list[Path] | None,
    to: str | None,
    locales: Path,
    glossary: list[Path] | None,
    flagged_only: bool = False,
    order: QueueOrder = QueueOrder.ARTICLE,
) -> tuple[ReviewQueue, GlossaryChecker]:
    protected = workspace_glossary(glossary)
    protected.raise_for_errors()
    checker = GlossaryChecker(protected)
    files = select_queue_files(locales, paths or [], languages(to) if to else [])
    return load_queue(files, checker=checker, flagged_only=flagged_only, order=order), checker


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
    locales: LocalesOption = Path("locales"),
    glossary: GlossaryOption = None,
) -> None:
    """Walk the entries awaiting review, one key per decision, each saved at once.

    Example: [bold]transflow review --to pt --order risk --reviewer "Ana Lima"[/]
    """
    items, checker = _queue(paths, to, locales, glossary, flagged_only, order)
    if list_only:
        _print_queue(items)
        return
    if not items:
        console.print("nothing awaits review", highlight=False)
        return
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise TransflowError(
            "review needs an interactive terminal; in scripts use 'transflow review --list' "
            "with 'transflow approve', 'edit' and 'reject'"
        )
    desk = ReviewDesk(resolve_reviewer(reviewer), checker, on_saved=_keep_memory_in_step)
    terminal = _Terminal()
    edit_text = functools.partial(_edit_in_editor, terminal)
    with terminal.keys_unbuffered():
        # The screen styles itself with markup (and escapes what it shows).
        InteractiveReview(items, desk, terminal_console(), _read_key, _read_line, edit_text).run()


class _Terminal:
    """The review's terminal: cbreak mode for the session, the user's own for the editor."""

    def __init__(self) -> None:
        import termios

        self.descriptor = sys.stdin.fileno()
        self.before = termios.tcgetattr(self.descriptor)

    @contextmanager
    def keys_unbuffered(self) -> Iterator[None]:
        """Keep the terminal in cbreak mode for the whole session, and restore it after.

        readchar switches to raw mode only while it waits; a key typed while the
        screen is being drawn would otherwise sit in the line buffer until Enter.
        """
        import tty

        tty.setcbreak(self.descriptor)
        try:
            yield
        finally:
            self._set(self.before)

    @contextmanager
    def as_before(self) -> Iterator[None]:
        """The terminal as the user had it (for the editor), then back to the session's mode."""
        import termios

        session = termios.tcgetattr(self.descriptor)
        self._set(self.before)
        try:
            yield
        finally:
            self._set(session)

    def _set(self, attributes: list[Any]) -> None:
        import termios

        termios.tcsetattr(self.descriptor, termios.TCSADRAIN, attributes)


def _print_queue(items: ReviewQueue) -> None:
    table = Table(title=f"{len(items)} entr(ies) awaiting review", box=box.SIMPLE_HEAD)
    for column in ("id", "file", "line", "flag", "source"):
        table.add_column(column, overflow="fold")
    for item in items:
        flag = (
            "glossary"
            if item.problems
            else ("needs work" if item.rejection_note is not None else "")
        )
        table.add_row(item.id, str(item.path), str(item.position), flag, item.msgid)
    console.print(table)


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
