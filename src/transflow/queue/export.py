"""Reassemble a translated article from its review queue.

The article is re-read and re-segmented, and each sentence is replaced by its
entry's translation while the whitespace between sentences and every block's
markup come from the original, so the export has the article's exact
structure. A sentence with no usable translation stays in the source language
and is counted, so the caller can warn rather than ship a silent gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from transflow.errors import TransflowError
from transflow.queue.pofile import po_path, read_queue
from transflow.source.articles import Block, read_article
from transflow.source.segmentation import segment


@dataclass(frozen=True)
class ExportResult:
    text: str
    sentences: int
    untranslated: int  # sentences left in the source language


def export_article(
    article_path: Path,
    *,
    language: str,
    locales_dir: Path = Path("locales"),
    approved_only: bool = False,
    source: str | None = None,
) -> ExportResult:
    article = read_article(article_path)
    path = po_path(locales_dir, language, article_path)
    if not path.exists():
        raise TransflowError(
            f"{path}: no review queue for this article; "
            f"run 'transflow translate {article_path} --to {language}'"
        )
    queue = read_queue(path)
    source = source or queue.source_language
    translations = {
        segment.source: segment.translation
        for segment in queue.active
        if segment.translation and (segment.approved or not approved_only)
    }
    counts = {"sentences": 0, "untranslated": 0}

    def translate_block(block: Block) -> str:
        pieces, cursor = [], 0
        for sentence in segment(block.text, source):
            counts["sentences"] += 1
            translation = translations.get(sentence.text)
            if translation is None:
                counts["untranslated"] += 1
                translation = sentence.text
            pieces += [block.text[cursor : sentence.start], translation]
            cursor = sentence.end
        pieces.append(block.text[cursor:])
        return "".join(pieces)

    text = article.render(translate_block)
    return ExportResult(text, counts["sentences"], counts["untranslated"])
