"""The ``transflow`` command: option parsing and rendering over the library.

Each command calls one library function and renders its result with rich.
Engines are imported only by commands that translate, so ``--help``,
``status`` and ``segment`` start fast.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from transflow import __version__
from transflow.cli.common import (
    GlossaryOption,
    LocalesOption,
    SourceOption,
    console,
    error_console,
    languages,
    reports_errors,
)
from transflow.errors import TransflowError
from transflow.glossary.model import Glossary, load_glossary, workspace_glossary

app = typer.Typer(
    name="transflow",
    help="Translate news articles offline into a gettext review queue.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(
    help="List and install Argos Translate model packages.", no_args_is_help=True
)
app.add_typer(models_app, name="models")


def _warn_missing_targets(glossary: Glossary, source: str, target: str) -> None:
    missing = glossary.missing_targets(source, target)
    if missing:
        named = ", ".join(f"{term.text} ({term.origin})" for term in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        warnings.warn(
            f"{len(missing)} 'translate' glossary term(s) have no {target} form and are not "
            f"enforced: {named}{more}",
            stacklevel=2,
        )


def _version_callback(show: bool) -> None:
    if show:
        console.print(f"transflow {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Translate news articles offline into a gettext review queue."""


@app.command()
@reports_errors
def translate(
    articles: Annotated[list[Path], typer.Argument(help="Article files (.txt or .md).")],
    to: Annotated[str, typer.Option("--to", help="Target language(s), comma-separated.")],
    source: SourceOption = "en",
    engine: Annotated[str, typer.Option(help="auto, argos or bergamot.")] = "auto",
    locales: LocalesOption = Path("locales"),
    glossary: GlossaryOption = None,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Translate without enforcing protected terms.")
    ] = False,
) -> None:
    """Machine-translate articles into the review queue.

    Sentences already in the queue are not translated again, and approved
    entries are never changed. Protected terms from the glossary (glossary/
    by default) come out as approved, or their sentence is flagged for review.

    Example: [bold]transflow translate examples/articles/story.txt --to pt,de[/]
    """
    from rich.progress import Progress

    from transflow.engines import select_engine
    from transflow.translation.pipeline import translate_article

    targets = languages(to)
    protected = load_glossary([]) if no_glossary else workspace_glossary(glossary)
    protected.raise_for_errors()
    for target in targets:
        _warn_missing_targets(protected, source, target)
    updates = []
    with Progress(
        console=error_console, transient=True, disable=not error_console.is_terminal
    ) as progress:
        task = progress.add_task("translating", total=len(articles) * len(targets))
        for target in targets:
            selected = select_engine(engine, source, target)
            for article in articles:
                progress.update(task, description=f"{article.name} → {target}")
                updates.append(
                    translate_article(
                        article,
                        target=target,
                        source=source,
                        engine=selected,
                        locales_dir=locales,
                        terms=protected.for_pair(source, target),
                    )
                )
                progress.advance(task)

    table = Table(title="Translation queue updated", box=box.SIMPLE_HEAD)
    table.add_column("article", overflow="fold")
    for column in ("lang", "sentences", "new", "reused", "approved", "flagged", "time"):
        table.add_column(column, justify="right")
    for update in updates:
        table.add_row(
            update.article.name,
            update.language,
            str(update.sentences),
            str(update.translated),
            str(update.reused),
            str(update.approved),
            str(update.flagged),
            f"{update.seconds:.2f}s",
        )
    console.print(table)
    occurrences = sum(update.term_occurrences for update in updates)
    if occurrences:
        correct = sum(update.terms_correct for update in updates)
        masked = sum(update.masked for update in updates)
        console.print(
            f"glossary: {correct} of {occurrences} protected-term occurrences in new "
            f"translations as approved ({100 * correct / occurrences:.1f}%); "
            f"{masked} sentence(s) repaired by masking; "
            f"{sum(update.flagged for update in updates)} segment(s) flagged for review",
            highlight=False,
        )
    for update in updates:
        console.print(
            f"wrote {update.po_file} ({update.engine} model {update.model})", highlight=False
        )
        if update.markup_lost:
            error_console.print(
                f"[yellow]warning:[/] {update.po_file}: inline markup could not be placed in "
                f"{update.markup_lost} translation(s); see their transflow-markup-lost comments",
                highlight=False,
            )


@app.command()
@reports_errors
def status(
    to: Annotated[str | None, typer.Option("--to", help="Only this language.")] = None,
    locales: LocalesOption = Path("locales"),
) -> None:
    """Show the review queue: entries per file and how many await review.

    Example: [bold]transflow status --to pt[/]
    """
    from transflow.queue.pofile import queue_files

    table = Table(title=f"Review queue in {locales}", box=box.SIMPLE_HEAD)
    files = queue_files(locales, to)
    table.add_column("file", overflow="fold")
    for column in ("total", "to review", "flagged", "approved", "untranslated", "obsolete"):
        table.add_column(column, justify="right")
    for review_file in files:
        stats = review_file.stats()
        table.add_row(
            str(review_file.path),
            str(stats.total),
            str(stats.awaiting_review),
            str(stats.flagged),
            str(stats.approved),
            str(stats.untranslated),
            str(stats.obsolete),
        )
    if not files:
        console.print(f"no PO files in {locales}" + (f" for {to}" if to else ""), highlight=False)
        return
    console.print(table)


@app.command()
@reports_errors
def segment(
    article: Annotated[Path, typer.Argument(help="Article file (.txt or .md).")],
    source: SourceOption = "en",
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Show how an article is cut into sentences, one per line.

    Example: [bold]transflow segment examples/articles/story.txt --format json[/]
    """
    from transflow.source.articles import read_article
    from transflow.source.segmentation import segment as split

    if output_format not in ("text", "json"):
        raise TransflowError(f"unknown format {output_format!r} (choose text or json)")
    parsed = read_article(article)
    rows = [
        {
            "block": index,
            "kind": str(block.kind),
            "line": block.line + block.text.count("\n", 0, sentence.start),
            "start": sentence.start,
            "end": sentence.end,
            "text": sentence.text,
        }
        for index, block in enumerate(parsed.blocks)
        if block.translatable
        for sentence in split(block.text, source)
    ]
    if output_format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("".join(" ".join(row["text"].split()) + "\n" for row in rows))


@app.command()
@reports_errors
def export(
    article: Annotated[Path, typer.Argument(help="The article whose translation to export.")],
    to: Annotated[str, typer.Option("--to", help="Target language.")],
    approved_only: Annotated[
        bool, typer.Option("--approved-only", help="Use only approved translations.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here, not stdout.")
    ] = None,
    locales: LocalesOption = Path("locales"),
) -> None:
    """Write the translated article in its original structure.

    Example: [bold]transflow export examples/articles/story.txt --to pt -o story.pt.txt[/]
    """
    from transflow.fileio import write_text_atomically
    from transflow.queue.export import export_article

    result = export_article(article, language=to, locales_dir=locales, approved_only=approved_only)
    if output is None:
        sys.stdout.write(result.text)
    else:
        write_text_atomically(output, result.text)
    if result.untranslated:
        which = "unapproved or untranslated" if approved_only else "untranslated"
        error_console.print(
            f"[yellow]warning:[/] {result.untranslated} of {result.sentences} sentences are "
            f"{which} and left in the source language",
            highlight=False,
        )


@app.command()
@reports_errors
def check(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="PO files or articles (default: the whole queue).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Only these language(s).")] = None,
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    locales: LocalesOption = Path("locales"),
    glossary: GlossaryOption = None,
) -> None:
    """Check queue translations: current glossary, the source's numbers, quotes and brackets.

    Approved translations are checked too: after a glossary change this lists
    the ones that now disagree. Exit code 1 when anything is found.

    Example: [bold]transflow check --to pt --format json[/]
    """
    from transflow.queue.checks import check_queue, summarise
    from transflow.queue.pofile import select_queue_files

    if output_format not in ("table", "json"):
        raise TransflowError(f"unknown format {output_format!r} (choose table or json)")
    protected = workspace_glossary(glossary)
    protected.raise_for_errors()
    files = select_queue_files(locales, paths or [], languages(to) if to else [])
    findings = check_queue(files, protected)
    if output_format == "json":
        rows = [
            {
                "file": str(f.po_file),
                "line": f.line,
                "state": str(f.state),
                "check": str(f.kind),
                "message": f.message,
                "source": f.msgid,
            }
            for f in findings
        ]
        report = {"files": len(files), "findings": rows, "summary": summarise(findings)}
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        table = Table(title=f"Checked {len(files)} queue file(s)", box=box.SIMPLE_HEAD)
        for column in ("where", "state", "check", "problem"):
            table.add_column(column, overflow="fold")
        for f in findings:
            table.add_row(f"{f.po_file}:{f.line}", str(f.state), str(f.kind), f.message)
        if findings:
            console.print(table)
        counts = summarise(findings)
        console.print(
            f"{counts['total']} finding(s), {counts['approved']} in approved translations",
            highlight=False,
        )
    if findings:
        raise typer.Exit(1)


@models_app.command("list")
@reports_errors
def models_list() -> None:
    """List installed translation models (Argos packages and the bundled Bergamot ones).

    Example: [bold]ARGOS_PACKAGES_DIR=~/argos transflow models list[/]
    """
    from transflow.engines import create_engine
    from transflow.engines.packages import installed_models, packages_dir

    table = Table(title="Installed translation models", box=box.SIMPLE_HEAD)
    for column in ("pair", "engine", "model", "location"):
        table.add_column(column)
    for model in installed_models():
        table.add_row(
            f"{model.from_code}→{model.to_code}", "argos", model.model_id, str(model.path)
        )
    bergamot = create_engine("bergamot")
    for source, target in sorted(bergamot.language_pairs()):
        table.add_row(
            f"{source}→{target}", "bergamot", bergamot.model_id(source, target), "bundled"
        )
    console.print(table)
    console.print(f"Argos packages directory: {packages_dir()}", highlight=False)


@models_app.command("install")
@reports_errors
def models_install(
    package: Annotated[Path, typer.Argument(help="An .argosmodel package file.")],
) -> None:
    """Install an Argos Translate package file (works offline).

    Example: [bold]transflow models install translate-en_de-1_0.argosmodel[/]
    """
    from transflow.engines.packages import install_model

    model = install_model(package)
    console.print(
        f"installed {model.from_code}→{model.to_code} ({model.model_id}) in {model.path}",
        highlight=False,
    )


from transflow.cli.review import (  # noqa: E402 - registered after the core commands
    approve_command,
    edit_command,
    reject_command,
    review_command,
)

app.command("review")(review_command)
app.command("approve")(approve_command)
app.command("edit")(edit_command)
app.command("reject")(reject_command)

from transflow.cli.diff import diff_command  # noqa: E402 - registered after the core commands

app.command("diff")(diff_command)

from transflow.cli.batch import batch_command  # noqa: E402 - registered after the core commands

app.command("batch")(batch_command)

from transflow.cli.glossary import glossary_app  # noqa: E402 - registered after the core commands

app.add_typer(glossary_app, name="glossary")

from transflow.cli.memory import memory_app  # noqa: E402 - registered after the core commands

app.add_typer(memory_app, name="memory")
