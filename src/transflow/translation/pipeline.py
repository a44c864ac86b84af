"""Article in, review queue out: segment, translate what is new, merge into the PO file.

The merge follows gettext's own conventions (``msgmerge --previous``) so that
every PO tool understands the result: a sentence that is still in the article
keeps its entry untouched (approved or not, it is never sent to the engine
again); a changed sentence becomes a new fuzzy entry that remembers the
previous source (``#| msgid``); a sentence that left the article becomes
obsolete (``#~``), never deleted, so a translator's work is always recoverable.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import polib

from transflow.engines import Engine, select_engine
from transflow.errors import TransflowError
from transflow.glossary.enforcement import EnforcedTranslation, TermEnforcer
from transflow.glossary.model import Term
from transflow.languages import is_character_level
from transflow.queue.pofile import (
    EntryState,
    MachineTranslation,
    ReviewFile,
    entry_state,
    locked,
    po_path,
    record_machine_translation,
    record_previous_translation,
)
from transflow.source.articles import Article, ArticleFormat, read_article
from transflow.source.markup import InlineMarkup, restore_inline, strip_inline
from transflow.source.quotes import QuoteMarks, restore_marks, straighten
from transflow.source.segmentation import engine_pieces, segment

# A changed sentence is linked to the removed sentence it most resembles, as
# msgmerge does for fuzzy matches, when they are at least this similar.
PREVIOUS_SOURCE_MIN_SIMILARITY = 0.5
# Optimistic concurrency: translate outside the lock, then merge under it; if
# another run changed the file meanwhile so that more sentences are missing,
# translate those and try again.
MAX_MERGE_ATTEMPTS = 5
# Longer sentences go to the engine in pieces (``engine_pieces``): at two
# characters a token, the worst of common SentencePiece models, 1,000
# characters stay well inside the 1,024 tokens CTranslate2 reads at once.
MAX_ENGINE_CHARACTERS = 1000
_FIRST_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SourceSentence:
    """A sentence of the article, exactly as it appears there (the PO msgid)."""

    text: str
    line: int


@dataclass(frozen=True)
class QueueUpdate:
    """What one run did to one PO file; the numbers count distinct sentences."""

    article: Path
    language: str
    po_file: Path
    sentences: int
    translated: int
    reused: int
    approved: int
    obsoleted: int
    seconds: float
    engine: str
    model: str
    markup_lost: int = 0
    # Over the sentences translated in this run: protected-term occurrences, how
    # many came out as approved, and how many sentences needed masking.
    term_occurrences: int = 0
    terms_correct: int = 0
    masked: int = 0
    flagged: int = 0  # entries of the file awaiting review with a glossary violation


@dataclass
class _Merge:
    translated: int = 0
    reused: int = 0
    approved: int = 0
    obsoleted: int = 0
    markup_lost: int = 0
    term_occurrences: int = 0
    terms_correct: int = 0
    masked: int = 0
    ordered: list[polib.POEntry] = field(default_factory=list)


def article_sentences(article: Article, source_language: str) -> list[SourceSentence]:
    """Every sentence of every translatable block, in article order, with its line."""
    sentences = []
    for block in article.blocks:
        if not block.translatable:
            continue
        for sentence in segment(block.text, source_language):
            line = block.line + block.text.count("\n", 0, sentence.start)
            sentences.append(SourceSentence(sentence.text, line))
    return sentences


def article_reference(path: Path) -> str:
    """The article's path as recorded in PO references: relative to the workspace if inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


@dataclass(frozen=True)
class ArticleJob:
    """One article to bring into one language's queue: what it holds and where it goes."""

    path: Path
    sentences: list[SourceSentence]
    markdown: bool
    reference: str
    po_file: Path
    source: str
    target: str

    @property
    def distinct(self) -> list[str]:
        return list(dict.fromkeys(sentence.text for sentence in self.sentences))


def prepare_job(
    article_path: Path, *, source: str, target: str, locales_dir: Path = Path("locales")
) -> ArticleJob:
    """Read and segment an article; bad input raises here, before any translation."""
    article = read_article(article_path)
    sentences = article_sentences(article, source)
    if not sentences:
        raise TransflowError(f"{article_path}: no sentences to translate")
    return ArticleJob(
        path=article_path,
        sentences=sentences,
        markdown=article.format == ArticleFormat.MARKDOWN,
        reference=article_reference(article_path),
        po_file=po_path(locales_dir, target, article_path),
        source=source,
        target=target,
    )


def missing_sentences(job: ArticleJob, translations: Mapping[str, MachineTranslation]) -> list[str]:
    """Sentences of ``job`` with neither a usable entry in its queue file nor a translation."""
    return _missing_translations(ReviewFile.load(job.po_file), job.distinct, translations)


def translate_article(
    article_path: Path,
    *,
    target: str,
    source: str = "en",
    engine: Engine | None = None,
    engine_name: str = "auto",
    locales_dir: Path = Path("locales"),
    terms: Sequence[Term] = (),
) -> QueueUpdate:
    """Bring ``locales/<target>/<article>.po`` up to date with the article.

    ``terms`` are the protected terms for this language pair
    (``Glossary.for_pair``); new translations are checked against them.
    """
    started = time.perf_counter()
    job = prepare_job(article_path, source=source, target=target, locales_dir=locales_dir)
    engine = engine or select_engine(engine_name, source, target)
    enforcer = TermEnforcer(terms, target)

    def translate(texts: list[str]) -> dict[str, MachineTranslation]:
        return translate_sentences(
            engine,
            texts,
            source=source,
            target=target,
            markdown_sentences=texts if job.markdown else (),
            enforcer=enforcer,
        )

    return write_queue(job, {}, translate, engine, started=started)


def write_queue(
    job: ArticleJob,
    translations: Mapping[str, MachineTranslation],
    translate: Callable[[list[str]], dict[str, MachineTranslation]],
    engine: Engine,
    *,
    started: float,
) -> QueueUpdate:
    """Merge ``translations`` into the job's queue file, translating whatever is still missing.

    Optimistic concurrency: ``translate`` runs outside the lock; the merge
    runs under it and starts over if another run changed the file meanwhile
    so that more sentences are missing.
    """
    known = dict(translations)
    for _attempt in range(MAX_MERGE_ATTEMPTS):
        known |= translate(missing_sentences(job, known))
        with locked(job.po_file):
            review_file = ReviewFile.load(job.po_file)
            _check_same_article(review_file, job.reference)
            if _missing_translations(review_file, job.distinct, known):
                continue
            unchanged = str(review_file.catalog)
            merge = _merge(review_file, job.sentences, known, job.reference)
            # An up-to-date file is not rewritten: reruns leave it byte for byte as it was.
            if str(review_file.catalog) != unchanged:
                review_file.update_header(
                    language=job.target,
                    source_language=job.source,
                    project=job.path.stem,
                    source_file=job.reference,
                )
                review_file.save()
            flagged = review_file.stats().flagged
            break
    else:
        raise TransflowError(f"{job.po_file}: changed by other runs too often; try again")

    return QueueUpdate(
        article=job.path,
        language=job.target,
        po_file=job.po_file,
        sentences=len(job.distinct),
        translated=merge.translated,
        reused=merge.reused,
        approved=merge.approved,
        obsoleted=merge.obsoleted,
        seconds=time.perf_counter() - started,
        engine=engine.name,
        model=engine.model_id(job.source, job.target),
        markup_lost=merge.markup_lost,
        term_occurrences=merge.term_occurrences,
        terms_correct=merge.terms_correct,
        masked=merge.masked,
        flagged=flagged,
    )


def translate_sentences(
    engine: Engine,
    sentences: Sequence[str],
    *,
    source: str,
    target: str,
    markdown_sentences: Collection[str] = (),
    enforcer: TermEnforcer | None = None,
) -> dict[str, MachineTranslation]:
    """Machine-translate ``sentences`` in one engine batch; keys are the sentences as given.

    The engine sees plain text: inline Markdown is stripped from the
    ``markdown_sentences`` before and put back after, and line breaks inside a
    sentence become spaces. With an ``enforcer``, protected terms are checked
    (and repaired) on that plain text.
    """
    if not sentences:
        return {}
    enforcer = enforcer or TermEnforcer((), target)
    markdown = set(markdown_sentences)
    prepared = [_prepare(sentence, sentence in markdown) for sentence in sentences]
    engine_texts = list(dict.fromkeys(item.text for item in prepared))
    pieces = {text: _pieces(text, enforcer) for text in engine_texts}
    distinct = list(dict.fromkeys(piece.strip() for text in engine_texts for piece in pieces[text]))
    translated = dict(
        zip(distinct, enforcer.translate(engine, distinct, source, target), strict=True)
    )
    space = "" if is_character_level(target) else " "
    results = {
        text: EnforcedTranslation.joined(
            [_continued(translated[piece.strip()], piece) for piece in pieces[text]], space
        )
        for text in engine_texts
    }
    model = engine.model_id(source, target)
    translations = {}
    for sentence, item in zip(sentences, prepared, strict=True):
        result = results[item.text]
        output, lost = item.restore(result.text)
        alternatives = tuple(item.restore(alternative)[0] for alternative in result.alternatives)
        translations[sentence] = MachineTranslation(
            output,
            engine.name,
            model,
            result.score,
            markup_lost=lost,
            term_occurrences=result.occurrences,
            terms_correct=result.correct,
            glossary_problems=tuple(str(problem) for problem in result.problems),
            masked_terms=result.masked,
            alternatives=alternatives,
        )
    return translations


def _continued(translation: EnforcedTranslation, piece: str) -> EnforcedTranslation:
    """A piece's translation, not capitalised if the piece went on a sentence mid-way.

    Each piece reaches the engine alone, so the model (and the article fix)
    start it as a sentence: "the guests" comes back as "Os convidados". Only a
    capitalised first word that the piece does not have as written ("Herzog",
    "ONU" stay) is lowered.
    """
    text = translation.text
    first = _FIRST_WORD.match(text)
    if first is None or not piece[:1].islower():
        return translation
    word = first.group()
    capitalised = word[:1].isupper() and (len(word) == 1 or word[1:].islower())
    if capitalised and not re.search(rf"\b{re.escape(word)}\b", piece):
        return replace(translation, text=text[0].lower() + text[1:])
    return translation


def _pieces(text: str, enforcer: TermEnforcer) -> list[str]:
    """A sentence longer than a model reads at once, cut between its protected terms."""
    if len(text) <= MAX_ENGINE_CHARACTERS:
        return [text]
    terms = [(match.start, match.end) for match in enforcer.find(text)]
    return engine_pieces(text, MAX_ENGINE_CHARACTERS, terms)


@dataclass(frozen=True)
class _EngineText:
    """A sentence as the engine sees it, and what to put back into its translation."""

    text: str
    markup: InlineMarkup | None
    quotes: QuoteMarks

    def restore(self, translation: str) -> tuple[str, tuple[str, ...]]:
        """The translation with the source's quotation marks and markup, and markup lost."""
        translation = restore_marks(translation, self.quotes)
        if self.markup is None:
            return translation, ()
        restored = restore_inline(translation, self.markup)
        return restored.text, tuple(restored.lost)


def _prepare(sentence: str, markdown: bool) -> _EngineText:
    """Plain text for the engine: inline Markdown stripped, one line, straight quotes."""
    plain, markup = strip_inline(sentence) if markdown else (sentence, None)
    text, quotes = straighten(" ".join(plain.split()))
    return _EngineText(text, markup, quotes)


def _missing_translations(
    review_file: ReviewFile, distinct: list[str], translations: Mapping[str, MachineTranslation]
) -> list[str]:
    """Sentences that have neither a usable entry in the file nor a fresh translation."""
    usable = {entry.msgid for entry in review_file.catalog if entry.msgstr}
    return [text for text in distinct if text not in usable and text not in translations]


def _check_same_article(review_file: ReviewFile, reference: str) -> None:
    recorded = review_file.catalog.metadata.get("X-Source-File")
    if recorded and recorded != reference and Path(recorded).exists():
        raise TransflowError(
            f"{review_file.path}: already holds the queue of {recorded}; "
            f"rename {reference} or use another --locales directory"
        )


def _merge(
    review_file: ReviewFile,
    sentences: list[SourceSentence],
    translations: dict[str, MachineTranslation],
    reference: str,
) -> _Merge:
    merge = _Merge()
    active = {entry.msgid: entry for entry in review_file.active_entries()}
    obsolete = {entry.msgid: entry for entry in review_file.obsolete_entries()}
    occurrences: dict[str, list[tuple[str, str]]] = {}
    for sentence in sentences:
        occurrences.setdefault(sentence.text, []).append((reference, str(sentence.line)))

    removed = [entry for msgid, entry in active.items() if msgid not in occurrences]
    new_texts = [text for text in occurrences if text not in active]
    previous = _match_previous_sources(new_texts, removed)

    for text, places in occurrences.items():
        entry = active.get(text) or obsolete.pop(text, None)
        if entry is not None and entry.msgstr:
            merge.reused += 1
        else:
            entry = entry or polib.POEntry(msgid=text)
            _fill_new_entry(entry, translations[text], previous.get(text), merge)
        entry.obsolete = False
        entry.occurrences = places
        if entry_state(entry) is EntryState.APPROVED:
            merge.approved += 1
        merge.ordered.append(entry)

    for entry in removed:
        entry.obsolete = True
        entry.occurrences = []
        merge.obsoleted += 1
    kept_obsolete = [entry for entry in review_file.obsolete_entries() if entry.msgid in obsolete]
    review_file.catalog[:] = [*merge.ordered, *kept_obsolete, *removed]
    return merge


def _fill_new_entry(
    entry: polib.POEntry,
    machine: MachineTranslation,
    previous: polib.POEntry | None,
    merge: _Merge,
) -> None:
    record_machine_translation(entry, machine)
    merge.translated += 1
    merge.markup_lost += bool(machine.markup_lost)
    merge.term_occurrences += machine.term_occurrences
    merge.terms_correct += machine.terms_correct
    merge.masked += bool(machine.masked_terms)
    if previous is not None:
        entry.previous_msgid = previous.msgid
        if previous.msgstr and entry_state(previous) is EntryState.APPROVED:
            record_previous_translation(entry, previous.msgstr)


def _match_previous_sources(
    new_texts: list[str], removed: list[polib.POEntry]
) -> dict[str, polib.POEntry]:
    """Pair each new sentence with the most similar removed one (each used once)."""
    matches: dict[str, polib.POEntry] = {}
    available = list(removed)
    for text in new_texts:
        best, best_ratio = None, PREVIOUS_SOURCE_MIN_SIMILARITY
        for candidate in available:
            matcher = difflib.SequenceMatcher(None, text, candidate.msgid, autojunk=False)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio:
                best, best_ratio = candidate, ratio
        if best is not None:
            matches[text] = best
            available.remove(best)
    return matches
