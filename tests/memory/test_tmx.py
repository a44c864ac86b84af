"""TMX 1.4b in and out: our own files, Translate Toolkit's po2tmx, and every kind of bad file."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from lxml import etree

from memory.tools import po2tmx
from transflow.errors import InputError
from transflow.memory.segment import MemorySegment, Origin
from transflow.memory.tmx import read_tmx, write_tmx

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
    '<header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="x" '
    'adminlang="en" srclang="{srclang}" datatype="plaintext"/>\n<body>\n'
)
FOOTER = "</body>\n</tmx>\n"


def tmx_file(path: Path, units: str, srclang: str = "en") -> Path:
    path.write_text(HEADER.format(srclang=srclang) + units + FOOTER, encoding="utf-8")
    return path


def unit(*variants: tuple[str, str], attributes: str = "") -> str:
    tuvs = "".join(f'<tuv xml:lang="{lang}"><seg>{text}</seg></tuv>' for lang, text in variants)
    return f"<tu{attributes}>{tuvs}</tu>\n"


def test_written_memory_reads_back_with_its_provenance(tmp_path: Path) -> None:
    segments = [
        MemorySegment(
            'He said "no" & left <now>.',
            'Ele disse "não" & saiu <agora>.',
            "en",
            "pt-BR",
            Origin.HUMAN,
            article="articles/a.txt",
            position=3,
            reviewer="Ana",
            approved_at="2025-01-02T10:20:30+00:00",
        ),
        MemorySegment("Home", "Início", "en", "pt-BR", Origin.ENGINE),
        # A duplicate of the first (another article): written once, the team's own first.
        MemorySegment(
            'He said "no" & left <now>.',
            'Ele disse "não" & saiu <agora>.',
            "en",
            "pt-BR",
            Origin.IMPORTED,
        ),
    ]
    path = tmp_path / "out.tmx"
    assert write_tmx(path, segments) == 2

    document = etree.parse(str(path))
    assert document.getroot().get("version") == "1.4"
    assert document.docinfo.doctype == '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    assert document.find("header").get("srclang") == "en"

    first, second = read_tmx(path)
    assert (first.source, first.target, first.target_lang) == (
        'He said "no" & left <now>.',
        'Ele disse "não" & saiu <agora>.',
        "pt-BR",
    )
    assert first.origin is Origin.IMPORTED  # whatever it was where it came from
    assert (first.reviewer, first.approved_at, first.article) == (
        "Ana",
        "2025-01-02T10:20:30+00:00",
        "articles/a.txt",
    )
    assert first.imported_from == "out.tmx"
    assert (second.source, second.target, second.reviewer) == ("Home", "Início", None)


def test_po2tmx_output_imports(tmp_path: Path) -> None:
    """A TMX written by Translate Toolkit's own po2tmx, run as users run it."""
    entries = [
        polib.POEntry(msgid="Home", msgstr="Início", occurrences=[("a.txt", "1")]),
        polib.POEntry(msgid="Fuzzy one", msgstr="Difuso", flags=["fuzzy"]),
        polib.POEntry(msgid="Say <b>hi</b> & go.", msgstr="Diga <b>oi</b> & vá."),
    ]
    tmx = po2tmx(entries, tmp_path, "pt_BR")

    segments = read_tmx(tmx, target_lang="pt")

    assert [(s.source, s.target, s.source_lang, s.target_lang) for s in segments] == [
        ("Home", "Início", "en", "pt"),
        ("Say <b>hi</b> & go.", "Diga <b>oi</b> & vá.", "en", "pt"),
    ]


def test_every_target_language_of_a_unit_is_a_segment(tmp_path: Path) -> None:
    path = tmx_file(
        tmp_path / "multi.tmx",
        unit(("en-US", "Home"), ("pt", "Início"), ("de", "Startseite"))
        + unit(("de", "Hallo"), ("en", "Hello"), attributes=' srclang="de"')
        + unit(("en", "Lonely")),
    )
    segments = read_tmx(path)
    assert [(s.source_lang, s.target_lang, s.source, s.target) for s in segments] == [
        ("en", "pt", "Home", "Início"),
        ("en", "de", "Home", "Startseite"),
        ("de", "en", "Hallo", "Hello"),
    ]
    assert [s.target for s in read_tmx(path, target_lang="de")] == ["Startseite"]
    # Any language can be the source; a unit without it is an error naming its line.
    assert "translation unit has no de text" in str(_error(path, source_lang="de"))


def test_inline_codes_are_not_text_but_highlights_are(tmp_path: Path) -> None:
    path = tmx_file(
        tmp_path / "codes.tmx",
        '<tu><tuv xml:lang="en"><seg>Click <bpt i="1">&lt;b&gt;</bpt>here<ept i="1">'
        "&lt;/b&gt;</ept> <hi>now</hi><ph>&lt;br/&gt;</ph>.</seg></tuv>"
        '<tuv xml:lang="pt"><seg>Clique <bpt i="1">&lt;b&gt;</bpt>aqui<ept i="1">&lt;/b&gt;'
        "</ept> <hi>já</hi>.</seg></tuv></tu>\n",
    )
    (segment,) = read_tmx(path)
    assert (segment.source, segment.target) == ("Click here now.", "Clique aqui já.")


def _error(path: Path, **options: str) -> InputError:
    with pytest.raises(InputError) as raised:
        read_tmx(path, **options)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return raised.value


def test_a_truncated_tmx_names_the_file_and_line(tmp_path: Path) -> None:
    whole = tmx_file(tmp_path / "whole.tmx", unit(("en", "A"), ("pt", "B")) * 30)
    cut = tmp_path / "cut.tmx"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    error = _error(cut)
    assert "not well-formed XML" in error.problem
    assert error.line is not None and error.line > 1


def test_files_that_are_not_tmx_are_refused(tmp_path: Path) -> None:
    html = tmp_path / "page.tmx"
    html.write_text("<html><body><p>Hi</p></body></html>\n", encoding="utf-8")
    assert "not a TMX file (the root element is <html>)" in str(_error(html))
    text = tmp_path / "notes.tmx"
    text.write_text("just some notes\n", encoding="utf-8")
    assert "not well-formed XML" in str(_error(text))
    headless = tmp_path / "headless.tmx"
    headless.write_text('<tmx version="1.4"><header/></tmx>', encoding="utf-8")
    assert "no <body>" in str(_error(headless))
    assert "no such file" in str(_error(tmp_path / "missing.tmx"))


def test_languages_that_do_not_match_are_refused_with_the_line(tmp_path: Path) -> None:
    path = tmx_file(tmp_path / "fr.tmx", unit(("fr", "Bonjour"), ("pt", "Olá")), srclang="fr")
    assert "no translations into de (the file has fr, pt)" in str(_error(path, target_lang="de"))
    wrong_source = _error(path, source_lang="en")
    assert "translation unit has no en text" in wrong_source.problem
    assert wrong_source.line == 5  # the <tu> line
    no_source = tmx_file(tmp_path / "nosrc.tmx", unit(("de", "Hallo"), ("pt", "Olá")))
    assert _error(no_source).line == 5
    bad_tag = tmx_file(tmp_path / "tag.tmx", unit(("en", "Hi"), ("klingonese", "Qapla'")))
    assert "unknown language 'klingonese'" in str(_error(bad_tag))
    bad_header = tmx_file(tmp_path / "hdr.tmx", unit(("en", "Hi")), srclang="nonsense")
    assert _error(bad_header).line == 3
