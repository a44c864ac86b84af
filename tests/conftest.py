"""Shared fixtures: a real tiny Argos package, installed offline, and sample articles."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

from builders import DATA, FREE_PORT
from transflow.engines.packages import install_model
from transflow.testing.copy_model import build_copy_model_package

SAMPLE_ARTICLE = DATA / "articles" / "azerbaijan-israel-presidents-baku.txt"


@pytest.fixture(autouse=True, scope="session")
def _transflow_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Placeholder probes cache per model; tests (and their CLI subprocesses) use a temp folder."""
    previous = os.environ.get("TRANSFLOW_CACHE_DIR")
    os.environ["TRANSFLOW_CACHE_DIR"] = str(tmp_path_factory.mktemp("transflow-cache"))
    yield
    if previous is None:
        os.environ.pop("TRANSFLOW_CACHE_DIR", None)
    else:
        os.environ["TRANSFLOW_CACHE_DIR"] = previous


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


@pytest.fixture(scope="session")
def two_language_packages(
    tmp_path_factory: pytest.TempPathFactory, copy_model_archive: Path
) -> Path:
    """en→pt and en→de copy models in one Argos package directory."""
    directory = tmp_path_factory.mktemp("two-languages") / "packages"
    install_model(copy_model_archive, directory)
    german = build_copy_model_package(
        tmp_path_factory.mktemp("copy-model-de"),
        from_code="en",
        to_code="de",
        training_text=SAMPLE_ARTICLE.read_text(encoding="utf-8"),
    )
    install_model(german, directory)
    return directory


@pytest.fixture
def argos_packages(monkeypatch: pytest.MonkeyPatch, installed_packages_dir: Path) -> Path:
    """Point Argos at a package directory holding only the en→pt copy model, and use it.

    ``auto`` prefers a Bergamot model over an Argos one for the same pair; the
    CLI tests pin the copy model with TRANSFLOW_ENGINE so their output is exact.
    """
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(installed_packages_dir))
    monkeypatch.setenv("TRANSFLOW_ENGINE", "argos")
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


@pytest.fixture(scope="session")
def dask_client(two_language_packages: Path) -> Iterator[Client]:
    """A real local Dask cluster: two single-threaded worker processes with both copy models.

    Worker processes inherit the environment when they are spawned, so the
    package directory is exported only while the cluster starts (their
    nannies keep it for restarted workers) and the tests' own environment is
    left alone. The workers run without the nanny's MALLOC_TRIM_THRESHOLD_, as
    docs/cluster.md recommends (it slows CTranslate2 down about fourfold). The
    scheduler serves HTTP even without a dashboard, on FREE_PORT.
    """
    previous = os.environ.get("ARGOS_PACKAGES_DIR")
    os.environ["ARGOS_PACKAGES_DIR"] = str(two_language_packages)
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
            cluster = LocalCluster(
                n_workers=2, processes=True, threads_per_worker=1, dashboard_address=FREE_PORT
            )
    finally:
        if previous is None:
            del os.environ["ARGOS_PACKAGES_DIR"]
        else:
            os.environ["ARGOS_PACKAGES_DIR"] = previous
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client
