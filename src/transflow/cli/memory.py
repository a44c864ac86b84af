"""``transflow memory …``: look up, search, exchange and rebuild the workspace translation memory.

The memory is ``.transflow/memory.sqlite`` in the current directory (the
workspace, like ``glossary/`` and ``locales/``). Every command opens it
through :func:`transflow.memory.workspace.open_workspace_memory`, so a
damaged file is rebuilt from ``--locales`` and the imported memories with a
one-line warning.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from transflow.cli.common import (
    FormatOption,
    GlossaryOption,
    LocalesOption,
    TableFormat,
    console,
    marked_diff,
    reports_errors,
)
from transflow.languages import normalise
from transflow.memory.segment import Match
from transflow.memory.store import DEFAULT_MIN_SCORE

memory_app = typer.Typer(
    help="The translation memory of approved translations: match, search, import, export.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

WORKSPACE = Path()

ToOption = Annotated[str, typer.Option("--to", help="Target language.")]
OptionalToOption = Annotated[str | None, typer.Option("--to", help="Only this target language.")]
OptionalFromOption = Annotated[
    str | None, typer.Option("--from", help="Only this source language.")
]


@memory_app.command("rebuild")
@reports_errors
def rebuild_command(locales: LocalesOption = Path("locales")) -> None:
    """Rebuild the memory from the queue's approved entries and the imported memories.

    Example: [bold]transflow memory rebuild[/]
    """
    from transflow.memory.workspace import rebuilt_workspace_memory

    memory, count = rebuilt_workspace_memory(WORKSPACE, locales)
    memory.close()
    console.print(f"rebuilt {memory.path}: {count} segment(s)", highlight=False)


@memory_app.command("match")
@reports_errors
def match_command(
    sentences: Annotated[
        list[str], typer.Argument(help="Sentences to look up; - reads one a line from stdin.")
    ],
    to: ToOption,
    source: Annotated[str, typer.Option("--from", help="Source language.")] = "en",
    min_match: Annotated[
        float, typer.Option("--min-match", min=0, max=100, help="Lowest score shown (0–100).")
    ] = DEFAULT_MIN_SCORE,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Matches per sentence.")] = 3,
    output_format: FormatOption = TableFormat.TABLE,
    glossary: GlossaryOption = None,
    locales: LocalesOption = Path("locales"),
) -> None:
    """Show the memory's best matches for each sentence, with what differs.

    A match whose source differs from the sentence in a number, a protected
    term (glossary/) or a negation is flagged.

    Example: [bold]transflow memory match "The president arrived in Baku." --to pt[/]
    """
    from transflow.glossary.model import workspace_glossary
    from transflow.memory.workspace import open_workspace_memory

    source_lang, target_lang = normalise(source), normalise(to)
    protected = workspace_glossary(glossary)
    protected.raise_for_errors()
    terms = [term.text for term in protected.for_pair(source_lang, target_lang)]
    queries = list(_sentences(sentences))
    with open_workspace_memory(WORKSPACE, locales) as memory:
        results = [
            (
                query,
                memory.fuzzy(
                    query, source_lang, target_lang, min_score=min_match, limit=limit, terms=terms
                ),
            )
            for query in queries
        ]
    if output_format is TableFormat.JSON:
        records = [
            {"query": query, "matches": [match.as_dict() for match in matches]}
            for query, matches in results
        ]
        _print_json(records)
        return
    for query, matches in results:
        _print_matches(query, matches, min_match)


@memory_app.command("search")
@reports_errors
def search_command(
    text: Annotated[str, typer.Argument(help="Words or text to find in sources and translations.")],
    to: OptionalToOption = None,
    source: OptionalFromOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most segments shown.")] = 20,
    output_format: FormatOption = TableFormat.TABLE,
    locales: LocalesOption = Path("locales"),
) -> None:
    """Concordance: approved segments whose source or translation contains TEXT.

    Example: [bold]transflow memory search "prime minister" --to pt[/]
    """
    from transflow.memory.workspace import open_workspace_memory

    with open_workspace_memory(WORKSPACE, locales) as memory:
        found = memory.search(text, source_lang=source, target_lang=to, limit=limit)
    if output_format is TableFormat.JSON:
        _print_json([segment.as_dict() for segment in found])
        return
    if not found:
        console.print(f"nothing in the memory contains {text!r}", highlight=False)
        return
    table = Table(title=f"{len(found)} segment(s) with {text!r}", box=box.SIMPLE_HEAD)
    for column in ("source", "translation", "lang", "article", "reviewer", "origin"):
        table.add_column(column, overflow="fold")
    words = text.split()
    for segment in found:
        table.add_row(
            _highlighted(segment.source, words),
            _highlighted(segment.target, words),
            f"{segment.source_lang}→{segment.target_lang}",
            segment.article or segment.imported_from or "",
            segment.reviewer or "",
            str(segment.origin),
        )
    console.print(table)


@memory_app.command("import")
@reports_errors
def import_command(
    file: Annotated[Path, typer.Argument(help="A TMX file (1.4b; any CAT tool's export).")],
    source: Annotated[
        str | None, typer.Option("--from", help="Source language (default: the file's srclang).")
    ] = None,
    to: OptionalToOption = None,
    locales: LocalesOption = Path("locales"),
) -> None:
    """Import a TMX memory; its units rank below the team's own approvals.

    All units are imported or, if the file is bad, none. A copy is kept in
    .transflow/memory-imports/ so that a rebuild brings them back.

    Example: [bold]transflow memory import agency.tmx --to pt[/]
    """
    from transflow.memory.workspace import import_tmx, open_workspace_memory

    with open_workspace_memory(WORKSPACE, locales) as memory:
        result = import_tmx(memory, WORKSPACE, file, source_lang=source, target_lang=to)
    console.print(
        f"imported {result.added} unit(s) from {file}"
        + (f" ({result.duplicates} already in the memory)" if result.duplicates else ""),
        highlight=False,
    )


@memory_app.command("export")
@reports_errors
def export_command(
    file: Annotated[Path, typer.Argument(help="The TMX file to write.")],
    to: OptionalToOption = None,
    source: OptionalFromOption = None,
    locales: LocalesOption = Path("locales"),
) -> None:
    """Write the memory as a TMX 1.4b file, one unit per distinct translation.

    Example: [bold]transflow memory export newsroom-pt.tmx --to pt[/]
    """
    from transflow.memory.workspace import export_tmx, open_workspace_memory

    with open_workspace_memory(WORKSPACE, locales) as memory:
        count = export_tmx(memory, file, source_lang=source, target_lang=to)
    console.print(f"wrote {count} unit(s) to {file}", highlight=False)


@memory_app.command("stats")
@reports_errors
def stats_command(
    output_format: FormatOption = TableFormat.TABLE, locales: LocalesOption = Path("locales")
) -> None:
    """Show what the memory holds: segments per language pair and origin.

    Example: [bold]transflow memory stats[/]
    """
    from transflow.memory.workspace import open_workspace_memory

    with open_workspace_memory(WORKSPACE, locales) as memory:
        stats = memory.stats()
    if output_format is TableFormat.JSON:
        _print_json(
            {
                "path": str(stats.path),
                "size_bytes": stats.size_bytes,
                "segments": stats.segments,
                "articles": stats.articles,
                "reviewers": stats.reviewers,
                "pairs": [
                    {
                        "source_lang": pair.source_lang,
                        "target_lang": pair.target_lang,
                        "segments": pair.segments,
                        "distinct_sources": pair.distinct_sources,
                        "by_origin": pair.by_origin,
                    }
                    for pair in stats.pairs
                ],
            }
        )
        return
    table = Table(title=f"Translation memory {stats.path}", box=box.SIMPLE_HEAD)
    table.add_column("pair")
    for column in ("segments", "distinct sources", "human", "engine", "imported"):
        table.add_column(column, justify="right")
    for pair in stats.pairs:
        table.add_row(
            f"{pair.source_lang}→{pair.target_lang}",
            str(pair.segments),
            str(pair.distinct_sources),
            *(str(pair.by_origin[origin]) for origin in ("human", "engine", "imported")),
        )
    if stats.pairs:
        console.print(table)
    console.print(
        f"{stats.segments} segment(s) from {stats.articles} article(s) by {stats.reviewers} "
        f"reviewer(s); {stats.size_bytes / 1e6:.1f} MB",
        highlight=False,
    )


def _sentences(arguments: Sequence[str]) -> Iterator[str]:
    """The sentences as given, ``-`` standing for the lines of standard input."""
    for argument in arguments:
        if argument != "-":
            yield argument
            continue
        yield from (line.strip() for line in sys.stdin if line.strip())


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _print_matches(query: str, matches: Sequence[Match], min_match: float) -> None:
    console.print(Text(query, style="bold"), soft_wrap=True)
    if not matches:
        console.print(f"  no match of {min_match:g}% or more", style="dim", highlight=False)
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for column in ("score", "memory source → this sentence", "translation", "by", "check"):
        table.add_column(column, overflow="fold")
    for match in matches:
        segment = match.segment
        provenance = ", ".join(
            part for part in (str(segment.origin), segment.reviewer, segment.article) if part
        )
        table.add_row(
            f"{match.score:g}%",
            marked_diff(match.diff) if match.diff else Text(segment.source),
            segment.target,
            provenance,
            Text(", ".join(match.flags), style="yellow"),
        )
    console.print(table)


def _highlighted(text: str, words: Sequence[str]) -> Text:
    rendered = Text(text)
    rendered.highlight_words(words, style="bold yellow", case_sensitive=False)
    return rendered
