"""Text an engine must pass through unchanged: web and e-mail addresses, social media handles.

Models translate the words inside an address ("report" becomes "relatório"),
change its case or drop its dots, and nothing in the fluent output shows it
(argos-translate #276: "URLs, e-mails and phone numbers altered"). These spans
are protected exactly like glossary terms kept verbatim: ``TermEnforcer``
finds them in every source sentence, checks that each comes back character for
character, masks the ones that do not, and flags the sentence if all rounds
fail. They need no glossary entry; the patterns below find them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from transflow.glossary.matching import TermMatch
from transflow.glossary.model import Origin, Policy, Term, TermKind
from transflow.source.markup import BARE_URL

# user.name+tag@sub.example.org, not ending in the sentence's full stop.
_EMAIL = re.compile(r"(?<![\w.+@-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
# @handle as on X/Twitter, Instagram, Telegram, Mastodon (@name@server.social);
# it starts with a letter or "_", so "@12 each" is not one.
_HANDLE = re.compile(r"(?<![\w@./])@[^\W\d]\w{1,29}(?:@[\w-]+(?:\.[\w-]+)+)?(?![\w@])")
_PATTERNS = (BARE_URL, _EMAIL, _HANDLE)
# An English possessive after an address is the sentence's, not the address's.
_POSSESSIVE = re.compile(r"['’]s$")

V = TypeVar("V")

# Where verbatim terms say they come from, in the rare message that names an origin.
_ORIGIN = Origin(Path("<verbatim text>"), 0)


def verbatim_spans(sentence: str) -> list[TermMatch[Term]]:
    """The addresses and handles of ``sentence``, as keep-verbatim terms, in order."""
    if "@" not in sentence and "://" not in sentence and "www." not in sentence:
        return []  # the common case, decided without running the patterns
    spans: list[TermMatch[Term]] = []
    for pattern in _PATTERNS:  # URLs first: an e-mail-like part of a URL stays in the URL
        for found in pattern.finditer(sentence):
            start, end = found.start(), _address_end(sentence, found)
            address = TermMatch(start, end, _term(sentence[start:end]))
            if outside([address], spans):
                spans.append(address)
    return sorted(spans, key=lambda span: span.start)


def outside(matches: Iterable[TermMatch[V]], spans: Sequence[TermMatch[Any]]) -> list[TermMatch[V]]:
    """The ``matches`` that do not overlap any of ``spans``: a name inside an address is not one."""
    return [m for m in matches if not any(m.start < s.end and s.start < m.end for s in spans)]


def _address_end(sentence: str, found: re.Match[str]) -> int:
    """Where the address really ends: before a possessive, with its own closing bracket."""
    address = _POSSESSIVE.sub("", found.group())
    end = found.start() + len(address)
    while sentence[end : end + 1] == ")" and address.count("(") > address.count(")"):
        address += ")"  # https://en.wikipedia.org/wiki/Baku_(city)
        end += 1
    return end


def _term(text: str) -> Term:
    return Term(
        text=text,
        source_lang="",  # any: the patterns do not depend on the language
        kind=TermKind.OTHER,
        policy=Policy.KEEP,
        targets={},
        forbidden={},
        note="web address, e-mail address or handle",
        origin=_ORIGIN,
    )
