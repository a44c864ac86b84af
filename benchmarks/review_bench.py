"""How long a reviewer waits for the first screen of a 5,000-entry queue file.

Builds a PO file of 5,000 machine-translated entries (the sample article's
sentences, numbered so each is distinct; every tenth flagged by the glossary),
then times what ``transflow review`` does before the first key can be pressed:
loading the file strictly (``transflow.queue.po_syntax``), building the queue
(in article order, the default, an entry is checked when it is shown;
``--order risk`` checks every entry first, timed too), starting the review
session (word counts) and rendering the first screen; "after load" is all of
that but the loading. ``transflow review`` draws the first screen from the head of the file first
(``transflow.review.opening``), then reads, checks and counts the whole queue
and draws it again with its counts before the first key is read: "first
screen" and "then ready for keys" time those two steps.

    .venv/bin/python benchmarks/review_bench.py [--entries 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from transflow.cli.review.screen import ScreenState, render_screen
from transflow.glossary.model import load_glossary
from transflow.queue.model import MachineOutput, Queue, Reference, Segment
from transflow.queue.pofile import read_queue, write_queue
from transflow.queue.review import GlossaryChecker, QueueOrder, ReviewDesk, load_queue
from transflow.review.opening import opening_entry
from transflow.review.session import ReviewSession
from transflow.source.segmentation import split_sentences

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "articles" / "azerbaijan-israel-presidents-baku.txt"


def build_queue(path: Path, entries: int) -> None:
    """A queue of ``entries`` machine translations; one in ten breaks the glossary."""
    sentences = split_sentences(SAMPLE.read_text(encoding="utf-8"), "en")
    queue = Queue("en", "pt", "article.txt", revision_date="2026-12-01 10:00+0000")
    for index in range(entries):
        source = f"{sentences[index % len(sentences)]} ({index})"
        text = source.upper().replace("AZERBAIJAN", "Azerbaijan") if index % 10 == 0 else source
        queue.segments.append(
            Segment(
                source,
                text,
                machine=MachineOutput(text, "argos", "bench", -0.3),
                references=[Reference("article.txt", index + 1)],
            )
        )
    write_queue(queue, path)


def timed(action: Callable[[], object], runs: int) -> float:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    checker = GlossaryChecker(load_glossary([REPO / "glossary"]))
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "pt" / "bench.po"
        build_queue(path, options.entries)
        size = path.stat().st_size

        def draw(session: ReviewSession) -> None:
            console = Console(file=io.StringIO(), width=120, force_terminal=True)
            console.print(render_screen(session.current, ScreenState.of(session)))

        def whole_queue() -> None:
            items = load_queue([read_queue(path)], checker=checker)
            gc.freeze()  # as transflow review does once the queue is loaded
            draw(ReviewSession(items, ReviewDesk("bench", checker, undoable=True)))

        def opening_screen() -> None:
            opening = opening_entry([path], checker)
            assert opening is not None
            console = Console(file=io.StringIO(), width=120, force_terminal=True)
            console.print(render_screen(opening, ScreenState.opening()))

        def both() -> None:
            opening_screen()
            whole_queue()

        load = timed(lambda: read_queue(path), options.runs)
        review_file = read_queue(path)
        queue = timed(lambda: load_queue([review_file], checker=checker), options.runs)
        risk = timed(
            lambda: load_queue([review_file], checker=checker, order=QueueOrder.RISK), options.runs
        )
        items = load_queue([review_file], checker=checker)
        session = ReviewSession(items, ReviewDesk("bench", checker, undoable=True))
        render = timed(lambda: draw(session), options.runs)

        def after_load() -> None:
            fresh = load_queue([review_file], checker=checker)  # the first entry checked again
            draw(ReviewSession(fresh, ReviewDesk("bench", checker, undoable=True)))

        review = timed(after_load, options.runs)
        total = timed(whole_queue, options.runs)
        opening = timed(opening_screen, options.runs)
        keys = timed(both, options.runs)
    print(f"{options.entries} entries, {size / 1e6:.1f} MB PO file, median of {options.runs}")
    print(f"load (strict read)            {load * 1000:8.1f} ms")
    print(f"queue, article order          {queue * 1000:8.1f} ms")
    print(f"queue, risk order (all checked){risk * 1000:7.1f} ms")
    print(f"render first screen           {render * 1000:8.1f} ms")
    print(f"after load (queue, session, screen){review * 1000:5.1f} ms")
    print(f"whole queue read and drawn    {total * 1000:8.1f} ms")
    print(f"first screen (file's head)    {opening * 1000:8.1f} ms")
    print(f"then ready for keys           {keys * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
