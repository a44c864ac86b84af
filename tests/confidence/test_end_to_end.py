"""Damaged translations score lower than the engine's own, through the real Bergamot models.

The sentences are translated and back-translated by the bundled en↔pt models,
as `transflow check` would; each damage is made by editing the engine's
output, the way a careless translator's edit would be.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from transflow.confidence import Confidence, assess, back_translate
from transflow.engines.bergamot import BergamotEngine

SENTENCES = [
    "The minister said the new bridge would not open before March.",
    "Police in Lisbon arrested two men after a robbery at a jewellery shop on Friday.",
    "Maria Santos, the mayor of Porto, opened the new library on Tuesday.",
    "The museum will reopen in May after a long renovation.",
    "The company said that sales had risen by 8% this year.",
    "Farmers say the drought has destroyed half of the wheat harvest in the south.",
]


def drop_second_half(translation: str) -> str:
    words = translation.split()
    return " ".join(words[: len(words) // 2]) + "."


def remove_negation(translation: str) -> str:
    assert " não " in translation
    return translation.replace(" não ", " ", 1)


def add_negation(translation: str) -> str:
    assert " aumentaram " in translation
    return translation.replace(" aumentaram ", " não aumentaram ", 1)


def replace_name(translation: str) -> str:
    assert "Santos" in translation
    return translation.replace("Santos", "Ferreira")


def append_clause(translation: str) -> str:
    return translation.rstrip(".") + ", e a seca destruiu metade da colheita de trigo no sul."


DAMAGES = [
    ("dropped", 1, drop_second_half),
    ("negation removed", 0, remove_negation),
    ("negation added", 4, add_negation),
    ("name replaced", 2, replace_name),
    ("clause appended", 3, append_clause),
]


@pytest.fixture(scope="module")
def engine() -> BergamotEngine:
    return BergamotEngine()


@pytest.fixture(scope="module")
def translations(engine: BergamotEngine) -> list[str]:
    return [result.best.text for result in engine.translate_batch(SENTENCES, "en", "pt")]


def assessed(engine: BergamotEngine, pairs: list[tuple[str, str]]) -> list[Confidence]:
    back = back_translate(
        engine, [translation for _, translation in pairs], source="en", target="pt"
    )
    assert back is not None
    return assess(pairs, source="en", target="pt", back_translations=back)


@pytest.mark.parametrize(("damage", "index", "edit"), DAMAGES, ids=[d[0] for d in DAMAGES])
def test_a_damaged_translation_scores_lower_than_the_undamaged_one(
    engine: BergamotEngine,
    translations: list[str],
    damage: str,
    index: int,
    edit: Callable[[str], str],
) -> None:
    source, translation = SENTENCES[index], translations[index]
    undamaged, damaged = assessed(engine, [(source, translation), (source, edit(translation))])
    assert damaged.value < undamaged.value, (damage, damaged.evidence)
    assert damaged.evidence


def test_the_engines_own_translations_are_trusted(
    engine: BergamotEngine, translations: list[str]
) -> None:
    results = assessed(engine, list(zip(SENTENCES, translations, strict=True)))
    assert all(result.severity is None for result in results), [r.evidence for r in results]


def test_every_damage_is_flagged_and_ranked_below_every_undamaged_translation(
    engine: BergamotEngine, translations: list[str]
) -> None:
    damaged_pairs = [(SENTENCES[index], edit(translations[index])) for _, index, edit in DAMAGES]
    undamaged = assessed(engine, list(zip(SENTENCES, translations, strict=True)))
    damaged = assessed(engine, damaged_pairs)
    assert max(result.value for result in damaged) < min(result.value for result in undamaged)
    assert all(result.severity is not None for result in damaged)
