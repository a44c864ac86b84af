"""XLIFF exchange (``transflow.queue.xliff`` and ``transflow.queue.exchange``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from translate.storage.xliff import xlifffile

from builders import REPO_GLOSSARY
from transflow.errors import InputError
from transflow.glossary.model import load_glossary
from transflow.queue.exchange import export_queue_xliff, import_xliff
from transflow.queue.model import (
    MachineOutput,
    Queue,
    Reference,
    ReviewAction,
    ReviewRecord,
    Segment,
    State,
)
from transflow.queue.pofile import read_queue, write_queue
from transflow.queue.xliff import MATCHES_2, XLIFF_2, XLIFF_12, XliffVersion, export_xliff

ARTICLE = "articles/story.md"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


BREAKING_PT = "**Última hora:** as conversações [recomeçaram](https://example.org/talks) hoje."


def _queue() -> Queue:
    machine = MachineOutput(
        "O presidente visitou Baku.", "bergamot", "m", alternatives=("O Presidente foi a Baku.",)
    )
    return Queue(
        "en",
        "pt",
        ARTICLE,
        [
            Segment(
                "The president visited Baku.",
                machine.text,
                machine=machine,
                references=[Reference(ARTICLE, 1)],
            ),
            Segment(
                "**Breaking:** talks [resumed](https://example.org/talks) today.",
                BREAKING_PT,
                machine=MachineOutput(BREAKING_PT, "bergamot", "m"),
                references=[Reference(ARTICLE, 3)],
            ),
            Segment(
                "Approved already.",
                "Já aprovado.",
                approved=True,
                history=[ReviewRecord(ReviewAction.APPROVED, "Ann", "2025-01-01T10:00:00+00:00")],
                references=[Reference(ARTICLE, 5)],
            ),
            Segment(
                "Rejected.",
                "Rejeitado.",
                machine=MachineOutput("Rejeitado.", "bergamot", "m"),
                history=[
                    ReviewRecord(ReviewAction.REJECTED, "Bo", "2025-01-01T11:00:00+00:00", "tone")
                ],
                references=[Reference(ARTICLE, 7)],
            ),
        ],
        revision_date="2025-01-01 11:00+0000",
    )


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "articles").mkdir()
    (tmp_path / ARTICLE).write_text("placeholder\n", encoding="utf-8")
    write_queue(_queue(), tmp_path / "locales" / "pt" / "story.po")
    return tmp_path


def _export(workspace: Path, version: XliffVersion = XliffVersion.V1_2) -> Path:
    data = export_queue_xliff(
        Path(ARTICLE),
        language="pt",
        locales_dir=Path("locales"),
        version=version,
        glossary=load_glossary([REPO_GLOSSARY]),
    )
    path = workspace / f"story-{version}.xlf"
    path.write_bytes(data)
    return path


def _import(path: Path) -> object:
    return import_xliff(path, locales_dir=Path("locales"), reviewer="Fay", clock=lambda: NOW)


def test_translate_toolkit_reads_every_unit_state_and_note(workspace: Path) -> None:
    store = xlifffile.parsefile(str(_export(workspace)))
    units = [unit for unit in store.units if not unit.isheader()]
    queue = _queue()
    assert [unit.xmlelement.get("id") for unit in units] == [
        segment.id for segment in queue.segments
    ]
    assert [unit.source for unit in units] == [segment.source for segment in queue.segments]
    assert [unit.target for unit in units] == [segment.translation for segment in queue.segments]
    assert [unit.isapproved() for unit in units] == [False, False, True, False]
    assert [unit.get_state_id() is not None for unit in units] == [True] * 4
    assert "protected term: Baku → Baku" in units[0].getnotes()
    assert "needs work: tone" in units[3].getnotes()
    assert [alt.target for alt in units[0].getalttrans()] == ["O Presidente foi a Baku."]


def test_markdown_travels_as_inline_codes_and_comes_back_exactly(workspace: Path) -> None:
    root = etree.parse(str(_export(workspace))).getroot()
    source = root.findall(f".//{{{XLIFF_12}}}trans-unit")[1].find(f"{{{XLIFF_12}}}source")
    assert [code.text for code in source.findall(f"{{{XLIFF_12}}}ph")] == [
        "**",
        "**",
        "[",
        "](https://example.org/talks)",
    ]
    assert "**" not in (source.text or "")


@pytest.mark.parametrize("version", list(XliffVersion))
def test_an_untouched_round_trip_changes_nothing(workspace: Path, version: XliffVersion) -> None:
    po_file = workspace / "locales" / "pt" / "story.po"
    before = po_file.read_bytes()
    result = _import(_export(workspace, version))
    assert not result.report.changed and not result.report.clashes and not result.report.stale
    assert po_file.read_bytes() == before


def _edit_unit(path: Path, source: str, target: str, state: str) -> None:
    tree = etree.parse(str(path))
    for unit in tree.getroot().iter(f"{{{XLIFF_12}}}trans-unit"):
        if "".join(unit.find(f"{{{XLIFF_12}}}source").itertext()) == source:
            element = unit.find(f"{{{XLIFF_12}}}target")
            for child in list(element):
                element.remove(child)
            element.text = target
            element.set("state", state)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def test_a_freelancers_edits_import_as_edited_or_approved(workspace: Path) -> None:
    path = _export(workspace)
    _edit_unit(path, "The president visited Baku.", "O Presidente visitou Baku.", "translated")
    _edit_unit(path, "Rejected.", "Corrigido.", "signed-off")
    report = _import(path).report
    assert (len(report.edited), len(report.approved), report.unchanged) == (1, 1, 2)
    queue = read_queue(workspace / "locales" / "pt" / "story.po")
    edited, _, _, fixed = queue.segments
    assert (edited.translation, edited.state) == ("O Presidente visitou Baku.", State.EDITED)
    assert edited.history[-1].reviewer == "Fay"
    assert edited.history[-1].action is ReviewAction.SUBMITTED
    assert edited.machine is not None and edited.machine.text == "O presidente visitou Baku."
    assert (fixed.translation, fixed.state) == ("Corrigido.", State.APPROVED)
    assert fixed.history[-1].action is ReviewAction.EDITED


def test_an_approved_translation_is_never_overwritten(workspace: Path) -> None:
    path = _export(workspace)
    _edit_unit(path, "Approved already.", "Outra coisa.", "translated")
    before = (workspace / "locales" / "pt" / "story.po").read_bytes()
    report = _import(path).report
    assert len(report.clashes) == 1 and "Já aprovado." in report.clashes[0]
    assert (workspace / "locales" / "pt" / "story.po").read_bytes() == before


def test_units_whose_source_left_the_article_are_reported_not_applied(workspace: Path) -> None:
    path = _export(workspace)
    text = path.read_text(encoding="utf-8").replace("Rejected.", "Rejected, changed.")
    path.write_text(text, encoding="utf-8")
    report = _import(path).report
    assert len(report.stale) == 1 and "Rejected, changed." in report.stale[0]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text[: len(text) // 2], "malformed XLIFF"),
        (lambda text: text.replace('target-language="pt"', 'target-language="de"'), "no queue"),
        (lambda text: text.replace(f'original="{ARTICLE}"', 'original="other.md"'), "no queue"),
        (
            lambda text: text.replace('target-language="pt"', 'target-language="xx"'),
            "not a language tag",
        ),
        (lambda _: "<html><body>hello</body></html>", "not an XLIFF"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(workspace: Path, damage, message: str) -> None:
    path = _export(workspace)
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    po_file = workspace / "locales" / "pt" / "story.po"
    before = po_file.read_bytes()
    with pytest.raises(InputError, match=message) as raised:
        _import(path)
    assert str(raised.value).startswith(str(path))
    assert po_file.read_bytes() == before


def test_a_binary_file_is_refused(workspace: Path) -> None:
    path = workspace / "image.xlf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(InputError, match="binary"):
        _import(path)


def test_xliff_21_uses_the_oasis_namespaces_and_attributes(workspace: Path) -> None:
    root = etree.parse(str(_export(workspace, XliffVersion.V2_1))).getroot()
    assert root.tag == f"{{{XLIFF_2}}}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.1", "en", "pt")
    files = root.findall(f"{{{XLIFF_2}}}file")
    assert len(files) == 1 and files[0].get("id") and files[0].get("original") == ARTICLE
    units = files[0].findall(f"{{{XLIFF_2}}}unit")
    assert [unit.get("id") for unit in units] == [segment.id for segment in _queue().segments]
    states = {"initial", "translated", "reviewed", "final"}
    for unit in units:
        segment = unit.find(f"{{{XLIFF_2}}}segment")
        assert segment.get("state") in states
        sub_state = segment.get("subState")
        assert sub_state is None or sub_state.startswith("transflow:")
        # core children in the order the specification requires
        core = [child.tag.split("}")[1] for child in unit if child.tag.startswith(f"{{{XLIFF_2}}}")]
        assert core == sorted(core, key=["notes", "originalData", "segment"].index)
        # every inline code points at the original data of its unit or match
        for holder in [unit, *unit.iter(f"{{{MATCHES_2}}}match")]:
            original = holder.find(f"{{{XLIFF_2}}}originalData")
            data = {} if original is None else {d.get("id"): d.text for d in original}
            texts = holder.findall(f"{{{XLIFF_2}}}segment/*") + holder.findall(
                f"{{{XLIFF_2}}}source"
            )
            texts += holder.findall(f"{{{XLIFF_2}}}target")
            for text in texts:
                for placeholder in text.iter(f"{{{XLIFF_2}}}ph"):
                    assert placeholder.get("dataRef") in data
    markdown = units[1].find(f"{{{XLIFF_2}}}originalData")
    assert sorted(d.text for d in markdown) == ["**", "[", "](https://example.org/talks)"]
    matches = units[0].find(f"{{{MATCHES_2}}}matches")
    match = matches.find(f"{{{MATCHES_2}}}match")
    assert match.get("ref") and match.get("type") == "mt"
    assert [s.get("state") for s in root.iter(f"{{{XLIFF_2}}}segment")] == [
        "translated",
        "translated",
        "final",
        "translated",
    ]


def test_export_writes_the_queue_as_is(workspace: Path) -> None:
    queue = read_queue(workspace / "locales" / "pt" / "story.po")
    assert export_xliff(queue) == export_xliff(
        read_queue(workspace / "locales" / "pt" / "story.po")
    )
