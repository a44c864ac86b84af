"""The protected-terms glossary: CSV files in ``glossary/``, loaded strictly.

A glossary maintainer edits these files by hand or with ``transflow glossary
add``; translation depends on them being right, so loading reports every
problem with ``file:line`` and a glossary with errors is never half-applied.
Loading is also where a glossary is *validated*: a row that would make every
sentence with its term fail (an approved form that is also forbidden) is an
error here, so every command that uses the glossary refuses it, not only
``transflow glossary check``.

One row per source term::

    term,source_lang,kind,policy,pt,de,note
    Ilham Aliyev,en,person,keep,,,President of Azerbaijan
    Azerbaijan,en,place,translate,Azerbaijão,Aserbaidschan,

``policy`` is ``keep`` (reproduce the term verbatim) or ``translate`` (use
the approved form in the target-language column). Optional
``forbidden_<lang>`` columns list renderings the engine must never produce
(``|``-separated), e.g. the European ``Polónia`` where Brazilian ``Polônia``
is approved; ``article_<lang>`` gives the definite article the approved form
takes; ``forms_<lang>`` lists the inflected forms accepted besides the
approved one (``Aliyevs|Aliyev'in``), where the lemmatiser should not decide
(``transflow.glossary.inflection``). Lines starting with ``#`` are comments.

Language columns are BCP 47 tags in any spelling (``pt-BR``, ``pt_BR``,
``PT``), read as the tag ``transflow.languages.normalise`` gives; a column
whose tag is not a language is an error. A target falls back along
``transflow.languages.fallbacks``: translating into ``pt-BR`` uses the
``pt-BR`` column where the row has a value there, else the ``pt`` column, and
so for each kind of column separately. ``-`` in a ``forbidden_<lang>`` or
``forms_<lang>`` cell means "none here", so a regional column can stop the
base column's values from applying.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from transflow.errors import TransflowError
from transflow.glossary.grammar import NO_ARTICLE, RULES, rules_for
from transflow.glossary.matching import contains_whole_word
from transflow.languages import UnknownLanguageError, fallbacks, normalise


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
FORMS_PREFIX = "forms_"
FORBIDDEN_SEPARATOR = "|"
# In a forbidden_<lang> or forms_<lang> cell: "none here, do not inherit the base language's".
NONE_HERE = "-"
_KIND_ALIASES = {"organization": TermKind.ORGANISATION, "org": TermKind.ORGANISATION}
_POLICY_VALUES = frozenset(policy.value for policy in Policy)
_KIND_VALUES = frozenset(kind.value for kind in TermKind)

V = TypeVar("V")


class ColumnKind(StrEnum):
    """What a language column of a glossary file holds."""

    TARGET = ""  # the approved form: the column is the language tag itself
    FORBIDDEN = FORBIDDEN_PREFIX
    ARTICLE = ARTICLE_PREFIX
    FORMS = FORMS_PREFIX


@dataclass(frozen=True)
class LanguageColumn:
    """A language column: its kind and its normalised language tag (``forbidden_pt_BR``)."""

    kind: ColumnKind
    language: str

    @property
    def name(self) -> str:
        """The column as transflow writes it: ``forbidden_pt-BR``."""
        return f"{self.kind.value}{self.language}"


def parse_column(column: str) -> LanguageColumn | None:
    """The language column ``column`` names; None for the fixed columns (term, note, …).

    Raises :class:`UnknownLanguageError` when the language part is not a
    language tag (``xx``, ``portuguese``, ``forbidden_english``).
    """
    if column in REQUIRED_COLUMNS or column in OPTIONAL_COLUMNS:
        return None
    for kind in (ColumnKind.FORBIDDEN, ColumnKind.ARTICLE, ColumnKind.FORMS):
        if column.startswith(kind.value):
            return LanguageColumn(kind, normalise(column.removeprefix(kind.value)))
    return LanguageColumn(ColumnKind.TARGET, normalise(column))


@functools.lru_cache(maxsize=256)
def _chain(language: str) -> tuple[str, ...]:
    """The tags whose columns serve ``language``, most specific first."""
    try:
        return tuple(fallbacks(language))
    except UnknownLanguageError:
        return (language,)


def resolve(values: Mapping[str, V], language: str) -> tuple[str, V] | None:
    """The most specific ``(tag, value)`` of ``values`` that serves ``language``, if any."""
    for tag in _chain(language):
        if tag in values:
            return tag, values[tag]
    return None


@dataclass(frozen=True)
class Origin:
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Term:
    """One glossary row. Per-language mappings are keyed by normalised tag (``pt-BR``)."""

    text: str
    source_lang: str
    kind: TermKind
    policy: Policy
    # Dicts are not hashable; terms are hashed by the other fields.
    targets: Mapping[str, str] = field(hash=False)
    # Forbidden renderings by language; an empty tuple is a "-" cell (none, do not inherit).
    forbidden: Mapping[str, tuple[str, ...]] = field(hash=False)
    note: str
    origin: Origin
    # The definite article the target form takes, by language ("a", or "-" for
    # none), so masking can correct the article before it (``term_articles``).
    articles: Mapping[str, str] = field(default_factory=dict, hash=False)
    # Accepted inflected forms by language; an empty tuple is a "-" cell (the
    # approved form only, no lemmatiser).
    forms: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    def as_dict(self) -> dict[str, object]:
        """The term as ``glossary list --format json`` shows it: every field, and where it is."""
        return {
            "term": self.text,
            "source_lang": self.source_lang,
            "kind": self.kind.value,
            "policy": self.policy.value,
            "targets": dict(self.targets),
            "forbidden": {language: list(forms) for language, forms in self.forbidden.items()},
            "forms": {language: list(forms) for language, forms in self.forms.items()},
            "articles": dict(self.articles),
            "note": self.note,
            "file": str(self.origin.path),
            "line": self.origin.line,
        }

    def target_form(self, language: str) -> str | None:
        """The exact text the translation must contain, or None if none is approved.

        ``language`` is any spelling of a tag; a regional one falls back to its
        base language's column (``pt-BR`` → ``pt``).
        """
        found = resolve(self.targets, language)
        if self.policy is Policy.KEEP:
            return found[1] if found else self.text
        return found[1] if found else None

    def forbidden_forms(self, language: str) -> tuple[str, ...]:
        """The renderings that must never appear in ``language``."""
        found = resolve(self.forbidden, language)
        return found[1] if found else ()

    def article(self, language: str) -> str | None:
        """The definite article of the approved form in ``language`` (``-`` for none), if given."""
        found = resolve(self.articles, language)
        return found[1] if found else None

    def accepted_forms(self, language: str) -> tuple[str, ...] | None:
        """The inflected forms the glossary accepts in ``language``; None if it lists none.

        An empty tuple means the glossary says "the approved form only"; None
        leaves the decision to the lemmatiser (``transflow.glossary.inflection``).
        """
        found = resolve(self.forms, language)
        return found[1] if found else None

    def languages(self) -> set[str]:
        """Every language tag this row has a column value for."""
        return {*self.targets, *self.forbidden, *self.articles, *self.forms}


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
        """The terms that apply when translating ``source`` → ``target`` (any tag spelling).

        A term written for ``en`` applies to ``en-GB`` sources; a ``translate``
        term without a form for ``target`` (or its base language) cannot be
        enforced; ``missing_targets`` reports those so the caller can warn.
        """
        sources = set(_chain(source))
        return [
            term
            for term in self.terms
            if term.source_lang in sources and term.target_form(target) is not None
        ]

    def missing_targets(self, source: str, target: str) -> list[Term]:
        sources = set(_chain(source))
        return [
            term
            for term in self.terms
            if term.source_lang in sources and term.target_form(target) is None
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


# A header's columns: the fixed ones by name, the language columns parsed, unknown ones None.
_Columns = list[tuple[str, LanguageColumn | None]]


def _check_header(origin: Origin, header: list[str], glossary: Glossary) -> _Columns | None:
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
    parsed: _Columns = []
    for column in columns:
        try:
            parsed.append((column, parse_column(column)))
        except UnknownLanguageError as error:
            glossary.problems.append(GlossaryProblem(origin, f"unknown column {column!r}: {error}"))
            parsed.append((column, None))
    # "pt_BR" and "pt-BR" are one column: the same tag spelled twice.
    identities = [language.name if language else name for name, language in parsed]
    if len(set(identities)) != len(identities):
        glossary.problems.append(GlossaryProblem(origin, "a column appears twice in the header"))
        return None
    return parsed


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


def split_forms(value: str) -> tuple[str, ...]:
    """The forms of a ``forbidden_<lang>`` or ``forms_<lang>`` cell; ``-`` is none."""
    if value.strip() == NONE_HERE:
        return ()
    return tuple(form.strip() for form in value.split(FORBIDDEN_SEPARATOR) if form.strip())


def _parse_row(
    origin: Origin, columns: _Columns, row: list[str], glossary: Glossary
) -> Term | None:
    if len(row) > len(columns):
        glossary.problems.append(
            GlossaryProblem(origin, f"{len(row)} fields but the header has {len(columns)} columns")
        )
        return None
    values: dict[str, str] = {}
    by_kind: dict[ColumnKind, dict[str, str]] = {kind: {} for kind in ColumnKind}
    for (name, language), value in zip(columns, row, strict=False):
        if language is None:
            values[name] = value.strip()
        elif value.strip():
            by_kind[language.kind][language.language] = value.strip()
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
    try:
        source_lang = normalise(source_lang)
    except UnknownLanguageError as error:
        problems.append(f"source_lang: {error}")
    articles = by_kind[ColumnKind.ARTICLE]
    problems += [
        problem
        for language, value in articles.items()
        if (problem := article_problem(ARTICLE_PREFIX + language, value)) is not None
    ]
    for problem in problems:
        glossary.problems.append(GlossaryProblem(origin, problem))
    if problems or kind is None:  # an unknown kind is among the problems
        return None
    term = Term(
        text=text,
        source_lang=source_lang,
        kind=TermKind(kind),
        policy=Policy(policy_text),
        targets=by_kind[ColumnKind.TARGET],
        forbidden={tag: split_forms(value) for tag, value in by_kind[ColumnKind.FORBIDDEN].items()},
        note=values.get("note", ""),
        origin=origin,
        articles=articles,
        forms={tag: split_forms(value) for tag, value in by_kind[ColumnKind.FORMS].items()},
    )
    row_problems = term_problems(term)
    glossary.problems += [GlossaryProblem(origin, problem) for problem in row_problems]
    return None if row_problems else term


def term_problems(term: Term) -> list[str]:
    """What makes a well-formed row unusable: every sentence with its term would be flagged.

    * an approved form (or an accepted inflected form) that is, or holds as a
      whole word, one of the term's own forbidden forms in the same language —
      with regional columns judged as translation sees them, so a ``pt-PT``
      form inheriting ``forbidden_pt`` counts;
    * inflected forms listed for a language the term has no approved form in.

    Checked when the glossary loads, so ``translate``, ``batch``, ``review``,
    ``check`` and the glossary editor all refuse such a row, with its line.
    """
    problems = []
    for language in sorted(term.languages()):
        approved = term.target_form(language)
        if approved is None:
            if term.accepted_forms(language):
                problems.append(
                    f"{FORMS_PREFIX}{language}: {term.text!r} has no {language} form to inflect"
                )
            continue
        forbidden = term.forbidden_forms(language)
        if not forbidden:
            continue
        source = resolve(term.forbidden, language)
        column = FORBIDDEN_PREFIX + (source[0] if source else language)
        inherited = f", which {language} inherits" if source and source[0] != language else ""
        what = f"'keep' term {term.text!r}" if term.policy is Policy.KEEP else repr(term.text)
        for label, form in [("approved", approved)] + [
            ("accepted inflected", variant) for variant in term.accepted_forms(language) or ()
        ]:
            clash = next((f for f in forbidden if contains_whole_word(form, f)), None)
            if clash is not None:
                same = "is also" if clash == form else f"contains {clash!r},"
                problems.append(
                    f"the {label} {language} form {form!r} of {what} {same} one of its "
                    f"forbidden forms ({column}{inherited}); every sentence with it would be "
                    "flagged"
                )
    return problems


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
                    "(different policy, kind, target, forbidden or inflected forms or article)",
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
    return (
        term.policy,
        term.kind,
        dict(term.targets),
        dict(term.forbidden),
        dict(term.articles),
        dict(term.forms),
    )
