"""Finding protected terms in text: whole words, case-sensitive, longest first.

One Aho–Corasick automaton (pyahocorasick) scans the text once for all terms,
so matching stays linear in the text whatever the glossary size — a loop of
regular expressions would be linear in the number of terms too.

Rules, from what newsrooms need:
* case-sensitive, so the common noun "stone" is not the name "Stone";
* whole words: "Aliyeva" is not "Aliyev", "Azerbaijani" is not "Azerbaijan",
  but a possessive ("Azerbaijan’s", "Israel's") or a hyphenated compound
  ("Azerbaijan-Israel") still contains the term;
* typographic and straight apostrophes are the same character for matching;
* overlapping candidates resolve leftmost-longest: "Michal Herzog" wins over
  "Herzog", and the shorter term still matches where it stands alone.

The same matcher finds source terms in an article and approved target forms in
a translation, so it maps a pattern to any value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

Value = TypeVar("Value")

# Same-length substitutions, so offsets in the folded text are offsets in the original.
_APOSTROPHES = ("’", "ʼ", "‘")


@dataclass(frozen=True)
class TermMatch(Generic[Value]):
    start: int
    end: int
    value: Value

    @property
    def length(self) -> int:
        return self.end - self.start


def fold(text: str) -> str:
    """The form both patterns and text are matched in."""
    # str.replace per character is several times faster than str.translate with a table.
    for apostrophe in _APOSTROPHES:
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return text


def is_word_character(character: str) -> bool:
    """Whether ``character`` continues a word, so a match next to it is not a whole word.

    Combining marks (Devanagari vowel signs, a decomposed accent, Arabic
    harakat) belong to the word they follow: "भारत" is not in "भारती".
    """
    return character.isalnum() or character == "_" or unicodedata.category(character)[0] == "M"


def contains_whole_word(text: str, part: str) -> bool:
    """Whether ``part`` occurs in ``text`` as a whole word, by the matcher's rules.

    For checking a few forms against each other (a glossary row's approved
    and forbidden forms), where compiling an automaton would cost more.
    """
    text, part = fold(text), fold(part)
    start = text.find(part) if part else -1
    while start >= 0:
        end = start + len(part)
        before_ok = start == 0 or not is_word_character(text[start - 1])
        after_ok = end == len(text) or not is_word_character(text[end])
        if before_ok and after_ok:
            return True
        start = text.find(part, start + 1)
    return False


class TermMatcher(Generic[Value]):
    """Patterns compiled once; ``find`` is then called per sentence.

    ``patterns`` are (text, value) pairs; when a text repeats, the first value
    wins (duplicates are reported when the glossary is loaded).
    """

    def __init__(self, patterns: Iterable[tuple[str, Value]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for text, value in patterns:
            key = fold(text)
            if key and key not in self._automaton:
                self._automaton.add_word(key, (len(key), value))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._automaton)

    def find(self, text: str) -> list[TermMatch[Value]]:
        """Non-overlapping whole-word occurrences, in text order."""
        if self._empty:
            return []
        folded = fold(text)
        candidates = []
        for last, (length, value) in self._automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if start > 0 and is_word_character(folded[start - 1]):
                continue
            if end < len(folded) and is_word_character(folded[end]):
                continue
            candidates.append(TermMatch(start, end, value))
        candidates.sort(key=lambda match: (match.start, -match.length))
        chosen: list[TermMatch[Value]] = []
        covered_until = 0
        for match in candidates:
            if match.start >= covered_until:
                chosen.append(match)
                covered_until = match.end
        return chosen
