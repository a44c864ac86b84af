"""Scripted decisions by two reviewers on one entry: applied, or refused in one line, never lost.

``approve``, ``edit`` and ``reject`` read the entry, then decide under the
file's lock; an entry a colleague decided since that read, or had approved
before it, is refused naming who and when, unless ``--force``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import assert_one_line_error
from transflow.cli import app
from transflow.engines.argos import ArgosEngine
from transflow.queue.model import ReviewAction, Segment, State
from transflow.queue.pofile import read_queue
from transflow.translation.pipeline import translate_article

ARTICLE = Path("articles/azerbaijan-israel-presidents-baku.txt")
PO = Path("locales/pt/azerbaijan-israel-presidents-baku.po")


@pytest.fixture
def ids(workspace: Path, argos_packages: Path) -> list[str]:
    translate_article(ARTICLE, target="pt", engine=ArgosEngine())
    return [segment.id for segment in read_queue(PO).active]


def as_reviewer(name: str, *args: str):
    return CliRunner(env={"TRANSFLOW_REVIEWER": name}).invoke(app, list(args))


def entries() -> dict[str, Segment]:
    return {segment.id: segment for segment in read_queue(PO).active}


def test_an_entry_a_colleague_approved_is_not_overwritten(ids: list[str]) -> None:
    assert as_reviewer("Dave", "edit", str(PO), ids[0], "Texto da Dave.").exit_code == 0
    when = entries()[ids[0]].history[-1].at
    for command in (
        ["edit", str(PO), ids[0], "Texto da Eve."],
        ["approve", str(PO), ids[0]],
        ["reject", str(PO), ids[0], "--note", "rever"],
    ):
        refused = as_reviewer("Eve", *command)
        assert_one_line_error(refused, ids[0], f"changed by Dave at {when}", "--force")
    entry = entries()[ids[0]]
    assert entry.translation == "Texto da Dave."
    assert [r.reviewer for r in entry.history] == ["Dave"]

    forced = as_reviewer("Eve", "edit", "--force", str(PO), ids[0], "Texto da Eve.")
    assert forced.exit_code == 0, forced.output
    entry = entries()[ids[0]]
    assert entry.translation == "Texto da Eve."
    assert [r.reviewer for r in entry.history] == ["Dave", "Eve"]


def test_the_same_reviewer_may_revise_their_own_decision(ids: list[str]) -> None:
    assert as_reviewer("Dave", "edit", str(PO), ids[0], "Primeira.").exit_code == 0
    assert as_reviewer("Dave", "edit", str(PO), ids[0], "Segunda.").exit_code == 0
    assert entries()[ids[0]].translation == "Segunda."


def test_a_rejected_entry_can_be_fixed_by_a_colleague_afterwards(ids: list[str]) -> None:
    """Not a clash: the rejection was there when the colleague's command read the entry."""
    assert as_reviewer("Dave", "reject", str(PO), ids[0], "--note", "tempo verbal").exit_code == 0
    fixed = as_reviewer("Eve", "edit", str(PO), ids[0], "Texto corrigido.")
    assert fixed.exit_code == 0, fixed.output
    entry = entries()[ids[0]]
    assert [(r.action, r.reviewer) for r in entry.history] == [
        (ReviewAction.REJECTED, "Dave"),
        (ReviewAction.EDITED, "Eve"),
    ]
    assert entry.state is State.APPROVED


# Each worker decides entry k once, after both have reached entry k (a file barrier), so
# the two decisions on every entry start together. Approvals and edits only: whichever
# lands second meets an approved entry, so exactly one must win however the two interleave.
WORKER = """
import json, sys, time
from pathlib import Path
from typer.testing import CliRunner
from transflow.cli import app

name, other, po, sync, *jobs = sys.argv[1:]
runner = CliRunner(env={"TRANSFLOW_REVIEWER": name})
for step, job in enumerate(jobs):
    action, item = job.split(":")
    Path(sync, f"{name}-{step}").touch()
    deadline = time.monotonic() + 60
    while not Path(sync, f"{other}-{step}").exists() and time.monotonic() < deadline:
        time.sleep(0.0005)
    args = ["approve", po, item] if action == "approve" else ["edit", po, item, f"{name} {step}."]
    result = runner.invoke(app, args)
    print(json.dumps({"id": item, "action": action, "code": result.exit_code,
                      "stderr": result.stderr}), flush=True)
"""

PAIRS = [("edit", "edit"), ("edit", "approve"), ("approve", "edit"), ("approve", "approve")]


def test_two_reviewers_deciding_at_once_never_lose_a_decision(
    ids: list[str], tmp_path: Path
) -> None:
    sync = tmp_path / "barrier"
    sync.mkdir()
    plan = {
        "Dave": [f"{PAIRS[k % 4][0]}:{item}" for k, item in enumerate(ids)],
        "Eve": [f"{PAIRS[k % 4][1]}:{item}" for k, item in enumerate(ids)],
    }
    environment = {**os.environ}
    workers = {
        name: subprocess.Popen(
            [sys.executable, "-c", WORKER, name, other, str(PO), str(sync), *plan[name]],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for name, other in (("Dave", "Eve"), ("Eve", "Dave"))
    }
    outcomes = {}
    for name, worker in workers.items():
        stdout, stderr = worker.communicate(timeout=600)
        assert worker.returncode == 0, stderr
        outcomes[name] = [json.loads(line) for line in stdout.splitlines()]

    final = entries()
    for dave, eve in zip(outcomes["Dave"], outcomes["Eve"], strict=True):
        winners = [(name, o) for name, o in (("Dave", dave), ("Eve", eve)) if o["code"] == 0]
        assert len(winners) == 1, (dave, eve)
        (winner, won), (loser_outcome,) = winners[0], [o for o in (dave, eve) if o["code"]]
        lines = loser_outcome["stderr"].strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), loser_outcome
        assert f"changed by {winner} at" in lines[0]
        entry = final[won["id"]]
        assert [r.reviewer for r in entry.history] == [winner]
        assert entry.state is State.APPROVED
        if won["action"] == "edit":
            step = ids.index(won["id"])
            assert entry.translation == f"{winner} {step}."
