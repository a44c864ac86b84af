"""Adding and removing glossary rows in place, the way a maintainer would by hand.

The CSV files in ``glossary/`` are edited by people and reviewed in diffs, so an
edit changes only what it must: other rows keep their order, quoting and
comments, the file keeps its line endings and byte-order mark, and a new
language becomes a column at the end of the header (existing rows get an
empty field there). Every write is atomic, and before anything is written the
new text is read back with the same loader translation uses
(``transflow.glossary.model.load_glossary``), so an edit can never leave a file that
loads with errors or that reads a term back differently from what was added.

Editing refuses a glossary that already has errors (the maintainer fixes those
first, with ``transflow glossary check``). A term that is already there is a
conflict when the two disagree on policy or target forms, the same rule the
loader applies to duplicate rows: the edit is refused, naming the existing row,
so the maintainer decides which one is right. Otherwise the existing row
stands and the edit is a no-op for that term; differences in kind, note or
forbidden forms are reported, not applied, since an import from a tool that
knows less must not erase what the glossary says.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from filelock import FileLock, Timeout

from transflow.errors import InputError, TransflowError
from transflow.fileio import write_text_atomically
from transflow.glossary.model import (
    ARTICLE_PREFIX,
    DEFAULT_LOCATION,
    FORBIDDEN_SEPARATOR,
    NONE_HERE,
    REQUIRED_COLUMNS,
    ColumnKind,
    CsvRecord,
    Glossary,
    GlossaryError,
    LanguageColumn,
    Origin,
    Policy,
    Term,
    TermKind,
    article_problem,
    csv_records,
    glossary_files,
    load_glossary,
    parse_column,
)
from transflow.languages import UnknownLanguageError, normalise

__all__ = [
    "COMMAND_LINE",
    "AmbiguousGlossaryFileError",
    "EditResult",
    "TermConflictError",
    "Unchanged",
    "add_terms",
    "default_file",
    "find_terms",
    "glossary_columns",
    "new_term",
    "parse_language_values",
    "remove_term",
    "render_csv_row",
    "row_values",
]

# Where a term typed on the command line comes from; never shown as file:line.
COMMAND_LINE = Origin(Path("<command line>"), 0)
NOTE_COLUMN = "note"
LOCK_TIMEOUT_SECONDS = 30.0
_BOM = "\ufeff"


class TermConflictError(TransflowError):
    """A term is already in the glossary with a different policy or different target forms."""


class AmbiguousGlossaryFileError(TransflowError):
    """The glossary has several files and nothing says which one to write to."""


@dataclass(frozen=True)
class Unchanged:
    """A term that was already in the glossary, and what the edit gave differently."""

    existing: Term
    ignored: tuple[str, ...] = ()  # "kind", "note", "forbidden forms": not applied


@dataclass(frozen=True)
class EditResult:
    """What an edit did: the file written (None if nothing was) and the terms involved."""

    path: Path | None
    added: list[Term] = field(default_factory=list)  # as written, with their new file:line
    unchanged: list[Unchanged] = field(default_factory=list)  # already present
    new_columns: list[str] = field(default_factory=list)
    created: bool = False


# --- building terms ------------------------------------------------------------------------


def new_term(
    text: str,
    *,
    source_lang: str = "en",
    kind: TermKind = TermKind.OTHER,
    policy: Policy | None = None,
    targets: Mapping[str, str] | None = None,
    forbidden: Mapping[str, Sequence[str]] | None = None,
    articles: Mapping[str, str] | None = None,
    note: str = "",
    origin: Origin = COMMAND_LINE,
    forms: Mapping[str, Sequence[str]] | None = None,
) -> Term:
    """A term in exactly the form the loader would read it back (values stripped, no empties).

    Languages may be spelled any way (``pt_BR``); they are kept as normalised
    tags, as the loader keeps them. Without ``policy`` a term with a target
    form is ``translate`` and one without is ``keep``: the only reading of an
    entry that names no policy (a command line, a TBX file from another tool)
    that cannot lose a translation the maintainer typed.
    """
    text = text.strip()
    if not text:
        raise TransflowError("the term is empty")
    clean_targets = {
        normalise(language): form.strip()
        for language, form in (targets or {}).items()
        if form.strip()
    }
    clean_articles = {
        normalise(language): article.strip() for language, article in (articles or {}).items()
    }
    for language, article in clean_articles.items():
        if (problem := article_problem(ARTICLE_PREFIX + language, article)) is not None:
            raise TransflowError(problem)
    if policy is None:
        policy = Policy.TRANSLATE if clean_targets else Policy.KEEP
    return Term(
        text=text,
        source_lang=normalise(source_lang),
        kind=kind,
        policy=policy,
        targets=clean_targets,
        forbidden=_form_lists(forbidden, "forbidden form"),
        note=note.strip(),
        origin=origin,
        articles=clean_articles,
        forms=_form_lists(forms, "inflected form"),
    )


def _form_lists(
    values: Mapping[str, Sequence[str]] | None, what: str
) -> dict[str, tuple[str, ...]]:
    """Forms by normalised language, stripped, without empty ones or languages left empty.

    ``-`` alone is kept as the loader reads it: an empty list, "none here".
    """
    lists: dict[str, tuple[str, ...]] = {}
    for language, forms in (values or {}).items():
        kept = tuple(form.strip() for form in forms if form.strip())
        if kept == (NONE_HERE,):
            lists[normalise(language)] = ()
            continue
        for form in kept:
            if FORBIDDEN_SEPARATOR in form:
                raise TransflowError(
                    f"{what} {form!r} contains {FORBIDDEN_SEPARATOR!r}, which separates "
                    "forms in the glossary; give each form separately"
                )
        if kept:
            lists[normalise(language)] = kept
    return lists


def parse_language_values(
    values: Iterable[str], option: str, example: str = "pt=Bacu"
) -> dict[str, list[str]]:
    """``["pt=Bacu", "de=Baku"]`` as ``{"pt": ["Bacu"], "de": ["Baku"]}``, in order given."""
    parsed: dict[str, list[str]] = {}
    for value in values:
        language, separator, form = value.partition("=")
        if not separator or not language.strip() or not form.strip():
            raise TransflowError(f"{option} {value!r}: write LANG=VALUE, e.g. {option} {example}")
        parsed.setdefault(language.strip(), []).append(form.strip())
    return parsed


def _same_entry(first: Term, second: Term) -> bool:
    """Whether two entries for the same term say the same thing (forbidden forms as a set)."""
    return _differences(first, second) == []


def _differences(first: Term, second: Term) -> list[str]:
    differences = []
    if first.policy is not second.policy:
        differences.append("policy")
    if dict(first.targets) != dict(second.targets):
        differences.append("target forms")
    if first.kind is not second.kind:
        differences.append("kind")
    if _forbidden_sets(first) != _forbidden_sets(second):
        differences.append("forbidden forms")
    if dict(first.articles) != dict(second.articles):
        differences.append("articles")
    if {k: frozenset(v) for k, v in first.forms.items()} != {
        k: frozenset(v) for k, v in second.forms.items()
    }:
        differences.append("inflected forms")
    if first.note != second.note:
        differences.append("note")
    return differences


# What makes two entries for one term contradict each other (as for the loader's duplicates).
_CONFLICTS = ("policy", "target forms")


def _forbidden_sets(term: Term) -> dict[str, frozenset[str]]:
    return {language: frozenset(forms) for language, forms in term.forbidden.items() if forms}


# --- querying --------------------------------------------------------------------------------


def find_terms(
    glossary: Glossary, query: str | None = None, kind: TermKind | None = None
) -> list[Term]:
    """The terms of ``kind`` whose text, target forms or note contain ``query`` (any case)."""
    needle = query.casefold() if query else None
    return [
        term
        for term in glossary.terms
        if (kind is None or term.kind is kind)
        and (
            needle is None
            or any(
                needle in value.casefold()
                for value in (term.text, term.note, *term.targets.values())
            )
        )
    ]


# --- CSV rendering ---------------------------------------------------------------------------


def glossary_columns(terms: Iterable[Term]) -> list[str]:
    """A header for ``terms``: the required columns, each language's columns, then the note."""
    used: dict[ColumnKind, set[str]] = {kind: set() for kind in ColumnKind}
    for term in terms:
        used[ColumnKind.TARGET].update(language for language, form in term.targets.items() if form)
        used[ColumnKind.FORBIDDEN].update(term.forbidden)
        used[ColumnKind.ARTICLE].update(lang for lang, article in term.articles.items() if article)
        used[ColumnKind.FORMS].update(term.forms)
    columns = list(REQUIRED_COLUMNS)
    for language in sorted(set().union(*used.values())):
        columns += [kind.value + language for kind in ColumnKind if language in used[kind]]
    columns.append(NOTE_COLUMN)
    return columns


def row_values(term: Term, columns: Sequence[str]) -> list[str]:
    """The term's field for each column ("" where it has nothing), whatever the tag spelling."""
    fixed = {
        "term": term.text,
        "source_lang": term.source_lang,
        "kind": term.kind.value,
        "policy": term.policy.value,
        NOTE_COLUMN: term.note,
    }
    values = []
    for column in columns:
        if column in fixed:
            values.append(fixed[column])
            continue
        language = _language_column(column)
        if language is None:
            values.append("")
        elif language.kind is ColumnKind.TARGET:
            values.append(term.targets.get(language.language, ""))
        elif language.kind is ColumnKind.ARTICLE:
            values.append(term.articles.get(language.language, ""))
        else:
            lists = term.forbidden if language.kind is ColumnKind.FORBIDDEN else term.forms
            forms = lists.get(language.language)
            values.append("" if forms is None else FORBIDDEN_SEPARATOR.join(forms) or NONE_HERE)
    return values


def _language_column(column: str) -> LanguageColumn | None:
    try:
        return parse_column(column)
    except UnknownLanguageError:
        return None


def _column_identity(column: str) -> str:
    """One name per column however its tag is spelled: ``pt_BR`` and ``pt-BR`` are one."""
    language = _language_column(column)
    return language.name if language is not None else column


def render_csv_row(values: Sequence[str], newline: str = "\n") -> str:
    """One CSV line, quoting only where needed, like a spreadsheet or a careful hand.

    A first field starting with ``#`` is quoted too, or the loader would read
    the row as a comment.
    """
    fields = []
    for index, value in enumerate(values):
        needs_quotes = any(character in value for character in ',"\r\n') or (
            index == 0 and value.lstrip().startswith("#")
        )
        fields.append('"' + value.replace('"', '""') + '"' if needs_quotes else value)
    return ",".join(fields) + newline


def _required_columns(terms: Sequence[Term]) -> list[str]:
    """The columns ``terms`` need filled, in header order."""
    columns = glossary_columns(terms)
    if not any(term.note for term in terms):
        columns.remove(NOTE_COLUMN)
    return columns


# --- the file as lines -----------------------------------------------------------------------


class _GlossaryText:
    """A glossary CSV file as physical lines, so an edit touches only the lines it changes.

    Lines and rows are found the way the loader finds them (lines end at
    ``\n``, ``\r\n`` or ``\r``; blank and ``#`` lines are skipped only between
    records, since a quoted field may span lines), so line numbers agree with
    the ones the loader reports.
    """

    def __init__(self, text: str) -> None:
        self.bom = text.startswith(_BOM)
        self.lines = io.StringIO(text.removeprefix(_BOM), newline="").readlines()
        self.newline = _line_ending(self.lines[0]) if self.lines else "\n"
        self.rows = self._rows()

    @classmethod
    def read(cls, path: Path) -> _GlossaryText:
        # The file has just loaded without errors, so it is readable UTF-8 and well-formed.
        return cls(path.read_bytes().decode("utf-8"))

    @classmethod
    def new(cls, columns: Sequence[str]) -> _GlossaryText:
        return cls(render_csv_row(columns))

    def _rows(self) -> list[CsvRecord]:
        return list(csv_records(self.lines))

    @property
    def columns(self) -> list[str]:
        return [column.strip() for column in self.rows[0].fields]

    def add_columns(self, wanted: Sequence[str]) -> list[str]:
        """Append the columns of ``wanted`` the header lacks; every row gets empty fields."""
        header, *data = self.rows
        present = {_column_identity(column) for column in self.columns}
        missing = [column for column in wanted if _column_identity(column) not in present]
        if not missing:
            return []
        width = len(header.fields) + len(missing)
        self._append_to_line(header.last, "," + ",".join(missing))
        for row in data:
            self._append_to_line(row.last, "," * (width - len(row.fields)))
        header.fields += missing
        return missing

    def append_row(self, values: Sequence[str]) -> int:
        """Add a row at the end of the file; returns its 1-based line number."""
        if self.lines and not _line_ending(self.lines[-1]):
            self.lines[-1] += self.newline
        self.lines.append(render_csv_row(values, self.newline))
        return len(self.lines)

    def remove_rows(self, rows: Sequence[CsvRecord]) -> None:
        doomed = {index for row in rows for index in range(row.first, row.last + 1)}
        self.lines = [line for index, line in enumerate(self.lines) if index not in doomed]

    def text(self) -> str:
        return (_BOM if self.bom else "") + "".join(self.lines)

    def _append_to_line(self, index: int, addition: str) -> None:
        line = self.lines[index]
        ending = _line_ending(line)
        self.lines[index] = line[: len(line) - len(ending)] + addition + ending


def _line_ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


# --- editing ---------------------------------------------------------------------------------


def default_file(directory: Path = DEFAULT_LOCATION) -> Path:
    """Where new terms go: the glossary's only file, or ``glossary.csv`` in a new glossary."""
    files = glossary_files(directory) if directory.is_dir() else []
    if len(files) == 1:
        return files[0]
    if not files:
        return directory / "glossary.csv"
    names = ", ".join(path.name for path in files)
    raise AmbiguousGlossaryFileError(
        f"{directory} holds {len(files)} glossary files ({names}); name the one to write to"
    )


def add_terms(
    terms: Sequence[Term], file: Path | None = None, directory: Path = DEFAULT_LOCATION
) -> EditResult:
    """Add ``terms`` to ``file`` (default: ``default_file``), all of them or none.

    Terms already in the glossary (any of its files, or ``file``) are left
    alone; one with a different policy or target forms stops the whole edit
    with a ``TermConflictError`` naming the existing row.
    """
    with _editing(directory):
        glossary = _editing_glossary(directory, file)
        known = {(term.text, term.source_lang): term for term in glossary.terms}
        to_add: list[Term] = []
        unchanged: list[Unchanged] = []
        for term in terms:
            earlier = known.get((term.text, term.source_lang))
            if earlier is None:
                known[(term.text, term.source_lang)] = term
                to_add.append(term)
                continue
            differences = _differences(earlier, term)
            conflicting = [d for d in differences if d in _CONFLICTS]
            if conflicting:
                source = "" if term.origin == COMMAND_LINE else f"{term.origin}: "
                raise TermConflictError(
                    f"{source}{term.text!r} ({term.source_lang}) conflicts with its entry at "
                    f"{earlier.origin} (different {' and '.join(conflicting)}); "
                    "change or remove that row first"
                )
            unchanged.append(Unchanged(earlier, tuple(differences)))
        if not to_add:
            return EditResult(None, unchanged=unchanged)
        target = file or default_file(directory)
        created = not target.exists()
        document = (
            _GlossaryText.new(glossary_columns(to_add)) if created else _GlossaryText.read(target)
        )
        before = document.text()
        new_columns = [] if created else document.add_columns(_required_columns(to_add))
        columns = document.columns
        new_rows = {document.append_row(row_values(term, columns)): term for term in to_add}
        text = document.text()
        added = _check_edit(target, before, text, new_rows)
        write_text_atomically(target, text)
        return EditResult(target, added, unchanged, new_columns, created)


def remove_term(
    text: str, source_lang: str = "en", file: Path | None = None, directory: Path = DEFAULT_LOCATION
) -> list[Origin]:
    """Remove every row of ``text`` (in ``source_lang``) from ``file``, else from all files.

    Returns where the removed rows were. Duplicate rows of the term go too,
    so the term is really gone afterwards.
    """
    text = text.strip()
    if file is not None and not file.exists():
        raise InputError(file, "no such file")
    with _editing(directory):
        glossary = _editing_glossary(directory, file)
        files = [file] if file is not None else _files(directory)
        removed: list[Origin] = []
        for path in files:
            document = _GlossaryText.read(path)
            columns = document.columns
            term_at, language_at = columns.index("term"), columns.index("source_lang")
            rows = [
                row
                for row in document.rows[1:]
                if _field(row, term_at) == text and _field(row, language_at) == source_lang
            ]
            if rows:
                document.remove_rows(rows)
                write_text_atomically(path, document.text())
                removed += [Origin(path, row.first + 1) for row in rows]
        if not removed:
            where = file if file is not None else directory
            similar = [
                term.text
                for term in glossary.terms
                if term.text.casefold() == text.casefold() and term.source_lang == source_lang
            ]
            hint = f" (did you mean {similar[0]!r}? terms are case-sensitive)" if similar else ""
            raise TransflowError(f"{text!r} ({source_lang}) is not in {where}{hint}")
        return removed


def _field(row: CsvRecord, index: int) -> str:
    return row.fields[index].strip() if index < len(row.fields) else ""


def _files(directory: Path) -> list[Path]:
    return glossary_files(directory) if directory.is_dir() else []


def _editing_glossary(directory: Path, file: Path | None) -> Glossary:
    """The glossary an edit must stay consistent with: the directory's files and ``file``."""
    if file is not None:
        if file.is_dir():
            raise InputError(file, "is a directory; name a .csv file")
        if file.suffix.lower() != ".csv":
            raise InputError(file, "glossary files are .csv files")
    locations = _files(directory)
    if (
        file is not None
        and file.exists()
        and file.resolve() not in {p.resolve() for p in locations}
    ):
        locations.append(file)
    glossary = load_glossary(locations)
    glossary.raise_for_errors()
    return glossary


def _check_edit(path: Path, before: str, after: str, new_rows: Mapping[int, Term]) -> list[Term]:
    """Read ``after`` as the loader will, and check it says what ``before`` said plus the new rows.

    Returns the new terms as they read back, with their file:line.
    """
    old = _load_text(path, before)
    new = _load_text(path, after)
    if new.errors:
        problem = new.errors[0]
        raise GlossaryError(
            f"{path}: the edit would make line {problem.origin.line} invalid: {problem.message}"
        )
    by_line = {term.origin.line: term for term in new.terms}
    expected = {term.origin.line: term for term in old.terms} | dict(new_rows)
    for line, term in expected.items():
        found = by_line.get(line)
        if (
            found is None
            or (found.text, found.source_lang) != (term.text, term.source_lang)
            or not _same_entry(found, term)
        ):
            raise TransflowError(
                f"{path}: after the edit the row for {term.text!r} would not read back as "
                "written; nothing was changed"
            )
    return [replace(by_line[line], origin=Origin(path, line)) for line in new_rows]


def _load_text(path: Path, text: str) -> Glossary:
    """``text`` loaded by the glossary loader as if it were the file ``path``."""
    with tempfile.TemporaryDirectory(prefix="transflow-glossary-") as directory:
        trial = Path(directory) / path.name
        trial.write_bytes(text.encode("utf-8"))
        return load_glossary([trial])


@contextmanager
def _editing(directory: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Serialise read-modify-write cycles on one workspace's glossary.

    The lock file lives in the system temporary directory, keyed by the
    glossary's absolute path, so no stray lock file appears among the
    glossary files a maintainer commits.
    """
    key = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16]
    lock = FileLock(Path(tempfile.gettempdir()) / f"transflow-glossary-{key}.lock")
    try:
        with lock.acquire(timeout=timeout):
            yield
    except Timeout:
        raise TransflowError(
            f"{directory}: another transflow process is editing the glossary "
            f"(waited {timeout:.0f} s)"
        ) from None
