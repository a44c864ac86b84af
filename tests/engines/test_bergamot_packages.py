"""Firefox Translations (Bergamot) models installed through the generic path; bad ones refused."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from transflow.engines.bergamot import BergamotEngine
from transflow.engines.bergamot_packages import (
    MODEL_SUFFIX,
    TOKENIZER_FILE,
    bundled_bergamot_models,
    install_bergamot_model,
    installed_bergamot_models,
    tokenizer_json,
)
from transflow.errors import ModelPackageError
from transflow.testing.bergamot_model import bundled_model_folder, firefox_model_folder, tar_folder

SENTENCES = ["The two presidents met in Baku.", "Talks lasted two hours."]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def bundled_translations() -> list[str]:
    return [t.best.text for t in BergamotEngine().translate_batch(SENTENCES, "en", "pt")]


def test_the_bundled_folders_are_found_with_their_pairs_and_ids() -> None:
    found = {(m.from_code, m.to_code): m.model_id for m in bundled_bergamot_models()}
    assert found == {
        ("en", "pt"): "bergamot-enpt-1693087644",
        ("pt", "en"): "bergamot-pten-1693087646",
    }


@pytest.mark.parametrize("pair", [("en", "pt"), ("pt", "en")])
def test_tokenizer_json_is_derived_from_the_vocabulary_as_the_bundled_one(
    pair: tuple[str, str],
) -> None:
    folder = bundled_model_folder(*pair)
    (vocabulary,) = folder.glob("*.spm")
    expected = json.loads((folder / TOKENIZER_FILE).read_text(encoding="utf-8"))
    assert tokenizer_json(vocabulary.read_bytes()) == expected


def test_a_firefox_folder_installs_under_the_generic_path_and_translates(
    tmp_path: Path, bundled_translations: list[str]
) -> None:
    folder = firefox_model_folder(tmp_path / "enes", code="enes")
    assert not (folder / TOKENIZER_FILE).exists()
    directory = tmp_path / "models"
    model = install_bergamot_model(folder, directory=directory)
    assert (model.from_code, model.to_code) == ("en", "es")
    assert model.path == directory / "en_es"
    assert model.model_id.startswith("bergamot-enes-")
    assert installed_bergamot_models(directory) == [model]
    assert {path.name for path in model.path.iterdir()} >= {
        "model.enes.intgemm.alphas.bin",
        "vocab.enes.spm",
        "lex.50.50.enes.s2t.bin",
        TOKENIZER_FILE,
        "transflow-model.json",
    }
    engine = BergamotEngine(models=installed_bergamot_models(directory))
    assert [t.best.text for t in engine.translate_batch(SENTENCES, "en", "es")] == (
        bundled_translations
    )


def test_a_gzipped_archive_in_the_models_repository_layout_installs(
    tmp_path: Path, bundled_translations: list[str]
) -> None:
    folder = firefox_model_folder(tmp_path / "prod" / "enfr", code="enfr", compress=True)
    assert all(path.name.endswith(".gz") for path in folder.iterdir())
    archive = tar_folder(tmp_path / "prod", tmp_path / "enfr.tar.gz")
    model = install_bergamot_model(archive, directory=tmp_path / "models")
    assert (model.from_code, model.to_code) == ("en", "fr")
    engine = BergamotEngine(models=[model])
    assert [t.best.text for t in engine.translate_batch(SENTENCES, "en", "fr")] == (
        bundled_translations
    )


def test_languages_can_be_named_and_are_normalised(tmp_path: Path) -> None:
    folder = firefox_model_folder(tmp_path / "unnamed", code="xxyy")
    with pytest.raises(ModelPackageError, match="cannot tell the model's languages"):
        install_bergamot_model(folder, directory=tmp_path / "models")
    model = install_bergamot_model(
        folder, from_code="EN", to_code="pt_BR", directory=tmp_path / "models"
    )
    assert (model.from_code, model.to_code) == ("en", "pt-BR")
    with pytest.raises(
        ModelPackageError, match=re.escape("unknown language 'english': did you mean en?")
    ):
        install_bergamot_model(folder, from_code="english", to_code="de", directory=tmp_path / "m")


def test_reinstalling_a_pair_replaces_its_model(tmp_path: Path) -> None:
    directory = tmp_path / "models"
    first = install_bergamot_model(
        firefox_model_folder(tmp_path / "a", code="ende"), directory=directory
    )
    second = install_bergamot_model(
        firefox_model_folder(tmp_path / "b", code="ende", compress=True), directory=directory
    )
    assert installed_bergamot_models(directory) == [second]
    assert first.path == second.path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "models"]  # no staging left


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1_000_000])


def junk(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


@pytest.mark.parametrize(
    ("damage", "refusal"),
    [
        (lambda folder: truncate(next(folder.glob(f"*{MODEL_SUFFIX}"))), "the runtime crashed"),
        (lambda folder: junk(next(folder.glob("lex.*"))), "bad shortlist magic"),
        (lambda folder: junk(next(folder.glob("*.spm"))), "not a SentencePiece model"),
        (lambda folder: next(folder.glob("*.spm")).unlink(), "no SentencePiece vocabulary"),
        (lambda folder: next(folder.glob(f"*{MODEL_SUFFIX}")).unlink(), "no Bergamot model"),
        (
            lambda folder: next(folder.glob("*.spm")).rename(folder / "srcvocab.enes.spm"),
            "separate source and target vocabularies",
        ),
    ],
    ids=[
        "truncated model",
        "junk shortlist",
        "junk vocabulary",
        "no vocabulary",
        "no model",
        "two vocabularies",
    ],
)
def test_a_broken_model_is_refused_in_one_line_and_the_installed_one_stays(
    tmp_path: Path, bundled_translations: list[str], damage, refusal: str
) -> None:
    directory = tmp_path / "models"
    install_bergamot_model(
        firefox_model_folder(tmp_path / "good", code="enes"), directory=directory
    )
    before = snapshot(directory)
    broken = firefox_model_folder(tmp_path / "broken", code="enes")
    damage(broken)
    with pytest.raises(ModelPackageError, match=refusal) as raised:
        install_bergamot_model(broken, directory=directory)
    assert str(raised.value).startswith(f"{broken}")
    assert "\n" not in str(raised.value)
    assert snapshot(directory) == before
    engine = BergamotEngine(models=installed_bergamot_models(directory))
    assert [t.best.text for t in engine.translate_batch(SENTENCES, "en", "es")] == (
        bundled_translations
    )
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".transflow-install-")]


def test_a_file_that_is_no_archive_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "model.tar.gz"
    text.write_text("not an archive", encoding="utf-8")
    with pytest.raises(ModelPackageError, match=r"damaged archive|not a model package"):
        install_bergamot_model(text, directory=tmp_path / "models")
    two = tmp_path / "two"
    firefox_model_folder(two / "a", code="enes")
    shutil.copytree(two / "a", two / "b")
    with pytest.raises(ModelPackageError, match="several models"):
        install_bergamot_model(two, directory=tmp_path / "models")
