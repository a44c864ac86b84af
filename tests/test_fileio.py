"""Atomic writes when the file system says no: the old file stays, the error names the path.

Real failures where the machine can give them (a file where a folder should
be, a directory as the target, /dev/full); errors only a full or read-only
disk gives are injected at the os call that meets them in real life, one
errno each, so the clean-up paths after each step of the write are covered.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from transflow.errors import WriteError
from transflow.fileio import describe_os_error, make_directories, write_text_atomically

DEV_FULL = Path("/dev/full")


def leftovers(directory: Path) -> list[Path]:
    return list(directory.glob(".*.tmp"))


def test_replaces_the_file_keeping_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "queue.po"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_text_atomically(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not leftovers(tmp_path)


def test_a_file_where_a_folder_should_be_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "locales"
    blocker.write_text("not a folder", encoding="utf-8")
    target = blocker / "pt" / "story.po"
    with pytest.raises(WriteError) as raised:
        write_text_atomically(target, "text")
    message = describe_os_error(raised.value)
    assert message == f"{target}: cannot write: {blocker} is not a directory"
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_directory_as_the_target_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "out"
    (target / "inside").mkdir(parents=True)
    with pytest.raises(WriteError) as raised:
        write_text_atomically(target, "text")
    assert describe_os_error(raised.value) == f"{target}: cannot write: is a directory"
    assert (target / "inside").is_dir()
    assert not leftovers(tmp_path)


@pytest.mark.skipif(not DEV_FULL.is_char_device(), reason="needs /dev/full")
def test_a_device_is_written_in_place_never_replaced() -> None:
    """A rename over /dev/full would swap the device for a regular file (as root it can)."""
    with pytest.raises(WriteError) as raised:
        write_text_atomically(DEV_FULL, "text")
    assert describe_os_error(raised.value) == "/dev/full: cannot write: no space left on device"
    assert DEV_FULL.is_char_device()


def test_a_symbolic_link_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "glossary.csv"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "glossary.csv"
    link.symlink_to(real)
    write_text_atomically(link, "new")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        ("fsync", errno.ENOSPC),  # the data does not fit
        ("fsync", errno.EDQUOT),
        ("fsync", errno.EIO),
        ("replace", errno.EROFS),  # remounted read-only under us
        ("replace", errno.EACCES),
        ("replace", errno.EBUSY),
    ],
)
def test_a_failing_step_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, code: int
) -> None:
    target = tmp_path / "queue.po"
    target.write_text("approved work", encoding="utf-8")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, call, fail)
    with pytest.raises(WriteError) as raised:
        write_text_atomically(target, "half")
    monkeypatch.undo()
    cause = os.strerror(code)
    assert describe_os_error(raised.value) == (
        f"{target}: cannot write: {cause[0].lower()}{cause[1:]}"
    )
    assert raised.value.errno == code
    assert target.read_text(encoding="utf-8") == "approved work"
    assert not leftovers(tmp_path)


def test_make_directories_names_the_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "pt").write_text("", encoding="utf-8")
    with pytest.raises(NotADirectoryError) as raised:
        make_directories(tmp_path / "locales" / "pt" / "deep")
    assert raised.value.filename == str(tmp_path / "locales" / "pt")


def test_describe_os_error_is_one_line_with_the_path() -> None:
    assert describe_os_error(PermissionError(errno.EACCES, "Permission denied", "a.po.lock")) == (
        "a.po.lock: permission denied"
    )
    renamed = OSError(errno.EXDEV, "Invalid cross-device link", "from.po", None, "to.po")
    assert describe_os_error(renamed) == "from.po → to.po: invalid cross-device link"
    assert describe_os_error(OSError(errno.ENOSPC, "No space left on device")) == (
        "no space left on device"
    )


def test_describe_os_error_names_the_file_mkdir_met(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("locales").write_text("", encoding="utf-8")
    with pytest.raises(OSError) as raised:
        Path("locales/pt").mkdir(parents=True, exist_ok=True)  # as filelock and others do
    assert describe_os_error(raised.value) == "locales: is not a directory"
