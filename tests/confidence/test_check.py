"""The issue's check, end to end: translate with a real engine, damage some entries, check.

The article is translated by the bundled Bergamot en→pt model through
``transflow translate``, which records each entry's confidence (round trip
through the bundled pt→en model). A translator then damages four entries
with ``transflow edit`` — half a sentence dropped, a negation removed, another
sentence's clause appended, a name replaced — and ``transflow check``, which
assesses every translation again, approved edits included, must rank each
damaged entry below every undamaged one and report it as a finding.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from typer.testing import CliRunner

from transflow.cli import app
from transflow.queue.model import segment_id
from transflow.queue.pofile import read_queue

SENTENCES = [
    "The mayor of Lisbon said the metro line would not reopen before June.",
    "Heavy rain flooded dozens of homes in the north of the country on Sunday.",
    "Ana Costa, the head of the hospital, thanked the nurses for their work.",
    "The government plans to build ten new schools next year.",
    "The festival attracted more than twenty thousand visitors.",
    "Scientists found a rare species of frog in the mountains.",
    "The bank raised interest rates for the third time this year.",
    "Fishermen protested against the new quotas outside parliament.",
]
PO = Path("locales/pt/news.po")


def drop_second_half(translations: list[str]) -> tuple[int, str]:
    words = translations[1].split()
    return 1, " ".join(words[: len(words) // 2]) + "."


def remove_negation(translations: list[str]) -> tuple[int, str]:
    assert " não " in translations[0], translations[0]
    return 0, translations[0].replace(" não ", " ", 1)


def append_clause(translations: list[str]) -> tuple[int, str]:
    return 3, translations[3].rstrip(".") + ", e " + translations[5][0].lower() + translations[5][
        1:
    ]


def replace_name(translations: list[str]) -> tuple[int, str]:
    assert "Costa" in translations[2], translations[2]
    return 2, translations[2].replace("Costa", "Pereira")


DAMAGES: list[Callable[[list[str]], tuple[int, str]]] = [
    drop_second_half,
    remove_negation,
    append_clause,
    replace_name,
]


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@dataclass(frozen=True)
class Damaged:
    workspace: Path
    sources: set[str]  # the sentences whose entry was damaged


@pytest.fixture(scope="module")
def damaged() -> Iterator[Damaged]:
    """The article translated and four of its entries damaged by edits (module-wide: the
    engines load once)."""
    with TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv("TRANSFLOW_ENGINE", raising=False)
        Path("news.txt").write_text(" ".join(SENTENCES) + "\n", encoding="utf-8")
        invoke("translate", "news.txt", "--to", "pt", "--engine", "bergamot", "--no-glossary")
        translations = [segment.translation for segment in read_queue(PO).active]
        sources = set()
        for damage in DAMAGES:
            index, text = damage(translations)
            invoke("edit", str(PO), segment_id(SENTENCES[index]), text, "--reviewer", "Ana")
            sources.add(SENTENCES[index])
        yield Damaged(Path(folder), sources)


def check(*options: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(invoke("check", "--format", "json", *options))
    return report


def test_translate_records_a_round_trip_confidence_on_every_entry(damaged: Damaged) -> None:
    queue = read_queue(damaged.workspace / PO)
    assert [segment.source for segment in queue.active] == SENTENCES
    for segment in queue.active:
        assert segment.confidence is not None and segment.confidence.round_trip
    # the engine's own translations keep theirs; an edit leaves the recorded one stale
    current = {s.source for s in queue.active if s.current_confidence is not None}
    assert current == set(SENTENCES) - damaged.sources


def test_check_ranks_every_damaged_translation_below_every_undamaged_one(
    damaged: Damaged,
) -> None:
    report = check()
    entries = {entry["msgid"]: entry for entry in report["entries"]}
    assert set(entries) == set(SENTENCES)
    low = [entries[text]["confidence"] for text in damaged.sources]
    sound = [entries[text]["confidence"] for text in set(SENTENCES) - damaged.sources]
    assert max(low) < min(sound), entries
    for text in damaged.sources:
        assert entries[text]["round_trip"] and entries[text]["evidence"], entries[text]
        assert entries[text]["state"] == "approved"  # a human edit, checked all the same
    findings = [row for row in report["findings"] if row["check"] == "confidence"]
    assert {row["source"] for row in findings} == damaged.sources
    assert all(row["severity"] in ("critical", "functional") for row in findings)
    assert all(entries[row["source"]]["evidence"][0] in row["message"] for row in findings)


def test_low_confidence_fails_the_check(damaged: Damaged) -> None:
    result = CliRunner().invoke(app, ["check", "--fail-on", "functional"])
    assert result.exit_code == 1, result.output
    assert "confidence" in result.stdout


def test_no_confidence_skips_the_round_trip(damaged: Damaged) -> None:
    entries = check("--no-confidence")["entries"]
    assert len(entries) == len(SENTENCES)
    assert not any(entry["round_trip"] for entry in entries)
