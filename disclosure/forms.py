from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import StyledFormMixin


class ReceiptForm(StyledFormMixin, forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt code"),
        max_length=20,
        help_text=_("The code shown once when you voted (or written on your paper ballot's copy)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
