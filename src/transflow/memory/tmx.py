"""TMX 1.4b, the translation memory exchange format of every CAT tool, read and written with lxml.

Reading streams the file (``lxml.etree.iterparse``), so a 100,000-unit memory
needs no more than its segments in memory, and checks it strictly: a file
that is not well-formed XML, not TMX, or whose units lack the source
language is an :class:`~transflow.errors.InputError` naming the file and the
line. Nothing is returned until the whole file has been read, so a caller
storing the result in one transaction changes nothing on bad input.

A unit (``<tu>``) holds one variant (``<tuv xml:lang=…>``) per language; each
variant other than the source language's becomes one segment. Inline codes
(``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``, ``<ut>``) hold the original
format's markup, not text, and are left out; highlighted text (``<hi>``) is
kept. ``changeid``/``creationid`` give the reviewer and
``changedate``/``creationdate`` the time.

Writing puts one bilingual unit per distinct (source, translation), with
transflow's provenance in ``<prop>`` elements (``x-transflow-origin``,
``x-transflow-article``, ``x-transflow-imported-from``) that other tools keep
and ignore.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from transflow import __version__
from transflow.errors import InputError, TransflowError
from transflow.fileio import read_input_bytes, write_text_atomically
from transflow.languages import UnknownLanguageError, fallbacks, normalise
from transflow.memory.segment import ORIGIN_RANK, MemorySegment, Origin

TMX_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
ORIGIN_PROP = "x-transflow-origin"
ARTICLE_PROP = "x-transflow-article"
IMPORTED_FROM_PROP = "x-transflow-imported-from"
ALL_LANGUAGES = "*all*"
_TMX_DATE = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Elements of a <seg> holding the original file's markup, not translatable text.
_INLINE_CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})


def read_tmx(
    path: Path,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    imported_from: str | None = None,
) -> list[MemorySegment]:
    """The translations in the TMX file at ``path``, as segments of origin ``imported``.

    ``source_lang`` defaults to the header's ``srclang``; ``target_lang``
    keeps only that language (a variant such as ``pt-BR`` counts for ``pt``,
    and is stored as ``pt``). ``imported_from`` names the file in the
    segments (default: its name). Raises :class:`InputError` (file and line)
    when the file is not TMX, is cut off, or its languages do not match.
    """
    data = read_input_bytes(path, "a TMX file")
    reader = _Reader(
        path,
        _language(path, source_lang, None) if source_lang else None,
        _language(path, target_lang, None) if target_lang else None,
        imported_from or path.name,
    )
    parser = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        tag=("{*}tmx", "{*}header", "{*}body", "{*}tu"),
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for event, element in parser:
            reader.handle(event, element)
    except etree.XMLSyntaxError as error:
        raise InputError(path, f"not well-formed XML ({error.msg})", error.lineno) from None
    return reader.finish(parser.root)


class _Reader:
    """The state of one streaming read: the header's source language, the segments so far."""

    def __init__(
        self, path: Path, source_lang: str | None, target_lang: str | None, imported_from: str
    ) -> None:
        self.path = path
        self.requested_source = source_lang
        self.target_lang = target_lang
        self.imported_from = imported_from
        self.header_source: str | None = None
        self.seen_root = False
        self.seen_body = False
        self.languages: set[str] = set()
        self.segments: list[MemorySegment] = []

    def handle(self, event: str, element: etree._Element) -> None:
        name = _name(element)
        if not self.seen_root:
            if name != "tmx":
                _refuse_root(self.path, element.getroottree().getroot())
            self.seen_root = True
        if event == "start":
            self.seen_body = self.seen_body or name == "body"
        elif name == "header":
            declared = element.get("srclang")
            if declared and declared.strip() != ALL_LANGUAGES:
                self.header_source = _language(self.path, declared, element.sourceline)
        elif name == "tu":
            self._unit(element)
            # Streaming: drop what was read, so memory stays flat on big files.
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]

    def _unit(self, unit: etree._Element) -> None:
        line = unit.sourceline
        declared = unit.get("srclang")
        source_lang = self.requested_source or (
            _language(self.path, declared, line)
            if declared and declared.strip() != ALL_LANGUAGES
            else self.header_source
        )
        if source_lang is None:
            raise InputError(
                self.path, "translation unit without a source language (srclang)", line
            )
        variants = []
        for variant in unit.iterchildren("{*}tuv"):
            tag = variant.get(_XML_LANG) or variant.get("lang")  # TMX 1.1 wrote "lang"
            if not tag:
                raise InputError(self.path, "variant without xml:lang", variant.sourceline)
            language = _language(self.path, tag, variant.sourceline)
            self.languages.add(language)
            segment = variant.find("{*}seg")
            text = _segment_text(segment) if segment is not None else ""
            variants.append((language, text))
        source = next((text for language, text in variants if _serves(language, source_lang)), None)
        if source is None:
            raise InputError(self.path, f"translation unit has no {source_lang} text", line)
        props = {prop.get("type"): prop.text or "" for prop in unit.iterchildren("{*}prop")}
        for language, text in variants:
            if _serves(language, source_lang) or not text.strip() or not source.strip():
                continue
            if self.target_lang is not None and not _serves(language, self.target_lang):
                continue
            self.segments.append(
                MemorySegment(
                    source,
                    text,
                    source_lang,
                    self.target_lang or language,
                    Origin.IMPORTED,
                    article=props.get(ARTICLE_PROP) or None,
                    reviewer=unit.get("changeid") or unit.get("creationid") or None,
                    approved_at=_iso_date(unit.get("changedate") or unit.get("creationdate")),
                    imported_from=props.get(IMPORTED_FROM_PROP) or self.imported_from,
                )
            )

    def finish(self, root: etree._Element | None) -> list[MemorySegment]:
        if root is not None and not self.seen_root:
            _refuse_root(self.path, root)
        if not self.seen_body:
            raise InputError(self.path, "not a TMX file (no <body>)")
        if self.target_lang is not None and not self.segments and self.languages:
            found = ", ".join(sorted(self.languages))
            raise InputError(
                self.path, f"no translations into {self.target_lang} (the file has {found})"
            )
        return self.segments


def _refuse_root(path: Path, root: etree._Element) -> None:
    name = _name(root)
    raise InputError(path, f"not a TMX file (the root element is <{name}>)", root.sourceline)


def write_tmx(path: Path, segments: Iterable[MemorySegment]) -> int:
    """Write ``segments`` as a TMX 1.4b file (atomically); returns the units written.

    One unit per distinct (languages, source, translation): the team's own
    approval before an imported one, the most recent first.
    """
    units = _distinct(segments)
    source_langs = {segment.source_lang for segment in units}
    header = etree.Element(
        "header",
        creationtool="transflow",
        creationtoolversion=__version__,
        segtype="sentence",
        adminlang="en",
        srclang=source_langs.pop() if len(source_langs) == 1 else ALL_LANGUAGES,
        datatype="plaintext",
    )
    header.set("o-tmf", "transflow")
    buffer = io.BytesIO()
    with etree.xmlfile(buffer, encoding="UTF-8") as document:
        document.write_declaration()
        document.write_doctype('<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
        with document.element("tmx", version="1.4"):
            document.write("\n", header, "\n")
            with document.element("body"):
                document.write("\n")
                for segment in units:
                    try:
                        document.write(_unit(segment), pretty_print=True)
                    except ValueError:
                        raise TransflowError(
                            f"{path}: cannot write {segment.source[:40]!r}: it holds "
                            "characters XML cannot carry"
                        ) from None
            document.write("\n")
    write_text_atomically(path, buffer.getvalue().decode("utf-8") + "\n")
    return len(units)


def _unit(segment: MemorySegment) -> etree._Element:
    unit = etree.Element("tu", srclang=segment.source_lang)
    tmx_date = _tmx_date(segment.approved_at)
    if tmx_date:
        unit.set("changedate", tmx_date)
    if segment.reviewer:
        unit.set("changeid", segment.reviewer)
    props = (
        (ORIGIN_PROP, str(segment.origin)),
        (ARTICLE_PROP, segment.article),
        (IMPORTED_FROM_PROP, segment.imported_from),
    )
    for kind, value in props:
        if value:
            etree.SubElement(unit, "prop", type=kind).text = value
    variants = ((segment.source_lang, segment.source), (segment.target_lang, segment.target))
    for language, text in variants:
        variant = etree.SubElement(unit, "tuv")
        variant.set(_XML_LANG, language)
        etree.SubElement(variant, "seg").text = text
    return unit


def _distinct(segments: Iterable[MemorySegment]) -> list[MemorySegment]:
    listed = list(segments)
    best: dict[tuple[str, str, str, str], MemorySegment] = {}
    newest_first = sorted(listed, key=lambda segment: segment.approved_at or "", reverse=True)
    for segment in sorted(newest_first, key=lambda segment: ORIGIN_RANK[segment.origin]):
        key = (segment.source_lang, segment.target_lang, segment.source, segment.target)
        best.setdefault(key, segment)
    chosen = {id(segment) for segment in best.values()}
    return [segment for segment in listed if id(segment) in chosen]


def _segment_text(element: etree._Element) -> str:
    """The text of a ``<seg>``: its own text and that of highlights, without inline codes."""
    parts = [element.text or ""]
    for child in element.iterchildren(etree.Element):
        if _name(child) not in _INLINE_CODES:
            parts.append(_segment_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _name(element: etree._Element) -> str:
    """The element's name without its namespace (``{urn:x}tu`` is ``tu``)."""
    return str(element.tag).rpartition("}")[2]


@functools.lru_cache(maxsize=256)
def _serves(language: str, wanted: str) -> bool:
    """Whether text in ``language`` serves for ``wanted`` (``pt-BR`` serves for ``pt``)."""
    return language == wanted or wanted in fallbacks(language)


def _language(path: Path, tag: str, line: int | None) -> str:
    try:
        return normalise(tag)
    except UnknownLanguageError as error:
        raise InputError(path, str(error), line) from None


def _tmx_date(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TMX_DATE_FORMAT)


def _iso_date(tmx_date: str | None) -> str | None:
    """``20250101T100000Z`` as ``2025-01-01T10:00:00+00:00``; None for anything else."""
    match = _TMX_DATE.fullmatch(tmx_date.strip()) if tmx_date else None
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = map(int, match.groups())
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:  # month 13 and the like
        return None
    return moment.isoformat(timespec="seconds")
