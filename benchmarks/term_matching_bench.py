"""Protected-term matching at glossary scale: Aho–Corasick against regular expressions.

Generates (deterministically, fixed seed) a glossary of 50,000 realistic
multi-word names — people ("Given Family", some with a middle name or a
surname-only entry), places ("Port X", "X Valley"), organisations ("Ministry
of X Affairs", "X National Bank"), events ("Second X War") — and 10 MB of
news-like English sentences with about 1.2 protected names per sentence
(one word in eight; Zipf-distributed, so a few names recur often; some in the
possessive "X’s" / "X's" or in hyphenated compounds "X-Y"). Then it reports:

* **build**: time to compile the 50,000 terms into a ``TermMatcher``;
* **scan** at 1, 2.5, 5 and 10 MB of text: ``TermMatcher.find`` called once per
  sentence, as transflow does, with MB/s, matches/s and time per MB — the time
  per MB stays flat (ratio to 1 MB ≈ 1) because the automaton scans the text
  once whatever the number of terms;
* **naive comparison** on 100 KB: a loop of 250, 500 and 1,000 compiled
  whole-word regular expressions (one ``finditer`` per term over the text) and
  one alternation regex of the 1,000 terms, against ``TermMatcher`` with the
  same terms on the same text (all as one string here); the regex time grows
  with the number of terms, so it is extrapolated to 50,000 terms × 10 MB. The
  regex loop has no longest-first rule, so it may also count "Herzog" inside
  "Isaac Herzog" (more matches than TermMatcher).

Times are the median of ``--repeats`` runs (default 5) of ``time.perf_counter``
around the matching only (text and terms are generated before timing; one
untimed pass over the 10 MB measures the share of names and warms up).

Usage (from the repository root; about 40 s on 2 shared cores)::

    .venv/bin/python benchmarks/term_matching_bench.py [--repeats 5] [--seed 3]
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import platform
import random
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version

from transflow.glossary.matching import TermMatcher

TERM_COUNT = 50_000
SIZES_MB = (1.0, 2.5, 5.0, 10.0)
NAIVE_TEXT_BYTES = 100_000
NAIVE_TERM_COUNTS = (250, 500, 1_000)
MB = 1_000_000

# --- a deterministic glossary ---------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ONSETS = _words("b c d f g h j k l m n p r s t v z br dr gr kr pr st tr sh ch kh zh")
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "ia", "ei", "ou")
_CODAS = ["", "", "", "n", "r", "l", "s", "m", "k", "v", "d", "sh"]
_SURNAME_ENDINGS = _words(
    "ov ova ev eva yan son sen ski ska ez es escu enko ić ani oglu stein berg"
)
_PLACE_FORMS = ("{}", "{}", "{}", "Port {}", "{} Valley", "Lake {}", "North {}", "{} City")
_ORG_FORMS = (
    "Ministry of {} Affairs",
    "{} National Bank",
    "{} Holdings",
    "University of {}",
    "{} Energy Company",
    "{} Football Club",
    "State Oil Company of {}",
    "{} Institute for Strategic Studies",
)
_EVENT_FORMS = ("Second {} War", "{} Summit", "{} Peace Accords", "{} Climate Conference")


def _syllables(rng: random.Random, count: int) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(count)
    )


def _word(rng: random.Random, low: int = 2, high: int = 3) -> str:
    return _syllables(rng, rng.randint(low, high)).capitalize()


@dataclass(frozen=True)
class GeneratedTerm:
    text: str
    kind: str  # person, place, org, event


def generate_terms(count: int, seed: int) -> list[GeneratedTerm]:
    """``count`` distinct names: ~50 % people, 25 % places, 18 % organisations, 7 % events."""
    rng = random.Random(seed)
    given_names = sorted({_word(rng, 2, 2) for _ in range(3_000)})
    terms: dict[str, GeneratedTerm] = {}

    def add(text: str, kind: str) -> None:
        if text not in terms and len(terms) < count:
            terms[text] = GeneratedTerm(text, kind)

    while len(terms) < count:
        roll = rng.random()
        if roll < 0.50:
            family = _word(rng) + rng.choice(_SURNAME_ENDINGS)
            given = rng.choice(given_names)
            if rng.random() < 0.15:
                given += " " + rng.choice(given_names)
            add(f"{given} {family}", "person")
            if rng.random() < 0.10:  # "Herzog" next to "Isaac Herzog"
                add(family, "person")
        elif roll < 0.75:
            add(rng.choice(_PLACE_FORMS).format(_word(rng)), "place")
        elif roll < 0.93:
            add(rng.choice(_ORG_FORMS).format(_word(rng)), "org")
        else:
            add(rng.choice(_EVENT_FORMS).format(_word(rng)), "event")
    ordered = list(terms.values())
    rng.shuffle(ordered)  # the Zipf rank below is independent of generation order
    return ordered


# --- deterministic news-like text --------------------------------------------------------

_FILLER_TEXT = (
    "the a an of in on at to for with from by about after before during over under "
    "government officials said on Tuesday that talks would continue next week while "
    "analysts expected new sanctions trade energy prices security cooperation agreement "
    "parliament approved budget reform despite strong opposition protests in the capital "
    "were reported late last night according to local media reports the ministry "
    "declined to comment further investors welcomed the decision markets rose sharply "
    "the delegation arrived for a two-day visit focused on regional stability and "
    "infrastructure investment as well as cultural exchange programmes and tourism"
)
_FILLER = _words(_FILLER_TEXT)
_TEMPLATES = (
    "{person} told reporters in {place} that {tail}.",
    "{person}’s visit to {place} {tail}.",
    "The {org} said on Monday that {tail}.",
    "Officials {tail}, {person} said.",
    "In {place}, {tail}.",
    "{person}'s office said {tail}.",
    "The {place}-{place} talks {tail}.",
    "{person} met {person} ahead of the {event}; {tail}.",
    "The ministry said {tail}.",
    "Analysts said {tail}.",
    "{tail}, according to the {org}.",
    "It was not clear whether {tail}.",
)


def _zipf_picker(rng: random.Random, items: Sequence[GeneratedTerm]) -> Callable[[], str]:
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(items))))
    total = cumulative[-1]

    def pick() -> str:
        return items[bisect.bisect_left(cumulative, rng.random() * total)].text

    return pick


def generate_sentences(terms: Sequence[GeneratedTerm], size: int, seed: int) -> list[str]:
    """News-like sentences adding up to at least ``size`` UTF-8 bytes (one space between)."""
    rng = random.Random(seed + 1)
    pickers = {
        kind: _zipf_picker(rng, [term for term in terms if term.kind == kind])
        for kind in ("person", "place", "org", "event")
    }
    sentences: list[str] = []
    total = 0
    while total < size:
        template = rng.choice(_TEMPLATES)
        tail = " ".join(rng.choices(_FILLER, k=rng.randint(10, 22)))
        sentence = template.format_map(_Slots(pickers, tail))
        sentences.append(sentence)
        total += len(sentence.encode("utf-8")) + 1
    return sentences


class _Slots(dict):
    """Fills each ``{kind}`` slot of a template with a new pick."""

    def __init__(self, pickers: dict[str, Callable[[], str]], tail: str) -> None:
        super().__init__()
        self.pickers, self.tail = pickers, tail

    def __missing__(self, key: str) -> str:
        return self.tail if key == "tail" else self.pickers[key]()


def prefix(sentences: Sequence[str], size: int) -> list[str]:
    """The first sentences adding up to ``size`` UTF-8 bytes (one space between)."""
    total = 0
    for index, sentence in enumerate(sentences):
        total += len(sentence.encode("utf-8")) + 1
        if total >= size:
            return list(sentences[: index + 1])
    return list(sentences)


def utf8_size(sentences: Sequence[str]) -> int:
    return sum(len(sentence.encode("utf-8")) + 1 for sentence in sentences)


# --- timing -----------------------------------------------------------------------------


def timed(function: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median seconds of ``repeats`` calls, and the last result."""
    times = []
    result: object = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def scan_sentences(matcher: TermMatcher[str], sentences: Sequence[str]) -> int:
    return sum(len(matcher.find(sentence)) for sentence in sentences)


def regex_loop(patterns: Sequence[re.Pattern[str]], text: str) -> int:
    return sum(1 for pattern in patterns for _ in pattern.finditer(text))


def whole_word(term: str) -> str:
    return rf"(?<!\w){re.escape(term)}(?!\w)"


# --- report -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=3)
    options = parser.parse_args(argv)
    repeats = options.repeats

    started = time.perf_counter()
    terms = generate_terms(TERM_COUNT, options.seed)
    sentences = generate_sentences(terms, int(SIZES_MB[-1] * MB), options.seed)
    words = sum(len(term.text.split()) for term in terms) / len(terms)
    print(
        f"Python {platform.python_version()}, pyahocorasick {version('pyahocorasick')}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs; generated {len(terms):,} terms "
        f"({words:.2f} words on average) and {utf8_size(sentences) / MB:.1f} MB "
        f"({len(sentences):,} sentences) in {time.perf_counter() - started:.1f} s"
    )

    build, matcher = timed(lambda: TermMatcher((term.text, term.text) for term in terms), repeats)
    assert isinstance(matcher, TermMatcher)
    assert len(matcher) == TERM_COUNT
    print(f"Build: {TERM_COUNT:,} terms compiled in {build * 1000:.0f} ms")

    # The share of protected names in the text (untimed pass, also the warm-up).
    matches = [match for sentence in sentences for match in matcher.find(sentence)]
    text_words = sum(len(sentence.split()) for sentence in sentences)
    term_words = sum(len(match.value.split()) for match in matches)
    print(
        f"Text: {len(matches) / len(sentences):.2f} protected names per sentence, "
        f"{len({match.value for match in matches}):,} distinct; "
        f"{term_words / text_words:.1%} of words and "
        f"{sum(m.length for m in matches) / sum(len(s) + 1 for s in sentences):.1%} of "
        "characters are inside a name"
    )
    del matches

    print(f"\nScan, TermMatcher.find per sentence, 50,000 terms (median of {repeats}):\n")
    print("| text | sentences | matches | time | MB/s | matches/s | time per MB | vs 1 MB |")
    print("|---|---|---|---|---|---|---|---|")
    per_mb_first = None
    last_scan = 0.0
    for size_mb in SIZES_MB:
        part = prefix(sentences, int(size_mb * MB))
        megabytes = utf8_size(part) / MB
        seconds, count = timed(lambda part=part: scan_sentences(matcher, part), repeats)
        assert isinstance(count, int)
        per_mb = seconds / megabytes
        last_scan = seconds
        per_mb_first = per_mb_first or per_mb
        print(
            f"| {size_mb:g} MB | {len(part):,} | {count:,} | {seconds:.2f} s "
            f"| {megabytes / seconds:.1f} | {count / seconds / 1000:,.0f} k "
            f"| {per_mb * 1000:.0f} ms | ×{per_mb / per_mb_first:.2f} |"
        )

    text_part = prefix(sentences, NAIVE_TEXT_BYTES)
    text = " ".join(text_part)
    text_mb = len(text.encode("utf-8")) / MB
    scale = SIZES_MB[-1] / text_mb
    print(
        f"\nNaive comparison on {text_mb * 1000:.0f} KB ({len(text_part):,} sentences as one "
        f"text; median of {repeats}), the most frequent terms first; "
        f"extrapolated = time × (50,000 / terms) × (10 MB / {text_mb * 1000:.0f} KB):\n"
    )
    print("| method | terms | matches | time | extrapolated to 50,000 terms × 10 MB |")
    print("|---|---|---|---|---|")
    # The first terms of each kind's Zipf ranking are the ones that occur most.
    by_rank = {kind: [t for t in terms if t.kind == kind] for kind in ("person", "place", "org")}
    ranked = [t.text for group in itertools.zip_longest(*by_rank.values()) for t in group if t]
    for count in NAIVE_TERM_COUNTS:
        chosen = ranked[:count]
        patterns = [re.compile(whole_word(term)) for term in chosen]
        seconds, found = timed(lambda patterns=patterns: regex_loop(patterns, text), repeats)
        extrapolated = seconds * (TERM_COUNT / count) * scale
        print(
            f"| loop of compiled regexes | {count:,} | {found:,} | {seconds * 1000:,.0f} ms "
            f"| {extrapolated / 60:,.0f} min |"
        )
        small = TermMatcher((term, term) for term in chosen)
        seconds, found = timed(lambda small=small: len(small.find(text)), repeats)
        print(f"| TermMatcher | {count:,} | {found:,} | {seconds * 1000:.1f} ms | — |")
    chosen = sorted(ranked[: NAIVE_TERM_COUNTS[-1]], key=len, reverse=True)
    alternation = re.compile("|".join(whole_word(term) for term in chosen))
    seconds, found = timed(lambda: sum(1 for _ in alternation.finditer(text)), repeats)
    extrapolated = seconds * (TERM_COUNT / len(chosen)) * scale
    print(
        f"| one alternation regex, longest first | {len(chosen):,} | {found:,} "
        f"| {seconds * 1000:,.0f} ms | {extrapolated / 60:,.0f} min |"
    )
    seconds, found = timed(lambda: len(matcher.find(text)), repeats)
    print(
        f"| TermMatcher | {TERM_COUNT:,} | {found:,} | {seconds * 1000:.1f} ms "
        f"| {last_scan:.2f} s measured (per sentence, table above) |"
    )
    print(f"\nTotal run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
