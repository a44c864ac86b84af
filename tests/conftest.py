"""Shared fixtures: a real tiny Argos package, installed offline, and sample articles."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from transflow.models import install_model
from transflow.testing.copy_model import build_copy_model_package

DATA = Path(__file__).parent / "data"
SAMPLE_ARTICLE = DATA / "articles" / "azerbaijan-israel-presidents-baku.txt"


@pytest.fixture(scope="session")
def copy_model_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An en→pt .argosmodel whose model copies its input in upper case."""
    training_text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    return build_copy_model_package(
        tmp_path_factory.mktemp("copy-model"),
        from_code="en",
        to_code="pt",
        training_text=training_text,
    )


@pytest.fixture(scope="session")
def installed_packages_dir(
    tmp_path_factory: pytest.TempPathFactory, copy_model_archive: Path
) -> Path:
    directory = tmp_path_factory.mktemp("argos-packages") / "packages"
    install_model(copy_model_archive, directory)
    return directory


@pytest.fixture
def argos_packages(monkeypatch: pytest.MonkeyPatch, installed_packages_dir: Path) -> Path:
    """Point Argos at a package directory holding only the en→pt copy model."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(installed_packages_dir))
    return installed_packages_dir


@pytest.fixture
def empty_packages_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    directory = tmp_path / "no-packages"
    directory.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(directory))
    return directory


@pytest.fixture
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich wraps tables to the terminal; a wide one keeps file names and rows on one line."""
    from transflow import cli

    monkeypatch.setattr(cli.console, "width", 250)
    monkeypatch.setattr(cli.error_console, "width", 250)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh working directory with the sample article in articles/."""
    (tmp_path / "articles").mkdir()
    shutil.copy(SAMPLE_ARTICLE, tmp_path / "articles" / SAMPLE_ARTICLE.name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
