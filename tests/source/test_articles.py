"""Articles: blocks, exact round trip, rendering translations, and every bad-input error."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from builders import DATA
from transflow.errors import InputError
from transflow.source.articles import (
    Article,
    ArticleFormat,
    Block,
    BlockKind,
    article_format,
    parse_article,
    read_article,
)

ARTICLES = DATA / "articles"
SAMPLE = ARTICLES / "azerbaijan-israel-presidents-baku.txt"
NEWS = ARTICLES / "news-article.md"
NESTED = ARTICLES / "nested-lists.md"
CRLF_BOM = ARTICLES / "crlf-bom.md"

K = BlockKind


def normalised(path: Path) -> str:
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def markdown(text: str) -> Article:
    return parse_article(text, Path("story.md"), ArticleFormat.MARKDOWN)


def plain(text: str) -> Article:
    return parse_article(text, Path("story.txt"), ArticleFormat.TEXT)


def texts(article: Article) -> list[tuple[BlockKind, str]]:
    return [(block.kind, block.text) for block in article.blocks if block.translatable]


def upper(block: Block) -> str:
    return block.text.upper()


# --- round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(ARTICLES.iterdir()), ids=lambda path: path.name)
def test_every_fixture_renders_back_exactly(path: Path) -> None:
    assert read_article(path).render() == normalised(path)


@pytest.mark.parametrize(
    "text",
    [
        "One line, no final newline",
        "Trailing newlines\n\n\n",
        "\n\n  \nLeading blank lines\n",
        "Whitespace-only lines \t\n \t \nbetween blocks\n",
        "Paragraph\n\u00a0\nafter a line holding only a no-break space",
        "Trailing spaces   \nand tabs\t\t\n\nat line ends  ",
        "# Heading #  \n\nSetext\n===\n\nText\n---\nmore",
        "> quote\nlazy line\n>\n> > nested\n\n>",
        "- a\n-\n  b\n- c\n\n\n  d\n1) e\n   f\n2. g",
        "-\tTab item\n\tcontinued\n\n\tcode after a blank line",
        "Text\n```\nunclosed fence\n\nruns to the end\n",
        "    indented code\n\n\n    more code\n\nText",
        "<div>\n*html*\n</div>\ntext\n\n<!--\ncomment\n-->\nafter",
        "| a | b |\n|---|---|\n| 1 | 2 |\nrow\n\nText",
        "Text\n\n[id]: http://example.com\n  'title'\n[other]:\n  http://example.com/2\n",
        "---\ntitle: x\n---\nBody text\n",
        "---\n\nA thematic break first, not front matter\n",
        "![only](an-image.png)\n\n![a](b.png) ![c](d.png)\n\nText",
        "Text\r\nwith CRLF\rand CR\r\n",
    ],
)
def test_markdown_round_trip(text: str) -> None:
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert markdown(text).render() == expected


@pytest.mark.parametrize(
    "text",
    [
        "• Home\n  • Section\n\nTitle\n\nBody.",
        "  Indented paragraph\n    with deeper continuation  \n\n\n",
        "- a\n- b\nwrapped b\n1. c\n2) d\na) e\n* f\n– g",
        "Line\n \t \nAfter a whitespace-only line",
    ],
)
def test_plain_text_round_trip(text: str) -> None:
    assert plain(text).render() == text


MARKDOWN_LINES = [
    "Text",
    "more text  ",
    "> quote",
    "> > deep",
    ">",
    "- item",
    "  - nested",
    "1. one",
    "2) two",
    "",
    "",
    "```",
    "~~~",
    "    code",
    "# Head #",
    "Setext",
    "===",
    "---",
    "***",
    "| a | b |",
    "|---|---|",
    "<div>",
    "<!-- c -->",
    "[x]: /url",
    "  lazy",
    "\tTab",
    "-",
    "   - three",
    "![i](u.png)",
    "  ",
]


def random_markdown(rng: random.Random, pieces: list[str]) -> str:
    lines = [rng.choice(pieces) for _ in range(rng.randint(1, 12))]
    return rng.choice(["", "\n", "\r\n"]).join(["Intro", *lines]) + rng.choice(["", "\n", "\n\n"])


def test_random_markdown_round_trips() -> None:
    rng = random.Random(20230530)
    for _ in range(500):
        text = random_markdown(rng, [*MARKDOWN_LINES, "\u00a0", "- \u00a0"])
        expected = text.replace("\r\n", "\n").replace("\r", "\n")
        assert markdown(text).render() == expected, text


def test_translatable_text_agrees_with_markdown_it() -> None:
    """The block structure matches the CommonMark parser rich ships, on random documents.

    Paragraphs holding only images are verbatim here by design, and lines holding only a
    no-break space (left out here) are blank lines here but text for CommonMark.
    """
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    rng = random.Random(31)
    for _ in range(300):
        text = random_markdown(rng, MARKDOWN_LINES).replace("\r\n", "\n")
        tokens = parser.parse(text)
        theirs = [
            " ".join(tokens[index + 1].content.split())
            for index, token in enumerate(tokens)
            if token.type in ("paragraph_open", "heading_open")
            and tokens[index + 1].content.strip()
            and not tokens[index + 1].content.strip().startswith("![")
        ]
        ours = [" ".join(text.split()) for _, text in texts(markdown(text))]
        assert ours == theirs, text


# --- the sample article ----------------------------------------------------------------------


def test_sample_article_blocks() -> None:
    article = read_article(SAMPLE)
    assert article.format is ArticleFormat.TEXT
    assert len(article.blocks) == 13
    assert all(block.translatable for block in article.blocks)
    home, crumb, title, lead, caption, credit, first = article.blocks[:7]
    assert (home.kind, home.prefix, home.text, home.line) == (K.LIST_ITEM, "• ", "Home", 1)
    assert (crumb.kind, crumb.prefix, crumb.line) == (K.LIST_ITEM, "  • ", 2)
    assert crumb.text == "Azerbaijani and Israeli Presidents Meet in Baku"
    assert crumb.continuation == "    "
    assert (title.kind, title.text, title.line) == (K.PARAGRAPH, crumb.text, 4)
    assert lead.text.startswith("Azerbaijani and Israeli presidents, Ilham Aliyev")
    assert caption.text == (
        "the President of Azerbaijan Ilham Aliyev and the President of Israel Isaac Herzog"
    )
    assert (credit.text, credit.line) == ("Image: president.az", 10)
    assert first.text.endswith("in Baku.") and first.suffix == "\u00a0"
    assert [block.separator for block in article.blocks[:2]] == ["\n", "\n\n"]
    assert article.blocks[-1].separator == ""  # no final newline
    assert article.blocks[-1].line == 24


def test_sample_rendered_upper_case_keeps_every_prefix_and_separator() -> None:
    article = read_article(SAMPLE)
    rendered = article.render(upper)
    source = normalised(SAMPLE)
    assert rendered == source.upper()
    again = parse_article(rendered, SAMPLE, ArticleFormat.TEXT)
    assert [(b.prefix, b.suffix, b.separator) for b in again.blocks] == [
        (b.prefix, b.suffix, b.separator) for b in article.blocks
    ]


def test_hard_wrapped_plain_paragraph_is_one_block_and_list_lines_start_items() -> None:
    article = plain("A title\nThe body, wrapped\n  over lines.\n- item\n  wrapped item\n2) next")
    assert texts(article) == [
        (K.PARAGRAPH, "A title\nThe body, wrapped\nover lines."),
        (K.LIST_ITEM, "item\nwrapped item"),
        (K.LIST_ITEM, "next"),
    ]
    assert article.blocks[0].line_prefixes == ("", "  ")


# --- Markdown structure ----------------------------------------------------------------------


def test_news_article_blocks() -> None:
    article = read_article(NEWS)
    assert article.format is ArticleFormat.MARKDOWN
    found = [(block.kind, block.line, block.text[:24]) for block in article.blocks]
    assert found == [
        (K.VERBATIM, 1, ""),  # front matter
        (K.HEADING, 7, "Azerbaijani and Israeli "),
        (K.PARAGRAPH, 9, "*By our correspondent in"),
        (K.VERBATIM, 11, ""),  # image-only line
        (K.PARAGRAPH, 13, "_The President of Azerba"),
        (K.PARAGRAPH, 15, "On 30 May, the President"),
        (K.HEADING, 19, "Key points"),
        (K.LIST_ITEM, 22, "A plan of cooperation fo"),
        (K.LIST_ITEM, 24, "More direct flights betw"),
        (K.LIST_ITEM, 26, "Increased trade, `cybers"),
        (K.LIST_ITEM, 28, "First, the presidents me"),
        (K.LIST_ITEM, 29, "Then the delegations joi"),
        (K.QUOTE, 31, "“We look at the regional"),
        (K.QUOTE, 34, "Nested quote from the [p"),
        (K.HEADING, 36, "Trade figures"),
        (K.VERBATIM, 38, ""),  # table
        (K.PARAGRAPH, 43, "The table above was comp"),
        (K.CODE, 45, ""),
        (K.CODE, 49, ""),
        (K.CODE, 53, ""),
        (K.VERBATIM, 56, ""),  # HTML block
        (K.VERBATIM, 60, ""),  # HTML comment
        (K.VERBATIM, 62, ""),  # thematic break
        (K.PARAGRAPH, 64, "Read more at <https://pr"),
        (K.VERBATIM, 67, ""),  # reference definition
    ]
    by_line = {block.line: block for block in article.blocks}
    assert (by_line[7].prefix, by_line[7].suffix) == ("# ", " #")
    assert by_line[19].suffix == "\n----------"
    assert by_line[31].line_prefixes == ("> ",) and by_line[34].prefix == "> > "
    assert by_line[24].line_prefixes == ("",)  # a lazy continuation line
    assert by_line[45].raw.startswith("```json\n") and by_line[45].raw.endswith("\n```")
    assert by_line[38].raw.count("\n") == 3
    assert by_line[1].raw.startswith("---\ntitle:") and by_line[1].raw.endswith("\n---")


def test_nested_lists_and_containers() -> None:
    found = [(b.kind, b.prefix, b.text.split("\n")[0]) for b in read_article(NESTED).blocks]
    assert found == [
        (K.PARAGRAPH, "", "Lists in a story:"),
        (K.LIST_ITEM, "- ", "Top level item"),
        (K.LIST_ITEM, "  - ", "Nested item one"),
        (K.LIST_ITEM, "  - ", "Nested item two"),
        (K.LIST_ITEM, "    ", "A second paragraph in the nested item."),
        (K.LIST_ITEM, "- ", "Back at the top level"),
        (K.LIST_ITEM, "  1. ", "Ordered inside a bullet"),
        (K.LIST_ITEM, "  2. ", "Second ordered item"),
        (K.QUOTE, "     > ", "A quote inside a list item"),
        (K.LIST_ITEM, "- ", "Lazy continuation"),
        (K.LIST_ITEM, "-   ", "Wide marker spacing"),
        (K.LIST_ITEM, "10. ", "A numbered list starting at ten"),
        (K.LIST_ITEM, "11. ", "And its next item"),
        (K.LIST_ITEM, "* ", "Star bullet"),
        (K.LIST_ITEM, "+ ", "Plus bullet, a new list"),
        (K.LIST_ITEM, "  ", "Content after an empty marker line"),
        (K.LIST_ITEM, "1. ", "Item with code:"),
        (K.CODE, "", ""),
        (K.LIST_ITEM, "   ", "Paragraph after the code."),
    ]


def test_crlf_and_bom_are_normalised() -> None:
    article = read_article(CRLF_BOM)
    assert "\r" not in article.render() and not article.render().startswith("\ufeff")
    assert texts(article) == [
        (K.HEADING, "Title"),
        (K.PARAGRAPH, "A paragraph with a Windows line end,\nwrapped over two lines."),
        (K.LIST_ITEM, "item one"),
        (K.LIST_ITEM, "item two"),
        (K.PARAGRAPH, "Old Mac line end.\nStill the same paragraph."),
    ]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Intro\n\n    code\n", [K.PARAGRAPH, K.CODE]),
        ("Text\n    still text, code cannot interrupt a paragraph", [K.PARAGRAPH]),
        ("> quote\n    lazy, not code", [K.QUOTE]),
        ("Text\n2. not a list: it cannot interrupt a paragraph", [K.PARAGRAPH]),
        ("Text\n1. a list can", [K.PARAGRAPH, K.LIST_ITEM]),
        ("- one\n2. a new list", [K.LIST_ITEM, K.LIST_ITEM]),
        ("Intro\n\n-\n\n  not in the item: it began with a blank line", [K.PARAGRAPH, K.PARAGRAPH]),
        ("Text\na | b\n--|--\n1 | 2", [K.PARAGRAPH, K.VERBATIM]),
        ("Intro\n\n#hashtag is text\n#\n##", [K.PARAGRAPH, K.PARAGRAPH, K.VERBATIM, K.VERBATIM]),
        ("Intro\n\n<span>inline html</span> text", [K.PARAGRAPH, K.PARAGRAPH]),
        ("Intro\n\n<div>\n\nText after a blank line", [K.PARAGRAPH, K.VERBATIM, K.PARAGRAPH]),
        ("Intro\n\n```\n> in a fence\n```", [K.PARAGRAPH, K.CODE]),
        ("> ```\n> quoted code\n> ```\n> text", [K.CODE, K.QUOTE]),
        (
            "Intro\n\n[x]:\nhttp://example.com 'a definition over two lines'",
            [K.PARAGRAPH, K.VERBATIM],
        ),
    ],
)
def test_markdown_block_kinds(text: str, kinds: list[BlockKind]) -> None:
    assert [block.kind for block in markdown(text).blocks] == kinds


# --- rendering translations ------------------------------------------------------------------


def test_markdown_rendered_upper_case_keeps_every_prefix_and_separator() -> None:
    article = read_article(NEWS)
    again = markdown(article.render(upper))
    assert [
        (b.kind, b.prefix, b.line_prefixes, b.suffix, b.separator, b.raw) for b in again.blocks
    ] == [(b.kind, b.prefix, b.line_prefixes, b.suffix, b.separator, b.raw) for b in article.blocks]
    assert [b.text for b in again.blocks] == [b.text.upper() for b in article.blocks]


@pytest.mark.parametrize(
    ("source", "translation", "expected"),
    [
        ("> One line.", "First\nsecond\n\nthird", "> First\n> second\n>\n> third"),
        ("- item", "a\nb", "- a\n  b"),
        ("Intro\n\n> > deep", "a\nb", "Intro\n\n> > a\n> > b"),
        ("10. item", "a\nb", "10. a\n    b"),
        ("- > quoted item", "a\nb", "- > a\n  > b"),
        ("## Heading ##", "two\nlines", "## two lines ##"),
        ("Setext\ntitle\n===", "one", "one\n==="),
        ("> a\nlazy\n> c", "x\ny\nz\nw", "> x\ny\n> z\n> w"),  # original markup per line
        ("- a\n  b\n  c", "one line", "- one line"),
    ],
)
def test_multi_line_translations_get_continuation_markup(
    source: str, translation: str, expected: str
) -> None:
    article = markdown(source)
    rendered = article.render(
        lambda block: translation if block.line == article.blocks[-1].line else block.text
    )
    assert rendered == expected


def test_plain_text_list_item_continuation_is_indentation() -> None:
    article = read_article(SAMPLE)
    rendered = article.render(
        lambda block: "Azerbaijão\ne Israel" if block.line == 2 else block.text
    )
    assert rendered.startswith("• Home\n  • Azerbaijão\n    e Israel\n\n")


def test_identity_translation_renders_the_source() -> None:
    for path in (SAMPLE, NEWS, NESTED, CRLF_BOM):
        article = read_article(path)
        assert article.render(lambda block: block.text) == normalised(path)


# --- bad input -------------------------------------------------------------------------------


def error_for(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_article(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    return caught.value


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("story.txt", b"caf\xc3\xa9\x00\x00\x00", "binary file"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("archive.md", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "binary file"),
        (
            "paper.txt",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 >>\nstream\n",
            "binary file",
        ),
        ("noise.txt", bytes(range(1, 32)) * 20 + b"text", "binary file"),
        ("utf16.txt", "Olá".encode("utf-16"), "UTF-16"),
        ("empty.txt", b"", "empty article"),
        ("blank.md", b" \n\t\r\n\xc2\xa0\n", "empty article"),
        ("bom-only.txt", b"\xef\xbb\xbf", "empty article"),
        ("code-only.md", b"```\nprint('hi')\n```\n\n---\n", "no translatable text"),
        ("table-only.md", b"| a | b |\n|---|---|\n| 1 | 2 |\n", "no translatable text"),
        ("story.pdf", b"Text", "cannot read '.pdf' files as articles"),
        ("README", b"Text", "files without a suffix"),
    ],
)
def test_bad_files_are_input_errors(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert problem in error_for(path).problem


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_latin1_text_is_an_error_at_its_line(tmp_path: Path, newline: bytes) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(newline.join([b"Title", b"", b"Un caf\xe9 au lait.", b"More."]))
    error = error_for(path)
    assert error.line == 3
    assert str(error).startswith(f"{path}:3: not valid UTF-8 (byte 0xe9)")


def test_missing_file(tmp_path: Path) -> None:
    assert error_for(tmp_path / "missing.txt").problem == "no such file"


def test_directory(tmp_path: Path) -> None:
    directory = tmp_path / "articles.md"
    directory.mkdir()
    assert "is a directory" in error_for(directory).problem


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Text", encoding="utf-8")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert "permission denied" in error_for(path).problem


def test_parse_article_reports_empty_text() -> None:
    with pytest.raises(InputError, match=r"^story\.md: empty article$"):
        markdown("\n \n")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.txt", "text"), ("a.TEXT", "text"), ("a.md", "markdown"), ("a.Markdown", "markdown")],
)
def test_format_by_suffix(name: str, fmt: str) -> None:
    assert article_format(Path(name)) == fmt


# --- speed -----------------------------------------------------------------------------------


def test_parsing_is_linear_enough_for_big_articles() -> None:
    """About 1 MB of dense Markdown; a quadratic step would take minutes here, not a second."""
    unit = normalised(NEWS).split("---\n", 2)[2] + "\n" + normalised(NESTED) + "\n\n"
    text = unit * (1_000_000 // len(unit))
    started = time.perf_counter()
    article = markdown(text)
    elapsed = time.perf_counter() - started
    assert article.render() == text
    assert elapsed < 3.0
