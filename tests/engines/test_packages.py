from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from transflow.engines.argos import ArgosEngine
from transflow.engines.packages import install_model, installed_models, packages_dir
from transflow.errors import ModelPackageError
from transflow.testing.copy_model import build_copy_model_package
from transflow.testing.index_server import rewrite_package


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


def test_a_package_whose_tokenizer_is_junk_is_refused_and_the_working_one_stays(
    tmp_path: Path, copy_model_archive: Path
) -> None:
    directory = tmp_path / "packages"
    working = install_model(copy_model_archive, directory)
    before = snapshot(directory)
    junk = rewrite_package(
        copy_model_archive,
        tmp_path / "junk-tokenizer.argosmodel",
        {"sentencepiece.model": bytes(range(256)) * 16},
    )
    with pytest.raises(ModelPackageError) as raised:
        install_model(junk, directory)
    message = str(raised.value)
    assert message.startswith(f"{junk}: the model does not translate (")
    assert "nothing was installed" in message
    assert "\n" not in message
    assert snapshot(directory) == before
    engine = ArgosEngine(models=installed_models(directory))
    assert engine.translate_batch(["Hello."], "en", "pt")[0].best.text == "HELLO."
    assert installed_models(directory) == [working]


@pytest.mark.parametrize(
    ("codes", "refusal"),
    [
        (
            {"from_code": "english", "to_code": "pt"},
            "from_code: unknown language 'english': did you mean en?",
        ),
        ({"from_code": "en", "to_code": "xx"}, "to_code: unknown language 'xx'"),
        ({"from_code": "en", "to_code": 7}, "must name from_code and to_code"),
    ],
)
def test_metadata_codes_must_be_language_tags(
    tmp_path: Path, copy_model_archive: Path, codes: dict[str, object], refusal: str
) -> None:
    with zipfile.ZipFile(copy_model_archive) as zipped:
        name = next(n for n in zipped.namelist() if n.endswith("metadata.json"))
        metadata = json.loads(zipped.read(name)) | codes
    bad = rezip(copy_model_archive, tmp_path / "bad-codes.argosmodel", metadata=metadata)
    with pytest.raises(ModelPackageError, match=re.escape(refusal)):
        install_model(bad, tmp_path / "packages")
    assert not (tmp_path / "packages").exists() or not any((tmp_path / "packages").iterdir())


def test_argos_codes_that_are_not_tags_mean_what_argospm_says(
    tmp_path: Path, copy_model_archive: Path
) -> None:
    brazilian = build_copy_model_package(
        tmp_path, from_code="en", to_code="pb", training_text="Hello there."
    )
    model = install_model(brazilian, tmp_path / "packages")
    assert model.pair == ("en", "pt-BR")
    assert installed_models(tmp_path / "packages") == [model]


def test_a_new_package_for_a_pair_replaces_the_one_that_served_it(
    tmp_path: Path, copy_model_archive: Path
) -> None:
    directory = tmp_path / "packages"
    install_model(copy_model_archive, directory)
    renamed = tmp_path / "renamed"
    newer = build_copy_model_package(
        renamed, from_code="en", to_code="pt", training_text="Hello there.", package_version="2.0"
    )
    # Another directory name for the same pair, as a newer argospm package has.
    moved = rename_package(
        newer, tmp_path / "translate-en_pt-2_0.argosmodel", "translate-en_pt-2_0"
    )
    model = install_model(moved, directory)
    assert installed_models(directory) == [model]
    assert model.version == "2.0"
    assert model.path.name == "translate-en_pt-2_0"


def rename_package(archive: Path, destination: Path, top: str) -> Path:
    with zipfile.ZipFile(archive) as original, zipfile.ZipFile(destination, "w") as copy:
        for item in original.infolist():
            _, _, rest = item.filename.partition("/")
            copy.writestr(f"{top}/{rest}", original.read(item))
    return destination
