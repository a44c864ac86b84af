"""TBX and CSV exchange: exact round trips, other tools' files, and malformed input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from translate.storage.tbx import tbxfile

from builders import DATA, REPO_GLOSSARY
from transflow.errors import InputError, TransflowError
from transflow.glossary.editing import new_term
from transflow.glossary.model import GlossaryError, Origin, Policy, Term, TermKind, load_glossary
from transflow.glossary.tbx import (
    ImportedTerms,
    export_csv,
    export_tbx,
    read_csv,
    read_tbx,
    read_terms,
)

DATA = DATA / "glossary"

# Every field in every shape a glossary row can take.
TERMS = [
    new_term(
        "Baku",
        kind=TermKind.PLACE,
        policy=Policy.KEEP,
        forbidden={"pt": ["Bacu", "Bacú"]},
        note="Capital; <b>not</b> \"Bacu\" & not 'Bakou'",
    ),
    new_term(
        "Azerbaijan",
        kind=TermKind.PLACE,
        targets={"pt": "Azerbaijão", "de": "Aserbaidschan", "pt-BR": "Azerbaijão"},
        forbidden={"pt": ["Azerbeijão"], "fr": ["Azerbaïdjan"]},
    ),
    new_term("Second Karabakh War", kind=TermKind.EVENT, policy=Policy.TRANSLATE),
    new_term(
        "Ilham Aliyev", kind=TermKind.PERSON, targets={"ru": "Ильхам Алиев"}, policy=Policy.KEEP
    ),
    new_term("Yad Vashem", kind=TermKind.ORGANISATION, note="Holocaust memorial,  Jerusalem"),
    new_term("president.az", targets={"pt": "president.az"}),
    new_term(
        "Bundestag", source_lang="de", kind=TermKind.ORGANISATION, targets={"en": "Bundestag"}
    ),
    new_term("Aliyev’s", note="two\nlines"),
]


def fields(term: Term) -> tuple:
    return (
        term.text,
        term.source_lang,
        term.kind,
        term.policy,
        dict(term.targets),
        dict(term.forbidden),
        term.note,
    )


def test_tbx_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tbx"
    path.write_text(export_tbx(TERMS), encoding="utf-8")
    imported = read_tbx(path)
    assert imported.warnings == []
    assert [fields(term) for term in imported.terms] == [fields(term) for term in TERMS]
    assert imported.terms[0].origin.path == path
    assert imported.terms[0].origin.line > 0


def test_tbx_round_trip_of_the_repository_glossary(tmp_path: Path) -> None:
    glossary = load_glossary([REPO_GLOSSARY])
    path = tmp_path / "world.tbx"
    path.write_text(export_tbx(glossary.terms), encoding="utf-8")
    assert [fields(t) for t in read_tbx(path).terms] == [fields(t) for t in glossary.terms]


def test_tbx_export_mapping() -> None:
    root = etree.fromstring(export_tbx(TERMS).encode())
    assert root.tag == "martif"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    baku, azerbaijan, war = root.findall(".//termEntry")[:3]
    assert baku.findtext("descrip[@type='subjectField']") == "place"
    assert baku.findtext("descrip[@type='Translation needed']") == "No"
    assert war.findtext("descrip[@type='Translation needed']") == "Yes"
    assert baku.findtext("note").startswith("Capital; <b>not</b>")
    source, forbidden = baku.findall("langSet")
    assert source.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert source.findtext("tig/termNote[@type='partOfSpeech']") == "properNoun"
    assert [tig.findtext("termNote") for tig in forbidden.findall("tig")] == [
        "deprecatedTerm-admn-sts",
        "deprecatedTerm-admn-sts",
    ]
    languages = [
        ls.get("{http://www.w3.org/XML/1998/namespace}lang") for ls in azerbaijan.findall("langSet")
    ]
    assert languages == ["en", "de", "fr", "pt", "pt-BR"]
    portuguese = azerbaijan.findall("langSet")[3]
    assert [(tig.findtext("term"), tig.findtext("termNote")) for tig in portuguese] == [
        ("Azerbaijão", "preferredTerm-admn-sts"),
        ("Azerbeijão", "deprecatedTerm-admn-sts"),
    ]
    # Concept-level information comes before the language sections, as TBX requires.
    assert [child.tag for child in baku] == ["descrip", "descrip", "note", "langSet", "langSet"]
    assert war.find("descrip[@type='subjectField']") is not None
    assert root.findall(".//termEntry")[5].find("descrip[@type='subjectField']") is None


def test_tbx_export_is_deterministic() -> None:
    assert export_tbx(TERMS) == export_tbx(TERMS)
    ids = [
        entry.get("id") for entry in etree.fromstring(export_tbx(TERMS).encode()).iter("termEntry")
    ]
    assert len(set(ids)) == len(TERMS)


def test_translate_toolkit_reads_the_export_as_meant() -> None:
    store = tbxfile.parsestring(export_tbx(TERMS).encode())
    baku, azerbaijan = store.units[:2]
    assert (baku.source, azerbaijan.source) == ("Baku", "Azerbaijan")
    assert not baku.istranslatable()  # keep = "Translation needed: No"
    assert azerbaijan.istranslatable()


def test_tbx_from_another_tool_with_defaults() -> None:
    imported = read_tbx(DATA / "other-tool.tbx")
    ministry, baku, iran = imported.terms
    assert fields(ministry) == (
        "Ministry of Health",
        "en-US",
        TermKind.OTHER,
        Policy.TRANSLATE,
        {"pt-BR": "Ministério da Saúde", "de": "Gesundheitsministerium"},
        {},
        "",
    )
    assert (baku.policy, dict(baku.targets), baku.note) == (
        Policy.KEEP,
        {},
        "Capital of Azerbaijan",
    )
    assert iran.kind is TermKind.OTHER  # subject field "Geography" is not a transflow kind
    assert dict(iran.targets) == {"pt-BR": "Irã"}
    assert iran.forbidden == {"pt-BR": ("Irão",)}
    assert iran.forms == {}  # an admitted synonym is not an inflected form
    assert iran.origin == Origin(DATA / "other-tool.tbx", 28)
    [warning] = imported.warnings
    assert warning.startswith(f"{DATA / 'other-tool.tbx'}:28: 'Iran' has several pt-BR terms")
    assert "República Islâmica do Irã" in warning


def test_several_usable_terms_keep_the_first_and_say_so(tmp_path: Path) -> None:
    path = tbx(
        tmp_path,
        '<termEntry id="c1"><langSet xml:lang="en"><tig><term>Iran</term></tig></langSet>'
        '<langSet xml:lang="pt_br"><tig><term>Irã</term></tig><tig><term>Irão</term></tig>'
        "</langSet></termEntry>",
    )
    imported = read_tbx(path)
    [iran] = imported.terms
    assert dict(iran.targets) == {"pt-BR": "Irã"}
    [warning] = imported.warnings
    assert warning == f"{path}:4: 'Iran' has several pt-BR terms; kept 'Irã', ignored 'Irão'"


def test_variants_are_accepted_inflected_forms_and_round_trip(tmp_path: Path) -> None:
    status = '<termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>'
    variant = '<termNote type="termType">variant</termNote>'
    path = tbx(
        tmp_path,
        '<termEntry id="c1"><langSet xml:lang="en"><tig><term>Baku</term></tig></langSet>'
        '<langSet xml:lang="de"><tig><term>Baku</term></tig>'
        f"<tig><term>Bakus</term>{status}{variant}</tig></langSet></termEntry>",
    )
    [baku] = read_tbx(path).terms
    assert (dict(baku.targets), dict(baku.forms)) == ({"de": "Baku"}, {"de": ("Bakus",)})
    exported = export_tbx([baku])
    assert "<term>Bakus</term>" in exported and ">variant</termNote>" in exported
    assert read_tbx_text(exported, tmp_path).terms[0].forms == {"de": ("Bakus",)}


def read_tbx_text(text: str, directory: Path) -> ImportedTerms:
    path = directory / "again.tbx"
    path.write_text(text, encoding="utf-8")
    return read_tbx(path)


def test_a_language_tag_that_is_none_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tbx(
        tmp_path,
        '<termEntry id="c1"><langSet xml:lang="en"><tig><term>Baku</term></tig></langSet>\n'
        '<langSet xml:lang="english"><tig><term>Bacu</term></tig></langSet></termEntry>',
    )
    with pytest.raises(InputError, match=r"in\.tbx:5: xml:lang 'english': .*did you mean en\?"):
        read_tbx(path)


def test_source_language_may_be_named_and_matches_regional_variants() -> None:
    imported = read_tbx(DATA / "other-tool.tbx", "en")
    assert {term.source_lang for term in imported.terms} == {"en"}
    german = read_tbx(DATA / "other-tool.tbx", "de")
    assert [(t.text, dict(t.targets)) for t in german.terms] == [
        ("Gesundheitsministerium", {"en-US": "Ministry of Health", "pt-BR": "Ministério da Saúde"})
    ]
    assert [w.endswith("no de term; entry skipped") for w in german.warnings] == [True, True]


def tbx(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "in.tbx"
    path.write_text(
        f'<?xml version="1.0"?>\n<martif type="TBX" xml:lang="en">\n<text><body>\n{body}\n'
        "</body></text>\n</martif>\n",
        encoding="utf-8",
    )
    return path


def test_minimal_tbx_with_only_terms(tmp_path: Path) -> None:
    path = tbx(
        tmp_path,
        '<termEntry><langSet xml:lang="en"><ntig><termGrp><term>Gala</term></termGrp></ntig>'
        '</langSet><langSet xml:lang="pt"><tig><term/></tig></langSet></termEntry>',
    )
    [gala] = read_tbx(path).terms
    assert fields(gala) == ("Gala", "en", TermKind.OTHER, Policy.KEEP, {}, {}, "")


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        (
            "<termEntry><langSet xml:lang='en'><tig><term>X</term></tig></termEntry>",
            "not well-formed XML",
            4,
        ),
        ("<termEntry>\n</termEntry>", "termEntry without a langSet", 4),
        (
            "<termEntry>\n<langSet><tig><term>X</term></tig></langSet></termEntry>",
            "langSet without xml:lang",
            5,
        ),
        (
            "<termEntry><langSet xml:lang='en'><tig><term>X</term>"
            "<termNote type='administrativeStatus'>deprecatedTerm-admn-sts</termNote></tig>"
            "</langSet></termEntry>",
            "without a usable en term",
            4,
        ),
    ],
)
def test_malformed_tbx_is_one_error_with_its_line(
    tmp_path: Path, body: str, message: str, line: int
) -> None:
    path = tbx(tmp_path, body)
    with pytest.raises(InputError) as raised:
        read_tbx(path)
    assert raised.value.line == line
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_files_that_are_not_tbx_2008(tmp_path: Path) -> None:
    v3 = tmp_path / "v3.tbx"
    v3.write_text(
        '<?xml version="1.0"?><tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" '
        'style="dca" xml:lang="en"><text><body/></text></tbx>',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="TBX v3"):
        read_tbx(v3)
    other = tmp_path / "other.tbx"
    other.write_text("<tmx version='1.4'><body/></tmx>", encoding="utf-8")
    with pytest.raises(InputError, match="root element <tmx>"):
        read_tbx(other)
    latin1 = tmp_path / "latin1.tbx"
    latin1.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<martif>\n<text>Ir\xe3</text></martif>'
    )
    with pytest.raises(InputError, match="not well-formed XML") as raised:
        read_tbx(latin1)
    assert raised.value.line == 3


def test_read_terms_dispatches_on_the_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_terms(tmp_path / "missing.tbx")
    with pytest.raises(InputError, match="no such file"):
        read_terms(tmp_path / "missing.csv")
    with pytest.raises(InputError, match=r"cannot import '\.xlsx' files"):
        read_terms(tmp_path / "terms.xlsx")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        read_terms(tmp_path / "folder.csv")
    with pytest.raises(TransflowError, match="only chosen for TBX"):
        read_terms(tmp_path / "terms.csv", "en")
    assert read_terms(DATA / "other-tool.tbx").terms[0].text == "Ministry of Health"


def test_control_characters_cannot_be_exported() -> None:
    with pytest.raises(TransflowError, match=re.escape("'Ba\\x01ku' holds control characters")):
        export_tbx([new_term("Ba\x01ku")])


def test_csv_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(export_csv(TERMS), encoding="utf-8")
    imported = read_csv(path)
    assert [fields(term) for term in imported.terms] == [fields(term) for term in TERMS]
    assert export_csv(TERMS).splitlines()[0] == (
        "term,source_lang,kind,policy,de,en,forbidden_fr,pt,forbidden_pt,pt-BR,ru,note"
    )


def test_broken_csv_import_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text("term,source_lang,kind,policy\nBaku,en,town,keep\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"terms\.csv:2: unknown kind 'town'"):
        read_csv(path)
    path.write_text("source,target\nBaku,Bacu\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"terms\.csv:1: header lacks column"):
        read_csv(path)


def test_csv_import_reports_repeated_rows_as_warnings(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(
        "term,source_lang,kind,policy\nBaku,en,place,keep\nBaku,en,place,keep\n", encoding="utf-8"
    )
    imported = read_csv(path)
    assert [term.text for term in imported.terms] == ["Baku"]
    assert imported.warnings == [f"{path}:3: warning: 'Baku' repeats {path}:2"]
