"""The queue's approvals as memory segments, read with the queue's own API."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import APPROVED, EDITED, JA_SEGMENTS, PT_SEGMENTS, Seg, write_queue_file
from transflow.errors import InputError
from transflow.memory.rebuild import approved_segments, entry_segment
from transflow.memory.segment import Origin


def test_every_approved_entry_becomes_a_segment_with_its_place_and_signoff(
    tmp_path: Path,
) -> None:
    locales = tmp_path / "locales"
    write_queue_file(locales / "pt" / "story.po", "pt", PT_SEGMENTS)
    write_queue_file(locales / "ja" / "story.po", "ja", JA_SEGMENTS)

    segments = list(approved_segments(locales))

    rows = [(s.target_lang, s.source, s.target, s.origin, s.reviewer, s.position) for s in segments]
    assert rows == [
        ("ja", "It is sunny today.", "今日は雨です。", Origin.HUMAN, "Chie", 0),
        ("pt", "The president arrived in Baku.", "O Presidente chegou a Baku ontem.",
         Origin.HUMAN, "Ana", 0),
        # Bruno's later rejection is not a sign-off: Ana's approval is.
        ("pt", "He met the minister.", "Ele encontrou o ministro.", Origin.HUMAN, "Ana", 1),
        # The last sign-off counts.
        ("pt", "Talks lasted two hours.", "As negociações duraram duas horas!",
         Origin.HUMAN, "Bruno", 2),
        ("pt", "Handmade.", "Feito à mão.", Origin.HUMAN, "Ana", 5),
    ]  # fmt: skip
    handmade = segments[-1]
    assert handmade.article == "story.txt"
    assert handmade.source_lang == "en"
    assert (handmade.previous_source, handmade.next_source) == (
        "Edited in Poedit.",
        "The summit ends on Saturday.",
    )
    assert handmade.approved_at == "2025-01-01T10:00:00+00:00"
    assert segments[1].previous_source is None


def test_approvals_without_a_reviewer_are_engine_or_human_by_their_text(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    write_queue_file(
        locales / "pt_BR" / "desk.po",
        "pt_BR",
        [
            Seg("Kept as the engine said.", "Mantido.", "Mantido.", approved=True),
            Seg("Fixed in Poedit.", "Errado.", "Certo.", approved=True),
            Seg("Signed.", "Assinado.", "Assinado.", approved=True, reviews=((APPROVED, "Ana"),)),
            Seg("Redone.", "Antes.", "Depois.", approved=True, reviews=((EDITED, "Bruno"),)),
        ],
    )
    assert [(s.target_lang, s.origin, s.reviewer) for s in approved_segments(locales)] == [
        ("pt-BR", Origin.ENGINE, None),
        ("pt-BR", Origin.HUMAN, None),
        ("pt-BR", Origin.HUMAN, "Ana"),
        ("pt-BR", Origin.HUMAN, "Bruno"),
    ]


def test_a_broken_queue_file_is_an_error_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "locales" / "pt" / "broken.po"
    broken.parent.mkdir(parents=True)
    broken.write_text('msgid "cut off', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.po:1"):
        list(approved_segments(tmp_path / "locales"))
    assert list(approved_segments(tmp_path / "nowhere")) == []


def test_one_entry_as_a_review_decision_hook_records_it(tmp_path: Path) -> None:
    review_file = write_queue_file(tmp_path / "locales" / "pt" / "story.po", "pt", PT_SEGMENTS)
    entries = {segment.source: segment for segment in review_file.active}

    talks = entry_segment(review_file, entries["Talks lasted two hours."])
    assert talks is not None
    assert (talks.position, talks.reviewer, talks.previous_source) == (
        2,
        "Bruno",
        "He met the minister.",
    )
    assert talks == list(approved_segments(tmp_path / "locales"))[2]
    assert entry_segment(review_file, entries["Nothing changed."]) is None  # awaiting review
    (obsolete,) = review_file.obsolete
    assert entry_segment(review_file, obsolete) is None
