"""How well transflow's confidence finds damaged translations, and what the round trip costs.

English news sentences are translated en→pt (bundled Bergamot engine by
default), then each translation is damaged in the four ways a fluent but
wrong translation usually is: half the sentence dropped, a negation ("não")
added or removed, a clause of another sentence appended, a name replaced by
another sentence's name. Every translation, damaged or not, is translated
back in one batched call and assessed (``transflow.confidence.assess``);
ROC AUC says how well the confidence ranks damaged below undamaged ones
(1.0 = always, 0.5 = chance), per damage type and overall, with the round
trip and without it, next to back-translation chrF alone for scale.

Held-out sentences come from a JSON-lines gold file (the shared segmentation
gold, English cases; first argument, default
``../shared/data/segmentation-gold-public.jsonl``); they are only read, never
copied into the project. ``--fit`` instead fits the weights of
``transflow.confidence.combine`` on the invented news of
``benchmarks/data/confidence-train-en.txt`` and prints them as the Python
constants to paste there; the figures it prints for held-out text use the
fresh weights.

    .venv/bin/python benchmarks/confidence_bench.py [GOLD.jsonl] [--fit] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = REPO_ROOT.parent / "shared" / "data" / "segmentation-gold-public.jsonl"
TRAINING_TEXT = REPO_ROOT / "benchmarks" / "data" / "confidence-train-en.txt"
sys.path.insert(0, str(REPO_ROOT / "src"))

from transflow.confidence import assess, back_translate  # noqa: E402
from transflow.confidence import combine as combine_module  # noqa: E402
from transflow.confidence.signals import names, words  # noqa: E402
from transflow.engines import Engine, create_engine  # noqa: E402

SOURCE, TARGET = "en", "pt"
DAMAGE_TYPES = ("dropped", "negation", "appended", "name")
MIN_WORDS, MAX_WORDS = 6, 60
# Finite verbs a negation goes in front of ("disse" → "não disse"): common
# forms, then endings of the past, imperfect, future and conditional.
_PT_VERBS = frozenset(
    str.split("""é são foi foram era eram será serão seria seriam está estão estava estavam esteve
    tem têm tinha tinham teve tiveram há havia houve pode podem poderia poderiam deve
    devem deveria vai vão disse disseram diz dizem fez fizeram faz fazem quer querem
    sabe precisa precisam continua continuam permanece permanecem""")
)
_PT_VERB_ENDING = re.compile(
    r"(?:ou|aram|eram|iram|ava|avam|ará|erá|irá|arão|erão|irão|aria|eria|iria|ariam|eriam|iriam)$"
)
# Unstressed pronouns stand between "não" and the verb ("não se tornou").
_PT_CLITICS = frozenset({"se", "lhe", "lhes", "me", "te", "nos"})
_NEGATION = re.compile(r"\bnão\s+", re.IGNORECASE)
# L2 penalty of the logistic fit, on standardised features.
RIDGE = 1e-2


@dataclass(frozen=True)
class Sample:
    source: str
    translation: str
    damage: str | None  # None: the undamaged translation


# --- damage ---------------------------------------------------------------------------------


def drop_half(translation: str, rng: random.Random) -> str | None:
    """Half of the words, ended as a sentence: mostly the first half, sometimes the second."""
    parts = translation.split()
    if len(parts) < 2 * 4:
        return None
    middle = math.ceil(len(parts) / 2)
    if rng.random() < 0.25:
        kept = " ".join(parts[middle:])
        return kept[:1].upper() + kept[1:]
    return " ".join(parts[:middle]).rstrip(",;:—–- ") + "."


def toggle_negation(translation: str) -> str | None:
    """The first "não" removed, or one put before the first finite verb."""
    found = _NEGATION.search(translation)
    if found:
        rest = translation[found.end() :]
        if found.start() == 0:
            rest = rest[:1].upper() + rest[1:]
        return translation[: found.start()] + rest
    tokens = translation.split(" ")
    for index in range(1, len(tokens)):
        word = tokens[index].strip(",.;:\"'“”()").lower()
        if not tokens[index][:1].islower():
            continue
        if word in _PT_VERBS or (len(word) >= 5 and _PT_VERB_ENDING.search(word)):
            if tokens[index - 1].lower() in _PT_CLITICS:
                index -= 1
            return " ".join([*tokens[:index], "não", *tokens[index:]])
    return None


def append_clause(translation: str, other: str, rng: random.Random) -> str | None:
    """``translation`` followed by the last clause (or the second half) of ``other``."""
    clause = other.rsplit(", ", 1)[-1] if ", " in other else ""
    if len(clause.split()) < 4:
        parts = other.split()
        clause = " ".join(parts[len(parts) // 2 :])
    if len(clause.split()) < 3:
        return None
    joint = rng.choice((", ", ", e ", "; "))
    return translation.rstrip(" .!?") + joint + clause.rstrip(' .!?"”') + "."


def replace_name(
    source: str, translation: str, pool: Sequence[str], rng: random.Random
) -> str | None:
    """One name of the source that the translation copied, replaced by another sentence's name."""
    candidates = [
        name
        for name in dict.fromkeys(names(source))
        if not name.isdigit()
        and len(name) > 2
        and re.search(rf"\b{re.escape(name)}\b", translation)
    ]
    own = set(names(source))
    others = [name for name in pool if name not in own]
    if not candidates or not others:
        return None
    name = rng.choice(candidates)
    return re.sub(rf"\b{re.escape(name)}\b", rng.choice(others), translation, count=1)


def name_pool(sentences: Sequence[str]) -> list[str]:
    """Capitalised words of the sentences that are not sentence-initial: names, mostly."""
    pool: set[str] = set()
    for sentence in sentences:
        tokens = words(sentence)
        pool.update(
            word for word in tokens[1:] if word[:1].isupper() and len(word) > 3 and word.isalpha()
        )
    return sorted(pool)


def damaged(
    damage: str,
    source: str,
    translation: str,
    other: str,
    pool: Sequence[str],
    rng: random.Random,
) -> str | None:
    """``translation`` with one ``damage`` of ``DAMAGE_TYPES`` (``other``: another sentence's)."""
    if damage == "dropped":
        return drop_half(translation, rng)
    if damage == "negation":
        return toggle_negation(translation)
    if damage == "appended":
        return append_clause(translation, other, rng)
    return replace_name(source, translation, pool, rng)


def damaged_samples(sources: Sequence[str], translations: Sequence[str], seed: int) -> list[Sample]:
    """Every translation undamaged, and once for each damage type that applies to it."""
    rng = random.Random(seed)
    pool = name_pool(sources)
    samples = []
    for index, (source, translation) in enumerate(zip(sources, translations, strict=True)):
        samples.append(Sample(source, translation, None))
        other = translations[(index + 1 + rng.randrange(len(translations) - 1)) % len(translations)]
        for damage in DAMAGE_TYPES:
            text = damaged(damage, source, translation, other, pool, rng)
            if text is not None and text != translation:
                samples.append(Sample(source, text, damage))
    return samples


# --- data -----------------------------------------------------------------------------------


def held_out_sentences(path: Path, exclude: set[str]) -> list[str]:
    sentences = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            case = json.loads(line)
            if case["lang"] == SOURCE:
                sentences += case["sentences"]
    return [
        sentence
        for sentence in dict.fromkeys(sentence.strip() for sentence in sentences)
        if MIN_WORDS <= len(sentence.split()) <= MAX_WORDS and sentence not in exclude
    ]


def training_sentences() -> list[str]:
    lines = TRAINING_TEXT.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Run:
    samples: list[Sample]
    features: list[dict[str, float]]  # with the round trip
    forward_features: list[dict[str, float]]  # without it
    chrf: list[float]
    confidence: list[float]  # with the frozen weights, with the round trip
    forward_confidence: list[float]
    assess_seconds: float
    sentences: int


def run(engine: Engine, sources: list[str], seed: int) -> Run:
    translations = [t.best.text for t in engine.translate_batch(sources, SOURCE, TARGET)]
    undamaged_back = back_translate(engine, translations, source=SOURCE, target=TARGET)
    assert undamaged_back is not None, f"{engine.name} has no {TARGET}→{SOURCE} model"

    samples = damaged_samples(sources, translations, seed)
    back_of = dict(zip(translations, undamaged_back, strict=True))
    damaged = [sample.translation for sample in samples if sample.translation not in back_of]
    back_of |= dict(
        zip(
            damaged,
            back_translate(engine, damaged, source=SOURCE, target=TARGET) or [],
            strict=True,
        )
    )
    pairs = [(sample.source, sample.translation) for sample in samples]
    backs = [back_of[sample.translation] for sample in samples]
    started = time.perf_counter()
    with_trip = assess(pairs, source=SOURCE, target=TARGET, back_translations=backs)
    assess_seconds = time.perf_counter() - started
    forward_only = assess(pairs, source=SOURCE, target=TARGET)
    return Run(
        samples=samples,
        features=[confidence.signals.features() for confidence in with_trip],
        forward_features=[confidence.signals.features() for confidence in forward_only],
        chrf=[
            confidence.signals.round_trip.chrf if confidence.signals.round_trip else 0.0
            for confidence in with_trip
        ],
        confidence=[confidence.value for confidence in with_trip],
        forward_confidence=[confidence.value for confidence in forward_only],
        assess_seconds=assess_seconds,
        sentences=len(sources),
    )


def engine_cost(engine: Engine, sources: list[str], runs: int) -> str:
    """Sentences/s of the engine alone and with the round trip (medians of ``runs`` passes)."""
    engine.translate_batch(["Warm-up."], SOURCE, TARGET)
    engine.translate_batch(["Aquecimento."], TARGET, SOURCE)
    forward_times, back_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        translations = [t.best.text for t in engine.translate_batch(sources, SOURCE, TARGET)]
        forward_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        back_translate(engine, translations, source=SOURCE, target=TARGET)
        back_times.append(time.perf_counter() - started)
    forward = statistics.median(forward_times)
    both = statistics.median(f + b for f, b in zip(forward_times, back_times, strict=True))
    return (
        f"engine {SOURCE}→{TARGET}: {len(sources) / forward:.1f} sentences/s; with the round "
        f"trip: {len(sources) / both:.1f} sentences/s (engine time ×{both / forward:.2f}; "
        f"median of {runs} passes over {len(sources)} sentences)"
    )


def roc_auc(damaged_scores: Sequence[float], undamaged_scores: Sequence[float]) -> float:
    """P(a damaged sample scores higher than an undamaged one), ties counting half."""
    undamaged = np.sort(np.asarray(undamaged_scores))
    damaged = np.asarray(damaged_scores)
    below = np.searchsorted(undamaged, damaged, side="left")
    not_above = np.searchsorted(undamaged, damaged, side="right")
    return float(np.mean((below + not_above) / 2) / len(undamaged))


def auc_table(samples: Sequence[Sample], risks: Mapping[str, Sequence[float]]) -> list[list[str]]:
    """Rows of damage type, count and the AUC of each risk score (higher = riskier)."""
    undamaged = [index for index, sample in enumerate(samples) if sample.damage is None]
    rows = []
    for damage in (*DAMAGE_TYPES, "all"):
        chosen = [
            index
            for index, sample in enumerate(samples)
            if sample.damage is not None and damage in ("all", sample.damage)
        ]
        row = [f"**{damage}**" if damage == "all" else damage, str(len(chosen))]
        for risk in risks.values():
            auc = roc_auc([risk[i] for i in chosen], [risk[i] for i in undamaged])
            row.append(f"{auc:.3f}")
        rows.append(row)
    return rows


def flag_rates(samples: Sequence[Sample], confidence: Sequence[float]) -> str:
    lines = []
    for threshold in (combine_module.WARNING_BELOW, combine_module.ERROR_BELOW):
        flagged = [value < threshold for value in confidence]
        good = [f for f, s in zip(flagged, samples, strict=True) if s.damage is None]
        bad = [f for f, s in zip(flagged, samples, strict=True) if s.damage is not None]
        lines.append(
            f"confidence < {threshold}: {statistics.mean(bad):.0%} of damaged and "
            f"{statistics.mean(good):.0%} of undamaged translations"
        )
    return "\n".join(lines)


# --- fitting --------------------------------------------------------------------------------


def fit(
    features: list[dict[str, float]], labels: list[int], names_: Sequence[str]
) -> dict[str, float]:
    """Non-negative logistic regression of damage on the features, classes weighed equally.

    Every feature is an amount of something wrong, so a negative weight would
    reward a problem; those are held at 0 (projected gradient descent on
    standardised features, converted back to raw-feature weights).
    """
    x = np.array([[row[name] for name in names_] for row in features], dtype=float)
    y = np.array(labels, dtype=float)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = x / scale
    positives = y.sum()
    sample_weight = np.where(y == 1, 0.5 / positives, 0.5 / (len(y) - positives))
    weights = np.zeros(xs.shape[1])
    intercept = 0.0
    step = 1.0
    for _ in range(20000):
        z = intercept + xs @ weights
        p = 1 / (1 + np.exp(-z))
        error = (p - y) * sample_weight
        weights = np.maximum(0.0, weights - step * (xs.T @ error + RIDGE * weights))
        intercept -= step * error.sum()
    raw = weights / scale
    return {"intercept": float(intercept)} | {
        name: float(value) for name, value in zip(names_, raw, strict=True)
    }


def logit(features: list[dict[str, float]], fitted: dict[str, float]) -> list[float]:
    return [
        fitted["intercept"]
        + sum(fitted[name] * row[name] for name in fitted if name != "intercept")
        for row in features
    ]


def print_weights(label: str, fitted: dict[str, float]) -> None:
    print(f"{label} = Weights(")
    print(f"    intercept={fitted['intercept']:.3f},")
    print("    weights={")
    for name, value in fitted.items():
        if name != "intercept":
            print(f'        "{name}": {value:.3f},')
    print("    },")
    print(")")


# --- report ---------------------------------------------------------------------------------


def report(held_out: Run, risks: Mapping[str, Sequence[float]]) -> None:
    samples = held_out.samples
    print(
        f"{held_out.sentences} sentences, {sum(s.damage is not None for s in samples)} damaged "
        f"translations\n"
    )
    print("| damage | damaged | " + " | ".join(risks) + " |")
    print("|---|---|" + "---|" * len(risks))
    for row in auc_table(samples, risks):
        print("| " + " | ".join(row) + " |")
    print()
    speed = len(samples) / held_out.assess_seconds
    print(f"assess (signals and combination): {speed:,.0f} segments/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--engine", default="bergamot")
    parser.add_argument("--fit", action="store_true", help="fit and print the weights")
    parser.add_argument("--limit", type=int, default=0, help="held-out sentences (0: all)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--cost-runs", type=int, default=3, help="passes timed (0: skip)")
    args = parser.parse_args(argv)

    engine = create_engine(args.engine)
    train = training_sentences()
    held_out_text = held_out_sentences(args.gold, exclude=set(train))
    if args.limit:
        held_out_text = random.Random(args.seed).sample(held_out_text, args.limit)
    held_out = run(engine, held_out_text, args.seed)
    risks: dict[str, Sequence[float]] = {
        "confidence (round trip)": [-value for value in held_out.confidence],
        "confidence (forward only)": [-value for value in held_out.forward_confidence],
        "chrF alone": [-value for value in held_out.chrf],
    }
    if args.fit:
        training = run(engine, train, args.seed)
        labels = [int(sample.damage is not None) for sample in training.samples]
        with_trip = fit(training.features, labels, list(combine_module.ROUND_TRIP.weights))
        forward = fit(training.forward_features, labels, list(combine_module.FORWARD_ONLY.weights))
        ratios = [
            len(sample.translation) / len(sample.source)
            for sample in training.samples
            if sample.damage is None
        ]
        print(f"# {len(training.samples)} training samples from {len(train)} sentences")
        print(
            f"# median en→pt length ratio (EXPECTED_LENGTH_RATIO): {statistics.median(ratios):.3f}"
        )
        print_weights("ROUND_TRIP", with_trip)
        print_weights("FORWARD_ONLY", forward)
        print()
        risks["fitted (round trip)"] = logit(held_out.features, with_trip)
        risks["fitted (forward only)"] = logit(held_out.forward_features, forward)
        train_risks = {"fitted on training": logit(training.features, with_trip)}
        print("training split:")
        for row in auc_table(training.samples, train_risks):
            print("  " + " ".join(row))
        print()
    report(held_out, risks)
    print()
    print(flag_rates(held_out.samples, held_out.confidence))
    if args.cost_runs:
        print(engine_cost(engine, held_out_text, args.cost_runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
