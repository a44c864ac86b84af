"""Engine tests see only the models they install: no user's models, cache or index."""

from __future__ import annotations

from pathlib import Path

import pytest

from transflow.engines.bergamot_packages import BergamotModel, install_bergamot_model
from transflow.testing.bergamot_model import firefox_model_folder


@pytest.fixture(autouse=True)
def isolated_model_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRANSFLOW_MODELS_DIR", str(tmp_path / "transflow-models"))
    monkeypatch.setenv("TRANSFLOW_CACHE_DIR", str(tmp_path / "transflow-cache"))
    monkeypatch.delenv("TRANSFLOW_MODEL_INDEX", raising=False)


@pytest.fixture(scope="session")
def bergamot_en_es_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models directory holding the bundled en→pt model installed as if it were en→es."""
    root = tmp_path_factory.mktemp("bergamot-en-es")
    folder = firefox_model_folder(root / "enes", code="enes")
    install_bergamot_model(folder, directory=root / "models" / "bergamot")
    return root / "models"


@pytest.fixture
def bergamot_en_es(monkeypatch: pytest.MonkeyPatch, bergamot_en_es_dir: Path) -> BergamotModel:
    monkeypatch.setenv("TRANSFLOW_MODELS_DIR", str(bergamot_en_es_dir))
    from transflow.engines.bergamot_packages import installed_bergamot_models

    (model,) = installed_bergamot_models()
    return model
