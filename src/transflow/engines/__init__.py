"""Engine registry and selection.

Engines are registered here by name only, as import paths, so that commands
that never translate (``status``, ``segment``, ``--help``) do not pay for
importing CTranslate2 or the Bergamot runtime. Adding an engine is one new
module plus one line in ``_REGISTRY`` and its place in ``_QUALITY_ORDER``.

``auto`` chooses, for each pair, the engine whose model is expected to
translate it best (``rank_engines``): a model for the language asked for
before a base-language stand-in (pt-BR before pt), a direct model before a
pivot through English (two models, two chances to go wrong), and among those
a Bergamot model before an Argos one.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from transflow.engines.base import Engine, Hypothesis, Pair, Translation
from transflow.errors import TransflowError, UnsupportedLanguagePairError
from transflow.languages import UnknownLanguageError, normalise

__all__ = [
    "ENGINE_NAMES",
    "Choice",
    "Engine",
    "Hypothesis",
    "Translation",
    "create_engine",
    "rank_engines",
    "select_engine",
]

_REGISTRY: dict[str, str] = {
    "argos": "transflow.engines.argos:ArgosEngine",
    "bergamot": "transflow.engines.bergamot:BergamotEngine",
}

# Best first, for a pair both engines have a model of the same kind for.
# The Firefox Translations project's published evaluation
# (mozilla/firefox-translations-models, evaluation/comet-results.md) scores
# its Bergamot models above Argos on 57 of the 59 directions both cover, by
# 6.3 COMET points on average.
_QUALITY_ORDER = ("bergamot", "argos")
_WHY_ENGINE = {
    "bergamot": "preferred to argos: Bergamot models score above Argos on 57 of 59 "
    "directions (firefox-translations-models COMET evaluation)",
    "argos": "preferred to bergamot",
}

ENGINE_NAMES = ("auto", *_REGISTRY)


@dataclass(frozen=True)
class Choice:
    """One engine able to translate a pair, how it would do it, and its rank for ``auto``."""

    engine: Engine
    requested: Pair
    served: Pair  # the model pair: ``requested`` or a base-language stand-in
    legs: tuple[Pair, ...]  # one model, or two through the pivot language

    @property
    def stands_in(self) -> bool:
        return self.served != self.requested

    @property
    def pivots(self) -> bool:
        return len(self.legs) > 1

    @property
    def rank(self) -> tuple[bool, bool, int]:
        return self.stands_in, self.pivots, _QUALITY_ORDER.index(self.engine.name)

    def describe(self) -> str:
        """How this engine would translate the pair: a stand-in, a pivot, a direct model."""
        parts = []
        if self.stands_in:
            parts.append(
                f"no {self.requested[0]}→{self.requested[1]} model, "
                f"the {self.served[0]}→{self.served[1]} one stands in"
            )
        if self.pivots:
            route = ", ".join(f"{source}→{target}" for source, target in self.legs)
            parts.append(f"pivot through English ({route})")
        else:
            parts.append("direct model")
        return "; ".join(parts)

    def preferred_to(self, other: Choice) -> str:
        """Why ``auto`` ranks this choice above ``other``."""
        if self.stands_in != other.stands_in:
            return f"a model for {self.requested[1]} itself beats a stand-in ({other.engine.name})"
        if self.pivots != other.pivots:
            return f"a direct model beats {other.engine.name}'s pivot through English"
        return _WHY_ENGINE[self.engine.name]


def create_engine(name: str) -> Engine:
    """Instantiate a registered engine by name (without loading any model yet)."""
    try:
        module_name, class_name = _REGISTRY[name].split(":")
    except KeyError:
        known = ", ".join(ENGINE_NAMES)
        raise TransflowError(f"unknown engine {name!r} (choose from: {known})") from None
    engine_class: type[Engine] = getattr(importlib.import_module(module_name), class_name)
    return engine_class()


def rank_engines(engines: list[Engine], source: str, target: str) -> list[Choice]:
    """The ``engines`` that can translate ``source``→``target``, best first."""
    try:
        requested = normalise(source), normalise(target)
    except UnknownLanguageError:
        return []
    choices = []
    for engine in engines:
        served = engine.served_pair(*requested)
        if served is not None:
            choices.append(Choice(engine, requested, served, tuple(engine.legs(served))))
    return sorted(choices, key=lambda choice: choice.rank)


def select_engine(name: str, source: str, target: str) -> Engine:
    """Return the engine that will translate ``source`` → ``target``.

    ``auto`` picks the best-ranked engine that covers the pair
    (``rank_engines``); a named engine must cover it. Either way an uncovered
    pair is an error that lists what *is* installed, so the user knows what to add.
    """
    candidates = _QUALITY_ORDER if name == "auto" else (name,)
    engines = [create_engine(candidate) for candidate in candidates]
    ranked = rank_engines(engines, source, target)
    if ranked:
        return ranked[0].engine
    raise UnsupportedLanguagePairError(_unsupported_message(name, source, target, engines))


def _unsupported_message(name: str, source: str, target: str, engines: list[Engine]) -> str:
    available = sorted(
        f"{src}→{tgt} ({engine.name})" for engine in engines for src, tgt in engine.language_pairs()
    )
    listing = ", ".join(available) if available else "none"
    return (
        f"no {'' if name == 'auto' else name + ' '}model translates {source}→{target}; "
        f"available: {listing}; add one with 'transflow models install {source} {target}' "
        "(see 'transflow models available') or 'transflow models install FILE'"
    )
