"""The review queue as records for scripts (``transflow review --list --format json``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from transflow.memory.segment import Match
from transflow.queue.pofile import review_fields
from transflow.queue.review import QueueItem


def item_record(item: QueueItem, matches: Iterable[Match] = ()) -> dict[str, Any]:
    """Everything the review screen shows about one entry, as plain JSON values."""
    memory = item.memory
    confidence = item.confidence
    return {
        "id": item.id,
        "msgid": item.msgid,
        "msgstr": item.msgstr,
        "state": str(item.state),
        "origin": item.origin,
        "file": str(item.path),
        "position": item.position,
        "language": item.language,
        "source_language": item.source_language,
        "article": item.article,
        "memory": None
        if memory is None
        else {
            "text": memory.text,
            "reviewer": memory.reviewer,
            "at": memory.at,
            "article": memory.article,
            "origin": memory.origin,
            "in_context": memory.in_context,
        },
        "reviewer": item.reviewer,
        "history": [review_fields(record) for record in item.history],
        "rejection_note": item.rejection_note,
        "glossary": {
            "problems": list(item.problems),
            "verdicts": [
                {
                    "term": mark.term,
                    "verdict": str(mark.verdict),
                    "form": mark.target_form,
                    "rendering": mark.rendering,
                    "forbidden": list(mark.forbidden),
                    "note": mark.note,
                }
                for mark in item.terms
            ],
        },
        "warnings": list(item.warnings),
        "confidence": None if confidence is None else confidence.value,
        "confidence_evidence": [] if confidence is None else list(confidence.evidence),
        "matches": [match.as_dict() for match in matches],
    }
