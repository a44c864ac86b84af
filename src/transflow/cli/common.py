"""What every command module shares: consoles, common options, one-line error reporting."""

from __future__ import annotations

import errno
import functools
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from transflow.errors import TransflowError
from transflow.fileio import describe_os_error
from transflow.glossary.model import Glossary
from transflow.languages import display_name, normalise, normalise_list
from transflow.queue.diff import DiffOp, Op

# Piped output is read by scripts and pagers, not wrapped to a window: tables
# and lines keep their full width there (a terminal still gets its own width).
# rich leaves styles off when the output is not a terminal.
PIPED_WIDTH = 100_000


#
# Markup is off: what transflow prints is data (paths, sentences, terms) in
# which "[sic]" or "[x] story.txt" is text, not a style. Styles come from
# rich Text objects and :func:`report`.
def terminal_console(**options: Any) -> Console:
    """A console for transflow's output: plain (no colour, bold or italics) under NO_COLOR.

    rich itself only drops colours for NO_COLOR; no-color.org asks for plain
    output, so every style goes (``color_system=None``).
    """
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(color_system=None if plain else "auto", **options)


console = terminal_console(markup=False, width=None if sys.stdout.isatty() else PIPED_WIDTH)
error_console = terminal_console(stderr=True, markup=False)

# Every command and group answers ``-h`` as well as ``--help``.
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


class TableFormat(StrEnum):
    """``--format`` of commands that print a table: the table, or JSON for scripts."""

    TABLE = "table"
    JSON = "json"


FormatOption = Annotated[
    TableFormat,
    typer.Option("--format", help="table, or json for scripts.", case_sensitive=False),
]


def _queue_directory(value: Path) -> Path:
    """``--locales`` may not exist yet (translate creates it) but must not be a file."""
    if value.exists() and not value.is_dir():
        raise typer.BadParameter(f"{value} is a file, not the queue directory")
    return value


LocalesOption = Annotated[
    Path,
    typer.Option(
        "--locales",
        help="The review queue directory (locales/<lang>/<article>.po).",
        callback=_queue_directory,
    ),
]
SourceOption = Annotated[str, typer.Option("--from", help="Source language of the articles.")]


def complete_targets(incomplete: str) -> list[str]:
    """Shell completion for ``--to pt,de``: the languages installed models translate into."""
    from transflow.engines.models import model_catalog

    done, comma, last = incomplete.rpartition(",")
    try:
        targets = sorted({row.pair[1] for row in model_catalog()})
    except (TransflowError, OSError):  # a broken model folder must not break the shell
        return []
    return [done + comma + target for target in targets if target.startswith(last)]


TargetsOption = Annotated[
    str,
    typer.Option(
        "--to", help="Target language(s), comma-separated.", autocompletion=complete_targets
    ),
]

# A workspace (or a test session) can pin its engine: TRANSFLOW_ENGINE=argos.
EngineOption = typer.Option(
    envvar="TRANSFLOW_ENGINE", help="auto, argos or bergamot ($TRANSFLOW_ENGINE)."
)

AcceptContextOption = Annotated[
    bool,
    typer.Option(
        "--accept-context-matches",
        help="Approve translation-memory matches whose neighbouring sentences match too.",
    ),
]

NoConfidenceOption = Annotated[
    bool,
    typer.Option(
        "--no-confidence",
        help="Skip the round trip through the reverse model: confidence from the "
        "forward signals only (about half the engine time).",
    ),
]

GlossaryOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--glossary", help="Glossary CSV file or directory (repeatable; default: glossary/)."
    ),
]

Command = TypeVar("Command", bound=Callable[..., Any])
# Write failures that carry no file name: every file transflow writes itself is
# named (fileio.WriteError), so these come from standard output (``> /dev/full``).
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def reports_errors(command: Command) -> Command:
    """Turn user and OS errors into one red line on stderr and exit code 1, never a traceback.

    An OSError (full disk, read-only file system, permission denied, a file
    where a folder should be) is shown with its path and cause. Standard
    output is flushed inside the wrapper, so a full disk or a closed pipe
    behind ``>`` or ``|`` is reported here too, not as an exception ignored
    at exit.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with one_line_warnings():
            try:
                result = command(*args, **kwargs)
                sys.stdout.flush()
                return result
            except TransflowError as error:
                report_error(str(error))
                raise typer.Exit(1) from None
            except BrokenPipeError:
                # The reader (``| head``) has gone: nothing to tell it, and nobody to tell.
                _discard_standard_output()
                raise typer.Exit(1) from None
            except OSError as error:
                if error.filename is None and error.errno in _OUTPUT_ERRORS:
                    _discard_standard_output()
                    report_error(f"standard output: {describe_os_error(error)}")
                else:
                    report_error(describe_os_error(error))
                raise typer.Exit(1) from None
            except KeyboardInterrupt:
                exit_interrupted()

    wrapper.reports_errors = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def report_line(label: str, message: str, style: str = "yellow") -> None:
    """One ``label: message`` line on stderr, the label styled; ``message`` is plain text."""
    error_console.print(
        Text.assemble((f"{label}:", style), " ", message), highlight=False, soft_wrap=True
    )


def report_error(message: str) -> None:
    """The one ``error:`` line."""
    report_line("error", message, "bold red")


def exit_interrupted() -> None:
    """Ctrl-C: say so and exit 130 at once, whatever is running."""
    error_console.print(Text("interrupted", style="bold red"))
    # Every file is written atomically, so stopping here leaves the state a
    # kill would; an orderly shutdown would first wait for the translations
    # CTranslate2 still has queued, since it cannot cancel them.
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError):
            stream.flush()
    os._exit(130)


def _discard_standard_output() -> None:
    """Point standard output at /dev/null so the flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real descriptor (a test runner's buffer)
        pass


@contextmanager
def one_line_warnings() -> Iterator[None]:
    def show(message: Warning | str, *_: Any, **__: Any) -> None:
        report_line("warning", str(message))

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = show
        yield


def refuse_overwriting_an_input(output: Path | None, inputs: Iterable[Path]) -> None:
    """An output file that is one of the command's inputs would replace it: refuse.

    ``export story.txt -o story.txt`` would put the translation over the
    article, ``glossary export -o glossary/world.csv`` the export over the
    glossary, with no copy left.
    """
    if output is None:
        return
    target = os.path.realpath(output)
    for path in inputs:
        if os.path.realpath(path) == target:
            raise TransflowError(
                f"{output}: is an input of this command ({path}); write the output elsewhere"
            )


def languages(value: str) -> list[str]:
    """``--to pt,de`` as normalised tags, each once (``pt,PT`` translates once)."""
    languages = normalise_list(value)
    if not languages:
        raise typer.BadParameter("name at least one language, e.g. --to pt or --to pt,de")
    return languages


def warn_if_unprotected(glossary: Glossary, source: str) -> None:
    """Say once that names go unprotected when no glossary term applies to ``source``."""
    if any(term.source_lang == source for term in glossary.terms):
        return
    if glossary.terms:
        problem = f"the glossary has no {source} terms"
    else:
        problem = "no glossary found (no glossary/ folder, no --glossary)"
    warnings.warn(
        f"{problem}: names and places are not protected; --no-glossary says that is intended",
        stacklevel=2,
    )


def warn_if_in_another_language(articles: Iterable[Path], source: str) -> None:
    """One warning per article clearly written in another language than ``--from``.

    A model mostly copies text in a language it was not trained for, so the
    queue would fill with the source "translated" as itself. Articles that
    cannot be read are left to the command, which reports them.
    """
    from transflow.source.articles import read_article
    from transflow.source.language_detection import mismatched_language

    expected = normalise(source)
    for path in articles:
        try:
            article = read_article(path)
        except TransflowError:
            continue
        text = "\n\n".join(block.text for block in article.blocks if block.translatable)
        found = mismatched_language(text, expected)
        if found is not None:
            tag, share = found
            warnings.warn(
                f"{path} looks {display_name(tag)} ({tag}, {share:.0%} of its text), not "
                f"{display_name(expected)}: check --from {source}; an engine given the wrong "
                "language mostly copies the source",
                stacklevel=2,
            )


# As ``git diff --word-diff=plain``, coloured: the markers keep it readable without colour.
_DIFF_MARKS = {
    Op.EQUAL: ("", "", ""),
    Op.DELETE: ("[-", "-]", "red"),
    Op.INSERT: ("{+", "+}", "green"),
}


def marked_diff(ops: Sequence[DiffOp]) -> Text:
    """How the memory's source becomes this sentence: ``in [-Baku-]{+Batumi+}``."""
    pieces = []
    for op in ops:
        opening, closing, style = _DIFF_MARKS[op.op]
        pieces.append((f"{opening}{op.text}{closing}", style))
    return Text.assemble(*pieces)
