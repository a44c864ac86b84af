"""Batch jobs: many articles × many languages, incremental, resumable and streamed.

For each target language one engine is loaded and the articles are streamed
through it in chunks: the sentences still missing from a chunk's queue files
are pooled, deduplicated and sent to the engine as one batch (which sorts them
by length), so many small articles fill the model's batches as one large one
would. Sentences that an earlier run translated with the same model anywhere
in the workspace come from a translation memory instead of the engine.

Every translation the job puts into a queue, from the engine or a memory,
gets a confidence (``transflow.confidence``), recorded on its segment: the
round trip through the reverse model where one is installed, one
back-translation call per engine piece, or the forward-only signals when
there is none or the caller skips it.

Each article's PO file is written (atomically, under its lock) as soon as its
chunk is translated, so a job killed at any point leaves valid files and a
rerun only translates what is missing. A bad article is reported and skipped;
the rest of the job goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from transflow.confidence import PairAssessor
from transflow.engines import Engine, select_engine
from transflow.errors import InputError, TransflowError
from transflow.glossary.enforcement import TermEnforcer
from transflow.glossary.model import Glossary
from transflow.languages import gettext_name
from transflow.memory.segment import Match
from transflow.queue.checks import glossary_problems
from transflow.queue.merge import Prefill
from transflow.queue.model import MemoryOrigin, Queue
from transflow.queue.pofile import queue_paths, read_queue
from transflow.translation.pipeline import (
    ArticleJob,
    SentenceTranslation,
    missing_sentences,
    prepare_job,
    translate_sentences,
    write_job,
)

ARTICLE_SUFFIXES = (".txt", ".md")
LIST_FILE_SUFFIXES = (".list", ".lst")
# Missing sentences pooled per engine batch: large enough to fill the model's
# batches, small enough to bound memory.
CHUNK_SENTENCES = 2048
# The engine gets a chunk in pieces of this many sentences (well under 30 s of
# decoding for the models measured in benchmarks/README.md), and whatever is
# translated is saved once this many seconds have passed: a kill, a crash or
# Ctrl-C in a long job loses at most that much engine work, even inside one
# huge article.
ENGINE_PIECE_SENTENCES = 256
SAVE_EVERY_SECONDS = 30.0

EngineFactory = Callable[[str, str], Engine]


@dataclass
class ArticleOutcome:
    """What the job did for one article in one language (counts are distinct sentences)."""

    article: str
    language: str
    status: str  # "updated", "unchanged", "planned" (dry run) or "failed"
    po_file: str | None = None
    sentences: int = 0
    translated: int = 0  # by the engine in this run
    from_memory: int = 0  # the same model's output for the sentence elsewhere in the workspace
    from_approved: int = 0  # the team's approved translation (translation memory), for review
    reused: int = 0  # already in this article's queue file
    approved: int = 0
    obsoleted: int = 0
    flagged: int = 0
    # Over the sentences the engine translated in this run: protected-term
    # occurrences, how many came out as approved, sentences repaired by masking.
    term_occurrences: int = 0
    terms_correct: int = 0
    masked: int = 0
    markup_lost: int = 0
    seconds: float = 0.0
    error: str | None = None


@dataclass
class LanguageRun:
    language: str
    engine: str = ""
    model: str = ""
    sentences_translated: int = 0
    # Sent to the reverse model for the confidence's round trip (in engine_seconds too).
    sentences_back_translated: int = 0
    engine_seconds: float = 0.0


@dataclass
class BatchReport:
    started: str
    languages: dict[str, LanguageRun] = field(default_factory=dict)
    outcomes: list[ArticleOutcome] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def failed(self) -> list[ArticleOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    def totals(self) -> dict[str, int]:
        keys = ("sentences", "translated", "from_memory", "from_approved", "reused", "flagged")
        totals = {key: sum(getattr(o, key) for o in self.outcomes) for key in keys}
        totals["articles"] = len({o.article for o in self.outcomes})
        totals["failed"] = len(self.failed)
        return totals

    def to_json(self) -> dict[str, object]:
        return {
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "dry_run": self.dry_run,
            "totals": self.totals(),
            "languages": {code: asdict(run) for code, run in self.languages.items()},
            "articles": [asdict(outcome) for outcome in self.outcomes],
        }


class BatchObserver(Protocol):
    """Progress callbacks, so the CLI can draw bars without the library knowing about rich."""

    def language_started(self, language: str, articles: int) -> None: ...

    def article_done(self, outcome: ArticleOutcome) -> None: ...

    def sentences_translated(self, language: str, count: int) -> None: ...


def discover_articles(paths: Sequence[Path]) -> tuple[list[Path], list[InputError]]:
    """Articles named by files, directories (recursively) and list files, in a stable order.

    A list file (``.list``/``.lst``, one path per line, ``#`` comments,
    relative to the list's folder) names articles of any location. Paths
    that do not exist are returned as errors so the job can report them and go on.
    """
    found: list[Path] = []
    problems: list[InputError] = []
    for path in paths:
        if path.suffix in LIST_FILE_SUFFIXES and path.is_file():
            listed, listing_problems = _read_list_file(path)
            found += listed
            problems += listing_problems
        elif path.is_dir():
            found += sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.suffix in ARTICLE_SUFFIXES
                and candidate.is_file()
                and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
            )
        elif path.exists():
            found.append(path)
        else:
            problems.append(InputError(path, "no such file or directory"))
    return list(dict.fromkeys(found)), problems


def _read_list_file(path: Path) -> tuple[list[Path], list[InputError]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        return [], [InputError(path, f"cannot read list file ({error})")]
    found, problems = [], []
    for number, line in enumerate(lines, start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        article = path.parent / entry
        if article.is_file():
            found.append(article)
        else:
            problems.append(InputError(path, f"listed article {entry} does not exist", number))
    return found, problems


class MachineOutputMemory:
    """Exact-match memory of one model's output for one language, across the workspace.

    Only translations by the same model are reused, so a sentence gets the
    very text the engine would produce again, just without the cost, and the
    confidence recorded for that text where there is one.
    """

    def __init__(self, model: str) -> None:
        self.model = model
        self._texts: dict[str, Prefill] = {}

    @classmethod
    def from_queue(cls, locales_dir: Path, language: str, model: str) -> MachineOutputMemory:
        memory = cls(model)
        for queue in _readable_queues(locales_dir, language):
            for segment in queue.active:
                machine = segment.machine
                if machine is not None and machine.model == model:
                    prefill = Prefill(
                        machine=machine, confidence=segment.confidence_of(machine.text)
                    )
                    memory._texts.setdefault(segment.source, prefill)
        return memory

    def get(self, sentence: str) -> Prefill | None:
        return self._texts.get(sentence)

    def update(self, translations: dict[str, SentenceTranslation]) -> None:
        self._texts.update({text: result.prefill for text, result in translations.items()})

    def __len__(self) -> int:
        return len(self._texts)


class ApprovedMemory(Protocol):
    """The team's approved translations (``transflow.memory.TranslationMemory``)."""

    def exact(
        self,
        source: str,
        source_lang: str,
        target_lang: str,
        *,
        before: str | None = None,
        after: str | None = None,
    ) -> list[Match]: ...


def _prefills(
    pending: _Pending,
    approved: dict[str, Prefill],
    remembered: dict[str, Prefill],
    translated: dict[str, SentenceTranslation],
) -> dict[str, Prefill]:
    """What each missing sentence of ``pending`` gets, best source first: the team's approved
    translation, else the same model's earlier output, else this run's."""
    given = {}
    for text in pending.missing:
        if text in approved:
            given[text] = approved[text]
        elif text in remembered:
            given[text] = remembered[text]
        elif text in translated:
            given[text] = translated[text].prefill
    return given


def _readable_queues(locales_dir: Path, language: str) -> Iterator[Queue]:
    """Queue files that load; a malformed one is reported when its own article comes up."""
    for path in queue_paths(locales_dir, language):
        try:
            yield read_queue(path)
        except TransflowError:
            continue


def run_batch(
    articles: Sequence[Path],
    *,
    targets: Sequence[str],
    source: str = "en",
    glossary: Glossary | None = None,
    locales_dir: Path = Path("locales"),
    engine_name: str = "auto",
    engine_factory: EngineFactory | None = None,
    workers: int = 1,
    dry_run: bool = False,
    chunk_sentences: int = CHUNK_SENTENCES,
    observer: BatchObserver | None = None,
    problems: Iterable[InputError] = (),
    save_every_seconds: float = SAVE_EVERY_SECONDS,
    engine_piece_sentences: int = ENGINE_PIECE_SENTENCES,
    approved_memory: ApprovedMemory | None = None,
    accept_context_matches: bool = False,
    round_trip: bool = True,
) -> BatchReport:
    """Bring the queue of every article in every target language up to date.

    ``problems`` (e.g. from :func:`discover_articles`) are reported as failed
    articles. Engines are created per language by ``engine_factory`` (default:
    :func:`select_engine` with ``engine_name``) before any article is read, so
    an unsupported language pair stops the job at once. Each new translation's
    confidence is recorded on its segment, with the round trip through the
    reverse model where one is installed, unless ``round_trip`` is false.
    """
    started = time.perf_counter()
    report = BatchReport(started=datetime.now(UTC).isoformat(timespec="seconds"), dry_run=dry_run)
    glossary = glossary or Glossary()
    factory = engine_factory or (lambda src, tgt: select_engine(engine_name, src, tgt))
    for folder in (locales_dir, *(locales_dir / gettext_name(target) for target in targets)):
        if folder.exists() and not folder.is_dir():  # every article would fail the same way
            raise InputError(folder, "is not a directory")
    engines = {target: factory(source, target) for target in targets}
    for engine in engines.values():
        engine.use_workers(workers)
    for problem in problems:
        for target in targets:
            report.outcomes.append(
                ArticleOutcome(str(problem.path), target, "failed", error=str(problem))
            )
    for target in targets:
        run = _LanguageBatch(
            engine=engines[target],
            assessor=PairAssessor(
                source,
                target,
                forward=engines[target],
                round_trip=round_trip and not dry_run,
                workers=workers,
            ),
            source=source,
            target=target,
            enforcer=TermEnforcer(glossary.for_pair(source, target), target),
            locales_dir=locales_dir,
            dry_run=dry_run,
            report=report,
            observer=observer,
            save_every_seconds=save_every_seconds,
            engine_piece_sentences=engine_piece_sentences,
            approved_memory=approved_memory,
            accept_context_matches=accept_context_matches,
        )
        run.translate(articles, chunk_sentences)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Pending:
    job: ArticleJob
    missing: list[str]
    started: float


class _LanguageBatch:
    """One target language of a batch: its engine, memory and enforcement."""

    def __init__(
        self,
        *,
        engine: Engine,
        assessor: PairAssessor,
        source: str,
        target: str,
        enforcer: TermEnforcer,
        locales_dir: Path,
        dry_run: bool,
        report: BatchReport,
        observer: BatchObserver | None,
        save_every_seconds: float = SAVE_EVERY_SECONDS,
        engine_piece_sentences: int = ENGINE_PIECE_SENTENCES,
        approved_memory: ApprovedMemory | None = None,
        accept_context_matches: bool = False,
    ) -> None:
        self.approved_memory = approved_memory
        self.accept_context_matches = accept_context_matches
        self.save_every_seconds = save_every_seconds
        self.engine_piece_sentences = max(1, engine_piece_sentences)
        self.engine = engine
        self.assessor = assessor
        self.source = source
        self.target = target
        self.enforcer = enforcer
        self.locales_dir = locales_dir
        self.dry_run = dry_run
        self.report = report
        self.observer = observer
        model = engine.model_id(source, target)
        self.run = LanguageRun(target, engine.name, model)
        report.languages[target] = self.run
        self.memory = MachineOutputMemory.from_queue(locales_dir, target, model)

    def translate(self, articles: Sequence[Path], chunk_sentences: int) -> None:
        if self.observer:
            self.observer.language_started(self.target, len(articles))
        chunk: list[_Pending] = []
        size = 0
        for article in articles:
            pending = self._prepare(article)
            if pending is None:
                continue
            chunk.append(pending)
            size += len(pending.missing)
            if size >= chunk_sentences:
                self._flush(chunk)
                chunk, size = [], 0
        self._flush(chunk)

    def _prepare(self, article: Path) -> _Pending | None:
        started = time.perf_counter()
        try:
            job = prepare_job(
                article, source=self.source, target=self.target, locales_dir=self.locales_dir
            )
            return _Pending(job, missing_sentences(job, {}), started)
        except TransflowError as error:
            self._record(ArticleOutcome(str(article), self.target, "failed", error=str(error)))
            return None

    def _flush(self, chunk: list[_Pending]) -> None:
        wanted = list(dict.fromkeys(text for pending in chunk for text in pending.missing))
        approved = {id(pending): self._approved_matches(pending) for pending in chunk}
        from_team = {text for matches in approved.values() for text in matches}
        remembered = {
            text: m
            for text in wanted
            if text not in from_team and (m := self.memory.get(text)) is not None
        }
        to_engine = [text for text in wanted if text not in remembered and text not in from_team]
        if self.dry_run:
            for pending in chunk:
                self._record_plan(pending, remembered, approved[id(pending)])
            return
        self._assess_prefills([*approved.values()], remembered)
        markdown = {text for p in chunk if p.job.markdown for text in p.missing}
        translated: dict[str, SentenceTranslation] = {}
        last_save = time.monotonic()
        step = self.engine_piece_sentences
        for start in range(0, len(to_engine), step):
            translated |= self._translate(to_engine[start : start + step], markdown)
            more = start + step < len(to_engine)
            if more and time.monotonic() - last_save >= self.save_every_seconds:
                for pending in chunk:
                    done = _prefills(pending, approved[id(pending)], remembered, translated)
                    if done:
                        self._save_progress(pending, done)
                last_save = time.monotonic()
        self.memory.update(translated)
        # A sentence shared by several articles of the chunk is translated once,
        # for the first of them; the others get it as from memory.
        claimed: set[str] = set()
        for pending in chunk:
            team = approved[id(pending)]
            given = _prefills(pending, team, remembered, translated)
            fresh = {t for t in pending.missing if t in translated and t not in team} - claimed
            claimed |= fresh
            self._write(
                pending,
                given,
                len(pending.missing) - len(fresh) - len(team),
                [translated[text] for text in fresh],
            )

    def _assess_prefills(
        self, approved: list[dict[str, Prefill]], remembered: dict[str, Prefill]
    ) -> None:
        """Give every memory prefill of a chunk without a confidence one, in one batch.

        Forward-only: reusing the team's approved work (or the same model's
        output) must not cost an engine call; ``check`` recomputes these with
        the round trip when asked.
        """
        unassessed = [
            (prefills, text)
            for prefills in (*approved, remembered)
            for text, prefill in prefills.items()
            if prefill.confidence is None
        ]
        pairs = [(text, prefills[text].text) for prefills, text in unassessed]
        machines = [prefills[text].machine for prefills, text in unassessed]
        confidences = self.assessor.assess(
            pairs,
            engine_scores=[
                machine.score if machine is not None and prefills[text].memory is None else None
                for machine, (prefills, text) in zip(machines, unassessed, strict=True)
            ],
            glossary_problems=[
                len(glossary_problems(self.enforcer, text, translation))
                for text, translation in pairs
            ],
            protected=[self.enforcer.protected_text(text) for text, _ in pairs],
            round_trip=False,
        )
        for (prefills, text), (_, translation), confidence in zip(
            unassessed, pairs, confidences, strict=True
        ):
            prefills[text] = replace(
                prefills[text], confidence=confidence.recorded(text, translation)
            )

    def _approved_matches(self, pending: _Pending) -> dict[str, Prefill]:
        """The team's approved translations of the article's missing sentences (exact matches).

        A match is checked against the current glossary: one that breaks it is
        still offered (and flagged, as every translation that breaks it is),
        but never approved directly, even in context.
        """
        if self.approved_memory is None or not pending.missing:
            return {}
        order = pending.job.distinct
        around = {
            text: (order[i - 1] if i else None, order[i + 1] if i + 1 < len(order) else None)
            for i, text in enumerate(order)
        }
        found: dict[str, Prefill] = {}
        for text in pending.missing:
            before, after = around[text]
            matches = self.approved_memory.exact(
                text, self.source, self.target, before=before, after=after
            )
            if not matches:
                continue
            best = matches[0]
            origin = MemoryOrigin(
                text=best.target,
                reviewer=best.segment.reviewer or "",
                at=best.segment.approved_at or "",
                article=best.segment.article or best.segment.imported_from or "",
                origin=str(best.origin),
                in_context=best.in_context,
            )
            clean = not glossary_problems(self.enforcer, text, best.target)
            approve = self.accept_context_matches and best.in_context and clean
            found[text] = Prefill(memory=origin, approve=approve)
        return found

    def _save_progress(self, pending: _Pending, done: dict[str, Prefill]) -> None:
        """Write what is translated so far; the rest stays untranslated until the final write."""
        write_job(
            pending.job,
            done,
            lambda _texts: {},
            self.engine,
            self.enforcer,
            started=pending.started,
            partial=True,
        )

    def _translate(self, texts: list[str], markdown: set[str]) -> dict[str, SentenceTranslation]:
        if not texts:
            return {}
        started = time.perf_counter()
        translated = translate_sentences(
            self.engine,
            texts,
            source=self.source,
            target=self.target,
            markdown_sentences=markdown,
            enforcer=self.enforcer,
        )
        translated = self._assessed(translated)
        self.run.engine_seconds += time.perf_counter() - started
        self.run.sentences_translated += len(texts)
        self.run.sentences_back_translated = self.assessor.back_translated
        if self.observer:
            self.observer.sentences_translated(self.target, len(texts))
        return translated

    def _assessed(
        self, translated: dict[str, SentenceTranslation]
    ) -> dict[str, SentenceTranslation]:
        """The engine's translations with their confidence (one back-translation call)."""
        results = list(translated.values())
        confidences = self.assessor.assess(
            [(text, result.machine.text) for text, result in translated.items()],
            engine_scores=[result.machine.score for result in results],
            glossary_problems=[len(result.glossary_problems) for result in results],
            protected=[self.enforcer.protected_text(text) for text in translated],
        )
        return {
            text: replace(result, confidence=confidence.recorded(text, result.machine.text))
            for (text, result), confidence in zip(translated.items(), confidences, strict=True)
        }

    def _write(
        self,
        pending: _Pending,
        given: dict[str, Prefill],
        from_memory: int,
        fresh: Sequence[SentenceTranslation] = (),
    ) -> None:
        """Write one article's queue; ``fresh`` are the engine translations made for it."""
        job = pending.job
        markdown = set(job.distinct) if job.markdown else set()
        try:
            update = write_job(
                job,
                given,
                lambda texts: self._translate(texts, markdown),
                self.engine,
                self.enforcer,
                started=pending.started,
            )
        except TransflowError as error:
            self._record(ArticleOutcome(str(job.path), self.target, "failed", error=str(error)))
            return
        self._record(
            ArticleOutcome(
                article=str(job.path),
                language=self.target,
                status="updated" if update.written else "unchanged",
                po_file=str(update.po_file),
                sentences=update.sentences,
                translated=update.translated - from_memory,
                from_memory=from_memory,
                from_approved=update.from_memory,
                reused=update.reused,
                approved=update.approved,
                obsoleted=update.obsoleted,
                flagged=update.flagged,
                term_occurrences=update.term_occurrences
                + sum(result.term_occurrences for result in fresh),
                terms_correct=update.terms_correct + sum(result.terms_correct for result in fresh),
                masked=update.masked,
                markup_lost=update.markup_lost,
                seconds=round(update.seconds, 4),
            )
        )

    def _record_plan(
        self,
        pending: _Pending,
        remembered: dict[str, Prefill],
        approved: dict[str, Prefill],
    ) -> None:
        job = pending.job
        from_memory = sum(text in remembered for text in pending.missing)
        from_approved = sum(text in approved for text in pending.missing)
        self._record(
            ArticleOutcome(
                article=str(job.path),
                language=self.target,
                status="planned",
                po_file=str(job.po_file),
                sentences=len(job.distinct),
                translated=len(pending.missing) - from_memory - from_approved,
                from_memory=from_memory,
                from_approved=from_approved,
                reused=len(job.distinct) - len(pending.missing),
            )
        )

    def _record(self, outcome: ArticleOutcome) -> None:
        self.report.outcomes.append(outcome)
        if self.observer:
            self.observer.article_done(outcome)
