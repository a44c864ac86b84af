"""Ctrl-C at any moment of a real ``transflow`` process: "interrupted", exit 130, no traceback.

The process is the console script as ``pyproject.toml`` declares it (the
script pip generates does exactly this import and call), so the test checks
the entry point a fresh install gets, not whichever script this virtualenv
happens to hold. The moments are found, not timed: ``PYTHONPROFILEIMPORTTIME``
makes Python print a line as each module finishes importing, and SIGINT is
sent when the line of a chosen module appears — while the rest of the
command line is still being imported, or inside a command loading the engine.
(Before the entry point module is imported only Python's own start-up runs,
which no program can guard.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from builders import REPOSITORY

ARTICLE = "articles/azerbaijan-israel-presidents-baku.txt"


def console_script() -> list[str]:
    """The ``transflow`` script of ``[project.scripts]``, as pip's generated wrapper runs it."""
    scripts = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    module, _, function = scripts["project"]["scripts"]["transflow"].partition(":")
    call = f"import sys; from {module} import {function}; sys.exit({function}())"
    return [sys.executable, "-c", call]


def interrupt_when_imported(module: str, args: list[str], cwd: Path) -> tuple[int, list[str]]:
    """Start ``transflow args``, send SIGINT once ``module`` is imported; exit code and stderr."""
    environment = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    other: list[str] = []
    sent = False
    with subprocess.Popen(
        [*console_script(), *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            if line.startswith("import time:"):
                if not sent and line.rsplit("|", 1)[-1].strip() == module:
                    process.send_signal(signal.SIGINT)
                    sent = True
                continue
            other.append(line.rstrip("\n"))
        code = process.wait(timeout=120)
    assert sent, f"{module} was never imported"
    return code, other


@pytest.mark.parametrize(
    "module",
    [
        "transflow.__main__",  # the entry point, the first module of transflow's own
        "typer._click.core",  # typer's own copy of click
        "rich.console",
        "typer.main",
        "transflow.glossary.model",
        "transflow.cli.review",  # the last commands registered
    ],
)
def test_ctrl_c_while_the_command_line_loads(workspace: Path, module: str) -> None:
    code, stderr = interrupt_when_imported(module, ["status"], workspace)
    assert (code, stderr) == (130, ["interrupted"])


def test_ctrl_c_while_translate_loads_the_engine(workspace: Path, argos_packages: Path) -> None:
    code, stderr = interrupt_when_imported(
        "ctranslate2", ["translate", ARTICLE, "--to", "pt", "--no-glossary"], workspace
    )
    assert (code, stderr) == (130, ["interrupted"])
    assert not list(Path("locales").rglob("*.tmp")) if Path("locales").exists() else True
