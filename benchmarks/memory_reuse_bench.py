"""Memory reuse costs nothing measurable: a batch over remembered sentences, against a first run.

    .venv/bin/python benchmarks/memory_reuse_bench.py [--articles 40] [--engine auto] [--rounds 3]

In one workspace:

1. *first run*: ``run_batch`` (the library behind ``transflow batch`` and
   ``translate``) translates a corpus of articles into Portuguese with the
   default engine (``auto``: the bundled Bergamot model) and the repository's
   glossary;
2. every entry is approved (through the queue model and its PO storage, as
   ``transflow approve`` saves decisions) and the workspace memory is rebuilt
   from the queue (``transflow memory rebuild``);
3. *memory run*: ``run_batch`` over the same articles into a fresh locales
   directory, with the workspace memory: every sentence is an exact match of
   approved work, so nothing should reach the engine.

Reported: both wall-clock times (each the fastest of ``--rounds``), the
ratio (target: under 5%), and what the engine was sent in the memory run
(``sentences_translated`` of the job's report, which counts every sentence
handed to the engine; target: 0). The corpus is ``batch_bench``'s: sample
sentences shuffled into new articles, no sentence twice.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from batch_bench import sentence_pool, write_corpus
from transflow.glossary.model import load_glossary
from transflow.memory.workspace import open_workspace_memory, rebuilt_workspace_memory
from transflow.queue.model import ReviewAction, ReviewRecord
from transflow.queue.pofile import queue_files, write_queue
from transflow.translation.batch import BatchReport, run_batch

REPO = Path(__file__).resolve().parent.parent


def approve_everything(locales: Path) -> int:
    approved = 0
    for queue in queue_files(locales):
        for segment in queue.active:
            if segment.translation and not segment.approved:
                segment.approved = True
                segment.history.append(
                    ReviewRecord(ReviewAction.APPROVED, "Bench", "2026-12-02T00:00:00+00:00")
                )
                approved += 1
        assert queue.path is not None
        write_queue(queue, queue.path)
    return approved


def timed_batch(articles: list[Path], locales: Path, engine: str, **options: object) -> BatchReport:
    glossary = load_glossary([REPO / "glossary"])
    return run_batch(
        articles,
        targets=["pt"],
        glossary=glossary,
        locales_dir=locales,
        engine_name=engine,
        workers=max(1, os.cpu_count() or 1),
        **options,  # type: ignore[arg-type]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        workspace = Path(scratch)
        os.chdir(workspace)  # the job writes paths relative to the workspace, as the CLI does
        articles = write_corpus(workspace / "articles", args.articles, sentence_pool())
        articles = [path.relative_to(workspace) for path in articles]

        first_runs = []
        for round_ in range(args.rounds):
            locales = Path(f"first-{round_}")
            started = time.perf_counter()
            first = timed_batch(articles, locales, args.engine)
            first_runs.append(time.perf_counter() - started)
        sentences = first.totals()["sentences"]
        approved = approve_everything(Path("first-0"))
        shutil.copytree("first-0", "locales")
        memory, size = rebuilt_workspace_memory(workspace, Path("locales"))
        memory.close()
        print(f"corpus: {len(articles)} articles, {sentences} sentences; {approved} approved")
        print(f"memory: {size} segments")

        memory_runs = []
        for round_ in range(args.rounds):
            locales = Path(f"reuse-{round_}")
            with open_workspace_memory(workspace, Path("locales")) as memory:
                started = time.perf_counter()
                reused = timed_batch(articles, locales, args.engine, approved_memory=memory)
                memory_runs.append(time.perf_counter() - started)
        totals = reused.totals()
        sent = sum(run.sentences_translated for run in reused.languages.values())
        first_s, memory_s = min(first_runs), min(memory_runs)
        print(f"first run:  {first_s:.2f} s (rounds: {', '.join(f'{t:.2f}' for t in first_runs)})")
        print(
            f"memory run: {memory_s:.3f} s (rounds: {', '.join(f'{t:.3f}' for t in memory_runs)})"
        )
        print(f"ratio: {100 * memory_s / first_s:.1f}% of the first run (target < 5%)")
        print(
            f"memory run: {totals['from_approved']} of {totals['sentences']} sentences from "
            f"approved work, {totals['translated']} translated, {sent} sent to the engine"
        )
        for run in reused.languages.values():
            print(f"engine: {run.engine} ({run.model})")


if __name__ == "__main__":
    main()
