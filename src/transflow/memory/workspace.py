"""The memory of a workspace: where it lives, what it is rebuilt from, how TMX files come in.

The memory is a cache of the review queue plus the memories imported into
the workspace. So that an import is never the only copy of anything, each
imported TMX file is kept as it was in ``.transflow/memory-imports/``, with
a JSON file of the options it was imported with; a rebuild reads the queue
and those files.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from transflow.errors import InputError
from transflow.fileio import read_input_bytes, write_text_atomically
from transflow.memory.rebuild import approved_segments, entry_segment
from transflow.memory.segment import MemorySegment
from transflow.memory.store import MEMORY_PATH, ImportResult, TranslationMemory
from transflow.memory.tmx import read_tmx, write_tmx
from transflow.queue.model import Queue, Segment

IMPORTS_PATH = Path(".transflow") / "memory-imports"


def open_workspace_memory(workspace_dir: Path, locales_dir: Path) -> TranslationMemory:
    """The workspace's memory, built from ``locales_dir`` and the kept imports if missing or
    damaged."""
    return TranslationMemory.open(
        workspace_dir, rebuild=lambda: workspace_segments(workspace_dir, locales_dir)
    )


@contextmanager
def existing_workspace_memory(
    workspace_dir: Path, locales_dir: Path
) -> Iterator[TranslationMemory | None]:
    """The workspace's memory if it has one (the first saved decision creates it), else None.

    ``translate`` and ``batch`` read the memory; they never create it, so a
    job in a workspace without approvals (or on a read-only disk) writes only
    its queue files.
    """
    if not (workspace_dir / MEMORY_PATH).exists():
        yield None
        return
    with open_workspace_memory(workspace_dir, locales_dir) as memory:
        yield memory


def record_decision(workspace_dir: Path, queue: Queue, segment: Segment) -> None:
    """Keep the memory in step with one saved review decision on ``segment`` of ``queue``.

    An approval or edit is recorded (replacing what the memory held for that
    place); a rejection forgets the approval. A missing memory is built from
    the queue the decision was saved in, which already holds the decision.
    """
    locales_dir = queue.path.parent.parent if queue.path else Path("locales")
    with open_workspace_memory(workspace_dir, locales_dir) as memory:
        approved = entry_segment(queue, segment)
        if approved is not None:
            memory.record_approved(approved)
        else:
            position = next((i for i, s in enumerate(queue.active) if s is segment), None)
            memory.forget(segment.source, queue.target_language, queue.article, position)


def workspace_segments(workspace_dir: Path, locales_dir: Path) -> Iterator[MemorySegment]:
    """Everything the memory should hold: the queue's approvals, then the kept imports."""
    kept = sorted((workspace_dir / IMPORTS_PATH).glob("*.json"))
    return itertools.chain(approved_segments(locales_dir), *map(_kept_import, kept))


def rebuilt_workspace_memory(
    workspace_dir: Path, locales_dir: Path
) -> tuple[TranslationMemory, int]:
    """The workspace's memory rebuilt from scratch (``transflow memory rebuild``), and its size.

    The queue and the kept imports are read first: a broken queue file stops
    the rebuild before the memory is touched.
    """
    segments = list(workspace_segments(workspace_dir, locales_dir))
    memory = TranslationMemory.open(workspace_dir, rebuild=lambda: segments)
    if not memory.rebuilt:
        memory.replace_from(segments)
    return memory, memory.stats().segments


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
    options = {"file": tmx_path.name, "source_lang": source_lang, "target_lang": target_lang}
    digest = hashlib.sha256(read_input_bytes(tmx_path, "a TMX file"))
    digest.update(json.dumps(options, sort_keys=True).encode("utf-8"))
    kept = workspace_dir / IMPORTS_PATH / f"{tmx_path.stem}-{digest.hexdigest()[:12]}.tmx"
    result = memory.import_segments(segments)
    _keep_copy(tmx_path, kept)
    write_text_atomically(kept.with_suffix(".json"), json.dumps(options, indent=2) + "\n")
    return result


def export_tmx(
    memory: TranslationMemory,
    tmx_path: Path,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
) -> int:
    """Write the memory (of one language pair) as TMX 1.4b; returns the units written."""
    return write_tmx(tmx_path, memory.segments(source_lang=source_lang, target_lang=target_lang))


def _kept_import(options_path: Path) -> list[MemorySegment]:
    """The segments of one kept import, read with the options it was imported with."""
    try:
        options = json.loads(read_input_bytes(options_path, "a JSON file"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(options_path, f"damaged import record ({error})") from None
    if not isinstance(options, dict):
        raise InputError(options_path, "damaged import record (not a JSON object)")
    return read_tmx(
        options_path.with_suffix(".tmx"),
        source_lang=options.get("source_lang"),
        target_lang=options.get("target_lang"),
        imported_from=options.get("file"),
    )


def _keep_copy(source: Path, destination: Path) -> None:
    """Copy ``source`` to ``destination`` in one rename, so a crash never leaves half a copy."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=destination.parent, suffix=".tmp", delete=False) as copy:
        temporary = Path(copy.name)
    try:
        shutil.copyfile(source, temporary)
        temporary.replace(destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
