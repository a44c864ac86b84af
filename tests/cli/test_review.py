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
from transflow.queue.model import MachineOutput, Queue, ReviewAction, Segment, State, segment_id
from transflow.queue.pofile import read_queue, write_queue
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
        timeout=60,  # a liveness bound, generous for a loaded machine
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
    child.expect(r"rejected: falta o crédito \(by Ana Lima at")
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
    child.expect(r"\[1\] engine")
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

    from transflow.cli.review.screen import ScreenState, render_screen
    from transflow.queue.review import GlossaryChecker, ReviewDesk, load_queue
    from transflow.review.session import ReviewSession

    quoted = edit_by_hand(PO, "“", without_quotation_marks)
    items = load_queue([read_queue(PO)], checker=GlossaryChecker(None))
    session = ReviewSession(items, ReviewDesk("Ana", undoable=True))
    session.go_to(next(str(n) for n, i in enumerate(items, start=1) if i.msgid == quoted))
    console = Console(record=True, width=200, color_system=None)
    console.print(render_screen(session.current, ScreenState.of(session)))
    screen = console.export_text()
    assert "⚠ Check      quotation marks missing (2 in the source, 0 here)" in screen


# --- every key of the review screen, on a queue without glossary (fast to build) ---------


@pytest.fixture
def plain_queue(workspace: Path, argos_packages: Path) -> list:
    """The sample queued by the copy model without a glossary; entries in order."""
    translate_article(ARTICLE, target="pt", engine=ArgosEngine())
    return read_queue(PO).active


def editor_script(directory: Path, body: str) -> str:
    """An executable $EDITOR: ``body`` runs with the file to edit as $1."""
    script = directory / "editor.sh"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def quit_review(child: pexpect.spawn) -> str:
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
    return child.before or ""


def test_capital_e_edits_in_the_editor_and_approves(
    workspace: Path, plain_queue: list, tmp_path: Path
) -> None:
    editor = editor_script(tmp_path, "printf 'Texto do editor.\\n' > \"$1\"")
    child = spawn(workspace, EDITOR=editor, VISUAL="")
    child.expect(f"1/{len(plain_queue)}")
    child.send("E")
    child.expect(f"2/{len(plain_queue)}")
    quit_review(child)
    entry = saved()[plain_queue[0].source]
    assert entry.translation == "Texto do editor."
    assert entry.state is State.APPROVED
    assert [r.action for r in entry.history] == [ReviewAction.EDITED]


def test_visual_comes_before_editor_and_gets_the_translation(
    workspace: Path, plain_queue: list, tmp_path: Path
) -> None:
    # The editor appends to what it is given, so the saved text proves what it got.
    visual = editor_script(tmp_path, 'printf \'%s (visto)\\n\' "$(cat "$1")" > "$1"')
    child = spawn(workspace, VISUAL=visual, EDITOR="false")
    child.expect(f"1/{len(plain_queue)}")
    child.send("E")
    child.expect(f"2/{len(plain_queue)}")
    quit_review(child)
    assert saved()[plain_queue[0].source].translation == plain_queue[0].translation + " (visto)"


@pytest.mark.parametrize(
    ("editor", "shown"),
    [
        ("true", None),  # closed without saving: nothing to decide
        ("false", "the editor failed"),  # exits non-zero
        ("/nonexistent/editor", "the editor failed"),
    ],
)
def test_an_editor_that_does_not_save_changes_nothing(
    workspace: Path, plain_queue: list, editor: str, shown: str | None
) -> None:
    child = spawn(workspace, EDITOR=editor, VISUAL="")
    child.expect(f"1/{len(plain_queue)}")
    child.send("E")
    if shown is not None:
        child.expect("not saved:")
        child.expect(shown)
        child.expect("press any key")
        child.send("x")
    child.expect(f"1/{len(plain_queue)}")
    quit_review(child)
    entry = saved()[plain_queue[0].source]
    assert entry.translation == plain_queue[0].translation
    assert entry.state is State.MACHINE


def test_skip_back_help_and_unknown_keys_change_nothing(workspace: Path, plain_queue: list) -> None:
    total = len(plain_queue)
    child = spawn(workspace)
    child.expect(f"1/{total}")
    child.send("s")
    child.expect(f"2/{total}")
    child.send("s")
    child.expect(f"3/{total}")
    child.send("b")
    child.expect(f"2/{total}")
    child.send("?")
    child.expect("b  back to the previous entry")
    child.expect("press any key")
    child.send("z")
    child.expect(f"2/{total}")
    child.send("1")  # no alternatives on this entry: nothing happens
    child.send("b")
    child.expect(f"1/{total}")
    child.send("b")  # already at the first entry
    child.expect(f"1/{total}")
    output = quit_review(child)
    assert "0 decision(s) saved" in output
    assert read_queue(PO).last_translator == ""


def test_reject_needs_a_note_and_escape_cancels_it(workspace: Path, plain_queue: list) -> None:
    child = spawn(workspace)
    child.expect(f"1/{len(plain_queue)}")
    child.send("r")
    child.expect("What needs work")
    child.send("\x1b")  # Esc: no rejection
    child.expect(f"1/{len(plain_queue)}")
    child.send("r")
    child.expect("What needs work")
    child.send("\r")  # an empty note is no rejection either
    child.expect(f"1/{len(plain_queue)}")
    child.send("r")
    child.expect("What needs work")
    child.send("termo errado\r")
    child.expect(f"2/{len(plain_queue)}")
    quit_review(child)
    entry = saved()[plain_queue[0].source]
    assert [(r.action, r.note) for r in entry.history] == [(ReviewAction.REJECTED, "termo errado")]
    assert entry.state is State.NEEDS_WORK


def test_the_second_alternative(workspace: Path, plain_queue: list) -> None:
    from dataclasses import replace

    from transflow.queue.pofile import locked, write_queue

    with locked(PO):
        queue = read_queue(PO)
        segment = queue.active[0]
        assert segment.machine is not None
        segment.machine = replace(
            segment.machine, alternatives=("Primeira hipótese.", "Segunda hipótese.")
        )
        write_queue(queue, PO)
    child = spawn(workspace)
    child.expect(f"1/{len(plain_queue)}")
    child.expect(r"\[2\] engine")
    child.send("2")
    child.expect("> ")
    child.send(" Revista.\r")
    child.expect(f"2/{len(plain_queue)}")
    quit_review(child)
    entry = saved()[plain_queue[0].source]
    assert entry.translation == "Segunda hipótese. Revista."
    assert entry.state is State.APPROVED


@pytest.mark.parametrize("where", ["screen", "edit line"])
def test_ctrl_c_is_interrupted_and_keeps_what_was_decided(
    workspace: Path, plain_queue: list, where: str
) -> None:
    child = spawn(workspace)
    child.expect(f"1/{len(plain_queue)}")
    child.send("a")
    child.expect(f"2/{len(plain_queue)}")
    if where == "edit line":
        child.send("e")
        child.expect("> ")
        child.send("meio escrito")
    child.send("\x03")
    child.expect("interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    states = [segment.state for segment in read_queue(PO).active]
    assert states == [State.APPROVED] + [State.MACHINE] * (len(plain_queue) - 1)


def test_ctrl_d_quits_like_q(workspace: Path, plain_queue: list) -> None:
    child = spawn(workspace)
    child.expect(f"1/{len(plain_queue)}")
    child.send("a")
    child.expect(f"2/{len(plain_queue)}")
    child.send("\x04")
    child.expect(r"1 decision\(s\) saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_rejection_made_while_the_entry_is_on_screen_is_not_approved_over(
    workspace: Path, plain_queue: list
) -> None:
    """The text did not change, but a colleague's decision did: approving now would bury it."""
    child = spawn(workspace)
    child.expect(f"1/{len(plain_queue)}")
    first = plain_queue[0].id
    rejected = CliRunner(env={"TRANSFLOW_REVIEWER": "Dave"}).invoke(
        app, ["reject", str(PO), first, "--note", "nome errado"]
    )
    assert rejected.exit_code == 0, rejected.output
    child.send("a")
    child.expect("not saved:")
    child.expect("changed by Dave at")
    child.expect("press any key")
    child.send("x")
    child.expect(f"1/{len(plain_queue)}")
    quit_review(child)
    entry = saved()[plain_queue[0].source]
    assert [(r.action, r.reviewer) for r in entry.history] == [(ReviewAction.REJECTED, "Dave")]
    assert entry.state is State.NEEDS_WORK


# --- the session keys: search, go to, undo, changed decisions, filters, memory matches ------


def first_screen(child: pexpect.spawn, total: int) -> None:
    child.expect(f"1/{total}")


# Between the words of a screen line: spaces, and the style codes rich writes even with NO_COLOR.
_GAP = r"(?:\s|\x1b\[[\d;]*m)+"


def on_screen(*words: str) -> str:
    """A pattern for ``words`` in one screen row, however far apart the columns put them."""
    return _GAP.join(words)


def memory_rows(workspace: Path) -> list[dict]:
    from transflow.memory.store import MEMORY_PATH, TranslationMemory

    if not (workspace / MEMORY_PATH).exists():
        return []
    with TranslationMemory.open_file(workspace / MEMORY_PATH) as memory:
        return [segment.as_dict() for segment in memory.segments()]


def test_the_screen_shows_neighbours_in_both_languages_and_what_is_left(
    workspace: Path, plain_queue: list
) -> None:
    from transflow.queue.model import word_count

    total, words = len(plain_queue), sum(word_count(s.source) for s in plain_queue)
    child = spawn(workspace, NO_COLOR="1")
    first_screen(child, total)
    child.expect(f"{words:,} words left")
    child.expect("Source")
    child.expect("After")
    child.expect(f"{total} segments, {words:,} words to review")
    child.send("a")
    child.expect(f"2/{total}")
    child.expect("Before")
    child.expect(plain_queue[0].translation[:30])  # the previous entry's translation too
    left = words - word_count(plain_queue[0].source)
    child.expect(f"{total - 1} segments, {left:,} words to review")
    output = quit_review(child)
    assert f"1 decision(s) saved; {total - 1} segments, {left:,} words to review" in output


def test_slash_searches_and_n_and_capital_n_move_between_matches(
    workspace: Path, plain_queue: list
) -> None:
    total = len(plain_queue)
    word = "Aliyev"
    hits = [n for n, s in enumerate(plain_queue, start=1) if word.lower() in s.source.lower()]
    assert len(hits) >= 3 and hits[0] != 1
    child = spawn(workspace)
    first_screen(child, total)
    child.send("/")
    child.expect("search:")
    child.send(f"{word.lower()}\r")
    child.expect(f"{hits[0]}/{total}")
    child.send("n")
    child.expect(f"{hits[1]}/{total}")
    child.send("n")
    child.expect(f"{hits[2]}/{total}")
    child.send("N")
    child.expect(f"{hits[1]}/{total}")
    child.send("/")
    child.expect("search:")
    child.send("\x15no such words\r")  # Ctrl-U clears the last query
    child.expect(f"{hits[1]}/{total}")
    child.expect("no entry contains 'no such words'")
    quit_review(child)


def test_g_goes_to_a_number_or_an_id(workspace: Path, plain_queue: list) -> None:
    total = len(plain_queue)
    child = spawn(workspace)
    first_screen(child, total)
    child.send("g")
    child.expect(r"go to \(number or id\):")
    child.send("5\r")
    child.expect(f"5/{total}")
    child.send("g")
    child.expect("go to")
    child.send(f"{plain_queue[1].id}\r")
    child.expect(f"2/{total}")
    child.expect(plain_queue[1].id)
    child.send("g")
    child.expect("go to")
    child.send("999\r")
    child.expect(f"2/{total}")
    child.expect(f"no entry '999' \\(a number from 1 to {total}, or an id\\)")
    quit_review(child)


def test_u_undoes_the_last_decision_file_and_memory_too(workspace: Path, plain_queue: list) -> None:
    total = len(plain_queue)
    original = PO.read_bytes()
    child = spawn(workspace)
    first_screen(child, total)
    child.send("u")
    child.expect("nothing to undo in this session")
    child.send("x")
    child.send("a")
    child.expect(f"2/{total}")
    child.send("e")
    child.expect("> ")
    child.send(" (revisto)\r")
    child.expect(f"3/{total}")
    child.send("u")
    child.expect(f"2/{total}")
    child.expect(f"undone: edited of entry {plain_queue[1].id}")
    after_approval_memory = memory_rows(workspace)
    assert [row["source"] for row in after_approval_memory] == [plain_queue[0].source]
    child.send("u")
    child.expect(f"1/{total}")
    child.expect(f"undone: approved of entry {plain_queue[0].id}")
    output = quit_review(child)
    assert "0 decision(s) saved" in output
    assert PO.read_bytes() == original
    assert memory_rows(workspace) == []


def test_back_shows_the_decision_and_a_changed_decision_is_recorded(
    workspace: Path, plain_queue: list
) -> None:
    total = len(plain_queue)
    child = spawn(workspace)
    first_screen(child, total)
    child.send("a")
    child.expect(f"2/{total}")
    child.send("b")
    child.expect(f"1/{total}")
    child.expect("approved by Ana Lima at")
    child.send("r")
    child.expect("What needs work")
    child.send("nome errado\r")
    child.expect(f"2/{total}")
    child.send("b")
    child.expect(r"rejected: nome errado \(by Ana Lima")
    child.send("e")
    child.expect("> ")
    child.send(" Revisto.\r")
    child.expect(f"2/{total}")
    child.send("b")
    child.expect("edited by Ana Lima at")
    output = quit_review(child)
    assert "1 decision(s) saved" in output
    entry = saved()[plain_queue[0].source]
    assert [r.action for r in entry.history] == [
        ReviewAction.APPROVED,
        ReviewAction.REJECTED,
        ReviewAction.EDITED,
    ]
    assert entry.translation == plain_queue[0].translation + " Revisto."
    assert [row["target"] for row in memory_rows(workspace)] == [entry.translation]


def with_confidence(index: int, value: float) -> None:
    """Record a confidence on entry ``index``, as the translate step will."""
    from transflow.queue.model import SegmentConfidence, assessment_id
    from transflow.queue.pofile import locked, write_queue

    with locked(PO):
        queue = read_queue(PO)
        segment = queue.active[index]
        segment.confidence = SegmentConfidence(
            value,
            ("back-translation lost: 'not'", "engine score low"),
            True,
            assessment_id(segment.source, segment.translation),
        )
        write_queue(queue, PO)


def test_f_cycles_the_filters_and_the_confidence_is_shown(
    workspace: Path, plain_queue: list
) -> None:
    total = len(plain_queue)
    with_confidence(3, 0.31)
    with_confidence(5, 0.9)
    child = spawn(workspace, NO_COLOR="1")
    first_screen(child, total)
    child.send("s")
    child.expect(f"2/{total}")
    child.send("r")
    child.expect("What needs work")
    child.send("falta\r")
    child.expect(f"3/{total}")
    child.send("f")  # nothing is flagged: low confidence is next
    child.expect(f"4/{total}")
    child.expect(on_screen("Confidence", r"0\.31 — low"))
    child.expect("back-translation lost: 'not'")
    child.expect(f"filter low confidence: 1 of {total}")
    child.expect("filter: low confidence, 1 entr\\(ies\\) \\(none flagged\\)")
    child.send("s")  # past the view's last entry: all entries again, the cursor stays
    child.expect(f"4/{total}")
    child.expect("that was the last low confidence entry: all entries are shown again")
    child.send("s")
    child.expect(f"5/{total}")
    assert "1 decision(s) saved" in quit_review(child)

    child = spawn(workspace, NO_COLOR="1")
    first_screen(child, total)
    child.send("f")
    child.expect("filter: low confidence")
    child.send("f")
    child.expect(f"2/{total}")
    child.expect("rejected: falta")
    child.expect("filter: rejected, 1 entr\\(ies\\)")
    child.send("f")  # nothing from memory: back to all
    child.expect(f"filter: all, {total} entr\\(ies\\) \\(none from memory\\)")
    child.send("g")
    child.expect("go to")
    child.send("6\r")
    child.expect(f"6/{total}")
    child.expect(on_screen("Confidence", r"0\.90"))
    quit_review(child)


def test_the_glossary_panel_names_each_term_with_its_verdict(
    workspace: Path, queue: list[Segment]
) -> None:
    with_term = next(i for i, s in enumerate(queue) if "Baku" in s.source)
    child = spawn(workspace, NO_COLOR="1")
    child.send("g")
    child.expect("go to")
    child.send(f"{with_term + 1}\r")
    child.expect(f"{with_term + 1}/{len(queue)}")
    child.expect(on_screen("Terms", "✓"))
    child.expect(on_screen("Baku", "→ Baku", "· never: Bacu"))
    child.expect("Capital of Azerbaijan; Brazilian press writes Baku")
    child.send("e")
    child.expect("> ")
    child.send("\x15Chegou a Bacu.\r")
    child.expect(r"\[y/N\]")
    child.send("n")
    quit_review(child)


def test_one_takes_a_fuzzy_memory_match_into_the_edit_line(
    workspace: Path, plain_queue: list
) -> None:
    from transflow.memory.segment import MemorySegment
    from transflow.memory.store import TranslationMemory

    index = max(range(len(plain_queue) - 1), key=lambda i: len(plain_queue[i].source))
    first = plain_queue[index].source
    similar = first.replace(first.split()[-1], "yesterday.")
    with TranslationMemory.open(workspace) as memory:
        memory.record_approved(
            MemorySegment(
                similar,
                "Tradução da memória.",
                "en",
                "pt",
                reviewer="Bruno",
                approved_at="2026-11-01T09:00:00+00:00",
                article="old.txt",
                position=0,
            )
        )
    child = spawn(workspace, NO_COLOR="1")
    first_screen(child, len(plain_queue))
    child.send("g")
    child.expect("go to")
    child.send(f"{index + 1}\r")
    child.expect(f"{index + 1}/{len(plain_queue)}")
    child.expect(on_screen(r"\[1\] \d+(\.\d)?%", r"Tradução da memória\."))
    child.expect(r"\[-yesterday")  # the word diff between the memory's source and this one
    child.expect("memory: Bruno, human, old.txt")
    child.send("1")
    child.expect("> ")
    child.send(" Fim.\r")
    child.expect(f"{index + 2}/{len(plain_queue)}")
    quit_review(child)
    entry = saved()[first]
    assert entry.translation == "Tradução da memória. Fim."
    assert [r.action for r in entry.history] == [ReviewAction.EDITED]


def test_a_match_below_min_match_is_not_offered(workspace: Path, plain_queue: list) -> None:
    from transflow.memory.segment import MemorySegment
    from transflow.memory.store import TranslationMemory

    first = plain_queue[0].source
    with TranslationMemory.open(workspace) as memory:
        memory.record_approved(
            MemorySegment(first[: len(first) // 2] + " and more.", "Meio.", "en", "pt")
        )
    runner = CliRunner(env={"TRANSFLOW_REVIEWER": "Robô"})
    low = runner.invoke(app, ["review", "--list", "--format", "json", "--min-match", "10"])
    high = runner.invoke(app, ["review", "--list", "--format", "json", "--min-match", "99"])
    import json

    assert json.loads(low.stdout)[0]["matches"][0]["target"] == "Meio."
    assert json.loads(high.stdout)[0]["matches"] == []


def test_at_80_columns_labels_keep_their_indent(workspace: Path, plain_queue: list) -> None:
    from rich.console import Console

    from transflow.cli.review.screen import ScreenState, render_screen
    from transflow.queue.review import ReviewDesk, load_queue
    from transflow.review.session import ReviewSession

    longest = max(range(len(plain_queue)), key=lambda i: len(plain_queue[i].source))
    session = ReviewSession(load_queue([read_queue(PO)]), ReviewDesk("Ana", undoable=True))
    session.go_to(str(longest + 1))
    console = Console(record=True, width=80, color_system=None)
    console.print(render_screen(session.current, ScreenState.of(session)))
    lines = console.export_text().splitlines()
    assert all(len(line) <= 80 for line in lines)
    source = next(n for n, line in enumerate(lines) if line.startswith("│ Source "))
    assert lines[source + 1].startswith("│" + " " * 14)  # the wrapped part keeps the indent
    assert not any("…" in line for line in lines)

    child = spawn(workspace, "--to", "pt", columns=80, NO_COLOR="1")
    first_screen(child, len(plain_queue))
    child.send("g")
    child.expect("go to")
    child.send(f"{longest + 1}\r")
    child.expect(f"{longest + 1}/{len(plain_queue)}")
    child.expect("words to review")
    quit_review(child)


def test_keys_typed_ahead_are_not_lost(workspace: Path, plain_queue: list) -> None:
    """Three keys sent at once, the later ones arriving while screens are drawn, all count."""
    child = spawn(workspace)
    first_screen(child, len(plain_queue))
    child.send("sas")
    child.expect(f"4/{len(plain_queue)}")
    output = quit_review(child)
    assert "1 decision(s) saved" in output
    states = [s.state for s in read_queue(PO).active]
    assert states[:3] == [State.MACHINE, State.APPROVED, State.MACHINE]


def test_list_as_json_records(workspace: Path, queue: list[Segment]) -> None:
    import json

    runner = CliRunner(env={"TRANSFLOW_REVIEWER": "Robô"})
    rejected = runner.invoke(app, ["reject", str(PO), queue[1].id, "--note", "rever"])
    assert rejected.exit_code == 0
    listing = runner.invoke(app, ["review", "--list", "--format", "json"])
    assert listing.exit_code == 0, listing.output
    records = json.loads(listing.stdout)
    assert [r["id"] for r in records] == [s.id for s in queue]
    first = records[0]
    assert set(first) >= {
        "id",
        "msgid",
        "msgstr",
        "state",
        "origin",
        "file",
        "language",
        "memory",
        "reviewer",
        "history",
        "glossary",
        "confidence",
        "confidence_evidence",
        "matches",
    }
    assert (first["state"], first["origin"], first["file"]) == ("machine", "engine", str(PO))
    assert first["confidence"] is None and first["confidence_evidence"] == []
    assert records[1]["history"][0] == {
        "action": "rejected",
        "by": "Robô",
        "at": records[1]["history"][0]["at"],
        "note": "rever",
    }
    with_baku = next(r for r in records if "Baku" in r["msgid"])
    verdict = next(v for v in with_baku["glossary"]["verdicts"] if v["term"] == "Baku")
    assert verdict["verdict"] == "exact" and verdict["forbidden"] == ["Bacu"]


def test_list_format_must_be_text_or_json(workspace: Path, queue: list[Segment]) -> None:
    result = CliRunner().invoke(app, ["review", "--list", "--format", "xml"])
    assert result.exit_code == 2
    assert "'text'" in result.output and "'json'" in result.output
    assert "Traceback" not in result.output
    without_list = CliRunner().invoke(app, ["review", "--format", "json"])
    assert without_list.exit_code == 1
    assert without_list.stderr.strip() == (
        "error: --format json is for --list: transflow review --list --format json"
    )


def test_list_piped_is_tab_separated_and_not_cut(workspace: Path, queue: list[Segment]) -> None:
    listing = CliRunner().invoke(app, ["review", "--list"])
    lines = listing.stdout.splitlines()
    assert lines[0] == "id\tfile\tline\tflag\tsource"
    longest = max(queue, key=lambda s: len(s.source))
    assert f"{longest.id}\t{PO}\t" in listing.stdout
    assert any(line.endswith("\t" + longest.source) for line in lines)


def test_an_inflected_term_is_advisory_not_a_violation(workspace: Path) -> None:
    from rich.console import Console

    from transflow.cli.review.screen import ScreenState, render_screen
    from transflow.glossary.enforcement import Verdict
    from transflow.queue.model import Queue, Reference
    from transflow.queue.pofile import write_queue
    from transflow.queue.review import GlossaryChecker, ReviewDesk, load_queue
    from transflow.review.session import ReviewSession

    (workspace / "glossary").mkdir()
    (workspace / "glossary" / "people.csv").write_text(
        "term,source_lang,kind,policy,pt,forms_pt,note\n"
        "Aliyev,en,person,keep,,Aliyevs,President of Azerbaijan\n",
        encoding="utf-8",
    )
    queue = Queue("en", "pt", "story.txt")
    queue.segments.append(
        Segment("Aliyev and Aliyev met.", "Os Aliyevs e Aliyev.", references=[Reference("s", 1)])
    )
    PO.parent.mkdir(parents=True)
    write_queue(queue, PO)
    checker = GlossaryChecker(load_glossary([workspace / "glossary"]))
    session = ReviewSession(load_queue([read_queue(PO)], checker=checker), ReviewDesk("Ana"))
    item = session.current
    assert [m.verdict for m in item.terms] == [Verdict.EXACT, Verdict.INFLECTED]
    assert not item.flagged and item.problems == ()
    console = Console(record=True, width=100, color_system=None)
    console.print(render_screen(item, ScreenState.of(session)))
    screen = console.export_text()
    assert "~ Aliyev → Aliyev  Aliyevs — inflected form of Aliyev, check it" in screen
    assert "President of Azerbaijan" in screen
    assert "⚑ Glossary" not in screen


def test_a_memory_match_says_what_differs_and_who_approved_it(workspace: Path) -> None:
    from dataclasses import replace

    from rich.console import Console

    from transflow.cli.review.screen import ScreenState, render_screen
    from transflow.memory.segment import Match, MemorySegment
    from transflow.queue.diff import word_diff
    from transflow.queue.model import Queue, Reference
    from transflow.queue.pofile import write_queue
    from transflow.queue.review import ReviewDesk, load_queue
    from transflow.review.session import ReviewSession

    source = "Twelve people were killed in Baku."
    queue = Queue("en", "pt", "story.txt")
    queue.segments.append(Segment(source, "Doze mortos.", references=[Reference("s", 1)]))
    PO.parent.mkdir(parents=True)
    write_queue(queue, PO)
    session = ReviewSession(load_queue([read_queue(PO)]), ReviewDesk("Ana"))
    old = "Twenty people were killed in Baku."
    match = Match(
        MemorySegment(old, "Vinte mortos em Baku.", "en", "pt", reviewer="Bruno", article="a.txt"),
        88.0,
        differs_in_number=True,
        diff=tuple(word_diff(old, source)),
    )
    console = Console(record=True, width=100, color_system=None)
    console.print(
        render_screen(session.current, replace(ScreenState.of(session), matches=(match,)))
    )
    screen = console.export_text()
    assert "[1] 88%      Vinte mortos em Baku." in screen
    assert "[-Twenty-]{+Twelve+} people were killed in Baku." in screen
    assert "memory: Bruno, human, a.txt · differs in number" in screen


def test_the_first_screen_comes_from_the_files_head_then_the_counted_queue(
    workspace: Path, plain_queue: list
) -> None:
    child = spawn(workspace, NO_COLOR="1")
    child.expect("1/… in queue")
    child.expect("sentence 1 of the article")
    child.expect("reading the rest of the queue…")  # drawn before the whole file is read
    child.expect(f"1/{len(plain_queue)} in queue")
    child.expect(f"sentence 1/{len(plain_queue)} of the article")
    child.expect(f"{len(plain_queue)} segments, [0-9,]+ words to review")
    child.send("a")  # keys are taken only once the whole queue is read
    child.expect(f"2/{len(plain_queue)}")
    child.send("q")
    child.expect(pexpect.EOF)
    assert saved()[plain_queue[0].source].state is State.APPROVED


def test_a_queue_damaged_past_its_first_screen_is_refused_before_any_key(workspace: Path) -> None:
    queue = Queue("en", "pt", str(ARTICLE), revision_date="2026-12-01 10:00+0000")
    for index in range(200):
        text = f"A frase {index}."
        queue.segments.append(
            Segment(f"Sentence {index}.", text, machine=MachineOutput(text, "argos", "m"))
        )
    write_queue(queue, PO)
    before = PO.read_bytes() + b'\nmsgid "cut off'
    PO.write_bytes(before)
    lines = before.count(b"\n") + 1
    child = spawn(workspace)
    child.expect("reading the rest of the queue…")
    child.expect(f"{PO}:{lines}: malformed PO file")
    child.send("a")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert PO.read_bytes() == before
    assert "Traceback" not in (child.before or "")
