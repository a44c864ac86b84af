"""Inputs several test modules build alike: article corpora and review queue files."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transflow.queue.model import (
    MachineOutput,
    Queue,
    Reference,
    ReviewAction,
    ReviewRecord,
    Segment,
)
from transflow.queue.pofile import locked, read_queue, write_queue

# A Dask scheduler serves HTTP even without a dashboard; with dashboard_address=None
# it takes port 8787 and fails when another cluster (a parallel test run) holds it.
FREE_PORT = "127.0.0.1:0"
# Test modules live in folders that mirror the package; data paths are set here once.
TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
REPOSITORY = TESTS.parent
REPO_GLOSSARY = REPOSITORY / "glossary"
SAMPLE = DATA / "articles" / "azerbaijan-israel-presidents-baku.txt"


def write_corpus(directory: Path, count: int, seed: int = 7) -> list[Path]:
    """Small articles drawn from the sample's paragraphs; some sentences recur across articles."""
    paragraphs = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        chosen = rng.sample(paragraphs, 3)
        unique = f"Story number {index} ends here."
        suffix = ".md" if index % 5 == 0 else ".txt"
        body = "\n\n".join([f"Headline {index}", *chosen, unique])
        if suffix == ".md":
            body = f"# Headline {index}\n\n" + "\n\n".join([*chosen, unique])
        path = directory / f"desk-{index % 3}" / f"story-{index:03d}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body + "\n", encoding="utf-8")
        paths.append(path)
    return sorted(paths)


APPROVED, EDITED, REJECTED = ReviewAction.APPROVED, ReviewAction.EDITED, ReviewAction.REJECTED


@dataclass(frozen=True)
class Seg:
    """One entry to write: what the engine said, what the entry says now, who decided."""

    msgid: str
    machine: str | None  # None: a translation made by hand, no engine output recorded
    final: str
    approved: bool = False
    reviews: tuple[tuple[ReviewAction, str], ...] = ()
    previous_msgid: str | None = None
    obsolete: bool = False


def write_queue_file(path: Path, language: str, segments: Sequence[Seg]) -> Queue:
    """Write a real queue file through the PO storage and read it back as the commands do."""
    queue = Queue("en", language, f"{path.stem}.txt", revision_date="2025-01-01 10:00+0000")
    for number, seg in enumerate(segments, start=1):
        segment = Segment(
            source=seg.msgid,
            translation=seg.final,
            approved=seg.approved,
            machine=MachineOutput(seg.machine, "argos", "t", 0.5) if seg.machine else None,
            previous_source=seg.previous_msgid,
            references=[] if seg.obsolete else [Reference(f"{path.stem}.txt", number)],
            obsolete=seg.obsolete,
        )
        for minute, (action, reviewer) in enumerate(seg.reviews):
            at = f"2025-01-01T10:{minute:02d}:00+00:00"
            segment.history.append(ReviewRecord(action, reviewer, at))
        queue.segments.append(segment)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_queue(queue, path)
    return read_queue(path)


PT_SEGMENTS = (
    Seg(
        "The president arrived in Baku.",
        "O presidente chegou em Baku.",
        "O Presidente chegou a Baku ontem.",
        approved=True,
        reviews=((EDITED, "Ana"),),
    ),
    # Approved unchanged: counted in the statistics with no edits, not shown as a diff.
    # A later rejection does not make Bruno its reviewer.
    Seg(
        "He met the minister.",
        "Ele encontrou o ministro.",
        "Ele encontrou o ministro.",
        approved=True,
        reviews=((APPROVED, "Ana"), (REJECTED, "Bruno")),
    ),
    # The last sign-off counts: Ana edited, Bruno approved her edit.
    Seg(
        "Talks lasted two hours.",
        "As conversações duraram duas horas.",
        "As negociações duraram duas horas!",
        approved=True,
        reviews=((EDITED, "Ana"), (APPROVED, "Bruno")),
    ),
    # Awaiting review, untouched: neither a diff nor a statistic.
    Seg("Nothing changed.", "Nada mudou.", "Nada mudou."),
    # Changed in a PO editor, not approved in transflow: a post-edit without reviewer.
    Seg("Edited in Poedit.", "Texto de máquina.", "Texto revisto."),
    # Made by hand: no machine translation to compare with.
    Seg("Handmade.", None, "Feito à mão.", approved=True, reviews=((EDITED, "Ana"),)),
    Seg(
        "The summit ends on Saturday.",
        "A cimeira termina no sábado.",
        "A cimeira termina no sábado.",
        previous_msgid="The summit ends on Friday.",
    ),
    Seg("Gone.", "Foi.", "Partiu.", approved=True, obsolete=True, reviews=((EDITED, "Ana"),)),
)
JA_SEGMENTS = (
    Seg(
        "It is sunny today.",
        "今日は晴れです。",
        "今日は雨です。",
        approved=True,
        reviews=((EDITED, "Chie"),),
    ),
)


def lines_without_dates(po: Path) -> list[str]:
    """A PO file's lines but its header dates, to compare two runs' files byte for byte."""
    dated = ('"PO-Revision-Date:', '"POT-Creation-Date:')
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    return [line for line in lines if not line.startswith(dated)]


def edit_by_hand(po: Path, source_contains: str, rewrite: Callable[[str], str]) -> str:
    """Change a translation as a PO editor would; returns the entry's source.

    The entry is the first whose source contains ``source_contains``.
    """
    with locked(po):
        queue = read_queue(po)
        segment = next(s for s in queue.active if source_contains in s.source)
        segment.translation = rewrite(segment.translation)
        write_queue(queue, po)
    return segment.source


def without_quotation_marks(text: str) -> str:
    return text.replace("“", "").replace("”", "")


def assert_one_line_error(result: Any, *fragments: str, exit_code: int | None = 1) -> None:
    """A CLI failure as users must see it: one ``error:`` line holding ``fragments``.

    ``exit_code`` None accepts any failing code.
    """
    assert result.exit_code != 0 if exit_code is None else result.exit_code == exit_code
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def translate_in_process(workdir: str, packages: str, article: str) -> None:
    """Translate ``article`` into pt in a new process (spawned, so it must live outside a test)."""
    import os

    from transflow.engines.argos import ArgosEngine
    from transflow.translation.pipeline import translate_article

    os.chdir(workdir)
    os.environ["ARGOS_PACKAGES_DIR"] = packages
    translate_article(Path(article), target="pt", engine=ArgosEngine())
