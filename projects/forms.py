from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import StyledFormMixin


class TransitionForm(StyledFormMixin, forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (shown on the project's timeline)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
