"""The review screen, drawn from a :class:`QueueItem` and the session's state by pure functions.

Nothing here reads keys or files, so the screen can be benchmarked and
printed without a terminal. Every row has a label column of its own
(``Table.grid``), so a wrapped value keeps its indent at any width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from transflow.cli.common import marked_diff
from transflow.glossary.enforcement import Verdict
from transflow.memory.segment import Match
from transflow.queue.diff import Op, word_diff
from transflow.queue.model import ReviewAction, State
from transflow.queue.review import Neighbour, QueueItem
from transflow.review.filters import EntryFilter, is_low_confidence
from transflow.review.progress import Progress
from transflow.review.session import ReviewSession

KEYS_HELP = (
    "[bold]a[/] approve  [bold]e[/] edit  [bold]E[/] $EDITOR  [bold]r[/] reject  "
    "[bold]s[/] skip  [bold]b[/] back  [bold]/[/] search  [bold]n[/]/[bold]N[/] next/prev  "
    "[bold]g[/] go to  [bold]u[/] undo  [bold]f[/] filter  [bold]1-9[/] suggestion  "
    "[bold]q[/] quit  [bold]?[/] help"
)
HELP_TEXT = """\
a  approve the translation as shown (saved at once)
e  edit it on one line: Enter saves it as the approved translation, Esc cancels
E  edit it in $VISUAL / $EDITOR; saving a changed text approves it
r  reject: needs work; you are asked for a note, the entry stays in the queue
1-9  start the edit line from that suggestion (memory match or engine alternative)
s  skip to the next entry without deciding
b  back to the previous entry; a decided one can be decided again
/  search sources and translations; n next match, N previous match
g  go to an entry by its number or its id
u  undo the last decision of this session (the file is restored as it was)
f  filter: all, flagged, low confidence, rejected, from memory
q  quit (everything decided so far is already saved)
Protected terms: ✓ as approved, ~ inflected (check it), ✗ violated."""


@dataclass(frozen=True)
class ScreenState:
    """What the screen shows besides the entry: where the session is and what is left."""

    number: int  # 1-based among the session's entries
    total: int
    progress: Progress
    filter: EntryFilter = EntryFilter.ALL
    visible: int = 0  # entries the filter shows
    matches: tuple[Match, ...] = ()
    notice: str = ""
    # Drawn from the head of the file while the rest of the queue is read and counted.
    counting: bool = False

    @classmethod
    def opening(cls) -> ScreenState:
        """The first screen's state before the queue has been counted."""
        return cls(1, 0, Progress(total=0, decided=0, left=0, words_left=0), counting=True)

    @classmethod
    def of(
        cls, session: ReviewSession, matches: Sequence[Match] = (), notice: str = ""
    ) -> ScreenState:
        return cls(
            session.index + 1,
            len(session.items),
            session.progress(),
            session.filter,
            session.visible,
            tuple(matches),
            notice,
        )


def suggestions(item: QueueItem, matches: Sequence[Match]) -> list[str]:
    """What keys 1-9 put in the edit line: memory matches first, then engine alternatives."""
    alternatives = item.machine.alternatives if item.machine is not None else ()
    return [match.target for match in matches] + list(alternatives)


def render_screen(item: QueueItem, state: ScreenState) -> RenderableType:
    """The whole screen: the entry in a panel, then the keys and the status line."""
    rows = Table.grid(padding=(0, 1))
    rows.add_column(style="bold", no_wrap=True, min_width=12)
    rows.add_column(overflow="fold")
    if item.previous is not None:
        _neighbour_rows(rows, "Before", item.previous)
    rows.add_row("Source", _highlight_source(item))
    rows.add_row("Translation", _highlight_translation(item))
    decided = _decided(item)
    if decided is not None:
        rows.add_row("Decided", decided)
    _confidence_rows(rows, item)
    _term_rows(rows, item)
    if item.problems:
        rows.add_row("⚑ Glossary", Text("; ".join(item.problems), style="bold red"))
    if item.warnings:
        rows.add_row("⚠ Check", Text("; ".join(item.warnings), style="yellow"))
    if item.machine is not None and item.machine.text != item.msgstr:
        rows.add_row("Since engine", _diff(item.machine.text, item.msgstr))
    if item.machine is not None and item.machine.masked_terms:
        masked = ", ".join(item.machine.masked_terms)
        rows.add_row("Masked", Text(f"{masked} (check the words around them)", "yellow"))
    if item.previous_msgid:
        rows.add_row("Source edit", _diff(item.previous_msgid, item.msgid))
    if item.previous_translation:
        rows.add_row("Was approved", item.previous_translation)
    _suggestion_rows(rows, item, state.matches)
    if item.next is not None:
        _neighbour_rows(rows, "After", item.next)
    panel = Panel(Group(_header(item, state), _progress_bar(state), rows), box=box.ROUNDED)
    parts: list[RenderableType] = [panel, Text.from_markup(KEYS_HELP), _status_line(state)]
    if state.notice:
        parts.append(Text(state.notice, style="bold yellow"))
    return Group(*parts)


def _header(item: QueueItem, state: ScreenState) -> Text:
    total = "…" if state.counting else str(state.total)
    file_total = "" if state.counting else f"/{item.file_total}"
    return Text.assemble(
        (item.article, "bold"),
        f" → {item.language}   ",
        (f"{state.number}/{total}", "bold"),
        f" in queue · sentence {item.position}{file_total} of the article · id {item.id}",
    )


def _status_line(state: ScreenState) -> Text:
    if state.counting:
        return Text("reading the rest of the queue…", style="dim")
    view = (
        "all entries"
        if state.filter is EntryFilter.ALL
        else f"filter {state.filter}: {state.visible} of {state.total}"
    )
    return Text(f"{state.progress} · {view}", style="dim")


def _progress_bar(state: ScreenState, width: int = 30) -> Text:
    """The bar of entries no longer awaiting review, then what this session did and what is left."""
    progress = state.progress
    if state.counting:
        return Text.assemble(("░" * width, "dim"), "  counting…")
    done = progress.total - progress.left
    filled = round(width * done / progress.total) if progress.total else width
    return Text.assemble(
        ("█" * filled, "green"),
        ("░" * (width - filled), "dim"),
        "  ",
        (f"{progress.decided} decided", "green"),
        f" · {progress.words_left:,} words left",
    )


def _neighbour_rows(rows: Table, label: str, neighbour: Neighbour) -> None:
    rows.add_row(Text(label, style="dim"), Text(neighbour.source, style="dim"))
    rows.add_row("", Text(neighbour.translation or "(untranslated)", style="dim italic"))


def _decided(item: QueueItem) -> Text | None:
    """What the last decision on the entry was, when it was decided or sent back."""
    last = item.last_review
    if last is None or item.state not in (State.APPROVED, State.NEEDS_WORK):
        return None
    when = f" at {last.at}" if last.at else ""
    if last.action is ReviewAction.REJECTED:
        return Text(f"rejected: {last.note} (by {last.reviewer}{when})", style="yellow")
    override = " (glossary override)" if last.glossary_override else ""
    return Text(f"{last.action} by {last.reviewer}{when}{override}", style="green")


def _confidence_rows(rows: Table, item: QueueItem) -> None:
    confidence = item.confidence
    if confidence is None:
        return
    low = is_low_confidence(item)
    rows.add_row(
        "Confidence",
        Text(f"{confidence.value:.2f}" + (" — low" if low else ""), "bold red" if low else ""),
    )
    for evidence in confidence.evidence:
        rows.add_row("", Text(f"· {evidence}", style="dim"))


_VERDICT_SIGNS = {
    Verdict.EXACT: ("✓", "green"),
    Verdict.INFLECTED: ("~", "yellow"),
    Verdict.MISSING: ("✗", "bold red"),
}


def _term_rows(rows: Table, item: QueueItem) -> None:
    """The glossary panel: each protected term, approved and forbidden forms, note, verdict.

    A term the sentence holds twice gets a verdict per occurrence, its note once.
    """
    noted: set[str] = set()
    for number, mark in enumerate(item.terms):
        sign, style = _VERDICT_SIGNS[mark.verdict]
        line = Text.assemble((f"{sign} ", style), (mark.term, "bold"), f" → {mark.target_form}")
        if mark.verdict is Verdict.INFLECTED:
            line.append(
                f"  {mark.rendering} — inflected form of {mark.target_form}, check it", "yellow"
            )
        elif mark.verdict is Verdict.MISSING:
            line.append("  not rendered as approved", style)
        if mark.forbidden:
            line.append(f"  · never: {', '.join(mark.forbidden)}", "dim")
        rows.add_row("Terms" if number == 0 else "", line)
        if mark.note and mark.term not in noted:
            noted.add(mark.term)
            rows.add_row("", Padding(Text(mark.note, style="dim italic"), (0, 0, 0, 2)))


def _suggestion_rows(rows: Table, item: QueueItem, matches: Sequence[Match]) -> None:
    for number, match in enumerate(matches, start=1):
        segment = match.segment
        rows.add_row(f"[{number}] {match.score:g}%", Text(segment.target))
        rows.add_row("", marked_diff(match.diff) if match.diff else Text(segment.source, "dim"))
        who = ", ".join(
            part
            for part in (
                segment.reviewer,
                str(segment.origin),
                segment.article,
                segment.approved_at,
            )
            if part
        )
        flags = "".join(f" · {flag.replace('-', ' ')}" for flag in match.flags)
        rows.add_row("", Text.assemble((f"memory: {who}", "dim"), (flags, "bold yellow")))
    alternatives = item.machine.alternatives if item.machine is not None else ()
    for number, alternative in enumerate(alternatives, start=len(matches) + 1):
        rows.add_row(f"[{number}] engine", Text(alternative))


# Strike-through and underline keep the diff readable where colour is off.
_DIFF_STYLES = {Op.EQUAL: "", Op.DELETE: "red strike", Op.INSERT: "green underline"}


def _diff(old: str, new: str) -> Text:
    return Text.assemble(*((op.text, _DIFF_STYLES[op.op]) for op in word_diff(old, new)))


def _highlight_source(item: QueueItem) -> Text:
    text = Text(item.msgid)
    for mark in item.terms:
        style = {Verdict.EXACT: "bold cyan", Verdict.INFLECTED: "bold yellow"}
        text.stylize(style.get(mark.verdict, "bold red"), mark.start, mark.end)
    return text


def _highlight_translation(item: QueueItem) -> Text:
    text = Text(item.msgstr)
    for mark in item.terms:
        found = mark.rendering or mark.target_form
        text.highlight_words([found], _VERDICT_SIGNS[mark.verdict][1])
    return text
