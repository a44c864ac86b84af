"""``transflow check`` with confidence: every translation assessed, the doubtful ones reported.

Every translation in the queues is assessed again — machine output, memory
matches, human edits and approved entries alike, since a translator's edit
can drop a clause too — with one back-translation call per language pair for
the whole run (``PairAssessor``). Each entry's confidence and evidence is
reported, and a low one is a finding beside the glossary, number and
punctuation findings of ``transflow.queue.checks``, so ``check --fail-on``
acts on it.

Severity of a low confidence, from the held-out measurements in
``benchmarks/README.md``:

* below ``ERROR_BELOW`` (0.2) it is **critical**, as a wrong name or a lost
  number is: 85 % of the damaged translations (a dropped half, a reversed
  negation, an appended clause, a replaced name) and 1 % of the sound ones
  fall there, so the translation very likely says something else, and a CI
  gate on ``--fail-on critical`` fails about once per hundred sound entries;
* below ``WARNING_BELOW`` (0.5) it is **functional**: more likely damaged than
  not (94 % of the damaged, 3 % of the sound ones), worth a reviewer's look
  but one false alarm in about 30 is too many to fail the critical gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transflow.confidence.assessor import PairAssessor
from transflow.confidence.combine import ERROR_BELOW, WARNING_BELOW, Confidence
from transflow.glossary.model import Glossary
from transflow.queue.checks import CheckKind, Finding, QueueChecker, Severity, check_file
from transflow.queue.model import Queue, Segment, State


@dataclass(frozen=True)
class EntryConfidence:
    """One translation of the queue and its confidence."""

    po_file: Path
    line: int
    segment_id: str
    state: State
    msgid: str
    msgstr: str
    confidence: Confidence

    def as_dict(self) -> dict[str, Any]:
        """The entry for ``check --format json``: where, what, and how confident."""
        return {
            "file": str(self.po_file),
            "line": self.line,
            "id": self.segment_id,
            "state": str(self.state),
            "msgid": self.msgid,
            "msgstr": self.msgstr,
            "round_trip": self.confidence.signals.round_trip is not None,
            **self.confidence.as_dict(),
        }


@dataclass(frozen=True)
class CheckReport:
    findings: list[Finding]  # per file, in entry order
    entries: list[EntryConfidence]  # every translated entry, in file and entry order


def confidence_severity(value: float) -> Severity | None:
    """The severity of a finding for a translation this confident (see the module docstring)."""
    if value < ERROR_BELOW:
        return Severity.CRITICAL
    if value < WARNING_BELOW:
        return Severity.FUNCTIONAL
    return None


def check_queues(
    queues: Sequence[Queue],
    glossary: Glossary,
    *,
    round_trip: bool = True,
    workers: int | None = None,
) -> CheckReport:
    """Every translation of ``queues`` against the glossary, numbers, punctuation, and its
    confidence (through the reverse model where it is installed, unless ``round_trip`` is
    false)."""
    checker = QueueChecker(glossary)
    translated = [
        (queue, segment) for queue in queues for segment in queue.active if segment.translation
    ]
    confidences = _assess(translated, checker, round_trip, workers)
    entries = [
        EntryConfidence(
            queue.path or Path(queue.article),
            segment.line or 0,
            segment.id,
            segment.state,
            segment.source,
            segment.translation,
            confidences[id(segment)],
        )
        for queue, segment in translated
    ]
    low: dict[int, list[Finding]] = {}  # confidence findings by queue
    for (queue, _), entry in zip(translated, entries, strict=True):
        severity = confidence_severity(entry.confidence.value)
        if severity is not None:
            low.setdefault(id(queue), []).append(_finding(entry, severity))
    findings = []
    for queue in queues:
        own = check_file(queue, checker) + low.get(id(queue), [])
        findings += sorted(own, key=lambda finding: finding.line)
    return CheckReport(findings, entries)


def _assess(
    translated: Sequence[tuple[Queue, Segment]],
    checker: QueueChecker,
    round_trip: bool,
    workers: int | None,
) -> dict[int, Confidence]:
    """Each segment's confidence (by ``id``), one assessment batch per language pair."""
    by_pair: dict[tuple[str, str], list[tuple[Queue, Segment]]] = {}
    for queue, segment in translated:
        by_pair.setdefault((queue.source_language, queue.target_language), []).append(
            (queue, segment)
        )
    confidences: dict[int, Confidence] = {}
    for (source, target), items in by_pair.items():
        assessor = PairAssessor(source, target, round_trip=round_trip, workers=workers)
        results = assessor.assess(
            [(segment.source, segment.translation) for _, segment in items],
            engine_scores=[_engine_score(segment) for _, segment in items],
            glossary_problems=[
                len(checker.glossary_problems(queue, segment.source, segment.translation))
                for queue, segment in items
            ],
            protected=[
                checker.enforcer(queue).protected_text(segment.source) for queue, segment in items
            ],
        )
        confidences.update(
            (id(segment), result) for (_, segment), result in zip(items, results, strict=True)
        )
    return confidences


def _engine_score(segment: Segment) -> float | None:
    """The engine's score, if the translation is still the engine's best output."""
    machine = segment.machine
    if machine is None or segment.translation != machine.text:
        return None
    return machine.score


def _finding(entry: EntryConfidence, severity: Severity) -> Finding:
    evidence = "; ".join(entry.confidence.evidence)
    return Finding(
        entry.po_file,
        entry.line,
        entry.msgid,
        entry.state,
        CheckKind.CONFIDENCE,
        f"confidence {entry.confidence.value:.2f}" + (f": {evidence}" if evidence else ""),
        entry.segment_id,
        severity,
    )
