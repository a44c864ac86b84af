"""Article in, review queue out: segment, translate what is new, merge into the queue.

The merge itself is :mod:`transflow.queue.merge` (gettext's ``msgmerge
--previous`` conventions); this module reads and segments the article, sends
what is missing to the engine — with protected terms enforced, inline
Markdown and typographic quotes taken out and put back — and writes the
queue under its lock.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from transflow.engines import Engine, select_engine
from transflow.errors import TransflowError
from transflow.glossary.enforcement import EnforcedTranslation, TermEnforcer
from transflow.glossary.model import Term
from transflow.languages import is_character_level
from transflow.queue.checks import count_flagged
from transflow.queue.merge import Occurrence, Prefill, merge, missing
from transflow.queue.model import MachineOutput, Queue, SegmentConfidence
from transflow.queue.pofile import format_queue, load_queue, locked, po_path, write_queue
from transflow.source.articles import Article, ArticleFormat, read_article
from transflow.source.markup import InlineMarkup, restore_inline, strip_inline
from transflow.source.quotes import QuoteMarks, restore_marks, straighten
from transflow.source.segmentation import engine_pieces, segment

# Optimistic concurrency: translate outside the lock, then merge under it; if
# another run changed the file meanwhile so that more sentences are missing,
# translate those and try again.
MAX_MERGE_ATTEMPTS = 5
# Longer sentences go to the engine in pieces (``engine_pieces``): at two
# characters a token, the worst of common SentencePiece models, 1,000
# characters stay well inside the 1,024 tokens CTranslate2 reads at once.
MAX_ENGINE_CHARACTERS = 1000
_FIRST_WORD = re.compile(r"\w+")


SourceSentence = Occurrence  # a sentence of the article, exactly as it appears there


@dataclass(frozen=True)
class SentenceTranslation:
    """The engine's translation of one sentence, and how it fared on the glossary."""

    machine: MachineOutput
    term_occurrences: int = 0
    terms_correct: int = 0
    glossary_problems: tuple[str, ...] = ()
    confidence: SegmentConfidence | None = None  # of ``machine.text``, where it was assessed

    @property
    def prefill(self) -> Prefill:
        return Prefill(machine=self.machine, confidence=self.confidence)


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
    flagged: int = 0  # segments of the file awaiting review that break the glossary
    from_memory: int = 0  # new segments pre-filled from the translation memory


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


def read_job_queue(job: ArticleJob) -> Queue:
    """The job's queue as it is on disk now, or a new empty one."""
    return load_queue(job.po_file, source=job.source, target=job.target, article=job.reference)


def missing_sentences(job: ArticleJob, prefills: Mapping[str, Prefill]) -> list[str]:
    """Sentences of ``job`` with neither a translated segment in its queue nor a prefill."""
    return missing(read_job_queue(job), job.distinct, prefills)


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

    def translate(texts: list[str]) -> dict[str, SentenceTranslation]:
        return translate_sentences(
            engine,
            texts,
            source=source,
            target=target,
            markdown_sentences=texts if job.markdown else (),
            enforcer=enforcer,
        )

    return write_job(job, {}, translate, engine, enforcer, started=started)


def write_job(
    job: ArticleJob,
    prefills: Mapping[str, Prefill],
    translate: Callable[[list[str]], Mapping[str, SentenceTranslation]],
    engine: Engine,
    enforcer: TermEnforcer,
    *,
    started: float,
    revision_date: str | None = None,
    partial: bool = False,
) -> QueueUpdate:
    """Merge ``prefills`` into the job's queue, translating whatever is still missing.

    Optimistic concurrency: ``translate`` runs outside the lock; the merge
    runs under it and starts over if another run changed the file meanwhile
    so that more sentences are missing. An up-to-date queue is not
    rewritten: reruns leave the file byte for byte as it was. A ``partial``
    write saves a long job's progress: sentences without a prefill are left
    untranslated, for a later write (or a rerun after a kill) to fill.
    """
    known = dict(prefills)
    terms = {"occurrences": 0, "correct": 0}
    for _attempt in range(MAX_MERGE_ATTEMPTS):
        fresh = translate(missing_sentences(job, known))
        for text, translated in fresh.items():
            known[text] = translated.prefill
            terms["occurrences"] += translated.term_occurrences
            terms["correct"] += translated.terms_correct
        with locked(job.po_file):
            queue = read_job_queue(job)
            _check_same_article(queue, job)
            still_missing = missing(queue, job.distinct, known)
            if still_missing and not partial:
                continue
            # A new file is written anyway: formatting it twice to compare is wasted.
            unchanged = format_queue(queue) if job.po_file.exists() else None
            result = merge(
                queue, job.sentences, known | dict.fromkeys(still_missing, Prefill()), job.reference
            )
            if unchanged is None or format_queue(queue) != unchanged:
                queue.revision_date = revision_date or po_date()
                queue.source_language, queue.target_language = job.source, job.target
                write_queue(queue, job.po_file)
            flagged = count_flagged(queue, enforcer)
            break
    else:
        raise TransflowError(f"{job.po_file}: changed by other runs too often; try again")

    return QueueUpdate(
        article=job.path,
        language=job.target,
        po_file=job.po_file,
        sentences=len(job.distinct),
        translated=result.translated,
        reused=result.reused,
        approved=result.approved,
        obsoleted=result.obsoleted,
        seconds=time.perf_counter() - started,
        engine=engine.name,
        model=engine.model_id(job.source, job.target),
        markup_lost=result.markup_lost,
        term_occurrences=terms["occurrences"],
        terms_correct=terms["correct"],
        masked=result.masked,
        flagged=flagged,
        from_memory=result.from_memory,
    )


def po_date(moment: datetime | None = None) -> str:
    """A PO header date (``2026-12-01 14:05+0000``)."""
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M+0000")


def translate_sentences(
    engine: Engine,
    sentences: Sequence[str],
    *,
    source: str,
    target: str,
    markdown_sentences: Collection[str] = (),
    enforcer: TermEnforcer | None = None,
) -> dict[str, SentenceTranslation]:
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
        machine = MachineOutput(
            output,
            engine.name,
            model,
            result.score,
            markup_lost=lost,
            masked_terms=result.masked,
            unchecked_inflection=result.unchecked_inflection,
            alternatives=alternatives,
        )
        translations[sentence] = SentenceTranslation(
            machine,
            term_occurrences=result.occurrences,
            terms_correct=result.correct,
            glossary_problems=tuple(str(problem) for problem in result.problems),
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


def _check_same_article(queue: Queue, job: ArticleJob) -> None:
    recorded = queue.article
    if recorded and recorded != job.reference and Path(recorded).exists():
        raise TransflowError(
            f"{job.po_file}: already holds the queue of {recorded}; "
            f"rename {job.reference} or use another --locales directory"
        )
