"""Review decisions on a real queue (translated by the copy model), from Python."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest

from builders import REPO_GLOSSARY, edit_by_hand, without_quotation_marks
from transflow.engines.argos import ArgosEngine
from transflow.glossary.model import Glossary, load_glossary
from transflow.queue.model import (
    MachineOutput,
    Queue,
    ReviewAction,
    Segment,
    SegmentConfidence,
    State,
    assessment_id,
    segment_id,
)
from transflow.queue.pofile import locked, read_queue, write_queue
from transflow.queue.review import (
    GlossaryChecker,
    GlossaryConfirmationNeeded,
    Neighbour,
    QueueItem,
    QueueOrder,
    ReviewConflict,
    ReviewDesk,
    Reviewer,
    ReviewError,
    TermMark,
    load_queue,
    resolve_reviewer,
)
from transflow.translation.pipeline import translate_article

ARTICLE = Path("articles/azerbaijan-israel-presidents-baku.txt")
PO = Path("locales/pt/azerbaijan-israel-presidents-baku.po")
NOON = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def checker(workspace: Path, argos_packages: Path) -> GlossaryChecker:
    """The sample article queued with the shipped glossary; its checker."""
    glossary = load_glossary([REPO_GLOSSARY])
    translate_article(
        ARTICLE, target="pt", engine=ArgosEngine(), terms=glossary.for_pair("en", "pt")
    )
    return GlossaryChecker(glossary)


def desk(checker: GlossaryChecker, name: str | Reviewer = "Ana Lima") -> ReviewDesk:
    return ReviewDesk(name, checker, clock=lambda: NOON)


def entry(item_id: str) -> Segment:
    segment = read_queue(PO).find(item_id)
    assert segment is not None
    return segment


def termless(checker: GlossaryChecker) -> list[QueueItem]:
    """Entries without protected terms: any edit passes the glossary check."""
    return [i for i in load_queue([read_queue(PO)], checker=checker) if not i.terms]


def test_queue_in_article_order_with_context(checker: GlossaryChecker) -> None:
    queue_file = read_queue(PO)
    items = load_queue([queue_file], checker=checker)
    assert [item.msgid for item in items] == [s.source for s in queue_file.active]
    assert {item.state for item in items} == {State.MACHINE}
    assert all(item.id == segment_id(item.msgid) for item in items)
    third = items[2]
    assert third.position == 3 and third.file_total == len(items)
    assert third.previous == Neighbour(items[1].msgid, items[1].msgstr)
    assert third.next == Neighbour(items[3].msgid, items[3].msgstr)
    assert items[0].previous is None and items[-1].next is None
    assert third.article == ARTICLE.as_posix()
    assert third.language == "pt"


class CountingChecker(GlossaryChecker):
    """The real checker, counting the entries it checks."""

    def __init__(self, glossary: Glossary) -> None:
        super().__init__(glossary)
        self.checked = 0

    def marks(
        self, queue: Queue, source: str, translation: str
    ) -> tuple[tuple[TermMark, ...], tuple[str, ...]]:
        self.checked += 1
        return super().marks(queue, source, translation)


def retranslated(segment: Segment, text: str) -> Segment:
    """The segment as a decision would save it with ``text`` (what ``refresh`` is given)."""
    return replace(segment, translation=text)


def test_article_order_checks_an_entry_only_when_it_is_shown(checker: GlossaryChecker) -> None:
    counting = CountingChecker(checker.glossary)
    queue = load_queue([read_queue(PO)], checker=counting)
    assert counting.checked == 0 and len(queue) > 5
    first = queue[0]
    assert counting.checked == 1
    assert queue[0] is first and counting.checked == 1  # built once
    assert queue[-1].position == len(queue) and queue[1:3] == [queue[1], queue[2]]
    edited = queue.refresh(0, retranslated(queue.segment(0), first.msgstr + " (1999)"))
    assert queue[0] is edited and edited.msgstr.endswith("(1999)")
    assert first.warnings == () and edited.warnings == ()  # added text is not a loss
    dated = next(i for i, item in enumerate(queue) if "2023-2028" in item.msgid)
    assert queue[dated].warnings == ()
    lost = queue.refresh(
        dated, retranslated(queue.segment(dated), queue[dated].msgstr.replace("2028", ""))
    )
    assert lost.warnings == ("number '2028' missing",)
    eager = load_queue([read_queue(PO)], checker=counting, order=QueueOrder.RISK)
    assert counting.checked >= 4 + len(eager)  # risk order checks every entry to sort
    assert sorted(item.id for item in eager) == sorted(item.id for item in queue)


def test_term_marks_point_into_the_source(checker: GlossaryChecker) -> None:
    items = load_queue([read_queue(PO)], checker=checker)
    item = next(i for i in items if i.msgid.startswith("On 30 May"))
    assert [(item.msgid[m.start : m.end], m.target_form, m.correct) for m in item.terms] == [
        ("Azerbaijan", "Azerbaijão", True),
        ("Ilham Aliyev", "Ilham Aliyev", True),
        ("Israel", "Israel", True),
        ("Isaac Herzog", "Isaac Herzog", True),
        ("Baku", "Baku", True),
    ]
    assert not item.flagged


def test_lost_numbers_and_quotation_marks_are_shown_as_warnings(checker: GlossaryChecker) -> None:
    assert all(item.warnings == () for item in load_queue([read_queue(PO)], checker=checker))
    quoted = edit_by_hand(PO, "“", without_quotation_marks)
    dated = edit_by_hand(PO, "2023-2028", lambda text: text.replace("2028", ""))
    warned = {
        item.msgid: item.warnings
        for item in load_queue([read_queue(PO)], checker=checker)
        if item.warnings
    }
    assert warned == {
        quoted: ("quotation marks missing (2 in the source, 0 here)",),
        dated: ("number '2028' missing",),
    }


def test_approve_keeps_the_machine_translation_and_records_who(checker: GlossaryChecker) -> None:
    item = load_queue([read_queue(PO)], checker=checker)[4]
    decision = desk(checker).approve(PO, item.id, seen=item.msgstr)
    assert (decision.action, decision.before, decision.after) == (
        ReviewAction.APPROVED,
        item.msgstr,
        item.msgstr,
    )
    saved = entry(item.id)
    assert saved.state is State.APPROVED
    assert saved.machine is not None and saved.machine.text == item.msgstr
    [record] = saved.history
    assert (record.action, record.reviewer, record.at) == (
        ReviewAction.APPROVED,
        "Ana Lima",
        "2026-11-29T12:00:00+00:00",
    )
    assert saved.reviewer == "Ana Lima"
    queue_file = read_queue(PO)
    assert queue_file.last_translator == "Ana Lima"
    assert queue_file.revision_date == "2026-11-29 12:00+0000"
    metadata = polib.pofile(str(PO)).metadata  # as other gettext tools read the header
    assert metadata["Last-Translator"] == "Ana Lima"
    assert metadata["PO-Revision-Date"] == "2026-11-29 12:00+0000"
    assert item.id not in {i.id for i in load_queue([read_queue(PO)], checker=checker)}


def test_a_reviewer_with_an_address_is_the_last_translator(checker: GlossaryChecker) -> None:
    item = load_queue([read_queue(PO)], checker=checker)[4]
    desk(checker, "Ana Lima <ana@example.org>").approve(PO, item.id, seen=item.msgstr)
    [record] = entry(item.id).history
    assert (record.reviewer, record.email) == ("Ana Lima", "ana@example.org")
    assert read_queue(PO).last_translator == "Ana Lima <ana@example.org>"
    assert polib.pofile(str(PO)).metadata["Last-Translator"] == "Ana Lima <ana@example.org>"


def test_edit_replaces_the_translation_and_keeps_the_engine_output(
    checker: GlossaryChecker,
) -> None:
    item = termless(checker)[0]
    desk(checker).edit(PO, item.id, "Legenda revista.", seen=item.msgstr)
    saved = entry(item.id)
    assert saved.translation == "Legenda revista."
    assert saved.state is State.APPROVED
    assert saved.machine is not None and saved.machine.text == item.msgstr
    assert saved.history[-1].action is ReviewAction.EDITED
    assert saved.history[-1].text == "Legenda revista."


def test_reject_keeps_the_entry_in_the_queue_with_its_note(checker: GlossaryChecker) -> None:
    items = load_queue([read_queue(PO)], checker=checker)
    desk(checker).reject(PO, items[6].id, "wrong tense", seen=items[6].msgstr)
    saved = entry(items[6].id)
    assert saved.state is State.NEEDS_WORK and saved.state.awaiting_review
    assert not saved.approved and saved.translation == items[6].msgstr
    assert (saved.history[-1].action, saved.history[-1].note) == (
        ReviewAction.REJECTED,
        "wrong tense",
    )
    assert saved.rejection_note == "wrong tense"
    # Stored as a review record, not as a flag other tools drop: the entry stays fuzzy.
    [stored] = [e for e in polib.pofile(str(PO)) if e.msgid == items[6].msgid]
    assert stored.flags == ["fuzzy"]
    assert '"action": "rejected"' in stored.tcomment
    again = load_queue([read_queue(PO)], checker=checker, order=QueueOrder.RISK)
    assert again[0].id == items[6].id
    assert again[0].rejection_note == "wrong tense"
    assert again[0].state is State.NEEDS_WORK
    with pytest.raises(ReviewError, match="needs a note"):
        desk(checker).reject(PO, items[7].id, "  ")


def test_glossary_violation_needs_confirmation_and_records_the_override(
    checker: GlossaryChecker,
) -> None:
    item = next(
        i for i in load_queue([read_queue(PO)], checker=checker) if i.msgid.startswith("On 30")
    )
    broken = item.msgstr.replace("Azerbaijão", "AZERBAIJAN")
    with pytest.raises(GlossaryConfirmationNeeded) as needed:
        desk(checker).edit(PO, item.id, broken, seen=item.msgstr)
    assert needed.value.problems == ("Azerbaijan: expected 'Azerbaijão' 1×, found 0×",)
    assert entry(item.id).translation == item.msgstr  # nothing saved

    decision = desk(checker).edit(PO, item.id, broken, seen=item.msgstr, confirm_glossary=True)
    assert decision.glossary_override
    assert entry(item.id).history[-1].glossary_override


def test_a_clash_on_the_same_entry_is_refused_naming_who(checker: GlossaryChecker) -> None:
    item = termless(checker)[1]
    desk(checker, "Ana Lima").edit(PO, item.id, "Versão da Ana.", seen=item.msgstr)
    with pytest.raises(ReviewConflict, match="changed by Ana Lima at 2026-11-29T12:00:00"):
        desk(checker, "Bruno Reis").approve(PO, item.id, seen=item.msgstr)
    assert entry(item.id).translation == "Versão da Ana."


def test_two_reviewers_on_different_entries_lose_nothing(checker: GlossaryChecker) -> None:
    items = termless(checker)
    assert len(items) >= 3
    ana, bruno = desk(checker, "Ana"), desk(checker, "Bruno")
    for index, item in enumerate(items):
        reviewer = ana if index % 2 else bruno
        reviewer.edit(PO, item.id, f"Versão {index}.", seen=item.msgstr)
    saved = {s.id: s for s in read_queue(PO).active}
    assert [saved[item.id].translation for item in items] == [
        f"Versão {i}." for i in range(len(items))
    ]
    assert [saved[item.id].reviewer for item in items] == [
        "Ana" if index % 2 else "Bruno" for index in range(len(items))
    ]


def test_a_hand_edit_between_decisions_is_kept(checker: GlossaryChecker) -> None:
    items = load_queue([read_queue(PO)], checker=checker)
    with locked(PO):  # as Poedit would: another entry changed on disk
        catalog = polib.pofile(str(PO), wrapwidth=0)
        other = next(e for e in catalog if e.msgid == items[1].msgid)
        other.msgstr = "Mudado à mão."
        catalog.save(str(PO))
    desk(checker).approve(PO, items[0].id, seen=items[0].msgstr)
    kept = entry(items[1].id)
    assert kept.translation == "Mudado à mão."
    assert kept.state is State.EDITED  # a human translation, still awaiting review
    with pytest.raises(ReviewConflict, match="hand edit or another tool"):
        desk(checker).approve(PO, items[1].id, seen=items[1].msgstr)


def test_approve_unflagged_skips_violations(checker: GlossaryChecker) -> None:
    items = load_queue([read_queue(PO)], checker=checker)
    target = next(i for i in items if i.msgid.startswith("On 30"))
    with locked(PO):
        queue_file = read_queue(PO)
        broken = queue_file.find(target.id)
        assert broken is not None
        broken.translation = broken.translation.replace("Baku", "Bacu")
        write_queue(queue_file, PO)
    assert checker.is_flagged(read_queue(PO), entry(target.id))
    decisions = desk(checker).approve_unflagged(PO)
    assert len(decisions) == len(items) - 1
    remaining = load_queue([read_queue(PO)], checker=checker)
    assert [item.id for item in remaining] == [target.id]
    assert remaining[0].flagged
    flagged = load_queue([read_queue(PO)], checker=checker, flagged_only=True)
    assert [item.id for item in flagged] == [target.id]


def test_unknown_entry_id(checker: GlossaryChecker) -> None:
    with pytest.raises(ReviewError, match="no entry deadbeef"):
        desk(checker).approve(PO, "deadbeef")


def test_reviewer_name_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git_config = tmp_path / "gitconfig"
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(git_config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRANSFLOW_REVIEWER", raising=False)
    with pytest.raises(ReviewError, match="--reviewer"):
        resolve_reviewer(None)
    if shutil.which("git"):
        subprocess.run(["git", "config", "--global", "user.name", "Git Name"], check=True)
        assert resolve_reviewer(None) == Reviewer("Git Name")
        subprocess.run(["git", "config", "--global", "user.email", "git@example.org"], check=True)
        assert resolve_reviewer(None) == Reviewer("Git Name", "git@example.org")
        # git's address goes only with git's name.
        assert resolve_reviewer("Git Name") == Reviewer("Git Name", "git@example.org")
    monkeypatch.setenv("TRANSFLOW_REVIEWER", "Env Name")
    assert resolve_reviewer(None) == Reviewer("Env Name")
    assert resolve_reviewer("Option Name") == Reviewer("Option Name")
    assert resolve_reviewer("Ann Lee <ann@example.org>") == Reviewer("Ann Lee", "ann@example.org")
    assert str(resolve_reviewer("Ann Lee <ann@example.org>")) == "Ann Lee <ann@example.org>"


def test_risk_order_puts_the_least_confident_first_after_flags() -> None:
    def entry(source: str, score: float, confidence: float | None, stale: bool = False) -> Segment:
        translation = source.upper()
        recorded = None
        if confidence is not None:
            of = assessment_id(source, "an older translation" if stale else translation)
            recorded = SegmentConfidence(confidence, ("back-translation lost: 'not'",), True, of)
        machine = MachineOutput(translation, "argos", "t", score)
        return Segment(source, translation, machine=machine, confidence=recorded)

    queue = Queue("en", "pt", "story.txt")
    queue.segments = [
        entry("Sure.", -0.1, 0.95),
        entry("Edited since, unsure engine.", -2.0, 0.01, stale=True),  # ranks by its score
        entry("Doubtful.", -0.1, 0.05),
        entry("Unassessed, unsure engine.", -1.5, None),
        entry("Middling.", -0.1, 0.4),
        entry("Unassessed, sure engine.", -0.2, None),
    ]
    ordered = load_queue([queue], order=QueueOrder.RISK)
    assert [item.msgid for item in ordered] == [
        "Doubtful.",
        "Middling.",
        "Sure.",
        "Edited since, unsure engine.",
        "Unassessed, unsure engine.",
        "Unassessed, sure engine.",
    ]
    assert ordered[0].confidence is not None and ordered[0].confidence.value == 0.05
    assert ordered[3].confidence is None  # recorded for another translation: not shown
