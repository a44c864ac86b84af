"""Other tools' output for the memory tests: Translate Toolkit's po2tmx, run as users run it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib


def po2tmx(po_entries: list[polib.POEntry], directory: Path, language: str) -> Path:
    """Write ``po_entries`` to a PO file and convert it with the installed ``po2tmx``."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
    po.extend(po_entries)
    po.save(str(directory / "site.po"))
    beside_python = Path(sys.executable).with_name("po2tmx")
    tool = str(beside_python) if beside_python.exists() else shutil.which("po2tmx")
    assert tool, "po2tmx (translate-toolkit) is not installed"
    tmx = directory / "site.tmx"
    subprocess.run(
        [tool, "-l", language, "-i", str(directory / "site.po"), "-o", str(tmx)],
        check=True,
        capture_output=True,
    )
    return tmx
