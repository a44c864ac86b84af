"""Typographic double quotes sent to the engine as straight ones, and put back after.

News copy quotes people with typographic marks (“…”, „…“), and models trained
mostly on plain text drop them: the bundled en→pt model returned 3 of the 4
quoted sentences of the sample article with no quotation marks at all, so a
reader could no longer tell who said what. Given the same sentences with
straight quotes, it kept all of them (measured with ``BergamotEngine`` on
tests/data/articles; the review screen and ``transflow check`` report any
quotation mark still lost). So the engine sees straight quotes, and each one
in its output goes back to the mark that stood in that place in the source.
"""

from __future__ import annotations

from dataclasses import dataclass

_STRAIGHT = '"'
_TYPOGRAPHIC = frozenset("“”„‟")


@dataclass(frozen=True)
class QuoteMarks:
    """The double quotation marks of a source sentence, in order."""

    marks: tuple[str, ...]

    @property
    def typographic(self) -> bool:
        return any(mark in _TYPOGRAPHIC for mark in self.marks)


def straighten(text: str) -> tuple[str, QuoteMarks]:
    """``text`` with typographic double quotes made straight, and the marks it had."""
    marks = tuple(c for c in text if c == _STRAIGHT or c in _TYPOGRAPHIC)
    found = QuoteMarks(marks)
    if not found.typographic:
        return text, found
    return "".join(_STRAIGHT if c in _TYPOGRAPHIC else c for c in text), found


def restore_marks(translation: str, found: QuoteMarks) -> str:
    """Each straight quote of ``translation`` back to the source's mark in its place.

    Only when the translation has exactly as many quotes as the source: then
    the n-th quote of one is the n-th of the other. Otherwise the translation
    keeps straight quotes, which is still correct punctuation.
    """
    if not found.typographic or translation.count(_STRAIGHT) != len(found.marks):
        return translation
    marks = iter(found.marks)
    return "".join(next(marks) if c == _STRAIGHT else c for c in translation)
