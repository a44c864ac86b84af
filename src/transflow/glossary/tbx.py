"""Glossary exchange: TBX (ISO 30042) and transflow's own CSV, in and out.

Terminologists keep term bases in tools that speak TBX; newsrooms keep ours in
CSV. Export writes every field so that importing the file again gives back the
same terms exactly, and import reads TBX files written by other tools, which
carry only terms and translations, with sensible defaults.

TBX mapping
-----------
TBX 2008 (``<martif>``, the dialect TBX-Basic and most tools use), read and
written with translate-toolkit's ``translate.storage.tbx``. One ``termEntry``
per glossary term (``id`` derived from the source language and term, so it is
stable across exports)::

    <termEntry id="t3f0c…">
      <descrip type="subjectField">place</descrip>        kind (omitted for "other")
      <descrip type="Translation needed">No</descrip>     policy: No = keep, Yes = translate
      <note>Capital of Azerbaijan</note>                  note (omitted when empty)
      <langSet xml:lang="en">                             source_lang: always the first langSet
        <tig><term>Baku</term>
             <termNote type="partOfSpeech">properNoun</termNote></tig>   kinds other than "other"
      </langSet>
      <langSet xml:lang="pt">                             one per language with a form
        <tig><term>Bacu</term>
             <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
        <tig><term>Bacú</term>
             <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
      </langSet>
      <langSet xml:lang="de">                             forms_de: accepted inflected forms
        <tig><term>Bakus</term>
             <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
             <termNote type="termType">variant</termNote></tig>
      </langSet>
    </termEntry>

Why these: ``subjectField``, ``partOfSpeech`` and the ``*-admn-sts`` statuses
are TBX-Basic data categories that other tools display and validate, a
deprecated term is exactly what a forbidden rendering is (translate-toolkit
reads it as obsolete), and an admitted term of term type ``variant`` is an
accepted variant of the preferred one, which is what an accepted inflected form
is (a ``-`` cell, "none here", has no TBX counterpart and is not exported). ``Translation
needed`` = ``No`` is how TermWeb marks a term not to translate, and
translate-toolkit and Weblate read it that way, so ``keep`` survives a trip
through those tools. The entity kind has no TBX data category of its own; the
subject field is the concept-level classifier tools show, so it carries the
kind.

Reading a TBX file from another tool: the first ``langSet`` of an entry is the
source (or the one in the language named by ``source_lang``, or a regional
variant of it: ``en`` reads ``en-US``); each non-deprecated source term
becomes a glossary term; language tags are normalised and keep their region
(``pt_br`` → ``pt-BR``); in every other language the preferred term (else the
first non-deprecated one that is not a variant) is the target form, terms of
type ``variant`` are accepted inflected forms and deprecated or superseded terms
are forbidden forms. Without ``Translation
needed`` the policy is ``translate`` when the entry has a target form, else
``keep``; a subject field that is not a transflow kind means ``other``; the
note is the entry's ``<note>`` and ``<descrip type="definition">`` texts. TBX v3
(``<tbx>``, ISO 30042:2019) is not read: translate-toolkit reads only TBX 2008.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from lxml import etree
from translate.misc.xml_helpers import getXMLlang, setXMLlang
from translate.storage.tbx import tbxfile, tbxunit

from transflow import __version__
from transflow.errors import InputError, TransflowError
from transflow.fileio import read_input_bytes
from transflow.glossary.editing import glossary_columns, new_term, render_csv_row, row_values
from transflow.glossary.model import Origin, Policy, Term, TermKind, load_glossary
from transflow.languages import UnknownLanguageError, normalise, same_language

__all__ = ["ImportedTerms", "export_csv", "export_tbx", "read_csv", "read_tbx", "read_terms"]

SUBJECT_FIELD = "subjectField"
TRANSLATION_NEEDED = "Translation needed"
PART_OF_SPEECH = "partOfSpeech"
ADMINISTRATIVE_STATUS = "administrativeStatus"
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
TERM_TYPE = "termType"
VARIANT = "variant"
# Statuses other tools use for a term that must not be used (compared lower-case).
_FORBIDDEN_STATUSES = frozenset(
    {
        "deprecatedterm-admn-sts",
        "supersededterm-admn-sts",
        "deprecated",
        "superseded",
        "forbidden",
        "obsolete",
    }
)
_PREFERRED_STATUSES = frozenset({"preferredterm-admn-sts", "preferred"})
_NAMES = frozenset({TermKind.PERSON, TermKind.PLACE, TermKind.ORGANISATION, TermKind.EVENT})
_KINDS = frozenset(kind.value for kind in TermKind)


@dataclass(frozen=True)
class ImportedTerms:
    """Terms read from an exchange file, each with the file:line it came from."""

    terms: list[Term]
    warnings: list[str] = field(default_factory=list)  # one line each, "file:line: …"


def read_terms(path: Path, source_lang: str | None = None) -> ImportedTerms:
    """Read a ``.tbx`` or transflow ``.csv`` glossary file to import."""
    suffix = path.suffix.lower()
    if suffix == ".tbx":
        return read_tbx(path, source_lang)
    if suffix == ".csv":
        if source_lang:
            raise TransflowError(
                f"{path}: a CSV glossary names each term's source language; "
                "a source language is only chosen for TBX files"
            )
        return read_csv(path)
    kind = f"'{path.suffix}' files" if path.suffix else "files without a suffix"
    raise InputError(path, f"cannot import {kind} (use .tbx or .csv)")


# --- CSV -------------------------------------------------------------------------------------


def read_csv(path: Path) -> ImportedTerms:
    """A transflow glossary CSV, loaded as strictly as ``glossary/`` is."""
    # A missing file or a directory is an input error here, not a glossary problem.
    if path.is_dir():
        raise InputError(path, "is a directory, not a glossary file")
    if not path.exists():
        raise InputError(path, "no such file")
    glossary = load_glossary([path])
    glossary.raise_for_errors()
    return ImportedTerms(glossary.terms, [str(problem) for problem in glossary.problems])


def export_csv(terms: Sequence[Term]) -> str:
    """All ``terms`` as one glossary CSV file (comments and file boundaries are not kept)."""
    columns = glossary_columns(terms)
    return render_csv_row(columns) + "".join(
        render_csv_row(row_values(term, columns)) for term in terms
    )


# --- TBX export ------------------------------------------------------------------------------


def export_tbx(terms: Sequence[Term]) -> str:
    """``terms`` as a TBX document (see the module docstring for the mapping)."""
    store = tbxfile(sourcelanguage=_main_language(terms))
    description = store.document.getroot().find(f".//{store.namespaced('p')}")
    if description is not None:
        description.text = f"transflow {__version__} glossary export"
    for term in terms:
        unit = tbxunit(None)
        store.addunit(unit)
        unit.setid(_entry_id(term))
        try:
            _fill_entry(unit, term)
        except ValueError:  # lxml refuses control characters, which XML cannot hold
            raise TransflowError(
                f"{term.origin}: {term.text!r} holds control characters that TBX (XML) "
                "cannot represent"
            ) from None
    output = BytesIO()
    store.serialize(output)
    return output.getvalue().decode("utf-8")


def _fill_entry(unit: tbxunit, term: Term) -> None:
    entry = unit.xmlelement
    if term.kind is not TermKind.OTHER:
        _append(unit, entry, "descrip", term.kind.value, type=SUBJECT_FIELD)
    needed = "No" if term.policy is Policy.KEEP else "Yes"
    _append(unit, entry, "descrip", needed, type=TRANSLATION_NEEDED)
    if term.note:
        _append(unit, entry, "note", term.note)
    source = _append(unit, entry, "langSet")
    setXMLlang(source, term.source_lang)
    tig = _append(unit, source, "tig")
    _append(unit, tig, "term", term.text)
    if term.kind in _NAMES:
        _append(unit, tig, "termNote", "properNoun", type=PART_OF_SPEECH)
    for language in sorted({*term.targets, *term.forbidden, *term.forms}):
        forms = [(term.targets[language], PREFERRED)] if language in term.targets else []
        forms += [(form, DEPRECATED) for form in term.forbidden.get(language, ())]
        variants = term.forms.get(language, ())
        if not forms and not variants:
            continue  # only "-" cells
        language_set = _append(unit, entry, "langSet")
        setXMLlang(language_set, language)
        for text, status in forms:
            _add_term(unit, language_set, text, status)
        for text in variants:
            _add_term(unit, language_set, text, ADMITTED, term_type=VARIANT)


def _main_language(terms: Iterable[Term]) -> str:
    """The file's language (TBX requires one): the most common source language."""
    counts = Counter(term.source_lang for term in terms)
    if not counts:
        return "en"
    return min(counts, key=lambda language: (-counts[language], language))


def _entry_id(term: Term) -> str:
    digest = hashlib.sha1(f"{term.source_lang}\n{term.text}".encode(), usedforsecurity=False)
    return "t" + digest.hexdigest()[:16]


def _append(
    unit: tbxunit, parent: etree._Element, tag: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, unit.namespaced(tag), attributes)
    element.text = text
    return element


def _add_term(
    unit: tbxunit,
    language_set: etree._Element,
    text: str,
    status: str,
    term_type: str | None = None,
) -> None:
    tig = _append(unit, language_set, "tig")
    _append(unit, tig, "term", text)
    _append(unit, tig, "termNote", status, type=ADMINISTRATIVE_STATUS)
    if term_type is not None:
        _append(unit, tig, "termNote", term_type, type=TERM_TYPE)


# --- TBX import ------------------------------------------------------------------------------


def read_tbx(path: Path, source_lang: str | None = None) -> ImportedTerms:
    """The terms of a TBX file; a malformed file is an ``InputError`` with its line."""
    store = _parse(path, read_input_bytes(path, "a glossary file"))
    imported = ImportedTerms([])
    for unit in store.units:
        imported.terms.extend(_entry_terms(path, unit, source_lang, imported.warnings))
    return imported


def _parse(path: Path, data: bytes) -> tbxfile:
    try:
        store: tbxfile | None = tbxfile.parsestring(data)
    except etree.XMLSyntaxError as error:
        message = " ".join(str(error.msg).split())
        raise InputError(path, f"not well-formed XML ({message})", error.lineno) from None
    except AssertionError:  # translate-toolkit asserts the root element
        store = None
    root = None if store is None else store.document.getroot()
    if store is None or root is None or etree.QName(root).localname != tbxfile.rootNode:
        raise InputError(path, _not_tbx_2008(data))
    return store


def _not_tbx_2008(data: bytes) -> str:
    root = etree.QName(etree.fromstring(data, etree.XMLParser(resolve_entities=False)))
    if root.localname == "tbx":
        return "TBX v3 files (<tbx>, ISO 30042:2019) are not supported; export TBX 2008 (<martif>)"
    return f"not a TBX file (root element <{root.localname}>, expected <martif>)"


def _entry_terms(
    path: Path, unit: tbxunit, source_lang: str | None, warnings: list[str]
) -> list[Term]:
    entry = unit.xmlelement
    language_sets = unit.getlanguageNodes()
    if not language_sets:
        raise InputError(path, "termEntry without a langSet", entry.sourceline)
    languages: dict[str, list[tuple[str, str, str]]] = {}
    for language_set in language_sets:
        code = getXMLlang(language_set)
        if not code or not code.strip():
            raise InputError(path, "langSet without xml:lang", language_set.sourceline)
        language = _language(path, code, language_set.sourceline)
        languages.setdefault(language, []).extend(_terms(unit, language_set))
    source = _language(path, source_lang or getXMLlang(language_sets[0]), entry.sourceline)
    found = _source_language_set(source, languages)
    if found is None:
        warnings.append(f"{path}:{entry.sourceline}: no {source} term; entry skipped")
        return []
    texts = [text for text, status, _ in languages.pop(found) if status not in _FORBIDDEN_STATUSES]
    if not texts:
        raise InputError(path, f"termEntry without a usable {source} term", entry.sourceline)
    targets: dict[str, str] = {}
    forbidden: dict[str, list[str]] = {}
    forms: dict[str, list[str]] = {}
    for language, terms in languages.items():
        usable = [
            (text, status, kind)
            for text, status, kind in terms
            if status not in _FORBIDDEN_STATUSES
        ]
        allowed = [text for text, _, kind in usable if kind != VARIANT]
        preferred = [
            text
            for text, status, kind in usable
            if status in _PREFERRED_STATUSES and kind != VARIANT
        ]
        forbidden[language] = [text for text, status, _ in terms if status in _FORBIDDEN_STATUSES]
        forms[language] = [text for text, _, kind in usable if kind == VARIANT]
        if allowed:
            targets[language] = (preferred or allowed)[0]
            ignored = [text for text in allowed if text != targets[language]]
            if ignored:
                warnings.append(
                    f"{path}:{entry.sourceline}: {texts[0]!r} has several {language} terms; "
                    f"kept {targets[language]!r}, ignored {', '.join(map(repr, ignored))}"
                )
    kind, policy, note = _concept(unit)
    return [
        new_term(
            text,
            source_lang=source,
            kind=kind,
            policy=policy,
            targets=targets,
            forbidden=forbidden,
            forms=forms,
            note=note,
            origin=Origin(path, entry.sourceline or 0),
        )
        for text in dict.fromkeys(texts)
    ]


def _source_language_set(
    source: str, languages: dict[str, list[tuple[str, str, str]]]
) -> str | None:
    """The entry's language that holds the source terms: ``source``, else a regional variant.

    So ``--from en`` reads the ``en-US`` terms of a tool that writes regions,
    and records them as ``en``, the language articles are translated from.
    """
    if source in languages:
        return source
    return next((code for code in languages if same_language(code, source)), None)


def _terms(unit: tbxunit, language_set: etree._Element) -> list[tuple[str, str, str]]:
    """(term text, administrative status, term type), both lower case, of each tig or ntig."""
    found = []
    for child in language_set:
        if child.tag not in (unit.namespaced("tig"), unit.namespaced("ntig")):
            continue
        term = next(child.iter(unit.namespaced("term")), None)
        text = "".join(term.itertext()).strip() if term is not None else ""
        if not text:
            continue  # an empty placeholder, as some tools write
        notes: dict[str, str] = {}
        for note in child.iter(unit.namespaced("termNote")):  # the first of each type counts
            notes.setdefault(note.get("type") or "", "".join(note.itertext()).strip().lower())
        found.append((text, notes.get(ADMINISTRATIVE_STATUS, ""), notes.get(TERM_TYPE, "")))
    return found


def _concept(unit: tbxunit) -> tuple[TermKind, Policy | None, str]:
    """Kind, policy (None if unstated) and note from the entry's concept-level metadata."""
    kind = TermKind.OTHER
    policy = None
    notes = []
    entry = unit.xmlelement
    elements = [
        element
        for child in entry
        for element in (child if child.tag == unit.namespaced("descripGrp") else [child])
    ]
    for element in elements:
        text = "".join(element.itertext()).strip()
        kind_of = element.get("type")
        if element.tag == unit.namespaced("note") and text:
            notes.append(text)
        elif element.tag != unit.namespaced("descrip"):
            continue
        elif kind_of == SUBJECT_FIELD and text.lower() in _KINDS:
            kind = TermKind(text.lower())
        elif kind_of == TRANSLATION_NEEDED and text.lower() in ("yes", "no"):
            policy = Policy.TRANSLATE if text.lower() == "yes" else Policy.KEEP
        elif kind_of == "definition" and text:
            notes.append(text)
    return kind, policy, "; ".join(notes)


def _language(path: Path, code: str, line: int | None) -> str:
    """A language tag as the glossary keeps it (normalised); one that is none is an error."""
    try:
        return normalise(code)
    except UnknownLanguageError as error:
        raise InputError(path, f"xml:lang {code!r}: {error}", line) from None
