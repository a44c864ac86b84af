"""``transflow glossary …``: list, edit, check, exchange and grow the protected-terms glossary.

Each command parses its options, calls one library function
(``transflow.glossary.editing``, ``glossary_check``, ``tbx``,
``term_suggestions``) and renders the result. translate-toolkit is imported
only by ``import`` and ``export``, so the other commands start fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from transflow.cli.common import (
    FormatOption,
    GlossaryOption,
    LocalesOption,
    SourceOption,
    TableFormat,
    console,
    error_console,
    languages,
    refuse_overwriting_an_input,
    report_line,
    reports_errors,
)
from transflow.errors import TransflowError
from transflow.glossary.editing import (
    AmbiguousGlossaryFileError,
    EditResult,
    add_terms,
    find_terms,
    new_term,
    parse_language_values,
    remove_term,
)
from transflow.glossary.model import Policy, Term, TermKind, workspace_glossary


class GlossaryFileFormat(StrEnum):
    TBX = "tbx"
    CSV = "csv"


glossary_app = typer.Typer(
    help="List, edit, check, import and export the protected-terms glossary (glossary/*.csv).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

SourceLangOption = Annotated[
    str, typer.Option("--source-lang", help="Language of the term (the source_lang column).")
]
FileOption = Annotated[
    Path | None,
    typer.Option(
        "--file",
        help="The glossary CSV to edit (default: the only file in glossary/, "
        "else glossary/glossary.csv).",
    ),
]


@glossary_app.command("list")
@reports_errors
def list_command(
    query: Annotated[
        str | None, typer.Argument(help="Show terms whose text, forms or note contain this.")
    ] = None,
    kind: Annotated[
        TermKind | None, typer.Option("--kind", help="Only terms of this kind.")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Show the approved and forbidden forms in this language."),
    ] = None,
    output_format: FormatOption = TableFormat.TABLE,
    glossary: GlossaryOption = None,
) -> None:
    """Show the glossary's terms as a table, with the file:line each comes from.

    JSON gives every field of each matching term (all languages, whatever --lang).

    Example: [bold]transflow glossary list --kind place --lang pt baku[/]
    Example: [bold]transflow glossary list --format json[/]
    """
    loaded = workspace_glossary(glossary)
    loaded.raise_for_errors()
    terms = find_terms(loaded, query, kind)
    if output_format is TableFormat.JSON:
        rows = [term.as_dict() for term in terms]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not terms:
        console.print(f"no terms match (of {len(loaded.terms)} in the glossary)", highlight=False)
        return
    table = Table(
        title=f"Glossary: {len(terms)} of {len(loaded.terms)} term(s)", box=box.SIMPLE_HEAD
    )
    for column in ("term", "kind", "policy"):
        table.add_column(column)
    if lang:
        table.add_column(lang)
        table.add_column(f"forbidden {lang}")
    else:
        target_languages = sorted({language for term in loaded.terms for language in term.targets})
        for language in target_languages:
            table.add_column(language)
    table.add_column("note", overflow="fold")
    table.add_column("origin", overflow="fold")
    for term in terms:
        if lang:
            forms: list[str | Text] = [
                _target_cell(term, lang),
                ", ".join(term.forbidden.get(lang, ())),
            ]
        else:
            forms = [term.targets.get(language, "") for language in target_languages]
        table.add_row(
            term.text, term.kind.value, term.policy.value, *forms, term.note, str(term.origin)
        )
    console.print(table)


def _target_cell(term: Term, language: str) -> Text:
    form = term.target_form(language)
    if form is None:
        return Text("missing", style="red")
    return Text(form, style="dim" if language not in term.targets else "")


@glossary_app.command("add")
@reports_errors
def add_command(
    term: Annotated[str, typer.Argument(help="The source term, exactly as articles write it.")],
    kind: Annotated[TermKind, typer.Option("--kind", help="What the term names.")] = (
        TermKind.OTHER
    ),
    policy: Annotated[
        Policy | None,
        typer.Option(
            "--policy",
            help="keep (verbatim) or translate (default: translate if a --target is given).",
        ),
    ] = None,
    target: Annotated[
        list[str] | None,
        typer.Option("--target", help="Approved form, LANG=FORM (repeatable)."),
    ] = None,
    forbid: Annotated[
        list[str] | None,
        typer.Option("--forbid", help="A rendering never to produce, LANG=FORM (repeatable)."),
    ] = None,
    article: Annotated[
        list[str] | None,
        typer.Option(
            "--article",
            help="The article the approved form takes, LANG=ARTICLE (- for none), "
            "to fix the article before a masked term.",
        ),
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note for translators.")] = "",
    source_lang: SourceLangOption = "en",
    file: FileOption = None,
) -> None:
    """Add a term to a glossary file, keeping the file's other rows, comments and layout.

    A term already in the glossary with other content is refused (remove or
    edit that row first); the same term with the same content changes nothing.

    Example: [bold]transflow glossary add Baku --kind place --policy translate
    --target pt=Bacu --target de=Baku --forbid pt=Bacú --article pt=-[/]
    """
    targets = _one_per_language(target, "--target")
    entry = new_term(
        term,
        source_lang=source_lang,
        kind=kind,
        policy=policy,
        targets=targets,
        forbidden=parse_language_values(forbid or [], "--forbid"),
        articles=_one_per_language(article, "--article", example="pt=a"),
        note=note,
    )
    result = _edit(lambda: add_terms([entry], file), "--file")
    if result.unchanged:
        [present] = result.unchanged
        different = (
            f", with a different {', '.join(present.ignored)} that was not applied "
            "(edit or remove that row to change it)"
            if present.ignored
            else " with the same content"
        )
        console.print(
            f"{present.existing.text!r} is already in {present.existing.origin}{different}; "
            "nothing changed",
            highlight=False,
        )
        return
    _report_edit(result)


@glossary_app.command("remove")
@reports_errors
def remove_command(
    term: Annotated[str, typer.Argument(help="The source term to remove (case-sensitive).")],
    source_lang: SourceLangOption = "en",
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Only from this glossary CSV (default: every file)."),
    ] = None,
) -> None:
    """Remove a term's row(s) from the glossary, keeping everything else as it was.

    Example: [bold]transflow glossary remove Baku[/]
    """
    for origin in remove_term(term, source_lang, file):
        console.print(f"removed {term.strip()!r} ({source_lang}) from {origin}", highlight=False)


@glossary_app.command("check")
@reports_errors
def check_command(
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Languages translated into (default: the language directories of --locales).",
        ),
    ] = None,
    locales: LocalesOption = Path("locales"),
    glossary: GlossaryOption = None,
) -> None:
    """Check the glossary: loading errors, shadowed and clashing terms, missing target forms.

    One line per finding ([bold]file:line: error|warning|info: message[/]),
    then a summary. Exit code 1 when there are errors, so CI can run it.

    Example: [bold]transflow glossary check --to pt,de[/]
    """
    from transflow.glossary.lint import Severity, check_glossary, summary, workspace_languages

    loaded = workspace_glossary(glossary)
    targets = languages(to) if to else workspace_languages(locales)
    findings = check_glossary(loaded, targets)
    styles = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    for finding in findings:
        console.print(
            Text.assemble(
                f"{finding.origin}: ",
                (finding.severity.value, styles[finding.severity]),
                f": {finding.message}",
            ),
            soft_wrap=True,
        )
    console.print(summary(findings, loaded), highlight=False)
    if any(finding.severity is Severity.ERROR for finding in findings):
        raise typer.Exit(1)


@glossary_app.command("import")
@reports_errors
def import_command(
    source: Annotated[Path, typer.Argument(help="A .tbx (TBX 2008) or transflow .csv file.")],
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            help="The glossary CSV to add to (default: the only file in glossary/, "
            "else glossary/glossary.csv).",
        ),
    ] = None,
    source_lang: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="TBX only: the language of the source terms (default: each entry's first).",
        ),
    ] = None,
) -> None:
    """Merge terms from a TBX or CSV file into the glossary, all of them or none.

    Terms already present with the same content are skipped; one present with
    different content stops the import, naming both rows.

    Example: [bold]transflow glossary import termbase.tbx --into glossary/world.csv[/]
    """
    from transflow.glossary.tbx import read_terms

    imported = read_terms(source, source_lang)
    for warning in imported.warnings:
        report_line("warning", str(warning))
    if not imported.terms:
        console.print(f"no terms in {source}; nothing imported", highlight=False)
        return
    result = _edit(lambda: add_terms(imported.terms, into), "--into")
    for present in result.unchanged:
        if present.ignored:
            report_line(
                "warning",
                f"{present.existing.text!r} is already in "
                f"{present.existing.origin}; kept its {', '.join(present.ignored)}",
            )
    if result.path is None:
        console.print(
            f"all {len(result.unchanged)} term(s) of {source} are already in the glossary; "
            "nothing changed",
            highlight=False,
        )
        return
    console.print(
        f"imported {len(result.added)} term(s) from {source} into {result.path}"
        + (f"; {len(result.unchanged)} already present" if result.unchanged else ""),
        highlight=False,
    )
    _report_columns(result)


@glossary_app.command("export")
@reports_errors
def export_command(
    output_format: Annotated[
        GlossaryFileFormat, typer.Option("--format", help="tbx or csv.", case_sensitive=False)
    ] = GlossaryFileFormat.TBX,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here, not stdout.")
    ] = None,
    glossary: GlossaryOption = None,
) -> None:
    """Write the whole glossary as one TBX (ISO 30042) or CSV file.

    Exporting and importing again gives back every field of every term.

    Example: [bold]transflow glossary export --format tbx -o glossary.tbx[/]
    """
    from transflow.fileio import write_text_atomically
    from transflow.glossary.tbx import export_csv, export_tbx

    loaded = workspace_glossary(glossary)
    loaded.raise_for_errors()
    refuse_overwriting_an_input(output, {term.origin.path for term in loaded.terms})
    text = (
        export_tbx(loaded.terms)
        if output_format is GlossaryFileFormat.TBX
        else export_csv(loaded.terms)
    )
    with_articles = sum(bool(term.articles) for term in loaded.terms)
    if output_format is GlossaryFileFormat.TBX and with_articles:
        error_console.print(
            f"note: the articles of {with_articles} term(s) (article_<lang> columns) "
            "have no place in TBX 2008 and are not exported",
            highlight=False,
        )
    if output is None:
        sys.stdout.write(text)
        return
    write_text_atomically(output, text)
    error_console.print(f"wrote {len(loaded.terms)} term(s) to {output}", highlight=False)


@glossary_app.command("suggest")
@reports_errors
def suggest_command(
    articles: Annotated[list[Path], typer.Argument(help="Article files (.txt or .md).")],
    source: SourceOption = "en",
    limit: Annotated[int, typer.Option("--limit", min=0, help="At most this many (0: all).")] = 25,
    output_format: FormatOption = TableFormat.TABLE,
    glossary: GlossaryOption = None,
) -> None:
    """Suggest proper nouns in articles that the glossary does not protect yet.

    Capitalised words and names not at the start of a sentence, most frequent
    first, with the first sentence each occurs in.

    Example: [bold]transflow glossary suggest articles/*.txt --limit 10[/]
    """
    from transflow.glossary.suggestions import suggest_terms

    loaded = workspace_glossary(glossary)
    loaded.raise_for_errors()
    suggestions = suggest_terms(articles, loaded, source, limit)
    if output_format is TableFormat.JSON:
        rows = [
            {
                "term": suggestion.text,
                "count": suggestion.count,
                "example": suggestion.example,
                "article": str(suggestion.article),
                "line": suggestion.line,
            }
            for suggestion in suggestions
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not suggestions:
        console.print("no candidate terms: every name found is in the glossary", highlight=False)
        return
    table = Table(title="Candidate glossary terms", box=box.SIMPLE_HEAD)
    table.add_column("term")
    table.add_column("count", justify="right")
    table.add_column("example", overflow="fold")
    table.add_column("where", overflow="fold")
    for suggestion in suggestions:
        example = Text(suggestion.example)
        example.highlight_words([suggestion.text], style="bold")
        table.add_row(
            suggestion.text,
            str(suggestion.count),
            example,
            f"{suggestion.article}:{suggestion.line}",
        )
    console.print(table)


def _edit(edit: Callable[[], EditResult], option: str) -> EditResult:
    """Run an edit, naming the option that resolves an ambiguous target file."""
    try:
        return edit()
    except AmbiguousGlossaryFileError as error:
        raise TransflowError(f"{error} with {option}") from None


def _report_edit(result: EditResult) -> None:
    if result.created:
        console.print(f"created {result.path}", highlight=False)
    for term in result.added:
        console.print(
            f"added {term.text!r} ({term.source_lang}, {term.kind}, {term.policy}) "
            f"at {term.origin}",
            highlight=False,
        )
    _report_columns(result)


def _report_columns(result: EditResult) -> None:
    if result.new_columns:
        console.print(
            f"new column(s) in {result.path}: {', '.join(result.new_columns)}", highlight=False
        )


def _one_per_language(
    values: list[str] | None, option: str, example: str = "pt=Bacu"
) -> dict[str, str]:
    chosen = {}
    for language, given in parse_language_values(values or [], option, example).items():
        if len(given) > 1:
            raise TransflowError(f"{option} gives {len(given)} {language} values; give one")
        chosen[language] = given[0]
    return chosen
