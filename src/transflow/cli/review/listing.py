"""``transflow review --list``: the queue for scripts, as a table, TSV or JSON records."""

from __future__ import annotations

import json
import sys

from rich import box
from rich.table import Table

from transflow.cli.common import console
from transflow.queue.review import QueueItem, ReviewQueue
from transflow.review.matches import MemoryMatches
from transflow.review.report import item_record

COLUMNS = ("id", "file", "line", "flag", "source")


def print_table(items: ReviewQueue) -> None:
    """A table on a terminal; piped, one tab-separated line per entry (nothing cut)."""
    rows = [
        (item.id, str(item.path), str(item.position), _flag(item), item.msgid) for item in items
    ]
    if not sys.stdout.isatty():
        lines = ["\t".join(COLUMNS), *("\t".join(_cell(c) for c in row) for row in rows)]
        sys.stdout.write("".join(f"{line}\n" for line in lines))
        return
    table = Table(title=f"{len(items)} entr(ies) awaiting review", box=box.SIMPLE_HEAD)
    for column in COLUMNS:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def print_json(items: ReviewQueue, matches: MemoryMatches) -> None:
    """One record per entry, with its memory matches (``--min-match``)."""
    records = [item_record(item, matches.for_item(item)) for item in items]
    sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")


def _flag(item: QueueItem) -> str:
    if item.problems:
        return "glossary"
    return "needs work" if item.rejection_note is not None else ""


def _cell(text: str) -> str:
    """A TSV cell: tabs and line breaks inside a sentence would break the columns."""
    return text.replace("\t", " ").replace("\n", " ")
