"""Inline Markdown kept out of the engine's text, and put back into its translation.

A sentence of a Markdown block may hold emphasis (``*x*``, ``_x_``, ``**x**``, ``__x__``,
``~~x~~``), code spans, links and images (inline ``[text](url "title")`` or reference
``[text][id]``), autolinks (``<https://…>``), inline HTML tags, hard line breaks and backslash
escapes. An engine shown asterisks, URLs and brackets mangles them and translates the URLs, so
``strip_inline`` hands it plain text and records each piece of markup against the plain text
it surrounds (a ``MarkupSpan``), and ``restore_inline`` re-applies the spans to the
translation. Word order changes in translation, so a span can only go back where its text can
be found again:

* a span that covers every word of the sentence (or of the span around it), such as
  ``**Breaking news.**`` or ``*“a quote”*``, wraps the whole translation (minus the
  punctuation it did not cover in the source), so it is always restored;
* another span is put around its own text where that text occurs in the translation (a
  name, a number, a code span or URL that passes through verbatim), first as written, then
  ignoring case, choosing the occurrence nearest the span's place in the source;
* failing that, a span that starts (or ends) the sentence and ends (or starts) at its only
  ``:``, ``—``, ``–`` or ``|`` goes up to the translation's only such mark:
  ``**Update:** Talks resumed.`` becomes ``**Atualização:** …``;
* markup that cannot be placed is never dropped in silence: its description ("link to
  https://… around 'text'") is returned in ``RestoreResult.lost`` for the reviewer.

Markup with no text of its own (an HTML tag, a hard line break, or an emphasis marker whose
partner is in another sentence because the segmenter split inside an emphasised passage) is
a ``MarkupPoint``: restored at the start or end of the sentence, reported lost elsewhere.

Code spans and URLs (autolinks, and bare ``http(s)://`` or ``www.`` addresses in the text)
must not be translated: their content stays in the plain text, verbatim, and is listed in
``InlineMarkup.protected``. Addresses there are found again by ``transflow.glossary.verbatim`` and
enforced like glossary terms; a code span the engine translates cannot be placed again and is
reported lost. Backslash escapes become the bare character for the engine, and the
same characters are escaped again in the translation. Shortcut reference links (``[text]``
alone) and entity references (``&amp;``) are left as text: telling them from brackets and
ampersands needs the whole document.

The inline grammar is CommonMark's, reduced to what a sentence of news needs: code spans and
autolinks bind first, then brackets resolve into links, then emphasis delimiter runs are
paired with the flanking rules (so ``2 * 3`` and ``snake_case`` stay text).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "BARE_URL",
    "InlineMarkup",
    "MarkupPoint",
    "MarkupSpan",
    "ProtectedSpan",
    "RestoreResult",
    "restore_inline",
    "strip_inline",
]


@dataclass(frozen=True, slots=True)
class MarkupSpan:
    """Markup around ``plain[start:end]``: ``open`` before it and ``close`` after it."""

    start: int
    end: int
    open: str
    close: str
    description: str  # what the reviewer is told if the span cannot be restored
    parent: int | None = None  # index of the enclosing span in ``InlineMarkup.spans``
    depth: int = 0
    verbatim: bool = False  # code or URL: the text must come back unchanged, unescaped


@dataclass(frozen=True, slots=True)
class MarkupPoint:
    """Markup without text of its own, at ``position`` in the plain text."""

    position: int
    markup: str
    description: str


@dataclass(frozen=True, slots=True)
class ProtectedSpan:
    """Plain text that must not be translated: a code span's content or a URL."""

    start: int
    end: int
    text: str
    kind: str  # "code" or "url"


@dataclass(frozen=True)
class InlineMarkup:
    """What ``strip_inline`` removed from a sentence; spans are outermost first."""

    plain: str
    spans: tuple[MarkupSpan, ...] = ()
    points: tuple[MarkupPoint, ...] = ()
    protected: tuple[ProtectedSpan, ...] = ()
    escaped: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RestoreResult:
    text: str
    lost: tuple[str, ...] = ()  # descriptions of the markup that could not be placed


# --- parsing ---------------------------------------------------------------------------------

_SPECIAL = re.compile(r"[\\`<\[\]!*_~\n]")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_AUTOLINK = re.compile(
    r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>"
)
_HTML_TAG = re.compile(
    r"<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*"
    r"\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>|<!--.*?-->"
)
_INLINE_LINK_TAIL = re.compile(
    r"\(\s*(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?:\s+(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\)"
)
_REFERENCE_LINK_TAIL = re.compile(r"\[((?:[^\[\]\\]|\\.){0,999})\]")
# Not inside a word or an e-mail address; typographic quotes never belong to an address
# (a real one would be percent-encoded).
BARE_URL = re.compile(r"(?<![\w.@/-])(?:https?://|www\.)[^\s<>“”‘’«»]*[^\s<>.,;:!?'\")\]“”‘’«»]")
_HARD_BREAK_SPACES = re.compile(r" {2,}\Z")


@dataclass(slots=True)
class _Delimiter:
    """A run of ``*``, ``_`` or ``~`` that may open or close emphasis; ``count`` is what is left."""

    char: str
    count: int
    can_open: bool
    can_close: bool
    length: int  # the run's original length, for CommonMark's "rule of three"
    at_edge: bool = False  # unmatched at the very start or end of the sentence


@dataclass(slots=True)
class _Bracket:
    """An unresolved ``[`` or ``![``; links cannot contain links, so it may be deactivated."""

    image: bool
    active: bool = True


@dataclass(slots=True)
class _Code:
    open: str
    text: str
    close: str


@dataclass(slots=True)
class _Autolink:
    url: str


@dataclass(slots=True)
class _Point:
    markup: str
    kind: str  # "html" or "break"


@dataclass(slots=True)
class _Link:
    children: list[_Node]
    open: str  # "[" or "!["
    close: str  # "](url 'title')", "][id]" or "][]"
    target: str


@dataclass(slots=True)
class _Emphasis:
    children: list[_Node]
    marker: str


_Node = str | _Delimiter | _Bracket | _Code | _Autolink | _Point | _Link | _Emphasis


def strip_inline(sentence: str) -> tuple[str, InlineMarkup]:
    """The sentence as plain text for the engine, and the markup to put back afterwards."""
    scanner = _Scanner(sentence)
    nodes = _pair_emphasis(scanner.scan())
    _mark_edges(nodes)
    flat = _Flattener()
    flat.add(nodes, None, 0)
    plain = "".join(flat.parts)
    protected = sorted(flat.protected + _bare_urls(plain, flat.protected), key=lambda p: p.start)
    markup = InlineMarkup(
        plain, tuple(flat.spans), tuple(flat.points), tuple(protected), frozenset(scanner.escaped)
    )
    return plain, markup


class _Scanner:
    """Tokens of a sentence: text, code, autolinks, HTML tags, delimiter runs and links."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.nodes: list[_Node] = []
        self.brackets: list[int] = []  # indexes in ``nodes`` of unresolved brackets
        self.escaped: set[str] = set()

    def scan(self) -> list[_Node]:
        source, pos = self.source, 0
        while pos < len(source):
            special = _SPECIAL.search(source, pos)
            if special is None:
                self.nodes.append(source[pos:])
                break
            if special.start() > pos:
                self.nodes.append(source[pos : special.start()])
            pos = self._special(special.start())
        return self.nodes

    def _special(self, pos: int) -> int:
        """Handle the special character at ``pos``; return where scanning goes on."""
        char = self.source[pos]
        if char == "\\":
            return self._backslash(pos)
        if char == "`":
            return self._code(pos)
        if char == "<":
            return self._angle(pos)
        if char in "[!":
            return self._open_bracket(pos)
        if char == "]":
            return self._close_bracket(pos)
        if char == "\n":
            return self._line_break(pos)
        return self._delimiter(pos)

    def _backslash(self, pos: int) -> int:
        following = self.source[pos + 1 : pos + 2]
        if following == "\n":
            self.nodes += [_Point("\\", "break"), "\n"]
        elif following in _ASCII_PUNCTUATION and following:
            self.escaped.add(following)
            self.nodes.append(following)
        else:
            self.nodes.append("\\")
            return pos + 1
        return pos + 2

    def _code(self, pos: int) -> int:
        source = self.source
        end = pos
        while end < len(source) and source[end] == "`":
            end += 1
        ticks = source[pos:end]
        closing = re.compile(rf"(?<!`){ticks}(?!`)").search(source, end)
        if closing is None:
            self.nodes.append(ticks)
            return end
        content = source[end : closing.start()]
        opening, closer = ticks, ticks
        if len(content) > 2 and content[0] == content[-1] == " " and content.strip(" "):
            content, opening, closer = content[1:-1], ticks + " ", " " + ticks
        self.nodes.append(_Code(opening, content, closer))
        return closing.end()

    def _angle(self, pos: int) -> int:
        autolink = _AUTOLINK.match(self.source, pos)
        if autolink is not None:
            self.nodes.append(_Autolink(autolink.group(1)))
            return autolink.end()
        tag = _HTML_TAG.match(self.source, pos)
        if tag is not None:
            self.nodes.append(_Point(tag.group(), "html"))
            return tag.end()
        self.nodes.append("<")
        return pos + 1

    def _open_bracket(self, pos: int) -> int:
        if self.source.startswith("![", pos):
            self.brackets.append(len(self.nodes))
            self.nodes.append(_Bracket(image=True))
            return pos + 2
        if self.source[pos] == "!":
            self.nodes.append("!")
            return pos + 1
        self.brackets.append(len(self.nodes))
        self.nodes.append(_Bracket(image=False))
        return pos + 1

    def _close_bracket(self, pos: int) -> int:
        """Resolve ``]`` with the latest bracket into a link, or leave both as text."""
        if not self.brackets:
            self.nodes.append("]")
            return pos + 1
        index = self.brackets.pop()
        bracket = self.nodes[index]
        assert isinstance(bracket, _Bracket)
        tail = self._link_tail(pos + 1)
        if tail is None or not bracket.active:
            self.nodes[index] = "![" if bracket.image else "["
            self.nodes.append("]")
            return pos + 1
        end, target = tail
        children = _pair_emphasis(self.nodes[index + 1 :])
        del self.nodes[index:]
        opening = "![" if bracket.image else "["
        self.nodes.append(_Link(children, opening, self.source[pos:end], target))
        if not bracket.image:
            for earlier in self.brackets:
                node = self.nodes[earlier]
                if isinstance(node, _Bracket) and not node.image:
                    node.active = False
        return end

    def _link_tail(self, pos: int) -> tuple[int, str] | None:
        """End and target of ``(url "title")``, ``[id]`` or ``[]`` right after a ``]``."""
        inline = _INLINE_LINK_TAIL.match(self.source, pos)
        if inline is not None:
            return inline.end(), inline.group(1).removeprefix("<").removesuffix(">")
        reference = _REFERENCE_LINK_TAIL.match(self.source, pos)
        if reference is not None:
            return reference.end(), reference.group()
        return None

    def _line_break(self, pos: int) -> int:
        last = self.nodes[-1] if self.nodes else None
        spaces = _HARD_BREAK_SPACES.search(last) if isinstance(last, str) else None
        if isinstance(last, str) and spaces is not None:
            self.nodes[-1] = last[: spaces.start()]
            self.nodes.append(_Point(spaces.group(), "break"))
        self.nodes.append("\n")
        return pos + 1

    def _delimiter(self, pos: int) -> int:
        source, char = self.source, self.source[pos]
        end = pos
        while end < len(source) and source[end] == char:
            end += 1
        count = end - pos
        if char == "~" and count > 2:
            self.nodes.append(source[pos:end])
            return end
        before = source[pos - 1] if pos > 0 else " "
        after = source[end] if end < len(source) else " "
        left = not after.isspace() and (
            not _punctuation(after) or before.isspace() or _punctuation(before)
        )
        right = not before.isspace() and (
            not _punctuation(before) or after.isspace() or _punctuation(after)
        )
        if char == "_":
            can_open = left and (not right or _punctuation(before))
            can_close = right and (not left or _punctuation(after))
        else:
            can_open, can_close = left, right
        self.nodes.append(_Delimiter(char, count, can_open, can_close, count))
        return end


def _punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _pair_emphasis(nodes: list[_Node]) -> list[_Node]:
    """Pair delimiter runs into emphasis, closer by closer, as CommonMark does."""
    nodes = list(nodes)
    index = 0
    while index < len(nodes):
        closer = nodes[index]
        if not isinstance(closer, _Delimiter) or not closer.can_close or not closer.count:
            index += 1
            continue
        start = _opener_for(nodes, index, closer)
        if start is None:
            index += 1
            continue
        opener = nodes[start]
        assert isinstance(opener, _Delimiter)
        used = 2 if opener.count >= 2 and closer.count >= 2 else 1
        if closer.char == "~":
            used = closer.count
        opener.count -= used
        closer.count -= used
        nodes[start + 1 : index] = [_Emphasis(nodes[start + 1 : index], closer.char * used)]
        index = start + 2
    return nodes


def _opener_for(nodes: list[_Node], index: int, closer: _Delimiter) -> int | None:
    for start in range(index - 1, -1, -1):
        opener = nodes[start]
        if not (
            isinstance(opener, _Delimiter)
            and opener.char == closer.char
            and opener.can_open
            and opener.count
        ):
            continue
        if closer.char == "~" and opener.length != closer.length:
            continue
        both = opener.can_close or closer.can_open
        total = opener.length + closer.length
        if both and total % 3 == 0 and (opener.length % 3 or closer.length % 3):
            continue  # CommonMark's rule of three
        return start
    return None


def _mark_edges(nodes: list[_Node]) -> None:
    """Unmatched delimiter runs before the first or after the last text are edge markup.

    They are halves of emphasis the segmenter cut between two sentences.
    """
    for run, opening in ((nodes, True), (reversed(nodes), False)):
        for node in run:
            if isinstance(node, _Delimiter):
                if node.count and (node.can_open if opening else node.can_close):
                    node.at_edge = True
            elif not (isinstance(node, str) and not node.strip()):
                break


@dataclass
class _Flattener:
    """Builds the plain text and the markup records from the node tree."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    spans: list[MarkupSpan] = field(default_factory=list)
    points: list[MarkupPoint] = field(default_factory=list)
    protected: list[ProtectedSpan] = field(default_factory=list)

    def add(self, nodes: list[_Node], parent: int | None, depth: int) -> None:
        for node in nodes:
            if isinstance(node, str):
                self._text(node)
            elif isinstance(node, _Delimiter):
                self._delimiter(node)
            elif isinstance(node, _Bracket):
                self._text("![" if node.image else "[")
            elif isinstance(node, _Point):
                self._point(node)
            else:
                self._span(node, parent, depth)

    def _text(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def _delimiter(self, node: _Delimiter) -> None:
        if not node.count:
            return
        markup = node.char * node.count
        if node.at_edge:
            description = f"emphasis marker {markup} (its pair is in another sentence)"
            self.points.append(MarkupPoint(self.length, markup, description))
        else:
            self._text(markup)

    def _point(self, node: _Point) -> None:
        before = " ".join("".join(self.parts).split()[-1:])
        if node.kind == "html":
            description = f"HTML tag {node.markup} after '{before}'"
        else:
            description = f"hard line break after '{before}'"
        self.points.append(MarkupPoint(self.length, node.markup, description))

    def _span(
        self, node: _Code | _Autolink | _Link | _Emphasis, parent: int | None, depth: int
    ) -> None:
        index, start = len(self.spans), self.length
        self.spans.append(MarkupSpan(start, start, "", "", "", parent, depth))  # placeholder
        if isinstance(node, _Code | _Autolink):
            text = node.text if isinstance(node, _Code) else node.url
            self._text(text)
            kind = "code" if isinstance(node, _Code) else "url"
            self.protected.append(ProtectedSpan(start, self.length, text, kind))
        else:
            self.add(node.children, index, depth + 1)
        opening, closing, description = _span_markup(node, "".join(self.parts)[start:])
        verbatim = isinstance(node, _Code | _Autolink)
        self.spans[index] = MarkupSpan(
            start, self.length, opening, closing, description, parent, depth, verbatim
        )


def _span_markup(node: _Code | _Autolink | _Link | _Emphasis, text: str) -> tuple[str, str, str]:
    """The opening and closing markup of a span, and how to tell the reviewer about it."""
    quoted = _quote(text)
    if isinstance(node, _Code):
        return node.open, node.close, f"inline code {node.open}{node.text}{node.close}"
    if isinstance(node, _Autolink):
        return "<", ">", f"autolink <{node.url}>"
    if isinstance(node, _Link):
        kind = "image" if node.open == "![" else "link"
        return node.open, node.close, f"{kind} to {node.target} around {quoted}"
    name = "strikethrough" if node.marker[0] == "~" else "emphasis"
    return node.marker, node.marker, f"{name} {node.marker} around {quoted}"


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"'{text if len(text) <= limit else text[: limit - 1] + '…'}'"


def _bare_urls(plain: str, protected: list[ProtectedSpan]) -> list[ProtectedSpan]:
    """URLs written as plain text, outside code spans and autolinks."""
    taken = [(p.start, p.end) for p in protected]
    return [
        ProtectedSpan(url.start(), url.end(), url.group(), "url")
        for url in BARE_URL.finditer(plain)
        if not any(start <= url.start() < end for start, end in taken)
    ]


# --- restoring -------------------------------------------------------------------------------

_WORD = re.compile(r"\w")
_SEPARATORS = ":—–|"


def restore_inline(translation: str, markup: InlineMarkup) -> RestoreResult:
    """The translation with the sentence's markup put back where it can be placed."""
    placed: list[tuple[int, int] | None] = []
    lost: list[str] = []
    for span in markup.spans:
        where = _place(span, markup, translation, placed)
        placed.append(where)
        if where is None:
            lost.append(span.description)
    insertions: list[tuple[int, int, int, str]] = []
    for span, where in zip(markup.spans, placed, strict=True):
        if where is not None:
            insertions += [
                (where[0], 2, span.depth, span.open),
                (where[1], 1, -span.depth, span.close),
            ]
    insertions += _point_insertions(translation, markup, lost)
    insertions += _escape_insertions(translation, markup, placed)
    return RestoreResult(_insert(translation, insertions), tuple(lost))


def _place(
    span: MarkupSpan, markup: InlineMarkup, translation: str, placed: list[tuple[int, int] | None]
) -> tuple[int, int] | None:
    """Where the span goes in the translation, inside its nearest placed ancestor, or None."""
    ancestors = _ancestors(span, markup.spans)
    anchor = next((a for a in ancestors if placed[a] is not None), None)
    if anchor is None:
        source, target = (0, len(markup.plain)), (0, len(translation))
    else:
        source = (markup.spans[anchor].start, markup.spans[anchor].end)
        found = placed[anchor]
        assert found is not None  # the anchor was chosen among placed spans
        target = found
    others = [where for k, where in enumerate(placed) if where is not None and k not in ancestors]
    for candidate in (
        _whole(span, markup.plain, source, translation, target),
        _located(span, markup.plain, source, translation, target, others),
        _separated(span, markup.plain, source, translation, target),
    ):
        if candidate is not None and _disjoint(candidate, others):
            return candidate
    return None


def _ancestors(span: MarkupSpan, spans: tuple[MarkupSpan, ...]) -> list[int]:
    chain, parent = [], span.parent
    while parent is not None:
        chain.append(parent)
        parent = spans[parent].parent
    return chain


def _disjoint(candidate: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return all(candidate[1] <= start or end <= candidate[0] for start, end in others)


def _whole(
    span: MarkupSpan, plain: str, source: tuple[int, int], text: str, target: tuple[int, int]
) -> tuple[int, int] | None:
    """The whole target if the span covers every word of its source region."""
    lead, trail = plain[source[0] : span.start], plain[span.end : source[1]]
    if _WORD.search(lead) or _WORD.search(trail):
        return None
    return _trimmed(text, target, trim_start=bool(lead.strip()), trim_end=bool(trail.strip()))


def _trimmed(
    text: str, target: tuple[int, int], *, trim_start: bool, trim_end: bool
) -> tuple[int, int] | None:
    """``target`` without surrounding whitespace, and without the punctuation at either end
    where the source span left punctuation out."""
    start, end = target
    while start < end and (text[start].isspace() or (trim_start and not _WORD.match(text[start]))):
        start += 1
    while end > start and (
        text[end - 1].isspace() or (trim_end and not _WORD.match(text[end - 1]))
    ):
        end -= 1
    return (start, end) if start < end else None


def _located(
    span: MarkupSpan,
    plain: str,
    source: tuple[int, int],
    text: str,
    target: tuple[int, int],
    others: list[tuple[int, int]],
) -> tuple[int, int] | None:
    """The occurrence of the span's text in the target nearest the span's place in the source."""
    words = plain[span.start : span.end].split()
    if not words:
        return None
    pattern = r"\s+".join(map(re.escape, words))
    if _WORD.match(words[0][0]):
        pattern = r"(?<!\w)" + pattern
    if _WORD.match(words[-1][-1]):
        pattern += r"(?!\w)"
    expected = (span.start - source[0]) / max(1, source[1] - source[0])
    for flags in (0, re.IGNORECASE):
        found = [
            m.span()
            for m in re.compile(pattern, flags).finditer(text, *target)
            if _disjoint(m.span(), others)
        ]
        if found:
            size = max(1, target[1] - target[0])
            return min(found, key=lambda where: abs((where[0] - target[0]) / size - expected))
    return None


def _separated(
    span: MarkupSpan, plain: str, source: tuple[int, int], text: str, target: tuple[int, int]
) -> tuple[int, int] | None:
    """A span from one end of its region to a separator found once in source and target."""
    lead, trail = plain[source[0] : span.start], plain[span.end : source[1]]
    inside = plain[span.start : span.end].strip()
    if not inside:
        return None
    if not _WORD.search(lead):  # "**Label:** text" or "**Label**: text"
        mark = inside[-1] if inside[-1] in _SEPARATORS else trail.lstrip()[:1]
        after = inside[-1] == mark
    elif not _WORD.search(trail):  # "text | *Source*"
        mark = inside[0] if inside[0] in _SEPARATORS else lead.rstrip()[-1:]
        after = inside[0] != mark
    else:
        return None
    if not mark or mark not in _SEPARATORS:
        return None
    if plain.count(mark, *source) != 1 or text.count(mark, *target) != 1:
        return None
    cut = text.index(mark, *target)
    if not _WORD.search(lead):
        return _trimmed(
            text,
            (target[0], cut + 1 if after else cut),
            trim_start=bool(lead.strip()),
            trim_end=False,
        )
    return _trimmed(
        text, (cut + 1 if after else cut, target[1]), trim_start=False, trim_end=bool(trail.strip())
    )


def _point_insertions(
    text: str, markup: InlineMarkup, lost: list[str]
) -> list[tuple[int, int, int, str]]:
    """Points at the start or end of the sentence go to the same end of the translation."""
    insertions = []
    for order, point in enumerate(markup.points):
        if not markup.plain[: point.position].strip():
            insertions.append((0, 0, order, point.markup))
        elif not markup.plain[point.position :].strip():
            insertions.append((len(text), 3, order, point.markup))
        else:
            lost.append(point.description)
    return insertions


def _escape_insertions(
    text: str, markup: InlineMarkup, placed: list[tuple[int, int] | None]
) -> list[tuple[int, int, int, str]]:
    """Backslashes before the characters the source escaped, outside code and URLs."""
    if not markup.escaped:
        return []
    verbatim = [
        where
        for span, where in zip(markup.spans, placed, strict=True)
        if span.verbatim and where is not None
    ]
    verbatim += [m.span() for p in markup.protected for m in re.finditer(re.escape(p.text), text)]
    return [
        (index, 2, 1000, "\\")
        for index, char in enumerate(text)
        if char in markup.escaped and _disjoint((index, index + 1), verbatim)
    ]


def _insert(text: str, insertions: list[tuple[int, int, int, str]]) -> str:
    """Insert markup at positions; at one position: closing markup (innermost first), then
    opening markup (outermost first), then escapes; start points come first, end points last."""
    parts, cursor = [], 0
    for position, _rank, _order, markup in sorted(insertions):
        parts += [text[cursor:position], markup]
        cursor = position
    parts.append(text[cursor:])
    return "".join(parts)
