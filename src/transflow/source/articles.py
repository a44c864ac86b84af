"""Articles as a sequence of blocks that render back to the exact source.

An article (plain text ``.txt``/``.text`` or Markdown ``.md``/``.markdown``) is cut into
blocks: headings, paragraphs, list items and quotes carry translatable ``text``; code, tables,
HTML, front matter and other markup are kept verbatim. ``Article.render()`` reassembles the
file, optionally with new text for the translatable blocks, so ``transflow export`` writes the
translation in the article's original structure.

Round trip by construction
--------------------------
Every block owns an exact slice of the source: a translatable block is ``prefix`` (the markup
before its text on the first line: ``"## "``, ``"  • "``, ``"> "``, ``"1. "``), its text lines
each preceded by the original markup of that line (``line_prefixes``: ``"> "`` in a quote,
indentation in a list item), and ``suffix`` (closing ``#``s, trailing whitespace, a setext
underline); a verbatim block is its ``raw`` source. Whatever lies between two blocks (blank
lines, lines holding only container markup such as ``>``) is the first block's ``separator``.
So ``render()`` without replacements is the normalised file text, for every input; a
misjudged construct can change what gets translated, never the structure written back.

Replacement text may have more (or fewer) lines than the original. Lines beyond the original
count get the block's ``continuation``: the first line's markup with every character except
``>`` and whitespace turned into a space (``"> "`` stays ``"> "``, ``"  • "`` becomes four
spaces, ``"1. "`` three), which keeps them inside the same quote or list item. A single-line
construct (an ATX heading) has no continuation: line breaks in its replacement become spaces.

Plain text
----------
Blocks are separated by blank lines. Within a run of non-blank lines, each line starting
with a list marker (``•``, ``-``, ``*``, ``–``, ``1.``, ``1)``, ``a)`` and a few other bullets,
then a space) starts a ``list_item`` block; other lines continue the block before them, so a
hard-wrapped paragraph is one block whose text keeps its inner line breaks. A short line
(title, caption) directly followed by a paragraph without a blank line stays in that block:
plain text has no reliable marker for it, and the sentence segmenter already ends a sentence
at a line break before an uppercase word, so it still becomes its own sentence. For the same
reason plain text has only ``paragraph`` and ``list_item`` blocks: a title, a caption and a
photo credit all look like one-line paragraphs.

Markdown
--------
The CommonMark block structure of the subset news articles use, parsed here line by line:
block quotes and list items (nested, with lazy continuation lines), ATX and setext headings,
paragraphs, fenced and indented code, HTML blocks, GitHub tables, thematic breaks, link
reference definitions and YAML front matter (``---`` on the first line up to the next ``---``
or ``...`` line). Verbatim, never sent to the engine: code (kind ``code``), and (kind
``verbatim``) tables (cell text is not translated yet), HTML blocks (including a
``<figcaption>`` inside one), front matter, thematic breaks, reference definitions, headings
with no text and paragraphs holding only images (``![alt](url)``: the alt text is not
translated, so a URL can never reach the engine). Inline markup inside translatable text
(emphasis, links, code spans) is left in ``text``; ``transflow.source.markup`` keeps it away from
the engine.

Why not markdown-it-py (installed with rich)? Measured on this machine, its block parser
alone takes 0.4 s per MB of paragraphs, 1.6 s/MB of quotes and about 3 s/MB of lists or
tables, over the budget of well under a second per MB; and its tokens give only line ranges,
not the per-line container markup (``>``, list indentation, lazy lines) that rendering a
translation back needs, so a second pass re-deriving it would be needed anyway. The parser
below follows CommonMark's own container/leaf algorithm for that subset in one linear pass;
a test checks it against markdown-it-py on random documents. Deliberate differences: a line
holding only Unicode whitespace (a no-break space) is blank; a tab is never split between
container indentation and content; a reference definition whose destination is on the next
line counts only when it makes up a whole paragraph; and an indented line after a quote or
list paragraph is a lazy continuation, as the CommonMark spec says (markdown-it makes it code).
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from transflow.errors import InputError
from transflow.fileio import read_input_bytes

__all__ = [
    "Article",
    "ArticleFormat",
    "Block",
    "BlockKind",
    "article_format",
    "parse_article",
    "read_article",
]


class ArticleFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    QUOTE = "quote"
    CODE = "code"  # fenced or indented code: never translated
    VERBATIM = "verbatim"  # tables, HTML, front matter, rules, blank lines...: never translated


_TRANSLATABLE = frozenset(
    {BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE}
)
_SUFFIXES = {
    ".txt": ArticleFormat.TEXT,
    ".text": ArticleFormat.TEXT,
    ".md": ArticleFormat.MARKDOWN,
    ".markdown": ArticleFormat.MARKDOWN,
}


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article; see the module docstring for how the fields render."""

    kind: BlockKind
    text: str  # translatable text without markup prefixes; "" for verbatim blocks
    line: int  # 1-based line where ``text`` (or ``raw``) starts
    prefix: str = ""  # markup before the text on its first line
    line_prefixes: tuple[str, ...] = ()  # the original markup before each following text line
    continuation: str | None = ""  # markup for extra lines of a replacement; None: single line
    suffix: str = ""  # markup after the text: closing #s, trailing whitespace, setext underline
    separator: str = ""  # source between this block and the next (blank lines)
    raw: str = ""  # the source of a verbatim block

    @property
    def translatable(self) -> bool:
        return self.kind in _TRANSLATABLE

    def render(self, text: str | None = None) -> str:
        """The block's source, with ``text`` in place of its text if given."""
        if not self.translatable:
            return self.raw + self.separator
        body = self.text if text is None else text
        if "\n" in body:
            body = self._join(body.split("\n"))
        return f"{self.prefix}{body}{self.suffix}{self.separator}"

    def _join(self, lines: list[str]) -> str:
        """Text lines joined with the original markup of each line, then the continuation."""
        if self.continuation is None:
            return " ".join(line.strip() for line in lines)
        parts = [lines[0]]
        for index, line in enumerate(lines[1:]):
            if index < len(self.line_prefixes):
                markup = self.line_prefixes[index]
            else:
                markup = self.continuation if line.strip() else self.continuation.rstrip()
            parts += ["\n", markup, line]
        return "".join(parts)


@dataclass(frozen=True)
class Article:
    """A parsed article: every byte of its normalised text belongs to exactly one block."""

    path: Path
    format: ArticleFormat
    blocks: tuple[Block, ...]

    def render(self, translate: Callable[[Block], str] | None = None) -> str:
        """The article's text, with ``translate(block)`` as the text of each translatable block.

        Without ``translate`` this is exactly the (decoded, normalised) source.
        """
        return "".join(
            block.render(translate(block) if translate is not None and block.translatable else None)
            for block in self.blocks
        )


def article_format(path: Path) -> ArticleFormat:
    """The format an article's file name promises; other suffixes are refused."""
    found = _SUFFIXES.get(path.suffix.lower())
    if found is None:
        kind = f"'{path.suffix}' files" if path.suffix else "files without a suffix"
        raise InputError(
            path, f"cannot read {kind} as articles (use .txt, .text, .md or .markdown)"
        )
    return found


def read_article(path: Path) -> Article:
    """Read and parse an article; every problem with the file is an ``InputError``."""
    data = read_input_bytes(path, "an article file")
    fmt = article_format(path)
    return parse_article(_decode(data, path), path, fmt)


def parse_article(text: str, path: Path, fmt: ArticleFormat) -> Article:
    """Parse article text; CRLF and CR become LF and a leading BOM is dropped first.

    ``path`` only names the article in errors and in the result; ``fmt`` may also be the
    format's value ("text", "markdown").
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, "empty article")
    lines = text.split("\n")
    fmt = ArticleFormat(fmt)
    leaves = (
        _MarkdownParser(lines).parse() if fmt is ArticleFormat.MARKDOWN else _text_leaves(lines)
    )
    blocks = _assemble(text, lines, leaves)
    if not any(block.translatable for block in blocks):
        raise InputError(path, "no translatable text (only code, tables or other markup)")
    return Article(path, fmt, blocks)


# --- reading ---------------------------------------------------------------------------------

# Bytes below 0x20 that text files do not contain; a share of them marks a binary file even
# without NUL bytes (random binary data holds about 10%).
_CONTROL_BYTES = bytes(set(range(32)) - set(b"\t\n\r\f\v\x1b"))
_BINARY_CONTROL_SHARE = 0.05
_BINARY_SAMPLE = 8192
_BINARY_SIGNATURES = (b"%PDF-", b"\x89PNG", b"PK\x03\x04", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b")


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 text of an article file, refusing binary files and other encodings."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(path, "UTF-16 text; save the article as UTF-8")
    if _looks_binary(data):
        raise InputError(path, "binary file, not a text or Markdown article")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise InputError(
            path,
            f"not valid UTF-8 (byte 0x{byte:02x}); save the article as UTF-8",
            line=_line_of(data, error.start),
        ) from None


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_BINARY_SIGNATURES) or b"\x00" in data:
        return True
    sample = data[:_BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) * _BINARY_CONTROL_SHARE


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line of a byte offset, counting LF, CRLF and lone CR line ends."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


# --- from leaves to blocks -------------------------------------------------------------------


@dataclass(slots=True)
class _Leaf:
    """A block as found by a parser: a range of lines and, if translatable, its text rows."""

    kind: BlockKind
    first: int  # 0-based index of the first line
    last: int  # 0-based index of the last line (inclusive)
    rows: list[tuple[str, str]] = field(default_factory=list)  # (markup, text) per text line
    suffix: str = ""  # markup after the text that is not trailing whitespace
    single_line: bool = False


def _row(line: str, pos: int) -> tuple[str, str]:
    """Split a text line into its markup (up to ``pos``, plus indentation) and its text."""
    text = line[pos:].lstrip()
    return line[: len(line) - len(text)], text


def _assemble(text: str, lines: list[str], leaves: list[_Leaf]) -> tuple[Block, ...]:
    """Blocks covering ``text`` exactly: the leaves, the gaps after them, any leading blanks."""
    starts = [0] * (len(lines) + 1)
    for index, line in enumerate(lines):
        starts[index + 1] = starts[index] + len(line) + 1
    blocks: list[Block] = []
    if not leaves or leaves[0].first > 0:
        lead_end = starts[leaves[0].first] if leaves else len(text)
        blocks.append(Block(BlockKind.VERBATIM, "", 1, raw=text[:lead_end]))
    for index, leaf in enumerate(leaves):
        end = starts[leaf.last] + len(lines[leaf.last])
        following = starts[leaves[index + 1].first] if index + 1 < len(leaves) else len(text)
        separator = text[end:following]
        if leaf.kind in _TRANSLATABLE:
            blocks.append(_text_block(leaf, separator))
        else:
            raw = text[starts[leaf.first] : end]
            blocks.append(Block(leaf.kind, "", leaf.first + 1, separator=separator, raw=raw))
    return tuple(blocks)


def _text_block(leaf: _Leaf, separator: str) -> Block:
    prefixes, texts = zip(*leaf.rows, strict=True)
    last = texts[-1]
    body = last.rstrip()
    return Block(
        leaf.kind,
        "\n".join((*texts[:-1], body)),
        leaf.first + 1,
        prefix=prefixes[0],
        line_prefixes=prefixes[1:],
        continuation=None if leaf.single_line else _continuation(prefixes[0]),
        suffix=last[len(body) :] + leaf.suffix,
        separator=separator,
    )


_NOT_QUOTE_MARKUP = re.compile(r"[^\s>]")


@functools.lru_cache(maxsize=1024)
def _continuation(prefix: str) -> str:
    """Markup that keeps an added line in the first line's quote or list item."""
    return _NOT_QUOTE_MARKUP.sub(" ", prefix)


# --- plain text ------------------------------------------------------------------------------

_TEXT_LIST_MARKER = re.compile(r"[ \t]*(?:[•◦▪‣⁃●\-*–]|\d{1,3}[.)]|[A-Za-z]\))[ \t]+(?=\S)")


def _text_leaves(lines: list[str]) -> list[_Leaf]:
    leaves: list[_Leaf] = []
    current: _Leaf | None = None
    for index, line in enumerate(lines):
        if not line.strip():
            current = None
            continue
        marker = _TEXT_LIST_MARKER.match(line)
        if marker is not None or current is None:
            kind = BlockKind.LIST_ITEM if marker is not None else BlockKind.PARAGRAPH
            current = _Leaf(kind, index, index)
            leaves.append(current)
        current.last = index
        current.rows.append(_row(line, marker.end() if marker is not None else 0))
    return leaves


# --- Markdown --------------------------------------------------------------------------------

_QUOTE_MARKER = re.compile(r" {0,3}>[ \t]?")
_LIST_MARKER = re.compile(r" {0,3}(?:[-+*]|(\d{1,9})[.)])(?=[ \t]|$)")
_ATX = re.compile(r" {0,3}#{1,6}(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_TABLE_DELIMITER = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
# A link reference definition, "[label]: destination 'title'". One with its destination on
# the line opens a verbatim block that may take the title from the next line (group 1 is the
# title); a paragraph that turns out to be a whole definition spread over lines is verbatim.
_LABEL = r"\[(?:[^\]\\]|\\.)+\]:"
_DESTINATION = r"(?:<[^<>\n]*>|[^\s<]\S*)"
_TITLE = r"(?:\"[^\"]*\"|'[^']*'|\([^)]*\))"
_REFERENCE_DEFINITION = re.compile(
    rf" {{0,3}}{_LABEL}[ \t]*{_DESTINATION}(?:[ \t]+({_TITLE}))?[ \t]*$"
)
_REFERENCE_TITLE = re.compile(rf"[ \t]*{_TITLE}[ \t]*$")
_REFERENCE_PARAGRAPH = re.compile(rf"{_LABEL}\s*{_DESTINATION}(?:\s+{_TITLE})?")
_IMAGES_ONLY = re.compile(
    r"(?:\[?!\[(?:[^\]\\]|\\.)*\](?:\([^)]*\)|\[[^\]]*\])(?:\]\([^)]*\))?[ \t]*\n?)+"
)
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
    "dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|"
    "header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|"
    "param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
# CommonMark's HTML block kinds 1-6: how each starts and the text that ends it (None: a blank
# line ends it). Kind 7, any lone tag, cannot interrupt a paragraph.
_HTML_BLOCKS: tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...] = (
    (
        re.compile(r" {0,3}<(?:script|pre|style|textarea)(?:[ \t>]|$)", re.IGNORECASE),
        re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE),
    ),
    (re.compile(r" {0,3}<!--"), re.compile(r"-->")),
    (re.compile(r" {0,3}<\?"), re.compile(r"\?>")),
    (re.compile(r" {0,3}<![A-Za-z]"), re.compile(r">")),
    (re.compile(r" {0,3}<!\[CDATA\["), re.compile(r"\]\]>")),
    (re.compile(rf" {{0,3}}</?(?:{_BLOCK_TAGS})(?:[ \t>]|/>|$)", re.IGNORECASE), None),
)
_HTML_LONE_TAG = re.compile(
    r" {0,3}(?:<[A-Za-z][A-Za-z0-9-]*"
    r"(?:[ \t]+[A-Za-z_:][\w.:-]*(?:[ \t]*=[ \t]*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*"
    r"[ \t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*$"
)


@dataclass(slots=True)
class _Container:
    """An open block quote, or a list item whose content starts ``indent`` columns in."""

    quote: bool
    indent: int = 0
    has_content: bool = True  # False for a list item that so far holds only its marker


def _advance(column: int, char: str) -> int:
    """The column after ``char``: tabs stop at multiples of four."""
    return column + 4 - column % 4 if char == "\t" else column + 1


def _column(line: str, pos: int) -> int:
    if "\t" not in line[:pos]:
        return pos
    column = 0
    for char in line[:pos]:
        column = _advance(column, char)
    return column


def _indent(line: str, pos: int) -> int:
    """Columns of indentation at ``pos`` (at most 8 characters are looked at)."""
    head = line[pos : pos + 8]
    if "\t" not in head:
        return len(head) - len(head.lstrip(" "))
    start = column = _column(line, pos)
    for char in line[pos : pos + 8]:
        if char not in " \t":
            break
        column = _advance(column, char)
    return column - start


def _skip_indent(line: str, pos: int, width: int) -> int | None:
    """``pos`` after ``width`` columns of indentation, or None if the line has fewer."""
    start = column = _column(line, pos)
    while column - start < width and pos < len(line) and line[pos] in " \t":
        column = _advance(column, line[pos])
        pos += 1
    return pos if column - start >= width else None


# What the first character of a line's content (after up to three spaces) must be for it to
# possibly open a container or a leaf other than a paragraph; "" stands for deeper indentation
# and a tab for indentation that needs counting. Other lines skip those checks.
_CONTAINER_LEADS = frozenset(">-+*0123456789\t") | {""}
_LEAF_LEADS = frozenset("`~#-*_<=|:+[\t") | {""}


def _lead(line: str, pos: int) -> str:
    return line[pos : pos + 4].lstrip(" ")[:1]


def _is_blank(line: str, pos: int) -> bool:
    return not line[pos:].strip()


class _MarkdownParser:
    """CommonMark's block algorithm for the subset above: one pass, one line at a time.

    For each line: match the open containers (``>`` of a quote, indentation of a list item);
    if some do not match, the line is a lazy continuation of an open paragraph or closes
    them; an open fence, HTML block or indented code block takes the line as is; otherwise
    new containers are opened and the rest of the line starts or continues a leaf block.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.leaves: list[_Leaf] = []
        self.containers: list[_Container] = []
        self.leaf: _Leaf | None = None  # the open leaf that can take more lines
        self.mode = ""  # what the open leaf is: paragraph, fence, html, code, table, reference
        self.lazy = False  # the open paragraph's last line is a lazy continuation line
        self.fence = ""  # the opening fence of an open fenced code block
        self.html_end: re.Pattern[str] | None = None

    def parse(self) -> list[_Leaf]:
        for index in range(self._front_matter(), len(self.lines)):
            self._line(index, self.lines[index])
        self._close_leaf()
        return self.leaves

    def _front_matter(self) -> int:
        """Index of the first line after YAML front matter (0 if there is none)."""
        lines = self.lines
        if lines[0].rstrip() != "---" or len(lines) < 3 or not lines[1].strip():
            return 0
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                self.leaves.append(_Leaf(BlockKind.VERBATIM, 0, index))
                return index + 1
        return 0

    def _line(self, index: int, line: str) -> None:
        pos, matched = self._match_containers(line)
        if matched < len(self.containers):
            if self._lazy(line, pos):
                self._continue_paragraph(index, line, pos)
                self.lazy = True
                return
            self._close_containers(matched)
        if self.mode in ("fence", "html", "code") and self._continue_verbatim(index, line, pos):
            return
        pos = self._open_containers(line, pos)
        self._leaf_line(index, line, pos)

    # containers

    def _match_containers(self, line: str) -> tuple[int, int]:
        """Where the line's content starts after the open containers it continues, and how many."""
        pos = 0
        for matched, container in enumerate(self.containers):
            if container.quote:
                marker = _QUOTE_MARKER.match(line, pos)
                if marker is None:
                    return pos, matched
                pos = marker.end()
            elif not _is_blank(line, pos):
                after = _skip_indent(line, pos, container.indent)
                if after is None:
                    return pos, matched
                pos, container.has_content = after, True
            elif not container.has_content:  # an item starts with at most one blank line
                return pos, matched
        return pos, len(self.containers)

    def _lazy(self, line: str, pos: int) -> bool:
        """Whether a line that leaves some containers still continues the open paragraph."""
        return (
            self.mode == "paragraph"
            and not _is_blank(line, pos)
            and not self._interrupts(line, pos, in_paragraph=False)
        )

    def _close_containers(self, keep: int) -> None:
        self._close_leaf()
        del self.containers[keep:]

    def _open_containers(self, line: str, pos: int) -> int:
        while _lead(line, pos) in _CONTAINER_LEADS and _indent(line, pos) < 4:
            quote = _QUOTE_MARKER.match(line, pos)
            if quote is not None:
                self._close_leaf()
                self.containers.append(_Container(quote=True))
                pos = quote.end()
                continue
            item = self._list_item(line, pos, in_paragraph=self.mode == "paragraph")
            if item is None:
                break
            self._close_leaf()
            content, indent = item
            has_content = not _is_blank(line, content)
            self.containers.append(_Container(quote=False, indent=indent, has_content=has_content))
            pos = content
        return pos

    def _list_item(self, line: str, pos: int, *, in_paragraph: bool) -> tuple[int, int] | None:
        """Where a list item starting at ``pos`` has its content, and its indentation width.

        ``in_paragraph``: the line would interrupt a paragraph of the same container, which
        an empty item or an ordered item not numbered 1 cannot do.
        """
        marker = _LIST_MARKER.match(line, pos)
        if marker is None or _THEMATIC_BREAK.match(line, pos):
            return None
        after = marker.end()
        empty = _is_blank(line, after)
        if in_paragraph and (empty or marker.group(1) not in (None, "1")):
            return None
        width = after - pos
        if empty:
            return len(line), width + 1
        spaces = _indent(line, after)
        if spaces > 4:  # the content is indented code: the item takes one space
            return after + 1, width + 1
        content = after
        while line[content] in " \t":
            content += 1
        return content, width + spaces

    def _interrupts(self, line: str, pos: int, *, in_paragraph: bool) -> bool:
        """Whether the line starts a block, so it cannot continue a paragraph or table.

        A line that leaves a container (``in_paragraph`` false) starts its blocks outside the
        paragraph, where any list item may begin.
        """
        if _indent(line, pos) >= 4:
            return False
        return bool(
            _QUOTE_MARKER.match(line, pos)
            or self._list_item(line, pos, in_paragraph=in_paragraph)
            or _ATX.match(line, pos)
            or self._fence_start(line, pos)
            or _THEMATIC_BREAK.match(line, pos)
            or any(start.match(line, pos) for start, _ in _HTML_BLOCKS)
        )

    # leaves

    def _context_kind(self) -> BlockKind:
        if not self.containers:
            return BlockKind.PARAGRAPH
        return BlockKind.QUOTE if self.containers[-1].quote else BlockKind.LIST_ITEM

    def _open_leaf(self, leaf: _Leaf, mode: str) -> None:
        self._close_leaf()
        self.leaves.append(leaf)
        self.leaf, self.mode = leaf, mode

    def _close_leaf(self) -> None:
        leaf = self.leaf
        if leaf is not None and self.mode == "paragraph" and _not_text(leaf):
            leaf.kind, leaf.rows = BlockKind.VERBATIM, []
        self.leaf, self.mode, self.lazy = None, "", False

    def _single(self, leaf: _Leaf) -> None:
        self._close_leaf()
        self.leaves.append(leaf)

    def _continue_paragraph(self, index: int, line: str, pos: int) -> None:
        assert self.leaf is not None
        self.leaf.rows.append(_row(line, pos))
        self.leaf.last = index
        self.lazy = False

    def _continue_verbatim(self, index: int, line: str, pos: int) -> bool:
        """Give the line to an open fence, HTML or indented code block if it belongs there."""
        assert self.leaf is not None
        blank = _is_blank(line, pos)
        if self.mode == "fence":
            if not blank:
                self.leaf.last = index
            if self._closes_fence(line, pos):
                self._close_leaf()
            return True
        if self.mode == "html":
            if self.html_end is None and blank:
                self._close_leaf()
                return False
            self.leaf.last = index
            if self.html_end is not None and self.html_end.search(line, pos):
                self._close_leaf()
            return True
        if blank or _indent(line, pos) >= 4:  # indented code
            if not blank:
                self.leaf.last = index
            return True
        self._close_leaf()
        return False

    def _leaf_line(self, index: int, line: str, pos: int) -> None:
        if _is_blank(line, pos):
            if self.mode in ("paragraph", "table", "reference"):
                self._close_leaf()
            return
        if self.mode in ("", "paragraph") and _lead(line, pos) not in _LEAF_LEADS:
            self._paragraph_line(index, line, pos)  # the common case: a line of prose
            return
        if self._extends_leaf(index, line, pos):
            return
        if self.mode != "paragraph" and _indent(line, pos) >= 4:
            self._open_leaf(_Leaf(BlockKind.CODE, index, index), "code")
        elif fence := self._fence_start(line, pos):
            self._open_leaf(_Leaf(BlockKind.CODE, index, index), "fence")
            self.fence = fence
        elif _ATX.match(line, pos):
            self._single(_heading(index, line, pos))
        elif _THEMATIC_BREAK.match(line, pos):
            self._single(_Leaf(BlockKind.VERBATIM, index, index))
        elif not self._html_start(index, line, pos):
            self._paragraph_line(index, line, pos)

    def _extends_leaf(self, index: int, line: str, pos: int) -> bool:
        """Whether the line completes or continues the open leaf as something other than text."""
        leaf = self.leaf
        if leaf is None:
            return False
        if self.mode == "paragraph" and _SETEXT_UNDERLINE.match(line, pos):
            leaf.kind, leaf.suffix, leaf.last = BlockKind.HEADING, "\n" + line, index
            self._close_leaf()
            return True
        if self.mode == "paragraph" and not self.lazy and _table_starts(leaf, line, pos):
            self._start_table(index)
            return True
        if (
            self.mode == "table"
            and _table_row(line, pos)
            and not self._interrupts(line, pos, in_paragraph=False)
        ):
            leaf.last = index
            return True
        if self.mode == "reference" and _REFERENCE_TITLE.match(line, pos):
            leaf.last = index
            self._close_leaf()
            return True
        if self.mode != "paragraph":
            self._close_leaf()
        return False

    def _start_table(self, index: int) -> None:
        """Turn the paragraph's last line, the header row, and this delimiter row into a table."""
        assert self.leaf is not None
        if len(self.leaf.rows) == 1:
            self.leaf.kind, self.leaf.rows, self.leaf.last = BlockKind.VERBATIM, [], index
            self.mode = "table"
            return
        self.leaf.rows.pop()
        self.leaf.last = index - 2
        self._open_leaf(_Leaf(BlockKind.VERBATIM, index - 1, index), "table")

    def _paragraph_line(self, index: int, line: str, pos: int) -> None:
        if self.mode == "paragraph":
            self._continue_paragraph(index, line, pos)
        elif definition := _REFERENCE_DEFINITION.match(line, pos):
            leaf = _Leaf(BlockKind.VERBATIM, index, index)
            if definition.group(1) is None:
                self._open_leaf(leaf, "reference")  # its title may follow on the next line
            else:
                self._single(leaf)
        else:
            self._open_leaf(
                _Leaf(self._context_kind(), index, index, [_row(line, pos)]), "paragraph"
            )

    def _fence_start(self, line: str, pos: int) -> str:
        fence = _FENCE.match(line, pos)
        if fence is None or (fence.group(1)[0] == "`" and "`" in line[fence.end() :]):
            return ""
        return fence.group(1)

    def _closes_fence(self, line: str, pos: int) -> bool:
        fence = _FENCE.match(line, pos)
        return (
            fence is not None
            and fence.group(1)[0] == self.fence[0]
            and len(fence.group(1)) >= len(self.fence)
            and _is_blank(line, fence.end())
        )

    def _html_start(self, index: int, line: str, pos: int) -> bool:
        """Open an HTML block if the line starts one; it may end on the same line."""
        for start, end in _HTML_BLOCKS:
            if start.match(line, pos):
                self._open_leaf(_Leaf(BlockKind.VERBATIM, index, index), "html")
                self.html_end = end
                if end is not None and end.search(line, pos + 2):
                    self._close_leaf()
                return True
        if self.mode != "paragraph" and _HTML_LONE_TAG.match(line, pos):
            self._open_leaf(_Leaf(BlockKind.VERBATIM, index, index), "html")
            self.html_end = None
            return True
        return False


def _heading(index: int, line: str, pos: int) -> _Leaf:
    """An ATX heading line: ``## Title ##`` has prefix "## ", text "Title", suffix " ##"."""
    start = _ATX.match(line, pos)
    assert start is not None
    body = line[start.end() :]
    closing = _ATX_CLOSE.search(body)
    text = body[: closing.start()] if closing else body
    if not text.strip():
        return _Leaf(BlockKind.VERBATIM, index, index)
    prefix = line[: start.end()]
    return _Leaf(BlockKind.HEADING, index, index, [(prefix, text)], body[len(text) :], True)


def _table_starts(leaf: _Leaf, line: str, pos: int) -> bool:
    """Whether the line is a delimiter row under a paragraph whose last line is the header."""
    if not _TABLE_DELIMITER.match(line, pos):
        return False
    header, delimiter = leaf.rows[-1][1], line[pos:]
    return "|" in header and "|" in delimiter and _cells(header) == _cells(delimiter)


def _table_row(line: str, pos: int) -> bool:
    """Whether a line after the delimiter row can be a row (an indented line is code)."""
    return _indent(line, pos) < 4


def _cells(row: str) -> int:
    return len(_CELL_SEPARATOR.split(row.strip().removeprefix("|").removesuffix("|")))


def _not_text(leaf: _Leaf) -> bool:
    """Whether a paragraph holds only images, or is a reference definition spread over lines."""
    text = "\n".join(text for _, text in leaf.rows).rstrip()
    return bool(_IMAGES_ONLY.fullmatch(text) or _REFERENCE_PARAGRAPH.fullmatch(text))
