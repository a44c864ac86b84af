"""How much of `transflow translate` is spent outside the engine.

Runs the whole pipeline (read, segment, translate, write the PO file) on the
sample article in a scratch workspace, timing the engine's ``translate_batch``
separately, so the overhead transflow adds can be read off directly. The
engine is loaded and warmed up before the measured runs, as in a batch job.

    .venv/bin/python benchmarks/pipeline_bench.py [--engine bergamot] [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from transflow.engines import select_engine
from transflow.testing.engines import RecordingEngine
from transflow.translation.pipeline import translate_article

SAMPLE = (
    Path(__file__).resolve().parent.parent
    / "examples/articles/azerbaijan-israel-presidents-baku.txt"
)


def measure(engine_name: str, runs: int, target: str) -> None:
    engine = RecordingEngine(select_engine(engine_name, "en", target))
    engine.translate_batch(["Warm-up sentence."], "en", target)
    totals, inside = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            article = Path(scratch) / SAMPLE.name
            shutil.copy(SAMPLE, article)
            engine.seconds = 0.0
            started = time.perf_counter()
            update = translate_article(
                article, target=target, engine=engine, locales_dir=Path(scratch) / "locales"
            )
            totals.append(time.perf_counter() - started)
            inside.append(engine.seconds)
    total, in_engine = statistics.median(totals), statistics.median(inside)
    print(f"engine: {engine.name} ({engine.model_id('en', target)}), sentences: {update.sentences}")
    print(f"total  {total * 1000:8.1f} ms  (median of {runs})")
    print(f"engine {in_engine * 1000:8.1f} ms")
    outside = total - in_engine
    print(f"outside the engine {100 * outside / total:5.1f} % ({outside * 1000:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="bergamot")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--to", default="pt")
    arguments = parser.parse_args()
    measure(arguments.engine, arguments.runs, arguments.to)


if __name__ == "__main__":
    main()
