"""A package index and its packages served on the loopback address, for tests.

Tests must never touch the network, yet installing from an index is HTTP
all the way: ``serve_directory`` runs the standard library's HTTP server on
127.0.0.1 (a free port) in a thread, serving a folder that
``write_package_index`` fills with argospm's ``index.json`` for packages the
tests built. ``silent_server`` accepts connections and never answers, the
way a black-holed mirror behaves.
"""

from __future__ import annotations

import functools
import json
import shutil
import socket
import threading
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    status: int


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files like ``python -m http.server`` and records requests instead of printing them."""

    requests: list[Request]

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:  # noqa: ARG002
        self.requests.append(Request(self.path, dict(self.headers.items()), int(code)))

    def log_message(self, *_: Any) -> None:
        """Silent: test output is not the place for an access log."""


@contextmanager
def serve_directory(directory: Path) -> Iterator[tuple[str, list[Request]]]:
    """``(base URL, requests answered)`` of an HTTP server for ``directory``, while it lasts."""
    requests: list[Request] = []
    handler = type("Handler", (_QuietHandler,), {"requests": requests})
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def silent_server() -> Iterator[str]:
    """The URL of a server that accepts connections and never sends a byte."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/index.json"
    finally:
        listener.close()


def write_package_index(
    directory: Path, archives: Sequence[Path], *, extra: Sequence[dict[str, Any]] = ()
) -> Path:
    """Copy ``archives`` into ``directory`` and write the ``index.json`` that lists them.

    Each entry is built from the package's own ``metadata.json``, as argospm's
    index is, with a link relative to the index; ``extra`` entries are
    appended as given.
    """
    directory.mkdir(parents=True, exist_ok=True)
    entries = []
    for archive in archives:
        shutil.copyfile(archive, directory / archive.name)
        with zipfile.ZipFile(archive) as zipped:
            name = next(n for n in zipped.namelist() if n.endswith("/metadata.json"))
            metadata = json.loads(zipped.read(name))
        entries.append(
            {
                "package_version": metadata["package_version"],
                "argos_version": metadata.get("argos_version", "1.0"),
                "from_code": metadata["from_code"],
                "from_name": metadata.get("from_name", ""),
                "to_code": metadata["to_code"],
                "to_name": metadata.get("to_name", ""),
                "links": [archive.name],
                "code": metadata.get("code", archive.stem),
            }
        )
    index = directory / "index.json"
    index.write_text(json.dumps([*entries, *extra], indent=2) + "\n", encoding="utf-8")
    return index


def rewrite_package(archive: Path, destination: Path, replace: dict[str, bytes]) -> Path:
    """A copy of an ``.argosmodel`` with the members whose names end with a key replaced."""
    with zipfile.ZipFile(archive) as original, zipfile.ZipFile(destination, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            for suffix, replacement in replace.items():
                if item.filename.endswith(suffix):
                    data = replacement
            copy.writestr(item, data)
    return destination
