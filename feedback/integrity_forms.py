"""Forms of the integrity channel: the report (no sign-in needed), the tracking code, a message,
the inspection office's answer."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import StyledFormMixin
from stakeholders.models import Street

from .models import IntegrityReport


class IntegrityReportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it about"),
        widget=forms.RadioSelect,
        choices=IntegrityReport.Kind.choices,
        error_messages={"required": _("Choose what the report is about: misconduct, or the use of the money.")},
    )
    street = forms.ModelChoiceField(
        label=_("Street (街道) where it happened"),
        queryset=Street.objects.order_by("name"),
        empty_label=_("Choose the street"),
        error_messages={
            "required": _("Choose the street (街道) where it happened."),
            "invalid_choice": _("Choose the street (街道) where it happened."),
        },
    )
    text = forms.CharField(
        label=_("What happened"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Who, what, when, where, as far as you know; what you saw or were asked for. Do not write your own "
            "name here unless you want the office to know it."
        ),
        error_messages={"required": _("Say what happened: who, what, when, where, as far as you know.")},
    )
    contact = forms.CharField(
        label=_("How the office may reach you (optional)"),
        max_length=100,
        required=False,
        help_text=_(
            "A phone number or e-mail, seen by the discipline-inspection office only. Leave it empty to stay anonymous."
        ),
    )
    link_account = forms.BooleanField(
        label=_("Link it to my account, so I am told when it is answered (only the inspection office sees who I am)"),
        required=False,
    )
    submission_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        if not signed_in:
            del self.fields["link_account"]
        self._style()


class TrackingCodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        help_text=_("The code shown once when you filed the report, e.g. K7QH-3MPA-X9CD-2TRE."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Type the tracking code you were given.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class IntegrityMessageForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Add to your report"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what you want to add.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class IntegrityAnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Answer (the reporter reads it through the tracking code)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the answer the reporter will read through the tracking code.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
