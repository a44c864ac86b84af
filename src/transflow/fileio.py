"""Reading input files with one-line errors; writing files so a crash never leaves half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from transflow.errors import InputError


def read_input_bytes(path: Path, what: str) -> bytes:
    """The bytes of an input file; a missing or unreadable one is an InputError naming it.

    ``what`` names the expected kind of file ("an article file") for the
    message when ``path`` is a directory.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, f"is a directory, not {what}") from None
    except PermissionError:
        raise InputError(path, "cannot read: permission denied") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None


def write_text_atomically(path: Path, content: str) -> None:
    """Replace ``path`` with ``content`` (UTF-8, LF) in one rename (see write_bytes_atomically)."""
    write_bytes_atomically(path, content.encode("utf-8"))


def write_bytes_atomically(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` in one rename.

    The temp file lives in the same directory so the rename is atomic, is
    fsynced before the rename so a power cut cannot leave an empty file, and
    takes over the old file's permissions.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
        temporary.chmod(mode)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
