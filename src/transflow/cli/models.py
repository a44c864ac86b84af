"""``transflow models``: list, find, install and remove translation models."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from transflow.cli.common import FormatOption, TableFormat, console, error_console, reports_errors
from transflow.errors import TransflowError

models_app = typer.Typer(
    help="List, find, install and remove translation models (Argos and Bergamot).",
    no_args_is_help=True,
)

IndexOption = Annotated[
    str | None,
    typer.Option(
        "--index",
        help="Package index address or index.json file (default: $TRANSFLOW_MODEL_INDEX, "
        "else argospm's index).",
        show_default=False,
    ),
]


@models_app.command("list")
@reports_errors
def models_list(output_format: FormatOption = TableFormat.TABLE) -> None:
    """List what can be translated: each pair, the engines that cover it, and auto's choice.

    The reason column says why auto prefers the engine it uses (a model for
    the language itself, a direct model, Bergamot over Argos).

    Example: [bold]transflow models list --format json[/]
    """
    from transflow.engines.bergamot_packages import bergamot_models_dir
    from transflow.engines.models import model_catalog
    from transflow.engines.packages import packages_dir

    rows = model_catalog()
    if output_format is TableFormat.JSON:
        sys.stdout.write(
            json.dumps([row.to_json() for row in rows], ensure_ascii=False, indent=2) + "\n"
        )
        return
    table = Table(title="Translation models", box=box.SIMPLE_HEAD)
    for column in ("pair", "engine", "auto", "model", "location", "reason"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            f"{row.pair[0]}→{row.pair[1]}",
            row.engine,
            "✓" if row.selected else "",
            row.model,
            row.location,
            row.reason,
        )
    console.print(table)
    console.print(f"Argos packages directory: {packages_dir()}", highlight=False)
    console.print(f"Bergamot models directory: {bergamot_models_dir()}", highlight=False)


@models_app.command("available")
@reports_errors
def models_available(
    source: Annotated[str | None, typer.Option("--from", help="Only from this language.")] = None,
    target: Annotated[str | None, typer.Option("--to", help="Only into this language.")] = None,
    index: IndexOption = None,
    output_format: FormatOption = TableFormat.TABLE,
) -> None:
    """List the packages the Argos package index offers (and which are installed).

    Example: [bold]transflow models available --from en --to de[/]
    """
    from transflow.engines.index import load_index
    from transflow.engines.packages import installed_models
    from transflow.languages import normalise

    wanted_source = normalise(source) if source else None
    wanted_target = normalise(target) if target else None
    package_index = load_index(index)
    entries = package_index.matching(wanted_source, wanted_target)
    installed = {model.pair: model.version for model in installed_models()}
    if output_format is TableFormat.JSON:
        rows = [
            {
                "pair": f"{entry.from_code}→{entry.to_code}",
                "source": entry.from_code,
                "target": entry.to_code,
                "code": entry.code,
                "version": entry.version,
                "installed": installed.get(entry.pair),
                "links": list(entry.links),
            }
            for entry in entries
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"Packages in {package_index.location}", box=box.SIMPLE_HEAD)
    for column in ("pair", "package", "version", "installed"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        table.add_row(
            f"{entry.from_code}→{entry.to_code}",
            entry.code,
            entry.version,
            installed.get(entry.pair, ""),
        )
    console.print(table)
    skipped = (
        f"; {package_index.skipped} entries skipped (no language tag or no download link)"
        if package_index.skipped
        else ""
    )
    console.print(
        f"{len(entries)} package(s){skipped}; install one with "
        "'transflow models install SOURCE TARGET'",
        highlight=False,
    )


@models_app.command("install")
@reports_errors
def models_install(
    what: Annotated[
        str,
        typer.Argument(
            help="A source language (with TARGET), or an .argosmodel file, or a Bergamot "
            "model folder or archive."
        ),
    ],
    target: Annotated[
        str | None, typer.Argument(help="The target language, to install from the index.")
    ] = None,
    index: IndexOption = None,
    source_language: Annotated[
        str | None, typer.Option("--from", help="A Bergamot model's source language.")
    ] = None,
    target_language: Annotated[
        str | None, typer.Option("--to", help="A Bergamot model's target language.")
    ] = None,
) -> None:
    """Install a model: a language pair from the package index, or a file or folder.

    A pair without a direct package gets the two packages of a pivot through
    English. Every model must translate a test sentence before it replaces
    the one installed for its pair.

    Example: [bold]transflow models install en de[/], or from files:
    [bold]transflow models install translate-en_de-1_0.argosmodel[/],
    [bold]transflow models install firefox-models/enes/[/]
    """
    if target is not None:
        if source_language or target_language:
            raise TransflowError(
                "--from and --to name a Bergamot model's languages; for a pair from the "
                "index write: transflow models install en de"
            )
        _install_pair(what, target, index)
        return
    from transflow.engines.models import install_file

    path = Path(what)
    if not path.exists():
        raise TransflowError(
            f"{path}: no such file or folder (to install a language pair from the index, "
            "name both languages: transflow models install en de)"
        )
    model = install_file(path, from_code=source_language, to_code=target_language)
    console.print(
        f"installed {model.pair[0]}→{model.pair[1]} ({model.engine} model {model.model_id}) "
        f"in {model.location}",
        highlight=False,
    )


def _install_pair(source: str, target: str, index: str | None) -> None:
    from transflow.engines.index import install_pair

    with _download_progress() as progress:
        outcome = install_pair(source, target, location=index, progress=progress)
    requested = f"{outcome.requested[0]}→{outcome.requested[1]}"
    legs = " and ".join(f"{e.from_code}→{e.to_code}" for e in outcome.route)
    if outcome.pivots:
        console.print(
            f"no direct {requested} package: {requested} pivots through English ({legs})",
            highlight=False,
        )
    elif outcome.route[0].pair != outcome.requested:
        console.print(f"no {requested} package: the {legs} one serves it", highlight=False)
    for model in outcome.already_installed:
        console.print(
            f"{model.from_code}→{model.to_code} {model.version} is already installed "
            f"({model.location})",
            highlight=False,
        )
    for model in outcome.installed:
        console.print(
            f"installed {model.from_code}→{model.to_code} (argos model {model.model_id}) "
            f"in {model.location}",
            highlight=False,
        )


@contextmanager
def _download_progress() -> Iterator[Callable[[int, int | None], None]]:
    """A transient download bar on a terminal; nothing when output is piped."""
    from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

    with Progress(
        *Progress.get_default_columns(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=error_console,
        transient=True,
        disable=not error_console.is_terminal,
    ) as progress:
        task = progress.add_task("downloading", total=None)

        def advance(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        yield advance


@models_app.command("remove")
@reports_errors
def models_remove(
    spec: Annotated[
        str, typer.Argument(help="A pair (en:de, en→de, en-de) or a model id from 'models list'.")
    ],
) -> None:
    """Remove installed models by pair or id (bundled models stay).

    Example: [bold]transflow models remove en:de[/]
    """
    from transflow.engines.models import remove_model

    for model in remove_model(spec):
        console.print(
            f"removed {model.pair[0]}→{model.pair[1]} ({model.engine} model {model.model_id}) "
            f"from {model.location}",
            highlight=False,
        )
