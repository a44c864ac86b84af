"""Bringing a queue up to date with its article (``transflow.queue.merge``)."""

from __future__ import annotations

from pathlib import Path

from transflow.queue.merge import Occurrence, Prefill, merge, missing
from transflow.queue.model import (
    MachineOutput,
    Queue,
    ReviewAction,
    ReviewRecord,
    Segment,
    State,
)
from transflow.queue.pofile import read_queue, write_queue

ARTICLE = "articles/story.txt"


def _machine(text: str) -> Prefill:
    return Prefill(machine=MachineOutput(text.upper(), "argos", "copy"))


def _article(*sentences: str) -> list[Occurrence]:
    return [Occurrence(text, number) for number, text in enumerate(sentences, start=1)]


def _through_disk(queue: Queue, tmp_path: Path) -> Queue:
    path = tmp_path / "pt" / "story.po"
    write_queue(queue, path)
    return read_queue(path)


def test_a_sentence_that_leaves_and_comes_back_keeps_its_whole_history(tmp_path: Path) -> None:
    queue = Queue("en", "pt", ARTICLE)
    first = _article("One.", "Two.", "Three.")
    merge(queue, first, {s.text: _machine(s.text) for s in first}, ARTICLE)
    two = queue.segments[1]
    two.translation, two.approved = "Dois.", True
    two.history.append(
        ReviewRecord(ReviewAction.EDITED, "Ann", "2025-01-01T10:00:00+00:00", text="Dois.")
    )
    before = (two.translation, two.machine, list(two.history))
    queue = _through_disk(queue, tmp_path)

    result = merge(queue, _article("One.", "Three."), {}, ARTICLE)
    assert result.obsoleted == 1
    queue = _through_disk(queue, tmp_path)  # obsolete entries are written as #~
    assert [s.source for s in queue.obsolete] == ["Two."]

    result = merge(queue, first, {}, ARTICLE)
    assert (result.reused, result.translated) == (3, 0)
    queue = _through_disk(queue, tmp_path)
    back = queue.find(queue.segments[1].id)
    assert back is not None and back.source == "Two."
    assert (back.translation, back.machine, back.history) == before
    assert back.state is State.APPROVED
    assert queue.obsolete == []


def test_a_changed_sentence_remembers_the_previous_source_and_approval() -> None:
    queue = Queue("en", "pt", ARTICLE)
    merge(
        queue,
        _article("The talks end on Friday."),
        {"The talks end on Friday.": _machine("x")},
        ARTICLE,
    )
    old = queue.segments[0]
    old.translation, old.approved = "As negociações terminam na sexta.", True
    new_text = "The talks end on Saturday."
    assert missing(queue, [new_text], {}) == [new_text]
    merge(queue, _article(new_text), {new_text: _machine(new_text)}, ARTICLE)
    segment = queue.active[0]
    assert segment.previous_source == "The talks end on Friday."
    assert segment.previous_translation == "As negociações terminam na sexta."
    assert segment.state is State.MACHINE
    assert [s.source for s in queue.obsolete] == ["The talks end on Friday."]


def test_approved_segments_are_never_touched_and_order_follows_the_article() -> None:
    queue = Queue("en", "pt", ARTICLE)
    sentences = _article("A.", "B.")
    merge(queue, sentences, {s.text: _machine(s.text) for s in sentences}, ARTICLE)
    queue.segments[0].approved = True
    approved = queue.segments[0]
    result = merge(queue, _article("B.", "A.", "A."), {}, ARTICLE)
    assert [s.source for s in queue.active] == ["B.", "A."]
    assert queue.active[1] is approved and approved.translation == "A."
    assert [str(r) for r in approved.references] == [f"{ARTICLE}:2", f"{ARTICLE}:3"]
    assert (result.reused, result.approved) == (2, 1)


def test_a_partial_save_leaves_the_rest_untranslated() -> None:
    queue = Queue("en", "pt", ARTICLE)
    sentences = _article("A.", "B.")
    merge(queue, sentences, {"A.": _machine("A."), "B.": Prefill()}, ARTICLE)
    assert [s.state for s in queue.active] == [State.MACHINE, State.UNTRANSLATED]
    assert missing(queue, ["A.", "B."], {}) == ["B."]


def test_a_memory_prefill_is_marked_and_may_be_approved() -> None:
    from transflow.queue.model import MemoryOrigin

    queue = Queue("en", "pt", ARTICLE)
    origin = MemoryOrigin(
        "Início", "Ann", "2025-01-01T10:00:00+00:00", "other.txt", in_context=True
    )
    merge(queue, _article("Home"), {"Home": Prefill(memory=origin, approve=True)}, ARTICLE)
    segment = queue.active[0]
    assert (segment.translation, segment.memory, segment.state) == (
        "Início",
        origin,
        State.APPROVED,
    )
    assert segment.origin == "memory"
    assert Segment("x", "y", memory=origin).state is State.EDITED  # text differs from the match
