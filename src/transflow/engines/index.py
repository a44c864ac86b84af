"""The Argos package index: what can be installed, and installing a language pair from it.

The index is argospm's ``index.json``: a JSON list of packages, each with
``from_code``, ``to_code``, ``package_version``, ``argos_version``, ``code``
and ``links`` (download addresses). It is read from the address or file given
with ``--index``, else ``TRANSFLOW_MODEL_INDEX``, else argospm's own, and
cached under ``cache_dir()``: a later fetch sends the cached copy's ETag and
date, so an unchanged index is not downloaded again.

argostranslate's own ``get_available_packages`` is not used: offline it
retries the download without end (the URLError printed 986 times, then a
RecursionError). Here every network step has a deadline, nothing is retried,
and a failure is one line saying what failed and what to do instead: install
from a file, or point ``--index`` at a mirror or at an index file (for
example the cached copy).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from transflow import __version__
from transflow.engines.base import PIVOT_LANGUAGE, Pair
from transflow.engines.packages import (
    InstalledModel,
    argos_language,
    install_model,
    installed_models,
    packages_dir,
)
from transflow.errors import EngineError, ModelPackageError
from transflow.fileio import write_text_atomically
from transflow.languages import UnknownLanguageError, fallbacks, normalise, same_language

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
INDEX_ENVIRONMENT = "TRANSFLOW_MODEL_INDEX"
# The whole index fetch (name lookup included) ends within this, so that an
# offline machine gets its answer in well under 5 s.
INDEX_DEADLINE_SECONDS = 3.0
# Package downloads are large and may take minutes; each network step
# (connecting, every read) must progress within this.
DOWNLOAD_STALL_SECONDS = 20.0
_MAX_INDEX_BYTES = 16 << 20
_DOWNLOAD_BLOCK = 1 << 20
_SCHEMES = ("http", "https", "file")
_WHAT_TO_DO = (
    "install a model from a file instead (transflow models install FILE.argosmodel or a "
    f"Bergamot model folder), or point --index (or {INDEX_ENVIRONMENT}) at a mirror or an "
    "index.json file"
)

Progress = Callable[[int, int | None], None]


class ModelIndexError(EngineError):
    """The package index cannot be read, or has nothing for the pair asked for."""


@dataclass(frozen=True)
class IndexEntry:
    """One package the index offers; codes are normalised tags, links absolute."""

    from_code: str
    to_code: str
    version: str
    argos_version: str
    code: str
    links: tuple[str, ...]
    from_name: str = ""
    to_name: str = ""

    @property
    def pair(self) -> Pair:
        return self.from_code, self.to_code

    @property
    def sort_version(self) -> Version:
        return _version(self.version)


@dataclass(frozen=True)
class PackageIndex:
    location: str
    entries: list[IndexEntry]
    skipped: int = 0  # entries whose codes are not language tags, or that have no link
    cached_copy: Path | None = None

    def matching(self, source: str | None = None, target: str | None = None) -> list[IndexEntry]:
        """Entries from ``source`` to ``target`` (either may be None), by base language."""
        return [
            entry
            for entry in self.entries
            if (source is None or same_language(entry.from_code, source))
            and (target is None or same_language(entry.to_code, target))
        ]

    def best(self, pair: Pair) -> IndexEntry | None:
        """The newest entry for exactly ``pair``."""
        candidates = [entry for entry in self.entries if entry.pair == pair]
        return max(candidates, key=lambda entry: entry.sort_version, default=None)


@dataclass
class PairInstall:
    """What ``install_pair`` did: the packages of the route and which were already there."""

    requested: Pair
    route: list[IndexEntry]
    installed: list[InstalledModel] = field(default_factory=list)
    already_installed: list[InstalledModel] = field(default_factory=list)

    @property
    def pivots(self) -> bool:
        return len(self.route) > 1


def cache_dir() -> Path:
    """transflow's cache: ``TRANSFLOW_CACHE_DIR``, else ``$XDG_CACHE_HOME/transflow``."""
    configured = os.environ.get("TRANSFLOW_CACHE_DIR")
    if configured:
        return Path(configured)
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "transflow"


def index_location(explicit: str | None = None) -> str:
    """The index to read: ``explicit``, else the environment's, else argospm's.

    A folder or an address ending in ``/`` (as argostranslate's
    ``ARGOS_PACKAGE_INDEX`` is written) means the ``index.json`` in it.
    """
    location = explicit or os.environ.get(INDEX_ENVIRONMENT) or DEFAULT_INDEX
    if location.endswith("/") or ("://" not in location and Path(location).is_dir()):
        return location.rstrip("/") + "/index.json"
    return location


def load_index(location: str | None = None) -> PackageIndex:
    """The package index at ``location`` (see ``index_location``): an address or a file."""
    where = index_location(location)
    path = _local_path(where)
    if path is not None:
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise ModelIndexError(
                f"{path}: cannot read the model index ({error.strerror or error})"
            ) from None
        return _parse_index(where, raw, base=path.resolve().parent.as_uri() + "/")
    raw, cached = _fetch_index(where)
    return _parse_index(where, raw, base=where, cached_copy=cached)


def install_pair(
    source: str,
    target: str,
    *,
    location: str | None = None,
    directory: Path | None = None,
    progress: Progress | None = None,
) -> PairInstall:
    """Install the index's package for ``source``→``target``, or both legs of a pivot.

    A regional language without a package of its own gets the base
    language's (pt-BR → pt). Without a direct package, and neither language
    English, the source→en and en→target packages are installed, each only
    if that version is not installed already. Every package is checked and
    must translate a probe sentence before it replaces anything
    (``install_model``).
    """
    requested = normalise(source), normalise(target)
    index = load_index(location)
    route = _route(index, requested)
    outcome = PairInstall(requested, route)
    root = directory or packages_dir()
    for entry in route:
        current = [
            model
            for model in installed_models(root)
            if model.pair == entry.pair and model.version == entry.version
        ]
        if current:
            outcome.already_installed.append(current[0])
            continue
        with tempfile.TemporaryDirectory(prefix=".transflow-download-", dir=_scratch(root)) as tmp:
            archive = _download(entry, Path(tmp), progress)
            outcome.installed.append(install_model(archive, root, expected_pair=entry.pair))
    return outcome


def _route(index: PackageIndex, requested: Pair) -> list[IndexEntry]:
    source, target = requested
    direct = _newest(index, [(s, t) for s in fallbacks(source) for t in fallbacks(target)])
    if direct is not None:
        return [direct]
    if PIVOT_LANGUAGE not in requested:
        into = _newest(index, [(s, PIVOT_LANGUAGE) for s in fallbacks(source)])
        out = _newest(index, [(PIVOT_LANGUAGE, t) for t in fallbacks(target)])
        if into is not None and out is not None:
            return [into, out]
    offered = sorted({f"{e.from_code}→{e.to_code}" for e in index.matching(source, None)})
    listing = ", ".join(offered) if offered else "none"
    raise ModelIndexError(
        f"the model index {index.location} has no {source}→{target} package and no pivot "
        f"through English (from {source} it offers: {listing})"
    )


def _newest(index: PackageIndex, pairs: list[Pair]) -> IndexEntry | None:
    """The newest entry of the first of ``pairs`` (most specific first) that the index has."""
    return next((entry for pair in pairs if (entry := index.best(pair)) is not None), None)


def _scratch(root: Path) -> Path:
    """A directory for downloads on the packages' file system (renames stay cheap)."""
    root.mkdir(parents=True, exist_ok=True)
    return root.parent


# --- Reading the index ------------------------------------------------------------------


def _local_path(location: str) -> Path | None:
    """``location`` as a file path when it is one (a plain path or a file: URL)."""
    parsed = urllib.parse.urlparse(location)
    if parsed.scheme == "file":
        return Path(urllib.request.url2pathname(parsed.path))
    if parsed.scheme in ("http", "https"):
        return None
    if "://" in location:
        raise ModelIndexError(
            f"{location}: unsupported address (use http://, https:// or a file path)"
        )
    return Path(location)


def _parse_index(
    location: str, raw: bytes, *, base: str, cached_copy: Path | None = None
) -> PackageIndex:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelIndexError(f"{location}: not an Argos package index ({error})") from None
    if not isinstance(data, list):
        raise ModelIndexError(f"{location}: not an Argos package index (expected a JSON list)")
    entries, skipped = [], 0
    for item in data:
        entry = _entry(item, base)
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    entries.sort(key=lambda entry: (entry.from_code, entry.to_code, entry.sort_version))
    return PackageIndex(location, entries, skipped, cached_copy)


def _entry(item: Any, base: str) -> IndexEntry | None:
    """One index item, or None if it is not a translation package transflow can use."""
    if not isinstance(item, dict) or item.get("type", "translate") != "translate":
        return None
    try:
        pair = argos_language(str(item["from_code"])), argos_language(str(item["to_code"]))
    except (KeyError, UnknownLanguageError):
        return None
    links = tuple(
        absolute
        for link in item.get("links", ()) or ()
        if isinstance(link, str)
        and urllib.parse.urlparse(absolute := urllib.parse.urljoin(base, link)).scheme in _SCHEMES
    )
    if not links:
        return None
    return IndexEntry(
        *pair,
        version=str(item.get("package_version", "")),
        argos_version=str(item.get("argos_version", "")),
        code=str(item.get("code") or f"translate-{item['from_code']}_{item['to_code']}"),
        links=links,
        from_name=str(item.get("from_name", "")),
        to_name=str(item.get("to_name", "")),
    )


def _version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        return Version("0")


# --- Fetching: one attempt, a deadline, a cache ------------------------------------------


def _cached_paths(url: str) -> tuple[Path, Path]:
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    folder = cache_dir() / "index"
    return folder / f"{key}.json", folder / f"{key}.meta.json"


def _fetch_index(url: str) -> tuple[bytes, Path]:
    """The index at ``url``, revalidating the cached copy; IndexError within the deadline."""
    cached, meta_path = _cached_paths(url)
    meta = _read_meta(meta_path) if cached.is_file() else {}
    headers = {"User-Agent": f"transflow/{__version__}"}
    if meta.get("etag"):
        headers["If-None-Match"] = meta["etag"]
    if meta.get("last_modified"):
        headers["If-Modified-Since"] = meta["last_modified"]
    outcome: dict[str, Any] = {}

    def fetch() -> None:
        try:
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=INDEX_DEADLINE_SECONDS) as response:
                outcome["body"] = response.read(_MAX_INDEX_BYTES + 1)
                outcome["etag"] = response.headers.get("ETag")
                outcome["last_modified"] = response.headers.get("Last-Modified")
        except urllib.error.HTTPError as error:
            error.close()  # it holds the response, and so the connection
            outcome["not_modified" if error.code == 304 else "error"] = error
        except (urllib.error.URLError, OSError, ValueError) as error:
            outcome["error"] = error

    # In a thread, so that the deadline covers the name lookup, which has no timeout.
    worker = threading.Thread(target=fetch, name="transflow-index", daemon=True)
    worker.start()
    worker.join(INDEX_DEADLINE_SECONDS)
    late = f"no answer within {INDEX_DEADLINE_SECONDS:g} s"
    if worker.is_alive():
        _unreachable(url, late, cached, meta)
    if "not_modified" in outcome:
        return cached.read_bytes(), cached
    if "error" in outcome:
        error = outcome["error"]
        _unreachable(url, late if _timed_out(error) else _cause(error), cached, meta)
    body: bytes = outcome["body"]
    if len(body) > _MAX_INDEX_BYTES:
        raise ModelIndexError(f"{url}: not an Argos package index (larger than 16 MiB)")
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(body)
    fetched = {
        "url": url,
        "etag": outcome.get("etag"),
        "last_modified": outcome.get("last_modified"),
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_text_atomically(meta_path, json.dumps(fetched, indent=2) + "\n")
    return body, cached


def _read_meta(path: Path) -> dict[str, str]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _unreachable(url: str, cause: str, cached: Path, meta: dict[str, str]) -> None:
    copy = ""
    if cached.is_file():
        when = meta.get("fetched_at", "earlier")
        copy = f"; the copy fetched {when} works offline: --index {cached}"
    raise ModelIndexError(f"cannot reach the model index {url} ({cause}); {_WHAT_TO_DO}{copy}")


def _timed_out(error: BaseException) -> bool:
    """Whether a socket timeout (at connect, wrapped in URLError, or while reading) ended it."""
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return isinstance(reason, TimeoutError)


def _cause(error: BaseException) -> str:
    """A short reason: 'Connection refused', 'HTTP 404 Not Found', a lookup failure."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


# --- Downloading a package ----------------------------------------------------------------


def _download(entry: IndexEntry, folder: Path, progress: Progress | None) -> Path:
    """The package file of ``entry`` in ``folder``: each link tried once, in order."""
    failures = []
    for link in entry.links:
        name = Path(urllib.parse.urlparse(link).path).name or f"{entry.code}.argosmodel"
        destination = folder / name
        try:
            _fetch_file(link, destination, progress)
        except (urllib.error.URLError, OSError, ValueError, ModelPackageError) as error:
            if isinstance(error, urllib.error.HTTPError):
                error.close()
            cause = str(error) if isinstance(error, ModelPackageError) else _cause(error)
            failures.append(f"{link}: {cause}")
            destination.unlink(missing_ok=True)
            continue
        return destination
    raise ModelIndexError(
        f"cannot download {entry.code} {entry.version} ({'; '.join(failures)}); {_WHAT_TO_DO}"
    )


def _fetch_file(link: str, destination: Path, progress: Progress | None) -> None:
    request = urllib.request.Request(link, headers={"User-Agent": f"transflow/{__version__}"})
    with (
        urllib.request.urlopen(request, timeout=DOWNLOAD_STALL_SECONDS) as response,
        destination.open("wb") as output,
    ):
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        done = 0
        for block in iter(lambda: response.read(_DOWNLOAD_BLOCK), b""):
            output.write(block)
            done += len(block)
            if progress is not None:
                progress(done, total)
    if total is not None and done != total:
        raise ModelPackageError(f"incomplete download ({done} of {total} bytes)")
