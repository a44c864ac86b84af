"""OS errors from every writing command: one line naming the path and the cause, files intact.

The failures are real wherever the machine can give them to a test run as
root: a file where a folder should be, a directory as the output, /dev/full,
and — in a private mount or user namespace (``unshare``), so nothing outside
the test process changes — a read-only bind mount, a full tmpfs and a
directory without write permission (root inside ``unshare --user`` without a
root mapping has no CAP_DAC_OVERRIDE on the host's files). Where namespaces
are not allowed those tests skip, and the same errnos are injected in-process
at ``os.replace``, the call a full or read-only disk fails in real life.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from builders import REPO_GLOSSARY, assert_one_line_error
from transflow.cli import app
from transflow.queue.pofile import read_queue

TRANSFLOW = str(Path(sys.executable).parent / "transflow")
ARTICLE = "articles/azerbaijan-israel-presidents-baku.txt"
PO = Path("locales/pt/azerbaijan-israel-presidents-baku.po")

pytestmark = pytest.mark.usefixtures("wide_console")


def run(*args: str):
    return CliRunner(env={"TRANSFLOW_REVIEWER": "Ana"}).invoke(app, list(args))


@pytest.fixture
def queued(workspace: Path, argos_packages: Path) -> str:
    """The sample in the pt queue and the shipped glossary in glossary/; the first entry id.

    Translated without the glossary: enforcing it on the copy model costs half a minute.
    """
    assert run("translate", ARTICLE, "--to", "pt", "--no-glossary").exit_code == 0
    shutil.copytree(REPO_GLOSSARY, workspace / "glossary")
    return read_queue(PO).active[0].id


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file's bytes, but lock files (their presence is the lock's business)."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not path.name.endswith(".lock")
    }


def writing_commands(entry: str, workdir: Path) -> dict[str, list[str]]:
    """Each writing command with arguments that make it write into ``workdir``."""
    exported = str(workdir / "glossary-export.csv")
    return {
        "approve": ["approve", str(PO), entry],
        "edit": ["edit", str(PO), entry, "Texto revisto."],
        "reject": ["reject", str(PO), entry, "--note", "rever"],
        "translate": ["translate", ARTICLE, "--to", "pt", "--no-glossary"],
        "export -o": ["export", ARTICLE, "--to", "pt", "-o", str(workdir / "story.pt.txt")],
        "glossary add": ["glossary", "add", "Tbilisi", "--kind", "place", "--policy", "keep"],
        "glossary remove": ["glossary", "remove", "Baku"],
        "glossary export -o": ["glossary", "export", "--format", "csv", "-o", exported],
        "batch --report": [
            *("batch", ARTICLE, "--to", "pt", "--quiet", "--report", str(workdir / "r.json"))
        ],
    }


@pytest.mark.parametrize(
    ("command", "code"),
    [
        ("approve", errno.ENOSPC),
        ("edit", errno.EROFS),
        ("reject", errno.EACCES),
        ("translate", errno.EDQUOT),
        ("export -o", errno.ENOSPC),
        ("glossary add", errno.EROFS),
        ("glossary remove", errno.ENOSPC),
        ("glossary export -o", errno.EACCES),
        ("batch --report", errno.EROFS),
    ],
)
def test_every_writing_command_reports_a_failed_write_in_one_line(
    workspace: Path, queued: str, monkeypatch: pytest.MonkeyPatch, command: str, code: int
) -> None:
    args = writing_commands(queued, workspace)[command]
    if command == "translate":  # a rerun writes nothing; a changed article must be written
        article = Path(ARTICLE)
        article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    before = snapshot(workspace)
    real_replace = os.replace

    def failing_replace(source: str, destination: str) -> None:
        if ".tmp" in os.fspath(source):
            raise OSError(code, os.strerror(code))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", failing_replace)
    result = run(*args)
    cause = os.strerror(code)
    assert_one_line_error(result, "cannot write:", cause[0].lower() + cause[1:])
    assert snapshot(workspace) == before
    assert not list(workspace.rglob(".*.tmp"))


def test_queue_directory_that_is_a_file(workspace: Path, queued: str) -> None:
    Path("elsewhere").write_text("a file", encoding="utf-8")
    for command in (["translate", ARTICLE, "--to", "pt"], ["batch", ARTICLE, "--to", "pt"]):
        result = run(*command, "--locales", "elsewhere")
        assert result.exit_code == 2  # a bad option value, named by the usage error
        assert "elsewhere is a file, not the queue directory" in result.output
        assert "Traceback" not in result.output
    for command in (["status"], ["review", "--list"], ["check"], ["diff"]):
        result = run(*command, "--locales", "elsewhere")
        assert result.exit_code == 2, command
        assert "elsewhere is a file" in result.output
    assert Path("elsewhere").read_text(encoding="utf-8") == "a file"


def test_language_folder_that_is_a_file(workspace: Path, argos_packages: Path) -> None:
    Path("locales").mkdir()
    Path("locales/pt").write_text("a file", encoding="utf-8")
    for command in (["translate", ARTICLE], ["batch", ARTICLE, "--quiet"]):
        result = run(*command, "--to", "pt")
        assert_one_line_error(result, "locales/pt: is not a directory")
    assert Path("locales/pt").read_text(encoding="utf-8") == "a file"


def test_outputs_that_cannot_be_files(workspace: Path, queued: str) -> None:
    Path("plain.txt").write_text("kept", encoding="utf-8")
    for output, cause in (
        ("plain.txt/out.txt", "cannot write: plain.txt is not a directory"),
        ("locales", "locales: cannot write: is a directory"),
    ):
        assert_one_line_error(run("export", ARTICLE, "--to", "pt", "-o", output), cause)
        assert_one_line_error(run("glossary", "export", "--format", "csv", "-o", output), cause)
        result = run("batch", ARTICLE, "--to", "pt", "--quiet", "--report", output)
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 1
        assert lines[-1].startswith("error:") and cause in lines[-1], result.stderr
    assert_one_line_error(
        run("glossary", "add", "Tbilisi", "--policy", "keep", "--file", "plain.txt/g.csv"),
        "plain.txt is not a directory",
    )
    assert Path("plain.txt").read_text(encoding="utf-8") == "kept"


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="needs /dev/full")
def test_a_full_device(workspace: Path, queued: str) -> None:
    for command in (
        ["export", ARTICLE, "--to", "pt", "-o", "/dev/full"],
        ["glossary", "export", "--format", "csv", "-o", "/dev/full"],
    ):
        assert_one_line_error(run(*command), "/dev/full: cannot write: no space left on device")
    assert Path("/dev/full").is_char_device()


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="needs /dev/full")
def test_standard_output_on_a_full_device(workspace: Path, queued: str) -> None:
    """``> /dev/full``: the error is reported, not 'Exception ignored' at exit."""
    for command in (["status"], ["export", ARTICLE, "--to", "pt"], ["segment", ARTICLE]):
        with Path("/dev/full").open("w") as full:
            result = subprocess.run(
                [TRANSFLOW, *command], stdout=full, stderr=subprocess.PIPE, text=True, check=False
            )
        assert result.returncode == 1, command
        assert result.stderr.splitlines() == ["error: standard output: no space left on device"], (
            command
        )


def test_every_command_reports_errors() -> None:
    """Each command's function goes through ``reports_errors`` (models commands included)."""
    unwrapped = []

    def visit(typer_app: typer.Typer, prefix: str) -> None:
        for info in typer_app.registered_commands:
            callback: Callable[..., object] = info.callback  # type: ignore[assignment]
            if not getattr(callback, "reports_errors", False):
                unwrapped.append(f"{prefix}{info.name or callback.__name__}")
        for group in typer_app.registered_groups:
            visit(group.typer_instance, f"{prefix}{group.name} ")

    visit(app, "")
    assert unwrapped == []


# --- real read-only, full and unwritable file systems, in private namespaces -------------


def _can_unshare(*flags: str) -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", *flags, "true"], capture_output=True).returncode == 0


CONFINED = {
    # A read-only bind mount of the workspace over itself.
    "read-only": (
        ["--map-root-user", "--mount"],
        'mount --bind "$W" "$W" && mount -o remount,bind,ro "$W"',
        "read-only file system",
    ),
    # The queue and glossary folders on a tmpfs filled to the last page.
    "full": (
        ["--map-root-user", "--mount"],
        'mkdir -p "$W/.full" && mount -t tmpfs -o size=256k tmpfs "$W/.full" && '
        'cp -a "$W/locales" "$W/glossary" "$W/.full/" && '
        'mount --bind "$W/.full/locales" "$W/locales" && '
        'mount --bind "$W/.full/glossary" "$W/glossary" && '
        '{ dd if=/dev/zero of="$W/.full/filler" bs=4k 2>/dev/null; true; }',
        "no space left on device",
    ),
    # Folders without write permission, for a root without CAP_DAC_OVERRIDE.
    "no permission": (
        ["--user"],
        'chmod 555 "$W" "$W/locales/pt" "$W/glossary"',
        "permission denied",
    ),
}


# The path each command's error names (the article changed, so batch writes its PO first).
NAMED = {
    "approve": ".po",
    "edit": ".po",
    "reject": ".po",
    "translate": ".po",
    "export -o": "story.pt.txt",
    "glossary add": "glossary",
    "batch --report": ".po",
}


def run_confined(workspace: Path, how: str, args: list[str]) -> subprocess.CompletedProcess:
    flags, prepare, _ = CONFINED[how]
    script = f'{prepare} && cd "$W" && exec "$@"'
    environment = {**os.environ, "W": str(workspace), "TRANSFLOW_REVIEWER": "Ana"}
    return subprocess.run(
        ["unshare", *flags, "sh", "-c", script, "sh", TRANSFLOW, *args],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("how", "command"),
    [
        ("read-only", "approve"),
        ("read-only", "translate"),
        ("read-only", "export -o"),
        ("read-only", "glossary add"),
        ("read-only", "batch --report"),
        ("full", "approve"),
        ("full", "edit"),
        ("full", "glossary add"),
        ("no permission", "reject"),
        ("no permission", "export -o"),
        ("no permission", "glossary add"),
    ],
)
def test_real_file_system_refusals(workspace: Path, queued: str, how: str, command: str) -> None:
    flags, _, cause = CONFINED[how]
    if not _can_unshare(*flags):
        pytest.skip(f"unshare {' '.join(flags)} is not allowed here")
    article = Path(ARTICLE)
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    before = snapshot(workspace)
    try:
        result = run_confined(workspace, how, writing_commands(queued, workspace)[command])
    finally:
        if how == "no permission":
            for directory in (workspace, workspace / "locales" / "pt", workspace / "glossary"):
                directory.chmod(0o755)
    lines = result.stderr.splitlines()
    assert result.returncode == 1, result.stderr
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert cause in lines[0]
    assert NAMED[command] in lines[0]
    assert snapshot(workspace) == before


def test_a_closed_pipe_ends_the_command_quietly(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``transflow segment … | head -1``: the reader left; no error line, no traceback.

    This machine's pipes do not report EPIPE to a writer whose reader exited, so
    the write that meets the closed pipe is simulated where segment writes.
    """
    import transflow.cli as cli

    class ClosedPipe:
        def write(self, text: str) -> int:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(cli, "sys", type("Sys", (), {"stdout": ClosedPipe()}))
    result = run("segment", ARTICLE)
    assert result.exit_code == 1
    assert result.stderr == ""


def test_an_output_that_is_an_input_is_refused(workspace: Path, queued: str) -> None:
    article = Path(ARTICLE).read_bytes()
    glossary = Path("glossary/world.csv").read_bytes()
    assert_one_line_error(run("export", ARTICLE, "--to", "pt", "-o", ARTICLE), "is an input")
    assert_one_line_error(
        run("glossary", "export", "--format", "csv", "-o", "glossary/world.csv"), "is an input"
    )
    Path("story-link.txt").symlink_to(ARTICLE)
    assert_one_line_error(
        run("batch", ARTICLE, "--to", "pt", "--quiet", "--report", "story-link.txt"),
        "story-link.txt: is an input",
    )
    assert Path(ARTICLE).read_bytes() == article
    assert Path("glossary/world.csv").read_bytes() == glossary
