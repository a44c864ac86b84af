"""Argos Translate model packages: where they live, what is installed, installing one.

Packages are argostranslate's own: a zip (``.argosmodel``) holding one
directory with ``metadata.json``, a CTranslate2 ``model/`` and a tokenizer.
We list them with ``argostranslate.package`` and install them with its
``install_from_path``, but never let a bad file touch the real package
directory: the archive is checked, installed into a staging directory, loaded
once, and only then renamed into place. A corrupt download therefore leaves
every installed package exactly as it was.
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

from transflow.errors import ModelPackageError

if TYPE_CHECKING:
    from argostranslate.package import Package

_REQUIRED_METADATA = ("from_code", "to_code")


@dataclass(frozen=True)
class InstalledModel:
    """An installed Argos package, as transflow needs to know it."""

    from_code: str
    to_code: str
    version: str
    path: Path

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
        if not (candidate / "metadata.json").is_file():
            continue
        try:
            package = load_package(candidate)
        except ModelPackageError:
            continue
        models.append(
            InstalledModel(package.from_code, package.to_code, package.package_version, candidate)
        )
    return sorted(models, key=lambda model: (model.from_code, model.to_code, model.path.name))


def install_model(archive: Path, directory: Path | None = None) -> InstalledModel:
    """Install an ``.argosmodel`` file, replacing an installed package of the same name.

    Raises ModelPackageError, with nothing installed or changed, when the file
    is missing, not a zip, damaged, or not an Argos translation package.
    """
    root = directory or packages_dir()
    package_name = _check_archive(archive)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".transflow-install-", dir=root.parent))
    try:
        with _argos_package_dir(staging):
            from argostranslate.package import install_from_path

            install_from_path(archive)
        staged = staging / package_name
        package = load_package(staged)
        _check_model_loads(staged)
        destination = root / package_name
        _replace_directory(staged, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return InstalledModel(package.from_code, package.to_code, package.package_version, destination)


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
    if not isinstance(metadata, dict) or any(not metadata.get(key) for key in _REQUIRED_METADATA):
        raise ModelPackageError(f"{archive}: metadata.json must name from_code and to_code")
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


def _check_model_loads(package_path: Path) -> None:
    import ctranslate2

    try:
        ctranslate2.Translator(str(package_path / "model"), device="cpu")
    except (RuntimeError, ValueError, OSError) as error:
        raise ModelPackageError(
            f"{package_path.name}: the model does not load ({error})"
        ) from error


def _replace_directory(new: Path, destination: Path) -> None:
    """Move ``new`` to ``destination``; an existing package there is swapped out, not merged."""
    if not destination.exists():
        new.rename(destination)
        return
    retired = new.parent / f"{destination.name}.previous"
    destination.rename(retired)
    new.rename(destination)
    shutil.rmtree(retired, ignore_errors=True)
