"""Fuzzy lookup: the memory sources most similar to a sentence, without comparing them all.

Similarity is RapidFuzz ``fuzz.ratio`` (normalised InDel similarity, 0–100),
the score translators know from Translate Toolkit and most CAT tools. Scoring
every source of a 100,000-segment memory costs about 20 ms a sentence; this
index gets the same best match in a small fraction of that
(``benchmarks/memory_bench.py``):

1. **Length band.** ``ratio(a, b) ≤ 200·min(|a|, |b|) / (|a| + |b|)``, so a
   source can reach ``min_score`` only if its length is within
   ``[L·s/(200−s), L·(200−s)/s]`` of the query's length ``L`` (0.6 L to
   1.67 L at 75). Sources are kept sorted by length, so the band is one slice
   and excludes nothing that could match. A band of at most
   ``BRUTE_FORCE_BAND`` sources (short sentences) is scored completely.
2. **Shared words, weighted by rarity.** An inverted index maps each
   lower-cased word (each character, in languages written without spaces) to
   the sources holding it; a source's candidate weight is the sum of the
   inverse document frequencies of the query words it shares. Words in more
   than ``FREQUENT_WORD_SHARE`` of the sources ("the", "of") carry almost no
   weight and are skipped unless the query has nothing else.
3. **Exact rescoring.** The ``CANDIDATES`` heaviest sources are scored with
   ``fuzz.ratio`` and the best ones above ``min_score`` returned.

Step 2 is a heuristic: a source could match at 75% while sharing no rare
word with the query. The benchmark measures how often the index's best
match is worse than brute force's (the target is under 5% of the queries).
The index is built in memory from the store's rows (``load`` time is in the
benchmark too) and is immutable; the store adds rows written later by
scoring them directly until there are enough to rebuild.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

CANDIDATES = 200
BRUTE_FORCE_BAND = 2_000
FREQUENT_WORD_SHARE = 0.2

MIN_WEIGHT_SHARE = 0.2

_WORD = re.compile(r"\w+")
_CHARACTER = re.compile(r"[^\W_]")


def index_tokens(text: str, *, by_character: bool) -> list[str]:
    """The tokens a text is indexed under: its lower-cased words, or its letters and digits."""
    return (_CHARACTER if by_character else _WORD).findall(text.lower())


def length_band(length: int, min_score: float) -> tuple[float, float]:
    """The source lengths that can reach ``min_score`` against a query of ``length``."""
    if min_score <= 0:
        return 0.0, float("inf")
    score = min(min_score, 100.0)
    return length * score / (200 - score), length * (200 - score) / score


def best_matches(
    query: str, choices: Sequence[str], *, min_score: float, limit: int
) -> list[tuple[str, float]]:
    """The ``limit`` best of ``choices`` by ``fuzz.ratio`` at or above ``min_score``, best first."""
    found = process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=min_score, limit=limit)
    return [(choice, float(score)) for choice, score, _ in found]


class FuzzyIndex:
    """Distinct source sentences of one language pair, searchable by ``fuzz.ratio``."""

    def __init__(self, sources: Iterable[str], *, by_character: bool = False) -> None:
        self._by_character = by_character
        self._sources = sorted(set(sources), key=len)
        count = len(self._sources)
        self._lengths = np.fromiter(map(len, self._sources), dtype=np.int64, count=count)
        tokenised = [index_tokens(source, by_character=by_character) for source in self._sources]
        vocabulary = {
            token: number for number, token in enumerate(set(itertools.chain(*tokenised)))
        }
        tokens = np.fromiter(
            map(vocabulary.__getitem__, itertools.chain(*tokenised)), dtype=np.int64
        )
        owners = np.repeat(np.arange(count), np.fromiter(map(len, tokenised), dtype=np.int64))
        # A stable sort keeps each token's sources in length order, so the band of a query
        # is one slice of every posting list; a word twice in a source counts once.
        order = np.argsort(tokens, kind="stable")
        tokens, owners = tokens[order], owners[order]
        first = np.ones(len(tokens), dtype=bool)
        first[1:] = (tokens[1:] != tokens[:-1]) | (owners[1:] != owners[:-1])
        tokens, self._postings = tokens[first], owners[first]
        frequencies = np.bincount(tokens, minlength=len(vocabulary))
        # Python lists: the query loop reads single items, which lists serve fastest.
        self._starts: list[int] = np.concatenate(([0], np.cumsum(frequencies))).tolist()
        self._counts: list[int] = frequencies.tolist()
        self._token_weights: list[float] = np.log((count + 1) / (frequencies + 0.5)).tolist()
        self._vocabulary = vocabulary

    def __len__(self) -> int:
        return len(self._sources)

    def search(self, query: str, *, min_score: float, limit: int) -> list[tuple[str, float]]:
        """The ``limit`` sources most similar to ``query`` (at least ``min_score``), best first."""
        shortest, longest = length_band(len(query), min_score)
        low = int(np.searchsorted(self._lengths, shortest, side="left"))
        high = int(np.searchsorted(self._lengths, longest, side="right"))
        if high <= low:
            return []
        if high - low <= BRUTE_FORCE_BAND:
            return best_matches(query, self._sources[low:high], min_score=min_score, limit=limit)
        candidates = (self._candidates(query, low, high) + low).tolist()
        choices = [self._sources[number] for number in candidates]
        return best_matches(query, choices, min_score=min_score, limit=limit)

    def _candidates(self, query: str, low: int, high: int) -> np.ndarray:
        """Positions (from ``low``) of the band's sources sharing the most rare words."""
        ids = [
            self._vocabulary[token]
            for token in set(index_tokens(query, by_character=self._by_character))
            if token in self._vocabulary
        ]
        frequent = FREQUENT_WORD_SHARE * len(self._sources)
        rare = [token for token in ids if self._counts[token] <= frequent]
        postings, weights, lengths = [], [], []
        for token in rare or ids:
            posting = self._postings[self._starts[token] : self._starts[token + 1]]
            first, last = np.searchsorted(posting, (low, high)).tolist()
            if last > first:
                postings.append(posting[first:last])
                weights.append(self._token_weights[token])
                lengths.append(last - first)
        if not postings:
            return np.empty(0, dtype=np.int64)
        totals = np.bincount(
            np.concatenate(postings) - low,
            weights=np.repeat(weights, lengths),
            minlength=high - low,
        )
        # A boolean mask first: numpy finds the true entries of a mask several times faster
        # than the non-zero entries of a float array.
        present = np.flatnonzero(totals >= MIN_WEIGHT_SHARE * totals.max())
        if len(present) > CANDIDATES:
            present = present[np.argpartition(-totals[present], CANDIDATES)[:CANDIDATES]]
        return present
