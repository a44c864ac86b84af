"""Quality checks of translations already in the queue: glossary, numbers, punctuation.

A maintainer changes an approved form ("Bacu" becomes "Baku"): which
translations, approved ones included, now disagree? An engine turns "€30"
into "$30", drops a year, or drops the quotation marks around a quote (the
bundled Bergamot models do): which segments lost them? ``check_queue``
answers without translating anything, so it can run in CI.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from transflow.glossary.enforcement import TermEnforcer
from transflow.glossary.model import Glossary
from transflow.queue.pofile import EntryState, ReviewFile, entry_state

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


@dataclass(frozen=True)
class Finding:
    """One problem in one entry, located so a reviewer or a tool can go to it."""

    po_file: Path
    line: int  # where the entry starts in the PO file
    msgid: str
    state: EntryState
    kind: CheckKind
    message: str

    def __str__(self) -> str:
        return f"{self.po_file}:{self.line}: {self.kind} ({self.state}): {self.message}"


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


def check_file(review_file: ReviewFile, glossary: Glossary) -> list[Finding]:
    """Every translated entry of one queue file against the glossary, numbers and punctuation."""
    metadata = review_file.catalog.metadata
    source = metadata.get("X-Source-Language", "en")
    target = metadata.get("Language", review_file.path.parent.name)
    enforcer = TermEnforcer(glossary.for_pair(source, target), target)
    findings = []
    for entry in review_file.active_entries():
        if not entry.msgstr:
            continue
        _, term_problems = enforcer.check(enforcer.find(entry.msgid), entry.msgstr)
        problems = [(CheckKind.GLOSSARY, str(problem)) for problem in term_problems]
        problems += lost_content(entry.msgid, entry.msgstr)
        findings += [
            Finding(
                review_file.path,
                entry.linenum or 0,
                entry.msgid,
                entry_state(entry),
                kind,
                message,
            )
            for kind, message in problems
        ]
    return findings


def check_queue(review_files: Iterable[ReviewFile], glossary: Glossary) -> list[Finding]:
    return [
        finding for review_file in review_files for finding in check_file(review_file, glossary)
    ]


def summarise(findings: Sequence[Finding]) -> dict[str, int]:
    """Counts per check and how many hit approved entries (the ones that need a human now)."""
    counts = Counter(str(finding.kind) for finding in findings)
    counts["approved"] = sum(finding.state is EntryState.APPROVED for finding in findings)
    counts["total"] = len(findings)
    return dict(counts)
