"""Back-translation through real engines: the bundled Bergamot pair and the copy model."""

from __future__ import annotations

from pathlib import Path

from transflow.confidence import back_translate, round_trip_engine
from transflow.engines.argos import ArgosEngine
from transflow.engines.bergamot import BergamotEngine
from transflow.testing.engines import RecordingEngine


def test_back_translation_is_one_engine_call_that_keeps_empty_entries() -> None:
    engine = RecordingEngine(BergamotEngine())
    back = back_translate(
        engine, ["O ministro não assinou o acordo.", "", "Choveu."], source="en", target="pt"
    )
    assert back is not None
    assert back[1] == ""
    assert "not" in back[0].split() and "minister" in back[0]
    assert engine.calls == [["O ministro não assinou o acordo.", "Choveu."]]


def test_no_back_translation_without_the_reverse_pair(argos_packages: Path) -> None:
    engine = ArgosEngine()  # only the en→pt copy model is installed
    assert engine.supports("en", "pt")
    assert back_translate(engine, ["O MINISTRO."], source="en", target="pt") is None


def test_the_round_trip_engine_is_the_forward_one_when_it_covers_the_reverse_pair() -> None:
    bergamot = BergamotEngine()
    assert round_trip_engine("en", "pt", preferred=bergamot) is bergamot


def test_the_round_trip_engine_falls_back_to_an_installed_one(argos_packages: Path) -> None:
    found = round_trip_engine("en", "pt", preferred=ArgosEngine())
    assert found is not None and found.name == "bergamot"
    assert round_trip_engine("en", "fi") is None
