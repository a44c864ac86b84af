"""``transflow batch``: :func:`transflow.translation.batch.run_batch` with progress bars."""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from transflow.cli.common import (
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
    report_line,
    reports_errors,
    warn_if_in_another_language,
    warn_if_unprotected,
)
from transflow.errors import TransflowError
from transflow.fileio import write_text_atomically
from transflow.glossary.model import load_glossary, workspace_glossary

if TYPE_CHECKING:  # the batch machinery (and the engines) load only when the command runs
    from transflow.translation.batch import ArticleOutcome, BatchReport


class _ProgressBars:
    """Overall and per-language bars (articles), with the engine's sentences per second."""

    def __init__(
        self, progress: Progress, articles: int, languages: int, show_failures: bool = True
    ) -> None:
        self.progress = progress
        self.show_failures = show_failures
        self.overall = progress.add_task("all languages", total=articles * languages, rate="")
        self.tasks: dict[str, TaskID] = {}
        self.sentences = 0
        self.started = time.perf_counter()

    def language_started(self, language: str, articles: int) -> None:
        self.tasks[language] = self.progress.add_task(f"→ {language}", total=articles, rate="")

    def article_done(self, outcome: ArticleOutcome) -> None:
        self.progress.advance(self.tasks[outcome.language])
        self.progress.advance(self.overall)
        if outcome.status == "failed" and self.show_failures:
            report_line("failed", str(outcome.error), "bold red")

    def sentences_translated(self, language: str, count: int) -> None:
        self.sentences += count
        rate = self.sentences / max(1e-9, time.perf_counter() - self.started)
        self.progress.update(self.tasks[language], rate=f"{rate:,.0f} sentences/s")


class _Quiet:
    """--quiet: nothing while running; failures are in the summary."""

    def language_started(self, language: str, articles: int) -> None: ...

    def article_done(self, outcome: ArticleOutcome) -> None: ...

    def sentences_translated(self, language: str, count: int) -> None: ...


@reports_errors
def batch_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Articles, folders (searched recursively) or .list files."),
    ],
    to: TargetsOption,
    source: SourceOption = "en",
    engine: Annotated[str, EngineOption] = "auto",
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            min=1,
            help="Parallel decoding batches [default: one per core, measured best].",
            show_default=False,
        ),
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write a JSON report here.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be translated; change nothing.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="Only errors and the final summary (for cron).")
    ] = False,
    chunk_sentences: Annotated[
        int,
        typer.Option(
            "--chunk-sentences",
            min=1,
            help="Missing sentences pooled per engine batch (memory and restart granularity).",
        ),
    ] = 2048,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler address (tcp://HOST:8786) or scheduler file."
        ),
    ] = None,
    locales: LocalesOption = Path("locales"),
    glossary: GlossaryOption = None,
    accept_context_matches: AcceptContextOption = False,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Translate without enforcing protected terms.")
    ] = False,
    no_confidence: NoConfidenceOption = False,
    output_format: FormatOption = TableFormat.TABLE,
) -> None:
    """Translate many articles into several languages; reruns do only what is missing.

    Killed at any point, a rerun picks up where the job stopped. A bad article
    is reported and skipped; the exit code is 1 if any article failed.
    --format json prints the report --report writes, on standard output.

    Example: [bold]transflow batch articles/ --to pt,de --report report.json[/]
    """
    from transflow.translation.batch import discover_articles

    targets = languages(to)
    protected = load_glossary([]) if no_glossary else workspace_glossary(glossary)
    protected.raise_for_errors()
    articles, problems = discover_articles(paths)
    if not articles and not problems:
        raise TransflowError("no .txt or .md articles found in " + ", ".join(map(str, paths)))
    refuse_overwriting_an_input(report, articles)
    warn_if_in_another_language(articles, source)
    options: dict[str, Any] = {
        "targets": targets,
        "source": source,
        "glossary": protected,
        "locales_dir": locales,
        "engine_name": engine,
        "workers": jobs or max(1, os.cpu_count() or 1),
        "dry_run": dry_run,
        "problems": problems,
        "chunk_sentences": chunk_sentences,
        "accept_context_matches": accept_context_matches,
        "round_trip": not no_confidence,
    }
    with ExitStack() as cleanup:
        from transflow.memory.workspace import existing_workspace_memory

        options["approved_memory"] = cleanup.enter_context(
            existing_workspace_memory(Path(), locales)
        )
        if scheduler:
            from transflow.engines.cluster import connect, select_cluster_engine

            if jobs is not None:
                error_console.print(
                    "note: --jobs has no effect with --scheduler; "
                    "the cluster's worker threads decode in parallel"
                )
            client = cleanup.enter_context(connect(scheduler))
            options["engine_factory"] = lambda src, tgt: select_cluster_engine(
                client, engine, src, tgt
            )
        result = run_with_progress(articles, quiet, options)
    if not no_glossary and not dry_run and len(result.failed) < len(result.outcomes):
        warn_if_unprotected(protected, source)
    if report is not None:
        write_text_atomically(report, report_json(result))
    if output_format is TableFormat.JSON:
        print_report_json(result)
    else:
        _print_summary(result, quiet)
    if result.failed:
        raise typer.Exit(1)


def run_with_progress(
    articles: list[Path], quiet: bool, options: dict[str, Any], show_failures: bool = True
) -> BatchReport:
    """Run the job (``translate`` and ``batch`` alike) with progress bars on a terminal.

    ``show_failures`` prints a failed article as it happens; ``translate``
    reports them itself, once, after the job.
    """
    from transflow.translation.batch import run_batch

    if quiet:
        return run_batch(articles, observer=_Quiet(), **options)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(
        *columns, console=error_console, transient=True, disable=not error_console.is_terminal
    ) as progress:
        bars = _ProgressBars(progress, len(articles), len(options["targets"]), show_failures)
        return run_batch(articles, observer=bars, **options)


def report_json(result: BatchReport) -> str:
    """The job's report as JSON: per article and language, what was translated and how."""
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"


def print_report_json(result: BatchReport) -> None:
    """``--format json``: the report on standard output; failures still go to stderr."""
    sys.stdout.write(report_json(result))
    _print_failures(result)


def _print_failures(result: BatchReport) -> None:
    for failure in result.failed:
        report_line("failed", str(failure.error), "bold red")


def _print_summary(result: BatchReport, quiet: bool) -> None:
    totals = result.totals()
    table = Table(
        title="Batch " + ("plan (dry run)" if result.dry_run else "done"), box=box.SIMPLE_HEAD
    )
    for column in ("lang", "engine", "articles", "translated", "memory", "reused", "flagged"):
        table.add_column(column, justify="left" if column in ("lang", "engine") else "right")
    for code, run in result.languages.items():
        outcomes = [o for o in result.outcomes if o.language == code]
        table.add_row(
            code,
            f"{run.engine} ({run.model})",
            str(len(outcomes)),
            str(sum(o.translated for o in outcomes)),
            str(sum(o.from_memory for o in outcomes)),
            str(sum(o.reused for o in outcomes)),
            str(sum(o.flagged for o in outcomes)),
        )
    if not quiet:
        console.print(table)
    _print_failures(result)
    console.print(
        f"{totals['articles']} article(s), {totals['translated']} sentence(s) translated, "
        f"{totals['from_memory']} from memory, {totals['failed']} failed, "
        f"{result.seconds:.1f} s",
        highlight=False,
    )
