"""Reading input files with one-line errors; writing files so a crash never leaves half of one.

Write failures (a full disk, a read-only file system, a file where a folder
should be, no permission) are raised as :class:`~transflow.errors.WriteError`,
an OSError whose ``filename`` is the file the caller asked for, never a
temporary file, and whose ``strerror`` says what failed ("cannot write: no
space left on device"). The CLI prints any OSError as one line with
:func:`describe_os_error`.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from transflow.errors import InputError, WriteError


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
    takes over the old file's permissions. A symbolic link is followed: its
    target is replaced and the link stays. A path that is not a regular file
    (``/dev/stdout``, a pipe, a device) cannot be replaced by a rename, and
    replacing it would destroy it, so it is written in place.

    On failure nothing at ``path`` has changed, the temp file is gone and a
    WriteError names ``path`` and the cause.
    """
    try:
        target = Path(os.path.realpath(path)) if path.is_symlink() else path
        if _is_special_file(target):
            _write_in_place(target, content)
        else:
            _replace(target, content)
    except OSError as error:
        raise _write_error(path, error) from None


def make_directories(directory: Path) -> None:
    """``mkdir -p`` where a file in the way is a NotADirectoryError naming that file.

    ``Path.mkdir`` reports "File exists" for the folder it wanted to create,
    or "Not a directory" for the deepest one, whichever component the file is.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as error:
        blocker = _file_in_the_way(directory)
        if blocker is None:
            raise
        raise NotADirectoryError(errno.ENOTDIR, "is not a directory", str(blocker)) from error


def describe_os_error(error: OSError) -> str:
    """One line for users: the path (both, for a rename) and the cause in lower case.

    ``[Errno 17] File exists: 'locales/pt'`` from creating a folder becomes
    ``locales/pt: is not a directory``.
    """
    cause = _lower_first(error.strerror or str(error))
    if error.filename is None:
        return cause
    name = os.fsdecode(error.filename)
    if isinstance(error, FileExistsError | NotADirectoryError):
        blocker = _file_in_the_way(Path(name))
        if blocker is not None:
            return f"{blocker}: is not a directory"
    if error.filename2 is not None:
        return f"{name} → {os.fsdecode(error.filename2)}: {cause}"
    return f"{name}: {cause}"


def _replace(path: Path, content: bytes) -> None:
    make_directories(path.parent)
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


def _is_special_file(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # a new file; a folder in the way fails later
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_in_place(path: Path, content: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(content)


def _write_error(path: Path, error: OSError) -> WriteError:
    """``error`` as the caller's path and a cause, e.g. ``cannot write: read-only file system``."""
    if isinstance(error, NotADirectoryError) and error.filename is not None:
        cause = f"{os.fsdecode(error.filename)} is not a directory"
    elif isinstance(error, IsADirectoryError):
        cause = "is a directory"
    else:
        cause = _lower_first(error.strerror or str(error))
    return WriteError(error.errno, f"cannot write: {cause}", str(path))


def _file_in_the_way(path: Path) -> Path | None:
    """The first of ``path`` and its parents that exists but is not a directory."""
    for candidate in [*reversed(path.parents), path]:
        if candidate.exists() and not candidate.is_dir():
            return candidate
        if not candidate.exists():
            return None
    return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
