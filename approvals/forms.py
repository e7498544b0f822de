"""The parallel approvals' forms: the submission, a decision, a resubmission, a catalog matter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import CatalogItem, Project
from stakeholders.forms import StyledForm
from stakeholders.models import Organization

from .permissions import DECIDING_KINDS


class SubmitForm(StyledForm):
    note = forms.CharField(
        label=_("Note to the departments"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    document = forms.FileField(
        label=_("Shared documents (one PDF or image, optional)"),
        required=False,
        help_text=_(
            "The adopted plan and its drawings go with it; the departments see this file, the public does not."
        ),
    )


class DecideForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("conditions", _("Approve with conditions")),
            ("return", _("Return with reasons")),
        ],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Conditions or reasons"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to approve with conditions or to return. Public on the project's page."),
    )


class ResubmitForm(StyledForm):
    note = forms.CharField(label=_("What was changed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MatterForm(StyledForm):
    name = forms.CharField(label=_("Matter"), max_length=120)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Organization.objects.filter(kind__in=DECIDING_KINDS, is_active=True).order_by("kind", "name"),
        empty_label=_("— choose —"),
    )
    time_limit = forms.IntegerField(label=_("Time limit (working days)"), min_value=1, max_value=120)
    documents = forms.CharField(
        label=_("Documents required"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    project_kinds = forms.MultipleChoiceField(
        label=_("Project kinds (none ticked: every kind)"),
        required=False,
        choices=Project.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Plan items that trigger it (none chosen: every plan)"),
        required=False,
        queryset=CatalogItem.objects.order_by("position"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
