"""Forms of the year's plan and the negative list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import StyledForm

from .models import CatalogItem, Project


class OpenYearForm(StyledForm):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        error_messages={"required": _("Say which year."), "invalid": _("A year, such as 2027.")},
    )
    note = forms.CharField(
        label=_("Note to the street offices"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposeForm(StyledForm):
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        empty_label=_("Choose a project"),
        error_messages={"required": _("Choose the project to propose.")},
    )
    reason = forms.CharField(
        label=_("Why this estate, this year"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Residents' willingness, the state of the buildings, what is ready."),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.estate.name} · {p.get_status_display()}"


class EntryDecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm it in the plan")), ("decline", _("Decline, with a reason"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose confirm or decline.")},
    )
    answer = forms.CharField(
        label=_("Reason (required to decline)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExclusionForm(StyledForm):
    name = forms.CharField(label=_("What may not be paid for"), max_length=120)
    reason = forms.CharField(label=_("Why (the rule)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    keywords = forms.CharField(
        label=_("Words that mark it"),
        required=False,
        max_length=300,
        help_text=_(
            "Separated by commas or 、 (e.g. 拆除重建、推倒重建): a plan item whose description has one is refused."
        ),
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Catalog items it covers"),
        required=False,
        queryset=CatalogItem.objects.order_by("position", "id"),
        widget=forms.CheckboxSelectMultiple,
    )
