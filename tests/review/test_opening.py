"""The entry a review opens on (``transflow.review.opening``): what the whole queue puts first."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from transflow.glossary.model import load_glossary
from transflow.queue.model import MachineOutput, Queue, Reference, Segment
from transflow.queue.pofile import format_queue, read_queue, write_queue
from transflow.queue.review import GlossaryChecker, QueueItem, load_queue
from transflow.review.opening import FIRST_HEAD_ENTRIES, LAST_HEAD_ENTRIES, opening_entry

GLOSSARY = "term,source_lang,kind,policy,pt,forbidden_pt,note\nBaku,en,place,keep,,Bacu,\n"


@pytest.fixture
def checker(tmp_path: Path) -> GlossaryChecker:
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "places.csv").write_text(GLOSSARY, encoding="utf-8")
    return GlossaryChecker(load_glossary([tmp_path / "glossary"]))


def story(path: Path, entries: int, *, approved_first: int = 0, flagged_at: int = -1) -> Path:
    """``entries`` sentences; the first ``approved_first`` approved, one breaking the glossary."""
    queue = Queue("en", "pt", f"{path.stem}.txt", revision_date="2026-12-01 10:00+0000")
    for index in range(entries):
        source = f"Sentence {index} was written in Baku."
        text = f"A frase {index} foi escrita em {'Bacu' if index == flagged_at else 'Baku'}."
        queue.segments.append(
            Segment(
                source,
                text,
                approved=index < approved_first,
                machine=MachineOutput(text, "argos", "m", -0.3),
                references=[Reference(f"{path.stem}.txt", index + 1)],
            )
        )
    write_queue(queue, path)
    return path


def whole_queue_first(paths: list[Path], checker: GlossaryChecker, **options: bool) -> QueueItem:
    return load_queue([read_queue(path) for path in paths], checker=checker, **options)[0]


def same_entry(opening: QueueItem | None, first: QueueItem) -> None:
    assert opening is not None
    # Only the file's length is unknown before the whole file is read.
    assert dataclasses.replace(opening, file_total=first.file_total) == first


@pytest.mark.parametrize("approved_first", [0, 1, 39, 45, 300])
def test_the_opening_entry_is_the_first_of_the_whole_queue(
    tmp_path: Path, checker: GlossaryChecker, approved_first: int
) -> None:
    path = story(tmp_path / "pt" / "story.po", 400, approved_first=approved_first)
    opening = opening_entry([path], checker)
    first = whole_queue_first([path], checker)
    same_entry(opening, first)
    assert first.position == approved_first + 1
    assert opening is not None and opening.next is not None


def test_the_last_entry_of_a_short_file_and_files_with_nothing_to_review(
    tmp_path: Path, checker: GlossaryChecker
) -> None:
    done = story(tmp_path / "pt" / "done.po", 100, approved_first=100)
    last = story(tmp_path / "pt" / "last.po", 3, approved_first=2)
    paths = [done, last]
    same_entry(opening_entry(paths, checker), whole_queue_first(paths, checker))
    opening = opening_entry(paths, checker)
    assert opening is not None and opening.next is None and opening.path == last


def test_flagged_only_opens_on_the_first_flagged_entry(
    tmp_path: Path, checker: GlossaryChecker
) -> None:
    path = story(tmp_path / "pt" / "story.po", 200, flagged_at=150)
    opening = opening_entry([path], checker, flagged_only=True)
    same_entry(opening, whole_queue_first([path], checker, flagged_only=True))
    assert opening is not None and opening.flagged


@pytest.mark.parametrize("approved_first", [FIRST_HEAD_ENTRIES - 2, FIRST_HEAD_ENTRIES - 1])
def test_a_blank_line_inside_an_entry_never_opens_on_a_cut_translation(
    tmp_path: Path, checker: GlossaryChecker, approved_first: int
) -> None:
    """The first head read ends inside the entry shown or the one after it."""
    path = story(tmp_path / "pt" / "story.po", 120, approved_first=approved_first)
    queue = read_queue(path)
    cut = queue.segments[FIRST_HEAD_ENTRIES - 1]
    cut.translation = cut.machine.text if cut.machine else ""
    cut.translation += " E continua numa segunda linha, longa o bastante para ser quebrada."
    # gettext allows a blank line between the lines of a string; no tool writes one.
    lines = format_queue(queue).split("\n")
    second_line = lines.index('msgstr ""', lines.index(f'msgid "{cut.source}"')) + 2
    lines.insert(second_line, "")
    path.write_text("\n".join(lines), encoding="utf-8")
    opening = opening_entry([path], checker)
    same_entry(opening, whole_queue_first([path], checker))


def test_no_opening_entry_far_into_a_file_or_from_a_file_that_cannot_be_read(
    tmp_path: Path, checker: GlossaryChecker
) -> None:
    far = story(
        tmp_path / "pt" / "far.po", LAST_HEAD_ENTRIES + 10, approved_first=LAST_HEAD_ENTRIES
    )
    assert opening_entry([far], checker) is None  # the whole read finds it
    broken = tmp_path / "pt" / "broken.po"
    broken.write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    assert opening_entry([broken], checker) is None  # the whole read reports it
    assert opening_entry([tmp_path / "pt" / "missing.po"], checker) is None


def test_a_head_without_the_header_fields_is_read_whole(
    tmp_path: Path, checker: GlossaryChecker
) -> None:
    """A foreign file without X-Source-File names its article by its first reference."""
    path = story(tmp_path / "pt" / "story.po", 300)
    queue = read_queue(path)
    for segment in queue.segments[:200]:
        segment.references = []
    text = format_queue(queue).replace('"X-Source-File: story.txt\\n"\n', "")
    path.write_text(text, encoding="utf-8")
    opening = opening_entry([path], checker)
    same_entry(opening, whole_queue_first([path], checker))
    assert opening is not None and opening.article == "story.txt"
