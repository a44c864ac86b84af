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
from pathlib import Path

from transflow.glossary import Origin, Policy, Term, TermKind
from transflow.markup import BARE_URL
from transflow.term_matching import TermMatch

# user.name+tag@sub.example.org, not ending in the sentence's full stop.
_EMAIL = re.compile(r"(?<![\w.+@-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
# @handle as on X/Twitter, Instagram, Telegram, Mastodon (@name@server.social).
_HANDLE = re.compile(r"(?<![\w@./])@\w{2,30}(?:@[\w-]+(?:\.[\w-]+)+)?(?![\w@])")
_PATTERNS = (BARE_URL, _EMAIL, _HANDLE)

# Where verbatim terms say they come from, in the rare message that names an origin.
_ORIGIN = Origin(Path("<verbatim text>"), 0)


def verbatim_spans(sentence: str) -> list[TermMatch[Term]]:
    """The addresses and handles of ``sentence``, as keep-verbatim terms, in order."""
    if "@" not in sentence and "://" not in sentence and "www." not in sentence:
        return []  # the common case, decided without running the patterns
    spans: list[TermMatch[Term]] = []
    taken: list[range] = []
    for pattern in _PATTERNS:  # URLs first: an e-mail-like part of a URL stays in the URL
        for found in pattern.finditer(sentence):
            if any(found.start() in span or found.end() - 1 in span for span in taken):
                continue
            taken.append(range(found.start(), found.end()))
            spans.append(TermMatch(found.start(), found.end(), _term(found.group())))
    return sorted(spans, key=lambda span: span.start)


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
