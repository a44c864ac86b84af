"""Proving that a model works before it is installed: one probe sentence, in a child process.

A package can pass every check of its files and still not translate: a
SentencePiece model that is junk loads as a file and fails at the first
sentence ("could not parse ModelProto"), and the Bergamot runtime aborts the
whole process (a Rust panic, SIGABRT) on a truncated model or shortlist. So an
install translates :data:`PROBE_SENTENCE` with the staged model through the
very engine that will use it, in a child Python process: a crash there is a
refused package with one line of explanation, never a dead ``transflow``.

Run as ``python -m transflow.engines.probe ENGINE PATH SOURCE TARGET``, the
child prints one JSON object: ``{"translation": ...}`` or ``{"error": ...}``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import transflow
from transflow.errors import EngineError, ModelPackageError

PROBE_SENTENCE = "The minister said on Monday that the talks would continue."
# Loading a large model from a slow disk takes seconds; a hung runtime must not hang install.
PROBE_TIMEOUT_SECONDS = 120
_PANIC_MARKER = "panicked at"


def prove_model_translates(
    engine: str, path: Path, source: str, target: str, origin: Path | str
) -> str:
    """The probe sentence translated by the ``engine`` model at ``path`` (``source``→``target``).

    Raises ModelPackageError naming ``origin`` (the file or address the
    model came from) when the model does not load, fails, crashes the
    runtime, or returns nothing.
    """
    command = [sys.executable, "-m", "transflow.engines.probe", engine, str(path), source, target]
    try:
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_SECONDS,
            env=_child_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ModelPackageError(
            f"{origin}: the model did not translate a test sentence within "
            f"{PROBE_TIMEOUT_SECONDS} s; nothing was installed"
        ) from None
    answer = _answer(completed.stdout)
    if completed.returncode == 0 and answer.get("translation"):
        return str(answer["translation"])
    cause = answer.get("error") or _crash_cause(completed.stderr, completed.returncode)
    raise ModelPackageError(
        f"{origin}: the model does not translate ({cause}); nothing was installed"
    )


def _child_environment() -> dict[str, str]:
    """This environment, with this transflow first on the path and short Rust panics."""
    source_root = str(Path(transflow.__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {
        **os.environ,
        "PYTHONPATH": source_root + (os.pathsep + path if path else ""),
        "RUST_BACKTRACE": "0",
    }


def _answer(stdout: str) -> dict[str, object]:
    lines = stdout.strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _crash_cause(stderr: str, returncode: int) -> str:
    """One line from a dead child: the Rust panic message, else its last line of output."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for number, line in enumerate(lines):
        if _PANIC_MARKER in line and number + 1 < len(lines):
            return f"the runtime crashed: {lines[number + 1]}"
    how = f"killed by signal {-returncode}" if returncode < 0 else f"exit code {returncode}"
    return f"{lines[-1]} ({how})" if lines else how


def _translate_probe(engine_name: str, path: Path, source: str, target: str) -> str:
    """The child's work: the probe sentence through the engine, with only this model."""
    from transflow.engines.base import Engine

    engine: Engine
    if engine_name == "argos":
        from transflow.engines.argos import ArgosEngine
        from transflow.engines.packages import InstalledModel

        engine = ArgosEngine(intra_threads=1, models=[InstalledModel(source, target, "", path)])
    elif engine_name == "bergamot":
        from transflow.engines.bergamot import BergamotEngine, BergamotModel

        engine = BergamotEngine(models=[BergamotModel(source, target, path, "probe")])
        engine.use_workers(1)
    else:
        raise EngineError(f"unknown engine {engine_name!r}")
    return engine.translate_batch([PROBE_SENTENCE], source, target)[0].best.text.strip()


def main(arguments: list[str]) -> int:
    engine_name, path, source, target = arguments
    try:
        translation = _translate_probe(engine_name, Path(path), source, target)
    except Exception as error:  # any failure is the verdict, reported as one line
        message = " ".join(str(error).split()) or type(error).__name__
        print(json.dumps({"error": message}))
        return 2
    if not translation:
        print(json.dumps({"error": "it returned an empty translation"}))
        return 2
    print(json.dumps({"translation": translation}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
