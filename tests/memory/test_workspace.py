"""The workspace's memory: rebuilt from the queue and the kept imports, exchanged as TMX."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import PT_SEGMENTS, write_queue_file
from transflow.errors import InputError
from transflow.memory.segment import MemorySegment, Origin
from transflow.memory.store import MEMORY_PATH, MemoryRebuiltWarning
from transflow.memory.tmx import write_tmx
from transflow.memory.workspace import (
    IMPORTS_PATH,
    export_tmx,
    import_tmx,
    open_workspace_memory,
    rebuilt_workspace_memory,
)

QUERIES = ("The president arrived in Baku today.", "Talks lasted three hours.", "Handmade!")


def matches(workspace: Path, locales: Path) -> list[list[tuple[str, str, float]]]:
    with open_workspace_memory(workspace, locales) as memory:
        return [
            [(m.source, m.target, m.score) for m in memory.fuzzy(query, "en", "pt")]
            for query in QUERIES
        ]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    write_queue_file(tmp_path / "locales" / "pt" / "story.po", "pt", PT_SEGMENTS)
    return tmp_path


def test_rebuild_from_the_queue_gives_the_same_matches_after_deleting_the_file(
    workspace: Path,
) -> None:
    locales = workspace / "locales"
    memory, count = rebuilt_workspace_memory(workspace, locales)
    memory.close()
    assert count == 4
    before = matches(workspace, locales)
    assert before[0][0][1] == "O Presidente chegou a Baku ontem."

    (workspace / MEMORY_PATH).unlink()
    rebuilt_workspace_memory(workspace, locales)[0].close()
    assert matches(workspace, locales) == before
    # A missing memory is built on first use, without being asked.
    (workspace / MEMORY_PATH).unlink()
    assert matches(workspace, locales) == before


def test_export_then_import_into_a_fresh_workspace_gives_the_same_matches(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    locales = workspace / "locales"
    rebuilt_workspace_memory(workspace, locales)[0].close()
    tmx = workspace / "newsroom.tmx"
    with open_workspace_memory(workspace, locales) as memory:
        assert export_tmx(memory, tmx, target_lang="pt") == 4

    fresh = tmp_path_factory.mktemp("fresh")
    with open_workspace_memory(fresh, fresh / "locales") as memory:
        result = import_tmx(memory, fresh, tmx)
        assert (result.added, result.duplicates) == (4, 0)
        assert {m.origin for m in memory.fuzzy(QUERIES[0], "en", "pt")} == {Origin.IMPORTED}
    assert matches(fresh, fresh / "locales") == matches(workspace, locales)


def test_imports_are_kept_and_come_back_in_a_rebuild(workspace: Path) -> None:
    locales = workspace / "locales"
    tmx = workspace / "agency.tmx"
    write_tmx(
        tmx,
        [MemorySegment("The president arrived in Baku.", "O presidente chegou.", "en", "pt-BR")],
    )
    with open_workspace_memory(workspace, locales) as memory:
        import_tmx(memory, workspace, tmx, target_lang="pt")
        again = import_tmx(memory, workspace, tmx, target_lang="pt")
        assert (again.added, again.duplicates) == (0, 1)
    kept = sorted(path.suffix for path in (workspace / IMPORTS_PATH).iterdir())
    assert kept == [".json", ".tmx"]  # the same import, kept once
    tmx.unlink()

    (workspace / MEMORY_PATH).unlink()
    with rebuilt_workspace_memory(workspace, locales)[0] as memory:
        found = memory.exact("The president arrived in Baku.", "en", "pt")
        assert memory.stats().pairs[0].by_origin == {"human": 4, "engine": 0, "imported": 1}
    assert [(m.origin, m.target, m.segment.imported_from) for m in found] == [
        (Origin.HUMAN, "O Presidente chegou a Baku ontem.", None),
        (Origin.IMPORTED, "O presidente chegou.", "agency.tmx"),
    ]


def test_a_bad_import_changes_nothing(workspace: Path) -> None:
    locales = workspace / "locales"
    rebuilt_workspace_memory(workspace, locales)[0].close()
    bad = workspace / "bad.tmx"
    bad.write_text(
        '<tmx version="1.4"><header srclang="en"/><body>'
        '<tu><tuv xml:lang="en"><seg>One</seg></tuv><tuv xml:lang="pt"><seg>Um</seg></tuv></tu>'
        '<tu><tuv xml:lang="fr"><seg>Deux</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    with open_workspace_memory(workspace, locales) as memory:
        with pytest.raises(InputError, match=r"bad\.tmx:1: translation unit has no en text"):
            import_tmx(memory, workspace, bad)
        assert memory.stats().segments == 4
    assert not (workspace / IMPORTS_PATH).exists()


def test_a_damaged_workspace_memory_is_rebuilt_from_the_queue(workspace: Path) -> None:
    locales = workspace / "locales"
    rebuilt_workspace_memory(workspace, locales)[0].close()
    before = matches(workspace, locales)
    (workspace / MEMORY_PATH).write_bytes(b"\0garbage" * 1000)
    with pytest.warns(MemoryRebuiltWarning, match="rebuilt it from the review queue"):
        assert matches(workspace, locales) == before
