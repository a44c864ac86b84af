"""Glossary enforcement: every protected term comes out as approved, or the segment is flagged.

Translation runs in rounds, each one batched engine call over the sentences
still failing, and each candidate is *verified* the same way: every source
occurrence of a protected term must appear in the translation as the term's
approved target form (case-sensitive, whole word), no forbidden rendering may
appear, and no placeholder may be left over.

1. **Unmasked**, n-best: the model sees the real sentence. Measured on the
   bundled model (``benchmarks/placeholder_bench.py``), this keeps the fluency
   and Portuguese articles ("do Azerbaijão") that any masking loses, and gets
   most terms right; the first hypothesis that passes wins.
2. **Selective masking**: only the terms the unmasked translation got wrong are
   replaced by invented names of the same kind (a person by an invented first
   and last name, a place by an invented place name) that the model copies
   verbatim; the approved forms go back in afterwards, and where the glossary
   gives the form's article, the article before it is corrected
   (``term_articles``).
3. **Full masking** with other invented names, then with ``Nnn1``-style tokens:
   the model is deterministic, so a retry must change its input.

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
from collections.abc import Sequence
from dataclasses import dataclass

from transflow.engines.base import Engine, Hypothesis
from transflow.glossary.grammar import fix_article, rules_for
from transflow.glossary.matching import TermMatch, TermMatcher
from transflow.glossary.model import Term, TermKind
from transflow.glossary.verbatim import outside, verbatim_spans

# How many hypotheses to ask for when a sentence holds protected terms. Beam
# search keeps this many anyway, so the alternatives cost nothing extra.
N_BEST = 4
MAX_ALTERNATIVES = 2

# Invented names the bundled en→pt model copied verbatim in probe sentences
# (``calibrate_pools`` in benchmarks/placeholder_bench.py). Typed names keep
# the sentence natural, so the model translates the rest as it would the real one.
PSEUDO_NAMES: dict[str, tuple[str, ...]] = {
    "person": (
        "Staruze", "Ketrak", "Bodrakin", "Puvrate", "Stenult", "Zebukri",
        "Steskin", "Bravri", "Skekadrax", "Vravrot", "Prinelt", "Mebravas",
    ),
    "person-full": (
        "Skeskas Tukrix", "Zvuverk Nustond", "Staglun Trivri", "Skekalt Skuzvand",
        "Vritrax Krizolt", "Prazverk Nibrik", "Krugis Latrex", "Kuvrak Krobrelt",
        "Krurar Movror", "Vrovru Drebrik", "Brovand Skokak", "Stipir Drokret",
    ),
    "place": (
        "Zvirok", "Fozvokron", "Glitork", "Zviton", "Skukrilt", "Vratazok",
        "Bretris", "Zvibavox", "Sivutruk", "Glaskugalt", "Staskeprak", "Prikrekrax",
    ),
    "organisation": (
        "Glumadras", "Diguzvot", "Prituzvelt", "Zvogex", "Tetrund", "Zvafix",
        "Buglir", "Prusapron", "Stikode", "Stutabat", "Trunend", "Zviprak",
    ),
    "event": (
        "Faglal", "Zvinaprus", "Rustund", "Tovrark", "Vrizvand", "Profet",
        "Rikrel", "Rubrul", "Dridrezvu", "Goprut", "Zevrazvat", "Proskidrerk",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class TermProblem:
    """Why a translation does not satisfy the glossary, for the reviewer."""

    term: Term
    message: str

    def __str__(self) -> str:
        return f"{self.term.text}: {self.message}"


@dataclass(frozen=True)
class EnforcedTranslation:
    """The chosen translation of one sentence and what the glossary check found."""

    text: str
    score: float | None
    occurrences: int  # protected-term occurrences in the source sentence
    correct: int  # of those, rendered as their approved form
    masked: tuple[str, ...]  # terms put in by masking: check the words around them
    problems: tuple[TermProblem, ...]
    # Other hypotheses no worse on the glossary, for the reviewer to pick from.
    alternatives: tuple[str, ...] = ()

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
        )


@dataclass(frozen=True)
class _Candidate:
    hypothesis: Hypothesis
    masked: tuple[str, ...]
    correct: int
    problems: tuple[TermProblem, ...]


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

    def __init__(self, variant: int) -> None:
        self.variant = variant

    def placeholders(self, terms: Sequence[Term], sentence: str) -> list[str] | None:
        lowered = sentence.lower()
        chosen: list[str] = []
        for term in terms:
            pool = PSEUDO_NAMES[_pool_name(term)]
            start = (5 * self.variant + len(chosen)) % len(pool)
            rotated = pool[start:] + pool[:start]
            name = next((n for n in rotated if n.lower() not in lowered and n not in chosen), None)
            if name is None:
                return None
            chosen.append(name)
        return chosen


class _NumberedTokens(_MaskScheme):
    """``Nnn1``, ``Nnn2``…: survived every sentence of the benchmark, but reads less naturally."""

    def placeholders(self, terms: Sequence[Term], sentence: str) -> list[str] | None:
        if "nnn" in sentence.lower():
            return None
        return [f"Nnn{index}" for index in range(1, len(terms) + 1)]


def _pool_name(term: Term) -> str:
    if term.kind is TermKind.PERSON:
        return "person-full" if " " in term.text.strip() else "person"
    if term.kind is TermKind.ORGANISATION:
        return "organisation"
    if term.kind is TermKind.EVENT:
        return "event"
    return "place"


# (scheme, mask only the terms the unmasked translation got wrong)
_MASKING_ROUNDS: tuple[tuple[_MaskScheme, bool], ...] = (
    (_PseudoNames(0), True),
    (_PseudoNames(1), False),
    (_NumberedTokens(), False),
)


class TermEnforcer:
    """The protected terms of one language pair, compiled for matching and checking."""

    def __init__(self, terms: Sequence[Term], target: str) -> None:
        self.target = target
        self._forms = {term: form for term in terms if (form := term.target_form(target))}
        self._source_matcher: TermMatcher[Term] = TermMatcher((t.text, t) for t in self._forms)
        self._form_matcher: TermMatcher[str] = TermMatcher((f, f) for f in self._forms.values())
        self._forbidden_matcher: TermMatcher[Term] = TermMatcher(
            (form, term) for term in self._forms for form in term.forbidden.get(target, ())
        )
        # An English possessive left after a restored name ("Zvirok's") is noise in
        # other languages, but real grammar in English.
        self._possessive = "" if target == "en" else r"(?:['’]s)?"
        self._article_rules = rules_for(target)

    def find(self, sentence: str) -> list[TermMatch[Term]]:
        """The protected occurrences in a source sentence, addresses and handles included.

        A glossary name inside an address ("…/Israel-visit") is part of the
        address, not a term of its own.
        """
        addresses = verbatim_spans(sentence)
        terms = outside(self._source_matcher.find(sentence), addresses)
        return sorted(terms + addresses, key=lambda match: match.start)

    def _form(self, term: Term) -> str:
        """The approved form of a glossary term; an address or handle stays as written."""
        return self._forms.get(term) or term.text

    def check(
        self, matches: Sequence[TermMatch[Term]], translation: str
    ) -> tuple[int, list[TermProblem]]:
        """How many occurrences came out right, and every problem found."""
        if not matches:  # forbidden renderings count only for terms of the sentence
            return 0, []
        terms_by_form: dict[str, list[Term]] = {}
        needed: Counter[str] = Counter()
        for match in matches:
            form = self._form(match.value)
            needed[form] += 1
            terms = terms_by_form.setdefault(form, [])
            if match.value not in terms:
                terms.append(match.value)
        # Addresses count whole, and a name inside an address is not a rendering of it:
        # "https://un.org/news" holds neither "https://un.org" nor the term "un".
        addresses = verbatim_spans(translation)
        found = Counter(address.value.text for address in addresses)
        found.update(hit.value for hit in outside(self._form_matcher.find(translation), addresses))
        correct = 0
        problems = []
        for form, count in needed.items():
            correct += min(count, found[form])
            if found[form] < count:
                for term in terms_by_form[form]:
                    problems.append(
                        TermProblem(term, f"expected {form!r} {count}×, found {found[form]}×")
                    )
        in_sentence = {match.value for match in matches}
        for forbidden in self._forbidden_matcher.find(translation):
            if forbidden.value in in_sentence:
                rendering = translation[forbidden.start : forbidden.end]
                problems.append(TermProblem(forbidden.value, f"forbidden rendering {rendering!r}"))
        return correct, problems

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
        for scheme, selective in _MASKING_ROUNDS:
            pending: dict[int, _MaskedSentence] = {}
            for index, sentence in enumerate(sentences):
                if any(not c.problems for c in candidates[index]):
                    continue
                failing = {p.term for p in candidates[index][0].problems} if selective else None
                masked = self._mask(sentence, matches[index], scheme, failing)
                if masked is not None:
                    pending[index] = masked
            if not pending:
                break
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
        correct, problems = self.check(matches, hypothesis.text)
        return _Candidate(hypothesis, masked, correct, tuple(problems))

    @staticmethod
    def _choose(
        matches: Sequence[TermMatch[Term]], options: list[_Candidate]
    ) -> EnforcedTranslation:
        """The first passing candidate; else the one with fewest problems, unmasked first."""
        best = next((c for c in options if not c.problems), None)
        if best is None:
            best = min(options, key=lambda c: len(c.problems))
        alternatives = [
            c.hypothesis.text
            for c in options
            if c is not best and len(c.problems) <= len(best.problems)
        ]
        return EnforcedTranslation(
            best.hypothesis.text,
            best.hypothesis.score,
            len(matches),
            best.correct,
            best.masked,
            best.problems,
            tuple(text for text in dict.fromkeys(alternatives) if text != best.hypothesis.text)[
                :MAX_ALTERNATIVES
            ],
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
        article = term.articles.get(self.target)
        if article is None or self._article_rules is None:
            return pattern.sub(lambda _match: form, output)
        restored, position = "", 0
        for found in pattern.finditer(output):
            before = restored + output[position : found.start()]
            restored = fix_article(before, article, self._article_rules) + form
            position = found.end()
        return restored + output[position:]

    def _restore(self, output: str, masked: _MaskedSentence) -> str | None:
        """Put the approved forms back; None if a placeholder was dropped, doubled or mangled."""
        for slot in masked.slots:
            words = r"\s+".join(re.escape(word) for word in slot.placeholder.split())
            pattern = re.compile(rf"(?<!\w){words}{self._possessive}(?!\w)", re.IGNORECASE)
            if len(pattern.findall(output)) != slot.count:
                return None
            output = self._put_back(output, pattern, slot.term)
        lowered = output.lower()
        residue = any(
            word.lower() in lowered for slot in masked.slots for word in slot.placeholder.split()
        )
        return None if residue else output
