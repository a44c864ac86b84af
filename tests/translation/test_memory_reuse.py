"""The team's approved work comes back: translation memory matches in the translate job."""

from __future__ import annotations

import functools
from pathlib import Path

from transflow.engines.argos import ArgosEngine
from transflow.memory.workspace import open_workspace_memory, record_decision
from transflow.queue.model import State
from transflow.queue.pofile import read_queue
from transflow.queue.review import ReviewDesk
from transflow.testing.engines import RecordingEngine
from transflow.translation.batch import run_batch


def _article(path: Path, *sentences: str) -> Path:
    path.write_text(" ".join(sentences) + "\n", encoding="utf-8")
    return path


def _translate(workspace: Path, article: Path, engine: RecordingEngine, **options: object):
    with open_workspace_memory(workspace, workspace / "locales") as memory:
        return run_batch(
            [article],
            targets=["pt"],
            engine_factory=lambda _s, _t: engine,
            approved_memory=memory,
            **options,  # type: ignore[arg-type]
        )


def test_approved_translations_prefill_new_articles_and_skip_the_engine(
    workspace: Path, argos_packages: Path
) -> None:
    first = _article(
        workspace / "first.txt", "Home.", "The minister arrived today.", "Prices rose again."
    )
    _translate(workspace, first, RecordingEngine(ArgosEngine()))
    po_first = workspace / "locales" / "pt" / "first.po"
    queue = read_queue(po_first)
    desk = ReviewDesk(
        "Ana <ana@example.org>", on_saved=functools.partial(record_decision, workspace)
    )
    home, minister, _ = queue.active
    desk.edit(po_first, home.id, "Início.")
    desk.approve(po_first, minister.id)

    second = _article(
        workspace / "second.txt", "Home.", "The minister arrived yesterday.", "Prices rose again."
    )
    engine = RecordingEngine(ArgosEngine())
    report = _translate(workspace, second, engine)
    assert "Home." not in engine.sentences_sent  # the human translation is used
    assert "The minister arrived yesterday." in engine.sentences_sent  # not an exact match
    assert report.outcomes[0].from_approved == 1
    reused = read_queue(workspace / "locales" / "pt" / "second.po").active[0]
    assert reused.translation == "Início."
    assert reused.state is State.MEMORY
    assert reused.memory is not None
    assert (reused.memory.reviewer, reused.memory.article) == ("Ana", "first.txt")
    assert reused.machine is None  # the engine was not asked
    # assessed like any new translation (round trip through the bundled pt→en model)
    assert reused.current_confidence is not None and reused.current_confidence.round_trip


def test_in_context_matches_can_be_approved_directly_but_not_against_the_glossary(
    workspace: Path, argos_packages: Path
) -> None:
    sentences = ("Home.", "Contact us.", "About.")
    first = _article(workspace / "first.txt", *sentences)
    _translate(workspace, first, RecordingEngine(ArgosEngine()))
    po_first = workspace / "locales" / "pt" / "first.po"
    desk = ReviewDesk("Ana", on_saved=functools.partial(record_decision, workspace))
    for segment in read_queue(po_first).active:
        desk.edit(po_first, segment.id, f"{segment.source} (pt)")
    second = _article(workspace / "second.txt", *sentences)
    _translate(workspace, second, RecordingEngine(ArgosEngine()), accept_context_matches=True)
    states = [s.state for s in read_queue(workspace / "locales" / "pt" / "second.po").active]
    assert states == [State.APPROVED] * 3


def test_a_rejected_approval_leaves_the_memory(workspace: Path, argos_packages: Path) -> None:
    first = _article(workspace / "first.txt", "Home.")
    _translate(workspace, first, RecordingEngine(ArgosEngine()))
    po_first = workspace / "locales" / "pt" / "first.po"
    desk = ReviewDesk("Ana", on_saved=functools.partial(record_decision, workspace))
    (home,) = read_queue(po_first).active
    desk.edit(po_first, home.id, "Início.")
    desk.reject(po_first, home.id, "not the house style")
    _translate(
        workspace, _article(workspace / "second.txt", "Home."), RecordingEngine(ArgosEngine())
    )
    (again,) = read_queue(workspace / "locales" / "pt" / "second.po").active
    # the rejected human text is not offered; the model's own output is (reused, not re-run)
    assert again.translation != "Início."
    assert again.state is State.MACHINE and again.memory is None
