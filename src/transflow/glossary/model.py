"""The protected-terms glossary: CSV files in ``glossary/``, loaded strictly.

A glossary maintainer edits these files by hand or with ``transflow glossary
add``; translation depends on them being right, so loading reports every
problem with ``file:line`` and a glossary with errors is never half-applied.

One row per source term::

    term,source_lang,kind,policy,pt,de,note
    Ilham Aliyev,en,person,keep,,,President of Azerbaijan
    Azerbaijan,en,place,translate,Azerbaijão,Aserbaidschan,

``policy`` is ``keep`` (reproduce the term verbatim) or ``translate`` (use
the approved form in the target-language column). Optional
``forbidden_<lang>`` columns list renderings the engine must never produce
(``|``-separated), e.g. the European ``Polónia`` where Brazilian ``Polônia``
is approved. Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from transflow.errors import TransflowError
from transflow.glossary.grammar import NO_ARTICLE, RULES, rules_for


class Policy(StrEnum):
    KEEP = "keep"
    TRANSLATE = "translate"


class TermKind(StrEnum):
    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"
    EVENT = "event"
    OTHER = "other"


REQUIRED_COLUMNS = ("term", "source_lang", "kind", "policy")
OPTIONAL_COLUMNS = ("note",)
FORBIDDEN_PREFIX = "forbidden_"
ARTICLE_PREFIX = "article_"
FORBIDDEN_SEPARATOR = "|"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")
_KIND_ALIASES = {"organization": TermKind.ORGANISATION, "org": TermKind.ORGANISATION}
_POLICY_VALUES = frozenset(policy.value for policy in Policy)
_KIND_VALUES = frozenset(kind.value for kind in TermKind)


@dataclass(frozen=True)
class Origin:
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Term:
    text: str
    source_lang: str
    kind: TermKind
    policy: Policy
    # Dicts are not hashable; terms are hashed by the other fields.
    targets: Mapping[str, str] = field(hash=False)
    forbidden: Mapping[str, tuple[str, ...]] = field(hash=False)
    note: str
    origin: Origin
    # The definite article the target form takes, by language ("a", or "-" for
    # none), so masking can correct the article before it (``term_articles``).
    articles: Mapping[str, str] = field(default_factory=dict, hash=False)

    def target_form(self, language: str) -> str | None:
        """The exact text the translation must contain, or None if none is approved."""
        if self.policy is Policy.KEEP:
            return self.targets.get(language) or self.text
        return self.targets.get(language) or None


@dataclass(frozen=True)
class GlossaryProblem:
    origin: Origin
    message: str
    is_error: bool = True

    def __str__(self) -> str:
        return f"{self.origin}: {'error' if self.is_error else 'warning'}: {self.message}"


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)
    problems: list[GlossaryProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[GlossaryProblem]:
        return [problem for problem in self.problems if problem.is_error]

    def for_pair(self, source: str, target: str) -> list[Term]:
        """The terms that apply when translating ``source`` → ``target``.

        A ``translate`` term without a form for ``target`` cannot be enforced;
        ``missing_targets`` reports those so the caller can warn.
        """
        return [
            term
            for term in self.terms
            if term.source_lang == source and term.target_form(target) is not None
        ]

    def missing_targets(self, source: str, target: str) -> list[Term]:
        return [
            term
            for term in self.terms
            if term.source_lang == source and term.target_form(target) is None
        ]

    def raise_for_errors(self) -> None:
        """Stop with the first error (and a count of the rest) if the glossary is broken."""
        errors = self.errors
        if errors:
            more = (
                f" (and {len(errors) - 1} more; run 'transflow glossary check')"
                if len(errors) > 1
                else ""
            )
            raise GlossaryError(f"{errors[0].origin}: {errors[0].message}{more}")


class GlossaryError(TransflowError):
    """The glossary has errors; nothing of it was applied."""


DEFAULT_LOCATION = Path("glossary")


def workspace_glossary(locations: Sequence[Path] | None = None) -> Glossary:
    """The glossary a command works with: ``locations``, else ``glossary/`` if it exists."""
    if locations is None:
        locations = [DEFAULT_LOCATION] if DEFAULT_LOCATION.is_dir() else []
    return load_glossary(locations)


def glossary_files(location: Path) -> list[Path]:
    """The CSV files of a glossary directory (sorted), or the file itself."""
    if location.is_dir():
        return sorted(path for path in location.glob("*.csv") if path.is_file())
    return [location]


def load_glossary(locations: Iterable[Path]) -> Glossary:
    """Read every CSV file under ``locations``, collecting every problem rather than stopping."""
    glossary = Glossary()
    for location in locations:
        if not location.exists():
            glossary.problems.append(
                GlossaryProblem(Origin(location, 0), "no such file or directory")
            )
            continue
        for path in glossary_files(location):
            _load_file(path, glossary)
    _check_duplicates(glossary)
    return glossary


def _load_file(path: Path, glossary: Glossary) -> None:
    try:
        raw = path.read_bytes()
    except OSError as error:
        glossary.problems.append(
            GlossaryProblem(Origin(path, 0), f"cannot read ({error.strerror})")
        )
        return
    text = _decode(path, raw, glossary)
    if text is None:
        return
    rows = list(_rows(path, text, glossary))
    if not rows:
        glossary.problems.append(
            GlossaryProblem(Origin(path, 1), "empty glossary file (no header)")
        )
        return
    header_line, header = rows[0]
    columns = _check_header(Origin(path, header_line), header, glossary)
    if columns is None:
        return
    for line, row in rows[1:]:
        term = _parse_row(Origin(path, line), columns, row, glossary)
        if term is not None:
            glossary.terms.append(term)


def _decode(path: Path, raw: bytes, glossary: Glossary) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        glossary.problems.append(
            GlossaryProblem(Origin(path, line), "not valid UTF-8 (save the file as UTF-8)")
        )
        return None


@dataclass
class CsvRecord:
    """One CSV record of a glossary file and the physical lines it spans (0-based).

    ``error`` says why the record is malformed (then ``fields`` is empty). The
    glossary editor updates ``fields`` and the line span as it edits the file.
    """

    first: int
    last: int
    fields: list[str]
    error: str | None = None


def csv_records(lines: Sequence[str]) -> Iterator[CsvRecord]:
    """The records of a glossary file's physical lines, skipping comments and blank lines.

    Comments and blank lines are recognised only between records, so a quoted
    field may span lines that are blank or start with ``#``. The lines must
    come from ``io.StringIO(text, newline="")``: they end at ``\n``, ``\r\n``
    or ``\r`` only (as in an editor), not at the other Unicode line separators
    ``str.splitlines`` knows. Loader and editor both read files through this,
    so the line numbers the loader reports are the lines the editor changes.
    """
    first = last = 0
    between_records = True

    def record_lines() -> Iterator[str]:
        nonlocal first, last, between_records
        for index, line in enumerate(lines):
            if between_records:
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                first, between_records = index, False
            last = index
            yield line

    reader = csv.reader(record_lines(), strict=True)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            message = (
                "a quoted field is never closed (missing '\"')"
                if "unexpected end of data" in str(error)
                else f"malformed CSV ({error})"
            )
            yield CsvRecord(first, last, [], message)
        else:
            yield CsvRecord(first, last, fields)
        between_records = True


def _rows(path: Path, text: str, glossary: Glossary) -> Iterator[tuple[int, list[str]]]:
    """Well-formed records with their first line number; malformed ones become problems."""
    for record in csv_records(io.StringIO(text, newline="").readlines()):
        if record.error is None:
            yield record.first + 1, record.fields
        else:
            glossary.problems.append(GlossaryProblem(Origin(path, record.first + 1), record.error))


def _check_header(origin: Origin, header: list[str], glossary: Glossary) -> list[str] | None:
    columns = [column.strip() for column in header]
    if len(columns) == 1 and any(separator in columns[0] for separator in ";\t|"):
        glossary.problems.append(
            GlossaryProblem(origin, "columns must be separated by commas (found ';', tab or '|')")
        )
        return None
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        glossary.problems.append(
            GlossaryProblem(
                origin,
                f"header lacks column(s) {', '.join(missing)} "
                f"(expected {','.join(REQUIRED_COLUMNS)},<language codes>,note)",
            )
        )
        return None
    for column in columns:
        if not _is_known_column(column):
            glossary.problems.append(GlossaryProblem(origin, f"unknown column {column!r}"))
    if len(set(columns)) != len(columns):
        glossary.problems.append(GlossaryProblem(origin, "a column appears twice in the header"))
        return None
    return columns


def _is_known_column(column: str) -> bool:
    if column in REQUIRED_COLUMNS or column in OPTIONAL_COLUMNS:
        return True
    language = column.removeprefix(FORBIDDEN_PREFIX).removeprefix(ARTICLE_PREFIX)
    return bool(_LANGUAGE_CODE.match(language))


@functools.lru_cache(maxsize=16)
def _language_columns(
    columns: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The target-language, ``forbidden_<lang>`` and ``article_<lang>`` columns of a header."""
    targets = tuple(column for column in columns if _LANGUAGE_CODE.match(column))
    forbidden = tuple(column for column in columns if column.startswith(FORBIDDEN_PREFIX))
    articles = tuple(column for column in columns if column.startswith(ARTICLE_PREFIX))
    return targets, forbidden, articles


def article_problem(column: str, value: str) -> str | None:
    """What is wrong with ``value`` in the column ``article_<lang>``, if anything."""
    language = column.removeprefix(ARTICLE_PREFIX)
    rules = rules_for(language)
    if rules is None:
        return f"{column}: no article rules for {language!r} (transflow has {', '.join(RULES)})"
    if value != NO_ARTICLE and value not in rules.articles:
        allowed = ", ".join(sorted(rules.articles))
        return f"{column}: unknown article {value!r} (use {allowed} or {NO_ARTICLE} for none)"
    return None


def _parse_row(
    origin: Origin, columns: Sequence[str], row: list[str], glossary: Glossary
) -> Term | None:
    if len(row) > len(columns):
        glossary.problems.append(
            GlossaryProblem(origin, f"{len(row)} fields but the header has {len(columns)} columns")
        )
        return None
    values = {column: value.strip() for column, value in zip(columns, row, strict=False)}
    problems = []
    text = values.get("term", "")
    if not text:
        problems.append("empty term")
    policy_text = values.get("policy", "").lower()
    kind_text = values.get("kind", "").lower()
    if policy_text not in _POLICY_VALUES:
        problems.append(f"unknown policy {values.get('policy', '')!r} (use keep or translate)")
    kind = _KIND_ALIASES.get(kind_text) or (kind_text if kind_text in _KIND_VALUES else None)
    if kind is None:
        problems.append(
            f"unknown kind {values.get('kind', '')!r} (use {', '.join(k.value for k in TermKind)})"
        )
    source_lang = values.get("source_lang", "")
    if not _LANGUAGE_CODE.match(source_lang):
        problems.append(f"source_lang {source_lang!r} is not a language code")
    target_columns, forbidden_columns, article_columns = _language_columns(tuple(columns))
    articles = {column: values[column] for column in article_columns if values.get(column)}
    problems += [
        problem
        for column, value in articles.items()
        if (problem := article_problem(column, value)) is not None
    ]
    for problem in problems:
        glossary.problems.append(GlossaryProblem(origin, problem))
    if problems:
        return None
    targets = {column: values[column] for column in target_columns if values.get(column)}
    forbidden = {
        column.removeprefix(FORBIDDEN_PREFIX): tuple(
            form.strip() for form in values[column].split(FORBIDDEN_SEPARATOR) if form.strip()
        )
        for column in forbidden_columns
        if values.get(column)
    }
    return Term(
        text=text,
        source_lang=source_lang,
        kind=TermKind(kind),
        policy=Policy(policy_text),
        targets=targets,
        forbidden=forbidden,
        note=values.get("note", ""),
        origin=origin,
        articles={column.removeprefix(ARTICLE_PREFIX): value for column, value in articles.items()},
    )


def _check_duplicates(glossary: Glossary) -> None:
    """The same term twice is fine if both rows agree; conflicting rows are an error.

    Only the first row is kept, so a repeat that differs in anything but its
    note (e.g. adds forbidden forms) would be silently lost: that is an error too.
    """
    first_seen: dict[tuple[str, str], Term] = {}
    unique = []
    for term in glossary.terms:
        key = (term.text, term.source_lang)
        earlier = first_seen.get(key)
        if earlier is None:
            first_seen[key] = term
            unique.append(term)
            continue
        if _meaning(earlier) != _meaning(term):
            glossary.problems.append(
                GlossaryProblem(
                    term.origin,
                    f"{term.text!r} conflicts with its entry at {earlier.origin} "
                    "(different policy, kind, target, forbidden forms or article)",
                )
            )
        else:
            glossary.problems.append(
                GlossaryProblem(
                    term.origin, f"{term.text!r} repeats {earlier.origin}", is_error=False
                )
            )
    glossary.terms = unique


def _meaning(term: Term) -> tuple[object, ...]:
    """What a row decides about its term (everything but the note and origin)."""
    return (term.policy, term.kind, dict(term.targets), dict(term.forbidden), dict(term.articles))
