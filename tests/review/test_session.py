"""The review session from Python: moving, searching, filtering, deciding and undoing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from transflow.glossary.model import load_glossary
from transflow.memory.store import TranslationMemory
from transflow.memory.workspace import record_decision
from transflow.queue.model import (
    MachineOutput,
    MemoryOrigin,
    Queue,
    Reference,
    ReviewAction,
    ReviewRecord,
    Segment,
    SegmentConfidence,
    State,
    assessment_id,
    segment_id,
)
from transflow.queue.pofile import read_queue, write_queue
from transflow.queue.review import (
    GlossaryChecker,
    ReviewConflict,
    ReviewDesk,
    ReviewError,
    load_queue,
)
from transflow.review.filters import EntryFilter
from transflow.review.session import ReviewSession

PO = Path("locales/pt/story.po")
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
GLOSSARY = (
    "term,source_lang,kind,policy,pt,forbidden_pt,note\n"
    "Baku,en,place,keep,,Bacu,Capital of Azerbaijan\n"
)


def confidence(value: float, source: str, text: str) -> SegmentConfidence:
    evidence = ("back-translation lost: 'not'",)
    return SegmentConfidence(value, evidence, True, assessment_id(source, text))


def write_story(workspace: Path) -> None:
    """Six entries: plain, a glossary violation, unsure, from memory, rejected, plain."""
    rows = [
        ("The president arrived in Baku.", "O presidente chegou a Baku.", {}),
        ("He left Baku at noon.", "Ele saiu de Bacu ao meio-dia.", {}),
        ("Talks did not end.", "As conversas terminaram.", {"unsure": True}),
        ("The summit ends on Saturday.", "A cimeira termina no sábado.", {"memory": True}),
        ("Prices rose sharply.", "Os preços subiram.", {"rejected": True}),
        ("Nothing else happened.", "Nada mais aconteceu.", {}),
    ]
    queue = Queue("en", "pt", "story.txt", revision_date="2026-11-30 10:00+0000")
    for number, (source, text, traits) in enumerate(rows, start=1):
        segment = Segment(
            source,
            text,
            machine=None if traits.get("memory") else MachineOutput(text, "argos", "m", -0.3),
            references=[Reference("story.txt", number)],
        )
        if traits.get("unsure"):
            segment.confidence = confidence(0.31, source, text)
        if traits.get("memory"):
            segment.memory = MemoryOrigin(text, "Bruno", "2026-11-01T09:00:00+00:00", "old.txt")
        if traits.get("rejected"):
            segment.history.append(
                ReviewRecord(ReviewAction.REJECTED, "Bruno", "2026-11-30T09:00:00+00:00", "tone")
            )
        queue.segments.append(segment)
    PO.parent.mkdir(parents=True, exist_ok=True)
    write_queue(queue, PO)
    (workspace / "glossary").mkdir()
    (workspace / "glossary" / "places.csv").write_text(GLOSSARY, encoding="utf-8")


def keep_memory(queue: Queue, segment: Segment) -> None:
    record_decision(Path(), queue, segment)


@pytest.fixture
def session(workspace: Path) -> ReviewSession:
    write_story(workspace)
    checker = GlossaryChecker(load_glossary([workspace / "glossary"]))
    desk = ReviewDesk("Ana Lima", checker, clock=lambda: NOON, on_saved=keep_memory, undoable=True)
    return ReviewSession(load_queue([read_queue(PO)], checker=checker), desk)


def memory_rows() -> list[dict[str, object]]:
    with TranslationMemory.open_file(Path(".transflow/memory.sqlite")) as memory:
        return [segment.as_dict() for segment in memory.segments()]


def test_next_back_and_the_ends(session: ReviewSession) -> None:
    assert session.index == 0 and not session.back()
    assert session.next() and session.index == 1
    assert session.back() and session.index == 0
    session.index = 5
    assert not session.next() and session.index == 5


def test_go_to_by_number_and_by_id(session: ReviewSession) -> None:
    assert session.go_to("4") is None and session.current.msgid.startswith("The summit")
    wanted = segment_id("Prices rose sharply.")
    assert session.go_to(wanted[:5]) is None and session.index == 4
    assert session.go_to(wanted.upper()) is None and session.index == 4
    for wrong in ("0", "7", "abc", "ffffffff"):
        with pytest.raises(ReviewError, match="no entry"):
            session.go_to(wrong)
    assert session.index == 4


def test_go_to_an_entry_the_filter_hides_clears_the_filter(session: ReviewSession) -> None:
    session.set_filter(EntryFilter.REJECTED)
    assert session.go_to("1") == "filter cleared to show it"
    assert session.filter is EntryFilter.ALL and session.index == 0


def test_search_source_and_translation_next_and_previous(session: ReviewSession) -> None:
    assert session.search("baku") and session.index == 1  # the next match, not this one
    assert session.search_again() and session.index == 0  # wraps
    assert session.search_again(forward=False) and session.index == 1
    assert session.search("SÁBADO") and session.index == 3  # in the translation
    assert not session.search("Lisbon") and session.index == 3
    fresh = ReviewSession(session.items, session.desk)
    with pytest.raises(ReviewError, match="no search yet"):
        fresh.search_again()


def test_filters_and_cycling_past_empty_ones(session: ReviewSession) -> None:
    def shown(chosen: EntryFilter) -> list[int]:
        session.set_filter(chosen)
        positions = [session.index]
        while session.next():
            positions.append(session.index)
        session.index = 0
        session.set_filter(chosen)
        return positions

    assert shown(EntryFilter.FLAGGED) == [1]
    assert shown(EntryFilter.LOW_CONFIDENCE) == [2]
    assert shown(EntryFilter.REJECTED) == [4]
    assert shown(EntryFilter.FROM_MEMORY) == [3]
    session.set_filter(EntryFilter.ALL)
    assert session.cycle_filter() == (EntryFilter.FLAGGED, [])
    assert session.visible == 1 and session.index == 1
    session.approve(confirm_glossary=True)  # nothing else is flagged now
    session.set_filter(EntryFilter.ALL)
    session.index = 0
    assert session.set_filter(EntryFilter.FLAGGED) == 1  # judged when set: still shown
    # No entry has a stale confidence: an edit makes the recorded one not apply.
    session.set_filter(EntryFilter.ALL)
    session.go_to("3")
    session.edit("As conversas não terminaram.")
    assert session.set_filter(EntryFilter.LOW_CONFIDENCE) == 0
    assert session.filter is EntryFilter.ALL  # an empty view is refused


def test_a_confidence_for_another_text_is_not_low(session: ReviewSession) -> None:
    session.go_to("3")
    assert session.current.confidence is not None
    assert session.current.confidence.value == pytest.approx(0.31)
    session.go_to("1")
    assert session.current.confidence is None


def test_progress_counts_entries_and_words_left(session: ReviewSession) -> None:
    progress = session.progress()
    assert (progress.total, progress.decided, progress.left) == (6, 0, 6)
    assert progress.words_left == 5 + 5 + 4 + 5 + 3 + 3
    assert str(progress) == "6 segments, 25 words to review"
    session.approve()
    session.next()
    session.reject("wrong name")  # still awaiting review, but decided in this session
    progress = session.progress()
    assert (progress.decided, progress.left, progress.words_left) == (2, 5, 20)


def test_undo_restores_the_file_byte_for_byte_and_the_memory(session: ReviewSession) -> None:
    before = PO.read_bytes()
    session.approve()
    assert PO.read_bytes() != before
    assert [row["source"] for row in memory_rows()] == ["The president arrived in Baku."]
    undone = session.undo()
    assert undone.action is ReviewAction.APPROVED
    assert PO.read_bytes() == before
    assert memory_rows() == []
    assert session.index == 0 and session.current.state is State.MACHINE
    assert session.progress().decided == 0
    with pytest.raises(ReviewError, match="nothing to undo"):
        session.undo()


def test_a_changed_decision_is_recorded_and_undone_step_by_step(session: ReviewSession) -> None:
    original = PO.read_bytes()
    session.approve()
    approved = PO.read_bytes()
    memory_after_approval = memory_rows()
    session.next()
    session.back()
    assert session.current.state is State.APPROVED
    assert session.current.reviewer == "Ana Lima"
    session.edit("O presidente chegou ontem a Baku.")
    assert [r.action for r in session.current.history] == [
        ReviewAction.APPROVED,
        ReviewAction.EDITED,
    ]
    assert [row["target"] for row in memory_rows()] == ["O presidente chegou ontem a Baku."]
    session.reject("check the date")
    assert session.current.state is State.NEEDS_WORK
    assert memory_rows() == []
    session.undo()
    session.undo()
    assert PO.read_bytes() == approved
    assert memory_rows() == memory_after_approval
    session.undo()
    assert PO.read_bytes() == original
    assert memory_rows() == []


def test_undo_keeps_what_others_changed_in_other_entries(session: ReviewSession) -> None:
    session.approve()
    queue = read_queue(PO)
    queue.active[5].translation = "Nada de mais aconteceu."  # a colleague, in Poedit
    write_queue(queue, PO)
    session.undo()
    restored = read_queue(PO)
    assert restored.active[0].state is State.MACHINE and restored.active[0].history == []
    assert restored.active[5].translation == "Nada de mais aconteceu."


def test_undo_of_an_entry_someone_decided_since_is_refused(session: ReviewSession) -> None:
    session.approve()
    ReviewDesk("Dave", clock=lambda: NOON).reject(PO, session.current.id, "no")
    with pytest.raises(ReviewConflict, match="changed by Dave"):
        session.undo()
    assert read_queue(PO).active[0].state is State.NEEDS_WORK
    assert session.progress().decided == 1  # still on the stack: nothing was undone


def test_the_session_needs_undo_points(workspace: Path) -> None:
    write_story(workspace)
    items = load_queue([read_queue(PO)])
    with pytest.raises(ReviewError, match="undo points"):
        ReviewSession(items, ReviewDesk("Ana")).approve()


def test_past_a_filtered_view_all_entries_are_shown_again(session: ReviewSession) -> None:
    assert session.widen() is None  # unfiltered: the queue's end is the end
    session.set_filter(EntryFilter.REJECTED)
    assert not session.next()
    assert session.widen() is EntryFilter.REJECTED
    assert session.filter is EntryFilter.ALL and session.index == 4
    assert session.next() and session.index == 5


def test_the_time_left_is_estimated_at_the_session_pace(workspace: Path) -> None:
    write_story(workspace)
    now = [0.0]
    checker = GlossaryChecker(load_glossary([workspace / "glossary"]))
    desk = ReviewDesk("Ana", checker, clock=lambda: NOON, undoable=True)
    items = load_queue([read_queue(PO)], checker=checker)
    session = ReviewSession(items, desk, clock=lambda: now[0])
    for _ in range(2):
        session.reject("later")
        session.next()
        now[0] += 60
    assert session.progress().minutes_left is None  # two decisions: no pace yet
    session.reject("later")  # 5 + 5 + 4 = 14 words decided in 3 minutes
    now[0] += 60
    progress = session.progress()
    assert progress.words_left == 25  # rejected entries still await review
    assert progress.minutes_left == pytest.approx(25 * 180 / 14 / 60)
    assert str(progress) == "6 segments, 25 words to review (about 5 min at this pace)"
