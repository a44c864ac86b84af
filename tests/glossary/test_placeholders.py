"""Which placeholders a model copies, probed once per model and cached: real models only.

The copy model upper-cases everything, so it copies no mixed-case invented
name: the probe must reject them all and find a shape it does copy. The
bundled Bergamot models copy the invented names in both directions.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from transflow.engines.argos import ArgosEngine
from transflow.engines.base import Engine
from transflow.engines.bergamot import BergamotEngine
from transflow.glossary.enforcement import TermEnforcer
from transflow.glossary.model import Origin, Policy, Term, TermKind
from transflow.glossary.placeholders import (
    CACHE_ENVIRONMENT_VARIABLE,
    CANDIDATE_NAMES,
    PROBE_VERSION,
    cache_directory,
    placeholder_pools,
)
from transflow.testing.engines import RecordingEngine

HERZOG = Term(
    text="Herzog",
    source_lang="en",
    kind=TermKind.PERSON,
    policy=Policy.KEEP,
    targets={},
    forbidden={},
    note="",
    origin=Origin(Path("desk.csv"), 2),
)


@pytest.fixture
def own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A cache folder of this test's own, so the probe really runs here."""
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENVIRONMENT_VARIABLE, str(directory))
    return directory


@pytest.fixture
def copy_engine(argos_packages: Path) -> RecordingEngine:
    return RecordingEngine(ArgosEngine())


def test_the_copy_model_keeps_no_mixed_case_name_so_capitals_are_used(
    own_cache: Path, copy_engine: RecordingEngine
) -> None:
    pools = placeholder_pools(copy_engine, "en", "pt")
    mixed = {name for names in CANDIDATE_NAMES.values() for name in names}
    kept = {name for names in pools.names.values() for name in names}
    assert kept and not kept & mixed  # every mixed-case candidate rejected
    assert all(name.isupper() for name in kept)
    assert pools.tokens == "NNN{}"  # "Nnn1" comes back as "NNN1"
    # Two batches of names (mixed case, then capitals) and one of token shapes.
    assert len(copy_engine.calls) == 3
    [cached] = (own_cache / "placeholders").glob("*.json")
    record = json.loads(cached.read_text(encoding="utf-8"))
    assert (record["version"], record["model"], record["source"], record["target"]) == (
        PROBE_VERSION,
        copy_engine.model_id("en", "pt"),
        "en",
        "pt",
    )
    assert record["tokens"] == "NNN{}"

    # Masking with what the probe found: the term comes back in its own case.
    [result] = TermEnforcer([HERZOG], "pt").translate(copy_engine, ["He met Herzog."], "en", "pt")
    assert (result.text, result.masked, result.flagged) == ("HE MET Herzog.", ("Herzog",), False)


def test_the_probe_is_paid_once_per_model_and_a_damaged_cache_is_probed_again(
    own_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    engine = RecordingEngine(BergamotEngine())
    first = placeholder_pools(engine, "en", "pt")
    [cached] = (own_cache / "placeholders").glob("*.json")
    # Another process (a fresh folder holding the same file): read, not probed.
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(own_cache, elsewhere)
    monkeypatch.setenv(CACHE_ENVIRONMENT_VARIABLE, str(elsewhere))
    engine.calls.clear()
    assert placeholder_pools(engine, "en", "pt") == first
    assert engine.calls == []

    damaged = tmp_path / "damaged"
    shutil.copytree(own_cache, damaged)
    (damaged / "placeholders" / cached.name).write_text('{"version": 1, "names": [', "utf-8")
    monkeypatch.setenv(CACHE_ENVIRONMENT_VARIABLE, str(damaged))
    assert placeholder_pools(engine, "en", "pt") == first
    assert len(engine.calls) == 2  # probed again
    rewritten = json.loads((damaged / "placeholders" / cached.name).read_text("utf-8"))
    assert rewritten["tokens"] == "Nnn{}"

    stale = tmp_path / "stale"
    shutil.copytree(own_cache, stale)
    record = json.loads(cached.read_text("utf-8")) | {"version": PROBE_VERSION - 1}
    (stale / "placeholders" / cached.name).write_text(json.dumps(record), "utf-8")
    monkeypatch.setenv(CACHE_ENVIRONMENT_VARIABLE, str(stale))
    engine.calls.clear()
    placeholder_pools(engine, "en", "pt")
    assert len(engine.calls) == 2


@pytest.mark.parametrize(("source", "target"), [("en", "pt"), ("pt", "en")])
def test_the_bundled_models_copy_the_invented_names(
    own_cache: Path, source: str, target: str
) -> None:
    engine = RecordingEngine(BergamotEngine())
    pools = placeholder_pools(engine, source, target)
    assert set(pools.names) == set(CANDIDATE_NAMES)
    for pool, names in pools.names.items():
        assert len(names) >= 4 and set(names) <= set(CANDIDATE_NAMES[pool])
    assert pools.tokens == "Nnn{}"
    assert len(engine.calls) == 2  # names, then token shapes: no capitals needed


def test_a_model_that_keeps_nothing_is_not_masked_and_the_sentence_is_flagged(
    own_cache: Path, name_dropping: type[Engine]
) -> None:
    engine = RecordingEngine(name_dropping(BergamotEngine()))
    pools = placeholder_pools(engine, "en", "pt")
    assert (dict(pools.names), pools.tokens) == ({}, None)
    engine.calls.clear()
    [result] = TermEnforcer([HERZOG], "pt").translate(
        engine, ["Yesterday Herzog spoke."], "en", "pt"
    )
    assert result.flagged and result.masked == ()
    assert [str(problem) for problem in result.problems] == [
        "Herzog: expected 'Herzog' 1×, found 0×"
    ]
    assert len(engine.calls) == 1  # nothing to mask with: no further rounds


def test_an_unwritable_cache_warns_and_translation_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", "utf-8")
    monkeypatch.setenv(CACHE_ENVIRONMENT_VARIABLE, str(blocker))
    with pytest.warns(UserWarning, match=r"not-a-folder/placeholders/.*cannot save"):
        pools = placeholder_pools(BergamotEngine(), "en", "pt")
    assert pools.tokens == "Nnn{}"


def test_cache_directory_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(CACHE_ENVIRONMENT_VARIABLE, str(tmp_path / "own"))
    assert cache_directory() == tmp_path / "own"
    monkeypatch.delenv(CACHE_ENVIRONMENT_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_directory() == tmp_path / "xdg" / "transflow"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_directory() == tmp_path / "home" / ".cache" / "transflow"
