"""The memory of a workspace: where it lives, what it is rebuilt from, how TMX files come in.

The memory is a cache of the review queue plus the memories imported into
the workspace. So that an import is never the only copy of anything, each
imported TMX is kept, as imported (languages chosen, units read), in
``.transflow/memory-imports/``; a rebuild reads the queue and those files.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from pathlib import Path

from transflow.memory.rebuild import approved_segments
from transflow.memory.segment import MemorySegment
from transflow.memory.store import ImportResult, TranslationMemory
from transflow.memory.tmx import read_tmx, write_tmx

IMPORTS_PATH = Path(".transflow") / "memory-imports"


def open_workspace_memory(workspace_dir: Path, locales_dir: Path) -> TranslationMemory:
    """The workspace's memory, rebuilt from ``locales_dir`` and the kept imports if damaged."""
    return TranslationMemory.open(
        workspace_dir, rebuild=lambda: workspace_segments(workspace_dir, locales_dir)
    )


def workspace_segments(workspace_dir: Path, locales_dir: Path) -> Iterator[MemorySegment]:
    """Everything the memory should hold: the queue's approvals, then the kept imports."""
    kept = sorted((workspace_dir / IMPORTS_PATH).glob("*.tmx"))
    return itertools.chain(approved_segments(locales_dir), *(read_tmx(path) for path in kept))


def import_tmx(
    memory: TranslationMemory,
    workspace_dir: Path,
    tmx_path: Path,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
) -> ImportResult:
    """Import a TMX file into the memory (all of it or, on bad input, nothing) and keep a copy."""
    segments = read_tmx(tmx_path, source_lang=source_lang, target_lang=target_lang)
    kept = _kept_copy_path(workspace_dir, tmx_path, segments)
    existed = kept.exists()
    write_tmx(kept, segments)
    try:
        return memory.import_segments(segments)
    except BaseException:
        if not existed:
            kept.unlink(missing_ok=True)
        raise


def _kept_copy_path(workspace_dir: Path, tmx_path: Path, segments: list[MemorySegment]) -> Path:
    """One name per distinct import: importing the same units again replaces the same copy."""
    digest = hashlib.sha256()
    for segment in segments:
        for text in (segment.source_lang, segment.target_lang, segment.source, segment.target):
            digest.update(text.encode("utf-8") + b"\0")
    return workspace_dir / IMPORTS_PATH / f"{tmx_path.stem}-{digest.hexdigest()[:12]}.tmx"


def export_tmx(
    memory: TranslationMemory,
    tmx_path: Path,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
) -> int:
    """Write the memory (of one language pair) as TMX 1.4b; returns the units written."""
    return write_tmx(tmx_path, memory.segments(source_lang=source_lang, target_lang=target_lang))


def rebuilt_workspace_memory(
    workspace_dir: Path, locales_dir: Path
) -> tuple[TranslationMemory, int]:
    """The workspace's memory rebuilt from scratch (``transflow memory rebuild``), and its size.

    The queue and the kept imports are read first: a broken queue file stops
    the rebuild before the memory is touched.
    """
    segments = list(workspace_segments(workspace_dir, locales_dir))
    memory = TranslationMemory.open(workspace_dir, rebuild=lambda: segments)
    return memory, memory.replace_from(segments)
