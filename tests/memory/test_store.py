"""The SQLite memory: exact and fuzzy lookup, ranking, places, concordance, damage, concurrency."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from transflow.memory.fuzzy import BRUTE_FORCE_BAND
from transflow.memory.segment import MemorySegment, Origin
from transflow.memory.store import (
    MEMORY_PATH,
    SCHEMA_VERSION,
    DamagedMemoryError,
    MemoryRebuiltWarning,
    TranslationMemory,
    TranslationMemoryError,
)
from transflow.queue.diff import DiffOp, Op

ARRIVED = "The president arrived in Baku on Monday."
MET = "He met the foreign minister."
LEFT = "The delegation left on Tuesday."


def approval(
    source: str,
    target: str,
    *,
    article: str = "articles/a.txt",
    position: int = 0,
    before: str | None = None,
    after: str | None = None,
    reviewer: str = "Ana",
    at: str = "2025-01-01T10:00:00+00:00",
    origin: Origin = Origin.HUMAN,
    target_lang: str = "pt",
) -> MemorySegment:
    return MemorySegment(
        source,
        target,
        "en",
        target_lang,
        origin,
        article=article,
        position=position,
        previous_source=before,
        next_source=after,
        reviewer=reviewer,
        approved_at=at,
    )


def imported(source: str, target: str) -> MemorySegment:
    return MemorySegment(
        source, target, "en", "pt", Origin.IMPORTED, reviewer="Agency", imported_from="agency.tmx"
    )


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[TranslationMemory]:
    with TranslationMemory.open(tmp_path) as opened:
        yield opened


def test_the_memory_is_one_sqlite_file_in_wal_mode_with_its_schema_version(
    tmp_path: Path, memory: TranslationMemory
) -> None:
    memory.record_approved(approval(MET, "Ele encontrou o ministro."))
    path = tmp_path / MEMORY_PATH
    assert memory.path == path
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_exact_match_ranks_in_context_then_human_then_engine_then_imported(
    memory: TranslationMemory,
) -> None:
    memory.import_segments([imported(MET, "Reuniu-se com o ministro.")])
    memory.record_approved(
        approval(MET, "Encontrou o MNE.", article="b.txt", origin=Origin.ENGINE, at="2025-03-01")
    )
    memory.record_approved(approval(MET, "Ele esteve com o ministro.", article="c.txt"))
    memory.record_approved(
        approval(MET, "Ele encontrou o ministro.", article="a.txt", position=1, before=ARRIVED)
    )

    matches = memory.exact(MET, "en", "pt", before=ARRIVED)

    assert [(m.target, m.in_context, m.origin) for m in matches] == [
        ("Ele encontrou o ministro.", True, Origin.HUMAN),
        ("Ele esteve com o ministro.", False, Origin.HUMAN),
        ("Encontrou o MNE.", False, Origin.ENGINE),
        ("Reuniu-se com o ministro.", False, Origin.IMPORTED),
    ]
    assert matches[0].score == 100
    assert matches[0].segment.reviewer == "Ana"
    assert matches[0].segment.article == "a.txt"
    # Without context, none is in context; the neighbours must match, not just exist.
    assert not any(m.in_context for m in memory.exact(MET, "en", "pt"))
    assert not any(m.in_context for m in memory.exact(MET, "en", "pt", before=LEFT))


def test_exact_match_ignores_whitespace_and_respects_languages(memory: TranslationMemory) -> None:
    memory.record_approved(approval(MET, "Ele encontrou o ministro."))
    assert memory.exact("He  met the\nforeign minister. ", "en", "pt")
    assert memory.exact(MET, "en", "pt-PT") == []
    assert memory.exact(MET, "de", "pt") == []
    assert memory.exact("He met the minister.", "en", "pt") == []
    # Language tags are normalised on the way in and out.
    memory.record_approved(approval(MET, "Ele se encontrou com o chanceler.", target_lang="pt_BR"))
    assert [m.target for m in memory.exact(MET, "EN", "pt-br")] == [
        "Ele se encontrou com o chanceler."
    ]


def test_approving_the_same_place_again_replaces_the_approval(memory: TranslationMemory) -> None:
    memory.record_approved(approval(MET, "Ele encontrou o ministro."))
    memory.record_approved(approval(MET, "Ele reuniu-se com o ministro.", reviewer="Bruno"))
    matches = memory.exact(MET, "en", "pt")
    assert [(m.target, m.segment.reviewer) for m in matches] == [
        ("Ele reuniu-se com o ministro.", "Bruno")
    ]
    assert memory.stats().segments == 1


def test_importing_the_same_unit_twice_stores_it_once(memory: TranslationMemory) -> None:
    first = memory.import_segments([imported(MET, "Reuniu-se."), imported(MET, "Reuniu-se.")])
    second = memory.import_segments([imported(MET, "Reuniu-se."), imported(LEFT, "Partiu.")])
    assert (first.added, first.duplicates) == (1, 1)
    assert (second.added, second.duplicates) == (1, 1)
    assert memory.stats().segments == 2


def test_forget_removes_the_approval_of_a_place_and_leaves_imported_units(
    memory: TranslationMemory,
) -> None:
    memory.import_segments([imported(MET, "Reuniu-se com o ministro.")])
    memory.record_approved(approval(MET, "Ele encontrou o ministro.", article="a.txt"))
    memory.record_approved(approval(MET, "Ele esteve com o ministro.", article="b.txt", position=4))

    assert memory.forget(MET, "pt", "b.txt", position=3) == 0
    assert memory.forget(MET, "pt", "b.txt", position=4) == 1
    assert memory.forget(MET, "pt", "a.txt") == 1
    assert [m.origin for m in memory.exact(MET, "en", "pt")] == [Origin.IMPORTED]


def test_fuzzy_match_scores_diffs_and_flags_a_changed_number(memory: TranslationMemory) -> None:
    memory.record_approved(approval("Twelve people were hurt, 3 of them badly.", "Doze feridos."))
    memory.record_approved(approval(ARRIVED, "O presidente chegou a Baku na segunda-feira."))

    query = "Twelve people were hurt, 4 of them badly."
    (match,) = memory.fuzzy(query, "en", "pt")

    assert match.target == "Doze feridos."
    assert match.score == round(fuzz.ratio(query, match.source), 1)
    assert 90 < match.score < 100
    assert match.flags == ["differs-in-number"]
    assert match.diff == (
        DiffOp(Op.EQUAL, "Twelve people were hurt, "),
        DiffOp(Op.DELETE, "3"),
        DiffOp(Op.INSERT, "4"),
        DiffOp(Op.EQUAL, " of them badly."),
    )


def test_fuzzy_match_flags_a_negation_and_a_protected_term(memory: TranslationMemory) -> None:
    memory.record_approved(approval(ARRIVED, "O presidente chegou a Baku na segunda-feira."))
    memory.record_approved(approval("The talks were a success.", "As conversações foram um êxito."))

    (term,) = memory.fuzzy(
        "The president arrived in Batumi on Monday.", "en", "pt", terms={"Baku", "Batumi"}
    )
    (negation,) = memory.fuzzy("The talks were not a success.", "en", "pt")

    assert term.flags == ["differs-in-term"]
    assert negation.flags == ["differs-in-negation"]
    # A callable finding the terms works as well as the term texts.
    (called,) = memory.fuzzy(
        "The president arrived in Batumi on Monday.",
        "en",
        "pt",
        terms=lambda text: [word for word in ("Baku", "Batumi") if word in text],
    )
    assert called.differs_in_term


def test_fuzzy_matches_are_best_first_limited_and_above_the_threshold(
    memory: TranslationMemory,
) -> None:
    memory.record_approved(approval(ARRIVED, "Chegou na segunda.", article="a.txt"))
    memory.record_approved(approval(ARRIVED, "Chegou na segunda.", article="b.txt"))
    memory.record_approved(approval(ARRIVED.replace("Monday", "Friday"), "Sexta.", article="c"))
    memory.record_approved(approval(ARRIVED.replace("Baku", "Rome"), "Roma.", article="d"))
    memory.import_segments([imported(ARRIVED, "Chegou segunda-feira.")])

    matches = memory.fuzzy(ARRIVED, "en", "pt", limit=3)
    assert [(m.score, m.target, m.origin) for m in matches] == [
        (100.0, "Chegou na segunda.", Origin.HUMAN),  # twice in the memory, offered once
        (100.0, "Chegou segunda-feira.", Origin.IMPORTED),
        # "Monday" to "Friday" (92.5) is closer than "Baku" to "Rome" (90).
        (92.5, "Sexta.", Origin.HUMAN),
    ]
    assert all(m.score >= 95 for m in memory.fuzzy(ARRIVED, "en", "pt", min_score=95, limit=9))
    assert memory.fuzzy("Something else entirely, nothing alike.", "en", "pt") == []


def test_fuzzy_index_sees_what_other_connections_write_and_forget(tmp_path: Path) -> None:
    with TranslationMemory.open(tmp_path) as reviewer, TranslationMemory.open(tmp_path) as other:
        reviewer.record_approved(approval(ARRIVED, "Chegou na segunda."))
        assert [m.target for m in reviewer.fuzzy(ARRIVED, "en", "pt")] == ["Chegou na segunda."]

        other.record_approved(approval(MET, "Ele encontrou o ministro.", article="b.txt"))
        other.forget(ARRIVED, "pt", "articles/a.txt")

        assert reviewer.fuzzy(ARRIVED, "en", "pt") == []
        assert [m.target for m in reviewer.fuzzy(MET, "en", "pt")] == ["Ele encontrou o ministro."]


def test_fuzzy_lookup_through_the_index_finds_what_brute_force_finds(tmp_path: Path) -> None:
    """A memory big enough that the length band is searched through the word index."""
    words = ["minister", "president", "talks", "summit", "border", "trade"]
    words += ["deal", "army", "rain", "vote", "court", "bank"]
    sources = [
        f"The {words[i % 12]} of {words[(i // 12) % 12]} met the {words[(i // 144) % 12]} "
        f"on day {i} near the {words[(i * 7) % 12]}."
        for i in range(3 * BRUTE_FORCE_BAND)
    ]
    queries = [source.replace("met", "saw") for source in sources[::250]]
    with TranslationMemory.open(tmp_path) as memory:
        memory.replace_from(approval(s, s.upper(), position=i) for i, s in enumerate(sources))
        for query in queries:
            best = process.extractOne(query, sources, scorer=fuzz.ratio)
            (match,) = memory.fuzzy(query, "en", "pt", limit=1)
            assert match.score == round(best[1], 1)


def test_concordance_finds_words_in_source_or_translation(memory: TranslationMemory) -> None:
    memory.record_approved(approval(ARRIVED, "O presidente chegou a Baku na segunda-feira."))
    memory.record_approved(approval(MET, "Ele encontrou o ministro.", article="b.txt"))
    memory.import_segments([imported("The Foreign Minister spoke.", "O chanceler falou.")])
    memory.record_approved(approval("Tokyo is big.", "東京は大きいです。", target_lang="ja"))

    assert {s.source for s in memory.search("foreign minister")} == {
        MET,
        "The Foreign Minister spoke.",
    }
    # Case and accents are folded; the translation is searched too.
    assert [s.source for s in memory.search("SEGUNDA feira")] == [ARRIVED]
    assert [s.article for s in memory.search("encontrou")] == ["b.txt"]
    # Languages written without spaces: the text itself is found.
    assert [s.target for s in memory.search("大きい")] == ["東京は大きいです。"]
    assert memory.search("minister", target_lang="ja") == []
    assert memory.search('"unbalanced') == []


def test_stats_count_segments_by_pair_and_origin(memory: TranslationMemory) -> None:
    memory.record_approved(approval(ARRIVED, "Chegou."))
    memory.record_approved(approval(MET, "Encontrou.", article="b.txt", reviewer="Bruno"))
    memory.import_segments([imported(LEFT, "Partiu.")])
    memory.record_approved(approval(MET, "Traf.", article="b.txt", target_lang="de"))

    stats = memory.stats()

    assert (stats.segments, stats.articles, stats.reviewers) == (4, 2, 3)
    assert [(p.source_lang, p.target_lang, p.segments, p.by_origin) for p in stats.pairs] == [
        ("en", "de", 1, {"human": 1, "engine": 0, "imported": 0}),
        ("en", "pt", 3, {"human": 2, "engine": 0, "imported": 1}),
    ]
    assert stats.size_bytes > 0


def test_replace_from_is_one_transaction(memory: TranslationMemory) -> None:
    memory.record_approved(approval(ARRIVED, "Chegou."))

    def broken() -> Iterator[MemorySegment]:
        yield approval(MET, "Encontrou.")
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        memory.replace_from(broken())
    assert [s.source for s in memory.segments()] == [ARRIVED]

    assert memory.replace_from([approval(MET, "Encontrou."), imported(LEFT, "Partiu.")]) == 2
    assert [s.source for s in memory.segments()] == [MET, LEFT]
    assert memory.exact(ARRIVED, "en", "pt") == []
    assert [m.target for m in memory.fuzzy(MET, "en", "pt")] == ["Encontrou."]


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(b"this is not a database at all\n" * 200)
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif how == "overwritten":  # every page after the first scribbled over
        path.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))


def _filled(tmp_path: Path) -> None:
    with TranslationMemory.open(tmp_path) as memory:
        memory.replace_from(
            approval(f"{ARRIVED} Number {i}.", f"Chegou {i}.", position=i) for i in range(300)
        )


@pytest.mark.parametrize("how", ["garbage", "truncated", "overwritten"])
def test_a_damaged_memory_is_rebuilt_with_one_warning(tmp_path: Path, how: str) -> None:
    _filled(tmp_path)
    _damage(tmp_path / MEMORY_PATH, how)
    rebuilt = [approval(MET, "Ele encontrou o ministro.")]

    with (
        pytest.warns(MemoryRebuiltWarning) as warned,
        TranslationMemory.open(tmp_path, rebuild=lambda: rebuilt) as memory,
    ):
        assert [m.target for m in memory.fuzzy(MET, "en", "pt")] == ["Ele encontrou o ministro."]
        assert memory.stats().segments == 1

    (warning,) = warned
    message = str(warning.message)
    assert "\n" not in message
    assert str(tmp_path / MEMORY_PATH) in message
    assert "damaged" in message
    assert (tmp_path / ".transflow" / "memory.sqlite.damaged").exists()


@pytest.mark.parametrize("how", ["garbage", "truncated", "overwritten"])
def test_a_damaged_memory_without_a_rebuild_is_one_line_error(tmp_path: Path, how: str) -> None:
    _filled(tmp_path)
    _damage(tmp_path / MEMORY_PATH, how)
    with pytest.raises(DamagedMemoryError) as raised, TranslationMemory.open(tmp_path) as memory:
        memory.fuzzy(ARRIVED, "en", "pt")
        memory.stats()
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / MEMORY_PATH))
    assert "transflow memory rebuild" in message


def test_a_database_that_is_not_a_memory_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / MEMORY_PATH
    path.parent.mkdir()
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE photos (id INTEGER)")
    with pytest.raises(DamagedMemoryError, match="not a transflow memory"):
        TranslationMemory.open(tmp_path)


def test_a_memory_of_a_newer_transflow_is_refused(tmp_path: Path) -> None:
    TranslationMemory.open(tmp_path).close()
    with sqlite3.connect(tmp_path / MEMORY_PATH) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(TranslationMemoryError, match="newer transflow"):
        TranslationMemory.open(tmp_path, rebuild=list)


_APPROVER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from transflow.memory.segment import MemorySegment
    from transflow.memory.store import TranslationMemory

    workspace, reviewer, start = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    while not start.exists():
        time.sleep(0.01)
    with TranslationMemory.open(workspace) as memory:
        for number in range(150):
            memory.record_approved(
                MemorySegment(
                    f"Sentence {number} approved by {reviewer}.", f"Frase {number}.", "en", "pt",
                    article=f"{reviewer}.txt", position=number, reviewer=reviewer,
                )
            )
    """
)


def test_two_reviewers_approving_at_once_both_end_up_in_the_memory(tmp_path: Path) -> None:
    TranslationMemory.open(tmp_path).close()
    start = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _APPROVER, str(tmp_path), reviewer, str(start)],
            env=os.environ.copy(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for reviewer in ("Ana", "Bruno")
    ]
    start.touch()
    for process_ in processes:
        _, errors = process_.communicate(timeout=120)
        assert process_.returncode == 0, errors
    with TranslationMemory.open(tmp_path) as memory:
        stats = memory.stats()
        assert (stats.segments, stats.reviewers) == (300, 2)
        assert memory.exact("Sentence 149 approved by Bruno.", "en", "pt")
