"""``transflow glossary check``: everything wrong or surprising in a glossary, one line each.

Loading already reports what makes a glossary unusable (bad rows, conflicting
duplicates, an approved form that its own row forbids: see
``transflow.glossary.model.term_problems``), so every command refuses such a
glossary, and this report starts with those errors. These checks find what
loads fine but will not do what the maintainer meant, judged with the same
matcher translation uses:

* a term that contains another as a whole word ("Michal Herzog" and
  "Herzog"): expected, reported as *info*, because inside the longer term the
  shorter one never applies;
* a term that can never match, because another term always takes its place
  (two spellings the matcher treats alike, such as straight and typographic
  apostrophes): *warning*;
* two terms that differ only in case ("Gala" and "gala"): matching is
  case-sensitive, so both apply, which is rarely meant: *warning*;
* a term whose approved form in a language is forbidden there by another
  term: every sentence with both would be flagged (*warning*; the same row
  forbidding its own form is a loading error). The usual case is a ``keep``
  term whose text another term forbids;
* a ``translate`` term with no form for a language the workspace translates
  into: it is not enforced there (*warning*).

Errors make the command exit 1, so it can gate a CI job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

# The matcher's own whole-word rule, so containment is judged exactly as matching is.
from transflow.glossary.matching import TermMatcher, fold, is_word_character
from transflow.glossary.model import Glossary, GlossaryProblem, Origin, Policy, Term
from transflow.languages import UnknownLanguageError, normalise

__all__ = ["Finding", "Severity", "check_glossary", "summary", "workspace_languages"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    origin: Origin
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.severity}: {self.message}"


def workspace_languages(locales: Path) -> list[str]:
    """The languages the workspace translates into: the queue's language folders, as tags.

    Folders are named the gettext way (``pt_BR``); other folders are not languages.
    """
    if not locales.is_dir():
        return []
    languages = set()
    for path in locales.iterdir():
        if path.is_dir():
            try:
                languages.add(normalise(path.name))
            except UnknownLanguageError:
                continue
    return sorted(languages)


def check_glossary(glossary: Glossary, languages: Sequence[str] = ()) -> list[Finding]:
    """Every loading problem and every finding of the checks above, in file and line order."""
    findings = [_from_problem(problem) for problem in glossary.problems]
    by_language: dict[str, list[Term]] = defaultdict(list)
    for term in glossary.terms:
        by_language[term.source_lang].append(term)
    for terms in by_language.values():
        findings += _contained(terms)
        findings += _never_matching(terms)
        findings += _case_variants(terms)
        findings += _forbidden_approved_forms(terms)
    findings += _missing_targets(glossary.terms, languages)
    return sorted(findings, key=lambda finding: (str(finding.origin.path), finding.origin.line))


def summary(findings: Iterable[Finding], glossary: Glossary) -> str:
    """One line for the end of the report."""
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        counts[finding.severity] += 1
    files = {term.origin.path for term in glossary.terms}
    return (
        f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFO]} info in {len(glossary.terms)} term(s) from {len(files)} file(s)"
    )


def _from_problem(problem: GlossaryProblem) -> Finding:
    severity = Severity.ERROR if problem.is_error else Severity.WARNING
    return Finding(problem.origin, severity, problem.message)


def _contained(terms: Sequence[Term]) -> list[Finding]:
    """Terms that also occur as a whole word inside longer terms."""
    by_key = {fold(term.text): term for term in terms}
    containers: dict[Term, list[Term]] = defaultdict(list)
    for longer in terms:
        for key in _inner_whole_words(fold(longer.text)):
            shorter = by_key.get(key)
            if shorter is not None and shorter is not longer:
                containers[shorter].append(longer)
    findings = []
    for shorter, longer_terms in containers.items():
        named = ", ".join(f"{term.text!r} ({term.origin})" for term in longer_terms)
        findings.append(
            Finding(
                shorter.origin,
                Severity.INFO,
                f"{shorter.text!r} also occurs inside {named}; there the longer term applies",
            )
        )
    return findings


def _inner_whole_words(text: str) -> Iterable[str]:
    """Every substring of ``text`` bounded by non-word characters, except ``text`` itself.

    The matcher's rule: an occurrence must not have a word character just
    before or just after it.
    """
    starts = [0] + [i for i in range(1, len(text)) if not is_word_character(text[i - 1])]
    ends = [i for i in range(1, len(text)) if not is_word_character(text[i])] + [len(text)]
    for start in starts:
        for end in ends:
            if start < end and (start, end) != (0, len(text)) and text[start:end].strip():
                yield text[start:end]


def _never_matching(terms: Sequence[Term]) -> list[Finding]:
    """Terms the matcher never reports, even in a text that is exactly the term."""
    matcher: TermMatcher[Term] = TermMatcher((term.text, term) for term in terms)
    findings = []
    for term in terms:
        matches = matcher.find(term.text)
        if any(match.value is term for match in matches):
            continue
        winner = next((match.value for match in matches if match.start == 0), None)
        reason = (
            f"{winner.text!r} ({winner.origin}) always takes its place"
            if winner is not None
            else "it is never found as a whole word"
        )
        findings.append(
            Finding(term.origin, Severity.WARNING, f"{term.text!r} can never match: {reason}")
        )
    return findings


def _case_variants(terms: Sequence[Term]) -> list[Finding]:
    first: dict[str, Term] = {}
    findings = []
    for term in terms:
        earlier = first.setdefault(term.text.casefold(), term)
        if earlier is not term and earlier.text != term.text:
            findings.append(
                Finding(
                    term.origin,
                    Severity.WARNING,
                    f"{term.text!r} differs only in case from {earlier.text!r} "
                    f"({earlier.origin}); matching is case-sensitive, so both apply",
                )
            )
    return findings


def _forbidden_approved_forms(terms: Sequence[Term]) -> list[Finding]:
    """Approved forms that contain a form another term forbids in the same language."""
    findings = []
    languages = {language for term in terms for language in term.forbidden}
    for language in sorted(languages):
        forbidding: dict[str, list[Term]] = defaultdict(list)
        for term in terms:
            for form in term.forbidden_forms(language):
                forbidding[form].append(term)
        matcher: TermMatcher[str] = TermMatcher((form, form) for form in forbidding)
        for term in terms:
            approved = term.target_form(language)
            if approved is None:
                continue
            for match in matcher.find(approved):
                for other in forbidding[match.value]:
                    if other is not term:  # a row forbidding its own form fails to load
                        findings.append(_forbidden_finding(term, other, approved, language))
    return findings


def _forbidden_finding(term: Term, forbidder: Term, approved: str, language: str) -> Finding:
    what = f"'keep' term {term.text!r}" if term.policy is Policy.KEEP else repr(term.text)
    return Finding(
        term.origin,
        Severity.WARNING,
        f"the approved {language} form {approved!r} of {what} is forbidden by "
        f"{forbidder.text!r} ({forbidder.origin}); a sentence with both would be flagged",
    )


def _missing_targets(terms: Sequence[Term], languages: Sequence[str]) -> list[Finding]:
    return [
        Finding(
            term.origin,
            Severity.WARNING,
            f"'translate' term {term.text!r} has no {language} form, so it is not enforced "
            f"when translating into {language}",
        )
        for term in terms
        for language in languages
        if language != term.source_lang and term.target_form(language) is None
    ]
