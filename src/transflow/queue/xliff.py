"""The queue exchanged as XLIFF, for freelancers' CAT tools (OmegaT, memoQ, Trados).

The only module that reads or writes XLIFF; like :mod:`transflow.queue.pofile`
it works on the queue model, which is the test that the model is
independent of its storage. Written with lxml, read with a parser that
resolves no entities and fetches nothing.

* **XLIFF 1.2** (what most CAT tools read): one ``trans-unit`` per segment,
  ``id`` = the segment id (stable across exports), ``approved`` and the
  target's ``state`` / ``state-qualifier`` (``leveraged-mt``,
  ``leveraged-tm``), other engine hypotheses and memory matches as
  ``alt-trans``, protected terms as ``note``.
* **XLIFF 2.1**: one ``unit`` with one ``segment`` each, ``state`` /
  ``subState``, alternatives and memory matches in the Translation
  Candidates module (``mtc:match``), notes in ``notes``.

Inline Markdown becomes inline codes (``ph`` holding the markup in 1.2,
``ph`` pointing at ``originalData`` in 2.1), so a CAT tool protects it and
the text comes back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from lxml import etree

from transflow import __version__
from transflow.errors import InputError
from transflow.languages import UnknownLanguageError, normalise
from transflow.queue.model import Queue, Segment, State
from transflow.source.markup import strip_inline

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_2 = "urn:oasis:names:tc:xliff:document:2.0"
MATCHES_2 = "urn:oasis:names:tc:xliff:matches:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SUBSTATE_PREFIX = "transflow"


class XliffVersion(StrEnum):
    V1_2 = "1.2"
    V2_1 = "2.1"


# XLIFF 1.2 target states (the spec's list) and transflow's states.
_STATE_12 = {
    State.UNTRANSLATED: ("needs-translation", None),
    State.MACHINE: ("needs-review-translation", "leveraged-mt"),
    State.MEMORY: ("needs-review-translation", "leveraged-tm"),
    State.EDITED: ("translated", None),
    State.NEEDS_WORK: ("needs-review-translation", None),
    State.APPROVED: ("signed-off", None),
}
_STATE_2 = {
    State.UNTRANSLATED: "initial",
    State.MACHINE: "translated",
    State.MEMORY: "translated",
    State.EDITED: "translated",
    State.NEEDS_WORK: "translated",
    State.APPROVED: "final",
}
_FINAL_12 = frozenset({"signed-off", "final"})
_TRANSLATED_12 = frozenset({"translated", "signed-off", "final", "needs-review-translation"})


@dataclass(frozen=True)
class ExchangeUnit:
    """One unit of a returned XLIFF file, as the CAT tool left it."""

    id: str
    source: str
    target: str | None
    final: bool  # signed off by the freelancer (1.2 signed-off/final or approved, 2.1 final)
    line: int | None


@dataclass(frozen=True)
class Exchange:
    """A returned XLIFF file: which article and pair it is for, and its units."""

    original: str
    source_language: str
    target_language: str
    units: tuple[ExchangeUnit, ...]
    version: XliffVersion


@dataclass
class ImportReport:
    """What importing a returned file did; nothing is applied silently or dropped silently."""

    edited: list[str] = field(default_factory=list)  # new translations, awaiting approval
    approved: list[str] = field(default_factory=list)  # signed off by the freelancer
    unchanged: int = 0
    clashes: list[str] = field(default_factory=list)  # approved here, changed there
    stale: list[str] = field(default_factory=list)  # units whose source left the article

    @property
    def changed(self) -> bool:
        return bool(self.edited or self.approved)


# --- writing ----------------------------------------------------------------------


def export_xliff(
    queue: Queue,
    version: XliffVersion = XliffVersion.V1_2,
    *,
    notes: Mapping[str, Sequence[str]] | None = None,
    markdown: bool = False,
) -> bytes:
    """The active segments of ``queue`` as an XLIFF document (UTF-8 bytes).

    ``notes`` maps segment ids to notes for the translator (protected terms
    and their approved forms); ``markdown`` turns inline Markdown into
    inline codes.
    """
    notes = notes or {}
    writer = _Writer12(queue) if version is XliffVersion.V1_2 else _Writer21(queue)
    for segment in queue.active:
        codes = _markup_codes(segment, markdown)
        writer.unit(segment, codes, notes.get(segment.id, ()))
    data: bytes = etree.tostring(
        writer.root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return data


def _markup_codes(segment: Segment, markdown: bool) -> tuple[str, ...]:
    """The inline markup strings of a Markdown sentence, longest first, for inline codes."""
    if not markdown:
        return ()
    _, markup = strip_inline(segment.source)
    codes = {span.open for span in markup.spans} | {span.close for span in markup.spans}
    codes |= {point.markup for point in markup.points}
    return tuple(sorted((code for code in codes if code.strip()), key=len, reverse=True))


def _pieces(text: str, codes: Sequence[str]) -> list[tuple[bool, str]]:
    """``text`` cut into (is_code, piece); joining the pieces gives ``text`` back."""
    if not codes:
        return [(False, text)]
    pattern = re.compile("|".join(re.escape(code) for code in codes))
    pieces: list[tuple[bool, str]] = []
    cursor = 0
    for match in pattern.finditer(text):
        if match.start() > cursor:
            pieces.append((False, text[cursor : match.start()]))
        pieces.append((True, match.group()))
        cursor = match.end()
    if cursor < len(text):
        pieces.append((False, text[cursor:]))
    return pieces


def _fill_12(element: etree._Element, text: str, codes: Sequence[str]) -> None:
    last: etree._Element | None = None
    element.text = ""
    for index, (is_code, piece) in enumerate(_pieces(text, codes), start=1):
        if is_code:
            last = etree.SubElement(element, f"{{{XLIFF_12}}}ph", id=str(index))
            last.text = piece
            last.tail = ""
        elif last is None:
            element.text += piece
        else:
            last.tail = (last.tail or "") + piece


class _Writer12:
    def __init__(self, queue: Queue) -> None:
        self.root = etree.Element(f"{{{XLIFF_12}}}xliff", nsmap={None: XLIFF_12}, version="1.2")
        file = etree.SubElement(
            self.root,
            f"{{{XLIFF_12}}}file",
            original=queue.article,
            datatype="plaintext",
        )
        file.set("source-language", queue.source_language)
        file.set("target-language", queue.target_language)
        header = etree.SubElement(file, f"{{{XLIFF_12}}}header")
        tool = etree.SubElement(header, f"{{{XLIFF_12}}}tool")
        tool.set("tool-id", "transflow")
        tool.set("tool-name", "transflow")
        tool.set("tool-version", __version__)
        self.body = etree.SubElement(file, f"{{{XLIFF_12}}}body")
        self.target_language = queue.target_language

    def unit(self, segment: Segment, codes: Sequence[str], notes: Sequence[str]) -> None:
        unit = etree.SubElement(self.body, f"{{{XLIFF_12}}}trans-unit", id=segment.id)
        unit.set(f"{{{XML_NS}}}space", "preserve")
        unit.set("approved", "yes" if segment.state is State.APPROVED else "no")
        _fill_12(etree.SubElement(unit, f"{{{XLIFF_12}}}source"), segment.source, codes)
        state, qualifier = _STATE_12[segment.state]
        target = etree.SubElement(unit, f"{{{XLIFF_12}}}target", state=state)
        if qualifier:
            target.set("state-qualifier", qualifier)
        _fill_12(target, segment.translation, codes)
        for text in notes:
            note = etree.SubElement(unit, f"{{{XLIFF_12}}}note", annotates="source")
            note.set("from", "transflow")
            note.text = text
        if segment.rejection_note:
            note = etree.SubElement(unit, f"{{{XLIFF_12}}}note", annotates="target")
            note.set("from", segment.last_review.reviewer if segment.last_review else "reviewer")
            note.text = f"needs work: {segment.rejection_note}"
        for origin, text, quality in _candidates(segment):
            alt = etree.SubElement(unit, f"{{{XLIFF_12}}}alt-trans", origin=origin)
            if quality is not None:
                alt.set("match-quality", quality)
            alt_target = etree.SubElement(alt, f"{{{XLIFF_12}}}target")
            alt_target.set(f"{{{XML_NS}}}lang", self.target_language)
            _fill_12(alt_target, text, codes)


def _candidates(segment: Segment) -> list[tuple[str, str, str | None]]:
    """Other translations worth offering: the engine's output and alternatives, a memory match."""
    found: list[tuple[str, str, str | None]] = []
    machine = segment.machine
    if machine is not None:
        for text in (machine.text, *machine.alternatives):
            if text != segment.translation:
                found.append((f"{machine.engine}:{machine.model}", text, None))
    memory = segment.memory
    if memory is not None and memory.text != segment.translation:
        found.append((f"memory:{memory.origin}", memory.text, "100"))
    return found


class _Writer21:
    def __init__(self, queue: Queue) -> None:
        self.root = etree.Element(
            f"{{{XLIFF_2}}}xliff",
            nsmap={None: XLIFF_2, "mtc": MATCHES_2},
            version="2.1",
            srcLang=queue.source_language,
            trgLang=queue.target_language,
        )
        self.file = etree.SubElement(
            self.root, f"{{{XLIFF_2}}}file", id="f1", original=queue.article
        )

    def unit(self, segment: Segment, codes: Sequence[str], notes: Sequence[str]) -> None:
        unit = etree.SubElement(self.file, f"{{{XLIFF_2}}}unit", id=segment.id)
        candidates = _candidates(segment)
        if candidates:
            matches = etree.SubElement(unit, f"{{{MATCHES_2}}}matches")
            for number, (origin, text, quality) in enumerate(candidates, start=1):
                match = etree.SubElement(
                    matches,
                    f"{{{MATCHES_2}}}match",
                    id=f"m{number}",
                    ref="#s1",
                    origin=origin,
                    type="tm" if origin.startswith("memory") else "mt",
                )
                if quality is not None:
                    match.set("similarity", quality)
                self._original_data(match, [segment.source, text], codes)
                self._content(
                    etree.SubElement(match, f"{{{XLIFF_2}}}source"), segment.source, codes
                )
                self._content(etree.SubElement(match, f"{{{XLIFF_2}}}target"), text, codes)
        all_notes = [*notes]
        if segment.rejection_note:
            all_notes.append(f"needs work: {segment.rejection_note}")
        if all_notes:
            notes_element = etree.SubElement(unit, f"{{{XLIFF_2}}}notes")
            for text in all_notes:
                etree.SubElement(notes_element, f"{{{XLIFF_2}}}note").text = text
        self._original_data(unit, [segment.source, segment.translation], codes)
        element = etree.SubElement(
            unit, f"{{{XLIFF_2}}}segment", id="s1", state=_STATE_2[segment.state]
        )
        if segment.state.awaiting_review:
            element.set("subState", f"{SUBSTATE_PREFIX}:{segment.state}")
        self._content(etree.SubElement(element, f"{{{XLIFF_2}}}source"), segment.source, codes)
        if segment.translation:
            target = etree.SubElement(element, f"{{{XLIFF_2}}}target")
            self._content(target, segment.translation, codes)

    def _original_data(
        self, parent: etree._Element, texts: Sequence[str], codes: Sequence[str]
    ) -> None:
        """The markup the inline codes of ``texts`` stand for (2.x keeps it out of the text)."""
        used = [piece for text in texts for is_code, piece in _pieces(text, codes) if is_code]
        if not used:
            return
        original = etree.SubElement(parent, f"{{{XLIFF_2}}}originalData")
        for code in dict.fromkeys(used):
            item = etree.SubElement(original, f"{{{XLIFF_2}}}data", id=self._data_id(code, codes))
            item.text = code

    @staticmethod
    def _data_id(code: str, codes: Sequence[str]) -> str:
        return f"d{codes.index(code) + 1}"

    def _content(self, element: etree._Element, text: str, codes: Sequence[str]) -> None:
        last: etree._Element | None = None
        element.text = ""
        for index, (is_code, piece) in enumerate(_pieces(text, codes), start=1):
            if is_code:
                last = etree.SubElement(
                    element, f"{{{XLIFF_2}}}ph", id=f"p{index}", dataRef=self._data_id(piece, codes)
                )
                last.tail = ""
            elif last is None:
                element.text += piece
            else:
                last.tail = (last.tail or "") + piece


# --- reading ----------------------------------------------------------------------

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


def read_xliff(data: bytes, path: object) -> Exchange:
    """Parse a returned XLIFF 1.2 or 2.x file; anything else is one error with file and line."""
    from pathlib import Path

    where = Path(str(path))
    if b"\x00" in data[:4096]:
        raise InputError(where, "not an XLIFF file (binary data)")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        raise InputError(where, f"malformed XLIFF ({error.msg})", line) from None
    if root.tag == f"{{{XLIFF_12}}}xliff":
        return _read_12(root, where)
    if root.tag == f"{{{XLIFF_2}}}xliff":
        return _read_2(root, where)
    raise InputError(
        where, f"not an XLIFF 1.2 or 2.x file (root element {root.tag!r})", root.sourceline
    )


def _language(value: str | None, where: object, line: int | None, what: str) -> str:
    from pathlib import Path

    try:
        return normalise(value or "")
    except UnknownLanguageError:
        raise InputError(
            Path(str(where)), f"XLIFF {what} {value!r} is not a language tag", line
        ) from None


def _text_12(element: etree._Element | None) -> str | None:
    """An element's text with inline codes' content in place (1.2 ``ph``/``bpt``/``ept``/``it``)."""
    if element is None:
        return None
    parts = [element.text or ""]
    for child in element:
        if child.tag in {
            f"{{{XLIFF_12}}}{tag}" for tag in ("ph", "bpt", "ept", "it", "x", "bx", "ex")
        }:
            parts.append("".join(child.itertext()))
        elif child.tag == f"{{{XLIFF_12}}}g":
            parts.append(_text_12(child) or "")
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def _read_12(root: etree._Element, where: object) -> Exchange:
    from pathlib import Path

    files = root.findall(f"{{{XLIFF_12}}}file")
    if len(files) != 1:
        raise InputError(
            Path(str(where)), "XLIFF must hold exactly one <file> (one article)", root.sourceline
        )
    file = files[0]
    units = []
    for unit in file.iter(f"{{{XLIFF_12}}}trans-unit"):
        target = unit.find(f"{{{XLIFF_12}}}target")
        state = target.get("state", "") if target is not None else ""
        final = unit.get("approved") == "yes" or state in _FINAL_12
        units.append(
            ExchangeUnit(
                id=unit.get("id", ""),
                source=_text_12(unit.find(f"{{{XLIFF_12}}}source")) or "",
                target=_text_12(target),
                final=final,
                line=unit.sourceline,
            )
        )
    return Exchange(
        original=file.get("original", ""),
        source_language=_language(
            file.get("source-language"), where, file.sourceline, "source-language"
        ),
        target_language=_language(
            file.get("target-language"), where, file.sourceline, "target-language"
        ),
        units=tuple(units),
        version=XliffVersion.V1_2,
    )


def _text_2(element: etree._Element | None, data: Mapping[str, str]) -> str | None:
    if element is None:
        return None
    parts = [element.text or ""]
    for child in element:
        reference = child.get("dataRef") or child.get("dataRefStart") or child.get("dataRefEnd")
        if reference is not None:
            parts.append(data.get(reference, ""))
        if child.tag in (f"{{{XLIFF_2}}}pc", f"{{{XLIFF_2}}}mrk"):
            parts.append(_text_2(child, data) or "")
            end = child.get("dataRefEnd")
            if end is not None:
                parts.append(data.get(end, ""))
        parts.append(child.tail or "")
    return "".join(parts)


def _read_2(root: etree._Element, where: object) -> Exchange:
    from pathlib import Path

    files = root.findall(f"{{{XLIFF_2}}}file")
    if len(files) != 1:
        raise InputError(
            Path(str(where)), "XLIFF must hold exactly one <file> (one article)", root.sourceline
        )
    units = []
    for unit in files[0].iter(f"{{{XLIFF_2}}}unit"):
        data = {item.get("id", ""): item.text or "" for item in unit.iter(f"{{{XLIFF_2}}}data")}
        segments = unit.findall(f"{{{XLIFF_2}}}segment")
        source = "".join(_text_2(s.find(f"{{{XLIFF_2}}}source"), data) or "" for s in segments)
        targets = [_text_2(s.find(f"{{{XLIFF_2}}}target"), data) for s in segments]
        target = None if all(t is None for t in targets) else "".join(t or "" for t in targets)
        final = bool(segments) and all(s.get("state") == "final" for s in segments)
        units.append(ExchangeUnit(unit.get("id", ""), source, target, final, unit.sourceline))
    return Exchange(
        original=files[0].get("original", ""),
        source_language=_language(root.get("srcLang"), where, root.sourceline, "srcLang"),
        target_language=_language(root.get("trgLang"), where, root.sourceline, "trgLang"),
        units=tuple(units),
        version=XliffVersion.V2_1,
    )
