from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from transflow.engines.packages import install_model, installed_models, packages_dir
from transflow.errors import ModelPackageError


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def rezip(source: Path, destination: Path, *, drop: str = "", metadata: dict | None = None) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(destination, "w") as copy:
        for item in original.infolist():
            if drop and item.filename.endswith(drop):
                continue
            data = original.read(item)
            if metadata is not None and item.filename.endswith("metadata.json"):
                data = json.dumps(metadata).encode()
            copy.writestr(item, data)
    return destination


def test_packages_dir_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path))
    assert packages_dir() == tmp_path


def test_install_then_list(tmp_path: Path, copy_model_archive: Path) -> None:
    directory = tmp_path / "packages"
    model = install_model(copy_model_archive, directory)
    assert (model.from_code, model.to_code) == ("en", "pt")
    assert installed_models(directory) == [model]
    assert (model.path / "model" / "model.bin").is_file()


def test_reinstall_replaces_the_package(tmp_path: Path, copy_model_archive: Path) -> None:
    directory = tmp_path / "packages"
    install_model(copy_model_archive, directory)
    install_model(copy_model_archive, directory)
    assert len(installed_models(directory)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["packages"]  # no staging left behind


def test_listing_ignores_foreign_directories(tmp_path: Path, copy_model_archive: Path) -> None:
    directory = tmp_path / "packages"
    install_model(copy_model_archive, directory)
    (directory / "not-a-package").mkdir()
    assert len(installed_models(directory)) == 1


def corrupt_archives(tmp_path: Path, good: Path) -> dict[str, Path]:
    random_bytes = tmp_path / "random.argosmodel"
    random_bytes.write_bytes(bytes(range(256)) * 40)
    truncated = tmp_path / "truncated.argosmodel"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    flipped = tmp_path / "flipped.argosmodel"
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zipped:
        info = zipped.getinfo(next(n for n in zipped.namelist() if n.endswith("model.bin")))
    middle = info.header_offset + 100 + info.compress_size // 2
    data[middle] ^= 0xFF
    flipped.write_bytes(bytes(data))
    no_model = rezip(good, tmp_path / "no-model.argosmodel", drop="model.bin")
    no_metadata = rezip(good, tmp_path / "no-metadata.argosmodel", drop="metadata.json")
    bad_metadata = rezip(good, tmp_path / "bad-metadata.argosmodel", metadata={"to_code": "pt"})
    return {
        "random bytes": random_bytes,
        "truncated": truncated,
        "flipped byte": flipped,
        "no model": no_model,
        "no metadata": no_metadata,
        "metadata without from_code": bad_metadata,
        "missing file": tmp_path / "absent.argosmodel",
    }


def test_corrupt_packages_are_refused_and_change_nothing(
    tmp_path: Path, copy_model_archive: Path
) -> None:
    directory = tmp_path / "packages"
    install_model(copy_model_archive, directory)
    before = snapshot(directory)
    for name, archive in corrupt_archives(tmp_path, copy_model_archive).items():
        with pytest.raises(ModelPackageError) as raised:
            install_model(archive, directory)
        assert str(archive) in str(raised.value), name
        assert "\n" not in str(raised.value), name
        assert snapshot(directory) == before, name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".transflow-install-")]
