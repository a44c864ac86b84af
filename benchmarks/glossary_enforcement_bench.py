"""Glossary enforcement end to end with the bundled Bergamot en→pt model.

Takes the 81 sentences and the Brazilian Portuguese glossary (people, places,
organisations, events; exonyms such as Polônia, Pequim, Nairóbi) of
``placeholder_bench.py``, translates them with ``TermEnforcer`` and reports:

* **baseline**: occurrences the model renders as approved with no glossary
  (the unmasked best hypothesis), and sentences it leaves wrong;
* **enforced**: term accuracy over unflagged sentences, flagged sentences,
  sentences repaired by masking, engine calls and time;
* **silent violations**: unflagged sentences that an *independent* check (a
  plain regular expression per approved form, whole word, case-sensitive)
  finds short of an occurrence — the number that must be zero.

Usage (from the repository root)::

    .venv/bin/python benchmarks/glossary_enforcement_bench.py
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from placeholder_bench import GLOSSARY, build_sentences
from transflow.engines.bergamot import BergamotEngine
from transflow.glossary.enforcement import TermEnforcer
from transflow.glossary.model import Origin, Policy, Term, TermKind
from transflow.testing.engines import RecordingEngine

KINDS = {"org": TermKind.ORGANISATION}


def glossary_terms() -> list[Term]:
    return [
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


def independent_shortfall(source: str, translation: str, terms: list[Term]) -> int:
    """Occurrences missing by a regex count of each approved form (longest terms first)."""
    missing = 0
    remaining = source
    for term in sorted(terms, key=lambda t: len(t.text), reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(term.text)}(?!\w)")
        needed = len(pattern.findall(remaining))
        if not needed:
            continue
        remaining = pattern.sub(" ", remaining)
        form = term.targets["pt"]
        found = len(re.findall(rf"(?<!\w){re.escape(form)}(?!\w)", translation))
        missing += max(0, needed - found)
    return missing


def main() -> None:
    terms = glossary_terms()
    sentences = [sentence.text for sentence in build_sentences()]
    engine = RecordingEngine(BergamotEngine())
    enforcer = TermEnforcer(terms, "pt")
    engine.translate_batch(["Warm-up."], "en", "pt")
    engine.calls.clear()
    engine.seconds = 0.0

    baseline = engine.translate_batch(sentences, "en", "pt")
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
    results = enforcer.translate(engine, sentences, "en", "pt")
    elapsed = time.perf_counter() - started
    flagged = [r for r in results if r.flagged]
    unflagged = [(s, r) for s, r in zip(sentences, results, strict=True) if not r.flagged]
    silent = sum(independent_shortfall(s, r.text, terms) > 0 for s, r in unflagged)
    total = sum(r.occurrences for r in results)
    unflagged_total = sum(r.occurrences for _, r in unflagged)
    unflagged_correct = sum(r.correct for _, r in unflagged)

    print(f"sentences: {len(sentences)}, protected occurrences: {total}, terms: {len(terms)}")
    print(
        f"baseline (no glossary): {base_correct}/{base_total} occurrences right "
        f"({100 * base_correct / base_total:.1f}%), {base_wrong} sentences wrong"
    )
    print(
        f"enforced: unflagged term accuracy {unflagged_correct}/{unflagged_total} "
        f"({100 * unflagged_correct / max(1, unflagged_total):.1f}%), "
        f"flagged {len(flagged)}/{len(sentences)} ({100 * len(flagged) / len(sentences):.1f}%), "
        f"masked {sum(bool(r.masked) for r in results)} sentences"
    )
    print(f"silent violations (independent regex check): {silent}")
    print(
        f"engine calls: {len(engine.calls)} "
        f"({', '.join(str(len(call)) for call in engine.calls)} sentences), "
        f"{elapsed:.2f} s in all, {engine.seconds:.2f} s in the engine"
    )
    for result in flagged:
        print("flagged:", result.text, [str(p) for p in result.problems])


if __name__ == "__main__":
    main()
