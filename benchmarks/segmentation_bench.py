"""Measure sentence segmenters on a gold file: exact-match accuracy, boundary F1, speed.

Usage (from the repository root)::

    .venv/bin/python benchmarks/segmentation_bench.py [GOLD.jsonl] [--min-time S] [--errors SYSTEM]

The gold file has one JSON object a line with ``lang``, ``text`` and ``sentences`` (exact
substrings of ``text``). It defaults to ``../shared/data/segmentation-gold-public.jsonl``
relative to the repository root; the project never reads it at run time or in tests.

Every system is scored the same way:

* **exact**: a case counts when the predicted sentence list equals the gold list after
  whitespace normalisation (runs of whitespace collapsed to one space, then stripped, per
  sentence; sentences that normalise to "" are dropped).
* **boundary F1**: a boundary is the offset in ``text`` just after the last non-whitespace
  character of every sentence except the last one. Boundaries are computed from the number
  of non-whitespace characters in the sentences, so systems that return strings (with or
  without trailing whitespace) and systems that return offsets are scored identically.
  Precision, recall and F1 are micro-averaged over all boundaries of the cases considered.
* **chars/s**: characters of ``text`` divided by the time spent inside the segmentation call
  only (``time.perf_counter`` around each call; set-up such as building a pysbd
  ``Segmenter`` is excluded). Each system repeats whole passes until ``--min-time`` seconds
  and at least ``--min-passes`` passes have run, and the median pass is reported.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = REPO_ROOT.parent / "shared" / "data" / "segmentation-gold-public.jsonl"

Segmenter = Callable[[str, str], list[str]]


@dataclass(frozen=True)
class Case:
    """One gold case."""

    id: str
    lang: str
    text: str
    sentences: tuple[str, ...]


@dataclass
class Score:
    """Accumulated counts for one system on one group of cases."""

    cases: int = 0
    exact: int = 0
    true_pos: int = 0
    predicted: int = 0
    gold: int = 0
    chars: int = 0
    seconds: float = 0.0

    @property
    def accuracy(self) -> float:
        return self.exact / self.cases if self.cases else 0.0

    @property
    def f1(self) -> float:
        if not self.predicted or not self.gold:
            return 1.0 if self.predicted == self.gold else 0.0
        precision = self.true_pos / self.predicted
        recall = self.true_pos / self.gold
        return 2 * precision * recall / (precision + recall) if self.true_pos else 0.0

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else float("inf")


def load_cases(path: Path) -> list[Case]:
    """Read the gold JSONL file."""
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [Case(r["id"], r["lang"], r["text"], tuple(r["sentences"])) for r in rows]


def normalise(sentences: Iterable[str]) -> list[str]:
    """Collapse whitespace runs and strip each sentence, dropping empty ones."""
    out = (" ".join(s.split()) for s in sentences)
    return [s for s in out if s]


def boundaries(text: str, sentences: Iterable[str]) -> set[int]:
    """Offsets in ``text`` after the last non-whitespace character of each sentence but the last.

    Counting non-whitespace characters makes the result independent of how a system returns
    the whitespace between sentences.
    """
    nonspace_ends = [i + 1 for i, ch in enumerate(text) if not ch.isspace()]
    cumulative = 0
    result: set[int] = set()
    counts = [sum(not ch.isspace() for ch in s) for s in sentences]
    for count in counts[:-1]:
        cumulative += count
        if 0 < cumulative <= len(nonspace_ends):
            result.add(nonspace_ends[cumulative - 1])
    return result


def transflow_segmenter(_languages: set[str]) -> Segmenter:
    sys.path.insert(0, str(REPO_ROOT / "src"))
    from transflow.source.segmentation import split_sentences

    return split_sentences


def sentencex_segmenter(_languages: set[str]) -> Segmenter:
    import sentencex

    return lambda text, lang: list(sentencex.segment(lang, text))


def pysbd_segmenter(languages: set[str]) -> Segmenter:
    import pysbd

    # Built before timing starts: constructing a Segmenter compiles its rules.
    segmenters = {lang: pysbd.Segmenter(language=lang, clean=False) for lang in languages}
    return lambda text, lang: segmenters[lang].segment(text)


# name -> (distribution whose version is reported, factory given the languages to prepare)
SYSTEMS: dict[str, tuple[str, Callable[[set[str]], Segmenter]]] = {
    "transflow": ("transflow", transflow_segmenter),
    "sentencex": ("sentencex", sentencex_segmenter),
    "pysbd": ("pysbd", pysbd_segmenter),
}


def timed_pass(segment: Segmenter, cases: list[Case]) -> tuple[list[list[str]], float]:
    """Segment every case once; return the outputs and the seconds spent in the calls."""
    outputs: list[list[str]] = []
    elapsed = 0.0
    for case in cases:
        start = time.perf_counter()
        result = segment(case.text, case.lang)
        elapsed += time.perf_counter() - start
        outputs.append(result)
    return outputs, elapsed


def evaluate(
    segment: Segmenter, cases: list[Case], min_time: float, min_passes: int
) -> tuple[dict[str, Score], list[tuple[Case, list[str]]]]:
    """Score one system per language and overall; also return its wrong cases."""
    groups = sorted({c.lang for c in cases})
    pass_times: dict[str, list[float]] = {g: [] for g in groups}
    outputs: dict[str, list[list[str]]] = {}
    by_lang = {g: [c for c in cases if c.lang == g] for g in groups}
    total = 0.0
    passes = 0
    while passes < min_passes or total < min_time:
        for group in groups:
            outputs[group], seconds = timed_pass(segment, by_lang[group])
            pass_times[group].append(seconds)
            total += seconds
        passes += 1

    scores = {g: Score() for g in [*groups, "all"]}
    errors: list[tuple[Case, list[str]]] = []
    for group in groups:
        for case, predicted in zip(by_lang[group], outputs[group], strict=True):
            gold_b = boundaries(case.text, case.sentences)
            pred_b = boundaries(case.text, predicted)
            hit = normalise(predicted) == normalise(case.sentences)
            if not hit:
                errors.append((case, predicted))
            for key in (group, "all"):
                s = scores[key]
                s.cases += 1
                s.exact += hit
                s.true_pos += len(gold_b & pred_b)
                s.predicted += len(pred_b)
                s.gold += len(gold_b)
                s.chars += len(case.text)
        seconds = statistics.median(pass_times[group])
        scores[group].seconds = seconds
        scores["all"].seconds += seconds
    return scores, errors


def format_speed(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.2f} M"
    return f"{value / 1e3:.1f} k"


def print_table(results: dict[str, dict[str, Score]]) -> None:
    """Print one Markdown table: a row per language (and overall), columns per system."""
    systems = list(results)
    groups = [g for g in next(iter(results.values())) if g != "all"] + ["all"]
    header = ["lang", "cases"]
    for name in systems:
        header += [f"{name} exact", f"{name} F1", f"{name} chars/s"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for group in groups:
        first = results[systems[0]][group]
        row = ["**all**" if group == "all" else group, str(first.cases)]
        for name in systems:
            s = results[name][group]
            row += [f"{100 * s.accuracy:.1f}%", f"{s.f1:.3f}", format_speed(s.chars_per_second)]
        print("| " + " | ".join(row) + " |")


def print_errors(errors: list[tuple[Case, list[str]]]) -> None:
    """Show each wrong case's gold and predicted sentences (normalised) on stderr."""
    for case, predicted in errors:
        gold = json.dumps(normalise(case.sentences), ensure_ascii=False)
        got = json.dumps(normalise(predicted), ensure_ascii=False)
        print(f"--- {case.id} ({case.lang})\n  gold: {gold}\n  got:  {got}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated")
    parser.add_argument("--lang", help="only cases of this language")
    parser.add_argument("--min-time", type=float, default=2.0, help="seconds per system")
    parser.add_argument("--min-passes", type=int, default=3)
    parser.add_argument("--errors", metavar="SYSTEM", help="print SYSTEM's wrong cases to stderr")
    args = parser.parse_args(argv)

    cases = load_cases(args.gold)
    if args.lang:
        cases = [c for c in cases if c.lang == args.lang]
    languages = {c.lang for c in cases}
    results: dict[str, dict[str, Score]] = {}
    versions: list[str] = []
    for name in args.systems.split(","):
        distribution, factory = SYSTEMS[name]
        try:
            segment = factory(languages)
        except ImportError:
            print(f"{name}: not installed, skipped", file=sys.stderr)
            continue
        versions.append(f"{name} {metadata.version(distribution)}")
        results[name], errors = evaluate(segment, cases, args.min_time, args.min_passes)
        if name == args.errors:
            print_errors(errors)
    characters = sum(len(c.text) for c in cases)
    print(f"{args.gold.name}: {len(cases)} cases, {characters} characters")
    print(f"Python {platform.python_version()}; {', '.join(versions)}\n")
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
