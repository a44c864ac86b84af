"""``transflow diff``: what reviewers changed in the engine's output, and how much.

The figures and the op lists come from :mod:`transflow.queue.diff`; this module
selects the queue files and renders: git-style word diffs (colour or
``[-old-]{+new+}``), JSON for tools, and rich tables for ``--stat``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from transflow.cli.common import LocalesOption, console, languages, reports_errors
from transflow.queue.diff import (
    ChangeKind,
    DiffOp,
    FileDiff,
    Op,
    PostEditStats,
    Totals,
    change_header,
    diff_file,
    diff_report,
    file_header,
    post_edit_stats,
    render_file_plain,
)
from transflow.queue.pofile import select_queue_files


class DiffFormat(StrEnum):
    COLOR = "color"
    PLAIN = "plain"
    JSON = "json"


# As git diff --word-diff=color: deleted text red, inserted text green.
OP_STYLES = {Op.EQUAL: "", Op.DELETE: "red", Op.INSERT: "green"}
NO_FIGURE = "–"


def render_color(ops: Iterable[DiffOp]) -> Text:
    """The word diff as rich text, without markers: colour alone tells deleted from inserted."""
    return Text.assemble(*((op.text, OP_STYLES[op.op]) for op in ops))


def _print_color(diff: FileDiff) -> None:
    console.print(Text(file_header(diff), style="bold"), soft_wrap=True)
    for change in diff.changes:
        console.print(Text(change_header(change), style="cyan"), soft_wrap=True)
        if change.kind is ChangeKind.POST_EDIT:
            console.print(Text(f"source: {change.msgid}", style="dim"), soft_wrap=True)
        console.print(render_color(change.ops), soft_wrap=True)


def _rate(value: float | None) -> str:
    return NO_FIGURE if value is None else f"{100 * value:.1f}%"


def _chrf(value: float | None) -> str:
    return NO_FIGURE if value is None else f"{value:.1f}"


def _figures(totals: Totals) -> list[str]:
    return [
        str(totals.segments),
        str(totals.edited),
        str(totals.edits),
        str(totals.words),
        _rate(totals.edit_rate),
        _chrf(totals.chrf),
    ]


def _stat_tables(stats: PostEditStats) -> list[Table]:
    """A segment table per article (line and id find the entry), then the totals."""
    tables = []
    for article in stats.articles:
        segments = [segment for segment in stats.segments if segment.file == article.file]
        if not segments:
            continue
        table = Table(title=f"Post-editing in {article.file}", box=box.SIMPLE_HEAD)
        for column in ("line", "id", "reviewer", "edits", "words", "edit rate", "chrF"):
            table.add_column(column, justify="left" if column in ("id", "reviewer") else "right")
        for segment in segments:
            table.add_row(
                str(segment.line),
                segment.entry_id,
                segment.reviewer or NO_FIGURE,
                str(segment.edits),
                str(segment.words),
                _rate(segment.edit_rate),
                _chrf(segment.chrf),
            )
        tables.append(table)
    totals_columns = ("segments", "edited", "edits", "words", "edit rate", "chrF")
    articles = Table(title="Per article", box=box.SIMPLE_HEAD)
    articles.add_column("article", no_wrap=True)
    articles.add_column("lang")
    for column in totals_columns:
        articles.add_column(column, justify="right")
    for article in stats.articles:
        articles.add_row(str(article.file), article.language, *_figures(article.totals))
    reviewers = Table(title="Per reviewer", box=box.SIMPLE_HEAD)
    reviewers.add_column("reviewer", overflow="fold")
    for column in totals_columns:
        reviewers.add_column(column, justify="right")
    for reviewer in stats.reviewers:
        reviewers.add_row(reviewer.reviewer or "(no reviewer)", *_figures(reviewer.totals))
    reviewers.add_section()
    reviewers.add_row("overall", *_figures(stats.total), style="bold")
    return [*tables, articles, reviewers]


@reports_errors
def diff_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="PO files or articles (default: the whole queue).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Only these language(s).")] = None,
    output_format: Annotated[
        DiffFormat,
        typer.Option(
            "--format", help="color, plain ([-old-]{+new+}) or json.", case_sensitive=False
        ),
    ] = DiffFormat.COLOR,
    stat: Annotated[
        bool,
        typer.Option("--stat", help="Edit distance, edit rate and chrF instead of the diffs."),
    ] = False,
    locales: LocalesOption = Path("locales"),
) -> None:
    """Show what reviewers changed in the machine translation, word by word.

    Also shows source sentences that changed since they were translated
    (the entry's previous msgid). Languages written without spaces (zh, ja,
    th, lo, km, my) are compared character by character. Where colour cannot
    be shown (a pipe, NO_COLOR) the color format falls back to plain markers.

    --stat measures post-editing per segment, article and reviewer: edits
    (word-level Levenshtein distance, whitespace not counted), edit rate
    (edits / words of the final translation) and chrF of the machine
    translation against the final one.

    Example: [bold]transflow diff articles/story.txt --to pt --stat[/]
    """
    files = select_queue_files(locales, paths or [], languages(to) if to else [])
    if not files:
        console.print(f"no PO files in {locales}" + (f" for {to}" if to else ""), highlight=False)
        return
    if stat:
        stats = post_edit_stats(files)
        if output_format is DiffFormat.JSON:
            sys.stdout.write(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2) + "\n")
        elif not stats.segments:
            console.print(
                "no post-edits: no approved or edited segments with a machine translation",
                highlight=False,
            )
        else:
            for table in _stat_tables(stats):
                console.print(table)
        return
    diffs = [diff_file(review) for review in files]
    if output_format is DiffFormat.JSON:
        sys.stdout.write(json.dumps(diff_report(diffs), ensure_ascii=False, indent=2) + "\n")
    elif output_format is DiffFormat.PLAIN or console.no_color or console.color_system is None:
        sys.stdout.write("".join(render_file_plain(diff) for diff in diffs))
    else:
        for diff in diffs:
            _print_color(diff)
