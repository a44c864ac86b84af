"""The errors transflow reports to its users.

Every error a user can cause (bad files, unknown languages, broken models) is a
``TransflowError`` whose ``str()`` is one line naming the file and, where it
makes sense, the line. The CLI prints that line and exits non-zero; so it
does for an ``OSError`` (a full disk, a read-only file system), naming the
path and the cause. Anything else escaping is a bug, not a user error.
"""

from __future__ import annotations

from pathlib import Path


class TransflowError(Exception):
    """A problem the user can fix; its message is one line."""


class InputError(TransflowError):
    """A file transflow was asked to read is missing, unreadable or malformed."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        location = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{location}: {problem}")


class EngineError(TransflowError):
    """A translation engine failed or cannot be used."""


class UnsupportedLanguagePairError(EngineError):
    """No installed engine or model translates between the two languages."""


class ModelPackageError(EngineError):
    """A model package is corrupt, incomplete or cannot be installed."""


class WriteError(OSError):
    """Writing ``filename`` failed; ``strerror`` says why in words ("cannot write: …").

    An OSError, not a TransflowError: a full disk or a read-only folder is not
    a problem of one input, so a batch that skips bad articles stops at it.
    """
