"""The workspace translation memory: approved translations in one SQLite file.

``.transflow/memory.sqlite`` in the workspace holds every approved
translation of the review queue and every unit imported from another
memory. It is a cache: the queue files and the imported TMX files (kept in
``.transflow/memory-imports/``) are the real copies, and
:mod:`transflow.memory.rebuild` recreates it from them. That makes damage
harmless: when the opener passes a ``rebuild`` function, a missing file is
built from it and a file SQLite calls corrupt (or that is not a transflow
memory at all) is set aside and rebuilt with a one-line warning; without
one, damage is reported as one line telling the user to run ``transflow
memory rebuild``.

Storage choices:

* WAL journal, so review screens read while another reviewer's decision is
  being written; every write is one ``BEGIN IMMEDIATE`` transaction and
  connections wait up to ``BUSY_TIMEOUT_SECONDS`` for the write lock, so two
  reviewers approving at the same moment both end up in the memory;
* exact lookup by a 64-bit key of the whitespace-normalised source (an
  integer index, a few bytes a row), the text compared after;
* neighbouring sentences stored as keys only: in-context matching needs
  equality, not the text;
* FTS5 (``unicode61``, diacritics folded) over source and target for the
  concordance, as an external-content table so the text is stored once;
* the schema version in ``PRAGMA user_version``; a memory of an older schema
  is rebuilt like a damaged one, one of a newer transflow is refused.

Fuzzy lookup uses an in-memory :class:`~transflow.memory.fuzzy.FuzzyIndex`
per language pair, built on first use.
"""

from __future__ import annotations

import functools
import sqlite3
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from filelock import FileLock

from transflow.errors import TransflowError
from transflow.languages import is_character_level, normalise
from transflow.memory.differences import (
    TermSource,
    differs_in_negation,
    differs_in_number,
    differs_in_term,
    term_finder,
)
from transflow.memory.segment import (
    ORIGIN_RANK,
    Match,
    MemorySegment,
    Origin,
    normalised_text,
    optional_key,
    text_key,
)
from transflow.queue.diff import word_diff

if TYPE_CHECKING:
    from transflow.memory.fuzzy import FuzzyIndex

MEMORY_PATH = Path(".transflow") / "memory.sqlite"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_SECONDS = 60.0
DEFAULT_MIN_SCORE = 75.0
# Rows written after the fuzzy index was built are scored directly until there are
# this many (or a tenth of the index), then the index is rebuilt.
RECENT_ROWS_LIMIT = 2_000

# Rows are added to the full-text index by ``_insert`` in one statement per write, which is
# five times faster than a trigger per row; removals go through this trigger.
_REMOVAL_TRIGGER = """CREATE TRIGGER segment_removed AFTER DELETE ON segment BEGIN
        INSERT INTO segment_text (segment_text, rowid, source, target)
        VALUES ('delete', old.id, old.source, old.target);
    END"""
_SCHEMA = (
    """CREATE TABLE segment (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        source_lang TEXT NOT NULL,
        target_lang TEXT NOT NULL,
        source_key INTEGER NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('human', 'engine', 'imported')),
        article TEXT,
        position INTEGER,
        previous_key INTEGER,
        next_key INTEGER,
        reviewer TEXT,
        approved_at TEXT,
        imported_from TEXT
    )""",
    "CREATE INDEX segment_source ON segment (source_key)",
    # One approval per place in the queue; imported units have no place.
    """CREATE UNIQUE INDEX segment_place
        ON segment (target_lang, article, ifnull(position, -1), source_key)
        WHERE origin != 'imported' AND article IS NOT NULL""",
    """CREATE VIRTUAL TABLE segment_text USING fts5 (
        source, target, content='segment', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    _REMOVAL_TRIGGER,
    # ``epoch`` changes when the memory is replaced wholesale: fuzzy indexes then reload.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT INTO meta (key, value) VALUES ('epoch', '0')",
)
_TABLES = ("segment", "segment_text", "meta")
_COLUMNS = (
    "id, source, target, source_lang, target_lang, origin, article, position, "
    "previous_key, next_key, reviewer, approved_at, imported_from"
)
_INSERTED_COLUMNS = (
    "source, target, source_lang, target_lang, source_key, origin, article, position, "
    "previous_key, next_key, reviewer, approved_at, imported_from"
)
_INSERT = f"INSERT INTO segment ({_INSERTED_COLUMNS}) VALUES ({', '.join('?' * 13)})"
# A unit without a place (imported, or approved outside any article) is stored once.
_INSERT_UNLESS_PRESENT = (
    f"INSERT INTO segment ({_INSERTED_COLUMNS}) "
    f"SELECT {', '.join(f'?{number}' for number in range(1, 14))} "
    "WHERE NOT EXISTS (SELECT 1 FROM segment WHERE source_key = ?5 AND source = ?1 "
    "AND target = ?2 AND source_lang = ?3 AND target_lang = ?4 AND origin = ?6 "
    "AND (origin = 'imported' OR article IS NULL))"
)
_REMOVE_PLACE = (
    "DELETE FROM segment WHERE target_lang = ? AND article = ? AND ifnull(position, -1) = ? "
    "AND source_key = ? AND origin != 'imported'"
)


class TranslationMemoryError(TransflowError):
    """The memory file cannot be used (locked too long, unwritable, too new)."""


class DamagedMemoryError(TranslationMemoryError):
    """The memory file is corrupt, truncated or not a transflow memory, and was not rebuilt."""


class MemoryRebuiltWarning(UserWarning):
    """A damaged memory was set aside and rebuilt from the queue and the imported memories."""


class _Damage(Exception):
    """Internal: what is wrong with the file, before deciding to rebuild or report it."""


@dataclass(frozen=True)
class PairStats:
    source_lang: str
    target_lang: str
    segments: int
    distinct_sources: int
    by_origin: dict[str, int] = field(hash=False)


@dataclass(frozen=True)
class MemoryStats:
    path: Path
    size_bytes: int  # the database file with its write-ahead log
    segments: int
    articles: int
    reviewers: int
    pairs: tuple[PairStats, ...]


@dataclass(frozen=True)
class ImportResult:
    added: int
    duplicates: int  # already in the memory (or repeated in the file)


@dataclass
class _PairIndex:
    """The fuzzy index of one language pair and the rows written since it was built."""

    index: FuzzyIndex
    epoch: str
    loaded_until: int  # the highest row id the index has seen
    recent: dict[str, None] = field(default_factory=dict)  # sources written since, in order


Self = TypeVar("Self", bound="TranslationMemory")
Params = ParamSpec("Params")
Result = TypeVar("Result")


def _recovering(
    method: Callable[Concatenate[TranslationMemory, Params], Result],
) -> Callable[Concatenate[TranslationMemory, Params], Result]:
    """Run ``method``; if SQLite finds the file damaged, rebuild (or report) it and retry once."""

    @functools.wraps(method)
    def wrapper(self: TranslationMemory, *args: Params.args, **kwargs: Params.kwargs) -> Result:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, _Damage) as error:
            self._handle(error)
        return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class TranslationMemory:
    """The approved translations of a workspace, for exact and fuzzy reuse and for search.

    Open with :meth:`open` (the workspace's file) or :meth:`open_file`; the
    object holds one SQLite connection, so use one per thread and ``close``
    it (or use it as a context manager).
    """

    def __init__(
        self, path: Path, rebuild: Callable[[], Iterable[MemorySegment]] | None = None
    ) -> None:
        self.path = path
        self._rebuild = rebuild
        self._connection: sqlite3.Connection | None = None
        self._indexes: dict[tuple[str, str], _PairIndex] = {}
        # Whether opening filled the memory from ``rebuild`` (it was missing or damaged).
        self.rebuilt = False
        missing = not path.exists()
        self._connect_checked()
        if missing and rebuild is not None and not self.rebuilt:
            self.replace_from(rebuild())
            self.rebuilt = True

    @classmethod
    def open(
        cls: type[Self],
        workspace_dir: Path,
        *,
        rebuild: Callable[[], Iterable[MemorySegment]] | None = None,
    ) -> Self:
        """The memory of the workspace at ``workspace_dir``.

        ``rebuild`` yields every segment the memory should hold (see
        :func:`transflow.memory.workspace.workspace_segments`); with it a
        missing file is created from it, and a damaged one set aside and
        rebuilt with a :class:`MemoryRebuiltWarning`. Without it a missing
        file is created empty and a damaged one raises
        :class:`DamagedMemoryError`.
        """
        return cls(workspace_dir / MEMORY_PATH, rebuild)

    @classmethod
    def open_file(
        cls: type[Self], path: Path, *, rebuild: Callable[[], Iterable[MemorySegment]] | None = None
    ) -> Self:
        return cls(path, rebuild)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------

    @_recovering
    def record_approved(self, segment: MemorySegment) -> None:
        """Store an approval, replacing what the memory held for the same place.

        The place is (target language, article, position, source): approving
        the entry again, or editing it, leaves one row. Call this when a
        reviewer approves or edits an entry.
        """
        with self._writing() as connection:
            self._insert(connection, [segment])

    @_recovering
    def forget(
        self, source: str, target_lang: str, article: str, position: int | None = None
    ) -> int:
        """Remove the approval of ``source`` in ``article`` (at ``position``, or at every position).

        Call this when an approved entry is rejected or goes back to review;
        imported units are never removed this way. Returns the rows removed.
        """
        key = text_key(source)
        wanted = normalised_text(source)
        with self._writing() as connection:
            rows = connection.execute(
                "SELECT id, source, position FROM segment WHERE source_key = ? "
                "AND target_lang = ? AND article = ? AND origin != 'imported'",
                (key, normalise(target_lang), article),
            ).fetchall()
            doomed = [
                (row_id,)
                for row_id, stored, stored_position in rows
                if normalised_text(stored) == wanted
                and (position is None or stored_position == position)
            ]
            connection.executemany("DELETE FROM segment WHERE id = ?", doomed)
        return len(doomed)

    def import_segments(self, segments: Iterable[MemorySegment]) -> ImportResult:
        """Add imported units in one transaction: all of them, or none if anything fails."""
        return self._import([_as_imported(segment) for segment in segments])

    def replace_from(self, segments: Iterable[MemorySegment]) -> int:
        """Make the memory hold exactly ``segments`` (a rebuild), in one transaction.

        ``segments`` is consumed before anything is deleted, so a failing
        source (a broken queue file) leaves the memory as it was.
        """
        return self._replace_recovering(list(segments))

    # Iterables are read once, before these (which a recovery runs twice) start.

    @_recovering
    def _import(self, units: Sequence[MemorySegment]) -> ImportResult:
        with self._writing() as connection:
            added = self._insert(connection, units)
        return ImportResult(added, len(units) - added)

    @_recovering
    def _replace_recovering(self, segments: Sequence[MemorySegment]) -> int:
        return self._replace(segments)

    # --- reading -------------------------------------------------------------------

    @_recovering
    def exact(
        self,
        source: str,
        source_lang: str,
        target_lang: str,
        *,
        before: str | None = None,
        after: str | None = None,
    ) -> list[Match]:
        """Approved translations of exactly ``source`` (whitespace aside), best first.

        ``before`` and ``after`` are the sentences around ``source`` in its
        article (None for none: the article's start or end); when either is
        given, a match whose neighbours were the same is ``in_context``. Order:
        in-context before others, then human, engine, imported, then the most
        recent; one match per distinct translation.
        """
        wanted = normalised_text(source)
        with_context = before is not None or after is not None
        context = (optional_key(before), optional_key(after))
        matches = []
        for segment, neighbours in self._rows_for_sources([source], source_lang, target_lang):
            if normalised_text(segment.source) != wanted:
                continue
            in_context = (
                with_context and segment.origin is not Origin.IMPORTED and neighbours == context
            )
            matches.append(Match(segment, 100.0, in_context=in_context))
        return _ranked(matches, limit=None)

    @_recovering
    def fuzzy(
        self,
        source: str,
        source_lang: str,
        target_lang: str,
        *,
        min_score: float = DEFAULT_MIN_SCORE,
        limit: int = 3,
        terms: TermSource | None = None,
    ) -> list[Match]:
        """The ``limit`` best approved translations of sentences like ``source``, best first.

        Scored with ``fuzz.ratio`` (exact matches score 100 and come first);
        equal scores rank human before engine before imported, then the most
        recent. One match per distinct (source, translation). ``terms`` (the
        protected term texts, or a function finding them in a text) sets
        ``differs_in_term``.
        """
        pair = (normalise(source_lang), normalise(target_lang))
        # A few more candidates than asked for, in case some were forgotten since indexing.
        found = dict(self._similar_sources(source, pair, min_score, limit + 3))
        scored = [
            Match(segment, round(found[segment.source], 1))
            for segment, _neighbours in self._rows_for_sources(list(found), *pair)
            if segment.source in found
        ]
        find_terms = term_finder(terms)
        by_character = is_character_level(pair[0])
        return [
            replace(
                match,
                differs_in_number=differs_in_number(match.source, source, pair[0]),
                differs_in_term=differs_in_term(match.source, source, find_terms),
                differs_in_negation=differs_in_negation(match.source, source, pair[0]),
                diff=tuple(word_diff(match.source, source, by_character=by_character)),
            )
            for match in _ranked(scored, limit=limit)
        ]

    @_recovering
    def search(
        self,
        text: str,
        *,
        source_lang: str | None = None,
        target_lang: str | None = None,
        limit: int = 50,
    ) -> list[MemorySegment]:
        """Concordance: segments whose source or translation contains ``text``, best first.

        Words are matched as a phrase by the full-text index, ignoring case
        and accents; when that finds nothing (languages written without
        spaces, punctuation) the segments containing ``text`` as it is are
        listed.
        """
        filters, parameters = _language_filter(source_lang, target_lang)
        words = _fts_words(text)
        rows: list[tuple[Any, ...]] = []
        connection = self._open_connection()
        if words:
            phrase = '"' + " ".join(words) + '"'
            rows = connection.execute(
                f"SELECT {_prefixed_columns('segment')} FROM segment_text "
                "JOIN segment ON segment.id = segment_text.rowid "
                f"WHERE segment_text MATCH ? {filters} ORDER BY rank LIMIT ?",
                (phrase, *parameters, limit),
            ).fetchall()
        if not rows and text.strip():
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM segment WHERE (instr(source, ?) OR instr(target, ?)) "
                f"{filters} ORDER BY id DESC LIMIT ?",
                (text.strip(), text.strip(), *parameters, limit),
            ).fetchall()
        return [_segment(row)[0] for row in rows]

    @_recovering
    def segments(
        self, *, source_lang: str | None = None, target_lang: str | None = None
    ) -> list[MemorySegment]:
        """Every stored segment (of a language pair), oldest first; neighbours are not kept."""
        filters, parameters = _language_filter(source_lang, target_lang)
        rows = (
            self._open_connection()
            .execute(f"SELECT {_COLUMNS} FROM segment WHERE 1 {filters} ORDER BY id", parameters)
            .fetchall()
        )
        return [_segment(row)[0] for row in rows]

    @_recovering
    def stats(self) -> MemoryStats:
        connection = self._open_connection()
        pairs = []
        for source_lang, target_lang, count, distinct in connection.execute(
            "SELECT source_lang, target_lang, count(*), count(DISTINCT source_key) FROM segment "
            "GROUP BY source_lang, target_lang ORDER BY source_lang, target_lang"
        ):
            by_origin = dict.fromkeys((str(origin) for origin in Origin), 0)
            by_origin.update(
                connection.execute(
                    "SELECT origin, count(*) FROM segment WHERE source_lang = ? "
                    "AND target_lang = ? GROUP BY origin",
                    (source_lang, target_lang),
                ).fetchall()
            )
            pairs.append(PairStats(source_lang, target_lang, count, distinct, by_origin))
        segments, articles, reviewers = connection.execute(
            "SELECT count(*), count(DISTINCT CASE WHEN origin != 'imported' THEN article END), "
            "count(DISTINCT reviewer) FROM segment"
        ).fetchone()
        size = sum(
            candidate.stat().st_size
            for candidate in (self.path, self.path.with_name(f"{self.path.name}-wal"))
            if candidate.exists()
        )
        return MemoryStats(self.path, size, segments, articles, reviewers, tuple(pairs))

    # --- internals -----------------------------------------------------------------

    def _open_connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise TranslationMemoryError(f"{self.path}: the translation memory is closed")
        return self._connection

    def _connect_checked(self) -> None:
        """Connect and make sure the file is a memory of this schema (creating it if new)."""
        try:
            self._connect()
        except (sqlite3.DatabaseError, _Damage) as error:
            self._handle(error)

    def _connect(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TranslationMemoryError(
                f"{self.path.parent}: cannot create the memory folder ({error.strerror})"
            ) from None
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        self._connection = connection
        connection.execute("PRAGMA journal_mode = WAL")
        # A cache of the queue files: losing the last commits on a power cut is acceptable.
        connection.execute("PRAGMA synchronous = NORMAL")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            with self._writing():
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                if version == 0:  # no other process created it meanwhile
                    self._create_schema(connection)
                    version = SCHEMA_VERSION
        if version > SCHEMA_VERSION:
            raise TranslationMemoryError(
                f"{self.path}: made by a newer transflow (memory schema {version}, this one "
                f"reads {SCHEMA_VERSION}); upgrade transflow, or delete the file and run "
                "transflow memory rebuild"
            )
        if version < SCHEMA_VERSION:
            raise _Damage(f"memory schema {version} is outdated")
        present = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'virtual table')"
            )
        }
        missing = [table for table in _TABLES if table not in present]
        if missing:
            raise _Damage(f"table {missing[0]} is missing")

    def _create_schema(self, connection: sqlite3.Connection) -> None:
        if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise _Damage("not a transflow memory (it has other tables)")
        for statement in _SCHEMA:
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _handle(self, error: sqlite3.DatabaseError | _Damage) -> None:
        """Rebuild a damaged file (when we can) or raise one line about ``error``."""
        if isinstance(error, sqlite3.DatabaseError) and not _is_damage(error):
            raise TranslationMemoryError(f"{self.path}: {error}") from None
        reason = str(error)
        if self._rebuild is None:
            raise DamagedMemoryError(
                f"{self.path}: the translation memory is damaged ({reason}); "
                "run transflow memory rebuild"
            ) from None
        segments = list(self._rebuild())
        self.close()
        self._indexes.clear()
        damaged = self.path.with_name(f"{self.path.name}.damaged")
        with FileLock(f"{self.path}.lock", timeout=BUSY_TIMEOUT_SECONDS):
            try:
                if self._healthy():  # another process rebuilt it meanwhile
                    self._connect()
                else:
                    self.path.replace(damaged)
                    for suffix in ("-wal", "-shm"):
                        self.path.with_name(f"{self.path.name}{suffix}").unlink(missing_ok=True)
                    self._connect()
                    self._replace(segments)
                self.rebuilt = True
            except (sqlite3.DatabaseError, _Damage) as again:
                raise TranslationMemoryError(
                    f"{self.path}: cannot rebuild the translation memory ({again})"
                ) from None
        warnings.warn(
            MemoryRebuiltWarning(
                f"{self.path}: the translation memory was damaged ({reason}); rebuilt it from "
                f"the review queue and the imported memories (damaged file kept as {damaged.name})"
            ),
            stacklevel=2,
        )

    def _healthy(self) -> bool:
        """Whether the file is now a sound memory: SQLite's own check of every page."""
        try:
            self._connect()
            (verdict,) = self._open_connection().execute("PRAGMA quick_check(1)").fetchone()
        except (sqlite3.DatabaseError, _Damage):
            return False
        finally:
            self.close()
        return bool(verdict == "ok")

    def _replace(self, segments: Sequence[MemorySegment]) -> int:
        with self._writing() as connection:
            # Emptying the full-text index at once is much faster than row by row.
            connection.execute("DROP TRIGGER segment_removed")
            connection.execute("DELETE FROM segment")
            connection.execute("INSERT INTO segment_text (segment_text) VALUES ('delete-all')")
            connection.execute(_REMOVAL_TRIGGER)
            connection.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'epoch'"
            )
            return self._insert(connection, segments)

    def _writing(self) -> _WriteTransaction:
        return _WriteTransaction(self._open_connection(), self.path)

    def _insert(self, connection: sqlite3.Connection, segments: Sequence[MemorySegment]) -> int:
        """Insert ``segments``: a placed one replaces its place; unplaced duplicates are skipped.

        Returns how many were stored. Within ``segments`` the last approval of a place wins.
        """
        by_place = {
            (segment.target_lang, segment.article, _position(segment), segment.key): segment
            for segment in segments
            if _is_placed(segment)
        }
        connection.executemany(_REMOVE_PLACE, by_place)
        (newest,) = connection.execute("SELECT ifnull(max(id), 0) FROM segment").fetchone()
        connection.executemany(_INSERT, (_row(segment) for segment in by_place.values()))
        unplaced = connection.executemany(
            _INSERT_UNLESS_PRESENT,
            (_row(segment) for segment in segments if not _is_placed(segment)),
        )
        connection.execute(
            "INSERT INTO segment_text (rowid, source, target) "
            "SELECT id, source, target FROM segment WHERE id > ?",
            (newest,),
        )
        return len(by_place) + max(unplaced.rowcount, 0)

    def _rows_for_sources(
        self, sources: Sequence[str], source_lang: str, target_lang: str
    ) -> list[tuple[MemorySegment, tuple[int | None, int | None]]]:
        keys = list({text_key(source) for source in sources})
        if not keys:
            return []
        marks = ", ".join("?" * len(keys))
        rows = (
            self._open_connection()
            .execute(
                f"SELECT {_COLUMNS} FROM segment WHERE source_key IN ({marks}) "
                "AND source_lang = ? AND target_lang = ?",
                (*keys, normalise(source_lang), normalise(target_lang)),
            )
            .fetchall()
        )
        return [_segment(row) for row in rows]

    def _similar_sources(
        self, query: str, pair: tuple[str, str], min_score: float, limit: int
    ) -> list[tuple[str, float]]:
        # numpy and RapidFuzz load only when a fuzzy match is asked for: recording an
        # approval or an exact lookup (every review decision, every translate run) needs neither.
        from transflow.memory.fuzzy import best_matches

        state = self._pair_index(pair)
        found = dict(state.index.search(query, min_score=min_score, limit=limit))
        if state.recent:
            found.update(best_matches(query, list(state.recent), min_score=min_score, limit=limit))
        return sorted(found.items(), key=lambda item: -item[1])[:limit]

    def _pair_index(self, pair: tuple[str, str]) -> _PairIndex:
        """The pair's fuzzy index, brought up to date with rows other processes wrote."""
        from transflow.memory.fuzzy import FuzzyIndex

        connection = self._open_connection()
        epoch = connection.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()[0]
        newest = connection.execute("SELECT ifnull(max(id), 0) FROM segment").fetchone()[0]
        state = self._indexes.get(pair)
        if state is not None and state.epoch == epoch:
            if newest > state.loaded_until:
                for (source,) in connection.execute(
                    "SELECT source FROM segment WHERE id > ? AND source_lang = ? "
                    "AND target_lang = ?",
                    (state.loaded_until, *pair),
                ):
                    state.recent[source] = None
                state.loaded_until = newest
            if len(state.recent) <= max(RECENT_ROWS_LIMIT, len(state.index) // 10):
                return state
        sources = [
            source
            for (source,) in connection.execute(
                "SELECT source FROM segment WHERE source_lang = ? AND target_lang = ?", pair
            )
        ]
        state = _PairIndex(
            FuzzyIndex(sources, by_character=is_character_level(pair[0])), epoch, newest
        )
        self._indexes[pair] = state
        return state


class _WriteTransaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``: takes the write lock up front, waits for it, rolls back."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self._path = path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise TranslationMemoryError(
                    f"{self._path}: still locked by another transflow process after "
                    f"{BUSY_TIMEOUT_SECONDS:.0f} s"
                ) from None
            raise
        return self._connection

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self._connection.execute("COMMIT")
        else:
            self._connection.execute("ROLLBACK")


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(error)


def _as_imported(segment: MemorySegment) -> MemorySegment:
    return (
        segment if segment.origin is Origin.IMPORTED else replace(segment, origin=Origin.IMPORTED)
    )


def _is_placed(segment: MemorySegment) -> bool:
    """Whether ``segment`` is the team's approval at a place of the queue (so it has one row)."""
    return segment.article is not None and segment.origin is not Origin.IMPORTED


def _position(segment: MemorySegment) -> int:
    """The position as the place index stores it (-1 for none)."""
    return -1 if segment.position is None else segment.position


def _row(segment: MemorySegment) -> tuple[Any, ...]:
    placed = _is_placed(segment)
    return (
        segment.source,
        segment.target,
        segment.source_lang,
        segment.target_lang,
        segment.key,
        str(segment.origin),
        segment.article,
        segment.position,
        optional_key(segment.previous_source) if placed else None,
        optional_key(segment.next_source) if placed else None,
        segment.reviewer,
        segment.approved_at,
        segment.imported_from,
    )


def _segment(row: Sequence[Any]) -> tuple[MemorySegment, tuple[int | None, int | None]]:
    """A stored row as a segment, with its neighbours' keys."""
    (
        _id,
        source,
        target,
        source_lang,
        target_lang,
        origin,
        article,
        position,
        previous_key,
        next_key,
        reviewer,
        approved_at,
        imported_from,
    ) = row
    segment = MemorySegment(
        source,
        target,
        source_lang,
        target_lang,
        Origin(origin),
        article=article,
        position=position,
        reviewer=reviewer,
        approved_at=approved_at,
        imported_from=imported_from,
    )
    return segment, (previous_key, next_key)


def _ranked(matches: list[Match], *, limit: int | None) -> list[Match]:
    """Best first, one per (source, translation): score, context, origin, then the newest."""
    matches = sorted(matches, key=lambda match: match.segment.approved_at or "", reverse=True)
    matches.sort(key=lambda match: (-match.score, not match.in_context, ORIGIN_RANK[match.origin]))
    chosen: dict[tuple[str, str], Match] = {}
    for match in matches:
        chosen.setdefault((match.source, match.target), match)
    ranked = list(chosen.values())
    return ranked if limit is None else ranked[:limit]


def _language_filter(
    source_lang: str | None, target_lang: str | None
) -> tuple[str, tuple[str, ...]]:
    clauses, parameters = [], []
    if source_lang:
        clauses.append("AND segment.source_lang = ?")
        parameters.append(normalise(source_lang))
    if target_lang:
        clauses.append("AND segment.target_lang = ?")
        parameters.append(normalise(target_lang))
    return " ".join(clauses), tuple(parameters)


def _prefixed_columns(table: str) -> str:
    return ", ".join(f"{table}.{column.strip()}" for column in _COLUMNS.split(","))


def _fts_words(text: str) -> list[str]:
    """The words of ``text`` as FTS5 phrase tokens (quotes doubled, so any text is safe)."""
    return [word.replace('"', '""') for word in text.split() if any(c.isalnum() for c in word)]
