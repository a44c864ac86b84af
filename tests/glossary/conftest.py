"""Glossary tests keep transflow's cache (the placeholder probe of each model) in one temp folder.

One folder for the session, so each model is probed once (the copy model
takes seconds); tests of the probe itself point ``TRANSFLOW_CACHE_DIR`` at
their own ``tmp_path``. Nothing is written to the user's cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from transflow.glossary.placeholders import CACHE_ENVIRONMENT_VARIABLE


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("transflow-cache")


@pytest.fixture(autouse=True)
def transflow_cache(monkeypatch: pytest.MonkeyPatch, session_cache: Path) -> Path:
    monkeypatch.setenv(CACHE_ENVIRONMENT_VARIABLE, str(session_cache))
    return session_cache
