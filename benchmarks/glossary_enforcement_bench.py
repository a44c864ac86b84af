"""Glossary enforcement end to end with the bundled Bergamot models, en→pt and pt→en.

* **en→pt**: the 81 English sentences and the Brazilian Portuguese glossary
  (people, places, organisations, events; exonyms such as Polônia, Pequim,
  Nairóbi) of ``placeholder_bench.py``;
* **pt→en**: 72 Portuguese news sentences written for this benchmark
  (``glossary_pt_en_sentences.txt``, Brazilian and European Portuguese) and
  the 67-term glossary ``glossary_pt_en.csv``, loaded with transflow's own
  loader — held out: nothing in transflow was tuned on them.

For each direction it translates with ``TermEnforcer`` and reports:

* **probe**: the placeholder probe of the model (``transflow.glossary.placeholders``),
  run into a fresh cache folder so its cost is measured, and what it kept;
* **baseline**: occurrences the model renders as approved with no glossary
  (the unmasked best hypothesis), and sentences it leaves wrong;
* **enforced**: term accuracy over unflagged sentences, flagged sentences,
  sentences repaired by masking, engine calls and time;
* **silent violations**: unflagged sentences that an *independent* check (a
  plain regular expression per approved and forbidden form, whole word,
  case-sensitive) finds short of an occurrence or holding a forbidden
  rendering — the number that must be zero;
* **missing**: occurrences absent from the output, all of them in flagged sentences.

``--check-cost`` instead times the glossary check alone (``TermEnforcer.check``)
on written translations, for a language that does not decline names (pt) and
for one that does (de: exact, genitive, dictionary and wrong forms), cold (the
first call, which opens simplemma's German table) and warm.

Usage (from the repository root)::

    .venv/bin/python benchmarks/glossary_enforcement_bench.py [--pair en-pt|pt-en|both]
    .venv/bin/python benchmarks/glossary_enforcement_bench.py --check-cost
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from placeholder_bench import GLOSSARY, build_sentences
from transflow.engines.bergamot import BergamotEngine
from transflow.glossary.enforcement import TermEnforcer
from transflow.glossary.model import Origin, Policy, Term, TermKind, load_glossary
from transflow.glossary.placeholders import CACHE_ENVIRONMENT_VARIABLE, placeholder_pools
from transflow.testing.engines import RecordingEngine

HERE = Path(__file__).resolve().parent
PT_EN_GLOSSARY = HERE / "glossary_pt_en.csv"
PT_EN_SENTENCES = HERE / "glossary_pt_en_sentences.txt"
KINDS = {"org": TermKind.ORGANISATION}


@dataclass(frozen=True)
class Pair:
    source: str
    target: str
    terms: list[Term]
    sentences: list[str]


def en_pt() -> Pair:
    terms = [
        Term(
            text=term.source,
            source_lang="en",
            kind=KINDS.get(term.kind) or TermKind(term.kind),
            policy=Policy.KEEP if term.target == term.source else Policy.TRANSLATE,
            targets={"pt": term.target},
            forbidden={},
            note="",
            origin=Origin(Path("placeholder_bench.py"), 0),
        )
        for term in GLOSSARY
    ]
    return Pair("en", "pt", terms, [sentence.text for sentence in build_sentences()])


def pt_en() -> Pair:
    glossary = load_glossary([PT_EN_GLOSSARY])
    glossary.raise_for_errors()
    lines = PT_EN_SENTENCES.read_text(encoding="utf-8").splitlines()
    sentences = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return Pair("pt", "en", glossary.for_pair("pt", "en"), sentences)


def _whole(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")


def independent_shortfall(source: str, translation: str, terms: Sequence[Term], target: str) -> int:
    """Occurrences missing, plus forbidden renderings, by plain regexes (longest terms first)."""
    missing = 0
    remaining = source
    for term in sorted(terms, key=lambda t: len(t.text), reverse=True):
        pattern = _whole(term.text)
        needed = len(pattern.findall(remaining))
        if not needed:
            continue
        remaining = pattern.sub(" ", remaining)
        form = term.target_form(target) or term.text
        missing += max(0, needed - len(_whole(form).findall(translation)))
        missing += sum(len(_whole(f).findall(translation)) for f in term.forbidden_forms(target))
    return missing


def run(pair: Pair) -> None:
    engine = RecordingEngine(BergamotEngine())
    enforcer = TermEnforcer(pair.terms, pair.target)
    source, target, sentences = pair.source, pair.target, pair.sentences
    engine.translate_batch(["Warm-up."], source, target)
    engine.calls.clear()
    engine.seconds = 0.0

    started = time.perf_counter()
    pools = placeholder_pools(engine, source, target)
    probe_seconds = time.perf_counter() - started
    probe_sentences = sum(len(call) for call in engine.calls)
    engine.calls.clear()
    engine.seconds = 0.0

    baseline = engine.translate_batch(sentences, source, target)
    base_correct = base_total = base_wrong = 0
    for sentence, translation in zip(sentences, baseline, strict=True):
        matches = enforcer.find(sentence)
        correct, problems = enforcer.check(matches, translation.best.text)
        base_correct += correct
        base_total += len(matches)
        base_wrong += bool(problems)
    engine.calls.clear()
    engine.seconds = 0.0

    started = time.perf_counter()
    results = enforcer.translate(engine, sentences, source, target)
    elapsed = time.perf_counter() - started
    flagged = [r for r in results if r.flagged]
    unflagged = [(s, r) for s, r in zip(sentences, results, strict=True) if not r.flagged]
    silent = sum(independent_shortfall(s, r.text, pair.terms, target) > 0 for s, r in unflagged)
    total = sum(r.occurrences for r in results)
    unflagged_total = sum(r.occurrences for _, r in unflagged)
    unflagged_correct = sum(r.correct for _, r in unflagged)
    missing = total - sum(r.correct for r in results)

    print(f"== {source}→{target}: {len(sentences)} sentences, {total} protected occurrences, "
          f"{len(pair.terms)} terms")  # fmt: skip
    kept = ", ".join(f"{pool} {len(names)}" for pool, names in pools.names.items())
    print(
        f"probe: {probe_sentences} sentences, {probe_seconds:.2f} s; names kept: {kept or 'none'}; "
        f"tokens: {pools.tokens}"
    )
    print(
        f"baseline (no glossary): {base_correct}/{base_total} occurrences right "
        f"({100 * base_correct / base_total:.1f}%), {base_wrong} sentences wrong"
    )
    print(
        f"enforced: unflagged term accuracy {unflagged_correct}/{unflagged_total} "
        f"({100 * unflagged_correct / max(1, unflagged_total):.1f}%), "
        f"flagged {len(flagged)}/{len(sentences)} ({100 * len(flagged) / len(sentences):.1f}%), "
        f"masked {sum(bool(r.masked) for r in results)} sentences, "
        f"inflected {sum(len(r.inflected) for r in results)}"
    )
    print(f"silent violations (independent regex check): {silent}")
    print(f"missing occurrences: {missing} (all in flagged sentences)")
    print(
        f"engine calls: {len(engine.calls)} "
        f"({', '.join(str(len(call)) for call in engine.calls)} sentences), "
        f"{elapsed:.2f} s in all, {engine.seconds:.2f} s in the engine"
    )
    for result in flagged:
        print("flagged:", result.text, [str(p) for p in result.problems])
    for result in results:
        if result.masked:
            print("masked:", result.masked, "→", result.text)


# (source, German translation): exact, genitive "-s", a dictionary form, a wrong name.
CHECK_SENTENCES = [
    ("Aliyev met Herzog in Baku.", "Aliyev traf Herzog in Baku."),
    ("Aliyev's speech in Azerbaijan.", "Aliyevs Rede in Aserbaidschan."),
    ("The economy of Azerbaijan grew.", "Die Wirtschaft Aserbaidschans wuchs."),
    (
        "Herzog's visit to the Second Karabakh War memorial.",
        "Herzogs Besuch am Denkmal des Zweiten Karabach-Kriegs.",
    ),
    ("Aliyev spoke.", "Aliyevski sprach."),
]


def check_cost(repeats: int = 2000) -> None:
    """Time ``TermEnforcer.check`` per sentence, pt (exact only) against de (inflections)."""
    terms = [
        Term("Aliyev", "en", TermKind.PERSON, Policy.KEEP, {}, {}, "", Origin(HERE, 0)),
        Term("Herzog", "en", TermKind.PERSON, Policy.KEEP, {}, {}, "", Origin(HERE, 0)),
        Term("Baku", "en", TermKind.PLACE, Policy.KEEP, {}, {}, "", Origin(HERE, 0)),
        Term(
            "Azerbaijan", "en", TermKind.PLACE, Policy.TRANSLATE,
            {"de": "Aserbaidschan", "pt": "Azerbaijão"}, {}, "", Origin(HERE, 0),
        ),
        Term(
            "Second Karabakh War", "en", TermKind.EVENT, Policy.TRANSLATE,
            {"de": "Zweiter Karabach-Krieg", "pt": "Segunda Guerra de Karabakh"}, {}, "",
            Origin(HERE, 0),
        ),
    ]  # fmt: skip
    for target in ("pt", "de"):
        enforcer = TermEnforcer(terms, target)
        cases = [(enforcer.find(source), translation) for source, translation in CHECK_SENTENCES]
        started = time.perf_counter()
        verdicts = [enforcer.assess(matches, translation) for matches, translation in cases]
        cold = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(repeats):
            for matches, translation in cases:
                enforcer.check(matches, translation)
        warm = (time.perf_counter() - started) / (repeats * len(cases))
        inflected = sum(len(v.inflected) for v in verdicts)
        flagged = sum(bool(v.problems) for v in verdicts)
        print(
            f"{target}: first pass {1000 * cold:.0f} ms for {len(cases)} sentences; "
            f"then {1e6 * warm:.1f} µs per sentence; {inflected} inflected, {flagged} flagged"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", choices=("en-pt", "pt-en", "both"), default="both")
    parser.add_argument("--check-cost", action="store_true", help="time the check alone")
    options = parser.parse_args(argv)
    if options.check_cost:
        check_cost()
        return
    pairs = {"en-pt": [en_pt], "pt-en": [pt_en], "both": [en_pt, pt_en]}[options.pair]
    with tempfile.TemporaryDirectory(prefix="transflow-bench-cache-") as cache:
        os.environ[CACHE_ENVIRONMENT_VARIABLE] = cache  # a fresh probe, measured
        for build in pairs:
            run(build())


if __name__ == "__main__":
    main()
