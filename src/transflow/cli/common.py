"""What every command module shares: consoles, common options, one-line error reporting."""

from __future__ import annotations

import functools
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from transflow.errors import TransflowError
from transflow.languages import normalise_list

console = Console()
error_console = Console(stderr=True)

LocalesOption = Annotated[
    Path,
    typer.Option("--locales", help="The review queue directory (locales/<lang>/<article>.po)."),
]
SourceOption = Annotated[str, typer.Option("--from", help="Source language of the articles.")]

GlossaryOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--glossary", help="Glossary CSV file or directory (repeatable; default: glossary/)."
    ),
]

Command = TypeVar("Command", bound=Callable[..., Any])


def reports_errors(command: Command) -> Command:
    """Turn user errors into one red line on stderr and exit code 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with one_line_warnings():
            try:
                return command(*args, **kwargs)
            except TransflowError as error:
                error_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
                raise typer.Exit(1) from None
            except KeyboardInterrupt:
                error_console.print("[bold red]interrupted[/]")
                # Every file is written atomically, so stopping here leaves the state a
                # kill would; an orderly shutdown would first wait for the translations
                # CTranslate2 still has queued, since it cannot cancel them.
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(130)

    return wrapper  # type: ignore[return-value]


@contextmanager
def one_line_warnings() -> Iterator[None]:
    def show(message: Warning | str, *_: Any, **__: Any) -> None:
        error_console.print(f"[yellow]warning:[/] {message}", highlight=False, soft_wrap=True)

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = show
        yield


def languages(value: str) -> list[str]:
    """``--to pt,de`` as normalised tags, each once (``pt,PT`` translates once)."""
    languages = normalise_list(value)
    if not languages:
        raise typer.BadParameter("name at least one language, e.g. --to pt or --to pt,de")
    return languages
