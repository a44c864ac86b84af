"""How much of `transflow translate` is spent outside the engine, and what confidence costs.

Runs the whole job that ``translate`` runs (``run_batch``: read, segment,
translate, assess, write the PO file) on the sample article in a scratch
workspace, timing the engine's ``translate_batch`` separately, so the
overhead transflow adds can be read off directly. The engine is loaded and
warmed up (both directions) before the measured runs, as in a batch job.
Each run is made twice: with the confidence's round trip through the reverse
model (the default) and without it (``--no-confidence``), alternating.

    .venv/bin/python benchmarks/pipeline_bench.py [--engine auto] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from transflow.engines import select_engine
from transflow.testing.engines import RecordingEngine
from transflow.translation.batch import run_batch

SAMPLE = (
    Path(__file__).resolve().parent.parent
    / "examples/articles/azerbaijan-israel-presidents-baku.txt"
)


def run_once(engine: RecordingEngine, target: str, round_trip: bool) -> tuple[float, float, int]:
    """Seconds in all, seconds inside the engine, and sentences, for one fresh run."""
    with tempfile.TemporaryDirectory() as scratch:
        article = Path(scratch) / SAMPLE.name
        shutil.copy(SAMPLE, article)
        engine.seconds = 0.0
        started = time.perf_counter()
        report = run_batch(
            [article],
            targets=[target],
            locales_dir=Path(scratch) / "locales",
            engine_factory=lambda _source, _target: engine,
            workers=max(1, os.cpu_count() or 1),
            round_trip=round_trip,
        )
        return time.perf_counter() - started, engine.seconds, report.outcomes[0].sentences


def measure(engine_name: str, runs: int, target: str) -> None:
    engine = RecordingEngine(select_engine(engine_name, "en", target))
    engine.translate_batch(["Warm-up sentence."], "en", target)
    if engine.supports(target, "en"):
        engine.translate_batch(["Frase de aquecimento."], target, "en")
    timings: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(runs):
        for round_trip in (True, False):
            total, inside, sentences = run_once(engine, target, round_trip)
            timings[round_trip].append((total, inside))
    print(f"engine: {engine.name} ({engine.model_id('en', target)}), sentences: {sentences}")
    rates = {}
    for round_trip, label in ((False, "--no-confidence"), (True, "with the round trip")):
        total = statistics.median(t for t, _ in timings[round_trip])
        inside = statistics.median(i for _, i in timings[round_trip])
        rates[round_trip] = sentences / total
        print(
            f"{label:20} {rates[round_trip]:6.1f} sentences/s  total {total * 1000:7.1f} ms, "
            f"engine {inside * 1000:7.1f} ms, outside {100 * (total - inside) / total:4.1f} % "
            f"(median of {runs})"
        )
    print(f"the round trip costs x{rates[False] / rates[True]:.2f} the time of the job")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--to", default="pt")
    arguments = parser.parse_args()
    measure(arguments.engine, arguments.runs, arguments.to)


if __name__ == "__main__":
    main()
