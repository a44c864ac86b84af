"""The queue stored as gettext PO: the queue model to PO text and back (syntax in ``po_syntax``).

Queue files pass through other tools — msgcat, msgmerge, msgattrib, Poedit,
Weblate, po2xliff/xliff2po — and must come back with their state intact. So:

* **State lives where those tools keep it.** The machine output, memory
  origin and review history are one-line JSON *translator* comments
  (``# transflow-review: {...}``): every gettext tool and Translate Toolkit
  keeps translator comments, while msgmerge replaces extracted comments
  (``#.``) with the template's and msgcat drops flags it does not know.
  Whether a segment is approved is gettext's own ``fuzzy`` flag; everything
  else about its state is derived (:class:`transflow.queue.model.Segment`).
  Files written by transflow 0.1 (``#.`` comments, ``glossary-violation`` and
  ``needs-work`` flags) are read and upgraded on their next write.
* **Written as gettext writes.** Strings are wrapped at 79 columns on the same
  Unicode line-break opportunities as msgcat (libunistring's algorithm, with
  the break opportunities of UAX #14 from ``unicode_segmentation_rs``), so a
  file passed through msgcat comes back byte for byte and a decision changes
  only its own entry's lines and the header lines it must update.
* **Read strictly.** polib silently accepts a truncated file or an escape
  gettext rejects, which would then be saved back with a translator's work
  cut off or changed; :mod:`transflow.queue.po_syntax` checks and parses in
  one pass and names the first bad line.
* **Atomic and locked.** A temp file in the same directory renamed over the
  original, under a lock held on the language *directory* (flock), so
  concurrent runs never interleave and no lock file is left in ``locales/``.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import gc
import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from unicode_segmentation_rs import line_break_units, text_width

from transflow import __version__
from transflow.errors import InputError, TransflowError
from transflow.fileio import write_text_atomically
from transflow.languages import (
    UnknownLanguageError,
    display_name,
    gettext_name,
    normalise,
    plural_forms,
)
from transflow.queue.model import (
    MachineOutput,
    MemoryOrigin,
    Queue,
    Reference,
    ReviewAction,
    ReviewRecord,
    Segment,
    SegmentConfidence,
)
from transflow.queue.po_syntax import PoCatalog, PoEntry, parse_po

PAGE_WIDTH = 79  # gettext's default output width
LOCK_TIMEOUT_SECONDS = 120.0

MACHINE_TAG = "transflow-mt:"
ALTERNATIVE_TAG = "transflow-alternative:"
MEMORY_TAG = "transflow-memory:"
REVIEW_TAG = "transflow-review:"
PREVIOUS_TRANSLATION_TAG = "transflow-previous-translation:"
CONFIDENCE_TAG = "transflow-confidence:"
# transflow 0.1 wrote these as extracted comments; read, never written.
_LEGACY_ENGINE_TAG = "transflow-engine:"
_LEGACY_MARKUP_LOST_TAG = "transflow-markup-lost:"
_LEGACY_MASKED_TAG = "transflow-glossary-masked:"
_LEGACY_DERIVED_TAGS = ("transflow-glossary:",)
_LEGACY_DERIVED_FLAGS = frozenset({"glossary-violation", "needs-work"})
_TAGS = (
    MACHINE_TAG,
    ALTERNATIVE_TAG,
    MEMORY_TAG,
    REVIEW_TAG,
    PREVIOUS_TRANSLATION_TAG,
    CONFIDENCE_TAG,
    _LEGACY_ENGINE_TAG,
    _LEGACY_MARKUP_LOST_TAG,
    _LEGACY_MASKED_TAG,
    *_LEGACY_DERIVED_TAGS,
)
# Header fields transflow writes itself, in gettext's usual order.
_OWN_HEADER = (
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
    "X-Generator",
    "X-Source-Language",
    "X-Source-File",
)


def po_path(locales_dir: Path, language: str, article: Path) -> Path:
    """Where the queue of ``article`` in ``language`` lives: ``locales/pt_BR/story.po``."""
    return locales_dir / gettext_name(language) / f"{article.stem}.po"


# --- reading -------------------------------------------------------------------


def read_queue(path: Path) -> Queue:
    """The queue stored at ``path``; a missing file is an error (see :func:`load_queue`)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such PO file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a PO file") from None
    except OSError as error:
        raise InputError(path, f"cannot read PO file ({error.strerror})") from error
    return parse_queue(data, path)


# What a queue's head must say itself for it to read as the whole file does.
_HEAD_NEEDS = ("Language", "X-Source-Language", "X-Source-File")


def read_queue_head(path: Path, entries: int) -> tuple[Queue, bool]:
    """The first ``entries`` entries of the queue at ``path``, and whether that is all of it.

    Read for the review's first screen, which needs only the entries it shows;
    the whole file is still read (and checked) before anything is decided.
    The file is cut at a blank line, where gettext's tools end an entry, so
    only the last entry read could be incomplete (a blank line inside an
    entry is legal, if unusual): callers use the entries before it. A head
    without the header fields that name the article and the languages (which
    would otherwise be guessed from the entries read) is not enough: the
    whole file is read then.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read PO file ({error.strerror})") from error
    cut = -1
    for _ in range(entries + 1):  # the header, then the entries
        cut = data.find(b"\n\n", cut + 1)
        if cut < 0:
            return parse_queue(data, path), True
    head, header = _parse(data[: cut + 1], path)
    if not all(header.get(field) for field in _HEAD_NEEDS):
        return parse_queue(data, path), True
    return head, False


def load_queue(path: Path, *, source: str, target: str, article: str) -> Queue:
    """The queue at ``path``, or a new empty one for that article and pair if there is none."""
    if path.exists():
        return read_queue(path)
    return Queue(
        source_language=normalise(source),
        target_language=normalise(target),
        article=article,
        path=path,
    )


def parse_queue(data: bytes, path: Path) -> Queue:
    """Parse PO bytes strictly into a :class:`Queue`; anything gettext would reject is refused."""
    return _parse(data, path)[0]


def _parse(data: bytes, path: Path) -> tuple[Queue, dict[str, str]]:
    """The queue in ``data`` and its PO header's fields."""
    if b"\x00" in data:
        raise InputError(path, "not a PO file (binary data)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(path, "PO file is not valid UTF-8", line) from None
    with _no_cycle_collection():
        catalog = parse_po(text.removeprefix("\ufeff"), path)
        metadata = catalog.metadata()
        _check_charset(metadata, text, path)
        return _queue_from_catalog(catalog, metadata, path), metadata


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a queue is read.

    Reading a 5,000-entry file creates some 100,000 objects, none in a cycle;
    the collector's passes over them (and over everything a CLI process has
    imported) were over a quarter of the read (``benchmarks/README.md``).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _queue_from_catalog(catalog: PoCatalog, metadata: dict[str, str], path: Path) -> Queue:
    header_line = catalog.header.line if catalog.header else 1
    try:
        source = normalise(metadata.get("X-Source-Language") or "en")
        target = normalise(metadata.get("Language") or path.parent.name)
    except UnknownLanguageError as error:
        raise InputError(path, f"bad language in the PO header ({error})", header_line) from None
    if catalog.header is not None and _is_plural(catalog.header):
        raise InputError(path, "plural entries are not part of a translation queue", header_line)
    segments = []
    seen: set[tuple[str | None, str]] = set()
    for entry in catalog.entries:
        if _is_plural(entry):
            raise InputError(path, "plural entries are not part of a translation queue", entry.line)
        if not entry.obsolete:
            key = (entry.msgctxt, entry.msgid)
            if key in seen:
                raise InputError(
                    path, f"malformed PO file (duplicate msgid {entry.msgid[:40]!r})", entry.line
                )
            seen.add(key)
        segments.append(_segment_from_entry(entry))
    article = metadata.get("X-Source-File") or next(
        (ref.path for segment in segments for ref in segment.references), path.stem
    )
    header = {key: value for key, value in metadata.items() if key not in _OWN_HEADER}
    return Queue(
        source_language=source,
        target_language=target,
        article=article,
        segments=segments,
        header=header,
        header_comments=list(catalog.header.translator_comments) if catalog.header else [],
        last_translator=metadata.get("Last-Translator", ""),
        revision_date=metadata.get("PO-Revision-Date", ""),
        path=path,
    )


def _is_plural(entry: PoEntry) -> bool:
    return entry.msgid_plural is not None or entry.has_plural_msgstr


def _segment_from_entry(entry: PoEntry) -> Segment:
    """One PO entry as a segment, reading both today's and transflow 0.1's comments."""
    translator_comments, own_lines = _split_comments(entry.translator_comments)
    extracted_comments: list[str] = []
    if entry.extracted_comments:  # transflow 0.1 kept its state there
        extracted_comments, legacy_lines = _split_comments(entry.extracted_comments)
        own_lines = legacy_lines + own_lines
    fields = _Fields()
    for line in own_lines:
        fields.read(line)
    flags = [flag for flag in entry.flags if flag not in _LEGACY_DERIVED_FLAGS]
    return Segment(
        source=entry.msgid,
        translation=entry.msgstr,
        approved=bool(entry.msgstr) and "fuzzy" not in flags,
        machine=fields.machine(),
        memory=fields.memory,
        history=fields.history,
        confidence=fields.confidence,
        previous_source=entry.previous_msgid,
        previous_translation=fields.previous_translation,
        references=[
            Reference(file, int(line) if line else None) for file, line in entry.occurrences
        ],
        obsolete=entry.obsolete,
        translator_comments=translator_comments,
        extracted_comments=extracted_comments,
        other_flags=[flag for flag in flags if flag != "fuzzy"],
        context=entry.msgctxt,
        line=entry.line,
    )


def _split_comments(lines: list[str]) -> tuple[list[str], list[str]]:
    """A comment block split into other people's lines and transflow's tagged lines."""
    others: list[str] = []
    own: list[str] = []
    for line in lines:
        (own if line.startswith(_TAGS) else others).append(line)
    return others, own


class _Fields:
    """transflow's tagged comment lines of one entry, gathered while reading."""

    __slots__ = (
        "alternatives",
        "confidence",
        "history",
        "legacy_markup_lost",
        "legacy_masked",
        "machine_fields",
        "memory",
        "previous_translation",
    )

    def __init__(self) -> None:
        self.machine_fields: dict[str, Any] | None = None
        self.alternatives: list[str] = []
        self.legacy_markup_lost: list[str] = []  # transflow 0.1's lines
        self.legacy_masked: list[str] = []
        self.memory: MemoryOrigin | None = None
        self.history: list[ReviewRecord] = []
        self.previous_translation: str | None = None
        self.confidence: SegmentConfidence | None = None

    def read(self, line: str) -> None:
        tag, _, raw = line.partition(": ")
        tag += ":"
        value = raw.strip()
        if tag == MACHINE_TAG:
            decoded = _json(value)
            if isinstance(decoded, dict):
                self.machine_fields = decoded
            elif isinstance(decoded, str):  # 0.1: the text alone, details on the engine line
                self.machine_fields = {**(self.machine_fields or {}), "text": decoded}
        elif tag == CONFIDENCE_TAG and isinstance(fields := _json(value), dict):
            self.confidence = _confidence(fields)
        elif tag == REVIEW_TAG and isinstance(fields := _json(value), dict):
            record = _review_record(fields)
            if record is not None:
                self.history.append(record)
        elif tag == ALTERNATIVE_TAG and isinstance(text := _json(value), str):
            self.alternatives.append(text)
        elif tag == MEMORY_TAG and isinstance(fields := _json(value), dict):
            self.memory = _memory_origin(fields)
        elif tag == PREVIOUS_TRANSLATION_TAG and isinstance(text := _json(value), str):
            self.previous_translation = text
        elif tag == _LEGACY_ENGINE_TAG:
            pairs = dict(part.split("=", 1) for part in value.split() if "=" in part)
            self.machine_fields = {**pairs, **(self.machine_fields or {})}
        elif tag == _LEGACY_MARKUP_LOST_TAG:
            self.legacy_markup_lost.append(value)
        elif tag == _LEGACY_MASKED_TAG:
            self.legacy_masked.append(value)

    def machine(self) -> MachineOutput | None:
        fields = self.machine_fields
        if fields is None or not isinstance(fields.get("text"), str):
            return None
        score = fields.get("score")
        try:
            score = None if score is None else float(score)
        except (TypeError, ValueError, OverflowError):
            score = None
        return MachineOutput(
            text=fields["text"],
            engine=str(fields.get("engine", "unknown")),
            model=str(fields.get("model", "unknown")),
            score=score,
            markup_lost=_strings(fields.get("markup_lost", self.legacy_markup_lost)),
            masked_terms=_strings(fields.get("masked", self.legacy_masked)),
            unchecked_inflection=_strings(fields.get("inflection_unchecked", ())),
            alternatives=tuple(self.alternatives),
        )


def _strings(values: Any) -> tuple[str, ...]:
    # A list another tool or hand mangled into something else is dropped, not fatal.
    return tuple(map(str, values)) if isinstance(values, (list, tuple)) else ()


def _memory_origin(fields: dict[str, Any]) -> MemoryOrigin | None:
    if not isinstance(fields.get("text"), str):
        return None
    return MemoryOrigin(
        text=fields["text"],
        reviewer=str(fields.get("by", "")),
        at=str(fields.get("at", "")),
        article=str(fields.get("article", "")),
        origin=str(fields.get("origin", "human")),
        in_context=bool(fields.get("in_context", False)),
    )


def _confidence(fields: dict[str, Any]) -> SegmentConfidence | None:
    # A line another tool mangled is dropped, not fatal: check recomputes it.
    value = fields.get("value")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        return None
    evidence = fields.get("evidence", [])
    return SegmentConfidence(
        value=float(value),
        evidence=tuple(map(str, evidence)) if isinstance(evidence, list) else (),
        round_trip=fields.get("round_trip") is True,
        assessed_id=str(fields.get("of", "")),
    )


def _review_record(fields: dict[str, Any]) -> ReviewRecord | None:
    try:
        text = fields.get("text")
        return ReviewRecord(
            ReviewAction(fields["action"]),
            str(fields["by"]),
            str(fields["at"]),
            str(fields.get("note", "")),
            bool(fields.get("glossary_override", False)),
            str(fields.get("email", "")),
            text if isinstance(text, str) else None,
        )
    except (KeyError, ValueError, TypeError):
        return None  # a hand-damaged record is ignored, not fatal


def _json(raw: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, a number too long, nested too deep
        return None


_CHARSET = re.compile(r"charset=([^\s;]+)", re.IGNORECASE)


def _check_charset(metadata: dict[str, str], text: str, path: Path) -> None:
    """The bytes are UTF-8: a header naming another charset is refused, not silently rewritten."""
    declared = _CHARSET.search(metadata.get("Content-Type", ""))
    charset = declared.group(1).lower() if declared else "utf-8"
    if charset in ("utf-8", "utf8", "charset"):
        return
    if charset in ("ascii", "us-ascii") and text.isascii():
        return
    line = next((n for n, raw in enumerate(text.split("\n"), 1) if "charset=" in raw.lower()), None)
    raise InputError(
        path,
        f"PO header declares charset {declared.group(1) if declared else charset}; "
        "queue files are UTF-8 (convert with 'msgconv --to-code=UTF-8')",
        line,
    )


# --- writing -------------------------------------------------------------------


def format_queue(queue: Queue) -> str:
    """The queue as PO text, exactly as msgcat would write it."""
    blocks = [_header_block(queue)]
    blocks += [_entry_block(segment) for segment in queue.segments if not segment.obsolete]
    blocks += [_entry_block(segment) for segment in queue.segments if segment.obsolete]
    return "\n".join(block for block in blocks if block)


def write_queue(queue: Queue, path: Path | None = None) -> None:
    """Write atomically: readers see the old file or the new one, never a mix."""
    target = path or queue.path
    if target is None:
        raise TransflowError("a queue read from nowhere needs a path to be written to")
    write_text_atomically(target, format_queue(queue))
    queue.path = target


def header_fields(queue: Queue) -> dict[str, str]:
    """The PO header of ``queue``: other tools' fields first, then transflow's own."""
    fields = dict(queue.header)
    fields.setdefault("Project-Id-Version", Path(queue.article).stem)
    fields.setdefault("POT-Creation-Date", queue.revision_date)
    team = queue.header.get("Language-Team") or display_name(queue.target_language)
    own = {
        "PO-Revision-Date": queue.revision_date,
        "Last-Translator": queue.last_translator,
        "Language-Team": team,
        "Language": gettext_name(queue.target_language),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(queue.target_language),
        "X-Generator": f"transflow {__version__}",
        "X-Source-Language": queue.source_language,
        "X-Source-File": queue.article,
    }
    fields.pop("Language-Team", None)
    return {**fields, **own}


def _header_block(queue: Queue) -> str:
    value = "".join(f"{key}: {value}\n" for key, value in header_fields(queue).items())
    lines = [_comment_line("#", line) for line in queue.header_comments]
    lines += _wrap("", "msgid", "")
    lines += _wrap("", "msgstr", value)
    return "".join(line + "\n" for line in lines)


def _entry_block(segment: Segment) -> str:
    lines = [_comment_line("#", line) for line in segment.translator_comments]
    lines += [_comment_line("#", line) for line in _own_comment_lines(segment)]
    prefix = ""
    if segment.obsolete:
        prefix = "#~ "
    else:
        lines += [_comment_line("#.", line) for line in segment.extracted_comments]
        lines += _reference_lines(segment.references)
    flags = (["fuzzy"] if segment.translation and not segment.approved else []) + (
        [] if segment.obsolete else segment.other_flags
    )
    if flags:
        lines.append("#, " + ", ".join(flags))
    if segment.previous_source is not None and not segment.obsolete:
        lines += _wrap("#| ", "msgid", segment.previous_source)
    if segment.context is not None:
        lines += _wrap(prefix, "msgctxt", segment.context)
    lines += _wrap(prefix, "msgid", segment.source)
    lines += _wrap(prefix, "msgstr", segment.translation)
    return "".join(line + "\n" for line in lines)


def _own_comment_lines(segment: Segment) -> list[str]:
    """transflow's facts about a segment, one JSON translator comment line each."""
    lines = []
    if segment.machine is not None:
        machine = segment.machine
        fields: dict[str, Any] = {
            "text": machine.text,
            "engine": machine.engine,
            "model": machine.model,
        }
        if machine.score is not None:
            fields["score"] = round(machine.score, 4)
        if machine.masked_terms:
            fields["masked"] = list(machine.masked_terms)
        if machine.unchecked_inflection:
            fields["inflection_unchecked"] = list(machine.unchecked_inflection)
        if machine.markup_lost:
            fields["markup_lost"] = list(machine.markup_lost)
        lines.append(f"{MACHINE_TAG} {_dump(fields)}")
        lines += [f"{ALTERNATIVE_TAG} {_dump(text)}" for text in machine.alternatives]
    if segment.memory is not None:
        memory = segment.memory
        memory_fields: dict[str, Any] = {
            "text": memory.text,
            "by": memory.reviewer,
            "at": memory.at,
            "article": memory.article,
            "origin": memory.origin,
        }
        if memory.in_context:
            memory_fields["in_context"] = True
        lines.append(f"{MEMORY_TAG} {_dump(memory_fields)}")
    if segment.previous_translation is not None:
        lines.append(f"{PREVIOUS_TRANSLATION_TAG} {_dump(segment.previous_translation)}")
    if segment.confidence is not None:
        lines.append(f"{CONFIDENCE_TAG} {_dump(confidence_fields(segment.confidence))}")
    lines += [f"{REVIEW_TAG} {_dump(review_fields(record))}" for record in segment.history]
    return lines


def confidence_fields(confidence: SegmentConfidence) -> dict[str, Any]:
    """A recorded confidence as the JSON object stored on the entry."""
    fields: dict[str, Any] = {"value": round(confidence.value, 4)}
    if confidence.evidence:
        fields["evidence"] = list(confidence.evidence)
    if confidence.round_trip:
        fields["round_trip"] = True
    fields["of"] = confidence.assessed_id
    return fields


def review_fields(record: ReviewRecord) -> dict[str, Any]:
    """A review record as the JSON object stored (and shown by ``review --list --format json``)."""
    fields: dict[str, Any] = {"action": str(record.action), "by": record.reviewer, "at": record.at}
    if record.email:
        fields["email"] = record.email
    if record.note:
        fields["note"] = record.note
    if record.glossary_override:
        fields["glossary_override"] = True
    if record.text is not None:
        fields["text"] = record.text
    return fields


def _dump(value: Any) -> str:
    # JSON keeps newlines and quotes on one comment line; non-ASCII stays readable.
    return json.dumps(value, ensure_ascii=False)


def _comment_line(marker: str, text: str) -> str:
    return f"{marker} {text}" if text else marker


def _reference_lines(references: Sequence[Reference]) -> list[str]:
    """``#:`` lines filled up to the page width, as gettext fills them."""
    lines: list[str] = []
    line = "#:"
    for reference in references:
        item = str(reference)
        if len(line) > 2 and len(line) + 1 + len(item) > PAGE_WIDTH:
            lines.append(line)
            line = "#:"
        line += " " + item
    if len(line) > 2:
        lines.append(line)
    return lines


# A break opportunity UAX #14 no longer has but libunistring (and so msgcat) takes.
_AFTER_INFIX_SEPARATOR = re.compile(r"(?<=[.,:;])(?=[^\W\d_])")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_ESCAPED = re.compile(r'[\\"\n\t\r]')


def _escape(text: str) -> str:
    return _ESCAPED.sub(lambda match: _ESCAPES[match.group()], text)


def _wrap(prefix: str, name: str, value: str) -> list[str]:
    """``name "value"`` as gettext's ``wrap`` writes it (write-po.c), one list item per line.

    The value is cut after each ``\\n``; a value of several such portions, or
    one that does not fit after ``name``, starts with ``name ""``. Each
    portion is broken greedily at Unicode line-break opportunities so that a
    line, quotes included, fits in 79 columns.
    """
    portions = re.findall(r"[^\n]*\n|[^\n]+", value) or [""]
    after_break = len(prefix) + 1  # the opening quote of a continuation line
    width = PAGE_WIDTH - 1 - after_break
    lines: list[str] = []
    first = True
    for index, portion in enumerate(portions):
        escaped = _escape(portion)
        if first:
            start = len(prefix) + len(name) + 2 - after_break
            pieces = _break_lines(escaped, width, start)
            more = index < len(portions) - 1
            if escaped and (more or start > width or len(pieces) > 1):
                lines.append(f'{prefix}{name} ""')
                first = False
        if not first:
            pieces = _break_lines(escaped, width, 0)
        head = f"{prefix}{name} " if first else prefix
        lines.append(f'{head}"{pieces[0]}"')
        lines += [f'{prefix}"{piece}"' for piece in pieces[1:]]
        first = False
    return lines


def _break_lines(text: str, width: int, start: int) -> list[str]:
    """libunistring's greedy width line breaking over UAX #14 break opportunities.

    A piece is the text between two opportunities (trailing spaces included);
    a line is broken before a piece that would end past ``width``. Breaks
    inside an escape sequence, and before a final ``\\n``, are not taken.
    """
    if not text:
        return [""]
    pieces = _atomic_pieces(text)
    lines: list[str] = []
    current = ""
    column = start
    for piece in pieces:
        piece_width = sum(map(_column_width, piece))
        if current and column + piece_width > width:
            lines.append(current)
            current, column = "", 0
        current += piece
        column += piece_width
    lines.append(current)
    return lines


def _atomic_pieces(text: str) -> list[str]:
    """The text cut at the break opportunities gettext's libunistring finds.

    Those are UAX #14's, but for one rule of an older Unicode version that
    matters in news text (checked against msgcat in the tests): a full stop,
    comma, colon or semicolon before a letter is a break opportunity
    ("U.|S.", "St.|Louis", "president.|az").
    """
    pieces: list[str] = []
    for unit in line_break_units(text):
        if pieces and _ends_inside_escape(pieces[-1]):
            pieces[-1] += unit
        else:
            pieces.append(unit)
    pieces = [part for piece in pieces for part in _AFTER_INFIX_SEPARATOR.split(piece) if part]
    if len(pieces) > 1 and pieces[-1] == "\\n":
        pieces[-2:] = [pieces[-2] + pieces[-1]]
    return pieces


@functools.lru_cache(maxsize=4096)
def _column_width(character: str) -> int:
    """Columns one character takes, as libunistring counts them (no ligatures: "لا" is 2)."""
    return int(text_width(character))


def _ends_inside_escape(text: str) -> bool:
    backslashes = len(text) - len(text.rstrip("\\"))
    return backslashes % 2 == 1


# --- finding and locking queue files ------------------------------------------


def queue_paths(locales_dir: Path, language: str | None = None) -> list[Path]:
    """Every PO file of the queue, optionally of one language."""
    if locales_dir.exists() and not locales_dir.is_dir():
        raise InputError(locales_dir, "is not a directory")
    folder = gettext_name(language) if language else "*"
    return sorted(path for path in locales_dir.glob(f"{folder}/*.po") if path.is_file())


def queue_files(locales_dir: Path, language: str | None = None) -> list[Queue]:
    """Every queue of the workspace (optionally of one language), read strictly."""
    return [read_queue(path) for path in queue_paths(locales_dir, language)]


def select_queue_files(
    locales_dir: Path, paths: Sequence[Path] = (), languages: Sequence[str] = ()
) -> list[Queue]:
    """The queues a command works on (see :func:`select_queue_paths`), read strictly."""
    return [read_queue(path) for path in select_queue_paths(locales_dir, paths, languages)]


def select_queue_paths(
    locales_dir: Path, paths: Sequence[Path] = (), languages: Sequence[str] = ()
) -> list[Path]:
    """The queue files a command works on, named the ways users name them.

    ``paths`` are PO files, or articles whose queue files are looked up for
    each of ``languages`` (all languages present when none are given); no
    paths means the whole queue. A named article without a queue file is an
    error (a named PO file that does not exist is one when it is read).
    """
    if not paths:
        if not languages:
            return queue_paths(locales_dir)
        return [path for language in languages for path in queue_paths(locales_dir, language)]
    available = list(languages) or sorted(
        p.name for p in locales_dir.glob("*") if p.is_dir() and _is_language_folder(p.name)
    )
    selected = []
    for path in paths:
        if path.suffix == ".po":
            selected.append(path)
            continue
        found = [po_path(locales_dir, language, path) for language in available]
        existing = [candidate for candidate in found if candidate.is_file()]
        if not existing:
            wanted = ", ".join(available) or "any language"
            raise InputError(path, f"no queue file in {locales_dir} for {wanted}")
        selected += existing
    return selected


def _is_language_folder(name: str) -> bool:
    try:
        normalise(name)
    except UnknownLanguageError:
        return False
    return True


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the lock of the queue file's folder, so read-modify-write cycles never interleave.

    The lock is an flock on the directory itself: it leaves no file behind and
    is released by the kernel if the process dies.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except FileExistsError:
        raise InputError(folder, "is not a directory") from None
    except OSError as error:
        raise InputError(folder, f"cannot use this directory ({error.strerror})") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
                if time.monotonic() >= deadline:
                    raise TransflowError(
                        f"{path}: still locked by another transflow process after {timeout:.0f} s"
                    ) from None
                time.sleep(0.02)
        # transflow 0.1 left a lock file beside each queue file; the folder lock replaces it.
        legacy_lock = path.with_name(f"{path.name}.lock")
        if legacy_lock.exists():
            legacy_lock.unlink()
        yield
    finally:
        os.close(descriptor)  # closing releases the flock
