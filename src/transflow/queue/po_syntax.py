"""PO syntax, read strictly in one pass: lines in, raw entries out.

Why transflow reads PO itself rather than through polib: a queue must be read
strictly (polib silently accepts a truncated file or an escape gettext rejects,
which would then be saved back with a translator's work cut off or changed),
and the review's first screen of a 5,000-entry queue has a 100 ms budget.
polib's parse of such a file alone took 160–220 ms, and a strict syntax check
before it another 90–120 ms; this reader checks and parses in one pass over the
lines, with string methods on the common path and a regular expression only for
strings that contain escapes (measured in ``benchmarks/README.md``).

The grammar is gettext's (``info gettext``, "The Format of PO Files"); where
polib reads a line differently from gettext, gettext wins:

* a comment block belongs to the entry it precedes; the header's translator
  comments are the translator comments of the entry whose msgid is empty;
* ``#foo`` (no space) is a translator comment, as for gettext;
* empty flags (``#, fuzzy,``) are dropped.

polib remains the independent reader the tests compare this one with
(``tests/queue/test_po_syntax.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from transflow.errors import InputError

_KEYWORD_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*)$')
_STRING_BODY = re.compile(r'(?:[^"\\]|\\.)*')
# The escapes gettext and polib agree on; gettext knows a few more (\a, \b,
# octal, ...), which polib would keep as two characters and write back changed.
_ESCAPED = re.compile(r'\\([\\"ntr])')
_BAD_ESCAPE = re.compile(r'\\(?:[^\\"ntr]|$)')
_UNESCAPE = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r"}
_PREVIOUS_KEYWORDS = ("msgctxt", "msgid", "msgid_plural")
# Longer "line numbers" (or "²") are part of the file name, as it was written.
_LONGEST_LINE_NUMBER = 9


@dataclass(slots=True)
class PoEntry:
    """One PO entry as written: its strings unescaped, its comments by kind."""

    line: int
    msgid: str = ""
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    has_plural_msgstr: bool = False
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    occurrences: list[tuple[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    obsolete: bool = False


@dataclass(slots=True)
class PoCatalog:
    """A PO file's header entry (msgid ``""``) and its other entries, in file order."""

    header: PoEntry | None
    entries: list[PoEntry]

    def metadata(self) -> dict[str, str]:
        """The header's fields (``Language: pt``), continuation lines joined as polib joins them."""
        fields: dict[str, str] = {}
        key = None
        for line in self.header.msgstr.splitlines() if self.header else []:
            name, colon, value = line.partition(":")
            if colon:
                key = name
                fields[key] = value.strip()
            elif key is not None:
                fields[key] += "\n" + line.strip()
        return fields


class _Reader:
    """One pass over the lines: the entry being read, and which string a ``"..."`` line extends.

    The loop in :func:`parse_po` handles the common lines itself (it runs once
    per line of a file of 50,000); the methods here handle the rest.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[PoEntry] = []
        self.entry: PoEntry | None = None
        # Escaped pieces of each string of the current entry, joined when it ends.
        self.pieces: dict[str, list[str]] = {}
        self.continued: list[str] | None = None  # the string a '"..."' line extends
        self.msgid_line: int | None = None  # a msgid still waiting for its msgstr
        self.complete = False  # the current entry has its msgstr
        # Whether the current entry's keyword and string lines are behind '#~'.
        self.obsolete_lines: bool | None = None

    def error(self, message: str, line: int) -> InputError:
        return InputError(self.path, f"malformed PO file ({message})", line)

    def current(self, number: int) -> PoEntry:
        """The entry a comment or keyword on line ``number`` belongs to (new after a msgstr)."""
        entry = self.entry
        if entry is None or self.complete:
            self.finish()
            entry = self.entry = PoEntry(number)
            self.complete = False
            self.obsolete_lines = None
        return entry

    def keep_obsolete(self, obsolete: bool, number: int) -> None:
        """An entry's keyword and string lines are all obsolete (``#~``) or none are."""
        if self.obsolete_lines is None:
            self.obsolete_lines = obsolete
        elif self.obsolete_lines != obsolete:
            raise self.error("inconsistent use of #~", number)

    def finish(self) -> None:
        """The current entry is over: its strings are joined and it joins the catalog."""
        if self.msgid_line is not None:
            raise self.error("entry cut off before its msgstr", self.msgid_line)
        entry = self.entry
        if entry is not None and not self.complete and self.pieces:  # a msgctxt or '#|' only
            raise self.error("entry cut off before its msgstr", entry.line)
        if entry is None or not self.complete:
            return  # comments after the last entry belong to no entry (as for polib)
        for name, pieces in self.pieces.items():
            setattr(entry, name, _unescape("".join(pieces)))
        self.entries.append(entry)
        self.pieces = {}
        self.continued = None
        self.entry = None

    def string(self, name: str, token: str, number: int, where: str) -> None:
        """Start string ``name`` of the current entry with the quoted ``token``."""
        pieces = [_string_body(token, self, number, where)]
        self.pieces[name] = pieces
        self.continued = pieces

    def keyword(self, keyword: str, token: str, number: int, obsolete: bool) -> None:
        where = f"after {keyword}"
        if keyword in ("msgid", "msgctxt"):
            if self.msgid_line is not None:
                raise self.error("msgid without msgstr", self.msgid_line)
            self.current(number)  # a new entry after a msgstr
        self.keep_obsolete(obsolete, number)
        if keyword == "msgid":
            self.current(number).obsolete = obsolete
            self.msgid_line = number
            self.string("msgid", token, number, where)
        elif keyword == "msgctxt":
            if "msgctxt" in self.pieces:
                raise self.error("two msgctxt in one entry", number)
            self.string("msgctxt", token, number, where)
        elif keyword == "msgid_plural":
            if self.msgid_line is None:
                raise self.error("msgid_plural without msgid", number)
            self.string("msgid_plural", token, number, where)
        else:  # msgstr or msgstr[N]
            entry = self.entry
            if self.msgid_line is None and (
                entry is None or not self.complete or keyword == "msgstr"
            ):
                raise self.error("msgstr without msgid", number)
            assert entry is not None
            self.msgid_line = None
            self.complete = True
            if keyword == "msgstr":
                self.string("msgstr", token, number, where)
            else:
                entry.has_plural_msgstr = True
                self.continued = [_string_body(token, self, number, where)]

    def comment(self, line: str, number: int) -> None:
        """Any comment line but a translator's ``# ...`` inside an entry's comments."""
        marker = line[1:2]
        if marker == "~":
            self.obsolete_line(line[2:].strip(), number)
            return
        if marker == "|":
            self.previous(line[2:].strip(), number)
            return
        if marker in (".", ":", ",") and not line[2:].strip():
            return  # an empty '#.', '#:' or '#,' line says nothing
        if self.msgid_line is None:
            entry = self.current(number)
        else:  # a comment between msgid and msgstr stays with its entry, and ends the msgid
            assert self.entry is not None
            entry = self.entry
        self.continued = None
        if marker == ".":
            entry.extracted_comments.append(line[2:].removeprefix(" "))
        elif marker == ":":
            entry.occurrences.extend(_occurrence(token) for token in line[2:].split())
        elif marker == ",":
            entry.flags.extend(flag for part in line[2:].split(",") if (flag := part.strip()))
        else:
            entry.translator_comments.append(line.lstrip("#").removeprefix(" "))

    def obsolete_line(self, rest: str, number: int) -> None:
        """What follows ``#~``: an obsolete entry's keyword or string line."""
        if not rest or rest.startswith("|"):
            return  # polib keeps no previous strings of obsolete entries
        if rest.startswith('"'):
            self.continuation(rest, number, obsolete=True)
        else:
            _keyword_line(self, rest, number, obsolete=True)

    def continuation(self, line: str, number: int, *, obsolete: bool | None) -> None:
        """A ``"..."`` line extending the last string (``obsolete`` None: a ``#|`` line)."""
        if self.continued is None:
            raise self.error("stray string", number)
        if obsolete is not None:
            self.keep_obsolete(obsolete, number)
        self.continued.append(_string_body(line, self, number, ""))

    def previous(self, text: str, number: int) -> None:
        """A ``#|`` line: the msgctxt or msgid this entry had before msgmerge changed it."""
        if not text:
            raise self.error("'#|' with no previous string", number)
        if text.startswith('"'):
            if self.msgid_line is not None or self.complete:
                raise self.error("stray string", number)
            self.continuation(text, number, obsolete=None)
            return
        keyword, _, token = text.partition(" ")
        token = token.strip()
        if keyword not in _PREVIOUS_KEYWORDS or not token:
            raise self.error(f"unexpected text {('#| ' + text)[:30]!r}", number)
        if self.msgid_line is not None:
            raise self.error("msgid without msgstr", self.msgid_line)
        self.current(number)
        name = {"msgctxt": "previous_msgctxt", "msgid": "previous_msgid"}.get(keyword)
        if name is None:  # a previous msgid_plural: kept by no queue, read and dropped
            self.continued = [_string_body(token, self, number, f"after #| {keyword}")]
        else:
            self.string(name, token, number, f"after #| {keyword}")


def parse_po(text: str, path: Path) -> PoCatalog:
    """The entries of PO ``text``; anything gettext would reject is refused with its line."""
    reader = _Reader(path)
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.strip()
        if not line:
            continue
        first = line[0]
        if first == '"':
            body = line[1:-1]
            continued = reader.continued
            if (
                continued is None
                or reader.obsolete_lines
                or line[-1] != '"'
                or '"' in body
                or "\\" in body
                or not body
            ):
                reader.continuation(line, number, obsolete=False)
            else:
                continued.append(body)
        elif first == "#":
            entry = reader.entry
            if (
                line[1:2] == " "
                and entry is not None
                and reader.msgid_line is None
                and not reader.complete
            ):  # the commonest comment: a translator's line among an entry's comments
                entry.translator_comments.append(line[2:])
                reader.continued = None
            else:
                reader.comment(line, number)
        elif line.startswith('msgid "'):
            reader.keyword("msgid", line[6:], number, False)
        elif line.startswith('msgstr "'):
            reader.keyword("msgstr", line[7:], number, False)
        else:
            _keyword_line(reader, line, number, obsolete=False)
    reader.finish()
    return _split_header(reader.entries)


def _keyword_line(reader: _Reader, line: str, number: int, *, obsolete: bool) -> None:
    match = _KEYWORD_LINE.match(line)
    if match is None:
        raise reader.error(f"unexpected text {line[:30]!r}", number)
    keyword, token = match.groups()
    reader.keyword(keyword, token, number, obsolete)


def _string_body(token: str, reader: _Reader, number: int, where: str) -> str:
    """The escaped text between the quotes of ``token``, checked."""
    body = token[1:-1]
    if len(token) < 2 or token[-1] != '"' or '"' in body or "\\" in body or token[0] != '"':
        if (
            len(token) < 2
            or token[0] != '"'
            or token[-1] != '"'
            or not _STRING_BODY.fullmatch(body)
        ):
            raise reader.error(f"unterminated string {where}".strip(), number)
        bad = _BAD_ESCAPE.search(body.replace("\\\\", ""))
        if bad:
            raise reader.error(f"unsupported escape {bad.group()!r}", number)
    return body


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPED.sub(lambda match: _UNESCAPE[match.group(1)], text)


def _occurrence(token: str) -> tuple[str, str]:
    """A ``#:`` reference as polib splits it: ``("story.txt", "4")``, or the whole token."""
    name, colon, line = token.rpartition(":")
    if colon and line.isascii() and line.isdigit() and len(line) <= _LONGEST_LINE_NUMBER:
        return name, line
    return token, ""


def _split_header(entries: list[PoEntry]) -> PoCatalog:
    for index, entry in enumerate(entries):
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
            return PoCatalog(entry, entries[:index] + entries[index + 1 :])
    return PoCatalog(None, entries)
