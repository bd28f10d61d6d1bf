"""Forms for cases: open one, record a session, set a goal, write a note, log a counselling contact."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tonle.accounts.models import Role, User
from tonle.cases.models import CaseKind, Goal, GoalProgress, RiskLevel, SessionTopic
from tonle.lib.forms import DATE_INPUT, preselect_only_choice
from tonle.programs.models import Project


class CaseOpenForm(forms.Form):
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none())
    kind = forms.ChoiceField(label=_("kind of support"), choices=CaseKind.choices)
    worker = forms.ModelChoiceField(label=_("assigned worker"), queryset=User.objects.none())
    opened_on = forms.DateField(label=_("opened on"), widget=DATE_INPUT)
    risk = forms.ChoiceField(label=_("risk"), choices=RiskLevel.choices, initial=RiskLevel.LOW)
    consent_given = forms.BooleanField(
        label=_("She consents to this support and to notes being kept"), required=False
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["worker"].queryset = User.objects.filter(
            is_active=True, role__in=[Role.FIELD_OFFICER, Role.SMART_WOMAN, Role.ME_MANAGER]
        ).order_by("first_name", "username")
        self.fields["worker"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} · {u.get_role_display()}"
        )
        self.fields["opened_on"].initial = timezone.localdate()
        preselect_only_choice(self, "project")


class SessionForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE_INPUT)
    duration_minutes = forms.IntegerField(
        label=_("minutes"), min_value=1, max_value=600, initial=30
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("topics"),
        queryset=SessionTopic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("notes (restricted)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    follow_up_on = forms.DateField(label=_("follow-up on"), widget=DATE_INPUT, required=False)

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=goal.description, choices=GoalProgress.choices, initial=goal.progress
            )

    def goal_progress(self) -> dict[int, str]:
        return {goal.pk: self.cleaned_data[f"goal_{goal.pk}"] for goal in self.goals}


class CounsellingContactForm(SessionForm):
    participant = forms.ModelChoiceField(label=_("woman supported"), queryset=None)
    new_goal = forms.CharField(
        label=_("a new goal she sets (optional)"), required=False, max_length=300
    )
    field_order = ["participant", "date", "duration_minutes", "topics"]

    def __init__(self, *args: Any, mentees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = mentees


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["description", "target_date"]
        widgets = {"target_date": DATE_INPUT}


class NoteForm(forms.Form):
    text = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("closed on"), widget=DATE_INPUT)
