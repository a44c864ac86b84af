"""A queue file passed through gettext tools and Translate Toolkit keeps what the CLI reports."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import REPO_GLOSSARY, edit_by_hand
from transflow.cli import app
from transflow.glossary.model import load_glossary
from transflow.queue.model import State
from transflow.queue.pofile import read_queue
from transflow.queue.review import GlossaryChecker

ARTICLE = "articles/azerbaijan-israel-presidents-baku.txt"
PO = Path("locales/pt/azerbaijan-israel-presidents-baku.po")
runner = CliRunner()
pytestmark = pytest.mark.usefixtures("wide_console")


def run(*args: str, reviewer: str = "Ana Lima <ana@example.org>") -> str:
    result = runner.invoke(
        app, list(args), catch_exceptions=False, env={"TRANSFLOW_REVIEWER": reviewer}
    )
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def _without_lines(value: object) -> object:
    """A JSON report without file line numbers: another tool's header may shift the entries."""
    if isinstance(value, dict):
        return {key: _without_lines(item) for key, item in value.items() if key != "line"}
    if isinstance(value, list):
        return [_without_lines(item) for item in value]
    return value


def _reported() -> dict[str, object]:
    """Everything the commands say about the queue, in machine-readable form where there is one."""
    glossary = ("--glossary", str(REPO_GLOSSARY))
    return {
        "status": run("status", *glossary),
        "review": run("review", "--list", *glossary),
        "flagged": run("review", "--list", "--flagged-only", *glossary),
        "diff": _without_lines(json.loads(run("diff", "--format", "json"))),
        "check": _without_lines(json.loads(run("check", "--format", "json", *glossary))),
    }


@pytest.fixture
def decided(workspace: Path, argos_packages: Path) -> dict[str, object]:
    """A translated article with one entry approved, one edited, one rejected, one flagged."""
    run("translate", ARTICLE, "--to", "pt", "--glossary", str(REPO_GLOSSARY))
    # a PO editor's change that breaks a protected term: flagged, whatever tool keeps the file
    edit_by_hand(PO, "Baku", lambda text: text.replace("Baku", "Bacu"))
    queue = read_queue(PO)
    checker = GlossaryChecker(load_glossary([REPO_GLOSSARY]))
    flagged = [s for s in queue.active if checker.is_flagged(queue, s)]
    clean = [s for s in queue.active if not checker.is_flagged(queue, s)]
    assert len(flagged) == 1 and len(clean) >= 3
    run("approve", str(PO), clean[0].id)
    run("edit", str(PO), clean[1].id, "Uma tradução revista.")
    run("reject", str(PO), clean[2].id, "--note", "o tom está errado")
    states = [segment.state for segment in read_queue(PO).active]
    assert {State.APPROVED, State.NEEDS_WORK, State.MACHINE} <= set(states)
    return _reported()


def _po2xliff2po(path: Path) -> None:
    tools = Path(sys.executable).parent
    subprocess.run([tools / "po2xliff", path, "x.xlf"], check=True, capture_output=True)
    subprocess.run([tools / "xliff2po", "x.xlf", path], check=True, capture_output=True)


TOOLS = {
    "msgcat": lambda path: ["msgcat", path, "-o", path],
    "msguniq": lambda path: ["msguniq", path, "-o", path],
    "msgattrib": lambda path: ["msgattrib", path, "-o", path],
    "msgmerge --previous": lambda path: ["msgmerge", "-q", "--previous", path, path, "-o", path],
}


def test_every_tool_in_turn_changes_nothing_the_commands_report(
    decided: dict[str, object],
) -> None:
    original = PO.read_bytes()
    for name, command in TOOLS.items():
        subprocess.run(command(str(PO)), check=True, capture_output=True)
        assert _reported() == decided, f"after {name}"
        if name == "msgcat":
            assert PO.read_bytes() == original  # gettext writes exactly what transflow wrote
    _po2xliff2po(PO)
    assert _reported() == decided, "after po2xliff | xliff2po"


def test_one_approval_changes_only_its_entry_and_the_header(
    workspace: Path, argos_packages: Path
) -> None:
    run("translate", ARTICLE, "--to", "pt", "--glossary", str(REPO_GLOSSARY))
    before = PO.read_text(encoding="utf-8").splitlines()
    segment = read_queue(PO).active[5]
    run("approve", str(PO), segment.id, "--glossary", str(REPO_GLOSSARY))
    after = PO.read_text(encoding="utf-8").splitlines()
    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    header = [
        line for line in changed if line[1:].startswith(('"PO-Revision-Date', '"Last-Translator'))
    ]
    entry = [line for line in changed if line not in header]
    assert len(header) <= 4
    reviews = [line for line in entry if line.startswith("+# transflow-review: ")]
    assert len(reviews) == 1 and '"by": "Ana Lima"' in reviews[0]
    assert sorted(entry) == sorted(["-#, fuzzy", reviews[0]])
    assert '"Last-Translator: Ana Lima <ana@example.org>\\n"' in after
