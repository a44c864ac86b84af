"""Inconsistent approvals: one sentence translated several ways, or several sentences one way.

Both are what Translate Toolkit's ``poconflicts`` reports (the second with
``--invert``), judged here over the team's own approvals (imported units are
someone else's decisions and are left out):

* **the same source approved with different translations** (in different
  articles): *cosmetic* when the translations differ only in case, spacing
  or punctuation, *functional* otherwise — readers see two wordings of the
  same sentence, and at most one is the newsroom's;
* **different sources approved with the same translation**: *cosmetic* when
  the sources differ only in case, spacing or punctuation, *functional*
  otherwise — one translation rarely fits two different sentences, and the
  trap is a changed number or a dropped "not".

The findings are plain data; :func:`consistency_check` places them at each
entry involved as ``transflow check`` findings (kind ``consistency``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from transflow.memory.rebuild import approved_entries
from transflow.memory.segment import MemorySegment, Origin, normalised_text
from transflow.queue.checks import CheckKind, Finding, Severity
from transflow.queue.model import Queue, Segment
from transflow.queue.pofile import queue_files

# How many texts a message quotes before "and N more".
QUOTED_VARIANTS = 3


class ConflictKind(StrEnum):
    TRANSLATED_DIFFERENTLY = "translated-differently"  # one source, several translations
    SAME_TRANSLATION = "same-translation"  # several sources, one translation


@dataclass(frozen=True)
class Place:
    """Where an approval is: the article and entry, with what was approved there and by whom."""

    article: str | None
    position: int | None
    source: str
    target: str
    reviewer: str | None

    def __str__(self) -> str:
        where = self.article or "?"
        return where if self.position is None else f"{where}#{self.position + 1}"


@dataclass(frozen=True)
class ConsistencyFinding:
    kind: ConflictKind
    severity: Severity
    source_lang: str
    target_lang: str
    message: str
    places: tuple[Place, ...]

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


def consistency_findings(segments: Iterable[MemorySegment]) -> list[ConsistencyFinding]:
    """Every conflict among the approvals in ``segments``, functional ones first."""
    own = [segment for segment in segments if segment.origin is not Origin.IMPORTED]
    findings = _conflicts(
        own,
        ConflictKind.TRANSLATED_DIFFERENTLY,
        group_by=lambda segment: segment.source,
        varies=lambda segment: segment.target,
        describe=lambda text, count: f"{_quote(text)} is translated {count} ways",
    ) + _conflicts(
        own,
        ConflictKind.SAME_TRANSLATION,
        group_by=lambda segment: segment.target,
        varies=lambda segment: segment.source,
        describe=lambda text, count: f"{_quote(text)} is the translation of {count} sources",
    )
    findings.sort(key=lambda finding: (finding.severity is Severity.COSMETIC, finding.message))
    return findings


def consistency_check(queues: Iterable[Queue]) -> list[Finding]:
    """The conflicts among the approvals of ``queues``, as a finding at each entry involved.

    Pass every queue of the languages checked (the whole workspace), not only
    the files a reviewer asked about: a conflict with another article is
    still a conflict. Each finding's message names all the variants.
    """
    entries: dict[tuple[str, str | None, int | None], tuple[Queue, Segment]] = {}
    segments = []
    for queue in queues:
        for segment, entry in approved_entries(queue):
            entries[(segment.target_lang, segment.article, segment.position)] = (queue, entry)
            segments.append(segment)
    findings = []
    for conflict in consistency_findings(segments):
        for place in conflict.places:
            queue, entry = entries[(conflict.target_lang, place.article, place.position)]
            findings.append(
                Finding(
                    queue.path or Path(queue.article),
                    entry.line or 0,
                    entry.source,
                    entry.state,
                    CheckKind.CONSISTENCY,
                    conflict.message,
                    entry.id,
                    conflict.severity,
                )
            )
    return findings


def workspace_consistency(checked: Sequence[Queue], locales_dir: Path) -> list[Finding]:
    """The consistency findings at the entries of ``checked``, against the whole workspace.

    Every queue under ``locales_dir`` in the languages of ``checked`` counts
    (the other side of a conflict may be in an article not checked), but only
    findings at entries of ``checked`` are returned.
    """
    files = {queue.path for queue in checked}
    queues = [
        queue
        for language in sorted({queue.target_language for queue in checked})
        for queue in queue_files(locales_dir, language)
    ]
    return [finding for finding in consistency_check(queues) if finding.po_file in files]


def _conflicts(
    segments: Sequence[MemorySegment],
    kind: ConflictKind,
    *,
    group_by: Callable[[MemorySegment], str],
    varies: Callable[[MemorySegment], str],
    describe: Callable[[str, int], str],
) -> list[ConsistencyFinding]:
    groups: dict[tuple[str, str, str], list[MemorySegment]] = defaultdict(list)
    for segment in segments:
        key = (segment.source_lang, segment.target_lang, normalised_text(group_by(segment)))
        groups[key].append(segment)
    findings = []
    for (source_lang, target_lang, text), members in groups.items():
        by_variant: dict[str, list[MemorySegment]] = defaultdict(list)
        for segment in members:
            by_variant[normalised_text(varies(segment))].append(segment)
        if len(by_variant) < 2:
            continue
        cosmetic = len({_folded(variant) for variant in by_variant}) == 1
        variants = [
            f"{_quote(variant)} ({_where(places)})"
            for variant, places in sorted(by_variant.items(), key=lambda item: -len(item[1]))
        ]
        if len(variants) > QUOTED_VARIANTS:
            variants[QUOTED_VARIANTS:] = [f"and {len(variants) - QUOTED_VARIANTS} more"]
        places = tuple(
            sorted(
                (Place(s.article, s.position, s.source, s.target, s.reviewer) for s in members),
                key=lambda place: (place.article or "", place.position or 0),
            )
        )
        findings.append(
            ConsistencyFinding(
                kind,
                Severity.COSMETIC if cosmetic else Severity.FUNCTIONAL,
                source_lang,
                target_lang,
                f"{target_lang}: {describe(text, len(by_variant))}: {'; '.join(variants)}",
                places,
            )
        )
    return findings


def _where(segments: Sequence[MemorySegment]) -> str:
    articles = sorted({segment.article or "?" for segment in segments})
    shown = ", ".join(articles[:2])
    return shown + (f" and {len(articles) - 2} more" if len(articles) > 2 else "")


def _folded(text: str) -> str:
    """``text`` without case, spacing and punctuation: what makes a difference cosmetic."""
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _quote(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "…")
