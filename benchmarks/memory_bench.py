"""Translation memory speed on 100,000 approved segments: exact, fuzzy, TMX import, file size.

The memory is built from real sentences: the English sentences of the
segmentation gold data (``--gold``, default
/work/shared/data/segmentation-gold-public.jsonl; read here only, never
copied into the project). About 540 sentences cannot make 100,000 distinct
segments, so variety is synthesised from them:

* a *splice* joins the first part of one real sentence to the last part of
  another at word boundaries (each part a third to two thirds of its
  sentence): real words, real punctuation and sentence lengths;
* a *near-duplicate* of a segment already in the memory changes one word
  (replaced by a word of the corpus) or one number (replaced by another
  number), as the day's updated figures and names do.

60% of the segments are splices (new families), 40% near-duplicates, so the
memory has families of similar sentences and the best fuzzy match is
contested. Translations are synthesised (the source's words in reverse
order: same length and characters, which is what the file sizes depend on);
segments are grouped into articles of 20 with neighbours, reviewers and
times as the queue would give them.

The 1,000 queries: 45% a memory segment with one word or number changed,
15% with two changes, 10% with "not" inserted, 10% a memory segment as it
is, 20% a new splice (often no match of 75%).

Measured in one run, on the same memory and queries:

* exact lookup (``TranslationMemory.exact``, hits and misses);
* fuzzy lookup (``TranslationMemory.fuzzy``, best match, everything
  included: index, SQLite rows, diff, flags), the index's first load, and
  brute force: RapidFuzz ``process.extractOne(query, sources,
  scorer=fuzz.ratio)`` over every source; quality = share of the queries
  where brute force finds a match of at least 75 in which the memory's best
  match scores at least as high;
* TMX: export of the whole memory, import of that file into a fresh
  workspace (``import_tmx``: parse, one transaction, kept copy), the file
  sizes; and that the imported memory gives the same best matches.

    PYTHONPATH=src .venv/bin/python benchmarks/memory_bench.py [--segments 100000]
        [--queries 1000] [--gold PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from transflow.memory.fuzzy import FuzzyIndex
from transflow.memory.segment import MemorySegment, Origin
from transflow.memory.store import MEMORY_PATH, TranslationMemory
from transflow.memory.workspace import export_tmx, import_tmx

GOLD = Path("/work/shared/data/segmentation-gold-public.jsonl")
ARTICLE_LENGTH = 20
REVIEWERS = ("Ana", "Bruno", "Chie", "Dara", "Emil")
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"\w+")


def real_sentences(gold: Path) -> list[str]:
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    return sorted(
        {
            " ".join(sentence.split())
            for row in rows
            if row["lang"] == "en"
            for sentence in row["sentences"]
            if len(sentence.split()) >= 4
        }
    )


def splice(first: str, second: str, rng: random.Random) -> str:
    head, tail = first.split(" "), second.split(" ")
    cut_head = rng.randint(max(1, len(head) // 3), max(1, 2 * len(head) // 3))
    cut_tail = rng.randint(max(1, len(tail) // 3), max(1, 2 * len(tail) // 3))
    return " ".join(head[:cut_head] + tail[cut_tail:])


def change_one(sentence: str, vocabulary: list[str], rng: random.Random) -> str:
    """The sentence with one number (half the time, if it has one) or one word replaced."""
    words = sentence.split(" ")
    with_numbers = [index for index, word in enumerate(words) if _NUMBER.search(word)]
    if with_numbers and rng.random() < 0.5:
        index = rng.choice(with_numbers)
        words[index] = _NUMBER.sub(lambda _: str(rng.randint(2, 999)), words[index], count=1)
    else:
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
    return " ".join(words)


def negated(sentence: str, rng: random.Random) -> str:
    words = sentence.split(" ")
    words.insert(rng.randint(1, max(1, len(words) - 1)), "not")
    return " ".join(words)


def build_corpus(gold: Path, count: int, queries: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    real = real_sentences(gold)
    vocabulary = sorted({word for sentence in real for word in _WORD.findall(sentence)})
    memory = list(real)
    seen = set(memory)
    while len(memory) < count:
        if rng.random() < 0.6:
            candidate = splice(rng.choice(real), rng.choice(real), rng)
        else:
            candidate = change_one(rng.choice(memory), vocabulary, rng)
        if candidate not in seen:
            seen.add(candidate)
            memory.append(candidate)
    asked = []
    for _ in range(queries):
        draw = rng.random()
        base = rng.choice(memory)
        if draw < 0.45:
            asked.append(change_one(base, vocabulary, rng))
        elif draw < 0.60:
            asked.append(change_one(change_one(base, vocabulary, rng), vocabulary, rng))
        elif draw < 0.70:
            asked.append(negated(base, rng))
        elif draw < 0.80:
            asked.append(base)
        else:
            asked.append(splice(rng.choice(real), rng.choice(real), rng))
    return memory, asked


def segments_of(sources: list[str], rng: random.Random) -> list[MemorySegment]:
    segments = []
    for index, source in enumerate(sources):
        article, position = divmod(index, ARTICLE_LENGTH)
        first = article * ARTICLE_LENGTH
        segments.append(
            MemorySegment(
                source,
                " ".join(reversed(source.split(" "))),
                "en",
                "pt",
                Origin.HUMAN,
                article=f"articles/story-{article:05d}.txt",
                position=position,
                previous_source=sources[index - 1] if index > first else None,
                next_source=sources[index + 1]
                if position + 1 < ARTICLE_LENGTH and index + 1 < len(sources)
                else None,
                reviewer=rng.choice(REVIEWERS),
                approved_at=f"2025-{1 + index % 12:02d}-{1 + index % 28:02d}T10:00:00+00:00",
            )
        )
    return segments


@dataclass
class Clock:
    """Wall-clock and CPU seconds of what ran inside ``with``: on a shared machine the CPU
    time is what the code costs, the wall time what a user waited."""

    wall: float = 0.0
    cpu: float = 0.0

    def __enter__(self) -> Clock:
        self._started = (time.perf_counter(), time.process_time())
        return self

    def __exit__(self, *_: object) -> None:
        self.wall += time.perf_counter() - self._started[0]
        self.cpu += time.process_time() - self._started[1]

    def seconds(self) -> str:
        return f"{self.wall:.1f} s (CPU {self.cpu:.1f} s)"

    def per_call(self, calls: int) -> str:
        return f"{1000 * self.wall / calls:.3f} ms (CPU {1000 * self.cpu / calls:.3f} ms)"


def measure_exact(memory: TranslationMemory, segments: list[MemorySegment], count: int) -> None:
    """Exact lookups: half hits (with their context), half misses, shuffled."""
    rng = random.Random(len(segments))
    samples = [segments[rng.randrange(len(segments))] for _ in range(count)]
    lookups = [(sample.source, sample.previous_source) for sample in samples]
    lookups += [(sample.source + " (updated)", None) for sample in samples]
    rng.shuffle(lookups)
    with Clock() as exact:
        hits = sum(bool(memory.exact(text, "en", "pt", before=before)) for text, before in lookups)
    print(f"exact lookup: {exact.per_call(len(lookups))} a lookup ({hits} hits, rest misses)")


def measure_fuzzy(memory: TranslationMemory, sources: list[str], queries: list[str]) -> None:
    """memory.fuzzy (index load separately) against brute force, on the same queries."""
    with Clock() as load:
        memory.fuzzy(queries[0], "en", "pt", limit=1)
    print(f"fuzzy index first load (with the first query): {load.seconds()}")
    ours = []
    with Clock() as fuzzy:
        for query in queries:
            best = memory.fuzzy(query, "en", "pt", limit=1)
            ours.append(best[0].score if best else None)
    index = FuzzyIndex(sources)
    with Clock() as index_only:
        for query in queries:
            index.search(query, min_score=75, limit=1)
    brute = []
    with Clock() as brute_force:
        for query in queries:
            choice = process.extractOne(query, sources, scorer=fuzz.ratio)
            brute.append(choice[1] if choice else 0.0)
    relevant = [(mine, best) for mine, best in zip(ours, brute, strict=True) if best >= 75]
    as_good = sum(mine is not None and mine >= round(best, 1) for mine, best in relevant)
    print(f"fuzzy lookup (memory.fuzzy, limit 1): {fuzzy.per_call(len(queries))} a query")
    print(f"  of which the index alone: {index_only.per_call(len(queries))}")
    print(f"brute force extractOne(fuzz.ratio): {brute_force.per_call(len(queries))} a query")
    print(
        f"speed-up {brute_force.wall / fuzzy.wall:.1f}x "
        f"(CPU {brute_force.cpu / fuzzy.cpu:.1f}x); best match as good as brute force in "
        f"{as_good} of {len(relevant)} queries with a brute-force match >= 75 "
        f"({100 * as_good / len(relevant):.1f}%)"
    )


def measure_tmx(directory: Path, workspace: Path, queries: list[str], units: int) -> None:
    """Export the memory, import the TMX into a fresh workspace, compare sizes and matches."""
    tmx = directory / "newsroom.tmx"
    with TranslationMemory.open(workspace) as exporting, Clock() as export:
        export_tmx(exporting, tmx)
    tmx_size = tmx.stat().st_size
    print(f"TMX export: {export.seconds()}, {tmx_size / 1e6:.1f} MB")
    fresh = directory / "fresh"
    with TranslationMemory.open(fresh) as imported, Clock() as load:
        import_tmx(imported, fresh, tmx)
    memory_size = (fresh / MEMORY_PATH).stat().st_size
    original_size = (workspace / MEMORY_PATH).stat().st_size
    print(
        f"TMX import of {units} units into a fresh workspace: {load.seconds()}; memory file "
        f"{memory_size / 1e6:.1f} MB = {memory_size / tmx_size:.2f}x the TMX (the original "
        f"workspace's, with places and context: {original_size / 1e6:.1f} MB "
        f"= {original_size / tmx_size:.2f}x)"
    )
    sample = queries[:200]
    with TranslationMemory.open(workspace) as before, TranslationMemory.open(fresh) as after:
        same = sum(
            [(m.source, m.target, m.score) for m in before.fuzzy(query, "en", "pt")]
            == [(m.source, m.target, m.score) for m in after.fuzzy(query, "en", "pt")]
            for query in sample
        )
    print(f"export -> import gives the same matches for {same} of {len(sample)} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    sources, queries = build_corpus(options.gold, options.segments, options.queries, options.seed)
    segments = segments_of(sources, random.Random(options.seed))
    print(f"memory: {len(segments)} segments; {len(queries)} queries")
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        workspace = directory / "newsroom"
        with TranslationMemory.open(workspace) as memory:
            with Clock() as build:
                memory.replace_from(segments)
            print(f"build (replace_from, one transaction): {build.seconds()}")
            measure_exact(memory, segments, len(queries))
            measure_fuzzy(memory, sources, queries)
        measure_tmx(directory, workspace, queries, len(segments))


if __name__ == "__main__":
    main()
