"""Engine registry and selection.

Engines are registered here by name only, as import paths, so that commands
that never translate (``status``, ``segment``, ``--help``) do not pay for
importing CTranslate2 or the Bergamot runtime. Adding an engine is one new
module plus one line in ``_REGISTRY``.
"""

from __future__ import annotations

import importlib

from transflow.engines.base import Engine, Hypothesis, Translation
from transflow.errors import TransflowError, UnsupportedLanguagePairError

__all__ = [
    "ENGINE_NAMES",
    "Engine",
    "Hypothesis",
    "Translation",
    "create_engine",
    "select_engine",
]

_REGISTRY: dict[str, str] = {
    "argos": "transflow.engines.argos:ArgosEngine",
    "bergamot": "transflow.engines.bergamot:BergamotEngine",
}

# The order in which ``auto`` tries engines: installed Argos packages are the
# user's explicit choice, the bundled Bergamot model is the fallback.
_AUTO_ORDER = ("argos", "bergamot")

ENGINE_NAMES = ("auto", *_REGISTRY)


def create_engine(name: str) -> Engine:
    """Instantiate a registered engine by name (without loading any model yet)."""
    try:
        module_name, class_name = _REGISTRY[name].split(":")
    except KeyError:
        known = ", ".join(ENGINE_NAMES)
        raise TransflowError(f"unknown engine {name!r} (choose from: {known})") from None
    engine_class: type[Engine] = getattr(importlib.import_module(module_name), class_name)
    return engine_class()


def select_engine(name: str, source: str, target: str) -> Engine:
    """Return the engine that will translate ``source`` → ``target``.

    ``auto`` picks the first engine in ``_AUTO_ORDER`` that covers the pair; a
    named engine must cover it. Either way an uncovered pair is an error that
    lists what *is* installed, so the user knows what to add.
    """
    candidates = _AUTO_ORDER if name == "auto" else (name,)
    engines = [create_engine(candidate) for candidate in candidates]
    for engine in engines:
        if engine.supports(source, target):
            return engine
    raise UnsupportedLanguagePairError(_unsupported_message(name, source, target, engines))


def _unsupported_message(name: str, source: str, target: str, engines: list[Engine]) -> str:
    available = sorted(
        f"{src}→{tgt} ({engine.name})" for engine in engines for src, tgt in engine.language_pairs()
    )
    listing = ", ".join(available) if available else "none"
    return (
        f"no {'' if name == 'auto' else name + ' '}model translates {source}→{target}; "
        f"available: {listing}; add one with 'transflow models install FILE.argosmodel'"
    )
