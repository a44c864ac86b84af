"""Which language an article is written in, offline, to catch a wrong ``--from``.

A model given text in another language than it was trained for mostly copies
it: an English article translated ``--from pt --to en`` comes back unchanged,
every entry "translated". The detector is CLD2 (``pycld2``: Chromium's
compact language detector, its model compiled into the wheel, Apache 2.0:
about a millisecond for an article, 70 ms for a 20 MB one), chosen over
py3langid, whose 4.6 MB model takes 0.75 s to load on every run, and over
langdetect, which is slower and random unless seeded. CLD2 also says how
much of the text is in each of its top three languages, which is what keeps
mixed articles from raising false alarms.

Only a clear case is a mismatch: enough letters to judge (a headline or a
list of names is not), a detection CLD2 calls reliable, and the expected
language almost absent from the text, so an English article quoting a
Portuguese paragraph is not "Portuguese" under ``--from en``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pycld2

from transflow.languages import UnknownLanguageError, normalise, same_language

UNDETERMINED = "und"
# Fewer letters than this (two or three sentences) are not enough to judge an article by.
MIN_LETTERS = 200
# The expected language must have less than this share of the text for a mismatch.
MAX_EXPECTED_SHARE = 0.2
# The detected language must have at least this share.
MIN_DETECTED_SHARE = 0.6
# CLD2 reads everything it is given; an article's first 200,000 characters (some thirty
# pages) say what the rest does.
MAX_CHARACTERS = 200_000


@dataclass(frozen=True)
class LanguageShares:
    """CLD2's verdict on a text: its top languages with their share of it, best first."""

    shares: tuple[tuple[str, float], ...]  # (BCP 47 tag, share of the text, 0-1)
    reliable: bool
    letters: int  # counted up to MIN_LETTERS, all a verdict needs

    def share(self, language: str) -> float:
        """The share of the text in ``language`` (any regional variant of it)."""
        return sum(share for tag, share in self.shares if same_language(tag, language))


def language_shares(text: str) -> LanguageShares:
    """The languages of ``text`` and how much of it each makes up."""
    sample = _printable(text[:MAX_CHARACTERS])
    letters = sum(1 for _ in itertools.islice(filter(str.isalpha, sample), MIN_LETTERS))
    try:
        reliable, _, details = pycld2.detect(sample)
    except pycld2.error:  # input CLD2 cannot read, even after cleaning: no verdict
        return LanguageShares((), False, letters)
    shares = []
    for _, code, percent, _ in details:
        tag = _tag(code)
        if tag is not None and percent > 0:
            shares.append((tag, percent / 100))
    return LanguageShares(tuple(shares), bool(reliable), letters)


def detect_language(text: str) -> tuple[str, float]:
    """The main language of ``text`` as a BCP 47 tag and the share of the text in it.

    ``("und", 0.0)`` when CLD2 cannot tell (too little text, unknown script).
    """
    result = language_shares(text)
    if not result.shares or not result.reliable:
        return UNDETERMINED, 0.0
    return result.shares[0]


def mismatched_language(text: str, expected: str) -> tuple[str, float] | None:
    """The language ``text`` is clearly written in when that is not ``expected``, else None.

    None also whenever the evidence is weak: see the module docstring.
    """
    result = language_shares(text)
    if result.letters < MIN_LETTERS or not result.reliable or not result.shares:
        return None
    tag, share = result.shares[0]
    if share < MIN_DETECTED_SHARE or same_language(tag, expected):
        return None
    if result.share(expected) >= MAX_EXPECTED_SHARE:
        return None
    return tag, share


def _tag(code: str) -> str | None:
    """CLD2's code as a normalised tag (``iw`` → ``he``, ``zh-Hant``); None for unknown."""
    if code in ("un", "xxx") or code.startswith("xx-"):
        return None
    try:
        return normalise(code)
    except UnknownLanguageError:
        return None


def _printable(text: str) -> str:
    """``text`` without what CLD2 rejects as invalid UTF-8 (it checks more than UTF-8 does)."""
    return _UNREADABLE.sub(" ", text)


# Control characters but tab and newline, surrogates, and the noncharacters
# (U+FDD0-U+FDEF and the last two code points of every plane).
_UNREADABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17))
    + "]"
)
