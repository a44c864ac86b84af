"""The ``transflow`` console script (and ``python -m transflow``): Ctrl-C is clean from the start.

Importing the command line (typer, rich, the glossary code) takes most of a
second, before any command's own error handling exists; a Ctrl-C then would
print a KeyboardInterrupt traceback from somewhere inside an import. So this
module, which imports nothing heavy, makes SIGINT exit at once with the same
"interrupted" and status 130 as a command does, until the command line is
loaded. Python's own handler is back while a command runs, so commands clean
up (the review restores the terminal) before ``reports_errors`` exits, and
the quick exit returns afterwards, for the interpreter's shutdown.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType

INTERRUPTED_STATUS = 130


def _exit_interrupted(_signal: int = signal.SIGINT, _frame: FrameType | None = None) -> None:
    """What ``reports_errors`` prints on Ctrl-C, without rich (which may not be loaded yet)."""
    with contextlib.suppress(OSError, ValueError):
        os.write(sys.stderr.fileno(), b"interrupted\n")
    os._exit(INTERRUPTED_STATUS)


# At import, not in main(): the console script imports this module and then
# calls main(), and the sooner the handler is in place the smaller the window
# in which only Python's own start-up (which no program can guard) runs.
signal.signal(signal.SIGINT, _exit_interrupted)


def main() -> None:
    """Run the ``transflow`` command line with ``sys.argv``."""
    try:
        from transflow.cli import app

        signal.signal(signal.SIGINT, signal.default_int_handler)
        app(prog_name="transflow")
    except KeyboardInterrupt:  # after the imports, outside any command (parsing options)
        _exit_interrupted()
    finally:
        signal.signal(signal.SIGINT, _exit_interrupted)


if __name__ == "__main__":
    main()
