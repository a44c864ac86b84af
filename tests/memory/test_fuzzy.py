"""The fuzzy index: the length band is exact, and it finds brute force's best match."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz, process

from transflow.memory.fuzzy import BRUTE_FORCE_BAND, FuzzyIndex, index_tokens, length_band


@pytest.mark.parametrize("min_score", [50, 75, 90])
def test_no_source_outside_the_length_band_can_reach_the_score(min_score: float) -> None:
    query = "x" * 40
    shortest, longest = length_band(len(query), min_score)
    for length in range(1, 120):
        best_possible = fuzz.ratio(query, "x" * length)
        assert (shortest <= length <= longest) == (best_possible >= min_score), length


def _corpus(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    subjects = ["The minister", "Police", "The court", "Voters", "The army", "Farmers", "Rain"]
    verbs = ["said", "denied", "confirmed", "reported", "warned", "announced", "feared"]
    objects = ["a deal", "new taxes", "the strike", "floods", "the verdict", "talks", "losses"]
    places = ["in Lisbon", "near Porto", "in the north", "at the border", "in the capital"]
    return [
        f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} "
        f"{rng.choice(places)} on day {rng.randint(1, 999)} of {rng.randint(1900, 2030)}."
        for _ in range(count)
    ]


def test_index_finds_brute_forces_best_match_in_a_large_band() -> None:
    sources = _corpus(4 * BRUTE_FORCE_BAND)
    index = FuzzyIndex(sources)
    rng = random.Random(5)
    for source in rng.sample(sources, 40):
        query = source.replace(" on day ", " on the day ")
        best = process.extractOne(query, sources, scorer=fuzz.ratio)
        ((_found, score),) = index.search(query, min_score=75, limit=1)
        assert score == best[1]


def test_results_are_distinct_sources_best_first_above_the_threshold() -> None:
    index = FuzzyIndex(["Rain in Lisbon.", "Rain in Lisbon.", "Rain in Porto.", "Sun."])
    assert len(index) == 3
    found = index.search("Rain in Lisbon!", min_score=60, limit=5)
    assert [source for source, _score in found] == ["Rain in Lisbon.", "Rain in Porto."]
    assert found[0][1] > found[1][1] >= 60
    assert index.search("Something else.", min_score=75, limit=3) == []


def test_languages_without_spaces_are_indexed_by_character() -> None:
    assert index_tokens("東京は大きい", by_character=True) == ["東", "京", "は", "大", "き", "い"]
    assert index_tokens("Rain, in Lisbon!", by_character=False) == ["rain", "in", "lisbon"]
    index = FuzzyIndex(["東京は大きいです。", "大阪は小さいです。"], by_character=True)
    ((source, _score),) = index.search("東京は大きいですね。", min_score=75, limit=1)
    assert source == "東京は大きいです。"
