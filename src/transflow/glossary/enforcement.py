"""Glossary enforcement: every protected term comes out as approved, or the segment is flagged.

Translation runs in rounds, each one batched engine call over the sentences
still failing, and each candidate is *verified* the same way: every source
occurrence of a protected term must appear in the translation as the term's
approved target form (case-sensitive, whole word) or, in a language that
declines names, as an inflected form of it (``transflow.glossary.inflection``:
the glossary's ``forms_<lang>`` list, else case endings and a dictionary) —
such an occurrence passes with the advisory verdict ``inflected``, never
silently as ``exact``; no forbidden rendering may appear, in any inflection;
and no placeholder may be left over.

1. **Unmasked**, n-best: the model sees the real sentence. Measured on the
   bundled model (``benchmarks/placeholder_bench.py``), this keeps the fluency
   and Portuguese articles ("do Azerbaijão") that any masking loses, and gets
   most terms right; the first hypothesis that passes wins.
2. **Selective masking**: only the terms the unmasked translation got wrong are
   replaced by invented names of the same kind (a person by an invented first
   and last name, a place by an invented place name) that the model copies
   verbatim — probed once per model (``transflow.glossary.placeholders``);
   the approved forms go back in afterwards, and where the glossary gives the
   form's article, the article before it is corrected (``term_articles``). In
   a language that declines names the approved form goes back as written, and
   the result names those terms (``unchecked_inflection``): their case needs
   a look.
3. **Full masking** with other invented names, then with ``Nnn1``-style tokens
   (or whatever token shape the probe found the model keeps): the model is
   deterministic, so a retry must change its input.

Placeholder shapes that look like markup (``{1}``, ``<t1>``, ``⟦T1⟧``, private
use characters) were measured and are dropped or mangled by the model, so they
are not used. A sentence that fails every round keeps its most faithful
candidate and carries the problems, which the PO store writes as a flag and a
comment so review can put it first: never a silent violation.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from transflow.engines.base import Engine, Hypothesis
from transflow.glossary.grammar import fix_article, rules_for
from transflow.glossary.inflection import InflectionMatcher
from transflow.glossary.inflection import rules_for as inflection_rules_for
from transflow.glossary.matching import TermMatch, TermMatcher, fold
from transflow.glossary.model import Term, TermKind
from transflow.glossary.placeholders import (
    PlaceholderPools,
    placeholder_pattern,
    placeholder_pools,
)
from transflow.glossary.verbatim import outside, verbatim_spans

# How many hypotheses to ask for when a sentence holds protected terms. Beam
# search keeps this many anyway, so the alternatives cost nothing extra.
N_BEST = 4
MAX_ALTERNATIVES = 2


class Verdict(StrEnum):
    """How one source occurrence of a protected term came out in the translation."""

    EXACT = "exact"  # the approved form, character for character
    INFLECTED = "inflected"  # an accepted inflected form: correct, but worth a look
    MISSING = "missing"  # not rendered as approved: a violation


@dataclass(frozen=True)
class TermVerdict:
    """The verdict on one source occurrence, and the text of the translation it stands on."""

    term: Term
    verdict: Verdict
    form: str  # the approved form that was expected
    rendering: str | None = None  # what the translation has for it (None when missing)

    @property
    def correct(self) -> bool:
        return self.verdict is not Verdict.MISSING

    def __str__(self) -> str:
        if self.verdict is Verdict.INFLECTED:
            return f"{self.term.text}: inflected {self.rendering!r} (approved {self.form!r})"
        return f"{self.term.text}: {self.verdict.value} {self.form!r}"


@dataclass(frozen=True)
class TermProblem:
    """Why a translation does not satisfy the glossary, for the reviewer."""

    term: Term
    message: str

    def __str__(self) -> str:
        return f"{self.term.text}: {self.message}"


@dataclass(frozen=True)
class GlossaryCheck:
    """What the glossary check found in one translation of one source sentence."""

    verdicts: tuple[TermVerdict, ...]  # one per source occurrence, in source order
    problems: tuple[TermProblem, ...]  # violations: missing occurrences, forbidden renderings

    @property
    def correct(self) -> int:
        """Occurrences rendered as approved or as an accepted inflection."""
        return sum(verdict.correct for verdict in self.verdicts)

    @property
    def inflected(self) -> tuple[TermVerdict, ...]:
        return tuple(v for v in self.verdicts if v.verdict is Verdict.INFLECTED)


@dataclass(frozen=True)
class EnforcedTranslation:
    """The chosen translation of one sentence and what the glossary check found."""

    text: str
    score: float | None
    occurrences: int  # protected-term occurrences in the source sentence
    correct: int  # of those, rendered as their approved form or an accepted inflection
    masked: tuple[str, ...]  # terms put in by masking: check the words around them
    problems: tuple[TermProblem, ...]
    # Other hypotheses no worse on the glossary, for the reviewer to pick from.
    alternatives: tuple[str, ...] = ()
    # Occurrences accepted as inflected forms (advisory: show them in review).
    inflected: tuple[TermVerdict, ...] = ()
    # Terms masking put back in their approved form into a language that
    # declines names: the case the sentence needs there was not checked.
    unchecked_inflection: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.problems)

    @classmethod
    def joined(cls, parts: Sequence[EnforcedTranslation], separator: str) -> EnforcedTranslation:
        """One sentence's translation from those of its pieces."""
        if len(parts) == 1:
            return parts[0]
        text = separator.join(part.text for part in parts)
        scores = [part.score for part in parts if part.score is not None]
        return cls(
            text=text,
            score=sum(scores) / len(scores) if len(scores) == len(parts) else None,
            occurrences=sum(part.occurrences for part in parts),
            correct=sum(part.correct for part in parts),
            masked=tuple(term for part in parts for term in part.masked),
            problems=tuple(problem for part in parts for problem in part.problems),
            inflected=tuple(verdict for part in parts for verdict in part.inflected),
            unchecked_inflection=tuple(
                term for part in parts for term in part.unchecked_inflection
            ),
        )


@dataclass(frozen=True)
class _Candidate:
    hypothesis: Hypothesis
    masked: tuple[str, ...]
    check: GlossaryCheck


@dataclass(frozen=True)
class _Slot:
    placeholder: str
    term: Term
    count: int


@dataclass(frozen=True)
class _MaskedSentence:
    text: str
    slots: tuple[_Slot, ...]


class _MaskScheme(ABC):
    """Chooses one placeholder per distinct term of a sentence."""

    @abstractmethod
    def placeholders(self, terms: Sequence[Term], sentence: str) -> list[str] | None:
        """One placeholder per term, none occurring in ``sentence``; None if it cannot."""


class _PseudoNames(_MaskScheme):
    """Invented names of the term's kind; ``variant`` rotates through the pools."""

    def __init__(self, pools: Mapping[str, tuple[str, ...]], variant: int) -> None:
        self.pools = pools
        self.variant = variant

    def placeholders(self, terms: Sequence[Term], sentence: str) -> list[str] | None:
        lowered = sentence.lower()
        chosen: list[str] = []
        for term in terms:
            pool = self.pools.get(_pool_name(term), ())
            if not pool:
                return None  # the model keeps no invented name of this kind
            start = (5 * self.variant + len(chosen)) % len(pool)
            rotated = pool[start:] + pool[:start]
            name = next((n for n in rotated if n.lower() not in lowered and n not in chosen), None)
            if name is None:
                return None
            chosen.append(name)
        return chosen


class _NumberedTokens(_MaskScheme):
    """``Nnn1``, ``Nnn2``…: survived every sentence of the benchmark, but reads less naturally."""

    def __init__(self, shape: str) -> None:
        self.shape = shape

    def placeholders(self, terms: Sequence[Term], sentence: str) -> list[str] | None:
        if self.shape.format("").lower() in sentence.lower():
            return None
        return [self.shape.format(index) for index in range(1, len(terms) + 1)]


def _pool_name(term: Term) -> str:
    if term.kind is TermKind.PERSON:
        return "person-full" if " " in term.text.strip() else "person"
    if term.kind is TermKind.ORGANISATION:
        return "organisation"
    if term.kind is TermKind.EVENT:
        return "event"
    return "place"


def masking_rounds(pools: PlaceholderPools) -> list[tuple[_MaskScheme, bool]]:
    """(scheme, mask only the terms the unmasked translation got wrong), in the order tried.

    Invented names first (selectively, then all terms with other names), then
    numbered tokens; with no usable names, tokens go first and selectively.
    """
    rounds: list[tuple[_MaskScheme, bool]] = []
    if pools.names:
        rounds += [(_PseudoNames(pools.names, 0), True), (_PseudoNames(pools.names, 1), False)]
    if pools.tokens:
        tokens = _NumberedTokens(pools.tokens)
        rounds += [(tokens, False)] if pools.names else [(tokens, True), (tokens, False)]
    return rounds


class TermEnforcer:
    """The protected terms of one language pair, compiled for matching and checking."""

    def __init__(self, terms: Sequence[Term], target: str) -> None:
        self.target = target
        self._forms = {term: form for term in terms if (form := term.target_form(target))}
        self._source_matcher: TermMatcher[Term] = TermMatcher((t.text, t) for t in self._forms)
        self._form_matcher: TermMatcher[str] = TermMatcher((f, f) for f in self._forms.values())
        listed = {term: term.accepted_forms(target) for term in self._forms}
        # The glossary's own inflected forms; terms without a list go to the lemmatiser.
        self._variant_matcher: TermMatcher[str] = TermMatcher(
            (variant, self._forms[term])
            for term, forms in listed.items()
            for variant in forms or ()
        )
        self._inflection_matcher: InflectionMatcher[str] = InflectionMatcher(
            target, ((form, form) for term, form in self._forms.items() if listed[term] is None)
        )
        forbidden = [(form, term) for term in self._forms for form in term.forbidden_forms(target)]
        self._forbidden_matcher: TermMatcher[Term] = TermMatcher(forbidden)
        self._forbidden_inflections: InflectionMatcher[tuple[str, Term]] = InflectionMatcher(
            target, ((form, (form, term)) for form, term in forbidden)
        )
        self._inflection_rules = inflection_rules_for(target)
        self._article_rules = rules_for(target)

    def find(self, sentence: str) -> list[TermMatch[Term]]:
        """The protected occurrences in a source sentence, addresses and handles included.

        A glossary name inside an address ("…/Israel-visit") is part of the
        address, not a term of its own.
        """
        addresses = verbatim_spans(sentence)
        terms = outside(self._source_matcher.find(sentence), addresses)
        return sorted(terms + addresses, key=lambda match: match.start)

    def protected_text(self, sentence: str) -> tuple[str, ...]:
        """The protected terms of ``sentence`` as written there and in their approved forms.

        The glossary judges these names (``check``); a confidence must not
        count them again as names lost or come from nowhere ("Alley of
        Martyrs" approved as "Alameda dos Mártires").
        """
        texts: list[str] = []
        for match in self.find(sentence):
            texts.append(sentence[match.start : match.end])
            texts.append(self._form(match.value))
        return tuple(texts)

    def _form(self, term: Term) -> str:
        """The approved form of a glossary term; an address or handle stays as written."""
        return self._forms.get(term) or term.text

    def check(
        self, matches: Sequence[TermMatch[Term]], translation: str
    ) -> tuple[int, list[TermProblem]]:
        """How many occurrences came out right (exact or inflected), and every problem found.

        The same judgement as ``assess``, without building the per-occurrence
        verdicts: what ``transflow check`` and the queue's risk order need for
        every entry.
        """
        if not matches:  # forbidden renderings count only for terms of the sentence
            return 0, []
        needed, found, problems = self._count(matches, translation)
        correct = sum(min(len(wanted), len(found.get(form, ()))) for form, wanted in needed.items())
        return correct, problems

    def assess(self, matches: Sequence[TermMatch[Term]], translation: str) -> GlossaryCheck:
        """The verdict on each source occurrence in ``matches``, and every problem found.

        Each approved form found in the translation serves one source
        occurrence of its term: exact renderings first, then inflected ones
        (the glossary's ``forms_<lang>``, a case suffix after a mark such as
        Turkish "Bakü'de", or what the lemmatiser accepts).
        """
        if not matches:
            return GlossaryCheck((), ())
        needed, found, problems = self._count(matches, translation)
        verdicts: list[tuple[int, TermVerdict]] = []
        for form, wanted in needed.items():
            # Exact renderings serve the first occurrences (sorted is stable).
            spans = sorted(found.get(form, ()), key=lambda span: span.value is Verdict.INFLECTED)
            for index, match in enumerate(wanted):
                if index < len(spans):
                    span = spans[index]
                    rendering = translation[span.start : span.end]
                    verdict = TermVerdict(match.value, span.value, form, rendering)
                else:
                    verdict = TermVerdict(match.value, Verdict.MISSING, form)
                verdicts.append((match.start, verdict))
        ordered = tuple(verdict for _, verdict in sorted(verdicts, key=lambda item: item[0]))
        return GlossaryCheck(ordered, tuple(problems))

    def _count(
        self, matches: Sequence[TermMatch[Term]], translation: str
    ) -> tuple[
        dict[str, list[TermMatch[Term]]], dict[str, list[TermMatch[Verdict]]], list[TermProblem]
    ]:
        """The source occurrences by approved form, the renderings found by form, the problems.

        Inflected forms are looked for only when the exact ones fall short, so
        a translation with every term as approved costs one scan.
        """
        needed: dict[str, list[TermMatch[Term]]] = {}
        for match in matches:
            needed.setdefault(self._form(match.value), []).append(match)
        # Addresses count whole, and a name inside an address is not a rendering of it:
        # "https://un.org/news" holds neither "https://un.org" nor the term "un".
        addresses = verbatim_spans(translation)
        found: dict[str, list[TermMatch[Verdict]]] = {}
        for address in addresses:
            span = TermMatch(address.start, address.end, Verdict.EXACT)
            found.setdefault(address.value.text, []).append(span)
        hits = self._form_matcher.find(translation)
        if addresses:
            hits = outside(hits, addresses)
        rules = self._inflection_rules
        marks = rules if rules is not None and rules.suffix_marks else None
        folded = fold(translation) if marks is not None else ""
        for hit in hits:
            # "Bakü'de": the approved form as written, with a case suffix after it.
            end = None if marks is None else marks.marked_suffix_end(folded, hit.end)
            span = TermMatch(hit.start, hit.end, Verdict.EXACT)
            if end is not None:
                span = TermMatch(hit.start, end, Verdict.INFLECTED)
            found.setdefault(hit.value, []).append(span)
        taken: list[TermMatch[Any]] = [*addresses, *hits]
        short = any(len(found.get(form, ())) < len(wanted) for form, wanted in needed.items())
        if short and (self._variant_matcher or self._inflection_matcher):
            for matcher in (self._variant_matcher, self._inflection_matcher):
                for hit in outside(matcher.find(translation), taken):
                    found.setdefault(hit.value, []).append(
                        TermMatch(hit.start, hit.end, Verdict.INFLECTED)
                    )
                    taken.append(hit)
        problems = []
        for form, wanted in needed.items():
            count = len(found.get(form, ()))
            if count < len(wanted):
                for term in dict.fromkeys(match.value for match in wanted):
                    problems.append(
                        TermProblem(term, f"expected {form!r} {len(wanted)}×, found {count}×")
                    )
        problems += self._forbidden(matches, translation, taken)
        return needed, found, problems

    def _forbidden(
        self,
        matches: Sequence[TermMatch[Term]],
        translation: str,
        approved: Sequence[TermMatch[Any]],
    ) -> list[TermProblem]:
        """Forbidden renderings of the sentence's terms, as written or inflected."""
        if not self._forbidden_matcher:
            return []
        in_sentence = {match.value for match in matches}
        problems = []
        exact = self._forbidden_matcher.find(translation)
        for forbidden in exact:
            if forbidden.value in in_sentence:
                rendering = translation[forbidden.start : forbidden.end]
                problems.append(TermProblem(forbidden.value, f"forbidden rendering {rendering!r}"))
        if self._forbidden_inflections:
            for hit in outside(self._forbidden_inflections.find(translation), [*approved, *exact]):
                form, term = hit.value
                if term in in_sentence:
                    rendering = translation[hit.start : hit.end]
                    problems.append(
                        TermProblem(term, f"forbidden rendering {rendering!r} (inflected {form!r})")
                    )
        return problems

    def translate(
        self, engine: Engine, sentences: Sequence[str], source: str, target: str
    ) -> list[EnforcedTranslation]:
        """Translate ``sentences`` in as few engine calls as the failures allow."""
        matches = [self.find(sentence) for sentence in sentences]
        n_best = N_BEST if any(matches) else 1
        first_round = engine.translate_batch(sentences, source, target, num_hypotheses=n_best)
        candidates: list[list[_Candidate]] = [
            [self._candidate(found, hypothesis, ()) for hypothesis in translation.hypotheses]
            for found, translation in zip(matches, first_round, strict=True)
        ]
        failing = [i for i in range(len(sentences)) if not any(_passes(c) for c in candidates[i])]
        # The model's placeholders are probed (or read from the cache) only when needed.
        rounds = masking_rounds(placeholder_pools(engine, source, target)) if failing else []
        tried: set[tuple[int, str]] = set()
        for scheme, selective in rounds:
            pending: dict[int, _MaskedSentence] = {}
            for index in failing:
                if any(_passes(c) for c in candidates[index]):
                    continue
                wrong = {p.term for p in candidates[index][0].check.problems} if selective else None
                masked = self._mask(sentences[index], matches[index], scheme, wrong)
                if masked is not None and (index, masked.text) not in tried:
                    tried.add((index, masked.text))
                    pending[index] = masked
            if not pending:
                continue
            outputs = engine.translate_batch(
                [masked.text for masked in pending.values()], source, target, num_hypotheses=n_best
            )
            for (index, masked), output in zip(pending.items(), outputs, strict=True):
                for hypothesis in output.hypotheses:
                    restored = self._restore(hypothesis.text, masked)
                    if restored is not None:
                        names = tuple(slot.term.text for slot in masked.slots)
                        restored_hypothesis = Hypothesis(restored, hypothesis.score)
                        candidates[index].append(
                            self._candidate(matches[index], restored_hypothesis, names)
                        )
        return [
            self._choose(found, options) for found, options in zip(matches, candidates, strict=True)
        ]

    def _candidate(
        self, matches: Sequence[TermMatch[Term]], hypothesis: Hypothesis, masked: tuple[str, ...]
    ) -> _Candidate:
        return _Candidate(hypothesis, masked, self.assess(matches, hypothesis.text))

    def _choose(
        self, matches: Sequence[TermMatch[Term]], options: list[_Candidate]
    ) -> EnforcedTranslation:
        """The first passing candidate; else the one with fewest problems, unmasked first."""
        best = next((c for c in options if _passes(c)), None)
        if best is None:
            best = min(options, key=lambda c: len(c.check.problems))
        alternatives = [
            c.hypothesis.text
            for c in options
            if c is not best and len(c.check.problems) <= len(best.check.problems)
        ]
        unchecked = best.masked if self._inflection_rules is not None else ()
        return EnforcedTranslation(
            best.hypothesis.text,
            best.hypothesis.score,
            len(matches),
            best.check.correct,
            best.masked,
            best.check.problems,
            tuple(text for text in dict.fromkeys(alternatives) if text != best.hypothesis.text)[
                :MAX_ALTERNATIVES
            ],
            best.check.inflected,
            unchecked,
        )

    def _mask(
        self,
        sentence: str,
        matches: Sequence[TermMatch[Term]],
        scheme: _MaskScheme,
        only: set[Term] | None,
    ) -> _MaskedSentence | None:
        chosen = [m for m in matches if only is None or m.value in only]
        if not chosen:
            return None
        terms = list(dict.fromkeys(match.value for match in chosen))
        placeholders = scheme.placeholders(terms, sentence)
        if placeholders is None:
            return None
        by_term = dict(zip(terms, placeholders, strict=True))
        counts = Counter(match.value for match in chosen)
        parts, position = [], 0
        for match in chosen:
            parts += [sentence[position : match.start], by_term[match.value]]
            position = match.end
        parts.append(sentence[position:])
        slots = tuple(_Slot(by_term[term], term, counts[term]) for term in terms)
        return _MaskedSentence("".join(parts), slots)

    def _put_back(self, output: str, pattern: re.Pattern[str], term: Term) -> str:
        """The term's approved form for each placeholder, with the article before it fixed."""
        form = self._form(term)
        article = term.article(self.target)
        if article is None or self._article_rules is None:
            return pattern.sub(lambda _match: form, output)
        restored, position = "", 0
        for found in pattern.finditer(output):
            before = restored + output[position : found.start()]
            restored = fix_article(before, article, self._article_rules) + form
            position = found.end()
        return restored + output[position:]

    def _restore(self, output: str, masked: _MaskedSentence) -> str | None:
        """Put the approved forms back; None if a placeholder was dropped, doubled or mangled.

        A placeholder the model declined ("Zviroks") is replaced whole by the
        approved form, as written.
        """
        for slot in masked.slots:
            pattern = placeholder_pattern(slot.placeholder, self.target, ignore_case=True)
            if len(pattern.findall(output)) != slot.count:
                return None
            output = self._put_back(output, pattern, slot.term)
        lowered = output.lower()
        residue = any(
            word.lower() in lowered for slot in masked.slots for word in slot.placeholder.split()
        )
        return None if residue else output


def _passes(candidate: _Candidate) -> bool:
    return not candidate.check.problems
