"""Argos Translate model packages: where they live, what is installed, installing one.

Packages are argostranslate's own: a zip (``.argosmodel``) holding one
directory with ``metadata.json``, a CTranslate2 ``model/`` and a tokenizer.
We list them with ``argostranslate.package`` and install them with its
``install_from_path``, but never let a bad file touch the real package
directory: the archive is checked (its language codes must be language tags),
installed into a staging directory, and must translate a probe sentence there
(``transflow.engines.probe``, in a child process) before it is renamed into
place and replaces the package that served its pair. A corrupt download, or a
package whose tokenizer is junk, therefore leaves every installed package
exactly as it was.

Package codes become normalised BCP 47 tags; argospm's two codes that are not
tags (``zt`` Traditional Chinese, ``pb`` Brazilian Portuguese, both in its
index) are mapped to the tags they mean.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from transflow.engines.probe import prove_model_translates
from transflow.errors import ModelPackageError
from transflow.languages import UnknownLanguageError, normalise

if TYPE_CHECKING:
    from argostranslate.package import Package

_REQUIRED_METADATA = ("from_code", "to_code")
_ARGOS_CODES = {"zt": "zh-Hant", "pb": "pt-BR"}


def argos_language(code: str) -> str:
    """The normalised tag of an Argos package code; UnknownLanguageError if it is none."""
    return normalise(_ARGOS_CODES.get(code.strip().lower(), code))


@dataclass(frozen=True)
class InstalledModel:
    """An installed Argos package, as transflow needs to know it."""

    from_code: str
    to_code: str
    version: str
    path: Path

    @property
    def pair(self) -> tuple[str, str]:
        return self.from_code, self.to_code

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def model_id(self) -> str:
        return (
            f"argos-{self.path.name}-{self.version}" if self.version else f"argos-{self.path.name}"
        )


def packages_dir() -> Path:
    """The directory Argos packages are installed in.

    ``ARGOS_PACKAGES_DIR`` is read on every call, not only when argostranslate
    is first imported, so one process can work with several directories
    (tests do).
    """
    configured = os.environ.get("ARGOS_PACKAGES_DIR")
    if configured:
        return Path(configured)
    from argostranslate import settings

    return Path(settings.package_data_dir)


def load_package(path: Path) -> Package:
    """Open an installed package with argostranslate, as a ModelPackageError if broken."""
    from argostranslate.package import Package

    try:
        package = Package(path)
    except (OSError, ValueError) as error:
        raise ModelPackageError(f"{path}: not a valid Argos package ({error})") from error
    if not package.from_code or not package.to_code:
        raise ModelPackageError(f"{path}/metadata.json: from_code and to_code are required")
    if getattr(package, "tokenizer", None) is None:
        raise ModelPackageError(f"{path}: no sentencepiece.model or bpe.model tokenizer")
    return package


def installed_models(directory: Path | None = None) -> list[InstalledModel]:
    """Every valid package in ``directory`` (default: ``packages_dir()``), sorted by pair.

    Directories that are not packages (no metadata.json) are ignored, as
    argostranslate would fail on them.
    """
    root = directory or packages_dir()
    if not root.is_dir():
        return []
    models = []
    for candidate in sorted(root.iterdir()):
        # Hidden directories are installs and removals in progress, never packages.
        if candidate.name.startswith(".") or not (candidate / "metadata.json").is_file():
            continue
        try:
            models.append(_installed_model(candidate))
        except (ModelPackageError, UnknownLanguageError):
            continue
    return sorted(models, key=lambda model: (model.from_code, model.to_code, model.path.name))


def _installed_model(path: Path) -> InstalledModel:
    package = load_package(path)
    return InstalledModel(
        argos_language(package.from_code),
        argos_language(package.to_code),
        package.package_version,
        path,
    )


def install_model(
    archive: Path,
    directory: Path | None = None,
    *,
    expected_pair: tuple[str, str] | None = None,
) -> InstalledModel:
    """Install an ``.argosmodel`` file; it replaces the packages that served its pair.

    Raises ModelPackageError, with nothing installed or changed, when the file
    is missing, not a zip, damaged, not an Argos translation package, names
    languages that are not language tags (or not ``expected_pair``, what an
    index promised), or does not translate a probe sentence once unpacked.
    """
    root = directory or packages_dir()
    package_name = _check_archive(archive)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".transflow-install-", dir=root.parent))
    try:
        with _argos_package_dir(staging):
            from argostranslate.package import install_from_path

            install_from_path(archive)
        try:
            staged = _installed_model(staging / package_name)
        except (ModelPackageError, UnknownLanguageError) as error:
            raise ModelPackageError(f"{archive}: not a usable Argos package ({error})") from None
        if expected_pair is not None and staged.pair != expected_pair:
            raise ModelPackageError(
                f"{archive}: the package translates {staged.from_code}→{staged.to_code}, "
                f"not {expected_pair[0]}→{expected_pair[1]} as its index says"
            )
        prove_model_translates("argos", staged.path, staged.from_code, staged.to_code, archive)
        replaced = [model.path for model in installed_models(root) if model.pair == staged.pair]
        destination = root / package_name
        replace_directory(staged.path, destination)
        for previous in replaced:
            if previous != destination:
                remove_directory(previous)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return InstalledModel(staged.from_code, staged.to_code, staged.version, destination)


def _check_archive(archive: Path) -> str:
    """Validate the zip before extracting anything; return its package directory name."""
    if not archive.is_file():
        raise ModelPackageError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise ModelPackageError(f"{archive}: not an Argos model package (not a zip archive)")
    try:
        with zipfile.ZipFile(archive) as zipped:
            damaged = zipped.testzip()
            names = zipped.namelist()
            if damaged is not None:
                raise ModelPackageError(f"{archive}: damaged archive (bad data in {damaged})")
            package_name = _single_top_directory(archive, names)
            metadata = _read_metadata(archive, zipped, package_name)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ModelPackageError(f"{archive}: damaged archive ({error})") from error
    if metadata.get("type", "translate") != "translate":
        raise ModelPackageError(f"{archive}: not a translation package (type {metadata['type']!r})")
    required = {f"{package_name}/model/model.bin"}
    if not required <= set(names):
        raise ModelPackageError(f"{archive}: incomplete package (no model/model.bin)")
    tokenizers = {f"{package_name}/sentencepiece.model", f"{package_name}/bpe.model"}
    if not tokenizers & set(names):
        raise ModelPackageError(
            f"{archive}: incomplete package (no sentencepiece.model or bpe.model)"
        )
    return package_name


def _single_top_directory(archive: Path, names: list[str]) -> str:
    tops = set()
    for name in names:
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts:
            raise ModelPackageError(f"{archive}: unsafe path in archive: {name!r}")
        tops.add(parts[0])
    if len(tops) != 1:
        raise ModelPackageError(f"{archive}: expected one package directory, found {len(tops)}")
    return tops.pop()


def _read_metadata(archive: Path, zipped: zipfile.ZipFile, package_name: str) -> dict[str, object]:
    try:
        raw = zipped.read(f"{package_name}/metadata.json")
    except KeyError:
        raise ModelPackageError(f"{archive}: incomplete package (no metadata.json)") from None
    try:
        metadata = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelPackageError(f"{archive}: metadata.json is not valid JSON ({error})") from error
    if not isinstance(metadata, dict) or any(
        not isinstance(metadata.get(key), str) or not metadata[key] for key in _REQUIRED_METADATA
    ):
        raise ModelPackageError(f"{archive}: metadata.json must name from_code and to_code")
    for key in _REQUIRED_METADATA:
        try:
            argos_language(metadata[key])
        except UnknownLanguageError as error:
            raise ModelPackageError(f"{archive}: metadata.json {key}: {error}") from None
    return metadata


@contextmanager
def _argos_package_dir(directory: Path) -> Iterator[None]:
    """Point argostranslate's installer at ``directory`` for the duration.

    ``install_from_path`` extracts into the module-level
    ``settings.package_data_dir``; there is no parameter for it.
    """
    from argostranslate import settings

    previous = settings.package_data_dir
    settings.package_data_dir = directory
    try:
        yield
    finally:
        settings.package_data_dir = previous


def replace_directory(new: Path, destination: Path) -> None:
    """Move ``new`` to ``destination``; an existing package there is swapped out, not merged."""
    if not destination.exists():
        new.rename(destination)
        return
    retired = new.parent / f"{destination.name}.previous"
    destination.rename(retired)
    new.rename(destination)
    shutil.rmtree(retired, ignore_errors=True)


def remove_directory(path: Path) -> None:
    """Delete an installed model directory so that no reader ever sees half of it.

    It is first renamed to a hidden name (listings skip directories without
    metadata, and a hidden name is no model), then deleted.
    """
    retired = path.with_name(f".removing-{path.name}")
    try:
        path.rename(retired)
    except OSError as error:
        raise ModelPackageError(f"{path}: cannot remove ({error.strerror or error})") from None
    shutil.rmtree(retired, ignore_errors=True)
