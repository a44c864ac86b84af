"""The review's terminal: single keys in cbreak mode, an edit line, the user's $EDITOR."""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from transflow.queue.review import ReviewError

# How long the rest of an escape sequence (an arrow key) may take to arrive.
ESCAPE_SEQUENCE_SECONDS = 0.05


def read_key() -> str:
    """One key press, read straight from the terminal the session holds in cbreak mode.

    readchar's ``readkey`` switches modes with TCSAFLUSH, which throws away
    keys typed while the screen was being drawn (a quick ``q`` was lost). An
    escape sequence (an arrow key) comes back whole, so its bytes are not
    taken for keys; end of input quits like Ctrl-D. Ctrl-C stays a signal.
    """
    descriptor = sys.stdin.fileno()
    data = os.read(descriptor, 1)
    if not data:
        return "\x04"
    while data[0] >= 0xC0 and len(data) < 4:  # the rest of a UTF-8 character
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            data += os.read(descriptor, 1)
    key = data.decode("utf-8", errors="replace")
    if key == "\x1b":
        while select.select([descriptor], [], [], ESCAPE_SEQUENCE_SECONDS)[0]:
            key += os.read(descriptor, 1).decode("utf-8", errors="replace")
    return key


def read_line(message: str, default: str) -> str | None:
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


class Terminal:
    """cbreak mode for the session, the user's own mode for the editor."""

    def __init__(self) -> None:
        import termios

        self.descriptor = sys.stdin.fileno()
        self.before = termios.tcgetattr(self.descriptor)

    @contextmanager
    def keys_unbuffered(self) -> Iterator[None]:
        """Keep the terminal in cbreak mode for the whole session, and restore it after.

        Keys are read one by one (``read_key``); a key typed while the screen is
        being drawn would otherwise sit in the line buffer until Enter.
        """
        import termios
        import tty

        tty.setcbreak(self.descriptor, termios.TCSADRAIN)  # TCSAFLUSH would drop typed keys
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

    def edit(self, text: str) -> str | None:
        """``text`` edited in $VISUAL / $EDITOR; None when the file was not saved.

        click's ``edit`` (typer has none): it runs the editor through the shell,
        so ``EDITOR="code --wait"`` works, and tells an unsaved file from a saved
        one. An editor that fails is a refusal to show, not a crash of the review.
        """
        import click

        try:
            with self.as_before():
                edited = click.edit(text + "\n", require_save=True, extension=".txt")
        except click.ClickException as error:
            raise ReviewError(f"the editor failed ({error.format_message()})") from None
        return None if edited is None else edited.rstrip("\n")

    def _set(self, attributes: list[Any]) -> None:
        import termios

        termios.tcsetattr(self.descriptor, termios.TCSADRAIN, attributes)
