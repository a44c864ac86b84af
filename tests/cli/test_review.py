"""The review commands as people and scripts use them.

Interactive review runs in a real pseudo-terminal (pexpect): keys are typed,
the screen is read back, and the PO file on disk is inspected afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pexpect
import polib
import pytest
from typer.testing import CliRunner

from builders import REPO_GLOSSARY, edit_by_hand, without_quotation_marks
from transflow.cli import app
from transflow.engines.argos import ArgosEngine
from transflow.glossary.model import load_glossary
from transflow.queue.model import ReviewAction, Segment, State, segment_id
from transflow.queue.pofile import read_queue
from transflow.translation.pipeline import translate_article

TRANSFLOW = str(Path(sys.executable).parent / "transflow")
ARTICLE = Path("articles/azerbaijan-israel-presidents-baku.txt")
PO = Path("locales/pt/azerbaijan-israel-presidents-baku.po")


@pytest.fixture
def queue(workspace: Path, argos_packages: Path) -> list[Segment]:
    """The sample queued by the copy model with the shipped glossary; segments in order."""
    shutil.copytree(REPO_GLOSSARY, workspace / "glossary")
    terms = load_glossary([workspace / "glossary"]).for_pair("en", "pt")
    translate_article(ARTICLE, target="pt", engine=ArgosEngine(), terms=terms)
    return read_queue(PO).active


def spawn(workspace: Path, *args: str, columns: int = 120, **env: str) -> pexpect.spawn:
    child_env = {**os.environ, "TERM": "xterm-256color", "TRANSFLOW_REVIEWER": "Ana Lima", **env}
    return pexpect.spawn(
        TRANSFLOW,
        ["review", *args],
        cwd=str(workspace),
        env=child_env,
        encoding="utf-8",
        dimensions=(50, columns),
        timeout=30,
    )


def saved() -> dict[str, Segment]:
    return {s.source: s for s in read_queue(PO).active}


def test_approve_edit_reject_back_and_quit(workspace: Path, queue: list[Segment]) -> None:
    child = spawn(workspace)
    total = len(queue)
    child.expect(f"1/{total}")
    child.send("a")
    child.expect(f"2/{total}")
    child.send("e")
    child.expect("> ")
    child.send(" (revisto)\r")  # the cursor starts at the end of the prefilled text
    child.expect(f"3/{total}")
    child.send("r")
    child.expect("What needs work")
    child.send("falta o crédito\r")
    child.expect(f"4/{total}")
    child.send("b")
    child.expect(f"3/{total}")
    child.expect("already rejected in this session")
    child.send("q")
    child.expect(r"3 decision\(s\) saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    entries = saved()
    first, second, third = (entries[s.source] for s in queue[:3])
    assert first.state is State.APPROVED
    assert first.translation == queue[0].translation
    assert [r.action for r in first.history] == [ReviewAction.APPROVED]
    assert second.state is State.APPROVED
    assert second.translation == queue[1].translation + " (revisto)"
    assert [r.action for r in second.history] == [ReviewAction.EDITED]
    assert third.state is State.NEEDS_WORK
    assert third.translation == queue[2].translation
    assert third.history[-1].action is ReviewAction.REJECTED
    assert third.history[-1].note == "falta o crédito"
    assert third.rejection_note == "falta o crédito"
    assert all(entries[s.source].state is State.MACHINE for s in queue[3:])
    assert read_queue(PO).last_translator == "Ana Lima"
    assert polib.pofile(str(PO)).metadata["Last-Translator"] == "Ana Lima"


def test_escape_cancels_an_edit(workspace: Path, queue: list[Segment]) -> None:
    child = spawn(workspace)
    child.expect(f"1/{len(queue)}")
    child.send("e")
    child.expect("> ")
    child.send("changed")
    child.send("\x1b")
    child.expect(f"1/{len(queue)}")
    child.send("q")
    child.expect(pexpect.EOF)
    assert saved()[queue[0].source].translation == queue[0].translation
    assert saved()[queue[0].source].state is State.MACHINE
    assert saved()[queue[0].source].history == []


def test_glossary_violation_asks_before_approving(workspace: Path, queue: list[Segment]) -> None:
    with_term = next(i for i, s in enumerate(queue) if "Baku" in s.source)
    child = spawn(workspace)
    for position in range(1, with_term + 1):
        child.expect(f"{position}/{len(queue)}")
        child.send("s")
    child.expect(f"{with_term + 1}/{len(queue)}")
    child.send("e")
    child.expect("> ")
    child.send("\x15Sem nomes.\r")  # Ctrl-U clears the line
    child.expect(r"breaks the glossary")
    child.expect(r"\[y/N\]")
    child.send("n")
    child.expect(f"{with_term + 1}/{len(queue)}")
    child.send("e")
    child.expect("> ")
    child.send("\x15Sem nomes.\r")
    child.expect(r"\[y/N\]")
    child.send("y")
    child.expect(f"{with_term + 2}/{len(queue)}")
    child.send("q")
    child.expect(pexpect.EOF)
    segment = saved()[queue[with_term].source]
    assert segment.translation == "Sem nomes."
    assert segment.state is State.APPROVED
    assert segment.history[-1].glossary_override
    assert [r.action for r in segment.history] == [ReviewAction.EDITED]  # "n" saved nothing


def test_decisions_survive_a_kill_between_them(workspace: Path, queue: list[Segment]) -> None:
    child = spawn(workspace)
    child.expect(f"1/{len(queue)}")
    child.send("a")
    child.expect(f"2/{len(queue)}")
    child.send("a")
    child.expect(f"3/{len(queue)}")
    child.kill(signal.SIGKILL)
    child.close(force=True)

    queue_file = read_queue(PO)  # strict read: a damaged file would raise
    states = [s.state for s in queue_file.active]
    assert states[:2] == [State.APPROVED, State.APPROVED]
    assert states[2:] == [State.MACHINE] * (len(queue) - 2)
    assert not list(PO.parent.glob("*.tmp*"))
    # The lock was an flock on the directory, released with the process: no lock file.
    assert not list(Path("locales").rglob("*.lock"))


def test_narrow_terminal_without_colour_is_readable(workspace: Path, queue: list[Segment]) -> None:
    child = spawn(workspace, columns=40, NO_COLOR="1")
    child.expect(f"1/{len(queue)}")
    child.send("?")
    child.expect("Esc cancels")
    child.send("x")
    child.send("q")
    child.expect(pexpect.EOF)
    assert "Traceback" not in (child.before or "")


def test_review_without_a_terminal_is_a_clear_error(workspace: Path, queue: list[Segment]) -> None:
    result = CliRunner().invoke(app, ["review", "--reviewer", "Ana"])
    assert result.exit_code == 1
    assert "review needs an interactive terminal" in result.stderr
    assert "Traceback" not in result.output


def test_scriptable_twins(workspace: Path, queue: list[Segment], wide_console: None) -> None:
    runner = CliRunner(env={"TRANSFLOW_REVIEWER": "Robô"})
    listing = runner.invoke(app, ["review", "--list"], catch_exceptions=False)
    assert listing.exit_code == 0
    ids = [segment_id(s.source) for s in queue]
    assert all(item_id in listing.stdout for item_id in ids)

    edited = runner.invoke(app, ["edit", str(PO), ids[0], "Início"], catch_exceptions=False)
    assert edited.exit_code == 0, edited.output
    assert f"edited {PO} {ids[0]} by Robô" in edited.stdout
    assert "+ Início" in edited.stdout

    rejected = runner.invoke(app, ["reject", str(PO), ids[1], "--note", "rever"])
    assert rejected.exit_code == 0
    approved = runner.invoke(app, ["approve", str(PO), "--all-unflagged"])
    assert approved.exit_code == 0
    assert f"{len(queue) - 1} entr(ies) approved" in approved.stdout

    entries = saved()
    assert entries[queue[0].source].translation == "Início"
    assert all(entries[s.source].state is State.APPROVED for s in queue)
    assert all(entries[s.source].reviewer == "Robô" for s in queue)
    rejected_then_approved = entries[queue[1].source].history
    assert [r.action for r in rejected_then_approved] == [
        ReviewAction.REJECTED,
        ReviewAction.APPROVED,
    ]
    assert rejected_then_approved[0].note == "rever"


def test_scriptable_errors_are_one_line(workspace: Path, queue: list[Segment]) -> None:
    runner = CliRunner(env={"TRANSFLOW_REVIEWER": "Robô"})
    unknown = runner.invoke(app, ["approve", str(PO), "deadbeef"])
    assert unknown.exit_code == 1
    assert unknown.stderr.strip().startswith("error:")
    assert "no entry deadbeef" in unknown.stderr
    missing = runner.invoke(app, ["approve", "locales/pt/none.po", "deadbeef"])
    assert missing.exit_code == 1
    assert "locales/pt/none.po: no such PO file" in missing.stderr
    empty = runner.invoke(app, ["edit", str(PO), segment_id(queue[0].source), "  "])
    assert "cannot be empty" in empty.stderr


def test_an_engine_alternative_can_be_picked_and_edited(
    workspace: Path, queue: list[Segment]
) -> None:
    index, alternative = next(
        (i, s.machine.alternatives[0])
        for i, s in enumerate(queue)
        if s.machine is not None and s.machine.alternatives
    )
    child = spawn(workspace)
    for position in range(1, index + 1):
        child.expect(f"{position}/{len(queue)}")
        child.send("s")
    child.expect(f"{index + 1}/{len(queue)}")
    child.expect("Alternative 1")
    child.send("1")
    child.expect("> ")
    child.send("\r")
    child.expect(f"{index + 2}/{len(queue)}")
    child.send("q")
    child.expect(pexpect.EOF)
    segment = saved()[queue[index].source]
    assert segment.translation == alternative
    assert segment.state is State.APPROVED


def test_the_screen_warns_about_lost_quotation_marks(queue: list[Segment]) -> None:
    from rich.console import Console

    from transflow.cli.review import render_item
    from transflow.queue.review import GlossaryChecker, load_queue

    quoted = edit_by_hand(PO, "“", without_quotation_marks)
    items = load_queue([read_queue(PO)], checker=GlossaryChecker(None))
    item = next(i for i in items if i.msgid == quoted)
    console = Console(record=True, width=200, color_system=None)
    console.print(render_item(item, 0, len(items), 0))
    assert "⚠ check: quotation marks missing (2 in the source, 0 here)" in console.export_text()
