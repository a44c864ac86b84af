"""Conflicting approvals: one source translated several ways, several sources one way."""

from __future__ import annotations

from pathlib import Path

from builders import Seg, write_queue_file
from transflow.memory.consistency import (
    ConflictKind,
    Place,
    consistency_check,
    consistency_findings,
    workspace_consistency,
)
from transflow.memory.segment import MemorySegment, Origin
from transflow.queue.checks import CheckKind, Severity
from transflow.queue.model import ReviewAction
from transflow.queue.pofile import read_queue


def approved(
    source: str, target: str, article: str, position: int = 0, origin: Origin = Origin.HUMAN
) -> MemorySegment:
    return MemorySegment(
        source, target, "en", "pt", origin, article=article, position=position, reviewer="Ana"
    )


def test_the_same_source_translated_differently_lists_both_places() -> None:
    findings = consistency_findings(
        [
            approved("Home", "Início", "a.txt", 3),
            approved("Home", "Página inicial", "b.txt", 1),
            approved("Home", "Início", "c.txt"),
        ]
    )
    (finding,) = findings
    assert finding.kind is ConflictKind.TRANSLATED_DIFFERENTLY
    assert finding.severity is Severity.FUNCTIONAL
    assert finding.message == (
        "pt: 'Home' is translated 2 ways: 'Início' (a.txt, c.txt); 'Página inicial' (b.txt)"
    )
    assert [str(place) for place in finding.places] == ["a.txt#4", "b.txt#2", "c.txt#1"]
    assert finding.places[1] == Place("b.txt", 1, "Home", "Página inicial", "Ana")


def test_different_sources_with_the_same_translation_as_poconflicts_invert() -> None:
    (finding,) = consistency_findings(
        [
            approved("The talks failed.", "As conversações fracassaram.", "a.txt"),
            approved("The talks did not fail.", "As conversações fracassaram.", "b.txt"),
        ]
    )
    assert finding.kind is ConflictKind.SAME_TRANSLATION
    assert finding.severity is Severity.FUNCTIONAL
    assert finding.message.startswith(
        "pt: 'As conversações fracassaram.' is the translation of 2 sources: "
    )


def test_differences_of_case_spacing_or_punctuation_are_cosmetic() -> None:
    findings = consistency_findings(
        [
            approved("Breaking news", "Última hora", "a.txt"),
            approved("Breaking  news", "Última hora.", "b.txt"),
            approved("Breaking news!", "Última hora", "c.txt"),
        ]
    )
    assert {(f.kind, f.severity) for f in findings} == {
        (ConflictKind.TRANSLATED_DIFFERENTLY, Severity.COSMETIC),  # "Última hora" vs "…hora."
        (ConflictKind.SAME_TRANSLATION, Severity.COSMETIC),  # "Breaking news" vs "…news!"
    }


def test_consistent_approvals_and_imported_units_give_no_finding() -> None:
    assert (
        consistency_findings(
            [
                approved("Home", "Início", "a.txt"),
                approved("Home", "Início", "b.txt"),
                approved("Home", "Casa", "agency.tmx", origin=Origin.IMPORTED),
                MemorySegment("Home", "Startseite", "en", "de", article="a.txt"),
            ]
        )
        == []
    )


def test_consistency_check_places_a_finding_at_each_entry_involved(tmp_path: Path) -> None:
    approve = ((ReviewAction.APPROVED, "Ana"),)
    first = write_queue_file(
        tmp_path / "pt" / "a.po",
        "pt",
        [
            Seg("Intro.", "Introdução.", "Introdução.", approved=True, reviews=approve),
            Seg("Home", "Página inicial", "Início", approved=True, reviews=approve),
        ],
    )
    second = write_queue_file(
        tmp_path / "pt" / "b.po",
        "pt",
        [
            Seg("Home", "Página inicial", "Página inicial", approved=True, reviews=approve),
            Seg("Away", "Fora", "Fora"),  # not approved: no decision to disagree with
        ],
    )
    findings = consistency_check([first, second])
    assert [(f.po_file.name, f.msgid, f.kind, f.severity) for f in findings] == [
        ("a.po", "Home", CheckKind.CONSISTENCY, Severity.FUNCTIONAL),
        ("b.po", "Home", CheckKind.CONSISTENCY, Severity.FUNCTIONAL),
    ]
    assert findings[0].line == first.find(findings[0].segment_id).line  # type: ignore[union-attr]
    assert "'Início' (a.txt); 'Página inicial' (b.txt)" in findings[0].message

    only_b = workspace_consistency([read_queue(tmp_path / "pt" / "b.po")], tmp_path)
    assert [f.po_file.name for f in only_b] == ["b.po"]  # the other side is still found
