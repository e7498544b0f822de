"""Forms of the third-party evaluation: the bureau's engagement, a site visit, the report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import IsoDateInput, StyledForm
from stakeholders.models import Organization

from .models import EVALUATION_INDICATORS


class EngageForm(StyledForm):
    evaluator = forms.ModelChoiceField(
        label=_("Evaluator"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose an evaluator"),
        error_messages={"required": _("Choose the evaluator.")},
    )
    project = forms.CharField(
        label=_("Project code"), required=False, max_length=40, help_text=_("One project, e.g. minsheng-jixie-2026.")
    )
    year = forms.IntegerField(
        label=_("Or every project of a plan year"), required=False, min_value=2000, max_value=2100
    )
    scope = forms.CharField(
        label=_("What to evaluate"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = Organization.objects.filter(
            kind=Organization.Kind.EVALUATOR, is_active=True
        ).order_by("name")


class VisitForm(StyledForm):
    visited_on = forms.DateField(label=_("Visited on"), widget=IsoDateInput())
    note = forms.CharField(label=_("What was seen"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(StyledForm):
    findings = forms.CharField(
        label=_("Findings"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Published with the scores. Never name a resident."),
    )
    document = forms.FileField(label=_("The report (PDF)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scores = {
            f"score_{code}": forms.IntegerField(
                label=label,
                min_value=0,
                max_value=100,
                error_messages={
                    "required": _("Give a score from 0 to 100."),
                    "min_value": _("Give a score from 0 to 100."),
                    "max_value": _("Give a score from 0 to 100."),
                    "invalid": _("Give a score from 0 to 100."),
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            for code, label in EVALUATION_INDICATORS
        }
        self.fields = {**scores, **self.fields}
        self._style()

    def score_fields(self):
        return [self[f"score_{code}"] for code, _label in EVALUATION_INDICATORS]

    def scores(self) -> dict[str, int]:
        return {code: self.cleaned_data[f"score_{code}"] for code, _label in EVALUATION_INDICATORS}
