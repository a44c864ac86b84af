"""CLI conventions every command keeps: help with an example, README listing, -h, choices.

These walk the real command tree (``typer.main.get_command``), so a new
command or option is checked the day it is added: none can ship without an
example in its help, an entry in the README's command summary naming each of
its options, or a ``--format`` that refuses a wrong value with exit 2.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pexpect
import pytest
import typer.main
from typer._click import Context
from typer.core import TyperOption
from typer.testing import CliRunner

from builders import REPOSITORY, Seg, write_queue_file
from transflow.cli import app

TRANSFLOW = str(Path(sys.executable).parent / "transflow")
ROOT = typer.main.get_command(app)
# Options every command may take without listing them in its README entry.
UNLISTED = {"--help", "-h", "--locales"}


def leaf_commands(group: Any = ROOT, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    # typer 0.29 vendors its own click (typer._click): walk its objects, not click's.
    if hasattr(group, "commands"):
        for name, command in sorted(group.commands.items()):
            yield from leaf_commands(command, (*path, name))
    else:
        yield " ".join(path), group


COMMANDS = dict(leaf_commands())


def readme_entries() -> dict[str, str]:
    """The README's command summary: the text of each ``transflow <command>`` entry."""
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    entries: dict[str, str] = {}
    current = None
    for line in block.splitlines():
        match = re.match(r"transflow ((?:[a-z]+ ?)+?)(?= [A-Z\[-]|$)", line)
        if match and match.group(1).strip() in COMMANDS:
            current = match.group(1).strip()
            entries[current] = entries.get(current, "") + line + "\n"
        elif current is not None and line.startswith(" "):
            entries[current] += line + "\n"
        else:
            current = None
    return entries


def test_the_command_tree_is_what_the_tests_expect() -> None:
    assert {"translate", "batch", "review", "status", "glossary list", "models install"} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert f"transflow {name}" in result.output.split("Example:", 1)[1]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_is_in_the_readme(name: str) -> None:
    entry = readme_entries().get(name)
    assert entry is not None, f"README's command summary has no 'transflow {name}' entry"
    for parameter in COMMANDS[name].params:
        if isinstance(parameter, TyperOption):
            names = set(parameter.opts) - UNLISTED
            if names:
                assert any(option in entry for option in names), (name, parameter.opts)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_dash_h_is_help(name: str) -> None:
    runner = CliRunner()
    short = runner.invoke(app, [*name.split(), "-h"])
    assert short.exit_code == 0
    assert short.output == runner.invoke(app, [*name.split(), "--help"]).output


FORMATTED = sorted(
    name
    for name, command in COMMANDS.items()
    if any("--format" in getattr(p, "opts", ()) for p in command.params)
)


def test_the_commands_with_formats_include_the_machine_readable_ones() -> None:
    assert {
        "status",
        "check",
        "review",
        "glossary list",
        "models list",
        "translate",
        "batch",
    } <= set(FORMATTED)


@pytest.mark.parametrize("name", FORMATTED)
def test_a_wrong_format_exits_2_naming_the_choices_and_completion_offers_them(
    name: str,
) -> None:
    option = next(p for p in COMMANDS[name].params if "--format" in getattr(p, "opts", ()))
    choices_type = option.type_descriptor.annotation
    assert issubclass(choices_type, Enum)
    choices = [str(choice.value) for choice in choices_type]
    result = CliRunner().invoke(app, [*name.split(), "--format", "xml"])
    assert result.exit_code == 2
    for choice in choices:
        assert f"'{choice}'" in result.output
    offered = option.shell_complete(Context(COMMANDS[name]), "")
    assert [item.value for item in offered] == choices


@pytest.fixture
def long_queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    name = "a-very-long-article-name-that-no-eighty-column-table-could-ever-show-whole"
    write_queue_file(
        tmp_path / "locales" / "pt" / f"{name}.po",
        "pt",
        [Seg("One sentence here.", "Uma frase aqui.", "Uma frase aqui.")],
    )
    return tmp_path


def test_piped_tables_keep_their_full_width(long_queue: Path) -> None:
    piped = subprocess.run(
        [TRANSFLOW, "status"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    row = next(line for line in piped.stdout.splitlines() if "could-ever-show-whole" in line)
    assert "locales/pt/a-very-long-article-name-" in row
    assert row.split()[1:3] == ["1", "1"]  # total and to review on the same line
    assert "\x1b[" not in piped.stdout


def test_no_color_keeps_a_terminal_plain(long_queue: Path) -> None:
    def screen(*args: str, **env: str) -> str:
        child = pexpect.spawn(
            TRANSFLOW,
            ["status", *args],
            env={**os.environ, "TERM": "xterm-256color", **env},
            encoding="utf-8",
            dimensions=(40, 200),
        )
        output = child.read()
        child.close()
        return str(output)

    colour = re.compile(r"\x1b\[[0-9;]*3[0-9]m|\x1b\[[0-9;]*38;")
    assert colour.search(screen("--to", "xx-invalid"))  # the red "error:" a terminal gets
    assert "\x1b[" not in screen("--to", "xx-invalid", NO_COLOR="1")
    assert "\x1b[1m" in screen()  # the table's bold header
    plain = screen(NO_COLOR="1")
    assert "\x1b[" not in plain  # no colour, no bold or italics either
    assert "locales/pt/" in plain


def test_status_json_carries_what_the_table_shows(long_queue: Path) -> None:
    result = CliRunner().invoke(app, ["status", "--format", "json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    (file,) = report["files"]
    assert (file["total"], file["to_review"], file["words_to_review"]) == (1, 1, 3)
    assert {"flagged", "low_confidence", "approved", "untranslated", "obsolete"} <= set(file)
    assert report["total"]["to_review"] == 1


def test_completion_offers_the_installed_target_languages(argos_packages: Path) -> None:
    (to,) = (p for p in COMMANDS["translate"].params if "--to" in getattr(p, "opts", ()))
    offered = [item.value for item in to.shell_complete(Context(COMMANDS["translate"]), "")]
    assert "pt" in offered
    after_comma = [item.value for item in to.shell_complete(Context(COMMANDS["translate"]), "de,p")]
    assert after_comma == ["de,pt"]


def test_brackets_in_names_are_text_not_markup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argos_packages: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    article = Path("[x] story [bold].txt")
    article.write_text("The president arrived in Baku [sic].\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["translate", str(article), "--to", "pt", "--no-glossary"])
    assert result.exit_code == 0, result.output
    assert "wrote locales/pt/[x] story [bold].po" in result.stdout
    status = CliRunner().invoke(app, ["status"])
    assert "locales/pt/[x] story [bold].po" in status.stdout
    missing = CliRunner().invoke(app, ["translate", "[red]missing.txt", "--to", "pt"])
    assert "[red]missing.txt" in missing.stderr


def test_every_choice_option_ignores_case() -> None:
    for name, command in COMMANDS.items():
        for parameter in command.params:
            annotation = parameter.type_descriptor.annotation
            if isinstance(annotation, type) and issubclass(annotation, Enum):
                info = parameter.type_descriptor.parameter_info
                assert info.case_sensitive is False, (name, parameter.opts)


def test_the_cli_choice_copies_match_the_library_enums() -> None:
    # Kept in the CLI so that --help imports no queue code; they must not drift.
    from transflow.cli import AttentionChoice, SeverityChoice
    from transflow.queue.checks import Severity
    from transflow.queue.status import Attention

    assert [c.value for c in AttentionChoice] == [a.value for a in Attention]
    assert [c.value for c in SeverityChoice] == [s.value for s in Severity]
