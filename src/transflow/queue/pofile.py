"""The review queue on disk: one gettext PO file per article and language.

This is the only module that knows the queue is stored as PO (through
polib). It adds three things polib does not give us:

* strict reading — polib silently accepts a truncated file (an unterminated
  string, a msgid without msgstr), which would then be saved back with a
  translator's work cut off; we check the syntax first and report the line;
* atomic, locked writing — a temp file in the same directory renamed over the
  original, under a file lock, so a crash or a concurrent run never leaves a
  half-written file or loses another writer's entries;
* transflow's per-entry metadata — the original machine translation and the
  engine that produced it, kept in extracted comments (``#.``) that PO
  editors preserve and translators do not edit, so the review can always diff
  a translator's edit against what the engine said.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import polib
from filelock import FileLock, Timeout

from transflow import __version__
from transflow.errors import InputError, TransflowError
from transflow.fileio import write_text_atomically

MACHINE_TRANSLATION_TAG = "transflow-mt:"
ENGINE_TAG = "transflow-engine:"
MARKUP_LOST_TAG = "transflow-markup-lost:"
GLOSSARY_PROBLEM_TAG = "transflow-glossary:"
GLOSSARY_MASKED_TAG = "transflow-glossary-masked:"
REVIEW_TAG = "transflow-review:"
ALTERNATIVE_TAG = "transflow-alternative:"
PREVIOUS_TRANSLATION_TAG = "transflow-previous-translation:"
_MACHINE_TAGS = (
    MACHINE_TRANSLATION_TAG,
    ENGINE_TAG,
    MARKUP_LOST_TAG,
    GLOSSARY_PROBLEM_TAG,
    GLOSSARY_MASKED_TAG,
    ALTERNATIVE_TAG,
)
# A gettext flag, so any PO tool can filter on it; msgfmt ignores flags it does not know.
GLOSSARY_FLAG = "glossary-violation"
LOCK_TIMEOUT_SECONDS = 120
# polib re-wraps long "#." comments with textwrap, which splits the one-line JSON
# of a machine translation and collapses its whitespace; unwrapped lines (as
# ``msgcat --no-wrap`` writes them) keep every entry lossless.
WRAP_WIDTH = 0


class EntryState(StrEnum):
    UNTRANSLATED = "untranslated"
    MACHINE = "machine"  # fuzzy: produced by the engine, awaiting review
    APPROVED = "approved"
    OBSOLETE = "obsolete"


@dataclass(frozen=True)
class MachineTranslation:
    """What the engine produced for an entry, kept after any human edit."""

    text: str
    engine: str
    model: str
    score: float | None
    # Inline markup that could not be put back into the text (Markdown only).
    markup_lost: tuple[str, ...] = ()
    # Protected-term occurrences in the source, and how many came out as approved.
    term_occurrences: int = 0
    terms_correct: int = 0
    # Why the translation breaks the glossary; non-empty means flagged for review.
    glossary_problems: tuple[str, ...] = ()
    # Terms put back after masking: the words around them deserve a look.
    masked_terms: tuple[str, ...] = ()
    # Other engine hypotheses, as good on the glossary, offered to the reviewer.
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueueStats:
    total: int
    awaiting_review: int
    approved: int
    untranslated: int
    obsolete: int
    flagged: int  # awaiting review and breaking the glossary


def po_path(locales_dir: Path, language: str, article: Path) -> Path:
    """Where the queue file of ``article`` in ``language`` lives."""
    return locales_dir / language / f"{article.stem}.po"


def entry_state(entry: polib.POEntry) -> EntryState:
    if entry.obsolete:
        return EntryState.OBSOLETE
    if not entry.msgstr:
        return EntryState.UNTRANSLATED
    if entry.fuzzy:
        return EntryState.MACHINE
    return EntryState.APPROVED


def machine_translation(entry: polib.POEntry) -> MachineTranslation | None:
    """The engine output recorded on ``entry``, or None for entries made by hand."""
    text = None
    fields: dict[str, str] = {}
    lists: dict[str, list[str]] = {tag: [] for tag in _MACHINE_TAGS}
    for line in entry.comment.splitlines():
        if line.startswith(MACHINE_TRANSLATION_TAG):
            text = _decode_comment_text(line.removeprefix(MACHINE_TRANSLATION_TAG))
        elif line.startswith(ENGINE_TAG):
            fields = dict(
                part.split("=", 1) for part in line.removeprefix(ENGINE_TAG).split() if "=" in part
            )
        else:
            for tag, values in lists.items():
                if line.startswith(tag):
                    values.append(line.removeprefix(tag).strip())
    if text is None:
        return None
    correct, _, occurrences = fields.get("terms", "0/0").partition("/")
    return MachineTranslation(
        text,
        fields.get("engine", "unknown"),
        fields.get("model", "unknown"),
        float(fields["score"]) if "score" in fields else None,
        markup_lost=tuple(lists[MARKUP_LOST_TAG]),
        term_occurrences=int(occurrences) if occurrences.isdigit() else 0,
        terms_correct=int(correct) if correct.isdigit() else 0,
        glossary_problems=tuple(lists[GLOSSARY_PROBLEM_TAG]),
        masked_terms=tuple(lists[GLOSSARY_MASKED_TAG]),
        alternatives=tuple(
            text
            for raw in lists[ALTERNATIVE_TAG]
            if (text := _decode_comment_text(raw)) is not None
        ),
    )


def record_machine_translation(entry: polib.POEntry, machine: MachineTranslation) -> None:
    """Set ``entry`` to the engine's output, awaiting review, replacing older engine metadata."""
    kept = [line for line in entry.comment.splitlines() if not line.startswith(_MACHINE_TAGS)]
    engine_line = f"{ENGINE_TAG} engine={machine.engine} model={machine.model}"
    if machine.score is not None:
        engine_line += f" score={machine.score:.4f}"
    if machine.term_occurrences:
        engine_line += f" terms={machine.terms_correct}/{machine.term_occurrences}"
    # JSON keeps newlines and quotes of the translation on one comment line.
    text_line = f"{MACHINE_TRANSLATION_TAG} {json.dumps(machine.text, ensure_ascii=False)}"
    notes = [
        *(f"{GLOSSARY_PROBLEM_TAG} {problem}" for problem in machine.glossary_problems),
        *(f"{GLOSSARY_MASKED_TAG} {term}" for term in machine.masked_terms),
        *(f"{MARKUP_LOST_TAG} {lost}" for lost in machine.markup_lost),
        *(
            f"{ALTERNATIVE_TAG} {json.dumps(text, ensure_ascii=False)}"
            for text in machine.alternatives
        ),
    ]
    entry.comment = "\n".join([engine_line, text_line, *notes, *kept])
    entry.msgstr = machine.text
    if "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    if machine.glossary_problems and GLOSSARY_FLAG not in entry.flags:
        entry.flags.append(GLOSSARY_FLAG)
    elif not machine.glossary_problems and GLOSSARY_FLAG in entry.flags:
        entry.flags.remove(GLOSSARY_FLAG)


def record_previous_translation(entry: polib.POEntry, text: str) -> None:
    """Keep the approved translation of the sentence this entry's source replaced."""
    line = f"{PREVIOUS_TRANSLATION_TAG} {json.dumps(text, ensure_ascii=False)}"
    entry.comment = f"{entry.comment}\n{line}" if entry.comment else line


def previous_translation(entry: polib.POEntry) -> str | None:
    """What a reviewer approved for the previous source, a starting point for the new one."""
    for line in entry.comment.splitlines():
        if line.startswith(PREVIOUS_TRANSLATION_TAG):
            return _decode_comment_text(line.removeprefix(PREVIOUS_TRANSLATION_TAG))
    return None


def is_flagged(entry: polib.POEntry) -> bool:
    """Awaiting review with a glossary violation: review shows these first."""
    return GLOSSARY_FLAG in entry.flags and entry_state(entry) is EntryState.MACHINE


class ReviewAction(StrEnum):
    APPROVED = "approved"  # the translation as it stood
    EDITED = "edited"  # the reviewer's own translation, approved
    REJECTED = "rejected"  # needs work; stays awaiting review


@dataclass(frozen=True)
class ReviewRecord:
    """One reviewer decision on an entry; entries keep their whole history."""

    action: ReviewAction
    reviewer: str
    at: str  # ISO 8601, UTC
    note: str = ""
    # Approved although the translation breaks the glossary; the reviewer confirmed.
    glossary_override: bool = False


def entry_id(entry: polib.POEntry) -> str:
    """A short id that survives reordering and edits elsewhere in the article."""
    return hashlib.sha1(entry.msgid.encode("utf-8")).hexdigest()[:8]


def review_history(entry: polib.POEntry) -> list[ReviewRecord]:
    """Every decision recorded on ``entry``, oldest first."""
    records = []
    for line in entry.comment.splitlines():
        if not line.startswith(REVIEW_TAG):
            continue
        try:
            fields = json.loads(line.removeprefix(REVIEW_TAG))
            records.append(
                ReviewRecord(
                    ReviewAction(fields["action"]),
                    str(fields["by"]),
                    str(fields["at"]),
                    str(fields.get("note", "")),
                    bool(fields.get("glossary_override", False)),
                )
            )
        except (json.JSONDecodeError, KeyError, ValueError, TypeError):
            continue  # a hand-damaged record is ignored, not fatal
    return records


def record_review(entry: polib.POEntry, record: ReviewRecord) -> None:
    """Append ``record`` to the entry's history (one JSON comment line)."""
    fields: dict[str, object] = {
        "action": str(record.action),
        "by": record.reviewer,
        "at": record.at,
    }
    if record.note:
        fields["note"] = record.note
    if record.glossary_override:
        fields["glossary_override"] = True
    line = f"{REVIEW_TAG} {json.dumps(fields, ensure_ascii=False)}"
    entry.comment = f"{entry.comment}\n{line}" if entry.comment else line


def _decode_comment_text(raw: str) -> str | None:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, str) else None


class ReviewFile:
    """One PO file of the queue, read strictly and written atomically."""

    def __init__(self, path: Path, catalog: polib.POFile) -> None:
        self.path = path
        self.catalog = catalog

    @classmethod
    def load(cls, path: Path) -> ReviewFile:
        """Read ``path``; a missing file is an empty queue, a malformed one an InputError."""
        if not path.exists():
            catalog = polib.POFile(wrapwidth=WRAP_WIDTH)
            return cls(path, catalog)
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(path, "PO file is not valid UTF-8") from error
        except OSError as error:
            raise InputError(path, f"cannot read PO file ({error.strerror})") from error
        check_po_syntax(text, path)
        try:
            catalog = polib.pofile(text, wrapwidth=WRAP_WIDTH)
        except (OSError, ValueError) as error:
            line = _line_from_polib_message(str(error))
            raise InputError(path, f"malformed PO file ({error})", line) from error
        _check_unique_msgids(catalog, path)
        return cls(path, catalog)

    def active_entries(self) -> list[polib.POEntry]:
        return [entry for entry in self.catalog if not entry.obsolete]

    def obsolete_entries(self) -> list[polib.POEntry]:
        return [entry for entry in self.catalog if entry.obsolete]

    def stats(self) -> QueueStats:
        states = [entry_state(entry) for entry in self.catalog]
        return QueueStats(
            total=sum(state is not EntryState.OBSOLETE for state in states),
            awaiting_review=states.count(EntryState.MACHINE),
            approved=states.count(EntryState.APPROVED),
            untranslated=states.count(EntryState.UNTRANSLATED),
            obsolete=states.count(EntryState.OBSOLETE),
            flagged=sum(is_flagged(entry) for entry in self.catalog),
        )

    def update_header(
        self, *, language: str, source_language: str, project: str, source_file: str
    ) -> None:
        now = _po_date(datetime.now(UTC))
        metadata = self.catalog.metadata
        metadata.setdefault("Project-Id-Version", project)
        metadata.setdefault("POT-Creation-Date", now)
        metadata["PO-Revision-Date"] = now
        metadata.setdefault("Last-Translator", "")
        metadata.setdefault("Language-Team", "")
        metadata["Language"] = language
        metadata["MIME-Version"] = "1.0"
        metadata["Content-Type"] = "text/plain; charset=UTF-8"
        metadata["Content-Transfer-Encoding"] = "8bit"
        metadata["X-Generator"] = f"transflow {__version__}"
        metadata["X-Source-Language"] = source_language
        metadata["X-Source-File"] = source_file

    def save(self) -> None:
        """Write atomically: readers see the old file or the new one, never a mix."""
        write_text_atomically(self.path, str(self.catalog) + "\n")


def queue_files(locales_dir: Path, language: str | None = None) -> list[ReviewFile]:
    """Every PO file of the queue (optionally of one language), loaded strictly."""
    pattern = f"{language}/*.po" if language else "*/*.po"
    return [ReviewFile.load(path) for path in sorted(locales_dir.glob(pattern))]


def select_queue_files(
    locales_dir: Path, paths: Sequence[Path] = (), languages: Sequence[str] = ()
) -> list[ReviewFile]:
    """The queue files a command works on, named the ways users name them.

    ``paths`` are PO files, or articles whose queue files are looked up for
    each of ``languages`` (all languages present when none are given); no
    paths means the whole queue. A named file that does not exist is an error.
    """
    if not paths:
        if not languages:
            return queue_files(locales_dir)
        return [review for language in languages for review in queue_files(locales_dir, language)]
    available = languages or sorted(p.name for p in locales_dir.glob("*") if p.is_dir())
    selected = []
    for path in paths:
        if path.suffix == ".po":
            if not path.is_file():
                raise InputError(path, "no such PO file")
            selected.append(ReviewFile.load(path))
            continue
        found = [po_path(locales_dir, language, path) for language in available]
        existing = [candidate for candidate in found if candidate.is_file()]
        if not existing:
            wanted = ", ".join(available) or "any language"
            raise InputError(path, f"no queue file in {locales_dir} for {wanted}")
        selected += [ReviewFile.load(candidate) for candidate in existing]
    return selected


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the queue file's lock, so read-modify-write cycles never interleave."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(f"{path}.lock")
    try:
        with lock.acquire(timeout=timeout):
            yield
    except Timeout:
        raise TransflowError(
            f"{path}: still locked by another transflow process after {timeout:.0f} s"
        ) from None


def _po_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M+0000")


# --- strict syntax check -------------------------------------------------------

_KEYWORD_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*)$')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"\s*$')


def check_po_syntax(text: str, path: Path) -> None:
    """Reject what polib would silently misread, naming the first bad line.

    Catches unterminated strings, stray text, and an entry cut off before its
    msgstr — the shapes a truncated or hand-damaged file takes.
    """
    pending_msgid_line: int | None = None
    last_keyword: str | None = None
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.strip()
        if line.startswith("#"):
            # Only obsolete entries (#~) carry syntax; other comments are free text.
            if not line.startswith("#~"):
                continue
            line = line[2:].strip()
            if not line or line.startswith("|"):
                continue
        if not line:
            continue
        keyword_match = _KEYWORD_LINE.match(line)
        if keyword_match:
            keyword, string = keyword_match.groups()
            if not _STRING.match(string):
                raise InputError(
                    path, f"malformed PO file (unterminated string after {keyword})", number
                )
            if keyword == "msgid":
                if pending_msgid_line is not None:
                    raise InputError(
                        path, "malformed PO file (msgid without msgstr)", pending_msgid_line
                    )
                pending_msgid_line = number
            elif keyword.startswith("msgstr"):
                if pending_msgid_line is None and last_keyword is None:
                    raise InputError(path, "malformed PO file (msgstr without msgid)", number)
                pending_msgid_line = None
            last_keyword = keyword
        elif line.startswith('"'):
            if last_keyword is None or not _STRING.match(line):
                raise InputError(path, "malformed PO file (unterminated or stray string)", number)
        else:
            raise InputError(path, f"malformed PO file (unexpected text {line[:30]!r})", number)
    if pending_msgid_line is not None:
        raise InputError(
            path, "malformed PO file (entry cut off before its msgstr)", pending_msgid_line
        )


def _check_unique_msgids(catalog: polib.POFile, path: Path) -> None:
    seen: set[tuple[str | None, str]] = set()
    for entry in catalog:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            line = entry.linenum if getattr(entry, "linenum", None) else None
            raise InputError(
                path, f"malformed PO file (duplicate msgid {entry.msgid[:40]!r})", line
            )
        seen.add(key)


def _line_from_polib_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None
