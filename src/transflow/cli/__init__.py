"""The ``transflow`` command: option parsing and rendering over the library.

Each command calls one library function and renders its result with rich.
Engines are imported only by commands that translate, so ``--help``,
``status`` and ``segment`` start fast.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import warnings
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from transflow import __version__
from transflow.cli.common import (
    CONTEXT_SETTINGS,
    AcceptContextOption,
    EngineOption,
    FormatOption,
    GlossaryOption,
    LocalesOption,
    NoConfidenceOption,
    SourceOption,
    TableFormat,
    TargetsOption,
    console,
    error_console,
    languages,
    refuse_overwriting_an_input,
    report_error,
    report_line,
    reports_errors,
    warn_if_in_another_language,
    warn_if_unprotected,
)
from transflow.glossary.model import Glossary, load_glossary, workspace_glossary


class SegmentFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class ExportFormat(StrEnum):
    TEXT = "text"
    XLIFF = "xliff"


class XliffVersionChoice(StrEnum):
    V1_2 = "1.2"
    V2_1 = "2.1"


class SeverityChoice(StrEnum):
    """``transflow.queue.checks.Severity``, repeated so ``--help`` imports no checks."""

    CRITICAL = "critical"
    FUNCTIONAL = "functional"
    COSMETIC = "cosmetic"
    ADVISORY = "advisory"


app = typer.Typer(
    name="transflow",
    help="Translate news articles offline into a gettext review queue.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings=CONTEXT_SETTINGS,
)


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
    to: TargetsOption,
    source: SourceOption = "en",
    engine: Annotated[str, EngineOption] = "auto",
    locales: LocalesOption = Path("locales"),
    glossary: GlossaryOption = None,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Translate without enforcing protected terms.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            min=1,
            help="Parallel decoding batches [default: one per core].",
            show_default=False,
        ),
    ] = None,
    accept_context_matches: AcceptContextOption = False,
    no_confidence: NoConfidenceOption = False,
    output_format: FormatOption = TableFormat.TABLE,
) -> None:
    """Machine-translate articles into the review queue (the same job as batch, for a few files).

    Sentences already in the queue are not translated again, and approved
    entries are never changed. Protected terms from the glossary (glossary/
    by default) come out as approved, or their sentence is flagged for review.
    Each new translation gets a confidence (a round trip through the reverse
    model where it is installed), recorded on its entry for review and check.
    --format json prints the job's report (as batch --report writes it).

    Example: [bold]transflow translate examples/articles/story.txt --to pt,de[/]
    """
    from transflow.cli.batch import print_report_json, run_with_progress

    targets = languages(to)
    protected = load_glossary([]) if no_glossary else workspace_glossary(glossary)
    protected.raise_for_errors()
    for target in targets:
        _warn_missing_targets(protected, source, target)
    warn_if_in_another_language(articles, source)
    from transflow.memory.workspace import existing_workspace_memory

    with existing_workspace_memory(Path(), locales) as memory:
        report = run_with_progress(
            articles,
            quiet=False,
            show_failures=False,
            options={
                "targets": targets,
                "source": source,
                "glossary": protected,
                "locales_dir": locales,
                "engine_name": engine,
                "workers": jobs or max(1, os.cpu_count() or 1),
                "approved_memory": memory,
                "accept_context_matches": accept_context_matches,
                "round_trip": not no_confidence,
            },
        )
    updates = report.outcomes
    if not no_glossary and not report.failed:  # a failure is the one line to read
        warn_if_unprotected(protected, source)
    if output_format is TableFormat.JSON:
        print_report_json(report)
        if report.failed:
            raise typer.Exit(1)
        return

    table = Table(title="Translation queue updated", box=box.SIMPLE_HEAD)
    table.add_column("article", overflow="fold")
    for column in ("lang", "sentences", "new", "reused", "approved", "flagged", "time"):
        table.add_column(column, justify="right")
    for update in updates:
        if update.status == "failed":
            continue
        table.add_row(
            Path(update.article).name,
            update.language,
            str(update.sentences),
            str(update.translated + update.from_memory),
            str(update.reused),
            str(update.approved),
            str(update.flagged),
            f"{update.seconds:.2f}s",
        )
    if any(update.status != "failed" for update in updates):
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
        if update.status == "failed":
            report_error(str(update.error))
            continue
        run = report.languages[update.language]
        verb = "wrote" if update.status == "updated" else "up to date:"
        console.print(f"{verb} {update.po_file} ({run.engine} model {run.model})", highlight=False)
        if update.markup_lost:
            report_line(
                "warning",
                f"{update.po_file}: inline markup could not be placed in "
                f"{update.markup_lost} translation(s); see their transflow-mt comments",
            )
    if report.failed:
        raise typer.Exit(1)


class AttentionChoice(StrEnum):
    """``transflow.queue.status.Attention``, repeated so ``--help`` imports no queue code."""

    FLAGGED = "flagged"
    PENDING = "pending"
    LOW_CONFIDENCE = "low-confidence"


@app.command()
@reports_errors
def status(
    to: Annotated[str | None, typer.Option("--to", help="Only this language.")] = None,
    output_format: FormatOption = TableFormat.TABLE,
    fail_on: Annotated[
        list[AttentionChoice] | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 if any entry awaiting review is flagged, pending at all, or has "
            "low confidence (repeatable; for CI).",
            case_sensitive=False,
        ),
    ] = None,
    locales: LocalesOption = Path("locales"),
    glossary: GlossaryOption = None,
) -> None:
    """Show the review queue: entries and words per file, and how many await review.

    "flagged" counts entries awaiting review whose translation breaks the
    current glossary (computed, so it holds whatever tool last wrote the file);
    "low conf." those whose recorded confidence is below 0.5.

    Example: [bold]transflow status --to pt[/]
    Example: [bold]transflow status --format json --fail-on flagged[/]
    """
    from transflow.confidence.combine import WARNING_BELOW
    from transflow.queue.checks import QueueChecker
    from transflow.queue.pofile import queue_files
    from transflow.queue.status import Attention, queue_status, totals

    protected = workspace_glossary(glossary)
    protected.raise_for_errors()
    files = queue_status(
        queue_files(locales, languages(to)[0] if to else None),
        QueueChecker(protected),
        low_confidence_below=WARNING_BELOW,
    )
    summary = totals(files)
    if output_format is TableFormat.JSON:
        report = {"files": [file.as_dict() for file in files], "total": summary}
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    elif not files:
        console.print(f"no PO files in {locales}" + (f" for {to}" if to else ""), highlight=False)
    else:
        table = Table(title=f"Review queue in {locales}", box=box.SIMPLE_HEAD)
        table.add_column("file", overflow="fold")
        columns = ("total", "to review", "words left", "flagged", "low conf.", "approved")
        for column in (*columns, "untranslated", "obsolete"):
            table.add_column(column, justify="right")
        for file in files:
            stats = file.stats
            table.add_row(
                str(file.queue.path),
                *(
                    f"{count:,}"
                    for count in (
                        stats.total,
                        stats.awaiting_review,
                        stats.words_to_review,
                        file.flagged,
                        file.low_confidence,
                        stats.approved,
                        stats.untranslated,
                        stats.obsolete,
                    )
                ),
            )
        console.print(table)
        console.print(
            f"{summary['to_review']:,} segment(s), {summary['words_to_review']:,} words to review",
            highlight=False,
        )
    failing = [
        f"{count:,} {attention}"
        for attention in map(Attention, fail_on or [])
        if (count := sum(file.count(attention) for file in files))
    ]
    if failing:
        error_console.print(f"status: {', '.join(failing)}", highlight=False)
        raise typer.Exit(1)


@app.command()
@reports_errors
def segment(
    article: Annotated[Path, typer.Argument(help="Article file (.txt or .md).")],
    source: SourceOption = "en",
    output_format: Annotated[
        SegmentFormat,
        typer.Option("--format", help="text (a sentence a line) or json.", case_sensitive=False),
    ] = SegmentFormat.TEXT,
) -> None:
    """Show how an article is cut into sentences, one per line.

    Example: [bold]transflow segment examples/articles/story.txt --format json[/]
    """
    from transflow.source.articles import read_article
    from transflow.source.segmentation import segment as split

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
    if output_format is SegmentFormat.JSON:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("".join(" ".join(str(row["text"]).split()) + "\n" for row in rows))


@app.command()
@reports_errors
def export(
    article: Annotated[Path, typer.Argument(help="The article whose translation to export.")],
    to: Annotated[str, typer.Option("--to", help="Target language.")],
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="text: the translated article; xliff: the queue for a CAT tool.",
            case_sensitive=False,
        ),
    ] = ExportFormat.TEXT,
    xliff_version: Annotated[
        XliffVersionChoice, typer.Option("--xliff-version", help="XLIFF version.")
    ] = XliffVersionChoice.V1_2,
    approved_only: Annotated[
        bool, typer.Option("--approved-only", help="Use only approved translations.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here, not stdout.")
    ] = None,
    locales: LocalesOption = Path("locales"),
    glossary: GlossaryOption = None,
) -> None:
    """Write the translated article in its original structure, or its queue as XLIFF.

    Example: [bold]transflow export examples/articles/story.txt --to pt -o story.pt.txt[/]
    Example: [bold]transflow export story.md --to pt --format xliff -o story.pt.xlf[/]
    """
    from transflow.fileio import write_bytes_atomically, write_text_atomically

    target = languages(to)[0]
    refuse_overwriting_an_input(output, [article])
    if output_format is ExportFormat.XLIFF:
        from transflow.queue.exchange import XliffVersion, export_queue_xliff

        protected = workspace_glossary(glossary)
        protected.raise_for_errors()
        data = export_queue_xliff(
            article,
            language=target,
            locales_dir=locales,
            version=XliffVersion(str(xliff_version)),
            glossary=protected,
        )
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            write_bytes_atomically(output, data)
        return

    from transflow.queue.export import export_article

    result = export_article(
        article, language=target, locales_dir=locales, approved_only=approved_only
    )
    if output is None:
        sys.stdout.write(result.text)
    else:
        write_text_atomically(output, result.text)
    if result.untranslated:
        which = "unapproved or untranslated" if approved_only else "untranslated"
        report_line(
            "warning",
            f"{result.untranslated} of {result.sentences} sentences are "
            f"{which} and left in the source language",
        )


@app.command("import")
@reports_errors
def import_command(
    xliff_file: Annotated[Path, typer.Argument(help="An XLIFF file returned by a translator.")],
    reviewer: Annotated[
        str | None,
        typer.Option(
            "--reviewer",
            help="Who is importing (default: $TRANSFLOW_REVIEWER, else git config user.name).",
        ),
    ] = None,
    locales: LocalesOption = Path("locales"),
) -> None:
    """Merge a freelancer's XLIFF back into the review queue.

    Changed units become edited entries awaiting approval (approved where the
    unit is signed-off/final); approved entries are never overwritten (a clash
    is reported); units whose source left the article are reported, not applied.

    Example: [bold]transflow import story.pt.xlf --reviewer "Ana Lima"[/]
    """
    from transflow.queue.exchange import import_xliff
    from transflow.queue.review import resolve_reviewer

    who = resolve_reviewer(reviewer)
    from transflow.memory.workspace import record_decision

    result = import_xliff(
        xliff_file,
        locales_dir=locales,
        reviewer=who.name,
        email=who.email,
        on_saved=functools.partial(record_decision, Path()),
    )
    report = result.report
    console.print(
        f"{result.po_file}: {len(report.edited)} edited (awaiting approval), "
        f"{len(report.approved)} approved, {report.unchanged} unchanged",
        highlight=False,
    )
    for clash in report.clashes:
        report_line("clash", f"{clash}; not applied")
    for stale in report.stale:
        report_line("stale", f"{xliff_file} {stale}: source no longer in the article; not applied")
    if report.clashes or report.stale:
        raise typer.Exit(1)


@app.command()
@reports_errors
def check(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="PO files or articles (default: the whole queue).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Only these language(s).")] = None,
    output_format: FormatOption = TableFormat.TABLE,
    fail_on: Annotated[
        SeverityChoice,
        typer.Option("--fail-on", help="Exit 1 for findings this severe or more."),
    ] = SeverityChoice.COSMETIC,
    locales: LocalesOption = Path("locales"),
    glossary: GlossaryOption = None,
    no_confidence: NoConfidenceOption = False,
) -> None:
    """Check queue translations: glossary, the source's numbers, quotes and brackets, confidence.

    Approved translations and human edits are checked too: after a glossary
    change this lists the ones that now disagree, and approvals that disagree
    with each other across articles (one sentence approved two ways, two
    sentences approved one way) are consistency findings. Every translation's
    confidence is computed again (a round trip through the reverse model
    where it is installed) and a low one is a finding with its evidence.
    Each finding has a severity (critical: glossary, numbers, confidence below
    0.2; functional: quotation marks, brackets, confidence below 0.5,
    inconsistent wording; cosmetic: inconsistent case or punctuation;
    advisory: a name in an accepted inflected form, worth a look but not a
    fault); exit code 1 when a finding is at least as severe as --fail-on
    (advisory findings only with --fail-on advisory).

    Example: [bold]transflow check --to pt --format json[/]
    """
    from transflow.confidence.check import check_queues
    from transflow.memory.consistency import workspace_consistency
    from transflow.queue.checks import Severity, at_least, summarise
    from transflow.queue.pofile import select_queue_files

    threshold = Severity(str(fail_on))
    protected = workspace_glossary(glossary)
    protected.raise_for_errors()
    files = select_queue_files(locales, paths or [], languages(to) if to else [])
    checked = check_queues(
        files, protected, round_trip=not no_confidence, workers=max(1, os.cpu_count() or 1)
    )
    findings = checked.findings + workspace_consistency(files, locales)
    if output_format is TableFormat.JSON:
        rows = [
            {
                "file": str(f.po_file),
                "line": f.line,
                "id": f.segment_id,
                "state": str(f.state),
                "check": str(f.kind),
                "severity": str(f.severity),
                "message": f.message,
                "source": f.msgid,
            }
            for f in findings
        ]
        report = {
            "files": len(files),
            "findings": rows,
            "summary": summarise(findings),
            "entries": [entry.as_dict() for entry in checked.entries],
        }
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        table = Table(title=f"Checked {len(files)} queue file(s)", box=box.SIMPLE_HEAD)
        for column in ("where", "state", "check", "severity", "problem"):
            table.add_column(column, overflow="fold")
        for f in findings:
            table.add_row(
                f"{f.po_file}:{f.line}", str(f.state), str(f.kind), str(f.severity), f.message
            )
        if findings:
            console.print(table)
        counts = summarise(findings)
        console.print(
            f"{counts['total']} finding(s), {counts['approved']} in approved translations",
            highlight=False,
        )
    if at_least(findings, threshold):
        raise typer.Exit(1)


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

from transflow.cli.models import models_app  # noqa: E402 - registered after the core commands

app.add_typer(models_app, name="models")

from transflow.cli.memory import memory_app  # noqa: E402 - registered after the core commands

app.add_typer(memory_app, name="memory")
