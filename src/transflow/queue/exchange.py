"""Sending a queue to a freelancer as XLIFF and taking their work back.

Export writes one article's queue in one language; import merges the
returned file into the queue under its lock. The import never overwrites an
approved translation with a different text (it reports a clash), never
applies a unit whose source is no longer in the article (it reports it as
stale), and records the importer as the reviewer of every change, so the
freelancer's work is visible in ``diff`` and ``review`` like anyone's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from transflow.errors import InputError, TransflowError
from transflow.glossary.model import Glossary
from transflow.languages import same_language
from transflow.queue.checks import QueueChecker
from transflow.queue.model import Queue, ReviewAction, ReviewRecord, Segment
from transflow.queue.pofile import locked, po_path, queue_paths, read_queue, write_queue
from transflow.queue.xliff import (
    Exchange,
    ImportReport,
    XliffVersion,
    export_xliff,
    read_xliff,
)

__all__ = ["ImportReport", "XliffVersion", "export_queue_xliff", "import_xliff"]


def export_queue_xliff(
    article: Path,
    *,
    language: str,
    locales_dir: Path,
    version: XliffVersion = XliffVersion.V1_2,
    glossary: Glossary | None = None,
) -> bytes:
    """The XLIFF of ``article``'s queue in ``language``, with protected terms as notes."""
    path = po_path(locales_dir, language, article)
    if not path.exists():
        raise TransflowError(
            f"{path}: no review queue for this article; "
            f"run 'transflow translate {article} --to {language}'"
        )
    queue = read_queue(path)
    return export_xliff(
        queue,
        version,
        notes=_term_notes(queue, QueueChecker(glossary)),
        markdown=article.suffix.lower() in (".md", ".markdown"),
    )


def _term_notes(queue: Queue, checker: QueueChecker) -> dict[str, list[str]]:
    """For each segment, its protected terms: approved form, forbidden forms, the note."""
    enforcer = checker.enforcer(queue)
    target = queue.target_language
    notes: dict[str, list[str]] = {}
    for segment in queue.active:
        for match in enforcer.find(segment.source):
            term = match.value
            form = term.target_form(target) or term.text
            text = f"protected term: {term.text} → {form}"
            forbidden = term.forbidden.get(target, ())
            if forbidden:
                text += f" (never: {', '.join(forbidden)})"
            if term.note:
                text += f" — {term.note}"
            notes.setdefault(segment.id, [])
            if text not in notes[segment.id]:
                notes[segment.id].append(text)
    return notes


@dataclass(frozen=True)
class ImportResult:
    po_file: Path
    report: ImportReport


def import_xliff(
    path: Path,
    *,
    locales_dir: Path,
    reviewer: str,
    email: str = "",
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    on_saved: Callable[[Queue, Segment], None] | None = None,
) -> ImportResult:
    """Merge a returned XLIFF file into its queue; a file for no queue changes nothing."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read XLIFF file ({error.strerror})") from None
    exchange = read_xliff(data, path)
    po_file = _queue_file_for(exchange, locales_dir, path)
    with locked(po_file):
        queue = read_queue(po_file)
        _check_pair(queue, exchange, path)
        report = merge_exchange(queue, exchange, reviewer=reviewer, email=email, now=clock())
        if report.changed:
            queue.last_translator = f"{reviewer} <{email}>" if email else reviewer
            queue.revision_date = clock().strftime("%Y-%m-%d %H:%M+0000")
            write_queue(queue, po_file)
            if on_saved is not None:
                for segment_id in [*report.edited, *report.approved]:
                    segment = queue.find(segment_id)
                    if segment is not None:
                        on_saved(queue, segment)
    return ImportResult(po_file, report)


def _queue_file_for(exchange: Exchange, locales_dir: Path, path: Path) -> Path:
    """The queue file the exchange belongs to: same article, same target language."""
    candidate = po_path(locales_dir, exchange.target_language, Path(exchange.original))
    if candidate.is_file():
        return candidate
    for po_file in queue_paths(locales_dir):
        queue = read_queue(po_file)
        if queue.article == exchange.original and same_language(
            queue.target_language, exchange.target_language
        ):
            return po_file
    raise InputError(
        path,
        f"no queue in {locales_dir} for article {exchange.original!r} "
        f"in {exchange.target_language}",
    )


def _check_pair(queue: Queue, exchange: Exchange, path: Path) -> None:
    if exchange.original != queue.article:
        raise InputError(
            path, f"XLIFF is for article {exchange.original!r}, the queue for {queue.article!r}"
        )
    if exchange.target_language != queue.target_language or not same_language(
        exchange.source_language, queue.source_language
    ):
        raise InputError(
            path,
            f"XLIFF is {exchange.source_language}→{exchange.target_language}, "
            f"the queue {queue.source_language}→{queue.target_language}",
        )


def merge_exchange(
    queue: Queue, exchange: Exchange, *, reviewer: str, email: str, now: datetime
) -> ImportReport:
    """Apply the freelancer's units to ``queue`` (see the module docs for the rules)."""
    report = ImportReport()
    at = now.isoformat(timespec="seconds")
    for unit in exchange.units:
        segment = queue.find(unit.id)
        if segment is None or segment.source != unit.source:
            report.stale.append(f"line {unit.line}: {unit.source[:60]!r}")
            continue
        target = unit.target if unit.target is not None else segment.translation
        if not target or (target == segment.translation and (segment.approved or not unit.final)):
            report.unchanged += 1
            continue
        if segment.approved and target != segment.translation:
            report.clashes.append(
                f"{segment.id}: approved here as {segment.translation[:40]!r}, "
                f"returned as {target[:40]!r}"
            )
            continue
        changed_text = target != segment.translation
        segment.translation = target
        segment.approved = unit.final
        if unit.final:
            action = ReviewAction.EDITED if changed_text else ReviewAction.APPROVED
            report.approved.append(segment.id)
        else:
            action = ReviewAction.SUBMITTED
            report.edited.append(segment.id)
        segment.history.append(
            ReviewRecord(
                action,
                reviewer,
                at,
                note=f"from {exchange.version} XLIFF",
                email=email,
                text=target if changed_text else None,
            )
        )
    return report
