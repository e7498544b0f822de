from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from stakeholders.forms import IsoDateInput, StyledFormMixin
from stakeholders.models import Street


class ReportFilterForm(StyledFormMixin, forms.Form):
    """Street (only those in the user's scope), project status, a date range."""

    street = forms.ModelChoiceField(
        label=_("Street"), queryset=Street.objects.none(), required=False, empty_label=_("All in my scope")
    )
    status = forms.ChoiceField(
        label=_("Project status"), required=False, choices=[("", _("All"))] + list(Project.Status.choices)
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=IsoDateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=IsoDateInput())

    def __init__(self, *args, street_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        streets = Street.objects.order_by("district", "name")
        self.fields["street"].queryset = streets if street_ids is None else streets.filter(pk__in=street_ids)
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the range comes before its start."))
        return data


class AuditFilterForm(StyledFormMixin, forms.Form):
    project = forms.CharField(label=_("Project code"), required=False, max_length=40)
    user = forms.CharField(label=_("User (username or phone)"), required=False, max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class GuideForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("The page (paragraphs separated by an empty line)"),
        max_length=20000,
        required=False,  # the service says what to write
        widget=forms.Textarea(attrs={"rows": 14}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
