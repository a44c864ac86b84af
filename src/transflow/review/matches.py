"""Fuzzy translation-memory matches for the entry on screen, looked up when it is shown.

The workspace memory (``.transflow/memory.sqlite``) is opened on the first
lookup, and only if it exists: review never creates it (the first saved
decision does, through ``record_decision``, and later lookups then find it).
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from transflow.glossary.model import Glossary
from transflow.memory.segment import Match
from transflow.memory.store import DEFAULT_MIN_SCORE, MEMORY_PATH, TranslationMemory
from transflow.queue.review import QueueItem

MATCHES_SHOWN = 3


class MemoryMatches:
    """The best matches of each entry's source in the workspace memory, cached per entry.

    The entry's own approval (same article and position) is left out: going
    back to an entry just approved should not offer it to itself.
    """

    def __init__(
        self,
        workspace_dir: Path,
        locales_dir: Path,
        glossary: Glossary | None = None,
        *,
        min_score: float = DEFAULT_MIN_SCORE,
        limit: int = MATCHES_SHOWN,
    ) -> None:
        self.workspace_dir = workspace_dir
        self.locales_dir = locales_dir
        self.glossary = glossary or Glossary()
        self.min_score = min_score
        self.limit = limit
        self._memory: TranslationMemory | None = None
        self._open = ExitStack()
        self._found: dict[tuple[Path, str, str], tuple[Match, ...]] = {}
        self._terms: dict[tuple[str, str], list[str]] = {}

    def __enter__(self) -> MemoryMatches:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._open.close()
        self._memory = None

    def for_item(self, item: QueueItem) -> tuple[Match, ...]:
        key = (item.path, item.id, item.msgid)
        if key not in self._found:
            memory = self._opened()
            if memory is None:
                return ()
            self._found[key] = self._lookup(memory, item)
        return self._found[key]

    def known(self, item: QueueItem) -> tuple[Match, ...] | None:
        """The matches of ``item`` if already looked up (or if there is no memory), else None."""
        if self._memory is None and not (self.workspace_dir / MEMORY_PATH).exists():
            return ()
        return self._found.get((item.path, item.id, item.msgid))

    def forget(self) -> None:
        """Look every entry up again when shown: a decision changed the memory."""
        self._found.clear()

    def _lookup(self, memory: TranslationMemory, item: QueueItem) -> tuple[Match, ...]:
        pair = (item.source_language, item.language)
        if pair not in self._terms:
            self._terms[pair] = [term.text for term in self.glossary.for_pair(*pair)]
        terms = self._terms[pair]
        found = memory.fuzzy(
            item.msgid,
            item.source_language,
            item.language,
            min_score=self.min_score,
            limit=self.limit + 1,
            terms=terms,
        )
        others = [match for match in found if not _is_own(match, item)]
        return tuple(others[: self.limit])

    def _opened(self) -> TranslationMemory | None:
        if self._memory is None and (self.workspace_dir / MEMORY_PATH).exists():
            # Imported here: the workspace module brings the TMX reader (lxml) with it.
            from transflow.memory.workspace import existing_workspace_memory

            self._memory = self._open.enter_context(
                existing_workspace_memory(self.workspace_dir, self.locales_dir)
            )
        return self._memory


def _is_own(match: Match, item: QueueItem) -> bool:
    segment = match.segment
    return segment.article == item.article and segment.position == item.position - 1
