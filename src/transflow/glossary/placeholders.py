"""Placeholders a model copies verbatim, found by probing each model once.

Masking replaces a protected term by a stand-in the model leaves alone and
puts the approved form back afterwards (``transflow.glossary.enforcement``).
Which stand-ins a model leaves alone depends on the model: the invented names
below were measured on the bundled en→pt model (``benchmarks/placeholder_bench.py``),
but another model may translate, transliterate, re-case or inflect them (the
tests' copy model upper-cases everything). So at the first masking with a
model, transflow translates a few probe sentences holding each candidate and
keeps the candidates that come back as written (allowing only the case ending
the target language may add, which restoring tolerates too). The result is
cached per model and language pair in a JSON file, so the cost — one batch of
about 20 sentences, under a second with the bundled model — is paid once per
machine:

    $TRANSFLOW_CACHE_DIR, else $XDG_CACHE_HOME/transflow, else ~/.cache/transflow

If no invented name of a kind survives, that kind is masked with numbered
tokens (``Nnn1``, or ``NNN1`` for a model that upper-cases); if nothing
survives at all, nothing is masked and what the model got wrong is flagged.
Whatever the probe found, every masked translation is verified like any other,
so a wrong probe can cost a repair, never a silent violation.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from transflow.engines.base import Engine
from transflow.fileio import write_text_atomically
from transflow.glossary.inflection import rules_for
from transflow.languages import UnknownLanguageError, base

CACHE_ENVIRONMENT_VARIABLE = "TRANSFLOW_CACHE_DIR"
# Bump when the candidates or probe sentences change, so old cache files are probed again.
PROBE_VERSION = 1
# A kind needs this many surviving names to be masked with names (a sentence may
# hold several terms of one kind, and retries rotate through the pool).
MIN_NAMES = 4


def _split(text: str, separator: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(separator))


# Candidate invented names, by pool. These are the names the bundled en→pt model
# copied verbatim in calibration (``calibrate_pools`` in benchmarks/placeholder_bench.py):
# typed names keep the sentence natural, so the model translates the rest as it
# would the real one. Each model keeps those it copies.
CANDIDATE_NAMES: dict[str, tuple[str, ...]] = {
    "person": _split("Staruze Ketrak Bodrakin Puvrate Stenult Zebukri Steskin Bravri"),
    "person-full": _split(
        "Skeskas Tukrix, Zvuverk Nustond, Staglun Trivri, Skekalt Skuzvand, "
        "Vritrax Krizolt, Prazverk Nibrik, Krugis Latrex, Kuvrak Krobrelt",
        ", ",
    ),
    "place": _split("Zvirok Fozvokron Glitork Zviton Skukrilt Vratazok Bretris Zvibavox"),
    "organisation": _split("Glumadras Diguzvot Prituzvelt Zvogex Tetrund Zvafix Buglir Prusapron"),
    "event": _split("Faglal Zvinaprus Rustund Tovrark Vrizvand Profet Rikrel Rubrul"),
}
# Numbered tokens, in order of preference; "{}" is the number.
TOKEN_SHAPES = ("Nnn{}", "NNN{}")

# Two probe sentences per source language, each holding one candidate of every
# pool (as subject, object and in prepositional phrases, where models most often
# translate or decline a name), so one short batch probes every candidate.
PROBE_SENTENCES: dict[str, tuple[str, str]] = {
    "en": (
        "{person} met {full} in {place} on behalf of {organisation} after {event}.",
        "After {event}, {organisation} said that {full} and {person} would visit {place}.",
    ),
    "pt": (
        "{person} reuniu-se com {full} em {place} em nome de {organisation} depois de {event}.",
        "Depois de {event}, {organisation} disse que {full} e {person} vão visitar {place}.",
    ),
    "es": (
        "{person} se reunió con {full} en {place} en nombre de {organisation} después de {event}.",
        "Después de {event}, {organisation} dijo que {full} y {person} visitarán {place}.",
    ),
    "fr": (
        "{person} a rencontré {full} à {place} au nom de {organisation} après {event}.",
        "Après {event}, {organisation} a déclaré que {full} et {person} se rendraient à {place}.",
    ),
    "de": (
        "{person} traf {full} in {place} im Namen von {organisation} nach {event}.",
        "Nach {event} erklärte {organisation}, {full} und {person} würden {place} besuchen.",
    ),
    "it": (
        "{person} ha incontrato {full} a {place} a nome di {organisation} dopo {event}.",
        "Dopo {event}, {organisation} ha detto che {full} e {person} visiteranno {place}.",
    ),
}
# A source language without sentences of its own gets the names alone, which
# still shows whether the model transliterates, translates or re-cases them.
_BARE = (
    "{person}, {full}, {place}, {organisation}, {event}.",
    "{event} {organisation} {place} {full} {person}",
)
_FIELDS = {"person": "person", "person-full": "full", "place": "place"} | {
    pool: pool for pool in ("organisation", "event")
}


@dataclass(frozen=True)
class PlaceholderPools:
    """The stand-ins one model copies: invented names by pool, and a numbered-token shape."""

    names: Mapping[str, tuple[str, ...]]
    tokens: str | None  # e.g. "Nnn{}", or None when the model keeps no token shape

    def to_json(self) -> dict[str, object]:
        return {
            "names": {pool: list(names) for pool, names in self.names.items()},
            "tokens": self.tokens,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> PlaceholderPools:
        names = data["names"]
        tokens = data["tokens"]
        if not isinstance(names, dict) or not (tokens is None or isinstance(tokens, str)):
            raise ValueError("malformed placeholder cache")
        return cls(
            {str(pool): tuple(str(name) for name in values) for pool, values in names.items()},
            tokens,
        )


def placeholder_tail(target: str) -> str:
    """What a model may write after a placeholder that restoring still accepts, as a regex.

    An English possessive ("Zvirok's": noise in other languages), and in a
    language that declines names, a case ending or a marked case suffix
    ("Zviroks", "Zvirok'ta"): the approved form replaces the whole word.
    """
    alternatives = [] if _base(target) == "en" else ["['’]s"]
    rules = rules_for(target)
    if rules is not None:
        alternatives += sorted(map(re.escape, rules.endings), key=len, reverse=True)
        if rules.suffix_marks:
            alternatives.append(f"[{re.escape(rules.suffix_marks)}][^\\W\\d_]{{1,8}}")
    return f"(?:{'|'.join(alternatives)})?" if alternatives else ""


def placeholder_pattern(placeholder: str, target: str, *, ignore_case: bool) -> re.Pattern[str]:
    """The placeholder as a whole word of a translation, spaces between its words free."""
    words = r"\s+".join(re.escape(word) for word in placeholder.split())
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<!\w){words}{placeholder_tail(target)}(?!\w)", flags)


def cache_directory() -> Path:
    """Where transflow caches what it measured: ``$TRANSFLOW_CACHE_DIR``, else the XDG cache."""
    configured = os.environ.get(CACHE_ENVIRONMENT_VARIABLE)
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "transflow"


_REMEMBERED: dict[Path, PlaceholderPools] = {}


def placeholder_pools(engine: Engine, source: str, target: str) -> PlaceholderPools:
    """The stand-ins ``engine``'s model for ``source``→``target`` copies: cached, else probed."""
    model = engine.model_id(source, target)
    path = _cache_file(model, source, target)
    remembered = _REMEMBERED.get(path)
    if remembered is not None:
        return remembered
    pools = _read_cache(path, model, source, target)
    if pools is None:
        pools = probe_pools(engine, source, target)
        _write_cache(path, model, source, target, pools)
    _REMEMBERED[path] = pools
    return pools


def probe_pools(engine: Engine, source: str, target: str) -> PlaceholderPools:
    """Translate the probe sentences; keep what comes back as written (at most three batches)."""
    templates = _probe_sentences(source)
    names = _surviving(engine, source, target, templates, CANDIDATE_NAMES)
    # A model that re-cases mixed-case names may still keep capitals: try those.
    capitals = {
        pool: tuple(name.upper() for name in CANDIDATE_NAMES[pool])
        for pool, kept in names.items()
        if len(kept) < MIN_NAMES
    }
    if capitals:
        names |= _surviving(engine, source, target, templates, capitals)
    return PlaceholderPools(
        {pool: tuple(kept) for pool, kept in names.items() if len(kept) >= MIN_NAMES},
        _surviving_token_shape(engine, source, target, templates),
    )


def _surviving(
    engine: Engine,
    source: str,
    target: str,
    templates: Sequence[str],
    candidates: Mapping[str, Sequence[str]],
) -> dict[str, list[str]]:
    """The candidates of each pool that every probe sentence holding them kept as written."""
    # Row i holds candidate i of each pool asked about; the other fields get a
    # candidate that is not judged, so every sentence reads the same.
    probes = []
    for row in range(max(len(names) for names in candidates.values())):
        asked = {pool: names[row] for pool, names in candidates.items() if row < len(names)}
        values = {
            field: asked.get(pool, CANDIDATE_NAMES[pool][row % len(CANDIDATE_NAMES[pool])])
            for pool, field in _FIELDS.items()
        }
        probes += [(asked, template.format(**values)) for template in templates]
    outputs = engine.translate_batch([text for _, text in probes], source, target)
    failed = {
        (pool, name)
        for (asked, _), output in zip(probes, outputs, strict=True)
        for pool, name in asked.items()
        if not _copied(name, output.best.text, target)
    }
    return {
        pool: [name for name in names if (pool, name) not in failed]
        for pool, names in candidates.items()
    }


def _surviving_token_shape(
    engine: Engine, source: str, target: str, templates: Sequence[str]
) -> str | None:
    """The first numbered-token shape whose tokens every probe sentence kept as written."""
    probes = []
    for shape in TOKEN_SHAPES:
        tokens = {field: shape.format(number) for number, field in enumerate(_FIELDS.values(), 1)}
        probes += [(shape, tokens, template.format(**tokens)) for template in templates]
    outputs = engine.translate_batch([text for _, _, text in probes], source, target)
    failed = {
        shape
        for (shape, tokens, _), output in zip(probes, outputs, strict=True)
        if not all(_copied(token, output.best.text, target) for token in tokens.values())
    }
    return next((shape for shape in TOKEN_SHAPES if shape not in failed), None)


def _copied(placeholder: str, output: str, target: str) -> bool:
    """Whether the output holds the placeholder exactly once, as written (case included)."""
    return len(placeholder_pattern(placeholder, target, ignore_case=False).findall(output)) == 1


def _probe_sentences(source: str) -> tuple[str, str]:
    return PROBE_SENTENCES.get(_base(source), _BARE)


def _base(language: str) -> str:
    try:
        return base(language)
    except UnknownLanguageError:
        return language


def _cache_file(model: str, source: str, target: str) -> Path:
    key = f"{model}\n{source}\n{target}"
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{model}-{source}-{target}")[:80]
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return cache_directory() / "placeholders" / f"{readable}-{digest}.json"


def _read_cache(path: Path, model: str, source: str, target: str) -> PlaceholderPools | None:
    """The cached probe for this model and pair; None (probe again) if absent, stale or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if (data["version"], data["model"], data["source"], data["target"]) != (
            PROBE_VERSION,
            model,
            source,
            target,
        ):
            return None
        return PlaceholderPools.from_json(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, model: str, source: str, target: str, pools: PlaceholderPools) -> None:
    record = {"version": PROBE_VERSION, "model": model, "source": source, "target": target}
    try:
        write_text_atomically(
            path, json.dumps(record | pools.to_json(), ensure_ascii=False, indent=1) + "\n"
        )
    except OSError as error:
        warnings.warn(
            f"{path}: cannot save the placeholder probe ({error.strerror or error}); "
            "it will run again next time",
            stacklevel=3,
        )
