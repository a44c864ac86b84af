"""Quality checks of translations already in the queue: glossary, numbers, punctuation.

(The confidence of each translation, which needs the engines, is checked a
layer up, in ``transflow.confidence.check``, with these findings included.)

A maintainer changes an approved form ("Bacu" becomes "Baku"): which
translations, approved ones included, now disagree? An engine turns "€30"
into "$30", drops a year, or drops the quotation marks around a quote (the
bundled Bergamot models do): which segments lost them? ``check_file``
answers without translating anything, so it can run in CI.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from transflow.glossary.enforcement import GlossaryCheck, TermEnforcer
from transflow.glossary.model import Glossary
from transflow.queue.model import Queue, Segment, State

# Digits with inner group or decimal separators ("1,000", "4.5", "1 000");
# a hyphen is not one, so "2023-2028" holds two numbers.
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_CURRENCY_SYMBOLS = "€$£¥₹₽₺₪"
# Quotation marks of every style, counted together: languages write the same
# quotation with different marks ("…", “…”, «…», „…“, 「…」) but as many of
# them. Single quotes are left out: they cannot be told from apostrophes.
_QUOTATION_MARKS = tuple('"“”„‟«»「」『』')
_BRACKETS = "()[]"


class CheckKind(StrEnum):
    GLOSSARY = "glossary"
    NUMBERS = "numbers"
    PUNCTUATION = "punctuation"
    CONFIDENCE = "confidence"  # computed above the queue: transflow.confidence.check
    # Approvals that disagree across articles (transflow.memory.consistency).
    CONSISTENCY = "consistency"
    # A protected term in an accepted inflected form, or put back by masking in
    # its approved form into a language that declines names: right as far as
    # transflow can tell, but a human should read the case.
    INFLECTION = "inflection"


class Severity(StrEnum):
    """How much a finding matters, as Translate Toolkit's pofilter grades its checks."""

    CRITICAL = "critical"  # the translation says something else: a wrong name, a lost number
    FUNCTIONAL = "functional"  # it reads wrong: a lost quotation or bracket
    COSMETIC = "cosmetic"  # style and consistency
    # Not a problem found but a place to look (an inflected name): below every
    # --fail-on level but its own, so CI does not fail on correct translations.
    ADVISORY = "advisory"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


SEVERITY = {
    CheckKind.GLOSSARY: Severity.CRITICAL,
    CheckKind.NUMBERS: Severity.CRITICAL,
    CheckKind.PUNCTUATION: Severity.FUNCTIONAL,
    CheckKind.INFLECTION: Severity.ADVISORY,
}


@dataclass(frozen=True)
class Finding:
    """One problem in one segment, located so a reviewer or a tool can go to it."""

    po_file: Path
    line: int  # where the segment starts in the PO file
    msgid: str
    state: State
    kind: CheckKind
    message: str
    segment_id: str = ""
    severity: Severity = Severity.CRITICAL

    def __str__(self) -> str:
        return f"{self.po_file}:{self.line}: {self.kind} ({self.state}): {self.message}"


class QueueChecker:
    """The glossary check of any translation, one compiled enforcer per language pair.

    This is the one place that decides whether a segment breaks the glossary:
    ``status``, ``review``, ``check`` and ``diff`` all ask it, so a flag that a
    tool dropped cannot make them disagree.
    """

    def __init__(self, glossary: Glossary | None) -> None:
        self.glossary = glossary or Glossary()
        self._enforcers: dict[tuple[str, str], TermEnforcer] = {}

    def enforcer(self, queue: Queue) -> TermEnforcer:
        pair = (queue.source_language, queue.target_language)
        if pair not in self._enforcers:
            terms = self.glossary.for_pair(*pair)
            self._enforcers[pair] = TermEnforcer(terms, queue.target_language)
        return self._enforcers[pair]

    def glossary_problems(self, queue: Queue, source: str, translation: str) -> list[str]:
        enforcer = self.enforcer(queue)
        return glossary_problems(enforcer, source, translation)

    def is_flagged(self, queue: Queue, segment: Segment) -> bool:
        """Awaiting review and breaking the glossary: review shows these first."""
        return segment.state.awaiting_review and bool(
            self.glossary_problems(queue, segment.source, segment.translation)
        )

    def flagged(self, queue: Queue) -> int:
        return count_flagged(queue, self.enforcer(queue))


def inflection_advice(glossary: GlossaryCheck, segment: Segment) -> list[str]:
    """Where a protected term is right but inflected, or its inflection was never checked.

    ``glossary`` is the current glossary's judgement of the segment's
    translation; the second kind is what the engine's output recorded
    (masking put the approved form back as written), so it holds while the
    translation is still that output.
    """
    advice = [
        f"{verdict}: an accepted inflection, check the case" for verdict in glossary.inflected
    ]
    machine = segment.machine
    if machine is not None and segment.translation == machine.text:
        advice += [
            f"{term}: put back by masking in its approved form; check whether the sentence "
            "needs it inflected"
            for term in machine.unchecked_inflection
        ]
    return advice


def glossary_problems(enforcer: TermEnforcer, source: str, translation: str) -> list[str]:
    """Why ``translation`` of ``source`` breaks the glossary, in words; empty if it does not."""
    if not translation:
        return []
    _, problems = enforcer.check(enforcer.find(source), translation)
    return [str(problem) for problem in problems]


def count_flagged(queue: Queue, enforcer: TermEnforcer) -> int:
    """Segments of ``queue`` awaiting review whose translation breaks the glossary."""
    return sum(
        bool(glossary_problems(enforcer, segment.source, segment.translation))
        for segment in queue.active
        if segment.state.awaiting_review
    )


def number_problems(source: str, translation: str) -> list[str]:
    """Numbers and currency symbols of ``source`` that ``translation`` does not keep.

    Separators are ignored when comparing ("1,000" = "1.000", "4.5" = "4,5"),
    since target languages write them differently.
    """
    problems = []
    numbers = _NUMBER.findall(source)
    kept = _NUMBER.findall(translation) if numbers else []
    if numbers != kept:  # the same numbers written alike is the common case
        wanted = Counter(map(_digits, numbers))
        present = Counter(map(_digits, kept))
        problems += [
            f"number {number!r} missing" + (f" ({count}× in the source)" if count > 1 else "")
            for number, count in wanted.items()
            if present[number] < count
        ]
    problems += [
        f"currency {symbol!r} missing"
        for symbol in _CURRENCY_SYMBOLS
        if translation.count(symbol) < source.count(symbol)
    ]
    return problems


def punctuation_problems(source: str, translation: str) -> list[str]:
    """Quotation marks and brackets of ``source`` that ``translation`` lost.

    A quotation or a parenthesis that loses its marks changes who said what,
    and a reviewer reading fluent output easily misses it. Only losses are
    reported: a translation may add marks (a title quoted in the target
    language), and a quotation spanning sentences has one mark per sentence
    in both languages.
    """
    problems = []
    wanted = sum(map(source.count, _QUOTATION_MARKS))
    present = sum(map(translation.count, _QUOTATION_MARKS))
    if present < wanted:
        problems.append(f"quotation marks missing ({wanted} in the source, {present} here)")
    for bracket in _BRACKETS:
        if translation.count(bracket) < source.count(bracket):
            problems.append(
                f"bracket {bracket!r} missing "
                f"({source.count(bracket)} in the source, {translation.count(bracket)} here)"
            )
    return problems


def lost_content(source: str, translation: str) -> list[tuple[CheckKind, str]]:
    """Every number, currency symbol, quotation mark and bracket the translation lost."""
    return [(CheckKind.NUMBERS, problem) for problem in number_problems(source, translation)] + [
        (CheckKind.PUNCTUATION, problem) for problem in punctuation_problems(source, translation)
    ]


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def check_file(queue: Queue, checker: QueueChecker) -> list[Finding]:
    """Every translated segment of one queue against the glossary, numbers and punctuation."""
    findings = []
    for segment in queue.active:
        if not segment.translation:
            continue
        enforcer = checker.enforcer(queue)
        # One judgement serves both: the violations and the inflected occurrences.
        glossary = enforcer.assess(enforcer.find(segment.source), segment.translation)
        problems = [(CheckKind.GLOSSARY, str(problem)) for problem in glossary.problems]
        problems += lost_content(segment.source, segment.translation)
        problems += [
            (CheckKind.INFLECTION, advice) for advice in inflection_advice(glossary, segment)
        ]
        findings += [
            Finding(
                queue.path or Path(queue.article),
                segment.line or 0,
                segment.source,
                segment.state,
                kind,
                message,
                segment.id,
                SEVERITY[kind],
            )
            for kind, message in problems
        ]
    return findings


def at_least(findings: Iterable[Finding], severity: Severity) -> list[Finding]:
    """The findings as severe as ``severity`` or more (``check --fail-on``)."""
    return [finding for finding in findings if finding.severity.rank <= severity.rank]


def summarise(findings: Sequence[Finding]) -> dict[str, int]:
    """Counts per check and severity, and how many hit approved segments (they need a human)."""
    counts = Counter(str(finding.kind) for finding in findings)
    counts.update(str(finding.severity) for finding in findings)
    counts["approved"] = sum(finding.state is State.APPROVED for finding in findings)
    counts["total"] = len(findings)
    return dict(counts)
