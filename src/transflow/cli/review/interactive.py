"""The key loop of ``transflow review``: read a key, ask the session, draw the screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console
from rich.text import Text

from transflow.cli.review.screen import HELP_TEXT, ScreenState, render_screen, suggestions
from transflow.errors import TransflowError
from transflow.fileio import describe_os_error
from transflow.memory.segment import Match
from transflow.queue.review import Decision, GlossaryConfirmationNeeded, QueueItem, ReviewError
from transflow.review.matches import MemoryMatches
from transflow.review.session import ReviewSession

QUIT_KEYS = ("q", "\x04")
NEXT_KEYS = ("s", "\x1b[C")  # s, right arrow
BACK_KEYS = ("b", "\x1b[D")  # b, left arrow
SUGGESTION_KEYS = tuple("123456789")


class InteractiveReview:
    """Keys in, screens out; every decision and move is the session's."""

    def __init__(
        self,
        session: ReviewSession,
        matches: MemoryMatches | None,
        output: Console,
        read_key: Callable[[], str],
        read_line: Callable[[str, str], str | None],
        edit_text: Callable[[str], str | None],
    ) -> None:
        self.session = session
        self.matches = matches
        self.output = output
        self.read_key = read_key
        self.read_line = read_line
        self.edit_text = edit_text
        self.finished = False

    def run(self) -> None:
        notice = ""
        while not self.finished:
            item = self.session.current
            found = self._draw(item, notice)
            key = self.read_key()
            if key in QUIT_KEYS:
                break
            notice = self._handle(key, found) or ""
        progress = self.session.progress()
        self.output.print(f"{progress.decided} decision(s) saved; {progress}", highlight=False)

    def _draw(self, item: QueueItem, notice: str) -> tuple[Match, ...]:
        """Draw the entry; memory matches not looked up yet are drawn once they are found.

        So the memory (opened, and its fuzzy index built, on the first lookup)
        never delays a screen: the entry comes first, its matches a moment later.
        """
        known = self.matches.known(item) if self.matches is not None else ()
        self._print(item, known or (), notice)
        if known is not None or self.matches is None:
            return known or ()
        found = self.matches.for_item(item)
        if found:
            self._print(item, found, notice)
        return found

    def _print(self, item: QueueItem, found: tuple[Match, ...], notice: str) -> None:
        self.output.clear()
        self.output.print(render_screen(item, ScreenState.of(self.session, found, notice)))

    def _handle(self, key: str, found: Sequence[Match]) -> str | None:
        """Do what ``key`` asks; returns a line to show on the next screen, if any."""
        session = self.session
        if key == "?":
            self.output.print(HELP_TEXT, highlight=False)
            self._wait_for_a_key()
        elif key in NEXT_KEYS:
            return self._advance()
        elif key in BACK_KEYS:
            session.back()
        elif key in ("a", "e", "E", "r", *SUGGESTION_KEYS):
            if self._saved(lambda: self._decide(key, found)):
                return self._advance()
        elif key == "u":
            undone = self._saved(session.undo, failure="not undone")
            if undone is not None:
                return f"undone: {undone.action} of entry {undone.id}"
        elif key == "/":
            query = self.read_line("search: ", session.query or "")
            if query and not session.search(query):
                return f"no entry contains {query!r}"
        elif key in ("n", "N"):
            return self._noted(lambda: session.search_again(forward=key == "n"))
        elif key == "g":
            wanted = self.read_line("go to (number or id): ", "")
            if wanted:
                return self._noted(lambda: session.go_to(wanted))
        elif key == "f":
            chosen, skipped = session.cycle_filter()
            empty = f" (none {', '.join(skipped)})" if skipped else ""
            return f"filter: {chosen}, {session.visible} entr(ies){empty}"
        return None

    def _wait_for_a_key(self) -> None:
        self.output.print(Text("press any key", style="dim"))
        self.read_key()

    def _advance(self) -> str | None:
        """To the next entry; past a filtered view's last one, all entries are shown again."""
        if self.session.next():
            return None
        widened = self.session.widen()
        if widened is None:
            self.finished = True
            return None
        return f"that was the last {widened} entry: all entries are shown again"

    def _noted(self, move: Callable[[], object]) -> str | None:
        """Run a search or jump; its refusal or note becomes the next screen's notice."""
        try:
            result = move()
        except ReviewError as error:
            return str(error)
        if result is False:
            return f"no other entry contains {self.session.query!r}"
        return result if isinstance(result, str) else None

    def _saved(
        self, act: Callable[[], Decision | None], failure: str = "not saved"
    ) -> Decision | None:
        """Run a decision or an undo; a refusal is shown until a key is pressed."""
        try:
            decision = act()
        except (TransflowError, OSError) as error:
            # A full disk or a read-only queue is refused like a clash: the
            # reviewer can free space, or quit with everything earlier saved.
            problem = describe_os_error(error) if isinstance(error, OSError) else str(error)
            self.output.print(Text.assemble((f"{failure}:", "bold red"), " ", problem))
            self._wait_for_a_key()
            return None
        if decision is not None and self.matches is not None:
            self.matches.forget()
        return decision

    def _decide(self, key: str, found: Sequence[Match]) -> Decision | None:
        session, item = self.session, self.session.current
        if key == "a":
            return self._confirmed(lambda confirm: session.approve(confirm_glossary=confirm))
        if key == "r":
            note = self.read_line("What needs work? ", "")
            if note is None or not note.strip():
                return None
            return session.reject(note)
        if key in SUGGESTION_KEYS:
            offered = suggestions(item, found)
            if int(key) > len(offered):
                return None
            text = self.read_line("> ", offered[int(key) - 1])
        elif key == "e":
            text = self.read_line("> ", item.msgstr)
        else:
            text = self.edit_text(item.msgstr)
        if text is None or text == item.msgstr:
            return None
        edited = text
        return self._confirmed(lambda confirm: session.edit(edited, confirm_glossary=confirm))

    def _confirmed(self, decide: Callable[[bool], Decision]) -> Decision | None:
        try:
            return decide(False)
        except GlossaryConfirmationNeeded as needed:
            self.output.print(
                Text.assemble(
                    ("This translation breaks the glossary:", "bold red"),
                    " ",
                    "; ".join(needed.problems),
                )
            )
            self.output.print(Text("Approve anyway (recorded as a glossary override)? [y/N] "))
            if self.read_key().lower() != "y":
                return None
            return decide(True)
