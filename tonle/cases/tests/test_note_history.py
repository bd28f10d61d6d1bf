"""Case notes keep their history, and the history is as restricted as the notes."""

from django.contrib import admin

from tonle.accounts.models import AccessAction, AccessLog
from tonle.cases.models import CaseNote
from tonle.cases.selectors import case_note_history_for_user
from tonle.cases.services import note_add


def test_a_note_written_is_kept_in_the_history_with_who_wrote_it(world, mentor_case):
    note = note_add(by=world.officer_a, case=mentor_case, text="Her ID card is ready.")
    assert list(note.history.values_list("history_type", "history_user", "text")) == [
        ("+", world.officer_a.pk, "Her ID card is ready.")
    ]


def test_a_deleted_note_stays_in_the_history(world, mentor_case):
    note = mentor_case.notes.get()
    note._history_user = world.manager
    note.delete()
    versions = case_note_history_for_user(user=world.manager, case=mentor_case)
    assert [(v.history_type, v.text) for v in versions] == [
        ("-", "She fears her husband's debts."),
        ("+", "She fears her husband's debts."),
    ]


def test_the_note_history_is_read_only_by_those_who_read_the_notes_and_is_logged(
    world, mentor_case
):
    # The administrator sees the case but not its notes: nor their history.
    assert case_note_history_for_user(user=world.admin, case=mentor_case) is None
    assert not AccessLog.objects.filter(user=world.admin, record_type="case-notes").exists()
    versions = case_note_history_for_user(user=world.officer_a, case=mentor_case)  # supervisor
    assert [v.text for v in versions] == ["She fears her husband's debts."]
    assert AccessLog.objects.filter(
        user=world.officer_a, action=AccessAction.READ, record_type="case-notes"
    ).exists()


def test_neither_the_notes_nor_their_history_are_in_the_admin():
    registered = set(admin.site._registry)
    assert CaseNote not in registered
    assert CaseNote.history.model not in registered
